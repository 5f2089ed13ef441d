//! `yardstick score --stream` writes what scoring the whole catalog writes, and refuses what
//! it cannot stream, before reading the catalog, with exit code 2.

mod common;

use std::path::Path;
use std::process::Output;

use common::github::scratch;
use common::{repo, yardstick};

/// The spec fixture (no Location entities), with facts and a fixed clock.
const SCORE: [&str; 6] = [
    "score",
    "tests/score/catalog",
    "--facts",
    "tests/score/facts.yaml",
    "--now",
    "2026-06-01T00:00:00Z",
];

fn score(extra: &[&str], dir: &Path) -> Output {
    let args: Vec<&str> = SCORE.iter().chain(extra).copied().collect();
    yardstick(&args, dir)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_streamed_json_report_is_the_whole_runs_on_stdout_and_in_a_file() {
    let root = repo();
    for threads in ["1", "2"] {
        let whole = score(&["--format", "json", "--threads", threads], &root);
        let streamed = score(
            &["--format", "json", "--threads", threads, "--stream"],
            &root,
        );
        assert_eq!(whole.status.code(), Some(1), "{}", stderr(&whole));
        assert_eq!(streamed.status.code(), whole.status.code());
        assert!(whole.stdout.len() > 1000);
        assert!(streamed.stdout == whole.stdout, "threads {threads}");
        assert_eq!(stderr(&streamed), stderr(&whole));
    }

    let dir = scratch("stream", "files");
    let (a, b) = (dir.join("whole.json"), dir.join("streamed.json"));
    let whole = score(
        &["--format", "json", "--output", a.to_str().unwrap()],
        &root,
    );
    let streamed = score(
        &[
            "--format",
            "json",
            "--output",
            b.to_str().unwrap(),
            "--stream",
        ],
        &root,
    );
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // The one line that says where the report went names its own file.
    let line = |out: &Output, file: &Path| stderr(out).replace(file.to_str().unwrap(), "FILE");
    assert_eq!(line(&streamed, &b), line(&whole, &a));
    assert!(stderr(&streamed).contains("gate failed; wrote json to"));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "no temporary file left"
    );
}

#[test]
fn streamed_sarif_and_json_reports_written_together_are_the_whole_runs() {
    let root = repo();
    let dir = scratch("stream", "sarif");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let both = |json: &str, sarif: &str| {
        vec![
            "--format", "sarif", "--output", sarif, "--format", "json", "--output", json,
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let (wj, ws, sj, ss) = (
        path("w.json"),
        path("w.sarif"),
        path("s.json"),
        path("s.sarif"),
    );
    let whole_args = [
        both(&wj, &ws),
        vec!["--sarif-category".into(), "cat".into()],
    ]
    .concat();
    let stream_args = [
        both(&sj, &ss),
        vec!["--sarif-category".into(), "cat".into(), "--stream".into()],
    ]
    .concat();
    let whole = score(
        &whole_args.iter().map(String::as_str).collect::<Vec<_>>(),
        &root,
    );
    let streamed = score(
        &stream_args.iter().map(String::as_str).collect::<Vec<_>>(),
        &root,
    );
    assert_eq!(whole.status.code(), Some(1), "{}", stderr(&whole));
    assert_eq!(streamed.status.code(), Some(1), "{}", stderr(&streamed));
    let sarif = std::fs::read(&ws).unwrap();
    assert!(String::from_utf8_lossy(&sarif).contains("\"ruleId\": \"has-owner\""));
    assert_eq!(std::fs::read(&ss).unwrap(), sarif);
    assert_eq!(std::fs::read(&sj).unwrap(), std::fs::read(&wj).unwrap());
    assert!(stderr(&streamed).contains(&format!("wrote sarif to {ss}, json to {sj}")));
    // One SARIF log to stdout, too.
    let out = score(
        &["--format", "sarif", "--sarif-category", "cat", "--stream"],
        &root,
    );
    assert_eq!(out.stdout, sarif);
}

#[test]
fn a_location_is_refused_with_its_position_while_locations_are_followed() {
    let out = yardstick(
        &["score", "fixtures/demo", "--format", "json", "--stream"],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("fixtures/demo/catalog-info.yaml:4:1: a Location entity"),
        "{}",
        stderr(&out)
    );
    // With following off, the demo streams as it scores whole with following off.
    let dir = scratch("stream", "no-follow");
    let config = dir.join("yardstick.yaml");
    std::fs::write(&config, "lint:\n  follow-locations: false\n").unwrap();
    let args = [
        "score",
        "fixtures/demo",
        "--config",
        config.to_str().unwrap(),
    ];
    let args: Vec<&str> = args.iter().chain(&["--format", "json"]).copied().collect();
    let whole = yardstick(&args, &repo());
    let streamed = yardstick(&[args.as_slice(), &["--stream"]].concat(), &repo());
    assert_eq!(whole.status.code(), Some(1));
    assert_eq!(streamed.status.code(), Some(1));
    assert!(streamed.stdout == whole.stdout);
}

#[test]
fn what_cannot_be_streamed_is_refused_before_the_catalog_is_read() {
    let root = repo();
    let dir = scratch("stream", "refused");
    let report = dir.join("report.json");
    let report = report.to_str().unwrap();
    for (extra, says) in [
        (vec!["--stream"], "--stream writes"),
        (vec!["--stream", "--format", "human"], "--stream writes"),
        (
            vec![
                "--stream", "--format", "json", "--format", "markdown", "--output", report,
            ],
            "--stream writes",
        ),
        (
            vec!["--stream", "--format", "json", "--baseline", report],
            "cannot be used with",
        ),
        (
            vec!["--stream", "--format", "json", "--changed-files", report],
            "cannot be used with",
        ),
        (
            vec!["--stream", "--format", "json", "--record"],
            "cannot be used with",
        ),
        (
            vec!["--stream", "--format", "json", "--format", "sarif"],
            "only one report can go to stdout",
        ),
    ] {
        let out = score(&extra, &root);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{extra:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    assert!(!Path::new(report).exists());
}

#[test]
fn a_report_that_cannot_be_written_is_an_error_naming_it() {
    let dir = scratch("stream", "unwritable");
    let target = dir.join("missing/report.json");
    let out = score(
        &[
            "--format",
            "json",
            "--output",
            target.to_str().unwrap(),
            "--stream",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("cannot write {}", target.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_error_naming_a_path_shows_its_control_characters_escaped() {
    let dir = scratch("stream", "escaped");
    let folder = dir.join("a\u{1b}[31m");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\nspec: {targets: [./y.yaml]}\n",
    )
    .unwrap();
    let out = yardstick(
        &[
            "score",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--stream",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains("a\\x1b[31m/catalog-info.yaml:1:1: a Location"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "{text}");
}
