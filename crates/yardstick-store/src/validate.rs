//! Reports are checked before anything is written: against the published JSON Schema when
//! they come as text, and for what the schema cannot say (unique references, a level
//! exactly when there is a score, no shard reports) always.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde_json::Value;
use yardstick::report::Report;

use crate::StoreError;

/// The score report's JSON Schema: a copy of `docs/schemas/score-report.schema.json` inside the
/// crate, so that it packages (`tests/schema_copy.rs` keeps the two equal).
const SCHEMA: &str = include_str!("../schemas/score-report.schema.json");

/// How many schema violations an error lists.
const SHOWN_ERRORS: usize = 5;

/// Parses and validates the text of a score report (`score --format json`, `scan-org`,
/// `merge`).
///
/// ```
/// let error = yardstick_store::parse_report(r#"{"version": 1}"#).unwrap_err();
/// assert!(error.to_string().contains("required"), "{error}");
/// ```
pub fn parse_report(text: &str) -> Result<Report, StoreError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| StoreError::InvalidReport(format!("not JSON: {e}")))?;
    validate_value(value)
}

/// Reads and validates a score report from `reader` (a file, a spooled request body)
/// without holding its text: the JSON tree is built from the stream, checked against the
/// schema, then moved into the report.
///
/// ```
/// let error = yardstick_store::read_report(&b"{\"version\": 1}"[..]).unwrap_err();
/// assert!(error.to_string().contains("required"), "{error}");
/// ```
pub fn read_report(reader: impl std::io::Read) -> Result<Report, StoreError> {
    let value: Value = serde_json::from_reader(reader)
        .map_err(|e| StoreError::InvalidReport(format!("not JSON: {e}")))?;
    validate_value(value)
}

/// Checks `value` against the schema and turns it into the report it holds.
fn validate_value(value: Value) -> Result<Report, StoreError> {
    let validator = validator()?;
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .take(SHOWN_ERRORS + 1)
        .map(|e| {
            let path = e.instance_path().to_string();
            format!("at {}: {e}", if path.is_empty() { "/" } else { &path })
        })
        .collect();
    if !errors.is_empty() {
        let shown = errors.len().min(SHOWN_ERRORS);
        let more = if errors.len() > SHOWN_ERRORS {
            "; and more"
        } else {
            ""
        };
        return Err(StoreError::InvalidReport(format!(
            "not a valid score report (docs/schemas/score-report.schema.json): {}{more}",
            errors[..shown].join("; ")
        )));
    }
    let report: Report = serde_json::from_value(value)
        .map_err(|e| StoreError::InvalidReport(format!("not a score report: {e}")))?;
    check_report(&report)?;
    Ok(report)
}

/// The compiled schema, built once.
fn validator() -> Result<&'static jsonschema::Validator, StoreError> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
            jsonschema::draft202012::new(&schema).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| StoreError::Corrupt(format!("the built-in report schema: {e}")))
}

/// What a recordable report must be beyond its schema.
pub(crate) fn check_report(report: &Report) -> Result<(), StoreError> {
    let refuse = |message: String| Err(StoreError::InvalidReport(message));
    if report.version != yardstick::report::REPORT_VERSION {
        return refuse(format!(
            "report version {} is not supported",
            report.version
        ));
    }
    if let Some(shard) = report.scan.as_ref().and_then(|s| s.shard.as_deref()) {
        return refuse(format!(
            "it is shard {shard} of an organisation scan; shards are recorded only once merged \
             (`yardstick merge … --record`), as a shard alone would close the other shards' entities"
        ));
    }
    let mut references = HashSet::new();
    for entity in &report.entities {
        if !references.insert(entity.reference.as_str()) {
            return refuse(format!("entity {} appears twice", entity.reference));
        }
        match entity.score {
            Some(score) if !(0.0..=100.0).contains(&score) => {
                return refuse(format!(
                    "entity {} has score {score}, outside 0 to 100",
                    entity.reference
                ))
            }
            _ => {}
        }
        if entity.score.is_some() != entity.level.is_some() {
            return refuse(format!(
                "entity {} has a score without a level or a level without a score",
                entity.reference
            ));
        }
        let mut checks = HashSet::new();
        for check in &entity.checks {
            if !checks.insert(check.id.as_str()) {
                return refuse(format!(
                    "entity {} has two results of check {}",
                    entity.reference, check.id
                ));
            }
            if !check.weight.is_finite() || check.weight < 0.0 {
                return refuse(format!(
                    "entity {} check {} has weight {}",
                    entity.reference, check.id, check.weight
                ));
            }
        }
    }
    Ok(())
}
