//! The top of the comment, always kept whole: the overall score, the level distribution,
//! the counts and the gate.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{delta_text, escape, user_text, MARKER, MAX_REASONS, MAX_TEXT, MISSING};
use crate::report::text::{plural, score_text};
use crate::report::Report;
use crate::rules::Severity;
use crate::score::CheckStatus;

/// Overall score, level distribution, counts and the gate. Bounded in size whatever the
/// report holds.
pub(super) fn header(report: &Report) -> String {
    let mut out = format!("{MARKER}\n");
    if report.checks.is_empty() && report.entities.is_empty() {
        // A lint-only report: there is nothing to score.
        out.push_str("## yardstick lint\n\n");
    } else {
        score_summary(&mut out, report);
        check_counts(&mut out, report);
    }
    lint_counts(&mut out, report);
    if let Some(c) = &report.comparison {
        let _ = writeln!(
            out,
            "**Against the baseline:** {} → {} ({})",
            score_text(c.baseline_score, MISSING),
            score_text(c.score, MISSING),
            delta_text(c.score.zip(c.baseline_score).map(|(a, b)| a - b)),
        );
    }
    adoption(&mut out, report);
    let expired = report.summary.expired_exemptions.len();
    if expired > 0 {
        let _ = writeln!(out, "\n**Expired exemptions:** {expired}");
    }
    gate(&mut out, report);
    out
}

/// The heading with the overall score, and the table of levels.
fn score_summary(out: &mut String, report: &Report) {
    let s = &report.summary;
    let _ = writeln!(
        out,
        "## yardstick scorecard: {}\n",
        match s.score {
            Some(score) => format!("{score:.1} / 100"),
            None => "no score".to_string(),
        }
    );
    let l = &s.levels;
    let unscored = s
        .entities
        .saturating_sub(l.gold + l.silver + l.bronze + l.none);
    out.push_str("| Score | Entities | Gold | Silver | Bronze | None | Not scored |\n");
    out.push_str("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {unscored} |\n",
        score_text(s.score, MISSING),
        s.entities,
        l.gold,
        l.silver,
        l.bronze,
        l.none
    );
}

/// How many check results have each status.
fn check_counts(out: &mut String, report: &Report) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in report.entities.iter().flat_map(|e| &e.checks) {
        *counts.entry(r.status.as_str()).or_default() += 1;
    }
    let count = |status: CheckStatus| counts.get(status.as_str()).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "**Checks:** {} passing · {} failing · {} unknown · {} exempt · {}  ",
        count(CheckStatus::Pass),
        count(CheckStatus::Fail),
        count(CheckStatus::Unknown),
        count(CheckStatus::Exempt),
        plural(count(CheckStatus::Error), "error", "errors"),
    );
}

/// How many lint findings have each severity.
fn lint_counts(out: &mut String, report: &Report) {
    let findings = |severity: Severity| {
        report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let _ = writeln!(
        out,
        "**Lint:** {} · {} · {}",
        plural(findings(Severity::Error), "error", "errors"),
        plural(findings(Severity::Warning), "warning", "warnings"),
        plural(findings(Severity::Note), "note", "notes"),
    );
}

/// The catalog adoption of an organisation scan.
fn adoption(out: &mut String, report: &Report) {
    let Some(scan) = &report.scan else {
        return;
    };
    let a = &scan.adoption;
    let _ = write!(
        out,
        "**Catalog adoption in {}:** {} of {} ({})",
        escape(&scan.organization),
        a.with_catalog,
        plural(
            a.repositories - a.failed.len(),
            "repository",
            "repositories"
        ),
        a.share
            .map_or_else(|| MISSING.to_string(), |s| format!("{:.1} %", s * 100.0)),
    );
    if !a.failed.is_empty() {
        let _ = write!(out, " · {} could not be scanned", a.failed.len());
    }
    out.push('\n');
}

/// Whether the gate passed, and why not (the first [`MAX_REASONS`] reasons).
fn gate(out: &mut String, report: &Report) {
    let gate = &report.summary.gate;
    if gate.passed {
        out.push_str("\n### ✅ Gate passed\n");
    } else {
        out.push_str("\n### ❌ Gate failed\n");
    }
    if !gate.reasons.is_empty() {
        out.push('\n');
        for reason in gate.reasons.iter().take(MAX_REASONS) {
            let _ = writeln!(out, "- {}", user_text(reason, MAX_TEXT));
        }
        if gate.reasons.len() > MAX_REASONS {
            let _ = writeln!(out, "- … and {} more", gate.reasons.len() - MAX_REASONS);
        }
    }
}
