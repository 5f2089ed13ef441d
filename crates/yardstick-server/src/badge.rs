//! `GET /badge/{kind}/{namespace}/{name}.svg`: an entity's score and level in the latest
//! run as a flat, shields-style SVG badge, for READMEs.
//!
//! A badge is always an image, so that a README never shows a broken one: an entity that
//! is not in the latest run (or a store without runs) answers 404 with a grey
//! `unknown entity` badge, a store that fails answers 503 with an `unavailable` badge.
//! Badges may be cached for five minutes.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use yardstick::report::html::Text;
use yardstick::report::text::{level_text, score_text, NOT_SCORED};
use yardstick::Level;

use crate::state::AppState;

/// How long clients and proxies may keep a badge: short, as runs are recorded daily or
/// more often.
pub const BADGE_CACHE_CONTROL: &str = "public, max-age=300";

/// The badge routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/badge/{kind}/{namespace}/{file}", get(badge))
}

/// `GET /badge/{kind}/{namespace}/{name}.svg`.
async fn badge(
    State(state): State<Arc<AppState>>,
    Path((kind, namespace, file)): Path<(String, String, String)>,
) -> Response {
    let Some(name) = file.strip_suffix(".svg") else {
        return answer(StatusCode::NOT_FOUND, "", "not a badge", GREY);
    };
    let reference = format!("{kind}:{namespace}/{name}");
    let latest = match state.latest().await {
        Ok(latest) => latest,
        Err(_) => {
            return answer(
                StatusCode::SERVICE_UNAVAILABLE,
                &reference,
                "unavailable",
                GREY,
            )
        }
    };
    let Some(entity) = latest.as_ref().and_then(|l| l.entity(&reference)) else {
        return answer(StatusCode::NOT_FOUND, &reference, "unknown entity", GREY);
    };
    let level: Option<Level> = entity
        .level
        .as_deref()
        .and_then(|l| serde_json::from_value(serde_json::Value::String(l.to_string())).ok());
    let value = match entity.score {
        Some(score) => format!(
            "{} \u{b7} {}",
            score_text(Some(score), ""),
            level_text(level, NOT_SCORED)
        ),
        None => NOT_SCORED.to_string(),
    };
    answer(
        StatusCode::OK,
        &entity.reference,
        &value,
        level_colour(level),
    )
}

const GREY: &str = "#9f9f9f";

/// The colour of a level's value side.
fn level_colour(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Gold) => "#c99a06",
        Some(Level::Silver) => "#7b8794",
        Some(Level::Bronze) => "#a5581b",
        Some(Level::None) => "#e05d44",
        None => GREY,
    }
}

fn answer(status: StatusCode, reference: &str, value: &str, colour: &str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, BADGE_CACHE_CONTROL),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        draw("yardstick", value, colour, reference).into_string(),
    )
        .into_response()
}

/// The width in pixels of `text` in 11px Verdana, roughly (as shields measures it), so
/// that the badge fits its text; `textLength` then makes the text fill it exactly.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | ' ' => 3.9,
            'f' | 'r' | 't' | '(' | ')' | '-' | '\u{b7}' => 4.9,
            'm' | 'w' | 'M' | 'W' => 10.7,
            c if c.is_ascii_uppercase() => 7.6,
            _ => 7.0,
        })
        .sum()
}

/// A flat badge: `label` on grey, `value` on `colour`; `about` names it for screen readers.
fn draw(label: &str, value: &str, colour: &str, about: &str) -> Markup {
    let label_text = text_width(label).round();
    let value_text = text_width(value).round();
    let label_width = label_text + 10.0;
    let value_width = value_text + 10.0;
    let width = label_width + value_width;
    let title = if about.is_empty() {
        format!("{label}: {value}")
    } else {
        format!("{label}: {value} ({about})")
    };
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(width) height="20" role="img" aria-label=(Text(&title)) {
            title { (Text(&title)) }
            linearGradient id="s" x2="0" y2="100%" {
                stop offset="0" stop-color="#bbb" stop-opacity=".1" {}
                stop offset="1" stop-opacity=".1" {}
            }
            clipPath id="r" { rect width=(width) height="20" rx="3" fill="#fff" {} }
            g clip-path="url(#r)" {
                rect width=(label_width) height="20" fill="#555" {}
                rect x=(label_width) width=(value_width) height="20" fill=(colour) {}
                rect width=(width) height="20" fill="url(#s)" {}
            }
            g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11" {
                text x=(label_width / 2.0) y="14" textLength=(label_text) { (Text(label)) }
                text x=(label_width + value_width / 2.0) y="14" textLength=(value_text) { (Text(value)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_grows_with_its_text_and_escapes_it() {
        let short = draw("yardstick", "1", GREY, "").into_string();
        let long = draw("yardstick", "100.0 \u{b7} silver", GREY, "<x>").into_string();
        let width = |svg: &str| -> f64 {
            let start = svg.find("width=\"").map_or(0, |i| i + 7);
            svg[start..]
                .split('"')
                .next()
                .and_then(|w| w.parse().ok())
                .unwrap_or(0.0)
        };
        assert!(width(&long) > width(&short) + 50.0);
        assert!(long.contains("(&lt;x&gt;)"));
        assert!(!long.contains("<x>"));
    }
}
