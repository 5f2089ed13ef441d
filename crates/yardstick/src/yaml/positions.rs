//! Source positions: saphyr's character markers as byte spans with lines and columns.

use saphyr_parser::Span as SaphyrSpan;

use super::Span;

/// Maps saphyr's character indices to byte offsets in the source, in O(1) for ASCII text
/// and O(64) otherwise: spans are computed for every node, so this must not walk lines.
pub(super) struct CharIndex {
    /// Byte offset of every 64th character; `None` when the text is ASCII.
    blocks: Option<Vec<usize>>,
}

impl CharIndex {
    pub(super) fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex { blocks: None };
        }
        let blocks = text.char_indices().step_by(64).map(|(b, _)| b).collect();
        CharIndex {
            blocks: Some(blocks),
        }
    }

    /// Byte offset of character `c` of `text` (the text's length past the end).
    pub(super) fn byte(&self, text: &str, c: usize) -> usize {
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
    pub(super) fn char(&self, text: &str, b: usize) -> usize {
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
pub(super) struct Positions<'a> {
    /// The whole body (BOM stripped).
    body: &'a str,
    /// The part being parsed.
    pub(super) text: &'a str,
    chars: &'a CharIndex,
    /// Character index of the part's start within the body.
    part_char: usize,
    /// Byte offset of the part within the body.
    part_offset: usize,
    /// Line number (0-based) of the part's first line.
    first_line: usize,
    /// Added to every byte offset: the stripped BOM and the part's offset.
    pub(super) base_offset: usize,
}

impl<'a> Positions<'a> {
    pub(super) fn new(
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
    pub(super) fn byte_of(&self, index: usize) -> usize {
        self.chars
            .byte(self.body, self.part_char + index)
            .saturating_sub(self.part_offset)
            .min(self.text.len())
    }

    pub(super) fn span(&self, s: &SaphyrSpan) -> Span {
        let start = self.byte_of(s.start.index());
        let end = self.byte_of(s.end.index()).max(start);
        Span::new(
            self.base_offset + start,
            end - start,
            self.first_line + s.start.line(),
            s.start.col() + 1,
        )
    }

    pub(super) fn point(&self, m: &saphyr_parser::Marker) -> Span {
        Span::new(
            self.base_offset + self.byte_of(m.index()),
            0,
            self.first_line + m.line(),
            m.col() + 1,
        )
    }
}
