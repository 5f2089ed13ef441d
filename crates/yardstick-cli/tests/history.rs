//! `--record` and `yardstick history`: two nightly runs of a catalog where one team
//! regressed; the diff reports exactly what was planted.

mod common;

use std::path::Path;

use std::process::{Command, Output};

use common::repo;
use serde_json::Value;

const TEAM: &str = "group:platform/team-infra";

/// Runs the binary in `dir` with the store in `dir` named by `YARDSTICK_DB`.
fn yardstick(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("YARDSTICK_DB", dir.join("history.db"))
        .output()
        .expect("run yardstick")
}

/// Scores `tests/score` with `facts` and records the run at `at`.
fn score_and_record(dir: &Path, facts: &Path, at: &str) {
    let catalog = repo().join("tests/score/catalog");
    let out = yardstick(
        &[
            "score",
            catalog.to_str().expect("utf-8"),
            "--facts",
            facts.to_str().expect("utf-8"),
            "--format",
            "json",
            "--record",
            "--at",
            at,
        ],
        dir,
    );
    // The fixture fails the gate (exit 1) on purpose; recording must not change that.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("yardstick: recorded run"));
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn diff_reports_exactly_the_planted_regression() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = repo().join("tests/score/facts.yaml");
    let text = std::fs::read_to_string(&good).expect("facts");
    // Planted: team-infra's gateway loses CI and its metrics database its backups.
    let planted = text
        .replacen(
            "\"Component:Platform/Gateway\":\n    ci: {status: passing}",
            "\"Component:Platform/Gateway\":\n    ci: {status: failing}",
            1,
        )
        .replacen("backups: {enabled: true}", "backups: {enabled: false}", 1);
    assert_ne!(planted, text);
    let bad = dir.path().join("facts.yaml");
    std::fs::write(&bad, planted).expect("write facts");
    score_and_record(dir.path(), &good, "2026-01-01T02:00:00Z");
    score_and_record(dir.path(), &bad, "2026-01-02T02:00:00Z");

    let out = yardstick(
        &[
            "history",
            "diff",
            "--format",
            "json",
            "--fail-on-regression",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diff = json(&out);
    let failing: Vec<(&str, &str)> = diff["newly_failing"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| {
            (
                c["entity"].as_str().expect("entity"),
                c["check"].as_str().expect("check"),
            )
        })
        .collect();
    assert_eq!(
        failing,
        [
            ("component:platform/gateway", "ci-passing"),
            ("resource:platform/metrics-db", "has-backups")
        ]
    );
    let drops: Vec<(&str, &str, &str)> = diff["level_drops"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| {
            (
                c["entity"].as_str().expect("e"),
                c["before"].as_str().expect("b"),
                c["after"].as_str().expect("a"),
            )
        })
        .collect();
    assert_eq!(
        drops,
        // metrics-db's has-backups is a medium check: it stays silver.
        [("component:platform/gateway", "bronze", "none")]
    );
    for empty in ["newly_passing", "level_rises", "added", "removed", "stale"] {
        assert_eq!(diff[empty], Value::Array(vec![]), "{empty}");
    }
    let owners: Vec<&str> = diff["owners"]
        .as_array()
        .expect("owners")
        .iter()
        .map(|g| g["key"].as_str().expect("key"))
        .collect();
    assert_eq!(owners, [TEAM]);
    assert!(diff["owners"][0]["after"].as_f64() < diff["owners"][0]["before"].as_f64());
    assert_eq!(diff["regressed"], Value::Bool(true));

    // The nightly notification names them too.
    let out = yardstick(&["history", "diff", "--format", "markdown"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(
        markdown.contains("### Checks now failing (2)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("component:platform/gateway ci-passing"),
        "{markdown}"
    );

    // The first run against itself: nothing got worse.
    let out = yardstick(
        &[
            "history",
            "diff",
            "--from",
            "1",
            "--to",
            "1",
            "--fail-on-regression",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn trend_runs_record_and_prune() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite:{}", dir.path().join("h.db").display());
    let saved = dir.path().join("report.json");
    let catalog = repo().join("tests/score/catalog");
    let out = yardstick(
        &[
            "score",
            catalog.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
        dir.path(),
    );
    std::fs::write(&saved, &out.stdout).expect("save the report");
    let saved = saved.to_str().expect("utf-8");
    for at in ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"] {
        let out = yardstick(
            &[
                "history", "record", saved, "--db", &db, "--at", at, "--commit", "abc",
            ],
            dir.path(),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = yardstick(
        &[
            "history",
            "record",
            saved,
            "--db",
            &db,
            "--at",
            "2025-12-31T00:00:00Z",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("earlier than the latest recorded run"));

    let out = yardstick(
        &[
            "history", "trend", "--db", &db, "--owner", TEAM, "--format", "csv",
        ],
        dir.path(),
    );
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.lines()
            .nth(1)
            .expect("a run")
            .starts_with("1,2026-01-01T00:00:00+00:00,4,0,"),
        "{csv}"
    );
    let out = yardstick(&["history", "trend", "--db", &db], dir.path());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Score ▅▅"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = yardstick(
        &["history", "runs", "--db", &db, "--format", "json"],
        dir.path(),
    );
    let runs = json(&out);
    assert_eq!(runs[1]["commits"], serde_json::json!(["abc"]));
    // A saved score report says what it scanned.
    let scanned = catalog.to_str().expect("utf-8");
    assert_eq!(runs[1]["source"], serde_json::json!({ "paths": [scanned] }));
    // The report's version and digests are the run's.
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(saved).expect("report")).expect("JSON");
    assert_eq!(runs[1]["yardstick_version"], env!("CARGO_PKG_VERSION"));
    for digest in ["policy_digest", "config_digest"] {
        assert_eq!(runs[1][digest], report[digest], "{digest}");
        assert!(runs[1][digest].as_str().is_some_and(|d| d.len() == 71));
    }
    let out = yardstick(&["history", "runs", "--db", &db], dir.path());
    let human = String::from_utf8_lossy(&out.stdout);
    let short = &report["policy_digest"].as_str().expect("digest")["sha256:".len()..][..12];
    assert!(
        human.contains("VERSION") && human.contains(short),
        "{human}"
    );

    let out = yardstick(
        &["history", "prune", "--db", &db, "--keep", "1d"],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = yardstick(
        &["history", "runs", "--db", &db, "--format", "json"],
        dir.path(),
    );
    assert_eq!(json(&out).as_array().map(Vec::len), Some(1));
}

#[test]
fn partial_runs_are_not_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.db");
    let db = db.to_str().expect("utf-8");
    let out = yardstick(
        &["scan-org", "acme", "--shard", "1/2", "--record", "--db", db],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot record a shard"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = dir.path().join("changed.txt");
    std::fs::write(&list, "x.yaml\n").expect("write");
    let catalog = repo().join("tests/score/catalog");
    let out = yardstick(
        &[
            "score",
            catalog.to_str().expect("utf-8"),
            "--changed-files",
            list.to_str().expect("utf-8"),
            "--record",
            "--db",
            db,
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--changed-files"));
    assert!(!Path::new(db).exists(), "nothing was opened");
}
