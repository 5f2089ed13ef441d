//! Markdown for a [`super::Report`]: a pull-request comment or job summary.
//!
//! The output starts with [`MARKER`] (the GitHub Action finds its own comment by it), then
//! the overall score, the level distribution and the gate; then a table with one row per
//! entity and one column per check; then the failing checks with their remediation and
//! location; then the lint findings, errors first.
//!
//! GitHub rejects comments longer than 65,536 characters, so the output always stays under
//! [`MAX_CHARS`]. Large catalogs are collapsed step by step, deterministically, until the
//! text fits: first entities without problems leave the table (a line counts them), then
//! the details move into `<details>` blocks in a compact form, and finally every list is
//! cut to its share of the space with an "… and N more" line. The summary and the gate are
//! always kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

pub use super::text::status_symbol as symbol;
use super::text::{clip_trimmed, finding_location, plural, score_text, status_symbol};
use super::{CheckInfo, FindingRecord, RenderOptions, Report};
use crate::finding::Severity;
use crate::policy::CheckSeverity;
use crate::score::{CheckResult, CheckStatus, EntityScore};

/// The most characters the output may have (GitHub's comment limit is 65,536).
pub const MAX_CHARS: usize = 65_000;

/// The hidden first line that identifies a yardstick comment.
pub const MARKER: &str = "<!-- yardstick-report -->";

/// Gate reasons listed at most.
const MAX_REASONS: usize = 10;
/// Characters kept of one piece of user text (a message, a reason, a remediation).
const MAX_TEXT: usize = 500;
/// Characters kept of a message in the compact form.
const MAX_COMPACT_TEXT: usize = 200;
/// Room left unused when cutting lists, for rounding and the closing lines.
const RESERVE: usize = 256;

/// Escapes user-provided text for inline Markdown (also inside table cells): Markdown
/// punctuation gets a backslash, `<`, `>` and `&` become entities, line breaks become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // An entity: `@org/team` in a catalog file must not notify anyone from a PR comment.
            '@' => out.push_str("&#64;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escaped and clipped user text.
fn user(text: &str, max: usize) -> String {
    escape(&clip_trimmed(text, max))
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// A signed score change: `+2.5`, `−5.0` (a real minus sign), `±0.0`, or `–` when unknown.
fn delta_text(delta: Option<f64>) -> String {
    match delta {
        None => "–".to_string(),
        Some(d) if d.abs() < 0.05 => "±0.0".to_string(),
        Some(d) if d > 0.0 => format!("+{d:.1}"),
        Some(d) => format!("−{:.1}", -d),
    }
}

/// The end of a section: closes its `<details>` block when collapsed.
fn details_end(collapsed: bool) -> String {
    if collapsed {
        "\n</details>\n".to_string()
    } else {
        String::new()
    }
}

/// How much detail the sections carry, from most to least.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Every entity with an applicable check in the table; failures grouped by check.
    Full,
    /// Only entities with failing, erroring or unknown checks in the table.
    Problems,
    /// As `Problems`, compact and inside `<details>` blocks.
    Collapsed,
}

/// A block of output whose items can be cut from the end.
struct Section {
    head: String,
    items: Vec<String>,
    /// The line that stands for `n` items left out.
    more: fn(usize) -> String,
    tail: String,
    /// One line that stands for the whole section when not even its frame fits.
    omitted: String,
}

impl Section {
    fn full(&self) -> String {
        let mut out = self.head.clone();
        for item in &self.items {
            out.push_str(item);
        }
        out.push_str(&self.tail);
        out
    }

    /// The section in at most `budget` characters.
    fn render(&self, budget: usize) -> String {
        let full = self.full();
        if chars(&full) <= budget {
            return full;
        }
        let reserve = chars(&(self.more)(self.items.len()));
        let mut used = chars(&self.head) + chars(&self.tail) + reserve;
        if used > budget {
            return if chars(&self.omitted) <= budget {
                self.omitted.clone()
            } else {
                String::new()
            };
        }
        let mut out = self.head.clone();
        let mut shown = 0;
        for item in &self.items {
            let len = chars(item);
            if used + len > budget {
                break;
            }
            used += len;
            out.push_str(item);
            shown += 1;
        }
        if shown < self.items.len() {
            out.push_str(&(self.more)(self.items.len() - shown));
        }
        out.push_str(&self.tail);
        out
    }
}

/// The check ids that head the table columns: the report's checks, then any others the
/// entities have, in the order first seen.
fn columns(report: &Report) -> Vec<&str> {
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

/// Overall score, level distribution, counts and the gate. Bounded in size whatever the
/// report holds.
fn header(report: &Report) -> String {
    let s = &report.summary;
    let mut out = format!("{MARKER}\n");
    if report.checks.is_empty() && report.entities.is_empty() {
        // A lint-only report: there is nothing to score.
        out.push_str("## yardstick lint\n\n");
    } else {
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
            score_text(s.score, "–"),
            s.entities,
            l.gold,
            l.silver,
            l.bronze,
            l.none
        );
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
    if let Some(c) = &report.comparison {
        let _ = writeln!(
            out,
            "**Against the baseline:** {} → {} ({})",
            score_text(c.baseline_score, "–"),
            score_text(c.score, "–"),
            delta_text(c.score.zip(c.baseline_score).map(|(a, b)| a - b)),
        );
    }
    if let Some(scan) = &report.scan {
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
                .map_or_else(|| "–".to_string(), |s| format!("{:.1} %", s * 100.0)),
        );
        if !a.failed.is_empty() {
            let _ = write!(out, " · {} could not be scanned", a.failed.len());
        }
        out.push('\n');
    }
    if !s.expired_exemptions.is_empty() {
        let _ = writeln!(
            out,
            "\n**Expired exemptions:** {}",
            s.expired_exemptions.len()
        );
    }
    if s.gate.passed {
        out.push_str("\n### ✅ Gate passed\n");
    } else {
        out.push_str("\n### ❌ Gate failed\n");
    }
    if !s.gate.reasons.is_empty() {
        out.push('\n');
        for reason in s.gate.reasons.iter().take(MAX_REASONS) {
            let _ = writeln!(out, "- {}", user(reason, MAX_TEXT));
        }
        if s.gate.reasons.len() > MAX_REASONS {
            let _ = writeln!(out, "- … and {} more", s.gate.reasons.len() - MAX_REASONS);
        }
    }
    out
}

fn table(report: &Report, detail: Detail) -> Option<Section> {
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
        let _ = write!(
            head,
            "<details><summary>{} with failing, erroring or unknown checks</summary>\n\n",
            plural(shown.len(), "entity", "entities")
        );
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
        let mut tail = String::new();
        if detail == Detail::Collapsed {
            tail.push_str("</details>\n");
        }
        return Some(Section {
            head,
            items: Vec::new(),
            more: |_| String::new(),
            tail,
            omitted: String::new(),
        });
    }
    head.push_str("✓ pass · ✗ fail · ? unknown · – not applicable · E exempt · ! error\n\n");
    head.push_str("| Entity | Score | Level |");
    for id in &ids {
        let _ = write!(head, " {} |", escape(id));
    }
    head.push_str("\n| :--- | ---: | :--- |");
    for _ in &ids {
        head.push_str(" :---: |");
    }
    head.push('\n');
    let items = shown
        .iter()
        .map(|e| {
            let mut row = format!(
                "| {} | {} | {} |",
                escape(&e.reference),
                score_text(e.score, "–"),
                e.level.map_or("–", |l| l.as_str())
            );
            for id in &ids {
                let cell = e
                    .checks
                    .iter()
                    .find(|r| r.id == *id)
                    .map_or(" ", |r| status_symbol(r.status));
                let _ = write!(row, " {cell} |");
            }
            row.push('\n');
            row
        })
        .collect();
    let tail = if detail == Detail::Collapsed {
        "\n</details>\n".to_string()
    } else {
        String::new()
    };
    Some(Section {
        head,
        items,
        more: |n| format!("\n_… and {n} more entities_\n"),
        tail,
        omitted: format!(
            "\n_{} not shown: the report is too large._\n",
            plural(shown.len(), "entity row", "entity rows")
        ),
    })
}

/// `file:line` of a check result, or the entity's file.
fn location(entity: &EntityScore, result: &CheckResult) -> String {
    match &result.location {
        Some(l) => format!("{}:{}", l.file, l.line),
        None => entity.file.to_string(),
    }
}

/// The results of one check with one status.
type Group<'a> = (
    &'a str,
    CheckStatus,
    Vec<(&'a EntityScore, &'a CheckResult)>,
);

/// The failing and erroring results, grouped by check and status, most severe first.
fn failure_groups(report: &Report) -> Vec<Group<'_>> {
    let ids = columns(report);
    let mut groups: Vec<Group<'_>> = Vec::new();
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
        Some(c) => format!(" — {} ({severity})", user(&c.title, MAX_COMPACT_TEXT)),
        None => format!(" ({severity})"),
    }
}

fn failures(report: &Report, detail: Detail) -> Option<Section> {
    let groups = failure_groups(report);
    if groups.is_empty() {
        return None;
    }
    let total: usize = groups.iter().map(|g| g.2.len()).sum();
    let info = |id: &str| report.checks.iter().find(|c| c.id == id);
    let mut head = format!("\n### Failing checks ({total})\n\n");
    if detail != Detail::Collapsed {
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
                    let _ = writeln!(out, "**Fix:** {}\n", user(fix, MAX_TEXT));
                }
                for (entity, result) in results {
                    let _ = writeln!(
                        out,
                        "- {}: {} — {}",
                        escape(&entity.reference),
                        user(&result.message, MAX_TEXT),
                        escape(&location(entity, result))
                    );
                }
                out
            })
            .collect();
        return Some(Section {
            head,
            items,
            more: |n| format!("\n… and {n} more\n"),
            tail: String::new(),
            omitted: String::new(),
        });
    }
    for (id, status, results) in &groups {
        let check = info(id);
        let fix = match (
            status,
            check
                .map(|c| c.remediation.as_str())
                .filter(|r| !r.trim().is_empty()),
        ) {
            (CheckStatus::Error, _) => "could not be evaluated".to_string(),
            (_, Some(fix)) => user(fix, MAX_COMPACT_TEXT),
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
    let _ = write!(
        head,
        "\n<details><summary>{} by entity</summary>\n\n",
        plural(total, "failing check", "failing checks")
    );
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
    Some(Section {
        head,
        items,
        more: |n| format!("- … and {n} more\n"),
        tail: "\n</details>\n".to_string(),
        omitted: format!(
            "\n_{} not listed: the report is too large._\n",
            plural(total, "failing check", "failing checks")
        ),
    })
}

/// A rule documentation link, when the URL is plain enough to put in Markdown as is.
fn rule_link(f: &FindingRecord) -> String {
    match &f.url {
        Some(url)
            if url.starts_with("https://")
                && !url.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || "()<>[]\"'`\\|".contains(c)
                }) =>
        {
            format!("[{}]({url})", escape(&f.rule))
        }
        _ => escape(&f.rule),
    }
}

fn lint(report: &Report, detail: Detail) -> Option<Section> {
    if report.findings.is_empty() {
        return None;
    }
    let mut findings: Vec<&FindingRecord> = report.findings.iter().collect();
    findings.sort_by_key(|f| f.severity);
    let count = |severity: Severity| findings.iter().filter(|f| f.severity == severity).count();
    let counts = [
        plural(count(Severity::Error), "error", "errors"),
        plural(count(Severity::Warning), "warning", "warnings"),
        plural(count(Severity::Note), "note", "notes"),
    ]
    .join(", ");
    let mut head = format!("\n### Lint findings ({counts})\n\n");
    let collapsed = detail == Detail::Collapsed;
    if collapsed {
        let _ = write!(
            head,
            "<details><summary>{}</summary>\n\n",
            plural(findings.len(), "finding", "findings")
        );
    }
    let items = findings
        .iter()
        .map(|f| {
            let max = if collapsed {
                MAX_COMPACT_TEXT
            } else {
                MAX_TEXT
            };
            let mut item = format!(
                "- **{}** {}: {} — {}",
                f.severity,
                rule_link(f),
                user(&f.message, max),
                escape(&finding_location(f))
            );
            if !collapsed {
                if let Some(entity) = &f.entity {
                    let _ = write!(item, " ({})", escape(entity));
                }
            }
            item.push('\n');
            item
        })
        .collect();
    Some(Section {
        head,
        items,
        more: |n| format!("- … and {n} more\n"),
        tail: details_end(collapsed),
        omitted: format!(
            "\n_{} not listed: the report is too large._\n",
            plural(findings.len(), "lint finding", "lint findings")
        ),
    })
}

fn exemptions(report: &Report, detail: Detail) -> Option<Section> {
    let expired = &report.summary.expired_exemptions;
    if expired.is_empty() {
        return None;
    }
    let collapsed = detail == Detail::Collapsed;
    let mut head = format!("\n### Expired exemptions ({})\n\n", expired.len());
    if collapsed {
        let _ = write!(
            head,
            "<details><summary>{}</summary>\n\n",
            plural(expired.len(), "exemption", "exemptions")
        );
    }
    let items = expired
        .iter()
        .map(|x| {
            format!(
                "- {} · {}: expired {} (configuration line {}): {}\n",
                escape(&x.entity),
                escape(&x.check),
                escape(&x.expires),
                x.line,
                user(
                    &x.reason,
                    if collapsed {
                        MAX_COMPACT_TEXT
                    } else {
                        MAX_TEXT
                    }
                )
            )
        })
        .collect();
    Some(Section {
        head,
        items,
        more: |n| format!("- … and {n} more\n"),
        tail: details_end(collapsed),
        omitted: format!(
            "\n_{} not listed: the report is too large._\n",
            plural(expired.len(), "expired exemption", "expired exemptions")
        ),
    })
}

/// Each reported entity's score against the baseline; when space is short, only the
/// entities whose score moved or that are new.
fn changes(report: &Report, detail: Detail) -> Option<Section> {
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
        return Some(Section {
            head,
            items: Vec::new(),
            more: |_| String::new(),
            tail: String::new(),
            omitted: String::new(),
        });
    }
    head.push_str(
        "| Entity | Before | After | Change | Level |\n| :--- | ---: | ---: | ---: | :--- |\n",
    );
    let level = |l: Option<crate::score::Level>| l.map_or("–", |l| l.as_str());
    let items = shown
        .iter()
        .map(|c| {
            let (before, change, was) = if c.in_baseline {
                (
                    score_text(c.before, "–"),
                    delta_text(c.delta()),
                    level(c.before_level),
                )
            } else {
                ("–".to_string(), "new".to_string(), "–")
            };
            let levels = if was == level(c.after_level) || !c.in_baseline {
                level(c.after_level).to_string()
            } else {
                format!("{was} → {}", level(c.after_level))
            };
            format!(
                "| {} | {before} | {} | {change} | {levels} |\n",
                escape(&c.reference),
                score_text(c.after, "–"),
            )
        })
        .collect();
    Some(Section {
        head,
        items,
        more: |n| format!("\n_… and {n} more entities_\n"),
        tail: String::new(),
        omitted: format!(
            "\n_{} not shown: the report is too large._\n",
            plural(shown.len(), "score change", "score changes")
        ),
    })
}

/// The repositories of an organisation scan without a catalog file, and those that failed.
fn adoption(report: &Report, detail: Detail) -> Option<Section> {
    let a = &report.scan.as_ref()?.adoption;
    if a.without_catalog.is_empty() && a.failed.is_empty() {
        return None;
    }
    let collapsed = detail == Detail::Collapsed;
    let mut head = format!(
        "\n### Repositories without a catalog file ({})\n\n",
        a.without_catalog.len()
    );
    if collapsed {
        head.push_str("<details><summary>Repositories</summary>\n\n");
    }
    let items = a
        .failed
        .iter()
        .map(|name| format!("- {} (could not be scanned)\n", escape(name)))
        .chain(
            a.without_catalog
                .iter()
                .map(|name| format!("- {}\n", escape(name))),
        )
        .collect();
    Some(Section {
        head,
        items,
        more: |n| format!("- … and {n} more\n"),
        tail: details_end(collapsed),
        omitted: String::new(),
    })
}

fn sections(report: &Report, detail: Detail) -> Vec<Section> {
    [
        changes(report, detail),
        adoption(report, detail),
        table(report, detail),
        failures(report, detail),
        lint(report, detail),
        exemptions(report, detail),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The Markdown text, at most [`MAX_CHARS`] characters minus one.
pub fn render(report: &Report) -> String {
    let head = header(report);
    for detail in [Detail::Full, Detail::Problems, Detail::Collapsed] {
        let mut text = head.clone();
        for section in sections(report, detail) {
            text.push_str(&section.full());
        }
        if chars(&text) < MAX_CHARS {
            return text;
        }
    }
    // Cut every section to a share of the space left: the smallest sections first get what
    // they need, the rest split what remains evenly.
    let sections = sections(report, Detail::Collapsed);
    let mut left = MAX_CHARS.saturating_sub(chars(&head) + RESERVE);
    let sizes: Vec<usize> = sections.iter().map(|s| chars(&s.full())).collect();
    let mut order: Vec<usize> = (0..sections.len()).collect();
    order.sort_by_key(|&i| (sizes[i], i));
    let mut budgets = vec![0; sections.len()];
    for (n, &i) in order.iter().enumerate() {
        let share = left / (sections.len() - n);
        budgets[i] = sizes[i].min(share);
        left -= budgets[i];
    }
    let mut text = head;
    for (section, budget) in sections.iter().zip(budgets) {
        text.push_str(&section.render(budget));
    }
    text
}

/// Writes the Markdown report.
pub fn write(report: &Report, _options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report).as_bytes())
}
