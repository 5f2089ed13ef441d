//! Facts about entities from outside the catalog (CI status, monitoring, on-call, ...).

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use crate::yaml::{parse_stream, Limits};

/// Facts about entities from outside the catalog (CI status, monitoring, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    by_ref: BTreeMap<String, Json>,
}

/// A problem in a facts file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct FactsError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Facts {
    /// Parses `{"entities": {"component:default/name": {...}}}` from JSON or YAML.
    ///
    /// ```
    /// let f = yardstick::Facts::parse(r#"{"entities": {"Component:default/A": {"ci": {"status": "passing"}}}}"#).unwrap();
    /// assert_eq!(f.get("component:default/a")["ci"]["status"], "passing");
    /// ```
    pub fn parse(text: &str) -> Result<Self, FactsError> {
        let stream = parse_stream(text, &Limits::default());
        let fail = |message: String, span: crate::yaml::Span| FactsError {
            message,
            line: span.line as usize,
            column: span.column as usize,
        };
        if let Some(e) = stream.fatal {
            return Err(fail(e.message, e.span));
        }
        let doc = stream.documents.first().ok_or_else(|| FactsError {
            message: "empty facts file".into(),
            line: 1,
            column: 1,
        })?;
        if let Some(extra) = stream.documents.get(1) {
            return Err(fail("expected a single YAML document".into(), extra.span));
        }
        if let Some(e) = &doc.error {
            return Err(fail(e.message.clone(), e.span));
        }
        let root = doc
            .root
            .as_ref()
            .filter(|r| r.as_map().is_some())
            .ok_or_else(|| fail("facts must be a mapping with `entities`".into(), doc.span))?;
        let mut facts = Facts::default();
        for e in root.as_map().unwrap_or_default() {
            if e.key != "entities" {
                return Err(fail(
                    format!("unknown key `{}` in facts; expected `entities`", e.key),
                    e.key_span,
                ));
            }
            let entities = e.value.as_map().ok_or_else(|| {
                fail(
                    "`entities` must be a mapping of entity refs".into(),
                    e.value.span,
                )
            })?;
            for ent in entities {
                if ent.value.as_map().is_none() {
                    return Err(fail(
                        format!("facts for `{}` must be a mapping", ent.key),
                        ent.value.span,
                    ));
                }
                facts.insert(&ent.key, ent.value.to_json());
            }
        }
        Ok(facts)
    }

    /// Adds or merges facts for an entity.
    pub fn insert(&mut self, reference: &str, value: Json) {
        let slot = self
            .by_ref
            .entry(reference.to_lowercase())
            .or_insert_with(|| json!({}));
        if let (Some(into), Json::Object(from)) = (slot.as_object_mut(), value) {
            into.extend(from);
        }
    }

    /// Facts of an entity (`{}` when none).
    pub fn get(&self, reference: &str) -> Json {
        self.by_ref
            .get(&reference.to_lowercase())
            .cloned()
            .unwrap_or_else(|| json!({}))
    }
}
