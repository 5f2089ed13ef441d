//! What changed between two runs: level drops, checks that started or stopped failing,
//! entities added and removed, and score changes per owner and per system.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::{time, Store, StoreError};

/// The key of entities without an owner or system, as in score reports.
const NO_GROUP: &str = "(none)";

/// What changed between two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The earlier run.
    pub from: RunRef,
    /// The later run.
    pub to: RunRef,
    /// Entities whose level dropped (e.g. gold → silver).
    pub level_drops: Vec<LevelChange>,
    /// Entities whose level rose.
    pub level_rises: Vec<LevelChange>,
    /// Checks that went from pass to fail.
    pub newly_failing: Vec<CheckChange>,
    /// Checks that went from fail to pass.
    pub newly_passing: Vec<CheckChange>,
    /// Entities in `to` but not in `from`.
    pub added: Vec<String>,
    /// Entities in `from` but not in `to`.
    pub removed: Vec<String>,
    /// Entities of repositories `to` could not fetch: their last known results are kept
    /// and they are left out of the changes above.
    pub stale: Vec<String>,
    /// Owners whose mean score or entity count changed, by key.
    pub owners: Vec<GroupChange>,
    /// Systems whose mean score or entity count changed, by key.
    pub systems: Vec<GroupChange>,
}

impl Diff {
    /// True when anything got worse: a level dropped, a check started failing, or an owner's
    /// or system's mean score fell.
    pub fn regressed(&self) -> bool {
        !self.level_drops.is_empty()
            || !self.newly_failing.is_empty()
            || self
                .owners
                .iter()
                .chain(&self.systems)
                .any(GroupChange::fell)
    }
}

/// A run a diff compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRef {
    /// Its id.
    pub id: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// One entity's level in both runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelChange {
    /// The entity.
    pub entity: String,
    /// Its owner in the later run.
    pub owner: Option<String>,
    /// Its level before.
    pub before: String,
    /// Its level after.
    pub after: String,
}

/// One check of one entity that changed between pass and fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckChange {
    /// The entity.
    pub entity: String,
    /// Its owner in the later run.
    pub owner: Option<String>,
    /// The check id.
    pub check: String,
    /// The check's message in the later run.
    pub message: String,
}

/// An owner's or system's entities in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChange {
    /// The owner or system reference, or `(none)`.
    pub key: String,
    /// Mean score before (`None`: no scored entity).
    pub before: Option<f64>,
    /// Mean score after.
    pub after: Option<f64>,
    /// Entities before.
    pub entities_before: usize,
    /// Entities after.
    pub entities_after: usize,
}

impl GroupChange {
    /// The mean score fell.
    pub fn fell(&self) -> bool {
        matches!((self.before, self.after), (Some(b), Some(a)) if a < b)
    }

    /// `after - before`, when both are scored.
    pub fn delta(&self) -> Option<f64> {
        Some(self.after? - self.before?)
    }
}

/// An entity as it was at one run.
struct EntityState {
    owner: Option<String>,
    system: Option<String>,
    score: Option<f64>,
    level: Option<String>,
    stale: bool,
}

/// Everything valid at one run.
struct State {
    entities: BTreeMap<String, EntityState>,
    /// Status and message by entity and check.
    checks: BTreeMap<(String, String), (String, String)>,
}

impl Store {
    /// Compares run `from` with run `to`. Without `to`, the latest run; without `from`, the
    /// run before `to`.
    pub async fn diff(&self, from: Option<i64>, to: Option<i64>) -> Result<Diff, StoreError> {
        let mut conn = self.begin_read().await?;
        let diff = diff_in(&mut conn, from, to).await;
        self.finish(conn, diff).await
    }
}

async fn diff_in(
    conn: &mut AnyConnection,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<Diff, StoreError> {
    let runs: Vec<(i64, String)> = sqlx::query_as("SELECT id, at FROM runs ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let find = |id: i64| {
        runs.iter()
            .position(|r| r.0 == id)
            .ok_or(StoreError::NoSuchRun(id))
    };
    let to_index = match to {
        Some(id) => find(id)?,
        None => runs
            .len()
            .checked_sub(1)
            .ok_or_else(|| StoreError::NotEnoughRuns("the store has no runs yet".into()))?,
    };
    let from_index = match from {
        Some(id) => find(id)?,
        None => to_index.checked_sub(1).ok_or_else(|| {
            StoreError::NotEnoughRuns(format!(
                "run {} is the first run; a diff needs an earlier one",
                runs[to_index].0
            ))
        })?,
    };
    let run_ref = |i: usize| -> Result<RunRef, StoreError> {
        Ok(RunRef {
            id: runs[i].0,
            at: time::parse(&runs[i].1)?,
        })
    };
    let before = load_state(conn, runs[from_index].0).await?;
    let after = load_state(conn, runs[to_index].0).await?;
    let mut diff = compare_states(&before, &after);
    diff.from = run_ref(from_index)?;
    diff.to = run_ref(to_index)?;
    Ok(diff)
}

async fn load_state(conn: &mut AnyConnection, run: i64) -> Result<State, StoreError> {
    let valid = "valid_from_run <= $1 AND (valid_to_run IS NULL OR valid_to_run > $1)";
    let rows = sqlx::query(&format!(
        "SELECT entity_ref, owner, system, score, level, stale FROM entity_intervals WHERE {valid}"
    ))
    .bind(run)
    .fetch_all(&mut *conn)
    .await?;
    let mut entities = BTreeMap::new();
    for row in rows {
        entities.insert(
            row.try_get(0)?,
            EntityState {
                owner: row.try_get(1)?,
                system: row.try_get(2)?,
                score: row.try_get(3)?,
                level: row.try_get(4)?,
                stale: row.try_get::<i64, _>(5)? != 0,
            },
        );
    }
    let rows = sqlx::query(&format!(
        "SELECT entity_ref, check_id, status, message FROM check_intervals WHERE {valid}"
    ))
    .bind(run)
    .fetch_all(&mut *conn)
    .await?;
    let mut checks = BTreeMap::new();
    for row in rows {
        checks.insert(
            (row.try_get(0)?, row.try_get(1)?),
            (row.try_get(2)?, row.try_get(3)?),
        );
    }
    Ok(State { entities, checks })
}

/// Rank of a level: higher is better.
fn rank(level: &str) -> u8 {
    match level {
        "gold" => 3,
        "silver" => 2,
        "bronze" => 1,
        _ => 0,
    }
}

fn compare_states(before: &State, after: &State) -> Diff {
    let placeholder = RunRef {
        id: 0,
        at: DateTime::<Utc>::UNIX_EPOCH,
    };
    let mut diff = Diff {
        from: placeholder.clone(),
        to: placeholder,
        level_drops: Vec::new(),
        level_rises: Vec::new(),
        newly_failing: Vec::new(),
        newly_passing: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        stale: Vec::new(),
        owners: group_changes(before, after, |e| e.owner.as_deref()),
        systems: group_changes(before, after, |e| e.system.as_deref()),
    };
    for (reference, now) in &after.entities {
        if now.stale {
            diff.stale.push(reference.clone());
            continue;
        }
        let Some(then) = before.entities.get(reference) else {
            diff.added.push(reference.clone());
            continue;
        };
        if let (Some(b), Some(a)) = (&then.level, &now.level) {
            let change = LevelChange {
                entity: reference.clone(),
                owner: now.owner.clone(),
                before: b.clone(),
                after: a.clone(),
            };
            match rank(a).cmp(&rank(b)) {
                std::cmp::Ordering::Less => diff.level_drops.push(change),
                std::cmp::Ordering::Greater => diff.level_rises.push(change),
                std::cmp::Ordering::Equal => {}
            }
        }
    }
    diff.removed = before
        .entities
        .keys()
        .filter(|r| !after.entities.contains_key(*r))
        .cloned()
        .collect();
    compare_checks(before, after, &mut diff);
    diff
}

fn compare_checks(before: &State, after: &State, diff: &mut Diff) {
    for ((entity, check), (status, message)) in &after.checks {
        let Some(now) = after.entities.get(entity).filter(|e| !e.stale) else {
            continue;
        };
        let Some((was, _)) = before.checks.get(&(entity.clone(), check.clone())) else {
            continue;
        };
        let change = || CheckChange {
            entity: entity.clone(),
            owner: now.owner.clone(),
            check: check.clone(),
            message: message.clone(),
        };
        match (was.as_str(), status.as_str()) {
            ("pass", "fail") => diff.newly_failing.push(change()),
            ("fail", "pass") => diff.newly_passing.push(change()),
            _ => {}
        }
    }
}

/// Mean score and entity count per group in both states; only groups that changed.
fn group_changes(
    before: &State,
    after: &State,
    group: impl Fn(&EntityState) -> Option<&str>,
) -> Vec<GroupChange> {
    let stats = |state: &State| {
        let mut groups: BTreeMap<String, (usize, f64, usize)> = BTreeMap::new();
        for entity in state.entities.values() {
            let key = group(entity).unwrap_or(NO_GROUP).to_string();
            let slot = groups.entry(key).or_default();
            slot.0 += 1;
            if let Some(score) = entity.score {
                slot.1 += score;
                slot.2 += 1;
            }
        }
        groups
    };
    let (then, now) = (stats(before), stats(after));
    let keys: BTreeSet<&String> = then.keys().chain(now.keys()).collect();
    let mean =
        |s: Option<&(usize, f64, usize)>| s.and_then(|s| (s.2 > 0).then(|| s.1 / s.2 as f64));
    keys.into_iter()
        .map(|key| GroupChange {
            key: key.clone(),
            before: mean(then.get(key)),
            after: mean(now.get(key)),
            entities_before: then.get(key).map_or(0, |s| s.0),
            entities_after: now.get(key).map_or(0, |s| s.0),
        })
        .filter(|g| g.before != g.after || g.entities_before != g.entities_after)
        .collect()
}
