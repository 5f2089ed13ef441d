//! Scorecards: every check of every entity evaluated with regorus, in parallel, then
//! turned into scores, levels, aggregates and a pass/fail gate.
//!
//! The parts: `model` is the result model, `facts` the facts given from outside, `scorer`
//! compiles checks once and scores entities in parallel, `input` builds each check's
//! `input`, `vm` evaluates a check, `memo` reuses a check's result for entities with equal
//! reads, `exemptions`, `levels` and `gate` turn results into a verdict.

mod exemptions;
mod facts;
mod gate;
mod input;
mod levels;
mod local_files;
mod memo;
#[cfg(test)]
mod memo_tests;
mod model;
mod native;
mod scorer;
mod stream;
#[cfg(test)]
mod tests;
mod vm;

pub use facts::{Facts, FactsError};
pub use memo::MemoStats;
pub use model::{
    Aggregate, CheckResult, CheckStatus, EntityScore, ExpiredExemption, GateResult, Level,
    LevelCounts, Location, Scorecard, Summary,
};
pub use scorer::Scorer;
pub use stream::{StreamSummary, StreamedFile};

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use crate::config::{Config, FailOn};
use crate::lint::LintReport;
use crate::policy::{PolicyError, PolicySet};

use gate::Failures;
use levels::Tally;

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
    /// Today's date (`YYYY-MM-DD`) for exemption expiry; `None` takes the date of `now_ns`,
    /// or reads the system clock.
    pub today: Option<String>,
    /// What Rego's `time.now_ns()` returns (nanoseconds since the Unix epoch, see
    /// [`crate::parse_now`]); `None` reads the system clock once per [`Scorer::score`] call, so
    /// every entity of a run sees the same instant.
    pub now_ns: Option<i64>,
    /// Files known to exist, for catalogs read from memory (see [`crate::lint_files`]): when
    /// set, checks that look for files next to a catalog file (techdocs `mkdocs.yml`) consult
    /// this set of paths, in the same form as [`crate::SourceFile::path`], instead of the disk.
    pub known_files: Option<Arc<BTreeSet<PathBuf>>>,
    /// Evaluate every check on every entity in Rego, never reusing the result of an entity
    /// whose reads were equal (memoisation off) and never evaluating a built-in check in
    /// Rust instead: the result is the same, only slower; for tests and measurements.
    pub plain_evaluation: bool,
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
    /// A streamed run's catalog could not be linted (see [`crate::CatalogIndex::build`]).
    #[error(transparent)]
    Lint(#[from] crate::lint::LintError),
    /// The lint report kept only parts of each document, and the enabled checks may read
    /// others.
    #[error("the lint report kept only parts of each entity's document, and the enabled checks may read others: lint with `Keep::Parts` of `Scorer::entity_parts`, or `Keep::Everything`")]
    PartsNotKept,
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

/// `data` with an empty catalog, to compile against.
pub(super) fn empty_catalog_data() -> regorus::Value {
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
pub(super) fn summarize(
    entities: &[EntityScore],
    expired: Vec<ExpiredExemption>,
    options: &ScoreOptions,
) -> Summary {
    let mut summary = SummaryBuilder::new(options);
    entities.iter().for_each(|e| summary.add(e));
    summary.finish(expired)
}

/// Adds `e` to the tally of `key` (`(none)` when there is none) in `groups`; the key is
/// copied only the first time it is met. (Hashed, not ordered: the groups are sorted once
/// at the end; each group's entities still add up in report order.)
fn add_to(groups: &mut HashMap<String, Tally>, key: Option<&str>, e: &EntityScore) {
    let key = key.unwrap_or("(none)");
    match groups.get_mut(key) {
        Some(tally) => tally.add(e),
        None => groups.entry(key.to_string()).or_default().add(e),
    }
}

/// [`Summary`] built entity by entity, in report order, without holding the entities.
pub(super) struct SummaryBuilder<'o> {
    options: &'o ScoreOptions,
    catalog: Tally,
    owners: HashMap<String, Tally>,
    systems: HashMap<String, Tally>,
    failures: Failures,
}

impl<'o> SummaryBuilder<'o> {
    pub(super) fn new(options: &'o ScoreOptions) -> Self {
        let fail_on = options.fail_on.or(options.config.gate.fail_on);
        SummaryBuilder {
            options,
            catalog: Tally::default(),
            owners: HashMap::new(),
            systems: HashMap::new(),
            failures: Failures::new(fail_on.unwrap_or_default()),
        }
    }

    pub(super) fn add(&mut self, e: &EntityScore) {
        self.catalog.add(e);
        add_to(&mut self.owners, e.owner.as_deref(), e);
        add_to(&mut self.systems, e.system.as_deref(), e);
        self.failures.add(e);
    }

    pub(super) fn finish(self, expired: Vec<ExpiredExemption>) -> Summary {
        let groups = |tallies: HashMap<String, Tally>| -> Vec<Aggregate> {
            let mut groups: Vec<(String, Tally)> = tallies.into_iter().collect();
            groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            groups.into_iter().map(|(k, t)| t.finish(k)).collect()
        };
        let catalog = self.catalog.finish("catalog".into());
        let min_score = self
            .options
            .min_score
            .or(self.options.config.gate.min_score);
        let gate = self.failures.gate(&catalog, min_score);
        Summary {
            entities: catalog.entities,
            score: catalog.score,
            levels: catalog.levels,
            owners: groups(self.owners),
            systems: groups(self.systems),
            expired_exemptions: expired,
            gate,
        }
    }
}
