//! One entity's stored intervals read back as they are kept: each score/level and each check
//! result with the runs it was valid for.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::{time, CheckHistory, EntityHistory, EntityPoint, Store, StoreError};

/// An entity's intervals, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityIntervals {
    /// `kind:namespace/name`, as recorded.
    pub reference: String,
    /// Its score, level, owner and system, each interval from the run that wrote it.
    pub intervals: Vec<EntityInterval>,
    /// Its check results, sorted by check id, then by first run.
    pub checks: Vec<CheckInterval>,
}

/// The runs a stored value was valid for: from `from_run` until (not including)
/// `to_run`, which is `None` while it still holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Validity {
    /// The run that wrote it.
    pub from_run: i64,
    /// When that run happened.
    pub from_at: DateTime<Utc>,
    /// The first run it no longer held at; `None`: it holds at the latest run.
    pub to_run: Option<i64>,
}

/// An entity's values over one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityInterval {
    /// The runs it held for.
    #[serde(flatten)]
    pub valid: Validity,
    /// The kind as written.
    pub kind: String,
    /// The owner reference.
    pub owner: Option<String>,
    /// The system reference.
    pub system: Option<String>,
    /// 0 to 100; `None` when no check was scored.
    pub score: Option<f64>,
    /// `gold`, `silver`, `bronze` or `none`; `None` when no check was scored.
    pub level: Option<String>,
    /// Its repository could not be fetched: these are the last known results.
    pub stale: bool,
}

/// One check result over one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckInterval {
    /// The check id.
    pub id: String,
    /// The runs it held for.
    #[serde(flatten)]
    pub valid: Validity,
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
    /// `line:column-end_line:end_column` in the entity's file.
    pub location: Option<String>,
}

impl Store {
    /// The intervals of the entity `reference` names (compared case-insensitively, as
    /// [`Store::entity_history`] compares); `None` when no run held it.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use yardstick_store::{RunMeta, Store};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// let report = |status: &str| yardstick_store::parse_report(&format!(r#"{{"version": 1,
    ///   "checks": [], "findings": [],
    ///   "entities": [{{"ref": "component:default/web", "kind": "Component", "file": "c.yaml",
    ///     "owner": null, "system": null, "score": 0.0, "level": "none",
    ///     "checks": [{{"id": "has-owner", "status": "{status}", "severity": "critical",
    ///       "weight": 10.0, "message": "m", "pointer": "/spec/owner", "location": {{
    ///         "file": "c.yaml", "line": 5, "column": 3, "end_line": 5, "end_column": 8}}}}]}}],
    ///   "summary": {{"entities": 1, "score": 0.0, "owners": [], "systems": [],
    ///     "levels": {{"gold": 0, "silver": 0, "bronze": 0, "none": 1}},
    ///     "expired_exemptions": [], "gate": {{"passed": true, "reasons": []}}}}}}"#)).unwrap();
    /// for (day, status) in [(1, "fail"), (2, "fail"), (3, "unknown")] {
    ///     let at = format!("2026-01-0{day}T00:00:00Z").parse().unwrap();
    ///     store.record(&report(status), &RunMeta::at(at)).await.unwrap();
    /// }
    /// let found = store.entity_intervals("Component:Default/Web").await.unwrap().unwrap();
    /// assert_eq!(found.intervals.len(), 1);
    /// assert_eq!(found.intervals[0].valid.to_run, None);
    /// let runs: Vec<_> = found.checks.iter().map(|c| (c.valid.from_run, c.valid.to_run)).collect();
    /// assert_eq!(runs, [(1, Some(3)), (3, None)]);
    /// assert!(store.entity_intervals("component:default/gone").await.unwrap().is_none());
    /// # });
    /// ```
    pub async fn entity_intervals(
        &self,
        reference: &str,
    ) -> Result<Option<EntityIntervals>, StoreError> {
        let mut conn = self.begin_read().await?;
        let read = read_intervals(&mut conn, reference).await;
        self.finish(conn, read).await
    }

    /// [`Store::entity_history`] read from the entity's intervals and the runs' times (one
    /// scan of each view, where `entity_history` joins every run with every interval),
    /// in one read transaction.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = yardstick_store::Store::open(&dir.path().join("h.db").display().to_string())
    ///     .await
    ///     .unwrap();
    /// assert!(store.entity_history_by_intervals("component:default/web").await.unwrap().is_none());
    /// # });
    /// ```
    pub async fn entity_history_by_intervals(
        &self,
        reference: &str,
    ) -> Result<Option<EntityHistory>, StoreError> {
        let mut conn = self.begin_read().await?;
        let read = async {
            let Some(intervals) = read_intervals(&mut conn, reference).await? else {
                return Ok(None);
            };
            let rows = sqlx::query("SELECT id, at FROM runs WHERE id >= $1 ORDER BY id")
                .bind(intervals.intervals.first().map_or(0, |i| i.valid.from_run))
                .fetch_all(&mut *conn)
                .await?;
            let mut runs = Vec::with_capacity(rows.len());
            for row in &rows {
                runs.push((
                    row.try_get::<i64, _>(0)?,
                    time::parse(&row.try_get::<String, _>(1)?)?,
                ));
            }
            Ok(Some(intervals.history(&runs)))
        }
        .await;
        self.finish(conn, read).await
    }
}

impl EntityIntervals {
    /// The entity run by run over `runs` (`(id, time)`, in id order), as
    /// [`Store::entity_history`] answers it.
    pub fn history(&self, runs: &[(i64, DateTime<Utc>)]) -> EntityHistory {
        let mut points = Vec::new();
        for &(run, at) in runs {
            if let Some(interval) = self.intervals.iter().find(|i| i.valid.holds_at(run)) {
                points.push(EntityPoint {
                    run,
                    at,
                    score: interval.score,
                    level: interval.level.clone(),
                    stale: interval.stale,
                });
            }
        }
        let mut checks: Vec<CheckHistory> = Vec::new();
        for interval in &self.checks {
            let statuses: Vec<Option<String>> = points
                .iter()
                .map(|p| {
                    interval
                        .valid
                        .holds_at(p.run)
                        .then(|| interval.status.clone())
                })
                .collect();
            if statuses.iter().all(Option::is_none) {
                continue;
            }
            match checks.iter_mut().find(|c| c.id == interval.id) {
                Some(check) => {
                    for (slot, status) in check.statuses.iter_mut().zip(statuses) {
                        if status.is_some() {
                            *slot = status;
                        }
                    }
                }
                None => checks.push(CheckHistory {
                    id: interval.id.clone(),
                    statuses,
                }),
            }
        }
        checks.sort_by(|a, b| a.id.cmp(&b.id));
        EntityHistory {
            reference: self.reference.clone(),
            points,
            checks,
        }
    }
}

impl Validity {
    /// Whether the value held at `run`.
    pub fn holds_at(&self, run: i64) -> bool {
        self.from_run <= run && self.to_run.is_none_or(|to| run < to)
    }
}

/// The entity's score intervals, with the window that ends each one computed over this
/// entity's rows alone (the `entity_intervals` view computes it over every entity's rows
/// before filtering, which made one entity's page cost a scan of the whole history).
/// Columns: ref id, from run, its time, to run, kind, owner, system, score, level, stale.
const ENTITY_SPANS_OF_REF: &str = "\
WITH target AS (SELECT id FROM texts WHERE value = $1), \
boundaries AS ( \
    SELECT ref_id, details_id, score, level, valid_from_run, 0 AS ended FROM entity_results \
    WHERE ref_id IN (SELECT id FROM target) \
    UNION ALL \
    SELECT ref_id, NULL, NULL, NULL, run, 1 FROM entity_ends \
    WHERE ref_id IN (SELECT id FROM target)), \
spans AS (SELECT ref_id, details_id, score, level, valid_from_run, ended, \
    LEAD(valid_from_run) OVER (PARTITION BY ref_id ORDER BY valid_from_run) AS valid_to_run \
    FROM boundaries) \
SELECT s.ref_id, s.valid_from_run, r.at, s.valid_to_run, k.value, o.value, y.value, s.score, \
    s.level, d.stale \
FROM spans s \
JOIN runs r ON r.id = s.valid_from_run \
JOIN entity_details d ON d.id = s.details_id \
JOIN texts k ON k.id = d.kind_id \
LEFT JOIN texts o ON o.id = d.owner_id \
LEFT JOIN texts y ON y.id = d.system_id \
WHERE s.ended = 0";

/// The entity's check intervals, each check's window over this entity's rows alone.
/// Columns: check id, from run, its time, to run, status, severity, weight, message,
/// pointer, location.
const CHECK_SPANS_OF_REF: &str = "\
WITH target AS (SELECT id FROM texts WHERE value = $1), \
boundaries AS ( \
    SELECT ref_id, check_name_id, status, severity, weight, message_id, pointer_id, \
        location_id, valid_from_run, 0 AS ended FROM check_results \
    WHERE ref_id IN (SELECT id FROM target) \
    UNION ALL \
    SELECT ref_id, check_name_id, NULL, NULL, NULL, NULL, NULL, NULL, run, 1 FROM check_ends \
    WHERE ref_id IN (SELECT id FROM target)), \
spans AS (SELECT check_name_id, status, severity, weight, message_id, pointer_id, \
    location_id, valid_from_run, ended, LEAD(valid_from_run) OVER \
    (PARTITION BY ref_id, check_name_id ORDER BY valid_from_run) AS valid_to_run \
    FROM boundaries) \
SELECT n.value, c.valid_from_run, r.at, c.valid_to_run, c.status, c.severity, c.weight, \
    m.value, p.value, l.value \
FROM spans c \
JOIN runs r ON r.id = c.valid_from_run \
JOIN texts n ON n.id = c.check_name_id \
JOIN texts m ON m.id = c.message_id \
LEFT JOIN texts p ON p.id = c.pointer_id \
LEFT JOIN texts l ON l.id = c.location_id \
WHERE c.ended = 0";

/// The intervals of the entity `reference` names, read on `conn`.
async fn read_intervals(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Option<EntityIntervals>, StoreError> {
    let reference = reference.to_lowercase();
    let entity_rows = sqlx::query(ENTITY_SPANS_OF_REF)
        .bind(&reference)
        .fetch_all(&mut *conn)
        .await?;
    let check_rows = sqlx::query(CHECK_SPANS_OF_REF)
        .bind(&reference)
        .fetch_all(&mut *conn)
        .await?;
    if entity_rows.is_empty() {
        return Ok(None);
    }
    let validity = |row: &sqlx::any::AnyRow| -> Result<Validity, StoreError> {
        Ok(Validity {
            from_run: row.try_get(1)?,
            from_at: time::parse(&row.try_get::<String, _>(2)?)?,
            to_run: row.try_get(3)?,
        })
    };
    let mut intervals = Vec::with_capacity(entity_rows.len());
    for row in &entity_rows {
        intervals.push(EntityInterval {
            valid: validity(row)?,
            kind: row.try_get(4)?,
            owner: row.try_get(5)?,
            system: row.try_get(6)?,
            score: row.try_get(7)?,
            level: row.try_get(8)?,
            stale: row.try_get::<i64, _>(9)? != 0,
        });
    }
    let mut checks = Vec::with_capacity(check_rows.len());
    for row in &check_rows {
        checks.push(CheckInterval {
            id: row.try_get(0)?,
            valid: validity(row)?,
            status: row.try_get(4)?,
            severity: row.try_get(5)?,
            weight: row.try_get(6)?,
            message: row.try_get(7)?,
            pointer: row.try_get(8)?,
            location: row.try_get(9)?,
        });
    }
    // Sorted here, not in SQL: PostgreSQL's collation may order text otherwise.
    intervals.sort_by_key(|i| i.valid.from_run);
    checks
        .sort_by(|a, b| (a.id.as_str(), a.valid.from_run).cmp(&(b.id.as_str(), b.valid.from_run)));
    Ok(Some(EntityIntervals {
        reference,
        intervals,
        checks,
    }))
}
