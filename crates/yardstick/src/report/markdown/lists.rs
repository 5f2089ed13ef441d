//! The bullet lists: lint findings, expired exemptions and repositories without a catalog.

use std::fmt::Write as _;

use super::section::{list_head, more_items, not_listed};
use super::{details_end, escape, user_text, Detail, Section};
use crate::report::text::{finding_location, plural};
use crate::report::{FindingRecord, Report};
use crate::rules::Severity;

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

pub(super) fn findings(report: &Report, detail: Detail) -> Option<Section> {
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
    let collapsed = detail == Detail::Collapsed;
    let summary = plural(findings.len(), "finding", "findings");
    let head = list_head(
        &format!("Lint findings ({counts})"),
        collapsed.then_some(summary.as_str()),
    );
    let items = findings
        .iter()
        .map(|f| {
            let max = detail.text_limit();
            let mut item = format!(
                "- **{}** {}: {} — {}",
                f.severity,
                rule_link(f),
                user_text(&f.message, max),
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
        more: more_items,
        tail: details_end(collapsed),
        omitted: not_listed(&plural(findings.len(), "lint finding", "lint findings")),
    })
}

pub(super) fn expired_exemptions(report: &Report, detail: Detail) -> Option<Section> {
    let expired = &report.summary.expired_exemptions;
    if expired.is_empty() {
        return None;
    }
    let collapsed = detail == Detail::Collapsed;
    let summary = plural(expired.len(), "exemption", "exemptions");
    let head = list_head(
        &format!("Expired exemptions ({})", expired.len()),
        collapsed.then_some(summary.as_str()),
    );
    let items = expired
        .iter()
        .map(|x| {
            format!(
                "- {} · {}: expired {} (configuration line {}): {}\n",
                escape(&x.entity),
                escape(&x.check),
                escape(&x.expires),
                x.line,
                user_text(&x.reason, detail.text_limit())
            )
        })
        .collect();
    Some(Section {
        head,
        items,
        more: more_items,
        tail: details_end(collapsed),
        omitted: not_listed(&plural(
            expired.len(),
            "expired exemption",
            "expired exemptions",
        )),
    })
}

/// The repositories of an organisation scan without a catalog file, and those that failed.
pub(super) fn repositories_without_catalog(report: &Report, detail: Detail) -> Option<Section> {
    let a = &report.scan.as_ref()?.adoption;
    if a.without_catalog.is_empty() && a.failed.is_empty() {
        return None;
    }
    let collapsed = detail == Detail::Collapsed;
    let head = list_head(
        &format!(
            "Repositories without a catalog file ({})",
            a.without_catalog.len()
        ),
        collapsed.then_some("Repositories"),
    );
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
        more: more_items,
        tail: details_end(collapsed),
        omitted: String::new(),
    })
}
