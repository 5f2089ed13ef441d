//! The app-config loader agrees with the real `@backstage/config-loader` on every case of
//! `tests/conformance/app-config/cases/`: the expected configs were derived with it by
//! `tests/conformance/app-config/derive.js` and are committed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use yardstick::appconfig::{load_app_config, ConfigSources};

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/app-config/cases")
}

#[test]
fn agrees_with_the_config_loader() {
    let mut names: Vec<_> = std::fs::read_dir(cases())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "only {} cases", names.len());
    let read = |path: &Path| std::fs::read_to_string(path);
    let mut mismatches = Vec::new();
    for dir in &names {
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        let want: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap();
        let env: BTreeMap<String, String> = spec["env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let configs: Vec<PathBuf> = spec["configs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| dir.join(f.as_str().unwrap()))
            .collect();
        let sources = ConfigSources {
            read: &read,
            env: &env,
        };
        let got = match load_app_config(&configs, &sources) {
            Ok(config) => serde_json::json!({"config": config.root.to_json()}),
            Err(_) => serde_json::json!({"error": true}),
        };
        if got != want {
            mismatches.push(format!("{}: loader {want}, yardstick {got}", dir.display()));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
