//! Forgetting old runs, keeping what the kept runs still need.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::read::latest_run_in;
use crate::{time, Store, StoreError};

/// What a prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Pruned {
    /// Runs removed.
    pub runs: u64,
    /// Entity intervals removed.
    pub entity_intervals: u64,
    /// Check intervals removed.
    pub check_intervals: u64,
}

impl Store {
    /// Removes the runs older than `keep` (measured from now) and the intervals that end
    /// before the oldest kept run. The latest run is always kept.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use yardstick_store::Store;
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// let pruned = store.prune(Duration::from_secs(90 * 86_400)).await.unwrap();
    /// assert_eq!(pruned.runs, 0);
    /// # });
    /// ```
    pub async fn prune(&self, keep: Duration) -> Result<Pruned, StoreError> {
        // A span too long to subtract keeps everything.
        let cutoff = chrono::Duration::from_std(keep)
            .ok()
            .and_then(|keep| Utc::now().checked_sub_signed(keep))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        self.prune_before(cutoff).await
    }

    /// Removes the runs before `cutoff` (the latest run is always kept), and the intervals
    /// that end at or before the oldest kept run. Intervals still valid at that run start
    /// there from now on, so every interval refers to kept runs.
    pub async fn prune_before(&self, cutoff: DateTime<Utc>) -> Result<Pruned, StoreError> {
        let mut conn = self.begin_write().await?;
        let pruned = prune_in(&mut conn, &time::text(cutoff)).await;
        self.finish(conn, pruned).await
    }
}

async fn prune_in(conn: &mut AnyConnection, cutoff: &str) -> Result<Pruned, StoreError> {
    let Some(latest) = latest_run_in(conn).await? else {
        return Ok(Pruned::default());
    };
    let oldest_kept: Option<i64> = sqlx::query_scalar("SELECT MIN(id) FROM runs WHERE at >= $1")
        .bind(cutoff)
        .fetch_one(&mut *conn)
        .await?;
    let oldest_kept = oldest_kept.unwrap_or(latest);
    // Which intervals end at or before the oldest kept run is read from the spans before
    // any row goes: a deleted row no longer ends the one before it.
    let entity_intervals = sqlx::query(
        "DELETE FROM entity_results WHERE (ref_id, valid_from_run) IN (SELECT ref_id, \
         valid_from_run FROM entity_spans WHERE valid_to_run <= $1)",
    )
    .bind(oldest_kept)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let check_intervals = sqlx::query(
        "DELETE FROM check_results WHERE (ref_id, check_name_id, valid_from_run) IN \
         (SELECT ref_id, check_name_id, valid_from_run FROM check_spans \
         WHERE valid_to_run <= $1)",
    )
    .bind(oldest_kept)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    for table in ["entity_ends", "check_ends"] {
        // The intervals these ended are gone.
        sqlx::query(&format!("DELETE FROM {table} WHERE run <= $1"))
            .bind(oldest_kept)
            .execute(&mut *conn)
            .await?;
    }
    for table in ["entity_results", "check_results"] {
        // What is left from before the oldest kept run is valid at it.
        sqlx::query(&format!(
            "UPDATE {table} SET valid_from_run = $1 WHERE valid_from_run < $1"
        ))
        .bind(oldest_kept)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "DELETE FROM entity_details WHERE id NOT IN (SELECT details_id FROM entity_results)",
    )
    .execute(&mut *conn)
    .await?;
    let pruned_runs = sqlx::query("DELETE FROM runs WHERE id < $1")
        .bind(oldest_kept)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(Pruned {
        runs: pruned_runs,
        entity_intervals,
        check_intervals,
    })
}
