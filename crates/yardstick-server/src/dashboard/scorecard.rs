//! `GET /`: the latest run's scorecard with search and filters (plain GET query
//! parameters), and trend charts for the organisation, each owner and each system.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use yardstick::report::html::Text;
use yardstick::report::text::{plural, score_text};
use yardstick_store::{Snapshot, SnapshotEntity, TrendGroup, TrendPoint, TrendSeries, TrendWindow};

use super::chart::{line_chart, sparkline, Point};
use super::layout::{
    entity_link, error_page, level_badge, parse_status, score_cell, Page, MISSING,
};
use crate::state::AppState;
use crate::{ApiError, Query};

/// The most entity rows one page lists; the filters narrow the rest down.
const MAX_ROWS: usize = 1000;

/// The filters of the scorecard, from the query string. Empty means "any".
#[derive(Debug, Default)]
struct Filters {
    search: String,
    owner: String,
    system: String,
    kind: String,
    failing: bool,
}

impl Filters {
    fn parse(raw: Option<&str>) -> Result<Filters, ApiError> {
        let query = Query::parse(raw.unwrap_or(""));
        let text = |name: &str| -> Result<String, ApiError> {
            Ok(query
                .single(name)
                .map_err(ApiError::input)?
                .unwrap_or("")
                .trim()
                .to_string())
        };
        Ok(Filters {
            search: text("q")?,
            owner: text("owner")?,
            system: text("system")?,
            kind: text("kind")?,
            failing: !text("failing")?.is_empty(),
        })
    }

    fn keeps(&self, entity: &SnapshotEntity) -> bool {
        let same = |wanted: &str, value: Option<&str>| {
            wanted.is_empty() || value.is_some_and(|v| v.eq_ignore_ascii_case(wanted))
        };
        (self.search.is_empty()
            || entity
                .reference
                .to_lowercase()
                .contains(&self.search.to_lowercase()))
            && same(&self.owner, entity.owner.as_deref())
            && same(&self.system, entity.system.as_deref())
            && same(&self.kind, Some(&entity.kind))
            && (!self.failing || !failing_checks(entity).is_empty())
    }

    fn any(&self) -> bool {
        !(self.search.is_empty()
            && self.owner.is_empty()
            && self.system.is_empty()
            && self.kind.is_empty()
            && !self.failing)
    }
}

/// The ids of the entity's failing checks.
fn failing_checks(entity: &SnapshotEntity) -> Vec<&str> {
    entity
        .checks
        .iter()
        .filter(|c| parse_status(&c.status) == Some(yardstick::CheckStatus::Fail))
        .map(|c| c.id.as_str())
        .collect()
}

/// `GET /`.
pub async fn page(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let latest = match state.latest().await {
        Ok(latest) => latest,
        Err(error) => return error_page(&error, None),
    };
    let Some(latest) = latest else {
        return Page {
            title: "Scorecard",
            heading: "Catalog scorecard",
            sub: html! { "no run recorded yet" },
            gate: ("fail", html! { strong { "No history" } }),
            run: None,
            main: html! { p class="empty" { "The history store holds no run yet: record one with "
            code { "yardstick score --record" } " or " code { "yardstick history record" } "." } },
        }
        .respond(StatusCode::OK);
    };
    let snapshot = &latest.snapshot;
    let filters = match Filters::parse(raw.as_deref()) {
        Ok(filters) => filters,
        Err(error) => return error_page(&error, Some(&snapshot.run)),
    };
    let owners = distinct(snapshot, |e| e.owner.as_deref());
    let systems = distinct(snapshot, |e| e.system.as_deref());
    // Three grouped queries, whatever the number of owners and systems.
    let groups = [TrendGroup::Org, TrendGroup::Owner, TrendGroup::System];
    let trends = match state
        .store()
        .trends_by_group(&groups, TrendWindow::default())
        .await
    {
        Ok(trends) => trends,
        Err(error) => return error_page(&ApiError::from(error), Some(&snapshot.run)),
    };
    let mut trends = trends.into_iter();
    let org = trends
        .next()
        .and_then(|series| series.into_iter().next())
        .map(|series| series.points)
        .unwrap_or_default();
    let owner_trends = of_names(&owners, trends.next().unwrap_or_default());
    let system_trends = of_names(&systems, trends.next().unwrap_or_default());
    let kept: Vec<&SnapshotEntity> = snapshot
        .entities
        .iter()
        .filter(|e| filters.keeps(e))
        .collect();
    let failing = snapshot
        .entities
        .iter()
        .filter(|e| !failing_checks(e).is_empty())
        .count();
    let main = html! {
        section id="trends" {
            h2 { "Trends" }
            div class="two" {
                figure class="card" { figcaption { "Organisation" } (line_chart("Organisation", &points(&org))) }
                (group_trends("Owners", "owner", &owners, &owner_trends))
            }
            (group_trends("Systems", "system", &systems, &system_trends))
        }
        (filter_form(&filters, snapshot, &owners, &systems))
        (entity_table(&kept, &filters))
    };
    let gate = if failing == 0 {
        ("pass", html! { strong { "No failing checks" } })
    } else {
        (
            "fail",
            html! { strong { (plural(failing, "entity fails", "entities fail")) " a check" } },
        )
    };
    Page {
        title: "Scorecard",
        heading: "Catalog scorecard",
        sub: html! {
            (plural(snapshot.entities.len(), "entity", "entities")) " \u{b7} mean score "
            (score_text(org.last().and_then(|p| p.score), MISSING))
        },
        gate,
        run: Some(&snapshot.run),
        main,
    }
    .respond(StatusCode::OK)
}

/// The trend of each of `names`, in order, from `series` (a group without a series: no
/// points).
fn of_names(names: &[String], series: Vec<TrendSeries>) -> Vec<Vec<TrendPoint>> {
    let mut by_name: HashMap<String, Vec<TrendPoint>> = series
        .into_iter()
        .filter_map(|s| Some((s.name?, s.points)))
        .collect();
    names
        .iter()
        .map(|name| by_name.remove(name).unwrap_or_default())
        .collect()
}

/// The scorecard filtered to `parameter` = `value`.
fn filter_link(parameter: &str, value: &str) -> String {
    let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    format!("/?{parameter}={value}")
}

/// The distinct values of `field` in the run, sorted.
fn distinct(snapshot: &Snapshot, field: impl Fn(&SnapshotEntity) -> Option<&str>) -> Vec<String> {
    let set: BTreeSet<&str> = snapshot.entities.iter().filter_map(field).collect();
    set.into_iter().map(str::to_string).collect()
}

fn points(trend: &[TrendPoint]) -> Vec<Point> {
    trend
        .iter()
        .map(|p| Point {
            label: p.at.format("%Y-%m-%d").to_string(),
            score: p.score,
        })
        .collect()
}

fn filter_form(
    filters: &Filters,
    snapshot: &Snapshot,
    owners: &[String],
    systems: &[String],
) -> Markup {
    let kinds = distinct(snapshot, |e| Some(e.kind.as_str()));
    let select = |name: &str, label: &str, options: &[String], chosen: &str| {
        html! {
            label { (label)
                select name=(name) {
                    option value="" { "any" }
                    @for option in options {
                        option value=(Text(option)) selected[option.eq_ignore_ascii_case(chosen)] { (Text(option)) }
                    }
                }
            }
        }
    };
    html! {
        form class="filters" method="get" action="/" role="search" {
            label { "Search" input type="search" name="q" value=(Text(&filters.search)) placeholder="entity reference"; }
            (select("owner", "Owner", owners, &filters.owner))
            (select("system", "System", systems, &filters.system))
            (select("kind", "Kind", &kinds, &filters.kind))
            label class="check" { input type="checkbox" name="failing" value="1" checked[filters.failing]; "Failing only" }
            button type="submit" { "Filter" }
            @if filters.any() { a href="/" { "Clear" } }
        }
    }
}

fn entity_table(kept: &[&SnapshotEntity], filters: &Filters) -> Markup {
    html! {
        section id="entities" {
            h2 { "Entities" }
            p class="hint" {
                (plural(kept.len(), "entity", "entities"))
                @if filters.any() { " match the filters" }
                @if kept.len() > MAX_ROWS { "; the first " (MAX_ROWS) " are listed" }
            }
            div class="scroll" {
                table {
                    thead { tr {
                        th { "Entity" } th { "Kind" } th { "Owner" } th { "System" }
                        th class="num" { "Score" } th { "Level" } th { "Failing checks" }
                    } }
                    tbody {
                        @for entity in kept.iter().take(MAX_ROWS) {
                            tr {
                                th scope="row" { (entity_link(&entity.reference))
                                    @if entity.stale { " " span class="muted" title="its repository could not be fetched: last known results" { "(stale)" } } }
                                td { (Text(&entity.kind)) }
                                td { (Text(entity.owner.as_deref().unwrap_or(MISSING))) }
                                td { (Text(entity.system.as_deref().unwrap_or(MISSING))) }
                                (score_cell(entity.score))
                                td { (level_badge(entity.level.as_deref())) }
                                td { @for (i, id) in failing_checks(entity).into_iter().enumerate() {
                                    @if i > 0 { ", " } code { (Text(id)) }
                                } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A table of groups (owners or systems), each linked to the scorecard filtered by
/// `parameter`, with its latest count and score and a sparkline over the runs.
fn group_trends(
    heading: &str,
    parameter: &str,
    names: &[String],
    trends: &[Vec<TrendPoint>],
) -> Markup {
    html! {
        figure class="card" {
            figcaption { (heading) }
            @if names.is_empty() { p class="empty" { "none in this run" } } @else {
                table class="groups" {
                    thead { tr { th { "Name" } th class="num" { "Entities" } th class="num" { "Score" } th { "Over the runs" } } }
                    tbody {
                        @for (name, trend) in names.iter().zip(trends) {
                            @let last = trend.last();
                            tr {
                                th scope="row" { a href=(filter_link(parameter, name)) { (Text(name)) } }
                                td class="num" { (last.map_or(0, |p| p.entities)) }
                                (score_cell(last.and_then(|p| p.score)))
                                td { (sparkline(name, &points(trend))) }
                            }
                        }
                    }
                }
            }
        }
    }
}
