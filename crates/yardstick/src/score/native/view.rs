//! What a natively read check sees of a part of `input`: the shape of a value and its
//! fields, whether the value is regorus's (the input Rego reads) or read in place (the
//! entity's kept YAML tree, the facts as JSON), so that one reading of each module serves
//! both and no regorus value is built for a check that does not need one.

use regorus::Value;

use crate::yaml::{NodeRef, ValueRef};

/// What the checks tell apart in a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(in crate::score) enum Shape<'v> {
    /// Not there (`input.x.y` where `x` has no `y`, or is no object).
    Undefined,
    Null,
    Bool(bool),
    Str(&'v str),
    Object,
    /// A number or an array.
    Other,
}

/// A value of `input` as the native checks read it.
pub(in crate::score) trait View<'v>: Copy {
    /// The field `key` (a string) of an object; undefined for anything else.
    fn field(self, key: &Value) -> Self;
    fn shape(self) -> Shape<'v>;
}

impl<'v> View<'v> for &'v Value {
    fn field(self, key: &Value) -> Self {
        match self {
            Value::Object(fields) => fields.get(key).unwrap_or(&Value::Undefined),
            _ => &Value::Undefined,
        }
    }

    fn shape(self) -> Shape<'v> {
        match self {
            Value::Undefined => Shape::Undefined,
            Value::Null => Shape::Null,
            Value::Bool(b) => Shape::Bool(*b),
            Value::String(s) => Shape::Str(s),
            Value::Object(_) => Shape::Object,
            Value::Number(_) | Value::Array(_) | Value::Set(_) => Shape::Other,
        }
    }
}

/// A node of an entity's kept tree (`None`: undefined), read as `input::node_value`
/// converts it: an opaque node is an empty object, and of two equal keys the later one
/// counts, as in the map that conversion builds.
#[derive(Debug, Clone, Copy)]
pub(in crate::score) struct Yaml<'v>(pub(in crate::score) Option<NodeRef<'v>>);

impl<'v> View<'v> for Yaml<'v> {
    fn field(self, key: &Value) -> Self {
        let (Some(node), Value::String(key)) = (self.0, key) else {
            return Yaml(None);
        };
        let entries = node.as_map().into_iter().flatten();
        Yaml(
            entries
                .filter(|e| e.key() == &**key)
                .last()
                .map(|e| e.value()),
        )
    }

    fn shape(self) -> Shape<'v> {
        let Some(node) = self.0 else {
            return Shape::Undefined;
        };
        match node.value() {
            ValueRef::Null => Shape::Null,
            ValueRef::Bool(b) => Shape::Bool(b),
            ValueRef::String(s) => Shape::Str(s),
            ValueRef::Map(_) | ValueRef::Opaque => Shape::Object,
            ValueRef::Number(_) | ValueRef::Seq(_) => Shape::Other,
        }
    }
}

/// A JSON value (`None`: undefined), as converting it to a regorus value reads.
#[derive(Debug, Clone, Copy)]
pub(in crate::score) struct Json<'v>(pub(in crate::score) Option<&'v serde_json::Value>);

impl<'v> View<'v> for Json<'v> {
    fn field(self, key: &Value) -> Self {
        match (self.0, key) {
            (Some(serde_json::Value::Object(fields)), Value::String(key)) => {
                Json(fields.get(&**key))
            }
            _ => Json(None),
        }
    }

    fn shape(self) -> Shape<'v> {
        use serde_json::Value as J;
        match self.0 {
            None => Shape::Undefined,
            Some(J::Null) => Shape::Null,
            Some(J::Bool(b)) => Shape::Bool(*b),
            Some(J::String(s)) => Shape::Str(s),
            Some(J::Object(_)) => Shape::Object,
            Some(J::Number(_) | J::Array(_)) => Shape::Other,
        }
    }
}

/// The parts of `input` the native checks read: the entity, its facts and `input.local`.
#[derive(Debug, Clone, Copy)]
pub(in crate::score) struct Views<E, F, L> {
    pub(in crate::score) entity: E,
    pub(in crate::score) facts: F,
    pub(in crate::score) local: L,
}
