//! Policies fail at load: a call that cannot work, wherever it sits in a check, stops
//! `score` and `verify` before any entity is scored (exit 2), naming its file and line.

mod common;

use std::path::PathBuf;

use common::{repo, yardstick};

/// A fresh directory holding `files`, unique to this test and process.
fn policy_dir(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "yardstick-policy-load-{test}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write policy");
    }
    dir
}

/// A check whose `is_numbr` call (line 12) is reached only when the entity has
/// `spec.replicas`, inside a helper rule with an `else`.
const GUARDED_TYPO: &str = r#"# METADATA
# title: Replicas are numbers
# custom:
#   id: replicas-number
#   severity: low
#   remediation: Set spec.replicas to a number.
package yardstick.checks.replicas_number
import rego.v1

_replicas(e) := n if {
	e.spec.replicas
	is_numbr(e.spec.replicas)
	n := e.spec.replicas
} else := 0

result := {"status": "pass", "message": "ok", "pointer": ""} if _replicas(input.entity) >= 0
"#;

#[test]
fn guarded_misspelled_builtin_stops_score_with_its_file_and_line() {
    let dir = policy_dir("guarded", &[("replicas_number.rego", GUARDED_TYPO)]);
    let out = yardstick(
        &[
            "score",
            "fixtures/demo",
            "--policy",
            dir.to_str().expect("utf-8 path"),
        ],
        &repo(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    let file = dir.join("replicas_number.rego");
    assert!(
        stderr.contains(&format!(
            "{}:12:2: unknown function `is_numbr`",
            file.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `is_number`?"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing is scored");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_broken_policy_file_is_reported() {
    let arity = GUARDED_TYPO
        .replace("replicas_number", "arity")
        .replace("replicas-number", "arity")
        .replace(
            "is_numbr(e.spec.replicas)",
            "count(e.spec, 1) > count(1, 2, 3)",
        );
    let dir = policy_dir(
        "several",
        &[("a_typo.rego", GUARDED_TYPO), ("b_arity.rego", &arity)],
    );
    let out = yardstick(
        &[
            "score",
            "fixtures/demo",
            "--policy",
            dir.to_str().expect("utf-8 path"),
        ],
        &repo(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("a_typo.rego:12:2: unknown function"),
        "{stderr}"
    );
    assert!(
        stderr.contains("b_arity.rego:12:2: `count` takes 1 argument, but is given 2"),
        "{stderr}"
    );
    assert!(
        stderr.contains("b_arity.rego:12:21: `count` takes 1 argument, but is given 3"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_stops_on_a_test_calling_an_unknown_function() {
    let test = "package yardstick.checks.x_test\nimport rego.v1\n\ntest_typo if {\n\tfalse\n\tstartswith(\"a\", \"a\")\n\tendswth(\"a\", \"a\")\n}\n";
    let dir = policy_dir("verify", &[("x_test.rego", test)]);
    let out = yardstick(&["verify", dir.to_str().expect("utf-8 path")], &repo());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("x_test.rego:7:2: unknown function `endswth`; did you mean `endswith`?"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
