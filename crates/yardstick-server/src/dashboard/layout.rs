//! The frame every dashboard page shares: the head, the core scorecard's style sheet and
//! banner, the run line (time, commits, version), the response headers with the
//! Content-Security-Policy; and the small pieces several pages write (links to entities,
//! scores, levels, statuses).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use yardstick::report::html::{banner, score_band, Text, STYLE};
use yardstick::report::text::{level_text, score_text, status_symbol, NOT_SCORED};
use yardstick::{CheckStatus, Level};
use yardstick_store::Run;

use crate::ApiError;

/// Every dashboard page's Content-Security-Policy: nothing is loaded from anywhere, no
/// script runs, and forms (the filters) only submit to the dashboard itself.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// What stands for a missing score.
pub const MISSING: &str = "\u{2013}";

/// The dashboard's own additions to the scorecard's style sheet.
const DASHBOARD_STYLE: &str = r#"
.runline{margin:0;padding:6px 32px;background:#f0f4f8;border-bottom:1px solid var(--line);color:var(--muted);font-size:12.5px}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:end;margin:14px 0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 14px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
.filters input[type=search],.filters select{font:inherit;padding:3px 6px;min-width:160px}
.filters .check{flex-direction:row;align-items:center;gap:6px;border:none;padding:0;margin:0;background:none}
.trend{width:100%;display:block}
.trend .axis{stroke:#9aa5b1;stroke-width:1}.trend .grid{stroke:#e4e7eb;stroke-width:1}
.trend .line{fill:none;stroke:var(--accent);stroke-width:2.5}.trend .dot{fill:var(--accent)}
.trend text{font-size:11px;fill:var(--muted)}
.spark .line{fill:none;stroke:var(--accent);stroke-width:1.5}.spark .dot{fill:var(--accent)}.spark .base{stroke:#e4e7eb}
.history td.cell{min-width:34px}
"#;

/// A whole page: `title`, the banner (`heading`, `sub`, `status`), the latest `run`'s line
/// and `main`, answered with `status` and the dashboard's headers.
pub struct Page<'a> {
    pub title: &'a str,
    pub heading: &'a str,
    pub sub: Markup,
    pub gate: (&'a str, Markup),
    pub run: Option<&'a Run>,
    pub main: Markup,
}

impl Page<'_> {
    /// The page answered with `status`.
    pub fn respond(self, status: StatusCode) -> Response {
        let page = html! {
            (DOCTYPE) "\n"
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="referrer" content="no-referrer";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (Text(self.title)) " \u{b7} yardstick" }
                    style { (PreEscaped(STYLE)) (PreEscaped(DASHBOARD_STYLE)) }
                } "\n"
                body {
                    (banner(self.heading, &self.sub, self.gate.0, &self.gate.1))
                    nav aria-label="Dashboard" { a href="/" { "Scorecard" } a href="/#trends" { "Trends" } }
                    (run_line(self.run))
                    main { "\n" (self.main) } "\n"
                    footer { "Served by yardstick " (env!("CARGO_PKG_VERSION"))
                        ". These pages load nothing from anywhere and run no script." }
                }
            }
        };
        html_response(status, page.into_string())
    }
}

/// `body` as an HTML answer with the dashboard's security headers.
pub fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// An error as a dashboard page (the API's errors are JSON; a browser gets a page).
pub fn error_page(error: &ApiError, run: Option<&Run>) -> Response {
    let status = error.status();
    let reason = status.canonical_reason().unwrap_or("Error");
    Page {
        title: reason,
        heading: reason,
        sub: html! { (status.as_u16()) " " (error.name()) },
        gate: ("fail", html! { strong { (reason) } }),
        run,
        main: html! {
            h2 { (reason) }
            p { (Text(error.message())) }
            p { a href="/" { "Back to the scorecard" } }
        },
    }
    .respond(status)
}

/// The line under the navigation: the latest run's number, time, commits and version.
fn run_line(run: Option<&Run>) -> Markup {
    html! {
        p class="runline" {
            @match run {
                Some(run) => {
                    "Run " (run.id) " \u{b7} " (time_text(run.at))
                    " \u{b7} " @if run.commits.is_empty() { "commit unknown" } @else {
                        @for (i, commit) in run.commits.iter().enumerate() {
                            @if i > 0 { ", " }
                            code title=(Text(commit)) { (Text(short_commit(commit))) }
                        }
                    }
                    " \u{b7} yardstick " (Text(run.yardstick_version.as_deref().unwrap_or("version unknown")))
                }
                None => { "No run recorded yet." }
            }
        }
    }
}

/// A time as the pages write it: `2026-01-03 02:00 UTC`.
pub fn time_text(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn short_commit(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// The dashboard path of the entity `reference` (`kind:namespace/name`), each part
/// percent-encoded; `None` when the reference is not of that shape.
pub fn entity_path(prefix: &str, reference: &str) -> Option<String> {
    let (kind, rest) = reference.split_once(':')?;
    let (namespace, name) = rest.split_once('/')?;
    Some(format!(
        "{prefix}/{}/{}/{}",
        path_segment(kind),
        path_segment(namespace),
        path_segment(name)
    ))
}

/// `text` percent-encoded for one path segment: only unreserved characters stay.
fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A link to an entity's page (plain text when its reference has no page).
pub fn entity_link(reference: &str) -> Markup {
    html! {
        @match entity_path("/entity", reference) {
            Some(path) => a href=(path) { (Text(reference)) },
            None => (Text(reference)),
        }
    }
}

/// A stored level, as the core's reports name and colour it.
pub fn level_badge(level: Option<&str>) -> Markup {
    let level = level.and_then(parse_level);
    let class = level.map_or("unscored", |l| level_text(Some(l), NOT_SCORED));
    html! { span class={ "badge lv-" (class) } { (level_text(level, NOT_SCORED)) } }
}

/// A stored score, coloured by its band.
pub fn score_cell(score: Option<f64>) -> Markup {
    html! {
        td class={ "num band-" (score_band(score)) "-text" } { (score_text(score, MISSING)) }
    }
}

/// A stored level (`gold` … `none`) as the core's type.
pub fn parse_level(text: &str) -> Option<Level> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
}

/// A stored status (`pass`, `not-applicable`, …) as the core's type.
pub fn parse_status(text: &str) -> Option<CheckStatus> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
}

/// A status cell: the core's symbol on the status's colour.
pub fn status_cell(status: Option<&str>, title: &str) -> Markup {
    let parsed = status.and_then(parse_status);
    let class = match parsed {
        Some(CheckStatus::Pass) => "st-pass",
        Some(CheckStatus::Fail) => "st-fail",
        Some(CheckStatus::Unknown) => "st-unknown",
        Some(CheckStatus::Exempt) => "st-exempt",
        Some(CheckStatus::Error) => "st-error",
        Some(CheckStatus::NotApplicable) | None => "st-na",
    };
    let symbol = match (parsed, status) {
        (Some(s), _) => status_symbol(s),
        (None, Some(_)) => "?",
        (None, None) => "",
    };
    html! {
        td class={ "cell " (class) } title=(Text(title)) { (symbol) }
    }
}
