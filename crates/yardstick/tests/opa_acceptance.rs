//! A custom check that uses `regex.match`, `glob.match`, `semver.compare`, `base64.decode`,
//! `net.cidr_contains` and `time.parse_rfc3339_ns` loads from a directory and scores as OPA
//! evaluates it: `tests/opa-diff/acceptance/expected.json` is OPA's record
//! (`tests/opa-diff/generate.py`).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use yardstick::{CheckStatus, LintOptions, PolicySet, ScoreOptions};

fn acceptance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/opa-diff/acceptance")
}

#[test]
fn check_with_the_full_builtin_set_scores_as_opa_evaluates_it() {
    let dir = acceptance();
    let mut policies = PolicySet::default();
    policies.add_dir(&dir.join("policies")).unwrap();
    let lint =
        yardstick::lint_paths(&[dir.join("catalog-info.yaml")], &LintOptions::default()).unwrap();
    let options = ScoreOptions {
        now_ns: Some(yardstick::parse_now("2026-01-02T03:04:05Z").unwrap()),
        ..ScoreOptions::default()
    };
    let card = yardstick::score(&lint, &policies, &options).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let expected = expected["entities"].as_object().unwrap();
    assert_eq!(card.entities.len(), expected.len());
    for entity in &card.entities {
        let opa = &expected[&entity.reference];
        let [check] = entity.checks.as_slice() else {
            panic!("{}: {:?}", entity.reference, entity.checks);
        };
        let ours = if check.status == CheckStatus::NotApplicable {
            json!({"applicable": false})
        } else {
            json!({"applicable": true, "result": {
                "status": serde_json::to_value(check.status).unwrap(),
                "message": check.message.to_string(),
                "pointer": check.pointer.as_ref().map(ToString::to_string).unwrap_or_default(),
            }})
        };
        let theirs = if opa["applicable"]["value"] == json!(false) {
            json!({"applicable": false})
        } else {
            json!({"applicable": true, "result": opa["result"]["value"]})
        };
        assert_eq!(ours, theirs, "{}", entity.reference);
    }
}
