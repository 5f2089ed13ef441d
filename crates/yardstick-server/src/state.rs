//! What every handler shares: the store, the checks' descriptions, and the latest run held
//! in memory until a newer one is recorded.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Mutex;
use yardstick::PolicySet;
use yardstick_store::{Snapshot, SnapshotEntity, Store};

use crate::tech_insights::checks::{CheckDocs, CheckView};
use crate::{ApiError, IngestConfig};

/// The server's shared state.
pub struct AppState {
    store: Store,
    docs: CheckDocs,
    ingest: Option<IngestConfig>,
    latest: Mutex<Option<Arc<Latest>>>,
}

/// The latest run with its indexes.
pub struct Latest {
    /// The run's entities and results.
    pub snapshot: Snapshot,
    /// Entity position by lower-cased reference (Backstage compares references so).
    by_reference: HashMap<String, usize>,
    /// The checks with results in the run, sorted by id.
    pub checks: Vec<CheckView>,
    /// Check position by id.
    check_index: HashMap<String, usize>,
}

impl AppState {
    /// State over `store`, describing checks with `policies`' metadata; runs are recorded
    /// only with an `ingest` configuration.
    pub fn new(store: Store, policies: &PolicySet, ingest: Option<IngestConfig>) -> Self {
        AppState {
            store,
            docs: CheckDocs::new(policies),
            ingest,
            latest: Mutex::new(None),
        }
    }

    /// Who may record runs; `None` when ingest is off.
    pub fn ingest(&self) -> Option<&IngestConfig> {
        self.ingest.as_ref()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The latest run, read again only when a newer one has been recorded; `None` when the
    /// store holds no run.
    pub async fn latest(&self) -> Result<Option<Arc<Latest>>, ApiError> {
        let Some(id) = self.store.latest_run_id().await? else {
            return Ok(None);
        };
        // One reader refreshes at a time; the others then find it fresh.
        let mut cached = self.latest.lock().await;
        if let Some(latest) = cached.as_ref() {
            if latest.snapshot.run.id >= id {
                return Ok(Some(Arc::clone(latest)));
            }
        }
        let Some(snapshot) = self.store.latest_snapshot().await? else {
            return Ok(None);
        };
        let latest = Arc::new(Latest::new(snapshot, &self.docs));
        *cached = Some(Arc::clone(&latest));
        Ok(Some(latest))
    }
}

impl Latest {
    fn new(snapshot: Snapshot, docs: &CheckDocs) -> Self {
        let by_reference = snapshot
            .entities
            .iter()
            .enumerate()
            .map(|(at, e)| (e.reference.to_lowercase(), at))
            .collect();
        let checks = docs.views(&snapshot);
        let check_index = checks
            .iter()
            .enumerate()
            .map(|(at, c)| (c.id.clone(), at))
            .collect();
        Latest {
            snapshot,
            by_reference,
            checks,
            check_index,
        }
    }

    /// The entity `reference` names, compared case-insensitively.
    pub fn entity(&self, reference: &str) -> Option<&SnapshotEntity> {
        self.by_reference
            .get(&reference.to_lowercase())
            .and_then(|&at| self.snapshot.entities.get(at))
    }

    /// The description of check `id`.
    pub fn check(&self, id: &str) -> Option<&CheckView> {
        self.check_index.get(id).and_then(|&at| self.checks.get(at))
    }
}
