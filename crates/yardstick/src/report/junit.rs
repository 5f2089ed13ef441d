//! JUnit XML for a [`super::Report`]: one `<testsuite>` per entity with one `<testcase>` per
//! check, plus a `lint` suite with one test case per lint finding.
//!
//! Failing checks are `<failure>`s, checks that could not be evaluated are `<error>`s, and
//! unknown, not-applicable and exempt checks are `<skipped>`. Lint errors are failures;
//! warnings and notes are passing test cases that carry the finding in `<system-out>`.
//!
//! The document is built and written by `quick-junit`, which escapes XML and counts the
//! tests. User text first takes the visible form of [`crate::util::escape`] (`\x1b`):
//! `quick-junit` would otherwise strip ANSI sequences and drop control characters silently.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::text::finding_location;
use super::{CheckInfo, FindingRecord, RenderOptions, Report};
use crate::rules::Severity;
use crate::score::{CheckResult, CheckStatus, EntityScore};
use crate::util::escape::escape_controls;

/// `text` as `quick-junit` may take it: control characters in their visible form, and tabs
/// as spaces (`quick-junit` drops tabs, and XML readers turn those in attributes into
/// spaces anyway).
fn visible(text: &str) -> String {
    match escape_controls(text) {
        Cow::Borrowed(text) if !text.contains('\t') => text.to_string(),
        text => text.replace('\t', " "),
    }
}

/// A `<property>` of an entity's suite.
fn property(name: &str, value: &str) -> Property {
    Property::new(name, visible(value))
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

/// The test case of one check result.
fn check_case(reference: &str, result: &CheckResult, info: Option<&CheckInfo>) -> TestCase {
    let status = match result.status {
        CheckStatus::Pass => TestCaseStatus::success(),
        CheckStatus::Fail | CheckStatus::Error => {
            let kind = if result.status == CheckStatus::Fail {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut status = TestCaseStatus::non_success(kind);
            status
                .set_message(visible(&result.message))
                .set_type(visible(&result.severity.to_string()))
                .set_description(visible(&check_body(result, info)));
            status
        }
        CheckStatus::Unknown | CheckStatus::NotApplicable | CheckStatus::Exempt => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(visible(&format!(
                "{}: {}",
                result.status.as_str(),
                result.message
            )));
            status
        }
    };
    let mut case = TestCase::new(visible(&result.id), status);
    case.set_classname(visible(reference));
    case
}

fn entity_suite(report: &Report, entity: &EntityScore) -> TestSuite {
    let mut suite = TestSuite::new(visible(&entity.reference));
    suite.add_property(property("kind", &entity.kind));
    suite.add_property(property("file", &entity.file));
    if let Some(owner) = &entity.owner {
        suite.add_property(property("owner", owner));
    }
    if let Some(system) = &entity.system {
        suite.add_property(property("system", system));
    }
    if let Some(score) = entity.score {
        suite.add_property(property("score", &format!("{score:.1}")));
    }
    if let Some(level) = entity.level {
        suite.add_property(property("level", super::text::level_label(level)));
    }
    for result in &entity.checks {
        let info = report.checks.iter().find(|c| c.id == result.id);
        suite.add_test_case(check_case(&entity.reference, result, info));
    }
    suite
}

/// The test case of one lint finding.
fn finding_case(f: &FindingRecord) -> TestCase {
    let name = match (f.line, f.column) {
        (Some(line), Some(column)) => format!("{} ({line}:{column})", f.rule),
        (Some(line), None) => format!("{} ({line})", f.rule),
        _ => f.rule.clone(),
    };
    let mut body = format!("{}\nat {}", f.message, finding_location(f));
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
    let mut case = if f.severity == Severity::Error {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status
            .set_message(visible(&f.message))
            .set_type("error")
            .set_description(visible(&body));
        TestCase::new(visible(&name), status)
    } else {
        let mut case = TestCase::new(visible(&name), TestCaseStatus::success());
        case.set_system_out(visible(&format!("{}: {body}", f.severity)));
        case
    };
    case.set_classname(visible(&f.file));
    case
}

fn lint_suite(findings: &[FindingRecord]) -> TestSuite {
    let mut suite = TestSuite::new("lint");
    suite.add_test_cases(findings.iter().map(finding_case));
    suite
}

/// Writes the report as a JUnit XML document.
pub fn write(report: &Report, _options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut junit = quick_junit::Report::new("yardstick");
    for entity in &report.entities {
        junit.add_test_suite(entity_suite(report, entity));
    }
    junit.add_test_suite(lint_suite(&report.findings));
    // Serialised in memory, so that a write error reaches the caller as the `io::Error` it is.
    let mut xml = Vec::new();
    junit.serialize(&mut xml).map_err(io::Error::other)?;
    out.write_all(&xml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_shows_controls_and_keeps_words_apart() {
        assert_eq!(visible("plain <text> & more\n"), "plain <text> & more\n");
        assert_eq!(
            visible("a\u{1b}[41mb\u{7f}\u{9b}\r"),
            "a\\x1b[41mb\\x7f\\u{9b}\\x0d"
        );
        assert_eq!(visible("a\tb\u{0}"), "a b\\x00");
    }

    #[test]
    fn quick_junit_keeps_the_visible_form() {
        let mut junit = quick_junit::Report::new(visible("r\u{1b}[31m\tx"));
        junit.add_test_suite(TestSuite::new("s"));
        let mut xml = Vec::new();
        junit.serialize(&mut xml).expect("serialise");
        let xml = String::from_utf8(xml).expect("UTF-8");
        assert!(xml.contains("name=\"r\\x1b[31m x\""), "{xml}");
    }
}
