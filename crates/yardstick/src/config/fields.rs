//! Readers of the configuration's fields: each checks the value's type and every key, and
//! gives an error at the offending key or value.

use std::collections::BTreeMap;

use super::{CheckConfig, ConfigError, Exemption, FailOn, GateConfig, LevelRules};
use crate::policy::CheckSeverity;
use crate::yaml::{Node, Span, Value};

pub(super) fn err(message: impl Into<String>, span: Span) -> ConfigError {
    ConfigError {
        message: message.into(),
        span,
    }
}

/// Checks that a mapping holds only `known` keys.
pub(super) fn known_keys<'n>(
    node: &'n Node,
    section: &str,
    known: &[&str],
) -> Result<&'n [crate::yaml::Entry], ConfigError> {
    let entries = node.as_map().ok_or_else(|| {
        err(
            format!("`{section}` must be a mapping, found {}", node.type_name()),
            node.span,
        )
    })?;
    for e in entries {
        if !known.contains(&e.key.as_str()) {
            return Err(err(
                format!(
                    "unknown key `{}` in {section}; expected one of: {}",
                    e.key,
                    known.join(", ")
                ),
                e.key_span,
            ));
        }
    }
    Ok(entries)
}

pub(super) fn string_list(node: &Node, key: &str) -> Result<Vec<String>, ConfigError> {
    let items = node
        .as_seq()
        .ok_or_else(|| err(format!("`{key}` must be a list of strings"), node.span))?;
    items
        .iter()
        .map(|i| {
            i.as_str().map(str::to_string).ok_or_else(|| {
                err(
                    format!("`{key}` entries must be strings, found {}", i.type_name()),
                    i.span,
                )
            })
        })
        .collect()
}

pub(super) fn boolean(node: &Node, key: &str) -> Result<bool, ConfigError> {
    match node.value {
        Value::Bool(b) => Ok(b),
        _ => Err(err(
            format!("`{key}` must be true or false, found {}", node.type_name()),
            node.span,
        )),
    }
}

pub(super) fn severity(node: &Node, key: &str) -> Result<CheckSeverity, ConfigError> {
    node.as_str().and_then(CheckSeverity::parse).ok_or_else(|| {
        err(
            format!("`{key}` must be critical, high, medium or low"),
            node.span,
        )
    })
}

pub(super) fn number(node: &Node, key: &str) -> Result<f64, ConfigError> {
    match node.value {
        Value::Number(n) if n.is_finite() && n >= 0.0 => Ok(n),
        Value::Number(n) => Err(err(
            format!(
                "`{key}` must be a non-negative number, found {}",
                crate::yaml::js_number_to_string(n)
            ),
            node.span,
        )),
        _ => Err(err(
            format!(
                "`{key}` must be a non-negative number, found {}",
                node.type_name()
            ),
            node.span,
        )),
    }
}

/// Parameters each built-in check accepts; user checks take any.
pub(super) fn builtin_params(check: &str) -> Option<&'static [&'static str]> {
    match check {
        "has-monitoring" | "has-oncall" => Some(&["annotations"]),
        "has-backups" => Some(&["database_types"]),
        "has-cost-tags" => Some(&["label_keys"]),
        "has-owner" | "ci-passing" | "has-techdocs" => Some(&[]),
        _ => None,
    }
}

pub(super) fn checks(node: &Node) -> Result<BTreeMap<String, CheckConfig>, ConfigError> {
    let mut out = BTreeMap::new();
    for c in node
        .as_map()
        .ok_or_else(|| err("`checks` must be a mapping of check ids", node.span))?
    {
        let mut cc = CheckConfig {
            span: c.key_span,
            ..CheckConfig::default()
        };
        for f in known_keys(
            &c.value,
            &format!("checks.{}", c.key),
            &["enabled", "severity", "weight", "params"],
        )? {
            match f.key.as_str() {
                "enabled" => cc.enabled = Some(boolean(&f.value, "enabled")?),
                "severity" => cc.severity = Some(severity(&f.value, "severity")?),
                "weight" => cc.weight = Some(number(&f.value, "weight")?),
                _ => {
                    let section = format!("checks.{}.params", c.key);
                    match builtin_params(&c.key) {
                        Some(known) => {
                            known_keys(&f.value, &section, known)?;
                        }
                        None => {
                            f.value.as_map().ok_or_else(|| {
                                err(format!("`{section}` must be a mapping"), f.value.span)
                            })?;
                        }
                    }
                    for p in f.value.as_map().unwrap_or_default() {
                        if builtin_params(&c.key).is_some() {
                            string_list(&p.value, &p.key)?;
                        }
                    }
                    cc.params = Some(f.value.to_json());
                }
            }
        }
        out.insert(c.key.to_string(), cc);
    }
    Ok(out)
}

pub(super) fn levels(node: &Node) -> Result<LevelRules, ConfigError> {
    let mut rules = LevelRules::default();
    for l in known_keys(node, "levels", &["gold", "silver", "bronze"])? {
        // Unset fields keep the level's default.
        let mut rule = match l.key.as_str() {
            "gold" => rules.gold.clone(),
            "silver" => rules.silver.clone(),
            _ => rules.bronze.clone(),
        };
        let section = format!("levels.{}", l.key);
        for f in known_keys(&l.value, &section, &["require", "min-score"])? {
            if f.key == "require" {
                let items = f
                    .value
                    .as_seq()
                    .ok_or_else(|| err("`require` must be a list of severities", f.value.span))?;
                rule.require = items
                    .iter()
                    .map(|i| severity(i, "require"))
                    .collect::<Result<_, _>>()?;
            } else {
                rule.min_score = Some(number(&f.value, "min-score")?);
            }
        }
        match l.key.as_str() {
            "gold" => rules.gold = rule,
            "silver" => rules.silver = rule,
            _ => rules.bronze = rule,
        }
    }
    Ok(rules)
}

pub(super) fn gate(node: &Node) -> Result<GateConfig, ConfigError> {
    let mut g = GateConfig::default();
    for f in known_keys(node, "gate", &["fail-on", "min-score"])? {
        if f.key == "fail-on" {
            g.fail_on = Some(f.value.as_str().and_then(FailOn::parse).ok_or_else(|| {
                err(
                    "`fail-on` must be critical, high, any or never",
                    f.value.span,
                )
            })?);
        } else {
            g.min_score = Some(number(&f.value, "min-score")?);
        }
    }
    Ok(g)
}

/// True for `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| text.get(r).and_then(|t| t.parse::<u32>().ok()).unwrap_or(0);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    (1..=days).contains(&day)
}

pub(super) fn exemptions(node: &Node) -> Result<Vec<Exemption>, ConfigError> {
    let items = node
        .as_seq()
        .ok_or_else(|| err("`exemptions` must be a list", node.span))?;
    let mut out = Vec::new();
    for item in items {
        let fields = known_keys(
            item,
            "an exemption",
            &["entity", "check", "reason", "expires"],
        )?;
        let get = |key: &str| -> Result<Option<String>, ConfigError> {
            match fields.iter().find(|f| f.key == key) {
                None => Ok(None),
                Some(f) => f
                    .value
                    .as_str()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| Some(s.to_string()))
                    .ok_or_else(|| {
                        err(
                            format!("exemption `{key}` must be a non-empty string"),
                            f.value.span,
                        )
                    }),
            }
        };
        let required = |key: &str| -> Result<String, ConfigError> {
            get(key)?.ok_or_else(|| err(format!("an exemption needs `{key}`"), item.span))
        };
        let expires = get("expires")?;
        if let Some(date) = &expires {
            if !is_date(date) {
                let span = fields
                    .iter()
                    .find(|f| f.key == "expires")
                    .map_or(item.span, |f| f.value.span);
                return Err(err("`expires` must be a date written YYYY-MM-DD", span));
            }
        }
        out.push(Exemption {
            entity: required("entity")?.to_lowercase(),
            check: required("check")?,
            reason: required("reason")?,
            expires,
            span: item.span,
        });
    }
    Ok(out)
}
