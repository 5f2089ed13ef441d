//! `yardstick.yaml`: every key is checked, and an unknown or mistyped key is an error that
//! names its line and column.

use crate::lint::RefCheck;
use crate::yaml::{parse_stream, Limits, Node, Span, Value};

/// The file name looked for at the scan root.
pub const CONFIG_FILE_NAME: &str = "yardstick.yaml";

/// Settings read from `yardstick.yaml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Extra globs of catalog files to read.
    pub include: Vec<String>,
    /// Globs of files and directories to skip.
    pub exclude: Vec<String>,
    /// Lint settings.
    pub lint: LintConfig,
}

/// The `lint:` section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LintConfig {
    /// `check-refs: auto|always|never`.
    pub check_refs: Option<RefCheck>,
    /// `deny-warnings: true` makes warnings fail the run.
    pub deny_warnings: Option<bool>,
    /// `follow-locations: false` stops following Location targets.
    pub follow_locations: Option<bool>,
    /// `templates: false` rejects scaffolder Templates, as a backend without the scaffolder.
    pub templates: Option<bool>,
}

/// A problem in the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Span,
}

fn err(message: impl Into<String>, span: Span) -> ConfigError {
    ConfigError {
        message: message.into(),
        span,
    }
}

/// Checks that a mapping holds only `known` keys.
fn known_keys<'n>(
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

fn string_list(node: &Node, key: &str) -> Result<Vec<String>, ConfigError> {
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

fn boolean(node: &Node, key: &str) -> Result<bool, ConfigError> {
    match node.value {
        Value::Bool(b) => Ok(b),
        _ => Err(err(
            format!("`{key}` must be true or false, found {}", node.type_name()),
            node.span,
        )),
    }
}

impl Config {
    /// Parses the text of a configuration file.
    ///
    /// ```
    /// let c = yardstick::Config::parse("exclude: ['**/examples/**']\nlint:\n  check-refs: always\n").unwrap();
    /// assert_eq!(c.exclude, vec!["**/examples/**".to_string()]);
    /// let e = yardstick::Config::parse("lint:\n  chek-refs: always\n").unwrap_err();
    /// assert_eq!((e.span.line, e.span.column), (2, 3));
    /// ```
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let stream = parse_stream(text, &Limits::default());
        if let Some(e) = stream.fatal {
            return Err(err(e.message, e.span));
        }
        let mut config = Config::default();
        let Some(doc) = stream.documents.first() else {
            return Ok(config);
        };
        if let Some(e) = &doc.error {
            return Err(err(e.message.clone(), e.span));
        }
        if stream.documents.len() > 1 {
            return Err(err(
                "expected a single YAML document",
                stream.documents[1].span,
            ));
        }
        let Some(root) = doc.root.as_ref().filter(|_| !doc.is_empty()) else {
            return Ok(config);
        };
        for e in known_keys(root, "the configuration", &["include", "exclude", "lint"])? {
            match e.key.as_str() {
                "include" => config.include = string_list(&e.value, "include")?,
                "exclude" => config.exclude = string_list(&e.value, "exclude")?,
                _ => {
                    for l in known_keys(
                        &e.value,
                        "lint",
                        &[
                            "check-refs",
                            "deny-warnings",
                            "follow-locations",
                            "templates",
                        ],
                    )? {
                        match l.key.as_str() {
                            "check-refs" => {
                                config.lint.check_refs = Some(match l.value.as_str() {
                                    Some("auto") => RefCheck::Auto,
                                    Some("always") => RefCheck::Always,
                                    Some("never") => RefCheck::Never,
                                    _ => {
                                        return Err(err(
                                            "`check-refs` must be auto, always or never",
                                            l.value.span,
                                        ))
                                    }
                                })
                            }
                            "deny-warnings" => {
                                config.lint.deny_warnings =
                                    Some(boolean(&l.value, "deny-warnings")?)
                            }
                            "follow-locations" => {
                                config.lint.follow_locations =
                                    Some(boolean(&l.value, "follow-locations")?)
                            }
                            _ => config.lint.templates = Some(boolean(&l.value, "templates")?),
                        }
                    }
                }
            }
        }
        Ok(config)
    }
}
