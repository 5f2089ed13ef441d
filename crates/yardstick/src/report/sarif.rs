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

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde::Serialize;

use super::text::{clip, plural};
use super::{CheckInfo, FindingRecord, RenderOptions, Report};
use crate::finding::{Severity, RULES};
use crate::policy::CheckSeverity;
use crate::score::CheckStatus;
use crate::util::fnv::Fnv1a64;
use crate::util::percent::encode_path;

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
    serde_json::to_writer_pretty(&mut *out, &build(report, options, MAX_RESULTS))?;
    writeln!(out)
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    automation_details: Option<AutomationDetails>,
    invocations: [Invocation; 1],
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    descriptor: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    associated_rule: Option<RuleReference>,
}

#[derive(Serialize)]
struct Reference {
    id: &'static str,
}

#[derive(Serialize)]
struct RuleReference {
    id: String,
    index: usize,
}

#[derive(Serialize)]
struct BaseUri {
    description: Text,
}

#[derive(Serialize)]
struct RunProperties {
    #[serde(rename = "yardstick/resultsTruncated")]
    truncated: bool,
    #[serde(rename = "yardstick/resultLimit")]
    limit: usize,
    #[serde(rename = "yardstick/resultsTotal")]
    total: usize,
    #[serde(rename = "yardstick/resultsDropped")]
    dropped: usize,
    #[serde(rename = "yardstick/note")]
    note: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "ResultProperties::is_empty")]
    properties: ResultProperties,
}

#[derive(Serialize)]
struct ResultProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
}

impl ResultProperties {
    fn is_empty(&self) -> bool {
        self.entity.is_none() && self.pointer.is_none()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// A result before sorting, truncation and fingerprint numbering.
struct Pending {
    /// 0 (critical) to 3 (low / note): what truncation keeps first.
    rank: u8,
    rule: String,
    level: &'static str,
    message: String,
    file: String,
    region: Region,
    entity: Option<String>,
    pointer: Option<String>,
    hash: u64,
}

/// The SARIF log of a report, keeping at most `max_results` results.
fn build(report: &Report, options: &RenderOptions, max_results: usize) -> Log {
    let mut rules = Rules::default();
    for check in &report.checks {
        rules.add(check_rule(check, options));
    }
    // Every lint rule runs on every invocation (none can be disabled), so all are listed: an
    // alert whose problem was fixed then closes exactly as a check's does, and rule indexes
    // stay the same from run to run.
    for rule in RULES {
        rules.add(lint_rule(
            rule.id,
            rule.severity,
            rule.summary,
            rule.help,
            Some(rule.docs_url()),
            options,
        ));
    }

    let mut pending = Vec::new();
    let mut check_errors: BTreeMap<&str, (usize, String)> = BTreeMap::new();
    for entity in &report.entities {
        for result in &entity.checks {
            match result.status {
                CheckStatus::Fail => {}
                CheckStatus::Error => {
                    let e = check_errors.entry(result.id.as_str()).or_insert_with(|| {
                        (0, format!("{}: {}", entity.reference, result.message))
                    });
                    e.0 += 1;
                    continue;
                }
                _ => continue,
            }
            if rules.index(&result.id).is_none() {
                rules.add(unknown_check_rule(&result.id, result.severity, options));
            }
            let (file, region) = match &result.location {
                Some(l) => (
                    l.file.clone(),
                    region(l.line, l.column, l.end_line, l.end_column),
                ),
                None => (entity.file.clone(), region(1, 1, 1, 1)),
            };
            let message = if result.message.trim().is_empty() {
                format!("{}: fails check {}", entity.reference, result.id)
            } else {
                format!("{}: {}", entity.reference, result.message)
            };
            pending.push(Pending {
                rank: check_rank(result.severity),
                rule: result.id.to_string(),
                level: check_level(result.severity),
                message,
                hash: identity(
                    &result.id,
                    Some(&entity.reference),
                    result.pointer.as_deref(),
                    &file,
                ),
                file: file.to_string(),
                region,
                entity: Some(entity.reference.clone()),
                pointer: result.pointer.as_deref().map(String::from),
            });
        }
    }
    for finding in &report.findings {
        if rules.index(&finding.rule).is_none() {
            rules.add(unknown_lint_rule(finding, options));
        }
        pending.push(finding_result(finding));
    }

    // Number results that hash alike in document order, so the fingerprint of each survives
    // unrelated edits (and does not depend on which results truncation keeps).
    pending.sort_by(|a, b| document_order(a).cmp(&document_order(b)));
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut numbered: Vec<(Pending, String)> = pending
        .into_iter()
        .map(|p| {
            let n = seen.entry(p.hash).or_insert(0);
            *n += 1;
            let fingerprint = format!("{:016x}:{n}", p.hash);
            (p, fingerprint)
        })
        .collect();
    // Most severe first, then by position: deterministic, and truncation keeps what matters.
    numbered.sort_by(|(a, fa), (b, fb)| {
        (a.rank, document_order(a), fa).cmp(&(b.rank, document_order(b), fb))
    });
    let total = numbered.len();
    let dropped = total.saturating_sub(max_results);
    numbered.truncate(max_results);

    let results = numbered
        .into_iter()
        .map(|(p, fingerprint)| SarifResult {
            rule_index: rules.index(&p.rule).unwrap_or_default(),
            rule_id: p.rule,
            level: p.level,
            message: Text { text: p.message },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact_location(&p.file),
                    region: p.region,
                },
            }],
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
            properties: ResultProperties {
                entity: p.entity,
                pointer: p.pointer,
            },
        })
        .collect();

    let mut notifications = Vec::new();
    let mut properties = None;
    if dropped > 0 {
        let note = format!(
            "{total} results exceed GitHub's limit of {max_results} per run; \
             kept the {max_results} most severe and dropped {dropped}."
        );
        notifications.push(Notification {
            level: "warning",
            message: Text { text: note.clone() },
            descriptor: Reference {
                id: "yardstick/sarif-results-truncated",
            },
            associated_rule: None,
        });
        properties = Some(RunProperties {
            truncated: true,
            limit: max_results,
            total,
            dropped,
            note,
        });
    }
    for (id, (count, first)) in check_errors {
        notifications.push(Notification {
            level: "error",
            message: Text {
                text: format!(
                    "check {id} could not be evaluated for {}; first: {first}",
                    plural(count, "entity", "entities")
                ),
            },
            descriptor: Reference {
                id: "yardstick/check-error",
            },
            associated_rule: rules.index(id).map(|index| RuleReference {
                id: id.to_string(),
                index,
            }),
        });
    }

    let category = options.sarif_category.trim().trim_end_matches('/');
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
                    rules: rules.list,
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

/// The rules of the run, with an index by id (the first rule of an id wins).
#[derive(Default)]
struct Rules {
    list: Vec<Rule>,
    by_id: HashMap<String, usize>,
}

impl Rules {
    fn add(&mut self, rule: Rule) {
        if !self.by_id.contains_key(&rule.id) {
            self.by_id.insert(rule.id.clone(), self.list.len());
            self.list.push(rule);
        }
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
}

fn finding_result(f: &FindingRecord) -> Pending {
    let line = f.line.unwrap_or(1);
    let column = f.column.unwrap_or(1);
    let message = match (&f.entity, f.message.trim().is_empty()) {
        (Some(e), false) => format!("{e}: {}", f.message),
        (Some(e), true) => format!("{e}: {}", f.rule),
        (None, false) => f.message.clone(),
        (None, true) => f.rule.clone(),
    };
    Pending {
        rank: match f.severity {
            Severity::Error => 1,
            Severity::Warning => 2,
            Severity::Note => 3,
        },
        rule: f.rule.clone(),
        level: lint_level(f.severity),
        message,
        hash: identity(&f.rule, f.entity.as_deref(), f.pointer.as_deref(), &f.file),
        file: f.file.clone(),
        region: region(
            line,
            column,
            f.end_line.unwrap_or(line),
            f.end_column.unwrap_or(column),
        ),
        entity: f.entity.clone(),
        pointer: f.pointer.clone(),
    }
}

fn document_order(p: &Pending) -> (&str, usize, usize, &str, &str) {
    (
        &p.file,
        p.region.start_line,
        p.region.start_column,
        &p.rule,
        &p.message,
    )
}

/// A region GitHub accepts: 1-based, and never ending before it starts.
fn region(line: usize, column: usize, end_line: usize, end_column: usize) -> Region {
    let (line, column) = (line.max(1), column.max(1));
    let (end_line, end_column) = if (end_line, end_column) < (line, column) {
        (line, column)
    } else {
        (end_line, end_column.max(1))
    };
    Region {
        start_line: line,
        start_column: column,
        end_line,
        end_column,
    }
}

/// FNV-1a 64 over the parts that identify a result; line numbers are deliberately left out.
fn identity(rule: &str, entity: Option<&str>, pointer: Option<&str>, file: &str) -> u64 {
    let mut hasher = Fnv1a64::new();
    for (i, part) in [rule, entity.unwrap_or(""), pointer.unwrap_or(""), file]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            hasher.write(&[0]);
        }
        hasher.write(part.as_bytes());
    }
    hasher.finish()
}

/// Where a report file is: a web address as it is (an organisation scan's files are
/// repository URLs), otherwise a path relative to `%SRCROOT%`.
fn artifact_location(file: &str) -> ArtifactLocation {
    if file.starts_with("https://") || file.starts_with("http://") {
        ArtifactLocation {
            uri: file.to_string(),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: uri_reference(file),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// A report path as a relative URI reference: `/`-separated and percent-encoded.
///
/// Report paths are relative to the directory yardstick ran in (the repository root in CI).
/// A path outside it has no repository-relative form; its root is stripped rather than
/// writing an absolute or `file://` URI, which GitHub could not match either.
fn uri_reference(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    let bytes = rest.as_bytes();
    if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/' {
        rest = &rest[2..];
    }
    loop {
        rest = rest.trim_start_matches('/');
        match rest.strip_prefix("./") {
            Some(r) => rest = r,
            None => break,
        }
    }
    encode_path(rest)
}

fn check_rule(check: &CheckInfo, options: &RenderOptions) -> Rule {
    let short = non_empty(&check.title, &check.id);
    let full = non_empty(&check.description, short);
    let remediation = check.remediation.trim();
    let kinds = if check.applies_to.is_empty() {
        "every kind".to_string()
    } else {
        check.applies_to.join(", ")
    };
    // Only built-in checks have a section in docs/checks.md.
    let doc = check
        .origin
        .starts_with("builtin:")
        .then(|| format!("{CHECKS_DOC_URL}#{}", anchor(&check.id)));
    let mut text = full.to_string();
    let mut markdown = full.to_string();
    if !remediation.is_empty() {
        text.push_str(&format!("\n\nRemediation: {remediation}"));
        markdown.push_str(&format!("\n\n**Remediation:** {remediation}"));
    }
    let facts = format!(
        "Severity {}, weight {}; applies to {kinds}.",
        check.severity, check.weight
    );
    text.push_str(&format!("\n\n{facts}"));
    markdown.push_str(&format!("\n\n{facts}"));
    if let Some(url) = &doc {
        text.push_str(&format!("\n\nDocumentation: {url}"));
        markdown.push_str(&format!("\n\n[Documentation]({url})"));
    }
    Rule {
        id: check.id.clone(),
        name: pascal_case(&check.id),
        short_description: Text {
            text: clip(short, MAX_DESCRIPTION),
        },
        full_description: Text {
            text: clip(full, MAX_DESCRIPTION),
        },
        help: Help { text, markdown },
        help_uri: doc,
        default_configuration: Configuration {
            level: check_level(check.severity),
        },
        properties: rule_properties(
            "scorecard",
            None,
            check_level(check.severity),
            options
                .security_severity
                .then_some(check_security_severity(check.severity)),
            options,
        ),
    }
}

fn unknown_check_rule(id: &str, severity: CheckSeverity, options: &RenderOptions) -> Rule {
    let level = check_level(severity);
    Rule {
        id: id.to_string(),
        name: pascal_case(id),
        short_description: Text {
            text: clip(id, MAX_DESCRIPTION),
        },
        full_description: Text {
            text: clip(id, MAX_DESCRIPTION),
        },
        help: Help {
            text: format!("Check {id}."),
            markdown: format!("Check `{id}`."),
        },
        help_uri: None,
        default_configuration: Configuration { level },
        properties: rule_properties(
            "scorecard",
            None,
            level,
            options
                .security_severity
                .then_some(check_security_severity(severity)),
            options,
        ),
    }
}

fn lint_rule(
    id: &str,
    severity: Severity,
    summary: &str,
    help: &str,
    url: Option<String>,
    options: &RenderOptions,
) -> Rule {
    let summary = non_empty(summary, id);
    let help = help.trim();
    let mut text = summary.to_string();
    let mut markdown = summary.to_string();
    if !help.is_empty() {
        text.push_str(&format!("\n\nHow to fix: {help}"));
        markdown.push_str(&format!("\n\n**How to fix:** {help}"));
    }
    if let Some(url) = &url {
        text.push_str(&format!("\n\nDocumentation: {url}"));
        markdown.push_str(&format!("\n\n[Documentation]({url})"));
    }
    let level = lint_level(severity);
    let group = id.split_once('/').map(|(g, _)| g).filter(|g| !g.is_empty());
    Rule {
        id: id.to_string(),
        name: pascal_case(id),
        short_description: Text {
            text: clip(summary, MAX_DESCRIPTION),
        },
        full_description: Text {
            text: clip(summary, MAX_DESCRIPTION),
        },
        help: Help { text, markdown },
        help_uri: url,
        default_configuration: Configuration { level },
        properties: rule_properties(
            "lint",
            group,
            level,
            options
                .security_severity
                .then_some(lint_security_severity(severity)),
            options,
        ),
    }
}

/// A rule for a finding whose id is not in [`RULES`] (a report read from an older version).
fn unknown_lint_rule(f: &FindingRecord, options: &RenderOptions) -> Rule {
    lint_rule(
        &f.rule,
        f.severity,
        &f.rule,
        &f.help,
        f.url.clone(),
        options,
    )
}

fn rule_properties(
    kind: &str,
    group: Option<&str>,
    level: &'static str,
    security_severity: Option<&'static str>,
    options: &RenderOptions,
) -> RuleProperties {
    let mut tags = vec![
        "backstage".to_string(),
        "catalog".to_string(),
        kind.to_string(),
    ];
    // GitHub treats rules with a security-severity as security rules.
    let security = options.security_severity.then_some("security");
    for tag in group.into_iter().chain(security) {
        // Tags must be unique (`catalog/duplicate-entity` is in group `catalog`).
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    RuleProperties {
        tags,
        precision: "very-high",
        problem_severity: match level {
            "error" => "error",
            "warning" => "warning",
            _ => "recommendation",
        },
        security_severity,
    }
}

fn check_level(severity: CheckSeverity) -> &'static str {
    match severity {
        CheckSeverity::Critical | CheckSeverity::High => "error",
        CheckSeverity::Medium => "warning",
        CheckSeverity::Low => "note",
    }
}

fn check_rank(severity: CheckSeverity) -> u8 {
    match severity {
        CheckSeverity::Critical => 0,
        CheckSeverity::High => 1,
        CheckSeverity::Medium => 2,
        CheckSeverity::Low => 3,
    }
}

fn check_security_severity(severity: CheckSeverity) -> &'static str {
    match severity {
        CheckSeverity::Critical => "9.0",
        CheckSeverity::High => "7.0",
        CheckSeverity::Medium => "5.0",
        CheckSeverity::Low => "3.0",
    }
}

/// Lint severities on the same scale as checks: an error (Backstage rejects the entity) is
/// high, a warning medium, a note low. A run that mixes rules with and without a
/// security-severity would split into security and non-security alerts on GitHub.
fn lint_security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "7.0",
        Severity::Warning => "5.0",
        Severity::Note => "3.0",
    }
}

fn lint_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// `has-owner` → `HasOwner`, `schema/metadata-name` → `SchemaMetadataName`.
fn pascal_case(id: &str) -> String {
    let mut name = String::new();
    for word in id
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    if name.is_empty() {
        name.push_str("Rule");
    }
    clip(&name, MAX_NAME)
}

/// The anchor GitHub gives a Markdown heading: lower case, spaces to `-`, other punctuation
/// except `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn non_empty<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    let text = text.trim();
    if text.is_empty() {
        fallback
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(
            uri_reference("repos/a b/catalog-info.yaml"),
            "repos/a%20b/catalog-info.yaml"
        );
        assert_eq!(uri_reference("./x/y.yaml"), "x/y.yaml");
        assert_eq!(uri_reference("//abs/path.yaml"), "abs/path.yaml");
        assert_eq!(uri_reference("C:\\dir\\f.yaml"), "dir/f.yaml");
        assert_eq!(uri_reference("a:b/ü%.yaml"), "a%3Ab/%C3%BC%25.yaml");
    }

    #[test]
    fn names_and_anchors() {
        assert_eq!(pascal_case("has-owner"), "HasOwner");
        assert_eq!(pascal_case("schema/metadata-name"), "SchemaMetadataName");
        assert_eq!(anchor("has-owner"), "has-owner");
        assert_eq!(anchor("My Check.v2"), "my-checkv2");
    }

    #[test]
    fn regions_never_run_backwards() {
        let r = region(0, 0, 0, 0);
        assert_eq!(
            (r.start_line, r.start_column, r.end_line, r.end_column),
            (1, 1, 1, 1)
        );
        let r = region(3, 5, 2, 9);
        assert_eq!((r.end_line, r.end_column), (3, 5));
    }
}
