//! yardstick core: reads Backstage catalog files exactly as Backstage does, validates them
//! with Backstage's own rules, scores every entity against weighted Rego checks, and renders
//! one result model in every report format.
//!
//! The crate does no network and no terminal output; it needs no file system either.
//!
//! ```
//! use yardstick::report::{markdown, RenderOptions, Report};
//! use yardstick::{lint_sources, score, Config, Facts, LintOptions, PolicySet, ScoreOptions};
//!
//! let catalog = "\
//! apiVersion: backstage.io/v1alpha1
//! kind: Component
//! metadata: {name: checkout, annotations: {backstage.io/techdocs-ref: 'url:https://docs'}}
//! spec: {type: service, lifecycle: production, owner: team-a}
//! ";
//! let lint = lint_sources(&[("catalog-info.yaml", catalog)], &LintOptions::default());
//! let mut facts = Facts::default();
//! facts.insert("component:default/checkout", serde_json::json!({"ci": {"status": "passing"}}));
//! let policies = PolicySet::builtin().unwrap();
//! let card = score(&lint, &policies, &ScoreOptions { facts, ..ScoreOptions::default() }).unwrap();
//! assert_eq!(card.entities[0].checks.iter().find(|c| c.id == "ci-passing").unwrap().status,
//!            yardstick::CheckStatus::Pass);
//! let report = Report::from_scorecard(&lint, &card, &policies, &Config::default());
//! let mut page = Vec::new();
//! markdown::write(&report, &RenderOptions::default(), &mut page).unwrap();
//! assert!(String::from_utf8(page).unwrap().contains("checkout"));
//! ```
#![warn(missing_docs)]

pub mod appconfig;
mod catalog;
mod config;
mod lint;
mod policy;
pub mod report;
mod rules;
mod score;
pub mod util;
mod yaml;

pub use catalog::{
    validate_entity, Entity, EntityRecord, EntityRef, OwnerDirectory, PlaceholderResolver,
    PlaceholderValue, Problem, RefError, Relation, ValidateOptions, Validation, DEFAULT_NAMESPACE,
};
pub use config::{
    CheckConfig, Config, ConfigError, Exemption, FailOn, GateConfig, LevelRule, LevelRules,
    LintConfig, CONFIG_FILE_NAME,
};
pub use lint::{
    catalog_files, lint_files, lint_json_entities, lint_paths, lint_sources, AppCatalog, Catalog,
    CatalogFile, CatalogIndex, Finding, Keep, Kept, LintError, LintOptions, LintReport,
    LoadedEntity, OwnerResolution, RefCheck, Repository, SecondaryLabel, Source, SourceFile,
};
pub use policy::{
    builtin_modules, parse_now, rego_files, run_rego_tests, utc_date_of, Check, CheckSeverity,
    PolicyError, PolicyErrors, PolicySet, TestOutcome,
};
pub use rules::{rule, Rule, RuleId, Severity, RULES, RULES_DOC_URL};
pub use score::{
    score, Aggregate, CheckResult, CheckStatus, EntityScore, ExpiredExemption, Facts, FactsError,
    GateResult, Level, LevelCounts, Location, MemoStats, ScoreError, ScoreOptions, Scorecard,
    Scorer, StreamSummary, StreamedFile,
};
pub use util::shared_str::SharedStr;
pub use util::span::LineIndex;
pub use yaml::{
    parse_stream, CompactTree, Document, Entry, EntryRef, Limits, MapEntries, Node, NodeRef,
    Projection, SeqItems, Span, Stream, Value, ValueRef, YamlError, YamlErrorKind,
};

/// The crate README's example (the crates.io page), run as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctest;
