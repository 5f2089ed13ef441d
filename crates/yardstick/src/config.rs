//! `yardstick.yaml`: every key is checked, and an unknown or mistyped key is an error that
//! names its line and column.

use std::collections::BTreeMap;

use crate::lint::RefCheck;
use crate::policy::CheckSeverity;
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

    /// Checks that every check id the configuration names exists.
    pub fn check_ids(&self, known: &[&str]) -> Result<(), ConfigError> {
        let unknown = |id: &str, span: Span| {
            err(
                format!("unknown check `{id}`; known checks: {}", known.join(", ")),
                span,
            )
        };
        for (id, c) in &self.checks {
            if !known.contains(&id.as_str()) {
                return Err(unknown(id, c.span));
            }
        }
        for x in &self.exemptions {
            if !known.contains(&x.check.as_str()) {
                return Err(unknown(&x.check, x.span));
            }
        }
        Ok(())
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

fn severity(node: &Node, key: &str) -> Result<CheckSeverity, ConfigError> {
    node.as_str().and_then(CheckSeverity::parse).ok_or_else(|| {
        err(
            format!("`{key}` must be critical, high, medium or low"),
            node.span,
        )
    })
}

fn number(node: &Node, key: &str) -> Result<f64, ConfigError> {
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
fn builtin_params(check: &str) -> Option<&'static [&'static str]> {
    match check {
        "has-monitoring" | "has-oncall" => Some(&["annotations"]),
        "has-backups" => Some(&["database_types"]),
        "has-cost-tags" => Some(&["label_keys"]),
        "has-owner" | "ci-passing" | "has-techdocs" => Some(&[]),
        _ => None,
    }
}

fn checks(node: &Node) -> Result<BTreeMap<String, CheckConfig>, ConfigError> {
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

fn levels(node: &Node) -> Result<LevelRules, ConfigError> {
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

fn gate(node: &Node) -> Result<GateConfig, ConfigError> {
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
pub(crate) fn is_date(text: &str) -> bool {
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

fn exemptions(node: &Node) -> Result<Vec<Exemption>, ConfigError> {
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
