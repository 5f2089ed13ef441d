//! The embedding API's promises that the compiler can check.

fn shareable<T: Send + Sync>() {}

#[test]
fn results_and_inputs_can_be_shared_across_threads() {
    shareable::<yardstick::LintReport>();
    shareable::<yardstick::PolicySet>();
    shareable::<yardstick::Facts>();
    shareable::<yardstick::Config>();
    shareable::<yardstick::Scorecard>();
    shareable::<yardstick::report::Report>();
    shareable::<yardstick::Node>();
    shareable::<yardstick::Scorer<'static>>();
    shareable::<yardstick::SharedStr>();
}

/// A `Scorer` compiled once gives what `score` gives, report after report.
#[test]
fn a_scorer_reused_across_reports_scores_like_score() {
    use yardstick::{
        lint_paths, lint_sources, score, LintOptions, PolicySet, ScoreOptions, Scorer,
    };
    let policies = PolicySet::builtin().unwrap();
    let options = ScoreOptions {
        today: Some("2025-06-01".into()),
        ..ScoreOptions::default()
    };
    let scorer = Scorer::new(&policies, &options).unwrap();
    let demo = lint_paths(&["../../fixtures/demo".into()], &LintOptions::default()).unwrap();
    // Without Groups, owners are not looked up; with the demo's, they are: the catalog
    // data must follow each report, not the first one scored.
    let lone = lint_sources(
        &[(
            "catalog-info.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\n\
             spec: {type: service, lifecycle: production, owner: nobody}\n",
        )],
        &LintOptions::default(),
    );
    for report in [&lone, &demo, &lone, &demo] {
        assert_eq!(
            scorer.score(report).unwrap(),
            score(report, &policies, &options).unwrap()
        );
    }
    let owner = |card: &yardstick::Scorecard| {
        let check = card.entities[0].checks.iter().find(|c| c.id == "has-owner");
        check.unwrap().status
    };
    assert_eq!(
        owner(&scorer.score(&lone).unwrap()),
        yardstick::CheckStatus::Pass
    );
}
