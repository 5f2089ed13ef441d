//! The sortable tables: check status per entity (the heat map), and scores by owner and
//! by system.

use std::fmt::Write as _;

use super::{
    entity_anchor, escape, fix_anchor, level_label, location_text, score_band, sort_button, MISSING,
};
use crate::report::text::{score_text, status_symbol};
use crate::report::Report;
use crate::score::{Aggregate, CheckResult, CheckStatus, EntityScore, Level};

pub(super) fn heatmap(page: &mut String, report: &Report) {
    page.push_str("<section id=\"heatmap\" aria-labelledby=\"heatmap-h\">\n<h2 id=\"heatmap-h\">Entities &times; checks</h2>\n");
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
    page.push_str("<p class=\"hint\">Worst first. Every cell says its status in words; a failing cell links to how to fix it, and hovering it shows the message and where in the file. Click a column header to sort.</p>\n");
    if rows.is_empty() {
        page.push_str("<p class=\"empty\">No entity was scored.</p>\n");
    } else {
        page.push_str("<div class=\"scroll\"><table class=\"heat sortable\">\n<caption>Check status per entity</caption>\n<thead><tr>");
        push_fmt!(
            page,
            "<th scope=\"col\" class=\"ent\">{}</th>",
            sort_button("Entity")
        );
        push_fmt!(page, "<th scope=\"col\">{}</th>", sort_button("Owner"));
        push_fmt!(
            page,
            "<th scope=\"col\" data-type=\"num\">{}</th>",
            sort_button("Score")
        );
        push_fmt!(
            page,
            "<th scope=\"col\" data-type=\"num\">{}</th>",
            sort_button("Level")
        );
        for c in &report.checks {
            push_fmt!(
                page,
                "<th scope=\"col\" class=\"chk\" data-type=\"num\" title=\"{} ({})\">{}</th>",
                escape(&c.title),
                c.severity,
                sort_button(&escape(&c.id).replace('-', "-<wbr>"))
            );
        }
        page.push_str("</tr></thead>\n<tbody>\n");
        for e in rows {
            entity_row(page, report, e);
        }
        page.push_str("</tbody>\n</table></div>\n");
    }
    if !unscored.is_empty() {
        push_fmt!(
            page,
            "<details class=\"unscored\"><summary>{} entities with no applicable check</summary><ul>",
            unscored.len()
        );
        for e in unscored {
            push_fmt!(
                page,
                "<li id=\"{}\"><code>{}</code> <span class=\"muted\">{}</span></li>",
                entity_anchor(&e.reference),
                escape(&e.reference),
                escape(&e.file)
            );
        }
        page.push_str("</ul></details>\n");
    }
    page.push_str("</section>\n");
}

fn entity_row(page: &mut String, report: &Report, entity: &EntityScore) {
    let owner = entity.owner.as_deref().unwrap_or("");
    push_fmt!(
        page,
        "<tr id=\"{}\"><th scope=\"row\" class=\"ent\" title=\"{}\"><code>{}</code></th><td class=\"own\">{}</td>",
        entity_anchor(&entity.reference),
        escape(&entity.file),
        escape(&entity.reference),
        escape(owner)
    );
    let sort = entity.score.map_or_else(String::new, |s| format!("{s:.3}"));
    push_fmt!(
        page,
        "<td class=\"num band-{}-text\" data-sort=\"{sort}\">{}</td>",
        score_band(entity.score),
        score_text(entity.score, MISSING)
    );
    push_fmt!(
        page,
        "<td data-sort=\"{}\"><span class=\"badge lv-{}\">{}</span></td>",
        level_rank(entity.level),
        level_class(entity.level),
        level_label(entity.level)
    );
    for check in &report.checks {
        match entity.checks.iter().find(|result| result.id == check.id) {
            Some(result) => status_cell(page, entity, result),
            None => page.push_str("<td class=\"cell st-na\" data-sort=\"2\">\u{2013} n/a</td>"),
        }
    }
    page.push_str("</tr>\n");
}

fn status_cell(page: &mut String, entity: &EntityScore, result: &CheckResult) {
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
    let title = escape(&title);
    if result.status == CheckStatus::Fail {
        push_fmt!(
            page,
            "<td class=\"cell {class}\" data-sort=\"{rank}\"><a href=\"#{}\" title=\"{title}\">{icon} {word}</a></td>",
            fix_anchor(&result.id)
        );
    } else {
        push_fmt!(
            page,
            "<td class=\"cell {class}\" data-sort=\"{rank}\" title=\"{title}\">{icon} {word}</td>"
        );
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

pub(super) fn groups(page: &mut String, report: &Report) {
    page.push_str("<div class=\"two\">\n");
    group_table(page, "owners", "By owner", "Owner", &report.summary.owners);
    group_table(
        page,
        "systems",
        "By system",
        "System",
        &report.summary.systems,
    );
    page.push_str("</div>\n");
}

fn group_table(page: &mut String, id: &str, heading: &str, key: &str, rows: &[Aggregate]) {
    push_fmt!(
        page,
        "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{heading}</h2>\n"
    );
    if rows.is_empty() {
        page.push_str("<p class=\"empty\">Nothing to group.</p>\n</section>\n");
        return;
    }
    push_fmt!(page, "<div class=\"scroll\"><table class=\"groups sortable\">\n<caption>{heading} (click a header to sort)</caption>\n<thead><tr>");
    push_fmt!(page, "<th scope=\"col\">{}</th>", sort_button(key));
    for label in ["Entities", "Score", "Gold", "Silver", "Bronze", "Below"] {
        push_fmt!(
            page,
            "<th scope=\"col\" data-type=\"num\">{}</th>",
            sort_button(label)
        );
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for a in rows {
        let sort = a.score.map_or_else(String::new, |s| format!("{s:.3}"));
        let width = a.score.unwrap_or(0.0).clamp(0.0, 100.0);
        push_fmt!(
            page,
            "<tr><th scope=\"row\"><code>{}</code></th><td class=\"num\">{}</td>\
             <td class=\"num\" data-sort=\"{sort}\"><span class=\"meter\" aria-hidden=\"true\"><span class=\"band-{}\" style=\"width:{width:.1}%\"></span></span>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            escape(&a.key),
            a.entities,
            score_band(a.score),
            score_text(a.score, MISSING),
            a.levels.gold,
            a.levels.silver,
            a.levels.bronze,
            a.levels.none
        );
    }
    page.push_str("</tbody>\n</table></div>\n</section>\n");
}
