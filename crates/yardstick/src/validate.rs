//! Entity validation, step for step as the Backstage catalog backend ingests a document:
//! envelope, placeholders, entity policies, kind schema, relation references.

use crate::entity_ref::{EntityRef, DEFAULT_NAMESPACE};
use crate::schema::{self, escape_pointer, SchemaError};
use crate::yaml::{Node, Value};

/// A reason Backstage would reject a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Stable rule id.
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// JSON pointer of the offending field (or of its parent, for a missing field).
    pub pointer: String,
    /// The key is at fault (an unknown field, a bad label key), not the value.
    pub at_key: bool,
}

/// A relation an entity declares in its spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The spec field, e.g. `owner` or `dependsOn`.
    pub field: &'static str,
    /// JSON pointer of the value.
    pub pointer: String,
    /// The referenced entity.
    pub target: EntityRef,
}

/// An entity that passed validation (or at least its envelope).
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// `apiVersion`.
    pub api_version: String,
    /// The entity's own reference.
    pub reference: EntityRef,
    /// The document after placeholder substitution.
    pub root: Node,
    /// Relations from spec fields, parsed with the field's default kind.
    pub relations: Vec<Relation>,
}

impl Entity {
    /// The kind as written.
    pub fn kind(&self) -> &str {
        &self.reference.kind
    }

    /// A spec field.
    pub fn spec(&self, key: &str) -> Option<&Node> {
        self.root.get("spec")?.get(key)
    }
}

/// The verdict for one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// The entity's reference, once the envelope is valid.
    pub reference: Option<EntityRef>,
    /// The entity, when Backstage would accept it.
    pub entity: Option<Entity>,
    /// Why Backstage would reject it; empty when accepted.
    pub problems: Vec<Problem>,
}

impl Validation {
    /// True when Backstage would accept the document.
    pub fn accepted(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What a placeholder (`$text`, `$json`, `$yaml`) turns into.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceholderValue {
    /// The resolved content.
    Resolved(Node),
    /// Not resolved (a URL, or stub mode): a string for `$text`, an empty object otherwise.
    Stub,
    /// The target cannot be read or parsed; Backstage would reject the entity.
    Failed(String),
}

/// Resolves placeholders: `(resolver, target)` to a value.
pub type PlaceholderResolver<'a> = &'a dyn Fn(&str, &str) -> PlaceholderValue;

/// How to validate.
#[derive(Clone, Copy)]
pub struct ValidateOptions<'a> {
    /// Accept `scaffolder.backstage.io/v1beta3` Templates, as a backend with the scaffolder
    /// plugin does.
    pub templates: bool,
    /// Reads placeholder targets; `None` stubs every placeholder as the oracle does.
    pub placeholders: Option<PlaceholderResolver<'a>>,
}

impl Default for ValidateOptions<'_> {
    fn default() -> Self {
        ValidateOptions {
            templates: true,
            placeholders: None,
        }
    }
}

/// The kinds that the catalog backend's processors recognise.
const KINDS: &[(&str, &[&str])] = &[
    (
        "Component",
        &["backstage.io/v1alpha1", "backstage.io/v1beta1"],
    ),
    ("API", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    (
        "Resource",
        &["backstage.io/v1alpha1", "backstage.io/v1beta1"],
    ),
    ("System", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Domain", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Group", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("User", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    (
        "Location",
        &["backstage.io/v1alpha1", "backstage.io/v1beta1"],
    ),
    ("Template", &["scaffolder.backstage.io/v1beta3"]),
];

/// Relation fields of each kind with their default kind, as the processors parse them.
pub(crate) fn relation_fields(kind: &str) -> &'static [(&'static str, Option<&'static str>)] {
    match kind {
        "Component" => &[
            ("owner", Some("Group")),
            ("subcomponentOf", Some("Component")),
            ("providesApis", Some("API")),
            ("consumesApis", Some("API")),
            ("dependsOn", None),
            ("dependencyOf", None),
            ("system", Some("System")),
        ],
        "API" => &[("owner", Some("Group")), ("system", Some("System"))],
        "Resource" => &[
            ("owner", Some("Group")),
            ("dependsOn", None),
            ("dependencyOf", None),
            ("system", Some("System")),
        ],
        "User" => &[("memberOf", Some("Group"))],
        "Group" => &[
            ("parent", Some("Group")),
            ("children", Some("Group")),
            ("members", Some("User")),
        ],
        "System" => &[("owner", Some("Group")), ("domain", Some("Domain"))],
        "Domain" => &[("owner", Some("Group")), ("subdomainOf", Some("Domain"))],
        "Template" => &[("owner", Some("Group"))],
        _ => &[],
    }
}

/// Validates one document's root the way the Backstage catalog backend does at ingestion.
///
/// ```
/// use yardstick::{parse_stream, validate_entity, Limits, ValidateOptions};
/// let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  tags: [Java]\nspec: {type: service, lifecycle: production, owner: me}\n";
/// let doc = &parse_stream(text, &Limits::default()).documents[0];
/// let v = validate_entity(doc.root.as_ref().unwrap(), &ValidateOptions::default());
/// assert!(!v.accepted());
/// assert_eq!(v.problems[0].rule, "schema/metadata-tags");
/// assert_eq!(v.problems[0].pointer, "/metadata/tags/0");
/// ```
pub fn validate_entity(root: &Node, options: &ValidateOptions<'_>) -> Validation {
    validate_owned(root.clone(), options).0
}

/// [`validate_entity`] on a tree it may keep: the accepted entity's tree is `root` itself
/// unless a placeholder was substituted, so nothing is copied for almost every document.
/// Also gives back the document as written, unless the accepted entity's tree is
/// exactly that (then it is [`Entity::root`]).
pub(crate) fn validate_owned(
    root: Node,
    options: &ValidateOptions<'_>,
) -> (Validation, Option<Node>) {
    let mut out = Validation {
        reference: None,
        entity: None,
        problems: Vec::new(),
    };
    if root.as_map().is_none() {
        out.problems.push(Problem {
            rule: "yaml/not-an-object",
            message: format!(
                "expected a mapping at the document root, found {}",
                root.type_name()
            ),
            pointer: String::new(),
            at_key: false,
        });
        return (out, Some(root));
    }

    // 1. Envelope.
    let errors = schema::validate("EntityEnvelope", &root);
    if !errors.is_empty() {
        out.problems = errors.iter().map(|e| schema_problem(&root, e)).collect();
        return (out, Some(root));
    }
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or_default();
    let name = root
        .pointer("/metadata/name")
        .and_then(Node::as_str)
        .unwrap_or_default();
    let namespace = match root.pointer("/metadata/namespace").and_then(Node::as_str) {
        Some(ns) if !ns.is_empty() => ns,
        _ => DEFAULT_NAMESPACE,
    };
    let reference = EntityRef::new(kind, namespace, name);
    out.reference = Some(reference.clone());
    let (kind, namespace) = (reference.kind.as_str(), reference.namespace.as_str());

    // 2. Placeholders.
    // Substitution only ever touches maps with a `$` key: without one, the tree is kept.
    let source = has_placeholder_keys(&root).then(|| root.clone());
    let mut entity_root = root;
    let mut problems = Vec::new();
    if source.is_some() {
        substitute_placeholders(&mut entity_root, options, &mut String::new(), &mut problems);
    }
    let source = source.filter(|s| *s != entity_root);
    if !problems.is_empty() {
        out.problems = problems;
        return (out, Some(source.unwrap_or(entity_root)));
    }

    // 3. Entity policies: schema, known root fields, field formats.
    let mut problems: Vec<Problem> = schema::validate("Entity", &entity_root)
        .iter()
        .map(|e| schema_problem(&entity_root, e))
        .collect();
    for entry in entity_root.as_map().unwrap_or_default() {
        if !matches!(
            entry.key.as_str(),
            "apiVersion" | "kind" | "metadata" | "spec"
        ) {
            let pointer = format!("/{}", escape_pointer(&entry.key));
            if !problems.iter().any(|p| p.pointer == pointer) {
                problems.push(Problem {
                    rule: "schema/root-fields",
                    message: format!("unknown root field `{}`", entry.key),
                    pointer,
                    at_key: true,
                });
            }
        }
    }
    field_formats(&entity_root, &mut problems);
    if !problems.is_empty() {
        out.problems = dedupe(problems);
        return (out, Some(source.unwrap_or(entity_root)));
    }

    // 4. Kind schema.
    let api_version = entity_root
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or_default();
    let known = KINDS
        .iter()
        .find(|(k, versions)| *k == kind && versions.contains(&api_version))
        .filter(|(k, _)| options.templates || *k != "Template");
    let Some((kind_schema, _)) = known else {
        let hint = KINDS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(kind))
            .map(|(k, versions)| {
                if *k == kind {
                    format!("; {k} takes apiVersion {}", versions.join(" or "))
                } else {
                    format!("; kinds are case-sensitive: did you mean {k}?")
                }
            })
            .unwrap_or_default();
        out.problems.push(Problem {
            rule: "schema/unknown-kind",
            message: format!(
                "no processor recognizes kind `{kind}` with apiVersion `{api_version}`{hint}"
            ),
            pointer: "/kind".into(),
            at_key: false,
        });
        return (out, Some(source.unwrap_or(entity_root)));
    };
    let errors = schema::validate(kind_schema, &entity_root);
    if !errors.is_empty() {
        out.problems = dedupe(
            errors
                .iter()
                .map(|e| schema_problem(&entity_root, e))
                .collect(),
        );
        return (out, Some(source.unwrap_or(entity_root)));
    }

    // 5. Relation references.
    let mut relations = Vec::new();
    for (field, default_kind) in relation_fields(kind) {
        let Some(value) = entity_root.pointer(&format!("/spec/{field}")) else {
            continue;
        };
        // `if (!targets) return;` then `[targets].flat()`.
        if js_falsy(value) {
            continue;
        }
        let items: Vec<(String, &Node)> = match &value.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("/spec/{field}/{i}"), n))
                .collect(),
            _ => vec![(format!("/spec/{field}"), value)],
        };
        for (pointer, item) in items {
            match EntityRef::parse_node(item, *default_kind, namespace) {
                Ok(target) => relations.push(Relation {
                    field,
                    pointer,
                    target,
                }),
                Err(e) => out.problems.push(Problem {
                    rule: "ref/invalid",
                    message: format!("spec.{field}: {e}"),
                    pointer,
                    at_key: false,
                }),
            }
        }
    }
    if !out.problems.is_empty() {
        return (out, Some(source.unwrap_or(entity_root)));
    }
    let api_version = api_version.to_string();
    out.entity = Some(Entity {
        api_version,
        reference,
        root: entity_root,
        relations,
    });
    (out, source)
}

/// Whether any map in the tree has a key starting with `$`, the only maps that
/// [`substitute_placeholders`] changes or reports.
fn has_placeholder_keys(node: &Node) -> bool {
    match &node.value {
        Value::Seq(items) => items.iter().any(has_placeholder_keys),
        Value::Map(entries) => entries
            .iter()
            .any(|e| e.key.starts_with('$') || has_placeholder_keys(&e.value)),
        _ => false,
    }
}

fn js_falsy(node: &Node) -> bool {
    match &node.value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => *n == 0.0 || n.is_nan(),
        _ => false,
    }
}

fn dedupe(mut problems: Vec<Problem>) -> Vec<Problem> {
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert((p.pointer.clone(), p.message.clone())));
    problems
}

/// The PlaceholderProcessor's walk: a mapping whose only key is `$text`, `$json` or `$yaml`
/// is replaced by what it points at.
fn substitute_placeholders(
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
                    rule: "schema/placeholder",
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
                    rule: "placeholder/unreadable",
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

/// The rule a schema error at `pointer` belongs to.
fn rule_for(pointer: &str, keyword: &str) -> &'static str {
    let mut parts = pointer.trim_start_matches('/').split('/');
    match (parts.next().unwrap_or(""), parts.next()) {
        ("apiVersion", _) => "schema/api-version",
        ("kind", _) => "schema/kind",
        ("metadata", Some("name")) => "schema/metadata-name",
        ("metadata", Some("namespace")) => "schema/metadata-namespace",
        ("metadata", Some("labels")) => "schema/metadata-labels",
        ("metadata", Some("annotations")) => "schema/metadata-annotations",
        ("metadata", Some("tags")) => "schema/metadata-tags",
        ("metadata", Some("links")) => "schema/metadata-links",
        ("metadata", _) => "schema/metadata",
        ("spec", _) => "schema/spec",
        ("", None) if keyword == "required" => "schema/envelope",
        ("", None) => "schema/envelope",
        _ => "schema/root-fields",
    }
}

/// `metadata.labels["a/b"]`-style display of a JSON pointer.
pub(crate) fn display_path(pointer: &str) -> String {
    let mut out = String::new();
    for raw in pointer.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else if !token.is_empty()
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        } else {
            out.push_str(&format!("[{}]", serde_json::Value::String(token)));
        }
    }
    if out.is_empty() {
        "the document".into()
    } else {
        out
    }
}

fn schema_problem(root: &Node, e: &SchemaError) -> Problem {
    let field = e.field_pointer();
    let rule = rule_for(&field, e.keyword);
    let message = match e.keyword {
        "required" => format!("missing required field `{}`", display_path(&field)),
        "additionalProperties" => format!("unknown field `{}`", display_path(&field)),
        "type" => {
            let found = root.pointer(&e.pointer);
            let mut m = format!(
                "`{}` {}, found {}",
                display_path(&e.pointer),
                e.message,
                found.map_or("nothing", Node::type_name)
            );
            if let Some(n) = found {
                if matches!(n.value, Value::Number(_) | Value::Bool(_) | Value::Null) {
                    m.push_str(" (YAML 1.2 reads this unquoted value as a non-string; quote it)");
                }
            }
            m
        }
        _ => format!("`{}` {}", display_path(&e.pointer), e.message),
    };
    Problem {
        rule,
        message,
        pointer: field,
        at_key: matches!(e.keyword, "additionalProperties"),
    }
}

// ---- FieldFormatEntityPolicy (makeValidator defaults) ----

fn dns_label(v: &str) -> bool {
    // ^[a-z0-9]+(?:\-+[a-z0-9]+)*$, 1..=63
    let b = v.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&b.len())
        && b.first().copied().is_some_and(alnum)
        && b.last().copied().is_some_and(alnum)
        && b.iter().all(|&c| alnum(c) || c == b'-')
}

fn dns_subdomain(v: &str) -> bool {
    (1..=253).contains(&v.len()) && v.split('.').all(dns_label)
}

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, 1..=63.
pub(crate) fn object_name(v: &str) -> bool {
    let b = v.as_bytes();
    (1..=63).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn prefix_and_or_suffix(v: &str, prefix: fn(&str) -> bool, suffix: fn(&str) -> bool) -> bool {
    let parts: Vec<&str> = v.split('/').collect();
    match parts.as_slice() {
        [s] => suffix(s),
        [p, s] => prefix(p) && suffix(s),
        _ => false,
    }
}

fn api_version(v: &str) -> bool {
    prefix_and_or_suffix(v, dns_subdomain, |s| {
        (1..=63).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_alphanumeric())
    })
}

fn kind_name(v: &str) -> bool {
    let b = v.as_bytes();
    (1..=63).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().all(u8::is_ascii_alphanumeric)
}

fn label_or_annotation_key(v: &str) -> bool {
    prefix_and_or_suffix(v, dns_subdomain, object_name)
}

fn tag(v: &str) -> bool {
    // ^[a-z0-9:+#]+(\-[a-z0-9:+#]+)*$, 1..=63
    let ok =
        |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b':' | b'+' | b'#');
    (1..=63).contains(&v.len())
        && v.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(ok))
}

fn non_empty_trimmed(v: &str) -> bool {
    // JavaScript's trim() strips Unicode white space and line terminators.
    !v.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .is_empty()
}

fn field_formats(root: &Node, problems: &mut Vec<Problem>) {
    const NAME: &str = "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total";
    const DNS: &str =
        "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total";
    const PREFIX: &str = "a valid prefix and/or suffix";
    const TAG: &str = "a string that is sequences of [a-z0-9:+#] separated by [-], at most 63 characters in total";
    let mut check = |rule: &'static str,
                     pointer: String,
                     what: &str,
                     value: Option<&str>,
                     valid: bool,
                     expected: &str| {
        let key_at_fault = what.ends_with(" key");
        if !valid && !problems.iter().any(|p| p.pointer == pointer) {
            let shown = value.map_or_else(String::new, |v| {
                format!(" {}", serde_json::Value::String(v.into()))
            });
            problems.push(Problem {
                rule,
                message: format!("{what}{shown} is not valid: expected {expected}"),
                pointer,
                at_key: key_at_fault,
            });
        }
    };
    // Values of the wrong type were already reported by the schema.
    if let Some(v) = root.get("apiVersion").and_then(Node::as_str) {
        check(
            "schema/api-version",
            "/apiVersion".into(),
            "apiVersion",
            Some(v),
            api_version(v),
            PREFIX,
        );
    }
    if let Some(v) = root.get("kind").and_then(Node::as_str) {
        check(
            "schema/kind",
            "/kind".into(),
            "kind",
            Some(v),
            kind_name(v),
            "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total",
        );
    }
    let Some(meta) = root.get("metadata") else {
        return;
    };
    if let Some(v) = meta.get("name").and_then(Node::as_str) {
        check(
            "schema/metadata-name",
            "/metadata/name".into(),
            "metadata.name",
            Some(v),
            object_name(v),
            NAME,
        );
    }
    if let Some(v) = meta.get("namespace").and_then(Node::as_str) {
        check(
            "schema/metadata-namespace",
            "/metadata/namespace".into(),
            "metadata.namespace",
            Some(v),
            dns_label(v),
            DNS,
        );
    }
    for (field, rule) in [
        ("labels", "schema/metadata-labels"),
        ("annotations", "schema/metadata-annotations"),
    ] {
        for e in meta.get(field).and_then(Node::as_map).unwrap_or_default() {
            let pointer = format!("/metadata/{field}/{}", escape_pointer(&e.key));
            let what = format!("{field} key");
            check(
                rule,
                pointer.clone(),
                &what,
                Some(&e.key),
                label_or_annotation_key(&e.key),
                PREFIX,
            );
            if field == "labels" {
                let v = e.value.as_str();
                let valid = v.is_some_and(|v| v.is_empty() || object_name(v));
                check(rule, pointer, "label value", v, valid, NAME);
            } else {
                check(
                    rule,
                    pointer,
                    "annotation value",
                    None,
                    e.value.as_str().is_some(),
                    "a string",
                );
            }
        }
    }
    for (i, t) in meta
        .get("tags")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let v = t.as_str();
        check(
            "schema/metadata-tags",
            format!("/metadata/tags/{i}"),
            "tag",
            v,
            v.is_some_and(tag),
            TAG,
        );
    }
    for (i, link) in meta
        .get("links")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let url = link.get("url");
        let valid = url
            .and_then(Node::as_str)
            .is_some_and(|u| url::Url::parse(u).is_ok());
        check(
            "schema/metadata-links",
            format!("/metadata/links/{i}/url"),
            "link url",
            url.and_then(Node::as_str),
            valid,
            "a string that is a valid url",
        );
        for key in ["title", "icon"] {
            if let Some(v) = link.get(key) {
                let valid = v.as_str().is_some_and(non_empty_trimmed);
                check(
                    "schema/metadata-links",
                    format!("/metadata/links/{i}/{key}"),
                    &format!("link {key}"),
                    v.as_str(),
                    valid,
                    "a non empty string",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(object_name("a--b__c..d"));
        assert!(!object_name("-leading"));
        assert!(object_name("X"));
        assert!(!object_name(&"e".repeat(64)));
        assert!(tag("k8s:prod") && tag("c++") && tag("c#") && tag("a-b"));
        assert!(!tag("a--b") && !tag("Java") && !tag("-a") && !tag(""));
        assert!(label_or_annotation_key("example.com/cost-center"));
        assert!(!label_or_annotation_key("a/b/c"));
        assert!(!label_or_annotation_key("Example_Corp.com/key"));
        assert!(api_version("backstage.io/v1alpha1") && api_version("v1"));
        assert!(!api_version("backstage.io/v1-alpha"));
        assert!(dns_label("a--b") && !dns_label("a-") && !dns_label("A"));
    }

    #[test]
    fn display_paths() {
        assert_eq!(
            display_path("/metadata/labels/a~1b"),
            "metadata.labels[\"a/b\"]"
        );
        assert_eq!(display_path("/spec/dependsOn/0"), "spec.dependsOn[0]");
    }
}
