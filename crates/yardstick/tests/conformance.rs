//! Conformance with the real Backstage validators: every document of the corpus must be
//! accepted or rejected exactly as the oracle's committed verdicts say. The verdicts are
//! batch-aware (`validate.js --batch`): each file is one location, ingested all or nothing,
//! so yardstick lints each file as a location of its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yardstick::{lint_files, parse_stream, Limits, LintOptions, RuleId, Severity, SourceFile};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A document's verdict: accepted, or rejected with (`true`) or without a `location/batch-failed`
/// error.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Verdict {
    Accepted,
    Rejected { batch: bool },
}

/// yardstick's verdict for each document of a file, linted as one location. Duplicate
/// entities are left aside: the oracle does not look across documents for them.
fn verdicts(file: &str, text: &str) -> Vec<Verdict> {
    let stream = parse_stream(text, &Limits::default());
    let source = SourceFile {
        path: file.into(),
        display: file.into(),
        root: PathBuf::new(),
        text: Arc::from(text),
    };
    let report = lint_files(vec![source], &LintOptions::default());
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.rule != RuleId::CatalogDuplicateEntity.id())
        .collect();
    let count = stream.documents.len().max(1);
    (0..count)
        .map(|i| {
            let mine: Vec<_> = errors
                .iter()
                .filter(|f| f.document.is_none_or(|d| d == i))
                .collect();
            if mine.is_empty() {
                Verdict::Accepted
            } else {
                let batch = mine
                    .iter()
                    .any(|f| f.rule == RuleId::LocationBatchFailed.id());
                Verdict::Rejected { batch }
            }
        })
        .collect()
}

/// The oracle's verdict of one line.
fn oracle_verdict(line: &serde_json::Value) -> Verdict {
    if line["ok"].as_bool().expect("ok") {
        Verdict::Accepted
    } else {
        Verdict::Rejected {
            batch: line["stage"].as_str() == Some("batch"),
        }
    }
}

fn check_corpus(dir: &str) {
    let base = repo_root().join(dir);
    let golden = std::fs::read_to_string(base.join("verdicts.jsonl"))
        .unwrap_or_else(|e| panic!("{dir}/verdicts.jsonl: {e}"));
    let mut expected: BTreeMap<String, Vec<(Option<u64>, Verdict)>> = BTreeMap::new();
    for line in golden.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("verdict line is JSON");
        let file = v["file"].as_str().expect("file").to_string();
        expected
            .entry(file)
            .or_default()
            .push((v["index"].as_u64(), oracle_verdict(&v)));
    }
    assert!(
        expected.len() >= 100,
        "{dir}: only {} files",
        expected.len()
    );
    let mut mismatches = Vec::new();
    let mut documents = 0;
    for (file, want) in &expected {
        let text = std::fs::read_to_string(base.join(file)).expect("corpus file");
        let got = verdicts(file, &text);
        // A file-level failure (index null) rejects every document.
        let want: Vec<Verdict> = if want.iter().any(|(i, _)| i.is_none()) {
            vec![Verdict::Rejected { batch: false }; got.len()]
        } else {
            want.iter().map(|(_, v)| *v).collect()
        };
        documents += want.len();
        if got != want {
            mismatches.push(format!("{file}: oracle {want:?}, yardstick {got:?}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} files disagree with the oracle:\n{}",
        mismatches.len(),
        expected.len(),
        mismatches.join("\n")
    );
    eprintln!(
        "{dir}: {} files, {documents} documents agree",
        expected.len()
    );
}

#[test]
fn agrees_with_backstage_on_the_corpus() {
    check_corpus("tests/conformance");
}

#[test]
fn agrees_with_backstage_on_the_holdout_corpus() {
    check_corpus("tests/conformance/holdout");
}
