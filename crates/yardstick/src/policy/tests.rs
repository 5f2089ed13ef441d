//! Loading checks: metadata, syntax and compile errors, overrides, the built-ins' tests.

use super::*;

#[test]
fn builtin_metadata() {
    let set = PolicySet::builtin().unwrap();
    let ids: Vec<&str> = set.checks().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ci-passing",
            "has-backups",
            "has-cost-tags",
            "has-monitoring",
            "has-oncall",
            "has-owner",
            "has-techdocs"
        ]
    );
    let owner = set.get("has-owner").unwrap();
    assert_eq!(
        owner.applies_to,
        ["Component", "API", "Resource", "System", "Domain"]
    );
    assert_eq!(owner.package, "yardstick.checks.has_owner");
    assert!(!owner.remediation.is_empty());
}

#[test]
fn syntax_errors_have_positions() {
    let e = PolicySet::default()
        .add_source("mine.rego", "package x\n\nresult := {\n")
        .unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        ("mine.rego", 4, 1),
        "{e}"
    );
    assert_eq!(e.message, "expecting expression");
}

#[test]
fn compile_errors_are_caught_when_loading() {
    let e = PolicySet::default()
        .add_source("m.rego", "# METADATA\n# custom:\n#   id: m\n#   severity: low\npackage m\nimport rego.v1\nresult := foo(1)\n")
        .unwrap_err();
    assert_eq!((e.line, e.column), (7, 14), "{e}");
    assert!(e.message.contains("foo"), "{e}");
}

#[test]
fn user_check_overrides_builtin_by_id() {
    let mut set = PolicySet::builtin().unwrap();
    set.add_source(
        "mine.rego",
        "# METADATA\n# title: Mine\n# custom:\n#   id: has-owner\n#   severity: low\npackage mine.owner\nimport rego.v1\nresult := {\"status\": \"pass\", \"message\": \"ok\", \"pointer\": \"\"}\n",
    )
    .unwrap();
    assert_eq!(set.checks().len(), 7);
    assert_eq!(set.get("has-owner").unwrap().severity, CheckSeverity::Low);
}

#[test]
fn builtin_tests_pass() {
    let outcomes = run_rego_tests(&builtin_modules()).unwrap();
    assert!(outcomes.len() > 40);
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    assert!(failed.is_empty(), "{failed:?}");
}
