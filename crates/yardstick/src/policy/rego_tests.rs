//! Running the `test_` rules of Rego test modules, as `opa test` does.

use super::calls::check_calls;
use super::load::in_characters;
use super::{regorus_error, PolicyErrors};

/// One `test_*` rule's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// `data.<package>.<rule>`.
    pub name: String,
    /// True when the rule evaluated to `true`.
    pub passed: bool,
    /// Why it failed (an evaluation error, or the value it had).
    pub detail: Option<String>,
}

/// Runs the `test_*` rules of test modules against the given modules, as `opa test` does.
///
/// `modules` are `(origin, source)` pairs; test modules are those whose origin ends in
/// `_test.rego`. A module that does not parse, or calls a function that does not exist or
/// with the wrong number of arguments, fails the run before any test: every such problem
/// is reported.
///
/// ```
/// let modules = [("t_test.rego".to_string(),
///     "package t_test\ntest_typo if is_numbr(1)\n".to_string())];
/// let errors = yardstick::run_rego_tests(&modules).unwrap_err().errors;
/// assert_eq!((errors[0].line, errors[0].column), (2, 14));
/// ```
pub fn run_rego_tests(modules: &[(String, String)]) -> Result<Vec<TestOutcome>, PolicyErrors> {
    let sources: Vec<(&str, &str)> = modules
        .iter()
        .map(|(origin, text)| (origin.as_str(), text.as_str()))
        .collect();
    let errors = check_calls(&sources, &sources.iter().map(|(o, _)| *o).collect());
    if !errors.is_empty() {
        return Err(PolicyErrors { errors });
    }
    let mut engine = regorus::Engine::new();
    let mut tests = Vec::new();
    for (origin, text) in modules {
        let package = engine
            .add_policy(origin.clone(), text.clone())
            .map_err(|e| in_characters(regorus_error(origin, &e.to_string()), &sources))?;
        if origin.ends_with("_test.rego") {
            let mut names: Vec<String> = text
                .lines()
                .filter_map(|l| {
                    let name: String = l
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    let rest = l.get(name.len()..).unwrap_or("").trim_start();
                    (name.starts_with("test_") && rest.starts_with(['{', 'i', ':', '=']))
                        .then_some(name)
                })
                .collect();
            names.dedup();
            tests.extend(names.into_iter().map(|n| format!("{package}.{n}")));
        }
    }
    Ok(tests
        .into_iter()
        .map(|name| match engine.eval_rule(name.clone()) {
            Ok(v) if v == regorus::Value::from(true) => TestOutcome {
                name,
                passed: true,
                detail: None,
            },
            Ok(v) => TestOutcome {
                name,
                passed: false,
                detail: Some(format!("evaluated to {v}")),
            },
            Err(e) => TestOutcome {
                name,
                passed: false,
                detail: Some(e.to_string()),
            },
        })
        .collect())
}
