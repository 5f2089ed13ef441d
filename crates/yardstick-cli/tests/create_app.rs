//! `yardstick lint --app-config …` run from the create-app fixture's root, as a user runs it
//! (the backend folder found on its own, the environment read from the process), reports on
//! each document what the real catalog backend decided (`tests/conformance/app-config/catalog/`,
//! derived by `derive-catalog.js`), and reads no file that no location reaches.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::repo;

/// Runs lint on the fixture with a case's configs and only its environment.
fn lint(spec: &serde_json::Value, format: &str) -> (Option<i32>, String) {
    let root = repo().join("fixtures/create-app");
    let mut command = Command::new(env!("CARGO_BIN_EXE_yardstick"));
    command.arg("lint").current_dir(&root).env_clear();
    for config in spec["configs"].as_array().expect("configs") {
        command.args(["--app-config", config.as_str().expect("config")]);
    }
    command.args(["--format", format]).env("NO_COLOR", "1");
    for (name, value) in spec["env"].as_object().expect("env") {
        command.env(name, value.as_str().expect("env value"));
    }
    let out = command.output().expect("run yardstick");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim().is_empty(), "{stderr}");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn lint_from_the_fixture_root_agrees_with_the_catalog_backend() {
    let cases = repo().join("tests/conformance/app-config/catalog");
    let mut dirs: Vec<_> = std::fs::read_dir(&cases)
        .expect("cases")
        .map(|e| e.expect("entry").path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3);
    for dir in dirs {
        let read = |f: &str| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(dir.join(f)).expect(f)).expect(f)
        };
        let (spec, expected) = (read("case.json"), read("expected.json"));
        let documents = expected["documents"].as_array().expect("documents");
        // The documents Backstage does not store, with why: yardstick's errors must be on
        // exactly these, with the same reason.
        let want: BTreeMap<(String, u64), String> = documents
            .iter()
            .filter(|d| d["verdict"] != "ok")
            .map(|d| {
                let verdict = match d["verdict"].as_str().expect("verdict") {
                    "batch" => "location/batch-failed",
                    "not-read" => "location/not-read",
                    "targets" => "location/targets-failed",
                    other => other,
                };
                let key = (
                    d["file"].as_str().expect("file").to_string(),
                    d["index"].as_u64().expect("index"),
                );
                (key, verdict.to_string())
            })
            .collect();
        let (code, stdout) = lint(&spec, "json");
        assert_eq!(code, Some(1), "{stdout}");
        let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        let mut rules: BTreeMap<(String, u64), Vec<&str>> = BTreeMap::new();
        for f in report["findings"].as_array().expect("findings") {
            if f["severity"] != "error" {
                continue;
            }
            let key = (
                f["file"].as_str().expect("file").to_string(),
                f["document"].as_u64().expect("document"),
            );
            rules
                .entry(key)
                .or_default()
                .push(f["rule"].as_str().expect("rule"));
        }
        let got: BTreeMap<(String, u64), String> = rules
            .into_iter()
            .map(|(key, rules)| (key, verdict(&rules).to_string()))
            .collect();
        assert_eq!(got, want, "{}", dir.display());
        // Exactly the files and documents the locations reach are read.
        let files: std::collections::BTreeSet<&str> = documents
            .iter()
            .map(|d| d["file"].as_str().expect("file"))
            .collect();
        let stored = documents.iter().filter(|d| d["verdict"] == "ok").count();
        let (_, text) = lint(&spec, "human");
        let summary = format!(
            "in {} files ({} documents, {stored} entities accepted)",
            files.len(),
            documents.len()
        );
        assert!(
            text.contains(&summary),
            "{}: want {summary:?}\n{text}",
            dir.display()
        );
    }
}

/// The reason a document is not stored, from yardstick's errors on it: a Location's failed
/// targets, then failing on its own, then the batch's verdict. A Location that is never read
/// never has its targets looked at, so a missing one does not count against it.
fn verdict<'a>(rules: &[&'a str]) -> &'a str {
    const BATCH: [&str; 3] = [
        "location/targets-failed",
        "location/not-read",
        "location/batch-failed",
    ];
    let not_read = rules.contains(&"location/not-read");
    let own = rules
        .iter()
        .any(|&r| !(BATCH.contains(&r) || r == "location/target-missing" && not_read));
    if own && !rules.contains(&BATCH[0]) {
        return "rejected";
    }
    BATCH
        .into_iter()
        .find(|b| rules.contains(b))
        .unwrap_or("rejected")
}
