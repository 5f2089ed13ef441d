//! The REST repository listing (ETag-cached, `Link`-paginated), filters and shard.

use std::collections::{BTreeMap, HashSet};

use globset::GlobSet;
use http::header::IF_NONE_MATCH;
use http::Method;
use serde::Deserialize;

use crate::client::{next_link, Client, RequestKind};
use crate::state::{CachedPage, StateDir};
use crate::{RepoFilter, ScanError, ScanOptions, SkipCounts};

/// Listing pages followed at most (100 repositories each).
const MAX_PAGES: usize = 10_000;

/// A repository as the REST listing shows it.
#[derive(Deserialize, Clone, Debug)]
pub(super) struct ListedRepo {
    pub name: String,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub fork: bool,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub pushed_at: Option<String>,
}

/// The listed repositories that pass filter and shard, in listing order, and the counts of
/// those left out.
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

/// Lists the organisation's repositories, following `Link: rel="next"` as given, with ETags.
pub(super) async fn list_repos(
    client: &Client,
    org: &str,
    mut state: Option<&mut StateDir>,
) -> Result<Vec<ListedRepo>, ScanError> {
    // Sorted by name so pages stay stable while repositories are created during the listing.
    let mut url = format!(
        "{}/orgs/{org}/repos?per_page=100&type=all&sort=full_name&direction=asc",
        client.api_url
    );
    let mut seen = HashSet::new();
    let mut repos: BTreeMap<String, ListedRepo> = BTreeMap::new();
    let mut order = Vec::new();
    loop {
        if !seen.insert(url.clone()) || seen.len() > MAX_PAGES {
            return Err(ScanError::Decode {
                what: client.describe(&Method::GET, &url),
                message: "the listing's pagination loops".into(),
            });
        }
        let cached = state.as_ref().and_then(|s| s.pages.get(&url)).cloned();
        let headers: Vec<_> = cached
            .iter()
            .map(|c| (IF_NONE_MATCH, c.etag.clone()))
            .collect();
        let answer = client
            .request(RequestKind::Rest, Method::GET, &url, &headers, None)
            .await?;
        let page = match (answer.status, cached) {
            (304, Some(cached)) => cached,
            (200, _) => CachedPage {
                etag: answer.header("etag").unwrap_or_default().to_string(),
                next: next_link(&answer.headers),
                body: answer.body,
            },
            (status, _) => return Err(client.api_error(&Method::GET, &url, status, &answer)),
        };
        let items: Vec<ListedRepo> =
            serde_json::from_str(&page.body).map_err(|e| ScanError::Decode {
                what: client.describe(&Method::GET, &url),
                message: format!("not a list of repositories: {e}"),
            })?;
        for item in items {
            if !repos.contains_key(&item.name) {
                order.push(item.name.clone());
                repos.insert(item.name.clone(), item);
            }
        }
        let next = page.next.clone();
        // Into the state at once: an interrupted listing saves the pages read so far.
        if let (Some(state), false) = (state.as_mut(), page.etag.is_empty()) {
            state.pages.insert(url.clone(), page);
        }
        match next {
            Some(next) => url = next,
            None => break,
        }
    }
    if let Some(state) = state.as_mut() {
        // Pages of an earlier, longer listing are not part of this one.
        state.pages.retain(|url, _| seen.contains(url));
        state.save_listing()?;
    }
    Ok(order
        .into_iter()
        .filter_map(|name| repos.remove(&name))
        .collect())
}
