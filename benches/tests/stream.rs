//! On generated catalogs (duplicates across files, unresolved owners, lint errors, failing
//! checks), the streamed lint and score equals linting the directory and scoring it at once.

use std::sync::Arc;

use yardstick::{lint_files, lint_paths, LintOptions, PolicySet, Scorer, SourceFile};
use yardstick_benches::{catalog_files, generate, score_options, TempDir};

#[test]
fn a_generated_catalog_streams_as_it_lints_and_scores_whole() {
    for (seed, entities) in [(3, 1500), (11, 400)] {
        let temp = TempDir::new("stream").unwrap();
        let dir = temp.path().canonicalize().unwrap();
        generate(&dir, seed, entities);
        let sources: Vec<SourceFile> = catalog_files(&dir)
            .unwrap()
            .into_iter()
            .map(|path| SourceFile {
                display: path.strip_prefix(&dir).unwrap().display().to_string(),
                text: Arc::from(std::fs::read_to_string(&path).unwrap()),
                root: dir.clone(),
                path,
            })
            .collect();
        let lint = LintOptions::default();
        // The same findings as the command's own lint of the directory.
        let whole = lint_files(sources.clone(), &lint);
        let walked = lint_paths(std::slice::from_ref(&dir), &lint).unwrap();
        assert_eq!(whole.findings, walked.findings);
        assert!(whole.findings.len() > 10, "{}", whole.findings.len());

        let policies = PolicySet::builtin().unwrap();
        let options = score_options(&dir).unwrap();
        let scorer = Scorer::new(&policies, &options).unwrap();
        let card = scorer.score(&whole).unwrap();
        let (mut findings, mut scores) = (Vec::new(), Vec::new());
        let done = scorer
            .score_stream(
                || sources.iter().cloned(),
                &lint,
                |file| {
                    findings.extend(file.lint.findings);
                    scores.extend(file.entities);
                },
            )
            .unwrap();
        findings.sort_by(|a, b| a.file.cmp(&b.file));
        assert_eq!(findings, whole.findings, "seed {seed}");
        assert_eq!(scores, card.entities, "seed {seed}");
        assert_eq!(done.summary, card.summary, "seed {seed}");
        assert!(!done.summary.gate.passed);
    }
}
