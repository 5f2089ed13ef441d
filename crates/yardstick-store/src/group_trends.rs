//! Trends of every owner (or system) at once: one grouped query instead of one
//! [`Store::trend`] per group, for the dashboard and the JSON API.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::{read, time, Levels, Store, StoreError, TrendPoint};

/// How [`Store::grouped_trends`] groups entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrendGroup {
    /// One series: every entity.
    Org,
    /// A series per owner.
    Owner,
    /// A series per system.
    System,
}

/// Which runs a trend covers: those at or after `since`, of which the `last` newest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrendWindow {
    /// The earliest run time; `None`: from the first run.
    pub since: Option<DateTime<Utc>>,
    /// At most this many runs, the newest; `None`: every run since `since`.
    pub last: Option<i64>,
}

/// One group's trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendSeries {
    /// The owner or system reference as recorded; `None` for the organisation, and for the
    /// entities without an owner (system).
    pub name: Option<String>,
    /// One point per run of the window, oldest first; a run where the group had no entity
    /// has `entities: 0` and no score.
    pub points: Vec<TrendPoint>,
}

impl Store {
    /// The trend of each group of `group` over `window` (only the group named `name`,
    /// compared case-insensitively, when given), sorted by name, in two queries. Each
    /// point is what [`Store::trend`] answers for that group and run.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use yardstick_store::{RunMeta, Store, TrendGroup, TrendWindow};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// let report = yardstick_store::parse_report(r#"{"version": 1, "checks": [], "findings": [],
    ///   "entities": [{"ref": "component:default/web", "kind": "Component", "file": "c.yaml",
    ///     "owner": "group:default/team-a", "system": null, "score": 40.0, "level": "bronze",
    ///     "checks": []}],
    ///   "summary": {"entities": 1, "score": 40.0, "owners": [], "systems": [],
    ///     "levels": {"gold": 0, "silver": 0, "bronze": 1, "none": 0},
    ///     "expired_exemptions": [], "gate": {"passed": true, "reasons": []}}}"#).unwrap();
    /// for day in ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"] {
    ///     store.record(&report, &RunMeta::at(day.parse().unwrap())).await.unwrap();
    /// }
    /// let window = TrendWindow { since: None, last: Some(2) };
    /// let owners = store.grouped_trends(TrendGroup::Owner, window, None).await.unwrap();
    /// assert_eq!(owners[0].name.as_deref(), Some("group:default/team-a"));
    /// let runs: Vec<i64> = owners[0].points.iter().map(|p| p.run).collect();
    /// assert_eq!(runs, [2, 3]);
    /// assert_eq!(owners[0].points[1].levels.bronze, 1);
    /// let none = store.grouped_trends(TrendGroup::System, window, Some("x")).await.unwrap();
    /// assert!(none.is_empty());
    /// # });
    /// ```
    pub async fn grouped_trends(
        &self,
        group: TrendGroup,
        window: TrendWindow,
        name: Option<&str>,
    ) -> Result<Vec<TrendSeries>, StoreError> {
        let mut conn = self.begin_read().await?;
        let read = read_grouped(&mut conn, group, window, name).await;
        self.finish(conn, read).await
    }

    /// [`Store::grouped_trends`] of each of `groups` (every group of each), in one read
    /// transaction: the series all end at the same run.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use yardstick_store::{Store, TrendGroup, TrendWindow};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// let groups = [TrendGroup::Org, TrendGroup::Owner];
    /// let trends = store.trends_by_group(&groups, TrendWindow::default()).await.unwrap();
    /// assert_eq!(trends.len(), 2);
    /// assert!(trends[0][0].points.is_empty() && trends[1].is_empty());
    /// # });
    /// ```
    pub async fn trends_by_group(
        &self,
        groups: &[TrendGroup],
        window: TrendWindow,
    ) -> Result<Vec<Vec<TrendSeries>>, StoreError> {
        let mut conn = self.begin_read().await?;
        let read = async {
            let mut trends = Vec::with_capacity(groups.len());
            for &group in groups {
                trends.push(read_grouped(&mut conn, group, window, None).await?);
            }
            Ok(trends)
        }
        .await;
        self.finish(conn, read).await
    }
}

/// A run of the window: its id and time.
type WindowRun = (i64, DateTime<Utc>);

async fn read_grouped(
    conn: &mut AnyConnection,
    group: TrendGroup,
    window: TrendWindow,
    name: Option<&str>,
) -> Result<Vec<TrendSeries>, StoreError> {
    let rows = sqlx::query("SELECT id, at FROM runs WHERE at >= $1 ORDER BY id DESC LIMIT $2")
        .bind(window.since.map_or_else(String::new, time::text))
        .bind(window.last.unwrap_or(i64::MAX).max(0))
        .fetch_all(&mut *conn)
        .await?;
    let mut runs: Vec<WindowRun> = Vec::with_capacity(rows.len());
    for row in rows.iter().rev() {
        runs.push((row.try_get(0)?, time::parse(&row.try_get::<String, _>(1)?)?));
    }
    let (Some(first), Some(last)) = (runs.first(), runs.last()) else {
        return Ok(if group == TrendGroup::Org {
            vec![TrendSeries {
                name: None,
                points: Vec::new(),
            }]
        } else {
            Vec::new()
        });
    };
    let column = match group {
        TrendGroup::Org => "NULL",
        TrendGroup::Owner => "t.owner",
        TrendGroup::System => "t.system",
    };
    let grouping = if group == TrendGroup::Org {
        String::new()
    } else {
        format!(", {column}")
    };
    let only = match (group, name) {
        (TrendGroup::Org, _) | (_, None) => String::new(),
        (_, Some(_)) => format!(" AND LOWER({column}) = $3"),
    };
    let sql = format!(
        "SELECT r.id, {column}, COUNT(*), \
         SUM(CASE WHEN t.stale = 1 THEN 1 ELSE 0 END), AVG(t.score), \
         SUM(CASE WHEN t.level = 'gold' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN t.level = 'silver' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN t.level = 'bronze' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN t.level = 'none' THEN 1 ELSE 0 END) \
         FROM runs r JOIN entity_intervals t ON t.valid_from_run <= r.id \
         AND (t.valid_to_run IS NULL OR t.valid_to_run > r.id) \
         WHERE r.id >= $1 AND r.id <= $2{only} GROUP BY r.id{grouping}"
    );
    let mut select = sqlx::query(&sql).bind(first.0).bind(last.0);
    if !only.is_empty() {
        select = select.bind(name.unwrap_or_default().to_lowercase());
    }
    let rows = select.fetch_all(&mut *conn).await?;
    let mut by_name: BTreeMap<Option<String>, Vec<TrendPoint>> = BTreeMap::new();
    if group == TrendGroup::Org {
        by_name.insert(None, Vec::new());
    }
    for row in &rows {
        let run: i64 = row.try_get(0)?;
        let Ok(at) = runs.binary_search_by_key(&run, |r| r.0) else {
            continue;
        };
        let name: Option<String> = if group == TrendGroup::Org {
            None
        } else {
            row.try_get(1)?
        };
        let point = read::trend_point(row, runs.get(at).map_or(first.1, |r| r.1))?;
        by_name.entry(name).or_default().push(point);
    }
    Ok(by_name
        .into_iter()
        .map(|(name, points)| TrendSeries {
            name,
            points: every_run(&runs, points),
        })
        .collect())
}

/// `points` with an empty point for each run of `runs` it has none for, in run order.
fn every_run(runs: &[WindowRun], mut points: Vec<TrendPoint>) -> Vec<TrendPoint> {
    points.sort_by_key(|p| p.run);
    let mut given = points.into_iter().peekable();
    runs.iter()
        .map(|&(run, at)| match given.next_if(|p| p.run == run) {
            Some(point) => point,
            None => TrendPoint {
                run,
                at,
                entities: 0,
                stale: 0,
                score: None,
                levels: Levels::default(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_without_a_point_get_an_empty_one() {
        let at: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().expect("time");
        let point = TrendPoint {
            run: 2,
            at,
            entities: 3,
            stale: 0,
            score: Some(50.0),
            levels: Levels::default(),
        };
        let filled = every_run(&[(1, at), (2, at), (3, at)], vec![point.clone()]);
        assert_eq!(filled.len(), 3);
        assert_eq!(filled[1], point);
        assert_eq!((filled[0].entities, filled[2].score), (0, None));
    }
}
