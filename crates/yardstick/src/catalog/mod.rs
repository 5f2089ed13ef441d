//! What Backstage defines about one entity: entity references, the vendored JSON Schemas
//! of `@backstage/catalog-model`, and validation in the backend's order.

mod entity_ref;
mod schema;
mod validate;

pub use entity_ref::{EntityRef, RefError, DEFAULT_NAMESPACE};
pub(crate) use validate::validate_tree;
pub use validate::{
    validate_entity, Entity, PlaceholderResolver, PlaceholderValue, Problem, Relation,
    ValidateOptions, Validation,
};
