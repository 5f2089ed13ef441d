//! The failing and erroring checks, grouped by check, with their remediation.

use std::fmt::Write as _;

use super::section::{details_start, more_items, not_listed};
use super::{escape, user_text, Detail, Section, MAX_COMPACT_TEXT, MAX_TEXT};
use crate::policy::CheckSeverity;
use crate::report::text::{plural, status_symbol};
use crate::report::{CheckInfo, Report};
use crate::score::{CheckResult, CheckStatus, EntityScore};

/// `file:line` of a check result, or the entity's file.
fn location(entity: &EntityScore, result: &CheckResult) -> String {
    match &result.location {
        Some(l) => format!("{}:{}", l.file, l.line),
        None => entity.file.to_string(),
    }
}

/// The results of one check with one status.
type FailureGroup<'a> = (
    &'a str,
    CheckStatus,
    Vec<(&'a EntityScore, &'a CheckResult)>,
);

/// The failing and erroring results, grouped by check and status, most severe first.
fn failure_groups(report: &Report) -> Vec<FailureGroup<'_>> {
    let ids = super::entities::columns(report);
    let mut groups: Vec<FailureGroup<'_>> = Vec::new();
    for status in [CheckStatus::Fail, CheckStatus::Error] {
        for id in &ids {
            let items: Vec<_> = report
                .entities
                .iter()
                .flat_map(|e| e.checks.iter().map(move |r| (e, r)))
                .filter(|(_, r)| r.id == *id && r.status == status)
                .collect();
            if !items.is_empty() {
                groups.push((id, status, items));
            }
        }
    }
    let info = |id: &str| report.checks.iter().find(|c| c.id == id);
    groups.sort_by_key(|(id, status, items)| {
        let severity = info(id).map_or(items[0].1.severity, |c| c.severity);
        (*status == CheckStatus::Error, severity)
    });
    groups
}

fn check_title(info: Option<&CheckInfo>, severity: CheckSeverity) -> String {
    match info.filter(|c| !c.title.trim().is_empty()) {
        Some(c) => format!(" — {} ({severity})", user_text(&c.title, MAX_COMPACT_TEXT)),
        None => format!(" ({severity})"),
    }
}

/// The failing checks, most severe first.
pub(super) fn failures(report: &Report, detail: Detail) -> Option<Section> {
    let groups = failure_groups(report);
    if groups.is_empty() {
        return None;
    }
    let total: usize = groups.iter().map(|g| g.2.len()).sum();
    let head = format!("\n### {}\n\n", heading(&groups));
    Some(if detail == Detail::Collapsed {
        compact(report, &groups, head, total)
    } else {
        grouped(report, &groups, head)
    })
}

/// "Failing checks (N)", naming run-time check errors apart: an error is not a failure.
fn heading(groups: &[FailureGroup<'_>]) -> String {
    let count = |wanted: CheckStatus| -> usize {
        groups
            .iter()
            .filter(|(_, status, _)| *status == wanted)
            .map(|g| g.2.len())
            .sum()
    };
    match (count(CheckStatus::Fail), count(CheckStatus::Error)) {
        (failures, 0) => format!("Failing checks ({failures})"),
        (0, errors) => format!("Check errors ({errors})"),
        (failures, errors) => format!("Failing checks ({failures}) and check errors ({errors})"),
    }
}

/// A subsection per check: its remediation, then each failing entity with its message.
fn grouped(report: &Report, groups: &[FailureGroup<'_>], head: String) -> Section {
    let info = |id: &str| report.checks.iter().find(|c| c.id == id);
    let items = groups
        .iter()
        .enumerate()
        .map(|(i, (id, status, results))| {
            let check = info(id);
            let mut out = format!(
                "{}#### {} {}{} · {}\n\n",
                if i == 0 { "" } else { "\n" },
                status_symbol(*status),
                escape(id),
                check_title(check, results[0].1.severity),
                plural(results.len(), "entity", "entities"),
            );
            if *status == CheckStatus::Error {
                out.push_str("The check could not be evaluated.\n\n");
            } else if let Some(fix) = check
                .map(|c| c.remediation.as_str())
                .filter(|r| !r.trim().is_empty())
            {
                let _ = writeln!(out, "**Fix:** {}\n", user_text(fix, MAX_TEXT));
            }
            for (entity, result) in results {
                let _ = writeln!(
                    out,
                    "- {}: {} — {}",
                    escape(&entity.reference),
                    user_text(&result.message, MAX_TEXT),
                    escape(&location(entity, result))
                );
            }
            out
        })
        .collect();
    Section {
        head,
        items,
        more: |n| format!("\n… and {n} more\n"),
        tail: String::new(),
        omitted: String::new(),
    }
}

/// A line per check with its remediation, then one short line per failing entity inside a
/// `<details>` block.
fn compact(
    report: &Report,
    groups: &[FailureGroup<'_>],
    mut head: String,
    total: usize,
) -> Section {
    let info = |id: &str| report.checks.iter().find(|c| c.id == id);
    for (id, status, results) in groups {
        let check = info(id);
        let fix = match (
            status,
            check
                .map(|c| c.remediation.as_str())
                .filter(|r| !r.trim().is_empty()),
        ) {
            (CheckStatus::Error, _) => "could not be evaluated".to_string(),
            (_, Some(fix)) => user_text(fix, MAX_COMPACT_TEXT),
            (_, None) => "no remediation given".to_string(),
        };
        let _ = writeln!(
            head,
            "- {} **{}** ({}, {}): {fix}",
            status_symbol(*status),
            escape(id),
            results[0].1.severity,
            plural(results.len(), "entity", "entities"),
        );
    }
    let summary = format!(
        "{} by entity",
        plural(total, "failing check", "failing checks")
    );
    head.push('\n');
    head.push_str(&details_start(&summary));
    let items = groups
        .iter()
        .flat_map(|(id, status, results)| {
            results.iter().map(move |(entity, result)| {
                format!(
                    "- {} {} · {} · {}\n",
                    status_symbol(*status),
                    escape(id),
                    escape(&entity.reference),
                    escape(&location(entity, result))
                )
            })
        })
        .collect();
    Section {
        head,
        items,
        more: more_items,
        tail: "\n</details>\n".to_string(),
        omitted: not_listed(&plural(total, "failing check", "failing checks")),
    }
}
