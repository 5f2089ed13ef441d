//! The organisation's teams and members, an owner source: read with GraphQL
//! (`organization { teams membersWithRole }`, a page of 100 of each per request, until both
//! end) and cached in the state directory for a day.
//!
//! A token without the organisation's Members read permission (a workflow's `GITHUB_TOKEN`)
//! gets either a `FORBIDDEN` error on the connections or empty ones; both are
//! [`OrgPeople::Unavailable`], never cached. A read that fails after retries is
//! [`OrgPeople::Failed`], never cached either (and never read as "no teams").

use std::collections::HashSet;

use serde_json::Value;

use super::graphql::{post_query, GraphqlAnswer};
use super::query::gql_string;
use crate::client::Client;
use crate::state::StateDir;
use crate::{OrgPeople, OrgPeopleRead, ScanError};

/// Requests made at most (up to 100 teams and 100 members each).
const MAX_REQUESTS: u32 = 10_000;

/// One connection being paged.
struct Paging {
    field: &'static str,
    node_key: &'static str,
    /// `None` before the first page.
    cursor: Option<String>,
    done: bool,
    names: Vec<String>,
}

impl Paging {
    fn new(field: &'static str, node_key: &'static str) -> Paging {
        Paging {
            field,
            node_key,
            cursor: None,
            done: false,
            names: Vec::new(),
        }
    }
}

/// The teams and members: from a cache younger than a day, else read (and cached when read).
pub(super) async fn org_people(
    client: &Client,
    org: &str,
    state: Option<&mut StateDir>,
) -> Result<OrgPeople, ScanError> {
    if let Some(cached) = state.as_deref().and_then(StateDir::fresh_people) {
        return Ok(OrgPeople::Read(OrgPeopleRead {
            cached: true,
            ..cached
        }));
    }
    let people = read_people(client, org).await?;
    if let (OrgPeople::Read(read), Some(state)) = (&people, state) {
        state.save_people(read)?;
    }
    Ok(people)
}

/// Reads both connections, a page of each per request.
async fn read_people(client: &Client, org: &str) -> Result<OrgPeople, ScanError> {
    let mut teams = Paging::new("teams", "slug");
    let mut members = Paging::new("membersWithRole", "login");
    let mut seen = HashSet::new();
    for _ in 0..MAX_REQUESTS {
        let mut pending: Vec<&mut Paging> = [&mut teams, &mut members]
            .into_iter()
            .filter(|p| !p.done)
            .collect();
        if pending.is_empty() {
            break;
        }
        let query = people_query(org, &pending);
        let answer = post_query(client, &query, client.policy.max_retries).await?;
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) => return Ok(failed(client, &e.to_string())),
        };
        if let Some(reason) = forbidden(&answer) {
            return Ok(OrgPeople::Unavailable(client.redact(&reason)));
        }
        if let Some(error) = answer.errors.first() {
            return Ok(failed(client, &describe(error)));
        }
        for paging in pending.iter_mut() {
            match read_page(&answer, paging) {
                Ok(true) => {}
                Ok(false) => {
                    return Ok(OrgPeople::Unavailable(format!(
                        "GitHub answered no `{}` connection",
                        paging.field
                    )))
                }
                Err(message) => return Ok(failed(client, &message)),
            }
            if let Some(cursor) = &paging.cursor {
                if !paging.done && !seen.insert((paging.field, cursor.clone())) {
                    return Ok(failed(client, "the pagination loops"));
                }
            }
        }
    }
    if !(teams.done && members.done) {
        return Ok(failed(client, "more pages than any organisation has"));
    }
    if members.names.is_empty() {
        // Every organisation has an owner: none listed means the token cannot see them.
        return Ok(OrgPeople::Unavailable(
            "GitHub listed no members, which the token cannot see".into(),
        ));
    }
    Ok(OrgPeople::Read(OrgPeopleRead {
        teams: teams.names,
        members: members.names,
        cached: false,
    }))
}

/// A request for the next page of each pending connection. Cost: 1 point (no nested
/// connections).
fn people_query(org: &str, pending: &[&mut Paging]) -> String {
    let connections: String = pending
        .iter()
        .map(|p| {
            format!(
                "    {field}(first: 100, after: {after}) {{ totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {key} }} }}\n",
                field = p.field,
                after = p.cursor.as_deref().map_or_else(|| "null".to_string(), gql_string),
                key = p.node_key,
            )
        })
        .collect();
    format!(
        "query {{\n  rateLimit {{ cost remaining resetAt }}\n  organization(login: {org}) {{\n{connections}  }}\n}}\n",
        org = gql_string(org)
    )
}

/// Why the token may not read the teams or members, if that is what the errors say.
fn forbidden(answer: &GraphqlAnswer) -> Option<String> {
    answer
        .errors
        .iter()
        .find(|e| {
            e.get("type").and_then(Value::as_str) == Some("FORBIDDEN")
                || e.get("message")
                    .and_then(Value::as_str)
                    .is_some_and(|m| m.contains("not accessible by"))
        })
        .map(describe)
}

/// Adds one page of `paging`'s connection; `Ok(false)` when the answer has no such
/// connection (`null` without an error).
fn read_page(answer: &GraphqlAnswer, paging: &mut Paging) -> Result<bool, String> {
    let Some(connection) = answer
        .data
        .get("organization")
        .and_then(|o| o.get(paging.field))
        .filter(|c| c.is_object())
    else {
        return Ok(false);
    };
    let nodes = connection
        .get("nodes")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("no {}.nodes in the answer", paging.field))?;
    for node in nodes {
        let name = node
            .get(paging.node_key)
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("a {} node without a {}", paging.field, paging.node_key))?;
        paging.names.push(name.to_string());
    }
    let page_info = connection.get("pageInfo");
    let flag = |key: &str| page_info.and_then(|p| p.get(key));
    match flag("hasNextPage").and_then(Value::as_bool) {
        Some(true) => {
            let cursor = flag("endCursor")
                .and_then(Value::as_str)
                .ok_or("hasNextPage without an endCursor")?;
            paging.cursor = Some(cursor.to_string());
        }
        Some(false) => paging.done = true,
        None => {
            return Err(format!(
                "no {}.pageInfo.hasNextPage in the answer",
                paging.field
            ))
        }
    }
    Ok(true)
}

/// A GraphQL error as `TYPE: message`.
fn describe(error: &Value) -> String {
    let text = |key: &str| error.get(key).and_then(Value::as_str).unwrap_or("");
    let kind = if text("type").is_empty() {
        "ERROR"
    } else {
        text("type")
    };
    format!("GitHub GraphQL {kind}: {}", text("message"))
}

fn failed(client: &Client, message: &str) -> OrgPeople {
    OrgPeople::Failed(client.redact(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_query_asks_only_for_pending_connections_after_their_cursors() {
        let mut teams = Paging::new("teams", "slug");
        teams.cursor = Some("Y3Vy".into());
        let query = people_query("acme", &[&mut teams]);
        assert!(query.contains("organization(login: \"acme\")"), "{query}");
        assert!(
            query.contains("teams(first: 100, after: \"Y3Vy\")"),
            "{query}"
        );
        assert!(!query.contains("membersWithRole"), "{query}");
    }

    #[test]
    fn forbidden_and_missing_connections_are_told_apart_from_pages() {
        let forbidden_answer = GraphqlAnswer {
            data: json!({"organization": {"teams": null}}),
            errors: vec![
                json!({"type": "FORBIDDEN", "path": ["organization", "teams"],
                "message": "Resource not accessible by integration"}),
            ],
        };
        assert_eq!(
            forbidden(&forbidden_answer).as_deref(),
            Some("GitHub GraphQL FORBIDDEN: Resource not accessible by integration")
        );
        let mut teams = Paging::new("teams", "slug");
        assert_eq!(read_page(&forbidden_answer, &mut teams), Ok(false));
        let page = GraphqlAnswer {
            data: json!({"organization": {"teams": {"totalCount": 2,
                "pageInfo": {"hasNextPage": true, "endCursor": "c1"},
                "nodes": [{"slug": "web"}, {"slug": "data"}]}}}),
            errors: vec![],
        };
        assert_eq!(read_page(&page, &mut teams), Ok(true));
        assert_eq!(teams.names, ["web", "data"]);
        assert_eq!((teams.cursor.as_deref(), teams.done), (Some("c1"), false));
        let broken = GraphqlAnswer {
            data: json!({"organization": {"teams": {"nodes": [{"slug": "x"}]}}}),
            errors: vec![],
        };
        assert!(read_page(&broken, &mut teams).is_err());
    }
}
