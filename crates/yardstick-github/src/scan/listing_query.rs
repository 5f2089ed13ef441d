//! The listing query (a page from each end of the name order) and reading its answer.

use std::collections::HashSet;

use serde_json::Value;

use super::graphql::GraphqlAnswer;
use super::listing_progress::{End, EndPage};
use super::query::{ci_status, gql_string};
use super::ListedRepo;

/// What the listing reads of each repository. GitHub allows at most 20 topics per
/// repository, so `first: 20` reads them all.
const LISTED_FIELDS: &str = "fragment listed on RepositoryConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    id name url isArchived isFork isPrivate visibility pushedAt
    repositoryTopics(first: 20) { nodes { topic { name } } }
    defaultBranchRef { name target { ... on Commit { oid statusCheckRollup { state } } } }
  }
}
";

/// The query for one listing request: a page of 100 from each end in `ends`, after its
/// cursor. Ordered by name, so pages stay stable while repositories are created during the
/// listing. Cost: per connection 1 + 100 topic connections = 101 requests; both ends 202,
/// / 100, rounded: 2 points; at most 2 × (100 + 100 × 20) = 4,200 nodes.
pub(super) fn listing_query(org: &str, ends: &[(End, Option<&str>)]) -> String {
    let connections: String = ends
        .iter()
        .map(|(end, cursor)| {
            format!(
                "    {alias}: repositories(first: 100, after: {after}, orderBy: {{field: NAME, direction: {direction}}}) {{ ...listed }}\n",
                alias = end.alias(),
                after = cursor.map_or_else(|| "null".to_string(), gql_string),
                direction = end.direction(),
            )
        })
        .collect();
    format!(
        "query {{
  rateLimit {{ cost remaining resetAt }}
  organization(login: {org}) {{
{connections}  }}
}}
{LISTED_FIELDS}",
        org = gql_string(org),
    )
}

/// Why an answer cannot be used: worth asking again, or not (the organisation does not exist
/// for the token: access does not change in seconds).
#[derive(Debug)]
pub(super) enum PageError {
    Retry(String),
    Final(String),
}

impl From<&str> for PageError {
    fn from(message: &str) -> Self {
        PageError::Retry(message.to_string())
    }
}

/// The pages of an answer for `ends`, or why it cannot be used. Errors below a repository's
/// default branch only make its CI unknown ([`ListedRepo::ci`] `None`); any other error
/// leaves a repository's identity or filter fields unknown and spoils the answer.
pub(super) fn parse_answer(
    answer: &GraphqlAnswer,
    ends: &[End],
) -> Result<Vec<EndPage>, PageError> {
    let mut incomplete: HashSet<(End, u64)> = HashSet::new();
    for error in &answer.errors {
        match below_branch(error, ends) {
            Some(node) => {
                incomplete.insert(node);
            }
            None => {
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
    ends.iter()
        .map(|&end| parse_connection(answer, end, &incomplete))
        .collect()
}

/// The end and node index of an error below a listed repository's default branch.
fn below_branch(error: &Value, ends: &[End]) -> Option<(End, u64)> {
    let path = error.get("path").and_then(Value::as_array)?;
    let end = ends
        .iter()
        .copied()
        .find(|end| path.get(1).and_then(Value::as_str) == Some(end.alias()))?;
    let below = path.len() > 5
        && path[0] == "organization"
        && path[2] == "nodes"
        && path[4] == "defaultBranchRef";
    below.then_some((end, path[3].as_u64()?))
}

/// One end's page of the answer.
fn parse_connection(
    answer: &GraphqlAnswer,
    end: End,
    incomplete: &HashSet<(End, u64)>,
) -> Result<EndPage, PageError> {
    let connection = answer
        .data
        .get("organization")
        .and_then(|o| o.get(end.alias()))
        .filter(|c| c.is_object())
        .ok_or("no repositories connection in the answer")?;
    let total_count = connection
        .get("totalCount")
        .and_then(Value::as_u64)
        .ok_or("no repositories.totalCount in the answer")?;
    let nodes = connection
        .get("nodes")
        .and_then(Value::as_array)
        .ok_or("no repositories.nodes in the answer")?;
    let mut repos = Vec::with_capacity(nodes.len());
    for (index, node) in nodes.iter().enumerate() {
        let complete = !incomplete.contains(&(end, index as u64));
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
    Ok(EndPage {
        end,
        total_count,
        repos,
        next,
    })
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
        id: text("id"),
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
    use crate::CiStatus;

    #[test]
    fn the_listing_query_pages_both_ends_by_cursor_in_name_order() {
        let first = listing_query("acme", &[(End::Asc, None), (End::Desc, None)]);
        assert!(first.contains("organization(login: \"acme\")"), "{first}");
        assert!(first.contains(
            "asc: repositories(first: 100, after: null, orderBy: {field: NAME, direction: ASC})"
        ));
        assert!(first.contains(
            "desc: repositories(first: 100, after: null, orderBy: {field: NAME, direction: DESC})"
        ));
        let next = listing_query("acme", &[(End::Desc, Some("Y3Vyc29y\"x"))]);
        assert!(next.contains(r#"desc: repositories(first: 100, after: "Y3Vyc29y\"x""#));
        assert!(!next.contains("asc:"), "{next}");
    }

    fn answer(data: Value, errors: Value) -> GraphqlAnswer {
        GraphqlAnswer {
            data,
            errors: errors.as_array().cloned().unwrap_or_default(),
        }
    }

    fn connection(nodes: &Value, next: Option<&str>) -> Value {
        serde_json::json!({"totalCount": 2,
            "pageInfo": {"hasNextPage": next.is_some(), "endCursor": next}, "nodes": nodes})
    }

    const BOTH: [End; 2] = [End::Asc, End::Desc];

    #[test]
    fn listing_errors_below_a_branch_leave_ci_unknown_and_others_spoil_the_answer() {
        let nodes = serde_json::json!([
            {"name": "a", "defaultBranchRef": {"name": "main", "target": {"oid": "1",
                "statusCheckRollup": null}}},
            {"name": "b", "defaultBranchRef": {"name": "main", "target": {"oid": "2",
                "statusCheckRollup": {"state": "SUCCESS"}}}},
        ]);
        let data = serde_json::json!({"organization": {
            "asc": connection(&nodes, Some("c2")), "desc": connection(&nodes, None)}});
        let rollup_error = serde_json::json!([{"type": "SERVICE_UNAVAILABLE", "message": "timeout",
            "path": ["organization", "desc", "nodes", 0, "defaultBranchRef", "target",
                "statusCheckRollup"]}]);
        let read = parse_answer(&answer(data.clone(), rollup_error), &BOTH).expect("pages");
        assert_eq!(read[0].next.as_deref(), Some("c2"));
        assert_eq!(read[1].next, None);
        assert_eq!(read[0].total_count, 2);
        assert_eq!(read[0].repos[0].ci, Some(CiStatus::None), "the other end's");
        assert_eq!(read[1].repos[0].ci, None, "unknown, not none");
        assert_eq!(read[1].repos[1].ci, Some(CiStatus::Passing));

        // An error on a filter field or a whole node: the answer is asked for again.
        let topics_error = serde_json::json!([{"type": "SERVICE_UNAVAILABLE", "message": "timeout",
            "path": ["organization", "asc", "nodes", 1, "repositoryTopics"]}]);
        let spoiled = parse_answer(&answer(data.clone(), topics_error), &BOTH);
        assert!(
            matches!(&spoiled, Err(PageError::Retry(m)) if m.contains("asc.nodes.1.repositoryTopics")),
            "{spoiled:?}"
        );
        // An end asked for but missing from the answer spoils it too.
        assert!(parse_answer(&answer(data, Value::Null), &[End::Asc, End::Desc]).is_ok());
        let one_end = serde_json::json!({"organization": {"asc": connection(&nodes, None)}});
        assert!(parse_answer(&answer(one_end, Value::Null), &BOTH).is_err());
        // An unknown organisation is final.
        let missing = serde_json::json!([{"type": "NOT_FOUND", "path": ["organization"],
            "message": "Could not resolve to an Organization with the login of 'x'."}]);
        let data = serde_json::json!({"organization": null});
        assert!(matches!(
            parse_answer(&answer(data, missing), &BOTH),
            Err(PageError::Final(m)) if m.contains("NOT_FOUND at organization")
        ));
        // A next page without a cursor would loop or stop short; no totalCount, no meeting.
        let mut no_cursor = connection(&nodes, None);
        no_cursor["pageInfo"]["hasNextPage"] = true.into();
        let data = serde_json::json!({"organization": {"asc": no_cursor}});
        assert!(parse_answer(&answer(data, Value::Null), &[End::Asc]).is_err());
        let mut no_count = connection(&nodes, None);
        no_count["totalCount"] = Value::Null;
        let data = serde_json::json!({"organization": {"asc": no_count}});
        assert!(parse_answer(&answer(data, Value::Null), &[End::Asc]).is_err());
    }

    #[test]
    fn a_node_reads_its_id_filters_head_and_ci() {
        let node = serde_json::json!({"id": "R_1", "name": "web",
            "url": "https://github.com/acme/web",
            "isArchived": false, "isFork": true, "isPrivate": true, "visibility": "INTERNAL",
            "pushedAt": "2026-01-01T00:00:00Z",
            "repositoryTopics": {"nodes": [{"topic": {"name": "backend"}}]},
            "defaultBranchRef": {"name": "trunk", "target": {"oid": "abc",
                "statusCheckRollup": {"state": "PENDING"}}}});
        let repo = listed_repo(&node, true).expect("a repository");
        assert_eq!(repo.id.as_deref(), Some("R_1"));
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
