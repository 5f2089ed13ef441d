//! The GraphQL query text and reading its answer. Aliases tie the two together: repository
//! `i` is `r{i}`, its catalog file `j` is `f{j}` and its probe `j` is `p{j}`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::batch::{FailureKind, FetchedRepo, RepoFailure, RepoOutcome, RepoQuery};
use super::graphql::GraphqlAnswer;
use crate::client::Client;
use crate::{CiStatus, RepoFile};

pub(super) fn gql_string(text: &str) -> String {
    // JSON string escapes are valid GraphQL string escapes.
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

pub(super) fn build_query(org: &str, catalog_paths: &[String], queries: &[RepoQuery]) -> String {
    let mut q = String::from("query {\n  rateLimit { cost remaining resetAt }\n");
    for (i, query) in queries.iter().enumerate() {
        q.push_str(&format!(
            "  r{i}: repository(owner: {}, name: {}) {{\n",
            gql_string(org),
            gql_string(&query.name)
        ));
        if query.full {
            q.push_str(
                "    defaultBranchRef { name target { ... on Commit { oid statusCheckRollup { state } } } }\n",
            );
            for (j, path) in catalog_paths.iter().enumerate() {
                q.push_str(&format!(
                    "    f{j}: object(expression: {}) {{ __typename ... on Blob {{ text isTruncated isBinary byteSize }} }}\n",
                    gql_string(&format!("HEAD:{path}"))
                ));
            }
        }
        for (j, path) in query.probes.iter().enumerate() {
            q.push_str(&format!(
                "    p{j}: object(expression: {}) {{ __typename }}\n",
                gql_string(&format!("HEAD:{path}"))
            ));
        }
        q.push_str("  }\n");
    }
    q.push_str("}\n");
    q
}

/// Each repository's outcome in an answer to [`build_query`], in `queries` order.
pub(super) fn read_repositories(
    client: &Client,
    org: &str,
    catalog_paths: &[String],
    queries: &[RepoQuery],
    answer: &GraphqlAnswer,
) -> Vec<RepoOutcome> {
    let (node_errors, top_level) = classify_errors(client, &answer.errors);
    queries
        .iter()
        .enumerate()
        .map(|(i, query)| {
            let alias = format!("r{i}");
            if let Some(error) = node_errors.get(&alias) {
                return Err(error.failure(client, catalog_paths, query));
            }
            match answer.data.get(&alias) {
                Some(node) if node.is_object() => Ok(read_repository(node, catalog_paths, query)),
                _ => Err(RepoFailure::transient(match &top_level {
                    Some(message) => format!("{message} ({org}/{})", query.name),
                    None => format!("GitHub GraphQL returned no data for {org}/{}", query.name),
                })),
            }
        })
        .collect()
}

/// A GraphQL error on a repository node or anywhere below it.
struct NodeError {
    kind: String,
    message: String,
    /// The path below the repository's alias (empty: the node itself).
    below: Vec<String>,
}

impl NodeError {
    /// What the error makes of the repository. Any error through its alias leaves its answer
    /// incomplete: a `null` beside it is not "absent" (no file, no CI) but unknown.
    fn failure(&self, client: &Client, catalog_paths: &[String], query: &RepoQuery) -> RepoFailure {
        let field = self.field(catalog_paths, query);
        let object = self
            .below
            .first()
            .is_some_and(|f| f.starts_with('f') || f.starts_with('p'));
        let hint = match self.kind.as_str() {
            "FORBIDDEN" if object => {
                " (the token or GitHub App cannot read this repository's files: it needs Contents read access)"
            }
            "FORBIDDEN" if field.contains("statusCheckRollup") => {
                " (the token or GitHub App needs Checks and Commit statuses read access)"
            }
            _ => "",
        };
        let message = client.redact(&format!(
            "GitHub GraphQL {} on {field}: {}{hint}",
            self.kind, self.message
        ));
        let kind = match self.kind.as_str() {
            "NOT_FOUND" if self.below.is_empty() => FailureKind::Gone,
            "FORBIDDEN" | "NOT_FOUND" => FailureKind::Permanent,
            _ => FailureKind::Transient,
        };
        RepoFailure { message, kind }
    }

    /// The field that failed, in words: a catalog file, a probe, or its GraphQL path.
    fn field(&self, catalog_paths: &[String], query: &RepoQuery) -> String {
        let Some(first) = self.below.first() else {
            return "the repository".to_string();
        };
        let index = |prefix: char| first.strip_prefix(prefix)?.parse::<usize>().ok();
        if let Some(path) = index('f').and_then(|j| catalog_paths.get(j)) {
            return format!("catalog file {path}");
        }
        if let Some(path) = index('p').and_then(|j| query.probes.get(j)) {
            return format!("probe {path}");
        }
        self.below.join(".")
    }
}

/// The first error through each repository alias (at any depth), and the first error
/// without a path, which explains nodes that came back null.
fn classify_errors(
    client: &Client,
    errors: &[Value],
) -> (BTreeMap<String, NodeError>, Option<String>) {
    let text = |error: &Value, key: &str, default: &str| {
        error
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_string()
    };
    let mut node_errors: BTreeMap<String, NodeError> = BTreeMap::new();
    let mut top_level = None;
    for error in errors {
        let path: Vec<String> = match error.get("path").and_then(Value::as_array) {
            Some(path) => path
                .iter()
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            None => Vec::new(),
        };
        match path.split_first() {
            Some((alias, below)) => {
                node_errors
                    .entry(alias.clone())
                    .or_insert_with(|| NodeError {
                        kind: text(error, "type", "ERROR"),
                        message: text(error, "message", "no message"),
                        below: below.to_vec(),
                    });
            }
            None => {
                top_level.get_or_insert_with(|| {
                    client.redact(&format!(
                        "GitHub GraphQL {}: {}",
                        text(error, "type", "ERROR"),
                        text(error, "message", "no message")
                    ))
                });
            }
        }
    }
    (node_errors, top_level)
}

/// One repository node of the answer.
fn read_repository(node: &Value, catalog_paths: &[String], query: &RepoQuery) -> FetchedRepo {
    let mut out = FetchedRepo::default();
    if query.full {
        if let Some(branch) = node.get("defaultBranchRef").filter(|b| b.is_object()) {
            out.default_branch = branch
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string);
            let target = branch.get("target");
            out.head = target
                .and_then(|t| t.get("oid"))
                .and_then(Value::as_str)
                .map(str::to_string);
            out.ci = ci_status(target);
        }
        if out.default_branch.is_some() {
            out.files = catalog_files(node, catalog_paths);
        }
    }
    for (j, path) in query.probes.iter().enumerate() {
        if node.get(format!("p{j}")).is_some_and(|o| o.is_object()) {
            out.present.push(path.clone());
        }
    }
    out.present.sort();
    out
}

/// The CI state of the head commit's `statusCheckRollup`.
pub(super) fn ci_status(target: Option<&Value>) -> CiStatus {
    match target
        .and_then(|t| t.get("statusCheckRollup"))
        .and_then(|r| r.get("state"))
        .and_then(Value::as_str)
    {
        Some("SUCCESS") => CiStatus::Passing,
        Some("FAILURE" | "ERROR") => CiStatus::Failing,
        Some("PENDING" | "EXPECTED") => CiStatus::Pending,
        _ => CiStatus::None,
    }
}

/// The catalog files that exist at the head and are files, in `catalog_paths` order.
fn catalog_files(node: &Value, catalog_paths: &[String]) -> Vec<RepoFile> {
    let mut files = Vec::new();
    for (j, path) in catalog_paths.iter().enumerate() {
        let Some(blob) = node.get(format!("f{j}")).filter(|b| b.is_object()) else {
            continue;
        };
        // A tree, a submodule (`Commit`) or anything else that is not a file.
        if blob.get("__typename").and_then(Value::as_str) != Some("Blob") {
            continue;
        }
        let flag = |name: &str| blob.get(name).and_then(Value::as_bool).unwrap_or(false);
        let text = blob.get("text").and_then(Value::as_str);
        files.push(RepoFile {
            path: path.clone(),
            text: text.unwrap_or_default().to_string(),
            // A binary blob has no text, and is whole; a text blob without text was cut.
            truncated: !flag("isBinary") && (text.is_none() || flag("isTruncated")),
        });
    }
    files
}

#[cfg(test)]
mod tests {
    use super::super::options::normalize_path;
    use super::*;

    #[test]
    fn paths_are_normalised_and_escapes_are_safe() {
        assert_eq!(normalize_path("./docs/").as_deref(), Some("docs"));
        assert_eq!(normalize_path("../etc"), None);
        assert_eq!(normalize_path("."), None);
        let asks = [RepoQuery {
            name: "we\"ird".into(),
            full: true,
            probes: vec![],
        }];
        let q = build_query("acme", &["a\"b.yaml".to_string()], &asks);
        assert!(q.contains(r#"name: "we\"ird""#));
        assert!(q.contains(r#"expression: "HEAD:a\"b.yaml""#));
    }
}
