//! GraphQL: the organisation's repository listing,
//! `organization(login:) { asc: repositories(first:, after:, orderBy:) { … } desc: … }`, with
//! GitHub's shapes: one or more (aliased) connections per query, each with `totalCount`,
//! `pageInfo { hasNextPage endCursor }` and `nodes`; `orderBy: {field: NAME, direction: ASC}`
//! or `DESC` (no `orderBy`: by name, ascending); opaque keyset cursors that belong to their
//! direction; the `first` limit of 100; and `null` plus a `NOT_FOUND` error for an unknown
//! organisation.
//!
//! Like the rest of the fake it does not parse GraphQL: every node carries the fields a scan
//! asks for (id, name, url, flags, visibility, topics, `pushedAt`, the default branch with its
//! head and rollup), whatever the selection. [`NodeTarget::Rollup`] faults (and
//! [`FakeRepo::ci_error`]) hit the listing's rollups as they hit a repository query's; the
//! other faults ([`NodeTarget::FetchRollup`] included) do not. Changes planned with
//! [`FakeGitHub::change_during_listing`](crate::FakeGitHub::change_during_listing) are made
//! between connections, even between the two of one query, as writes can land between the
//! fields GitHub resolves.

use base64::Engine as _;
use regex::Regex;
use serde_json::{json, Map, Value};
use wiremock::ResponseTemplate;

use crate::faults::NodeTarget;
use crate::graphql::{default_branch, GraphqlFaults};
use crate::responses::{graphql_response, json_response};
use crate::state::{lock, ServerState};
use crate::FakeRepo;

/// What an opaque cursor says: the direction and the position after a repository name
/// (keyset pagination, so repositories created during a listing shift no page).
const CURSOR_PREFIX: &str = "cursor:v3:";

/// A change to the repositories made while a listing is served.
pub(crate) type ListingChange = Box<dyn FnOnce(&mut Vec<FakeRepo>) + Send>;

/// The cursor after the repository `name` in a listing in the direction `descending`.
fn cursor_after(name: &str, descending: bool) -> String {
    let direction = if descending { "desc" } else { "asc" };
    base64::engine::general_purpose::STANDARD.encode(format!(
        "{CURSOR_PREFIX}{direction}:{}",
        name.to_lowercase()
    ))
}

/// The direction and repository name a cursor points after, or `None` for one GitHub did
/// not issue.
fn read_cursor(cursor: &str) -> Option<(bool, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let rest = text.strip_prefix(CURSOR_PREFIX)?;
    if let Some(name) = rest.strip_prefix("asc:") {
        Some((false, name.to_string()))
    } else {
        rest.strip_prefix("desc:")
            .map(|name| (true, name.to_string()))
    }
}

/// A string argument `name: "…"` of `args`.
pub(crate) fn string_arg(args: &str, name: &str) -> Option<String> {
    let pattern = format!(r#"\b{name}\s*:\s*("(?:[^"\\]|\\.)*")"#);
    let found = Regex::new(&pattern).ok()?.captures(args)?.get(1)?;
    serde_json::from_str(found.as_str()).ok()
}

/// An integer argument `name: N` of `args`.
pub(crate) fn int_arg(args: &str, name: &str) -> Option<usize> {
    let pattern = format!(r"\b{name}\s*:\s*(\d+)");
    Regex::new(&pattern)
        .ok()?
        .captures(args)?
        .get(1)?
        .as_str()
        .parse()
        .ok()
}

/// An enum argument `name: VALUE` of `args` (also inside an input object).
fn enum_arg<'a>(args: &'a str, name: &str) -> Option<&'a str> {
    let pattern = format!(r"\b{name}\s*:\s*([A-Z_]+)");
    Some(Regex::new(&pattern).ok()?.captures(args)?.get(1)?.as_str())
}

/// A whole-query GraphQL failure: errors, no `data` (a schema or argument error).
pub(crate) fn query_error(kind: &str, message: String) -> ResponseTemplate {
    json_response(
        200,
        &json!({"errors": [{"type": kind, "locations": [{"line": 1, "column": 1}],
            "message": message}]}),
    )
}

/// One `alias: repositories(...)` connection of a listing query, its arguments checked.
struct Connection {
    /// The answer's key: the alias, or `repositories`.
    key: String,
    first: usize,
    descending: bool,
    /// The lower-cased name the page starts after.
    after: Option<String>,
}

impl Connection {
    /// The connection `args` asks for, or the error (type, message) GitHub would answer the
    /// whole query with.
    fn parse(key: String, args: &str) -> Result<Connection, (&'static str, String)> {
        let first = match int_arg(args, "first") {
            None => {
                return Err((
                    "MISSING_PAGINATION_BOUNDARIES",
                    "You must provide a `first` or `last` value to properly paginate the `repositories` connection.".into(),
                ))
            }
            Some(n) if n > 100 => {
                return Err((
                    "EXCESSIVE_PAGINATION",
                    format!("Requesting {n} records on the `repositories` connection exceeds the `first` limit of 100 records."),
                ))
            }
            Some(n) => n,
        };
        if enum_arg(args, "field").is_some_and(|f| f != "NAME") {
            // GitHub would order by it; the fake cannot, and says so rather than answer wrong.
            return Err((
                "UNSUPPORTED_BY_FAKE",
                "the fake GitHub orders repositories by NAME only".into(),
            ));
        }
        let descending = enum_arg(args, "direction") == Some("DESC");
        let after = match string_arg(args, "after") {
            None => None,
            Some(cursor) => match read_cursor(&cursor) {
                Some((direction, name)) if direction == descending => Some(name),
                _ => {
                    return Err((
                        "INVALID_CURSOR_ARGUMENTS",
                        format!("`{cursor:?}` does not appear to be a valid cursor."),
                    ))
                }
            },
        };
        Ok(Connection {
            key,
            first,
            descending,
            after,
        })
    }

    /// Whether the lower-cased `name` comes after the cursor in this direction.
    fn is_after_cursor(&self, name: &str) -> bool {
        match &self.after {
            None => true,
            Some(after) if self.descending => name < after.as_str(),
            Some(after) => name > after.as_str(),
        }
    }
}

impl ServerState {
    /// A listing query: every `repositories(...)` connection of it, sorted by name.
    pub fn org_listing(&self, query: &str) -> ResponseTemplate {
        self.count(|s| s.graphql_listing += 1);
        let login = self
            .organization_field
            .captures(query)
            .and_then(|c| c.get(1))
            .and_then(|m| serde_json::from_str::<String>(m.as_str()).ok())
            .unwrap_or_default();
        let mut connections = Vec::new();
        for cap in self.repositories_args.captures_iter(query) {
            let key = cap
                .get(1)
                .map_or("repositories", |m| m.as_str())
                .to_string();
            let args = cap.get(2).map_or("", |m| m.as_str());
            lock(&self.listing_queries).push(args.to_string());
            match Connection::parse(key, args) {
                Ok(connection) => connections.push(connection),
                Err((kind, message)) => return query_error(kind, message),
            }
        }
        if !login.eq_ignore_ascii_case(&self.org) {
            return json_response(
                200,
                &json!({"data": {"organization": null}, "errors": [{"type": "NOT_FOUND",
                    "path": ["organization"], "locations": [{"line": 1, "column": 1}],
                    "message": format!("Could not resolve to an Organization with the login of '{login}'.")}]}),
            );
        }
        let mut faults = self.graphql_faults();
        let mut errors = Vec::new();
        let mut organization = Map::new();
        for connection in &connections {
            let page = self.listing_page(connection, &mut faults, &mut errors);
            organization.insert(connection.key.clone(), page);
            self.apply_listing_changes();
        }
        self.spend(std::mem::take(&mut faults.spent));
        let data = Map::from_iter([("organization".to_string(), Value::Object(organization))]);
        // Per connection 1 (repositories) + 100 (a topics connection per repository)
        // requests; the sum / 100.
        graphql_response(data, errors, query, connections.len())
    }

    /// One connection's page: `first` repositories after its cursor, in its direction.
    fn listing_page(
        &self,
        connection: &Connection,
        faults: &mut GraphqlFaults,
        errors: &mut Vec<Value>,
    ) -> Value {
        let repos = lock(&self.repos);
        let mut order: Vec<(usize, &FakeRepo)> = repos.iter().enumerate().collect();
        order.sort_by_key(|(_, r)| r.name.to_lowercase());
        if connection.descending {
            order.reverse();
        }
        let total = order.len();
        let rest: Vec<(usize, &FakeRepo)> = order
            .into_iter()
            .filter(|(_, r)| connection.is_after_cursor(&r.name.to_lowercase()))
            .collect();
        let page = &rest[..connection.first.min(rest.len())];
        let mut nodes = Vec::new();
        for (k, (pos, repo)) in page.iter().enumerate() {
            let node_path = [
                json!("organization"),
                json!(connection.key),
                json!("nodes"),
                json!(k),
            ];
            let fault = faults.take(&NodeTarget::Rollup, *pos, &repo.name);
            nodes.push(self.listing_node(repo, &node_path, fault.as_ref(), errors));
        }
        let end_cursor = page
            .last()
            .map(|(_, r)| cursor_after(&r.name, connection.descending));
        json!({
            "totalCount": total,
            "pageInfo": {"hasNextPage": rest.len() > page.len(), "endCursor": end_cursor},
            "nodes": nodes,
        })
    }

    /// Counts a connection answered and makes the changes planned after it.
    fn apply_listing_changes(&self) {
        let served = {
            let mut served = lock(&self.listing_connections);
            *served += 1;
            *served
        };
        let changes = lock(&self.listing_changes)
            .remove(&served)
            .unwrap_or_default();
        let mut repos = lock(&self.repos);
        for change in changes {
            change(&mut repos);
        }
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
            "id": repo.node_id,
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
    fn cursors_are_opaque_and_round_trip_with_their_direction() {
        let cursor = cursor_after("Service-0001", false);
        assert!(!cursor.contains("service"));
        assert_eq!(read_cursor(&cursor), Some((false, "service-0001".into())));
        let cursor = cursor_after("Service-0001", true);
        assert_eq!(read_cursor(&cursor), Some((true, "service-0001".into())));
        assert_eq!(read_cursor("not a cursor"), None);
        assert_eq!(int_arg("first: 100, after: \"x\"", "first"), Some(100));
        assert_eq!(
            string_arg("first: 100, after: \"a\\\"b\"", "after").as_deref(),
            Some("a\"b")
        );
        let args = "first: 100, orderBy: {field: NAME, direction: DESC}";
        assert_eq!(enum_arg(args, "field"), Some("NAME"));
        assert_eq!(enum_arg(args, "direction"), Some("DESC"));
    }

    #[test]
    fn a_cursor_of_the_other_direction_is_refused() {
        let ascending = cursor_after("b", false);
        let args =
            format!("first: 2, after: {ascending:?}, orderBy: {{field: NAME, direction: DESC}}");
        assert!(Connection::parse("desc".into(), &args).is_err());
        let args =
            format!("first: 2, after: {ascending:?}, orderBy: {{field: NAME, direction: ASC}}");
        let connection = Connection::parse("asc".into(), &args).expect("valid");
        assert!(connection.is_after_cursor("c") && !connection.is_after_cursor("a"));
        assert!(Connection::parse("x".into(), "first: 101").is_err());
        assert!(Connection::parse("x".into(), "after: null").is_err());
    }
}
