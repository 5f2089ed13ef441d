//! Checks written in Rego: the built-in ones compiled into the crate, user ones from
//! directories or strings, each described by its OPA `# METADATA` block.
//!
//! The parts: `builtin` holds the built-in modules, `load` compiles a module and reads its
//! metadata (errors with their positions), `calls` resolves every function call at load
//! time (`unavailable` names the OPA built-ins a check may not call), `clock` fixes
//! `time.now_ns` for a run, `reads` finds the `input` paths a check can read (for
//! memoising its results), `rego_tests` runs `test_` rules like `opa test`.

use std::fmt;
use std::path::{Path, PathBuf};

mod builtin;
mod calls;
mod clock;
mod load;
#[cfg(test)]
mod opa_diff;
mod reads;
mod rego_tests;
#[cfg(test)]
mod tests;
mod unavailable;

pub use builtin::builtin_modules;
pub(crate) use builtin::is_builtin_source;
pub use clock::{parse_now, utc_date_of};
pub(crate) use clock::{pin_clock, system_now_ns};
pub(crate) use load::regorus_error;
pub(crate) use reads::{static_reads, InputPath, Reads};
pub use rego_tests::{run_rego_tests, TestOutcome};

use builtin::BUILTIN;
use calls::check_calls;
pub(crate) use calls::nearest_name;
use load::{check_compiles, check_syntax, parse_check, require_result};

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

/// Every problem found while loading policy files, in file and line order: loading
/// reports them all, not just the first (`Display` writes one per line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyErrors {
    /// The problems; never empty.
    pub errors: Vec<PolicyError>,
}

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl From<PolicyError> for PolicyErrors {
    fn from(error: PolicyError) -> Self {
        PolicyErrors {
            errors: vec![error],
        }
    }
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
    pub fn builtin() -> Result<Self, PolicyErrors> {
        let mut set = PolicySet::default();
        let sources: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(name, text)| (format!("builtin:{name}"), (*text).to_string()))
            .collect();
        set.add_sources(&sources)?;
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
    /// rejected here: a check must say what it is. See [`PolicySet::add_sources`] for what
    /// is checked.
    ///
    /// ```
    /// let mut set = yardstick::PolicySet::default();
    /// let text = "# METADATA\n# custom:\n#   id: typo\n#   severity: low\npackage typo\n\
    ///             result := {\"status\": \"pass\"} if is_numbr(input.n)\n";
    /// let errors = set.add_source("typo.rego", text).unwrap_err().errors;
    /// assert_eq!((errors[0].line, errors[0].column), (6, 33));
    /// assert!(errors[0].message.contains("did you mean `is_number`?"));
    /// ```
    pub fn add_source(&mut self, origin: &str, text: &str) -> Result<(), PolicyErrors> {
        self.add_sources(&[(origin.to_string(), text.to_string())])
    }

    /// Adds checks from `(origin, source)` pairs, all or none. Each source is checked for
    /// syntax, its `# METADATA` block and a `result` rule; every function call in every
    /// rule must name a function of the loaded modules or a builtin of this build, with
    /// the right number of arguments, wherever it sits (behind a guard, in an `else`, in a
    /// comprehension); and each check is evaluated once on an empty entity with every
    /// module loaded, which surfaces unsafe variables and other errors regorus finds only
    /// when it prepares a rule. Every problem of every source is reported.
    pub fn add_sources(&mut self, sources: &[(String, String)]) -> Result<(), PolicyErrors> {
        let mut errors = Vec::new();
        let mut loaded = Vec::new();
        for (origin, text) in sources {
            let check = check_syntax(origin, text).and_then(|()| parse_check(origin, text));
            match check.and_then(|c| require_result(origin, text, &c.package).map(|()| c)) {
                Ok(check) => loaded.push(check),
                Err(error) => errors.push(error),
            }
        }
        let kept: Vec<&Check> = self
            .checks
            .iter()
            .filter(|c| !loaded.iter().any(|l| l.id == c.id))
            .collect();
        let new: Vec<&Check> = loaded.iter().collect();
        let reported = new.iter().map(|c| c.origin.as_str()).collect();
        let call_errors = check_calls(&module_sources(&kept, &new), &reported);
        let callable: Vec<&Check> = new
            .into_iter()
            .filter(|c| !call_errors.iter().any(|e| e.file == c.origin))
            .collect();
        errors.extend(call_errors);
        errors.extend(check_compiles(&module_sources(&kept, &callable), &callable));
        if !errors.is_empty() {
            errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            errors.dedup();
            return Err(PolicyErrors { errors });
        }
        for check in loaded {
            self.checks.retain(|c| c.id != check.id);
            self.checks.push(check);
        }
        self.checks.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(())
    }

    /// Adds every `*.rego` file of a directory (tests, `*_test.rego`, are skipped), all or
    /// none, reporting every problem of every file.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), PolicyErrors> {
        let files = rego_files(dir).map_err(|e| PolicyError {
            file: dir.display().to_string(),
            line: 1,
            column: 1,
            message: e.to_string(),
        })?;
        let mut sources = Vec::new();
        let mut errors = Vec::new();
        for file in files {
            if file.to_string_lossy().ends_with("_test.rego") {
                continue;
            }
            match std::fs::read_to_string(&file) {
                Ok(text) => sources.push((file.display().to_string(), text)),
                Err(e) => errors.push(PolicyError {
                    file: file.display().to_string(),
                    line: 1,
                    column: 1,
                    message: e.to_string(),
                }),
            }
        }
        // A file that cannot be read fails the whole directory; the others are still checked.
        let mut trial = self.clone();
        match trial.add_sources(&sources) {
            Ok(()) if errors.is_empty() => {
                *self = trial;
                Ok(())
            }
            Ok(()) => Err(PolicyErrors { errors }),
            Err(more) => {
                errors.extend(more.errors);
                Err(PolicyErrors { errors })
            }
        }
    }
}

/// The `(origin, source)` pairs of two lists of checks.
fn module_sources<'c>(first: &[&'c Check], then: &[&'c Check]) -> Vec<(&'c str, &'c str)> {
    first
        .iter()
        .chain(then)
        .map(|c| (c.origin.as_str(), c.source.as_str()))
        .collect()
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
