//! Pretty JSON whose strings show control characters instead of carrying them.
//!
//! `serde_json` writes an ESC in a string as `\u001b`, which every SARIF reader decodes back
//! into a raw ESC and shows (or hides) in an alert. This formatter writes the visible form of
//! [`crate::util::escape`] instead (`\x1b`, JSON-encoded as `\\x1b`), for C0 controls other
//! than line feed and tab, DEL and C1 controls; everything else is `PrettyFormatter`'s output.

use std::io::{self, Write};

use serde_json::ser::{CharEscape, Formatter, PrettyFormatter};

use crate::util::escape::{is_unsafe_control, push_visible};

/// [`PrettyFormatter`] with control characters in their visible form.
#[derive(Default)]
pub(super) struct VisibleControls(PrettyFormatter<'static>);

/// Writes the visible form of `c`, JSON-encoded (its backslash doubled).
fn write_visible<W: ?Sized + Write>(writer: &mut W, c: char) -> io::Result<()> {
    let mut visible = String::new();
    push_visible(&mut visible, c);
    writer.write_all(visible.replace('\\', "\\\\").as_bytes())
}

impl Formatter for VisibleControls {
    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        let control = match char_escape {
            CharEscape::Backspace => '\u{8}',
            CharEscape::FormFeed => '\u{c}',
            CharEscape::CarriageReturn => '\r',
            CharEscape::AsciiControl(byte) => char::from(byte),
            other => return self.0.write_char_escape(writer, other),
        };
        write_visible(writer, control)
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // `serde_json` leaves DEL and C1 controls in fragments.
        if !fragment.chars().any(is_unsafe_control) {
            return writer.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if is_unsafe_control(c) {
                write_visible(writer, c)?;
            } else {
                let mut buffer = [0; 4];
                writer.write_all(c.encode_utf8(&mut buffer).as_bytes())?;
            }
        }
        Ok(())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    fn pretty(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        let mut serializer =
            serde_json::Serializer::with_formatter(&mut out, VisibleControls::default());
        value.serialize(&mut serializer).expect("serialize");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn controls_are_visible_and_the_rest_is_pretty_json() {
        let value = serde_json::json!({"a": ["x\u{1b}[41m\u{7f}\u{9b}\r\u{8}", "q\"\\\n\t"]});
        assert_eq!(
            pretty(&value),
            "{\n  \"a\": [\n    \"x\\\\x1b[41m\\\\x7f\\\\u{9b}\\\\x0d\\\\x08\",\n    \"q\\\"\\\\\\n\\t\"\n  ]\n}"
        );
        let plain = serde_json::json!({"a": [1, {"b": "c"}], "d": []});
        assert_eq!(
            pretty(&plain),
            serde_json::to_string_pretty(&plain).expect("json")
        );
    }
}
