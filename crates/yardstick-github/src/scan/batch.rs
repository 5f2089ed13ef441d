//! Cutting the repositories to fetch into GraphQL queries, and sending each query with
//! retries; a query that still fails is halved once before its repositories are marked.

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

/// One repository's result: fetched, or why it could not be (no credentials in the text).
pub(super) type RepoOutcome = Result<FetchedRepo, String>;

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

/// One GraphQL query for `queries`, with retries. When the whole query still fails, it is
/// split in halves and each half is sent once more before its repositories are marked. The
/// outer error ends the scan; an inner `Err` marks repositories.
pub(super) async fn run_batch(
    client: &Client,
    org: &str,
    catalog_paths: &[String],
    queries: &[RepoQuery],
) -> Result<Vec<RepoOutcome>, ScanError> {
    let retries = client.policy.max_retries;
    let message = match query_batch(client, org, catalog_paths, queries, retries).await? {
        Ok(outcomes) => return Ok(outcomes),
        Err(message) => message,
    };
    if queries.len() < 2 {
        return Ok(vec![Err(message)]);
    }
    let (left, right) = queries.split_at(queries.len() / 2);
    let mut outcomes = Vec::with_capacity(queries.len());
    for half in [left, right] {
        match query_batch(client, org, catalog_paths, half, 0).await? {
            Ok(part) => outcomes.extend(part),
            Err(message) => outcomes.extend(half.iter().map(|_| Err(message.clone()))),
        }
    }
    Ok(outcomes)
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
        Err(message) => return Ok(Err(client.redact(&message))),
    };
    Ok(Ok(read_repositories(
        client,
        org,
        catalog_paths,
        queries,
        &answer,
    )))
}
