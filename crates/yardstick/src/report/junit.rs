//! JUnit XML for a [`super::Report`]: one `<testsuite>` per entity with one `<testcase>` per
//! check, plus a `lint` suite with one test case per lint finding.
//!
//! Failing checks are `<failure>`s, checks that could not be evaluated are `<error>`s, and
//! unknown, not-applicable and exempt checks are `<skipped>`. Lint errors are failures;
//! warnings and notes are passing test cases that carry the finding in `<system-out>`.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::text::finding_location;
use super::{CheckInfo, FindingRecord, RenderOptions, Report};
use crate::rules::Severity;
use crate::score::{CheckResult, CheckStatus, EntityScore};
use crate::util::escape::{is_unsafe_control, push_visible};

/// Whether XML 1.0 allows the character at all (`Char` production).
fn legal(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..
    )
}

/// Escapes an attribute value, dropping characters XML 1.0 cannot represent (among them
/// ESC and the other C0 controls but tab, LF and CR); the controls it can represent (DEL, C1)
/// take their visible form (see [`crate::util::escape`]). Tabs, line
/// feeds and carriage returns become character references so that attribute-value
/// normalisation keeps them.
pub fn escape(text: &str) -> String {
    escape_with(text, true)
}

/// Escapes element content: like [`escape`], but tabs and line feeds stay literal.
fn escape_text(text: &str) -> String {
    escape_with(text, false)
}

fn escape_with(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            // Parsers turn a literal CR into LF, in content too.
            '\r' => out.push_str("&#13;"),
            // XML 1.0 cannot carry most C0 controls at all (not even as references): they
            // are dropped. The ones it can carry (DEL, C1) take their visible form.
            c if !legal(c) => {}
            c if is_unsafe_control(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }

    fn attributes(self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

fn entity_counts(entity: &EntityScore) -> Counts {
    let mut counts = Counts::default();
    for r in &entity.checks {
        counts.tests += 1;
        match r.status {
            CheckStatus::Pass => {}
            CheckStatus::Fail => counts.failures += 1,
            CheckStatus::Error => counts.errors += 1,
            CheckStatus::Unknown | CheckStatus::NotApplicable | CheckStatus::Exempt => {
                counts.skipped += 1
            }
        }
    }
    counts
}

fn lint_counts(findings: &[FindingRecord]) -> Counts {
    Counts {
        tests: findings.len(),
        failures: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        errors: 0,
        skipped: 0,
    }
}

/// The body of a failure or error: message, location and remediation, one per line.
fn check_body(result: &CheckResult, info: Option<&CheckInfo>) -> String {
    let mut body = result.message.to_string();
    if let Some(l) = &result.location {
        let _ = write!(body, "\nat {}:{}:{}", l.file, l.line, l.column);
    }
    if let Some(p) = &result.pointer {
        let _ = write!(body, "\nfield: {p}");
    }
    if let Some(fix) = info.map(|i| i.remediation.trim()).filter(|r| !r.is_empty()) {
        let _ = write!(body, "\nremediation: {fix}");
    }
    body
}

fn write_entity(report: &Report, entity: &EntityScore, out: &mut String) {
    let reference = escape(&entity.reference);
    let _ = writeln!(
        out,
        "  <testsuite name=\"{reference}\" {}>",
        entity_counts(entity).attributes()
    );
    out.push_str("    <properties>\n");
    let mut property = |name: &str, value: &str| {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            escape(value)
        );
    };
    property("kind", &entity.kind);
    property("file", &entity.file);
    if let Some(owner) = &entity.owner {
        property("owner", owner);
    }
    if let Some(system) = &entity.system {
        property("system", system);
    }
    if let Some(score) = entity.score {
        property("score", &format!("{score:.1}"));
    }
    if let Some(level) = entity.level {
        property("level", super::text::level_label(level));
    }
    out.push_str("    </properties>\n");
    for result in &entity.checks {
        let open = format!(
            "    <testcase classname=\"{reference}\" name=\"{}\"",
            escape(&result.id)
        );
        let info = report.checks.iter().find(|c| c.id == result.id);
        let severity = escape(&result.severity.to_string());
        match result.status {
            CheckStatus::Pass => {
                let _ = writeln!(out, "{open}/>");
            }
            CheckStatus::Fail | CheckStatus::Error => {
                let tag = if result.status == CheckStatus::Fail {
                    "failure"
                } else {
                    "error"
                };
                let _ = writeln!(
                    out,
                    "{open}>\n      <{tag} message=\"{}\" type=\"{severity}\">{}</{tag}>\n    </testcase>",
                    escape(&result.message),
                    escape_text(&check_body(result, info)),
                );
            }
            CheckStatus::Unknown | CheckStatus::NotApplicable | CheckStatus::Exempt => {
                let message = format!("{}: {}", result.status.as_str(), result.message);
                let _ = writeln!(
                    out,
                    "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                    escape(&message)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n");
}

fn write_lint(findings: &[FindingRecord], out: &mut String) {
    let _ = writeln!(
        out,
        "  <testsuite name=\"lint\" {}>",
        lint_counts(findings).attributes()
    );
    for f in findings {
        let location = finding_location(f);
        let name = match (f.line, f.column) {
            (Some(line), Some(column)) => format!("{} ({line}:{column})", f.rule),
            (Some(line), None) => format!("{} ({line})", f.rule),
            _ => f.rule.clone(),
        };
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            escape(&f.file),
            escape(&name)
        );
        let mut body = format!("{}\nat {location}", f.message);
        if let Some(entity) = &f.entity {
            let _ = write!(body, "\nentity: {entity}");
        }
        if let Some(p) = &f.pointer {
            let _ = write!(body, "\nfield: {p}");
        }
        if !f.help.trim().is_empty() {
            let _ = write!(body, "\nhelp: {}", f.help.trim());
        }
        if let Some(url) = &f.url {
            let _ = write!(body, "\ndocs: {url}");
        }
        if f.severity == Severity::Error {
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"error\">{}</failure>\n    </testcase>",
                escape(&f.message),
                escape_text(&body)
            );
        } else {
            let _ = writeln!(
                out,
                ">\n      <system-out>{}: {}</system-out>\n    </testcase>",
                f.severity,
                escape_text(&body)
            );
        }
    }
    out.push_str("  </testsuite>\n");
}

/// Writes the report as a JUnit XML document.
pub fn write(report: &Report, _options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut total = Counts::default();
    for entity in &report.entities {
        total.add(entity_counts(entity));
    }
    total.add(lint_counts(&report.findings));
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"yardstick\" {}>",
        total.attributes()
    );
    for entity in &report.entities {
        write_entity(report, entity, &mut xml);
    }
    write_lint(&report.findings, &mut xml);
    xml.push_str("</testsuites>\n");
    out.write_all(xml.as_bytes())
}
