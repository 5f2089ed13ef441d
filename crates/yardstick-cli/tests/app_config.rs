//! `--app-config`: lint and score read what the instance's catalog.locations reach, with its
//! catalog.rules; a broken config is exit 2 with its position.

mod common;

use std::path::PathBuf;

use common::yardstick;

fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yardstick-cli-app-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const COMPONENT: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: shop}\nspec: {type: service, lifecycle: production, owner: team-a}\n";
const GROUP: &str = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n";

#[test]
fn lint_and_score_read_the_configured_locations() {
    let config = "catalog:\n  locations:\n    - type: file\n      target: ../../catalog/all.yaml\n    - type: file\n      target: ${ORG:-../../catalog/org.yaml}\n      rules: [{allow: [Group]}]\n";
    let dir = tree(
        "locations",
        &[
            ("app-config.yaml", config),
            ("packages/backend/package.json", "{}"),
            ("catalog/all.yaml", COMPONENT),
            ("catalog/org.yaml", GROUP),
            ("catalog-info.yaml", "kind: [not read]\n"),
        ],
    );
    let out = yardstick(
        &[
            "lint",
            "--app-config",
            "app-config.yaml",
            "--format",
            "json",
        ],
        &dir,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json}");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(0), "{json}");
    let out = yardstick(
        &[
            "score",
            "--app-config",
            "app-config.yaml",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        &dir,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("component:default/shop"), "{text}");
    assert!(!text.contains("not read"), "{text}");
    // Without the per-location rule the default rules refuse the Group, and the org file's
    // batch with it.
    std::fs::write(
        dir.join("app-config.production.yaml"),
        "catalog:\n  locations:\n    - {type: file, target: ../../catalog/org.yaml}\n",
    )
    .unwrap();
    let out = yardstick(
        &[
            "lint",
            "--app-config",
            "app-config.yaml",
            "--app-config",
            "app-config.production.yaml",
            "--format",
            "json",
        ],
        &dir,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{json}");
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["location/kind-not-allowed"], "{json}");
}

#[test]
fn a_broken_config_is_exit_2_with_its_position() {
    let dir = tree(
        "broken",
        &[(
            "app-config.yaml",
            "catalog:\n  locations:\n    $env: X\n    other: 1\n",
        )],
    );
    let out = yardstick(&["lint", "--app-config", "app-config.yaml"], &dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("app-config.yaml:3:5: include key $env should not have adjacent keys"),
        "{stderr}"
    );
}
