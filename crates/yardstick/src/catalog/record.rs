//! [`EntityRecord`]: an accepted entity as the catalog keeps it until the end of a run.

use super::{Entity, EntityRef, Relation};
use crate::yaml::{CompactTree, NodeRef};

/// An accepted entity kept for catalog-wide checks and scoring: its reference, relations
/// and its document (after placeholder substitution) packed into a [`CompactTree`], about
/// half the memory of the [`Entity`] it is built from.
///
/// ```
/// use yardstick::{lint_sources, LintOptions};
/// let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service, lifecycle: production, owner: team-a}\n";
/// let report = lint_sources(&[("inline.yaml", text)], &LintOptions::default());
/// let record = &report.catalog.entities[0].entity;
/// assert_eq!(record.kind(), "Component");
/// assert_eq!(record.spec("owner").and_then(|n| n.as_str()), Some("team-a"));
/// assert_eq!(record.relations[0].target.to_string(), "group:default/team-a");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRecord {
    /// `apiVersion`.
    pub api_version: String,
    /// The entity's own reference.
    pub reference: EntityRef,
    /// The document after placeholder substitution.
    pub root: CompactTree,
    /// Relations from spec fields, parsed with the field's default kind.
    pub relations: Vec<Relation>,
}

impl EntityRecord {
    /// The kind as written.
    pub fn kind(&self) -> &str {
        &self.reference.kind
    }

    /// A spec field.
    pub fn spec(&self, key: &str) -> Option<NodeRef<'_>> {
        self.root.get("spec")?.get(key)
    }
}

impl EntityRecord {
    /// `entity`'s record with `root` in place of its document.
    pub(crate) fn with_root(entity: Entity, root: CompactTree) -> EntityRecord {
        EntityRecord {
            root,
            api_version: entity.api_version,
            reference: entity.reference,
            relations: entity.relations,
        }
    }
}

impl From<Entity> for EntityRecord {
    fn from(entity: Entity) -> Self {
        EntityRecord {
            root: CompactTree::from_node(&entity.root),
            api_version: entity.api_version,
            reference: entity.reference,
            relations: entity.relations,
        }
    }
}
