//! Reading `$text`, `$json` and `$yaml` placeholder targets (and `$openapi`/`$asyncapi`,
//! read as text), inside the scanned root only. A target that is not read (a URL, a path
//! outside the root) is [`PlaceholderValue::Unread`]: its field is left unvalidated.

use std::path::Path;

use super::finding::Note;
use super::locations::is_url;
use crate::catalog::PlaceholderValue;
use crate::rules::RuleId;
use crate::util::path::join_lexically;
use crate::yaml::{parse_stream, Limits, Node, Span, Value};

/// Reads a placeholder target; the second value is a note to report.
pub(super) fn resolve_placeholder(
    kind: &str,
    target: &str,
    dir: &Path,
    root: &Path,
    limits: &Limits,
) -> (PlaceholderValue, Option<Note>) {
    if is_url(target) {
        return (
            PlaceholderValue::Unread,
            Note::some(
                RuleId::PlaceholderNotRead,
                format!("placeholder ${kind} target {target} is a URL; not fetched, so the field it fills is not validated"),
            ),
        );
    }
    let outside = || {
        Note::some(
            RuleId::LocationOutsideRoot,
            format!("placeholder ${kind} target {target} resolves outside the scanned root; not read, so the field it fills is not validated"),
        )
    };
    let Some(path) = join_lexically(dir, target) else {
        return (
            PlaceholderValue::Unread,
            Note::some(
                RuleId::LocationOutsideRoot,
                format!("placeholder ${kind} target {target} is an absolute path; not read, so the field it fills is not validated"),
            ),
        );
    };
    if !path.starts_with(root) {
        return (PlaceholderValue::Unread, outside());
    }
    let real = match path.canonicalize() {
        Ok(r) if r.starts_with(root) => r,
        Ok(_) => return (PlaceholderValue::Unread, outside()),
        Err(e) => return (PlaceholderValue::Failed(e.to_string()), None),
    };
    if std::fs::metadata(&real).map(|m| m.len()).unwrap_or(0) > limits.file_bytes() as u64 {
        return (
            PlaceholderValue::Failed("file is larger than the size limit".into()),
            None,
        );
    }
    let text = match std::fs::read(&real) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => return (PlaceholderValue::Failed(e.to_string()), None),
    };
    let span = Span::default();
    let value = match kind {
        "text" | "openapi" | "asyncapi" => PlaceholderValue::Resolved(Node {
            value: Value::String(text),
            span,
        }),
        "json" => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(j) => PlaceholderValue::Resolved(json_to_node(&j)),
            Err(e) => PlaceholderValue::Failed(format!("invalid JSON: {e}")),
        },
        _ => {
            let stream = parse_stream(&text, limits);
            match (stream.fatal, stream.documents.as_slice()) {
                (Some(e), _) => PlaceholderValue::Failed(e.message),
                (None, [doc]) => match (&doc.error, &doc.root) {
                    (Some(e), _) => {
                        PlaceholderValue::Failed(format!("invalid YAML: {}", e.message))
                    }
                    (None, Some(root)) => PlaceholderValue::Resolved(root.clone()),
                    (None, None) => PlaceholderValue::Failed("empty YAML".into()),
                },
                (None, _) => PlaceholderValue::Failed("expected exactly one YAML document".into()),
            }
        }
    };
    (value, None)
}

pub(super) fn json_to_node(j: &serde_json::Value) -> Node {
    use serde_json::Value as J;
    let value = match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
        J::String(s) => Value::String(s.clone()),
        J::Array(a) => Value::Seq(a.iter().map(json_to_node).collect()),
        J::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| crate::yaml::Entry {
                    key: k.as_str().into(),
                    key_span: Span::default(),
                    value: json_to_node(v),
                })
                .collect(),
        ),
    };
    Node {
        value,
        span: Span::default(),
    }
}
