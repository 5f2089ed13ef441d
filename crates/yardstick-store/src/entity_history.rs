//! Reading one entity's history back (its score, level and check statuses run by run), and
//! several trends at once, for the server's dashboard.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use crate::read::VALID_AT_RUN;
use crate::{time, Store, StoreError, TrendFilter, TrendPoint};

/// One entity over the runs it was present in, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityHistory {
    /// `kind:namespace/name`, as recorded.
    pub reference: String,
    /// The entity at each run it was present in.
    pub points: Vec<EntityPoint>,
    /// Every check with a result at one of those runs, sorted by id.
    pub checks: Vec<CheckHistory>,
}

/// An entity at one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityPoint {
    /// The run.
    pub run: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// 0 to 100; `None` when no check was scored.
    pub score: Option<f64>,
    /// `gold`, `silver`, `bronze` or `none`; `None` when no check was scored.
    pub level: Option<String>,
    /// Its repository could not be fetched by this run: the results are the last known.
    pub stale: bool,
}

/// One check of an entity over the runs of an [`EntityHistory`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckHistory {
    /// The check id.
    pub id: String,
    /// Its status at each of the history's points (same order); `None` when it had no
    /// result at that run.
    pub statuses: Vec<Option<String>>,
}

impl Store {
    /// The history of the entity `reference` names (compared case-insensitively, as
    /// [`Store::trend`] compares); `None` when no run held it.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use yardstick_store::{RunMeta, Store};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// let report = yardstick_store::parse_report(r#"{"version": 1, "checks": [], "findings": [],
    ///   "entities": [{"ref": "component:default/web", "kind": "Component", "file": "c.yaml",
    ///     "owner": null, "system": null, "score": 0.0, "level": "none",
    ///     "checks": [{"id": "has-owner", "status": "fail", "severity": "critical",
    ///       "weight": 10.0, "message": "no owner", "pointer": "/spec/owner", "location": {
    ///         "file": "c.yaml", "line": 5, "column": 3, "end_line": 5, "end_column": 8}}]}],
    ///   "summary": {"entities": 1, "score": 0.0, "owners": [], "systems": [],
    ///     "levels": {"gold": 0, "silver": 0, "bronze": 0, "none": 1},
    ///     "expired_exemptions": [], "gate": {"passed": true, "reasons": []}}}"#).unwrap();
    /// for day in ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"] {
    ///     store.record(&report, &RunMeta::at(day.parse().unwrap())).await.unwrap();
    /// }
    /// let history = store.entity_history("Component:default/WEB").await.unwrap().unwrap();
    /// assert_eq!(history.points.len(), 2);
    /// assert_eq!(history.checks[0].id, "has-owner");
    /// assert_eq!(history.checks[0].statuses, [Some("fail".into()), Some("fail".into())]);
    /// assert!(store.entity_history("component:default/gone").await.unwrap().is_none());
    /// # });
    /// ```
    pub async fn entity_history(
        &self,
        reference: &str,
    ) -> Result<Option<EntityHistory>, StoreError> {
        let reference = reference.to_lowercase();
        let points_sql = format!(
            "SELECT r.id, r.at, e.score, e.level, e.stale, e.entity_ref FROM runs r \
             JOIN entity_intervals e ON {VALID_AT_RUN} WHERE e.entity_ref = $1 ORDER BY r.id"
        );
        let checks_sql = "SELECT r.id, c.check_id, c.status FROM runs r \
             JOIN check_intervals c ON c.valid_from_run <= r.id \
             AND (c.valid_to_run IS NULL OR c.valid_to_run > r.id) \
             WHERE c.entity_ref = $1 ORDER BY r.id";
        let mut conn = self.begin_read().await?;
        let read = async {
            let points = sqlx::query(&points_sql)
                .bind(&reference)
                .fetch_all(&mut *conn)
                .await?;
            let checks = sqlx::query(checks_sql)
                .bind(&reference)
                .fetch_all(&mut *conn)
                .await?;
            Ok::<_, StoreError>((points, checks))
        }
        .await;
        let (point_rows, check_rows) = self.finish(conn, read).await?;
        let Some(first) = point_rows.first() else {
            return Ok(None);
        };
        let recorded: String = first.try_get(5)?;
        let mut points = Vec::with_capacity(point_rows.len());
        for row in &point_rows {
            points.push(EntityPoint {
                run: row.try_get(0)?,
                at: time::parse(&row.try_get::<String, _>(1)?)?,
                score: row.try_get(2)?,
                level: row.try_get(3)?,
                stale: row.try_get::<i64, _>(4)? != 0,
            });
        }
        let mut checks: Vec<CheckHistory> = Vec::new();
        for row in &check_rows {
            let run: i64 = row.try_get(0)?;
            let id: String = row.try_get(1)?;
            let status: String = row.try_get(2)?;
            // A check result outside the entity's runs would be corrupt; it is left out.
            let Ok(at) = points.binary_search_by_key(&run, |p| p.run) else {
                continue;
            };
            let position = match checks.iter().position(|c| c.id == id) {
                Some(position) => position,
                None => {
                    checks.push(CheckHistory {
                        id,
                        statuses: vec![None; points.len()],
                    });
                    checks.len() - 1
                }
            };
            if let Some(slot) = checks
                .get_mut(position)
                .and_then(|c| c.statuses.get_mut(at))
            {
                *slot = Some(status);
            }
        }
        checks.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Some(EntityHistory {
            reference: recorded,
            points,
            checks,
        }))
    }

    /// [`Store::trend`] over every run for each of `filters`, in the same order.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use yardstick_store::{Store, TrendFilter};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// let filters = [TrendFilter::All, TrendFilter::System("system:default/shop".into())];
    /// let trends = store.trends(&filters).await.unwrap();
    /// assert_eq!(trends.len(), 2);
    /// assert!(trends.iter().all(Vec::is_empty));
    /// # });
    /// ```
    pub async fn trends(
        &self,
        filters: &[TrendFilter],
    ) -> Result<Vec<Vec<TrendPoint>>, StoreError> {
        let mut trends = Vec::with_capacity(filters.len());
        for filter in filters {
            trends.push(self.trend(filter, None).await?);
        }
        Ok(trends)
    }
}
