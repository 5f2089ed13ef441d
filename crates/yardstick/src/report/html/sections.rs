//! The sections below the tables: remediation per check, lint findings, expired
//! exemptions, score changes against a baseline and the catalog adoption of an organisation.

use maud::{html, Markup};

use super::{entity_anchor, fix_anchor, level_label, location_text, sort_button, Text, MISSING};
use crate::report::text::{finding_location, score_text};
use crate::report::{CheckInfo, FindingRecord, Report};
use crate::rules::Severity;
use crate::score::{CheckResult, CheckStatus, EntityScore};

pub(super) fn remediation(report: &Report) -> Markup {
    html! {
        section id="remediation" aria-labelledby="remediation-h" {
            "\n"
            h2 id="remediation-h" { "Remediation" } "\n"
            @if report.checks.is_empty() {
                p class="empty" { "No checks ran." } "\n"
            }
            @for c in &report.checks {
                (check_article(report, c))
            }
        } "\n"
    }
}

fn check_article(report: &Report, c: &CheckInfo) -> Markup {
    let applies = if c.applies_to.is_empty() {
        "every kind".to_string()
    } else {
        c.applies_to.join(", ")
    };
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
    html! {
        article class="check" id=(fix_anchor(&c.id)) {
            "\n"
            h3 {
                (Text(&c.title)) " " code { (Text(&c.id)) } " "
                span class={ "badge sev-" (c.severity) } { (c.severity) }
            } "\n"
            p class="meta" {
                "Weight " (c.weight) " \u{b7} applies to " (Text(&applies)) " \u{b7} from "
                code { (Text(&c.origin)) }
            } "\n"
            p { (Text(&c.description)) } "\n"
            div class="fix" { strong { "How to fix:" } " " (Text(&c.remediation)) } "\n"
            @if failing.is_empty() {
                p class="ok" { "No entity fails this check." } "\n"
            } @else {
                details open {
                    summary { "Failing (" (failing.len()) ")" }
                    ul class="failing" {
                        @for (e, r) in failing {
                            li {
                                a href={ "#" (entity_anchor(&e.reference)) } { code { (Text(&e.reference)) } }
                                " \u{2014} " (Text(&r.message)) " "
                                span class="muted" { "(" (Text(&location_text(e, r))) ")" }
                            }
                        }
                    }
                } "\n"
            }
        } "\n"
    }
}

pub(super) fn findings(findings: &[FindingRecord]) -> Markup {
    html! {
        section id="findings" aria-labelledby="findings-h" {
            "\n"
            h2 id="findings-h" { "Lint findings" } "\n"
            @if findings.is_empty() {
                p class="ok" { "No lint findings." } "\n"
            } @else {
                div class="scroll" {
                    table class="findings sortable" {
                        "\n"
                        caption { "Problems in the catalog files (click a header to sort)" } "\n"
                        thead {
                            tr {
                                @for label in ["Severity", "Rule", "Where", "Message"] {
                                    th scope="col" { (sort_button(label)) }
                                }
                            }
                        } "\n"
                        tbody {
                            "\n"
                            @for f in findings { (finding_row(f)) }
                        } "\n"
                    }
                } "\n"
            }
        } "\n"
    }
}

/// How findings of a severity sort: errors first.
pub(super) fn severity_rank(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

fn finding_row(f: &FindingRecord) -> Markup {
    html! {
        tr {
            td data-sort=(severity_rank(f.severity)) {
                span class={ "badge fs-" (f.severity) } { (f.severity) }
            }
            td class="nw" { code { (Text(&f.rule)) } }
            td class="nw" {
                code { (Text(&finding_location(f))) }
                @if let Some(entity) = &f.entity {
                    div class="help" { code { (Text(entity)) } }
                }
            }
            td {
                (Text(&f.message))
                @if !f.help.is_empty() {
                    div class="help" { (Text(&f.help)) }
                }
            }
        } "\n"
    }
}

pub(super) fn exemptions(report: &Report) -> Markup {
    let expired = &report.summary.expired_exemptions;
    html! {
        @if !expired.is_empty() {
            section id="exemptions" aria-labelledby="exemptions-h" {
                "\n"
                h2 id="exemptions-h" { "Expired exemptions" } "\n"
                div class="scroll" {
                    table {
                        "\n"
                        caption { "Exemptions past their date no longer apply" } "\n"
                        thead {
                            tr {
                                @for label in ["Entity", "Check", "Expired", "Reason", "Config line"] {
                                    th scope="col" { (label) }
                                }
                            }
                        } "\n"
                        tbody {
                            "\n"
                            @for x in expired {
                                tr {
                                    td { code { (Text(&x.entity)) } }
                                    td { a href={ "#" (fix_anchor(&x.check)) } { code { (Text(&x.check)) } } }
                                    td { (Text(&x.expires)) }
                                    td { (Text(&x.reason)) }
                                    td class="num" { (x.line) }
                                } "\n"
                            }
                        } "\n"
                    }
                } "\n"
            } "\n"
        }
    }
}

/// Each reported entity's score against the baseline (`--baseline`).
pub(super) fn changes(report: &Report) -> Markup {
    let Some(c) = &report.comparison else {
        return html! {};
    };
    html! {
        section id="changes" aria-labelledby="changes-h" {
            "\n"
            h2 id="changes-h" { "Score changes against the baseline" } "\n"
            p {
                "Mean score " (score_text(c.baseline_score, MISSING)) " \u{2192} "
                (score_text(c.score, MISSING)) "."
            } "\n"
            div class="scroll" {
                table {
                    "\n"
                    caption { "Scores before and after, per entity" } "\n"
                    thead {
                        tr {
                            @for label in ["Entity", "Before", "After", "Change", "Level"] {
                                th scope="col" { (label) }
                            }
                        }
                    } "\n"
                    tbody {
                        "\n"
                        @for e in &c.entities {
                            tr {
                                td { code { (Text(&e.reference)) } }
                                td class="num" { (score_text(e.before, MISSING)) }
                                td class="num" { (score_text(e.after, MISSING)) }
                                td class="num" {
                                    @match (e.in_baseline, e.delta()) {
                                        (false, _) => "new",
                                        (true, None) => (MISSING),
                                        (true, Some(d)) => (format!("{d:+.1}")),
                                    }
                                }
                                td { (level_label(e.before_level)) " \u{2192} " (level_label(e.after_level)) }
                            } "\n"
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

/// Catalog adoption of an organisation scan: the share of repositories with a catalog file
/// and the ones without.
pub(super) fn adoption(report: &Report) -> Markup {
    let Some(scan) = &report.scan else {
        return html! {};
    };
    let a = &scan.adoption;
    let share = a.share.map_or_else(
        || MISSING.to_string(),
        |s| format!("{:.1}\u{a0}%", s * 100.0),
    );
    let url = |name: &str| {
        scan.repositories
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.url.as_str())
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
    };
    let missing: Vec<(&String, &str)> = a
        .failed
        .iter()
        .map(|n| (n, " (could not be scanned)"))
        .chain(a.without_catalog.iter().map(|n| (n, "")))
        .collect();
    html! {
        section id="adoption" aria-labelledby="adoption-h" {
            "\n"
            h2 id="adoption-h" { "Catalog adoption in " (Text(&scan.organization)) } "\n"
            p {
                (a.with_catalog) " of " (a.repositories - a.failed.len())
                " repositories have a catalog file (" (share) ")."
                @if !a.failed.is_empty() {
                    " " (a.failed.len()) " could not be scanned."
                }
            } "\n"
            @if !missing.is_empty() {
                details {
                    summary { "Repositories without a catalog file" } "\n"
                    ul {
                        "\n"
                        @for (name, note) in missing {
                            li {
                                @if let Some(u) = url(name) {
                                    a href=(Text(u)) rel="noreferrer" { (Text(name)) }
                                } @else {
                                    (Text(name))
                                }
                                (note)
                            } "\n"
                        }
                    } "\n"
                } "\n"
            }
        } "\n"
    }
}
