//! The GraphQL repository listing (cursor-paginated from both ends of the name order, 200
//! repositories a request, each with its default branch, head commit and CI rollup), filters
//! and shard.

use std::collections::HashSet;

use globset::GlobSet;
use serde::{Deserialize, Serialize};

use super::graphql::post_query;
use super::listing_progress::{End, EndPage, ListingProgress};
use super::listing_query::{listing_query, parse_answer, PageError};
use crate::client::Client;
use crate::state::StateDir;
use crate::{CiStatus, RepoFilter, ScanError, ScanOptions, SkipCounts};

/// Listing requests made at most (up to 200 repositories each).
const MAX_REQUESTS: u32 = 10_000;

/// A repository as the listing shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub(crate) struct ListedRepo {
    /// The GraphQL node id, which a rename keeps.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub html_url: String,
    pub archived: bool,
    pub fork: bool,
    pub topics: Vec<String>,
    /// `public`, `private` or `internal`.
    pub visibility: Option<String>,
    pub private: bool,
    pub pushed_at: Option<String>,
    /// The default branch; `None` for an empty repository (no commits).
    pub default_branch: Option<String>,
    /// The default branch's head commit.
    pub head: Option<String>,
    /// The head's CI state; `None` when the listing's answer for the default branch was
    /// incomplete (a GraphQL error below it), so the repository is fetched whatever its cache.
    pub ci: Option<CiStatus>,
}

impl ListedRepo {
    /// No commits: the listing answered `defaultBranchRef: null`, without an error.
    pub fn is_empty(&self) -> bool {
        self.default_branch.is_none() && self.ci.is_some()
    }
}

/// The listed repositories that pass filter and shard, in listing order (by name), and the
/// counts of those left out.
pub(super) fn select_repos(
    listed: Vec<ListedRepo>,
    options: &ScanOptions,
    names: Option<&GlobSet>,
) -> (Vec<ListedRepo>, SkipCounts) {
    let filter = &options.filter;
    let mut skipped = SkipCounts::default();
    let mut selected = Vec::new();
    for repo in listed {
        // The shard first: a shard counts only its own repositories.
        if options.shard.is_some_and(|s| !s.includes(&repo.name)) {
            skipped.other_shards += 1;
        } else if repo.archived && !filter.include_archived {
            skipped.archived += 1;
        } else if repo.fork && !filter.include_forks {
            skipped.forks += 1;
        } else if !passes_filter(filter, names, &repo) {
            skipped.filtered += 1;
        } else {
            selected.push(repo);
        }
    }
    (selected, skipped)
}

/// Whether a repository passes the topic, name and visibility filters.
fn passes_filter(filter: &RepoFilter, names: Option<&GlobSet>, repo: &ListedRepo) -> bool {
    if !filter.topics.is_empty()
        && !repo
            .topics
            .iter()
            .any(|t| filter.topics.iter().any(|f| f.eq_ignore_ascii_case(t)))
    {
        return false;
    }
    if let Some(names) = names {
        if !names.is_match(&repo.name) {
            return false;
        }
    }
    if let Some(wanted) = &filter.visibility {
        let visibility = repo
            .visibility
            .clone()
            .unwrap_or_else(|| if repo.private { "private" } else { "public" }.to_string());
        if !visibility.eq_ignore_ascii_case(wanted.trim()) {
            return false;
        }
    }
    true
}

/// Lists the organisation's repositories, a page from each end of the name order per request
/// until the ends meet (see [`ListingProgress`]). With a state directory the pages read go
/// into it at once, so an interrupted listing can be saved and a resumed run goes on from its
/// cursors (see [`StateDir::open`] for how long that stands). The repositories come sorted by
/// name, each once, however the ends split them.
pub(super) async fn list_repos(
    client: &Client,
    org: &str,
    mut state: Option<&mut StateDir>,
) -> Result<Vec<ListedRepo>, ScanError> {
    let mut local = ListingProgress::default();
    let progress = match state.as_deref_mut() {
        Some(state) => state.listing.get_or_insert_with(ListingProgress::default),
        None => &mut local,
    };
    let mut cursors = HashSet::new();
    loop {
        let ends = progress.pending_ends();
        if ends.is_empty() {
            break;
        }
        if progress.requests > MAX_REQUESTS {
            return Err(listing_error(
                org,
                "more pages than any organisation has".into(),
            ));
        }
        let pages = read_request(client, org, &ends).await?;
        for page in &pages {
            if let Some(next) = &page.next {
                if !cursors.insert((page.end, next.clone())) {
                    return Err(listing_error(org, "the listing's pagination loops".into()));
                }
            }
        }
        progress.record(pages);
    }
    let listed = std::mem::take(progress).distinct_repos();
    if let Some(state) = state {
        // Complete: the next run lists afresh.
        state.listing = None;
        state.save_listing()?;
    }
    Ok(listed)
}

/// Reads one request's pages. An answer with errors that leave a repository's identity or
/// filter fields unknown is asked again (with the backoff of `--max-retries`), then ends the
/// scan: a listing with holes would drop repositories silently.
async fn read_request(
    client: &Client,
    org: &str,
    ends: &[(End, Option<&str>)],
) -> Result<Vec<EndPage>, ScanError> {
    let query = listing_query(org, ends);
    let asked: Vec<End> = ends.iter().map(|(end, _)| *end).collect();
    let mut tries = 0;
    loop {
        let answer = post_query(client, &query, client.policy.max_retries).await??;
        match parse_answer(&answer, &asked) {
            Ok(pages) => return Ok(pages),
            Err(PageError::Retry(_)) if tries < client.policy.max_retries => {
                tries += 1;
                client.backoff(tries).await;
            }
            Err(PageError::Retry(message) | PageError::Final(message)) => {
                return Err(listing_error(org, client.redact(&message)))
            }
        }
    }
}

fn listing_error(org: &str, message: String) -> ScanError {
    ScanError::Decode {
        what: format!("the repository listing of {org}"),
        message,
    }
}
