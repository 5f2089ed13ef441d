//! The create-app fixture (`fixtures/create-app`) linted as its instance ingests it agrees,
//! document by document, with what the real catalog backend makes of it: each case of
//! `tests/conformance/app-config/catalog/` names configs and an environment, and its
//! `expected.json` was derived by `derive-catalog.js` with `@backstage/config-loader`, the
//! backend's orchestrator, processors and `DefaultCatalogRulesEnforcer` (`.ci/run` re-derives
//! it). yardstick must read the same files, no other, and judge every document alike.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use yardstick::appconfig::{load_app_config, ConfigSources};
use yardstick::{lint_paths, AppCatalog, LintOptions, LintReport, RuleId, Severity};

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/app-config/catalog")
}

fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A case's configs loaded with its environment, and the fixture linted with them.
fn lint_case(dir: &Path, spec: &serde_json::Value) -> (serde_json::Value, LintReport) {
    let root = dir
        .join(spec["root"].as_str().expect("root"))
        .canonicalize()
        .expect("fixture root");
    let env: BTreeMap<String, String> = spec["env"]
        .as_object()
        .expect("env")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("env value").to_string()))
        .collect();
    let configs: Vec<PathBuf> = spec["configs"]
        .as_array()
        .expect("configs")
        .iter()
        .map(|c| root.join(c.as_str().expect("config")))
        .collect();
    let read = |path: &Path| std::fs::read_to_string(path);
    let config = load_app_config(
        &configs,
        &ConfigSources {
            read: &read,
            env: &env,
        },
    )
    .expect("the configs load");
    let merged = config.root.to_json();
    let options = LintOptions {
        display_base: Some(root.clone()),
        app_catalog: Some(AppCatalog {
            config,
            backend_dir: root.join(spec["backend"].as_str().expect("backend")),
        }),
        ..Default::default()
    };
    let report = lint_paths(std::slice::from_ref(&root), &options).expect("lint runs");
    (merged, report)
}

/// yardstick's verdict on each document it read, in the derivation's words: `ok`, `batch`
/// (its location's batch failed), `not-read` (behind a Location not in the catalog),
/// `targets` (a Location whose own targets' batch failed) or `rejected` (it fails on its own).
fn verdicts(report: &LintReport) -> BTreeMap<(String, usize), String> {
    let mut rules: BTreeMap<(String, usize), Vec<&str>> = BTreeMap::new();
    for file in &report.files {
        let stream = yardstick::parse_stream(&file.text, &yardstick::Limits::default());
        for document in stream.documents.iter().filter(|d| !d.is_empty()) {
            rules.insert((file.display.clone(), document.index), Vec::new());
        }
    }
    for f in report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
    {
        let Some(document) = f.document else { continue };
        rules
            .entry((f.file.clone(), document))
            .or_default()
            .push(f.rule);
    }
    let verdict = |rules: &[&str]| {
        let has = |rule: RuleId| rules.contains(&rule.id());
        let not_read = has(RuleId::LocationNotRead);
        // A Location that is never read never has its targets looked at either.
        let batch_verdicts = [
            RuleId::LocationBatchFailed.id(),
            RuleId::LocationNotRead.id(),
            RuleId::LocationTargetsFailed.id(),
        ];
        let own = rules.iter().any(|&r| {
            let unread_target = r == RuleId::LocationTargetMissing.id() && not_read;
            !batch_verdicts.contains(&r) && !unread_target
        });
        if has(RuleId::LocationTargetsFailed) {
            "targets"
        } else if own {
            "rejected"
        } else if not_read {
            "not-read"
        } else if has(RuleId::LocationBatchFailed) {
            "batch"
        } else {
            "ok"
        }
    };
    rules
        .into_iter()
        .map(|(key, rules)| (key, verdict(&rules).to_string()))
        .collect()
}

#[test]
fn agrees_with_the_catalog_backend_on_the_create_app_fixture() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases())
        .expect("cases")
        .map(|e| e.expect("entry").path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3, "only {} cases", dirs.len());
    for dir in &dirs {
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        let spec = json(&dir.join("case.json"));
        let expected = json(&dir.join("expected.json"));
        let (merged, report) = lint_case(dir, &spec);
        assert_eq!(
            merged, expected["config"],
            "{name}: the merged config differs"
        );
        let want: BTreeMap<(String, usize), String> = expected["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .map(|d| {
                let key = (
                    d["file"].as_str().expect("file").to_string(),
                    d["index"].as_u64().expect("index") as usize,
                );
                (key, d["verdict"].as_str().expect("verdict").to_string())
            })
            .collect();
        let got = verdicts(&report);
        assert_eq!(got, want, "{name}: documents judged differently");
        // No file that no location reaches is read.
        let read: BTreeSet<&str> = report.files.iter().map(|f| f.display.as_str()).collect();
        let reached: BTreeSet<&str> = want.keys().map(|(f, _)| f.as_str()).collect();
        assert_eq!(read, reached, "{name}: files read");
        // The catalog holds exactly the entities Backstage stores.
        let mut accepted: Vec<String> = report
            .catalog
            .entities
            .iter()
            .map(|e| e.entity.reference.to_string())
            .collect();
        accepted.sort();
        let mut stored: Vec<String> = expected["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .filter(|d| d["verdict"] == "ok")
            .map(|d| d["ref"].as_str().expect("ref").to_string())
            .collect();
        stored.sort();
        assert_eq!(accepted, stored, "{name}: accepted entities");
        eprintln!(
            "{name}: {} documents in {} files agree",
            want.len(),
            read.len()
        );
    }
}
