//! The sortable tables: check status per entity (the heat map), and scores by owner and
//! by system.

use maud::{html, Markup};

use super::{
    entity_anchor, fix_anchor, level_label, location_text, score_band, sort_button, Text,
    BELOW_HEADING, MISSING,
};
use crate::report::text::{plural, score_text, status_symbol};
use crate::report::{CheckInfo, Report};
use crate::score::{Aggregate, CheckResult, CheckStatus, EntityScore, Level};

pub(super) fn heatmap(report: &Report) -> Markup {
    let (mut rows, unscored): (Vec<&EntityScore>, Vec<&EntityScore>) =
        report.entities.iter().partition(|e| {
            e.score.is_some()
                || e.checks
                    .iter()
                    .any(|r| r.status != CheckStatus::NotApplicable)
        });
    rows.sort_by(|a, b| {
        let (x, y) = (
            a.score.unwrap_or(f64::INFINITY),
            b.score.unwrap_or(f64::INFINITY),
        );
        x.total_cmp(&y).then_with(|| a.reference.cmp(&b.reference))
    });
    html! {
        section id="heatmap" aria-labelledby="heatmap-h" {
            "\n"
            h2 id="heatmap-h" { "Entities \u{d7} checks" } "\n"
            p class="hint" {
                "Worst first. Every cell says its status in words; a failing cell links to how to \
                 fix it, and hovering it shows the message and where in the file. Click a column \
                 header to sort."
            } "\n"
            @if rows.is_empty() {
                p class="empty" { "No entity was scored." } "\n"
            } @else {
                div class="scroll" {
                    table class="heat sortable" {
                        "\n"
                        caption { "Check status per entity" } "\n"
                        thead { (heatmap_head(&report.checks)) } "\n"
                        tbody {
                            "\n"
                            @for e in rows { (entity_row(report, e)) }
                        } "\n"
                    }
                } "\n"
            }
            @if !unscored.is_empty() {
                details class="unscored" {
                    summary { (plural(unscored.len(), "entity", "entities")) " with nothing scored" }
                    ul {
                        @for e in unscored {
                            li id=(entity_anchor(&e.reference)) {
                                code { (Text(&e.reference)) } " "
                                span class="muted" { (Text(&e.file)) }
                            }
                        }
                    }
                } "\n"
            }
        } "\n"
    }
}

fn heatmap_head(checks: &[CheckInfo]) -> Markup {
    html! {
        tr {
            th scope="col" class="ent" { (sort_button("Entity")) }
            th scope="col" { (sort_button("Owner")) }
            th scope="col" data-type="num" { (sort_button("Score")) }
            th scope="col" data-type="num" { (sort_button("Level")) }
            @for c in checks {
                th scope="col" class="chk" data-type="num"
                    title={ (Text(&c.title)) " (" (c.severity) ")" } {
                    (sort_button(breakable_id(&c.id)))
                }
            }
        }
    }
}

/// A check id that may break after each `-` in a narrow column header.
fn breakable_id(id: &str) -> Markup {
    html! {
        @for (i, part) in id.split('-').enumerate() {
            @if i > 0 { "-" wbr; }
            (Text(part))
        }
    }
}

fn entity_row(report: &Report, entity: &EntityScore) -> Markup {
    let owner = entity.owner.as_deref().unwrap_or("");
    let sort = entity.score.map_or_else(String::new, |s| format!("{s:.3}"));
    html! {
        tr id=(entity_anchor(&entity.reference)) {
            th scope="row" class="ent" title=(Text(&entity.file)) { code { (Text(&entity.reference)) } }
            td class="own" { (Text(owner)) }
            td class={ "num band-" (score_band(entity.score)) "-text" } data-sort=(sort) {
                (score_text(entity.score, MISSING))
            }
            td data-sort=(level_rank(entity.level)) {
                span class={ "badge lv-" (level_class(entity.level)) } { (level_label(entity.level)) }
            }
            @for check in &report.checks {
                @match entity.checks.iter().find(|result| result.id == check.id) {
                    Some(result) => (status_cell(entity, result)),
                    None => td class="cell st-na" data-sort="2" { "\u{2013} n/a" },
                }
            }
        } "\n"
    }
}

fn status_cell(entity: &EntityScore, result: &CheckResult) -> Markup {
    let (icon, word) = status_label(result.status);
    let class = match result.status {
        CheckStatus::Pass => "st-pass",
        CheckStatus::Fail => "st-fail",
        CheckStatus::Unknown => "st-unknown",
        CheckStatus::NotApplicable => "st-na",
        CheckStatus::Exempt => "st-exempt",
        CheckStatus::Error => "st-error",
    };
    let rank = match result.status {
        CheckStatus::Fail => 0,
        CheckStatus::Error => 1,
        CheckStatus::Unknown => 2,
        CheckStatus::Exempt => 3,
        CheckStatus::Pass => 4,
        CheckStatus::NotApplicable => 5,
    };
    let title = if result.message.is_empty() {
        location_text(entity, result)
    } else {
        format!(
            "{} \u{2014} {}",
            result.message,
            location_text(entity, result)
        )
    };
    html! {
        @if result.status == CheckStatus::Fail {
            td class={ "cell " (class) } data-sort=(rank) {
                a href={ "#" (fix_anchor(&result.id)) } title=(Text(&title)) { (icon) " " (word) }
            }
        } @else {
            td class={ "cell " (class) } data-sort=(rank) title=(Text(&title)) { (icon) " " (word) }
        }
    }
}

fn level_class(level: Option<Level>) -> &'static str {
    match level {
        Some(l) => l.as_str(),
        None => "unscored",
    }
}

fn level_rank(level: Option<Level>) -> u8 {
    match level {
        Some(Level::Gold) => 4,
        Some(Level::Silver) => 3,
        Some(Level::Bronze) => 2,
        Some(Level::None) => 1,
        None => 0,
    }
}

/// The icon and word of a status cell. Exemptions get `⊘` rather than the Markdown `E`, which
/// would read as part of the word next to it.
fn status_label(status: CheckStatus) -> (&'static str, &'static str) {
    let icon = match status {
        CheckStatus::Exempt => "\u{2298}",
        _ => status_symbol(status),
    };
    let word = match status {
        CheckStatus::NotApplicable => "n/a",
        _ => status.as_str(),
    };
    (icon, word)
}

pub(super) fn groups(report: &Report) -> Markup {
    html! {
        div class="two" {
            "\n"
            (group_table("owners", "By owner", "Owner", &report.summary.owners))
            (group_table("systems", "By system", "System", &report.summary.systems))
        } "\n"
    }
}

fn group_table(id: &str, heading: &str, key: &str, rows: &[Aggregate]) -> Markup {
    html! {
        section id=(id) aria-labelledby={ (id) "-h" } {
            "\n"
            h2 id={ (id) "-h" } { (heading) } "\n"
            @if rows.is_empty() {
                p class="empty" { "Nothing to group." } "\n"
            } @else {
                div class="scroll" {
                    table class="groups sortable" {
                        "\n"
                        caption { (heading) " (click a header to sort)" } "\n"
                        thead {
                            tr {
                                th scope="col" { (sort_button(key)) }
                                @for label in ["Entities", "Score", "Gold", "Silver", "Bronze", BELOW_HEADING] {
                                    th scope="col" data-type="num" { (sort_button(label)) }
                                }
                            }
                        } "\n"
                        tbody {
                            "\n"
                            @for a in rows { (group_row(a)) }
                        } "\n"
                    }
                } "\n"
            }
        } "\n"
    }
}

fn group_row(a: &Aggregate) -> Markup {
    let sort = a.score.map_or_else(String::new, |s| format!("{s:.3}"));
    let width = a.score.unwrap_or(0.0).clamp(0.0, 100.0);
    html! {
        tr {
            th scope="row" { code { (Text(&a.key)) } }
            td class="num" { (a.entities) }
            td class="num" data-sort=(sort) {
                span class="meter" aria-hidden="true" {
                    span class={ "band-" (score_band(a.score)) } style=(format!("width:{width:.1}%")) {}
                }
                (score_text(a.score, MISSING))
            }
            td class="num" { (a.levels.gold) }
            td class="num" { (a.levels.silver) }
            td class="num" { (a.levels.bronze) }
            td class="num" { (a.levels.none) }
        } "\n"
    }
}
