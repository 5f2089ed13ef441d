//! The GraphQL query text and reading its answer. Aliases tie the two together: repository
//! `i` is `r{i}`, its catalog file `j` is `f{j}` and its probe `j` is `p{j}`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::batch::{FetchedRepo, RepoOutcome, RepoQuery};
use super::graphql::GraphqlAnswer;
use crate::client::Client;
use crate::{CiStatus, RepoFile};

fn gql_string(text: &str) -> String {
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
            if let Some(message) = node_errors.get(&alias) {
                return Err(message.clone());
            }
            match answer.data.get(&alias) {
                Some(node) if node.is_object() => Ok(read_repository(node, catalog_paths, query)),
                _ => Err(match &top_level {
                    Some(message) => format!("{message} ({org}/{})", query.name),
                    None => format!("GitHub GraphQL returned no data for {org}/{}", query.name),
                }),
            }
        })
        .collect()
}

/// The first error of each repository alias, and the first error without a path.
///
/// Only an error on the node itself (`path: [alias]`) fails the repository; a deeper one
/// (e.g. `[alias, "defaultBranchRef", "target", "statusCheckRollup"]`) leaves that part null,
/// read as unknown. An error without a path explains nodes that came back null.
fn classify_errors(
    client: &Client,
    errors: &[Value],
) -> (BTreeMap<String, String>, Option<String>) {
    let describe = |error: &Value| {
        let kind = error.get("type").and_then(Value::as_str).unwrap_or("ERROR");
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no message");
        client.redact(&format!("GitHub GraphQL {kind}: {message}"))
    };
    let mut node_errors: BTreeMap<String, String> = BTreeMap::new();
    let mut top_level = None;
    for error in errors {
        match error.get("path").and_then(Value::as_array) {
            Some(path) if path.len() == 1 => {
                if let Some(alias) = path[0].as_str() {
                    node_errors
                        .entry(alias.to_string())
                        .or_insert_with(|| describe(error));
                }
            }
            Some(path) if !path.is_empty() => {}
            _ => {
                top_level.get_or_insert_with(|| describe(error));
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
fn ci_status(target: Option<&Value>) -> CiStatus {
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
