//! Scorecards: every check of every entity evaluated with regorus, in parallel, then
//! turned into scores, levels, aggregates and a pass/fail gate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

use crate::config::{Config, Exemption, FailOn, LevelRule, LevelRules};
use crate::lint::{LintReport, LoadedEntity};
use crate::policy::{regorus_error, Check, CheckSeverity, PolicyError, PolicySet};
use crate::util::shared_str::{SharedStr, StrCache};
use crate::yaml::{parse_stream, Limits};

/// The outcome of one check for one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// The entity meets the check.
    Pass,
    /// The entity does not meet the check.
    Fail,
    /// The facts needed to decide are missing.
    Unknown,
    /// The check does not apply to this entity.
    NotApplicable,
    /// An exemption waives the check for this entity.
    Exempt,
    /// The check could not be evaluated (a Rego error); the run goes on.
    Error,
}

impl CheckStatus {
    /// The status as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Unknown => "unknown",
            CheckStatus::NotApplicable => "not-applicable",
            CheckStatus::Exempt => "exempt",
            CheckStatus::Error => "error",
        }
    }

    fn scored(self) -> bool {
        matches!(self, CheckStatus::Pass | CheckStatus::Fail)
    }
}

/// A maturity level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Every required check passes.
    Gold,
    /// Critical and high checks pass.
    Silver,
    /// Critical checks pass.
    Bronze,
    /// Not even bronze.
    None,
}

impl Level {
    /// The level as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Gold => "gold",
            Level::Silver => "silver",
            Level::Bronze => "bronze",
            Level::None => "none",
        }
    }
}

/// A position in a catalog file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file as reports show it (shared with the entity's [`EntityScore::file`]).
    pub file: SharedStr,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (Unicode code points).
    pub column: usize,
    /// 1-based line where the field ends.
    pub end_line: usize,
    /// 1-based column just past the field.
    pub end_column: usize,
}

/// One check's result for one entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Check id (one shared string per check).
    pub id: SharedStr,
    /// Outcome.
    pub status: CheckStatus,
    /// Effective severity.
    pub severity: CheckSeverity,
    /// Effective weight.
    pub weight: f64,
    /// What the check found. Equal messages of one scoring run usually share one string.
    pub message: SharedStr,
    /// JSON pointer of the field the result is about.
    pub pointer: Option<SharedStr>,
    /// Where that field (or its nearest existing ancestor) is written.
    pub location: Option<Location>,
}

/// One entity's scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityScore {
    /// `kind:namespace/name`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The kind as written.
    pub kind: SharedStr,
    /// The file the entity is defined in.
    pub file: SharedStr,
    /// Owner reference, when the entity has one.
    pub owner: Option<SharedStr>,
    /// System reference, when the entity has one.
    pub system: Option<SharedStr>,
    /// 0 to 100; `None` when no check was scored.
    pub score: Option<f64>,
    /// The level; `None` when no check was scored.
    pub level: Option<Level>,
    /// Every enabled check, in id order.
    pub checks: Vec<CheckResult>,
}

/// Number of entities at each level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCounts {
    /// Gold.
    pub gold: usize,
    /// Silver.
    pub silver: usize,
    /// Bronze.
    pub bronze: usize,
    /// None.
    pub none: usize,
}

/// Mean score and level counts over a group of entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// The owner or system reference (`(none)` for entities without one), or `catalog`.
    pub key: String,
    /// Entities in the group.
    pub entities: usize,
    /// Mean of the entities' non-null scores.
    pub score: Option<f64>,
    /// Level counts.
    pub levels: LevelCounts,
}

/// An exemption whose date has passed; it no longer exempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpiredExemption {
    /// Entity reference.
    pub entity: String,
    /// Check id.
    pub check: String,
    /// The reason it was given.
    pub reason: String,
    /// The day it expired.
    pub expires: String,
    /// Line of the exemption in the configuration file.
    pub line: usize,
}

/// Whether the run passes the CI gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    /// True when the run passes.
    pub passed: bool,
    /// Why it failed.
    pub reasons: Vec<String>,
}

/// Everything `yardstick score` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Every accepted entity, in catalog order.
    pub entities: Vec<EntityScore>,
    /// Totals, groupings and the gate.
    pub summary: Summary,
}

/// Totals and groupings of a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Entities in the catalog.
    pub entities: usize,
    /// Mean of the entities' non-null scores.
    pub score: Option<f64>,
    /// Level counts.
    pub levels: LevelCounts,
    /// Per owner, sorted by key.
    pub owners: Vec<Aggregate>,
    /// Per system, sorted by key.
    pub systems: Vec<Aggregate>,
    /// Exemptions that no longer hold.
    pub expired_exemptions: Vec<ExpiredExemption>,
    /// The CI gate.
    pub gate: GateResult,
}

/// Facts about entities from outside the catalog (CI status, monitoring, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    by_ref: BTreeMap<String, Json>,
}

/// A problem in a facts file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct FactsError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Facts {
    /// Parses `{"entities": {"component:default/name": {...}}}` from JSON or YAML.
    ///
    /// ```
    /// let f = yardstick::Facts::parse(r#"{"entities": {"Component:default/A": {"ci": {"status": "passing"}}}}"#).unwrap();
    /// assert_eq!(f.get("component:default/a")["ci"]["status"], "passing");
    /// ```
    pub fn parse(text: &str) -> Result<Self, FactsError> {
        let stream = parse_stream(text, &Limits::default());
        let fail = |message: String, span: crate::yaml::Span| FactsError {
            message,
            line: span.line as usize,
            column: span.column as usize,
        };
        if let Some(e) = stream.fatal {
            return Err(fail(e.message, e.span));
        }
        let doc = stream.documents.first().ok_or_else(|| FactsError {
            message: "empty facts file".into(),
            line: 1,
            column: 1,
        })?;
        if let Some(extra) = stream.documents.get(1) {
            return Err(fail("expected a single YAML document".into(), extra.span));
        }
        if let Some(e) = &doc.error {
            return Err(fail(e.message.clone(), e.span));
        }
        let root = doc
            .root
            .as_ref()
            .filter(|r| r.as_map().is_some())
            .ok_or_else(|| fail("facts must be a mapping with `entities`".into(), doc.span))?;
        let mut facts = Facts::default();
        for e in root.as_map().unwrap_or_default() {
            if e.key != "entities" {
                return Err(fail(
                    format!("unknown key `{}` in facts; expected `entities`", e.key),
                    e.key_span,
                ));
            }
            let entities = e.value.as_map().ok_or_else(|| {
                fail(
                    "`entities` must be a mapping of entity refs".into(),
                    e.value.span,
                )
            })?;
            for ent in entities {
                if ent.value.as_map().is_none() {
                    return Err(fail(
                        format!("facts for `{}` must be a mapping", ent.key),
                        ent.value.span,
                    ));
                }
                facts.insert(&ent.key, ent.value.to_json());
            }
        }
        Ok(facts)
    }

    /// Adds or merges facts for an entity.
    pub fn insert(&mut self, reference: &str, value: Json) {
        let slot = self
            .by_ref
            .entry(reference.to_lowercase())
            .or_insert_with(|| json!({}));
        if let (Some(into), Json::Object(from)) = (slot.as_object_mut(), value) {
            into.extend(from);
        }
    }

    /// Facts of an entity (`{}` when none).
    pub fn get(&self, reference: &str) -> Json {
        self.by_ref
            .get(&reference.to_lowercase())
            .cloned()
            .unwrap_or_else(|| json!({}))
    }
}

/// How to score.
#[derive(Debug, Clone, Default)]
pub struct ScoreOptions {
    /// Facts about entities.
    pub facts: Facts,
    /// Check settings, level rules, gate and exemptions.
    pub config: Config,
    /// `--fail-on`, overriding the configuration.
    pub fail_on: Option<FailOn>,
    /// `--min-score`, overriding the configuration.
    pub min_score: Option<f64>,
    /// Worker threads; `None` uses rayon's default.
    pub threads: Option<usize>,
    /// Today's date (`YYYY-MM-DD`) for exemption expiry; `None` reads the system clock.
    pub today: Option<String>,
    /// Files known to exist, for catalogs read from memory (see [`crate::lint_files`]): when
    /// set, checks that look for files next to a catalog file (techdocs `mkdocs.yml`) consult
    /// this set of paths, in the same form as [`crate::SourceFile::path`], instead of the disk.
    pub known_files: Option<Arc<BTreeSet<PathBuf>>>,
}

/// Why scoring could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    /// A policy failed to compile.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The configuration names a check that does not exist.
    #[error("configuration {}:{}: {}", .0.span.line, .0.span.column, .0.message)]
    Config(crate::config::ConfigError),
    /// The thread pool could not be built.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// A check ready to evaluate, with configuration applied.
struct PreparedCheck<'p> {
    check: &'p Check,
    /// The check id, shared by all its results.
    id: SharedStr,
    /// The message of a result for an entity of another kind, shared likewise.
    not_applicable: SharedStr,
    severity: CheckSeverity,
    weight: f64,
    /// `input.params`, converted once.
    params_value: regorus::Value,
    applicable_rule: String,
    result_rule: String,
    /// Entry points of the check's rules in the VM program, when the VM evaluates it.
    vm: Option<VmEntry>,
}

impl<'p> PreparedCheck<'p> {
    fn new(check: &'p Check, severity: CheckSeverity, weight: f64, params: Json) -> Self {
        PreparedCheck {
            check,
            id: SharedStr::from(check.id.as_str()),
            not_applicable: SharedStr::from(format!("applies to {}", check.applies_to.join(", "))),
            severity,
            weight,
            params_value: regorus::Value::from(params),
            applicable_rule: format!("data.{}.applicable", check.package),
            result_rule: format!("data.{}.result", check.package),
            vm: None,
        }
    }
}

/// Indexes of a check's rules among the VM program's entry points.
#[derive(Debug, Clone, Copy)]
struct VmEntry {
    /// `applicable`, when the check defines one that must be evaluated.
    applicable: Option<usize>,
    result: usize,
}

/// Scores every accepted entity of a lint report.
///
/// This compiles the checks on every call; to score many reports (or one entity at a time)
/// with the same checks and options, build a [`Scorer`] once.
///
/// ```
/// use yardstick::{lint_paths, score, LintOptions, PolicySet, ScoreOptions};
/// let report = lint_paths(&["../../fixtures/demo".into()], &LintOptions::default()).unwrap();
/// let card = score(&report, &PolicySet::builtin().unwrap(), &ScoreOptions::default()).unwrap();
/// assert_eq!(card.entities.len(), report.catalog.len());
/// ```
pub fn score(
    report: &LintReport,
    policies: &PolicySet,
    options: &ScoreOptions,
) -> Result<Scorecard, ScoreError> {
    Scorer::new(policies, options)?.score(report)
}

/// Checks compiled once with their configuration, ready to score any number of lint
/// reports: what [`score`] does, without compiling the checks again on each call. A
/// `Scorer` is `Send + Sync`; [`Scorer::score`] takes `&self`.
///
/// ```
/// use yardstick::{lint_sources, LintOptions, PolicySet, ScoreOptions, Scorer};
/// let policies = PolicySet::builtin().unwrap();
/// let options = ScoreOptions::default();
/// let scorer = Scorer::new(&policies, &options).unwrap();
/// for name in ["cart", "checkout"] {
///     let doc = format!("apiVersion: backstage.io/v1alpha1\nkind: Component\n\
///                        metadata: {{name: {name}}}\n\
///                        spec: {{type: service, lifecycle: production, owner: team-a}}\n");
///     let lint = lint_sources(&[("catalog-info.yaml", doc.as_str())], &LintOptions::default());
///     let card = scorer.score(&lint).unwrap();
///     assert_eq!(card.entities[0].reference, format!("component:default/{name}"));
/// }
/// ```
pub struct Scorer<'a> {
    options: &'a ScoreOptions,
    checks: Vec<PreparedCheck<'a>>,
    /// The interpreter with every enabled check's module and no data yet.
    engine: regorus::Engine,
    program: Option<Arc<regorus::rvm::Program>>,
}

impl<'a> Scorer<'a> {
    /// Applies the configuration in `options` to `policies` and compiles the enabled checks.
    pub fn new(policies: &'a PolicySet, options: &'a ScoreOptions) -> Result<Self, ScoreError> {
        let config = &options.config;
        let ids: Vec<&str> = policies.checks().iter().map(|c| c.id.as_str()).collect();
        config.check_ids(&ids).map_err(ScoreError::Config)?;
        let mut checks: Vec<PreparedCheck<'a>> = config
            .enabled_checks(policies)
            .map(|c| {
                let params = c
                    .settings
                    .and_then(|s| s.params.clone())
                    .unwrap_or_else(|| json!({}));
                PreparedCheck::new(c.check, c.severity, c.weight, params)
            })
            .collect();

        let mut engine = regorus::Engine::new();
        for p in &checks {
            engine
                .add_policy(p.check.origin.clone(), p.check.source.clone())
                .map_err(|e| regorus_error(&p.check.origin, &e.to_string()))?;
        }
        // The catalog is data, set per report; the program does not depend on it.
        let program = vm_program(&mut checks, &empty_catalog_data());
        Ok(Scorer {
            options,
            checks,
            engine,
            program,
        })
    }

    /// Scores every accepted entity of `report`.
    pub fn score(&self, report: &LintReport) -> Result<Scorecard, ScoreError> {
        let options = self.options;
        // Per call: a long-lived scorer sees exemptions expire at midnight (UTC).
        let today = options.today.clone().unwrap_or_else(today_utc);
        let (active, expired) = split_exemptions(&options.config.exemptions, &today);
        let mut engine = self.engine.clone();
        let data = regorus::Value::from(json!({"yardstick": {"catalog": catalog_data(report)}}));
        engine.add_data(data.clone()).map_err(|e| PolicyError {
            file: "data".into(),
            line: 1,
            column: 1,
            message: e.to_string(),
        })?;
        let files: Vec<SharedStr> = report
            .files
            .iter()
            .map(|f| SharedStr::from(f.display.as_str()))
            .collect();
        let evaluate = |worker: &mut Worker, loaded: &LoadedEntity| -> EntityScore {
            score_entity(
                worker,
                loaded,
                report,
                &files,
                &self.checks,
                &options.facts,
                &active,
                &options.config.levels,
                options.known_files.as_deref(),
            )
        };
        let run = || -> Vec<EntityScore> {
            report
                .catalog
                .entities
                .par_iter()
                .map_init(
                    || Worker::new(engine.clone(), self.program.as_ref(), &data),
                    evaluate,
                )
                .collect()
        };
        let entities = match options.threads {
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .map_err(|e| ScoreError::Threads(e.to_string()))?
                .install(run),
            None => run(),
        };

        let summary = summarize(&entities, expired, options);
        Ok(Scorecard { entities, summary })
    }
}

/// `data` with an empty catalog, to compile against.
fn empty_catalog_data() -> regorus::Value {
    regorus::Value::from(json!({"yardstick": {"catalog": {"has_owners": false, "entities": {}}}}))
}

impl Scorecard {
    /// Keeps only the entities `keep` accepts and recomputes the summary and gate over them,
    /// e.g. to report only the entities of files a pull request changed. Expired exemptions
    /// are kept only for the remaining entities.
    pub fn retain(&mut self, keep: impl Fn(&EntityScore) -> bool, options: &ScoreOptions) {
        self.entities.retain(|e| keep(e));
        let refs: BTreeSet<String> = self
            .entities
            .iter()
            .map(|e| e.reference.to_lowercase())
            .collect();
        let expired = std::mem::take(&mut self.summary.expired_exemptions)
            .into_iter()
            .filter(|x| refs.contains(&x.entity.to_lowercase()))
            .collect();
        self.summary = summarize(&self.entities, expired, options);
    }
}

/// Totals, groupings and the gate of scored entities.
fn summarize(
    entities: &[EntityScore],
    expired: Vec<ExpiredExemption>,
    options: &ScoreOptions,
) -> Summary {
    let config = &options.config;
    let catalog = aggregate("catalog".into(), entities.iter());
    let group = |key_of: fn(&EntityScore) -> Option<String>| -> Vec<Aggregate> {
        let mut groups: BTreeMap<String, Vec<&EntityScore>> = BTreeMap::new();
        for e in entities {
            groups
                .entry(key_of(e).unwrap_or_else(|| "(none)".into()))
                .or_default()
                .push(e);
        }
        groups
            .into_iter()
            .map(|(k, v)| aggregate(k, v.into_iter()))
            .collect()
    };
    let owners = group(|e| e.owner.as_deref().map(String::from));
    let systems = group(|e| e.system.as_deref().map(String::from));
    let gate = gate(
        entities,
        &catalog,
        options.fail_on.or(config.gate.fail_on).unwrap_or_default(),
        options.min_score.or(config.gate.min_score),
    );
    Summary {
        entities: catalog.entities,
        score: catalog.score,
        levels: catalog.levels,
        owners,
        systems,
        expired_exemptions: expired,
        gate,
    }
}

fn catalog_data(report: &LintReport) -> Json {
    let mut entities = serde_json::Map::new();
    for e in &report.catalog.entities {
        let kind = e.entity.kind();
        if kind.eq_ignore_ascii_case("group") || kind.eq_ignore_ascii_case("user") {
            entities.insert(e.entity.reference.to_string(), json!({"kind": kind}));
        }
    }
    json!({"has_owners": !entities.is_empty(), "entities": entities})
}

fn split_exemptions(all: &[Exemption], today: &str) -> (Vec<Exemption>, Vec<ExpiredExemption>) {
    let mut active = Vec::new();
    let mut expired = Vec::new();
    for e in all {
        match &e.expires {
            Some(date) if date.as_str() < today => expired.push(ExpiredExemption {
                entity: e.entity.clone(),
                check: e.check.clone(),
                reason: e.reason.clone(),
                expires: date.clone(),
                line: e.span.line as usize,
            }),
            _ => active.push(e.clone()),
        }
    }
    (active, expired)
}

/// Today's UTC date as `YYYY-MM-DD`.
fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = crate::util::civil_date::civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

fn relation(loaded: &LoadedEntity, field: &str, strings: &mut StrCache) -> Option<SharedStr> {
    loaded
        .entity
        .relations
        .iter()
        .find(|r| r.field == field)
        .map(|r| strings.get(&r.target.to_string()))
}

/// What yardstick knows from the file system that a check may need (`input.local`).
fn local_facts(
    loaded: &LoadedEntity,
    report: &LintReport,
    known_files: Option<&BTreeSet<PathBuf>>,
) -> Json {
    let Some(file) = report.files.get(loaded.file) else {
        return json!({});
    };
    let techdocs = loaded
        .entity
        .root
        .pointer("/metadata/annotations/backstage.io~1techdocs-ref")
        .and_then(crate::yaml::Node::as_str)
        .and_then(|r| r.trim().strip_prefix("dir:"));
    let Some(dir_ref) = techdocs else {
        return json!({});
    };
    let catalog_dir = file.path.parent().unwrap_or(&file.root);
    let shown_dir = Path::new(&file.display).parent().unwrap_or(Path::new(""));
    let (found, expected) = match crate::util::path::join_lexically(catalog_dir, dir_ref.trim()) {
        Some(dir) if dir.starts_with(&file.root) => {
            let found = ["mkdocs.yml", "mkdocs.yaml"]
                .iter()
                .any(|n| match known_files {
                    Some(known) => known.contains(&dir.join(n)),
                    // One stat first: most lookups miss, and resolving the real path
                    // (to keep symlinks from leaving the root) costs a stat per component.
                    None => {
                        let path = dir.join(n);
                        std::fs::metadata(&path).is_ok_and(|m| m.is_file())
                            && path
                                .canonicalize()
                                .is_ok_and(|real| real.starts_with(&file.root) && real.is_file())
                    }
                });
            let shown = crate::util::path::join_lexically(shown_dir, dir_ref.trim())
                .unwrap_or_default()
                .join("mkdocs.yml");
            (found, shown.to_string_lossy().replace('\\', "/"))
        }
        _ => (
            false,
            format!("{} (outside the scanned root; not checked)", dir_ref.trim()),
        ),
    };
    json!({"techdocs": {"ref": format!("dir:{dir_ref}"), "dir_ref": true, "mkdocs_found": found, "expected": expected}})
}

#[allow(clippy::too_many_arguments)]
fn score_entity(
    worker: &mut Worker,
    loaded: &LoadedEntity,
    report: &LintReport,
    files: &[SharedStr],
    checks: &[PreparedCheck<'_>],
    facts: &Facts,
    exemptions: &[Exemption],
    levels: &LevelRules,
    known_files: Option<&BTreeSet<PathBuf>>,
) -> EntityScore {
    let reference = loaded.entity.reference.to_string();
    let kind = worker.strings.get(loaded.entity.kind());
    let text = report.files.get(loaded.file).map_or("", |f| &*f.text);
    let file = files
        .get(loaded.file)
        .cloned()
        .unwrap_or_else(|| SharedStr::from(""));
    // Built on first use (Groups and Users have no check to evaluate), straight from the
    // YAML tree into regorus values: no `serde_json::Value` for the entity.
    let mut input: Option<InputParts> = None;
    let mut results = Vec::with_capacity(checks.len());
    for p in checks {
        let mut result = CheckResult {
            id: p.id.clone(),
            status: CheckStatus::NotApplicable,
            severity: p.severity,
            weight: p.weight,
            message: p.not_applicable.clone(),
            pointer: None,
            location: None,
        };
        let applies = p.check.applies_to.is_empty()
            || p.check
                .applies_to
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&kind));
        if !applies {
            results.push(result);
            continue;
        }
        if let Some(x) = exemptions
            .iter()
            .find(|x| x.check == p.check.id && x.entity == reference)
        {
            result.status = CheckStatus::Exempt;
            result.message = worker.strings.get(&format!("exempt: {}", x.reason));
            results.push(result);
            continue;
        }
        let input = input.get_or_insert_with(|| InputParts {
            entity: node_value(&loaded.entity.root),
            reference: regorus::Value::from(reference.as_str()),
            facts: regorus::Value::from(facts.get(&reference)),
            local: regorus::Value::from(local_facts(loaded, report, known_files)),
            input_id: worker.next_input_id(),
        });
        match worker.evaluate(p, input) {
            Ok(None) => result.message = worker.strings.get("the check's applicable rule is false"),
            Ok(Some((status, message, pointer))) => {
                result.status = status;
                result.message = worker.strings.get(&message);
                let span = loaded.source().locate(&pointer);
                let (end_line, end_column) = crate::report::span_end(text, span);
                result.location = Some(Location {
                    file: file.clone(),
                    line: span.line as usize,
                    column: span.column as usize,
                    end_line,
                    end_column,
                });
                result.pointer = Some(worker.strings.get(&pointer));
            }
            Err(message) => {
                result.status = CheckStatus::Error;
                result.message = worker.strings.get(&message);
            }
        }
        results.push(result);
    }
    let (score, level) = score_and_level(&results, levels);
    EntityScore {
        owner: relation(loaded, "owner", &mut worker.strings),
        system: relation(loaded, "system", &mut worker.strings),
        reference,
        kind,
        file,
        score,
        level,
        checks: results,
    }
}

/// What a check evaluation gives: `Ok(None)`: not applicable; `Ok(Some(status, message,
/// pointer))`; or an error message.
type Evaluation = Result<Option<(CheckStatus, String, String)>, String>;

/// The parts of one entity's `input`, converted once; `input.params` is per check.
struct InputParts {
    entity: regorus::Value,
    reference: regorus::Value,
    facts: regorus::Value,
    local: regorus::Value,
    /// Distinguishes entities, so that the interpreter's input is set once per entity and
    /// params, not once per check.
    input_id: u64,
}

impl InputParts {
    /// `{"entity", "ref", "facts", "params", "local"}`: five `Rc` clones, no deep copy.
    fn with_params(&self, params: &regorus::Value) -> regorus::Value {
        let mut map = BTreeMap::new();
        map.insert(regorus::Value::from("entity"), self.entity.clone());
        map.insert(regorus::Value::from("ref"), self.reference.clone());
        map.insert(regorus::Value::from("facts"), self.facts.clone());
        map.insert(regorus::Value::from("params"), params.clone());
        map.insert(regorus::Value::from("local"), self.local.clone());
        regorus::Value::from(map)
    }
}

/// A YAML node as a regorus value, the same value `regorus::Value::from(node.to_json())`
/// gives, without building the JSON tree first (that conversion goes through serde and
/// copies every string twice).
fn node_value(node: &crate::yaml::Node) -> regorus::Value {
    use crate::yaml::Value as Y;
    match &node.value {
        Y::Null => regorus::Value::Null,
        Y::Bool(b) => regorus::Value::from(*b),
        // Numbers are rare in entities: go through JSON so that integers and floats
        // convert exactly as before.
        Y::Number(_) => regorus::Value::from(node.to_json()),
        Y::String(s) => regorus::Value::from(s.as_str()),
        Y::Seq(items) => regorus::Value::from(items.iter().map(node_value).collect::<Vec<_>>()),
        Y::Map(entries) => regorus::Value::from(
            entries
                .iter()
                .map(|e| (regorus::Value::from(e.key.as_str()), node_value(&e.value)))
                .collect::<BTreeMap<_, _>>(),
        ),
        Y::Opaque => regorus::Value::new_object(),
    }
}

/// Compiles the checks the VM may evaluate into one regorus VM program and records their
/// entry points in `checks`; `None` when no check can use the VM.
///
/// regorus's bytecode VM (RVM) evaluates the built-in checks about six times faster than
/// its tree-walking interpreter, which spends most of its time building path strings and
/// calling helper functions. The VM is used only for checks whose source is exactly a
/// built-in module: their results were checked against the interpreter's (unit tests
/// below, the conformance corpus and the benchmark catalog). A custom check might use a
/// construct the two evaluate differently (regorus 0.14.1's VM lets `x := <undefined>`
/// succeed, for one), so custom checks, and built-ins whose package a custom module
/// extends, stay on the interpreter. Any VM error or undefined value falls back to the
/// interpreter too, so errors read as before.
fn vm_program(
    checks: &mut [PreparedCheck<'_>],
    data: &regorus::Value,
) -> Option<std::sync::Arc<regorus::rvm::Program>> {
    let shared_package = |c: &Check| {
        checks
            .iter()
            .filter(|o| o.check.package == c.package)
            .count()
            > 1
    };
    let use_vm: Vec<bool> = checks
        .iter()
        .map(|p| crate::policy::is_builtin_source(&p.check.source) && !shared_package(p.check))
        .collect();
    let mut engine = regorus::Engine::new();
    let mut entry_points = Vec::new();
    for (p, _) in checks.iter().zip(&use_vm).filter(|(_, vm)| **vm) {
        engine
            .add_policy(p.check.origin.clone(), p.check.source.clone())
            .ok()?;
        if p.check.defines_applicable {
            entry_points.push(p.applicable_rule.clone());
        }
        entry_points.push(p.result_rule.clone());
    }
    let first = entry_points.first()?;
    engine.add_data(data.clone()).ok()?;
    let policy = engine
        .compile_with_entrypoint(&regorus::Rc::from(first.as_str()))
        .ok()?;
    let names: Vec<&str> = entry_points.iter().map(String::as_str).collect();
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &names).ok()?;
    let index = |rule: &str| names.iter().position(|n| *n == rule);
    for (p, _) in checks.iter_mut().zip(&use_vm).filter(|(_, vm)| **vm) {
        p.vm = Some(VmEntry {
            applicable: if p.check.defines_applicable {
                Some(index(&p.applicable_rule)?)
            } else {
                None
            },
            result: index(&p.result_rule)?,
        });
    }
    Some(program)
}

/// One rayon job's evaluators: the interpreter (custom checks, and the fallback) and the
/// VM (built-in checks).
struct Worker {
    engine: regorus::Engine,
    /// The `(input_id, params)` the interpreter's input was last set for.
    engine_input: Option<(u64, *const regorus::Value)>,
    vm: Option<regorus::rvm::RegoVM>,
    next_id: u64,
    /// Shares the strings of this job's results: a scorecard repeats the same messages,
    /// pointers, kinds and owners for thousands of entities.
    strings: StrCache,
}

impl Worker {
    fn new(
        engine: regorus::Engine,
        program: Option<&std::sync::Arc<regorus::rvm::Program>>,
        data: &regorus::Value,
    ) -> Self {
        let vm = program.and_then(|program| {
            let mut vm = regorus::rvm::RegoVM::new();
            vm.load_program(program.clone());
            // The default budget (25,000 instructions) is for untrusted policies; entities
            // with hundreds of annotations would exceed it and fall back to the (slower,
            // unlimited) interpreter anyway.
            vm.set_max_instructions(usize::MAX);
            vm.set_data(data.clone()).ok()?;
            Some(vm)
        });
        Worker {
            engine,
            engine_input: None,
            vm,
            next_id: 0,
            strings: StrCache::new(4096),
        }
    }

    fn next_input_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn evaluate(&mut self, p: &PreparedCheck<'_>, input: &InputParts) -> Evaluation {
        if let (Some(entry), Some(vm)) = (p.vm, self.vm.as_mut()) {
            vm.set_input(input.with_params(&p.params_value));
            let applicable = match entry.applicable {
                Some(i) => vm.execute_entry_point_by_index(i).ok(),
                None => Some(regorus::Value::from(true)),
            };
            match applicable {
                Some(v) if v == regorus::Value::from(false) => return Ok(None),
                Some(regorus::Value::Undefined) | None => {}
                Some(_) => {
                    if let Ok(value) = vm.execute_entry_point_by_index(entry.result) {
                        if let Some(r) = simple_result(&value) {
                            return Ok(Some(r));
                        }
                    }
                }
            }
        }
        // The interpreter: custom checks, and anything the VM did not answer plainly.
        let key = (input.input_id, &p.params_value as *const regorus::Value);
        if self.engine_input != Some(key) {
            self.engine.set_input(input.with_params(&p.params_value));
            self.engine_input = Some(key);
        }
        evaluate_check(&mut self.engine, p)
    }
}

/// Reads `{"status", "message", "pointer"}` from a result whose keys and values are all
/// strings, as the built-in checks' are, giving what `evaluate_check` gives for it; `None`
/// for any other value (`evaluate_check` then decides, with its error messages).
fn simple_result(value: &regorus::Value) -> Option<(CheckStatus, String, String)> {
    let regorus::Value::Object(fields) = value else {
        return None;
    };
    let mut status = None;
    let mut message = String::new();
    let mut pointer = String::new();
    for (k, v) in fields.iter() {
        let (regorus::Value::String(k), regorus::Value::String(v)) = (k, v) else {
            return None;
        };
        match &**k {
            "status" => status = Some(v),
            "message" => message = v.to_string(),
            "pointer" => pointer = v.to_string(),
            _ => {}
        }
    }
    let status = match status.map(|s| &**s) {
        Some("pass") => CheckStatus::Pass,
        Some("fail") => CheckStatus::Fail,
        Some("unknown") => CheckStatus::Unknown,
        // Bad or missing status: the interpreter path words the error.
        _ => return None,
    };
    Some((status, message, pointer))
}

/// `Ok(None)`: not applicable. `Ok(Some(status, message, pointer))`, or an error message.
fn evaluate_check(engine: &mut regorus::Engine, p: &PreparedCheck<'_>) -> Evaluation {
    if p.check.defines_applicable {
        let applicable = engine
            .eval_rule(p.applicable_rule.clone())
            .map_err(|e| format!("rego error: {e}"))?;
        if applicable == regorus::Value::from(false) {
            return Ok(None);
        }
    }
    let value = engine
        .eval_rule(p.result_rule.clone())
        .map_err(|e| format!("rego error: {e}"))?;
    if value == regorus::Value::Undefined {
        return Err(format!("check {} produced no result", p.check.id));
    }
    let json: Json = value
        .to_json_str()
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| format!("check {} produced a result that is not JSON", p.check.id))?;
    let status = match json.get("status").and_then(Json::as_str) {
        Some("pass") => CheckStatus::Pass,
        Some("fail") => CheckStatus::Fail,
        Some("unknown") => CheckStatus::Unknown,
        other => {
            return Err(format!(
                "check {} returned status {other:?}; expected pass, fail or unknown",
                p.check.id
            ))
        }
    };
    let message = json
        .get("message")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string();
    let pointer = json
        .get("pointer")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string();
    Ok(Some((status, message, pointer)))
}

fn score_and_level(results: &[CheckResult], levels: &LevelRules) -> (Option<f64>, Option<Level>) {
    let scored: Vec<&CheckResult> = results.iter().filter(|r| r.status.scored()).collect();
    let total = scored.iter().fold(0.0, |acc, r| acc + r.weight);
    if scored.is_empty() {
        return (None, None);
    }
    // fold from +0.0: an empty f64 sum is -0.0.
    let passed = scored
        .iter()
        .filter(|r| r.status == CheckStatus::Pass)
        .fold(0.0, |acc, r| acc + r.weight);
    // All-zero weights: the entity passed or failed without anything to weigh.
    let score = if total > 0.0 {
        100.0 * passed / total
    } else if scored.iter().all(|r| r.status == CheckStatus::Pass) {
        100.0
    } else {
        0.0
    };
    let meets = |rule: &LevelRule| {
        scored
            .iter()
            .filter(|r| rule.require.contains(&r.severity))
            .all(|r| r.status == CheckStatus::Pass)
            && rule.min_score.is_none_or(|m| score >= m)
    };
    let level = if meets(&levels.gold) {
        Level::Gold
    } else if meets(&levels.silver) {
        Level::Silver
    } else if meets(&levels.bronze) {
        Level::Bronze
    } else {
        Level::None
    };
    (Some(score), Some(level))
}

fn aggregate<'a>(key: String, entities: impl Iterator<Item = &'a EntityScore>) -> Aggregate {
    let mut count = 0;
    let mut levels = LevelCounts::default();
    let mut scores = Vec::new();
    for e in entities {
        count += 1;
        if let Some(s) = e.score {
            scores.push(s);
        }
        match e.level {
            Some(Level::Gold) => levels.gold += 1,
            Some(Level::Silver) => levels.silver += 1,
            Some(Level::Bronze) => levels.bronze += 1,
            Some(Level::None) => levels.none += 1,
            None => {}
        }
    }
    let score =
        (!scores.is_empty()).then(|| scores.iter().fold(0.0, |a, s| a + s) / scores.len() as f64);
    Aggregate {
        key,
        entities: count,
        score,
        levels,
    }
}

fn gate(
    entities: &[EntityScore],
    summary: &Aggregate,
    fail_on: FailOn,
    min_score: Option<f64>,
) -> GateResult {
    let mut reasons = Vec::new();
    let failing = |r: &CheckResult| {
        r.status == CheckStatus::Fail
            && match fail_on {
                FailOn::Critical => r.severity == CheckSeverity::Critical,
                FailOn::High => matches!(r.severity, CheckSeverity::Critical | CheckSeverity::High),
                FailOn::Any => true,
                FailOn::Never => false,
            }
    };
    let failures: Vec<String> = entities
        .iter()
        .flat_map(|e| {
            e.checks
                .iter()
                .filter(|r| failing(r))
                .map(move |r| format!("{} fails {}", e.reference, r.id))
        })
        .collect();
    if !failures.is_empty() {
        let shown: Vec<&str> = failures.iter().take(5).map(String::as_str).collect();
        let more = failures.len().saturating_sub(shown.len());
        reasons.push(format!(
            "{} failing check{} at or above the fail-on severity: {}{}",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if let (Some(min), Some(score)) = (min_score, summary.score) {
        if score < min {
            reasons.push(format!(
                "catalog score {score:.1} is below the minimum {min}"
            ));
        }
    }
    GateResult {
        passed: reasons.is_empty(),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The VM must give the interpreter's answer for every built-in check, on inputs of the
    /// wrong types and shapes and with non-default params (the catalog-level tests only
    /// see well-formed entities).
    #[test]
    fn vm_agrees_with_interpreter_on_builtin_checks() {
        let set = PolicySet::builtin().unwrap();
        let data = regorus::Value::from(json!({"yardstick": {"catalog": {
            "has_owners": true,
            "entities": {"group:default/team-a": {"kind": "Group"}, "user:ns/jo": {"kind": "user"}}
        }}}));
        let owners = [
            json!(null),
            json!(""),
            json!("  "),
            json!(5),
            json!("team-a"),
            json!("group:"),
            json!("ns/"),
            json!(":x"),
            json!("group:/x"),
            json!("ns/a:b"),
            json!("user:ns/jo"),
            json!("User:NS/Jo"),
            json!("team-b"),
        ];
        let annotations = [
            json!(null),
            json!("x"),
            json!({}),
            json!({"grafana/dashboard-selector": " ", "pagerduty.com/service-id": 3}),
            json!({"prometheus.io/rule": "up", "opsgenie.com/team": "t", "a/b": "c",
                   "backstage.io/techdocs-ref": "dir:.", "yardstick.dev/backup-policy": "daily"}),
            json!({"backstage.io/techdocs-entity": "component:x", "yardstick.dev/backup-policy": ""}),
        ];
        let labels = [
            json!(null),
            json!([]),
            json!({"cost-center": ""}),
            json!({"cost-center": "cc-1", "x": "y"}),
        ];
        let facts = [
            json!({}),
            json!({"ci": {"status": "passing"}, "monitoring": {"configured": true}}),
            json!({"ci": {"status": "failing"}, "oncall": {"configured": "true"}}),
            json!({"ci": {"status": "none"}, "backups": {"enabled": true}}),
            json!({"ci": {"status": 7}}),
            json!({"ci": {"status": false}}),
            json!({"ci": {"status": null}}),
            json!({"ci": "x"}),
        ];
        let locals = [
            json!({}),
            json!({"techdocs": {"ref": "dir:.", "dir_ref": true, "mkdocs_found": false, "expected": "a/mkdocs.yml"}}),
            json!({"techdocs": {"ref": "dir:.", "dir_ref": true, "mkdocs_found": true, "expected": "mkdocs.yml"}}),
        ];
        let params = [
            json!({}),
            json!({"annotations": ["a/b", 3, "opsgenie.com/team"], "label_keys": ["x", 1, "cost-center"], "database_types": ["database", "cache"]}),
            json!({"annotations": "x", "label_keys": [], "database_types": 5}),
        ];
        let mut inputs = Vec::new();
        for (i, owner) in owners.iter().enumerate() {
            let a = &annotations[i % annotations.len()];
            let l = &labels[i % labels.len()];
            for (j, f) in facts.iter().enumerate() {
                let kinds = ["database", "cache", "service"];
                let mut entity = json!({
                    "kind": "Component",
                    "metadata": {"name": "x", "annotations": a, "labels": l},
                    "spec": {"owner": owner, "type": kinds[j % 3]},
                });
                if j % 4 == 1 {
                    entity["metadata"]["namespace"] = json!("ns");
                }
                if j % 5 == 2 {
                    entity["spec"].as_object_mut().unwrap().remove("owner");
                }
                inputs.push((entity, f.clone(), locals[(i + j) % locals.len()].clone()));
            }
        }
        inputs.push((json!({}), json!({}), json!({})));
        inputs.push((json!("not an object"), json!({}), json!({})));
        let mut compared = 0;
        for param in &params {
            let mut checks: Vec<PreparedCheck<'_>> = set
                .checks()
                .iter()
                .map(|c| PreparedCheck::new(c, c.severity, 1.0, param.clone()))
                .collect();
            let program = vm_program(&mut checks, &data).expect("the built-ins compile for the VM");
            assert!(checks.iter().all(|p| p.vm.is_some()));
            let mut engine = regorus::Engine::new();
            for p in &checks {
                engine
                    .add_policy(p.check.origin.clone(), p.check.source.clone())
                    .unwrap();
            }
            engine.add_data(data.clone()).unwrap();
            let mut worker = Worker::new(engine.clone(), Some(&program), &data);
            for (n, (entity, facts, local)) in inputs.iter().enumerate() {
                let parts = InputParts {
                    entity: regorus::Value::from(entity.clone()),
                    reference: regorus::Value::from("component:default/x"),
                    facts: regorus::Value::from(facts.clone()),
                    local: regorus::Value::from(local.clone()),
                    input_id: n as u64,
                };
                for p in &checks {
                    engine.set_input(parts.with_params(&p.params_value));
                    let want = evaluate_check(&mut engine, p);
                    let vm = worker.vm.as_mut().unwrap();
                    vm.set_input(parts.with_params(&p.params_value));
                    let entry = p.vm.unwrap();
                    let applicable = entry
                        .applicable
                        .map(|i| vm.execute_entry_point_by_index(i).unwrap());
                    let got = if applicable == Some(regorus::Value::from(false)) {
                        Ok(None)
                    } else {
                        let value = vm.execute_entry_point_by_index(entry.result).unwrap();
                        Ok(Some(simple_result(&value).expect("a plain result")))
                    };
                    assert_eq!(
                        got, want,
                        "{} on {entity} {facts} {local} {param}",
                        p.check.id
                    );
                    assert_eq!(worker.evaluate(p, &parts), want);
                    compared += 1;
                }
            }
        }
        assert!(compared > 2000, "{compared}");
    }

    /// `node_value` gives the same value as going through `serde_json`.
    #[test]
    fn node_value_matches_json_conversion() {
        let text = "a: 1\nb: -2.5\nc: [x, 'y', null, true, 0x1F, 1e3, .inf]\nd: {e: ~, '1': {f: []}}\ng: 12345678901234567890\n";
        let stream = parse_stream(text, &Limits::default());
        let root = stream.documents[0].root.as_ref().unwrap();
        assert_eq!(node_value(root), regorus::Value::from(root.to_json()));
    }
}
