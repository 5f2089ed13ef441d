//! `has_owner.rego`: `spec.owner` given, a valid entity reference, and (when the catalog
//! holds Groups or Users) one of them.

use regorus::Value;

use super::view::{Shape, View};
use super::{at, lookup, verdict, Path};
use crate::catalog::EntityRef;
use crate::score::model::CheckStatus;
use crate::score::vm::Verdict;

const POINTER: &str = "/spec/owner";

/// The check's verdict on `entity` with the catalog's `data`; `None` outside the plain cases
/// (an owner that is not a string, or a reference or kind with non-ASCII text).
pub(super) fn has_owner<'v>(entity: impl View<'v>, data: &Value) -> Option<Option<Verdict>> {
    static OWNER: Path = Path::new(&["spec", "owner"]);
    let owner = match at(entity, &OWNER).shape() {
        // `_owner_given` fails: undefined, null, or blank.
        Shape::Undefined | Shape::Null => None,
        Shape::Str(s) if s.trim().is_empty() => None,
        Shape::Str(s) => Some(s),
        // `%v` of another value is its Rego text: left to Rego.
        _ => return None,
    };
    let Some(owner) = owner else {
        return Some(Some(fail("spec.owner is missing".into())));
    };
    let Some(reference) = owner_ref(owner, namespace(entity))? else {
        return Some(Some(fail(format!(
            "spec.owner {owner} is not a valid entity reference ([<kind>:][<namespace>/]<name>)"
        ))));
    };
    static HAS_OWNERS: Path = Path::new(&["yardstick", "catalog", "has_owners"]);
    if at(data, &HAS_OWNERS).shape() == Shape::Bool(true) && !resolves(data, &reference)? {
        return Some(Some(fail(format!(
            "owner {reference} is not a Group or User in the catalog"
        ))));
    }
    let message = format!("owned by {reference}");
    Some(Some(verdict(CheckStatus::Pass, message, POINTER)))
}

fn fail(message: String) -> Verdict {
    verdict(CheckStatus::Fail, message, POINTER)
}

/// `_namespace`: `metadata.namespace` when it is a non-empty string, else `default`.
fn namespace<'v>(entity: impl View<'v>) -> &'v str {
    static NAMESPACE: Path = Path::new(&["metadata", "namespace"]);
    match at(entity, &NAMESPACE).shape() {
        Shape::Str(ns) if !ns.is_empty() => ns,
        _ => "default",
    }
}

/// `_owner_ref`: the lower-case `kind:namespace/name` of `owner` as `_parse_ref` reads it
/// (`[<kind>:][<namespace>/]<name>`, a `:` after the first `/` part of the name), kind
/// `Group` and namespace `namespace` by default. `Some(None)` when a part is empty; `None`
/// for non-ASCII text, where Rego's character offsets and Go's lower-casing decide.
fn owner_ref(owner: &str, namespace: &str) -> Option<Option<String>> {
    if !owner.is_ascii() || !namespace.is_ascii() {
        return None;
    }
    // The lint's parser splits as `_parse_ref` does and refuses the same empty parts.
    let parsed = EntityRef::parse(owner, Some("Group"), namespace);
    Some(parsed.ok().map(|reference| reference.canonical()))
}

/// `_resolves`: `data.yardstick.catalog.entities[reference]` is a Group or User; `None` for
/// a kind with non-ASCII text.
fn resolves(data: &Value, reference: &str) -> Option<bool> {
    static ENTITIES: Path = Path::new(&["yardstick", "catalog", "entities"]);
    let entity = lookup(at(data, &ENTITIES), &[Value::from(reference)]);
    static KIND: Path = Path::new(&["kind"]);
    match at(entity, &KIND).shape() {
        Shape::Str(kind) if !kind.is_ascii() => None,
        Shape::Str(kind) => {
            Some(kind.eq_ignore_ascii_case("group") || kind.eq_ignore_ascii_case("user"))
        }
        _ => Some(false),
    }
}

#[cfg(test)]
mod tests {
    use super::owner_ref;

    /// `_parse_ref`'s cases, as `has_owner_test.rego` and Backstage's `parseEntityRef` read
    /// them.
    #[test]
    fn owner_references_parse_as_the_module_parses_them() {
        let cases = [
            ("team-a", Some("group:ns/team-a")),
            ("user:jo", Some("user:ns/jo")),
            ("Group:Default/Team-A", Some("group:default/team-a")),
            ("ns2/x", Some("group:ns2/x")),
            ("ns2/a:b", Some("group:ns2/a:b")),
            ("k:n/a:b/c", Some("k:n/a:b/c")),
            ("group:", None),
            (":x", None),
            ("ns/", None),
            ("/x", None),
            ("group:/x", None),
        ];
        for (owner, want) in cases {
            assert_eq!(
                owner_ref(owner, "ns"),
                Some(want.map(String::from)),
                "{owner}"
            );
        }
        assert_eq!(owner_ref("tëam", "ns"), None);
    }
}
