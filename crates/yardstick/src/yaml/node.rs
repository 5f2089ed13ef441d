//! The tree a YAML document is read into: values shaped like JSON, each with its span.

use super::Span;
use crate::util::shared_str::SharedStr;

/// A YAML value after scalar resolution, shaped like the JSON that Backstage validates.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~`, an empty value.
    Null,
    /// `true` / `false` in their YAML 1.2 spellings.
    Bool(bool),
    /// Any number; JavaScript has only doubles, so neither has yardstick.
    Number(f64),
    /// A string.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping; keys are already converted to the strings JavaScript would use.
    Map(Vec<Entry>),
    /// A value JavaScript sees as an object that is neither array nor plain map (`!!binary`).
    Opaque,
}

/// A value and where it stands in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value is written.
    pub span: Span,
}

/// One key of a mapping with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as JavaScript stringifies it (`1` becomes `"1"`, `~` becomes `""`). Equal
    /// keys read together share one string.
    pub key: SharedStr,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// An RFC 6901 reference token unescaped; borrowed when it has no escape.
pub(super) fn unescape_token(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains('~') {
        raw.replace("~1", "/").replace("~0", "~").into()
    } else {
        raw.into()
    }
}

impl Node {
    /// A null node at `span`.
    ///
    /// ```
    /// let node = yardstick::Node::null(yardstick::Span::new(0, 4, 1, 1));
    /// assert_eq!(node.to_json(), serde_json::Value::Null);
    /// ```
    pub fn null(span: Span) -> Node {
        Node {
            value: Value::Null,
            span,
        }
    }

    /// Looks up a direct child by map key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// The map entry for `key`, with its key span.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this is a map.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(e) => Some(e),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Follows an RFC 6901 JSON pointer (`/spec/owner`, `/metadata/tags/0`).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        self.pointer_with_key(pointer).map(|(n, _)| n)
    }

    /// Follows a JSON pointer and also returns the span of the last key, when the last step
    /// was a map key; diagnostics underline the key of a bad field.
    pub fn pointer_with_key(&self, pointer: &str) -> Option<(&Node, Option<Span>)> {
        if pointer.is_empty() {
            return Some((self, None));
        }
        let rest = pointer.strip_prefix('/')?;
        let mut node = self;
        let mut key_span = None;
        for raw in rest.split('/') {
            let token = unescape_token(raw);
            match &node.value {
                Value::Map(entries) => {
                    let e = entries.iter().find(|e| *e.key == *token)?;
                    key_span = Some(e.key_span);
                    node = &e.value;
                }
                Value::Seq(items) => {
                    let i: usize = token.parse().ok()?;
                    node = items.get(i)?;
                    key_span = None;
                }
                _ => return None,
            }
        }
        Some((node, key_span))
    }

    /// The span of the deepest existing node along `pointer`: the field itself when present,
    /// else its nearest ancestor. Key spans are preferred over value spans for map fields.
    pub fn locate(&self, pointer: &str) -> Span {
        let mut best = self.span;
        if let Some(rest) = pointer.strip_prefix('/') {
            let mut node = self;
            for raw in rest.split('/') {
                let token = unescape_token(raw);
                match &node.value {
                    Value::Map(entries) => match entries.iter().find(|e| *e.key == *token) {
                        Some(e) => {
                            best = e.key_span;
                            node = &e.value;
                        }
                        None => break,
                    },
                    Value::Seq(items) => {
                        match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                            Some(n) => {
                                best = n.span;
                                node = n;
                            }
                            None => break,
                        }
                    }
                    _ => break,
                }
            }
        }
        best
    }

    /// Like [`Node::locate`], but a scalar field's value rather than its key: the span to
    /// underline when the value is what is wrong.
    pub fn locate_value(&self, pointer: &str) -> Span {
        match self.pointer(pointer) {
            Some(n) if !matches!(n.value, Value::Seq(_) | Value::Map(_)) => n.span,
            _ => self.locate(pointer),
        }
    }

    /// A short name of the JSON type, as error messages say it.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) | Value::Opaque => "object",
        }
    }

    /// Converts to JSON. Non-finite numbers, which JSON cannot hold, become strings.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => super::compact::number_json(*n),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.to_string(), e.value.to_json()))
                    .collect(),
            ),
            Value::Opaque => J::Object(Default::default()),
        }
    }
}
