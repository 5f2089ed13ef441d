//! YAML reading with exact source positions.
//!
//! Backstage reads catalog files with the `yaml` npm package (YAML 1.2 core schema, no merge
//! keys, unique keys, at most 100 alias expansions per anchor). This module turns saphyr's
//! event stream into [`Node`] trees whose scalars resolve exactly as that package resolves them,
//! and whose every key and value carries a [`Span`].

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as SaphyrSpan, Tag};

use crate::shared_str::{SharedStr, StrCache};

/// A position range in a source file.
///
/// Fields are `u32` (16 bytes in all: every YAML node carries one), which is why files of
/// 4 GiB or more are refused as too large whatever [`Limits::max_file_bytes`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
    /// 1-based line of the first character.
    pub line: u32,
    /// 1-based column of the first character, counted in Unicode code points.
    pub column: u32,
}

impl Span {
    /// A span from `usize` positions, saturating at `u32::MAX` (unreachable for text that
    /// [`parse_stream`] accepts).
    pub fn new(offset: usize, len: usize, line: usize, column: usize) -> Span {
        Span {
            offset: to_u32(offset),
            len: to_u32(len),
            line: to_u32(line),
            column: to_u32(column),
        }
    }

    /// Byte offset of the first byte.
    pub fn start(&self) -> usize {
        self.offset as usize
    }

    /// Byte offset just past the last byte.
    pub fn end(&self) -> usize {
        (self.offset as usize).saturating_add(self.len as usize)
    }

    /// The byte range, to slice the source text with.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

/// `value` as a `u32`, saturating.
pub(crate) fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

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
fn unescape_token(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains('~') {
        raw.replace("~1", "/").replace("~0", "~").into()
    } else {
        raw.into()
    }
}

impl Node {
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
            Value::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
                    J::from(*n as i64)
                } else {
                    serde_json::Number::from_f64(*n)
                        .map(J::Number)
                        .unwrap_or_else(|| J::String(js_number_to_string(*n)))
                }
            }
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

/// Limits that keep hostile input from exhausting time or memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes (files of 4 GiB or more are refused in any case).
    pub max_file_bytes: usize,
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most documents in one file.
    pub max_documents: usize,
    /// Most nodes that alias expansion may copy in one document.
    pub max_alias_nodes: u64,
}

impl Limits {
    /// The largest file actually read: [`Limits::max_file_bytes`], but under 4 GiB, since
    /// spans count bytes in `u32`.
    pub fn file_bytes(&self) -> usize {
        self.max_file_bytes.min(u32::MAX as usize)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_depth: 256,
            max_documents: 10_000,
            max_alias_nodes: 100_000,
        }
    }
}

/// What went wrong while reading YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not well-formed YAML.
    Syntax,
    /// The same key twice in one mapping.
    DuplicateKey,
    /// An alias expands more often than Backstage's reader allows, or beyond yardstick's budget.
    AliasLimit,
    /// Collections nested deeper than the limit.
    DepthLimit,
    /// More documents than the limit.
    DocumentLimit,
    /// The file is larger than the limit.
    FileTooLarge,
    /// The document's root is not a mapping.
    NotAnObject,
    /// A tag that is not part of the YAML 1.2 core schema (a warning: the value is a string).
    UnresolvedTag,
    /// The file is not valid UTF-8 (a warning: Backstage replaces bad bytes).
    Encoding,
}

/// A problem found while reading YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What kind of problem.
    pub kind: YamlErrorKind,
    /// A sentence describing it.
    pub message: String,
    /// Where it is.
    pub span: Span,
}

/// One document of a YAML stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based position in the stream, empty documents counted.
    pub index: usize,
    /// The root node; `None` when the document could not be read.
    pub root: Option<Node>,
    /// Why the document could not be read.
    pub error: Option<YamlError>,
    /// Problems that do not stop Backstage from reading the document.
    pub warnings: Vec<YamlError>,
    /// Where the document starts.
    pub span: Span,
}

impl Document {
    /// True when the document holds nothing (`null`), which Backstage skips.
    pub fn is_empty(&self) -> bool {
        self.error.is_none() && matches!(self.root.as_ref().map(|r| &r.value), Some(Value::Null))
    }
}

/// The documents of one file, or why none could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// The documents in order.
    pub documents: Vec<Document>,
    /// A problem that stops Backstage from reading any document of the file.
    pub fatal: Option<YamlError>,
    /// File-level warnings.
    pub warnings: Vec<YamlError>,
}

/// Maps saphyr's character indices to byte offsets in the source, in O(1) for ASCII text
/// and O(64) otherwise: spans are computed for every node, so this must not walk lines.
struct CharIndex {
    /// Byte offset of every 64th character; `None` when the text is ASCII.
    blocks: Option<Vec<usize>>,
}

impl CharIndex {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex { blocks: None };
        }
        let blocks = text.char_indices().step_by(64).map(|(b, _)| b).collect();
        CharIndex {
            blocks: Some(blocks),
        }
    }

    /// Byte offset of character `c` of `text` (the text's length past the end).
    fn byte(&self, text: &str, c: usize) -> usize {
        match &self.blocks {
            None => c.min(text.len()),
            Some(blocks) => match blocks.get(c / 64) {
                None => text.len(),
                Some(&start) => {
                    let rest = text.get(start..).unwrap_or("");
                    start
                        + rest
                            .char_indices()
                            .nth(c % 64)
                            .map_or(rest.len(), |(i, _)| i)
                }
            },
        }
    }

    /// Character index of byte offset `b` (a char boundary).
    fn char(&self, text: &str, b: usize) -> usize {
        match &self.blocks {
            None => b,
            Some(blocks) => {
                let block = blocks
                    .partition_point(|&start| start <= b)
                    .saturating_sub(1);
                let start = blocks.get(block).copied().unwrap_or(0);
                block * 64 + text.get(start..b).map_or(0, |t| t.chars().count())
            }
        }
    }
}

/// Turns saphyr markers of one part of the file (all of it, or the tail after a syntax
/// error) into spans of the whole file.
struct Positions<'a> {
    /// The whole body (BOM stripped).
    body: &'a str,
    /// The part being parsed.
    text: &'a str,
    chars: &'a CharIndex,
    /// Character index of the part's start within the body.
    part_char: usize,
    /// Byte offset of the part within the body.
    part_offset: usize,
    /// Line number (0-based) of the part's first line.
    first_line: usize,
    /// Added to every byte offset: the stripped BOM and the part's offset.
    base_offset: usize,
}

impl<'a> Positions<'a> {
    fn new(
        body: &'a str,
        chars: &'a CharIndex,
        part_offset: usize,
        first_line: usize,
        bom: usize,
    ) -> Self {
        Positions {
            body,
            text: body.get(part_offset..).unwrap_or(""),
            chars,
            part_char: chars.char(body, part_offset),
            part_offset,
            first_line,
            base_offset: bom + part_offset,
        }
    }

    /// Byte offset within the part of saphyr's character index.
    fn byte_of(&self, index: usize) -> usize {
        self.chars
            .byte(self.body, self.part_char + index)
            .saturating_sub(self.part_offset)
            .min(self.text.len())
    }

    fn span(&self, s: &SaphyrSpan) -> Span {
        let start = self.byte_of(s.start.index());
        let end = self.byte_of(s.end.index()).max(start);
        Span::new(
            self.base_offset + start,
            end - start,
            self.first_line + s.start.line(),
            s.start.col() + 1,
        )
    }

    fn point(&self, m: &saphyr_parser::Marker) -> Span {
        Span::new(
            self.base_offset + self.byte_of(m.index()),
            0,
            self.first_line + m.line(),
            m.col() + 1,
        )
    }
}

/// Reads every document of a YAML file.
pub fn parse_stream(text: &str, limits: &Limits) -> Stream {
    // One file repeats few keys: a small table.
    parse_stream_with(text, limits, &mut StrCache::new(256))
}

/// [`parse_stream`], sharing keys with the other files read with `keys`.
pub(crate) fn parse_stream_with(text: &str, limits: &Limits, keys: &mut StrCache) -> Stream {
    let mut stream = Stream {
        documents: Vec::new(),
        fatal: None,
        warnings: Vec::new(),
    };
    if text.len() > limits.file_bytes() {
        stream.fatal = Some(YamlError {
            kind: YamlErrorKind::FileTooLarge,
            message: format!(
                "file is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.file_bytes()
            ),
            span: Span {
                line: 1,
                column: 1,
                ..Span::default()
            },
        });
        return stream;
    }
    let (body, bom) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 3),
        None => (text, 0),
    };
    // The npm reader breaks lines at LF only, so a bare CR is content. DEL stands in for it
    // (one byte too, so offsets hold) and is turned back into CR in scalars.
    let bare_cr = body.contains('\r') && !body.contains('\x7f') && {
        let b = body.as_bytes();
        b.iter()
            .enumerate()
            .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
    };
    let mut body = body.to_string();
    if bare_cr {
        let bytes: Vec<u8> = body
            .bytes()
            .enumerate()
            .map(|(i, c)| {
                if c == b'\r' && body.as_bytes().get(i + 1) != Some(&b'\n') {
                    0x7f
                } else {
                    c
                }
            })
            .collect();
        body = String::from_utf8(bytes).unwrap_or(body);
    }
    let mut tab_fixes = 0;
    'attempt: loop {
        stream.documents.clear();
        let mut offset = 0;
        let mut line = 0;
        let chars = CharIndex::new(&body);
        // Resume after a syntax error at the next document marker, as the npm reader does.
        loop {
            let part = &body[offset..];
            let positions = Positions::new(&body, &chars, offset, line, bom);
            let mut builder = Builder::new(&positions, limits, keys, stream.documents.len());
            builder.bare_cr = bare_cr;
            let outcome = builder.run(part);
            stream.documents.extend(builder.documents);
            match outcome {
                Outcome::Done => break,
                Outcome::Fatal(err) => {
                    stream.fatal = Some(err);
                    break;
                }
                Outcome::SyntaxError {
                    error,
                    byte,
                    tab_at,
                } => {
                    // saphyr rejects a tab between `:` and a value; YAML and the npm reader
                    // allow it. A space in its place changes no value.
                    if let (Some(tab), true) = (tab_at, tab_fixes < 64) {
                        body.replace_range(offset + tab..offset + tab + 1, " ");
                        tab_fixes += 1;
                        continue 'attempt;
                    }
                    let index = stream.documents.len();
                    // An unterminated quoted scalar runs to the end of the file in the npm reader.
                    let resumable = !error.message.contains("quoted scalar");
                    stream.documents.push(Document {
                        index,
                        root: None,
                        span: error.span,
                        error: Some(error),
                        warnings: Vec::new(),
                    });
                    if !resumable || stream.documents.len() >= limits.max_documents {
                        break;
                    }
                    match next_document_marker(part, byte) {
                        Some(next) => {
                            line += part[..next].bytes().filter(|b| *b == b'\n').count();
                            offset += next;
                        }
                        None => break,
                    }
                }
            }
        }
        break;
    }
    stream
}

/// Byte offset of the next line that starts with `---` after `from`.
fn next_document_marker(text: &str, from: usize) -> Option<usize> {
    let mut pos = text[from..].find('\n')? + from + 1;
    loop {
        let rest = &text[pos..];
        if let Some(after) = rest.strip_prefix("---") {
            if after.is_empty() || after.starts_with([' ', '\t', '\n', '\r']) {
                return Some(pos);
            }
        }
        pos += rest.find('\n')? + 1;
    }
}

enum Outcome {
    Done,
    Fatal(YamlError),
    SyntaxError {
        error: YamlError,
        /// Where the failing document starts, to resume after it.
        byte: usize,
        /// A tab right after `:` that saphyr refused, to be replaced by a space.
        tab_at: Option<usize>,
    },
}

/// How a key compares with other keys of its mapping, as the npm reader compares them
/// (`===` on resolved scalars).
#[derive(PartialEq, Eq, Hash)]
enum KeyIdentity {
    Null,
    Bool(bool),
    /// The bits of the number, with -0 folded into 0 (`0 === -0`).
    Number(u64),
    /// A string key is its own JSON key, so it shares that string.
    String(SharedStr),
    /// Collections, aliases and NaN never equal another key.
    Unique,
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

struct Builder<'p, 'a> {
    positions: &'p Positions<'a>,
    limits: &'p Limits,
    /// Map keys already read: a catalog repeats the same few hundred keys in every entity.
    keys: &'p mut StrCache,
    documents: Vec<Document>,
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
    bare_cr: bool,
    doc_warnings: Vec<YamlError>,
    doc_error: Option<YamlError>,
}

impl<'p, 'a> Builder<'p, 'a> {
    fn new(
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

    fn run(&mut self, text: &str) -> Outcome {
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
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => return Outcome::Done,
                Event::DocumentStart(_) => {
                    if self.first_index + self.documents.len() >= self.limits.max_documents {
                        return Outcome::Fatal(YamlError {
                            kind: YamlErrorKind::DocumentLimit,
                            message: format!(
                                "more than {} documents in one file",
                                self.limits.max_documents
                            ),
                            span: sp,
                        });
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
                }
                Event::DocumentEnd => {
                    self.prev_doc_end = sp.end() - self.positions.base_offset;
                    self.finish_document()
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let node = self.scalar(&value, style, tag.as_deref(), sp);
                    if let Some(t) = self.tracker() {
                        t.scalar_weight = 1;
                    }
                    self.push_node(node, anchor, 1, 1, Vec::new());
                }
                Event::Alias(id) => {
                    if let Err(err) = self.alias(id, sp) {
                        return Outcome::Fatal(err);
                    }
                }
                Event::SequenceStart(anchor, tag) => {
                    self.warn_collection_tag(tag.as_deref(), "seq", sp);
                    if !self.check_depth(sp) {
                        continue;
                    }
                    self.stack.push(Frame::Seq {
                        items: Vec::new(),
                        size: 1,
                        start: sp,
                        anchor,
                        tracker: AliasTracker::default(),
                    });
                }
                Event::MappingStart(anchor, tag) => {
                    self.warn_collection_tag(tag.as_deref(), "map", sp);
                    if !self.check_depth(sp) {
                        continue;
                    }
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
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some(frame) = self.stack.pop() else {
                        continue;
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
            }
        }
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
        // An error inside a document whose content was complete belongs to that document.
        self.stack.clear();
        self.root = None;
        let error = match self.doc_error.take() {
            Some(earlier) => earlier,
            None => YamlError {
                kind,
                message: e.info().to_string(),
                span,
            },
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
        }
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

    fn scalar(&mut self, raw: &str, style: ScalarStyle, tag: Option<&Tag>, sp: Span) -> Node {
        let restored;
        let raw = if self.bare_cr && raw.contains('\x7f') {
            restored = raw.replace('\x7f', "\r");
            restored.as_str()
        } else {
            raw
        };
        let value = match tag {
            Some(tag) => {
                let name = tag_name(tag);
                match resolve_tagged(&name, raw) {
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
                        Value::String(raw.to_string())
                    }
                }
            }
            None if style == ScalarStyle::Plain && self.yaml11 => resolve_plain_11(raw),
            None if style == ScalarStyle::Plain => resolve_plain(raw),
            None => Value::String(raw.to_string()),
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
                        keys.record(identity, None, entries);
                    } else {
                        let at = entries.len();
                        placed = Some(at);
                        entries.push(Entry {
                            key: key.clone(),
                            key_span,
                            value: node,
                        });
                        keys.record(identity, Some((key, at)), entries);
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

/// `key` is the node's JSON key, which for a string is the string itself.
fn key_identity(node: &Node, key: &SharedStr) -> KeyIdentity {
    match &node.value {
        Value::Null => KeyIdentity::Null,
        Value::Bool(b) => KeyIdentity::Bool(*b),
        Value::Number(n) if n.is_nan() => KeyIdentity::Unique,
        Value::Number(n) => KeyIdentity::Number(if *n == 0.0 { 0u64 } else { n.to_bits() }),
        Value::String(_) => KeyIdentity::String(key.clone()),
        _ => KeyIdentity::Unique,
    }
}

/// The keys of one mapping read so far: their identities (duplicates are errors) and where
/// each JSON key's entry is. Most catalog maps have a handful of keys, which linear scans
/// find faster than hashing; a map that grows past `LINEAR` keys switches to hash tables,
/// so that a huge map stays linear time.
#[derive(Default)]
struct MapKeys {
    identities: Vec<KeyIdentity>,
    hashed: Option<(HashSet<KeyIdentity>, HashMap<SharedStr, usize>)>,
}

impl MapKeys {
    const LINEAR: usize = 16;

    fn is_duplicate(&self, identity: &KeyIdentity) -> bool {
        *identity != KeyIdentity::Unique
            && match &self.hashed {
                Some((set, _)) => set.contains(identity),
                None => self.identities.contains(identity),
            }
    }

    /// Index in `entries` of the entry with this JSON key.
    fn position(&self, key: &str, entries: &[Entry]) -> Option<usize> {
        match &self.hashed {
            Some((_, index)) => index.get(key).copied(),
            None => entries.iter().position(|e| *e.key == *key),
        }
    }

    /// Records a key; `added` is its JSON key and entry index when it added an entry.
    fn record(
        &mut self,
        identity: KeyIdentity,
        added: Option<(SharedStr, usize)>,
        entries: &[Entry],
    ) {
        if let Some((set, index)) = &mut self.hashed {
            set.insert(identity);
            if let Some((key, at)) = added {
                index.insert(key, at);
            }
            return;
        }
        self.identities.push(identity);
        if self.identities.len() > Self::LINEAR {
            let set = std::mem::take(&mut self.identities).into_iter().collect();
            let index = entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect();
            self.hashed = Some((set, index));
        }
    }
}

/// The string JavaScript uses for a map key (the npm reader's `stringifyKey`).
fn json_key(node: &Node) -> String {
    match &node.value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => js_number_to_string(*n),
        Value::String(s) => s.clone(),
        _ => node.to_json().to_string(),
    }
}

/// JavaScript's `String(number)` for the numbers YAML can produce.
pub fn js_number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    let abs = n.abs();
    if (1e-6..1e21).contains(&abs) {
        // Rust's shortest round-trip formatting matches JavaScript in this range.
        let s = format!("{n}");
        return s;
    }
    // Exponent form: 1e+21, 1.5e-7.
    let s = format!("{n:e}");
    match s.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => s,
    }
}

/// Resolves an untagged plain scalar by the YAML 1.2 core schema, in the npm reader's order.
pub fn resolve_plain(s: &str) -> Value {
    if matches!(s, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    match s {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    match number(s) {
        Some(n) => Value::Number(n),
        None => Value::String(s.to_string()),
    }
}

/// Resolves an untagged plain scalar by the npm reader's YAML 1.1 schema (after `%YAML 1.1`).
pub fn resolve_plain_11(s: &str) -> Value {
    if matches!(s, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if matches!(
        s,
        "Y" | "y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON"
    ) {
        return Value::Bool(true);
    }
    if matches!(
        s,
        "N" | "n" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF"
    ) {
        return Value::Bool(false);
    }
    let negative = s.starts_with('-');
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let sign = if negative { -1.0 } else { 1.0 };
    let radix = |digits: &str, radix: u32| -> Option<f64> {
        let clean: String = digits.chars().filter(|c| *c != '_').collect();
        if digits.is_empty() || !digits.chars().all(|c| c == '_' || c.is_digit(radix)) {
            return None;
        }
        Some(clean.chars().fold(0.0, |acc, c| {
            acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        }))
    };
    if let Some(n) = unsigned.strip_prefix("0b").and_then(|d| radix(d, 2)) {
        return Value::Number(sign * n);
    }
    if unsigned.len() > 1 && unsigned.starts_with('0') && !unsigned.starts_with("0x") {
        if let Some(n) = radix(&unsigned[1..], 8) {
            return Value::Number(sign * n);
        }
    }
    let dec = |t: &str| {
        t.starts_with(|c: char| c.is_ascii_digit())
            && t.chars().all(|c| c.is_ascii_digit() || c == '_')
    };
    if dec(unsigned) {
        return Value::Number(sign * radix(unsigned, 10).unwrap_or(0.0));
    }
    if let Some(n) = unsigned.strip_prefix("0x").and_then(|d| radix(d, 16)) {
        return Value::Number(sign * n);
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Value::Number(sign * f64::INFINITY);
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Value::Number(f64::NAN);
    }
    // Floats: [0-9][0-9_]* optional, . [0-9_]*, optional exponent (required without a dot).
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let int_ok = |t: &str| t.is_empty() || dec(t);
    let frac_ok = |t: &str| t.chars().all(|c| c.is_ascii_digit() || c == '_');
    let exp_ok = exponent.is_none_or(|e| {
        let d = e.strip_prefix(['-', '+']).unwrap_or(e);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    });
    let mantissa_ok = match mantissa.split_once('.') {
        Some((i, f)) => int_ok(i) && frac_ok(f),
        None => exponent.is_some() && int_ok(mantissa),
    };
    if mantissa_ok && exp_ok && unsigned != "." {
        let clean: String = s.chars().filter(|c| *c != '_').collect();
        let parsed = clean.trim_end_matches('.').parse::<f64>().ok().or_else(|| {
            clean
                .replace(".e", ".0e")
                .replace(".E", ".0E")
                .parse::<f64>()
                .ok()
        });
        if let Some(n) = parsed {
            return Value::Number(n);
        }
    }
    // Sexagesimal ints and floats (190:20:30).
    if let Some((head, _)) = unsigned.split_once(':') {
        if dec(head) {
            let parts: Vec<&str> = unsigned.split(':').collect();
            let (last, rest) = parts.split_last().unwrap_or((&"", &[]));
            let (last_int, last_frac) = last.split_once('.').unwrap_or((last, ""));
            let small = |t: &str| {
                (1..=2).contains(&t.len())
                    && t.bytes().all(|b| b.is_ascii_digit())
                    && t.parse::<u32>().is_ok_and(|v| v < 60)
            };
            let frac_digits = last_frac.chars().all(|c| c.is_ascii_digit() || c == '_');
            if rest.iter().skip(1).all(|p| small(p)) && small(last_int) && frac_digits {
                let mut total = 0.0;
                for p in rest {
                    total = total * 60.0 + radix(p, 10).unwrap_or(0.0);
                }
                let tail: f64 = format!("{last_int}.{}", last_frac.replace('_', ""))
                    .trim_end_matches('.')
                    .parse()
                    .unwrap_or(0.0);
                return Value::Number(sign * (total * 60.0 + tail));
            }
        }
    }
    if let Some(iso) = timestamp_to_iso(s) {
        return Value::String(iso);
    }
    Value::String(s.to_string())
}

/// A YAML 1.1 timestamp as JavaScript's `Date.toJSON()` prints it, or `None`.
fn timestamp_to_iso(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let num = |t: &str| t.parse::<i64>().ok();
    let (date, time) = match s.find(['t', 'T', ' ', '\t']) {
        Some(i) if i >= 8 => (&s[..i], Some(s[i + 1..].trim_start_matches([' ', '\t']))),
        _ => (s, None),
    };
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || !(1..=2).contains(&m.len())
        || !(1..=2).contains(&d.len())
    {
        return None;
    }
    if !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (year, month, day) = (num(y)?, num(m)?, num(d)?);
    let (mut hour, mut minute, mut second, mut millis, mut offset_min) = (0, 0, 0, 0, 0);
    if let Some(t) = time {
        let split = t.find(['Z', '+', '-', ' ', '\t']).unwrap_or(t.len());
        let (clock, zone) = t.split_at(split);
        let mut c = clock.split(':');
        let (h, mi, sec) = (c.next()?, c.next()?, c.next()?);
        if c.next().is_some() || !(1..=2).contains(&h.len()) || !(1..=2).contains(&mi.len()) {
            return None;
        }
        let (sec_int, frac) = sec.split_once('.').unwrap_or((sec, ""));
        if !(1..=2).contains(&sec_int.len())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (sec.contains('.') && frac.is_empty())
        {
            return None;
        }
        hour = num(h)?;
        minute = num(mi)?;
        second = num(sec_int)?;
        millis = num(&format!("{frac}00")[..3]).unwrap_or(0);
        let zone = zone.trim_start_matches([' ', '\t']);
        if !zone.is_empty() && zone != "Z" {
            let (sign, z) = match (zone.strip_prefix('-'), zone.strip_prefix('+')) {
                (Some(z), _) => (-1, z),
                (None, Some(z)) => (1, z),
                _ => return None,
            };
            let (zh, zm) = z.split_once(':').unwrap_or((z, "0"));
            let mut d = num(zh)? * 60 + num(zm)?;
            if num(zh)?.abs() >= 30 && !z.contains(':') {
                d = num(zh)?;
            }
            offset_min = sign * d;
        }
    } else if date.len() != s.len() {
        return None;
    }
    // Date.UTC normalises out-of-range months and days.
    let total_months = year * 12 + (month - 1);
    let (y0, m0) = (total_months.div_euclid(12), total_months.rem_euclid(12) + 1);
    let days = days_from_civil(y0, m0, 1) + day - 1;
    let ms = ((days * 24 + hour) * 60 + minute - offset_min) * 60_000 + second * 1000 + millis;
    let (days, rem) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (yy, mm, dd) = civil_from_days(days);
    if !(0..=9999).contains(&yy) {
        return None;
    }
    Some(format!(
        "{yy:04}-{mm:02}-{dd:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    ))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The core schema's int and float forms, or `None` for a string.
fn number(s: &str) -> Option<f64> {
    // Every form below starts with a digit, a sign or a dot; most scalars are words.
    if !s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
    {
        return None;
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return Some(
                oct.bytes()
                    .fold(0.0, |acc, b| acc * 8.0 + f64::from(b - b'0')),
            );
        }
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let negative = s.starts_with('-');
    if digits(unsigned) {
        return s.parse::<f64>().ok();
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Some(hex.chars().fold(0.0, |acc, c| {
                acc * 16.0 + f64::from(c.to_digit(16).unwrap_or(0))
            }));
        }
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    // [0-9]+ . [0-9]*  |  . [0-9]+   with an optional exponent.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (digits(int) && (frac.is_empty() || digits(frac))) || (int.is_empty() && digits(frac))
        }
        None => exponent.is_some() && digits(mantissa),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => digits(e.strip_prefix(['-', '+']).unwrap_or(e)),
    };
    if mantissa_ok && exponent_ok {
        // JavaScript's parseFloat accepts every form matched above.
        let normalized = if mantissa.ends_with('.') && exponent.is_none() {
            format!("{s}0")
        } else {
            s.replace(".e", ".0e").replace(".E", ".0E")
        };
        return normalized.parse::<f64>().ok();
    }
    None
}

/// Resolves a scalar with an explicit tag the way the npm reader's `findScalarTagByName` does;
/// `None` means the tag is unresolved and the value stays a string.
fn resolve_tagged(tag: &str, raw: &str) -> Option<Value> {
    let core = |v: Value, ok: bool| if ok { Some(v) } else { None };
    match tag {
        "!" | "tag:yaml.org,2002:str" => Some(Value::String(raw.to_string())),
        "tag:yaml.org,2002:null" => core(
            Value::Null,
            matches!(raw, "" | "~" | "null" | "Null" | "NULL"),
        ),
        "tag:yaml.org,2002:bool" => match resolve_plain(raw) {
            v @ Value::Bool(_) => Some(v),
            _ => None,
        },
        "tag:yaml.org,2002:int" => {
            let int_form = raw.starts_with("0o")
                || raw.starts_with("0x")
                || raw
                    .strip_prefix(['-', '+'])
                    .unwrap_or(raw)
                    .bytes()
                    .all(|b| b.is_ascii_digit());
            match number(raw) {
                Some(n) if int_form && !raw.is_empty() => Some(Value::Number(n)),
                _ => None,
            }
        }
        "tag:yaml.org,2002:float" => {
            let unsigned = raw.strip_prefix(['-', '+']).unwrap_or(raw);
            let float_form =
                raw.contains(['.', 'e', 'E']) && !raw.starts_with("0x") && !unsigned.is_empty();
            match number(raw) {
                Some(n) if float_form => Some(Value::Number(n)),
                _ => None,
            }
        }
        // Known 1.1 tags: a timestamp becomes a Date, which JSON turns into an ISO string.
        "tag:yaml.org,2002:timestamp" => timestamp_to_iso(raw).map(Value::String),
        "tag:yaml.org,2002:binary" => Some(Value::Opaque),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Node {
        let s = parse_stream(text, &Limits::default());
        s.documents[0].root.clone().expect("root")
    }

    #[test]
    fn core_schema_resolution_matches_the_npm_reader() {
        let cases: &[(&str, Value)] = &[
            ("yes", Value::String("yes".into())),
            ("on", Value::String("on".into())),
            ("017", Value::Number(17.0)),
            ("0o17", Value::Number(15.0)),
            ("0x1F", Value::Number(31.0)),
            ("1_000", Value::String("1_000".into())),
            ("2024-01-01", Value::String("2024-01-01".into())),
            ("~", Value::Null),
            ("", Value::Null),
            ("1e3", Value::Number(1000.0)),
            ("1.", Value::Number(1.0)),
            (".5", Value::Number(0.5)),
            ("+1", Value::Number(1.0)),
            ("-.inf", Value::Number(f64::NEG_INFINITY)),
            ("True", Value::Bool(true)),
            ("tRUE", Value::String("tRUE".into())),
            ("0x", Value::String("0x".into())),
            ("1e", Value::String("1e".into())),
            (".", Value::String(".".into())),
            ("+.5e-3", Value::Number(0.0005)),
        ];
        for (raw, want) in cases {
            assert_eq!(&resolve_plain(raw), want, "{raw}");
        }
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let root = first("a: 1\nb:\n  c: [x, \"y\"]\n");
        let (node, key) = root.pointer_with_key("/b/c").unwrap();
        assert_eq!(key.unwrap().line, 3);
        assert_eq!(key.unwrap().column, 3);
        assert_eq!(node.span.line, 3);
        let y = root.pointer("/b/c/1").unwrap();
        assert_eq!(y.as_str(), Some("y"));
        assert_eq!(y.span.column, 10);
        assert_eq!(root.locate("/b/c/9/z").line, 3);
    }

    #[test]
    fn duplicate_keys_fail_the_document_only() {
        let s = parse_stream("a: 1\na: 2\n---\nb: 1\n", &Limits::default());
        assert_eq!(s.documents.len(), 2);
        assert_eq!(
            s.documents[0].error.as_ref().unwrap().kind,
            YamlErrorKind::DuplicateKey
        );
        assert_eq!(s.documents[0].error.as_ref().unwrap().span.line, 2);
        assert!(s.documents[1].error.is_none());
    }

    /// Maps past `MapKeys::LINEAR` keys switch to hash tables: duplicates, JSON-spelling
    /// collisions and the order of entries behave as in small maps.
    #[test]
    fn large_maps_find_duplicates_and_collisions_like_small_ones() {
        let many: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        let dup = parse_stream(&format!("{many}k3: again\n"), &Limits::default());
        let error = dup.documents[0].error.as_ref().unwrap();
        assert_eq!(error.kind, YamlErrorKind::DuplicateKey);
        assert_eq!(error.span.line, 41);
        let root = first(&format!("7: seven\n{many}\"7\": last\n"));
        let entries = root.as_map().unwrap();
        assert_eq!(entries.len(), 41);
        assert_eq!(entries[0].key, "7");
        assert_eq!(root.get("7").unwrap().as_str(), Some("last"));
        assert_eq!(entries[40].key, "k39");
        let dup = parse_stream(&format!("{many}1: a\n0x1: b\n"), &Limits::default());
        assert_eq!(
            dup.documents[0].error.as_ref().unwrap().kind,
            YamlErrorKind::DuplicateKey
        );
    }

    #[test]
    fn keys_that_differ_in_yaml_but_not_in_json_keep_the_last_value() {
        let root = first("1: a\n\"1\": b\n");
        assert_eq!(root.as_map().unwrap().len(), 1);
        assert_eq!(root.get("1").unwrap().as_str(), Some("b"));
        let dup = parse_stream("1: a\n0x1: b\n", &Limits::default());
        assert!(dup.documents[0].error.is_some());
    }

    #[test]
    fn billion_laughs_is_stopped() {
        let mut text = String::from("a0: &a0 [lol]\n");
        for i in 1..30 {
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n",
                p = i - 1
            ));
        }
        let s = parse_stream(&text, &Limits::default());
        assert_eq!(s.fatal.unwrap().kind, YamlErrorKind::AliasLimit);
    }

    #[test]
    fn modest_alias_use_is_fine() {
        let root = first("base: &b {x: 1}\none: *b\ntwo: *b\n");
        assert_eq!(root.pointer("/two/x").unwrap().value, Value::Number(1.0));
    }

    #[test]
    fn deep_nesting_is_a_document_error() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let s = parse_stream(&text, &Limits::default());
        assert_eq!(
            s.documents[0].error.as_ref().unwrap().kind,
            YamlErrorKind::DepthLimit
        );
    }

    #[test]
    fn bom_and_crlf() {
        let s = parse_stream("\u{feff}a: 1\r\nb: x\r\n", &Limits::default());
        let root = s.documents[0].root.clone().unwrap();
        assert_eq!(root.get("b").unwrap().as_str(), Some("x"));
        let b = root.entry("b").unwrap();
        assert_eq!(b.key_span.line, 2);
        assert_eq!(b.key_span.offset, 3 + 6);
    }

    #[test]
    fn empty_documents_are_counted() {
        let s = parse_stream("---\n---\na: 1\n---\n", &Limits::default());
        let empties: Vec<bool> = s.documents.iter().map(Document::is_empty).collect();
        assert_eq!(empties, vec![true, false, true]);
    }

    #[test]
    fn syntax_error_recovers_at_next_document() {
        let s = parse_stream("a: [unclosed\n---\nb: 1\n", &Limits::default());
        assert_eq!(s.documents.len(), 2);
        assert!(s.documents[0].error.is_some());
        assert_eq!(
            s.documents[1]
                .root
                .as_ref()
                .unwrap()
                .get("b")
                .unwrap()
                .value,
            Value::Number(1.0)
        );
        assert_eq!(s.documents[1].root.as_ref().unwrap().span.line, 3);
    }

    #[test]
    fn yaml_11_directive_switches_schema() {
        let s = parse_stream(
            "%YAML 1.1\n---\na: yes\nb: 017\nc: 2024-01-02\n---\nd: yes\n",
            &Limits::default(),
        );
        let r = s.documents[0].root.clone().unwrap();
        assert_eq!(r.get("a").unwrap().value, Value::Bool(true));
        assert_eq!(r.get("b").unwrap().value, Value::Number(15.0));
        assert_eq!(
            r.get("c").unwrap().as_str(),
            Some("2024-01-02T00:00:00.000Z")
        );
        let r = s.documents[1].root.clone().unwrap();
        assert_eq!(r.get("d").unwrap().value, Value::Bool(true));
        assert_eq!(
            timestamp_to_iso("2001-12-14t21:59:43.10-05:00").as_deref(),
            Some("2001-12-15T02:59:43.100Z")
        );
    }

    #[test]
    fn npm_reader_quirks() {
        let tab = first("a:\tb\nc:\t\td\n");
        assert_eq!(tab.get("c").unwrap().as_str(), Some("d"));
        let s = parse_stream("a: 1\n---\nb: \"open\n---\nc: 1\n", &Limits::default());
        assert_eq!(s.documents.len(), 2);
        let cr = first("a: x\ry\n");
        assert_eq!(cr.get("a").unwrap().as_str(), Some("x\ry"));
    }

    #[test]
    fn tags() {
        let root = first("a: !!str 12\nb: !!int \"12\"\nc: !!float 1\nd: !custom x\n");
        assert_eq!(root.get("a").unwrap().as_str(), Some("12"));
        assert_eq!(root.get("b").unwrap().value, Value::Number(12.0));
        assert_eq!(root.get("c").unwrap().as_str(), Some("1"));
        assert_eq!(root.get("d").unwrap().as_str(), Some("x"));
    }
}
