//! A facts file that is plain JSON, read in one pass over its bytes: the same [`Facts`] as
//! reading it as YAML (JSON is YAML), at a tenth of the cost. Anything outside the plain
//! cases gives `None` and the file is read as YAML, which decides: a number (YAML resolves
//! it its own way), a backslash or a control character in a string, a byte outside ASCII
//! (columns count characters), a tab or carriage return, a key written twice in one
//! object, nesting deeper than [`MAX_DEPTH`], and any other shape of file.
//!
//! An entity's facts are kept as compact JSON with sorted keys (what `serde_json` writes
//! for its map). The file's own text gives that directly once the white space is left
//! out, when each object's keys are already in order; an entity whose keys are not is
//! written out through `serde_json`.

use super::{key_of, Facts};

/// Objects and arrays nested deeper than this are left to the YAML reader (whose limit is
/// far above: it decides).
const MAX_DEPTH: usize = 32;

/// The facts of `text` when it is plain JSON of the facts file's shape
/// (`{"entities": {"REF": {...}, ...}}`); `None` otherwise.
pub(super) fn parse(text: &str) -> Option<Facts> {
    if text.len() > Facts::MAX_BYTES {
        return None;
    }
    let mut reader = Reader {
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
        line_start: 0,
        keys: Vec::new(),
    };
    reader.expect(b'{')?;
    if reader.string()?.0 != "entities" {
        return None;
    }
    reader.expect(b':')?;
    reader.expect(b'{')?;
    let mut facts = Facts::default();
    let mut seen: Vec<&str> = Vec::new();
    // Reused for every entity: temporaries between the facts kept would only scatter them.
    let mut scratch = (String::new(), Vec::new());
    if !reader.empty(b'}')? {
        loop {
            let (reference, written_at) = reader.string()?;
            seen.push(reference);
            reader.expect(b':')?;
            reader.entity(&mut facts, (reference, written_at), &mut scratch)?;
            if reader.close(b'}')? {
                break;
            }
        }
    }
    if reader.close(b'}')? && reader.at_end() && unique(&mut seen) {
        Some(facts)
    } else {
        None
    }
}

/// True when no two of `keys` are equal (they are sorted in the process).
fn unique(keys: &mut [&str]) -> bool {
    keys.sort_unstable();
    keys.windows(2).all(|pair| pair[0] != pair[1])
}

/// A position in the text, with its line and where that line starts.
struct Reader<'t> {
    bytes: &'t [u8],
    at: usize,
    line: usize,
    line_start: usize,
    /// The keys of the objects being read, innermost last (one buffer for all).
    keys: Vec<&'t str>,
}

/// The fact names of one entity with their places.
type Names<'t> = Vec<(&'t str, (usize, usize))>;

impl<'t> Reader<'t> {
    /// Skips spaces and line breaks; `None` at a tab, a carriage return or a byte outside
    /// ASCII anywhere after them is caught where it is read.
    fn skip_space(&mut self) -> Option<()> {
        while let Some(&byte) = self.bytes.get(self.at) {
            match byte {
                b' ' => self.at += 1,
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.line_start = self.at;
                }
                b'\t' | b'\r' => return None,
                _ => break,
            }
        }
        Some(())
    }

    /// The next byte after white space, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.skip_space()?;
        self.bytes.get(self.at).copied()
    }

    /// Consumes `byte` after white space.
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// After a value: `Some(true)` and consumed at `close`, `Some(false)` and consumed at a
    /// comma (another member follows), `None` at anything else.
    fn close(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(false)
            }
            byte if byte == close => {
                self.at += 1;
                Some(true)
            }
            _ => None,
        }
    }

    /// Right after an opening bracket: `Some(true)` and consumed at `close` (an empty
    /// collection), else `Some(false)`.
    fn empty(&mut self, close: u8) -> Option<bool> {
        let empty = self.peek()? == close;
        if empty {
            self.at += 1;
        }
        Some(empty)
    }

    fn at_end(&mut self) -> bool {
        self.skip_space().is_some() && self.at == self.bytes.len()
    }

    /// A string without escapes, with its 1-based line and column; `None` for anything
    /// else.
    fn string(&mut self) -> Option<(&'t str, (usize, usize))> {
        self.expect(b'"')?;
        let start = self.at;
        let position = (self.line, start - self.line_start);
        let length = self.bytes[start..].iter().position(|&b| b == b'"')?;
        let text = &self.bytes[start..start + length];
        if text
            .iter()
            .any(|&b| b == b'\\' || !(0x20..=0x7e).contains(&b))
        {
            return None;
        }
        self.at = start + length + 1;
        Some((std::str::from_utf8(text).ok()?, position))
    }

    /// One entity's facts (an object), merged into `facts` under `reference` (written at
    /// `written_at`); `scratch` holds the compact text and the names while it is read.
    fn entity(
        &mut self,
        facts: &mut Facts,
        (reference, written_at): (&'t str, (usize, usize)),
        (canonical, names): &mut (String, Names<'t>),
    ) -> Option<()> {
        if self.peek()? != b'{' {
            return None;
        }
        let start = self.at;
        canonical.clear();
        names.clear();
        let sorted = self.value(0, canonical, Some(names))?;
        let key = key_of(reference).into_owned();
        let entry = if sorted && !facts.by_ref.contains_key(&key) {
            let entry = facts.by_ref.entry(key).or_default();
            entry.text = Box::from(canonical.as_str());
            entry.names_at.reserve_exact(names.len());
            entry
        } else {
            let value = serde_json::from_slice(&self.bytes[start..self.at]).ok()?;
            facts.merge(key, value)
        };
        for &(name, at) in names.iter() {
            entry.name_at(name, at);
        }
        entry.written_at = Some(written_at);
        Some(())
    }

    /// A value, its compact text appended to `out`; at the top of an entity, `names`
    /// collects the fact names with their places. `Some(true)` when every object's keys
    /// were in sorted order (the compact text is then `serde_json`'s); `None` outside the
    /// plain cases.
    fn value(
        &mut self,
        depth: usize,
        out: &mut String,
        names: Option<&mut Names<'t>>,
    ) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => self.object(depth, out, names),
            b'[' => self.array(depth, out),
            b'"' => {
                let (text, _) = self.string()?;
                out.push('"');
                out.push_str(text);
                out.push('"');
                Some(true)
            }
            _ => {
                let rest = &self.bytes[self.at..];
                let word = ["true", "false", "null"]
                    .into_iter()
                    .find(|w| rest.starts_with(w.as_bytes()))?;
                // `nullx` is not JSON; a number or anything else is left to YAML.
                let next = rest.get(word.len()).copied().unwrap_or(b' ');
                if next.is_ascii_alphanumeric() {
                    return None;
                }
                self.at += word.len();
                out.push_str(word);
                Some(true)
            }
        }
    }

    fn object(
        &mut self,
        depth: usize,
        out: &mut String,
        mut names: Option<&mut Names<'t>>,
    ) -> Option<bool> {
        self.expect(b'{')?;
        out.push('{');
        let mut sorted = true;
        let first = self.keys.len();
        if !self.empty(b'}')? {
            loop {
                let (key, at) = self.string()?;
                if let Some(names) = names.as_deref_mut() {
                    names.push((key, at));
                }
                let earlier = self.keys.get(first..).and_then(<[&str]>::last);
                sorted &= earlier.is_none_or(|last| *last < key);
                if earlier.is_some() {
                    out.push(',');
                }
                self.keys.push(key);
                out.push('"');
                out.push_str(key);
                out.push_str("\":");
                self.expect(b':')?;
                sorted &= self.value(depth + 1, out, None)?;
                if self.close(b'}')? {
                    break;
                }
            }
        }
        out.push('}');
        // Keys out of order are checked for a repeat (copied: rare).
        let repeated = !sorted && !unique(&mut self.keys[first..].to_vec());
        self.keys.truncate(first);
        (!repeated).then_some(sorted)
    }

    fn array(&mut self, depth: usize, out: &mut String) -> Option<bool> {
        self.expect(b'[')?;
        out.push('[');
        let mut sorted = true;
        if !self.empty(b']')? {
            loop {
                sorted &= self.value(depth + 1, out, None)?;
                if self.close(b']')? {
                    break;
                }
                out.push(',');
            }
        }
        out.push(']');
        Some(sorted)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Facts;
    use proptest::prelude::*;

    /// Plain JSON files as tools write them: read in one pass, to what YAML reads.
    #[test]
    fn plain_files_read_as_yaml_reads_them() {
        let facts = serde_json::json!({"entities": {
            "component:default/a": {"ci": {"status": "passing"}, "monitoring": {"configured": true}},
            "Component:default/B": {"oncall": {"configured": false, "team": null}, "tags": ["x", [], {}]},
            "component:default/c": {},
            "group:default/d": {"z": {"b": "1", "a": "2"}, "a": "first"},
        }});
        let pretty = serde_json::to_string_pretty(&facts).unwrap();
        let compact = serde_json::to_string(&facts).unwrap();
        let hand = "{\n  \"entities\": {\n    \"component:default/a\": {\"ci\": {\"status\": \"passing\"}},\n    \"component:default/A\": {\"b\": true , \"a\" : false},\n    \"component:default/e\":{}\n  }\n}\n";
        let empty = "{\"entities\": {}}";
        for text in [pretty.as_str(), compact.as_str(), hand, empty] {
            let fast = super::parse(text).unwrap_or_else(|| panic!("not read in one pass: {text}"));
            assert_eq!(Ok(fast), Facts::parse_yaml(text), "{text}");
        }
    }

    /// Files outside the plain cases are left to YAML, which reads or refuses them.
    #[test]
    fn other_files_are_left_to_yaml() {
        for text in [
            "entities: {}\n",
            "{\"entities\": {\"component:default/a\": {\"n\": 1}}}",
            "{\"entities\": {\"component:default/a\": {\"s\": \"a\\\"b\"}}}",
            "{\"entities\": {\"component:default/a\": {\"s\": \"é\"}}}",
            "{\"entities\": {\"component:default/a\": {}, \"component:default/a\": {}}}",
            "{\"entities\": {\"component:default/a\": {\"x\": true, \"x\": false}}}",
            "{\"entities\": {\"component:default/a\": {}}, \"other\": 1}",
            "{\"entities\": {\"component:default/a\": []}}",
            "{\"entities\": {\"component:default/a\": {}}} # note",
            "{\t\"entities\": {}}",
            "{\"entities\": {}}\r\n",
            "{\"entities\": {\"component:default/a\": {\"x\": nullx}}}",
            "{}",
            "",
        ] {
            assert!(super::parse(text).is_none(), "{text}");
        }
    }

    fn value(depth: u32) -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("true".to_string()),
            Just("false".to_string()),
            Just("null".to_string()),
            "[a-z:/ ._-]{0,6}".prop_map(|s| format!("\"{s}\"")),
        ];
        leaf.prop_recursive(depth, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(", "))),
                prop::collection::vec(("[a-c]{1,2}", inner), 0..4).prop_map(|members| {
                    let members: Vec<String> = members
                        .iter()
                        .map(|(k, v)| format!("\"{k}\": {v}"))
                        .collect();
                    format!("{{{}}}", members.join(",\n "))
                }),
            ]
        })
    }

    proptest! {
        /// Whatever the one-pass reader accepts, it reads as YAML does: keys in any
        /// order and case, entities written twice, with any spacing and nesting; and it
        /// accepts every such file that YAML accepts.
        #[test]
        fn one_pass_reads_as_yaml(
            entities in prop::collection::vec(("[cC]omponent:default/[ab]", prop::collection::vec(("[a-c]{1,2}", value(3)), 0..4)), 0..5),
            space in prop::sample::select(vec!["", " ", "\n", "\n  ", "  \n    "]),
        ) {
            let members: Vec<String> = entities
                .iter()
                .map(|(reference, names)| {
                    let names: Vec<String> = names.iter().map(|(k, v)| format!("\"{k}\":{space}{v}")).collect();
                    format!("{space}\"{reference}\": {{{}}}", names.join(&format!(",{space}")))
                })
                .collect();
            let text = format!("{{{space}\"entities\":{space}{{{}{space}}}{space}}}\n", members.join(","));
            let yaml = Facts::parse_yaml(&text);
            // Refused only for a key written twice in one object, which YAML refuses too.
            match super::parse(&text) {
                Some(fast) => prop_assert_eq!(Ok(fast), yaml, "{}", text),
                None => prop_assert!(yaml.is_err(), "{}", text),
            }
        }
    }
}
