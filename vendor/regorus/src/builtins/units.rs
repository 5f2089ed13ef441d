// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.
#![allow(clippy::unused_trait_names)]
use alloc::borrow::Cow;
use core::str::FromStr;

use crate::ast::{Expr, Ref};
use crate::builtins;
use crate::builtins::utils::{ensure_args_count, ensure_string};
use crate::lexer::Span;
use crate::number::Number;
use crate::value::Value;
use crate::*;

use anyhow::{bail, Result};

pub fn register(m: &mut builtins::BuiltinsMap<&'static str, builtins::BuiltinFcn>) {
    m.insert("units.parse", (parse, 1));
    m.insert("units.parse_bytes", (parse_bytes, 1));
}

fn ten_exp(suffix: &str) -> Option<i32> {
    Some(match suffix {
        "E" | "e" => 18,
        "P" | "p" => 15,
        "T" | "t" => 12,
        "G" | "g" => 9,
        "M" => 6,
        "K" | "k" => 3,
        "m" => -3,

        // The following are not supported by OPA
        "Q" => 30,
        "R" => 27,
        "Y" => 24,
        "Z" => 21,
        "h" => 2,
        "da" => 1,
        "d" => -1,
        "c" => -2,

        "μ" => -6,
        "n" => -9,
        "f" => -15,
        "a" => -18,
        "z" => -21,
        "y" => -24,
        "r" => -27,
        "q" => -30,

        // No suffix specified.
        "" => 0,
        _ => return None,
    })
}

fn two_exp(suffix: &str) -> Option<i32> {
    Some(match suffix.to_ascii_lowercase().as_str() {
        "ki" => 10,
        "mi" => 20,
        "gi" => 30,
        "ti" => 40,
        "pi" => 50,
        "ei" => 60,
        "zi" => 70,
        "yi" => 80,
        _ => return None,
    })
}

fn parse(span: &Span, params: &[Ref<Expr>], args: &[Value], strict: bool) -> Result<Value> {
    let name = "units.parse";
    ensure_args_count(span, name, params, args, 1)?;
    let string = ensure_string(name, &params[0], &args[0])?;
    // OPA removes every quote, and refuses a space.
    let string = string.replace('"', "");
    if string.contains(' ') {
        bail!(span.error("spaces not allowed in resource strings"));
    }
    let (number_part, suffix) = match extract_number_and_unit(&string) {
        Some((number, _)) if number.is_empty() => {
            return refuse(span, strict, "units.parse: no amount provided")
        }
        Some(parts) => parts,
        None => return refuse(span, strict, "units.parse: exponent too large"),
    };
    // OPA lower-cases the unit after its first letter, so `m` and `M` differ.
    let mut chars = suffix.chars();
    let suffix: String = match chars.next() {
        Some(first) => core::iter::once(first)
            .chain(chars.as_str().to_lowercase().chars())
            .collect(),
        None => String::new(),
    };
    let suffix = suffix.as_str();

    // Canonicalize quirky literals (e.g. ".5", "-.1") so downstream parsing always sees
    // a stable representation that includes an explicit leading digit.
    let canonical_part = canonicalize_number_part(number_part);

    if let Some(e) = ten_exp(suffix) {
        let combined = combine_decimal_exponent(canonical_part.as_ref(), e)
            .ok_or_else(|| params[0].span().error("could not parse number"))?;
        let number = Number::from_str(&combined)
            .map_err(|_| params[0].span().error("could not parse number"))?;
        Ok(Value::from(number))
    } else if let Some(e) = two_exp(suffix) {
        let mut number = Number::from_str(canonical_part.as_ref())
            .map_err(|_| params[0].span().error("could not parse number"))?;
        number.mul_assign(&Number::two_pow(e)?)?;
        Ok(Value::from(number))
    } else {
        refuse(
            span,
            strict,
            &format!("units.parse: unit {suffix} not recognized"),
        )
    }
}

/// An error as OPA raises it in strict mode, undefined otherwise.
fn refuse(span: &Span, strict: bool, message: &str) -> Result<Value> {
    if strict {
        bail!(span.error(message))
    }
    Ok(Value::Undefined)
}

/// OPA's `extractNumAndUnit`: the number is the longest prefix of digits, `.`, `+`, `-`, and
/// `e`/`E` followed by a digit or sign (an exponent of at most 6 digits, else `None`); the
/// unit is the rest.
fn extract_number_and_unit(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    let mut idx = 0;
    while idx < bytes.len() {
        let b = bytes[idx];
        let numeric = b.is_ascii_digit() || b == b'.' || b == b'+' || b == b'-';
        if b == b'e' || b == b'E' {
            let next = bytes.get(idx + 1);
            if !next.is_some_and(|n| n.is_ascii_digit() || *n == b'+' || *n == b'-') {
                break;
            }
            if next.is_some_and(|n| *n == b'+' || *n == b'-') {
                idx += 1;
            }
            let digits = bytes[idx + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            if digits > 6 {
                return None;
            }
        } else if !numeric {
            break;
        }
        idx += 1;
    }
    Some(s.split_at(idx))
}

fn twob_exp(suffix: &str) -> Option<i32> {
    Some(match suffix.to_ascii_lowercase().as_str() {
        "yi" | "yib" => 80,
        "zi" | "zib" => 70,
        "ei" | "eib" => 60,
        "pi" | "pib" => 50,
        "ti" | "tib" => 40,
        "gi" | "gib" => 30,
        "mi" | "mib" => 20,
        "ki" | "kib" => 10,
        "" => 0,
        _ => return None,
    })
}

fn tenb_exp(suffix: &str) -> Option<i32> {
    Some(match suffix.to_ascii_lowercase().as_str() {
        "q" | "qb" => 30,
        "r" | "rb" => 27,
        "y" | "yb" => 24,
        "z" | "zb" => 21,
        "e" | "eb" => 18,
        "p" | "pb" => 15,
        "t" | "tb" => 12,
        "g" | "gb" => 9,
        "m" | "mb" => 6,
        "k" | "kb" => 3,
        _ => return None,
    })
}

fn parse_bytes(span: &Span, params: &[Ref<Expr>], args: &[Value], strict: bool) -> Result<Value> {
    let name = "units.parse_bytes";
    ensure_args_count(span, name, params, args, 1)?;
    let string = ensure_string(name, &params[0], &args[0])?;
    // OPA lower-cases the text, removes every quote, and refuses a space.
    let string = string.to_lowercase().replace('"', "");
    if string.contains(' ') {
        bail!(span.error("spaces not allowed in resource strings"));
    }
    let (number_part, suffix) = match extract_number_and_unit(&string) {
        Some((number, _)) if number.is_empty() => {
            return refuse(span, strict, "units.parse_bytes: no byte amount provided")
        }
        Some(parts) => parts,
        None => return refuse(span, strict, "units.parse_bytes: exponent too large"),
    };

    // Canonicalize quirky literals (e.g. ".5", "-.1") so downstream parsing always sees
    // a stable representation that includes an explicit leading digit.
    let canonical_part = canonicalize_number_part(number_part);

    if let Some(e) = twob_exp(suffix) {
        let mut number = match Number::from_str(canonical_part.as_ref()) {
            Ok(n) => n,
            Err(_) if strict => bail!(span.error("could not parse number")),
            Err(_) => return Ok(Value::Undefined),
        };
        number.mul_assign(&Number::two_pow(e)?)?;
        Ok(Value::from(truncate(&number)))
    } else if let Some(e) = tenb_exp(suffix) {
        let combined = match combine_decimal_exponent(canonical_part.as_ref(), e) {
            Some(s) => s,
            None if strict => bail!(span.error("could not parse number")),
            None => return Ok(Value::Undefined),
        };
        let number = match Number::from_str(&combined) {
            Ok(n) => n,
            Err(_) if strict => bail!(span.error("could not parse number")),
            Err(_) => return Ok(Value::Undefined),
        };
        Ok(Value::from(truncate(&number)))
    } else {
        refuse(
            span,
            strict,
            &format!("units.parse_bytes: byte unit {suffix} not recognized"),
        )
    }
}

/// The integer part, as Go's `big.Float.Int` truncates toward zero.
fn truncate(number: &Number) -> Number {
    if number.is_positive() {
        number.floor()
    } else {
        number.ceil()
    }
}

// Normalizes numbers that start with a decimal point by injecting the implicit leading zero.
// This means inputs like ".5" and "-.1" become "0.5" / "-0.1", which Number::from_str accepts.
fn canonicalize_number_part(number_part: &str) -> Cow<'_, str> {
    if let Some(rest) = number_part.strip_prefix("-.") {
        Cow::Owned(format!("-0.{rest}"))
    } else if let Some(rest) = number_part.strip_prefix("+.") {
        Cow::Owned(format!("+0.{rest}"))
    } else if let Some(rest) = number_part.strip_prefix('.') {
        Cow::Owned(format!("0.{rest}"))
    } else {
        Cow::Borrowed(number_part)
    }
}

// Adds the unit-derived exponent (from suffix) to any exponent already present in the literal.
// Produces a canonical `mantissa eX` string or returns None when the combined exponent overflows.
fn combine_decimal_exponent(number: &str, suffix_exp: i32) -> Option<String> {
    if suffix_exp == 0 {
        return Some(number.to_string());
    }

    let (mantissa, base_exp) = match split_decimal_exponent(number) {
        Some(parts) => parts,
        None => (number, 0),
    };

    if mantissa.is_empty() {
        return None;
    }

    let combined_exp = base_exp.checked_add(suffix_exp)?;

    if combined_exp == 0 {
        Some(mantissa.to_string())
    } else {
        Some(format!("{}e{}", mantissa, combined_exp))
    }
}

// Splits scientific notation ("1.2e3") into mantissa/exponent so callers can adjust the exponent.
// Returns None when no exponent exists or the tail cannot be parsed into a 32-bit integer.
fn split_decimal_exponent(number: &str) -> Option<(&str, i32)> {
    let idx = number.find(['e', 'E'])?;
    let mantissa = &number[..idx];
    let exp_part = &number[idx + 1..];
    if exp_part.is_empty() {
        return None;
    }
    let exponent = exp_part.parse::<i32>().ok()?;
    Some((mantissa, exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each expectation is what OPA's extractNumAndUnit returns.
    #[test]
    fn numbers_and_units_split_as_opa_splits_them() {
        assert_eq!(extract_number_and_unit("10ki"), Some(("10", "ki")));
        assert_eq!(extract_number_and_unit("1."), Some(("1.", "")));
        assert_eq!(extract_number_and_unit(".5"), Some((".5", "")));
        assert_eq!(extract_number_and_unit("+1"), Some(("+1", "")));
        assert_eq!(extract_number_and_unit("1e3"), Some(("1e3", "")));
        assert_eq!(extract_number_and_unit("1e-3k"), Some(("1e-3", "k")));
        assert_eq!(extract_number_and_unit("1e"), Some(("1", "e")));
        assert_eq!(extract_number_and_unit("1eb"), Some(("1", "eb")));
        assert_eq!(extract_number_and_unit("0x10"), Some(("0", "x10")));
        assert_eq!(extract_number_and_unit("mb"), Some(("", "mb")));
        assert_eq!(extract_number_and_unit("1e1234567"), None);
    }

    #[test]
    fn byte_counts_truncate_toward_zero() {
        assert_eq!(truncate(&Number::from(0.5)), Number::from(0_u64));
        assert_eq!(truncate(&Number::from(-1.5)), Number::from(-1_i64));
        assert_eq!(truncate(&Number::from(2.999)), Number::from(2_u64));
    }
}
