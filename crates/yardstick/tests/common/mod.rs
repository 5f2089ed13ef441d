//! Helpers shared by the library's integration tests: the demo catalog's report, built in
//! process, and the sources and options of the streamed-run tests.
// Each test binary uses some of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use yardstick::report::Report;
use yardstick::{Config, Facts, LintOptions, PolicySet, ScoreOptions, SourceFile};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The demo catalog linted and scored with its facts; paths relative to the repository.
pub fn demo_report(today: Option<&str>) -> Report {
    let repo = repo();
    let lint = yardstick::lint_paths(
        &[repo.join("fixtures/demo")],
        &LintOptions {
            display_base: Some(repo.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let facts =
        Facts::parse(&std::fs::read_to_string(repo.join("fixtures/demo/facts.json")).unwrap())
            .unwrap();
    let policies = PolicySet::builtin().unwrap();
    let options = ScoreOptions {
        facts,
        today: today.map(str::to_string),
        ..Default::default()
    };
    let card = yardstick::score(&lint, &policies, &options).unwrap();
    Report::from_scorecard(&lint, &card, &policies, &Config::default())
}

/// An in-memory source, shown as `display`.
pub fn source(display: &str, text: &str) -> SourceFile {
    SourceFile {
        path: display.into(),
        display: display.into(),
        root: "".into(),
        text: Arc::from(text),
    }
}

/// The demo's facts, with a fixed clock.
pub fn demo_score_options() -> ScoreOptions {
    let facts = std::fs::read_to_string(repo().join("fixtures/demo/facts.json")).unwrap();
    ScoreOptions {
        facts: Facts::parse(&facts).unwrap(),
        now_ns: Some(1_780_000_000_000_000_000),
        ..ScoreOptions::default()
    }
}
