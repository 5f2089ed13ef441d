//! `$text`, `$json` and `$yaml` placeholders, substituted as the backend's
//! `PlaceholderProcessor` does.

use super::{PlaceholderValue, Problem, ValidateOptions};
use crate::catalog::schema::escape_pointer;
use crate::rules::RuleId;
use crate::yaml::{Node, Value};

pub(super) fn has_placeholder_keys(node: &Node) -> bool {
    match &node.value {
        Value::Seq(items) => items.iter().any(has_placeholder_keys),
        Value::Map(entries) => entries
            .iter()
            .any(|e| e.key.starts_with('$') || has_placeholder_keys(&e.value)),
        _ => false,
    }
}

/// The PlaceholderProcessor's walk: a mapping whose only key is `$text`, `$json` or `$yaml`
/// is replaced by what it points at.
pub(super) fn substitute_placeholders(
    node: &mut Node,
    options: &ValidateOptions<'_>,
    pointer: &mut String,
    problems: &mut Vec<Problem>,
) {
    match &mut node.value {
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                substitute_placeholders(item, options, pointer, problems);
                pointer.truncate(len);
            }
        }
        Value::Map(entries) => {
            if !entries.iter().any(|e| e.key.starts_with('$')) {
                for e in entries.iter_mut() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_pointer(&e.key));
                    substitute_placeholders(&mut e.value, options, pointer, problems);
                    pointer.truncate(len);
                }
                return;
            }
            if entries.len() != 1 {
                return;
            }
            let resolver = entries[0].key[1..].to_string();
            if !matches!(resolver.as_str(), "text" | "json" | "yaml") {
                return;
            }
            let Some(target) = entries[0].value.as_str().map(str::to_string) else {
                problems.push(Problem {
                    rule: RuleId::SchemaPlaceholder,
                    message: format!(
                        "placeholder ${resolver} expected a string value parameter, in the form of an absolute URL or a relative path, found {}",
                        entries[0].value.type_name()
                    ),
                    pointer: format!("{pointer}/${resolver}"),
                    at_key: false,
                });
                return;
            };
            let value = match options.placeholders {
                Some(resolve) => resolve(&resolver, &target),
                None => PlaceholderValue::Stub,
            };
            let span = node.span;
            match value {
                PlaceholderValue::Resolved(mut resolved) => {
                    relocate(&mut resolved, span);
                    *node = resolved;
                }
                PlaceholderValue::Stub => {
                    node.value = if resolver == "text" {
                        Value::String(format!("<${resolver} {target}>"))
                    } else {
                        Value::Map(Vec::new())
                    };
                }
                PlaceholderValue::Failed(reason) => problems.push(Problem {
                    rule: RuleId::PlaceholderUnreadable,
                    message: format!("placeholder ${resolver} could not read {target}: {reason}"),
                    pointer: format!("{pointer}/${resolver}"),
                    at_key: false,
                }),
            }
        }
        _ => {}
    }
}

/// Gives substituted content the placeholder's position, since it comes from another file.
fn relocate(node: &mut Node, span: crate::yaml::Span) {
    node.span = span;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| relocate(n, span)),
        Value::Map(entries) => entries.iter_mut().for_each(|e| {
            e.key_span = span;
            relocate(&mut e.value, span);
        }),
        _ => {}
    }
}
