//! Owner sources besides the scanned catalog: Groups and Users saved from a Backstage
//! instance (`--owners-from`: YAML entities, or the JSON of its catalog API), or read from a
//! GitHub organisation. Owner references resolve against them as against the catalog.

use std::collections::BTreeMap;

use super::entity_ref::{EntityRef, DEFAULT_NAMESPACE};
use crate::yaml::{parse_stream, Limits};

/// The Groups and Users of the owner sources, by lower-cased reference.
///
/// ```
/// use yardstick::OwnerDirectory;
/// let mut owners = OwnerDirectory::default();
/// let json = r#"{"items": [{"apiVersion": "backstage.io/v1alpha1", "kind": "Group",
///     "metadata": {"name": "team-a", "namespace": "default"}, "spec": {}}]}"#;
/// assert_eq!(owners.read("owners.json", json).unwrap(), 1);
/// assert!(owners.contains("group:default/Team-A"));
/// assert!(!owners.contains("user:default/team-a"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct OwnerDirectory {
    refs: BTreeMap<String, EntityRef>,
}

impl OwnerDirectory {
    /// Adds a Group or User.
    pub fn insert(&mut self, reference: EntityRef) {
        self.refs
            .insert(reference.to_string().to_lowercase(), reference);
    }

    /// True when `reference` (stringified, any case) is one of the owners.
    pub fn contains(&self, reference: &str) -> bool {
        self.refs.contains_key(&reference.to_lowercase())
    }

    /// Every owner, sorted by reference.
    pub fn refs(&self) -> impl Iterator<Item = &EntityRef> {
        self.refs.values()
    }

    /// Number of owners.
    pub fn len(&self) -> usize {
        self.refs.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }

    /// Adds the Groups and Users of one source file, named `name` in errors, and gives how
    /// many entities it held; other kinds are skipped. The text is one of:
    /// - the JSON array that Backstage's `GET /api/catalog/entities?filter=kind=group,kind=user`
    ///   returns;
    /// - the `{"items": [...]}` object of `GET /api/catalog/entities/by-query`;
    /// - YAML catalog documents (JSON is YAML too, so a single entity object also reads).
    pub fn read(&mut self, name: &str, text: &str) -> Result<usize, String> {
        let entities = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(items)) => items,
            Ok(serde_json::Value::Object(mut object)) => match object.remove("items") {
                Some(serde_json::Value::Array(items)) => items,
                Some(_) => return Err(format!("{name}: `items` must be an array of entities")),
                None => vec![serde_json::Value::Object(object)],
            },
            Ok(_) => {
                return Err(format!(
                    "{name}: expected an array of entities or {{\"items\": [...]}}"
                ))
            }
            Err(_) => yaml_entities(name, text)?,
        };
        for (index, entity) in entities.iter().enumerate() {
            if let Some(reference) =
                owner_ref(entity).map_err(|e| format!("{name}: entity {index}: {e}"))?
            {
                self.insert(reference);
            }
        }
        Ok(entities.len())
    }
}

/// The documents of a YAML stream, as JSON values.
fn yaml_entities(name: &str, text: &str) -> Result<Vec<serde_json::Value>, String> {
    let stream = parse_stream(text, &Limits::default());
    let at = |e: &crate::yaml::YamlError| {
        format!("{name}:{}:{}: {}", e.span.line, e.span.column, e.message)
    };
    if let Some(fatal) = &stream.fatal {
        return Err(at(fatal));
    }
    let mut out = Vec::new();
    for doc in &stream.documents {
        if let Some(e) = &doc.error {
            return Err(at(e));
        }
        if let Some(root) = &doc.root {
            out.push(root.to_json());
        }
    }
    Ok(out)
}

/// The reference of a Group or User entity; `None` for other kinds.
fn owner_ref(entity: &serde_json::Value) -> Result<Option<EntityRef>, String> {
    let kind = entity
        .get("kind")
        .and_then(serde_json::Value::as_str)
        .ok_or("no string `kind`")?;
    if !kind.eq_ignore_ascii_case("group") && !kind.eq_ignore_ascii_case("user") {
        return Ok(None);
    }
    let metadata = entity.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(serde_json::Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or("no string `metadata.name`")?;
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(serde_json::Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(DEFAULT_NAMESPACE);
    Ok(Some(EntityRef::new(kind, namespace, name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_apis_array_and_yaml_documents_read_alike() {
        let array = r#"[{"kind": "Group", "metadata": {"name": "web"}},
            {"kind": "User", "metadata": {"name": "jdoe", "namespace": "people"}},
            {"kind": "Component", "metadata": {"name": "not-an-owner"}}]"#;
        let yaml = "kind: Group\nmetadata: {name: web}\n---\nkind: User\nmetadata:\n  name: jdoe\n  namespace: people\n";
        for text in [array, yaml] {
            let mut owners = OwnerDirectory::default();
            owners.read("owners", text).unwrap();
            let refs: Vec<String> = owners.refs().map(ToString::to_string).collect();
            assert_eq!(refs, ["group:default/web", "user:people/jdoe"], "{text}");
        }
    }

    #[test]
    fn malformed_sources_are_errors_with_a_position() {
        let mut owners = OwnerDirectory::default();
        let e = owners
            .read("o.yaml", "kind: Group\nmetadata: [\n")
            .unwrap_err();
        assert!(e.starts_with("o.yaml:"), "{e}");
        let e = owners.read("o.json", r#"{"items": 3}"#).unwrap_err();
        assert!(e.contains("items"), "{e}");
        let e = owners
            .read("o.json", r#"[{"kind": "Group", "metadata": {}}]"#)
            .unwrap_err();
        assert_eq!(e, "o.json: entity 0: no string `metadata.name`");
        assert!(owners.read("o.json", "42").is_err());
    }
}
