//! Spans: where a key or value stands in its source file.

/// A position range in a source file.
///
/// Fields are `u32` (16 bytes in all: every YAML node carries one), which is why files of
/// 4 GiB or more are refused as too large whatever [`Limits::max_file_bytes`](crate::Limits::max_file_bytes) says.
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
    /// [`parse_stream`](crate::parse_stream) accepts).
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

/// 1-based line and column (code points) just past a span, from the file's text.
///
/// ```
/// use yardstick::{report::span_end, Span};
/// let text = "name: a\nowner: b\n";
/// assert_eq!(span_end(text, Span::new(0, 7, 1, 1)), (1, 8));
/// assert_eq!(span_end(text, Span::new(6, 9, 1, 7)), (2, 8));
/// ```
pub fn span_end(text: &str, span: Span) -> (usize, usize) {
    let end = span.end().min(text.len());
    let start = span.start().min(end);
    let covered = text.get(start..end).unwrap_or("");
    let (line, column) = (span.line as usize, span.column as usize);
    match covered.rfind('\n') {
        Some(nl) => (
            line + covered.matches('\n').count(),
            covered[nl + 1..].chars().count() + 1,
        ),
        None => (line, column + covered.chars().count()),
    }
}

/// What [`span_end`] needs of a file's text, in less memory: where its lines break when the
/// text is ASCII (a column is then a byte count), and the text itself otherwise.
///
/// ```
/// use std::sync::Arc;
/// use yardstick::{report::span_end, LineIndex, Span};
/// let text: Arc<str> = Arc::from("name: a\nowner: b\n");
/// let lines = LineIndex::new(&text);
/// let span = Span::new(6, 9, 1, 7);
/// assert_eq!(lines.span_end(span), span_end(&text, span));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum LineIndex {
    /// An ASCII text: the offset of each `\n`, and the text's length.
    Ascii {
        /// Byte offsets of the line feeds, ascending.
        newlines: Box<[u32]>,
        /// The text's length in bytes.
        len: u32,
    },
    /// Any other text, kept whole.
    Text(std::sync::Arc<str>),
}

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &std::sync::Arc<str>) -> LineIndex {
        if !text.is_ascii() || text.len() > u32::MAX as usize {
            return LineIndex::Text(text.clone());
        }
        // A file is indexed as it is read: a vectorised search, not a loop over bytes.
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(to_u32)
            .collect();
        LineIndex::Ascii {
            newlines,
            len: to_u32(text.len()),
        }
    }

    /// The text's length in bytes.
    pub fn text_len(&self) -> usize {
        match self {
            LineIndex::Ascii { len, .. } => *len as usize,
            LineIndex::Text(text) => text.len(),
        }
    }

    /// [`span_end`] of the text this index was made from.
    pub fn span_end(&self, span: Span) -> (usize, usize) {
        let (newlines, len) = match self {
            LineIndex::Ascii { newlines, len } => (newlines, *len as usize),
            LineIndex::Text(text) => return span_end(text, span),
        };
        let end = span.end().min(len);
        let start = span.start().min(end);
        let first = newlines.partition_point(|&n| (n as usize) < start);
        let past = newlines.partition_point(|&n| (n as usize) < end);
        let (line, column) = (span.line as usize, span.column as usize);
        match past.checked_sub(1).filter(|&last| last >= first) {
            Some(last) => (line + past - first, end - newlines[last] as usize),
            None => (line, column + (end - start)),
        }
    }
}
