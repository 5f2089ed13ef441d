//! The vendored schemas compiled once into a typed validator: per schema node, the keywords
//! it uses with their messages ready, `$ref`s resolved to node indices, the properties and
//! `required` keys of an object schema in one sorted table (required keys as bits), and
//! patterns as functions. Validation then does one binary search per map key and builds a
//! JSON pointer only for an error.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use super::{node_equals_json, pattern_fn, push_token, resolve, Registry, SchemaError};
use crate::yaml::{Entry, Node, Value};

/// Index of a compiled schema node.
type Id = usize;

/// A `pattern` (or `patternProperties` key) as a test of a string.
type Pattern = fn(&str) -> bool;

/// The compiled schemas: an arena of nodes and the named roots.
pub(super) struct Compiled {
    nodes: Vec<SchemaNode>,
    roots: Vec<(String, Id)>,
}

/// The keywords of one schema object, in the order the validator applies them.
#[derive(Default)]
struct SchemaNode {
    reference: Option<Id>,
    all_of: Vec<Id>,
    one_of: Option<Vec<Id>>,
    types: Option<Types>,
    enum_values: Option<Vec<Json>>,
    constant: Option<Json>,
    min_length: Option<(u64, String)>,
    pattern: Option<(Pattern, String)>,
    min_items: Option<(u64, String)>,
    items: Option<Id>,
    object: Option<Box<ObjectRules>>,
}

/// `type`: the accepted JSON types as bits, and the message when none matches.
struct Types {
    mask: u8,
    message: String,
}

const OBJECT: u8 = 1;
const ARRAY: u8 = 1 << 1;
const STRING: u8 = 1 << 2;
const BOOLEAN: u8 = 1 << 3;
const NULL: u8 = 1 << 4;
const NUMBER: u8 = 1 << 5;
const INTEGER: u8 = 1 << 6;

fn type_bit(name: &str) -> u8 {
    match name {
        "object" => OBJECT,
        "array" => ARRAY,
        "string" => STRING,
        "boolean" => BOOLEAN,
        "null" => NULL,
        "number" => NUMBER,
        "integer" => INTEGER,
        // An unknown type name matches nothing.
        _ => 0,
    }
}

impl Types {
    fn matches(&self, node: &Node) -> bool {
        let bits = match &node.value {
            Value::Map(_) | Value::Opaque => OBJECT,
            Value::Seq(_) => ARRAY,
            Value::String(_) => STRING,
            Value::Bool(_) => BOOLEAN,
            Value::Null => NULL,
            Value::Number(n) if n.fract() == 0.0 => NUMBER | INTEGER,
            Value::Number(_) => NUMBER,
        };
        self.mask & bits != 0
    }
}

/// `properties`, `required`, `patternProperties` and `additionalProperties` of one schema.
struct ObjectRules {
    /// Every key named by `properties` or `required`, sorted for binary search.
    keys: Vec<KeyRule>,
    /// The `required` keys in schema order, each with its message.
    required: Vec<(String, String)>,
    /// Bits of the first 64 `required` positions.
    required_bits: u64,
    patterns: Vec<(Pattern, Id)>,
    additional: Additional,
}

struct KeyRule {
    key: String,
    /// The `properties` schema of the key.
    property: Option<Id>,
    /// The positions (below 64) of the key in `required`.
    required_bits: u64,
}

enum Additional {
    /// Absent or `true`: any other key is allowed.
    Allowed,
    /// `false`: any other key is an error.
    Forbidden,
    /// A schema object that other keys' values must match.
    Schema(Id),
}

impl ObjectRules {
    fn lookup(&self, key: &str) -> Option<&KeyRule> {
        self.keys
            .binary_search_by(|k| shortest_first(&k.key, key))
            .ok()
            .and_then(|i| self.keys.get(i))
    }
}

/// The order an object's keys are searched in: by length, then by bytes. Most probes
/// differ in length, and compare no bytes.
fn shortest_first(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Compiled {
    pub(super) fn new(reg: &Registry) -> Compiled {
        let mut compiler = Compiler {
            reg,
            nodes: Vec::new(),
            seen: HashMap::new(),
        };
        let mut roots: Vec<(String, Id)> = reg
            .roots
            .iter()
            .map(|(name, json)| (name.clone(), compiler.compile(json)))
            .collect();
        roots.sort();
        Compiled {
            nodes: compiler.nodes,
            roots,
        }
    }

    /// Validates `node` against the named schema; an unknown name finds nothing.
    pub(super) fn validate(&self, schema_name: &str, node: &Node) -> Vec<SchemaError> {
        let mut errors = Vec::new();
        if let Some((_, root)) = self.roots.iter().find(|(name, _)| name == schema_name) {
            let mut v = Validator {
                compiled: self,
                path: Vec::new(),
                errors: Some(&mut errors),
                failed: false,
            };
            v.check(*root, node);
        }
        errors
    }
}

struct Compiler<'j> {
    reg: &'j Registry,
    nodes: Vec<SchemaNode>,
    /// Schema objects already compiled, by address: a `$ref` target is compiled once.
    seen: HashMap<*const Json, Id>,
}

impl<'j> Compiler<'j> {
    fn compile(&mut self, schema: &'j Json) -> Id {
        let address: *const Json = schema;
        if let Some(&id) = self.seen.get(&address) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(SchemaNode::default());
        self.seen.insert(address, id);
        // A schema that is not an object (`true`) checks nothing.
        if let Some(s) = schema.as_object() {
            let node = self.node(s);
            if let Some(slot) = self.nodes.get_mut(id) {
                *slot = node;
            }
        }
        id
    }

    fn node(&mut self, s: &'j Map<String, Json>) -> SchemaNode {
        let reg = self.reg;
        let list = |this: &mut Self, key: &str| -> Option<Vec<Id>> {
            let items = s.get(key)?.as_array()?;
            Some(items.iter().map(|sub| this.compile(sub)).collect())
        };
        let reference = s
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| resolve(reg, r))
            .map(|target| self.compile(target));
        let all_of = list(self, "allOf").unwrap_or_default();
        let one_of = list(self, "oneOf");
        let count = |key: &str, what: &str| {
            let min = s.get(key).and_then(Json::as_u64)?;
            Some((min, format!("must NOT have fewer than {min} {what}")))
        };
        SchemaNode {
            reference,
            all_of,
            one_of,
            types: s.get("type").map(types),
            enum_values: s.get("enum").and_then(Json::as_array).cloned(),
            constant: s.get("const").cloned(),
            min_length: count("minLength", "characters"),
            pattern: s
                .get("pattern")
                .and_then(Json::as_str)
                .map(|p| (pattern_fn(p), format!("must match pattern \"{p}\""))),
            min_items: count("minItems", "items"),
            items: s.get("items").map(|sub| self.compile(sub)),
            object: self.object(s).map(Box::new),
        }
    }

    /// The object keywords, when the schema has any.
    fn object(&mut self, s: &'j Map<String, Json>) -> Option<ObjectRules> {
        let properties = s.get("properties").and_then(Json::as_object);
        let patterns = s.get("patternProperties").and_then(Json::as_object);
        let required: Vec<&str> = s
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let additional = match s.get("additionalProperties") {
            Some(Json::Bool(false)) => Additional::Forbidden,
            Some(sub @ Json::Object(_)) => Additional::Schema(self.compile(sub)),
            _ => Additional::Allowed,
        };
        if properties.is_none()
            && patterns.is_none()
            && required.is_empty()
            && matches!(additional, Additional::Allowed)
        {
            return None;
        }
        let mut keys: Vec<KeyRule> = Vec::new();
        for (key, sub) in properties.into_iter().flatten() {
            let property = Some(self.compile(sub));
            keys.push(KeyRule {
                key: key.clone(),
                property,
                required_bits: 0,
            });
        }
        let mut required_bits = 0;
        for (i, key) in required.iter().enumerate().take(64) {
            required_bits |= 1 << i;
            match keys.iter_mut().find(|k| k.key == *key) {
                Some(k) => k.required_bits |= 1 << i,
                None => keys.push(KeyRule {
                    key: (*key).to_string(),
                    property: None,
                    required_bits: 1 << i,
                }),
            }
        }
        keys.sort_by(|a, b| shortest_first(&a.key, &b.key));
        let patterns = patterns
            .into_iter()
            .flatten()
            .map(|(p, sub)| (pattern_fn(p), self.compile(sub)))
            .collect();
        Some(ObjectRules {
            keys,
            required: required
                .iter()
                .map(|k| (k.to_string(), format!("must have required property '{k}'")))
                .collect(),
            required_bits,
            patterns,
            additional,
        })
    }
}

/// `type` as a string or a list of strings; any other value matches nothing.
fn types(t: &Json) -> Types {
    let names: Vec<&str> = match t {
        Json::String(one) => vec![one.as_str()],
        Json::Array(many) => many.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    Types {
        mask: names.iter().fold(0, |mask, n| mask | type_bit(n)),
        message: format!("must be {}", names.join(",")),
    }
}

/// One step of the path from the validated root to the current value.
#[derive(Clone, Copy)]
enum Step<'n> {
    Key(&'n str),
    Index(usize),
}

struct Validator<'c, 'n, 'e> {
    compiled: &'c Compiled,
    path: Vec<Step<'n>>,
    /// `None` when only passing or failing matters (inside `oneOf`).
    errors: Option<&'e mut Vec<SchemaError>>,
    failed: bool,
}

impl<'c, 'n> Validator<'c, 'n, '_> {
    /// A quiet validation failed: nothing more is needed.
    fn done(&self) -> bool {
        self.failed && self.errors.is_none()
    }

    fn pointer(&self) -> String {
        let mut pointer = String::new();
        for step in &self.path {
            match step {
                Step::Key(key) => push_token(&mut pointer, key),
                Step::Index(i) => {
                    use std::fmt::Write as _;
                    let _ = write!(pointer, "/{i}");
                }
            }
        }
        pointer
    }

    fn fail(&mut self, keyword: &'static str, message: &str, property: Option<&str>) {
        self.failed = true;
        let pointer = match self.errors {
            Some(_) => self.pointer(),
            None => return,
        };
        if let Some(errors) = self.errors.as_deref_mut() {
            errors.push(SchemaError {
                pointer,
                property: property.map(str::to_string),
                keyword,
                message: message.to_string(),
            });
        }
    }

    fn check(&mut self, id: Id, node: &'n Node) {
        let compiled = self.compiled;
        let Some(s) = compiled.nodes.get(id) else {
            return;
        };
        if let Some(r) = s.reference {
            self.check(r, node);
        }
        for &sub in &s.all_of {
            self.check(sub, node);
        }
        if let Some(one) = &s.one_of {
            let passing = one.iter().filter(|&&sub| self.passes(sub, node)).count();
            if passing != 1 {
                self.fail("oneOf", "must match exactly one schema in oneOf", None);
            }
        }
        if self.done() {
            return;
        }
        if let Some(t) = &s.types {
            if !t.matches(node) {
                self.fail("type", &t.message, None);
                // ajv skips the other keywords of a schema whose type failed.
                return;
            }
        }
        if let Some(values) = &s.enum_values {
            if !values.iter().any(|v| node_equals_json(node, v)) {
                self.fail("enum", "must be equal to one of the allowed values", None);
            }
        }
        if let Some(c) = &s.constant {
            if !node_equals_json(node, c) {
                self.fail("const", "must be equal to constant", None);
            }
        }
        match &node.value {
            Value::String(text) => self.check_string(s, text),
            Value::Seq(items) => self.check_array(s, items),
            Value::Map(entries) => {
                if let Some(rules) = &s.object {
                    self.check_object(rules, entries);
                }
            }
            _ => {}
        }
    }

    /// Whether `node` matches schema `id`, found without building errors.
    fn passes(&self, id: Id, node: &'n Node) -> bool {
        let mut quiet = Validator {
            compiled: self.compiled,
            path: Vec::new(),
            errors: None,
            failed: false,
        };
        quiet.check(id, node);
        !quiet.failed
    }

    fn check_string(&mut self, s: &SchemaNode, text: &str) {
        if let Some((min, message)) = &s.min_length {
            // ajv counts Unicode code points: fewer than `min` when there is no `min`th one.
            let fewer = match usize::try_from(*min) {
                Ok(0) => false,
                Ok(min) => text.chars().nth(min - 1).is_none(),
                Err(_) => true,
            };
            if fewer {
                self.fail("minLength", message, None);
            }
        }
        if let Some((matches, message)) = &s.pattern {
            if !matches(text) {
                self.fail("pattern", message, None);
            }
        }
    }

    fn check_array(&mut self, s: &SchemaNode, items: &'n [Node]) {
        if let Some((min, message)) = &s.min_items {
            if (items.len() as u64) < *min {
                self.fail("minItems", message, None);
            }
        }
        if let Some(item_schema) = s.items {
            for (i, item) in items.iter().enumerate() {
                if self.done() {
                    return;
                }
                self.path.push(Step::Index(i));
                self.check(item_schema, item);
                self.path.pop();
            }
        }
    }

    fn check_object(&mut self, rules: &ObjectRules, entries: &'n [Entry]) {
        // `required` errors come first: they are put before this object's other errors.
        let mark = self.errors.as_deref().map_or(0, Vec::len);
        let mut present = 0u64;
        for e in entries {
            if self.done() {
                return;
            }
            let rule = rules.lookup(&e.key);
            present |= rule.map_or(0, |r| r.required_bits);
            self.path.push(Step::Key(&e.key));
            let mut known = false;
            if let Some(sub) = rule.and_then(|r| r.property) {
                known = true;
                self.check(sub, &e.value);
            }
            for &(matches, sub) in &rules.patterns {
                if matches(&e.key) {
                    known = true;
                    self.check(sub, &e.value);
                }
            }
            if !known {
                match rules.additional {
                    Additional::Forbidden => {
                        self.path.pop();
                        self.fail(
                            "additionalProperties",
                            "must NOT have additional properties",
                            Some(&e.key),
                        );
                        continue;
                    }
                    Additional::Schema(sub) => self.check(sub, &e.value),
                    Additional::Allowed => {}
                }
            }
            self.path.pop();
        }
        if rules.required_bits & !present != 0 || rules.required.len() > 64 {
            self.missing(rules, entries, present, mark);
        }
    }

    /// Reports the missing `required` keys, in schema order, at `mark`.
    fn missing(&mut self, rules: &ObjectRules, entries: &[Entry], present: u64, mark: usize) {
        let at = self.errors.as_deref().map_or(0, Vec::len);
        for (i, (key, message)) in rules.required.iter().enumerate() {
            let found = if i < 64 {
                present & (1 << i) != 0
            } else {
                entries.iter().any(|e| e.key == *key)
            };
            if !found {
                self.fail("required", message, Some(key));
            }
        }
        if let Some(errors) = self.errors.as_deref_mut() {
            if let Some(tail) = errors.get_mut(mark..) {
                tail.rotate_left(at.saturating_sub(mark));
            }
        }
    }
}
