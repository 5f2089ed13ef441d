//! Checks written in Rego: the built-in ones compiled into the crate, user ones from
//! directories or strings, each described by its OPA `# METADATA` block.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::yaml::{parse_stream, Limits, Node};

/// How much a failing check matters.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum CheckSeverity {
    /// Weight 10.
    Critical,
    /// Weight 7.5.
    High,
    /// Weight 5.
    Medium,
    /// Weight 2.5.
    Low,
}

impl CheckSeverity {
    /// The default weight of a check of this severity.
    pub fn weight(self) -> f64 {
        match self {
            CheckSeverity::Critical => 10.0,
            CheckSeverity::High => 7.5,
            CheckSeverity::Medium => 5.0,
            CheckSeverity::Low => 2.5,
        }
    }

    /// Parses `critical`, `high`, `medium` or `low`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "critical" => Some(CheckSeverity::Critical),
            "high" => Some(CheckSeverity::High),
            "medium" => Some(CheckSeverity::Medium),
            "low" => Some(CheckSeverity::Low),
            _ => None,
        }
    }
}

impl fmt::Display for CheckSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CheckSeverity::Critical => "critical",
            CheckSeverity::High => "high",
            CheckSeverity::Medium => "medium",
            CheckSeverity::Low => "low",
        })
    }
}

/// A check: its metadata and the Rego module that implements it.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Stable id, e.g. `has-owner`.
    pub id: String,
    /// Short title.
    pub title: String,
    /// What the check wants.
    pub description: String,
    /// Severity (before configuration overrides).
    pub severity: CheckSeverity,
    /// How to make a failing check pass.
    pub remediation: String,
    /// Kinds the check applies to (case-insensitive); empty means every kind.
    pub applies_to: Vec<String>,
    /// The Rego package, e.g. `yardstick.checks.has_owner`.
    pub package: String,
    /// Where the module came from (a path, or `builtin:<file>`).
    pub origin: String,
    /// The Rego source.
    pub source: String,
    /// The module defines an `applicable` rule.
    pub defines_applicable: bool,
}

/// A problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct PolicyError {
    /// The policy file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "ci_passing.rego",
        include_str!("../../../policies/ci_passing.rego"),
    ),
    (
        "has_owner.rego",
        include_str!("../../../policies/has_owner.rego"),
    ),
    (
        "has_techdocs.rego",
        include_str!("../../../policies/has_techdocs.rego"),
    ),
    (
        "has_monitoring.rego",
        include_str!("../../../policies/has_monitoring.rego"),
    ),
    (
        "has_backups.rego",
        include_str!("../../../policies/has_backups.rego"),
    ),
    (
        "has_oncall.rego",
        include_str!("../../../policies/has_oncall.rego"),
    ),
    (
        "has_cost_tags.rego",
        include_str!("../../../policies/has_cost_tags.rego"),
    ),
];

/// True when `text` is exactly one of the built-in check modules (whose evaluation under
/// regorus's VM is tested against the interpreter; see `score.rs`).
pub(crate) fn is_builtin_source(text: &str) -> bool {
    BUILTIN.iter().any(|(_, builtin)| *builtin == text)
}

/// The built-in policies' unit tests, for `yardstick verify`.
pub const BUILTIN_TESTS: &[(&str, &str)] = &[
    (
        "ci_passing_test.rego",
        include_str!("../../../policies/ci_passing_test.rego"),
    ),
    (
        "has_owner_test.rego",
        include_str!("../../../policies/has_owner_test.rego"),
    ),
    (
        "has_techdocs_test.rego",
        include_str!("../../../policies/has_techdocs_test.rego"),
    ),
    (
        "has_monitoring_test.rego",
        include_str!("../../../policies/has_monitoring_test.rego"),
    ),
    (
        "has_backups_test.rego",
        include_str!("../../../policies/has_backups_test.rego"),
    ),
    (
        "has_oncall_test.rego",
        include_str!("../../../policies/has_oncall_test.rego"),
    ),
    (
        "has_cost_tags_test.rego",
        include_str!("../../../policies/has_cost_tags_test.rego"),
    ),
];

/// The checks to evaluate, in id order.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    checks: Vec<Check>,
}

impl PolicySet {
    /// The seven built-in checks.
    ///
    /// ```
    /// let set = yardstick::PolicySet::builtin().unwrap();
    /// assert_eq!(set.checks().len(), 7);
    /// assert_eq!(set.get("has-owner").unwrap().severity, yardstick::CheckSeverity::Critical);
    /// ```
    pub fn builtin() -> Result<Self, PolicyError> {
        let mut set = PolicySet::default();
        for (name, text) in BUILTIN {
            set.add_source(&format!("builtin:{name}"), text)?;
        }
        Ok(set)
    }

    /// The checks, sorted by id.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// A check by id.
    pub fn get(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Adds a check from Rego source; a check with the same id replaces the earlier one.
    /// Files without a `# METADATA` block with a `custom.id` are helper modules and are
    /// rejected here: a check must say what it is.
    pub fn add_source(&mut self, origin: &str, text: &str) -> Result<(), PolicyError> {
        check_syntax(origin, text)?;
        let check = parse_check(origin, text)?;
        check_compiles(origin, text, &check.package)?;
        self.checks.retain(|c| c.id != check.id);
        self.checks.push(check);
        self.checks.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(())
    }

    /// Adds every `*.rego` file of a directory (tests, `*_test.rego`, are skipped).
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), PolicyError> {
        for file in rego_files(dir).map_err(|e| PolicyError {
            file: dir.display().to_string(),
            line: 1,
            column: 1,
            message: e.to_string(),
        })? {
            if file.to_string_lossy().ends_with("_test.rego") {
                continue;
            }
            let text = std::fs::read_to_string(&file).map_err(|e| PolicyError {
                file: file.display().to_string(),
                line: 1,
                column: 1,
                message: e.to_string(),
            })?;
            self.add_source(&file.display().to_string(), &text)?;
        }
        Ok(())
    }
}

/// `*.rego` files of a directory, sorted.
pub fn rego_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rego") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Compiles a module alone to report syntax errors with their position.
pub(crate) fn check_syntax(origin: &str, text: &str) -> Result<(), PolicyError> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(origin.to_string(), text.to_string())
        .map_err(|e| regorus_error(origin, &e.to_string()))?;
    Ok(())
}

/// True when a module defines `rule` (possibly with `default`).
fn defines_rule(text: &str, rule: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix("default ").unwrap_or(l);
        l.strip_prefix(rule)
            .is_some_and(|rest| rest.starts_with([' ', ':', '=', '{', '\t']))
    })
}

/// regorus compiles a rule when it is first evaluated: evaluating the check's rules once on
/// an empty entity surfaces unknown functions and unsafe variables at load time, with their
/// positions, instead of as an error in every cell later.
fn check_compiles(origin: &str, text: &str, package: &str) -> Result<(), PolicyError> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(origin.to_string(), text.to_string())
        .map_err(|e| regorus_error(origin, &e.to_string()))?;
    let data = serde_json::json!({"yardstick": {"catalog": {"has_owners": false, "entities": {}}}});
    let input =
        serde_json::json!({"entity": {}, "ref": "", "facts": {}, "params": {}, "local": {}});
    engine
        .add_data(regorus::Value::from(data))
        .map_err(|e| regorus_error(origin, &e.to_string()))?;
    engine.set_input(regorus::Value::from(input));
    let defines = |rule: &str| defines_rule(text, rule);
    if !defines("result") {
        return Err(PolicyError {
            file: origin.to_string(),
            line: 1,
            column: 1,
            message: format!(
                "package {package} defines no `result` rule; see docs/policy-contract.md"
            ),
        });
    }
    for rule in ["applicable", "result"].into_iter().filter(|r| defines(r)) {
        engine
            .eval_rule(format!("data.{package}.{rule}"))
            .map_err(|e| regorus_error(origin, &e.to_string()))?;
    }
    Ok(())
}

/// Turns a regorus error (`--> file:line:col`, a source excerpt, `error: message`) into a
/// [`PolicyError`].
pub(crate) fn regorus_error(origin: &str, text: &str) -> PolicyError {
    let position = text.lines().find_map(|l| {
        let at = l.trim().strip_prefix("--> ")?;
        let mut parts = at.rsplitn(3, ':');
        let column = parts.next()?.trim().parse().ok()?;
        let line = parts.next()?.trim().parse().ok()?;
        Some((parts.next().unwrap_or(origin).to_string(), line, column))
    });
    let message = text
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("error:")
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| {
            text.lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or(text)
                .trim()
                .to_string()
        });
    let (file, line, column) = position.unwrap_or_else(|| (origin.to_string(), 1, 1));
    PolicyError {
        file,
        line,
        column,
        message,
    }
}

/// Reads the package name and the `# METADATA` block of a check.
fn parse_check(origin: &str, text: &str) -> Result<Check, PolicyError> {
    let err = |line: usize, message: String| PolicyError {
        file: origin.to_string(),
        line,
        column: 1,
        message,
    };
    let package_line = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim_start().starts_with("package "))
        .ok_or_else(|| err(1, "no package declaration".into()))?;
    let package = package_line
        .1
        .trim()
        .trim_start_matches("package ")
        .trim()
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == "# METADATA")
        .ok_or_else(|| {
            err(
                1,
                "a check needs a `# METADATA` block with custom.id and custom.severity".into(),
            )
        })?;
    let yaml: String = lines[start + 1..]
        .iter()
        .take_while(|l| l.trim_start().starts_with('#'))
        .map(|l| {
            let t = l.trim_start().trim_start_matches('#');
            format!("{}\n", t.strip_prefix(' ').unwrap_or(t))
        })
        .collect();
    let stream = parse_stream(&yaml, &Limits::default());
    let meta = stream
        .documents
        .first()
        .and_then(|d| d.root.clone())
        .filter(|r| r.as_map().is_some())
        .ok_or_else(|| err(start + 1, "the METADATA block is not a YAML mapping".into()))?;
    let custom = meta.get("custom");
    let field = |node: Option<&Node>, key: &str| {
        node.and_then(|n| n.get(key))
            .and_then(Node::as_str)
            .map(str::trim)
            .map(str::to_string)
    };
    let id =
        field(custom, "id").ok_or_else(|| err(start + 1, "METADATA lacks custom.id".into()))?;
    let severity_text = field(custom, "severity").ok_or_else(|| {
        err(
            start + 1,
            format!("check {id}: METADATA lacks custom.severity"),
        )
    })?;
    let severity = CheckSeverity::parse(&severity_text).ok_or_else(|| {
        err(
            start + 1,
            format!("check {id}: severity `{severity_text}` is not critical, high, medium or low"),
        )
    })?;
    let applies_to = custom
        .and_then(|c| c.get("applies_to"))
        .and_then(Node::as_seq)
        .map(|items| {
            items
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(Check {
        title: field(Some(&meta), "title").unwrap_or_else(|| id.clone()),
        description: field(Some(&meta), "description").unwrap_or_default(),
        remediation: field(custom, "remediation").unwrap_or_default(),
        id,
        severity,
        applies_to,
        package,
        origin: origin.to_string(),
        source: text.to_string(),
        // `default applicable := true` alone means always applicable: no need to evaluate it.
        defines_applicable: text.lines().any(|l| {
            let l = l.trim_start();
            (l.starts_with("applicable") && defines_rule(l, "applicable"))
                || (l.starts_with("default applicable") && !l.replace(' ', "").ends_with(":=true"))
        }),
    })
}

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
/// `_test.rego`.
pub fn run_rego_tests(modules: &[(String, String)]) -> Result<Vec<TestOutcome>, PolicyError> {
    let mut engine = regorus::Engine::new();
    let mut tests = Vec::new();
    for (origin, text) in modules {
        let package = engine
            .add_policy(origin.clone(), text.clone())
            .map_err(|e| regorus_error(origin, &e.to_string()))?;
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

/// The built-in check and test modules, as `(origin, source)` pairs.
pub fn builtin_modules() -> Vec<(String, String)> {
    BUILTIN
        .iter()
        .chain(BUILTIN_TESTS)
        .map(|(n, t)| (format!("builtin:{n}"), (*t).to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
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
}
