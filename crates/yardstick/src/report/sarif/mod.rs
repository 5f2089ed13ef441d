//! SARIF 2.1.0 rendering of a [`Report`] for GitHub code scanning.
//!
//! Why plain `serde` structs rather than the `serde-sarif` crate: `serde-sarif` 0.8 generates
//! its types at build time from the whole SARIF schema, so every nested optional field needs a
//! typed builder, several fields are untyped `serde_json::Value`s and rule properties go
//! through a flattened map. We write a small, fixed subset (what GitHub reads), so a dozen
//! private structs are shorter, check field names at compile time, and serialise their keys
//! in declaration order whatever features `serde_json` is built with. The test suite validates
//! the output against the official 2.1.0 schema.
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

use super::text::plural;
use super::{RenderOptions, Report};

mod log;
mod results;
mod rules;
mod visible;

use log::{
    AutomationDetails, BaseUri, Driver, Invocation, Log, Notification, Reference, Rule,
    RuleReference, Run, RunProperties, SarifResult, Text, Tool,
};
use results::CheckError;
use rules::Rules;

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
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut *out, visible::VisibleControls::default());
    serde::Serialize::serialize(&build(report, options, MAX_RESULTS), &mut serializer)?;
    writeln!(out)
}

/// The SARIF log of a report, keeping at most `max_results` results.
fn build(report: &Report, options: &RenderOptions, max_results: usize) -> Log {
    let mut rules = Rules::for_report(report, options);
    let (mut pending, check_errors) = results::check_results(report, &mut rules, options);
    pending.extend(results::finding_results(report, &mut rules, options));
    let mut ranked = results::fingerprint_and_rank(pending);
    let total = ranked.len();
    let dropped = total.saturating_sub(max_results);
    ranked.truncate(max_results);
    let results = ranked
        .into_iter()
        .map(|(pending, fingerprint)| results::sarif_result(pending, fingerprint, &rules))
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
            .map(|(id, error)| check_error_notice(id, error, &rules)),
    );
    let category = options.sarif_category.trim().trim_end_matches('/');
    log(
        category,
        rules.into_list(),
        notifications,
        results,
        properties,
    )
}

/// The warning and run properties that say how many results were dropped.
fn truncation_notice(
    total: usize,
    max_results: usize,
    dropped: usize,
) -> (Notification, RunProperties) {
    let note = format!(
        "{total} results exceed GitHub's limit of {max_results} per run; \
         kept the {max_results} most severe and dropped {dropped}."
    );
    let notification = Notification {
        level: "warning",
        message: Text { text: note.clone() },
        descriptor: Reference {
            id: "yardstick/sarif-results-truncated",
        },
        associated_rule: None,
    };
    let properties = RunProperties {
        truncated: true,
        limit: max_results,
        total,
        dropped,
        note,
    };
    (notification, properties)
}

/// The error that says a check could not be evaluated (such checks have no results).
fn check_error_notice(id: &str, error: CheckError, rules: &Rules) -> Notification {
    Notification {
        level: "error",
        message: Text {
            text: format!(
                "check {id} could not be evaluated for {}; first: {}",
                plural(error.entities, "entity", "entities"),
                error.first
            ),
        },
        descriptor: Reference {
            id: "yardstick/check-error",
        },
        associated_rule: rules.index(id).map(|index| RuleReference {
            id: id.to_string(),
            index,
        }),
    }
}

/// The log with its single run.
fn log(
    category: &str,
    rules: Vec<Rule>,
    notifications: Vec<Notification>,
    results: Vec<SarifResult>,
    properties: Option<RunProperties>,
) -> Log {
    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "yardstick",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            automation_details: (!category.is_empty()).then(|| AutomationDetails {
                id: format!("{category}/"),
            }),
            invocations: [Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseUri {
                    description: Text {
                        text: "The root of the repository; file paths are relative to it.".into(),
                    },
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
            properties,
        }],
    }
}
