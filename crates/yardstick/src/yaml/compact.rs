//! [`CompactTree`]: a [`Node`] tree packed into three allocations, for trees kept long (every
//! accepted entity until the end of scoring). Nodes live in one `Vec` addressed by `u32`
//! indices, map entries in another, and every string (keys included) in one buffer.

use super::node::{unescape_token, Entry, Node, Value};
use super::projection::{Projection, WHOLE};
use super::{js_number_to_string, Span};

/// What a slot holds; its payload is in [`Slot::a`] and [`Slot::b`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Null,
    /// `a` is 0 or 1.
    Bool,
    /// The `f64` bits: low half in `a`, high half in `b`.
    Number,
    /// `a` is the start in [`CompactTree::strings`], `b` the length.
    String,
    /// `a` is the first item in [`CompactTree::nodes`] (items are contiguous), `b` the count.
    Seq,
    /// `a` is the first entry in [`CompactTree::entries`] (entries are contiguous), `b` the count.
    Map,
    Opaque,
}

/// One node: 28 bytes, against 48 for a [`Node`] plus its own allocations.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Slot {
    span: Span,
    a: u32,
    b: u32,
    tag: Tag,
}

/// Keys of Backstage's entity envelope, its kinds' spec fields and its well-known
/// annotations, sorted: an entry with one of these keys points here instead of copying it.
const WELL_KNOWN_KEYS: [&str; 66] = [
    "annotations",
    "apiVersion",
    "backstage.io/adr-location",
    "backstage.io/edit-url",
    "backstage.io/kubernetes-id",
    "backstage.io/kubernetes-label-selector",
    "backstage.io/managed-by-location",
    "backstage.io/managed-by-origin-location",
    "backstage.io/orphan",
    "backstage.io/source-location",
    "backstage.io/source-template",
    "backstage.io/techdocs-entity",
    "backstage.io/techdocs-ref",
    "backstage.io/view-url",
    "children",
    "circleci.com/project-slug",
    "consumesApis",
    "definition",
    "dependencyOf",
    "dependsOn",
    "description",
    "displayName",
    "domain",
    "email",
    "etag",
    "github.com/project-slug",
    "github.com/team-slug",
    "github.com/user-login",
    "gitlab.com/project-slug",
    "grafana/alert-label-selector",
    "grafana/dashboard-selector",
    "icon",
    "jenkins.io/job-full-name",
    "kind",
    "labels",
    "lifecycle",
    "lighthouse.com/website-url",
    "links",
    "memberOf",
    "members",
    "metadata",
    "name",
    "namespace",
    "opsgenie.com/team",
    "owner",
    "pagerduty.com/integration-key",
    "pagerduty.com/service-id",
    "parent",
    "picture",
    "presence",
    "profile",
    "prometheus.io/rule",
    "providesApis",
    "sentry.io/project-slug",
    "sonarqube.org/project-key",
    "spec",
    "subcomponentOf",
    "subdomainOf",
    "system",
    "tags",
    "target",
    "targets",
    "title",
    "type",
    "uid",
    "url",
];

/// The index of `key` in [`WELL_KNOWN_KEYS`]. The first bytes are compared before the
/// rest: most probes differ there, and then call no `memcmp` (every kept key of every
/// entity is looked up, twice).
fn well_known(key: &str) -> Option<usize> {
    let first = key.as_bytes().first();
    WELL_KNOWN_KEYS
        .binary_search_by(|k| (k.as_bytes().first().cmp(&first)).then_with(|| k.cmp(&key)))
        .ok()
}

/// `key_len` of an entry whose `key_start` indexes [`WELL_KNOWN_KEYS`].
const WELL_KNOWN: u32 = u32::MAX;

/// One map entry: its key (a range of [`CompactTree::strings`] or a well-known key), the
/// key's span and the value.
#[derive(Debug, Clone, Copy, PartialEq)]
struct EntrySlot {
    key_start: u32,
    key_len: u32,
    key_span: Span,
    value: u32,
}

/// A YAML tree in compact form: the same values and spans as the [`Node`] it was built
/// from, read through [`NodeRef`]s.
///
/// ```
/// use yardstick::CompactTree;
/// let stream = yardstick::parse_stream("spec:\n  owner: team-a\n  tags: [a, b]\n", &yardstick::Limits::default());
/// let node = stream.documents[0].root.as_ref().unwrap();
/// let tree = CompactTree::from_node(node);
/// assert_eq!(tree.pointer("/spec/owner").and_then(|n| n.as_str()), Some("team-a"));
/// assert_eq!(tree.locate("/spec/tags/1").line, 3);
/// assert_eq!(tree.root().to_json(), node.to_json());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CompactTree {
    /// The root is slot 0.
    nodes: Box<[Slot]>,
    entries: Box<[EntrySlot]>,
    strings: Box<str>,
}

/// Index into a tree's buffers; trees over 4 Gi nodes or string bytes cannot be built from
/// text the reader accepts (files of 4 GiB or more are refused).
fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts what a tree needs, so that each buffer is allocated once and exactly: the parts of
/// `node` that `part` keeps.
fn measure(node: &Node, part: &Projection, counts: &mut (usize, usize, usize)) {
    counts.0 += 1;
    match &node.value {
        Value::String(s) => counts.2 += s.len(),
        Value::Seq(items) => items.iter().for_each(|n| measure(n, &WHOLE, counts)),
        Value::Map(entries) => {
            for (e, below) in kept(entries, part) {
                counts.1 += 1;
                if well_known(&e.key).is_none() {
                    counts.2 += e.key.len();
                }
                measure(&e.value, below, counts);
            }
        }
        _ => {}
    }
}

/// The entries of a map that `part` keeps, each with the part of its value kept, as
/// [`Projection::prune`] keeps them.
fn kept<'n, 'p>(
    entries: &'n [Entry],
    part: &'p Projection,
) -> impl Iterator<Item = (&'n Entry, &'p Projection)> + Clone {
    entries.iter().filter_map(move |e| match part {
        Projection::Whole => Some((e, &WHOLE)),
        Projection::Fields(fields) => Some((e, fields.get(&*e.key)?)),
    })
}

/// Writes `node` into slot `at` (already reserved), reserving and writing its children.
fn fill(
    node: &Node,
    part: &Projection,
    at: usize,
    nodes: &mut Vec<Slot>,
    entries: &mut Vec<EntrySlot>,
    strings: &mut String,
) {
    let (tag, a, b) = match &node.value {
        Value::Null => (Tag::Null, 0, 0),
        Value::Bool(v) => (Tag::Bool, u32::from(*v), 0),
        Value::Number(n) => {
            let bits = n.to_bits();
            (Tag::Number, bits as u32, (bits >> 32) as u32)
        }
        Value::String(s) => {
            let start = index(strings.len());
            strings.push_str(s);
            (Tag::String, start, index(s.len()))
        }
        Value::Seq(items) => {
            let first = nodes.len();
            nodes.extend(items.iter().map(|n| placeholder(n.span)));
            for (i, item) in items.iter().enumerate() {
                fill(item, &WHOLE, first + i, nodes, entries, strings);
            }
            (Tag::Seq, index(first), index(items.len()))
        }
        Value::Map(map) => {
            let first = entries.len();
            let kept = kept(map, part);
            for (e, _) in kept.clone() {
                let (key_start, key_len) = match well_known(&e.key) {
                    Some(known) => (index(known), WELL_KNOWN),
                    None => {
                        let start = index(strings.len());
                        strings.push_str(&e.key);
                        (start, index(e.key.len()))
                    }
                };
                let value = nodes.len();
                nodes.push(placeholder(e.value.span));
                entries.push(EntrySlot {
                    key_start,
                    key_len,
                    key_span: e.key_span,
                    value: index(value),
                });
            }
            let count = entries.len() - first;
            for (i, (e, below)) in kept.enumerate() {
                let value = entries[first + i].value as usize;
                fill(&e.value, below, value, nodes, entries, strings);
            }
            (Tag::Map, index(first), index(count))
        }
        Value::Opaque => (Tag::Opaque, 0, 0),
    };
    if let Some(slot) = nodes.get_mut(at) {
        *slot = Slot {
            span: node.span,
            a,
            b,
            tag,
        };
    }
}

fn placeholder(span: Span) -> Slot {
    Slot {
        span,
        a: 0,
        b: 0,
        tag: Tag::Null,
    }
}

impl CompactTree {
    /// Packs `node`.
    pub fn from_node(node: &Node) -> CompactTree {
        CompactTree::from_parts(node, &WHOLE)
    }

    /// Packs the parts of `node` that `parts` keeps: the tree
    /// [`CompactTree::from_node`] packs from [`Projection::prune`]'s, without building
    /// the pruned tree first.
    ///
    /// ```
    /// use yardstick::{parse_stream, CompactTree, Limits, Projection};
    /// let stream = parse_stream("metadata: {name: a}\nspec: {owner: team-a, type: service}\n", &Limits::default());
    /// let node = stream.documents[0].root.as_ref().unwrap();
    /// let mut parts = Projection::empty();
    /// parts.add_pointer("/spec/owner");
    /// let packed = CompactTree::from_parts(node, &parts);
    /// assert_eq!(packed, CompactTree::from_node(&parts.prune(node)));
    /// ```
    pub fn from_parts(node: &Node, parts: &Projection) -> CompactTree {
        let mut counts = (0, 0, 0);
        measure(node, parts, &mut counts);
        let mut nodes = Vec::with_capacity(counts.0);
        let mut entries = Vec::with_capacity(counts.1);
        let mut strings = String::with_capacity(counts.2);
        nodes.push(placeholder(node.span));
        fill(node, parts, 0, &mut nodes, &mut entries, &mut strings);
        CompactTree {
            nodes: nodes.into_boxed_slice(),
            entries: entries.into_boxed_slice(),
            strings: strings.into_boxed_str(),
        }
    }

    /// The root node.
    pub fn root(&self) -> NodeRef<'_> {
        NodeRef {
            tree: self,
            index: 0,
        }
    }

    /// Unpacks into a [`Node`] tree equal to the one the tree was built from.
    pub fn to_node(&self) -> Node {
        self.root().to_node()
    }

    /// The root's span.
    pub fn span(&self) -> Span {
        self.root().span()
    }

    /// Looks up a direct child of the root by map key.
    pub fn get(&self, key: &str) -> Option<NodeRef<'_>> {
        self.root().get(key)
    }

    /// Follows an RFC 6901 JSON pointer from the root; see [`Node::pointer`].
    pub fn pointer(&self, pointer: &str) -> Option<NodeRef<'_>> {
        self.root().pointer(pointer)
    }

    /// See [`Node::locate`].
    pub fn locate(&self, pointer: &str) -> Span {
        self.root().locate(pointer)
    }

    /// See [`Node::locate_value`].
    pub fn locate_value(&self, pointer: &str) -> Span {
        self.root().locate_value(pointer)
    }

    /// Bytes held on the heap (for memory accounting).
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.nodes)
            + std::mem::size_of_val(&*self.entries)
            + self.strings.len()
    }

    fn slot(&self, index: u32) -> Option<&Slot> {
        self.nodes.get(index as usize)
    }

    fn str_at(&self, start: u32, len: u32) -> &str {
        let start = start as usize;
        self.strings
            .get(start..start.saturating_add(len as usize))
            .unwrap_or("")
    }
}

/// A node of a [`CompactTree`].
#[derive(Debug, Clone, Copy)]
pub struct NodeRef<'t> {
    tree: &'t CompactTree,
    index: u32,
}

/// A node's value, borrowed from its tree.
#[derive(Debug, Clone)]
pub enum ValueRef<'t> {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(&'t str),
    /// A sequence's items.
    Seq(SeqItems<'t>),
    /// A mapping's entries.
    Map(MapEntries<'t>),
    /// See [`Value::Opaque`].
    Opaque,
}

/// The items of a sequence, in order.
#[derive(Debug, Clone)]
pub struct SeqItems<'t> {
    tree: &'t CompactTree,
    range: std::ops::Range<u32>,
}

impl<'t> Iterator for SeqItems<'t> {
    type Item = NodeRef<'t>;
    fn next(&mut self) -> Option<NodeRef<'t>> {
        self.range.next().map(|index| NodeRef {
            tree: self.tree,
            index,
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl ExactSizeIterator for SeqItems<'_> {}

/// The entries of a mapping, in order.
#[derive(Debug, Clone)]
pub struct MapEntries<'t> {
    tree: &'t CompactTree,
    range: std::ops::Range<u32>,
}

impl<'t> Iterator for MapEntries<'t> {
    type Item = EntryRef<'t>;
    fn next(&mut self) -> Option<EntryRef<'t>> {
        let tree = self.tree;
        self.range
            .next()
            .and_then(|i| tree.entries.get(i as usize))
            .map(|slot| EntryRef { tree, slot })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl ExactSizeIterator for MapEntries<'_> {}

/// One map entry of a [`CompactTree`].
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'t> {
    tree: &'t CompactTree,
    slot: &'t EntrySlot,
}

impl<'t> EntryRef<'t> {
    /// The key.
    pub fn key(&self) -> &'t str {
        match self.slot.key_len {
            WELL_KNOWN => WELL_KNOWN_KEYS
                .get(self.slot.key_start as usize)
                .copied()
                .unwrap_or(""),
            len => self.tree.str_at(self.slot.key_start, len),
        }
    }

    /// Where the key is written.
    pub fn key_span(&self) -> Span {
        self.slot.key_span
    }

    /// The value.
    pub fn value(&self) -> NodeRef<'t> {
        NodeRef {
            tree: self.tree,
            index: self.slot.value,
        }
    }
}

impl<'t> NodeRef<'t> {
    fn slot(&self) -> Slot {
        self.tree
            .slot(self.index)
            .copied()
            .unwrap_or(placeholder(Span::default()))
    }

    /// Where the value is written.
    pub fn span(&self) -> Span {
        self.slot().span
    }

    /// The value.
    pub fn value(&self) -> ValueRef<'t> {
        let Slot { a, b, tag, .. } = self.slot();
        let tree = self.tree;
        match tag {
            Tag::Null => ValueRef::Null,
            Tag::Bool => ValueRef::Bool(a != 0),
            Tag::Number => ValueRef::Number(f64::from_bits(u64::from(a) | (u64::from(b) << 32))),
            Tag::String => ValueRef::String(tree.str_at(a, b)),
            Tag::Seq => ValueRef::Seq(SeqItems {
                tree,
                range: a..a.saturating_add(b),
            }),
            Tag::Map => ValueRef::Map(MapEntries {
                tree,
                range: a..a.saturating_add(b),
            }),
            Tag::Opaque => ValueRef::Opaque,
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&'t str> {
        match self.value() {
            ValueRef::String(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this is a map.
    pub fn as_map(&self) -> Option<MapEntries<'t>> {
        match self.value() {
            ValueRef::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<SeqItems<'t>> {
        match self.value() {
            ValueRef::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The map entry for `key`.
    pub fn entry(&self, key: &str) -> Option<EntryRef<'t>> {
        self.as_map()?.find(|e| e.key() == key)
    }

    /// Looks up a direct child by map key.
    pub fn get(&self, key: &str) -> Option<NodeRef<'t>> {
        self.entry(key).map(|e| e.value())
    }

    /// One step of a pointer: the child and, for a map key, the key's span.
    pub(super) fn step(&self, token: &str) -> Option<(NodeRef<'t>, Option<Span>)> {
        match self.value() {
            ValueRef::Map(mut entries) => entries
                .find(|e| e.key() == token)
                .map(|e| (e.value(), Some(e.key_span()))),
            ValueRef::Seq(mut items) => {
                let i: usize = token.parse().ok()?;
                items.nth(i).map(|n| (n, None))
            }
            _ => None,
        }
    }

    /// Follows an RFC 6901 JSON pointer; see [`Node::pointer`].
    pub fn pointer(&self, pointer: &str) -> Option<NodeRef<'t>> {
        if pointer.is_empty() {
            return Some(*self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut node = *self;
        for raw in rest.split('/') {
            node = node.step(&unescape_token(raw))?.0;
        }
        Some(node)
    }

    /// The span of the deepest existing node along `pointer`, keys preferred; the same
    /// span as [`Node::locate`].
    pub fn locate(&self, pointer: &str) -> Span {
        let mut best = self.span();
        if let Some(rest) = pointer.strip_prefix('/') {
            let mut node = *self;
            for raw in rest.split('/') {
                let Some((next, key_span)) = node.step(&unescape_token(raw)) else {
                    break;
                };
                best = key_span.unwrap_or_else(|| next.span());
                node = next;
            }
        }
        best
    }

    /// The same span as [`Node::locate_value`].
    pub fn locate_value(&self, pointer: &str) -> Span {
        match self.pointer(pointer) {
            Some(n) if !matches!(n.value(), ValueRef::Seq(_) | ValueRef::Map(_)) => n.span(),
            _ => self.locate(pointer),
        }
    }

    /// A short name of the JSON type, as [`Node::type_name`] says it.
    pub fn type_name(&self) -> &'static str {
        match self.value() {
            ValueRef::Null => "null",
            ValueRef::Bool(_) => "boolean",
            ValueRef::Number(_) => "number",
            ValueRef::String(_) => "string",
            ValueRef::Seq(_) => "array",
            ValueRef::Map(_) | ValueRef::Opaque => "object",
        }
    }

    /// Converts to JSON exactly as [`Node::to_json`] does.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self.value() {
            ValueRef::Null => J::Null,
            ValueRef::Bool(b) => J::Bool(b),
            ValueRef::Number(n) => number_json(n),
            ValueRef::String(s) => J::String(s.to_string()),
            ValueRef::Seq(items) => J::Array(items.map(|n| n.to_json()).collect()),
            ValueRef::Map(entries) => J::Object(
                entries
                    .map(|e| (e.key().to_string(), e.value().to_json()))
                    .collect(),
            ),
            ValueRef::Opaque => J::Object(Default::default()),
        }
    }

    /// Unpacks into a [`Node`].
    pub fn to_node(&self) -> Node {
        let value = match self.value() {
            ValueRef::Null => Value::Null,
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Number(n) => Value::Number(n),
            ValueRef::String(s) => Value::String(s.to_string()),
            ValueRef::Seq(items) => Value::Seq(items.map(|n| n.to_node()).collect()),
            ValueRef::Map(entries) => Value::Map(
                entries
                    .map(|e| super::Entry {
                        key: e.key().into(),
                        key_span: e.key_span(),
                        value: e.value().to_node(),
                    })
                    .collect(),
            ),
            ValueRef::Opaque => Value::Opaque,
        };
        Node {
            value,
            span: self.span(),
        }
    }
}

/// A number as [`Node::to_json`] writes it: integers exactly, non-finite values as strings.
pub(crate) fn number_json(n: f64) -> serde_json::Value {
    use serde_json::Value as J;
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        J::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(J::Number)
            .unwrap_or_else(|| J::String(js_number_to_string(n)))
    }
}

#[cfg(test)]
mod tests {
    use super::{well_known, CompactTree, WELL_KNOWN_KEYS};

    #[test]
    fn well_known_keys_are_sorted_and_distinct() {
        assert!(WELL_KNOWN_KEYS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_well_known_key_is_found_at_its_index_and_no_other_key_is() {
        for (i, key) in WELL_KNOWN_KEYS.iter().enumerate() {
            assert_eq!(well_known(key), Some(i), "{key}");
            assert_eq!(well_known(&format!("{key}x")), None);
            assert_eq!(well_known(&key[1..]), None);
        }
        for other in ["", "a", "zzz", "\u{e9}t\u{e9}", "Annotations"] {
            assert_eq!(well_known(other), None, "{other}");
        }
    }

    const DOC: &str = "apiVersion: v1\nkind: Component\nmetadata:\n  name: a\n  annotations:\n    a~b/c: x\n  tags: [one, two]\nspec: {n: 1.5, i: 3, t: true, z: ~, e: {}, s: []}\nbin: !!binary aGk=\n";

    #[test]
    fn round_trips_values_and_spans() {
        let stream = crate::yaml::parse_stream(DOC, &crate::yaml::Limits::default());
        let node = stream.documents[0].root.as_ref().expect("a root");
        let tree = CompactTree::from_node(node);
        assert_eq!(tree.to_node(), *node);
        assert_eq!(tree.root().to_json(), node.to_json());
    }

    /// Packing the kept parts directly gives the tree of packing the pruned tree: for no
    /// part, the whole, fields below maps, below lists and below scalars, and keys the
    /// document does not have.
    #[test]
    fn packing_parts_equals_packing_the_pruned_tree() {
        use crate::yaml::Projection;
        let stream = crate::yaml::parse_stream(DOC, &crate::yaml::Limits::default());
        let node = stream.documents[0].root.as_ref().expect("a root");
        let pointers: [&[&str]; 8] = [
            &[],
            &[""],
            &["/metadata/name"],
            &["/metadata/annotations/a~0b~1c", "/spec/n", "/spec/s"],
            &["/metadata/tags/0", "/kind/deeper"],
            &["/spec", "/spec/e/x", "/missing/key"],
            &["/metadata", "/bin"],
            &["/apiVersion", "/spec/z", "/spec/e"],
        ];
        for group in pointers {
            let mut parts = Projection::empty();
            group.iter().for_each(|p| parts.add_pointer(p));
            assert_eq!(
                CompactTree::from_parts(node, &parts),
                CompactTree::from_node(&parts.prune(node)),
                "{group:?}"
            );
        }
    }

    #[test]
    fn pointers_and_locations_agree_with_the_node() {
        let stream = crate::yaml::parse_stream(DOC, &crate::yaml::Limits::default());
        let node = stream.documents[0].root.as_ref().expect("a root");
        let tree = CompactTree::from_node(node);
        for p in [
            "",
            "/kind",
            "/metadata/annotations/a~0b~1c",
            "/metadata/tags/1",
            "/metadata/tags/2",
            "/metadata/tags/x",
            "/spec/n",
            "/spec/e/missing",
            "/spec/s/0",
            "/nope/deeper",
            "/kind/0",
            "bad",
        ] {
            assert_eq!(tree.locate(p), node.locate(p), "locate {p}");
            assert_eq!(
                tree.locate_value(p),
                node.locate_value(p),
                "locate_value {p}"
            );
            assert_eq!(
                tree.pointer(p)
                    .map(|n| (n.span(), n.type_name(), n.to_json())),
                node.pointer(p)
                    .map(|n| (n.span, n.type_name(), n.to_json())),
                "pointer {p}"
            );
        }
    }
}
