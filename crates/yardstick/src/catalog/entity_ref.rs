//! Entity references: `[<kind>:][<namespace>/]<name>`, parsed exactly as
//! `parseEntityRef` of `@backstage/catalog-model` parses them.

use std::borrow::Cow;
use std::fmt;

use crate::yaml::{Node, Value};

/// The namespace of an entity that names none.
pub const DEFAULT_NAMESPACE: &str = "default";

/// A reference to an entity. Comparison is case-insensitive, as in Backstage.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EntityRef {
    /// The kind, e.g. `Component` (Backstage's kinds are not copied: see [`EntityRef::new`]).
    pub kind: Cow<'static, str>,
    /// The namespace, e.g. `default` (not copied either).
    pub namespace: Cow<'static, str>,
    /// The name.
    pub name: String,
}

impl PartialEq for EntityRef {
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Eq for EntityRef {}

impl std::hash::Hash for EntityRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.canonical().hash(state);
    }
}

impl PartialOrd for EntityRef {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EntityRef {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.canonical().cmp(&other.canonical())
    }
}

/// Backstage's kinds as written and as Backstage's references write them, and the default
/// namespace: nearly every reference's kind and namespace is one of these, so a reference
/// borrows them instead of allocating (the catalog holds about 3.6 references an entity).
const SHARED_PARTS: [&str; 19] = [
    "API",
    "Component",
    "Domain",
    "Group",
    "Location",
    "Resource",
    "System",
    "Template",
    "User",
    "api",
    "component",
    "default",
    "domain",
    "group",
    "location",
    "resource",
    "system",
    "template",
    "user",
];

/// `part` borrowed from [`SHARED_PARTS`] when it is one of them, else copied.
fn shared_part(part: &str) -> Cow<'static, str> {
    match SHARED_PARTS.iter().find(|&&p| p == part) {
        Some(p) => Cow::Borrowed(p),
        None => Cow::Owned(part.to_string()),
    }
}

/// Why a reference could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    /// Empty, `null`, `0` or `false`.
    #[error("entity reference must not be empty")]
    Empty,
    /// An empty part, as in `group:` or `/name`.
    #[error("entity reference \"{0}\" was not on the form [<kind>:][<namespace>/]<name>")]
    Malformed(String),
    /// No kind given and the field has no default kind.
    #[error("entity reference {0} had missing or empty kind (e.g. did not start with \"component:\" or similar)")]
    MissingKind(String),
    /// No namespace could be determined.
    #[error("entity reference {0} had missing or empty namespace")]
    MissingNamespace(String),
    /// No name could be determined.
    #[error("entity reference {0} had missing or empty name")]
    MissingName(String),
}

impl EntityRef {
    /// Builds a reference from its parts.
    pub fn new(kind: &str, namespace: &str, name: &str) -> Self {
        EntityRef {
            kind: shared_part(kind),
            namespace: shared_part(namespace),
            name: name.to_string(),
        }
    }

    /// The canonical lower-case form, `kind:namespace/name`, as `to_string` gives it but
    /// built in one allocation: catalog-wide checks and scoring key every entity and
    /// relation by it.
    ///
    /// ```
    /// use yardstick::EntityRef;
    /// let r = EntityRef::new("Group", "Default", "Team-A");
    /// assert_eq!(r.canonical(), "group:default/team-a");
    /// assert_eq!(r.canonical(), r.to_string());
    /// ```
    pub fn canonical(&self) -> String {
        let length = self.kind.len() + self.namespace.len() + self.name.len() + 2;
        let mut out = String::with_capacity(length);
        push_lowercase(&mut out, &self.kind);
        out.push(':');
        push_lowercase(&mut out, &self.namespace);
        out.push('/');
        push_lowercase(&mut out, &self.name);
        out
    }

    /// True when `text` is [`EntityRef::canonical`], compared without building it when
    /// the reference is ASCII.
    pub(crate) fn has_canonical(&self, text: &str) -> bool {
        let parts = [&*self.kind, &*self.namespace, &*self.name];
        if !parts.iter().all(|p| p.is_ascii()) {
            return self.canonical() == text;
        }
        let lowered = (parts.iter().enumerate()).flat_map(|(i, part)| {
            let separator = [None, Some(b':'), Some(b'/')][i];
            separator
                .into_iter()
                .chain(part.bytes().map(|b| b.to_ascii_lowercase()))
        });
        text.len() == self.kind.len() + self.namespace.len() + self.name.len() + 2
            && lowered.eq(text.bytes())
    }

    /// Parses a string reference, filling in the field's default kind and the entity's
    /// namespace as Backstage does.
    ///
    /// ```
    /// use yardstick::EntityRef;
    /// let r = EntityRef::parse("team-a", Some("Group"), "default").unwrap();
    /// assert_eq!(r.to_string(), "group:default/team-a");
    /// assert!(EntityRef::parse("payments-db", None, "default").is_err());
    /// ```
    pub fn parse(
        text: &str,
        default_kind: Option<&str>,
        default_namespace: &str,
    ) -> Result<Self, RefError> {
        if text.is_empty() {
            return Err(RefError::Empty);
        }
        let (kind, namespace, name) = split_ref(text)?;
        let kind = kind.or(default_kind).unwrap_or("");
        let namespace = namespace.unwrap_or(default_namespace);
        let quoted = || serde_json::Value::String(text.to_string()).to_string();
        if kind.is_empty() {
            return Err(RefError::MissingKind(quoted()));
        }
        if namespace.is_empty() {
            return Err(RefError::MissingNamespace(quoted()));
        }
        Ok(EntityRef::new(kind, namespace, name))
    }

    /// Parses a reference written as any YAML value, with JavaScript's semantics for
    /// non-strings (an object with `kind`/`namespace`/`name`, falsy values rejected).
    pub fn parse_node(
        node: &Node,
        default_kind: Option<&str>,
        default_namespace: &str,
    ) -> Result<Self, RefError> {
        match &node.value {
            Value::String(s) => Self::parse(s, default_kind, default_namespace),
            Value::Null | Value::Bool(false) => Err(RefError::Empty),
            Value::Number(n) if *n == 0.0 || n.is_nan() => Err(RefError::Empty),
            _ => {
                let textual = node.to_json().to_string();
                // Property reads on non-objects yield undefined.
                let prop = |key: &str| node.get(key).filter(|v| !matches!(v.value, Value::Null));
                let kind = match prop("kind") {
                    Some(k) => js_truthy_string(k),
                    None => default_kind.map(str::to_string),
                };
                let namespace = match prop("namespace") {
                    Some(n) => js_truthy_string(n),
                    None => Some(default_namespace.to_string()).filter(|s| !s.is_empty()),
                };
                let name = prop("name").and_then(js_truthy_string);
                match (kind, namespace, name) {
                    (None, _, _) => Err(RefError::MissingKind(textual)),
                    (_, None, _) => Err(RefError::MissingNamespace(textual)),
                    (_, _, None) => Err(RefError::MissingName(textual)),
                    (Some(k), Some(ns), Some(n)) => Ok(EntityRef::new(&k, &ns, &n)),
                }
            }
        }
    }

    /// The kind in lower case, for comparisons.
    pub fn kind_lower(&self) -> String {
        self.kind.to_lowercase()
    }
}

/// `String(value)` of a JavaScript-truthy value, `None` for falsy ones.
fn js_truthy_string(node: &Node) -> Option<String> {
    match &node.value {
        Value::Null | Value::Bool(false) => None,
        Value::String(s) if s.is_empty() => None,
        Value::Number(n) if *n == 0.0 || n.is_nan() => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(crate::yaml::js_number_to_string(*n)),
        Value::Bool(true) => Some("true".into()),
        _ => Some(node.to_json().to_string()),
    }
}

/// Splits `[<kind>:][<namespace>/]<name>` as `parseRefString` does.
fn split_ref(text: &str) -> Result<(Option<&str>, Option<&str>, &str), RefError> {
    let mut colon = text.find(':');
    let slash = text.find('/');
    if let (Some(s), Some(c)) = (slash, colon) {
        if s < c {
            colon = None;
        }
    }
    let kind = colon.map(|c| &text[..c]);
    let namespace = slash.map(|s| &text[colon.map_or(0, |c| c + 1)..s]);
    let name_start = colon.map_or(0, |c| c + 1).max(slash.map_or(0, |s| s + 1));
    let name = &text[name_start..];
    if kind == Some("") || namespace == Some("") || name.is_empty() {
        return Err(RefError::Malformed(text.to_string()));
    }
    Ok((kind, namespace, name))
}

impl fmt::Display for EntityRef {
    /// The canonical lower-case form, `kind:namespace/name` (see [`EntityRef::canonical`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

/// Appends `text.to_lowercase()`, lower-casing in place when `text` is ASCII (references
/// nearly always are).
fn push_lowercase(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&text.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_canonical_agrees_with_canonical() {
        let refs = [
            EntityRef::new("Component", "Default", "Svc-A"),
            EntityRef::new("Group", "ÄRGER", "STRASSE-Σ"),
            EntityRef::new("API", "x", "İ"),
        ];
        for r in &refs {
            for other in &refs {
                assert_eq!(r.has_canonical(&other.canonical()), r == other);
            }
            assert!(!r.has_canonical(&r.to_string().to_uppercase()));
            assert!(!r.has_canonical(&format!("{}x", r.canonical())));
        }
    }

    #[test]
    fn displays_lower_cased_as_to_lowercase_does() {
        let long = "Service-".repeat(20);
        for (kind, namespace, name) in [
            ("Component", "Default", long.as_str()),
            ("Group", "ÄRGER", "STRASSE-Σ"),
            ("API", "x", "İ"),
        ] {
            let r = EntityRef {
                kind: kind.into(),
                namespace: namespace.into(),
                name: name.into(),
            };
            let expected = format!("{kind}:{namespace}/{name}").to_lowercase();
            assert_eq!(r.to_string(), expected);
        }
    }

    #[test]
    fn parses_like_backstage() {
        let ok = |t: &str, k: Option<&str>| EntityRef::parse(t, k, "ns1").map(|r| r.to_string());
        assert_eq!(ok("a", Some("Group")).unwrap(), "group:ns1/a");
        assert_eq!(ok("user:b", Some("Group")).unwrap(), "user:ns1/b");
        assert_eq!(ok("x/b", Some("Group")).unwrap(), "group:x/b");
        assert_eq!(ok("k:x/b", None).unwrap(), "k:x/b");
        // A slash before the first colon means there is no kind.
        assert_eq!(ok("x/b:c", Some("Group")).unwrap(), "group:x/b:c");
        assert_eq!(ok("a:b:c", None).unwrap(), "a:ns1/b:c");
        assert_eq!(ok("k:x/b/c", None).unwrap(), "k:x/b/c");
        assert!(matches!(ok("group:", None), Err(RefError::Malformed(_))));
        assert!(matches!(ok(":a", None), Err(RefError::Malformed(_))));
        assert!(matches!(ok("ns/", None), Err(RefError::Malformed(_))));
        assert!(matches!(ok("a", None), Err(RefError::MissingKind(_))));
        assert!(matches!(ok("", Some("Group")), Err(RefError::Empty)));
    }
}
