//! Linting with `Keep::Parts` of a scorer's reads (each entity keeps only what the checks
//! read, each file a line index for its text) gives the same reports as keeping
//! everything: the same findings, scores and positions.

mod common;

use std::path::Path;

use common::{demo_score_options, repo};
use yardstick::report::{sarif, Report};
use yardstick::{
    lint_paths, lint_sources, Config, Keep, LintOptions, LintReport, PolicySet, Projection,
    ScoreError, ScoreOptions, Scorer,
};

/// A check that reads only `spec.type` and points at `pointer`, a field it does not read.
fn pointing_check(id: &str, pointer: &str) -> String {
    format!(
        "# METADATA\n# title: Points elsewhere\n# custom:\n#   id: {id}\n#   severity: low\n\
         package yardstick.checks.{}\n\nimport rego.v1\n\n\
         result := {{\"status\": \"fail\", \"message\": \"look there\", \"pointer\": \"{pointer}\"}} \
         if input.entity.spec.type != \"\"\n",
        id.replace('-', "_")
    )
}

/// The built-ins and checks pointing outside what they read: at a field, into a list, at
/// a field that is not there, and below a scalar.
fn policies() -> PolicySet {
    let mut set = PolicySet::builtin().unwrap();
    for (id, pointer) in [
        ("points-at-title", "/metadata/title"),
        ("points-into-tags", "/metadata/tags/1"),
        ("points-at-nothing", "/metadata/nowhere/deeper"),
        ("points-below-lifecycle", "/spec/lifecycle/x"),
    ] {
        set.add_source(&format!("{id}.rego"), &pointing_check(id, pointer))
            .unwrap();
    }
    set
}

/// The JSON and SARIF reports of `lint` scored by `scorer`.
fn rendered(lint: LintReport, scorer: &Scorer<'_>, policies: &PolicySet) -> (String, String) {
    let (card, lint) = scorer.score_consuming(lint).unwrap();
    let report = Report::from_owned_scorecard(&lint, card, policies, &Config::default());
    let mut json = Vec::new();
    report.write_json(&mut json).unwrap();
    let mut out = Vec::new();
    sarif::write(&report, &Default::default(), &mut out).unwrap();
    (
        String::from_utf8(json).unwrap(),
        String::from_utf8(out).unwrap(),
    )
}

/// Both reports of `dir`, linted keeping everything and keeping the scorer's parts.
fn both_ways(dir: &Path, options: &ScoreOptions) -> [(String, String); 2] {
    let policies = policies();
    let scorer = Scorer::new(&policies, options).unwrap();
    let parts = scorer.entity_parts().expect("bounded reads").clone();
    [Keep::Everything, Keep::Parts(parts)].map(|keep| {
        let lint_options = LintOptions {
            display_base: Some(repo()),
            keep,
            ..LintOptions::default()
        };
        let lint = lint_paths(&[dir.to_path_buf()], &lint_options).unwrap();
        rendered(lint, &scorer, &policies)
    })
}

#[test]
fn the_demo_catalog_reports_the_same_keeping_parts() {
    let [whole, parts] = both_ways(&repo().join("fixtures/demo"), &demo_score_options());
    assert!(whole.0.contains("points-at-title") && whole.0.contains("\"end_line\""));
    assert_eq!(whole.0, parts.0);
    assert_eq!(whole.1, parts.1);
}

#[test]
fn files_with_crlf_and_non_ascii_text_report_the_same_keeping_parts() {
    let dir = tempfile::tempdir().unwrap();
    let entity = |name: &str, title: &str, nl: &str| {
        format!(
            "apiVersion: backstage.io/v1alpha1{nl}kind: Component{nl}metadata:{nl}  name: {name}{nl}  \
             title: \"{title}\"{nl}  tags: [a, b]{nl}  annotations:{nl}    \
             pagerduty.com/service-id: P{name}{nl}spec:{nl}  type: service{nl}  lifecycle: \
             production{nl}  owner: team-a{nl}  ownr: x{nl}"
        )
    };
    let files = [
        ("crlf/catalog-info.yaml", entity("crlf", "Carriage", "\r\n")),
        (
            "utf8/catalog-info.yaml",
            entity("utf8", "Größe ✓ 日本", "\n"),
        ),
        (
            "multi/catalog-info.yaml",
            format!(
                "{}---\n{}",
                entity("one", "One", "\n"),
                entity("two", "Two\\n", "\n")
            ),
        ),
    ];
    for (path, text) in &files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let [whole, parts] = both_ways(dir.path(), &ScoreOptions::default());
    assert!(whole.0.contains("misspelled-spec-key"));
    assert_eq!(whole.0, parts.0);
    assert_eq!(whole.1, parts.1);
}

#[test]
fn sources_in_memory_keep_their_text_and_report_the_same() {
    let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  \
                title: A\n  tags: [x, y]\nspec: {type: service, lifecycle: production, owner: b}\n";
    let policies = policies();
    let options = ScoreOptions::default();
    let scorer = Scorer::new(&policies, &options).unwrap();
    let parts = scorer.entity_parts().unwrap().clone();
    let [whole, kept] = [Keep::Everything, Keep::Parts(parts)].map(|keep| {
        let lint = lint_sources(
            &[("a.yaml", text)],
            &LintOptions {
                keep,
                ..LintOptions::default()
            },
        );
        rendered(lint, &scorer, &policies)
    });
    assert_eq!(whole, kept);
}

#[test]
fn a_report_that_kept_too_little_is_refused() {
    let mut parts = Projection::empty();
    parts.add_pointer("/spec/type");
    let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\n\
                spec: {type: service, lifecycle: production, owner: b}\n";
    let lint = lint_sources(
        &[("a.yaml", text)],
        &LintOptions {
            keep: Keep::Parts(parts),
            ..LintOptions::default()
        },
    );
    let policies = PolicySet::builtin().unwrap();
    let options = ScoreOptions::default();
    let scorer = Scorer::new(&policies, &options).unwrap();
    assert!(matches!(scorer.score(&lint), Err(ScoreError::PartsNotKept)));
}

proptest::proptest! {
    /// A line index places the end of any span as the text does: line feeds, carriage
    /// returns, tabs and (through the text it keeps) characters beyond ASCII.
    #[test]
    fn a_line_index_ends_spans_as_the_text_does(
        text in proptest::prop_oneof!["[a\\n\\r\\t ]{0,60}", "[a\\n\\r é✓]{0,60}"],
        offset in 0usize..70,
        len in 0usize..70,
        line in 1usize..5,
        column in 1usize..5,
    ) {
        let text: std::sync::Arc<str> = std::sync::Arc::from(text.as_str());
        let span = yardstick::Span::new(offset, len, line, column);
        let lines = yardstick::LineIndex::new(&text);
        proptest::prop_assert_eq!(lines.span_end(span), yardstick::report::span_end(&text, span));
    }
}
