//! Scorecards: every check of every entity evaluated with regorus, in parallel, then
//! turned into scores, levels, aggregates and a pass/fail gate.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

use crate::config::{Config, Exemption, FailOn, LevelRule, LevelRules};
use crate::lint::{normalize_within, LintReport, LoadedEntity};
use crate::policy::{regorus_error, Check, CheckSeverity, PolicyError, PolicySet};
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
    /// The file as reports show it.
    pub file: String,
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
    /// Check id.
    pub id: String,
    /// Outcome.
    pub status: CheckStatus,
    /// Effective severity.
    pub severity: CheckSeverity,
    /// Effective weight.
    pub weight: f64,
    /// What the check found.
    pub message: String,
    /// JSON pointer of the field the result is about.
    pub pointer: Option<String>,
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
    pub kind: String,
    /// The file the entity is defined in.
    pub file: String,
    /// Owner reference, when the entity has one.
    pub owner: Option<String>,
    /// System reference, when the entity has one.
    pub system: Option<String>,
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
            line: span.line,
            column: span.column,
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
    severity: CheckSeverity,
    weight: f64,
    params: Json,
    applicable_rule: String,
    result_rule: String,
}

/// Scores every accepted entity of a lint report.
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
    let config = &options.config;
    let ids: Vec<&str> = policies.checks().iter().map(|c| c.id.as_str()).collect();
    config.check_ids(&ids).map_err(ScoreError::Config)?;
    let checks: Vec<PreparedCheck<'_>> = policies
        .checks()
        .iter()
        .filter(|c| {
            config
                .checks
                .get(&c.id)
                .and_then(|cc| cc.enabled)
                .unwrap_or(true)
        })
        .map(|c| {
            let cc = config.checks.get(&c.id);
            let severity = cc.and_then(|cc| cc.severity).unwrap_or(c.severity);
            PreparedCheck {
                check: c,
                severity,
                weight: cc
                    .and_then(|cc| cc.weight)
                    .unwrap_or_else(|| severity.weight()),
                params: cc
                    .and_then(|cc| cc.params.clone())
                    .unwrap_or_else(|| json!({})),
                applicable_rule: format!("data.{}.applicable", c.package),
                result_rule: format!("data.{}.result", c.package),
            }
        })
        .collect();

    let mut engine = regorus::Engine::new();
    for p in &checks {
        engine
            .add_policy(p.check.origin.clone(), p.check.source.clone())
            .map_err(|e| regorus_error(&p.check.origin, &e.to_string()))?;
    }
    engine
        .add_data(regorus::Value::from(
            json!({"yardstick": {"catalog": catalog_data(report)}}),
        ))
        .map_err(|e| PolicyError {
            file: "data".into(),
            line: 1,
            column: 1,
            message: e.to_string(),
        })?;

    let today = options.today.clone().unwrap_or_else(today_utc);
    let (active, expired) = split_exemptions(&config.exemptions, &today);

    let evaluate = |engine: &mut regorus::Engine, loaded: &LoadedEntity| -> EntityScore {
        score_entity(
            engine,
            loaded,
            report,
            &checks,
            &options.facts,
            &active,
            &config.levels,
        )
    };
    let run = || -> Vec<EntityScore> {
        report
            .catalog
            .entities
            .par_iter()
            .map_init(|| engine.clone(), evaluate)
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

    let catalog = aggregate("catalog".into(), entities.iter());
    let group = |key_of: fn(&EntityScore) -> Option<String>| -> Vec<Aggregate> {
        let mut groups: BTreeMap<String, Vec<&EntityScore>> = BTreeMap::new();
        for e in &entities {
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
    let owners = group(|e| e.owner.clone());
    let systems = group(|e| e.system.clone());
    let gate = gate(
        &entities,
        &catalog,
        options.fail_on.or(config.gate.fail_on).unwrap_or_default(),
        options.min_score.or(config.gate.min_score),
    );
    Ok(Scorecard {
        entities,
        summary: Summary {
            entities: catalog.entities,
            score: catalog.score,
            levels: catalog.levels,
            owners,
            systems,
            expired_exemptions: expired,
            gate,
        },
    })
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
                line: e.span.line,
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
    let (y, m, d) = crate::yaml::civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

fn relation(loaded: &LoadedEntity, field: &str) -> Option<String> {
    loaded
        .entity
        .relations
        .iter()
        .find(|r| r.field == field)
        .map(|r| r.target.to_string())
}

/// What yardstick knows from the file system that a check may need (`input.local`).
fn local_facts(loaded: &LoadedEntity, report: &LintReport) -> Json {
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
    let (found, expected) = match normalize_within(catalog_dir, dir_ref.trim()) {
        Some(dir) if dir.starts_with(&file.root) => {
            let found = ["mkdocs.yml", "mkdocs.yaml"].iter().any(|n| {
                dir.join(n)
                    .canonicalize()
                    .is_ok_and(|real| real.starts_with(&file.root) && real.is_file())
            });
            let shown = normalize_within(shown_dir, dir_ref.trim())
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
    engine: &mut regorus::Engine,
    loaded: &LoadedEntity,
    report: &LintReport,
    checks: &[PreparedCheck<'_>],
    facts: &Facts,
    exemptions: &[Exemption],
    levels: &LevelRules,
) -> EntityScore {
    let reference = loaded.entity.reference.to_string();
    let kind = loaded.entity.kind().to_string();
    let text = report.files.get(loaded.file).map_or("", |f| &*f.text);
    let file = report
        .files
        .get(loaded.file)
        .map(|f| f.display.clone())
        .unwrap_or_default();
    let mut input = json!({
        "entity": loaded.entity.root.to_json(),
        "ref": reference,
        "facts": facts.get(&reference),
        "params": {},
        "local": local_facts(loaded, report),
    });
    let mut results = Vec::with_capacity(checks.len());
    let mut input_set = false;
    for p in checks {
        let mut result = CheckResult {
            id: p.check.id.clone(),
            status: CheckStatus::NotApplicable,
            severity: p.severity,
            weight: p.weight,
            message: String::new(),
            pointer: None,
            location: None,
        };
        let applies = p.check.applies_to.is_empty()
            || p.check
                .applies_to
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&kind));
        if !applies {
            result.message = format!("applies to {}", p.check.applies_to.join(", "));
            results.push(result);
            continue;
        }
        if let Some(x) = exemptions
            .iter()
            .find(|x| x.check == p.check.id && x.entity == reference)
        {
            result.status = CheckStatus::Exempt;
            result.message = format!("exempt: {}", x.reason);
            results.push(result);
            continue;
        }
        // Converting the input is the costly part: only redo it when the params change.
        if !input_set || input["params"] != p.params {
            input["params"] = p.params.clone();
            engine.set_input(regorus::Value::from(input.clone()));
            input_set = true;
        }
        match evaluate_check(engine, p) {
            Ok(None) => result.message = "the check's applicable rule is false".into(),
            Ok(Some((status, message, pointer))) => {
                result.status = status;
                result.message = message;
                let span = loaded.source.locate(&pointer);
                let (end_line, end_column) = crate::report::span_end(text, span);
                result.location = Some(Location {
                    file: file.clone(),
                    line: span.line,
                    column: span.column,
                    end_line,
                    end_column,
                });
                result.pointer = Some(pointer);
            }
            Err(message) => {
                result.status = CheckStatus::Error;
                result.message = message;
            }
        }
        results.push(result);
    }
    let (score, level) = score_and_level(&results, levels);
    EntityScore {
        owner: relation(loaded, "owner"),
        system: relation(loaded, "system"),
        reference,
        kind,
        file,
        score,
        level,
        checks: results,
    }
}

/// `Ok(None)`: not applicable. `Ok(Some(status, message, pointer))`, or an error message.
fn evaluate_check(
    engine: &mut regorus::Engine,
    p: &PreparedCheck<'_>,
) -> Result<Option<(CheckStatus, String, String)>, String> {
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
