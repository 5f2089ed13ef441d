//! Facts about entities from outside the catalog (CI status, monitoring, on-call, ...).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rayon::prelude::*;
use serde_json::Value as Json;

use crate::policy::Check;
use crate::util::edit_distance::{did_you_mean, Dictionary};
use crate::yaml::{parse_stream, Limits};

mod plain_json;

/// Facts about entities from outside the catalog (CI status, monitoring, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Each entity's facts, by lower-cased reference.
    by_ref: BTreeMap<String, EntityFacts>,
}

/// One entity's facts, and where they are written.
#[derive(Debug, Clone, Default, PartialEq)]
struct EntityFacts {
    /// The facts as compact JSON text: a few dozen bytes where the parsed value took about
    /// 600 per object (a facts file of 2.8 MB held 63 MB parsed).
    text: Box<str>,
    /// Where the entity's facts are written in the parsed file (line, column).
    written_at: Option<(usize, usize)>,
    /// Where each fact name is written (line, column).
    names_at: Vec<(String, (usize, usize))>,
}

impl EntityFacts {
    /// Notes that the fact `name` is written at `at` (line, column): a later place replaces
    /// an earlier one.
    fn name_at(&mut self, name: &str, at: (usize, usize)) {
        match self.names_at.iter_mut().find(|(n, _)| n == name) {
            Some(known) => known.1 = at,
            None => self.names_at.push((name.to_string(), at)),
        }
    }
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
    /// How many unmatched keys [`Facts::unmatched`] looks for a near miss for.
    pub const SUGGESTED_UNMATCHED: usize = 100;

    /// The largest facts file [`Facts::parse`] reads: 1 GiB. A facts file has an entry per
    /// entity of the whole catalog (28 MB for a million entities), so it is not held to a
    /// catalog file's 8 MiB; nesting and alias limits stay those of catalog files.
    pub const MAX_BYTES: usize = 1 << 30;

    /// Parses `{"entities": {"component:default/name": {...}}}` from JSON or YAML.
    ///
    /// ```
    /// let f = yardstick::Facts::parse(r#"{"entities": {"Component:default/A": {"ci": {"status": "passing"}}}}"#).unwrap();
    /// assert_eq!(f.get("component:default/a")["ci"]["status"], "passing");
    /// ```
    pub fn parse(text: &str) -> Result<Self, FactsError> {
        match plain_json::parse(text) {
            Some(facts) => Ok(facts),
            None => Self::parse_yaml(text),
        }
    }

    /// [`Facts::parse`] reading the text as YAML, whatever it is.
    fn parse_yaml(text: &str) -> Result<Self, FactsError> {
        let limits = Limits {
            max_file_bytes: Self::MAX_BYTES,
            ..Limits::default()
        };
        let stream = parse_stream(text, &limits);
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
                let Some(names) = ent.value.as_map() else {
                    return Err(fail(
                        format!("facts for `{}` must be a mapping", ent.key),
                        ent.value.span,
                    ));
                };
                let entry = facts.merge(ent.key.to_lowercase(), ent.value.to_json());
                for name in names {
                    let at = (name.key_span.line as usize, name.key_span.column as usize);
                    entry.name_at(&name.key, at);
                }
                entry.written_at = Some((ent.key_span.line as usize, ent.key_span.column as usize));
            }
        }
        Ok(facts)
    }

    /// Adds or merges facts for an entity.
    pub fn insert(&mut self, reference: &str, value: Json) {
        self.merge(reference.to_lowercase(), value);
    }

    /// Adds or merges facts for the lower-cased reference `key`: the names of `value` (an
    /// object) replace those known; its entry.
    fn merge(&mut self, key: String, value: Json) -> &mut EntityFacts {
        let entry = self.by_ref.entry(key).or_default();
        let mut facts: serde_json::Map<String, Json> = match &*entry.text {
            "" => serde_json::Map::new(),
            known => serde_json::from_str(known).unwrap_or_default(),
        };
        if let Json::Object(from) = value {
            facts.extend(from);
        }
        // A map of JSON values always serialises.
        let text = serde_json::to_string(&facts).unwrap_or_else(|_| "{}".into());
        entry.text = text.into_boxed_str();
        entry
    }

    /// The facts kept for a lower-cased reference.
    fn parsed(&self, key: &str) -> Option<serde_json::Map<String, Json>> {
        serde_json::from_str(&self.by_ref.get(key)?.text).ok()
    }

    /// True when no entity has facts.
    pub fn is_empty(&self) -> bool {
        self.by_ref.is_empty()
    }

    /// A warning for each entity ref with facts that is none of `refs` (the catalog's),
    /// with "did you mean" the nearest one of the same kind and namespace; in file order.
    /// Only the first [`Facts::SUGGESTED_UNMATCHED`] get a suggestion: a facts file written
    /// for another catalog would otherwise compare every key with every entity.
    ///
    /// ```
    /// let f = yardstick::Facts::parse("entities:\n  component:default/fleet-manger: {}\n").unwrap();
    /// let warnings = f.unmatched(["component:default/fleet-manager"]);
    /// assert_eq!((warnings[0].line, warnings[0].column), (2, 3));
    /// assert!(warnings[0].message.ends_with("did you mean `component:default/fleet-manager`?"));
    /// ```
    pub fn unmatched<'r>(&self, refs: impl IntoIterator<Item = &'r str>) -> Vec<FactsError> {
        let refs: HashSet<String> = refs.into_iter().map(str::to_lowercase).collect();
        self.unmatched_by(|key| refs.contains(key), || refs.iter().collect())
    }

    /// [`Facts::unmatched`] against the entities of `catalog`, without copying every
    /// reference (the catalog's index answers; the names that suggestions come from are
    /// listed only when some facts match no entity).
    ///
    /// ```
    /// use yardstick::{lint_sources, Facts, LintOptions};
    /// let text = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n";
    /// let lint = lint_sources(&[("g.yaml", text)], &LintOptions::default());
    /// let f = Facts::parse("entities:\n  group:default/team-a: {}\n  group:default/team-b: {}\n").unwrap();
    /// let warnings = f.unmatched_in(&lint.catalog);
    /// assert_eq!(warnings.len(), 1);
    /// assert!(warnings[0].message.ends_with("did you mean `group:default/team-a`?"));
    /// ```
    pub fn unmatched_in(&self, catalog: &crate::lint::Catalog) -> Vec<FactsError> {
        self.unmatched_by(
            |key| catalog.get(key).is_some(),
            || {
                (catalog.entities.iter())
                    .map(|e| e.entity.reference.canonical().to_lowercase())
                    .collect()
            },
        )
    }

    /// The warnings of the keys `known` does not know, with suggestions from `names`
    /// (lower-cased references, asked for only when a key is unknown).
    fn unmatched_by<S: AsRef<str>>(
        &self,
        known: impl Fn(&str) -> bool,
        names: impl FnOnce() -> Vec<S>,
    ) -> Vec<FactsError> {
        let mut unmatched: Vec<(&String, (usize, usize))> = (self.by_ref.iter())
            .filter(|(key, _)| !known(key))
            .map(|(key, entry)| (key, entry.written_at.unwrap_or((1, 1))))
            .collect();
        unmatched.sort_by_key(|(_, at)| *at);
        let refs = if unmatched.is_empty() {
            Vec::new()
        } else {
            names()
        };
        let mut by_prefix: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in &refs {
            if let Some((prefix, name)) = r.as_ref().split_once('/') {
                by_prefix.entry(prefix).or_default().push(name);
            }
        }
        // Each suggestion looks for one key among every name of its kind and namespace.
        let names: HashMap<&str, Dictionary> = (by_prefix.into_iter())
            .map(|(prefix, names)| (prefix, Dictionary::new(names)))
            .collect();
        unmatched
            .into_par_iter()
            .enumerate()
            .map(|(index, (key, (line, column)))| {
                let mut message = format!("facts for `{key}` match no entity in the catalog");
                let near = key
                    .split_once('/')
                    .filter(|_| index < Self::SUGGESTED_UNMATCHED)
                    .and_then(|(prefix, name)| {
                        let near = names.get(prefix)?.did_you_mean(name)?;
                        Some(format!("{prefix}/{near}"))
                    });
                if let Some(near) = near {
                    message.push_str(&format!("; did you mean `{near}`?"));
                }
                FactsError {
                    message,
                    line,
                    column,
                }
            })
            .collect()
    }

    /// A warning for each fact name that no check reads while one that a check reads is a
    /// typo away (`read`: see [`Facts::names_read_by`]), with "did you mean" it; in file order.
    /// Other names are left alone: facts are free-form, and other tools may read them.
    ///
    /// ```
    /// use std::collections::BTreeSet;
    /// let f = yardstick::Facts::parse("entities:\n  component:default/a:\n    monitorng: {configured: true}\n").unwrap();
    /// let read = BTreeSet::from(["monitoring".to_string()]);
    /// let warnings = f.misnamed(&read);
    /// assert_eq!((warnings[0].line, warnings[0].column), (3, 5));
    /// assert!(warnings[0].message.ends_with("did you mean `monitoring`?"));
    /// ```
    pub fn misnamed(&self, read: &BTreeSet<String>) -> Vec<FactsError> {
        let names = (self.by_ref.iter())
            .flat_map(|(reference, entry)| entry.names_at.iter().map(move |n| (reference, n)));
        let mut warnings: Vec<FactsError> = names
            .filter(|(_, (name, _))| !read.contains(name))
            .filter_map(|(reference, (name, (line, column)))| {
                let near = did_you_mean(name, read.iter().map(String::as_str))?;
                Some(FactsError {
                    message: format!(
                        "no check reads fact `{name}` of `{reference}`; did you mean `{near}`?"
                    ),
                    line: *line,
                    column: *column,
                })
            })
            .collect();
        warnings.sort_by_key(|w| (w.line, w.column));
        warnings
    }

    /// Facts of an entity (`{}` when none).
    pub fn get(&self, reference: &str) -> Json {
        Json::Object(self.parsed(&key_of(reference)).unwrap_or_default())
    }

    /// The facts of an entity as JSON, for the checks read natively; `None` when it has
    /// none (read as `{}`).
    pub(super) fn json_value(&self, reference: &str) -> Option<Json> {
        self.parsed(&key_of(reference)).map(Json::Object)
    }

    /// [`Facts::get`] as the regorus value a check reads (`input.facts`), read straight
    /// from the kept text: the same value as converting [`Facts::get`]'s, without the JSON
    /// tree in between.
    pub(super) fn regorus_value(&self, reference: &str) -> regorus::Value {
        (self.by_ref.get(key_of(reference).as_ref()))
            .and_then(|entry| serde_json::from_str::<regorus::Value>(&entry.text).ok())
            .unwrap_or_else(regorus::Value::new_object)
    }

    /// The top-level fact names that checks read: `NAME` in `input.facts.NAME` and
    /// `input.facts["NAME"]` of their Rego.
    ///
    /// ```
    /// let checks = yardstick::PolicySet::builtin().unwrap();
    /// let read = yardstick::Facts::names_read_by(checks.checks());
    /// assert!(read.contains("ci") && read.contains("monitoring"));
    /// ```
    pub fn names_read_by(checks: &[Check]) -> BTreeSet<String> {
        const PREFIX: &str = "input.facts";
        let mut names = BTreeSet::new();
        for check in checks {
            let source = check.source.as_str();
            for (at, _) in source.match_indices(PREFIX) {
                let rest = &source[at + PREFIX.len()..];
                let name = if let Some(rest) = rest.strip_prefix('.') {
                    rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .next()
                } else if let Some(rest) = rest.strip_prefix("[\"") {
                    rest.split('"').next()
                } else {
                    None
                };
                if let Some(name) = name.filter(|n| !n.is_empty()) {
                    names.insert(name.to_string());
                }
            }
        }
        names
    }
}

/// `reference` lower-cased, as facts are keyed; copied only when it has upper-case or
/// non-ASCII letters (a canonical reference has neither).
fn key_of(reference: &str) -> Cow<'_, str> {
    if reference
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(reference)
    } else {
        Cow::Owned(reference.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::Facts;

    /// An entity written twice (in two cases) merges: a later name replaces an earlier
    /// one, and warnings point at the later place.
    #[test]
    fn an_entity_written_twice_merges_and_points_at_the_later_place() {
        let facts = Facts::parse(
            "entities:\n  component:default/a:\n    monitorng: {x: 1}\n  \
             Component:default/A:\n    monitorng: {y: 2}\n    ci: {status: passing}\n  \
             component:default/zz: {}\n",
        )
        .unwrap();
        let a = facts.get("component:default/a");
        assert_eq!(a["monitorng"], serde_json::json!({"y": 2}));
        assert_eq!(a["ci"]["status"], "passing");
        let read = std::collections::BTreeSet::from(["monitoring".to_string(), "ci".to_string()]);
        let misnamed = facts.misnamed(&read);
        assert_eq!(misnamed.len(), 1);
        assert_eq!((misnamed[0].line, misnamed[0].column), (5, 5));
        let unmatched = facts.unmatched(["component:default/a"]);
        assert_eq!(unmatched.len(), 1);
        assert_eq!((unmatched[0].line, unmatched[0].column), (7, 3));
        let none = facts.unmatched(["component:default/zz"]);
        assert_eq!((none[0].line, none[0].column), (4, 3));
    }

    /// The value checks read equals the conversion of [`Facts::get`]'s JSON, for every
    /// kind of value a facts file holds, and for references in any case.
    #[test]
    fn regorus_value_is_the_json_value_converted() {
        let facts = Facts::parse(
            "entities:\n  Component:default/A:\n    ci: {status: passing, runs: 12, ratio: 0.5, \
             big: 18446744073709551615, low: -7, exp: 1e300, none: null, ok: true}\n    \
             tags: [a, 1, 2.0, {x: [ ]}]\n    name: \"Ωmega \\u00e9\"\n  \
             component:default/b: {}\n",
        )
        .unwrap();
        for reference in [
            "component:default/a",
            "Component:Default/A",
            "component:default/b",
            "component:default/missing",
        ] {
            assert_eq!(
                facts.regorus_value(reference),
                regorus::Value::from(facts.get(reference)),
                "{reference}"
            );
        }
        assert_ne!(
            facts.regorus_value("component:default/a"),
            regorus::Value::new_object()
        );
    }
}
