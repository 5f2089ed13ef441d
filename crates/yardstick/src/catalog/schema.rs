//! The JSON Schemas of `@backstage/catalog-model` and a validator that applies them to YAML
//! nodes with ajv's semantics (draft-07, the keywords those schemas use), compiled once
//! into a typed validator (`compiled`).
//!
//! The schema files under `schemas/` are copied unchanged from `@backstage/catalog-model`
//! 1.10.1 and `@backstage/plugin-scaffolder-common` 2.3.0 (Apache-2.0), so yardstick applies
//! the very rules Backstage applies.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value as Json;

use crate::yaml::{Node, Value};

mod compiled;
#[cfg(test)]
mod walker;

use compiled::Compiled;

const SOURCES: &[(&str, &str)] = &[
    (
        "EntityEnvelope",
        include_str!("../../schemas/EntityEnvelope.schema.json"),
    ),
    ("Entity", include_str!("../../schemas/Entity.schema.json")),
    (
        "EntityMeta",
        include_str!("../../schemas/EntityMeta.schema.json"),
    ),
    ("common", include_str!("../../schemas/common.schema.json")),
    (
        "Component",
        include_str!("../../schemas/Component.v1alpha1.schema.json"),
    ),
    (
        "API",
        include_str!("../../schemas/API.v1alpha1.schema.json"),
    ),
    (
        "Resource",
        include_str!("../../schemas/Resource.v1alpha1.schema.json"),
    ),
    (
        "System",
        include_str!("../../schemas/System.v1alpha1.schema.json"),
    ),
    (
        "Domain",
        include_str!("../../schemas/Domain.v1alpha1.schema.json"),
    ),
    (
        "Group",
        include_str!("../../schemas/Group.v1alpha1.schema.json"),
    ),
    (
        "User",
        include_str!("../../schemas/User.v1alpha1.schema.json"),
    ),
    (
        "Location",
        include_str!("../../schemas/Location.v1alpha1.schema.json"),
    ),
    (
        "Template",
        include_str!("../../schemas/Template.v1beta3.schema.json"),
    ),
];

/// A schema violation at a JSON pointer, worded like ajv's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// JSON pointer of the offending value (for `required`, of the object missing the key).
    pub pointer: String,
    /// The missing or unexpected property, for `required` and `additionalProperties`.
    pub property: Option<String>,
    /// The JSON Schema keyword that failed.
    pub keyword: &'static str,
    /// The message, e.g. `must be string`.
    pub message: String,
}

impl SchemaError {
    /// The pointer of the field the error is about: the missing or extra property when there
    /// is one, else the value itself.
    pub fn field_pointer(&self) -> String {
        match &self.property {
            Some(p) => format!("{}/{}", self.pointer, escape_pointer(p)),
            None => self.pointer.clone(),
        }
    }
}

/// Escapes one JSON pointer token.
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends `/` and the escaped token to a pointer, without the two temporary strings of
/// [`escape_pointer`]: this runs for every key of every entity.
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&escape_pointer(token));
    } else {
        pointer.push_str(token);
    }
}

struct Registry {
    roots: HashMap<String, Json>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut roots = HashMap::new();
        for (name, text) in SOURCES {
            // The sources are compiled in and covered by tests; a parse failure cannot come
            // from user input, and an empty schema keeps the library panic-free regardless.
            let json: Json = serde_json::from_str(text).unwrap_or(Json::Null);
            roots.insert((*name).to_string(), json);
        }
        Registry { roots }
    })
}

/// The schemas compiled, once per process.
fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| Compiled::new(registry()))
}

/// The keys a kind's schema (`Component`, `Template`, ...) names under `spec`, for hints;
/// found once per schema (every entity's document asks).
pub(crate) fn spec_properties(schema_name: &str) -> &'static [&'static str] {
    static KEYS: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        (registry().roots.keys())
            .map(|name| (name.as_str(), spec_keys_of(name)))
            .collect()
    });
    keys.get(schema_name).map_or(&[], Vec::as_slice)
}

fn spec_keys_of(schema_name: &str) -> Vec<&'static str> {
    registry()
        .roots
        .get(schema_name)
        .and_then(|s| s.get("allOf"))
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|part| part.pointer("/properties/spec/properties")?.as_object())
        .flat_map(|properties| properties.keys().map(String::as_str))
        .collect()
}

/// The named schemas: `EntityEnvelope`, `Entity`, or a kind name (`Component`, `Template`, ...).
pub fn validate(schema_name: &str, node: &Node) -> Vec<SchemaError> {
    compiled().validate(schema_name, node)
}

/// The schema a `$ref` names: a whole document, or the definition of `common` (or of the
/// named document) whose `$id` is the fragment.
fn resolve<'r>(reg: &'r Registry, reference: &str) -> Option<&'r Json> {
    let (doc, frag) = match reference.split_once('#') {
        Some((d, f)) => (if d.is_empty() { "common" } else { d }, Some(f)),
        None => (reference, None),
    };
    let root = reg.roots.get(doc)?;
    match frag {
        None | Some("") => Some(root),
        Some(name) => root.get("definitions")?.as_object()?.values().find(|def| {
            def.get("$id")
                .and_then(Json::as_str)
                .and_then(|id| id.strip_prefix('#'))
                == Some(name)
        }),
    }
}

/// The patterns the vendored schemas use, with JavaScript's regex semantics; any other
/// pattern accepts everything (a test checks that the schemas use no other).
fn pattern_fn(pattern: &str) -> fn(&str) -> bool {
    match pattern {
        "^.+$" => one_line_not_empty,
        "^\\w+$" => word_characters,
        _ => |_| true,
    }
}

/// `^.+$`: JavaScript's `.` matches anything but line terminators.
fn one_line_not_empty(text: &str) -> bool {
    !text.is_empty() && !text.contains(['\n', '\r', '\u{2028}', '\u{2029}'])
}

/// `^\w+$`: JavaScript's `\w` is ASCII-only, even with the `u` flag.
fn word_characters(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Deep equality as ajv's `enum` and `const` apply it.
fn node_equals_json(node: &Node, json: &Json) -> bool {
    match (&node.value, json) {
        (Value::Null, Json::Null) => true,
        (Value::Bool(a), Json::Bool(b)) => a == b,
        (Value::Number(a), Json::Number(b)) => b.as_f64() == Some(*a),
        (Value::String(a), Json::String(b)) => a == b,
        (Value::Seq(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| node_equals_json(x, y))
        }
        (Value::Map(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|e| {
                    b.get(e.key.as_str())
                        .is_some_and(|v| node_equals_json(&e.value, v))
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
