//! Scalar resolution: plain scalars as the YAML 1.2 core schema (or YAML 1.1, after a
//! `%YAML 1.1` directive) types them, and tagged scalars.

use super::Value;
use crate::util::civil_date::{civil_from_days, days_from_civil};

/// JavaScript's `String(number)` for the numbers YAML can produce.
pub fn js_number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    let abs = n.abs();
    if (1e-6..1e21).contains(&abs) {
        // Rust's shortest round-trip formatting matches JavaScript in this range.
        let s = format!("{n}");
        return s;
    }
    // Exponent form: 1e+21, 1.5e-7.
    let s = format!("{n:e}");
    match s.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => s,
    }
}

/// Resolves an untagged plain scalar by the YAML 1.2 core schema, in the npm reader's order.
pub fn resolve_plain(s: &str) -> Value {
    plain_non_string(s).unwrap_or_else(|| Value::String(s.to_string()))
}

/// [`resolve_plain`] for a scalar that is not a string; `None` when it is the string `s`
/// itself, found without copying it.
pub(super) fn plain_non_string(s: &str) -> Option<Value> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Some(Value::Null),
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => number(s).map(Value::Number),
    }
}

/// Resolves an untagged plain scalar by the npm reader's YAML 1.1 schema (after `%YAML 1.1`).
pub fn resolve_plain_11(s: &str) -> Value {
    if matches!(s, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if matches!(
        s,
        "Y" | "y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON"
    ) {
        return Value::Bool(true);
    }
    if matches!(
        s,
        "N" | "n" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF"
    ) {
        return Value::Bool(false);
    }
    let negative = s.starts_with('-');
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let sign = if negative { -1.0 } else { 1.0 };
    if let Some(n) = unsigned.strip_prefix("0b").and_then(|d| radix_11(d, 2)) {
        return Value::Number(sign * n);
    }
    if unsigned.len() > 1 && unsigned.starts_with('0') && !unsigned.starts_with("0x") {
        if let Some(n) = radix_11(&unsigned[1..], 8) {
            return Value::Number(sign * n);
        }
    }
    if decimal_11(unsigned) {
        return Value::Number(sign * radix_11(unsigned, 10).unwrap_or(0.0));
    }
    if let Some(n) = unsigned.strip_prefix("0x").and_then(|d| radix_11(d, 16)) {
        return Value::Number(sign * n);
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Value::Number(sign * f64::INFINITY);
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Value::Number(f64::NAN);
    }
    if let Some(n) = float_11(s, unsigned) {
        return Value::Number(n);
    }
    if let Some(n) = sexagesimal_11(unsigned) {
        return Value::Number(sign * n);
    }
    if let Some(iso) = timestamp_to_iso(s) {
        return Value::String(iso);
    }
    Value::String(s.to_string())
}

/// YAML 1.1 digits in `radix`, with `_` separators allowed.
fn radix_11(digits: &str, radix: u32) -> Option<f64> {
    if digits.is_empty() || !digits.chars().all(|c| c == '_' || c.is_digit(radix)) {
        return None;
    }
    Some(digits.chars().filter(|c| *c != '_').fold(0.0, |acc, c| {
        acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
    }))
}

/// A YAML 1.1 decimal integer without sign: a digit, then digits and `_`.
fn decimal_11(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_digit()) && t.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// YAML 1.1 floats: `[0-9][0-9_]*` optional, `.`, `[0-9_]*`, optional exponent (required
/// without a dot).
fn float_11(s: &str, unsigned: &str) -> Option<f64> {
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let int_ok = |t: &str| t.is_empty() || decimal_11(t);
    let frac_ok = |t: &str| t.chars().all(|c| c.is_ascii_digit() || c == '_');
    let exp_ok = exponent.is_none_or(|e| {
        let d = e.strip_prefix(['-', '+']).unwrap_or(e);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    });
    let mantissa_ok = match mantissa.split_once('.') {
        Some((i, f)) => int_ok(i) && frac_ok(f),
        None => exponent.is_some() && int_ok(mantissa),
    };
    if !(mantissa_ok && exp_ok && unsigned != ".") {
        return None;
    }
    let clean: String = s.chars().filter(|c| *c != '_').collect();
    clean.trim_end_matches('.').parse::<f64>().ok().or_else(|| {
        clean
            .replace(".e", ".0e")
            .replace(".E", ".0E")
            .parse::<f64>()
            .ok()
    })
}

/// YAML 1.1 sexagesimal ints and floats (`190:20:30`), without their sign.
fn sexagesimal_11(unsigned: &str) -> Option<f64> {
    let (head, _) = unsigned.split_once(':')?;
    if !decimal_11(head) {
        return None;
    }
    let parts: Vec<&str> = unsigned.split(':').collect();
    let (last, rest) = parts.split_last().unwrap_or((&"", &[]));
    let (last_int, last_frac) = last.split_once('.').unwrap_or((last, ""));
    let small = |t: &str| {
        (1..=2).contains(&t.len())
            && t.bytes().all(|b| b.is_ascii_digit())
            && t.parse::<u32>().is_ok_and(|v| v < 60)
    };
    let frac_digits = last_frac.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !(rest.iter().skip(1).all(|p| small(p)) && small(last_int) && frac_digits) {
        return None;
    }
    let mut total = 0.0;
    for p in rest {
        total = total * 60.0 + radix_11(p, 10).unwrap_or(0.0);
    }
    let tail: f64 = format!("{last_int}.{}", last_frac.replace('_', ""))
        .trim_end_matches('.')
        .parse()
        .unwrap_or(0.0);
    Some(total * 60.0 + tail)
}

/// A YAML 1.1 timestamp as JavaScript's `Date.toJSON()` prints it, or `None`.
pub(super) fn timestamp_to_iso(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let num = |t: &str| t.parse::<i64>().ok();
    let (date, time) = match s.find(['t', 'T', ' ', '\t']) {
        Some(i) if i >= 8 => (&s[..i], Some(s[i + 1..].trim_start_matches([' ', '\t']))),
        _ => (s, None),
    };
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || !(1..=2).contains(&m.len())
        || !(1..=2).contains(&d.len())
    {
        return None;
    }
    if !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (year, month, day) = (num(y)?, num(m)?, num(d)?);
    let (mut hour, mut minute, mut second, mut millis, mut offset_min) = (0, 0, 0, 0, 0);
    if let Some(t) = time {
        let split = t.find(['Z', '+', '-', ' ', '\t']).unwrap_or(t.len());
        let (clock, zone) = t.split_at(split);
        let mut c = clock.split(':');
        let (h, mi, sec) = (c.next()?, c.next()?, c.next()?);
        if c.next().is_some() || !(1..=2).contains(&h.len()) || !(1..=2).contains(&mi.len()) {
            return None;
        }
        let (sec_int, frac) = sec.split_once('.').unwrap_or((sec, ""));
        if !(1..=2).contains(&sec_int.len())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (sec.contains('.') && frac.is_empty())
        {
            return None;
        }
        hour = num(h)?;
        minute = num(mi)?;
        second = num(sec_int)?;
        millis = num(&format!("{frac}00")[..3]).unwrap_or(0);
        let zone = zone.trim_start_matches([' ', '\t']);
        if !zone.is_empty() && zone != "Z" {
            let (sign, z) = match (zone.strip_prefix('-'), zone.strip_prefix('+')) {
                (Some(z), _) => (-1, z),
                (None, Some(z)) => (1, z),
                _ => return None,
            };
            let (zh, zm) = z.split_once(':').unwrap_or((z, "0"));
            let mut d = num(zh)? * 60 + num(zm)?;
            if num(zh)?.abs() >= 30 && !z.contains(':') {
                d = num(zh)?;
            }
            offset_min = sign * d;
        }
    } else if date.len() != s.len() {
        return None;
    }
    // Date.UTC normalises out-of-range months and days.
    let total_months = year * 12 + (month - 1);
    let (y0, m0) = (total_months.div_euclid(12), total_months.rem_euclid(12) + 1);
    let days = days_from_civil(y0, m0, 1) + day - 1;
    let ms = ((days * 24 + hour) * 60 + minute - offset_min) * 60_000 + second * 1000 + millis;
    let (days, rem) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (yy, mm, dd) = civil_from_days(days);
    if !(0..=9999).contains(&yy) {
        return None;
    }
    Some(format!(
        "{yy:04}-{mm:02}-{dd:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    ))
}

/// The core schema's int and float forms, or `None` for a string.
fn number(s: &str) -> Option<f64> {
    // Every form below starts with a digit, a sign or a dot; most scalars are words.
    if !s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
    {
        return None;
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return Some(
                oct.bytes()
                    .fold(0.0, |acc, b| acc * 8.0 + f64::from(b - b'0')),
            );
        }
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let negative = s.starts_with('-');
    if digits(unsigned) {
        return s.parse::<f64>().ok();
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Some(hex.chars().fold(0.0, |acc, c| {
                acc * 16.0 + f64::from(c.to_digit(16).unwrap_or(0))
            }));
        }
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    // [0-9]+ . [0-9]*  |  . [0-9]+   with an optional exponent.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (digits(int) && (frac.is_empty() || digits(frac))) || (int.is_empty() && digits(frac))
        }
        None => exponent.is_some() && digits(mantissa),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => digits(e.strip_prefix(['-', '+']).unwrap_or(e)),
    };
    if mantissa_ok && exponent_ok {
        // JavaScript's parseFloat accepts every form matched above.
        let normalized = if mantissa.ends_with('.') && exponent.is_none() {
            format!("{s}0")
        } else {
            s.replace(".e", ".0e").replace(".E", ".0E")
        };
        return normalized.parse::<f64>().ok();
    }
    None
}

/// Resolves a scalar with an explicit tag the way the npm reader's `findScalarTagByName` does;
/// `None` means the tag is unresolved and the value stays a string.
pub(super) fn resolve_tagged(tag: &str, raw: &str) -> Option<Value> {
    let core = |v: Value, ok: bool| if ok { Some(v) } else { None };
    match tag {
        "!" | "tag:yaml.org,2002:str" => Some(Value::String(raw.to_string())),
        "tag:yaml.org,2002:null" => core(
            Value::Null,
            matches!(raw, "" | "~" | "null" | "Null" | "NULL"),
        ),
        "tag:yaml.org,2002:bool" => match resolve_plain(raw) {
            v @ Value::Bool(_) => Some(v),
            _ => None,
        },
        "tag:yaml.org,2002:int" => {
            let int_form = raw.starts_with("0o")
                || raw.starts_with("0x")
                || raw
                    .strip_prefix(['-', '+'])
                    .unwrap_or(raw)
                    .bytes()
                    .all(|b| b.is_ascii_digit());
            match number(raw) {
                Some(n) if int_form && !raw.is_empty() => Some(Value::Number(n)),
                _ => None,
            }
        }
        "tag:yaml.org,2002:float" => {
            let unsigned = raw.strip_prefix(['-', '+']).unwrap_or(raw);
            let float_form =
                raw.contains(['.', 'e', 'E']) && !raw.starts_with("0x") && !unsigned.is_empty();
            match number(raw) {
                Some(n) if float_form => Some(Value::Number(n)),
                _ => None,
            }
        }
        // Known 1.1 tags: a timestamp becomes a Date, which JSON turns into an ISO string.
        "tag:yaml.org,2002:timestamp" => timestamp_to_iso(raw).map(Value::String),
        "tag:yaml.org,2002:binary" => Some(Value::Opaque),
        _ => None,
    }
}
