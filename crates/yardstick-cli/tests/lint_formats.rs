//! `lint --format html` and `lint --format github-output` render the lint run: a findings page
//! and lint counts, not the scorecard's page and fields.

mod common;

use common::{repo, yardstick};

/// The demo's findings per severity, from the JSON format.
fn demo_counts() -> (usize, usize, usize) {
    let out = yardstick(&["lint", "fixtures/demo", "--format", "json"], &repo());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("lint JSON");
    let findings = json["findings"].as_array().expect("findings");
    let count = |severity: &str| {
        findings
            .iter()
            .filter(|f| f["severity"] == severity)
            .count()
    };
    (count("error"), count("warning"), count("note"))
}

#[test]
fn lint_github_output_gives_lint_counts() {
    let out = yardstick(
        &["lint", "fixtures/demo", "--format", "github-output"],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(1), "errors still exit 1");
    let (errors, warnings, notes) = demo_counts();
    assert!(
        errors > 0 && warnings > 0,
        "the demo has errors and warnings"
    );
    // The demo reads 11 catalog files (the lint page's snapshot shows them too).
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "errors={errors}\nwarnings={warnings}\nnotes={notes}\nfindings={}\nfiles=11\n",
            errors + warnings + notes
        )
    );
}

#[test]
fn lint_github_output_of_a_clean_catalog() {
    let out = yardstick(
        &["lint", "fixtures/demo/org", "--format", "github-output"],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("errors=0\nwarnings=0\nnotes=0\nfindings=0\nfiles="),
        "{stdout}"
    );
    assert!(!stdout.contains("score="), "{stdout}");
}

#[test]
fn score_github_output_keeps_its_fields() {
    let out = yardstick(
        &["score", "fixtures/demo", "--format", "github-output"],
        &repo(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let keys: Vec<&str> = stdout.lines().filter_map(|l| l.split('=').next()).collect();
    assert_eq!(keys, ["score", "level", "passed", "entities"], "{stdout}");
}

#[test]
fn lint_html_is_a_findings_page() {
    let out = yardstick(&["lint", "fixtures/demo", "--format", "html"], &repo());
    assert_eq!(out.status.code(), Some(1));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>Yardstick lint report</title>"));
    assert!(page.contains("<h2 id=\"files-h\">Findings by file</h2>"));
    assert!(!page.contains("Catalog scorecard") && !page.contains("Gate passed"));
    let (errors, warnings, _) = demo_counts();
    assert!(page.contains(&format!("<dt>Errors</dt><dd>{errors}</dd>")));
    assert!(page.contains(&format!("<dt>Warnings</dt><dd>{warnings}</dd>")));
    assert!(page
        .contains("<h3><code>fixtures/demo/repos/billing-service/catalog-info.yaml</code></h3>"));
    // Saved to a file, it is the same page.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-formats");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("lint.html");
    let saved = yardstick(
        &[
            "lint",
            "fixtures/demo",
            "--format",
            "html",
            "--output",
            file.to_str().expect("utf-8 path"),
        ],
        &repo(),
    );
    assert_eq!(saved.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&file).expect("page"), page);
}
