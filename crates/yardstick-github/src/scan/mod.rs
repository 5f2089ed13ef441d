//! The org scan: listing, filter, shard, batched GraphQL, cache and resume.
//!
//! - [`options`]: checking and normalising the options;
//! - [`listing`]: the GraphQL repository listing (with each head and CI state), filters and
//!   shard; [`listing_query`]: its query and answer; [`listing_progress`]: reading from both
//!   ends of the name order until they meet;
//! - [`snapshots`]: which cached snapshots still stand (their CI refreshed from the listing),
//!   and snapshots of fetched repositories;
//! - [`rounds`]: the first round (everything per repository) and the follow-up probes, each
//!   with retry rounds for incomplete answers;
//! - [`batch`]: cutting repositories into GraphQL queries, with retries and splitting;
//! - [`query`]: the GraphQL query text and reading its answer;
//! - [`graphql`]: posting one query, waiting out GraphQL rate limits.

mod batch;
mod graphql;
mod listing;
mod listing_progress;
mod listing_query;
mod options;
mod org_people;
mod query;
mod rounds;
mod snapshots;

use std::collections::{BTreeMap, HashSet};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use crate::client::{Client, InstallationScope};
use crate::state::{CachedRepo, StateDir};
use crate::{OrgPeople, OrgSnapshot, Progress, RepoSnapshot, ScanError, ScanOptions, SkipCounts};
use listing::{list_repos, select_repos};

pub(crate) use listing::ListedRepo;
pub(crate) use listing_progress::ListingProgress;
use options::{probe_paths, CheckedOptions};

pub(crate) use options::check_name;

/// Scans the organisation: lists its repositories, applies [`RepoFilter`] and the shard, and
/// fetches every selected repository's catalog files, head, CI state and probe paths in
/// batched GraphQL queries. See the crate documentation for retries, rate limits and caching.
///
/// A repository that still cannot be fetched after retries gets [`RepoSnapshot::error`]; the
/// scan ends early only for bad options or credentials, a rate limit longer than
/// [`ScanOptions::max_wait`], a listing that cannot be read, or an unwritable state directory.
///
/// [`RepoFilter`]: crate::RepoFilter
pub async fn scan_org(options: &ScanOptions) -> Result<OrgSnapshot, ScanError> {
    scan_org_until(options, std::future::pending()).await
}

/// [`scan_org`], stopped when `stop` completes (e.g. on SIGINT/SIGTERM): the request in
/// flight is dropped, the progress so far (the listing pages read included) is saved to the
/// state directory, and the scan returns [`ScanError::Interrupted`] saying how far it got.
pub async fn scan_org_until(
    options: &ScanOptions,
    stop: impl Future<Output = ()>,
) -> Result<OrgSnapshot, ScanError> {
    let mut stop = pin!(stop);
    let checked = CheckedOptions::check(options)?;
    let client = Client::new(
        &options.api_url,
        options.graphql_url.as_deref(),
        &options.auth,
        InstallationScope::Org(&options.org),
        checked.policy,
    )
    .await?;
    let mut state = open_state(options, &client, &checked.catalog_paths)?;
    let listing = race(
        list_repos(&client, &options.org, state.as_mut()),
        stop.as_mut(),
    )
    .await;
    let Some(listed) = listing else {
        if let Some(state) = &state {
            state.save_listing()?;
        }
        return Err(ScanError::Interrupted {
            done: 0,
            total: None,
        });
    };
    let (selected, mut skipped) = select_repos(listed?, options, checked.names.as_ref());

    let base_probes = probe_paths(&checked.catalog_paths);
    let mut run = ScanRun {
        options,
        client,
        catalog_paths: checked.catalog_paths,
        state,
        total: selected.len(),
        done: BTreeMap::new(),
    };
    let to_fetch = run.reuse_cached(&selected, &base_probes)?;
    run.report_progress();
    if race(run.fetch(&to_fetch, &base_probes), stop.as_mut())
        .await
        .is_none()
    {
        // Every finished batch is saved already; this saves nothing new unless a batch
        // finished between its save and the signal.
        if let Some(state) = &run.state {
            state.save_snapshots()?;
        }
        return Err(ScanError::Interrupted {
            done: run.done.len(),
            total: Some(run.total),
        });
    }
    run.forget_unselected(&selected)?;
    let people = if options.org_people {
        let read = org_people::org_people(&run.client, &options.org, run.state.as_mut());
        match race(read, stop).await {
            Some(people) => people?,
            None => {
                return Err(ScanError::Interrupted {
                    done: run.done.len(),
                    total: Some(run.total),
                })
            }
        }
    } else {
        OrgPeople::NotRead
    };

    let stats = run.client.stats();
    let repositories = non_empty_repositories(run.done, &mut skipped);
    Ok(OrgSnapshot {
        org: options.org.clone(),
        repositories,
        skipped,
        stats,
        people,
    })
}

/// `work`'s output, or `None` when `stop` completes first (`work` is then dropped).
async fn race<T>(work: impl Future<Output = T>, stop: impl Future<Output = ()>) -> Option<T> {
    let mut work = pin!(work);
    let mut stop = pin!(stop);
    poll_fn(|cx| {
        if stop.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        work.as_mut().poll(cx).map(Some)
    })
    .await
}

/// One scan in progress: the client, the cache, and the repositories finished so far.
struct ScanRun<'a> {
    options: &'a ScanOptions,
    client: Client,
    catalog_paths: Vec<String>,
    state: Option<StateDir>,
    /// Repositories selected (after filter and shard).
    total: usize,
    /// Finished repositories (fetched or reused), by name.
    done: BTreeMap<String, CachedRepo>,
}

impl ScanRun<'_> {
    /// The first round, then the follow-up probes.
    async fn fetch(
        &mut self,
        to_fetch: &[&ListedRepo],
        base_probes: &[String],
    ) -> Result<(), ScanError> {
        self.fetch_first_round(to_fetch, base_probes).await?;
        if let Some(followup) = &self.options.followup {
            self.probe_followups(followup).await?;
        }
        Ok(())
    }

    fn report_progress(&self) {
        if let Some(progress) = &self.options.progress {
            progress(Progress {
                done: self.done.len(),
                total: self.total,
            });
        }
    }

    /// Forgets repositories that left the selection, so the cache does not grow forever.
    fn forget_unselected(&mut self, selected: &[ListedRepo]) -> Result<(), ScanError> {
        if let Some(state) = self.state.as_mut() {
            let keep: HashSet<&str> = selected.iter().map(|r| r.name.as_str()).collect();
            let before = state.repos.len();
            state.repos.retain(|name, _| keep.contains(name.as_str()));
            if state.repos.len() != before {
                state.save_snapshots()?;
            }
        }
        Ok(())
    }
}

/// Opens the state directory, if any. The listing progress is per host and org; the snapshot
/// cache also depends on the catalog paths and the shard.
fn open_state(
    options: &ScanOptions,
    client: &Client,
    catalog_paths: &[String],
) -> Result<Option<StateDir>, ScanError> {
    let Some(dir) = &options.state_dir else {
        return Ok(None);
    };
    let listing_key = format!("{}\n{}", client.api_url, options.org.to_lowercase());
    let fingerprint = format!(
        "{listing_key}\n{}\n{}",
        catalog_paths.join("\n"),
        options
            .shard
            .map_or_else(|| "all".to_string(), |s| s.to_string())
    );
    let warn = |text: &str| {
        if let Some(warning) = &options.warning {
            warning(text);
        }
    };
    StateDir::open(dir, &listing_key, &fingerprint, &warn).map(Some)
}

/// The finished snapshots, sorted by name, without empty repositories (counted in `skipped`).
fn non_empty_repositories(
    done: BTreeMap<String, CachedRepo>,
    skipped: &mut SkipCounts,
) -> Vec<RepoSnapshot> {
    let mut repositories = Vec::new();
    for (_, cached) in done {
        let snap = cached.snapshot;
        if snap.error.is_none() && snap.default_branch.is_none() {
            skipped.empty += 1;
        } else {
            repositories.push(snap);
        }
    }
    repositories.sort_by(|a, b| a.name.cmp(&b.name));
    repositories
}
