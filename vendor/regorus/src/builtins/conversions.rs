// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

#![allow(clippy::unseparated_literal_suffix, clippy::pattern_type_mismatch)]

use crate::ast::{Expr, Ref};
use crate::builtins;
use crate::builtins::utils::ensure_args_count;
use crate::lexer::Span;
use crate::value::Value;
use crate::*;

use anyhow::{bail, Result};

pub fn register(m: &mut builtins::BuiltinsMap<&'static str, builtins::BuiltinFcn>) {
    m.insert("to_number", (to_number, 1));
}

fn to_number(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    let name = "to_number";
    ensure_args_count(span, name, params, args, 1)?;

    let span = params[0].span();
    Ok(match &args[0] {
        Value::Null => Value::from(0u64),
        Value::Bool(true) => Value::from(1u64),
        Value::Bool(false) => Value::from(0u64),
        Value::Number(_) => args[0].clone(),
        // OPA reads the text with Go's `strconv.ParseFloat`, so `.5`, `1.`, `+1`, `007`,
        // `1_000` and hexadecimal `0x1p-2` are numbers, while `0x10` (no binary exponent),
        // `1e3x` and a value beyond the float range are errors.
        Value::String(s) => match go_float_text(s) {
            Some(GoFloat::Decimal(json)) if json.parse::<f64>().is_ok_and(f64::is_finite) => {
                match Value::from_json_str(&json) {
                    Ok(Value::Number(n)) => Value::Number(n),
                    _ => bail!(span.error("could not parse string as number")),
                }
            }
            Some(GoFloat::Hex(f)) if f.is_finite() => Value::from(f),
            Some(_) => bail!(span.error(&format!(
                "could not parse string as number: parsing {s:?}: value out of range"
            ))),
            None => bail!(span.error(&format!(
                "could not parse string as number: parsing {s:?}: invalid syntax"
            ))),
        },
        _ => {
            bail!(
                span.error(format!("`{name}` expects bool/number/string/null argument.").as_str())
            );
        }
    })
}

/// A number's text as Go's `strconv.ParseFloat` accepts it: decimal (rewritten as JSON) or
/// hexadecimal with a binary exponent (evaluated). `Inf` and `NaN` are outside JSON's numbers.
enum GoFloat {
    Decimal(String),
    Hex(f64),
    Special,
}

// Go's `readFloat`: sign, `0x` prefix, digits with one `.`, exponent (`e`, or `p` and
// required for hexadecimal), underscores only between digits.
fn go_float_text(s: &str) -> Option<GoFloat> {
    let b = s.as_bytes();
    let (negative, mut i) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let body = s.get(i..)?.to_ascii_lowercase();
    if matches!(body.as_str(), "inf" | "infinity") || (i == 0 && body == "nan") {
        return Some(GoFloat::Special);
    }
    let hex = b.len() >= i + 2 && b[i] == b'0' && b[i + 1].eq_ignore_ascii_case(&b'x');
    if hex {
        i += 2;
    }
    let (mut integer, mut fraction) = (String::new(), String::new());
    let (mut saw_dot, mut saw_digits, mut underscores) = (false, false, false);
    while let Some(&c) = b.get(i) {
        match c {
            b'_' => underscores = true,
            b'.' if !saw_dot => saw_dot = true,
            c if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) => {
                saw_digits = true;
                if saw_dot { &mut fraction } else { &mut integer }.push(char::from(c));
            }
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    let exp_char = if hex { b'p' } else { b'e' };
    let mut exp: i64 = 0;
    if b.get(i).is_some_and(|c| c.eq_ignore_ascii_case(&exp_char)) {
        i += 1;
        let sign = match b.get(i) {
            Some(b'-') => -1,
            Some(b'+') => 1,
            _ => 0,
        };
        if sign != 0 {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while let Some(&c) = b.get(i) {
            match c {
                b'_' => underscores = true,
                c if c.is_ascii_digit() => exp = (exp * 10 + i64::from(c - b'0')).min(100_000),
                _ => break,
            }
            i += 1;
        }
        exp *= if sign < 0 { -1 } else { 1 };
    } else if hex {
        return None;
    }
    if i != b.len() || (underscores && !underscores_ok(s)) {
        return None;
    }
    let sign = if negative { "-" } else { "" };
    if hex {
        let digits = integer.clone() + &fraction;
        let mut value = 0.0f64;
        for c in digits.chars() {
            value = value * 16.0 + f64::from(c.to_digit(16)?);
        }
        let scale = exp - 4 * fraction.len() as i64;
        let value = value * 2f64.powi(scale.clamp(-2000, 2000) as i32);
        return Some(GoFloat::Hex(if negative { -value } else { value }));
    }
    let integer = integer.trim_start_matches('0');
    let integer = if integer.is_empty() { "0" } else { integer };
    let fraction = if fraction.is_empty() { String::new() } else { format!(".{fraction}") };
    let exponent = if exp == 0 { String::new() } else { format!("e{exp}") };
    Some(GoFloat::Decimal(format!("{sign}{integer}{fraction}{exponent}")))
}

// Go's `underscoreOK`: each underscore sits between digits (or after the base prefix).
fn underscores_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = s.as_bytes();
    let hex = b.len() >= 2 && b[0] == b'0' && b[1].eq_ignore_ascii_case(&b'x');
    let (mut saw, start) = if hex { ('0', 2) } else { ('^', 0) };
    for &c in &b[start..] {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = '0';
        } else if c == b'_' {
            if saw != '0' {
                return false;
            }
            saw = '_';
        } else {
            if saw == '_' {
                return false;
            }
            saw = '!';
        }
    }
    saw != '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Option<String> {
        match go_float_text(text)? {
            GoFloat::Decimal(json) => Some(json),
            GoFloat::Hex(f) => Some(format!("hex {f}")),
            GoFloat::Special => Some("special".to_string()),
        }
    }

    // What Go's strconv.ParseFloat (and so OPA's to_number) accepts and refuses.
    #[test]
    fn to_number_reads_what_go_parse_float_reads() {
        assert_eq!(number(".5").as_deref(), Some("0.5"));
        assert_eq!(number("1.").as_deref(), Some("1"));
        assert_eq!(number("+1").as_deref(), Some("1"));
        assert_eq!(number("-007.50").as_deref(), Some("-7.50"));
        assert_eq!(number("1_000e1_0").as_deref(), Some("1000e10"));
        assert_eq!(number("1E-3").as_deref(), Some("1e-3"));
        assert_eq!(number("0x1p-2").as_deref(), Some("hex 0.25"));
        assert_eq!(number("0x_1.8P1").as_deref(), Some("hex 3"));
        assert_eq!(number("Inf").as_deref(), Some("special"));
        for refused in [
            "0x10", "", ".", "+", "1e", "1e+", "1..2", "1_", "_1", "1__0", "1e3x", " 1", "0x", "+nan",
            "10Ki", "1.5G", "12mb",
        ] {
            assert_eq!(number(refused), None, "{refused:?}");
        }
    }
}
