// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

#![allow(clippy::pattern_type_mismatch)]

use crate::ast::{Expr, Ref};
use crate::big_float::{BigFloat, OPERATION_PRECISION, PRODUCT_PRECISION};
use crate::builtins;
use crate::builtins::utils::{enforce_limit, ensure_args_count, ensure_numeric};
use crate::lexer::Span;
use crate::number::Number;
use crate::value::Value;
use crate::*;

use anyhow::{bail, Result};

pub fn register(m: &mut builtins::BuiltinsMap<&'static str, builtins::BuiltinFcn>) {
    m.insert("count", (count, 1));
    m.insert("max", (max, 1));
    m.insert("min", (min, 1));
    m.insert("product", (product, 1));
    m.insert("sort", (sort, 1));
    m.insert("sum", (sum, 1));
}

fn count(span: &Span, params: &[Ref<Expr>], args: &[Value], strict: bool) -> Result<Value> {
    ensure_args_count(span, "count", params, args, 1)?;

    Ok(Value::from(Number::from(match &args[0] {
        Value::Array(a) => a.len(),
        Value::Set(a) => a.len(),
        Value::Object(a) => a.len(),
        // OPA counts Unicode code points (Go's utf8.RuneCountInString), not UTF-16 units.
        Value::String(a) => a.chars().count(),
        a if strict => {
            let span = params[0].span();
            bail!(span.error(
                format!("`count` requires array/object/set/string argument. Got `{a}`.").as_str()
            ))
        }
        _ => return Ok(Value::Undefined),
    })))
}

fn max(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    ensure_args_count(span, "max", params, args, 1)?;

    Ok(match &args[0] {
        Value::Array(a) if a.is_empty() => Value::Undefined,
        Value::Array(a) => a.iter().max().unwrap().clone(),
        Value::Set(a) if a.is_empty() => Value::Undefined,
        Value::Set(a) => a.iter().max().unwrap().clone(),
        a => {
            let span = params[0].span();
            bail!(span.error(format!("`max` requires array/set argument. Got `{a}`.").as_str()))
        }
    })
}

fn min(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    ensure_args_count(span, "min", params, args, 1)?;

    Ok(match &args[0] {
        Value::Array(a) if a.is_empty() => Value::Undefined,
        Value::Array(a) => a.iter().min().unwrap().clone(),
        Value::Set(a) if a.is_empty() => Value::Undefined,
        Value::Set(a) => a.iter().min().unwrap().clone(),
        a => {
            let span = params[0].span();
            bail!(span.error(format!("`min` requires array/set argument. Got `{a}`.").as_str()))
        }
    })
}

fn product(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    ensure_args_count(span, "product", params, args, 1)?;
    let numbers = numeric_elements("product", &params[0], &args[0])?;
    // OPA multiplies integers exactly, anything else on a big.Float of 53 bits
    // (`big.NewFloat(1)`), each element read at 64.
    if numbers.iter().all(|n| !matches!(n, Number::Float(_))) {
        let mut v = Number::from(1_u64);
        for n in &numbers {
            v.mul_assign(n)?;
        }
        return Ok(Value::from(v));
    }
    let mut acc = float_operand(&Number::from(1_u64), PRODUCT_PRECISION)?;
    for n in &numbers {
        acc = acc.mul(&float_operand(n, OPERATION_PRECISION)?, PRODUCT_PRECISION);
    }
    Ok(Value::from(acc.to_number()))
}

/// The elements of an array or set, each a number.
fn numeric_elements(fcn: &str, param: &Ref<Expr>, arg: &Value) -> Result<Vec<Number>> {
    let elements: Vec<&Value> = match arg {
        Value::Array(a) => a.iter().collect(),
        Value::Set(a) => a.iter().collect(),
        a => {
            let span = param.span();
            bail!(span.error(format!("`{fcn}` requires array/set argument. Got `{a}`.").as_str()))
        }
    };
    elements
        .into_iter()
        .map(|e| ensure_numeric(fcn, param, e))
        .collect()
}

/// A number as the `big.Float` OPA reads from its text.
fn float_operand(n: &Number, precision: u64) -> Result<BigFloat> {
    BigFloat::from_number(n, precision).ok_or_else(|| anyhow::anyhow!("numeric overflow"))
}

fn sort(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    ensure_args_count(span, "sort", params, args, 1)?;
    Ok(match &args[0] {
        Value::Array(a) => {
            let mut ac = (**a).clone();
            ac.sort();
            Value::from(ac)
        }
        // Sorting a set produces array.
        Value::Set(a) => {
            let mut items = Vec::with_capacity(a.len());
            for value in a.iter() {
                items.push(value.clone());
                // Guard array growth while materializing the sorted set.
                enforce_limit()?;
            }
            Value::from(items)
        }
        a => {
            let span = params[0].span();
            bail!(span.error(format!("`sort` requires array/set argument. Got `{a}`.").as_str()))
        }
    })
}

fn sum(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    ensure_args_count(span, "sum", params, args, 1)?;
    let numbers = numeric_elements("sum", &params[0], &args[0])?;
    // OPA adds integers exactly, anything else on a big.Float of 64 bits, without rounding
    // the partial sums to text in between.
    if numbers.iter().all(|n| !matches!(n, Number::Float(_))) {
        let mut v = Number::from(0_u64);
        for n in &numbers {
            v.add_assign(n)?;
        }
        return Ok(Value::from(v));
    }
    let mut acc = float_operand(&Number::from(0_u64), OPERATION_PRECISION)?;
    for n in &numbers {
        acc = acc.add(&float_operand(n, OPERATION_PRECISION)?, OPERATION_PRECISION);
    }
    Ok(Value::from(acc.to_number()))
}
