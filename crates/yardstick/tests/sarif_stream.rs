//! The SARIF log of a streamed run (`SarifReportStream`) is byte for byte the log of the
//! whole report (`report::sarif::write`).

use yardstick::report::{sarif, RenderOptions, Report, SarifReportStream};
use yardstick::{
    lint_files, lint_paths, CheckStatus, Config, LintOptions, LintReport, PolicySet, RefCheck,
    ScoreOptions, Scorer, SourceFile,
};

mod common;

use common::{demo_score_options, source};

/// The render options a log is compared under: the defaults, and a category of its own with
/// security severities.
fn render_options() -> [RenderOptions; 2] {
    [
        RenderOptions::default(),
        RenderOptions {
            sarif_category: "catalog/streamed/".into(),
            security_severity: true,
        },
    ]
}

/// What the whole report's log has to show for the comparison to mean something.
#[derive(Debug)]
struct Shown {
    findings: usize,
    failing: usize,
    erroring: usize,
}

/// A check every evaluation of which is an error (its status is none of pass, fail or
/// unknown), so that the logs have check-error notifications.
const ERRING_CHECK: &str = "# METADATA\n# title: Always broken\n# custom:\n#   id: always-broken\n\
#   severity: high\n#   applies_to: [Component]\n\
package yardstick.checks.always_broken\n\nimport rego.v1\n\ndefault applicable := true\n\n\
result := {\"status\": \"maybe\", \"message\": \"\", \"pointer\": \"\"}\n";

/// The built-in checks and [`ERRING_CHECK`].
fn policies() -> PolicySet {
    let mut policies = PolicySet::builtin().unwrap();
    policies
        .add_source("policy/always_broken.rego", ERRING_CHECK)
        .unwrap();
    policies
}

/// Scores `whole` (`sources` linted with `lint`, in their order) whole and streamed, and
/// asserts that the SARIF logs are the same bytes under every render option. `head` is what
/// the stream begins with, the whole report when `None`. Gives what the whole report shows.
fn assert_streamed_log_is_whole_log(
    (whole, lint): (&LintReport, &LintOptions),
    sources: &[SourceFile],
    options: &ScoreOptions,
    head: Option<&Report>,
) -> Shown {
    let policies = policies();
    let scorer = Scorer::new(&policies, options).unwrap();
    let card = scorer.score(whole).unwrap();
    let report = Report::from_scorecard(whole, &card, &policies, &Config::default());
    for render in render_options() {
        let mut expected = Vec::new();
        sarif::write(&report, &render, &mut expected).unwrap();

        let mut stream =
            SarifReportStream::begin(head.unwrap_or(&report), &render, Vec::new()).unwrap();
        let done = scorer
            .score_stream(
                || sources.iter().cloned(),
                lint,
                |file| {
                    stream.file(&file.lint, &file.entities).unwrap();
                },
            )
            .unwrap();
        let streamed = stream.finish(&done.summary).unwrap();
        assert!(
            streamed == expected,
            "the streamed log differs under {render:?}:\n{}",
            String::from_utf8_lossy(&streamed)
        );
    }
    let statuses = || report.entities.iter().flat_map(|e| &e.checks);
    Shown {
        findings: report.findings.len(),
        failing: statuses().filter(|c| c.status == CheckStatus::Fail).count(),
        erroring: statuses()
            .filter(|c| c.status == CheckStatus::Error)
            .count(),
    }
}

#[test]
fn the_fixture_catalogs_stream_the_log_of_their_whole_report() {
    let repo = common::repo();
    // References are checked always, and create-app's examples read (its app-config is not
    // used here), so that every fixture has findings and failing checks.
    for (dir, include) in [
        ("fixtures/demo", None),
        ("fixtures/owners", None),
        ("fixtures/create-app", Some("examples/**/*.yaml")),
    ] {
        let lint = LintOptions {
            display_base: Some(repo.clone()),
            check_refs: RefCheck::Always,
            include: include.into_iter().map(String::from).collect(),
            ..LintOptions::default()
        };
        // The whole report lints the files the stream reads (a walk's location findings,
        // such as a missing target, are not the SARIF stream's business).
        let files = lint_paths(&[repo.join(dir)], &lint).unwrap().files;
        let whole = lint_files(files.clone(), &lint);
        let shown =
            assert_streamed_log_is_whole_log((&whole, &lint), &files, &demo_score_options(), None);
        assert!(
            shown.findings > 0 && shown.failing > 0 && shown.erroring > 0,
            "{dir}: {shown:?}"
        );
    }
}

#[test]
fn files_streamed_out_of_name_order_give_the_whole_log() {
    let component = |name: &str, owner: &str| {
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: {name}}}\n\
             spec: {{type: service, lifecycle: production, owner: {owner}, sytem: x}}\n"
        )
    };
    // `b.yaml` streams first but sorts after `a.yaml`; each has findings and failing checks,
    // and the checks of both entities of `b.yaml` cannot be evaluated.
    let sources = vec![
        source(
            "b.yaml",
            &format!(
                "{}---\n{}",
                component("till", "team-a"),
                component("tray", "team-a")
            ),
        ),
        source("a.yaml", &component("cart", "team-b")),
        source(
            "c.yaml",
            &format!("{}---\nkind: [\n", component("shop", "team-a")),
        ),
    ];
    let lint = LintOptions::default();
    let whole = lint_files(sources.clone(), &lint);
    let first: Vec<&str> = whole.findings.iter().map(|f| f.file.as_str()).collect();
    assert!(first.starts_with(&["a.yaml"]), "{first:?}");
    assert!(first.contains(&"b.yaml"), "{first:?}");
    let shown =
        assert_streamed_log_is_whole_log((&whole, &lint), &sources, &ScoreOptions::default(), None);
    assert!(shown.failing > 0 && shown.erroring > 0, "{shown:?}");
}

#[test]
fn a_head_with_a_comparison_streams_the_same_log() {
    let repo = common::repo();
    let lint = LintOptions::default();
    let whole = lint_paths(&[repo.join("fixtures/demo")], &lint).unwrap();
    let mut head = Report::score_head(&policies(), &Config::default());
    head.compare_with(&common::demo_report(None));
    assert!(head.comparison.is_some());
    let shown = assert_streamed_log_is_whole_log(
        (&whole, &lint),
        &whole.files,
        &demo_score_options(),
        Some(&head),
    );
    assert!(shown.failing > 0, "{shown:?}");
}
