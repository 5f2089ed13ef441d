//! The [`Scorer`]: checks compiled once with their configuration, scoring every entity of a
//! report in parallel.

use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{json, Value as Json};

use crate::config::{Exemption, LevelRules};
use crate::lint::{on, LintReport, LoadedEntity, OwnerResolution};
use crate::policy::{
    pin_clock, regorus_error, static_reads, system_now_ns, utc_date_of, Check, CheckSeverity,
    PolicyError, PolicySet,
};
use crate::util::shared_str::SharedStr;
use crate::util::span::to_u32;
use crate::yaml::Projection;

use super::exemptions::{split_exemptions, today_utc};
use super::facts::Facts;
use super::input::{entity_parts, local_facts, node_value, projected_value, relation, EntityInput};
use super::levels::score_and_level;
use super::local_files::FileLookup;
use super::memo::{Memo, MemoKey, MemoStats};
use super::model::{CheckResult, CheckStatus, EntityScore, ExpiredExemption, Location, Scorecard};
use super::native::{Json as JsonView, NativeCheck, Views, Yaml};
use super::vm::{vm_program, Lent, Worker, Workers};
use super::vm::{Evaluation, Verdict};
use super::{empty_catalog_data, summarize, ScoreError, ScoreOptions};

/// A check ready to evaluate, with configuration applied.
pub(super) struct PreparedCheck<'p> {
    pub(super) check: &'p Check,
    /// The check id, shared by all its results.
    pub(super) id: SharedStr,
    /// The message of a result for an entity of another kind, shared likewise.
    pub(super) not_applicable: SharedStr,
    pub(super) severity: CheckSeverity,
    pub(super) weight: f64,
    /// `input.params`, converted once.
    pub(super) params_value: regorus::Value,
    pub(super) applicable_rule: String,
    pub(super) result_rule: String,
    /// Entry points of the check's rules in the VM program, when the VM evaluates it.
    pub(super) vm: Option<VmEntry>,
    /// The check evaluated in Rust, when it is a built-in one (see `native`).
    pub(super) native: Option<NativeCheck>,
    /// The `input` paths (without `input.params`) its results are memoised on, or why
    /// they are not.
    pub(super) memo: Result<MemoKey, String>,
}

impl<'p> PreparedCheck<'p> {
    pub(super) fn new(
        check: &'p Check,
        severity: CheckSeverity,
        weight: f64,
        params: Json,
    ) -> Self {
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
            native: None,
            memo: Err("not analysed".into()),
        }
    }
}

/// Indexes of a check's rules among the VM program's entry points.
#[derive(Debug, Clone, Copy)]
pub(super) struct VmEntry {
    /// `applicable`, when the check defines one that must be evaluated.
    pub(super) applicable: Option<usize>,
    pub(super) result: usize,
}

/// Checks compiled once with their configuration, ready to score any number of lint
/// reports: what [`score`](fn@crate::score) does, without compiling the checks again on each call. A
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
    /// The parts of `input.entity` the checks can read, when every check's reads are
    /// bounded; `None`: the whole entity.
    entity_parts: Option<Projection>,
}

impl<'a> Scorer<'a> {
    /// Applies the configuration in `options` to `policies` and compiles the enabled checks.
    pub fn new(policies: &'a PolicySet, options: &'a ScoreOptions) -> Result<Self, ScoreError> {
        let config = &options.config;
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
        if !options.plain_evaluation {
            for p in &mut checks {
                p.native = NativeCheck::of(p);
            }
        }
        let entity_parts = plan_memo(&mut checks, options.plain_evaluation);
        Ok(Scorer {
            options,
            checks,
            engine,
            program,
            entity_parts,
        })
    }

    /// The parts of each entity's document the enabled checks can read; `None` when a
    /// check's reads cannot be bounded (it may read any part). Linting with
    /// [`Keep::Parts`](crate::Keep::Parts) of these keeps only what this scorer reads.
    ///
    /// ```
    /// use yardstick::{PolicySet, ScoreOptions, Scorer};
    /// let (policies, options) = (PolicySet::builtin().unwrap(), ScoreOptions::default());
    /// let scorer = Scorer::new(&policies, &options).unwrap();
    /// let parts = scorer.entity_parts().unwrap();
    /// let mut owner = yardstick::Projection::empty();
    /// owner.add_pointer("/spec/owner");
    /// assert!(parts.covers(&owner));
    /// ```
    pub fn entity_parts(&self) -> Option<&Projection> {
        self.entity_parts.as_ref()
    }

    /// Refuses a report that kept only parts `kept` of its documents when the checks may
    /// read others: their results would differ from the whole documents'.
    pub(super) fn check_kept(&self, kept: Option<&Projection>) -> Result<(), ScoreError> {
        let Some(kept) = kept else {
            return Ok(());
        };
        match &self.entity_parts {
            Some(parts) if kept.covers(parts) => Ok(()),
            _ => Err(ScoreError::PartsNotKept),
        }
    }

    /// Scores every accepted entity of `report`.
    pub fn score(&self, report: &LintReport) -> Result<Scorecard, ScoreError> {
        let entities = Entities::Borrowed(&report.catalog.entities);
        (self.score_entities(report, entities, Counting::No)).map(|(card, _)| card)
    }

    /// [`Scorer::score`], and how often each check's result was reused for an entity
    /// whose reads equal an earlier one's (see [`MemoStats`]).
    pub fn score_counting(
        &self,
        report: &LintReport,
    ) -> Result<(Scorecard, Vec<MemoStats>), ScoreError> {
        let entities = Entities::Borrowed(&report.catalog.entities);
        self.score_entities(report, entities, Counting::Yes)
    }

    /// [`Scorer::score`] on a lint report it takes: the accepted entities are dropped (their
    /// document trees freed) a few thousand at a time as soon as their checks have run, so
    /// the catalog's trees and the results are never all in memory at once. The report
    /// comes back without its catalog's entities; its findings, files and owners are
    /// intact, as
    /// [`Report::from_owned_scorecard`](crate::report::Report::from_owned_scorecard) needs.
    ///
    /// ```
    /// use yardstick::{lint_paths, LintOptions, PolicySet, ScoreOptions, Scorer};
    /// let lint = lint_paths(&["../../fixtures/demo".into()], &LintOptions::default()).unwrap();
    /// let policies = PolicySet::builtin().unwrap();
    /// let options = ScoreOptions::default();
    /// let scorer = Scorer::new(&policies, &options).unwrap();
    /// let kept = scorer.score(&lint).unwrap();
    /// let findings = lint.findings.len();
    /// let (card, lint) = scorer.score_consuming(lint).unwrap();
    /// assert_eq!(card, kept);
    /// assert!(lint.catalog.entities.is_empty());
    /// assert_eq!(lint.findings.len(), findings);
    /// ```
    pub fn score_consuming(
        &self,
        mut report: LintReport,
    ) -> Result<(Scorecard, LintReport), ScoreError> {
        let entities = std::mem::take(&mut report.catalog.entities);
        let (card, _) = self.score_entities(&report, Entities::Owned(entities), Counting::No)?;
        Ok((card, report))
    }

    /// Scores `entities`, reading everything else (files, owners) from `report`.
    fn score_entities(
        &self,
        report: &LintReport,
        entities: Entities<'_>,
        counting: Counting,
    ) -> Result<(Scorecard, Vec<MemoStats>), ScoreError> {
        self.check_kept(report.kept.as_ref().map(|k| &k.parts))?;
        let run = self.start(&report.owners, counting)?;
        let files = shown_files(report);
        let evaluate = |worker: &mut Lent<'_>, loaded: &LoadedEntity| {
            run.score(worker, loaded, report, &files)
        };
        let workers = Workers::new(|| run.worker());
        let worker = || workers.lend();
        // Owned records are freed a chunk at a time by a thread of their own, while the
        // pool scores the next chunk: freed on the scoring threads, each record's memory
        // (allocated by the threads that parsed it) cost them the other arenas' locks.
        let (to_dropper, scored) = std::sync::mpsc::channel::<Vec<LoadedEntity>>();
        let owned = matches!(entities, Entities::Owned(_));
        let go = move || -> Vec<EntityScore> {
            match entities {
                Entities::Borrowed(all) => all.par_iter().map_init(worker, evaluate).collect(),
                // The records' buffer shrinks after each chunk (see `consume_in_chunks`).
                Entities::Owned(all) => consume_in_chunks(all, |chunk| {
                    let out = (chunk.par_iter()).map_init(worker, evaluate).collect();
                    // Should the dropper be gone, the chunk is freed here instead.
                    let _ = to_dropper.send(chunk);
                    out
                }),
            }
        };
        let entities = std::thread::scope(|scope| {
            if owned {
                scope.spawn(move || scored.into_iter().for_each(drop));
            }
            self.in_pool(go)
        })?;
        let summary = summarize(&entities, run.expired.clone(), self.options);
        let stats = run.memo_stats();
        Ok((Scorecard { entities, summary }, stats))
    }

    /// The options the scorer was built with.
    pub(super) fn options(&self) -> &'a ScoreOptions {
        self.options
    }

    /// Runs `go` on the thread count of the options (rayon's default pool when unset).
    fn in_pool<T: Send>(&self, go: impl FnOnce() -> T + Send) -> Result<T, ScoreError> {
        Ok(on(self.pool()?.as_ref(), go))
    }

    /// The threads scoring runs on: the options' count, or rayon's default pool's.
    fn threads(&self) -> usize {
        self.options
            .threads
            .map_or_else(rayon::current_num_threads, |n| n.max(1))
    }

    /// A pool of the options' thread count; `None` for rayon's default pool.
    pub(super) fn pool(&self) -> Result<Option<rayon::ThreadPool>, ScoreError> {
        self.options
            .threads
            .map(|n| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build()
                    .map_err(|e| ScoreError::Threads(e.to_string()))
            })
            .transpose()
    }

    /// What one run shares across its entities, for a catalog whose owners resolve as
    /// `owners` says.
    pub(super) fn start(
        &self,
        owners: &OwnerResolution,
        counting: Counting,
    ) -> Result<Run<'_, 'a>, ScoreError> {
        let options = self.options;
        // Per run: a long-lived scorer sees exemptions expire at midnight (UTC).
        let today = match (&options.today, options.now_ns) {
            (Some(today), _) => today.clone(),
            (None, Some(now_ns)) => utc_date_of(now_ns),
            (None, None) => today_utc(),
        };
        let (active, expired) = split_exemptions(&options.config.exemptions, &today);
        let mut engine = self.engine.clone();
        // One instant for the whole run, as OPA fixes `time.now_ns` for a whole query.
        let now_ns = options.now_ns.unwrap_or_else(system_now_ns);
        pin_clock(&mut engine, now_ns).map_err(|message| PolicyError {
            file: "time.now_ns".into(),
            line: 1,
            column: 1,
            message,
        })?;
        let data = regorus::Value::from(json!({"yardstick": {"catalog": catalog_data(owners)}}));
        engine.add_data(data.clone()).map_err(|e| PolicyError {
            file: "data".into(),
            line: 1,
            column: 1,
            message: e.to_string(),
        })?;
        Ok(Run {
            scorer: self,
            engine,
            data,
            active,
            expired,
            memo: Memo::new(self.checks.len(), self.threads()),
            counting,
            files: FileLookup::new(options.known_files.as_deref()),
        })
    }
}

/// What one scoring run shares across its entities: the engine with the clock pinned and
/// the catalog's data, the exemptions in force and those expired, and the memo.
pub(super) struct Run<'s, 'a> {
    scorer: &'s Scorer<'a>,
    engine: regorus::Engine,
    data: regorus::Value,
    active: Vec<Exemption>,
    pub(super) expired: Vec<ExpiredExemption>,
    memo: Memo,
    counting: Counting,
    files: FileLookup<'a>,
}

/// Whether a run reports how often results were reused ([`MemoStats`]). A run that does not
/// evaluates the natively read checks without the memo: their evaluation costs less than a
/// key, and the memo would change no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counting {
    Yes,
    No,
}

impl Run<'_, '_> {
    /// A rayon job's evaluators.
    pub(super) fn worker(&self) -> Worker {
        Worker::new(
            self.engine.clone(),
            self.scorer.program.as_ref(),
            &self.data,
        )
    }

    /// Scores one entity of `report`, whose files are shown as `files` (see
    /// [`shown_files`]).
    pub(super) fn score(
        &self,
        worker: &mut Worker,
        loaded: &LoadedEntity,
        report: &LintReport,
        files: &[SharedStr],
    ) -> EntityScore {
        let options = self.scorer.options;
        let context = EntityContext {
            memo: &self.memo,
            report,
            files,
            checks: &self.scorer.checks,
            counting: self.counting,
            // Plain evaluation reads the whole entity (the memo tests compare the two).
            entity_parts: (self.scorer.entity_parts.as_ref()).filter(|_| !options.plain_evaluation),
            facts: &options.facts,
            exemptions: &self.active,
            levels: &options.config.levels,
            lookup: &self.files,
        };
        score_entity(worker, &context, loaded)
    }

    /// How often each check's result was reused.
    pub(super) fn memo_stats(&self) -> Vec<MemoStats> {
        self.memo.stats(&self.scorer.checks)
    }
}

/// The entities a run scores: a report's, or taken from it and dropped one by one.
enum Entities<'a> {
    Borrowed(&'a [LoadedEntity]),
    Owned(Vec<LoadedEntity>),
}

/// Entities scored per round of a consuming run.
const CONSUME_CHUNK: usize = 8192;

/// `score` applied to `all` a chunk at a time from the back (`score` takes each chunk and
/// frees it), the buffer shrinking after each chunk, so that the records' memory is
/// returned while the results grow; the results come back in `all`'s order.
fn consume_in_chunks<T, R>(mut all: Vec<T>, mut score: impl FnMut(Vec<T>) -> Vec<R>) -> Vec<R> {
    let mut out = Vec::with_capacity(all.len());
    while !all.is_empty() {
        let chunk = all.split_off(all.len().saturating_sub(CONSUME_CHUNK));
        all.shrink_to_fit();
        out.extend(score(chunk).into_iter().rev());
    }
    out.reverse();
    out
}

/// Which checks' results may be memoised, on which paths (see `policy::reads`), and which
/// parts of the entity the checks can read at all (`None`: any part).
pub(super) fn plan_memo(checks: &mut [PreparedCheck<'_>], off: bool) -> Option<Projection> {
    let modules: Vec<(&str, &str)> = checks
        .iter()
        .map(|p| (p.check.origin.as_str(), p.check.source.as_str()))
        .collect();
    let packages: Vec<&str> = checks.iter().map(|p| p.check.package.as_str()).collect();
    let reads = static_reads(&modules, &packages);
    let parts = entity_parts(reads.iter().map(|r| &r.input));
    if off {
        for p in checks.iter_mut() {
            p.memo = Err("memoisation is off (ScoreOptions::plain_evaluation)".into());
        }
        return parts;
    }
    for (p, reads) in checks.iter_mut().zip(reads) {
        p.memo = reads
            .memo_paths()
            .map(|paths| {
                // `input.params` is fixed per check: no part of the key.
                let keyed = paths
                    .iter()
                    .filter(|path| path.first().is_none_or(|r| r != "params"));
                MemoKey::new(keyed.cloned().collect())
            })
            .map_err(str::to_string);
    }
    parts
}

/// How `report`'s files are shown, shared by all the results of each.
pub(super) fn shown_files(report: &LintReport) -> Vec<SharedStr> {
    (report.files.iter())
        .map(|f| SharedStr::from(f.display.as_str()))
        .collect()
}

/// `data.yardstick.catalog`: the owners that resolve (the catalog's Groups and Users and
/// the owner sources) and whether owners must resolve (see `OwnerResolution`).
pub(super) fn catalog_data(owners: &OwnerResolution) -> Json {
    let entities: serde_json::Map<String, Json> = owners
        .known
        .iter()
        .map(|(reference, kind)| (reference.clone(), json!({ "kind": kind })))
        .collect();
    json!({"has_owners": owners.strict, "entities": entities})
}

/// What scoring an entity reads besides the entity: the same for every entity of a run.
pub(super) struct EntityContext<'r, 'p> {
    memo: &'r Memo,
    report: &'r LintReport,
    /// How the report's files are shown (see [`shown_files`]).
    files: &'r [SharedStr],
    checks: &'r [PreparedCheck<'p>],
    counting: Counting,
    /// The parts of the entity the checks read (`None`: the whole entity).
    entity_parts: Option<&'r Projection>,
    facts: &'r Facts,
    exemptions: &'r [Exemption],
    levels: &'r LevelRules,
    lookup: &'r FileLookup<'r>,
}

/// What the checks read of one entity besides its tree, built on first use (Groups and
/// Users have no check to evaluate): the checks read natively read the tree and the facts
/// in place; `input`, the regorus values Rego reads, is built only for a check that needs
/// it.
#[derive(Default)]
struct EntityReads {
    /// The facts as JSON (`None` inside when it has none).
    facts: Option<Option<Json>>,
    local: Option<regorus::Value>,
    input: Option<EntityInput>,
}

pub(super) fn score_entity(
    worker: &mut Worker,
    cx: &EntityContext<'_, '_>,
    loaded: &LoadedEntity,
) -> EntityScore {
    let reference = loaded.entity.reference.canonical();
    let kind = worker.strings.get(loaded.entity.kind());
    let file = (cx.files.get(loaded.file).cloned()).unwrap_or_else(|| SharedStr::from(""));
    let mut reads = EntityReads::default();
    let mut results = Vec::with_capacity(cx.checks.len());
    for (index, p) in cx.checks.iter().enumerate() {
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
        if let Some(x) =
            (cx.exemptions.iter()).find(|x| x.check == p.check.id && x.entity == reference)
        {
            result.status = CheckStatus::Exempt;
            result.message = worker.strings.get(&format!("exempt: {}", x.reason));
            results.push(result);
            continue;
        }
        match evaluate(worker, cx, loaded, &reference, &mut reads, (index, p)) {
            Ok(None) => result.message = worker.strings.get("the check's applicable rule is false"),
            Ok(Some(Verdict {
                status,
                message,
                pointer,
            })) => {
                result.status = status;
                result.message = worker.strings.get(&message);
                let (span, (end_line, end_column)) = cx.report.locate(loaded, &pointer);
                result.location = Some(Location {
                    file: file.clone(),
                    line: span.line,
                    column: span.column,
                    end_line: to_u32(end_line),
                    end_column: to_u32(end_column),
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
    let (score, level) = score_and_level(&results, cx.levels);
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

/// Check `p` (the `index`th) on the entity `loaded`: read in place when it is read
/// natively and no reuse is counted, else through the memo on `input`.
fn evaluate(
    worker: &mut Worker,
    cx: &EntityContext<'_, '_>,
    loaded: &LoadedEntity,
    reference: &str,
    reads: &mut EntityReads,
    (index, p): (usize, &PreparedCheck<'_>),
) -> Evaluation {
    let root = loaded.entity.root.root();
    let local = (reads.local).get_or_insert_with(|| local_facts(loaded, cx.report, cx.lookup));
    if let Some(native) = p.native.as_ref().filter(|_| cx.counting == Counting::No) {
        let facts = (reads.facts).get_or_insert_with(|| cx.facts.json_value(reference));
        let views = Views {
            entity: Yaml(Some(root)),
            facts: JsonView(facts.as_ref()),
            local: &*local,
        };
        if let Some(evaluation) = native.evaluate_views(views, worker.data()) {
            return evaluation;
        }
    }
    let input = reads.input.get_or_insert_with(|| EntityInput {
        entity: match cx.entity_parts {
            Some(parts) => projected_value(parts, root),
            None => node_value(root),
        },
        reference: regorus::Value::from(reference),
        facts: cx.facts.regorus_value(reference),
        local: local.clone(),
        input_id: worker.next_input_id(),
    });
    cx.memo.evaluate(index, p, input, worker)
}
