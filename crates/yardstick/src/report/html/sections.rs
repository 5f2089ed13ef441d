//! The sections below the tables: remediation per check, lint findings, expired
//! exemptions, score changes against a baseline and the catalog adoption of an organisation.

use std::fmt::Write as _;

use super::{entity_anchor, escape, fix_anchor, level_label, location_text, sort_button, MISSING};
use crate::report::text::{finding_location, score_text};
use crate::report::{CheckInfo, FindingRecord, Report};
use crate::rules::Severity;
use crate::score::{CheckResult, CheckStatus, EntityScore};

pub(super) fn remediation(page: &mut String, report: &Report) {
    page.push_str("<section id=\"remediation\" aria-labelledby=\"remediation-h\">\n<h2 id=\"remediation-h\">Remediation</h2>\n");
    if report.checks.is_empty() {
        page.push_str("<p class=\"empty\">No checks ran.</p>\n");
    }
    for c in &report.checks {
        check_article(page, report, c);
    }
    page.push_str("</section>\n");
}

fn check_article(page: &mut String, report: &Report, c: &CheckInfo) {
    let applies = if c.applies_to.is_empty() {
        "every kind".to_string()
    } else {
        c.applies_to.join(", ")
    };
    push_fmt!(
        page,
        "<article class=\"check\" id=\"{}\">\n<h3>{} <code>{}</code> <span class=\"badge sev-{}\">{}</span></h3>\n\
         <p class=\"meta\">Weight {} &middot; applies to {} &middot; from <code>{}</code></p>\n<p>{}</p>\n\
         <div class=\"fix\"><strong>How to fix:</strong> {}</div>\n",
        fix_anchor(&c.id),
        escape(&c.title),
        escape(&c.id),
        c.severity,
        c.severity,
        c.weight,
        escape(&applies),
        escape(&c.origin),
        escape(&c.description),
        escape(&c.remediation)
    );
    let failing: Vec<(&EntityScore, &CheckResult)> = report
        .entities
        .iter()
        .filter_map(|e| {
            e.checks
                .iter()
                .find(|r| r.id == c.id && r.status == CheckStatus::Fail)
                .map(|r| (e, r))
        })
        .collect();
    if failing.is_empty() {
        page.push_str("<p class=\"ok\">No entity fails this check.</p>\n");
    } else {
        push_fmt!(
            page,
            "<details open><summary>Failing ({})</summary><ul class=\"failing\">",
            failing.len()
        );
        for (e, r) in failing {
            push_fmt!(
                page,
                "<li><a href=\"#{}\"><code>{}</code></a> &mdash; {} <span class=\"muted\">({})</span></li>",
                entity_anchor(&e.reference),
                escape(&e.reference),
                escape(&r.message),
                escape(&location_text(e, r))
            );
        }
        page.push_str("</ul></details>\n");
    }
    page.push_str("</article>\n");
}

pub(super) fn findings(page: &mut String, findings: &[FindingRecord]) {
    page.push_str("<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Lint findings</h2>\n");
    if findings.is_empty() {
        page.push_str("<p class=\"ok\">No lint findings.</p>\n</section>\n");
        return;
    }
    page.push_str("<div class=\"scroll\"><table class=\"findings sortable\">\n<caption>Problems in the catalog files (click a header to sort)</caption>\n<thead><tr>");
    for label in ["Severity", "Rule", "Where", "Message"] {
        push_fmt!(page, "<th scope=\"col\">{}</th>", sort_button(label));
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for f in findings {
        let location = finding_location(f);
        let rank = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Note => 2,
        };
        push_fmt!(
            page,
            "<tr><td data-sort=\"{rank}\"><span class=\"badge fs-{}\">{}</span></td><td class=\"nw\"><code>{}</code></td><td class=\"nw\"><code>{}</code>",
            f.severity,
            f.severity,
            escape(&f.rule),
            escape(&location),
        );
        if let Some(entity) = &f.entity {
            push_fmt!(
                page,
                "<div class=\"help\"><code>{}</code></div>",
                escape(entity)
            );
        }
        push_fmt!(page, "</td><td>{}", escape(&f.message));
        if !f.help.is_empty() {
            push_fmt!(page, "<div class=\"help\">{}</div>", escape(&f.help));
        }
        page.push_str("</td></tr>\n");
    }
    page.push_str("</tbody>\n</table></div>\n</section>\n");
}

pub(super) fn exemptions(page: &mut String, report: &Report) {
    let expired = &report.summary.expired_exemptions;
    if expired.is_empty() {
        return;
    }
    page.push_str("<section id=\"exemptions\" aria-labelledby=\"exemptions-h\">\n<h2 id=\"exemptions-h\">Expired exemptions</h2>\n<div class=\"scroll\"><table>\n<caption>Exemptions past their date no longer apply</caption>\n<thead><tr><th scope=\"col\">Entity</th><th scope=\"col\">Check</th><th scope=\"col\">Expired</th><th scope=\"col\">Reason</th><th scope=\"col\">Config line</th></tr></thead>\n<tbody>\n");
    for x in expired {
        push_fmt!(
            page,
            "<tr><td><code>{}</code></td><td><a href=\"#{}\"><code>{}</code></a></td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
            escape(&x.entity),
            fix_anchor(&x.check),
            escape(&x.check),
            escape(&x.expires),
            escape(&x.reason),
            x.line
        );
    }
    page.push_str("</tbody>\n</table></div>\n</section>\n");
}

/// Each reported entity's score against the baseline (`--baseline`).
pub(super) fn changes(page: &mut String, report: &Report) {
    let Some(c) = &report.comparison else {
        return;
    };
    push_fmt!(
        page,
        "<section id=\"changes\" aria-labelledby=\"changes-h\">\n<h2 id=\"changes-h\">Score changes against the baseline</h2>\n<p>Mean score {} &rarr; {}.</p>\n<div class=\"scroll\"><table>\n<caption>Scores before and after, per entity</caption>\n<thead><tr><th scope=\"col\">Entity</th><th scope=\"col\">Before</th><th scope=\"col\">After</th><th scope=\"col\">Change</th><th scope=\"col\">Level</th></tr></thead>\n<tbody>\n",
        score_text(c.baseline_score, MISSING),
        score_text(c.score, MISSING)
    );
    for e in &c.entities {
        let change = match (e.in_baseline, e.delta()) {
            (false, _) => "new".to_string(),
            (true, None) => "&ndash;".to_string(),
            (true, Some(d)) => format!("{d:+.1}"),
        };
        push_fmt!(
            page,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{change}</td><td>{} &rarr; {}</td></tr>\n",
            escape(&e.reference),
            score_text(e.before, MISSING),
            score_text(e.after, MISSING),
            level_label(e.before_level),
            level_label(e.after_level)
        );
    }
    page.push_str("</tbody>\n</table></div>\n</section>\n");
}

/// Catalog adoption of an organisation scan: the share of repositories with a catalog file
/// and the ones without.
pub(super) fn adoption(page: &mut String, report: &Report) {
    let Some(scan) = &report.scan else {
        return;
    };
    let a = &scan.adoption;
    push_fmt!(
        page,
        "<section id=\"adoption\" aria-labelledby=\"adoption-h\">\n<h2 id=\"adoption-h\">Catalog adoption in {}</h2>\n<p>{} of {} repositories have a catalog file ({}).",
        escape(&scan.organization),
        a.with_catalog,
        a.repositories - a.failed.len(),
        a.share
            .map_or_else(|| "&ndash;".to_string(), |s| format!("{:.1}&nbsp;%", s * 100.0))
    );
    if !a.failed.is_empty() {
        push_fmt!(page, " {} could not be scanned.", a.failed.len());
    }
    page.push_str("</p>\n");
    if !a.without_catalog.is_empty() || !a.failed.is_empty() {
        page.push_str("<details><summary>Repositories without a catalog file</summary>\n<ul>\n");
        let url = |name: &str| {
            scan.repositories
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.url.as_str())
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        };
        for (name, note) in a
            .failed
            .iter()
            .map(|n| (n, " (could not be scanned)"))
            .chain(a.without_catalog.iter().map(|n| (n, "")))
        {
            match url(name) {
                Some(u) => push_fmt!(
                    page,
                    "<li><a href=\"{}\" rel=\"noreferrer\">{}</a>{note}</li>\n",
                    escape(u),
                    escape(name)
                ),
                None => push_fmt!(page, "<li>{}{note}</li>\n", escape(name)),
            }
        }
        page.push_str("</ul>\n</details>\n");
    }
    page.push_str("</section>\n");
}
