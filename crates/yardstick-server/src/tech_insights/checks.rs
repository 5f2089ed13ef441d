//! Checks as Tech Insights describes them (`Check`): the checks with results in the latest
//! run, with the title, description and remediation of their Rego metadata.

use std::collections::HashMap;

use serde::Serialize;
use yardstick::report::sarif::CHECKS_DOC_URL;
use yardstick::PolicySet;
use yardstick_store::Snapshot;

/// The check type the stock Tech Insights frontend renders as a pass/fail scorecard.
pub const CHECK_TYPE: &str = "json-rules-engine";

/// The fact retriever of a check's results: `yardstick:<check id>`.
pub fn check_fact_id(check: &str) -> String {
    format!("{}:{check}", super::facts::ENTITY_FACTS_ID)
}

/// What the policies say about a check.
#[derive(Debug, Clone)]
struct CheckDoc {
    title: String,
    description: String,
    remediation: String,
    applies_to: Vec<String>,
    builtin: bool,
}

/// The descriptions of the checks the server knows (built-in and `--policy` ones).
#[derive(Debug, Clone, Default)]
pub struct CheckDocs {
    docs: HashMap<String, CheckDoc>,
}

/// A `Check` (and `CheckResponse`: the same, as this server has no success or failure
/// metadata).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckView {
    /// The check id.
    pub id: String,
    /// Always [`CHECK_TYPE`].
    #[serde(rename = "type")]
    pub check_type: &'static str,
    /// The title.
    pub name: String,
    /// Markdown: the description, then the remediation.
    pub description: String,
    /// The fact retriever holding its results: `yardstick:<id>`.
    pub fact_ids: Vec<String>,
    /// Severity, weight, remediation, kinds.
    pub metadata: CheckMetadata,
    /// The check's documentation, for built-in checks.
    pub links: Vec<Link>,
}

/// A check's `metadata`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckMetadata {
    /// The effective severity in the run.
    pub severity: String,
    /// The effective weight in the run.
    pub weight: f64,
    /// How to make a failing check pass.
    pub remediation: String,
    /// Kinds it applies to (empty: all).
    pub applies_to: Vec<String>,
}

/// A `CheckLink`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// The link text.
    pub title: String,
    /// The address.
    pub url: String,
}

impl CheckDocs {
    /// The descriptions of `policies`' checks.
    pub fn new(policies: &PolicySet) -> Self {
        let docs = policies
            .checks()
            .iter()
            .map(|c| {
                let doc = CheckDoc {
                    title: c.title.clone(),
                    description: c.description.trim().to_string(),
                    remediation: c.remediation.trim().to_string(),
                    applies_to: c.applies_to.clone(),
                    builtin: c.origin.starts_with("builtin:"),
                };
                (c.id.clone(), doc)
            })
            .collect();
        CheckDocs { docs }
    }

    /// Every check with a result in `snapshot`, sorted by id, with its effective severity
    /// and weight (those of its first result).
    pub fn views(&self, snapshot: &Snapshot) -> Vec<CheckView> {
        let mut seen: HashMap<&str, (&str, f64)> = HashMap::new();
        for check in snapshot.entities.iter().flat_map(|e| &e.checks) {
            seen.entry(check.id.as_str())
                .or_insert((check.severity.as_str(), check.weight));
        }
        let mut views: Vec<CheckView> = seen
            .into_iter()
            .map(|(id, (severity, weight))| self.view(id, severity, weight))
            .collect();
        views.sort_by(|a, b| a.id.cmp(&b.id));
        views
    }

    fn view(&self, id: &str, severity: &str, weight: f64) -> CheckView {
        let doc = self.docs.get(id);
        let name = doc
            .map(|d| d.title.trim())
            .filter(|t| !t.is_empty())
            .unwrap_or(id)
            .to_string();
        let description = match doc {
            Some(doc) if doc.remediation.is_empty() => doc.description.clone(),
            Some(doc) => format!(
                "{}\n\n**Remediation:** {}",
                doc.description, doc.remediation
            ),
            None => format!(
                "A check recorded by yardstick. This server does not know its metadata: \
                 start `yardstick serve` with `--policy DIR` for the directory that defines \
                 `{id}`."
            ),
        };
        let links = doc
            .filter(|d| d.builtin)
            .map(|_| Link {
                title: "yardstick check documentation".to_string(),
                url: format!("{CHECKS_DOC_URL}#{id}"),
            })
            .into_iter()
            .collect();
        CheckView {
            id: id.to_string(),
            check_type: CHECK_TYPE,
            name,
            description,
            fact_ids: vec![check_fact_id(id)],
            metadata: CheckMetadata {
                severity: severity.to_string(),
                weight,
                remediation: doc.map(|d| d.remediation.clone()).unwrap_or_default(),
                applies_to: doc.map(|d| d.applies_to.clone()).unwrap_or_default(),
            },
            links,
        }
    }
}
