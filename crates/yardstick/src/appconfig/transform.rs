//! The config loader's transforms, in its order: a string has `${VAR}` substituted; an
//! object whose keys include `$file`, `$env` or `$include` (which must then be its only key)
//! is replaced by what it names; then the children of the result are transformed, relative
//! to the folder of the file they came from. A value that turns out undefined is dropped.

use std::path::{Path, PathBuf};

use super::{parse_file, resolve_path, AppConfigError, ConfigKind, ConfigSources, ConfigValue};

const INCLUDE_KEYS: [&str; 3] = ["$file", "$env", "$include"];

pub(super) struct Loader<'s, 'a> {
    pub(super) sources: &'s ConfigSources<'a>,
    /// Every file read so far; origins index it.
    pub(super) files: Vec<PathBuf>,
}

impl Loader<'_, '_> {
    /// Reads, parses and transforms config file `index`; `None` when it is empty.
    pub(super) fn load_file(
        &mut self,
        index: usize,
    ) -> Result<Option<ConfigValue>, AppConfigError> {
        let path = self.files[index].clone();
        let text = (self.sources.read)(&path).map_err(|e| AppConfigError {
            file: Some(path.clone()),
            span: None,
            message: format!("cannot read the config file: {e}"),
        })?;
        let Some(parsed) = parse_file(&path, &text, index)? else {
            return Ok(None);
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let value = self.transform(parsed, &dir)?;
        match value {
            Some(v) if matches!(v.kind, ConfigKind::Map(_)) => Ok(Some(v)),
            other => Err(AppConfigError {
                file: Some(path),
                span: other.map(|v| v.origin.span),
                message: "expected an object at the config root".into(),
            }),
        }
    }

    /// Transforms a value and then its children; `None` when it is undefined.
    fn transform(
        &mut self,
        value: ConfigValue,
        dir: &Path,
    ) -> Result<Option<ConfigValue>, AppConfigError> {
        let (value, dir) = match self.apply(value, dir)? {
            Some(applied) => applied,
            None => return Ok(None),
        };
        let ConfigValue { kind, origin } = value;
        let kind = match kind {
            ConfigKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if let Some(v) = self.transform(item, &dir)? {
                        out.push(v);
                    }
                }
                ConfigKind::Seq(out)
            }
            ConfigKind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (key, item) in entries {
                    if let Some(v) = self.transform(item, &dir)? {
                        out.push((key, v));
                    }
                }
                ConfigKind::Map(out)
            }
            other => other,
        };
        Ok(Some(ConfigValue { kind, origin }))
    }

    /// The first transform that applies to the value itself, with the folder its children
    /// resolve against; `None` when it makes the value undefined.
    fn apply(
        &mut self,
        value: ConfigValue,
        dir: &Path,
    ) -> Result<Option<(ConfigValue, PathBuf)>, AppConfigError> {
        if let ConfigKind::String(text) = &value.kind {
            return Ok(substitute(text, self.sources).map(|(text, substituted)| {
                let mut origin = value.origin;
                origin.substituted |= substituted;
                (
                    ConfigValue {
                        kind: ConfigKind::String(text),
                        origin,
                    },
                    dir.to_path_buf(),
                )
            }));
        }
        let ConfigKind::Map(entries) = &value.kind else {
            return Ok(Some((value, dir.to_path_buf())));
        };
        let Some((key, argument)) = entries
            .iter()
            .find(|(k, _)| INCLUDE_KEYS.contains(&k.as_str()))
        else {
            return Ok(Some((value, dir.to_path_buf())));
        };
        let fail = |message: String| self.error(&value, message);
        if entries.len() != 1 {
            return Err(fail(format!(
                "include key {key} should not have adjacent keys"
            )));
        }
        let ConfigKind::String(raw) = &argument.kind else {
            return Err(fail(format!("{key} include value is not a string")));
        };
        let Some((target, _)) = substitute(raw, self.sources) else {
            return Err(fail(format!("{key} substitution value was undefined")));
        };
        let mut origin = value.origin;
        origin.substituted = true;
        let string = |text: String| ConfigValue {
            kind: ConfigKind::String(text),
            origin,
        };
        match key.as_str() {
            "$file" => {
                let path = resolve_path(dir, &target);
                let text = (self.sources.read)(&path)
                    .map_err(|e| fail(format!("failed to read file {target}, {e}")))?;
                Ok(Some((
                    string(text.trim_end().to_string()),
                    dir.to_path_buf(),
                )))
            }
            "$env" => Ok(lookup(self.sources, &target).map(|v| (string(v), dir.to_path_buf()))),
            _ => self.include(&value, &target, dir),
        }
    }

    /// `$include: path[#a.b]`: the file's value (or the subtree), its strings substituted
    /// relative to its own folder.
    fn include(
        &mut self,
        at: &ConfigValue,
        target: &str,
        dir: &Path,
    ) -> Result<Option<(ConfigValue, PathBuf)>, AppConfigError> {
        let (file, picks) = match target.split_once('#') {
            Some((file, picks)) => (file, picks),
            None => (target, ""),
        };
        if ![".json", ".yaml", ".yml"]
            .iter()
            .any(|ext| file.ends_with(ext) && file.len() > ext.len())
        {
            return Err(self.error(
                at,
                format!("no configuration parser available for included file {file}"),
            ));
        }
        let path = resolve_path(dir, file);
        let text = (self.sources.read)(&path)
            .map_err(|e| self.error(at, format!("failed to include {file}: {e}")))?;
        let index = self.files.len();
        self.files.push(path.clone());
        let parsed = parse_file(&path, &text, index).map_err(|e| AppConfigError {
            message: format!("failed to parse included file {file}, {}", e.message),
            ..e
        })?;
        let new_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut value = parsed;
        let parts: Vec<&str> = if picks.is_empty() {
            Vec::new()
        } else {
            picks.split('.').collect()
        };
        for (i, part) in parts.iter().enumerate() {
            let Some(ConfigValue {
                kind: ConfigKind::Map(entries),
                ..
            }) = value
            else {
                return Err(self.error(
                    at,
                    format!(
                        "value at '{}' in included file {file} is not an object",
                        parts[..i].join(".")
                    ),
                ));
            };
            value = entries.into_iter().find(|(k, _)| k == part).map(|(_, v)| v);
        }
        let Some(mut value) = value else {
            return Ok(None);
        };
        if let ConfigKind::String(text) = &value.kind {
            let Some((text, substituted)) = substitute(text, self.sources) else {
                return Ok(None);
            };
            value.kind = ConfigKind::String(text);
            value.origin.substituted |= substituted;
        }
        Ok(Some((value, new_dir)))
    }

    fn error(&self, at: &ConfigValue, message: String) -> AppConfigError {
        AppConfigError {
            file: at.origin.file.and_then(|f| self.files.get(f)).cloned(),
            span: Some(at.origin.span),
            message,
        }
    }
}

/// A variable's value as the loader's default substitution reads it: trimmed; `None` when
/// it is not set.
pub(super) fn lookup(sources: &ConfigSources<'_>, name: &str) -> Option<String> {
    sources.env.get(name).map(|v| v.trim().to_string())
}

/// `${VAR}`, `${VAR:-fallback}` and `$${...}` in a string: the text, and whether a variable
/// was substituted; `None` when a variable is undefined (an empty value with no fallback
/// counts as defined; an empty value with a fallback takes the fallback).
pub(super) fn substitute(text: &str, sources: &ConfigSources<'_>) -> Option<(String, bool)> {
    let mut out = String::with_capacity(text.len());
    let mut substituted = false;
    let mut rest = text;
    while let Some((before, token, after)) = next_token(rest) {
        out.push_str(before);
        rest = after;
        if token.starts_with("$$") {
            out.push_str(&token[1..]);
            continue;
        }
        let inner = &token[2..token.len() - 1];
        let value = match inner.find(":-") {
            Some(i) => {
                let fallback = inner[i + 2..].trim();
                match lookup(sources, inner[..i].trim()) {
                    Some(v) if !v.is_empty() => Some(v),
                    _ if !fallback.is_empty() => Some(fallback.to_string()),
                    _ => None,
                }
            }
            None => lookup(sources, inner.trim()),
        };
        out.push_str(&value?);
        substituted = true;
    }
    out.push_str(rest);
    Some((out, substituted))
}

/// The next `${...}` or `$${...}` (no braces inside): the text before it, the token, and
/// the text after it.
fn next_token(text: &str) -> Option<(&str, &str, &str)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("${").map(|i| i + from) {
        let len = text[i + 2..].find(['{', '}'])?;
        if text.as_bytes()[i + 2 + len] == b'{' {
            from = i + 2;
            continue;
        }
        let end = i + 2 + len + 1;
        let start = if i > 0 && text.as_bytes()[i - 1] == b'$' {
            i - 1
        } else {
            i
        };
        return Some((&text[..start], &text[start..end], &text[end..]));
    }
    None
}
