//! Reading history back: the runs, and trends of score and levels over them.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{time, Counts, Levels, LintCounts, Run, Store, StoreError, TrendFilter, TrendPoint};

/// The columns `run_of_row` reads, in its order.
pub(crate) const RUN_COLUMNS: &str = "id, at, recorded_at, commits, source, yardstick_version, \
    policy_digest, config_digest, entities, lint_errors, lint_warnings, lint_notes, adoption";

/// Entity intervals valid at run `r.id`.
pub(crate) const VALID_AT_RUN: &str =
    "e.valid_from_run <= r.id AND (e.valid_to_run IS NULL OR e.valid_to_run > r.id)";

impl Store {
    /// How many runs and intervals the store holds.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let mut conn = self.begin_read().await?;
        let counts = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM runs), (SELECT COUNT(*) FROM entity_results), \
             (SELECT COUNT(*) FROM entity_spans WHERE valid_to_run IS NULL), \
             (SELECT COUNT(*) FROM check_results)",
        )
        .fetch_one(&mut *conn)
        .await
        .map_err(StoreError::from);
        let (runs, entity_intervals, open_entity_intervals, check_intervals) =
            self.finish(conn, counts).await?;
        Ok(Counts {
            runs,
            entity_intervals,
            open_entity_intervals,
            check_intervals,
        })
    }

    /// Every recorded run, oldest first.
    pub async fn runs(&self) -> Result<Vec<Run>, StoreError> {
        let mut conn = self.begin_read().await?;
        let rows = sqlx::query(&format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY id"))
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::from);
        let rows = self.finish(conn, rows).await?;
        rows.iter().map(run_of_row).collect()
    }

    /// Per run since `since` (every run when `None`), oldest first: the mean score and
    /// level counts of the entities `filter` selects, as they were at that run.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use yardstick_store::{Store, TrendFilter};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// let owner = TrendFilter::Owner("group:default/team-a".into());
    /// assert!(store.trend(&owner, None).await.unwrap().is_empty());
    /// # });
    /// ```
    pub async fn trend(
        &self,
        filter: &TrendFilter,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<TrendPoint>, StoreError> {
        let (condition, value) = match filter {
            TrendFilter::All => ("", None),
            TrendFilter::Entity(r) => (
                " AND e.ref_id IN (SELECT id FROM texts WHERE value = $2)",
                Some(r),
            ),
            TrendFilter::Owner(r) => (
                " AND e.owner_id IN (SELECT id FROM texts WHERE value = $2)",
                Some(r),
            ),
            TrendFilter::System(r) => (
                " AND e.system_id IN (SELECT id FROM texts WHERE value = $2)",
                Some(r),
            ),
        };
        let sql = format!(
            "SELECT r.id, r.at, COUNT(e.ref_id), \
             SUM(CASE WHEN e.stale = 1 THEN 1 ELSE 0 END), AVG(e.score), \
             SUM(CASE WHEN e.level = 'gold' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN e.level = 'silver' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN e.level = 'bronze' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN e.level = 'none' THEN 1 ELSE 0 END) \
             FROM runs r LEFT JOIN (SELECT s.ref_id, s.score, s.level, s.valid_from_run, \
             s.valid_to_run, d.owner_id, d.system_id, d.stale FROM entity_spans s \
             JOIN entity_details d ON d.id = s.details_id) e ON {VALID_AT_RUN}{condition} \
             WHERE r.at >= $1 GROUP BY r.id, r.at ORDER BY r.id"
        );
        let since = since.map_or_else(String::new, time::text);
        let mut query = sqlx::query(&sql).bind(since);
        if let Some(value) = value {
            query = query.bind(value.to_lowercase());
        }
        let mut conn = self.begin_read().await?;
        let rows = query.fetch_all(&mut *conn).await.map_err(StoreError::from);
        let rows = self.finish(conn, rows).await?;
        rows.iter().map(trend_point_of_row).collect()
    }
}

/// The latest run's id, `None` when the store has none.
pub(crate) async fn latest_run_in(conn: &mut AnyConnection) -> Result<Option<i64>, StoreError> {
    let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM runs")
        .fetch_one(&mut *conn)
        .await?;
    Ok(latest)
}

/// Run `id`, read on `conn`.
pub(crate) async fn run_in(conn: &mut AnyConnection, id: i64) -> Result<Run, StoreError> {
    let row = sqlx::query(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NoSuchRun(id))?;
    run_of_row(&row)
}

pub(crate) fn run_of_row(row: &AnyRow) -> Result<Run, StoreError> {
    let json = |text: String| {
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{text:?}: {e}")))
    };
    let commits: serde_json::Value = json(row.try_get(3)?)?;
    let adoption: Option<String> = row.try_get(12)?;
    Ok(Run {
        id: row.try_get(0)?,
        at: time::parse(&row.try_get::<String, _>(1)?)?,
        recorded_at: time::parse(&row.try_get::<String, _>(2)?)?,
        commits: commits
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect(),
        source: json(row.try_get(4)?)?,
        yardstick_version: row.try_get(5)?,
        policy_digest: row.try_get(6)?,
        config_digest: row.try_get(7)?,
        entities: row.try_get(8)?,
        lint: LintCounts {
            errors: row.try_get(9)?,
            warnings: row.try_get(10)?,
            notes: row.try_get(11)?,
        },
        adoption: adoption.map(json).transpose()?,
    })
}

fn trend_point_of_row(row: &AnyRow) -> Result<TrendPoint, StoreError> {
    trend_point(row, time::parse(&row.try_get::<String, _>(1)?)?)
}

/// A trend point from a row of the run id (column 0) and the counts, average score and
/// levels (columns 2 to 8) at the run's time `at`.
pub(crate) fn trend_point(row: &AnyRow, at: DateTime<Utc>) -> Result<TrendPoint, StoreError> {
    let count = |i: usize| -> Result<i64, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(i)?.unwrap_or(0))
    };
    Ok(TrendPoint {
        run: row.try_get(0)?,
        at,
        entities: count(2)?,
        stale: count(3)?,
        score: row.try_get(4)?,
        levels: Levels {
            gold: count(5)?,
            silver: count(6)?,
            bronze: count(7)?,
            none: count(8)?,
        },
    })
}
