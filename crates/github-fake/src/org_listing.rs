//! GraphQL: the organisation's repository listing,
//! `organization(login:) { repositories(first:, after:, orderBy:) { … } }`, with GitHub's
//! shapes: `totalCount`, `pageInfo { hasNextPage endCursor }` and `nodes`, opaque cursors, the
//! `first` limit of 100, and `null` plus a `NOT_FOUND` error for an unknown organisation.
//!
//! Like the rest of the fake it does not parse GraphQL: every node carries the fields a scan
//! asks for (name, url, flags, visibility, topics, `pushedAt`, the default branch with its
//! head and rollup), whatever the selection. [`NodeTarget::Rollup`] faults (and
//! [`FakeRepo::ci_error`]) hit the listing's rollups as they hit a repository query's; the
//! other faults ([`NodeTarget::FetchRollup`] included) do not.

use base64::Engine as _;
use regex::Regex;
use serde_json::{json, Value};
use wiremock::ResponseTemplate;

use crate::dates::{now_secs, rfc3339};
use crate::faults::NodeTarget;
use crate::graphql::default_branch;
use crate::responses::json_response;
use crate::state::{lock, ServerState};
use crate::FakeRepo;

/// What an opaque cursor says: the position after a repository name (keyset pagination, so
/// repositories created during a listing shift no page).
const CURSOR_PREFIX: &str = "cursor:v2:";

/// The cursor after the repository `name`.
fn cursor_after(name: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(format!("{CURSOR_PREFIX}{}", name.to_lowercase()))
}

/// The repository name a cursor points after, or `None` for one GitHub did not issue.
fn name_of_cursor(cursor: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cursor)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix(CURSOR_PREFIX)
        .map(str::to_string)
}

/// A string argument `name: "…"` of `args`.
fn string_arg(args: &str, name: &str) -> Option<String> {
    let pattern = format!(r#"\b{name}\s*:\s*("(?:[^"\\]|\\.)*")"#);
    let found = Regex::new(&pattern).ok()?.captures(args)?.get(1)?;
    serde_json::from_str(found.as_str()).ok()
}

/// An integer argument `name: N` of `args`.
fn int_arg(args: &str, name: &str) -> Option<usize> {
    let pattern = format!(r"\b{name}\s*:\s*(\d+)");
    Regex::new(&pattern)
        .ok()?
        .captures(args)?
        .get(1)?
        .as_str()
        .parse()
        .ok()
}

/// A whole-query GraphQL failure: errors, no `data` (a schema or argument error).
fn query_error(kind: &str, message: String) -> ResponseTemplate {
    json_response(
        200,
        &json!({"errors": [{"type": kind, "locations": [{"line": 1, "column": 1}],
            "message": message}]}),
    )
}

impl ServerState {
    /// One page of `organization(login:) { repositories(...) }`, sorted by name.
    pub fn org_listing(&self, query: &str) -> ResponseTemplate {
        self.count(|s| s.graphql_listing += 1);
        let login = self
            .organization_field
            .captures(query)
            .and_then(|c| c.get(1))
            .and_then(|m| serde_json::from_str::<String>(m.as_str()).ok())
            .unwrap_or_default();
        let args = self
            .repositories_args
            .captures(query)
            .and_then(|c| c.get(1))
            .map_or("", |m| m.as_str());
        lock(&self.listing_queries).push(args.to_string());
        let first = match int_arg(args, "first") {
            None => {
                return query_error(
                    "MISSING_PAGINATION_BOUNDARIES",
                    "You must provide a `first` or `last` value to properly paginate the `repositories` connection.".into(),
                )
            }
            Some(n) if n > 100 => {
                return query_error(
                    "EXCESSIVE_PAGINATION",
                    format!("Requesting {n} records on the `repositories` connection exceeds the `first` limit of 100 records."),
                )
            }
            Some(n) => n,
        };
        let after = match string_arg(args, "after").map(|c| name_of_cursor(&c).ok_or(c)) {
            None => None,
            Some(Ok(name)) => Some(name),
            Some(Err(cursor)) => {
                return query_error(
                    "INVALID_CURSOR_ARGUMENTS",
                    format!("`{cursor:?}` does not appear to be a valid cursor."),
                )
            }
        };
        if !login.eq_ignore_ascii_case(&self.org) {
            return json_response(
                200,
                &json!({"data": {"organization": null}, "errors": [{"type": "NOT_FOUND",
                    "path": ["organization"], "locations": [{"line": 1, "column": 1}],
                    "message": format!("Could not resolve to an Organization with the login of '{login}'.")}]}),
            );
        }
        let answer = self.listing_page(first, after.as_deref(), query.contains("rateLimit"));
        json_response(200, &answer)
            .insert_header("x-ratelimit-resource", "graphql")
            .insert_header("x-ratelimit-remaining", "4999")
    }

    /// The answer for `first` repositories after the name `after`.
    fn listing_page(&self, first: usize, after: Option<&str>, rate_limit: bool) -> Value {
        let mut faults = self.graphql_faults();
        let repos = lock(&self.repos);
        let mut order: Vec<(usize, &FakeRepo)> = repos.iter().enumerate().collect();
        order.sort_by_key(|(_, r)| r.name.to_lowercase());
        let total = order.len();
        let rest: Vec<(usize, &FakeRepo)> = order
            .into_iter()
            .filter(|(_, r)| after.is_none_or(|a| r.name.to_lowercase().as_str() > a))
            .collect();
        let has_next = rest.len() > first;
        let mut errors = Vec::new();
        let mut nodes = Vec::new();
        for (k, (pos, repo)) in rest.iter().take(first).enumerate() {
            let node_path = ["organization", "repositories", "nodes"]
                .map(Value::from)
                .into_iter()
                .chain([json!(k)])
                .collect::<Vec<_>>();
            let fault = faults.take(&NodeTarget::Rollup, *pos, &repo.name);
            nodes.push(self.listing_node(repo, &node_path, fault.as_ref(), &mut errors));
        }
        let end_cursor = rest[..first.min(rest.len())]
            .last()
            .map(|(_, r)| cursor_after(&r.name));
        drop(repos);
        self.spend(faults.spent);
        let mut data = json!({"organization": {"repositories": {
            "totalCount": total,
            "pageInfo": {"hasNextPage": has_next, "endCursor": end_cursor},
            "nodes": nodes,
        }}});
        if rate_limit {
            // 1 (repositories) + 100 (one topics connection per repository) requests, / 100.
            data["rateLimit"] =
                json!({"cost": 1, "remaining": 4_999, "resetAt": rfc3339(now_secs() + 3_600)});
        }
        let mut answer = json!({ "data": data });
        if !errors.is_empty() {
            answer["errors"] = Value::Array(errors);
        }
        answer
    }

    /// One repository of the listing.
    fn listing_node(
        &self,
        repo: &FakeRepo,
        node_path: &[Value],
        fault: Option<&crate::NodeFault>,
        errors: &mut Vec<Value>,
    ) -> Value {
        let topics: Vec<Value> = repo
            .topics
            .iter()
            .map(|t| json!({"topic": {"name": t}}))
            .collect();
        json!({
            "name": repo.name,
            "url": format!("https://github.example/{}/{}", self.org, repo.name),
            "isArchived": repo.archived,
            "isFork": repo.fork,
            "isPrivate": repo.visibility != "public",
            "visibility": repo.visibility.to_uppercase(),
            "pushedAt": repo.pushed_at,
            "repositoryTopics": {"nodes": topics},
            "defaultBranchRef": default_branch(repo, node_path, fault, errors),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_opaque_and_round_trip() {
        let cursor = cursor_after("Service-0001");
        assert!(!cursor.contains("service"));
        assert_eq!(name_of_cursor(&cursor).as_deref(), Some("service-0001"));
        assert_eq!(name_of_cursor("not a cursor"), None);
        assert_eq!(int_arg("first: 100, after: \"x\"", "first"), Some(100));
        assert_eq!(
            string_arg("first: 100, after: \"a\\\"b\"", "after").as_deref(),
            Some("a\"b")
        );
    }
}
