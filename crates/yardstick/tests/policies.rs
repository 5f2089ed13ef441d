//! The built-in Rego checks' own unit tests (`policies/*_test.rego`), run with regorus as
//! `opa test` would run them: every `test_*` rule must evaluate to `true`.
//! (The engine and `yardstick verify` come with the scorecard work; this keeps the policies
//! honest until then.)

use std::path::{Path, PathBuf};

fn policy_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("policies/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rego"))
        .collect();
    files.sort();
    files
}

/// `test_*` rule names declared at the start of a line, as `opa test` discovers them.
fn test_rules(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let name: String = l
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (name.starts_with("test_")
                && l[name.len()..]
                    .trim_start()
                    .starts_with(['{', 'i', ':', '=']))
            .then_some(name)
        })
        .collect();
    names.dedup();
    names
}

#[test]
fn every_builtin_check_passes_its_rego_tests() {
    let mut engine = regorus::Engine::new();
    let mut tests = Vec::new();
    for file in policy_files() {
        let text = std::fs::read_to_string(&file).expect("read policy");
        let package = engine
            .add_policy(file.display().to_string(), text.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if file.to_string_lossy().ends_with("_test.rego") {
            tests.extend(
                test_rules(&text)
                    .into_iter()
                    .map(|t| format!("{package}.{t}")),
            );
        }
    }
    assert!(tests.len() >= 7 * 6, "only {} tests found", tests.len());
    let mut failed = Vec::new();
    for t in &tests {
        match engine.eval_rule(t.clone()) {
            Ok(v) if v == regorus::Value::from(true) => {}
            Ok(v) => failed.push(format!("{t}: {v}")),
            Err(e) => failed.push(format!("{t}: error {e}")),
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} Rego tests failed:\n{}",
        failed.len(),
        tests.len(),
        failed.join("\n")
    );
}

#[test]
fn every_check_declares_its_metadata() {
    for file in policy_files()
        .iter()
        .filter(|f| !f.to_string_lossy().ends_with("_test.rego"))
    {
        let text = std::fs::read_to_string(file).expect("read policy");
        assert!(text.contains("# METADATA"), "{}", file.display());
        for key in [
            "# title:",
            "# description:",
            "#   id:",
            "#   severity:",
            "#   remediation:",
            "#   applies_to:",
        ] {
            assert!(text.contains(key), "{} lacks {key}", file.display());
        }
    }
}
