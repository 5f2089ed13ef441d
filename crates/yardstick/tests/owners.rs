//! Owner sources: the catalog's own Groups and Users, `--owners-from` files, and the `auto`
//! of `--check-refs` that is strict only with an owner source or a catalog whose Groups and
//! Users resolve at least half of the owners.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use yardstick::{
    lint_paths, score, CheckStatus, LintOptions, LintReport, OwnerDirectory, PolicySet,
    ScoreOptions,
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn lint_fixture(sources: &[&str]) -> LintReport {
    let dir = repo().join("fixtures/owners");
    let owners = (!sources.is_empty()).then(|| {
        let mut owners = OwnerDirectory::default();
        for name in sources {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            owners.read(name, &text).unwrap();
        }
        Arc::new(owners)
    });
    let options = LintOptions {
        owners,
        display_base: Some(dir.clone()),
        ..LintOptions::default()
    };
    lint_paths(&[dir], &options).unwrap()
}

/// `has-owner`'s status per entity that it applies to.
fn has_owner(lint: &LintReport) -> Vec<(String, CheckStatus)> {
    let policies = PolicySet::builtin().unwrap();
    let card = score(lint, &policies, &ScoreOptions::default()).unwrap();
    card.entities
        .iter()
        .filter_map(|e| {
            let check = e.checks.iter().find(|c| &*c.id == "has-owner")?;
            Some((e.reference.clone(), check.status))
        })
        .filter(|(_, s)| *s != CheckStatus::NotApplicable)
        .collect()
}

fn unresolved_owners(lint: &LintReport) -> Vec<(&str, &str)> {
    lint.findings
        .iter()
        .filter(|f| f.rule == "ref/unresolved-owner")
        .map(|f| (f.file.as_str(), f.message.as_str()))
        .collect()
}

#[test]
fn an_example_org_file_does_not_make_owners_strict() {
    let lint = lint_fixture(&[]);
    assert!(!lint.owners.strict);
    assert_eq!((lint.owners.resolved, lint.owners.distinct), (0, 3));
    assert!(lint.findings.is_empty(), "{:#?}", lint.findings);
    let statuses = has_owner(&lint);
    assert_eq!(statuses.len(), 3);
    assert!(
        statuses.iter().all(|(_, s)| *s == CheckStatus::Pass),
        "{statuses:?}"
    );
}

#[test]
fn with_owners_from_typos_are_caught() {
    for source in ["owners.json", "owners-by-query.json"] {
        let lint = lint_fixture(&[source]);
        assert!(lint.owners.strict);
        assert_eq!((lint.owners.resolved, lint.owners.distinct), (2, 3));
        let unresolved = unresolved_owners(&lint);
        assert_eq!(unresolved.len(), 1, "{unresolved:?}");
        assert_eq!(unresolved[0].0, "services/checkout/catalog-info.yaml");
        assert!(
            unresolved[0]
                .1
                .contains("group:default/team-paymnets, which is not in the scanned catalog or the owner sources; did you mean group:default/team-payments?"),
            "{}",
            unresolved[0].1
        );
        let failing: Vec<_> = has_owner(&lint)
            .into_iter()
            .filter(|(_, s)| *s == CheckStatus::Fail)
            .map(|(r, _)| r)
            .collect();
        assert_eq!(failing, ["component:default/checkout"], "{source}");
    }
}

#[test]
fn the_demos_deliberate_unresolved_owner_still_fails() {
    let demo = repo().join("fixtures/demo");
    let lint = lint_paths(&[demo], &LintOptions::default()).unwrap();
    assert!(
        lint.owners.strict,
        "{:?}",
        (lint.owners.resolved, lint.owners.distinct)
    );
    assert!(
        lint.findings
            .iter()
            .any(|f| f.rule == "ref/unresolved-owner"),
        "the demo keeps its unresolved owner"
    );
    assert!(has_owner(&lint)
        .iter()
        .any(|(_, s)| *s == CheckStatus::Fail));
}
