//! Cutting the repositories to fetch into GraphQL queries, and sending each query with
//! retries; a query that still fails is split down to single repositories before they are
//! marked.

use super::graphql::post_query;
use super::query::{build_query, read_repositories};
use crate::client::Client;
use crate::{CiStatus, RepoFile, ScanError};

/// Repositories per GraphQL query, at most.
const MAX_REPOS_PER_QUERY: usize = 100;
/// Objects per GraphQL query, at most: one per repository plus one per `object(...)` look-up
/// (catalog files and probes). 100 repositories with the default two catalog paths and two
/// `mkdocs` probes make 500, so the default scan still needs one query per 100 repositories.
const MAX_OBJECTS_PER_QUERY: usize = 500;

/// What to ask about one repository in a GraphQL query.
#[derive(Clone)]
pub(super) struct RepoQuery {
    pub name: String,
    /// Fetch the head, CI and catalog files (first round), or only probe (follow-up round).
    pub full: bool,
    pub probes: Vec<String>,
}

/// What GraphQL said about one repository.
#[derive(Default)]
pub(super) struct FetchedRepo {
    pub default_branch: Option<String>,
    pub head: Option<String>,
    pub ci: CiStatus,
    pub files: Vec<RepoFile>,
    pub present: Vec<String>,
}

/// Why a repository has no complete answer. The text never holds credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct RepoFailure {
    pub message: String,
    pub kind: FailureKind,
}

/// What a [`RepoFailure`] means for the rest of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FailureKind {
    /// May pass on another try: a failed query, a node or field that timed out.
    Transient,
    /// Will not pass within the run: the token may not read it (`FORBIDDEN`).
    Permanent,
    /// The repository no longer exists for the token (`NOT_FOUND` on its node).
    Gone,
}

impl RepoFailure {
    pub fn transient(message: String) -> Self {
        RepoFailure {
            message,
            kind: FailureKind::Transient,
        }
    }
}

/// One repository's result: fetched whole, or why not.
pub(super) type RepoOutcome = Result<FetchedRepo, RepoFailure>;

/// How many repository queries go in each GraphQL query, in order: at most
/// [`MAX_REPOS_PER_QUERY`] repositories and [`MAX_OBJECTS_PER_QUERY`] objects (a repository
/// needing more than that goes alone).
pub(super) fn batch_sizes(queries: &[RepoQuery], catalog_paths: &[String]) -> Vec<usize> {
    let mut sizes = Vec::new();
    let (mut count, mut objects) = (0usize, 0usize);
    for query in queries {
        let cost = object_count(query, catalog_paths);
        if count > 0 && (count == MAX_REPOS_PER_QUERY || objects + cost > MAX_OBJECTS_PER_QUERY) {
            sizes.push(count);
            count = 0;
            objects = 0;
        }
        count += 1;
        objects += cost;
    }
    if count > 0 {
        sizes.push(count);
    }
    sizes
}

/// GraphQL objects one repository query asks for: the repository, catalog files, probes.
fn object_count(query: &RepoQuery, catalog_paths: &[String]) -> usize {
    1 + if query.full { catalog_paths.len() } else { 0 } + query.probes.len()
}

/// Failed queries of one batch after which its unqueried parts are marked failed without
/// splitting further: isolating one repository that breaks every query it is in costs
/// `2·⌈log2 n⌉` split queries, of which `⌈log2 n⌉` fail, so this isolates two such
/// repositories in a batch of 100 while an outage costs a bounded number of requests.
const MAX_FAILED_SPLITS: usize = 16;

/// One GraphQL query for `queries`, with retries. When the whole query still fails, it is
/// split in halves, and every half that fails again is split again, down to single
/// repositories, so a repository that breaks any query it is in costs only itself. The
/// outer error ends the scan; an inner `Err` marks a repository.
pub(super) async fn run_batch(
    client: &Client,
    org: &str,
    catalog_paths: &[String],
    queries: &[RepoQuery],
) -> Result<Vec<RepoOutcome>, ScanError> {
    let mut outcomes: Vec<Option<RepoOutcome>> = queries.iter().map(|_| None).collect();
    // The whole batch gets the HTTP retries; a half gets none, since a split is its retry.
    let mut pending = vec![(0, queries.len(), client.policy.max_retries)];
    let mut failed_splits = 0usize;
    while let Some((start, end, retries)) = pending.pop() {
        let part = &queries[start..end];
        let message = match query_batch(client, org, catalog_paths, part, retries).await? {
            Ok(answers) => {
                for (slot, outcome) in outcomes[start..end].iter_mut().zip(answers) {
                    *slot = Some(outcome);
                }
                continue;
            }
            Err(message) => message,
        };
        if start > 0 || end < queries.len() {
            failed_splits += 1;
        }
        if end - start > 1 && failed_splits < MAX_FAILED_SPLITS {
            let mid = start + (end - start) / 2;
            pending.push((mid, end, 0));
            pending.push((start, mid, 0));
        } else {
            for slot in &mut outcomes[start..end] {
                *slot = Some(Err(RepoFailure::transient(message.clone())));
            }
        }
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err(RepoFailure::transient("not queried".to_string()))))
        .collect())
}

/// One GraphQL query for `queries`. `Ok(Err(_))`: the whole query failed.
async fn query_batch(
    client: &Client,
    org: &str,
    catalog_paths: &[String],
    queries: &[RepoQuery],
    max_retries: u32,
) -> Result<Result<Vec<RepoOutcome>, String>, ScanError> {
    let text = build_query(org, catalog_paths, queries);
    let answer = match post_query(client, &text, max_retries).await? {
        Ok(answer) => answer,
        Err(error) => return Ok(Err(client.redact(&error.to_string()))),
    };
    Ok(Ok(read_repositories(
        client,
        org,
        catalog_paths,
        queries,
        &answer,
    )))
}
