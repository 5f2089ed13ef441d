//! On generated catalogs (duplicates across files, unresolved owners, lint errors, failing
//! checks), the streamed lint and score equals linting the directory and scoring it at once,
//! and so does the streamed JSON report, byte for byte.

use yardstick::report::{JsonReportStream, Report};
use yardstick::{lint_files, lint_paths, Config, LintOptions, PolicySet, Scorer, SourceFile};
use yardstick_benches::{catalog_files, generate, read_source, score_options, TempDir};

#[test]
fn a_generated_catalog_streams_as_it_lints_and_scores_whole() {
    for (seed, entities) in [(3, 1500), (11, 400)] {
        let temp = TempDir::new("stream").unwrap();
        let dir = temp.path().canonicalize().unwrap();
        generate(&dir, seed, entities);
        let files = catalog_files(&dir).unwrap();
        let sources = || files.iter().map(|path| read_source(path, &dir).unwrap());
        let lint = LintOptions::default();
        // The command's own lint of the directory finds the same as linting the sources.
        let walked = lint_paths(std::slice::from_ref(&dir), &lint).unwrap();
        let whole = lint_files(sources().collect::<Vec<SourceFile>>(), &lint);
        assert_eq!(whole.findings, walked.findings);
        assert!(whole.findings.len() > 10, "{}", whole.findings.len());

        let policies = PolicySet::builtin().unwrap();
        let options = score_options(&dir).unwrap();
        let scorer = Scorer::new(&policies, &options).unwrap();
        let card = scorer.score(&walked).unwrap();
        let report = Report::from_scorecard(&walked, &card, &policies, &Config::default());
        let mut expected = Vec::new();
        report.write_json(&mut expected).unwrap();

        let (mut findings, mut scores) = (Vec::new(), Vec::new());
        let mut json = JsonReportStream::begin(&report, Vec::new()).unwrap();
        let done = scorer
            .score_stream(sources, &lint, |file| {
                json.file(&file.lint, &file.entities).unwrap();
                findings.extend(file.lint.findings);
                scores.extend(file.entities);
            })
            .unwrap();
        findings.sort_by(|a, b| a.file.cmp(&b.file));
        assert_eq!(findings, whole.findings, "seed {seed}");
        assert_eq!(scores, card.entities, "seed {seed}");
        assert_eq!(done.summary, card.summary, "seed {seed}");
        assert!(!done.summary.gate.passed);
        let streamed = json.finish(&done.summary).unwrap();
        assert!(
            streamed == expected,
            "seed {seed}: the streamed JSON differs"
        );
    }
}
