//! `--owners-from`: owner sources for lint and score, and the `auto` of `--check-refs`.

mod common;

use common::{repo, yardstick};

#[test]
fn lint_catches_an_owner_typo_only_with_an_owner_source() {
    let dir = repo().join("fixtures/owners");
    let lenient = yardstick(&["lint", ".", "--format", "json"], &dir);
    assert_eq!(lenient.status.code(), Some(0), "{lenient:?}");
    assert!(!String::from_utf8_lossy(&lenient.stdout).contains("ref/unresolved-owner"));
    for source in ["owners.json", "owners-by-query.json"] {
        let strict = yardstick(&["lint", ".", "--owners-from", source], &dir);
        let text = String::from_utf8_lossy(&strict.stdout);
        assert!(text.contains("ref/unresolved-owner"), "{text}");
        assert!(
            text.contains("did you mean group:default/team-payments?"),
            "{text}"
        );
    }
}

#[test]
fn score_fails_has_owner_for_the_typo_with_an_owner_source() {
    let dir = repo().join("fixtures/owners");
    let without = yardstick(&["score", ".", "--format", "json"], &dir);
    assert_eq!(without.status.code(), Some(0), "{without:?}");
    let stderr = String::from_utf8_lossy(&without.stderr);
    assert_eq!(
        stderr
            .matches("ci-passing is unknown for every entity")
            .count(),
        1,
        "{stderr}"
    );
    let with = yardstick(
        &[
            "score",
            ".",
            "--owners-from",
            "owners.json",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(with.status.code(), Some(1), "{with:?}");
    let text = String::from_utf8_lossy(&with.stdout);
    assert!(
        text.contains("owner group:default/team-paymnets is not a Group or User in the catalog"),
        "{text}"
    );
}

#[test]
fn a_malformed_owner_source_cannot_run() {
    let dir = repo().join("fixtures/owners");
    let out = yardstick(&["lint", ".", "--owners-from", "README.md"], &dir);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
