//! The schema walker yardstick used before the schemas were compiled, kept as the test
//! oracle of the compiled validator: it reads the JSON schema objects directly, keyword by
//! keyword, for every node.

use serde_json::Value as Json;

use super::{node_equals_json, pattern_fn, push_token, registry, resolve, Registry, SchemaError};
use crate::yaml::{Node, Value};

/// [`super::validate`] by walking the JSON schemas.
pub(super) fn validate(schema_name: &str, node: &Node) -> Vec<SchemaError> {
    let reg = registry();
    let mut errors = Vec::new();
    if let Some(schema) = reg.roots.get(schema_name) {
        let mut v = Walker {
            reg,
            errors: &mut errors,
        };
        v.check(schema, node, &mut String::new());
    }
    errors
}

struct Walker<'r, 'e> {
    reg: &'r Registry,
    errors: &'e mut Vec<SchemaError>,
}

impl Walker<'_, '_> {
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
            let types: Vec<&str> = match t {
                Json::String(one) => vec![one.as_str()],
                Json::Array(many) => many.iter().filter_map(Json::as_str).collect(),
                _ => Vec::new(),
            };
            if !types.iter().any(|t| type_matches(t, node)) {
                self.push(
                    pointer,
                    "type",
                    format!("must be {}", types.join(",")),
                    None,
                );
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
            if !pattern_fn(p)(text) {
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
                pointer.push_str(&format!("/{i}"));
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
            for (p, sub) in patterns.into_iter().flatten() {
                if pattern_fn(p)(&e.key) {
                    known = true;
                    self.check(sub, &e.value, pointer);
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
    let mut v = Walker {
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
