//! `$text`, `$json` and `$yaml` placeholders, substituted as the backend's
//! `PlaceholderProcessor` does; `$openapi` and `$asyncapi` too when the OpenAPI module's
//! resolvers are switched on.

use super::{PlaceholderValue, Problem, ValidateOptions};
use crate::catalog::schema::escape_pointer;
use crate::rules::RuleId;
use crate::yaml::{Node, Value};

/// The resolvers of the OpenAPI module (`@backstage/plugin-catalog-backend-module-openapi`).
const OPENAPI_RESOLVERS: [&str; 2] = ["openapi", "asyncapi"];

pub(super) fn has_placeholder_keys(node: &Node) -> bool {
    match &node.value {
        Value::Seq(items) => items.iter().any(has_placeholder_keys),
        Value::Map(entries) => entries
            .iter()
            .any(|e| e.key.starts_with('$') || has_placeholder_keys(&e.value)),
        _ => false,
    }
}

/// The PlaceholderProcessor's walk over one document.
pub(super) struct Substitution<'a, 'o> {
    pub(super) options: &'a ValidateOptions<'o>,
    /// JSON pointer of the node being walked.
    pub(super) pointer: String,
    pub(super) problems: &'a mut Vec<Problem>,
    /// Pointers of the fields filled by placeholders that were not read.
    pub(super) unread: &'a mut Vec<String>,
}

impl Substitution<'_, '_> {
    /// Replaces each mapping whose only key is a known resolver (`$text`, `$json`, `$yaml`,
    /// and `$openapi`/`$asyncapi` when switched on) by what it points at.
    pub(super) fn substitute(&mut self, node: &mut Node) {
        match &mut node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let len = self.pointer.len();
                    self.pointer.push_str(&format!("/{i}"));
                    self.substitute(item);
                    self.pointer.truncate(len);
                }
            }
            Value::Map(entries) => {
                if !entries.iter().any(|e| e.key.starts_with('$')) {
                    for e in entries.iter_mut() {
                        let len = self.pointer.len();
                        self.pointer.push('/');
                        self.pointer.push_str(&escape_pointer(&e.key));
                        self.substitute(&mut e.value);
                        self.pointer.truncate(len);
                    }
                    return;
                }
                if entries.len() != 1 {
                    return;
                }
                let resolver = entries[0].key[1..].to_string();
                let openapi = OPENAPI_RESOLVERS.contains(&resolver.as_str());
                if !(matches!(resolver.as_str(), "text" | "json" | "yaml")
                    || (openapi && self.options.openapi_placeholders))
                {
                    return;
                }
                let Some(target) = entries[0].value.as_str().map(str::to_string) else {
                    self.problems.push(Problem {
                        rule: RuleId::SchemaPlaceholder,
                        message: format!(
                            "placeholder ${resolver} expected a string value parameter, in the form of an absolute URL or a relative path, found {}",
                            entries[0].value.type_name()
                        ),
                        pointer: format!("{}/${resolver}", self.pointer),
                        at_key: false,
                    });
                    return;
                };
                let value = match self.options.placeholders {
                    Some(resolve) => resolve(&resolver, &target),
                    None => PlaceholderValue::Stub,
                };
                // The OpenAPI module's resolvers give the (bundled) document as text.
                let text = openapi || resolver == "text";
                self.apply(node, value, &resolver, &target, text);
            }
            _ => {}
        }
    }

    /// Puts a placeholder's value in place of its mapping.
    fn apply(
        &mut self,
        node: &mut Node,
        value: PlaceholderValue,
        resolver: &str,
        target: &str,
        text: bool,
    ) {
        let span = node.span;
        match value {
            PlaceholderValue::Resolved(mut resolved) => {
                relocate(&mut resolved, span);
                *node = resolved;
            }
            PlaceholderValue::Stub | PlaceholderValue::Unread => {
                if value == PlaceholderValue::Unread {
                    self.unread.push(self.pointer.clone());
                }
                node.value = if text {
                    Value::String(format!("<${resolver} {target}>"))
                } else {
                    Value::Map(Vec::new())
                };
            }
            PlaceholderValue::Failed(reason) => self.problems.push(Problem {
                rule: RuleId::PlaceholderUnreadable,
                message: format!("placeholder ${resolver} could not read {target}: {reason}"),
                pointer: format!("{}/${resolver}", self.pointer),
                at_key: false,
            }),
        }
    }
}

/// True when `pointer` is one of `fields` or lies below one.
pub(super) fn is_under_any(pointer: &str, fields: &[String]) -> bool {
    fields.iter().any(|f| {
        pointer
            .strip_prefix(f.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The problems left once those in fields of unread placeholders are dropped; `Ok` when none.
pub(super) fn unvalidated(
    mut problems: Vec<Problem>,
    unread: &[String],
) -> Result<(), Vec<Problem>> {
    problems.retain(|p| !is_under_any(&p.pointer, unread));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Adds to each problem about a `$openapi`/`$asyncapi` mapping (left as written, since the
/// OpenAPI module's resolvers are off) where those come from and how to switch them on.
pub(super) fn openapi_hints(
    mut problems: Vec<Problem>,
    root: &Node,
    options: &ValidateOptions<'_>,
) -> Vec<Problem> {
    if options.openapi_placeholders {
        return problems;
    }
    for p in &mut problems {
        let resolver = root.pointer(&p.pointer).and_then(|n| match n.as_map() {
            Some([only]) => only
                .key
                .strip_prefix('$')
                .filter(|r| OPENAPI_RESOLVERS.contains(r)),
            _ => None,
        });
        if let Some(resolver) = resolver {
            p.message.push_str(&format!(
                "; `${resolver}` is a placeholder of @backstage/plugin-catalog-backend-module-openapi: if your backend installs that module, set `lint: {{openapi-placeholders: true}}` in yardstick.yaml"
            ));
        }
    }
    problems
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
