//! The generator is deterministic, sized as asked, and breaks exactly the entities it means to.

use std::fs;

use super::generate;
use crate::{catalog_files, TempDir};

#[test]
fn deterministic_and_sized() {
    let a = TempDir::new("gen-test-a").unwrap();
    let b = TempDir::new("gen-test-b").unwrap();
    let sa = generate(a.path(), 7, 500);
    let sb = generate(b.path(), 7, 500);
    assert_eq!(sa, sb);
    assert_eq!(sa.entities, 500);
    assert_eq!(sa.by_kind.iter().map(|(_, n)| n).sum::<usize>(), 500);
    let fa = catalog_files(a.path()).unwrap();
    let fb = catalog_files(b.path()).unwrap();
    assert_eq!(fa.len(), sa.files);
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(fs::read(x).unwrap(), fs::read(y).unwrap());
    }
}

#[test]
fn tiny_catalogs() {
    for n in [0, 1, 2, 5, 10, 30] {
        let d = TempDir::new("gen-test-tiny").unwrap();
        assert_eq!(generate(d.path(), 1, n).entities, n);
    }
}

#[test]
fn lint_and_score_rates() {
    let d = TempDir::new("gen-test-rates").unwrap();
    let stats = generate(d.path(), 3, 2000);
    // The generated owners mostly come from an org sync, not from YAML, so `auto` would not
    // check them; the broken owners are meant to fail `has-owner`.
    let options = yardstick::LintOptions {
        check_refs: yardstick::RefCheck::Always,
        ..Default::default()
    };
    let report = yardstick::lint_paths(&[d.path().to_path_buf()], &options).unwrap();
    assert_eq!(report.documents, 2000);
    assert_eq!(report.files.len(), stats.files);
    // Exactly the deliberately broken entities are rejected.
    assert_eq!(report.catalog.len(), 2000 - stats.lint_errors);
    assert!((20..=60).contains(&stats.lint_errors), "{stats:?}");
    let facts =
        yardstick::Facts::parse(&fs::read_to_string(d.path().join("facts.json")).unwrap()).unwrap();
    let card = yardstick::score(
        &report,
        &yardstick::PolicySet::builtin().unwrap(),
        &yardstick::ScoreOptions {
            facts,
            today: Some("2025-01-01".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let failing = card
        .entities
        .iter()
        .filter(|e| {
            e.checks
                .iter()
                .any(|c| c.status == yardstick::CheckStatus::Fail)
        })
        .count();
    assert!(
        card.entities.iter().all(|e| e
            .checks
            .iter()
            .all(|c| c.status != yardstick::CheckStatus::Error)),
        "no check errors"
    );
    // Exactly the entities meant to break a check do.
    assert_eq!(failing, stats.check_failures, "{stats:?}");
    assert!((300..=500).contains(&failing), "{failing}");
}
