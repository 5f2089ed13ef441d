//! Turns saphyr's events into [`Node`] trees: collections, anchors and aliases (with the npm
//! reader's expansion guard), depth and document limits, tags and syntax-error recovery.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::keys::{json_key, key_identity, KeyIdentity, MapKeys};
use super::positions::Positions;
use super::resolve::{plain_non_string, resolve_plain_11, resolve_tagged};
use super::{Document, Entry, Limits, Node, Span, Value, YamlError, YamlErrorKind};
use crate::util::shared_str::{SharedStr, StrCache};

pub(super) enum Outcome {
    Done,
    Fatal(YamlError),
    SyntaxError {
        error: YamlError,
        /// Where the failing document starts, to resume after it.
        byte: usize,
        /// A tab right after `:` that saphyr refused, to be replaced by a space.
        tab_at: Option<usize>,
        /// The bracket of the flow collection the error leaves open.
        open_flow: Option<Span>,
    },
}

/// What an anchor stands for: a copy of a scalar, or where a collection sits in the tree
/// being built (copying every anchored collection would cost depth x size memory).
enum Anchored {
    Copy(Node),
    Path(Vec<usize>),
}

/// Per-anchor bookkeeping that mirrors the npm reader's resource-exhaustion guard.
struct AnchorData {
    node: Anchored,
    /// Number of nodes in `node`, for yardstick's own expansion budget.
    size: u64,
    /// Times the anchor was used, plus one for its definition.
    count: u64,
    /// Lazily computed alias weight of the anchored node (0 until first use).
    alias_count: u64,
    /// 1 when the anchored subtree holds a scalar (outside aliases), else 0.
    scalar_weight: u64,
    /// Anchor instances referenced by aliases inside the subtree.
    inner_aliases: Vec<usize>,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        /// Nodes in this subtree so far.
        size: u64,
        start: Span,
        anchor: usize,
        tracker: AliasTracker,
    },
    Map {
        entries: Vec<Entry>,
        /// Nodes in this subtree so far.
        size: u64,
        keys: MapKeys,
        pending_key: Option<(SharedStr, Span, KeyIdentity)>,
        start: Span,
        anchor: usize,
        tracker: AliasTracker,
    },
}

/// Collects what an anchored subtree contains, for [`AnchorData`].
#[derive(Default)]
struct AliasTracker {
    scalar_weight: u64,
    inner_aliases: Vec<usize>,
}

pub(super) struct Builder<'p, 'a> {
    positions: &'p Positions<'a>,
    limits: &'p Limits,
    /// Map keys already read: a catalog repeats the same few hundred keys in every entity.
    keys: &'p mut StrCache,
    pub(super) documents: Vec<Document>,
    first_index: usize,
    stack: Vec<Frame>,
    /// saphyr anchor id -> index into `anchors` of its latest definition.
    anchor_ids: HashMap<usize, usize>,
    anchors: Vec<AnchorData>,
    alias_nodes: u64,
    root: Option<Node>,
    doc_start: Span,
    /// Byte offset (within this part) where the current document starts.
    doc_start_byte: usize,
    /// Where the previous document ended, to find the directives of the next one.
    prev_doc_end: usize,
    /// The document follows a `%YAML 1.1` directive: the npm reader then uses YAML 1.1 types.
    yaml11: bool,
    text: &'a str,
    /// DEL in scalars stands for a bare CR.
    pub(super) bare_cr: bool,
    doc_warnings: Vec<YamlError>,
    doc_error: Option<YamlError>,
}

impl<'p, 'a> Builder<'p, 'a> {
    pub(super) fn new(
        positions: &'p Positions<'a>,
        limits: &'p Limits,
        keys: &'p mut StrCache,
        first_index: usize,
    ) -> Self {
        Builder {
            positions,
            limits,
            keys,
            documents: Vec::new(),
            first_index,
            stack: Vec::new(),
            anchor_ids: HashMap::new(),
            anchors: Vec::new(),
            alias_nodes: 0,
            root: None,
            doc_start: Span::default(),
            doc_start_byte: 0,
            prev_doc_end: 0,
            yaml11: false,
            text: positions.text,
            bare_cr: false,
            doc_warnings: Vec::new(),
            doc_error: None,
        }
    }

    pub(super) fn run(&mut self, text: &str) -> Outcome {
        let mut parser = Parser::new_from_str(text);
        loop {
            let (event, span) = match parser.next_event() {
                None => return Outcome::Done,
                Some(Ok(ev)) => ev,
                Some(Err(e)) => return self.syntax_error(&e),
            };
            // Skip the rest of a document that already failed (duplicate key, depth, ...).
            if self.doc_error.is_some() {
                match event {
                    Event::DocumentEnd => self.finish_document(),
                    Event::StreamEnd => return Outcome::Done,
                    _ => {}
                }
                continue;
            }
            let sp = self.positions.span(&span);
            if let Some(outcome) = self.event(event, sp) {
                return outcome;
            }
        }
    }

    /// Handles one event; `Some` ends the part.
    fn event(&mut self, event: Event<'_>, sp: Span) -> Option<Outcome> {
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => return Some(Outcome::Done),
            Event::DocumentStart(_) => return self.start_document(sp),
            Event::DocumentEnd => {
                self.prev_doc_end = sp.end() - self.positions.base_offset;
                self.finish_document()
            }
            Event::Scalar(value, style, anchor, tag) => {
                if let Some(t) = self.tracker() {
                    t.scalar_weight = 1;
                }
                if anchor == 0 && tag.is_none() && self.string_key(&value, style, sp) {
                    return None;
                }
                let node = self.scalar(value, style, tag.as_deref(), sp);
                self.push_node(node, anchor, 1, 1, Vec::new());
            }
            Event::Alias(id) => {
                if let Err(err) = self.alias(id, sp) {
                    return Some(Outcome::Fatal(err));
                }
            }
            Event::SequenceStart(anchor, tag) => {
                self.warn_collection_tag(tag.as_deref(), "seq", sp);
                if self.check_depth(sp) {
                    self.stack.push(Frame::Seq {
                        items: Vec::new(),
                        size: 1,
                        start: sp,
                        anchor,
                        tracker: AliasTracker::default(),
                    });
                }
            }
            Event::MappingStart(anchor, tag) => {
                self.warn_collection_tag(tag.as_deref(), "map", sp);
                if self.check_depth(sp) {
                    self.stack.push(Frame::Map {
                        entries: Vec::new(),
                        size: 1,
                        keys: MapKeys::default(),
                        pending_key: None,
                        start: sp,
                        anchor,
                        tracker: AliasTracker::default(),
                    });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => self.end_collection(sp),
        }
        None
    }

    /// A new document: checks the document limit and reads the directives before it.
    fn start_document(&mut self, sp: Span) -> Option<Outcome> {
        if self.first_index + self.documents.len() >= self.limits.max_documents {
            return Some(Outcome::Fatal(YamlError {
                kind: YamlErrorKind::DocumentLimit,
                message: format!(
                    "more than {} documents in one file",
                    self.limits.max_documents
                ),
                span: sp,
            }));
        }
        self.doc_start = sp;
        self.doc_start_byte = sp.start() - self.positions.base_offset;
        let head = self
            .text
            .get(self.prev_doc_end..self.doc_start_byte)
            .unwrap_or("");
        // Like the npm reader, a 1.1 directive holds until another %YAML directive.
        for l in head.lines() {
            let mut words = l.split_whitespace();
            if words.next() == Some("%YAML") {
                self.yaml11 = words.next() == Some("1.1");
            }
        }
        self.anchor_ids.clear();
        self.anchors.clear();
        self.alias_nodes = 0;
        None
    }

    /// Closes the innermost collection and hands it to its parent.
    fn end_collection(&mut self, sp: Span) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (value, size, start, anchor, tracker) = match frame {
            // Trees are kept for the whole run: no spare capacity.
            Frame::Seq {
                mut items,
                size,
                start,
                anchor,
                tracker,
            } => {
                items.shrink_to_fit();
                (Value::Seq(items), size, start, anchor, tracker)
            }
            Frame::Map {
                mut entries,
                size,
                start,
                anchor,
                tracker,
                ..
            } => {
                entries.shrink_to_fit();
                (Value::Map(entries), size, start, anchor, tracker)
            }
        };
        let end = sp.offset.saturating_add(sp.len);
        let span = Span {
            len: end.saturating_sub(start.offset),
            ..start
        };
        let node = Node { value, span };
        // Propagate what this subtree holds to the enclosing one.
        if let Some(parent) = self.tracker() {
            parent.scalar_weight = parent.scalar_weight.max(tracker.scalar_weight);
            parent
                .inner_aliases
                .extend(tracker.inner_aliases.iter().copied());
        }
        self.push_node(
            node,
            anchor,
            size,
            tracker.scalar_weight,
            tracker.inner_aliases,
        );
    }

    fn tracker(&mut self) -> Option<&mut AliasTracker> {
        match self.stack.last_mut() {
            Some(Frame::Seq { tracker, .. }) | Some(Frame::Map { tracker, .. }) => Some(tracker),
            None => None,
        }
    }

    fn check_depth(&mut self, sp: Span) -> bool {
        if self.stack.len() >= self.limits.max_depth {
            self.fail_document(YamlError {
                kind: YamlErrorKind::DepthLimit,
                message: format!(
                    "collections nested deeper than {} levels",
                    self.limits.max_depth
                ),
                span: sp,
            });
            return false;
        }
        true
    }

    fn fail_document(&mut self, err: YamlError) {
        self.stack.clear();
        self.root = None;
        self.doc_error = Some(err);
    }

    fn syntax_error(&mut self, e: &ScanError) -> Outcome {
        let m = e.marker();
        let span = self.positions.point(m);
        // Resume at the first document marker after the failing document's start.
        let byte = self.doc_start_byte;
        let kind = if e.info().contains("recursion limit") {
            YamlErrorKind::DepthLimit
        } else {
            YamlErrorKind::Syntax
        };
        let open_flow = self.open_flow_bracket();
        // An error inside a document whose content was complete belongs to that document.
        self.stack.clear();
        self.root = None;
        let (error, open_flow) = match self.doc_error.take() {
            Some(earlier) => (earlier, None),
            None => (
                YamlError {
                    kind,
                    message: e.info().to_string(),
                    span,
                },
                open_flow,
            ),
        };
        let mut tab_at = None;
        if e.info()
            .contains("must be followed by a valid YAML whitespace")
        {
            let at = self.positions.byte_of(m.index());
            let before = &self.text.as_bytes()[..at.min(self.text.len())];
            let tabs = before.iter().rev().take_while(|&&b| b == b'\t').count();
            if tabs > 0 && before.len() > tabs && before[before.len() - tabs - 1] == b':' {
                tab_at = Some(before.len() - tabs);
            }
        }
        Outcome::SyntaxError {
            error,
            byte,
            tab_at,
            open_flow,
        }
    }

    /// The `[` or `{` of the innermost flow collection being read, for a syntax error.
    fn open_flow_bracket(&self) -> Option<Span> {
        self.stack.iter().rev().find_map(|frame| {
            let (Frame::Seq { start, .. } | Frame::Map { start, .. }) = frame;
            let at = start.start().checked_sub(self.positions.base_offset)?;
            matches!(self.text.as_bytes().get(at), Some(b'[' | b'{'))
                .then_some(Span { len: 1, ..*start })
        })
    }

    fn finish_document(&mut self) {
        let index = self.first_index + self.documents.len();
        let root = match (self.doc_error.is_some(), self.root.take()) {
            (true, _) => None,
            // A document with no content at all is an empty (null) document.
            (false, None) => Some(Node {
                value: Value::Null,
                span: self.doc_start,
            }),
            (false, Some(root)) => Some(root),
        };
        self.documents.push(Document {
            index,
            root,
            error: self.doc_error.take(),
            warnings: std::mem::take(&mut self.doc_warnings),
            span: self.doc_start,
            open_flow: None,
        });
        self.stack.clear();
    }

    fn warn_collection_tag(&mut self, tag: Option<&Tag>, expected: &str, sp: Span) {
        if let Some(tag) = tag {
            let name = tag_name(tag);
            let known = [
                format!("tag:yaml.org,2002:{expected}"),
                "tag:yaml.org,2002:set".into(),
                "tag:yaml.org,2002:omap".into(),
                "tag:yaml.org,2002:pairs".into(),
                "!".into(),
            ];
            if !known.contains(&name) {
                self.doc_warnings.push(YamlError {
                    kind: YamlErrorKind::UnresolvedTag,
                    message: format!("unresolved tag {name}; read as a plain {expected}"),
                    span: sp,
                });
            }
        }
    }

    /// Takes an untagged, unanchored scalar that is a string as the pending key of the open
    /// map, when a key is expected there: the key is interned straight from the event's
    /// text, with no node built for it. False when it is not such a key.
    fn string_key(&mut self, raw: &str, style: ScalarStyle, sp: Span) -> bool {
        let Some(Frame::Map {
            pending_key: pending @ None,
            size,
            ..
        }) = self.stack.last_mut()
        else {
            return false;
        };
        let is_string = match style {
            _ if self.bare_cr && raw.contains('\x7f') => false,
            ScalarStyle::Plain => !self.yaml11 && plain_non_string(raw).is_none(),
            _ => true,
        };
        if !is_string {
            return false;
        }
        *size = size.saturating_add(1);
        let key = self.keys.get(raw);
        let identity = KeyIdentity::String(key.clone());
        *pending = Some((key, sp, identity));
        true
    }

    fn scalar(
        &mut self,
        raw: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        sp: Span,
    ) -> Node {
        let raw = if self.bare_cr && raw.contains('\x7f') {
            Cow::Owned(raw.replace('\x7f', "\r"))
        } else {
            raw
        };
        let value = match tag {
            Some(tag) => {
                let name = tag_name(tag);
                match resolve_tagged(&name, &raw) {
                    Some(v) => v,
                    None => {
                        if name != "tag:yaml.org,2002:str" {
                            self.doc_warnings.push(YamlError {
                                kind: YamlErrorKind::UnresolvedTag,
                                message: format!(
                                    "unresolved tag {name}; the value is read as a string"
                                ),
                                span: sp,
                            });
                        }
                        Value::String(raw.into_owned())
                    }
                }
            }
            None if style == ScalarStyle::Plain && self.yaml11 => resolve_plain_11(&raw),
            // An owned event text becomes the string without a copy.
            None if style == ScalarStyle::Plain => {
                plain_non_string(&raw).unwrap_or_else(|| Value::String(raw.into_owned()))
            }
            None => Value::String(raw.into_owned()),
        };
        Node { value, span: sp }
    }

    fn alias(&mut self, id: usize, sp: Span) -> Result<(), YamlError> {
        let Some(&slot) = self.anchor_ids.get(&id) else {
            self.fail_document(YamlError {
                kind: YamlErrorKind::Syntax,
                message: "alias to an anchor that is not defined before it".into(),
                span: sp,
            });
            return Ok(());
        };
        // The npm reader's guard: count * aliasCount of the anchor may not exceed 100.
        let weight = {
            let a = &self.anchors[slot];
            if a.alias_count == 0 {
                let mut w = a.scalar_weight;
                for &inner in &a.inner_aliases {
                    let d = &self.anchors[inner];
                    w = w.max(d.count.saturating_mul(d.alias_count));
                }
                w
            } else {
                a.alias_count
            }
        };
        let a = &mut self.anchors[slot];
        a.count += 1;
        a.alias_count = weight;
        let excessive = a.count.saturating_mul(a.alias_count) > 100;
        let size = a.size;
        self.alias_nodes = self.alias_nodes.saturating_add(size);
        if excessive || self.alias_nodes > self.limits.max_alias_nodes {
            return Err(YamlError {
                kind: YamlErrorKind::AliasLimit,
                message: "excessive alias expansion (a resource exhaustion attack?); Backstage's YAML reader stops reading this file".into(),
                span: sp,
            });
        }
        let Some(mut node) = self.anchored_node(slot) else {
            self.fail_document(YamlError {
                kind: YamlErrorKind::Syntax,
                message: "alias to an anchor that cannot be resolved here".into(),
                span: sp,
            });
            return Ok(());
        };
        node.span = sp;
        if let Some(t) = self.tracker() {
            t.inner_aliases.push(slot);
        }
        self.push_node(node, 0, size, 0, Vec::new());
        Ok(())
    }

    /// Index of the child currently being built in an open frame.
    fn open_child(frame: &Frame) -> usize {
        match frame {
            Frame::Seq { items, .. } => items.len(),
            Frame::Map {
                entries,
                keys,
                pending_key,
                ..
            } => pending_key
                .as_ref()
                .and_then(|(k, _, _)| keys.position(k, entries))
                .unwrap_or(entries.len()),
        }
    }

    /// The node an anchor path points at in the tree being built.
    fn node_at(&self, path: &[usize]) -> Option<&Node> {
        if self.stack.is_empty() {
            return descend(self.root.as_ref()?, path);
        }
        for (depth, &i) in path.iter().enumerate() {
            let frame = self.stack.get(depth)?;
            let still_open = depth + 1 < self.stack.len() && i == Self::open_child(frame);
            if !still_open {
                let child = match frame {
                    Frame::Seq { items, .. } => items.get(i)?,
                    Frame::Map { entries, .. } => &entries.get(i)?.value,
                };
                return descend(child, &path[depth + 1..]);
            }
        }
        None
    }

    fn anchored_node(&self, slot: usize) -> Option<Node> {
        match &self.anchors.get(slot)?.node {
            Anchored::Copy(n) => Some(n.clone()),
            Anchored::Path(p) => self.node_at(p).cloned(),
        }
    }

    fn push_node(
        &mut self,
        node: Node,
        anchor: usize,
        size: u64,
        scalar_weight: u64,
        inner_aliases: Vec<usize>,
    ) {
        let at_key = matches!(
            self.stack.last(),
            Some(Frame::Map {
                pending_key: None,
                ..
            })
        );
        let collection = matches!(node.value, Value::Seq(_) | Value::Map(_));
        // Scalars and keys are copied; collections are found again by their path.
        let copy = (anchor != 0 && (!collection || at_key)).then(|| node.clone());
        let prefix: Vec<usize> = match self.stack.split_last() {
            Some((_, open)) if anchor != 0 && copy.is_none() => {
                open.iter().map(Self::open_child).collect()
            }
            _ => Vec::new(),
        };
        let mut duplicate = None;
        let mut placed = None;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq {
                items, size: total, ..
            }) => {
                *total = total.saturating_add(size);
                placed = Some(items.len());
                items.push(node)
            }
            Some(Frame::Map {
                entries,
                keys,
                pending_key,
                size: total,
                ..
            }) => match pending_key.take() {
                None => {
                    *total = total.saturating_add(1);
                    let key = match &node.value {
                        Value::String(s) => self.keys.get(s),
                        _ => self.keys.get(&json_key(&node)),
                    };
                    let identity = key_identity(&node, &key);
                    *pending_key = Some((key, node.span, identity));
                }
                Some((key, key_span, identity)) => {
                    *total = total.saturating_add(size);
                    if keys.is_duplicate(&identity) {
                        duplicate = Some((key, key_span));
                    } else if let Some(existing) = keys.position(&key, entries) {
                        // Distinct YAML keys with one JSON spelling: JavaScript keeps the last value.
                        if let Some(e) = entries.get_mut(existing) {
                            e.value = node;
                        }
                        placed = Some(existing);
                        keys.insert(identity, None, entries);
                    } else {
                        let at = entries.len();
                        placed = Some(at);
                        entries.push(Entry {
                            key: key.clone(),
                            key_span,
                            value: node,
                        });
                        keys.insert(identity, Some((key, at)), entries);
                    }
                }
            },
        }
        if anchor != 0 {
            let node = match copy {
                Some(n) => Anchored::Copy(n),
                None => {
                    let mut path = prefix;
                    path.extend(placed);
                    Anchored::Path(path)
                }
            };
            self.anchors.push(AnchorData {
                node,
                size,
                count: 1,
                alias_count: 0,
                scalar_weight,
                inner_aliases,
            });
            self.anchor_ids.insert(anchor, self.anchors.len() - 1);
        }
        if let Some((key, span)) = duplicate {
            self.fail_document(YamlError {
                kind: YamlErrorKind::DuplicateKey,
                message: format!("duplicate key `{key}`: map keys must be unique"),
                span,
            });
        }
    }
}

/// Follows child indices down from `node`.
fn descend<'n>(mut node: &'n Node, path: &[usize]) -> Option<&'n Node> {
    for &i in path {
        node = match &node.value {
            Value::Seq(items) => items.get(i)?,
            Value::Map(entries) => &entries.get(i)?.value,
            _ => return None,
        };
    }
    Some(node)
}

fn tag_name(tag: &Tag) -> String {
    match tag.handle.as_str() {
        "!!" => format!("tag:yaml.org,2002:{}", tag.suffix),
        "!" if tag.suffix.is_empty() => "!".to_string(),
        handle => format!("{handle}{}", tag.suffix),
    }
}
