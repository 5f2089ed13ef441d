//! Running the `test_` rules of Rego test modules, as `opa test` does.

use super::calls::check_calls;
use super::clock::{pin_clock, system_now_ns};
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
/// `time.now_ns()` returns `now_ns` (nanoseconds since the Unix epoch, see
/// [`parse_now`](crate::parse_now)) in every test, or, when `None`, the clock's time when the
/// run starts: one instant for the whole run, as OPA fixes it for a whole query.
///
/// ```
/// let modules = [("t_test.rego".to_string(),
///     "package t_test\ntest_typo if is_numbr(1)\n".to_string())];
/// let errors = yardstick::run_rego_tests(&modules, None).unwrap_err().errors;
/// assert_eq!((errors[0].line, errors[0].column), (2, 14));
///
/// let clock = [("c_test.rego".to_string(),
///     "package c_test\ntest_now if time.now_ns() == 86400000000000\n".to_string())];
/// let now = yardstick::parse_now("1970-01-02T00:00:00Z").unwrap();
/// assert!(yardstick::run_rego_tests(&clock, Some(now)).unwrap()[0].passed);
/// ```
pub fn run_rego_tests(
    modules: &[(String, String)],
    now_ns: Option<i64>,
) -> Result<Vec<TestOutcome>, PolicyErrors> {
    let sources: Vec<(&str, &str)> = modules
        .iter()
        .map(|(origin, text)| (origin.as_str(), text.as_str()))
        .collect();
    let errors = check_calls(&sources, &sources.iter().map(|(o, _)| *o).collect());
    if !errors.is_empty() {
        return Err(PolicyErrors { errors });
    }
    let mut engine = regorus::Engine::new();
    pin_clock(&mut engine, now_ns.unwrap_or_else(system_now_ns)).map_err(|e| PolicyErrors {
        errors: vec![regorus_error("time.now_ns", &e)],
    })?;
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
