//! Per-repository snapshots: which cached ones still stand, and the snapshot of a fetch.

use super::batch::{FailureKind, RepoFailure, RepoOutcome};
use super::listing::ListedRepo;
use super::ScanRun;
use crate::dates::parse_rfc3339;
use crate::state::CachedRepo;
use crate::{CiStatus, RepoSnapshot};

/// A cached `ci: none` is trusted only for repositories not pushed to within this long: CI
/// may not have registered its first check yet (see `reusable`).
const FRESH_PUSH_SECS: u64 = 24 * 3_600;

impl ScanRun<'_> {
    /// Takes every selected repository whose cached snapshot still stands as done, and
    /// returns the rest, to fetch.
    pub(super) fn reuse_cached<'r>(
        &mut self,
        selected: &'r [ListedRepo],
        base_probes: &[String],
    ) -> Vec<&'r ListedRepo> {
        let mut to_fetch = Vec::new();
        let now = now_secs();
        for repo in selected {
            let reusable = self
                .state
                .as_ref()
                .and_then(|s| s.repos.get(&repo.name))
                .filter(|c| reusable(repo, c, base_probes, now))
                .cloned();
            match reusable {
                Some(mut cached) => {
                    cached.snapshot.html_url = repo.html_url.clone();
                    self.done.insert(repo.name.clone(), cached);
                }
                None => to_fetch.push(repo),
            }
        }
        to_fetch
    }
}

/// Whether a cached snapshot can stand in for a fetch: same `pushed_at`, every base probe
/// done, no error, and a settled CI state. `pending` is always fetched again; so is `none`
/// for a repository pushed to within the last 24 hours, since GitHub shows no rollup until
/// the first check or status of a new head registers (older `none` stays cached: CI that
/// has not shown up after a day is taken as absent until the next push).
fn reusable(repo: &ListedRepo, cached: &CachedRepo, base_probes: &[String], now: u64) -> bool {
    let pushed = repo.pushed_at.as_deref();
    let recent = pushed
        .and_then(parse_rfc3339)
        .is_none_or(|at| at.saturating_add(FRESH_PUSH_SECS) > now);
    pushed.is_some_and(|p| p == cached.pushed_at)
        && base_probes.iter().all(|p| cached.probed.contains(p))
        && cached.snapshot.error.is_none()
        && cached.snapshot.ci != CiStatus::Pending
        && !(cached.snapshot.ci == CiStatus::None && recent)
}

/// Our clock, in seconds since the epoch.
fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The snapshot of a first-round fetch, or of its failure.
pub(super) fn snapshot_of(repo: &ListedRepo, outcome: RepoOutcome) -> RepoSnapshot {
    match outcome {
        Ok(fetched) => RepoSnapshot {
            name: repo.name.clone(),
            html_url: repo.html_url.clone(),
            default_branch: fetched.default_branch,
            head: fetched.head,
            files: fetched.files,
            present: fetched.present,
            ci: fetched.ci,
            error: None,
            gone: false,
        },
        Err(failure) => failed_snapshot(&repo.name, &repo.html_url, failure),
    }
}

/// The snapshot of a repository without a complete answer: nothing of a partial answer is
/// kept, so no unknown reads as absent.
pub(super) fn failed_snapshot(name: &str, html_url: &str, failure: RepoFailure) -> RepoSnapshot {
    RepoSnapshot {
        name: name.to_string(),
        html_url: html_url.to_string(),
        default_branch: None,
        head: None,
        files: Vec::new(),
        present: Vec::new(),
        ci: CiStatus::None,
        gone: failure.kind == FailureKind::Gone,
        error: Some(failure.message),
    }
}
