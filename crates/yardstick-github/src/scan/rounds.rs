//! The two fetch rounds: first everything per repository, then the follow-up probes that
//! depend on the fetched catalog files. The cache is saved after every batch, so an
//! interrupted run resumes where it stopped.

use std::collections::BTreeSet;

use super::batch::{batch_sizes, run_batch, RepoQuery};
use super::listing::ListedRepo;
use super::options::normalize_path;
use super::snapshots::snapshot_of;
use super::ScanRun;
use crate::state::CachedRepo;
use crate::{FollowupFn, ScanError};

/// Follow-up probes per repository and run, at most; the rest are asked for on later runs.
const MAX_PROBES: usize = 50;

impl ScanRun<'_> {
    /// Fetches head, CI, catalog files and base probes of every repository in `to_fetch`.
    pub(super) async fn fetch_first_round(
        &mut self,
        to_fetch: &[&ListedRepo],
        base_probes: &[String],
    ) -> Result<(), ScanError> {
        let queries: Vec<RepoQuery> = to_fetch
            .iter()
            .map(|r| RepoQuery {
                name: r.name.clone(),
                full: true,
                probes: base_probes.to_vec(),
            })
            .collect();
        let mut start = 0;
        for size in batch_sizes(&queries, &self.catalog_paths) {
            let chunk = &to_fetch[start..start + size];
            let batch = &queries[start..start + size];
            start += size;
            let outcomes =
                run_batch(&self.client, &self.options.org, &self.catalog_paths, batch).await?;
            for (repo, outcome) in chunk.iter().zip(outcomes) {
                let cached = CachedRepo {
                    pushed_at: repo.pushed_at.clone().unwrap_or_default(),
                    probed: base_probes.iter().cloned().collect(),
                    snapshot: snapshot_of(repo, outcome),
                };
                if let Some(state) = self.state.as_mut() {
                    state.repos.insert(repo.name.clone(), cached.clone());
                }
                self.done.insert(repo.name.clone(), cached);
            }
            self.save_snapshots()?;
            self.report_progress();
        }
        Ok(())
    }

    /// Probes the paths `followup` names for each finished repository, if not probed before.
    pub(super) async fn probe_followups(&mut self, followup: &FollowupFn) -> Result<(), ScanError> {
        let queries = self.followup_queries(followup);
        let mut start = 0;
        for size in batch_sizes(&queries, &self.catalog_paths) {
            let chunk = &queries[start..start + size];
            start += size;
            let outcomes =
                run_batch(&self.client, &self.options.org, &self.catalog_paths, chunk).await?;
            for (query, outcome) in chunk.iter().zip(outcomes) {
                let Some(cached) = self.done.get_mut(&query.name) else {
                    continue;
                };
                match outcome {
                    Ok(fetched) => {
                        cached.probed.extend(query.probes.iter().cloned());
                        let present: BTreeSet<String> = cached
                            .snapshot
                            .present
                            .drain(..)
                            .chain(fetched.present)
                            .collect();
                        cached.snapshot.present = present.into_iter().collect();
                    }
                    // The first round's data stands; the probes stay unprobed, so the next
                    // run asks for them again.
                    Err(_) => continue,
                }
                if let Some(state) = self.state.as_mut() {
                    state.repos.insert(query.name.clone(), cached.clone());
                }
            }
            self.save_snapshots()?;
        }
        Ok(())
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
