//! `yardstick score --format json` against its published JSON Schema,
//! docs/schemas/score-report.schema.json (draft 2020-12).
//!
//! Real reports from the demo catalog and the score specification fixture must validate;
//! deliberately broken copies of a real report must not, so the schema is known to be strict.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema() -> Value {
    let path = repo().join("docs/schemas/score-report.schema.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn validator() -> jsonschema::Validator {
    let schema = schema();
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "the schema must declare draft 2020-12"
    );
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!(
            "the schema is not a valid draft 2020-12 schema: {e} (at {})",
            e.instance_path()
        );
    }
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|e| panic!("cannot compile the schema: {e}"))
}

/// Every validation error, one per line, with its instance path and schema path.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| {
            format!(
                "at `{}` (schema `{}`): {e}",
                e.instance_path(),
                e.schema_path()
            )
        })
        .collect()
}

/// Runs `yardstick score <args> --format json` from the repository root; returns the report.
fn score_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .arg("score")
        .args(args)
        .args(["--format", "json"])
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .output()
        .expect("run yardstick");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "yardstick score {args:?} could not run (exit {code:?})\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout of yardstick score {args:?} is not JSON ({e})\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn assert_valid(name: &str, report: &Value) {
    let errors = errors(&validator(), report);
    assert!(
        errors.is_empty(),
        "{name}: the report does not match docs/schemas/score-report.schema.json ({} errors):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn demo_report_matches_schema() {
    let report = score_json(&["fixtures/demo", "--facts", "fixtures/demo/facts.json"]);
    assert!(!report["entities"]
        .as_array()
        .unwrap_or(&Vec::new())
        .is_empty());
    assert_valid("fixtures/demo", &report);
}

#[test]
fn score_fixture_report_matches_schema() {
    let report = score_json(&["tests/score/catalog", "--facts", "tests/score/facts.yaml"]);
    assert!(!report["entities"]
        .as_array()
        .unwrap_or(&Vec::new())
        .is_empty());
    assert_valid("tests/score/catalog", &report);
}

/// A configuration and an extra check that make every status, an expired exemption and a
/// passing gate appear, so the schema is exercised beyond what the fixtures produce.
#[test]
fn report_with_every_status_matches_schema() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("score_schema_every_status");
    let policies = dir.join("policies");
    std::fs::create_dir_all(&policies).expect("create temp dir");
    let config = dir.join("yardstick.yaml");
    std::fs::write(
        &config,
        "checks:\n  has-cost-tags:\n    enabled: false\n  has-techdocs:\n    severity: low\n    weight: 0\n\
         exemptions:\n  - entity: Component:default/route-planner\n    check: ci-passing\n    reason: being rewritten\n\
         \x20 - entity: component:default/fleet-dashboard\n    check: has-owner\n    reason: old\n    expires: \"2000-01-31\"\n\
         gate:\n  fail-on: never\n",
    )
    .expect("write config");
    // A status other than pass, fail or unknown: every evaluation is an error of this check.
    std::fs::write(
        policies.join("always_broken.rego"),
        "# METADATA\n# title: Always broken\n# custom:\n#   id: always-broken\n#   severity: low\n\
         #   applies_to: [Component]\npackage yardstick.checks.always_broken\n\nimport rego.v1\n\n\
         default applicable := true\n\n\
         result := {\"status\": \"maybe\", \"message\": \"\", \"pointer\": \"\"}\n",
    )
    .expect("write policy");
    let config = config.to_string_lossy().into_owned();
    let policies = policies.to_string_lossy().into_owned();
    let report = score_json(&["fixtures/demo", "--config", &config, "--policy", &policies]);
    let statuses: std::collections::BTreeSet<&str> = report["entities"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["checks"].as_array().into_iter().flatten())
        .filter_map(|c| c["status"].as_str())
        .collect();
    for status in [
        "pass",
        "fail",
        "unknown",
        "not-applicable",
        "exempt",
        "error",
    ] {
        assert!(
            statuses.contains(status),
            "no check has status {status}; statuses: {statuses:?}"
        );
    }
    assert_eq!(report["summary"]["gate"]["passed"], true);
    assert_eq!(
        report["summary"]["expired_exemptions"][0]["expires"],
        "2000-01-31"
    );
    assert_valid("fixtures/demo with every status", &report);
}

/// Applies `edit` to a real report; the result must fail validation.
fn assert_rejected(what: &str, report: &Value, edit: impl FnOnce(&mut Value)) {
    let mut broken = report.clone();
    edit(&mut broken);
    assert_ne!(&broken, report, "{what}: the edit changed nothing");
    assert!(
        !errors(&validator(), &broken).is_empty(),
        "{what}: a broken report passed validation"
    );
}

/// The first entity with a check result of `status`, and that result's index.
fn find_check(report: &Value, status: &str) -> (usize, usize) {
    report["entities"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .find_map(|(i, e)| {
            e["checks"]
                .as_array()?
                .iter()
                .position(|c| c["status"] == status)
                .map(|j| (i, j))
        })
        .unwrap_or_else(|| panic!("no check result has status {status}"))
}

#[test]
fn broken_reports_fail_validation() {
    let report = score_json(&["tests/score/catalog", "--facts", "tests/score/facts.yaml"]);
    assert_valid("tests/score/catalog", &report);
    let (pe, pc) = find_check(&report, "pass");
    let (ne, nc) = find_check(&report, "not-applicable");
    let scored = report["entities"]
        .as_array()
        .and_then(|es| es.iter().position(|e| e["score"].is_number()))
        .expect("a scored entity");

    assert_rejected("status `passed`", &report, |r| {
        r["entities"][pe]["checks"][pc]["status"] = json!("passed");
    });
    assert_rejected("version 2", &report, |r| r["version"] = json!(2));
    assert_rejected("unknown top-level key", &report, |r| {
        r["extra"] = json!(true);
    });
    assert_rejected("unknown key in a check result", &report, |r| {
        r["entities"][pe]["checks"][pc]["passed"] = json!(true);
    });
    assert_rejected("missing summary.gate", &report, |r| {
        r["summary"].as_object_mut().map(|s| s.remove("gate"));
    });
    assert_rejected("check severity `blocker`", &report, |r| {
        r["checks"][0]["severity"] = json!("blocker");
    });
    assert_rejected("level `platinum`", &report, |r| {
        r["entities"][scored]["level"] = json!("platinum");
    });
    assert_rejected("score above 100", &report, |r| {
        r["entities"][scored]["score"] = json!(100.5);
    });
    assert_rejected("null score with a level", &report, |r| {
        r["entities"][scored]["score"] = Value::Null;
    });
    assert_rejected("score with a null level", &report, |r| {
        r["entities"][scored]["level"] = Value::Null;
    });
    assert_rejected("a not-applicable result with a pointer", &report, |r| {
        r["entities"][ne]["checks"][nc]["pointer"] = json!("/spec/owner");
    });
    assert_rejected("a pass without a location", &report, |r| {
        r["entities"][pe]["checks"][pc]["location"] = Value::Null;
    });
    assert_rejected("a failed gate without reasons", &report, |r| {
        r["summary"]["gate"]["reasons"] = json!([]);
    });
    assert_rejected("finding severity `info`", &report, |r| {
        r["findings"][0]["severity"] = json!("info");
    });
    assert_rejected("upper-case entity ref", &report, |r| {
        r["entities"][0]["ref"] = json!("Group:default/Team-Payments");
    });
}

#[test]
fn comparison_and_org_scan_reports_match_schema() {
    // A baseline comparison: the demo against its own saved report.
    let base =
        std::env::temp_dir().join(format!("yardstick-schema-base-{}.json", std::process::id()));
    let report = score_json(&["fixtures/demo", "--facts", "fixtures/demo/facts.json"]);
    std::fs::write(&base, report.to_string()).expect("write baseline");
    let compared = score_json(&[
        "fixtures/demo",
        "--facts",
        "fixtures/demo/facts.json",
        "--baseline",
        base.to_str().expect("utf-8 path"),
    ]);
    assert!(compared["comparison"]["entities"].is_array());
    assert_valid("--baseline", &compared);
    let _ = std::fs::remove_file(&base);

    // An organisation scan, with failed and catalog-less repositories, against the fake.
    let fake = github_fake::FakeGitHub::builder()
        .repos(60)
        .graphql_node_error("service-0010")
        .start_blocking();
    let out = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(["scan-org", "acme", "--format", "json"])
        .env("GITHUB_TOKEN", github_fake::DEFAULT_TOKEN)
        .env("GITHUB_API_URL", fake.uri())
        .env("CI", "true")
        .output()
        .expect("run yardstick");
    let scan: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "scan-org printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(scan["scan"]["adoption"]["failed"][0], "service-0010");
    assert!(!scan["scan"]["adoption"]["without_catalog"]
        .as_array()
        .expect("list")
        .is_empty());
    assert_valid("scan-org", &scan);
}
