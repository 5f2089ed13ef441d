//! Reusing a check's result: within one report (`data` fixed, `time.now_ns` pinned), a
//! check whose reads are bounded and that calls nothing that must run every time gives
//! the same evaluation for two entities whose values at those paths are equal, so it is
//! evaluated once per distinct set of values (see `policy::reads`).
//!
//! The key is a canonical byte encoding of the values at the paths (length-prefixed, so
//! equal keys mean equal values). Numbers are not encoded: regorus compares `5` and `5.0`
//! equal and prints them alike, but keeps them apart internally, so an entity whose reads
//! hold a number is evaluated, not looked up.
//!
//! A check whose reads are unique per entity (a PagerDuty service id among the annotations
//! it reads) would only fill memory. So a check's reuse rate is judged when its table has
//! grown to `JUDGE_FROM_BYTES`, and again each time the table doubles: with fewer than one
//! reuse in `GIVE_UP_BELOW` evaluations, the check is evaluated plainly from then on and its
//! table is dropped. Judging by size, not after a fixed number of evaluations, lets a check
//! with small keys (an owner reference) get past a run of unique values at the start of the
//! catalog: keys cost little to build, and only memory needs bounding. A table that reaches
//! `FULL_AT_BYTES` keeps answering the keys it holds but takes no more.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use crate::policy::InputPath;

use super::input::EntityInput;
use super::scorer::PreparedCheck;
use super::vm::{Evaluation, Worker};

/// Bytes of a check's table (see `ENTRY_BYTES`) when its reuse rate is first judged.
const JUDGE_FROM_BYTES: u64 = 256 * 1024;

/// What one entry is counted as besides its key's bytes: the result (a status, a message and
/// a pointer) and the map's own share.
const ENTRY_BYTES: u64 = 128;

/// The check is evaluated plainly when fewer than one evaluation in this many was reused.
/// (An owner reference at the start of the benchmark catalog is reused about once in 11
/// evaluations, and nine times in ten over the whole catalog.)
const GIVE_UP_BELOW: u64 = 16;

/// A table this large takes no new keys: it still answers the keys it holds.
const FULL_AT_BYTES: u64 = 8 * 1024 * 1024;

/// How often a check was evaluated and how often a result was reused, for one
/// [`Scorer::score_counting`](crate::Scorer::score_counting) call.
///
/// ```
/// use yardstick::{lint_paths, LintOptions, PolicySet, ScoreOptions, Scorer};
/// let report = lint_paths(&["../../fixtures/demo".into()], &LintOptions::default()).unwrap();
/// let policies = PolicySet::builtin().unwrap();
/// let options = ScoreOptions { threads: Some(1), ..ScoreOptions::default() };
/// let (_card, stats) = Scorer::new(&policies, &options).unwrap().score_counting(&report).unwrap();
/// let ci = stats.iter().find(|s| s.check == "ci-passing").unwrap();
/// assert!(ci.not_memoised.is_none());
/// assert_eq!(ci.evaluations, ci.reused + ci.distinct + ci.unkeyed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoStats {
    /// The check id.
    pub check: String,
    /// Why the check's results are never reused; `None` when they may be.
    pub not_memoised: Option<String>,
    /// The `input` paths its results are keyed on (`input.params` left out: it is fixed
    /// per check), dotted.
    pub paths: Vec<String>,
    /// Evaluations asked for (entities the check applies to, not exempt).
    pub evaluations: u64,
    /// Of those, answered with an earlier entity's result.
    pub reused: u64,
    /// Distinct keys evaluated, summed over the threads (each thread keeps its own results,
    /// so on several threads a key counts once for each thread that met it).
    pub distinct: u64,
    /// Evaluated without a key (a number in the reads).
    pub unkeyed: u64,
    /// After how many evaluations memoisation was given up for this check (too few
    /// reuses: its reads are nearly unique per entity); evaluations after that count in
    /// `evaluations` only. Each thread judges its own results: on several threads, this is
    /// the sum over the threads that gave up.
    pub given_up_after: Option<u64>,
}

/// The results of one report's checks, by thread, check (index in the scorer's checks) and
/// key. Each thread of the pool reuses only its own results, so no thread waits for another's
/// lock or writes to its counters; the price is that a key may be evaluated once per thread.
pub(super) struct Memo {
    /// For each thread, one table per check.
    tables: Vec<Vec<Table>>,
}

/// Aligned so that two threads' tables never share a cache line.
#[repr(align(128))]
struct Table {
    map: Mutex<HashMap<Vec<u8>, Evaluation>>,
    evaluations: AtomicU64,
    reused: AtomicU64,
    unkeyed: AtomicU64,
    given_up: AtomicBool,
    given_up_after: AtomicU64,
    /// Keys evaluated, kept when the table is dropped.
    distinct: AtomicU64,
    /// What the entries count for (see `ENTRY_BYTES`).
    bytes: AtomicU64,
    /// The size at which the reuse rate is judged next.
    judge_at: AtomicU64,
    /// At `FULL_AT_BYTES`: no new keys.
    full: AtomicBool,
}

impl Memo {
    /// Tables for `checks` checks on each of `threads` threads.
    pub(super) fn new(checks: usize, threads: usize) -> Self {
        Memo {
            tables: (0..threads.max(1))
                .map(|_| (0..checks).map(|_| Table::new()).collect())
                .collect(),
        }
    }

    /// The calling thread's table of check `index` (a thread outside the pool shares the
    /// first thread's).
    fn table(&self, index: usize) -> Option<&Table> {
        let thread = rayon::current_thread_index().unwrap_or(0) % self.tables.len().max(1);
        self.tables.get(thread)?.get(index)
    }

    /// Check `index`'s evaluation on `input`: reused when an entity with equal reads was
    /// evaluated before on this thread, else evaluated by `worker` (and kept).
    pub(super) fn evaluate(
        &self,
        index: usize,
        p: &PreparedCheck<'_>,
        input: &EntityInput,
        worker: &mut Worker,
    ) -> Evaluation {
        let (Ok(memo_key), Some(table)) = (&p.memo, self.table(index)) else {
            return worker.evaluate(p, input);
        };
        table.evaluations.fetch_add(1, Ordering::Relaxed);
        if table.given_up.load(Ordering::Relaxed) {
            return worker.evaluate(p, input);
        }
        let Some(key) = memo_key.key_of(input) else {
            table.unkeyed.fetch_add(1, Ordering::Relaxed);
            return worker.evaluate(p, input);
        };
        if let Some(found) = lock(&table.map).get(&key) {
            table.reused.fetch_add(1, Ordering::Relaxed);
            return found.clone();
        }
        let evaluation = worker.evaluate(p, input);
        if table.full.load(Ordering::Relaxed) {
            return evaluation;
        }
        let key_bytes = key.len() as u64;
        if lock(&table.map).insert(key, evaluation.clone()).is_none() {
            table.distinct.fetch_add(1, Ordering::Relaxed);
            table.grew(key_bytes + ENTRY_BYTES);
        }
        evaluation
    }

    /// The counts of each check, summed over the threads.
    pub(super) fn stats(&self, checks: &[PreparedCheck<'_>]) -> Vec<MemoStats> {
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        (checks.iter().enumerate())
            .map(|(index, p)| {
                let tables = || self.tables.iter().filter_map(move |t| t.get(index));
                let sum = |count: fn(&Table) -> &AtomicU64| tables().map(|t| load(count(t))).sum();
                let gave_up: Vec<u64> = (tables())
                    .filter(|t| t.given_up.load(Ordering::Relaxed))
                    .map(|t| load(&t.given_up_after))
                    .collect();
                MemoStats {
                    check: p.check.id.clone(),
                    not_memoised: p.memo.as_ref().err().cloned(),
                    paths: (p.memo.iter())
                        .flat_map(|key| &key.paths)
                        .map(|path| path.join("."))
                        .collect(),
                    evaluations: sum(|t| &t.evaluations),
                    reused: sum(|t| &t.reused),
                    distinct: sum(|t| &t.distinct),
                    unkeyed: sum(|t| &t.unkeyed),
                    given_up_after: (!gave_up.is_empty()).then(|| gave_up.iter().sum()),
                }
            })
            .collect()
    }
}

impl Table {
    fn new() -> Self {
        Table {
            map: Mutex::new(HashMap::new()),
            evaluations: AtomicU64::new(0),
            reused: AtomicU64::new(0),
            unkeyed: AtomicU64::new(0),
            given_up: AtomicBool::new(false),
            given_up_after: AtomicU64::new(0),
            distinct: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            judge_at: AtomicU64::new(JUDGE_FROM_BYTES),
            full: AtomicBool::new(false),
        }
    }

    /// Counts a new entry of `bytes`; at each judging size, gives up when too few
    /// evaluations so far were reused. (Threads may race here; at worst a judgement is
    /// repeated or made an entry late.)
    fn grew(&self, bytes: u64) {
        let size = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if size >= FULL_AT_BYTES {
            self.full.store(true, Ordering::Relaxed);
        }
        let judge_at = self.judge_at.load(Ordering::Relaxed);
        if size < judge_at {
            return;
        }
        self.judge_at
            .store(judge_at.saturating_mul(2), Ordering::Relaxed);
        let seen = self.evaluations.load(Ordering::Relaxed);
        if self.reused.load(Ordering::Relaxed) * GIVE_UP_BELOW < seen {
            self.give_up(seen);
        }
    }

    /// Stops memoising: later evaluations are plain, the results kept so far are freed.
    fn give_up(&self, after: u64) {
        self.given_up_after.store(after, Ordering::Relaxed);
        self.given_up.store(true, Ordering::Relaxed);
        *lock(&self.map) = HashMap::new();
    }
}

/// The shard, even if a thread panicked holding it (the map stays consistent: inserts of
/// whole entries only).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The `input` paths a check's results are keyed on, each made ready to look up once.
pub(super) struct MemoKey {
    /// The paths, below `input`.
    pub(super) paths: Vec<InputPath>,
    /// Per path: the part of [`EntityInput`] it starts in (`None`: a part that is never
    /// there), and the field names below it as regorus strings.
    lookups: Vec<(Option<Root>, Vec<regorus::Value>)>,
}

/// A part of [`EntityInput`] a path can start in.
#[derive(Clone, Copy)]
enum Root {
    Entity,
    Ref,
    Facts,
    Local,
}

impl MemoKey {
    pub(super) fn new(paths: Vec<InputPath>) -> Self {
        let lookups = paths
            .iter()
            .filter_map(|path| path.split_first())
            .map(|(root, rest)| {
                let root = match root.as_str() {
                    "entity" => Some(Root::Entity),
                    "ref" => Some(Root::Ref),
                    "facts" => Some(Root::Facts),
                    "local" => Some(Root::Local),
                    _ => None,
                };
                let fields = rest.iter().map(|f| regorus::Value::from(f.as_str()));
                (root, fields.collect())
            })
            .collect();
        MemoKey { paths, lookups }
    }

    /// The key of `input`: its values at the paths; `None` when one of them is a number.
    pub(super) fn key_of(&self, input: &EntityInput) -> Option<Vec<u8>> {
        let mut key = Vec::with_capacity(64);
        for (root, fields) in &self.lookups {
            let mut at = root.map(|root| match root {
                Root::Entity => &input.entity,
                Root::Ref => &input.reference,
                Root::Facts => &input.facts,
                Root::Local => &input.local,
            });
            for field in fields {
                at = match at {
                    Some(regorus::Value::Object(entries)) => entries.get(field),
                    _ => None,
                };
            }
            match at {
                Some(value) => encode(value, &mut key)?,
                None => key.push(b'u'),
            }
        }
        Some(key)
    }
}

/// Appends a self-delimiting encoding of `value`; `None` for a number (see the module).
fn encode(value: &regorus::Value, out: &mut Vec<u8>) -> Option<()> {
    use regorus::Value as V;
    let length = |out: &mut Vec<u8>, n: usize| out.extend_from_slice(&(n as u64).to_le_bytes());
    match value {
        V::Null => out.push(b'n'),
        V::Bool(true) => out.push(b't'),
        V::Bool(false) => out.push(b'f'),
        V::Number(_) => return None,
        V::String(s) => {
            out.push(b's');
            length(out, s.len());
            out.extend_from_slice(s.as_bytes());
        }
        V::Array(items) => {
            out.push(b'a');
            length(out, items.len());
            for item in items.iter() {
                encode(item, out)?;
            }
        }
        V::Set(items) => {
            out.push(b'S');
            length(out, items.len());
            for item in items.iter() {
                encode(item, out)?;
            }
        }
        V::Object(fields) => {
            out.push(b'o');
            length(out, fields.len());
            for (k, v) in fields.iter() {
                encode(k, out)?;
                encode(v, out)?;
            }
        }
        V::Undefined => out.push(b'u'),
    }
    Some(())
}
