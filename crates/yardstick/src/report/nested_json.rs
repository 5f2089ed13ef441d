//! Pretty JSON written as if nested at some depth of a larger document: the bytes
//! `serde_json`'s pretty printer gives for the value at that depth, written in one pass (no
//! whole-document serialiser, no re-indenting of a separately printed value).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// `serde_json::ser::PrettyFormatter` with two-space indents, starting `depth` levels in.
/// Its methods are that formatter's, so the bytes are the same.
struct NestedFormatter {
    current_indent: usize,
    has_value: bool,
}

const INDENT: &[u8] = b"  ";

fn indent<W: ?Sized + Write>(writer: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        writer.write_all(INDENT)?;
    }
    Ok(())
}

impl NestedFormatter {
    /// Opens an array or object, one level deeper.
    fn begin<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.current_indent += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// Closes an array or object: a line break and the indent when it held a value.
    fn end<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.current_indent -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.current_indent)?;
        }
        writer.write_all(bracket)
    }

    /// Starts an array value or an object key on its own line.
    fn next_line<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.current_indent)
    }
}

impl Formatter for NestedFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` as pretty JSON (two-space indents) whose first line continues the current
/// one and whose other lines are indented as at `depth` levels of nesting.
pub(super) fn write_at_depth(
    out: &mut (impl Write + ?Sized),
    value: &impl Serialize,
    depth: usize,
) -> io::Result<()> {
    let formatter = NestedFormatter {
        current_indent: depth,
        has_value: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut serializer).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::write_at_depth;
    use serde_json::json;

    /// At depth 0 the bytes are `to_string_pretty`'s; deeper, its lines shifted by two
    /// spaces per level (all but the first).
    #[test]
    fn nested_json_is_pretty_json_shifted() {
        let values = [
            json!({"a": [1, {"b": []}, {}], "c": {"d": "e\nf", "g": null}, "h": 2.5}),
            json!([]),
            json!({}),
            json!("x"),
            json!([[[]], [{}], [1]]),
        ];
        for value in values {
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            for depth in 0..3 {
                let mut out = Vec::new();
                write_at_depth(&mut out, &value, depth).unwrap();
                let shift = "  ".repeat(depth);
                let want = pretty.replace('\n', &format!("\n{shift}"));
                assert_eq!(String::from_utf8(out).unwrap(), want, "{value} at {depth}");
            }
        }
    }
}
