//! No silent acceptance: arguments the tool cannot honour are errors (exit 2), and a run that
//! found nothing to read, or printed nothing, says so on stderr.

mod common;

use std::path::{Path, PathBuf};

use common::{repo, yardstick};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("strict")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

#[test]
fn min_score_takes_what_the_config_file_takes() {
    for bad in ["NaN", ".nan", ".inf", "-1", "abc", ""] {
        let arg = format!("--min-score={bad}");
        let out = yardstick(&["score", "fixtures/demo", &arg], &repo());
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("must be a non-negative number"),
            "{bad:?}: {}",
            stderr(&out)
        );
        // The configuration file refuses the same value.
        let dir = scratch(&format!("config-{}", bad.replace('.', "dot")));
        let config = dir.join("yardstick.yaml");
        std::fs::write(&config, format!("gate:\n  min-score: {bad}\n")).expect("write");
        let config = config.display().to_string();
        let out = yardstick(&["score", "fixtures/demo", "--config", &config], &repo());
        assert_eq!(
            out.status.code(),
            Some(2),
            "config {bad:?}: {}",
            stderr(&out)
        );
    }
    for good in ["0", "50", "1e1", "99.5"] {
        let arg = format!("--min-score={good}");
        let out = yardstick(
            &["score", "fixtures/demo", &arg, "--format", "json"],
            &repo(),
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{good}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn min_score_still_gates() {
    let out = yardstick(
        &[
            "score",
            "fixtures/demo",
            "--fail-on",
            "never",
            "--min-score",
            "100",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = yardstick(
        &[
            "score",
            "fixtures/demo",
            "--fail-on",
            "never",
            "--min-score",
            "0",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn two_reports_to_one_file_are_an_error() {
    let dir = scratch("same-output");
    let a = dir.join("report");
    let b = dir.join("sub/../report");
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    for (first, second) in [(&a, &a), (&a, &b)] {
        let out = yardstick(
            &[
                "score",
                "fixtures/demo",
                "--format",
                "sarif",
                "--output",
                &first.display().to_string(),
                "--format",
                "junit",
                "--output",
                &second.display().to_string(),
            ],
            &repo(),
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("one file"), "{}", stderr(&out));
        assert!(!a.exists(), "nothing is written");
    }
}

#[test]
fn an_empty_scan_warns() {
    let dir = scratch("empty");
    for command in ["lint", "score"] {
        let out = yardstick(&[command, "."], &dir);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("no catalog files found"),
            "{command}: {}",
            stderr(&out)
        );
    }
    let out = yardstick(&["lint", "fixtures/demo"], &repo());
    assert!(!stderr(&out).contains("no catalog files found"));
}

#[test]
fn rules_accepts_only_the_formats_it_renders() {
    for format in [
        "sarif",
        "markdown",
        "junit",
        "github",
        "html",
        "github-output",
    ] {
        let out = yardstick(&["rules", "--format", format], &repo());
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty(), "{format}");
        assert!(
            stderr(&out).contains("possible values: human, json"),
            "{}",
            stderr(&out)
        );
    }
    for format in ["human", "json"] {
        let out = yardstick(&["rules", "--format", format], &repo());
        assert_eq!(out.status.code(), Some(0), "{format}");
    }
}

#[test]
fn every_report_to_a_file_leaves_a_summary_on_stderr() {
    let dir = scratch("summary");
    let sarif = dir.join("out.sarif").display().to_string();
    let junit = dir.join("out.xml").display().to_string();
    let out = yardstick(
        &[
            "score",
            "fixtures/demo",
            "--format",
            "sarif",
            "--output",
            &sarif,
            "--format",
            "junit",
            "--output",
            &junit,
        ],
        &repo(),
    );
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    // Hints (the demo is scored without --facts) come first; the summary is one line.
    let summary: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("yardstick: hint: "))
        .collect();
    assert_eq!(summary.len(), 1, "{err}");
    assert!(summary[0].starts_with("yardstick: catalog score "), "{err}");
    assert!(
        err.contains(&format!("sarif to {sarif}, junit to {junit}")),
        "{err}"
    );
    let out = yardstick(
        &[
            "lint",
            "fixtures/demo",
            "--format",
            "sarif",
            "--output",
            &sarif,
        ],
        &repo(),
    );
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(" errors, ") && err.contains(&format!("sarif to {sarif}")),
        "{err}"
    );
    // A report on stdout is its own summary.
    let out = yardstick(
        &[
            "lint",
            "fixtures/demo",
            "--format",
            "sarif",
            "--output",
            &sarif,
            "--format",
            "json",
        ],
        &repo(),
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}
