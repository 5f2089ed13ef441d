//! SARIF 2.1.0 rendering of a [`Report`] for GitHub code scanning.
//!
//! The log is built from `serde-sarif`'s typed model (generated from the official 2.1.0
//! schema). A few things it leaves untyped, which we fill in by hand:
//! - `version`, `run.columnKind`, `notification.level` and
//!   `reportingConfiguration.level` are `serde_json::Value`s (the crate's `Version`,
//!   `ResultColumnKind` and level enums are written into them as their strings);
//! - GitHub's rule properties (`precision`, `problem.severity`, `security-severity`, a string
//!   such as `"7.0"`) and our own run and result properties have no typed field: they go into
//!   a property bag's `additional_properties` map;
//! - indexes are `i64`.
//!
//! Keys come out in the model's (alphabetical) order. The test suite validates the output
//! against the official 2.1.0 schema.
//!
//! GitHub specifics (docs.github.com, "SARIF support for code scanning" and "SARIF results
//! exceed one or more limits"):
//! - at most 25,000 results and 25,000 rules per run, 10 locations per result (we write one),
//!   20 tags per rule (10 shown); required strings must not be empty; `name` is limited to
//!   255 characters and `shortDescription`/`fullDescription` to 1,024;
//! - `automationDetails.id` is `category/run-id`: everything before the last `/` is the
//!   category, so we write `{category}/`;
//! - relative `artifactLocation.uri`s are resolved against the repository root.
//!
//! Fingerprints: GitHub itself only reads `partialFingerprints.primaryLocationLineHash`, which
//! `github/codeql-action/upload-sarif` computes from the text of the flagged line (it warns on
//! every result whose supplied value differs from its own). We therefore publish our identity
//! under our own key, `yardstick/v1`: FNV-1a 64 over rule id, entity, JSON pointer and file —
//! never a line number — plus an occurrence counter for results that hash alike.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::Value;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Message, Notification, NotificationLevel, PropertyBag,
    ReportingDescriptor, ReportingDescriptorReference, Result as SarifResult, ResultColumnKind,
    Run, RunAutomationDetails, Sarif, Tool, ToolComponent, Version,
};

use super::text::plural;
use super::{RenderOptions, Report};

mod results;
mod rules;
mod stream;
mod visible;

use results::{CheckError, Collected, PendingResult};
use rules::Rules;
pub use stream::SarifReportStream;

/// GitHub rejects a run with more results than this; extra results are dropped, least severe
/// first, and the run says how many.
pub const MAX_RESULTS: usize = 25_000;

/// Key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "yardstick/v1";

/// Where the checks are documented; each check has an anchor there.
pub const CHECKS_DOC_URL: &str =
    "https://github.com/yardstick-dev/yardstick/blob/main/docs/checks.md";

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/yardstick-dev/yardstick";
const SRCROOT: &str = "%SRCROOT%";
const MAX_NAME: usize = 255;
const MAX_DESCRIPTION: usize = 1024;

/// Writes `report` as a SARIF 2.1.0 log with a single run.
pub fn write(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    write_log(build(report, options, MAX_RESULTS), out)
}

/// A SARIF log whose results are built one at a time as they are written: each typed result
/// takes a few KB, and a run may hold 25,000.
struct Log {
    /// The log, with an empty results array.
    head: Sarif,
    /// The results, ranked: each pending result with its fingerprint and rule index.
    results: Vec<(PendingResult, String, usize)>,
}

impl Log {
    /// The whole typed log, results included.
    #[cfg(test)]
    fn into_sarif(self) -> Sarif {
        let mut sarif = self.head;
        if let Some(run) = sarif.runs.first_mut() {
            run.results = Some(self.results.into_iter().map(typed_result).collect());
        }
        sarif
    }
}

fn typed_result((pending, fingerprint, rule): (PendingResult, String, usize)) -> SarifResult {
    results::sarif_result(pending, fingerprint, rule)
}

/// The run's empty results array in the log's pretty JSON (runs are at depth 2; strings hold
/// no raw line breaks, so only the key can match).
const NO_RESULTS: &str = "\n      \"results\": []";

/// Writes a SARIF log as JSON, with a final line break: the same bytes as serialising the
/// whole typed log, with each result built and written in turn.
fn write_log(log: Log, out: &mut dyn Write) -> io::Result<()> {
    let head = visible_json(&log.head)?;
    let at = head
        .find(NO_RESULTS)
        .ok_or_else(|| io::Error::other("the SARIF log has no results array"))?;
    // Up to and including `[`; the rest starts with `]`.
    let (before, after) = head.split_at(at + NO_RESULTS.len() - 1);
    out.write_all(before.as_bytes())?;
    let any = !log.results.is_empty();
    for (i, result) in log.results.into_iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let text = visible_json(&typed_result(result))?;
        write_nested(out, &text, "        ", true)?;
    }
    if any {
        out.write_all(b"\n      ")?;
    }
    out.write_all(after.as_bytes())?;
    writeln!(out)
}

/// `value` as pretty JSON with control characters in their visible form.
fn visible_json(value: &impl serde::Serialize) -> io::Result<String> {
    let mut text = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut text, visible::VisibleControls::default());
    value.serialize(&mut serializer)?;
    String::from_utf8(text).map_err(io::Error::other)
}

/// Pretty JSON `text` nested at the depth `indent` stands for: every line but the first (and
/// the first too when `first`) starts with `indent`. JSON strings hold no raw line breaks, so
/// lines are the formatter's own.
fn write_nested(
    out: &mut (impl Write + ?Sized),
    text: &str,
    indent: &str,
    first: bool,
) -> io::Result<()> {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        if i > 0 || first {
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// The SARIF log of a report, keeping at most `max_results` results.
fn build(report: &Report, options: &RenderOptions, max_results: usize) -> Log {
    let mut rules = Rules::for_report(report, options);
    let mut collected = Collected::default();
    for entity in &report.entities {
        collected.add_entity(entity, &mut rules, options);
    }
    collected.add_findings(&report.findings, &rules);
    assemble(collected, rules, options, max_results)
}

/// The SARIF log of what was collected of a report, whose rules so far are `rules`: results
/// fingerprinted, ranked and cut at `max_results`, and the notifications of the run.
fn assemble(
    collected: Collected,
    mut rules: Rules,
    options: &RenderOptions,
    max_results: usize,
) -> Log {
    let (pending, check_errors) = collected.into_results(&mut rules, options);
    let mut ranked = results::fingerprint_and_rank(pending);
    let total = ranked.len();
    let dropped = total.saturating_sub(max_results);
    ranked.truncate(max_results);
    let results = ranked
        .into_iter()
        .map(|(pending, fingerprint)| {
            let rule = results::rule_index(&pending, &rules);
            (pending, fingerprint, rule)
        })
        .collect();

    let mut notifications = Vec::new();
    let mut properties = None;
    if dropped > 0 {
        let (notification, truncation) = truncation_notice(total, max_results, dropped);
        notifications.push(notification);
        properties = Some(truncation);
    }
    notifications.extend(
        check_errors
            .into_iter()
            .map(|(id, error)| check_error_notice(&id, error, &rules)),
    );
    let category = options.sarif_category.trim().trim_end_matches('/');
    let head = log(category, rules.into_list(), notifications, properties);
    Log { head, results }
}

/// The warning and run properties that say how many results were dropped.
fn truncation_notice(
    total: usize,
    max_results: usize,
    dropped: usize,
) -> (Notification, PropertyBag) {
    let note = format!(
        "{total} results exceed GitHub's limit of {max_results} per run; \
         kept the {max_results} most severe and dropped {dropped}."
    );
    let notification = Notification::builder()
        .level(string(NotificationLevel::Warning))
        .message(text_message(note.clone()))
        .descriptor(
            ReportingDescriptorReference::builder()
                .id("yardstick/sarif-results-truncated")
                .build(),
        )
        .build();
    let properties = PropertyBag::builder()
        .additional_properties(BTreeMap::from([
            ("yardstick/resultsTruncated".to_string(), Value::from(true)),
            (
                "yardstick/resultLimit".to_string(),
                Value::from(max_results),
            ),
            ("yardstick/resultsTotal".to_string(), Value::from(total)),
            ("yardstick/resultsDropped".to_string(), Value::from(dropped)),
            ("yardstick/note".to_string(), Value::from(note)),
        ]))
        .build();
    (notification, properties)
}

/// The error that says a check could not be evaluated (such checks have no results).
fn check_error_notice(id: &str, error: CheckError, rules: &Rules) -> Notification {
    let text = format!(
        "check {id} could not be evaluated for {}; first: {}",
        plural(error.entities, "entity", "entities"),
        error.first
    );
    Notification::builder()
        .level(string(NotificationLevel::Error))
        .message(text_message(text))
        .descriptor(
            ReportingDescriptorReference::builder()
                .id("yardstick/check-error")
                .build(),
        )
        .opt_associated_rule(rules.index(id).map(|index| {
            ReportingDescriptorReference::builder()
                .id(id)
                .index(sarif_integer(index))
                .build()
        }))
        .build()
}

/// The log with its single run.
fn log(
    category: &str,
    rules: Vec<ReportingDescriptor>,
    notifications: Vec<Notification>,
    properties: Option<PropertyBag>,
) -> Sarif {
    let driver = ToolComponent::builder()
        .name("yardstick")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    let invocation = Invocation::builder()
        .execution_successful(true)
        .opt_tool_execution_notifications((!notifications.is_empty()).then_some(notifications))
        .build();
    let repository_root = ArtifactLocation::builder()
        .description(text_message(
            "The root of the repository; file paths are relative to it.",
        ))
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .opt_automation_details((!category.is_empty()).then(|| {
            RunAutomationDetails::builder()
                .id(format!("{category}/"))
                .build()
        }))
        .invocations(vec![invocation])
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), repository_root)]))
        .column_kind(string(ResultColumnKind::UnicodeCodePoints))
        .results(Vec::new())
        .opt_properties(properties)
        .build();
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(string(Version::V2_1_0))
        .runs(vec![run])
        .build()
}

/// A plain-text message.
fn text_message(text: impl Into<String>) -> Message {
    Message::builder().text(text).build()
}

/// One of the model's enums as the JSON string the model leaves untyped.
fn string(value: impl std::fmt::Display) -> Value {
    Value::String(value.to_string())
}

/// A count, index, line or column as the model's integer type.
fn sarif_integer(index: usize) -> i64 {
    i64::try_from(index).unwrap_or(i64::MAX)
}
