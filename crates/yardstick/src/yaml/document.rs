//! A file's documents, the limits that bound reading them, and what can go wrong.

use super::{Node, Span, Value};

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
    /// For a syntax error inside a flow collection: the `[` or `{` of the innermost one still
    /// open where the error is (the error itself is often reported lines later).
    pub open_flow: Option<Span>,
}

impl Document {
    /// A document that a syntax error keeps from being read.
    pub(super) fn unreadable(index: usize, error: YamlError, open_flow: Option<Span>) -> Self {
        Document {
            index,
            root: None,
            span: error.span,
            error: Some(error),
            warnings: Vec::new(),
            open_flow,
        }
    }

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
