//! Placeholders that are not read leave their field unvalidated; a file given alone inside
//! a git work tree reads placeholders across the work tree; `$openapi`/`$asyncapi` follow
//! the `openapi_placeholders` switch.

use std::path::{Path, PathBuf};

use yardstick::{lint_paths, LintOptions, LintReport};

/// A fresh directory under the system's temporary folder (not inside any git work tree).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yardstick-ph-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const TEMPLATE: &str = "apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: new-service
spec:
  type: service
  owner: group:default/platform
  parameters: []
  steps:
    $yaml: ../b/steps.yaml
";

/// `a/template.yaml` with its steps in `b/steps.yaml`.
fn template_repo(name: &str, steps: &str) -> PathBuf {
    let dir = temp_dir(name);
    write(&dir.join("a/template.yaml"), TEMPLATE);
    write(&dir.join("b/steps.yaml"), steps);
    dir
}

fn rules(report: &LintReport) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule).collect()
}

#[test]
fn a_placeholder_outside_the_root_leaves_its_field_unvalidated() {
    let dir = template_repo("outside", "- id: fetch\n  action: fetch:template\n");
    // Alone (the root is the file's folder) and as a folder scanned on its own, as a pull
    // request's changed folder is.
    let folder = LintOptions {
        include: vec!["*.yaml".into()],
        ..LintOptions::default()
    };
    for (path, options) in [
        (dir.join("a/template.yaml"), LintOptions::default()),
        (dir.join("a"), folder),
    ] {
        let report = lint_paths(std::slice::from_ref(&path), &options).unwrap();
        assert_eq!(
            rules(&report),
            ["location/outside-root"],
            "{path:?}: {report:#?}"
        );
        assert!(report.findings[0].message.contains("not validated"));
        assert_eq!(report.catalog.len(), 1, "the Template is accepted");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_given_alone_in_a_git_work_tree_reads_placeholders_across_it() {
    let dir = template_repo("git", "- id: fetch\n  action: fetch:template\n");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let report = lint_paths(&[dir.join("a/template.yaml")], &LintOptions::default()).unwrap();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let entity = &report.catalog.entities[0].entity;
    assert_eq!(
        entity
            .spec("steps")
            .and_then(|s| s.as_seq())
            .map(|items| items.len()),
        Some(1)
    );
    assert_eq!(
        report.files[0].display, "a/template.yaml",
        "shown from the work tree's top"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_read_placeholder_is_still_validated() {
    let dir = template_repo("read", "id: not-a-list\n");
    std::fs::write(dir.join(".git"), "gitdir: /elsewhere\n").unwrap();
    let report = lint_paths(&[dir.join("a/template.yaml")], &LintOptions::default()).unwrap();
    assert_eq!(rules(&report), ["schema/spec"], "{:#?}", report.findings);
    assert!(
        report.findings[0].message.contains("array"),
        "{:#?}",
        report.findings
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_url_placeholder_leaves_its_field_unvalidated_with_a_note() {
    let dir = temp_dir("url");
    let text = TEMPLATE.replace("../b/steps.yaml", "https://example.com/steps.yaml");
    write(&dir.join("template.yaml"), &text);
    let report = lint_paths(
        std::slice::from_ref(&dir),
        &LintOptions {
            include: vec!["*.yaml".into()],
            ..LintOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        rules(&report),
        ["placeholder/not-read"],
        "{:#?}",
        report.findings
    );
    assert_eq!(report.catalog.len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_placeholder_target_is_unreadable_and_nothing_else() {
    let dir = temp_dir("missing");
    write(
        &dir.join("a/template.yaml"),
        &TEMPLATE.replace("../b/", "./"),
    );
    let report = lint_paths(&[dir.join("a/template.yaml")], &LintOptions::default()).unwrap();
    assert_eq!(
        rules(&report),
        ["placeholder/unreadable"],
        "{:#?}",
        report.findings
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

const API: &str = "apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: orders
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $openapi: ./openapi.yaml
";

#[test]
fn openapi_placeholders_follow_the_switch() {
    let dir = temp_dir("openapi");
    write(&dir.join("catalog-info.yaml"), API);
    write(
        &dir.join("openapi.yaml"),
        "openapi: 3.0.0\ninfo: {title: Orders, version: '1'}\npaths: {}\n",
    );
    let off = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
    assert_eq!(rules(&off), ["schema/spec"], "{:#?}", off.findings);
    assert!(
        off.findings[0]
            .message
            .contains("@backstage/plugin-catalog-backend-module-openapi")
            && off.findings[0].message.contains("openapi-placeholders"),
        "{}",
        off.findings[0].message
    );
    let on = LintOptions {
        openapi_placeholders: true,
        ..LintOptions::default()
    };
    let report = lint_paths(std::slice::from_ref(&dir), &on).unwrap();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let definition = report.catalog.entities[0]
        .entity
        .spec("definition")
        .and_then(|d| d.as_str());
    assert!(
        definition.is_some_and(|d| d.starts_with("openapi: 3.0.0")),
        "{definition:?}"
    );
    // `$asyncapi` the same way.
    write(
        &dir.join("catalog-info.yaml"),
        &API.replace("$openapi", "$asyncapi"),
    );
    let report = lint_paths(std::slice::from_ref(&dir), &on).unwrap();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    std::fs::remove_dir_all(&dir).unwrap();
}
