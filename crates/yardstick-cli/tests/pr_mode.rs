//! Pull-request mode of `yardstick score`, as the GitHub Action drives it: only the changed
//! files are reported, each entity's score is compared with the base branch's report, the
//! step outputs come from `--format github-output`, and `--no-config` keeps a head
//! `yardstick.yaml` from being read.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{copy_dir, repo, yardstick};
use serde_json::Value;

/// A copy of the demo catalog in a fresh directory, with the base report written beside it.
fn demo_with_baseline(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("yardstick-pr-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let catalog = dir.join("catalog");
    copy_dir(&repo().join("fixtures/demo"), &catalog);
    let base = dir.join("base.json");
    let out = yardstick(
        &[
            "score",
            ".",
            "--facts",
            "facts.json",
            "--format",
            "json",
            "--output",
            base.to_str().expect("utf-8 path"),
        ],
        &catalog,
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    (catalog, base)
}

/// `yardstick score .` in pull-request mode: the files listed in `changed.txt`, compared
/// with the base report.
fn pr_score(catalog: &Path, base: &Path, args: &[&str]) -> Output {
    let base = base.to_str().expect("utf-8 path");
    let mut all = vec![
        "score",
        ".",
        "--changed-files",
        "changed.txt",
        "--baseline",
        base,
    ];
    all.extend_from_slice(args);
    yardstick(&all, catalog)
}

fn outputs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn only_changed_files_are_reported_with_their_score_change() {
    let (catalog, base) = demo_with_baseline("changed");
    // The head removes fleet-manager's techdocs annotation: a high check starts failing.
    let file = catalog.join("repos/fleet-api/catalog-info.yaml");
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains("    backstage.io/techdocs-ref: dir:.\n"));
    std::fs::write(
        &file,
        text.replacen("    backstage.io/techdocs-ref: dir:.\n", "", 1),
    )
    .expect("write");
    let changed = catalog.join("changed.txt");
    std::fs::write(&changed, "./repos/fleet-api/catalog-info.yaml\n\n").expect("write");

    let out = pr_score(
        &catalog,
        &base,
        &["--facts", "facts.json", "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let entities = report["entities"].as_array().expect("entities");
    assert!(!entities.is_empty());
    for e in entities {
        assert_eq!(e["file"], "repos/fleet-api/catalog-info.yaml", "{e}");
    }
    assert_eq!(report["summary"]["entities"], entities.len());
    for f in report["findings"].as_array().expect("findings") {
        assert_eq!(f["file"], "repos/fleet-api/catalog-info.yaml", "{f}");
    }

    let changes = report["comparison"]["entities"]
        .as_array()
        .expect("comparison");
    assert_eq!(changes.len(), entities.len());
    let manager = changes
        .iter()
        .find(|c| c["ref"] == "component:default/fleet-manager")
        .expect("fleet-manager compared");
    assert_eq!(manager["in_baseline"], true);
    let (before, after) = (
        manager["before"].as_f64().expect("before"),
        manager["after"].as_f64().expect("after"),
    );
    assert!(after < before, "{manager}");
    let unchanged = changes
        .iter()
        .find(|c| c["ref"] == "api:default/fleet-api")
        .expect("fleet-api compared");
    assert_eq!(unchanged["before"], unchanged["after"]);

    // The same run as Markdown shows the change; as step outputs, the weakest level.
    let out = pr_score(
        &catalog,
        &base,
        &[
            "--facts",
            "facts.json",
            "--format",
            "github-output",
            "--output",
            "outputs.txt",
            "--format",
            "markdown",
        ],
    );
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.contains("### Score changes against the baseline"));
    let delta = format!("−{:.1}", before - after);
    assert!(
        markdown
            .lines()
            .any(|l| l.starts_with("| component:default/fleet-manager |") && l.contains(&delta)),
        "{markdown}"
    );
    let outputs = outputs(&std::fs::read_to_string(catalog.join("outputs.txt")).expect("outputs"));
    let get = |k: &str| {
        outputs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("output {k} missing: {outputs:?}"))
    };
    let mean = report["summary"]["score"].as_f64().expect("score");
    assert_eq!(get("score"), format!("{mean:.1}"));
    assert_eq!(get("entities"), entities.len().to_string());
    assert_eq!(
        get("passed"),
        report["summary"]["gate"]["passed"].to_string()
    );
    let order = ["gold", "silver", "bronze", "none"];
    let weakest = entities
        .iter()
        .filter_map(|e| e["level"].as_str())
        .max_by_key(|l| order.iter().position(|o| o == l))
        .expect("a level");
    assert_eq!(get("level"), weakest);
    let _ = std::fs::remove_dir_all(catalog.parent().expect("parent"));
}

#[test]
fn an_entity_new_in_the_head_is_marked_new() {
    let (catalog, base) = demo_with_baseline("new");
    std::fs::write(
        catalog.join("new-service.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: brand-new\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/platform\n",
    )
    .expect("write");
    let changed = catalog.join("changed.txt");
    std::fs::write(&changed, "new-service.yaml\n").expect("write");
    let out = pr_score(
        &catalog,
        &base,
        &["--include", "new-service.yaml", "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let changes = report["comparison"]["entities"]
        .as_array()
        .expect("comparison");
    assert_eq!(changes.len(), 1, "{report}");
    assert_eq!(changes[0]["ref"], "component:default/brand-new");
    assert_eq!(changes[0]["in_baseline"], false);
    assert_eq!(changes[0]["before"], Value::Null);
    let _ = std::fs::remove_dir_all(catalog.parent().expect("parent"));
}

#[test]
fn no_config_ignores_a_yardstick_yaml_in_the_scanned_directory() {
    let (catalog, _) = demo_with_baseline("noconfig");
    // A head configuration that would switch off the owner check.
    std::fs::write(
        catalog.join("yardstick.yaml"),
        "checks:\n  has-owner:\n    enabled: false\n",
    )
    .expect("write");
    let ids = |args: &[&str]| -> Vec<String> {
        let out = yardstick(args, &catalog);
        let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
        report["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .filter_map(|c| c["id"].as_str().map(str::to_string))
            .collect()
    };
    assert!(!ids(&["score", ".", "--format", "json"]).contains(&"has-owner".to_string()));
    assert!(
        ids(&["score", ".", "--no-config", "--format", "json"]).contains(&"has-owner".to_string())
    );
    let out = yardstick(
        &["score", ".", "--no-config", "--config", "yardstick.yaml"],
        &catalog,
    );
    assert_eq!(out.status.code(), Some(2), "the two flags conflict");
    let _ = std::fs::remove_dir_all(catalog.parent().expect("parent"));
}
