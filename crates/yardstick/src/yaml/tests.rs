//! The reader against the npm `yaml` package's behaviour.

use super::resolve::{resolve_plain, timestamp_to_iso};
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
