//! GraphQL: `repository(owner:, name:)` fields with `defaultBranchRef` and
//! `object(expression: "HEAD:path")` look-ups, found by pattern in the query text (the fake
//! does not parse GraphQL), answered from the fake repositories.

use std::collections::{BTreeSet, HashMap};

use regex::Captures;
use serde_json::{json, Map, Value};
use wiremock::{Request, ResponseTemplate};
use yardstick::util::fnv::fnv1a_64;

use crate::dates::{now_secs, rfc3339};
use crate::responses::{error_response, json_response};
use crate::state::{lock, ServerState};
use crate::FakeRepo;

/// One `alias: repository(owner: ..., name: ...)` field of a query.
struct RepositoryField<'q> {
    alias: String,
    owner: String,
    name: String,
    /// The query text up to the next repository field: this field's selections.
    selections: &'q str,
}

impl<'q> RepositoryField<'q> {
    /// The field `cap` matched; `next` is the following repository field's match, if any.
    fn parse(
        query: &'q str,
        cap: &Captures<'q>,
        next: Option<&Captures<'q>>,
    ) -> Option<RepositoryField<'q>> {
        let (Some(whole), Some(alias), Some(owner), Some(name)) =
            (cap.get(0), cap.get(1), cap.get(2), cap.get(3))
        else {
            return None;
        };
        let end = next
            .and_then(|c| c.get(0))
            .map_or(query.len(), |m| m.start());
        Some(RepositoryField {
            alias: alias.as_str().to_string(),
            owner: serde_json::from_str(owner.as_str()).unwrap_or_default(),
            name: serde_json::from_str(name.as_str()).unwrap_or_default(),
            selections: &query[whole.end()..end],
        })
    }
}

/// What the fault plan says about GraphQL answers.
struct GraphqlFaults {
    node_errors: BTreeSet<String>,
    top_level_error: Option<String>,
}

impl ServerState {
    /// `POST /graphql`: every repository field answered, plus `rateLimit` when asked.
    pub fn graphql(&self, req: &Request) -> ResponseTemplate {
        let query = match graphql_query(req) {
            Ok(query) => query,
            Err(problem) => {
                self.count(|s| s.other += 1);
                return error_response(400, problem);
            }
        };
        let repos = lock(&self.repos);
        let index: HashMap<String, &FakeRepo> = repos
            .iter()
            .map(|r| (r.name.to_ascii_lowercase(), r))
            .collect();
        let node_errors = lock(&self.faults).node_errors.clone();
        let top_level_error = lock(&self.faults).top_level_error.clone();
        let faults = GraphqlFaults {
            node_errors,
            top_level_error,
        };
        let matches: Vec<_> = self.repository_field.captures_iter(&query).collect();
        let mut data = Map::new();
        let mut errors = Vec::new();
        for (k, cap) in matches.iter().enumerate() {
            let Some(field) = RepositoryField::parse(&query, cap, matches.get(k + 1)) else {
                continue;
            };
            let repo = if field.owner.eq_ignore_ascii_case(&self.org) {
                index.get(&field.name.to_ascii_lowercase()).copied()
            } else {
                None
            };
            let node = self.repository_node(&field, repo, &faults, &mut errors);
            data.insert(field.alias, node);
        }
        drop(repos);
        let count = matches.len() as u64;
        if query.contains("rateLimit") {
            data.insert(
                "rateLimit".into(),
                json!({"cost": 1, "remaining": 4_999, "resetAt": rfc3339(now_secs() + 3_600)}),
            );
        }
        self.count(|s| {
            s.graphql += 1;
            s.graphql_repos += count;
        });
        if let Some(message) = faults.top_level_error {
            errors.push(json!({"message": message, "locations": [{"line": 1, "column": 1}]}));
        }
        let mut answer = json!({"data": Value::Object(data)});
        if !errors.is_empty() {
            answer["errors"] = Value::Array(errors);
        }
        json_response(200, &answer)
            .insert_header("x-ratelimit-resource", "graphql")
            .insert_header("x-ratelimit-remaining", "4999")
    }

    /// One repository field's value; `null` (with an error in `errors`, unless the whole
    /// query fails) for a faulted or unknown repository.
    fn repository_node(
        &self,
        field: &RepositoryField<'_>,
        repo: Option<&FakeRepo>,
        faults: &GraphqlFaults,
        errors: &mut Vec<Value>,
    ) -> Value {
        let (alias, owner, name) = (&field.alias, &field.owner, &field.name);
        if faults.top_level_error.is_some() {
            return Value::Null;
        }
        if faults.node_errors.contains(name) {
            errors.push(json!({"type": "FORBIDDEN", "path": [alias],
                "locations": [{"line": 1, "column": 1}],
                "message": format!("Resource not accessible by integration ({owner}/{name})")}));
            return Value::Null;
        }
        let Some(repo) = repo else {
            errors.push(json!({"type": "NOT_FOUND", "path": [alias],
                "locations": [{"line": 1, "column": 1}],
                "message": format!("Could not resolve to a Repository with the name '{owner}/{name}'.")}));
            return Value::Null;
        };
        let mut node = Map::new();
        if field.selections.contains("defaultBranchRef") {
            node.insert(
                "defaultBranchRef".into(),
                default_branch(repo, alias, errors),
            );
        }
        for obj in self.object_field.captures_iter(field.selections) {
            let (Some(object_alias), Some(expr)) = (obj.get(1), obj.get(2)) else {
                continue;
            };
            let expr: String = serde_json::from_str(expr.as_str()).unwrap_or_default();
            node.insert(object_alias.as_str().to_string(), object(repo, &expr));
        }
        Value::Object(node)
    }
}

/// The request's `query` text, or why GitHub would answer `400`.
fn graphql_query(req: &Request) -> Result<String, &'static str> {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return Err("Problems parsing JSON");
    };
    match body.get("query").and_then(Value::as_str) {
        Some(query) => Ok(query.to_string()),
        None => Err("A query attribute must be specified and must be a string."),
    }
}

/// `defaultBranchRef`: `null` for an empty repository, else `main` with a head commit whose
/// id changes with every push or CI change.
fn default_branch(repo: &FakeRepo, alias: &str, errors: &mut Vec<Value>) -> Value {
    if repo.empty {
        return Value::Null;
    }
    let oid = format!(
        "{:016x}{:016x}{:08x}",
        fnv1a_64(repo.name.as_bytes()),
        fnv1a_64(repo.pushed_at.as_bytes()),
        fnv1a_64(format!("{:?}", repo.ci).as_bytes()) as u32
    );
    let rollup = if repo.ci_error {
        errors.push(json!({"type": "FORBIDDEN",
            "path": [alias, "defaultBranchRef", "target", "statusCheckRollup"],
            "locations": [{"line": 1, "column": 1}],
            "message": "Resource not accessible by integration"}));
        Value::Null
    } else {
        repo.ci.rollup()
    };
    json!({"name": "main", "target": {"__typename": "Commit", "oid": oid,
        "statusCheckRollup": rollup}})
}

/// `object(expression: "HEAD:path")`: a submodule, a blob, a tree, or `null`.
fn object(repo: &FakeRepo, expr: &str) -> Value {
    let Some(path) = expr.strip_prefix("HEAD:").filter(|_| !repo.empty) else {
        return Value::Null;
    };
    let path = path.trim_matches('/');
    if repo.submodules.contains(path) {
        json!({"__typename": "Commit"})
    } else if repo.binary.contains(path) {
        json!({"__typename": "Blob", "text": null, "isTruncated": false,
            "isBinary": true, "byteSize": 1_024})
    } else if let Some(text) = repo.files.get(path) {
        json!({"__typename": "Blob", "text": text, "isTruncated": false,
            "isBinary": false, "byteSize": text.len()})
    } else if path.is_empty()
        || repo
            .files
            .keys()
            .any(|f| f.starts_with(&format!("{path}/")))
    {
        json!({"__typename": "Tree"})
    } else {
        Value::Null
    }
}
