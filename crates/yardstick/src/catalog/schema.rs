//! The JSON Schemas of `@backstage/catalog-model` and a validator that applies them to YAML
//! nodes with ajv's semantics (draft-07, the keywords those schemas use).
//!
//! The schema files under `schemas/` are copied unchanged from `@backstage/catalog-model`
//! 1.10.1 and `@backstage/plugin-scaffolder-common` 2.3.0 (Apache-2.0), so yardstick applies
//! the very rules Backstage applies.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value as Json;

use crate::yaml::{Node, Value};

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

/// The keys a kind's schema (`Component`, `Template`, ...) names under `spec`, for hints.
pub fn spec_properties(schema_name: &str) -> Vec<&'static str> {
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
    let reg = registry();
    let mut errors = Vec::new();
    if let Some(schema) = reg.roots.get(schema_name) {
        let mut v = Validator {
            reg,
            errors: &mut errors,
        };
        v.check(schema, node, &mut String::new());
    }
    errors
}

struct Validator<'r, 'e> {
    reg: &'r Registry,
    errors: &'e mut Vec<SchemaError>,
}

fn resolve<'r>(reg: &'r Registry, reference: &str) -> Option<&'r Json> {
    let (doc, frag) = match reference.split_once('#') {
        Some((d, f)) => (if d.is_empty() { "common" } else { d }, Some(f)),
        None => (reference, None),
    };
    let root = reg.roots.get(doc)?;
    match frag {
        None | Some("") => Some(root),
        Some(name) => root
            .get("definitions")?
            .as_object()?
            .values()
            // Compares `$id` with `#name` without formatting `#name` for every definition.
            .find(|def| {
                def.get("$id")
                    .and_then(Json::as_str)
                    .and_then(|id| id.strip_prefix('#'))
                    == Some(name)
            }),
    }
}

impl<'r> Validator<'r, '_> {
    fn push(
        &mut self,
        pointer: &str,
        keyword: &'static str,
        message: String,
        property: Option<String>,
    ) {
        self.errors.push(SchemaError {
            pointer: pointer.to_string(),
            property,
            keyword,
            message,
        });
    }

    fn check(&mut self, schema: &Json, node: &Node, pointer: &mut String) {
        let Some(s) = schema.as_object() else {
            return;
        };
        if let Some(r) = s.get("$ref").and_then(Json::as_str) {
            if let Some(target) = resolve(self.reg, r) {
                self.check(target, node, pointer);
            }
        }
        if let Some(all) = s.get("allOf").and_then(Json::as_array) {
            for sub in all {
                self.check(sub, node, pointer);
            }
        }
        if let Some(one) = s.get("oneOf").and_then(Json::as_array) {
            let passing = one
                .iter()
                .filter(|sub| validate_quietly(self.reg, sub, node))
                .count();
            if passing != 1 {
                self.push(
                    pointer,
                    "oneOf",
                    "must match exactly one schema in oneOf".into(),
                    None,
                );
            }
        }
        if let Some(t) = s.get("type") {
            // Only a failing check needs the list of types (for the message).
            let matches = match t {
                Json::String(one) => type_matches(one, node),
                Json::Array(many) => many
                    .iter()
                    .filter_map(Json::as_str)
                    .any(|t| type_matches(t, node)),
                _ => false,
            };
            if !matches {
                let types: Vec<&str> = match t {
                    Json::String(one) => vec![one.as_str()],
                    Json::Array(many) => many.iter().filter_map(Json::as_str).collect(),
                    _ => Vec::new(),
                };
                self.push(
                    pointer,
                    "type",
                    format!("must be {}", types.join(",")),
                    None,
                );
                // ajv skips the other keywords of a schema whose type failed.
                return;
            }
        }
        if let Some(values) = s.get("enum").and_then(Json::as_array) {
            if !values.iter().any(|v| node_equals_json(node, v)) {
                self.push(
                    pointer,
                    "enum",
                    "must be equal to one of the allowed values".into(),
                    None,
                );
            }
        }
        if let Some(c) = s.get("const") {
            if !node_equals_json(node, c) {
                self.push(pointer, "const", "must be equal to constant".into(), None);
            }
        }
        match &node.value {
            Value::String(text) => self.check_string(s, text, pointer),
            Value::Seq(items) => self.check_array(s, items, pointer),
            Value::Map(_) => self.check_object(s, node, pointer),
            _ => {}
        }
    }

    fn check_string(&mut self, s: &serde_json::Map<String, Json>, text: &str, pointer: &str) {
        if let Some(min) = s.get("minLength").and_then(Json::as_u64) {
            // ajv counts Unicode code points.
            if (text.chars().count() as u64) < min {
                self.push(
                    pointer,
                    "minLength",
                    format!("must NOT have fewer than {min} characters"),
                    None,
                );
            }
        }
        if let Some(p) = s.get("pattern").and_then(Json::as_str) {
            if !pattern_matches(p, text) {
                self.push(
                    pointer,
                    "pattern",
                    format!("must match pattern \"{p}\""),
                    None,
                );
            }
        }
    }

    fn check_array(
        &mut self,
        s: &serde_json::Map<String, Json>,
        items: &[Node],
        pointer: &mut String,
    ) {
        if let Some(min) = s.get("minItems").and_then(Json::as_u64) {
            if (items.len() as u64) < min {
                self.push(
                    pointer,
                    "minItems",
                    format!("must NOT have fewer than {min} items"),
                    None,
                );
            }
        }
        if let Some(item_schema) = s.get("items") {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                {
                    use std::fmt::Write as _;
                    let _ = write!(pointer, "/{i}");
                }
                self.check(item_schema, item, pointer);
                pointer.truncate(len);
            }
        }
    }

    fn check_object(
        &mut self,
        s: &serde_json::Map<String, Json>,
        node: &Node,
        pointer: &mut String,
    ) {
        let Some(entries) = node.as_map() else {
            return;
        };
        if let Some(required) = s.get("required").and_then(Json::as_array) {
            for key in required.iter().filter_map(Json::as_str) {
                if !entries.iter().any(|e| e.key == key) {
                    self.push(
                        pointer,
                        "required",
                        format!("must have required property '{key}'"),
                        Some(key.to_string()),
                    );
                }
            }
        }
        let properties = s.get("properties").and_then(Json::as_object);
        let patterns = s.get("patternProperties").and_then(Json::as_object);
        let additional = s.get("additionalProperties");
        for e in entries {
            let len = pointer.len();
            push_token(pointer, &e.key);
            let mut known = false;
            if let Some(sub) = properties.and_then(|p| p.get(e.key.as_str())) {
                known = true;
                self.check(sub, &e.value, pointer);
            }
            if let Some(patterns) = patterns {
                for (p, sub) in patterns {
                    if pattern_matches(p, &e.key) {
                        known = true;
                        self.check(sub, &e.value, pointer);
                    }
                }
            }
            pointer.truncate(len);
            if !known {
                match additional {
                    Some(Json::Bool(false)) => self.push(
                        pointer,
                        "additionalProperties",
                        "must NOT have additional properties".into(),
                        Some(e.key.to_string()),
                    ),
                    Some(sub @ Json::Object(_)) => {
                        push_token(pointer, &e.key);
                        self.check(sub, &e.value, pointer);
                        pointer.truncate(len);
                    }
                    _ => {}
                }
            }
        }
    }
}

fn validate_quietly(reg: &Registry, schema: &Json, node: &Node) -> bool {
    let mut errors = Vec::new();
    let mut v = Validator {
        reg,
        errors: &mut errors,
    };
    v.check(schema, node, &mut String::new());
    errors.is_empty()
}

fn type_matches(t: &str, node: &Node) -> bool {
    match (t, &node.value) {
        ("object", Value::Map(_) | Value::Opaque) => true,
        ("array", Value::Seq(_)) => true,
        ("string", Value::String(_)) => true,
        ("boolean", Value::Bool(_)) => true,
        ("null", Value::Null) => true,
        ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => n.fract() == 0.0,
        _ => false,
    }
}

/// The patterns the vendored schemas use, with JavaScript's regex semantics.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    match pattern {
        // JavaScript's `.` matches anything but line terminators.
        "^.+$" => !text.is_empty() && !text.contains(['\n', '\r', '\u{2028}', '\u{2029}']),
        // JavaScript's `\w` is ASCII-only, even with the `u` flag.
        "^\\w+$" => {
            !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }
        _ => true,
    }
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
mod tests {
    use super::*;
    use crate::yaml::{parse_stream, Limits};

    fn node(text: &str) -> Node {
        parse_stream(text, &Limits::default()).documents[0]
            .root
            .clone()
            .unwrap()
    }

    #[test]
    fn every_vendored_schema_parses_and_uses_only_known_patterns() {
        fn walk(v: &Json, found: &mut Vec<String>) {
            match v {
                Json::Object(m) => {
                    for (k, x) in m {
                        if k == "pattern" {
                            if let Some(p) = x.as_str() {
                                found.push(p.to_string());
                            }
                        }
                        if k == "patternProperties" {
                            if let Some(o) = x.as_object() {
                                found.extend(o.keys().cloned());
                            }
                        }
                        walk(x, found);
                    }
                }
                Json::Array(a) => a.iter().for_each(|x| walk(x, found)),
                _ => {}
            }
        }
        for (name, text) in SOURCES {
            let json: Json = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut found = Vec::new();
            walk(&json, &mut found);
            for p in found {
                assert!(
                    p == "^.+$" || p == "^\\w+$",
                    "{name}: unsupported pattern {p}"
                );
            }
        }
    }

    #[test]
    fn component_errors_read_like_ajv() {
        let n = node("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\nspec: {type: service, lifecycle: '', providesApis: [1]}\n");
        let errs = validate("Component", &n);
        let msgs: Vec<String> = errs
            .iter()
            .map(|e| format!("{} {}", e.pointer, e.message))
            .collect();
        assert!(
            msgs.contains(&"/spec must have required property 'owner'".to_string()),
            "{msgs:?}"
        );
        assert!(msgs.contains(&"/spec/lifecycle must NOT have fewer than 1 characters".to_string()));
        assert!(msgs.contains(&"/spec/providesApis/0 must be string".to_string()));
    }

    #[test]
    fn envelope_accepts_extra_fields_entity_does_not() {
        let n = node("apiVersion: a\nkind: b\nmetadata: {name: x}\nextra: 1\n");
        assert!(validate("EntityEnvelope", &n).is_empty());
        let errs = validate("Entity", &n);
        assert_eq!(errs[0].keyword, "additionalProperties");
        assert_eq!(errs[0].field_pointer(), "/extra");
    }

    #[test]
    fn refs_into_common_definitions_resolve() {
        let n = node("apiVersion: a\nkind: b\nmetadata: {name: x}\nrelations: [{type: 'has space', targetRef: x}]\n");
        let errs = validate("Entity", &n);
        assert_eq!(errs[0].pointer, "/relations/0/type");
        assert_eq!(errs[0].keyword, "pattern");
    }
}
