//! Checks written in Rego: the built-in ones compiled into the crate, user ones from
//! directories or strings, each described by its OPA `# METADATA` block.
//!
//! The parts: `builtin` holds the built-in modules, `load` compiles a module and reads its
//! metadata (errors with their positions), `rego_tests` runs `test_` rules like `opa test`.

use std::fmt;
use std::path::{Path, PathBuf};

mod builtin;
mod load;
mod rego_tests;
#[cfg(test)]
mod tests;

pub use builtin::builtin_modules;
pub(crate) use builtin::is_builtin_source;
pub(crate) use load::regorus_error;
pub use rego_tests::{run_rego_tests, TestOutcome};

use builtin::BUILTIN;
use load::{check_compiles, check_syntax, parse_check};

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
