//! [`Projection`]: the parts of a document that something reads, so that a tree can keep
//! only those (with their spans) and still answer every read of them exactly.

use std::collections::BTreeMap;

use super::node::{unescape_token, Node, Value};
use super::{CompactTree, Span, ValueRef};

/// The whole of any node, for parts that are not below a map's fields.
pub(super) static WHOLE: Projection = Projection::Whole;

/// Parts of a YAML document, as a tree of map fields: a tree pruned to a projection holds
/// the same value at every path the projection names, and the same spans along it.
///
/// ```
/// use yardstick::{parse_stream, CompactTree, Limits, Projection};
/// let stream = parse_stream("metadata: {name: a, title: A}\nspec: {owner: team-a, type: service}\n", &Limits::default());
/// let node = stream.documents[0].root.as_ref().unwrap();
/// let mut parts = Projection::empty();
/// parts.add_pointer("/spec/owner");
/// let pruned = CompactTree::from_node(&parts.prune(node));
/// assert_eq!(pruned.pointer("/spec/owner").and_then(|n| n.as_str()), Some("team-a"));
/// assert!(pruned.pointer("/metadata").is_none());
/// assert_eq!(parts.locate(&pruned, "/spec/owner"), Some(node.locate("/spec/owner")));
/// // The type was pruned: where it is written is not known from the pruned tree.
/// assert_eq!(parts.locate(&pruned, "/spec/type"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Projection {
    /// The whole subtree.
    Whole,
    /// Only these fields of a map; any other kind of node is kept whole.
    Fields(BTreeMap<String, Projection>),
}

impl Projection {
    /// No part at all (the root node alone, with its span).
    pub fn empty() -> Projection {
        Projection::Fields(BTreeMap::new())
    }

    /// Adds the subtree at `path` (map keys, unescaped).
    pub fn add(&mut self, path: &[String]) {
        let Projection::Fields(fields) = self else {
            return;
        };
        match path.split_first() {
            None => *self = Projection::Whole,
            Some((field, below)) => fields
                .entry(field.clone())
                .or_insert_with(Projection::empty)
                .add(below),
        }
    }

    /// Adds the subtree at an RFC 6901 JSON pointer (`""` is the whole document).
    pub fn add_pointer(&mut self, pointer: &str) {
        let path: Vec<String> = match pointer.strip_prefix('/') {
            Some(rest) => rest
                .split('/')
                .map(|t| unescape_token(t).into_owned())
                .collect(),
            None => Vec::new(),
        };
        self.add(&path);
    }

    /// True when every part of `other` is a part of this projection.
    pub fn covers(&self, other: &Projection) -> bool {
        match (self, other) {
            (Projection::Whole, _) => true,
            (Projection::Fields(_), Projection::Whole) => false,
            (Projection::Fields(mine), Projection::Fields(theirs)) => theirs
                .iter()
                .all(|(field, part)| mine.get(field).is_some_and(|m| m.covers(part))),
        }
    }

    /// A copy of `node` with only these parts; each kept node keeps its span.
    pub fn prune(&self, node: &Node) -> Node {
        let (Projection::Fields(fields), Value::Map(entries)) = (self, &node.value) else {
            return node.clone();
        };
        let kept = entries
            .iter()
            .filter_map(|e| {
                let part = fields.get(&*e.key)?;
                Some(super::Entry {
                    key: e.key.clone(),
                    key_span: e.key_span,
                    value: part.prune(&e.value),
                })
            })
            .collect();
        Node {
            value: Value::Map(kept),
            span: node.span,
        }
    }

    /// What [`NodeRef::locate`](super::NodeRef::locate) gives for `pointer` in the tree `pruned` came from, when the
    /// pruned tree can tell; `None` when the walk leaves the kept parts at a key that was
    /// pruned (the original may or may not have it).
    pub fn locate(&self, pruned: &CompactTree, pointer: &str) -> Option<Span> {
        let mut best = pruned.span();
        let Some(rest) = pointer.strip_prefix('/') else {
            return Some(best);
        };
        let (mut node, mut part) = (pruned.root(), self);
        for raw in rest.split('/') {
            let token = unescape_token(raw);
            match (part, node.value()) {
                (Projection::Fields(fields), ValueRef::Map(_)) => part = fields.get(&*token)?,
                // `prune` keeps any other node whole.
                (Projection::Fields(_), _) => part = &WHOLE,
                (Projection::Whole, _) => {}
            }
            let Some((next, key_span)) = node.step(&token) else {
                break;
            };
            best = key_span.unwrap_or_else(|| next.span());
            node = next;
        }
        Some(best)
    }
}
