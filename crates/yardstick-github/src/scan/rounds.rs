//! The two fetch rounds: first everything per repository, then the follow-up probes that
//! depend on the fetched catalog files. Repositories whose answer was incomplete are retried
//! in up to [`RETRY_ROUNDS`] more rounds. The cache is saved after every batch, so an
//! interrupted run resumes where it stopped.

use std::collections::BTreeSet;

use super::batch::{
    batch_sizes, run_batch, FailureKind, FetchedRepo, RepoFailure, RepoOutcome, RepoQuery,
};
use super::listing::ListedRepo;
use super::options::normalize_path;
use super::snapshots::{failed_snapshot, snapshot_of};
use super::ScanRun;
use crate::state::CachedRepo;
use crate::{FollowupFn, ScanError};

/// Follow-up probes per repository and run, at most; the rest are asked for on later runs.
const MAX_PROBES: usize = 50;

/// Rounds of retries after the first try, for repositories whose answer was incomplete or
/// whose query failed; the retries of one round share their queries.
pub(super) const RETRY_ROUNDS: u32 = 2;

impl ScanRun<'_> {
    /// Fetches head, CI, catalog files and base probes of every repository in `to_fetch`,
    /// retrying the incomplete ones in later rounds.
    pub(super) async fn fetch_first_round(
        &mut self,
        to_fetch: &[&ListedRepo],
        base_probes: &[String],
    ) -> Result<(), ScanError> {
        let mut pending: Vec<&ListedRepo> = to_fetch.to_vec();
        for round in 0..=RETRY_ROUNDS {
            if pending.is_empty() {
                break;
            }
            if round > 0 {
                self.client.backoff(round).await;
            }
            let last = round == RETRY_ROUNDS;
            let queries: Vec<RepoQuery> = pending
                .iter()
                .map(|r| RepoQuery {
                    name: r.name.clone(),
                    full: true,
                    probes: base_probes.to_vec(),
                })
                .collect();
            let mut retry = Vec::new();
            let mut start = 0;
            for size in batch_sizes(&queries, &self.catalog_paths) {
                let chunk = &pending[start..start + size];
                let batch = &queries[start..start + size];
                start += size;
                let outcomes =
                    run_batch(&self.client, &self.options.org, &self.catalog_paths, batch).await?;
                for (repo, outcome) in chunk.iter().zip(outcomes) {
                    match outcome {
                        Err(f) if f.kind == FailureKind::Transient && !last => retry.push(*repo),
                        outcome => self.finish_first(repo, outcome, base_probes),
                    }
                }
                self.save_snapshots()?;
                self.report_progress();
            }
            pending = retry;
        }
        Ok(())
    }

    /// Takes a first-round outcome as final. Only a complete answer is cached: a failed or
    /// partial one neither replaces the last good snapshot nor stands in for a fetch later.
    fn finish_first(&mut self, repo: &ListedRepo, outcome: RepoOutcome, base_probes: &[String]) {
        let complete = outcome.is_ok();
        let cached = CachedRepo {
            pushed_at: repo.pushed_at.clone().unwrap_or_default(),
            probed: base_probes.iter().cloned().collect(),
            snapshot: snapshot_of(repo, outcome),
        };
        if complete {
            if let Some(state) = self.state.as_mut() {
                state.repos.insert(repo.name.clone(), cached.clone());
            }
        }
        self.done.insert(repo.name.clone(), cached);
    }

    /// Probes the paths `followup` names for each finished repository, if not probed before,
    /// retrying failed probes in later rounds.
    pub(super) async fn probe_followups(&mut self, followup: &FollowupFn) -> Result<(), ScanError> {
        let mut queries = self.followup_queries(followup);
        for round in 0..=RETRY_ROUNDS {
            if queries.is_empty() {
                break;
            }
            if round > 0 {
                self.client.backoff(round).await;
            }
            let last = round == RETRY_ROUNDS;
            let mut retry = Vec::new();
            let mut start = 0;
            for size in batch_sizes(&queries, &self.catalog_paths) {
                let chunk = &queries[start..start + size];
                start += size;
                let outcomes =
                    run_batch(&self.client, &self.options.org, &self.catalog_paths, chunk).await?;
                for (query, outcome) in chunk.iter().zip(outcomes) {
                    match outcome {
                        Ok(fetched) => self.add_probes(query, fetched),
                        Err(f) if f.kind == FailureKind::Transient && !last => {
                            retry.push(query.clone());
                        }
                        Err(failure) => self.fail_followup(&query.name, failure),
                    }
                }
                self.save_snapshots()?;
            }
            queries = retry;
        }
        Ok(())
    }

    /// Adds a follow-up answer's probes to a finished repository (and its cache).
    fn add_probes(&mut self, query: &RepoQuery, fetched: FetchedRepo) {
        let Some(cached) = self.done.get_mut(&query.name) else {
            return;
        };
        cached.probed.extend(query.probes.iter().cloned());
        let present: BTreeSet<String> = cached
            .snapshot
            .present
            .drain(..)
            .chain(fetched.present)
            .collect();
        cached.snapshot.present = present.into_iter().collect();
        if let Some(state) = self.state.as_mut() {
            state.repos.insert(query.name.clone(), cached.clone());
        }
    }

    /// A repository whose probes could not be answered: unknown is not absent, so it is
    /// reported failed in this run. Its cache keeps the first round's data with the probes
    /// unprobed, so the next run asks for them again.
    fn fail_followup(&mut self, name: &str, failure: RepoFailure) {
        if let Some(cached) = self.done.get_mut(name) {
            cached.snapshot = failed_snapshot(name, &cached.snapshot.html_url, failure);
        }
    }

    /// The probe-only queries: new follow-up paths of every fetched, non-empty repository.
    fn followup_queries(&self, followup: &FollowupFn) -> Vec<RepoQuery> {
        let mut queries = Vec::new();
        for (name, cached) in &self.done {
            let snap = &cached.snapshot;
            if snap.error.is_some() || snap.default_branch.is_none() {
                continue;
            }
            let extra: BTreeSet<String> = followup(snap)
                .iter()
                .filter_map(|p| normalize_path(p))
                .filter(|p| !cached.probed.contains(p) && !self.catalog_paths.contains(p))
                .take(MAX_PROBES)
                .collect();
            if !extra.is_empty() {
                queries.push(RepoQuery {
                    name: name.clone(),
                    full: false,
                    probes: extra.into_iter().collect(),
                });
            }
        }
        queries
    }

    fn save_snapshots(&self) -> Result<(), ScanError> {
        match &self.state {
            Some(state) => state.save_snapshots(),
            None => Ok(()),
        }
    }
}
