//! Fitting human output to a width: prose wrapped at word boundaries under a hanging indent,
//! and the over-long lines of rendered diagnostics wrapped or, for source lines, clipped.
//!
//! Widths are display widths (`unicode-width`) of what the terminal shows. The ANSI escapes
//! the renderers add for colour take no room and are never split. Catalog text arrives with
//! its control characters already in visible form ([`yardstick::util::escape`]), so `\x1b`
//! counts as the four columns it shows and is kept whole; wrapping only ever inserts line
//! feeds and spaces, so it cannot turn an escaped character back into a raw one.

use unicode_width::UnicodeWidthChar;

/// The end of a clipped line.
const ELLIPSIS: char = '…';

/// The unbreakable pieces of `text` and their display widths: an ANSI escape sequence (no
/// width), a visible escape such as `\x1b` or `\u{9b}`, or one character.
fn atoms(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (len, width) = if c == '\u{1b}' {
            (ansi_len(rest), 0)
        } else if let Some(len) = visible_escape_len(rest) {
            (len, len)
        } else if c == '\t' {
            (1, 1)
        } else {
            (c.len_utf8(), c.width().unwrap_or(0))
        };
        out.push((&rest[..len], width));
        rest = &rest[len..];
    }
    out
}

/// The length of the ANSI sequence at the start of `text` (which starts with ESC): a CSI
/// (`ESC [ … final`), an OSC (`ESC ] … BEL` or `ESC ] … ESC \`), or ESC and one character.
fn ansi_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(1) {
        Some(b'[') => bytes[2..]
            .iter()
            .position(|b| (0x40..=0x7e).contains(b))
            .map_or(text.len(), |end| end + 3),
        Some(b']') => {
            let body = &text[2..];
            match (body.find('\u{7}'), body.find("\u{1b}\\")) {
                (Some(bel), Some(st)) if st < bel => st + 4,
                (Some(bel), _) => bel + 3,
                (None, Some(st)) => st + 4,
                (None, None) => text.len(),
            }
        }
        _ => 1 + text[1..].chars().next().map_or(0, char::len_utf8),
    }
}

/// The length of the visible escape at the start of `text`, if there is one: `\xNN` or
/// `\u{…}`, as [`yardstick::util::escape::push_visible`] writes them.
fn visible_escape_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'\\') {
        return None;
    }
    match bytes.get(1) {
        Some(b'x') if bytes.len() >= 4 && bytes[2..4].iter().all(u8::is_ascii_hexdigit) => Some(4),
        Some(b'u') if bytes.get(2) == Some(&b'{') => {
            let close = text[3..].find('}')?;
            let digits = &text[3..3 + close];
            (!digits.is_empty()
                && digits.len() <= 6
                && digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .then_some(close + 4)
        }
        _ => None,
    }
}

/// The number of columns `text` takes on a terminal (one line, colour escapes excluded).
pub fn display_width(text: &str) -> usize {
    atoms(text).iter().map(|(_, w)| w).sum()
}

/// `text` cut to at most `width` columns, ending in `…` when it was cut. Colour escapes
/// after the cut are kept (they take no room) so that a colour that was opened is closed.
pub fn clip_to_width(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return text.to_string();
    }
    let budget = width.saturating_sub(1);
    let mut used = 0;
    let mut out = String::with_capacity(text.len());
    let mut cut = false;
    for (atom, w) in atoms(text) {
        if w == 0 && atom.starts_with('\u{1b}') {
            out.push_str(atom);
        } else if !cut && used + w <= budget {
            out.push_str(atom);
            used += w;
        } else if !cut {
            cut = true;
            out.push(ELLIPSIS);
        }
    }
    out
}

/// Items laid out in lines of at most `width` columns: `first` before the first line,
/// `rest` before the others, `sep` between items on a line. An item too long for a line of
/// its own is broken between its atoms. Without a width, everything goes on one line.
pub fn pack<'a>(
    items: impl IntoIterator<Item = &'a str>,
    sep: &str,
    width: Option<usize>,
    first: &str,
    rest: &str,
) -> String {
    let Some(width) = width else {
        let items: Vec<&str> = items.into_iter().collect();
        return format!("{first}{}", items.join(sep));
    };
    let mut lines: Vec<String> = Vec::new();
    let mut line = first.to_string();
    let mut used = display_width(first);
    // Whether `line` holds more than its indent.
    let mut filled = false;
    let rest_width = display_width(rest);
    let sep_width = display_width(sep);
    for item in items {
        let item_width = display_width(item);
        if filled && used + sep_width + item_width <= width {
            line.push_str(sep);
            line.push_str(item);
            used += sep_width + item_width;
            continue;
        }
        if filled {
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            used = rest_width;
        }
        filled = true;
        if used + item_width <= width {
            line.push_str(item);
            used += item_width;
            continue;
        }
        // Too long for any line: break it, filling this line and then whole lines.
        let mut atom_on_line = false;
        for (atom, w) in atoms(item) {
            if used + w > width && atom_on_line {
                lines.push(std::mem::replace(&mut line, rest.to_string()));
                used = rest_width;
            }
            line.push_str(atom);
            used += w;
            atom_on_line = true;
        }
    }
    lines.push(line);
    lines.join("\n")
}

/// Prose wrapped at spaces to `width` columns: `first` before the first line, `rest` (the
/// hanging indent) before every other. A line feed in `text` starts a new line under `rest`.
/// Without a width, the text is kept as it is, each line after the first under `rest`.
///
/// Example: `wrap("fix: add the annotation", Some(17), "  ", "       ")` gives
/// `"  fix: add the\n       annotation"`.
pub fn wrap(text: &str, width: Option<usize>, first: &str, rest: &str) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, paragraph)| {
            let indent = if i == 0 { first } else { rest };
            match width {
                None => format!("{indent}{paragraph}"),
                Some(_) => pack(
                    paragraph.split([' ', '\t']).filter(|w| !w.is_empty()),
                    " ",
                    width,
                    indent,
                    rest,
                ),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every line of rendered diagnostics made to fit `width`: a source line (behind a `│`
/// gutter) is clipped, so the code and its underlines stay aligned; any other line is
/// wrapped under its own indentation plus two columns.
pub fn fit_lines(rendered: &str, width: usize) -> String {
    rendered
        .split('\n')
        .map(|line| {
            if display_width(line) <= width {
                line.to_string()
            } else if is_source_line(line) {
                clip_to_width(line, width)
            } else {
                let trimmed = line.trim_start_matches(' ');
                let indent = &line[..line.len() - trimmed.len()];
                wrap(trimmed, Some(width), indent, &format!("{indent}  "))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a line of a miette diagnostic is part of its source snippet: after an optional
/// line number, it starts with a box-drawing gutter.
fn is_source_line(line: &str) -> bool {
    let visible: String = atoms(line)
        .into_iter()
        .filter(|(atom, _)| !atom.starts_with('\u{1b}'))
        .map(|(atom, _)| atom)
        .collect();
    let after_number = visible
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start();
    after_number.starts_with(['│', '·', '╭', '╰', '├', '┆', '┬', '╶'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_wraps_at_spaces_under_a_hanging_indent() {
        let text = wrap("fix: add the annotation", Some(17), "  ", "       ");
        assert_eq!(text, "  fix: add the\n       annotation");
        let narrow = wrap("fix: add the annotation", Some(12), "  ", "       ");
        assert_eq!(narrow, "  fix: add\n       the\n       annot\n       ation");
        for line in narrow.lines() {
            assert!(display_width(line) <= 12, "{line:?}");
        }
    }

    #[test]
    fn without_a_width_nothing_moves() {
        assert_eq!(wrap("a  b\nc", None, "> ", "  "), "> a  b\n  c");
    }

    #[test]
    fn long_words_are_broken_but_escapes_are_kept_whole() {
        let text = wrap("aaaaaa\\x1bbbbb", Some(8), "", "");
        assert_eq!(text, "aaaaaa\n\\x1bbbbb");
        assert!(text.contains("\\x1b"));
        for line in text.lines() {
            assert!(display_width(line) <= 8, "{line:?}");
        }
    }

    #[test]
    fn widths_skip_colour_and_count_wide_characters() {
        assert_eq!(display_width("\u{1b}[31m✗\u{1b}[0m ok"), 4);
        assert_eq!(display_width("表"), 2);
        assert_eq!(display_width("\\x1b"), 4);
        assert_eq!(
            display_width("\u{1b}]8;;https://x\u{1b}\\code\u{1b}]8;;\u{1b}\\"),
            4
        );
    }

    #[test]
    fn clipping_keeps_colour_resets() {
        let clipped = clip_to_width("\u{1b}[31mabcdef\u{1b}[0m", 4);
        assert_eq!(clipped, "\u{1b}[31mabc…\u{1b}[0m");
        assert_eq!(display_width(&clipped), 4);
    }

    #[test]
    fn diagnostics_clip_source_lines_and_wrap_the_rest() {
        let rendered =
            " 22 │     # a long comment in the source\nref/invalid (https://example.com/docs)";
        let fitted = fit_lines(rendered, 20);
        let lines: Vec<&str> = fitted.lines().collect();
        assert_eq!(lines[0], " 22 │     # a long …");
        assert_eq!(lines[1], "ref/invalid");
        assert!(lines[2].starts_with("  (https://"));
        for line in lines {
            assert!(display_width(line) <= 20, "{line:?}");
        }
    }
}
