//! What Backstage defines about one entity: entity references, the vendored JSON Schemas
//! of `@backstage/catalog-model`, validation in the backend's order, and owner sources.

mod entity_ref;
mod owners;
mod record;
pub(crate) mod schema;
mod validate;

pub use entity_ref::{EntityRef, RefError, DEFAULT_NAMESPACE};
pub use owners::OwnerDirectory;
pub use record::EntityRecord;
pub(crate) use validate::validate_tree;
pub use validate::{
    validate_entity, Entity, PlaceholderResolver, PlaceholderValue, Problem, Relation,
    ValidateOptions, Validation,
};
