//! GraphQL: `repository(owner:, name:)` fields with `defaultBranchRef` and
//! `object(expression: "HEAD:path")` look-ups, found by pattern in the query text (the fake
//! does not parse GraphQL), answered from the fake repositories.

use std::collections::{BTreeSet, HashMap};

use regex::Captures;
use serde_json::{json, Map, Value};
use wiremock::{Request, ResponseTemplate};

use crate::faults::{fault_response, NodeFault, NodeTarget};
use crate::responses::{error_response, graphql_response};
use crate::state::{lock, ServerState};
use crate::{FakeRepo, Fault};

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
pub(crate) struct GraphqlFaults {
    node_errors: BTreeSet<String>,
    top_level_error: Option<String>,
    /// Node faults not spent, with their index in the plan.
    node: Vec<(usize, NodeFault)>,
    /// Fail-once node faults served by this answer.
    pub(crate) spent: Vec<(usize, String)>,
}

impl GraphqlFaults {
    /// The first node fault on `target` that hits the repository at `pos`, marked spent when
    /// it fails once.
    pub(crate) fn take(
        &mut self,
        target: &NodeTarget,
        pos: usize,
        name: &str,
    ) -> Option<NodeFault> {
        let (index, fault) = self
            .node
            .iter()
            .find(|(i, f)| {
                &f.target == target
                    && f.hits(pos, name)
                    && !self.spent.contains(&(*i, name.to_string()))
            })
            .cloned()?;
        if fault.once {
            self.spent.push((index, name.to_string()));
        }
        Some(fault)
    }
}

/// A GraphQL error at `path`.
pub(crate) fn node_error(fault: &NodeFault, path: Value) -> Value {
    json!({"type": fault.error_type, "path": path,
        "locations": [{"line": 1, "column": 1}], "message": fault.message})
}

impl ServerState {
    /// `POST /graphql`: the organisation's repository listing (see `org_listing`), or every
    /// repository field answered, plus `rateLimit` when asked.
    pub fn graphql(&self, req: &Request) -> ResponseTemplate {
        let query = match graphql_query(req) {
            Ok(query) => query,
            Err(problem) => {
                self.count(|s| s.other += 1);
                return error_response(400, problem);
            }
        };
        if self.organization_field.is_match(&query) {
            if crate::org_people::is_people_query(&query) {
                return self.org_people(&query);
            }
            return self.org_listing(&query);
        }
        let repos = lock(&self.repos);
        let index: HashMap<String, (usize, &FakeRepo)> = repos
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.to_ascii_lowercase(), (i, r)))
            .collect();
        let mut faults = self.graphql_faults();
        let matches: Vec<_> = self.repository_field.captures_iter(&query).collect();
        let fields: Vec<_> = matches
            .iter()
            .enumerate()
            .filter_map(|(k, cap)| RepositoryField::parse(&query, cap, matches.get(k + 1)))
            .map(|field| {
                let repo = if field.owner.eq_ignore_ascii_case(&self.org) {
                    index.get(&field.name.to_ascii_lowercase()).copied()
                } else {
                    None
                };
                (field, repo)
            })
            .collect();
        let count = matches.len() as u64;
        // A repository that poisons its query: the whole answer is a 502.
        let poisoned = fields.iter().any(|(_, repo)| {
            repo.is_some_and(|(pos, r)| {
                faults.take(&NodeTarget::WholeQuery, pos, &r.name).is_some()
            })
        });
        if poisoned {
            drop(repos);
            self.spend(faults.spent);
            self.count(|s| {
                s.graphql += 1;
                s.graphql_repos += count;
            });
            return fault_response(Fault::BadGateway);
        }
        let mut data = Map::new();
        let mut errors = Vec::new();
        for (field, repo) in fields {
            let node = self.repository_node(&field, repo, &mut faults, &mut errors);
            data.insert(field.alias, node);
        }
        drop(repos);
        self.spend(std::mem::take(&mut faults.spent));
        self.count(|s| {
            s.graphql += 1;
            s.graphql_repos += count;
        });
        if let Some(message) = faults.top_level_error {
            errors.push(json!({"message": message, "locations": [{"line": 1, "column": 1}]}));
        }
        graphql_response(data, errors, &query, 1)
    }

    /// The fault plan's GraphQL part, as it stands.
    pub(crate) fn graphql_faults(&self) -> GraphqlFaults {
        let plan = lock(&self.faults);
        GraphqlFaults {
            node_errors: plan.node_errors.clone(),
            top_level_error: plan.top_level_error.clone(),
            node: plan.node_faults.iter().cloned().enumerate().collect(),
            spent: plan.node_faults_spent.iter().cloned().collect(),
        }
    }

    /// Records the fail-once node faults served.
    pub(crate) fn spend(&self, spent: Vec<(usize, String)>) {
        lock(&self.faults).node_faults_spent.extend(spent);
    }

    /// One repository field's value; `null` (with an error in `errors`, unless the whole
    /// query fails) for a faulted or unknown repository.
    fn repository_node(
        &self,
        field: &RepositoryField<'_>,
        repo: Option<(usize, &FakeRepo)>,
        faults: &mut GraphqlFaults,
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
        if let Some((pos, r)) = repo {
            if let Some(fault) = faults.take(&NodeTarget::Repository, pos, &r.name) {
                errors.push(node_error(&fault, json!([alias])));
                return Value::Null;
            }
        }
        let Some((pos, repo)) = repo else {
            errors.push(json!({"type": "NOT_FOUND", "path": [alias],
                "locations": [{"line": 1, "column": 1}],
                "message": format!("Could not resolve to a Repository with the name '{owner}/{name}'.")}));
            return Value::Null;
        };
        let mut node = Map::new();
        if field.selections.contains("defaultBranchRef") {
            let rollup_fault = field
                .selections
                .contains("statusCheckRollup")
                .then(|| {
                    faults
                        .take(&NodeTarget::Rollup, pos, &repo.name)
                        .or_else(|| faults.take(&NodeTarget::FetchRollup, pos, &repo.name))
                })
                .flatten();
            node.insert(
                "defaultBranchRef".into(),
                default_branch(repo, &[json!(alias)], rollup_fault.as_ref(), errors),
            );
        }
        for obj in self.object_field.captures_iter(field.selections) {
            let (Some(object_alias), Some(expr)) = (obj.get(1), obj.get(2)) else {
                continue;
            };
            let expr: String = serde_json::from_str(expr.as_str()).unwrap_or_default();
            let target = NodeTarget::Object(expr.trim_start_matches("HEAD:").to_string());
            let value = match faults.take(&target, pos, &repo.name) {
                Some(fault) => {
                    errors.push(node_error(&fault, json!([alias, object_alias.as_str()])));
                    Value::Null
                }
                None => object(repo, &expr),
            };
            node.insert(object_alias.as_str().to_string(), value);
        }
        Value::Object(node)
    }
}

/// The request's `query` text, or why GitHub would answer `400`.
pub(crate) fn graphql_query(req: &Request) -> Result<String, &'static str> {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return Err("Problems parsing JSON");
    };
    match body.get("query").and_then(Value::as_str) {
        Some(query) => Ok(query.to_string()),
        None => Err("A query attribute must be specified and must be a string."),
    }
}

/// `defaultBranchRef`: `null` for an empty repository, else the default branch with its head
/// commit (see [`FakeRepo::head_oid`]) and rollup.
pub(crate) fn default_branch(
    repo: &FakeRepo,
    node_path: &[Value],
    fault: Option<&NodeFault>,
    errors: &mut Vec<Value>,
) -> Value {
    let rollup_path = || {
        let mut path = node_path.to_vec();
        path.extend(["defaultBranchRef", "target", "statusCheckRollup"].map(Value::from));
        Value::Array(path)
    };
    if repo.empty {
        return Value::Null;
    }
    let oid = repo.head_oid();
    let rollup = if let Some(fault) = fault {
        errors.push(node_error(fault, rollup_path()));
        Value::Null
    } else if repo.ci_error {
        errors.push(json!({"type": "FORBIDDEN",
            "path": rollup_path(),
            "locations": [{"line": 1, "column": 1}],
            "message": "Resource not accessible by integration"}));
        Value::Null
    } else {
        repo.ci.rollup()
    };
    json!({"name": repo.default_branch, "target": {"__typename": "Commit", "oid": oid,
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
