//! yardstick's results as Tech Insights facts. Two kinds of fact retriever:
//!
//! - `yardstick`: the entity's score, level, kind, owner, system and staleness;
//! - `yardstick:<check id>`: one check's result (status, message, severity, weight,
//!   pointer, location).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};
use yardstick_store::{SnapshotEntity, StoredCheck};

use super::checks::check_fact_id;
use crate::state::Latest;

/// The fact retriever of entity-wide facts.
pub const ENTITY_FACTS_ID: &str = "yardstick";

/// The version of both fact schemas.
pub const SCHEMA_VERSION: &str = "1.0.0";

/// A fact's name, type and description.
type FactDef = (&'static str, &'static str, &'static str);

const ENTITY_FACTS: &[FactDef] = &[
    (
        "score",
        "float",
        "The entity's yardstick score, 0 to 100 (absent when no check was scored)",
    ),
    (
        "level",
        "string",
        "The entity's level: gold, silver, bronze or none (absent when no check was scored)",
    ),
    ("kind", "string", "The entity's kind as written"),
    ("owner", "string", "The entity's owner reference"),
    ("system", "string", "The entity's system reference"),
    (
        "stale",
        "boolean",
        "The latest scan could not fetch the entity's repository: its results are the last known",
    ),
];

const CHECK_FACTS: &[FactDef] = &[
    (
        "status",
        "string",
        "The yardstick status: pass, fail, unknown, not-applicable, exempt or error",
    ),
    ("message", "string", "What the check found"),
    (
        "severity",
        "string",
        "The check's effective severity: critical, high, medium or low",
    ),
    (
        "weight",
        "float",
        "The check's effective weight in the score",
    ),
    (
        "pointer",
        "string",
        "The JSON pointer of the field the result is about",
    ),
    (
        "location",
        "string",
        "Where that field is written in the entity's file: line:column-end_line:end_column",
    ),
];

/// One fact of a `FactResponse`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactView {
    /// The fact retriever's id.
    pub id: String,
    /// `string`, `float` or `boolean`.
    #[serde(rename = "type")]
    pub fact_type: &'static str,
    /// What the fact is.
    pub description: &'static str,
    /// Its value.
    pub value: Value,
}

/// A check result's facts by name, null values left out.
pub fn check_values(check: &StoredCheck) -> Vec<(&'static str, Value)> {
    let values = [
        ("status", Some(json!(check.status))),
        ("message", Some(json!(check.message))),
        ("severity", Some(json!(check.severity))),
        ("weight", Some(json!(check.weight))),
        ("pointer", check.pointer.as_ref().map(|p| json!(p))),
        ("location", check.location.as_ref().map(|l| json!(l))),
    ];
    values
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
}

/// An entity's facts by name, null values left out.
pub fn entity_values(entity: &SnapshotEntity) -> Vec<(&'static str, Value)> {
    let values = [
        ("score", entity.score.map(|s| json!(s))),
        ("level", entity.level.as_ref().map(|l| json!(l))),
        ("kind", Some(json!(entity.kind))),
        ("owner", entity.owner.as_ref().map(|o| json!(o))),
        ("system", entity.system.as_ref().map(|s| json!(s))),
        ("stale", Some(json!(entity.stale))),
    ];
    values
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
}

/// The `FactResponse` of a check result.
pub fn check_fact_response(check: &StoredCheck) -> BTreeMap<&'static str, FactView> {
    let id = check_fact_id(&check.id);
    check_values(check)
        .into_iter()
        .filter_map(|(name, value)| {
            let (_, fact_type, description) = CHECK_FACTS.iter().find(|d| d.0 == name)?;
            let view = FactView {
                id: id.clone(),
                fact_type,
                description,
                value,
            };
            Some((name, view))
        })
        .collect()
}

/// `InsightFacts` of an entity: for each requested retriever it has, the run's time, the
/// schema version and the facts. Unknown retrievers are left out, as Backstage does.
pub fn insight_facts(latest: &Latest, entity: &SnapshotEntity, ids: &[String]) -> Value {
    let timestamp = latest.snapshot.run.at.to_rfc3339();
    let mut answer = Map::new();
    for id in ids {
        let values = if id == ENTITY_FACTS_ID {
            entity_values(entity)
        } else {
            let check = id
                .strip_prefix(ENTITY_FACTS_ID)
                .and_then(|rest| rest.strip_prefix(':'))
                .and_then(|check| entity.checks.iter().find(|c| c.id == check));
            match check {
                Some(check) => check_values(check),
                None => continue,
            }
        };
        let facts: Map<String, Value> = values
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        answer.insert(
            id.clone(),
            json!({"timestamp": timestamp, "version": SCHEMA_VERSION, "facts": facts}),
        );
    }
    Value::Object(answer)
}

/// The fact schemas: the entity retriever's, then one per check of the latest run, each
/// `{id, version, entityFilter, <fact>: {type, description}…}` as Backstage's store answers.
pub fn fact_schemas(latest: Option<&Latest>) -> Vec<Value> {
    let mut schemas = vec![schema(ENTITY_FACTS_ID.to_string(), ENTITY_FACTS)];
    for check in latest.iter().flat_map(|l| &l.checks) {
        schemas.push(schema(check_fact_id(&check.id), CHECK_FACTS));
    }
    schemas
}

fn schema(id: String, facts: &[FactDef]) -> Value {
    let mut schema = Map::new();
    schema.insert("id".into(), json!(id));
    schema.insert("version".into(), json!(SCHEMA_VERSION));
    schema.insert("entityFilter".into(), Value::Null);
    for (name, fact_type, description) in facts {
        schema.insert(
            (*name).to_string(),
            json!({"type": fact_type, "description": description}),
        );
    }
    Value::Object(schema)
}
