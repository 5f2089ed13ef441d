//! Specification test for `yardstick score`: a hand-derived fixture catalog, facts file and
//! expected results (tests/score/, see tests/score/README.md for the arithmetic).

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::repo;
use serde_json::Value;

const CHECK_IDS: [&str; 7] = [
    "has-owner",
    "ci-passing",
    "has-techdocs",
    "has-monitoring",
    "has-backups",
    "has-oncall",
    "has-cost-tags",
];

/// Both null, or both numbers within 1e-6.
fn same_score(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Null, Value::Null) => true,
        (a, e) => match (a.as_f64(), e.as_f64()) {
            (Some(a), Some(e)) => (a - e).abs() <= 1e-6,
            _ => false,
        },
    }
}

#[test]
fn score_matches_hand_derived_expectations() {
    let root = repo();
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/score/expected.json"))
            .expect("read tests/score/expected.json"),
    )
    .expect("expected.json is JSON");

    let out = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args([
            "score",
            "tests/score/catalog",
            "--facts",
            "tests/score/facts.yaml",
            "--format",
            "json",
        ])
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run yardstick");

    let actual: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e})\nexit code: {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });

    let mut diffs: Vec<String> = Vec::new();

    // Entities by ref.
    let empty = Vec::new();
    let actual_entities = actual["entities"].as_array().unwrap_or_else(|| {
        diffs.push("output has no `entities` array".to_string());
        &empty
    });
    let mut by_ref = std::collections::BTreeMap::new();
    for e in actual_entities {
        match e["ref"].as_str() {
            Some(r) => {
                if by_ref.insert(r.to_string(), e).is_some() {
                    diffs.push(format!("entity {r} appears more than once"));
                }
            }
            None => diffs.push(format!("entity without a string `ref`: {e}")),
        }
    }
    let exp_entities = expected["entities"]
        .as_object()
        .expect("expected.json: entities object");

    let actual_refs: BTreeSet<&String> = by_ref.keys().collect();
    let expected_refs: BTreeSet<&String> = exp_entities.keys().collect();
    for r in expected_refs.difference(&actual_refs) {
        diffs.push(format!("missing entity {r}"));
    }
    for r in actual_refs.difference(&expected_refs) {
        diffs.push(format!("unexpected entity {r}"));
    }

    for (r, exp) in exp_entities {
        let Some(act) = by_ref.get(r) else { continue };

        if !same_score(&act["score"], &exp["score"]) {
            diffs.push(format!(
                "{r}: score {} expected {}",
                act["score"], exp["score"]
            ));
        }
        if act["level"] != exp["level"] {
            diffs.push(format!(
                "{r}: level {} expected {}",
                act["level"], exp["level"]
            ));
        }

        let checks = act["checks"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        if act["checks"].as_array().is_none() {
            diffs.push(format!("{r}: no `checks` array"));
        }
        let exp_checks = exp["checks"].as_object().expect("expected checks object");
        for id in CHECK_IDS {
            let found: Vec<&Value> = checks.iter().filter(|c| c["id"] == id).collect();
            let exp_status = &exp_checks[id];
            match found.as_slice() {
                [] => diffs.push(format!("{r}: check {id} missing (expected {exp_status})")),
                [c] => {
                    if &c["status"] != exp_status {
                        diffs.push(format!(
                            "{r}: check {id} status {} expected {exp_status} (message: {})",
                            c["status"], c["message"]
                        ));
                    }
                }
                _ => diffs.push(format!("{r}: check {id} appears {} times", found.len())),
            }
        }
        for c in checks {
            let id = c["id"].as_str().unwrap_or("<no id>");
            if !CHECK_IDS.contains(&id) {
                diffs.push(format!("{r}: unexpected check {id}"));
            }
            if c["status"] == "fail" {
                let loc = &c["location"];
                let line_ok = loc["line"].as_u64().is_some_and(|l| l >= 1);
                let col_ok = loc["column"].as_u64().is_some_and(|l| l >= 1);
                let file_ok = loc["file"]
                    .as_str()
                    .is_some_and(|f| f.ends_with("catalog-info.yaml"));
                if !(line_ok && col_ok && file_ok) {
                    diffs.push(format!("{r}: failing check {id} has a bad location: {loc}"));
                }
            }
        }
    }

    // Summary.
    let summary = &actual["summary"];
    let exp_summary = &expected["summary"];
    if !same_score(&summary["score"], &exp_summary["score"]) {
        diffs.push(format!(
            "summary score {} expected {}",
            summary["score"], exp_summary["score"]
        ));
    }
    for level in ["gold", "silver", "bronze", "none"] {
        if summary["levels"][level] != exp_summary["levels"][level] {
            diffs.push(format!(
                "summary levels.{level} {} expected {}",
                summary["levels"][level], exp_summary["levels"][level]
            ));
        }
    }

    // Exit code.
    let exp_code = expected["exit_code"].as_i64().map(|c| c as i32);
    if out.status.code() != exp_code {
        diffs.push(format!(
            "exit code {:?} expected {:?} (stderr: {})",
            out.status.code(),
            exp_code,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }

    assert!(
        diffs.is_empty(),
        "yardstick score differs from tests/score/expected.json in {} place(s):\n  {}",
        diffs.len(),
        diffs.join("\n  ")
    );
}
