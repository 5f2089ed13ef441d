//! `GET /entity/{kind}/{namespace}/{name}`: one entity's page: its latest results, its
//! score over the runs and each check's status run by run.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use yardstick::report::html::Text;
use yardstick::report::text::{plural, score_text};
use yardstick_store::{EntityHistory, SnapshotEntity};

use super::chart::{line_chart, Point};
use super::layout::{error_page, level_badge, score_cell, status_cell, time_text, Page, MISSING};
use crate::state::AppState;
use crate::ApiError;

/// The most recent runs the check grid shows (the score chart shows them all).
const GRID_RUNS: usize = 30;

/// `GET /entity/{kind}/{namespace}/{name}`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> Response {
    let reference = format!("{kind}:{namespace}/{name}");
    let latest = match state.latest().await {
        Ok(latest) => latest,
        Err(error) => return error_page(&error, None),
    };
    let run = latest.as_ref().map(|l| &l.snapshot.run);
    let history = match state.store().entity_history_by_intervals(&reference).await {
        Ok(Some(history)) => history,
        Ok(None) => {
            let error = ApiError::not_found(format!("no entity {reference} in the history"));
            return error_page(&error, run);
        }
        Err(error) => return error_page(&ApiError::from(error), run),
    };
    let current = latest.as_ref().and_then(|l| l.entity(&reference));
    let shown = history.reference.as_str();
    let (gate, sub) = match current {
        Some(entity) => (
            (
                if entity.level.as_deref() == Some("none") {
                    "fail"
                } else {
                    "pass"
                },
                html! { (level_badge(entity.level.as_deref())) " " strong { (score_text(entity.score, MISSING)) } },
            ),
            html! {
                (Text(&entity.kind)) " \u{b7} owner " (Text(entity.owner.as_deref().unwrap_or(MISSING)))
                " \u{b7} system " (Text(entity.system.as_deref().unwrap_or(MISSING)))
            },
        ),
        None => (
            ("fail", html! { strong { "Not in the latest run" } }),
            html! { "last seen " (history.points.last().map_or_else(String::new, |p| time_text(p.at))) },
        ),
    };
    Page {
        title: shown,
        heading: shown,
        sub,
        gate,
        run,
        main: html! {
            @if let Some(entity) = current { (latest_results(entity)) }
            (score_history(&history))
            (check_grid(&history))
        },
    }
    .respond(StatusCode::OK)
}

fn latest_results(entity: &SnapshotEntity) -> Markup {
    html! {
        section id="latest" {
            h2 { "Latest results" }
            @if entity.stale {
                p class="hint" { "Its repository could not be fetched by the latest run: these are the last known results." }
            }
            div class="scroll" {
                table {
                    thead { tr { th { "Check" } th { "Status" } th { "Severity" } th class="num" { "Weight" } th { "Message" } th { "Where" } th { "Since" } } }
                    tbody {
                        @for check in &entity.checks {
                            tr {
                                th scope="row" { code { (Text(&check.id)) } }
                                (status_cell(Some(&check.status), &check.status))
                                td { span class={ "badge sev-" (severity_class(&check.severity)) } { (Text(&check.severity)) } }
                                td class="num" { (check.weight) }
                                td { (Text(&check.message)) }
                                td { code { (Text(check.pointer.as_deref().unwrap_or(""))) } " "
                                    span class="muted" { (Text(check.location.as_deref().unwrap_or(""))) } }
                                td class="muted" { (check.since.format("%Y-%m-%d")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The style sheet's class for a severity; an unexpected one gets none.
fn severity_class(severity: &str) -> &'static str {
    match severity {
        "critical" => "critical",
        "high" => "high",
        "medium" => "medium",
        "low" => "low",
        _ => "other",
    }
}

fn score_history(history: &EntityHistory) -> Markup {
    let points: Vec<Point> = history
        .points
        .iter()
        .map(|p| Point {
            label: p.at.format("%Y-%m-%d").to_string(),
            score: p.score,
        })
        .collect();
    html! {
        section id="history" {
            h2 { "Score over " (plural(points.len(), "run", "runs")) }
            div class="card" { (line_chart(&history.reference, &points)) }
        }
    }
}

fn check_grid(history: &EntityHistory) -> Markup {
    let skip = history.points.len().saturating_sub(GRID_RUNS);
    let runs = history.points.get(skip..).unwrap_or_default();
    html! {
        section id="checks" {
            h2 { "Checks over time" }
            @if skip > 0 { p class="hint" { "The latest " (GRID_RUNS) " runs." } }
            div class="scroll" {
                table class="history" {
                    thead { tr {
                        th { "Check" }
                        @for point in runs {
                            th class="num" title=(time_text(point.at)) { "#" (point.run) }
                        }
                    } }
                    tbody {
                        @for check in &history.checks {
                            tr {
                                th scope="row" { code { (Text(&check.id)) } }
                                @for (point, status) in runs.iter().zip(check.statuses.iter().skip(skip)) {
                                    (status_cell(status.as_deref(), &format!("run {} ({}): {}", point.run,
                                        point.at.format("%Y-%m-%d"), status.as_deref().unwrap_or("no result"))))
                                }
                            }
                        }
                        tr {
                            th scope="row" { "Score" }
                            @for point in runs { (score_cell(point.score)) }
                        }
                        tr {
                            th scope="row" { "Level" }
                            @for point in runs { td { (level_badge(point.level.as_deref())) } }
                        }
                    }
                }
            }
        }
    }
}
