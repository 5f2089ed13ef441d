//! The demo catalog's report, built in process, shared by the renderer tests.

use std::path::{Path, PathBuf};

use yardstick::report::Report;
use yardstick::{Config, Facts, LintOptions, PolicySet, ScoreOptions};

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
