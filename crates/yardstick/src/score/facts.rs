//! Facts about entities from outside the catalog (CI status, monitoring, on-call, ...).

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use crate::util::edit_distance::did_you_mean;
use crate::yaml::{parse_stream, Limits};

/// Facts about entities from outside the catalog (CI status, monitoring, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    by_ref: BTreeMap<String, Json>,
    /// Where each entity's facts are written in the parsed file (line, column).
    written_at: BTreeMap<String, (usize, usize)>,
}

/// A problem in a facts file (an error when parsing; a warning from [`Facts::unmatched`]).
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
                facts.written_at.insert(
                    ent.key.to_lowercase(),
                    (ent.key_span.line as usize, ent.key_span.column as usize),
                );
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

    /// True when no entity has facts.
    pub fn is_empty(&self) -> bool {
        self.by_ref.is_empty()
    }

    /// A warning for each entity ref with facts that is none of `refs` (the catalog's),
    /// with "did you mean" the nearest one of the same kind and namespace; in file order.
    ///
    /// ```
    /// let f = yardstick::Facts::parse("entities:\n  component:default/fleet-manger: {}\n").unwrap();
    /// let warnings = f.unmatched(["component:default/fleet-manager"]);
    /// assert_eq!((warnings[0].line, warnings[0].column), (2, 3));
    /// assert!(warnings[0].message.ends_with("did you mean `component:default/fleet-manager`?"));
    /// ```
    pub fn unmatched<'r>(&self, refs: impl IntoIterator<Item = &'r str>) -> Vec<FactsError> {
        let refs: Vec<String> = refs.into_iter().map(str::to_lowercase).collect();
        let mut warnings: Vec<FactsError> = self
            .by_ref
            .keys()
            .filter(|key| !refs.contains(key))
            .map(|key| {
                let mut message = format!("facts for `{key}` match no entity in the catalog");
                if let Some((prefix, name)) = key.split_once('/') {
                    let names = refs.iter().filter_map(|r| {
                        r.strip_prefix(prefix)
                            .and_then(|rest| rest.strip_prefix('/'))
                    });
                    if let Some(near) = did_you_mean(name, names) {
                        message.push_str(&format!("; did you mean `{prefix}/{near}`?"));
                    }
                }
                let (line, column) = self.written_at.get(key).copied().unwrap_or((1, 1));
                FactsError {
                    message,
                    line,
                    column,
                }
            })
            .collect();
        warnings.sort_by_key(|w| (w.line, w.column));
        warnings
    }

    /// Facts of an entity (`{}` when none).
    pub fn get(&self, reference: &str) -> Json {
        self.by_ref
            .get(&reference.to_lowercase())
            .cloned()
            .unwrap_or_else(|| json!({}))
    }
}
