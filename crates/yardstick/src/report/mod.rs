//! The one result model every output format renders: lint findings and check results,
//! versioned, serialisable and readable back (`yardstick report --from results.json`).

use std::io::{self, Write};

pub mod github;
pub mod html;
mod json_stream;
pub mod junit;
pub mod markdown;
mod nested_json;
pub mod org;
pub mod provenance;
pub mod sarif;
pub mod text;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::lint::LintReport;
use crate::policy::{CheckSeverity, PolicySet};
use crate::rules::Severity;
pub use crate::score::Summary;
use crate::score::{EntityScore, GateResult, Level, LevelCounts, Scorecard};
pub use crate::util::span::span_end;
pub use json_stream::JsonReportStream;
pub use sarif::SarifReportStream;

/// Options shared by the renderers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// SARIF `runAutomationDetails.id` category.
    pub sarif_category: String,
    /// Add `security-severity` to SARIF rules (opt-in: it makes GitHub call them security alerts).
    pub security_severity: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            sarif_category: "yardstick".into(),
            security_severity: false,
        }
    }
}

/// The report format version; bumped on incompatible changes.
pub const REPORT_VERSION: u32 = 1;

/// A check as reports describe it (configuration already applied).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInfo {
    /// Stable id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// What the check wants.
    pub description: String,
    /// Effective severity.
    pub severity: CheckSeverity,
    /// Effective weight.
    pub weight: f64,
    /// How to fix a failure.
    pub remediation: String,
    /// Kinds it applies to (empty: all).
    pub applies_to: Vec<String>,
    /// Where the check comes from (`builtin:<file>` or a path).
    pub origin: String,
}

/// A lint finding, flattened for reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// Stable rule id.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// File as shown to users.
    pub file: String,
    /// 0-based document index.
    pub document: Option<usize>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column (Unicode code points).
    pub column: Option<usize>,
    /// 1-based line where the flagged text ends.
    pub end_line: Option<usize>,
    /// 1-based column just past the flagged text.
    pub end_column: Option<usize>,
    /// Entity reference.
    pub entity: Option<String>,
    /// JSON pointer.
    pub pointer: Option<String>,
    /// How to fix it.
    pub help: String,
    /// Rule documentation.
    pub url: Option<String>,
}

/// Everything one run found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`REPORT_VERSION`].
    pub version: u32,
    /// The yardstick version that scored it ([`provenance::YARDSTICK_VERSION`]); absent
    /// from lint reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yardstick_version: Option<String>,
    /// [`provenance::policy_digest`] of the checks that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_digest: Option<String>,
    /// [`provenance::config_digest`] of the configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_digest: Option<String>,
    /// The paths a `yardstick score` run scanned, as given; empty (and absent from the
    /// JSON) for organisation scans, whose source is their `scan`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// The checks that ran.
    pub checks: Vec<CheckInfo>,
    /// Scored entities.
    pub entities: Vec<EntityScore>,
    /// Totals.
    pub summary: Summary,
    /// Lint findings.
    pub findings: Vec<FindingRecord>,
    /// Score changes against a baseline report (`--baseline`), e.g. a pull request's base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// The repositories of an organisation scan (`yardstick scan-org`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<OrgScan>,
}

/// How the reported entities' scores compare with a baseline report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The baseline's mean score over the reported entities it also has.
    pub baseline_score: Option<f64>,
    /// The reported entities' mean score over the same entities.
    pub score: Option<f64>,
    /// One entry per reported entity, in report order.
    pub entities: Vec<ScoreChange>,
}

/// One entity's score in the baseline and now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreChange {
    /// `kind:namespace/name`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// False when the baseline has no such entity.
    pub in_baseline: bool,
    /// The baseline score.
    pub before: Option<f64>,
    /// The score now.
    pub after: Option<f64>,
    /// The baseline level.
    pub before_level: Option<Level>,
    /// The level now.
    pub after_level: Option<Level>,
}

impl ScoreChange {
    /// `after - before`, when both are scored.
    pub fn delta(&self) -> Option<f64> {
        Some(self.after? - self.before?)
    }
}

/// What an organisation scan found, repository by repository. It carries the catalog
/// files' text so that shard reports can be merged into one org report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgScan {
    /// The organisation.
    pub organization: String,
    /// `I/N` when this report covers one shard of the organisation.
    pub shard: Option<String>,
    /// Which repositories and files the scan covered (API host, filters, catalog paths), so
    /// that only shards of the same scan are merged.
    pub selection: String,
    /// Catalog adoption across the scanned repositories.
    pub adoption: Adoption,
    /// Every scanned repository, sorted by name.
    pub repositories: Vec<RepositoryRecord>,
    /// On a shard report only: the owners from outside the scanned repositories
    /// (`--owners-from`, the organisation's teams and members) that the shard resolved
    /// against, as sorted entity refs, so that `merge` resolves as the unsharded scan does.
    /// Absent when there was no such source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<String>>,
}

/// The share of repositories with a catalog file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adoption {
    /// Repositories scanned (fetched or failed).
    pub repositories: usize,
    /// Repositories with at least one catalog file.
    pub with_catalog: usize,
    /// `with_catalog / (repositories - failed)`, 0 to 1; `None` when nothing was fetched.
    pub share: Option<f64>,
    /// Names of the repositories without a catalog file.
    pub without_catalog: Vec<String>,
    /// Names of the repositories that could not be fetched.
    pub failed: Vec<String>,
}

/// One repository of an organisation scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepositoryRecord {
    /// The repository name (without the organisation).
    pub name: String,
    /// Its web address.
    pub url: String,
    /// The default branch.
    pub default_branch: Option<String>,
    /// The default branch's head commit.
    pub head: Option<String>,
    /// CI status of the head: `passing`, `failing`, `pending` or `none`.
    pub ci: String,
    /// Catalog files found on the default branch.
    pub files: Vec<RepositoryFile>,
    /// Other files known to exist (e.g. `mkdocs.yml`), repository-relative.
    pub present: Vec<String>,
    /// Why the repository could not be fetched.
    pub error: Option<String>,
    /// The repository was listed but gone (GitHub's `NOT_FOUND`) when its files were asked
    /// for: `error` says so, and it is a note outside the adoption figures, not a failure.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gone: bool,
}

/// A catalog file fetched from a repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepositoryFile {
    /// Repository-relative path.
    pub path: String,
    /// Its text.
    pub text: String,
    /// True when the API cut the text short.
    pub truncated: bool,
}

/// Lint findings as report records.
pub fn finding_records(lint: &LintReport) -> Vec<FindingRecord> {
    // First file of each name, as a search in file order finds it.
    let mut files: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, file) in lint.files.iter().enumerate() {
        files.entry(file.display.as_str()).or_insert(index);
    }
    lint.findings
        .iter()
        .map(|f| {
            let file = files.get(f.file.as_str()).copied();
            let end = f.span.map(|s| match file {
                Some(file) => lint.span_end(file, s),
                None => span_end("", s),
            });
            FindingRecord {
                rule: f.rule.to_string(),
                severity: f.severity,
                message: f.message.clone(),
                file: f.file.clone(),
                document: f.document,
                line: f.span.map(|s| s.line as usize),
                column: f.span.map(|s| s.column as usize),
                end_line: end.map(|e| e.0),
                end_column: end.map(|e| e.1),
                entity: f.entity.clone(),
                pointer: f.pointer.clone(),
                help: f.help.clone(),
                url: f.rule().map(|r| r.docs_url()),
            }
        })
        .collect()
}

/// The checks of a policy set as reports describe them, with configuration applied.
pub fn check_infos(policies: &PolicySet, config: &Config) -> Vec<CheckInfo> {
    config
        .enabled_checks(policies)
        .map(|c| CheckInfo {
            id: c.check.id.clone(),
            title: c.check.title.clone(),
            description: c.check.description.clone(),
            severity: c.severity,
            weight: c.weight,
            remediation: c.check.remediation.clone(),
            applies_to: c.check.applies_to.clone(),
            origin: c.check.origin.clone(),
        })
        .collect()
}

impl Report {
    /// A report of lint findings only.
    pub fn from_lint(lint: &LintReport) -> Self {
        Report {
            version: REPORT_VERSION,
            yardstick_version: None,
            policy_digest: None,
            config_digest: None,
            paths: Vec::new(),
            checks: Vec::new(),
            entities: Vec::new(),
            summary: Summary {
                entities: 0,
                score: None,
                levels: LevelCounts::default(),
                owners: Vec::new(),
                systems: Vec::new(),
                expired_exemptions: Vec::new(),
                gate: GateResult {
                    passed: lint.count(Severity::Error) == 0,
                    reasons: Vec::new(),
                },
            },
            findings: finding_records(lint),
            comparison: None,
            scan: None,
        }
    }

    /// A score report's head, with no results yet: the provenance and the checks of
    /// `policies` under `config`, what [`JsonReportStream::begin`] writes first.
    ///
    /// ```
    /// use yardstick::report::Report;
    /// use yardstick::{Config, PolicySet};
    /// let head = Report::score_head(&PolicySet::builtin().unwrap(), &Config::default());
    /// assert_eq!(head.checks.len(), 7);
    /// assert!(head.entities.is_empty() && head.policy_digest.is_some());
    /// ```
    pub fn score_head(policies: &PolicySet, config: &Config) -> Self {
        let lint = LintReport::default();
        let summary = Report::from_lint(&lint).summary;
        Report::with_results(&lint, (Vec::new(), summary), policies, config)
    }

    /// A scorecard report, with the lint findings of the same run.
    pub fn from_scorecard(
        lint: &LintReport,
        card: &Scorecard,
        policies: &PolicySet,
        config: &Config,
    ) -> Self {
        let results = (card.entities.clone(), card.summary.clone());
        Report::with_results(lint, results, policies, config)
    }

    /// [`Report::from_scorecard`] taking the scorecard: its entities move into the report
    /// instead of being copied, which saves a copy of every result (about 1 KB an entity)
    /// when the scorecard is not needed afterwards.
    ///
    /// ```
    /// use yardstick::report::Report;
    /// use yardstick::{lint_paths, score, Config, LintOptions, PolicySet, ScoreOptions};
    /// let lint = lint_paths(&["../../fixtures/demo".into()], &LintOptions::default()).unwrap();
    /// let policies = PolicySet::builtin().unwrap();
    /// let card = score(&lint, &policies, &ScoreOptions::default()).unwrap();
    /// let copied = Report::from_scorecard(&lint, &card, &policies, &Config::default());
    /// let moved = Report::from_owned_scorecard(&lint, card, &policies, &Config::default());
    /// assert_eq!(moved, copied);
    /// ```
    pub fn from_owned_scorecard(
        lint: &LintReport,
        card: Scorecard,
        policies: &PolicySet,
        config: &Config,
    ) -> Self {
        Report::with_results(lint, (card.entities, card.summary), policies, config)
    }

    fn with_results(
        lint: &LintReport,
        (entities, summary): (Vec<EntityScore>, Summary),
        policies: &PolicySet,
        config: &Config,
    ) -> Self {
        Report {
            version: REPORT_VERSION,
            yardstick_version: Some(provenance::YARDSTICK_VERSION.to_string()),
            policy_digest: Some(provenance::policy_digest(policies)),
            config_digest: Some(provenance::config_digest(config)),
            paths: Vec::new(),
            checks: check_infos(policies, config),
            entities,
            summary,
            findings: finding_records(lint),
            comparison: None,
            scan: None,
        }
    }

    /// Adds the score change of every reported entity against `baseline` (matched by
    /// reference, case-insensitively).
    pub fn compare_with(&mut self, baseline: &Report) {
        let before: std::collections::BTreeMap<String, &EntityScore> = baseline
            .entities
            .iter()
            .map(|e| (e.reference.to_lowercase(), e))
            .collect();
        let entities: Vec<ScoreChange> = self
            .entities
            .iter()
            .map(|e| {
                let old = before.get(&e.reference.to_lowercase());
                ScoreChange {
                    reference: e.reference.clone(),
                    in_baseline: old.is_some(),
                    before: old.and_then(|o| o.score),
                    after: e.score,
                    before_level: old.and_then(|o| o.level),
                    after_level: e.level,
                }
            })
            .collect();
        let mean = |scores: Vec<f64>| {
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
        };
        let both: Vec<&ScoreChange> = entities
            .iter()
            .filter(|c| c.before.is_some() && c.after.is_some())
            .collect();
        self.comparison = Some(Comparison {
            baseline_score: mean(both.iter().filter_map(|c| c.before).collect()),
            score: mean(both.iter().filter_map(|c| c.after).collect()),
            entities,
        });
    }

    /// Reads a report written by [`Report::write_json`].
    pub fn from_json(text: &str) -> Result<Self, String> {
        let report: Report =
            serde_json::from_str(text).map_err(|e| format!("not a yardstick report: {e}"))?;
        if report.version != REPORT_VERSION {
            return Err(format!(
                "report version {} is not supported (expected {REPORT_VERSION})",
                report.version
            ));
        }
        Ok(report)
    }

    /// The versioned JSON report (docs/score-format.md). The entities are rendered on
    /// rayon's pool, a window of them at a time, and written in order.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        json_stream::write_report(self, out)
    }
}
