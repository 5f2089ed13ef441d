//! The per-entity tables: check status by entity, and score changes against a baseline.

use std::fmt::Write as _;

use super::section::details_start;
use super::{delta_text, details_end, escape, level_text, Detail, Section, MISSING};
use crate::report::text::{plural, score_text, status_symbol};
use crate::report::Report;
use crate::score::{CheckStatus, EntityScore};

/// The check ids that head the table columns: the report's checks, then any others the
/// entities have, in the order first seen.
pub(super) fn columns(report: &Report) -> Vec<&str> {
    let mut ids: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
    for entity in &report.entities {
        for r in &entity.checks {
            if !ids.contains(&r.id.as_str()) {
                ids.push(&r.id);
            }
        }
    }
    ids
}

fn has_problem(entity: &EntityScore) -> bool {
    entity.checks.iter().any(|r| {
        matches!(
            r.status,
            CheckStatus::Fail | CheckStatus::Error | CheckStatus::Unknown
        )
    })
}

fn is_applicable(entity: &EntityScore) -> bool {
    entity
        .checks
        .iter()
        .any(|r| r.status != CheckStatus::NotApplicable)
}

/// Check status by entity: one row per entity, one column per check.
pub(super) fn table(report: &Report, detail: Detail) -> Option<Section> {
    let ids = columns(report);
    if ids.is_empty() || report.entities.is_empty() {
        return None;
    }
    let shown: Vec<&EntityScore> = report
        .entities
        .iter()
        .filter(|e| match detail {
            Detail::Full => is_applicable(e),
            Detail::Problems | Detail::Collapsed => has_problem(e),
        })
        .collect();
    let hidden = report.entities.len() - shown.len();
    let mut head = String::from("\n### Checks by entity\n\n");
    if detail == Detail::Collapsed {
        let summary = format!(
            "{} with failing, erroring or unknown checks",
            plural(shown.len(), "entity", "entities")
        );
        head.push_str(&details_start(&summary));
    }
    if hidden > 0 {
        let why = match detail {
            Detail::Full => "no check applies to them",
            Detail::Problems | Detail::Collapsed => {
                "none of their checks fails, errs or is unknown"
            }
        };
        let _ = writeln!(
            head,
            "_{} of {} not listed: {why}._\n",
            hidden,
            plural(report.entities.len(), "entity is", "entities are"),
        );
    }
    if shown.is_empty() {
        let tail = if detail == Detail::Collapsed {
            "</details>\n".to_string()
        } else {
            String::new()
        };
        return Some(Section::fixed(head, tail));
    }
    head.push_str(&legend());
    table_head(&mut head, &ids);
    let items = shown.iter().map(|e| table_row(e, &ids)).collect();
    Some(Section {
        head,
        items,
        more: |n| format!("\n_… and {}_\n", plural(n, "more entity", "more entities")),
        tail: details_end(detail == Detail::Collapsed),
        omitted: format!(
            "\n_{} not shown: the report is too large._\n",
            plural(shown.len(), "entity row", "entity rows")
        ),
    })
}

/// What the status symbols mean, built from them so that it cannot drift.
fn legend() -> String {
    let words = [
        (CheckStatus::Pass, "pass"),
        (CheckStatus::Fail, "fail"),
        (CheckStatus::Unknown, "unknown"),
        (CheckStatus::NotApplicable, "not applicable"),
        (CheckStatus::Exempt, "exempt"),
        (CheckStatus::Error, "error"),
    ];
    let entries: Vec<String> = words
        .iter()
        .map(|(status, word)| format!("{} {word}", status_symbol(*status)))
        .collect();
    format!("{}\n\n", entries.join(" · "))
}

/// The header row and alignment row: entity, score, level, then one column per check.
fn table_head(head: &mut String, ids: &[&str]) {
    head.push_str("| Entity | Score | Level |");
    for id in ids {
        let _ = write!(head, " {} |", escape(id));
    }
    head.push_str("\n| :--- | ---: | :--- |");
    for _ in ids {
        head.push_str(" :---: |");
    }
    head.push('\n');
}

/// One entity's row: its score, level and the symbol of each check (blank when it has none).
fn table_row(entity: &EntityScore, ids: &[&str]) -> String {
    let mut row = format!(
        "| {} | {} | {} |",
        escape(&entity.reference),
        score_text(entity.score, MISSING),
        level_text(entity.level)
    );
    for id in ids {
        let cell = entity
            .checks
            .iter()
            .find(|r| r.id == *id)
            .map_or(" ", |r| status_symbol(r.status));
        let _ = write!(row, " {cell} |");
    }
    row.push('\n');
    row
}

/// Each reported entity's score against the baseline; when space is short, only the
/// entities whose score moved or that are new.
pub(super) fn changes(report: &Report, detail: Detail) -> Option<Section> {
    let comparison = report.comparison.as_ref()?;
    let shown: Vec<_> = comparison
        .entities
        .iter()
        .filter(|c| {
            detail == Detail::Full
                || !c.in_baseline
                || c.delta().is_none_or(|d| d.abs() >= 0.05)
                || c.before_level != c.after_level
        })
        .collect();
    let mut head = String::from("\n### Score changes against the baseline\n\n");
    let hidden = comparison.entities.len() - shown.len();
    if hidden > 0 {
        let _ = writeln!(
            head,
            "_{} with an unchanged score and level not listed._\n",
            plural(hidden, "entity", "entities")
        );
    }
    if shown.is_empty() {
        return Some(Section::fixed(head, String::new()));
    }
    head.push_str(
        "| Entity | Before | After | Change | Level |\n| :--- | ---: | ---: | ---: | :--- |\n",
    );
    let items = shown
        .iter()
        .map(|c| {
            let (before, change, was) = if c.in_baseline {
                (
                    score_text(c.before, MISSING),
                    delta_text(c.delta()),
                    level_text(c.before_level),
                )
            } else {
                (MISSING.to_string(), "new".to_string(), MISSING)
            };
            let levels = if was == level_text(c.after_level) || !c.in_baseline {
                level_text(c.after_level).to_string()
            } else {
                format!("{was} → {}", level_text(c.after_level))
            };
            format!(
                "| {} | {before} | {} | {change} | {levels} |\n",
                escape(&c.reference),
                score_text(c.after, MISSING),
            )
        })
        .collect();
    Some(Section {
        head,
        items,
        more: |n| format!("\n_… and {}_\n", plural(n, "more entity", "more entities")),
        tail: String::new(),
        omitted: format!(
            "\n_{} not shown: the report is too large._\n",
            plural(shown.len(), "score change", "score changes")
        ),
    })
}
