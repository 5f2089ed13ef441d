//! Location batches are ingested all or nothing, as the catalog backend ingests them: a YAML
//! or envelope failure, or a missing target, keeps every document of the location out of the
//! catalog, and a Location that is not ingested leaves its targets unread.

use std::path::{Path, PathBuf};

use yardstick::{lint_paths, Finding, LintOptions, LintReport};

const COMPONENT: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: NAME\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";

fn component(name: &str) -> String {
    COMPONENT.replace("NAME", name)
}

fn location(name: &str, targets: &[&str]) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: {name}\nspec:\n  targets: [{}]\n",
        targets.join(", ")
    )
}

/// A fresh folder holding `files` (relative path, text).
fn tree(name: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yardstick-batches-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn lint(dir: &Path) -> LintReport {
    let report = lint_paths(
        &[dir.to_path_buf()],
        &LintOptions {
            display_base: Some(dir.to_path_buf()),
            ..Default::default()
        },
    )
    .unwrap();
    let _ = std::fs::remove_dir_all(dir);
    report
}

fn findings<'a>(report: &'a LintReport, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn an_invalid_envelope_keeps_the_whole_file_out() {
    let text = format!(
        "apiVersion: backstage.io/v1alpha1\nmetadata:\n  name: no-kind\n---\n{}",
        component("sibling")
    );
    let report = lint(&tree("envelope", &[("catalog-info.yaml", text)]));
    assert!(report.catalog.is_empty(), "{:?}", report.catalog.entities);
    let failed = findings(&report, "location/batch-failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].document, Some(1));
    assert_eq!(
        failed[0].entity.as_deref(),
        Some("component:default/sibling")
    );
    assert_eq!(failed[0].span.map(|s| s.line), Some(5));
    assert!(
        failed[0]
            .message
            .contains("document 0 of catalog-info.yaml failed at the envelope stage"),
        "{}",
        failed[0].message
    );
}

#[test]
fn a_policy_failure_stays_with_its_entity() {
    let text = format!(
        "{}---\n{}",
        component("tagged").replace("metadata:\n", "metadata:\n  tags: [Java]\n"),
        component("fine")
    );
    let report = lint(&tree("policy", &[("catalog-info.yaml", text)]));
    assert!(findings(&report, "location/batch-failed").is_empty());
    assert!(report.catalog.get("component:default/fine").is_some());
    assert!(report.catalog.get("component:default/tagged").is_none());
}

#[test]
fn a_location_batch_spans_its_targets_and_blocks_nested_locations() {
    let bad = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: [x]\n".to_string();
    let report = lint(&tree(
        "spans",
        &[
            (
                "catalog-info.yaml",
                location("root", &["./a.yaml", "./b.yaml"]),
            ),
            ("a.yaml", bad),
            (
                "b.yaml",
                format!(
                    "{}---\n{}",
                    component("b"),
                    location("nested", &["./c.yaml"])
                ),
            ),
            ("c.yaml", component("c")),
        ],
    ));
    let names: Vec<_> = report
        .catalog
        .entities
        .iter()
        .map(|e| e.entity.reference.to_string())
        .collect();
    // Not even `root`: the processing that reads its targets fails, so it is not stored.
    assert!(names.is_empty(), "{names:?}");
    let targets = findings(&report, "location/targets-failed");
    assert_eq!(targets.len(), 1);
    assert_eq!(
        (targets[0].file.as_str(), targets[0].document),
        ("catalog-info.yaml", Some(0))
    );
    assert!(
        targets[0]
            .message
            .contains("document 0 of a.yaml, which its targets read, failed at the envelope stage"),
        "{}",
        targets[0].message
    );
    let failed = findings(&report, "location/batch-failed");
    let failed: Vec<_> = failed
        .iter()
        .map(|f| (f.file.as_str(), f.document))
        .collect();
    assert_eq!(failed, [("b.yaml", Some(0)), ("b.yaml", Some(1))]);
    let not_read = findings(&report, "location/not-read");
    assert_eq!(not_read.len(), 1);
    assert_eq!(not_read[0].file, "c.yaml");
    assert!(
        not_read[0]
            .message
            .contains("location:default/nested in b.yaml"),
        "{}",
        not_read[0].message
    );
}

#[test]
fn a_missing_target_fails_the_location_batch() {
    let report = lint(&tree(
        "missing",
        &[
            (
                "catalog-info.yaml",
                location("root", &["./gone.yaml", "./here.yaml"]),
            ),
            ("here.yaml", component("here")),
        ],
    ));
    assert_eq!(findings(&report, "location/target-missing").len(), 1);
    let failed = findings(&report, "location/batch-failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].file, "here.yaml");
    assert!(
        failed[0].message.contains("at the read stage"),
        "{}",
        failed[0].message
    );
    assert!(report.catalog.get("component:default/here").is_none());
    // Its targets were read (here.yaml), so the Location is told why it is not stored either.
    assert_eq!(findings(&report, "location/targets-failed").len(), 1);
    assert!(report.catalog.get("location:default/root").is_none());
}

#[test]
fn a_location_with_nothing_to_read_is_not_stored() {
    let report = lint(&tree(
        "nothing",
        &[("catalog-info.yaml", location("root", &["./gone.yaml"]))],
    ));
    // The missing target's error says it all; Backstage's verdict is the Location's own.
    assert_eq!(findings(&report, "location/target-missing").len(), 1);
    assert!(findings(&report, "location/targets-failed").is_empty());
    assert!(report.catalog.entities.is_empty());
}

#[test]
fn an_optional_absent_target_keeps_the_location() {
    let text =
        location("root", &["./gone.yaml"]).replace("spec:\n", "spec:\n  presence: optional\n");
    assert!(text.contains("presence: optional"), "{text}");
    let report = lint(&tree("optional-absent", &[("catalog-info.yaml", text)]));
    assert!(report.catalog.get("location:default/root").is_some());
}

#[test]
fn an_optional_missing_target_fails_nothing() {
    let text = location("root", &["./gone.yaml", "./here.yaml"])
        .replace("spec:\n", "spec:\n  presence: optional\n");
    let report = lint(&tree(
        "optional",
        &[
            ("catalog-info.yaml", text),
            ("here.yaml", component("here")),
        ],
    ));
    assert!(findings(&report, "location/batch-failed").is_empty());
    assert!(report.catalog.get("component:default/here").is_some());
}

#[test]
fn a_discovered_file_that_a_location_also_targets_is_read_once() {
    // `a` sorts first: its Location's target, `b`, was read as a discovered file in the
    // same round, before the target is followed.
    let report = lint(&tree(
        "read-once",
        &[
            (
                "a/catalog-info.yaml",
                location("root", &["../b/catalog-info.yaml"]),
            ),
            ("b/catalog-info.yaml", component("b")),
        ],
    ));
    let names: Vec<_> = (report.catalog.entities.iter())
        .map(|e| e.entity.reference.to_string())
        .collect();
    assert_eq!(names, ["location:default/root", "component:default/b"]);
    let files: Vec<_> = report.files.iter().map(|f| f.display.as_str()).collect();
    assert_eq!(files, ["a/catalog-info.yaml", "b/catalog-info.yaml"]);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}
