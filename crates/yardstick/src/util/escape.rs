//! Control characters made visible.
//!
//! Catalog files, facts and configuration are user text, and user text can hold control
//! characters: a YAML double-quoted `"\e[41m"` is a real ESC. Written raw, it recolours a
//! terminal or a CI log, moves the cursor or hides what follows. Every renderer that is not
//! JSON (where `serde_json` writes `\u001b`) passes user text through this module, which
//! writes each control character as a visible escape: `\x1b` for C0 controls and DEL,
//! `\u{9b}` for C1 controls. Line feeds and tabs are layout, not attacks, and stay.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is a control character that must not reach output raw: any `Cc` character
/// except line feed and tab.
pub fn is_unsafe_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Appends the visible form of control character `c`: `\x1b`, `\x7f`, `\u{9b}`.
pub fn push_visible(out: &mut String, c: char) {
    let code = u32::from(c);
    if code < 0x80 {
        let _ = write!(out, "\\x{code:02x}");
    } else {
        let _ = write!(out, "\\u{{{code:x}}}");
    }
}

/// `text` with every unsafe control character (see [`is_unsafe_control`]) in its visible
/// form; borrowed when there is none, which is the ordinary case.
///
/// ```
/// use yardstick::util::escape::escape_controls;
/// assert_eq!(escape_controls("\u{1b}[41mred\u{1b}[0m"), "\\x1b[41mred\\x1b[0m");
/// assert_eq!(escape_controls("a\tb\nc"), "a\tb\nc");
/// ```
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_control(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every unsafe control character replaced by as many `?` as it has bytes, so
/// that byte offsets into it stay valid: for source text that is shown with spans into it.
pub fn mask_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if is_unsafe_control(c) {
                    "?".repeat(c.len_utf8())
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c0_del_and_c1_become_visible() {
        assert_eq!(
            escape_controls("\u{0}\u{7}\r\u{7f}\u{9b}"),
            "\\x00\\x07\\x0d\\x7f\\u{9b}"
        );
    }

    #[test]
    fn ordinary_text_is_borrowed() {
        assert!(matches!(
            escape_controls("plain ünïcode\n\t"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn masking_keeps_byte_offsets() {
        let text = "a\u{1b}b\u{9b}c";
        assert_eq!(mask_controls(text).len(), text.len());
        assert_eq!(mask_controls(text), "a?b??c");
    }
}
