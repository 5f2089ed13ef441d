//! GraphQL: the organisation's teams and members, `organization(login:) { teams(first:,
//! after:) { … } membersWithRole(first:, after:) { … } }`, each connection with
//! `totalCount`, `pageInfo { hasNextPage endCursor }` and `nodes` (`slug` of a team, `login`
//! of a member), the `first` limit of 100 and opaque cursors. How a token without the
//! organisation's Members read permission is answered is set by [`PeopleAccess`].

use base64::Engine as _;
use regex::Regex;
use serde_json::{json, Map, Value};
use wiremock::ResponseTemplate;

use crate::org_listing::{int_arg, query_error, string_arg};
use crate::responses::graphql_response;
use crate::state::{lock, ServerState};

/// What a token sees of the organisation's teams and members.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PeopleAccess {
    /// Everything (a token or App with the organisation's Members read permission).
    #[default]
    Granted,
    /// Each connection `null`, with a `FORBIDDEN` "Resource not accessible by integration"
    /// error on it, as GitHub answers an installation token without the permission.
    Forbidden,
    /// Empty connections and no error, as GitHub shows an organisation's people to a token
    /// that may read the organisation but not its members.
    Hidden,
}

/// The two connections a people query may ask for: (field, node key).
const CONNECTIONS: [(&str, &str); 2] = [("teams", "slug"), ("membersWithRole", "login")];

/// The cursor after the `index`-th node of `field`.
fn cursor_after(field: &str, index: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("people:v1:{field}:{index}"))
}

/// The position a cursor of `field` points after, or `None` for one GitHub did not issue.
fn read_cursor(field: &str, cursor: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(&format!("people:v1:{field}:"))?
        .parse()
        .ok()
}

/// Whether a query asks for teams or members (and so is not a repository listing).
pub(crate) fn is_people_query(query: &str) -> bool {
    CONNECTIONS
        .iter()
        .any(|(field, _)| field_args(query, field).is_some())
}

/// The arguments of `field(...)` in `query`.
fn field_args(query: &str, field: &str) -> Option<String> {
    let pattern = format!(r"\b{field}\s*\(([^)]*)\)");
    Regex::new(&pattern)
        .ok()?
        .captures(query)?
        .get(1)
        .map(|m| m.as_str().to_string())
}

impl ServerState {
    /// A people query: every connection it asks for, a page each.
    pub fn org_people(&self, query: &str) -> ResponseTemplate {
        self.count(|s| s.graphql_people += 1);
        let mut organization = Map::new();
        let mut errors = Vec::new();
        for (field, key) in CONNECTIONS {
            let Some(args) = field_args(query, field) else {
                continue;
            };
            let first = match int_arg(&args, "first") {
                None => {
                    return query_error(
                        "MISSING_PAGINATION_BOUNDARIES",
                        format!("You must provide a `first` or `last` value to properly paginate the `{field}` connection."),
                    )
                }
                Some(n) if n > 100 => {
                    return query_error(
                        "EXCESSIVE_PAGINATION",
                        format!("Requesting {n} records on the `{field}` connection exceeds the `first` limit of 100 records."),
                    )
                }
                Some(n) => n,
            };
            let start = match string_arg(&args, "after") {
                None => 0,
                Some(cursor) => match read_cursor(field, &cursor) {
                    Some(index) => index + 1,
                    None => {
                        return query_error(
                            "INVALID_CURSOR_ARGUMENTS",
                            format!("`{cursor:?}` does not appear to be a valid cursor."),
                        )
                    }
                },
            };
            let value = match self.people_access {
                PeopleAccess::Forbidden => {
                    errors.push(json!({"type": "FORBIDDEN", "path": ["organization", field],
                        "locations": [{"line": 1, "column": 1}],
                        "message": "Resource not accessible by integration"}));
                    Value::Null
                }
                PeopleAccess::Hidden => page(key, field, &[], 0, first),
                PeopleAccess::Granted => {
                    let names = if field == "teams" {
                        lock(&self.teams).clone()
                    } else {
                        lock(&self.members).clone()
                    };
                    page(key, field, &names, start, first)
                }
            };
            organization.insert(field.to_string(), value);
        }
        let data = Map::from_iter([("organization".to_string(), Value::Object(organization))]);
        graphql_response(data, errors, query, 1)
    }
}

/// `first` of `names` from `start`, as a connection whose nodes carry `key`.
fn page(key: &str, field: &str, names: &[String], start: usize, first: usize) -> Value {
    let rest = names.get(start..).unwrap_or_default();
    let shown = &rest[..first.min(rest.len())];
    let nodes: Vec<Value> = shown.iter().map(|name| json!({ key: name })).collect();
    let end_cursor = (!shown.is_empty()).then(|| cursor_after(field, start + shown.len() - 1));
    json!({
        "totalCount": names.len(),
        "pageInfo": {"hasNextPage": rest.len() > shown.len(), "endCursor": end_cursor},
        "nodes": nodes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_belong_to_their_connection() {
        let cursor = cursor_after("teams", 99);
        assert_eq!(read_cursor("teams", &cursor), Some(99));
        assert_eq!(read_cursor("membersWithRole", &cursor), None);
        assert!(is_people_query(
            "organization(login: \"a\") { teams(first: 100) { nodes { slug } } }"
        ));
        assert!(!is_people_query(
            "organization(login: \"a\") { asc: repositories(first: 100) { totalCount } }"
        ));
    }

    #[test]
    fn pages_end_where_the_names_do() {
        let names: Vec<String> = (0..3).map(|i| format!("t{i}")).collect();
        let first = page("slug", "teams", &names, 0, 2);
        assert_eq!(first["pageInfo"]["hasNextPage"], true);
        assert_eq!(first["nodes"][1]["slug"], "t1");
        let last = page("slug", "teams", &names, 2, 2);
        assert_eq!(last["pageInfo"]["hasNextPage"], false);
        assert_eq!(last["nodes"].as_array().map(Vec::len), Some(1));
        assert_eq!(last["totalCount"], 3);
    }
}
