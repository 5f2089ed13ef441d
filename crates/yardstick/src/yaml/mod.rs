//! YAML reading with exact source positions.
//!
//! Backstage reads catalog files with the `yaml` npm package (YAML 1.2 core schema, no merge
//! keys, unique keys, at most 100 alias expansions per anchor). This module turns saphyr's
//! event stream into [`Node`] trees whose scalars resolve exactly as that package resolves them,
//! and whose every key and value carries a [`Span`].

//!
//! The parts: [`node`] is the tree, [`document`] the stream of documents and its limits and
//! errors, `positions` maps saphyr's markers to spans, `builder` turns events into trees
//! (anchors, aliases, depth), `keys` finds duplicate keys as the npm reader does, and
//! `resolve` gives plain scalars their YAML 1.2 (or 1.1) types.

mod builder;
mod compact;
mod document;
mod keys;
mod node;
mod positions;
mod projection;
mod resolve;
#[cfg(test)]
mod tests;

pub use crate::util::span::Span;
pub use compact::{CompactTree, EntryRef, MapEntries, NodeRef, SeqItems, ValueRef};
pub use document::{Document, Limits, Stream, YamlError, YamlErrorKind};
pub use node::{Entry, Node, Value};
pub use projection::Projection;
pub use resolve::js_number_to_string;

use std::borrow::Cow;

use builder::{Builder, Outcome};
use positions::{CharIndex, Positions};

use crate::util::shared_str::StrCache;

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
    let (mut body, bare_cr) = with_bare_cr_marked(body);
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
                    open_flow,
                } => {
                    // saphyr rejects a tab between `:` and a value; YAML and the npm reader
                    // allow it. A space in its place changes no value.
                    if let (Some(tab), true) = (tab_at, tab_fixes < 64) {
                        body.to_mut()
                            .replace_range(offset + tab..offset + tab + 1, " ");
                        tab_fixes += 1;
                        continue 'attempt;
                    }
                    let index = stream.documents.len();
                    // An unterminated quoted scalar runs to the end of the file in the npm reader.
                    let resumable = !error.message.contains("quoted scalar");
                    stream
                        .documents
                        .push(Document::unreadable(index, error, open_flow));
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

/// The text to parse, and whether it has a bare CR. The npm reader breaks lines at LF only,
/// so a bare CR is content: DEL stands in for it (one byte too, so offsets hold) and is
/// turned back into CR in scalars. The text is only copied when it has to change.
fn with_bare_cr_marked(body: &str) -> (Cow<'_, str>, bool) {
    let bytes = body.as_bytes();
    let bare = |i: usize, c: u8| c == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    let bare_cr = body.contains('\r')
        && !body.contains('\x7f')
        && bytes.iter().enumerate().any(|(i, &c)| bare(i, c));
    if !bare_cr {
        return (Cow::Borrowed(body), false);
    }
    let marked: Vec<u8> = bytes
        .iter()
        .enumerate()
        .map(|(i, &c)| if bare(i, c) { 0x7f } else { c })
        .collect();
    match String::from_utf8(marked) {
        Ok(text) => (Cow::Owned(text), true),
        Err(_) => (Cow::Borrowed(body), true),
    }
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
