// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

//! OPA's arithmetic on numbers that are not both integers: Go's `math/big.Float`.
//!
//! OPA keeps a number as its decimal text. An operation that is not on two integers reads each
//! operand into a binary float of 64 mantissa bits (`big.Float.SetString`), computes the result
//! rounded to nearest-even at the operation's precision (64 bits; `product` accumulates at 53),
//! and writes it back as the shortest decimal text that reads back to the same binary value at
//! that precision (`Text('g', -1)`, or `Text('f', -1)` for an integer). So `3 * 0.1` is `0.3`,
//! not the `0.30000000000000004` of `f64` arithmetic.
//!
//! A regorus `Float` stands for the decimal text of its shortest representation (what a JSON or
//! YAML input wrote), and the result is stored as the `f64` nearest to OPA's text, or exactly
//! when it is an integer.
#![allow(
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::pattern_type_mismatch,
    clippy::unused_trait_names
)]

use alloc::format;
#[cfg(test)]
use alloc::string::String;
use alloc::string::ToString;
use core::cmp::Ordering;

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{One, Zero};

use crate::number::Number;

/// The mantissa precision `big.Float.SetString` gives a number, and so every operation on two.
pub const OPERATION_PRECISION: u64 = 64;
/// The precision of `big.NewFloat(1)`, OPA's `product` accumulator.
pub const PRODUCT_PRECISION: u64 = 53;

/// `(-1)^negative * mantissa * 2^exponent`, the mantissa at most `precision` bits long.
#[derive(Clone, Debug)]
pub struct BigFloat {
    negative: bool,
    mantissa: BigUint,
    exponent: i64,
    precision: u64,
}

/// A non-negative decimal `digits * 10^exponent`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Decimal {
    digits: BigUint,
    exponent: i64,
}

impl Decimal {
    /// The exact value as `numerator / denominator`, both scaled by the same power of ten.
    fn cmp_value(&self, other: &Decimal) -> Ordering {
        let shift = self.exponent.min(other.exponent);
        let scale = |d: &Decimal| &d.digits * pow10((d.exponent - shift) as u64);
        scale(self).cmp(&scale(other))
    }
}

fn pow10(exponent: u64) -> BigUint {
    BigUint::from(10_u32).pow(exponent as u32)
}

fn pow5(exponent: u64) -> BigUint {
    BigUint::from(5_u32).pow(exponent as u32)
}

/// `numerator / denominator * 2^exponent` rounded to `precision` bits, ties to even.
fn round_ratio(
    negative: bool,
    numerator: BigUint,
    denominator: &BigUint,
    exponent: i64,
    precision: u64,
) -> BigFloat {
    if numerator.is_zero() {
        return BigFloat {
            negative,
            mantissa: BigUint::zero(),
            exponent: 0,
            precision,
        };
    }
    // Scale so that the quotient has at least precision + 2 bits; the remainder is sticky.
    let shift = (precision + 2 + denominator.bits()) as i64 - numerator.bits() as i64;
    let (scaled_num, scaled_den) = if shift >= 0 {
        (numerator << shift as u64, denominator.clone())
    } else {
        (numerator, denominator << (-shift) as u64)
    };
    let quotient = &scaled_num / &scaled_den;
    let sticky = !(&scaled_num % &scaled_den).is_zero();
    let extra = quotient.bits() - precision;
    let mut mantissa = &quotient >> extra;
    let half = quotient.bit(extra - 1);
    let below_half = sticky || !(&quotient % (BigUint::one() << (extra - 1))).is_zero();
    if half && (below_half || mantissa.bit(0)) {
        mantissa += 1_u32;
    }
    BigFloat {
        negative,
        mantissa,
        exponent: exponent - shift + extra as i64,
        precision,
    }
}

impl BigFloat {
    /// The binary float nearest to `digits * 10^exponent` (`big.Float.SetString`).
    fn from_decimal(negative: bool, value: &Decimal, precision: u64) -> BigFloat {
        if value.exponent >= 0 {
            let n = &value.digits * pow10(value.exponent as u64);
            round_ratio(negative, n, &BigUint::one(), 0, precision)
        } else {
            // d / 10^k = d / 5^k * 2^-k
            let k = value.exponent.unsigned_abs();
            round_ratio(
                negative,
                value.digits.clone(),
                &pow5(k),
                -(k as i64),
                precision,
            )
        }
    }

    /// A regorus number read as OPA reads its text: an integer exactly, a float as its
    /// shortest decimal representation. `None` for a non-finite float.
    pub fn from_number(number: &Number, precision: u64) -> Option<BigFloat> {
        let integer = match number {
            Number::Float(f) => {
                let (negative, decimal) = shortest_decimal_of_f64(*f)?;
                return Some(Self::from_decimal(negative, &decimal, precision));
            }
            Number::UInt(u) => BigInt::from(*u),
            Number::Int(i) => BigInt::from(*i),
            Number::BigInt(b) => (**b).clone(),
        };
        let (sign, magnitude) = integer.into_parts();
        Some(round_ratio(
            sign == Sign::Minus,
            magnitude,
            &BigUint::one(),
            0,
            precision,
        ))
    }

    fn signed_mantissa_at(&self, exponent: i64) -> BigInt {
        let m = BigInt::from_biguint(
            if self.negative {
                Sign::Minus
            } else {
                Sign::Plus
            },
            self.mantissa.clone(),
        );
        m << (self.exponent - exponent) as u64
    }

    fn from_signed(value: BigInt, exponent: i64, precision: u64) -> BigFloat {
        let (sign, magnitude) = value.into_parts();
        round_ratio(
            sign == Sign::Minus,
            magnitude,
            &BigUint::one(),
            exponent,
            precision,
        )
    }

    /// `self + rhs` rounded to `precision`.
    pub fn add(&self, rhs: &BigFloat, precision: u64) -> BigFloat {
        let exponent = self.exponent.min(rhs.exponent);
        let sum = self.signed_mantissa_at(exponent) + rhs.signed_mantissa_at(exponent);
        Self::from_signed(sum, exponent, precision)
    }

    /// `self - rhs` rounded to `precision`.
    pub fn sub(&self, rhs: &BigFloat, precision: u64) -> BigFloat {
        let exponent = self.exponent.min(rhs.exponent);
        let diff = self.signed_mantissa_at(exponent) - rhs.signed_mantissa_at(exponent);
        Self::from_signed(diff, exponent, precision)
    }

    /// `self * rhs` rounded to `precision`.
    pub fn mul(&self, rhs: &BigFloat, precision: u64) -> BigFloat {
        round_ratio(
            self.negative != rhs.negative,
            &self.mantissa * &rhs.mantissa,
            &BigUint::one(),
            self.exponent + rhs.exponent,
            precision,
        )
    }

    /// `self / rhs` rounded to `precision`; `None` when `rhs` is zero.
    pub fn quo(&self, rhs: &BigFloat, precision: u64) -> Option<BigFloat> {
        if rhs.mantissa.is_zero() {
            return None;
        }
        Some(round_ratio(
            self.negative != rhs.negative,
            self.mantissa.clone(),
            &rhs.mantissa,
            self.exponent - rhs.exponent,
            precision,
        ))
    }

    fn is_integer(&self) -> bool {
        self.exponent >= 0
            || self
                .mantissa
                .trailing_zeros()
                .is_none_or(|zeros| zeros >= self.exponent.unsigned_abs())
    }

    /// The exact decimal value of `mantissa * 2^exponent` (any mantissa).
    fn exact_decimal(mantissa: &BigUint, exponent: i64) -> Decimal {
        if exponent >= 0 {
            Decimal {
                digits: mantissa << exponent as u64,
                exponent: 0,
            }
        } else {
            let k = exponent.unsigned_abs();
            Decimal {
                digits: mantissa * pow5(k),
                exponent: -(k as i64),
            }
        }
    }

    /// The shortest decimal that reads back to this value at its precision (Go's
    /// `roundShortest`): of the candidates with the fewest digits inside the rounding
    /// interval, the nearest, ties as Go's decimal rounding breaks them.
    fn shortest(&self) -> Decimal {
        // The mantissa with precision + 1 bits, so that its lsb is half an ulp (a rounded
        // mantissa has at most precision + 1 bits: 2^precision after a carry).
        let shift = (self.precision + 1).saturating_sub(self.mantissa.bits());
        let mantissa = &self.mantissa << shift;
        let exponent = self.exponent - shift as i64;
        let inclusive = !mantissa.bit(1);
        let value = trim(Self::exact_decimal(&mantissa, exponent));
        let lower = Self::exact_decimal(&(&mantissa - 1_u32), exponent);
        let upper = Self::exact_decimal(&(&mantissa + 1_u32), exponent);
        let text = value.digits.to_string();
        let len = text.len() as i64;
        // value = 0.text * 10^point
        let point = len + value.exponent;
        for n in 1..=len {
            let kept = BigUint::parse_bytes(&text.as_bytes()[..n as usize], 10).unwrap_or_default();
            let down = Decimal {
                digits: kept.clone(),
                exponent: point - n,
            };
            let up = Decimal {
                digits: kept + 1_u32,
                exponent: point - n,
            };
            let ok_down = match down.cmp_value(&lower) {
                Ordering::Greater => true,
                Ordering::Equal => inclusive,
                Ordering::Less => false,
            };
            let ok_up = match up.cmp_value(&upper) {
                Ordering::Less => true,
                Ordering::Equal => inclusive,
                Ordering::Greater => false,
            };
            let chosen = match (ok_down, ok_up) {
                (true, true) => {
                    if rounds_up(&text, n as usize) {
                        up
                    } else {
                        down
                    }
                }
                (true, false) => down,
                (false, true) => up,
                (false, false) => continue,
            };
            return trim(chosen);
        }
        value
    }

    /// The regorus number for OPA's text of this value (`builtins.FloatToNumber`): an integer
    /// exactly, anything else as the `f64` nearest to that text.
    pub fn to_number(&self) -> Number {
        if self.mantissa.is_zero() {
            return Number::from(0_u64);
        }
        let decimal = self.shortest();
        if self.is_integer() && decimal.exponent >= 0 {
            let magnitude = decimal.digits * pow10(decimal.exponent as u64);
            let sign = if self.negative {
                Sign::Minus
            } else {
                Sign::Plus
            };
            return Number::from(BigInt::from_biguint(sign, magnitude));
        }
        let sign = if self.negative { "-" } else { "" };
        let text = format!("{sign}{}e{}", decimal.digits, decimal.exponent);
        match text.parse::<f64>() {
            Ok(f) => Number::normalize_float(f),
            Err(_) => Number::from(0_u64),
        }
    }
}

/// Go's `decimal.shouldRoundUp` for rounding `digits` to `n` digits: at least 5 rounds up,
/// except an exact half (`5` as the last digit), which rounds to even.
fn rounds_up(digits: &str, n: usize) -> bool {
    let bytes = digits.as_bytes();
    match bytes.get(n) {
        Some(b'5') if n + 1 == bytes.len() => n > 0 && (bytes[n - 1] - b'0') % 2 == 1,
        Some(d) => *d >= b'5',
        None => false,
    }
}

fn trim(mut d: Decimal) -> Decimal {
    let ten = BigUint::from(10_u32);
    while !d.digits.is_zero() && (&d.digits % &ten).is_zero() {
        d.digits /= &ten;
        d.exponent += 1;
    }
    d
}

/// The shortest decimal representation of a finite `f64` (Rust's `{:e}`), as sign and value.
fn shortest_decimal_of_f64(f: f64) -> Option<(bool, Decimal)> {
    if !f.is_finite() {
        return None;
    }
    let text = format!("{:e}", f.abs());
    let (mantissa, exponent) = text.split_once('e')?;
    let exponent: i64 = exponent.parse().ok()?;
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = BigUint::parse_bytes(format!("{int_part}{frac_part}").as_bytes(), 10)?;
    Some((
        f.is_sign_negative(),
        Decimal {
            digits,
            exponent: exponent - frac_part.len() as i64,
        },
    ))
}

/// The integer OPA reads from the text of an integral float (`builtins.NumberToInt`: the text
/// read at 64 bits, so `1e21` is `10^21` and `1e30` is `10^30` rounded to 64 bits); `None`
/// for a fraction or a non-finite float.
pub fn integral_float_as_integer(f: f64) -> Option<BigInt> {
    if !f.is_finite() || f.fract() != 0.0 {
        return None;
    }
    let value = BigFloat::from_number(&Number::Float(f), OPERATION_PRECISION)?;
    if !value.is_integer() {
        return None;
    }
    let magnitude = if value.exponent >= 0 {
        &value.mantissa << value.exponent as u64
    } else {
        &value.mantissa >> value.exponent.unsigned_abs()
    };
    let sign = if value.negative {
        Sign::Minus
    } else {
        Sign::Plus
    };
    Some(BigInt::from_biguint(sign, magnitude))
}

/// The text of a regorus number as OPA would hold it, for tests.
#[cfg(test)]
fn text_of(n: &Number) -> String {
    n.format_decimal().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(text: &str) -> Number {
        text.parse::<f64>()
            .map(Number::from)
            .unwrap_or(Number::from(0_u64))
    }

    fn op(a: &str, b: &str, f: fn(&BigFloat, &BigFloat, u64) -> BigFloat) -> String {
        let a = BigFloat::from_number(&float(a), OPERATION_PRECISION);
        let b = BigFloat::from_number(&float(b), OPERATION_PRECISION);
        match (a, b) {
            (Some(a), Some(b)) => text_of(&f(&a, &b, OPERATION_PRECISION).to_number()),
            _ => String::from("none"),
        }
    }

    // Each expectation is what OPA v1.20.2 evaluates.
    #[test]
    fn decimal_operands_give_opas_results() {
        assert_eq!(op("3", "0.1", BigFloat::mul), "0.3");
        assert_eq!(op("0.7", "0.2", BigFloat::add), "0.9");
        assert_eq!(op("0.7", "0.2", BigFloat::sub), "0.5");
        assert_eq!(op("0.7", "0.2", BigFloat::mul), "0.14");
        assert_eq!(op("0.1", "0.2", BigFloat::add), "0.3");
        assert_eq!(op("2.5", "-0.5", BigFloat::mul), "-1.25");
        assert_eq!(op("1.5", "1.5", BigFloat::add), "3");
    }

    #[test]
    fn quotients_are_rounded_at_64_bits() {
        let q = |a: &str, b: &str| {
            let a = BigFloat::from_number(&float(a), OPERATION_PRECISION);
            let b = BigFloat::from_number(&float(b), OPERATION_PRECISION);
            match (a, b) {
                (Some(a), Some(b)) => a
                    .quo(&b, OPERATION_PRECISION)
                    .map(|r| text_of(&r.to_number())),
                _ => None,
            }
        };
        assert_eq!(q("0.7", "0.2").as_deref(), Some("3.5"));
        assert_eq!(q("1", "0").as_deref(), None);
        // 1e21 / 3 at 64 bits is an integer whose shortest text is 333333333333333333340.
        let big = BigFloat::from_number(&Number::from(BigInt::from(10_u64).pow(21)), 64);
        let three = BigFloat::from_number(&Number::from(3_u64), 64);
        let r = big.and_then(|b| three.and_then(|t| b.quo(&t, 64)));
        assert_eq!(
            r.map(|r| text_of(&r.to_number())).as_deref(),
            Some("333333333333333333340")
        );
    }

    #[test]
    fn product_accumulates_at_53_bits() {
        let a = BigFloat::from_number(&float("0.7"), OPERATION_PRECISION);
        let b = BigFloat::from_number(&float("0.2"), OPERATION_PRECISION);
        let one = BigFloat::from_number(&Number::from(1_u64), PRODUCT_PRECISION);
        let product = match (a, b, one) {
            (Some(a), Some(b), Some(one)) => {
                one.mul(&a, PRODUCT_PRECISION).mul(&b, PRODUCT_PRECISION)
            }
            _ => return assert!(false, "operands"),
        };
        assert_eq!(text_of(&product.to_number()), "0.13999999999999999");
    }

    #[test]
    fn integral_floats_are_read_from_their_text() {
        assert_eq!(
            integral_float_as_integer(1e21).map(|b| b.to_string()),
            Some(String::from("1000000000000000000000"))
        );
        assert_eq!(
            integral_float_as_integer(1e23).map(|b| b.to_string()),
            Some(String::from("100000000000000000000000"))
        );
        // 5^30 needs 70 bits: OPA rounds the text to 64.
        assert_eq!(
            integral_float_as_integer(1e30).map(|b| b.to_string()),
            Some(String::from("1000000000000000000024696061952"))
        );
        assert_eq!(integral_float_as_integer(2.5), None);
        assert_eq!(
            integral_float_as_integer(-3.0).map(|b| b.to_string()),
            Some(String::from("-3"))
        );
    }
}
