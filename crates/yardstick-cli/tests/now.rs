//! `--now` pins Rego's `time.now_ns()` for a run: two runs of a catalog give byte-identical
//! reports, and every entity of a run sees the same instant.

mod common;

use std::path::PathBuf;

use common::{repo, yardstick};

/// A check whose message is the instant it was evaluated at, and its date.
const CLOCK_CHECK: &str = r#"# METADATA
# title: Clock
# custom:
#   id: clock
#   severity: low
package yardstick.checks.clock
import rego.v1

result := {"status": "pass", "message": sprintf("%d %v", [now, time.date(now)]), "pointer": ""} if {
	now := time.now_ns()
}
"#;

fn policy_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yardstick-now-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("clock.rego"), CLOCK_CHECK).expect("write policy");
    dir
}

/// The messages of the clock check in a JSON report.
fn clock_messages(report: &[u8]) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(report).expect("JSON report");
    let mut messages = Vec::new();
    for entity in report["entities"].as_array().expect("entities") {
        for check in entity["checks"].as_array().expect("checks") {
            if check["id"] == "clock" {
                messages.push(check["message"].as_str().expect("message").to_string());
            }
        }
    }
    messages
}

#[test]
fn pinned_now_gives_byte_identical_reports_and_one_instant() {
    let dir = policy_dir("pinned");
    let dir = dir.to_str().expect("utf-8 path");
    let run = |format: &str| {
        let args = [
            "score",
            "fixtures/demo",
            "--facts",
            "fixtures/demo/facts.json",
            "--policy",
            dir,
            "--now",
            "2026-01-02T03:04:05.5+01:00",
            "--format",
            format,
        ];
        let out = yardstick(&args, &repo());
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    for format in ["json", "sarif", "markdown", "html", "junit"] {
        assert_eq!(run(format), run(format), "{format} differs between runs");
    }
    let messages = clock_messages(&run("json"));
    assert!(messages.len() > 1, "{messages:?}");
    for message in messages {
        assert_eq!(message, "1767319445500000000 [2026, 1, 2]");
    }
}

#[test]
fn unpinned_now_is_one_instant_for_the_whole_run() {
    let dir = policy_dir("unpinned");
    let args = [
        "score",
        "fixtures/demo",
        "--policy",
        dir.to_str().expect("utf-8 path"),
    ];
    let args = [&args[..], &["--format", "json"]].concat();
    let out = yardstick(&args, &repo());
    let mut messages = clock_messages(&out.stdout);
    assert!(
        messages.len() > 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    messages.dedup();
    assert_eq!(messages.len(), 1, "{messages:?}");
}

#[test]
fn now_that_is_not_rfc3339_is_a_usage_error() {
    let out = yardstick(&["score", "fixtures/demo", "--now", "2026-01-02"], &repo());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not an RFC 3339 timestamp"), "{stderr}");
}
