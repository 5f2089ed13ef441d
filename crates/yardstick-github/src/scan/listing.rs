//! The GraphQL repository listing (cursor-paginated, 100 repositories a page, each with its
//! default branch, head commit and CI rollup), filters and shard.

use std::collections::HashSet;

use globset::GlobSet;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::graphql::{post_query, GraphqlAnswer};
use super::query::{ci_status, gql_string};
use crate::client::Client;
use crate::state::{ListingProgress, StateDir};
use crate::{CiStatus, RepoFilter, ScanError, ScanOptions, SkipCounts};

/// Listing pages followed at most (100 repositories each).
const MAX_PAGES: usize = 10_000;

/// A repository as the listing shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub(crate) struct ListedRepo {
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

/// The query for one listing page. Ordered by name, so pages stay stable while repositories
/// are created during the listing. GitHub allows at most 20 topics per repository, so
/// `first: 20` reads them all. Cost: 1 + 100 topic connections = 101 requests, / 100, rounded:
/// 1 point; at most 100 + 100 × 20 = 2,100 nodes.
fn listing_query(org: &str, cursor: Option<&str>) -> String {
    format!(
        "query {{
  rateLimit {{ cost remaining resetAt }}
  organization(login: {org}) {{
    repositories(first: 100, after: {after}, orderBy: {{field: NAME, direction: ASC}}) {{
      totalCount
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        name url isArchived isFork isPrivate visibility pushedAt
        repositoryTopics(first: 20) {{ nodes {{ topic {{ name }} }} }}
        defaultBranchRef {{ name target {{ ... on Commit {{ oid statusCheckRollup {{ state }} }} }} }}
      }}
    }}
  }}
}}
",
        org = gql_string(org),
        after = cursor.map_or_else(|| "null".to_string(), gql_string),
    )
}

/// Lists the organisation's repositories page by page. With a state directory the pages
/// read go into it at once, so an interrupted listing can be saved and a resumed run goes
/// on from its cursor (see [`StateDir::open`] for how long that stands).
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
        if cursors.len() > MAX_PAGES {
            return Err(listing_error(
                org,
                "more pages than any organisation has".into(),
            ));
        }
        let page = read_page(client, org, progress.cursor.as_deref()).await?;
        progress.repos.extend(page.repos);
        match page.next {
            Some(next) if !cursors.insert(next.clone()) => {
                return Err(listing_error(org, "the listing's pagination loops".into()))
            }
            Some(next) => progress.cursor = Some(next),
            None => break,
        }
    }
    let listed = std::mem::take(&mut progress.repos);
    if let Some(state) = state {
        // Complete: the next run lists afresh.
        state.listing = None;
        state.save_listing()?;
    }
    let mut names = HashSet::new();
    Ok(listed
        .into_iter()
        .filter(|r| names.insert(r.name.clone()))
        .collect())
}

/// One page: its repositories and the cursor of the next page, if any.
struct ListingPage {
    repos: Vec<ListedRepo>,
    next: Option<String>,
}

/// Reads one page. An answer with errors that leave a repository's identity or filter
/// fields unknown is asked again (with the backoff of `--max-retries`), then ends the scan:
/// a listing with holes would drop repositories silently. Errors below a repository's
/// default branch only make its CI unknown ([`ListedRepo::ci`] `None`).
async fn read_page(
    client: &Client,
    org: &str,
    cursor: Option<&str>,
) -> Result<ListingPage, ScanError> {
    let query = listing_query(org, cursor);
    let mut tries = 0;
    loop {
        let answer = post_query(client, &query, client.policy.max_retries).await??;
        match parse_page(&answer) {
            Ok(page) => return Ok(page),
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

/// Why a page cannot be used: worth asking again, or not (the organisation does not exist
/// for the token: access does not change in seconds).
enum PageError {
    Retry(String),
    Final(String),
}

impl From<&str> for PageError {
    fn from(message: &str) -> Self {
        PageError::Retry(message.to_string())
    }
}

fn listing_error(org: &str, message: String) -> ScanError {
    ScanError::Decode {
        what: format!("the repository listing of {org}"),
        message,
    }
}

/// A page of the answer, or why it cannot be used.
fn parse_page(answer: &GraphqlAnswer) -> Result<ListingPage, PageError> {
    let node_path = ["organization", "repositories", "nodes"];
    let mut incomplete = HashSet::new();
    for error in &answer.errors {
        let path: Vec<&Value> = error
            .get("path")
            .and_then(Value::as_array)
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        let below_branch = path.len() > 5
            && path[..3].iter().zip(node_path).all(|(p, n)| *p == n)
            && path[4] == "defaultBranchRef";
        match path.get(3).and_then(|i| i.as_u64()) {
            Some(index) if below_branch => {
                incomplete.insert(index);
            }
            _ => {
                let message = describe_error(error);
                let kind = error.get("type").and_then(Value::as_str);
                return Err(if matches!(kind, Some("NOT_FOUND" | "FORBIDDEN")) {
                    PageError::Final(message)
                } else {
                    PageError::Retry(message)
                });
            }
        }
    }
    let connection = answer
        .data
        .get("organization")
        .and_then(|o| o.get("repositories"))
        .filter(|c| c.is_object())
        .ok_or("no organization.repositories in the answer")?;
    let nodes = connection
        .get("nodes")
        .and_then(Value::as_array)
        .ok_or("no repositories.nodes in the answer")?;
    let mut repos = Vec::with_capacity(nodes.len());
    for (index, node) in nodes.iter().enumerate() {
        let complete = !incomplete.contains(&(index as u64));
        repos.push(listed_repo(node, complete).ok_or("a repository without a name")?);
    }
    let page_info = connection.get("pageInfo");
    let flag = |key: &str| page_info.and_then(|p| p.get(key));
    let next = match flag("hasNextPage").and_then(Value::as_bool) {
        Some(true) => Some(
            flag("endCursor")
                .and_then(Value::as_str)
                .ok_or("hasNextPage without an endCursor")?
                .to_string(),
        ),
        Some(false) => None,
        None => return Err("no pageInfo.hasNextPage in the answer".into()),
    };
    Ok(ListingPage { repos, next })
}

/// A GraphQL error, for the message of a listing that cannot be read (not redacted yet).
fn describe_error(error: &Value) -> String {
    let text = |key: &str| error.get(key).and_then(Value::as_str).unwrap_or("");
    let path = error
        .get("path")
        .and_then(Value::as_array)
        .map(|p| {
            p.iter()
                .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    format!(
        "GitHub GraphQL {}{at}: {}",
        if text("type").is_empty() {
            "ERROR"
        } else {
            text("type")
        },
        text("message")
    )
}

/// One node of the listing; `None` without a name. `complete`: no error below its default
/// branch, so its head and CI are known.
fn listed_repo(node: &Value, complete: bool) -> Option<ListedRepo> {
    let text = |key: &str| node.get(key).and_then(Value::as_str).map(str::to_string);
    let flag = |key: &str| node.get(key).and_then(Value::as_bool).unwrap_or(false);
    let name = text("name").filter(|n| !n.is_empty())?;
    let topics = node
        .get("repositoryTopics")
        .and_then(|t| t.get("nodes"))
        .and_then(Value::as_array)
        .map(|nodes| {
            nodes
                .iter()
                .filter_map(|t| t.get("topic")?.get("name")?.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let branch = node.get("defaultBranchRef").filter(|b| b.is_object());
    let target = branch.and_then(|b| b.get("target"));
    Some(ListedRepo {
        html_url: text("url").unwrap_or_default(),
        archived: flag("isArchived"),
        fork: flag("isFork"),
        topics,
        visibility: text("visibility").map(|v| v.to_lowercase()),
        private: flag("isPrivate"),
        pushed_at: text("pushedAt"),
        default_branch: branch
            .and_then(|b| b.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string),
        head: target
            .and_then(|t| t.get("oid"))
            .and_then(Value::as_str)
            .map(str::to_string),
        ci: complete.then(|| ci_status(target)),
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_query_pages_by_cursor_in_name_order() {
        let first = listing_query("acme", None);
        assert!(first.contains("organization(login: \"acme\")"), "{first}");
        assert!(first.contains("first: 100, after: null"), "{first}");
        assert!(first.contains("orderBy: {field: NAME, direction: ASC}"));
        let next = listing_query("acme", Some("Y3Vyc29y\"x"));
        assert!(next.contains(r#"after: "Y3Vyc29y\"x""#), "{next}");
    }

    fn answer(data: Value, errors: Value) -> GraphqlAnswer {
        GraphqlAnswer {
            data,
            errors: errors.as_array().cloned().unwrap_or_default(),
        }
    }

    fn page(nodes: Value, next: Option<&str>) -> Value {
        serde_json::json!({"organization": {"repositories": {"totalCount": 2,
            "pageInfo": {"hasNextPage": next.is_some(), "endCursor": next},
            "nodes": nodes}}})
    }

    #[test]
    fn listing_errors_below_a_branch_leave_ci_unknown_and_others_spoil_the_page() {
        let nodes = serde_json::json!([
            {"name": "a", "defaultBranchRef": {"name": "main", "target": {"oid": "1",
                "statusCheckRollup": null}}},
            {"name": "b", "defaultBranchRef": {"name": "main", "target": {"oid": "2",
                "statusCheckRollup": {"state": "SUCCESS"}}}},
        ]);
        let rollup_error = serde_json::json!([{"type": "SERVICE_UNAVAILABLE", "message": "timeout",
            "path": ["organization", "repositories", "nodes", 0, "defaultBranchRef", "target",
                "statusCheckRollup"]}]);
        let read = parse_page(&answer(page(nodes.clone(), Some("c2")), rollup_error))
            .ok()
            .expect("a page");
        assert_eq!(read.next.as_deref(), Some("c2"));
        assert_eq!(read.repos[0].ci, None, "unknown, not none");
        assert_eq!(read.repos[1].ci, Some(CiStatus::Passing));

        // An error on a filter field or a whole node: the page is asked again.
        let topics_error = serde_json::json!([{"type": "SERVICE_UNAVAILABLE", "message": "timeout",
            "path": ["organization", "repositories", "nodes", 1, "repositoryTopics"]}]);
        let spoiled = parse_page(&answer(page(nodes.clone(), None), topics_error));
        assert!(
            matches!(&spoiled, Err(PageError::Retry(m)) if m.contains("nodes.1.repositoryTopics")),
            "{}",
            spoiled.is_ok()
        );
        // An unknown organisation is final.
        let missing = serde_json::json!([{"type": "NOT_FOUND", "path": ["organization"],
            "message": "Could not resolve to an Organization with the login of 'x'."}]);
        let data = serde_json::json!({"organization": null});
        assert!(matches!(
            parse_page(&answer(data, missing)),
            Err(PageError::Final(m)) if m.contains("NOT_FOUND at organization")
        ));
        // A next page without a cursor would loop or stop short.
        let mut no_cursor = page(nodes, None);
        no_cursor["organization"]["repositories"]["pageInfo"]["hasNextPage"] = true.into();
        assert!(parse_page(&answer(no_cursor, Value::Null)).is_err());
    }

    #[test]
    fn a_node_reads_its_filters_head_and_ci() {
        let node = serde_json::json!({"name": "web", "url": "https://github.com/acme/web",
            "isArchived": false, "isFork": true, "isPrivate": true, "visibility": "INTERNAL",
            "pushedAt": "2026-01-01T00:00:00Z",
            "repositoryTopics": {"nodes": [{"topic": {"name": "backend"}}]},
            "defaultBranchRef": {"name": "trunk", "target": {"oid": "abc",
                "statusCheckRollup": {"state": "PENDING"}}}});
        let repo = listed_repo(&node, true).expect("a repository");
        assert_eq!(repo.visibility.as_deref(), Some("internal"));
        assert_eq!(repo.topics, vec!["backend".to_string()]);
        assert_eq!(repo.default_branch.as_deref(), Some("trunk"));
        assert_eq!(repo.head.as_deref(), Some("abc"));
        assert_eq!(repo.ci, Some(CiStatus::Pending));
        assert!(repo.fork && !repo.is_empty());
        assert_eq!(listed_repo(&node, false).and_then(|r| r.ci), None);
        let empty = serde_json::json!({"name": "new", "defaultBranchRef": null});
        assert!(listed_repo(&empty, true).is_some_and(|r| r.is_empty()));
        assert!(!listed_repo(&empty, false).is_some_and(|r| r.is_empty()));
        assert!(listed_repo(&serde_json::json!({"name": ""}), true).is_none());
    }
}
