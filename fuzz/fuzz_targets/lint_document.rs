//! Arbitrary bytes through the whole linting path: read as Backstage reads (lossy UTF-8),
//! parse every document, validate every root, and resolve spans for every node.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yardstick::{parse_stream, validate_entity, Limits, Node, Span, ValidateOptions, Value};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let stream = parse_stream(&text, &Limits::default());
    for doc in &stream.documents {
        if let Some(err) = &doc.error {
            check_span(&text, err.span);
        }
        let Some(root) = &doc.root else { continue };
        let _ = doc.is_empty();
        let _ = root.to_json();
        for templates in [false, true] {
            let options = ValidateOptions {
                templates,
                ..ValidateOptions::default()
            };
            let validation = validate_entity(root, &options);
            let _ = validation.accepted();
            for problem in &validation.problems {
                let _ = root.pointer_with_key(&problem.pointer);
                check_span(&text, root.locate(&problem.pointer));
            }
        }
        let mut pointers = Vec::new();
        collect_pointers(root, String::new(), &mut pointers);
        for p in &pointers {
            assert!(
                root.pointer(p).is_some(),
                "pointer {p:?} of an existing node"
            );
            check_span(&text, root.locate(p));
        }
        for p in [
            "",
            "/",
            "//",
            "/~",
            "/~2",
            "/0",
            "/-1",
            "/metadata/name/x",
            "x",
        ] {
            let _ = root.pointer(p);
            check_span(&text, root.locate(p));
        }
    }
    if let Some(fatal) = &stream.fatal {
        check_span(&text, fatal.span);
    }
});

/// Spans point into the text, on character boundaries.
fn check_span(text: &str, span: Span) {
    let end = span.offset + span.len;
    assert!(
        end <= text.len() && text.is_char_boundary(span.offset) && text.is_char_boundary(end),
        "span {span:?} outside a {}-byte text",
        text.len()
    );
}

fn collect_pointers(node: &Node, here: String, out: &mut Vec<String>) {
    if out.len() >= 1024 {
        return;
    }
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                let key = e.key.replace('~', "~0").replace('/', "~1");
                collect_pointers(&e.value, format!("{here}/{key}"), out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_pointers(item, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(here);
}
