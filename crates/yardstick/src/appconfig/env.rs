//! `APP_CONFIG_*` environment variables, read as the config loader's `EnvConfigSource`
//! reads them: the name after the prefix is a key path split at `_`, the value is JSON or
//! else a string, and the layer goes on top of every file.

use std::collections::BTreeMap;

use super::{AppConfigError, ConfigKind, ConfigValue, Origin};

const PREFIX: &str = "APP_CONFIG_";

/// The environment's layer; `None` when no `APP_CONFIG_*` variable is set (and not empty).
pub(super) fn env_layer(
    env: &BTreeMap<String, String>,
) -> Result<Option<ConfigValue>, AppConfigError> {
    let mut root: Option<ConfigValue> = None;
    for (name, value) in env {
        let Some(key) = name.strip_prefix(PREFIX) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let fail = |message: String| AppConfigError {
            file: None,
            span: None,
            message,
        };
        let parts: Vec<&str> = key.split('_').collect();
        if let Some(bad) = parts.iter().find(|p| !is_key_part(p)) {
            return Err(fail(format!(
                "invalid env config key '{key}' (part '{bad}')"
            )));
        }
        let parsed = match serde_json::from_str::<serde_json::Value>(value) {
            Ok(serde_json::Value::Null) => {
                return Err(fail(format!(
                    "failed to parse JSON-serialized config value for key '{key}', value may not be null"
                )))
            }
            Ok(json) => from_json(&json),
            Err(_) => ConfigKind::String(value.clone()),
        };
        let mut node = root.get_or_insert_with(|| map(Vec::new()));
        let (last, parents) = parts.split_last().unwrap_or((&"", &[]));
        for (i, part) in parents.iter().enumerate() {
            let ConfigKind::Map(entries) = &mut node.kind else {
                return Err(fail(format!(
                    "could not nest config for key '{key}' under existing value '{}'",
                    parts[..i].join("_")
                )));
            };
            let at = match entries.iter().position(|(k, _)| k == part) {
                Some(at) => at,
                None => {
                    entries.push(((*part).to_string(), map(Vec::new())));
                    entries.len() - 1
                }
            };
            node = &mut entries[at].1;
        }
        let ConfigKind::Map(entries) = &mut node.kind else {
            return Err(fail(format!(
                "could not nest config for key '{key}' under existing value '{}'",
                parents.join("_")
            )));
        };
        if entries.iter().any(|(k, _)| k == last) {
            return Err(fail(format!(
                "refusing to override existing config at key '{key}'"
            )));
        }
        entries.push(((*last).to_string(), secret(parsed)));
    }
    Ok(root)
}

/// `^[a-z][a-z0-9]*(?:[-_:][a-z0-9]+)*$`, case-insensitive, for a part without `_`.
fn is_key_part(part: &str) -> bool {
    let mut chars = part.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let mut after_separator = false;
    for c in chars {
        if c == '-' || c == ':' {
            if after_separator {
                return false;
            }
            after_separator = true;
        } else if c.is_ascii_alphanumeric() {
            after_separator = false;
        } else {
            return false;
        }
    }
    !after_separator
}

fn map(entries: Vec<(String, ConfigValue)>) -> ConfigValue {
    ConfigValue {
        kind: ConfigKind::Map(entries),
        origin: Origin::default(),
    }
}

/// A value from the environment: never shown.
fn secret(kind: ConfigKind) -> ConfigValue {
    ConfigValue {
        kind,
        origin: Origin {
            file: None,
            span: Default::default(),
            substituted: true,
        },
    }
}

fn from_json(json: &serde_json::Value) -> ConfigKind {
    use serde_json::Value as J;
    match json {
        J::Null => ConfigKind::Null,
        J::Bool(b) => ConfigKind::Bool(*b),
        J::Number(n) => ConfigKind::Number(n.as_f64().unwrap_or(f64::NAN)),
        J::String(s) => ConfigKind::String(s.clone()),
        J::Array(items) => ConfigKind::Seq(items.iter().map(|v| secret(from_json(v))).collect()),
        J::Object(entries) => ConfigKind::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), secret(from_json(v))))
                .collect(),
        ),
    }
}
