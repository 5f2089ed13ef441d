//! Conformance with the real Backstage validators: every document of the corpus must be
//! accepted or rejected exactly as the oracle's committed verdicts say.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use yardstick::{parse_stream, validate_entity, Limits, ValidateOptions};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// yardstick's verdict for each document of a file: `true` = accepted.
fn verdicts(text: &str) -> Vec<bool> {
    let stream = parse_stream(text, &Limits::default());
    if stream.fatal.is_some() {
        return vec![false; stream.documents.len().max(1)];
    }
    stream
        .documents
        .iter()
        .map(|doc| match (&doc.error, &doc.root) {
            (Some(_), _) | (None, None) => false,
            (None, Some(_)) if doc.is_empty() => true,
            (None, Some(root)) => validate_entity(root, &ValidateOptions::default()).accepted(),
        })
        .collect()
}

fn check_corpus(dir: &str) {
    let base = repo_root().join(dir);
    let golden = std::fs::read_to_string(base.join("verdicts.jsonl"))
        .unwrap_or_else(|e| panic!("{dir}/verdicts.jsonl: {e}"));
    let mut expected: BTreeMap<String, Vec<(Option<u64>, bool)>> = BTreeMap::new();
    for line in golden.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("verdict line is JSON");
        let file = v["file"].as_str().expect("file").to_string();
        expected
            .entry(file)
            .or_default()
            .push((v["index"].as_u64(), v["ok"].as_bool().expect("ok")));
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
        let got = verdicts(&text);
        // A file-level failure (index null) rejects every document.
        let want: Vec<bool> = if want.iter().any(|(i, _)| i.is_none()) {
            vec![false; got.len().max(1)]
        } else {
            want.iter().map(|(_, ok)| *ok).collect()
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
