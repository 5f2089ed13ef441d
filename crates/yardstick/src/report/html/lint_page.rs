//! The lint findings as one self-contained HTML page: counts by severity and the files
//! scanned, then the findings grouped by file and sorted by line, each linking to its rule's
//! documentation. Same frame, style sheet and Content-Security-Policy as the scorecard.

use std::collections::BTreeMap;
use std::io::{self, Write};

use maud::{html, Markup};

use super::overview::banner;
use super::sections::severity_rank;
use super::{anchor, page, sort_button, Text};
use crate::report::text::plural;
use crate::report::{FindingRecord, Report};
use crate::rules::Severity;

/// Writes the lint findings of `report` as one self-contained HTML page; `files_scanned` is
/// the number of catalog files read.
pub fn write(report: &Report, files_scanned: usize, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report, files_scanned).as_bytes())
}

/// The lint page as a string.
///
/// ```
/// use yardstick::report::{html::lint_page, Report};
/// # let lint = yardstick::lint_paths(&[], &yardstick::LintOptions::default()).unwrap();
/// let page = lint_page::render(&Report::from_lint(&lint), 0);
/// assert!(page.contains("No lint findings."));
/// ```
pub fn render(report: &Report, files_scanned: usize) -> String {
    let files = by_file(&report.findings);
    let main = html! {
        (summary(&report.findings, files_scanned, files.len()))
        section id="files" aria-labelledby="files-h" {
            "\n"
            h2 id="files-h" { "Findings by file" } "\n"
            @if files.is_empty() {
                p class="ok" { "No lint findings." } "\n"
            }
            @for (file, findings) in &files {
                (file_article(file, findings))
            }
        } "\n"
    };
    page(
        "Yardstick lint report",
        header(&report.findings, files_scanned),
        main,
        report.version,
    )
}

/// The findings per file, files in name order, each file's findings by line and column
/// (then rule, for a stable order).
fn by_file(findings: &[FindingRecord]) -> BTreeMap<&str, Vec<&FindingRecord>> {
    let mut files: BTreeMap<&str, Vec<&FindingRecord>> = BTreeMap::new();
    for f in findings {
        files.entry(&f.file).or_default().push(f);
    }
    for list in files.values_mut() {
        list.sort_by(|a, b| {
            (a.line, a.column, &a.rule, &a.message).cmp(&(b.line, b.column, &b.rule, &b.message))
        });
    }
    files
}

fn count(findings: &[&FindingRecord], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

/// `2 errors, 1 warning, 0 notes`.
fn counts_text(findings: &[&FindingRecord]) -> String {
    format!(
        "{}, {}, {}",
        plural(count(findings, Severity::Error), "error", "errors"),
        plural(count(findings, Severity::Warning), "warning", "warnings"),
        plural(count(findings, Severity::Note), "note", "notes")
    )
}

fn header(findings: &[FindingRecord], files_scanned: usize) -> Markup {
    let all: Vec<&FindingRecord> = findings.iter().collect();
    let errors = count(&all, Severity::Error);
    let (class, text) = if errors == 0 {
        ("pass", "No errors".to_string())
    } else {
        ("fail", plural(errors, "error", "errors"))
    };
    let sub = html! {
        (plural(files_scanned, "file", "files")) " scanned \u{b7} "
        (plural(findings.len(), "finding", "findings"))
    };
    html! {
        (banner("Catalog lint", &sub, class, &html! { strong { (text) } }))
        nav aria-label="Sections" {
            a href="#summary" { "Summary" }
            a href="#files" { "Findings by file" }
        } "\n"
    }
}

fn summary(findings: &[FindingRecord], files_scanned: usize, files_with_findings: usize) -> Markup {
    let all: Vec<&FindingRecord> = findings.iter().collect();
    // Rule id -> (severity, count), for the table of rules.
    let mut rules: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for f in findings {
        rules.entry(&f.rule).or_insert((f.severity, 0)).1 += 1;
    }
    html! {
        section id="summary" aria-labelledby="summary-h" {
            "\n"
            h2 id="summary-h" { "Summary" } "\n"
            div class="two" {
                "\n"
                figure class="card" {
                    "\n"
                    figcaption { "Findings" } "\n"
                    dl class="stats" {
                        dt { "Errors" } dd { (count(&all, Severity::Error)) }
                        dt { "Warnings" } dd { (count(&all, Severity::Warning)) }
                        dt { "Notes" } dd { (count(&all, Severity::Note)) }
                        dt { "Files scanned" } dd { (files_scanned) }
                        dt { "Files with findings" } dd { (files_with_findings) }
                    } "\n"
                } "\n"
                @if !rules.is_empty() {
                    div class="scroll" {
                        table class="findings sortable" {
                            "\n"
                            caption { "Findings per rule (click a header to sort)" } "\n"
                            thead {
                                tr {
                                    th scope="col" { (sort_button("Rule")) }
                                    th scope="col" { (sort_button("Severity")) }
                                    th scope="col" data-type="num" { (sort_button("Findings")) }
                                }
                            } "\n"
                            tbody {
                                "\n"
                                @for (rule, (severity, n)) in &rules {
                                    tr {
                                        td class="nw" { code { (Text(rule)) } }
                                        td data-sort=(severity_rank(*severity)) {
                                            span class={ "badge fs-" (severity) } { (severity) }
                                        }
                                        td class="num" { (n) }
                                    } "\n"
                                }
                            } "\n"
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn file_article(file: &str, findings: &[&FindingRecord]) -> Markup {
    html! {
        article class="check" id=(anchor("file-", file)) {
            "\n"
            h3 { code { (Text(file)) } } "\n"
            p class="meta" { (counts_text(findings)) } "\n"
            div class="scroll" {
                table class="findings" {
                    "\n"
                    thead {
                        tr {
                            th scope="col" class="num" { "Line:col" }
                            th scope="col" { "Severity" }
                            th scope="col" { "Rule" }
                            th scope="col" { "Message" }
                        }
                    } "\n"
                    tbody {
                        "\n"
                        @for f in findings { (finding_row(f)) }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn finding_row(f: &FindingRecord) -> Markup {
    let place = match (f.line, f.column) {
        (Some(line), Some(column)) => format!("{line}:{column}"),
        (Some(line), None) => line.to_string(),
        _ => String::new(),
    };
    // Only a web address may become a link; anything else is shown as text.
    let link = f
        .url
        .as_deref()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    html! {
        tr {
            td class="num" { (place) }
            td { span class={ "badge fs-" (f.severity) } { (f.severity) } }
            td class="nw" {
                @if let Some(url) = link {
                    a href=(Text(url)) rel="noreferrer" { code { (Text(&f.rule)) } }
                } @else {
                    code { (Text(&f.rule)) }
                }
            }
            td {
                (Text(&f.message))
                @if let Some(entity) = &f.entity {
                    div class="help" { code { (Text(entity)) } }
                }
                @if !f.help.is_empty() {
                    div class="help" { (Text(&f.help)) }
                }
            }
        } "\n"
    }
}
