//! The results of a SARIF run: failing checks and lint findings with their locations and
//! fingerprints, most severe first.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use serde_sarif::sarif::{
    self, ArtifactLocation, Location, PhysicalLocation, PropertyBag, Result as SarifResult,
    ResultLevel,
};

use super::rules::{check_level, lint_level, Rules};
use super::{sarif_integer, text_message, FINGERPRINT_KEY, SRCROOT};
use crate::policy::CheckSeverity;
use crate::report::json_stream::sort_by_file;
use crate::report::{FindingRecord, RenderOptions};
use crate::rules::Severity;
use crate::score::{CheckStatus, EntityScore};
use crate::util::fnv::Fnv1a64;
use crate::util::percent::encode_path;
use crate::util::shared_str::SharedStr;

/// A check that could not be evaluated: for how many entities, and the first of them.
#[derive(Debug)]
pub(super) struct CheckError {
    pub(super) entities: usize,
    pub(super) first: String,
}

/// What a run's results are made of, gathered entity by entity and finding by finding: the
/// whole report's writer and the stream both fill it, in the whole report's order.
#[derive(Debug, Default)]
pub(super) struct Collected {
    /// Failing checks, in entity order.
    checks: Vec<PendingResult>,
    /// Lint findings, in the order added.
    findings: Vec<PendingResult>,
    /// Findings whose rule id had no rule yet: their rules come after every check's.
    unknown_rules: Vec<FindingRecord>,
    /// By check id, the checks that could not be evaluated.
    errors: BTreeMap<SharedStr, CheckError>,
}

impl Collected {
    /// Adds the failing checks of `entity` as pending results (and a rule for any check the
    /// report does not describe) and counts the checks it could not evaluate.
    pub(super) fn add_entity(
        &mut self,
        entity: &EntityScore,
        rules: &mut Rules,
        options: &RenderOptions,
    ) {
        for result in &entity.checks {
            match result.status {
                CheckStatus::Fail => {}
                CheckStatus::Error => {
                    let error =
                        self.errors
                            .entry(result.id.clone())
                            .or_insert_with(|| CheckError {
                                entities: 0,
                                first: format!("{}: {}", entity.reference, result.message),
                            });
                    error.entities += 1;
                    continue;
                }
                _ => continue,
            }
            rules.ensure_check(&result.id, result.severity, options);
            let (file, region) = match &result.location {
                Some(l) => (
                    l.file.clone(),
                    region(
                        l.line as usize,
                        l.column as usize,
                        l.end_line as usize,
                        l.end_column as usize,
                    ),
                ),
                None => (entity.file.clone(), region(1, 1, 1, 1)),
            };
            let message = if result.message.trim().is_empty() {
                format!("{}: fails check {}", entity.reference, result.id)
            } else {
                format!("{}: {}", entity.reference, result.message)
            };
            self.checks.push(PendingResult {
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

    /// Adds lint findings as pending results. A finding whose rule id has no rule yet is kept
    /// too, to add its rule in [`Collected::into_results`], after every check's.
    pub(super) fn add_findings(&mut self, findings: &[FindingRecord], rules: &Rules) {
        for finding in findings {
            // Rules are only ever added, so a rule found now is found then too.
            if rules.index(&finding.rule).is_none() {
                self.unknown_rules.push(finding.clone());
            }
            self.findings.push(finding_result(finding));
        }
    }

    /// Orders the findings added so far by file, as a whole report's are (stably: a file's
    /// own findings keep their order).
    pub(super) fn sort_findings_by_file(&mut self) {
        sort_by_file(&mut self.findings, |p| &p.file);
        sort_by_file(&mut self.unknown_rules, |f| &f.file);
    }

    /// Adds a rule for every finding whose rule id is unknown, in finding order, and gives
    /// the pending results (checks first, then findings) and the check errors by check id.
    pub(super) fn into_results(
        mut self,
        rules: &mut Rules,
        options: &RenderOptions,
    ) -> (Vec<PendingResult>, BTreeMap<SharedStr, CheckError>) {
        for finding in &self.unknown_rules {
            rules.ensure_lint(finding, options);
        }
        self.checks.append(&mut self.findings);
        (self.checks, self.errors)
    }
}

/// The rule index of a pending result in `rules`.
pub(super) fn rule_index(pending: &PendingResult, rules: &Rules) -> usize {
    rules.index(&pending.rule).unwrap_or_default()
}

/// Pending results with their fingerprints, most severe first, then by position.
pub(super) fn fingerprint_and_rank(
    mut pending: Vec<PendingResult>,
) -> Vec<(PendingResult, String)> {
    // Number results that hash alike in document order, so the fingerprint of each survives
    // unrelated edits (and does not depend on which results truncation keeps).
    pending.sort_by(|a, b| document_order(a).cmp(&document_order(b)));
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut numbered: Vec<(PendingResult, String)> = pending
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
    numbered
}

/// A fingerprinted result as SARIF.
pub(super) fn sarif_result(
    pending: PendingResult,
    fingerprint: String,
    rule_index: usize,
) -> SarifResult {
    let region = &pending.region;
    let location = PhysicalLocation::builder()
        .artifact_location(artifact_location(&pending.file))
        .region(
            sarif::Region::builder()
                .start_line(sarif_integer(region.start_line))
                .start_column(sarif_integer(region.start_column))
                .end_line(sarif_integer(region.end_line))
                .end_column(sarif_integer(region.end_column))
                .build(),
        )
        .build();
    let properties: BTreeMap<String, Value> =
        [("entity", pending.entity), ("pointer", pending.pointer)]
            .into_iter()
            .filter_map(|(key, value)| Some((key.to_string(), Value::from(value?))))
            .collect();
    SarifResult::builder()
        .rule_id(pending.rule.as_str())
        .rule_index(sarif_integer(rule_index))
        .level(pending.level)
        .message(text_message(pending.message))
        .locations(vec![Location::builder()
            .physical_location(location)
            .build()])
        .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]))
        .opt_properties((!properties.is_empty()).then(|| {
            PropertyBag::builder()
                .additional_properties(properties)
                .build()
        }))
        .build()
}

/// A result before sorting, truncation and fingerprint numbering.
#[derive(Debug)]
pub(super) struct PendingResult {
    /// 0 (critical) to 3 (low / note): what truncation keeps first.
    rank: u8,
    rule: String,
    level: ResultLevel,
    message: String,
    file: String,
    region: Region,
    entity: Option<String>,
    pointer: Option<String>,
    hash: u64,
}

fn finding_result(f: &FindingRecord) -> PendingResult {
    let line = f.line.unwrap_or(1);
    let column = f.column.unwrap_or(1);
    let message = match (&f.entity, f.message.trim().is_empty()) {
        (Some(e), false) => format!("{e}: {}", f.message),
        (Some(e), true) => format!("{e}: {}", f.rule),
        (None, false) => f.message.clone(),
        (None, true) => f.rule.clone(),
    };
    PendingResult {
        rank: finding_rank(f.severity),
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

/// A 1-based source region of a result.
#[derive(Debug)]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn document_order(p: &PendingResult) -> (&str, usize, usize, &str, &str) {
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
        ArtifactLocation::builder().uri(file).build()
    } else {
        ArtifactLocation::builder()
            .uri(uri_reference(file))
            .uri_base_id(SRCROOT)
            .build()
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

/// Check severities as truncation ranks: 0 (critical) to 3 (low).
fn check_rank(severity: CheckSeverity) -> u8 {
    match severity {
        CheckSeverity::Critical => 0,
        CheckSeverity::High => 1,
        CheckSeverity::Medium => 2,
        CheckSeverity::Low => 3,
    }
}

/// Lint severities on the check scale: an error ranks with a high check, a note with a low one.
fn finding_rank(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Note => 3,
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
