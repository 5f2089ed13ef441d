//! Entity validation, step for step as the Backstage catalog backend ingests a document:
//! envelope, placeholders, entity policies, kind schema, relation references.

mod formats;
mod placeholders;

use formats::field_formats;
use placeholders::{has_placeholder_keys, openapi_hints, unvalidated, Substitution};

use super::entity_ref::{EntityRef, DEFAULT_NAMESPACE};
use super::schema::{self, escape_pointer, SchemaError};
use crate::rules::RuleId;
use crate::yaml::{Node, Value};

/// A reason Backstage would reject a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The rule; `rule.id()` is its stable id.
    pub rule: RuleId,
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
    /// JSON pointer of the value (not copied for a field with one value: see
    /// `field_pointer`).
    pub pointer: std::borrow::Cow<'static, str>,
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
    /// Not resolved (stub mode, as the oracle does): a string for `$text`, an empty object
    /// otherwise, validated like any value.
    Stub,
    /// Not read (a URL, a path outside the scanned root): stubbed as [`Self::Stub`], but the
    /// field it fills is left unvalidated, since Backstage would read a real value there.
    Unread,
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
    /// Treat `$openapi` and `$asyncapi` as placeholders, as a backend with
    /// `@backstage/plugin-catalog-backend-module-openapi` does.
    pub openapi_placeholders: bool,
}

impl Default for ValidateOptions<'_> {
    fn default() -> Self {
        ValidateOptions {
            templates: true,
            placeholders: None,
            openapi_placeholders: false,
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
/// assert_eq!(v.problems[0].rule.id(), "schema/metadata-tags");
/// assert_eq!(v.problems[0].pointer, "/metadata/tags/0");
/// ```
pub fn validate_entity(root: &Node, options: &ValidateOptions<'_>) -> Validation {
    validate_tree(root.clone(), options).0
}

/// [`validate_entity`] on a tree it may keep: the accepted entity's tree is `root` itself
/// unless a placeholder was substituted, so nothing is copied for almost every document.
/// Also gives back the document as written, unless the accepted entity's tree is
/// exactly that (then it is [`Entity::root`]).
pub(crate) fn validate_tree(
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
            rule: RuleId::YamlNotAnObject,
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
    let reference = envelope_reference(&root);
    out.reference = Some(reference.clone());

    // 2. Placeholders.
    // Substitution only ever touches maps with a `$` key: without one, the tree is kept.
    let source = has_placeholder_keys(&root).then(|| root.clone());
    let mut entity_root = root;
    let mut problems = Vec::new();
    let mut unread = Vec::new();
    if source.is_some() {
        let mut walk = Substitution {
            options,
            pointer: String::new(),
            problems: &mut problems,
            unread: &mut unread,
        };
        walk.substitute(&mut entity_root);
    }
    let source = source.filter(|s| *s != entity_root);
    if !problems.is_empty() {
        out.problems = problems;
        return (out, Some(source.unwrap_or(entity_root)));
    }

    // 3. Entity policies; 4. the kind's schema; 5. relation references.
    // A field an unread placeholder fills is not validated: Backstage reads a real value.
    let checked = entity_policies(&entity_root)
        .or_else(|p| unvalidated(p, &unread))
        .and_then(|()| kind_schema(&entity_root, &reference.kind, options))
        .or_else(|p| unvalidated(p, &unread))
        .map_err(|p| openapi_hints(p, &entity_root, options))
        .and_then(|()| relations(&entity_root, &reference, &unread));
    let relations = match checked {
        Ok(relations) => relations,
        Err(problems) => {
            out.problems = problems;
            return (out, Some(source.unwrap_or(entity_root)));
        }
    };
    let api_version = entity_root
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_string();
    out.entity = Some(Entity {
        api_version,
        reference,
        root: entity_root,
        relations,
    });
    (out, source)
}

/// The reference of an entity whose envelope is valid.
fn envelope_reference(root: &Node) -> EntityRef {
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or_default();
    let name = root
        .pointer("/metadata/name")
        .and_then(Node::as_str)
        .unwrap_or_default();
    let namespace = match root.pointer("/metadata/namespace").and_then(Node::as_str) {
        Some(ns) if !ns.is_empty() => ns,
        _ => DEFAULT_NAMESPACE,
    };
    EntityRef::new(kind, namespace, name)
}

/// Backstage's entity policies: the Entity schema, known root fields, field formats.
fn entity_policies(root: &Node) -> Result<(), Vec<Problem>> {
    let mut problems: Vec<Problem> = schema::validate("Entity", root)
        .iter()
        .map(|e| schema_problem(root, e))
        .collect();
    for entry in root.as_map().unwrap_or_default() {
        if !matches!(
            entry.key.as_str(),
            "apiVersion" | "kind" | "metadata" | "spec"
        ) {
            let pointer = format!("/{}", escape_pointer(&entry.key));
            if !problems.iter().any(|p| p.pointer == pointer) {
                problems.push(Problem {
                    rule: RuleId::SchemaRootFields,
                    message: format!("unknown root field `{}`", entry.key),
                    pointer,
                    at_key: true,
                });
            }
        }
    }
    field_formats(root, &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(dedupe(problems))
    }
}

/// The schema of the entity's kind and apiVersion, when a processor knows them.
fn kind_schema(root: &Node, kind: &str, options: &ValidateOptions<'_>) -> Result<(), Vec<Problem>> {
    let api_version = root
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
        return Err(vec![Problem {
            rule: RuleId::SchemaUnknownKind,
            message: format!(
                "no processor recognizes kind `{kind}` with apiVersion `{api_version}`{hint}"
            ),
            pointer: "/kind".into(),
            at_key: false,
        }]);
    };
    let errors = schema::validate(kind_schema, root);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(dedupe(
            errors.iter().map(|e| schema_problem(root, e)).collect(),
        ))
    }
}

/// The pointer of relation field `field` holding one value: borrowed for the fields of
/// [`relation_fields`], which every entity repeats.
fn field_pointer(field: &str) -> std::borrow::Cow<'static, str> {
    const POINTERS: [&str; 13] = [
        "/spec/children",
        "/spec/consumesApis",
        "/spec/dependencyOf",
        "/spec/dependsOn",
        "/spec/domain",
        "/spec/memberOf",
        "/spec/members",
        "/spec/owner",
        "/spec/parent",
        "/spec/providesApis",
        "/spec/subcomponentOf",
        "/spec/subdomainOf",
        "/spec/system",
    ];
    match POINTERS
        .iter()
        .find(|p| p.strip_prefix("/spec/") == Some(field))
    {
        Some(p) => std::borrow::Cow::Borrowed(p),
        None => format!("/spec/{field}").into(),
    }
}

/// The entity's relations, parsed as the backend's relation processor parses them.
fn relations(
    root: &Node,
    reference: &EntityRef,
    unread: &[String],
) -> Result<Vec<Relation>, Vec<Problem>> {
    let mut relations = Vec::new();
    let mut problems = Vec::new();
    for (field, default_kind) in relation_fields(&reference.kind) {
        let Some(value) = root.get("spec").and_then(|spec| spec.get(field)) else {
            continue;
        };
        // `if (!targets) return;` then `[targets].flat()`.
        if js_falsy(value) {
            continue;
        }
        let items: Vec<(std::borrow::Cow<'static, str>, &Node)> = match &value.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("/spec/{field}/{i}").into(), n))
                .collect(),
            _ => vec![(field_pointer(field), value)],
        };
        for (pointer, item) in items {
            if placeholders::is_under_any(&pointer, unread) {
                continue;
            }
            match EntityRef::parse_node(item, *default_kind, &reference.namespace) {
                Ok(target) => relations.push(Relation {
                    field,
                    pointer,
                    target,
                }),
                Err(e) => problems.push(Problem {
                    rule: RuleId::RefInvalid,
                    message: format!("spec.{field}: {e}"),
                    pointer: pointer.into_owned(),
                    at_key: false,
                }),
            }
        }
    }
    if problems.is_empty() {
        Ok(relations)
    } else {
        Err(problems)
    }
}

/// JavaScript's falsiness, as `if (!targets)` tests it.
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

/// The rule a schema error at `pointer` belongs to.
fn rule_for(pointer: &str, keyword: &str) -> RuleId {
    let mut parts = pointer.trim_start_matches('/').split('/');
    match (parts.next().unwrap_or(""), parts.next()) {
        ("apiVersion", _) => RuleId::SchemaApiVersion,
        ("kind", _) => RuleId::SchemaKind,
        ("metadata", Some("name")) => RuleId::SchemaMetadataName,
        ("metadata", Some("namespace")) => RuleId::SchemaMetadataNamespace,
        ("metadata", Some("labels")) => RuleId::SchemaMetadataLabels,
        ("metadata", Some("annotations")) => RuleId::SchemaMetadataAnnotations,
        ("metadata", Some("tags")) => RuleId::SchemaMetadataTags,
        ("metadata", Some("links")) => RuleId::SchemaMetadataLinks,
        ("metadata", _) => RuleId::SchemaMetadata,
        ("spec", _) => RuleId::SchemaSpec,
        ("", None) if keyword == "required" => RuleId::SchemaEnvelope,
        ("", None) => RuleId::SchemaEnvelope,
        _ => RuleId::SchemaRootFields,
    }
}

/// "; did you mean …" when the map of a missing field holds a key within a typo of it.
fn misspelled_key(root: &Node, field: &str) -> String {
    let Some((parent, missing)) = field.rsplit_once('/') else {
        return String::new();
    };
    let keys = root
        .pointer(parent)
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .map(|e| e.key.as_str());
    // The written key is the typo: the missing name is the suggestion.
    keys.filter(|k| crate::util::edit_distance::did_you_mean(k, [missing]).is_some())
        .min()
        .map_or_else(String::new, |k| {
            format!(
                "; `{}` is written: did you mean `{missing}`?",
                display_path(&format!("{parent}/{k}"))
            )
        })
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
        "required" => {
            let mut m = format!("missing required field `{}`", display_path(&field));
            m.push_str(&misspelled_key(root, &field));
            m
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths() {
        assert_eq!(
            display_path("/metadata/labels/a~1b"),
            "metadata.labels[\"a/b\"]"
        );
        assert_eq!(display_path("/spec/dependsOn/0"), "spec.dependsOn[0]");
    }
}
