//! Backstage's `app-config.yaml`, read as `@backstage/config-loader` reads it: each file's
//! `$include`, `$file` and `$env` (the only key of their object) are resolved relative to the
//! file that holds them, `${VAR}` and `${VAR:-fallback}` are substituted (`$${` escapes), a
//! value whose variable is undefined is dropped; the files are layered in order, objects
//! merging key by key, arrays and scalars replaced by later files, `null` hiding what lies
//! below, and `APP_CONFIG_*` environment variables on top.
//!
//! The loader is pure: it reads files and the environment only through [`ConfigSources`].
//! Values that came from the environment or a `$file` are marked [`Origin::substituted`]
//! and are never shown in messages.

mod env;
mod merge;
#[cfg(test)]
mod tests;
mod transform;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::util::path::join_lexically;
use crate::yaml::{Limits, Node, Span, Value};

/// Where the loader reads files and environment variables from.
pub struct ConfigSources<'a> {
    /// Reads a file's text.
    pub read: &'a dyn Fn(&Path) -> std::io::Result<String>,
    /// The environment: variables for `${VAR}` and `$env`, and `APP_CONFIG_*` overrides.
    pub env: &'a BTreeMap<String, String>,
}

/// Where a config value was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    /// Index into [`AppConfig::files`]; `None` for an `APP_CONFIG_*` variable.
    pub file: Option<usize>,
    /// The position in that file.
    pub span: Span,
    /// The value came (wholly or partly) from an environment variable or a `$file`: it may
    /// be a secret and is never shown.
    pub substituted: bool,
}

/// A config value, shaped like JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigKind {
    /// `null`: hides the layers below.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Seq(Vec<ConfigValue>),
    /// An object, keys in written order.
    Map(Vec<(String, ConfigValue)>),
}

/// A config value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigValue {
    /// The value.
    pub kind: ConfigKind,
    /// Where it was written.
    pub origin: Origin,
}

impl ConfigValue {
    /// A child of an object; `null` reads as absent, as Backstage's config reader has it.
    pub fn get(&self, key: &str) -> Option<&ConfigValue> {
        match &self.kind {
            ConfigKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .filter(|v| v.kind != ConfigKind::Null),
            _ => None,
        }
    }

    /// The value at a dotted path (`catalog.rules`).
    pub fn at(&self, path: &str) -> Option<&ConfigValue> {
        path.split('.').try_fold(self, |v, key| v.get(key))
    }

    /// The string, when the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ConfigKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, when the value is an array.
    pub fn as_seq(&self) -> Option<&[ConfigValue]> {
        match &self.kind {
            ConfigKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The value as messages may show it: a string in backticks, or a stand-in when it was
    /// substituted from the environment or a file.
    pub fn shown(&self) -> String {
        if self.origin.substituted {
            return "(a substituted value)".into();
        }
        match &self.kind {
            ConfigKind::String(s) => format!("`{s}`"),
            ConfigKind::Null => "null".into(),
            ConfigKind::Bool(b) => b.to_string(),
            ConfigKind::Number(_) => "a number".into(),
            ConfigKind::Seq(_) => "an array".into(),
            ConfigKind::Map(_) => "an object".into(),
        }
    }

    /// The value as JSON, as Backstage's `config.get()` gives it: keys whose value is `null`
    /// are left out (they only hide lower layers).
    ///
    /// ```
    /// use yardstick::appconfig::{ConfigKind, ConfigValue, Origin};
    /// let value = ConfigValue {
    ///     kind: ConfigKind::Map(vec![
    ///         ("port".into(), ConfigValue { kind: ConfigKind::Number(7007.0), origin: Origin::default() }),
    ///         ("gone".into(), ConfigValue { kind: ConfigKind::Null, origin: Origin::default() }),
    ///     ]),
    ///     origin: Origin::default(),
    /// };
    /// assert_eq!(value.to_json(), serde_json::json!({"port": 7007}));
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            ConfigKind::Null => J::Null,
            ConfigKind::Bool(b) => J::Bool(*b),
            ConfigKind::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => J::from(*n as i64),
            ConfigKind::Number(n) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
            ConfigKind::String(s) => J::String(s.clone()),
            ConfigKind::Seq(items) => J::Array(items.iter().map(ConfigValue::to_json).collect()),
            ConfigKind::Map(entries) => J::Object(
                entries
                    .iter()
                    .filter(|(_, v)| v.kind != ConfigKind::Null)
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// JSON's name for the value's type.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ConfigKind::Null => "null",
            ConfigKind::Bool(_) => "boolean",
            ConfigKind::Number(_) => "number",
            ConfigKind::String(_) => "string",
            ConfigKind::Seq(_) => "array",
            ConfigKind::Map(_) => "object",
        }
    }
}

/// The loaded configuration: every layer merged.
#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    /// Every file read: the config files in order, then the files they include.
    pub files: Vec<PathBuf>,
    /// The merged configuration (an object).
    pub root: ConfigValue,
}

impl AppConfig {
    /// The value at a dotted path, `null` reading as absent.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use std::path::{Path, PathBuf};
    /// use yardstick::appconfig::{load_app_config, ConfigSources};
    /// let read = |path: &Path| -> std::io::Result<String> {
    ///     match path.to_str() {
    ///         Some("/app/app-config.yaml") => Ok("app:\n  title: ${TITLE:-Demo}\n".into()),
    ///         _ => Err(std::io::ErrorKind::NotFound.into()),
    ///     }
    /// };
    /// let env = BTreeMap::new();
    /// let sources = ConfigSources { read: &read, env: &env };
    /// let config = load_app_config(&[PathBuf::from("/app/app-config.yaml")], &sources).unwrap();
    /// assert_eq!(config.get("app.title").and_then(|v| v.as_str()), Some("Demo"));
    /// ```
    pub fn get(&self, path: &str) -> Option<&ConfigValue> {
        self.root.at(path)
    }

    /// Where a value was written: `file:line:col`, or the environment.
    pub fn position(&self, origin: &Origin) -> String {
        match origin.file.and_then(|f| self.files.get(f)) {
            Some(path) => format!(
                "{}:{}:{}",
                path.display(),
                origin.span.line,
                origin.span.column
            ),
            None => "an APP_CONFIG_* environment variable".into(),
        }
    }

    /// The folder of the first config file.
    pub fn first_dir(&self) -> Option<&Path> {
        self.files.first().and_then(|f| f.parent())
    }
}

/// Why the configuration cannot be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct AppConfigError {
    /// The file at fault; `None` for the environment.
    pub file: Option<PathBuf>,
    /// Where in it, when known.
    pub span: Option<Span>,
    /// What is wrong (never a substituted value).
    pub message: String,
}

impl fmt::Display for AppConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.span) {
            (Some(file), Some(span)) => write!(
                f,
                "{}:{}:{}: {}",
                file.display(),
                span.line,
                span.column,
                self.message
            ),
            (Some(file), None) => write!(f, "{}: {}", file.display(), self.message),
            (None, _) => write!(f, "environment: {}", self.message),
        }
    }
}

/// Loads config files in order (later files win), then the `APP_CONFIG_*` variables.
///
/// ```
/// use std::collections::BTreeMap;
/// use std::path::{Path, PathBuf};
/// use yardstick::appconfig::{load_app_config, ConfigSources};
/// let read = |path: &Path| -> std::io::Result<String> {
///     Ok(match path.to_str() {
///         Some("/a.yaml") => "catalog:\n  rules: [{allow: [Component]}]\n  locations: [{type: file, target: a.yaml}]\n",
///         _ => "catalog:\n  locations: [{type: file, target: b.yaml}]\n",
///     }
///     .to_string())
/// };
/// let env = BTreeMap::from([("APP_CONFIG_app_title".to_string(), "Shop".to_string())]);
/// let sources = ConfigSources { read: &read, env: &env };
/// let files = [PathBuf::from("/a.yaml"), PathBuf::from("/b.yaml")];
/// let config = load_app_config(&files, &sources).unwrap();
/// let locations = config.get("catalog.locations").and_then(|v| v.as_seq()).unwrap();
/// assert_eq!(locations.len(), 1);
/// assert_eq!(locations[0].get("target").and_then(|v| v.as_str()), Some("b.yaml"));
/// assert!(config.get("catalog.rules").is_some());
/// assert_eq!(config.get("app.title").and_then(|v| v.as_str()), Some("Shop"));
/// ```
pub fn load_app_config(
    files: &[PathBuf],
    sources: &ConfigSources<'_>,
) -> Result<AppConfig, AppConfigError> {
    let mut loader = transform::Loader {
        sources,
        files: files.to_vec(),
    };
    let mut root = ConfigValue {
        kind: ConfigKind::Map(Vec::new()),
        origin: Origin::default(),
    };
    for index in 0..files.len() {
        if let Some(layer) = loader.load_file(index)? {
            root = merge::merge(root, layer);
        }
    }
    if let Some(layer) = env::env_layer(sources.env)? {
        root = merge::merge(root, layer);
    }
    Ok(AppConfig {
        files: loader.files,
        root,
    })
}

/// `target` resolved against `dir` as node's `path.resolve` does.
fn resolve_path(dir: &Path, target: &str) -> PathBuf {
    join_lexically(dir, target).unwrap_or_else(|| PathBuf::from(target))
}

/// A YAML tree as a config value from file `file`.
fn from_node(node: &Node, file: usize) -> ConfigValue {
    let kind = match &node.value {
        Value::Null | Value::Opaque => ConfigKind::Null,
        Value::Bool(b) => ConfigKind::Bool(*b),
        Value::Number(n) => ConfigKind::Number(*n),
        Value::String(s) => ConfigKind::String(s.clone()),
        Value::Seq(items) => ConfigKind::Seq(items.iter().map(|n| from_node(n, file)).collect()),
        Value::Map(entries) => ConfigKind::Map(
            entries
                .iter()
                .map(|e| (e.key.to_string(), from_node(&e.value, file)))
                .collect(),
        ),
    };
    ConfigValue {
        kind,
        origin: Origin {
            file: Some(file),
            span: node.span,
            substituted: false,
        },
    }
}

/// Parses a config or included YAML/JSON file: one document (an empty file is `None`).
fn parse_file(path: &Path, text: &str, file: usize) -> Result<Option<ConfigValue>, AppConfigError> {
    let stream = crate::yaml::parse_stream(text, &Limits::default());
    let error = |span: Span, message: String| AppConfigError {
        file: Some(path.to_path_buf()),
        span: Some(span),
        message,
    };
    if let Some(fatal) = stream.fatal {
        return Err(error(fatal.span, fatal.message));
    }
    let mut documents = stream.documents.into_iter().filter(|d| !d.is_empty());
    let Some(document) = documents.next() else {
        return Ok(None);
    };
    if let Some(second) = documents.next() {
        return Err(error(
            second.span,
            "the file holds more than one YAML document".into(),
        ));
    }
    if let Some(e) = document.error {
        return Err(error(e.span, e.message));
    }
    Ok(document.root.map(|root| from_node(&root, file)))
}
