// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.
#![allow(clippy::as_conversions, clippy::pattern_type_mismatch)]

use crate::ast::{Expr, Ref};
use crate::builtins;
use crate::builtins::utils::{ensure_args_count, ensure_string};
use crate::lexer::Span;
use crate::value::Value;

use alloc::format;
use core::cmp::Ordering;

use anyhow::Result;

pub fn register(m: &mut builtins::BuiltinsMap<&'static str, builtins::BuiltinFcn>) {
    m.insert("semver.compare", (compare, 2));
    m.insert("semver.is_valid", (is_valid, 1));
}

/// A version as OPA's `internal/semver` parses it: an optional leading `v`, three
/// dot-separated integers as Go's `strconv.ParseInt` reads them (so `01` is one), and pre-release and build identifiers of `[0-9A-Za-z-]`.
#[derive(Debug, PartialEq, Eq)]
struct GoSemver<'a> {
    major: i64,
    minor: i64,
    patch: i64,
    pre_release: &'a str,
}

fn cut(s: &str, sep: char) -> (&str, &str) {
    s.split_once(sep).unwrap_or((s, ""))
}

fn is_identifier_list(s: &str) -> bool {
    s.split('.')
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// Go's `strconv.ParseInt(s, 10, 64)`: an optional sign, then decimal digits.
fn go_parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse::<i64>().ok()
}

fn parse(version: &str) -> Option<GoSemver<'_>> {
    let version = version.strip_prefix('v').unwrap_or(version);
    let (version, metadata) = cut(version, '+');
    if !metadata.is_empty() && !is_identifier_list(metadata) {
        return None;
    }
    let (version, pre_release) = cut(version, '-');
    if !pre_release.is_empty() && !is_identifier_list(pre_release) {
        return None;
    }
    if version.matches('.').count() != 2 {
        return None;
    }
    let (major, rest) = cut(version, '.');
    let (minor, patch) = cut(rest, '.');
    Some(GoSemver {
        major: go_parse_int(major)?,
        minor: go_parse_int(minor)?,
        patch: go_parse_int(patch)?,
        pre_release,
    })
}

fn is_all_decimals(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// OPA's `Version.Compare`: numbers, then pre-release identifiers (none is greatest; numeric
/// below alphanumeric; numbers by value as `strconv.Atoi` reads them, 0 when out of range).
fn compare_versions(a: &GoSemver<'_>, b: &GoSemver<'_>) -> Ordering {
    let numbers = (a.major, a.minor, a.patch).cmp(&(b.major, b.minor, b.patch));
    if numbers != Ordering::Equal || a.pre_release == b.pre_release {
        return numbers;
    }
    if a.pre_release.is_empty() {
        return Ordering::Greater;
    }
    if b.pre_release.is_empty() {
        return Ordering::Less;
    }
    let mut left = a.pre_release.split('.');
    let mut right = b.pre_release.split('.');
    loop {
        let (x, y) = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => (x, y),
        };
        let order = match (is_all_decimals(x), is_all_decimals(y)) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (true, true) => {
                let value = |s: &str| s.parse::<i64>().unwrap_or(0);
                value(x).cmp(&value(y))
            }
            (false, false) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

fn compare(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    let name = "semver.compare";
    ensure_args_count(span, name, params, args, 2)?;

    let v1 = ensure_string(name, &params[0], &args[0])?;
    let v2 = ensure_string(name, &params[1], &args[1])?;
    let version1 = parse(&v1).ok_or_else(|| {
        params[0]
            .span()
            .error(&format!("operand 1: string {v1} is not a valid SemVer"))
    })?;
    let version2 = parse(&v2).ok_or_else(|| {
        params[1]
            .span()
            .error(&format!("operand 2: string {v2} is not a valid SemVer"))
    })?;
    let result: i64 = match compare_versions(&version1, &version2) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    };
    Ok(Value::from(result))
}

/// Any value that is not a valid version string, a non-string included, is `false` (OPA does
/// not raise a type error here).
fn is_valid(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    let name = "semver.is_valid";
    ensure_args_count(span, name, params, args, 1)?;
    Ok(Value::Bool(match &args[0] {
        Value::String(s) => parse(s).is_some(),
        _ => false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Option<Ordering> {
        Some(compare_versions(&parse(a)?, &parse(b)?))
    }

    // Each expectation is what OPA's internal/semver gives.
    #[test]
    fn versions_parse_as_opa_parses_them() {
        assert!(parse("1.2.3").is_some());
        assert!(parse("v1.2.3").is_some());
        assert!(parse("01.2.3").is_some());
        // `+` starts the build metadata before ParseInt could read a sign.
        assert!(parse("+1.2.3").is_none());
        assert!(parse("1.2.3-rc.1+build.5").is_some());
        assert!(parse("1.2").is_none());
        assert!(parse("1.2.3.4").is_none());
        assert!(parse("vv1.2.3").is_none());
        assert!(parse("1.2.3-").is_some());
        assert!(parse("1.2.3-a..b").is_none());
        assert!(parse("1.2.3+b_c").is_none());
        assert!(parse("1_0.2.3").is_none());
    }

    #[test]
    fn versions_compare_as_opa_compares_them() {
        assert_eq!(cmp("v1.2.3", "1.2.3"), Some(Ordering::Equal));
        assert_eq!(cmp("01.2.3", "1.2.3"), Some(Ordering::Equal));
        assert_eq!(cmp("1.2.3", "1.10.0"), Some(Ordering::Less));
        assert_eq!(cmp("2.0.0-rc.1", "2.0.0"), Some(Ordering::Less));
        assert_eq!(
            cmp("2.0.0-alpha.10", "2.0.0-alpha.9"),
            Some(Ordering::Greater)
        );
        assert_eq!(cmp("2.0.0-alpha", "2.0.0-alpha.1"), Some(Ordering::Less));
        assert_eq!(cmp("2.0.0-1", "2.0.0-a"), Some(Ordering::Less));
        assert_eq!(cmp("1.0.0+build.5", "1.0.0+build.6"), Some(Ordering::Equal));
    }
}
