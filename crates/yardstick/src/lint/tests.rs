//! Path display and source-tree sharing.

use super::discover::slash_path;
use super::*;
use std::path::Path;

#[test]
fn paths_are_shown_with_single_slashes() {
    assert_eq!(
        slash_path(Path::new("services/a/catalog-info.yaml")),
        "services/a/catalog-info.yaml"
    );
    assert_eq!(
        slash_path(Path::new("/srv/catalog/x.yaml")),
        "/srv/catalog/x.yaml"
    );
    assert_eq!(slash_path(Path::new("./a/../b.yaml")), "./a/../b.yaml");
    assert_eq!(slash_path(Path::new("")), "");
}

/// Each entity holds one tree unless a placeholder changed it; spans still come from
/// the document as written.
#[test]
fn source_tree_is_shared_unless_substituted() {
    let dir = std::env::temp_dir().join(format!("yardstick-lint-source-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("about.txt"), "hello").unwrap();
    std::fs::write(
        dir.join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: plain\n\
         spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n---\n\
         apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: substituted\n  \
         description:\n    $text: ./about.txt\n\
         spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
    )
    .unwrap();
    let report = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let plain = report.catalog.get("component:default/plain").unwrap();
    assert!(plain.source.is_none());
    assert!(std::ptr::eq(plain.source(), &plain.entity.root));
    let substituted = report.catalog.get("component:default/substituted").unwrap();
    let source = substituted.source.as_deref().unwrap();
    assert_ne!(*source, substituted.entity.root);
    assert_eq!(
        source
            .pointer("/metadata/description")
            .map(|n| n.type_name()),
        Some("object")
    );
    assert_eq!(
        substituted
            .entity
            .root
            .pointer("/metadata/description")
            .and_then(|n| n.as_str()),
        Some("hello")
    );
}
