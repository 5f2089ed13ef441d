//! Loading a check: syntax and compile errors with their positions, and the package and
//! `# METADATA` block that describe it.

use super::{Check, CheckSeverity, PolicyError};
use crate::yaml::{parse_stream, Limits, Node};

/// Compiles a module alone to report syntax errors with their position.
pub(crate) fn check_syntax(origin: &str, text: &str) -> Result<(), PolicyError> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(origin.to_string(), text.to_string())
        .map_err(|e| in_characters(regorus_error(origin, &e.to_string()), &[(origin, text)]))?;
    Ok(())
}

/// A regorus error with its column counted in characters, as editors count it: regorus
/// counts a tab as four columns and a string's characters in bytes. `sources` are the
/// `(origin, text)` pairs the error may point into.
pub(super) fn in_characters(mut error: PolicyError, sources: &[(&str, &str)]) -> PolicyError {
    let Some((_, text)) = sources.iter().find(|(origin, _)| *origin == error.file) else {
        return error;
    };
    let Some(line) = text.lines().nth(error.line.saturating_sub(1)) else {
        return error;
    };
    let mut regorus_column = 1;
    for (index, ch) in line.chars().enumerate() {
        if regorus_column >= error.column {
            error.column = index + 1;
            return error;
        }
        regorus_column += if ch == '\t' { 4 } else { ch.len_utf8() };
    }
    error
}

/// True when a module defines `rule` (possibly with `default`).
pub(super) fn defines_rule(text: &str, rule: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix("default ").unwrap_or(l);
        l.strip_prefix(rule)
            .is_some_and(|rest| rest.starts_with([' ', ':', '=', '{', '\t']))
    })
}

/// A check without a `result` rule has nothing to say about an entity.
pub(super) fn require_result(origin: &str, text: &str, package: &str) -> Result<(), PolicyError> {
    if defines_rule(text, "result") {
        return Ok(());
    }
    Err(PolicyError {
        file: origin.to_string(),
        line: 1,
        column: 1,
        message: format!("package {package} defines no `result` rule; see docs/policy-contract.md"),
    })
}

/// Evaluates the rules of `checks` once on an empty entity, with every module of
/// `modules` loaded, so that what regorus reports only when it prepares or evaluates a
/// rule (unsafe variables, conflicts, errors on an empty entity) is a load error with its
/// position.
///
/// regorus stops at the first problem of all the modules it prepares, so the module at
/// fault is set aside and the rest tried again: one error per faulty file, each naming
/// the right file.
pub(super) fn check_compiles(modules: &[(&str, &str)], checks: &[&Check]) -> Vec<PolicyError> {
    let mut active: Vec<(&str, &str)> = modules.to_vec();
    let mut pending: Vec<&Check> = checks.to_vec();
    let mut errors = Vec::new();
    while let Some(failure) = first_failure(&active, &pending) {
        let (check, error) = match failure {
            Failure::Load(error) => (None, error),
            Failure::Check(check, error) => (Some(check), error),
        };
        // The error may lie in another module the check reaches (or that regorus prepared
        // first); that module is the one to set aside.
        let at_fault = match active.iter().find(|(origin, _)| *origin == error.file) {
            Some((origin, _)) => (*origin).to_string(),
            None => check.map_or_else(|| error.file.clone(), |c| c.origin.clone()),
        };
        let before = (active.len(), pending.len());
        active.retain(|(origin, _)| *origin != at_fault);
        pending.retain(|c| c.origin != at_fault);
        errors.push(error);
        if (active.len(), pending.len()) == before {
            break; // nothing set aside: trying again would fail the same way
        }
    }
    errors
}

/// Why evaluating the pending checks stopped.
enum Failure<'c> {
    /// A module did not load (or data could not be added).
    Load(PolicyError),
    /// Evaluating this check's rules failed.
    Check(&'c Check, PolicyError),
}

/// The first error of evaluating `checks` with `modules` loaded, if any.
fn first_failure<'c>(modules: &[(&str, &str)], checks: &[&'c Check]) -> Option<Failure<'c>> {
    let mut engine = regorus::Engine::new();
    for (origin, text) in modules {
        if let Err(e) = engine.add_policy((*origin).to_string(), (*text).to_string()) {
            let error = regorus_error(origin, &e.to_string());
            return Some(Failure::Load(in_characters(error, modules)));
        }
    }
    let data = serde_json::json!({"yardstick": {"catalog": {"has_owners": false, "entities": {}}}});
    if let Err(e) = engine.add_data(regorus::Value::from(data)) {
        return Some(Failure::Load(regorus_error("data", &e.to_string())));
    }
    let input =
        serde_json::json!({"entity": {}, "ref": "", "facts": {}, "params": {}, "local": {}});
    engine.set_input(regorus::Value::from(input));
    for check in checks {
        let rules = ["applicable", "result"]
            .into_iter()
            .filter(|rule| defines_rule(&check.source, rule));
        for rule in rules {
            if let Err(e) = engine.eval_rule(format!("data.{}.{rule}", check.package)) {
                let error = regorus_error(&check.origin, &e.to_string());
                return Some(Failure::Check(check, in_characters(error, modules)));
            }
        }
    }
    None
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
pub(super) fn parse_check(origin: &str, text: &str) -> Result<Check, PolicyError> {
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
