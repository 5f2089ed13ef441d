//! A check's `input`: the entity, its relations, its facts and what yardstick knows from
//! the file system (`input.local`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::lint::{LintReport, LoadedEntity};
use crate::policy::Reads;
use crate::util::shared_str::{SharedStr, StrCache};
use crate::yaml::Projection;

use super::local_files::FileLookup;

pub(super) fn relation(
    loaded: &LoadedEntity,
    field: &str,
    strings: &mut StrCache,
) -> Option<SharedStr> {
    loaded
        .entity
        .relations
        .iter()
        .find(|r| r.field == field)
        .map(|r| strings.get(&r.target.canonical()))
}

/// What yardstick knows from the file system that a check may need (`input.local`).
pub(super) fn local_facts(
    loaded: &LoadedEntity,
    report: &LintReport,
    files: &FileLookup<'_>,
) -> regorus::Value {
    let Some(file) = report.files.get(loaded.file) else {
        return regorus::Value::new_object();
    };
    // `pointer("/metadata/annotations/backstage.io~1techdocs-ref")`, without parsing it.
    let techdocs = (loaded.entity.root.root())
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("backstage.io/techdocs-ref"))
        .and_then(|n| n.as_str())
        .and_then(|r| r.trim().strip_prefix("dir:"));
    let Some(dir_ref) = techdocs else {
        return regorus::Value::new_object();
    };
    let catalog_dir = file.path.parent().unwrap_or(&file.root);
    let shown_dir = Path::new(&file.display).parent().unwrap_or(Path::new(""));
    let (found, expected) = match crate::util::path::join_lexically(catalog_dir, dir_ref.trim()) {
        Some(dir) if dir.starts_with(&file.root) => {
            // Discovery's answer for the catalog file's own folder, when it met one there.
            let seen = files.on_disk()
                && dir == catalog_dir
                && (report.kept.as_ref()).is_some_and(|k| k.mkdocs.get(loaded.file) == Some(&true));
            let found = seen
                || ["mkdocs.yml", "mkdocs.yaml"]
                    .iter()
                    .any(|n| files.is_file_inside(&dir.join(n), &file.root));
            let shown = crate::util::path::join_lexically(shown_dir, dir_ref.trim())
                .unwrap_or_default()
                .join("mkdocs.yml");
            (found, shown.to_string_lossy().replace('\\', "/"))
        }
        _ => (
            false,
            format!("{} (outside the scanned root; not checked)", dir_ref.trim()),
        ),
    };
    techdocs_value(dir_ref, found, expected)
}

/// `{"techdocs": {"ref", "dir_ref", "mkdocs_found", "expected"}}`, built as a regorus value
/// directly: the value that converting the same JSON gives.
fn techdocs_value(dir_ref: &str, found: bool, expected: String) -> regorus::Value {
    use regorus::Value;
    let techdocs = BTreeMap::from([
        (Value::from("ref"), Value::from(format!("dir:{dir_ref}"))),
        (Value::from("dir_ref"), Value::from(true)),
        (Value::from("mkdocs_found"), Value::from(found)),
        (Value::from("expected"), Value::from(expected)),
    ]);
    Value::from(BTreeMap::from([(
        Value::from("techdocs"),
        Value::from(techdocs),
    )]))
}

/// The parts of one entity's `input`, converted once; `input.params` is per check.
pub(super) struct EntityInput {
    pub(super) entity: regorus::Value,
    pub(super) reference: regorus::Value,
    pub(super) facts: regorus::Value,
    pub(super) local: regorus::Value,
    /// Distinguishes entities, so that the interpreter's input is set once per entity and
    /// params, not once per check.
    pub(super) input_id: u64,
}

impl EntityInput {
    /// `{"entity", "ref", "facts", "params", "local"}`: five `Rc` clones, no deep copy.
    pub(super) fn with_params(&self, params: &regorus::Value) -> regorus::Value {
        let mut map = BTreeMap::new();
        map.insert(regorus::Value::from("entity"), self.entity.clone());
        map.insert(regorus::Value::from("ref"), self.reference.clone());
        map.insert(regorus::Value::from("facts"), self.facts.clone());
        map.insert(regorus::Value::from("params"), params.clone());
        map.insert(regorus::Value::from("local"), self.local.clone());
        regorus::Value::from(map)
    }
}

/// The parts of `input.entity` that a set of checks can read, found statically (see
/// `policy::reads`): the union of `reads` below `input.entity`; `None` when one is
/// unbounded or reads the whole entity. The entity's value is built with these parts only,
/// since no other part can change a result.
pub(super) fn entity_parts<'r>(reads: impl IntoIterator<Item = &'r Reads>) -> Option<Projection> {
    let mut union = Projection::empty();
    for read in reads {
        let Reads::Bounded(paths) = read else {
            return None;
        };
        for path in paths {
            if let Some(("entity", below)) = path.split_first().map(|(r, b)| (r.as_str(), b)) {
                union.add(below);
            }
        }
    }
    (union != Projection::Whole).then_some(union)
}

/// `node` as a regorus value with only the parts `parts` names: what [`node_value`] gives at
/// every path they name.
pub(super) fn projected_value(
    parts: &Projection,
    node: crate::yaml::NodeRef<'_>,
) -> regorus::Value {
    let Projection::Fields(fields) = parts else {
        return node_value(node);
    };
    if node.as_map().is_none() {
        return node_value(node);
    }
    let kept = fields.iter().filter_map(|(field, part)| {
        let child = node.get(field)?;
        Some((
            regorus::Value::from(field.as_str()),
            projected_value(part, child),
        ))
    });
    regorus::Value::from(kept.collect::<BTreeMap<_, _>>())
}

/// A YAML node as a regorus value, the same value `regorus::Value::from(node.to_json())`
/// gives, without building the JSON tree first (that conversion goes through serde and
/// copies every string twice).
pub(super) fn node_value(node: crate::yaml::NodeRef<'_>) -> regorus::Value {
    use crate::yaml::ValueRef as Y;
    match node.value() {
        Y::Null => regorus::Value::Null,
        Y::Bool(b) => regorus::Value::from(b),
        // Numbers are rare in entities: go through JSON so that integers and floats
        // convert exactly as before.
        Y::Number(_) => regorus::Value::from(node.to_json()),
        Y::String(s) => regorus::Value::from(s),
        Y::Seq(items) => regorus::Value::from(items.map(node_value).collect::<Vec<_>>()),
        Y::Map(entries) => regorus::Value::from(
            entries
                .map(|e| (regorus::Value::from(e.key()), node_value(e.value())))
                .collect::<BTreeMap<_, _>>(),
        ),
        Y::Opaque => regorus::Value::new_object(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn techdocs_value_is_the_json_converted() {
        for found in [true, false] {
            let expected = json!({"techdocs": {"ref": "dir:./docs", "dir_ref": true,
                "mkdocs_found": found, "expected": "svc/docs/mkdocs.yml"}});
            assert_eq!(
                super::techdocs_value("./docs", found, "svc/docs/mkdocs.yml".into()),
                regorus::Value::from(expected)
            );
        }
    }
}
