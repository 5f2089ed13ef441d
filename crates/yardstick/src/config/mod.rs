//! `yardstick.yaml`: every key is checked, and an unknown or mistyped key is an error that
//! names its line and column.
//!
//! `fields` reads each section; this module holds the model and loads the file.

use std::collections::BTreeMap;

mod fields;

use fields::{boolean, checks, err, exemptions, gate, known_keys, levels, string_list};

use crate::lint::RefCheck;
use crate::policy::CheckSeverity;
use crate::yaml::{parse_stream, Limits, Span};

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
    /// Per-check settings, by check id.
    pub checks: BTreeMap<String, CheckConfig>,
    /// Level rules.
    pub levels: LevelRules,
    /// The CI gate.
    pub gate: GateConfig,
    /// Checks waived for particular entities.
    pub exemptions: Vec<Exemption>,
}

/// Settings of one check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckConfig {
    /// `enabled: false` turns the check off.
    pub enabled: Option<bool>,
    /// Overrides the check's severity.
    pub severity: Option<CheckSeverity>,
    /// Overrides the weight the severity implies.
    pub weight: Option<f64>,
    /// Parameters passed to the check as `input.params`.
    pub params: Option<serde_json::Value>,
    /// Where the check's id is written, to report an unknown check.
    pub span: Span,
}

/// What an entity needs for a level.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelRule {
    /// Every scored check of these severities must pass.
    pub require: Vec<CheckSeverity>,
    /// The entity score must be at least this.
    pub min_score: Option<f64>,
}

/// The rules for gold, silver and bronze.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelRules {
    /// Gold: by default every scored check passes.
    pub gold: LevelRule,
    /// Silver: by default all critical and high checks pass.
    pub silver: LevelRule,
    /// Bronze: by default all critical checks pass.
    pub bronze: LevelRule,
}

impl Default for LevelRules {
    fn default() -> Self {
        use CheckSeverity::*;
        let rule = |require: &[CheckSeverity]| LevelRule {
            require: require.to_vec(),
            min_score: None,
        };
        LevelRules {
            gold: rule(&[Critical, High, Medium, Low]),
            silver: rule(&[Critical, High]),
            bronze: rule(&[Critical]),
        }
    }
}

/// Which failing checks fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Any scored critical check fails (the default).
    #[default]
    Critical,
    /// Any scored critical or high check fails.
    High,
    /// Any scored check fails.
    Any,
    /// Never fail on check results (a minimum score may still fail the run).
    Never,
}

impl FailOn {
    /// Parses `critical`, `high`, `any` or `never`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "critical" => Some(FailOn::Critical),
            "high" => Some(FailOn::High),
            "any" => Some(FailOn::Any),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }
}

/// The CI gate.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GateConfig {
    /// Which failures fail the run.
    pub fail_on: Option<FailOn>,
    /// The overall score must be at least this.
    pub min_score: Option<f64>,
}

/// A waived check.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemption {
    /// The entity reference, e.g. `component:default/legacy` (case-insensitive).
    pub entity: String,
    /// The check id.
    pub check: String,
    /// Why.
    pub reason: String,
    /// Last day (`YYYY-MM-DD`) on which the exemption holds.
    pub expires: Option<String>,
    /// Where the exemption is written.
    pub span: Span,
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
    /// `openapi-placeholders: true` reads `$openapi`/`$asyncapi` as placeholders, as a
    /// backend with `@backstage/plugin-catalog-backend-module-openapi` does.
    pub openapi_placeholders: Option<bool>,
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

/// A check the configuration leaves enabled, with its effective severity and weight.
pub(crate) struct ConfiguredCheck<'p, 'c> {
    pub(crate) check: &'p crate::policy::Check,
    pub(crate) severity: CheckSeverity,
    pub(crate) weight: f64,
    /// The configuration's settings for it, if any.
    pub(crate) settings: Option<&'c CheckConfig>,
}

impl Config {
    /// The enabled checks of `policies`, in their order, with the configuration's severity
    /// and weight applied: what scoring evaluates and what reports list.
    pub(crate) fn enabled_checks<'p, 'c>(
        &'c self,
        policies: &'p crate::policy::PolicySet,
    ) -> impl Iterator<Item = ConfiguredCheck<'p, 'c>> {
        policies.checks().iter().filter_map(move |check| {
            let settings = self.checks.get(&check.id);
            if settings.and_then(|s| s.enabled) == Some(false) {
                return None;
            }
            let severity = settings.and_then(|s| s.severity).unwrap_or(check.severity);
            let weight = settings
                .and_then(|s| s.weight)
                .unwrap_or_else(|| severity.weight());
            Some(ConfiguredCheck {
                check,
                severity,
                weight,
                settings,
            })
        })
    }

    /// The check ids the configuration names (under `checks` and in `exemptions`) that are
    /// not among `known`, one warning each, with a suggestion when a known id is a likely
    /// typo. Such ids are accepted and have no effect: a check may come from a `--policy`
    /// directory that this run does not load.
    ///
    /// ```
    /// let config = yardstick::Config::parse("checks:\n  has-ownr: {enabled: false}\n").unwrap();
    /// let warnings = config.check_ids(&["has-owner", "ci-passing"]);
    /// assert_eq!((warnings[0].span.line, warnings[0].span.column), (2, 3));
    /// assert_eq!(
    ///     warnings[0].message,
    ///     "check `has-ownr` is not loaded, so this setting has no effect; did you mean `has-owner`?"
    /// );
    /// ```
    pub fn check_ids(&self, known: &[&str]) -> Vec<ConfigError> {
        let unknown = |id: &str, span: Span| {
            let mut message = format!("check `{id}` is not loaded, so this setting has no effect");
            if let Some(near) = crate::policy::nearest_name(id, known.iter().copied()) {
                message.push_str(&format!("; did you mean `{near}`?"));
            }
            err(message, span)
        };
        let settings = self.checks.iter().map(|(id, c)| (id.as_str(), c.span));
        let exempted = self.exemptions.iter().map(|x| (x.check.as_str(), x.span));
        settings
            .chain(exempted)
            .filter(|(id, _)| !known.contains(id))
            .map(|(id, span)| unknown(id, span))
            .collect()
    }

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
        for e in known_keys(
            root,
            "the configuration",
            &[
                "include",
                "exclude",
                "lint",
                "checks",
                "levels",
                "gate",
                "exemptions",
            ],
        )? {
            match e.key.as_str() {
                "include" => config.include = string_list(&e.value, "include")?,
                "exclude" => config.exclude = string_list(&e.value, "exclude")?,
                "checks" => config.checks = checks(&e.value)?,
                "levels" => config.levels = levels(&e.value)?,
                "gate" => config.gate = gate(&e.value)?,
                "exemptions" => config.exemptions = exemptions(&e.value)?,
                _ => {
                    for l in known_keys(
                        &e.value,
                        "lint",
                        &[
                            "check-refs",
                            "deny-warnings",
                            "follow-locations",
                            "openapi-placeholders",
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
                            "openapi-placeholders" => {
                                config.lint.openapi_placeholders =
                                    Some(boolean(&l.value, "openapi-placeholders")?)
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
