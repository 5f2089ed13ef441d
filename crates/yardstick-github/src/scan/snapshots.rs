//! Per-repository snapshots: which cached ones still stand, and the snapshot of a fetch.

use super::batch::{FailureKind, RepoFailure, RepoOutcome};
use super::listing::ListedRepo;
use super::ScanRun;
use crate::state::CachedRepo;
use crate::{CiStatus, RepoSnapshot, ScanError};

impl ScanRun<'_> {
    /// Takes every selected repository whose cached snapshot still stands as done, with its CI
    /// state from the listing, and every empty one (nothing to fetch); returns the rest, to
    /// fetch.
    pub(super) fn reuse_cached<'r>(
        &mut self,
        selected: &'r [ListedRepo],
        base_probes: &[String],
    ) -> Result<Vec<&'r ListedRepo>, ScanError> {
        let mut to_fetch = Vec::new();
        let mut refreshed = false;
        for repo in selected {
            if repo.is_empty() {
                let cached = CachedRepo {
                    pushed_at: repo.pushed_at.clone().unwrap_or_default(),
                    probed: base_probes.iter().cloned().collect(),
                    snapshot: empty_snapshot(repo),
                };
                self.done.insert(repo.name.clone(), cached);
                continue;
            }
            let cached = self
                .state
                .as_mut()
                .and_then(|s| s.repos.get_mut(&repo.name));
            let Some((cached, ci)) =
                cached.and_then(|c| reusable(repo, c, base_probes).map(|ci| (c, ci)))
            else {
                to_fetch.push(repo);
                continue;
            };
            if cached.snapshot.ci != ci {
                // Checks finished (or re-ran) without a push: the files stand, the CI moves.
                cached.snapshot.ci = ci;
                refreshed = true;
            }
            let mut done = cached.clone();
            done.snapshot.html_url = repo.html_url.clone();
            self.done.insert(repo.name.clone(), done);
        }
        if let (true, Some(state)) = (refreshed, &self.state) {
            state.save_snapshots()?;
        }
        Ok(to_fetch)
    }
}

/// The listing's CI state when a cached snapshot can stand in for a fetch: the listing knows
/// the head and CI, and the same `pushed_at`, default branch and head commit as the cache
/// (a default branch switched without a push changes the last two), every base probe done,
/// no error. The listing carries every repository's rollup, so a CI state that changes
/// without a push (`PENDING` turning green, a re-run) is taken from it on every run.
fn reusable(repo: &ListedRepo, cached: &CachedRepo, base_probes: &[String]) -> Option<CiStatus> {
    let same_head = repo.pushed_at.as_deref() == Some(cached.pushed_at.as_str())
        && repo.default_branch.is_some()
        && repo.default_branch == cached.snapshot.default_branch
        && repo.head.is_some()
        && repo.head == cached.snapshot.head;
    let complete =
        base_probes.iter().all(|p| cached.probed.contains(p)) && cached.snapshot.error.is_none();
    repo.ci.filter(|_| same_head && complete)
}

/// The snapshot of a repository the listing shows without commits.
fn empty_snapshot(repo: &ListedRepo) -> RepoSnapshot {
    RepoSnapshot {
        name: repo.name.clone(),
        html_url: repo.html_url.clone(),
        default_branch: None,
        head: None,
        files: Vec::new(),
        present: Vec::new(),
        ci: CiStatus::None,
        error: None,
        gone: false,
    }
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
