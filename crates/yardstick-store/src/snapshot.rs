//! Reading one run back whole: every entity present at that run, with its check results, as
//! the server answers from it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::read::{latest_run_in, run_in};
use crate::{time, Run, Store, StoreError};

/// The entities of one run, with their check results, as they were at that run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// The run.
    pub run: Run,
    /// Every entity present at the run (stale ones included), sorted by reference.
    pub entities: Vec<SnapshotEntity>,
}

/// One entity of a [`Snapshot`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotEntity {
    /// `kind:namespace/name`, as recorded.
    pub reference: String,
    /// The kind as written.
    pub kind: String,
    /// The organisation scan's repository, when known.
    pub repository: Option<String>,
    /// The owner reference.
    pub owner: Option<String>,
    /// The system reference.
    pub system: Option<String>,
    /// 0 to 100; `None` when no check was scored.
    pub score: Option<f64>,
    /// `gold`, `silver`, `bronze` or `none`; `None` when no check was scored.
    pub level: Option<String>,
    /// Its repository could not be fetched by this run: the results are the last known.
    pub stale: bool,
    /// When its recorded values last changed (the run its current interval starts at).
    pub since: DateTime<Utc>,
    /// Its check results, sorted by check id.
    pub checks: Vec<StoredCheck>,
}

/// One check result as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredCheck {
    /// The check id.
    pub id: String,
    /// `pass`, `fail`, `unknown`, `not-applicable`, `exempt` or `error`.
    pub status: String,
    /// The effective severity.
    pub severity: String,
    /// The effective weight.
    pub weight: f64,
    /// What the check found.
    pub message: String,
    /// The JSON pointer of the field the result is about.
    pub pointer: Option<String>,
    /// Where that field is written in the entity's file: `line:column-end_line:end_column`.
    pub location: Option<String>,
    /// When this result last changed (the run its interval starts at).
    pub since: DateTime<Utc>,
}

impl Store {
    /// The id of the latest recorded run, `None` when the store is empty. Cheap: callers
    /// that keep a [`Snapshot`] use it to learn when a new run has been recorded.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = yardstick_store::Store::open(&dir.path().join("h.db").display().to_string())
    ///     .await
    ///     .unwrap();
    /// assert_eq!(store.latest_run_id().await.unwrap(), None);
    /// # });
    /// ```
    pub async fn latest_run_id(&self) -> Result<Option<i64>, StoreError> {
        let mut conn = self.begin_read().await?;
        let latest = latest_run_in(&mut conn).await;
        self.finish(conn, latest).await
    }

    /// The latest run, whole: its entities and their check results, read in one
    /// transaction (a run recorded meanwhile is not half seen). `None` when the store has
    /// no run.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use yardstick_store::{RunMeta, Store};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// assert!(store.latest_snapshot().await.unwrap().is_none());
    /// let report = yardstick_store::parse_report(r#"{"version": 1, "checks": [], "findings": [],
    ///   "entities": [{"ref": "component:default/web", "kind": "Component", "file": "c.yaml",
    ///     "owner": "group:default/team-a", "system": null, "score": 100.0, "level": "gold",
    ///     "checks": [{"id": "has-owner", "status": "pass", "severity": "critical",
    ///       "weight": 10.0, "message": "owned by group:default/team-a",
    ///       "pointer": "/spec/owner", "location": {"file": "c.yaml", "line": 5,
    ///         "column": 10, "end_line": 5, "end_column": 16}}]}],
    ///   "summary": {"entities": 1, "score": 100.0, "owners": [], "systems": [],
    ///     "levels": {"gold": 1, "silver": 0, "bronze": 0, "none": 0},
    ///     "expired_exemptions": [], "gate": {"passed": true, "reasons": []}}}"#).unwrap();
    /// let at = "2026-01-01T00:00:00Z".parse().unwrap();
    /// store.record(&report, &RunMeta::at(at)).await.unwrap();
    /// let snapshot = store.latest_snapshot().await.unwrap().unwrap();
    /// assert_eq!(snapshot.run.id, 1);
    /// assert_eq!(snapshot.entities[0].reference, "component:default/web");
    /// assert_eq!(snapshot.entities[0].checks[0].status, "pass");
    /// assert_eq!(snapshot.entities[0].checks[0].location.as_deref(), Some("5:10-5:16"));
    /// # });
    /// ```
    pub async fn latest_snapshot(&self) -> Result<Option<Snapshot>, StoreError> {
        let mut conn = self.begin_read().await?;
        let read = read_latest(&mut conn).await;
        let Some((run, entities)) = self.finish(conn, read).await? else {
            return Ok(None);
        };
        Ok(Some(Snapshot { run, entities }))
    }
}

/// Intervals valid at run `$1`, of the table aliased `t`.
const VALID_AT: &str = "t.valid_from_run <= $1 AND (t.valid_to_run IS NULL OR t.valid_to_run > $1)";

async fn read_latest(
    conn: &mut AnyConnection,
) -> Result<Option<(Run, Vec<SnapshotEntity>)>, StoreError> {
    let Some(run) = latest_run_in(conn).await? else {
        return Ok(None);
    };
    let mut entities = Vec::new();
    let sql = format!(
        "SELECT t.entity_ref, t.kind, t.repository, t.owner, t.system, t.score, t.level, \
         t.stale, r.at FROM entity_intervals t JOIN runs r ON r.id = t.valid_from_run \
         WHERE {VALID_AT}"
    );
    let mut rows = sqlx::query(&sql).bind(run).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        entities.push(entity_of_row(&row)?);
    }
    drop(rows);
    let sql = format!(
        "SELECT t.entity_ref, t.check_id, t.status, t.severity, t.weight, t.message, \
         t.pointer, t.location, r.at FROM check_intervals t \
         JOIN runs r ON r.id = t.valid_from_run WHERE {VALID_AT}"
    );
    let mut checks: HashMap<String, Vec<StoredCheck>> = HashMap::new();
    let mut rows = sqlx::query(&sql).bind(run).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        checks
            .entry(row.try_get(0)?)
            .or_default()
            .push(check_of_row(&row)?);
    }
    drop(rows);
    // Sorted here, not in SQL: PostgreSQL's collation may order text otherwise.
    entities.sort_by(|a, b| a.reference.cmp(&b.reference));
    for entity in &mut entities {
        if let Some(mut own) = checks.remove(&entity.reference) {
            own.sort_by(|a, b| a.id.cmp(&b.id));
            entity.checks = own;
        }
    }
    if let Some(reference) = checks.keys().next() {
        return Err(StoreError::Corrupt(format!(
            "run {run} has check results of {reference}, which is not in it"
        )));
    }
    Ok(Some((run_in(conn, run).await?, entities)))
}

fn entity_of_row(row: &AnyRow) -> Result<SnapshotEntity, StoreError> {
    Ok(SnapshotEntity {
        reference: row.try_get(0)?,
        kind: row.try_get(1)?,
        repository: row.try_get(2)?,
        owner: row.try_get(3)?,
        system: row.try_get(4)?,
        score: row.try_get(5)?,
        level: row.try_get(6)?,
        stale: row.try_get::<i64, _>(7)? != 0,
        since: time::parse(&row.try_get::<String, _>(8)?)?,
        checks: Vec::new(),
    })
}

fn check_of_row(row: &AnyRow) -> Result<StoredCheck, StoreError> {
    Ok(StoredCheck {
        id: row.try_get(1)?,
        status: row.try_get(2)?,
        severity: row.try_get(3)?,
        weight: row.try_get(4)?,
        message: row.try_get(5)?,
        pointer: row.try_get(6)?,
        location: row.try_get(7)?,
        since: time::parse(&row.try_get::<String, _>(8)?)?,
    })
}
