//! yardstick core: reads Backstage catalog files exactly as Backstage does, validates them
//! with Backstage's own rules, and reports every problem with a stable rule id and a span.
//!
//! The crate does no network and no terminal output.
#![warn(missing_docs)]

mod config;
mod entity_ref;
mod finding;
mod lint;
mod policy;
pub mod report;
mod schema;
mod score;
mod validate;
pub mod yaml;

pub use config::{
    CheckConfig, Config, ConfigError, Exemption, FailOn, GateConfig, LevelRule, LevelRules,
    LintConfig, CONFIG_FILE_NAME,
};
pub use entity_ref::{EntityRef, RefError, DEFAULT_NAMESPACE};
pub use finding::{rule, Finding, Rule, Severity, RULES, RULES_DOC_URL};
pub use lint::{
    lint_paths, Catalog, LintError, LintOptions, LintReport, LoadedEntity, RefCheck, SourceFile,
};
pub use policy::{
    builtin_modules, rego_files, run_rego_tests, Check, CheckSeverity, PolicyError, PolicySet,
    TestOutcome,
};
pub use score::{
    score, Aggregate, CheckResult, CheckStatus, EntityScore, ExpiredExemption, Facts, FactsError,
    GateResult, Level, LevelCounts, Location, ScoreError, ScoreOptions, Scorecard,
};
pub use validate::{
    validate_entity, Entity, PlaceholderResolver, PlaceholderValue, Problem, Relation,
    ValidateOptions, Validation,
};
pub use yaml::{
    parse_stream, Document, Limits, Node, Span, Stream, Value, YamlError, YamlErrorKind,
};
