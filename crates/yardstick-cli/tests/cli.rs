//! The `yardstick` binary as users run it: demo catalog in, findings and exit codes out.

mod common;

use std::process::Output;

use common::{repo, yardstick};

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn demo_catalog_json_findings() {
    let out = yardstick(&["lint", "fixtures/demo", "--format", "json"], &repo());
    assert_eq!(out.status.code(), Some(1), "errors exit 1");
    insta::assert_json_snapshot!("demo_findings", json(&out));
}

#[test]
fn demo_catalog_human_output() {
    let out = yardstick(&["lint", "fixtures/demo"], &repo());
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("demo_human", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn every_demo_mistake_is_found_where_the_readme_says() {
    let out = yardstick(&["lint", "fixtures/demo", "--format", "json"], &repo());
    let v = json(&out);
    let found: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = [
        (
            "ref/unresolved-owner",
            "fixtures/demo/repos/route-planner/catalog-info.yaml",
            19,
        ),
        (
            "schema/metadata-tags",
            "fixtures/demo/repos/robot-sdk/catalog-info.yaml",
            39,
        ),
        (
            "schema/metadata-labels",
            "fixtures/demo/repos/customer-portal/catalog-info.yaml",
            11,
        ),
        (
            "ref/invalid",
            "fixtures/demo/repos/billing-service/catalog-info.yaml",
            23,
        ),
        (
            "ref/unresolved-system",
            "fixtures/demo/repos/telemetry-ingest/catalog-info.yaml",
            91,
        ),
        (
            "catalog/duplicate-entity",
            "fixtures/demo/repos/legacy-dashboard/catalog-info.yaml",
            7,
        ),
    ];
    for (rule, file, line) in expect {
        assert!(
            found
                .iter()
                .any(|(r, f, l)| r == rule && f == file && *l == line),
            "missing {rule} at {file}:{line}; found {found:?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "no other findings: {found:?}");
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = repo().join("fixtures/demo/repos/route-planner");
    let ok = yardstick(&["lint", ".", "--check-refs", "always"], &dir);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let denied = yardstick(
        &["lint", ".", "--check-refs", "always", "--deny-warnings"],
        &dir,
    );
    assert_eq!(denied.status.code(), Some(1));
}

#[test]
fn could_not_run_is_exit_2() {
    let missing = yardstick(&["lint", "no/such/dir"], &repo());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/dir"));
    let bad_flag = yardstick(&["lint", "--format", "xml"], &repo());
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[test]
fn bad_config_key_names_line_and_column() {
    let dir = std::env::temp_dir().join(format!("yardstick-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("yardstick.yaml"),
        "exclude: []\nlint:\n  chek-refs: always\n",
    )
    .unwrap();
    let out = yardstick(&["lint", "."], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("yardstick.yaml:3:3") && err.contains("chek-refs"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn location_targets_cannot_escape_the_root() {
    let base = std::env::temp_dir().join(format!("yardstick-loc-{}", std::process::id()));
    let root = base.join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(base.join("secret.yaml"), "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: secret}\nspec: {type: team, children: []}\n").unwrap();
    std::fs::write(
        root.join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec:\n  targets: [../secret.yaml, ./catalog-info.yaml, https://example.com/x.yaml]\n",
    )
    .unwrap();
    let out = yardstick(&["lint", ".", "--format", "json"], &root);
    let v = json(&out);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "location/outside-root",
            "location/cycle",
            "location/url-not-followed"
        ]
    );
    assert_eq!(out.status.code(), Some(0));
    std::fs::remove_dir_all(&base).ok();
}

#[test]
fn a_100_mb_file_is_a_finding_not_a_crash() {
    let dir = std::env::temp_dir().join(format!("yardstick-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = std::fs::File::create(dir.join("catalog-info.yaml")).unwrap();
    // Sparse: the size check happens before any byte is read.
    file.set_len(100 * 1024 * 1024).unwrap();
    let out = yardstick(&["lint", ".", "--format", "json"], &dir);
    let v = json(&out);
    assert_eq!(v["findings"][0]["rule"], "yaml/file-too-large");
    assert_eq!(v["findings"][0]["line"], 1);
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn demo_scorecard_is_the_one_the_readme_documents() {
    let out = yardstick(
        &[
            "score",
            "fixtures/demo",
            "--facts",
            "fixtures/demo/facts.json",
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "critical checks fail in the demo"
    );
    let v = json(&out);
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut rows = 0;
    for e in v["entities"].as_array().unwrap() {
        let Some(score) = e["score"].as_f64() else {
            continue;
        };
        let failing: Vec<&str> = e["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "fail")
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        let failing = if failing.is_empty() {
            "—".to_string()
        } else {
            failing.join(", ")
        };
        let row = format!(
            "| {} | {score:.1} | {} | {failing} |",
            e["ref"].as_str().unwrap(),
            e["level"].as_str().unwrap()
        );
        assert!(readme.contains(&row), "README lacks the row: {row}");
        rows += 1;
    }
    let s = &v["summary"];
    let line = format!(
        "Catalog score **{:.1}** over {rows} scored entities: gold {}, silver {}, bronze {}, none {}.",
        s["score"].as_f64().unwrap(),
        s["levels"]["gold"],
        s["levels"]["silver"],
        s["levels"]["bronze"],
        s["levels"]["none"]
    );
    assert!(readme.contains(&line), "README lacks: {line}");
}

#[test]
fn scoring_is_deterministic_across_thread_counts() {
    let run = |threads: &str| {
        let out = yardstick(
            &[
                "score",
                "fixtures/demo",
                "--facts",
                "fixtures/demo/facts.json",
                "--format",
                "json",
                "--threads",
                threads,
            ],
            &repo(),
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("4"));
}

#[test]
fn verify_runs_the_builtin_rego_tests() {
    let out = yardstick(&["verify"], &repo());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.lines().last().unwrap().ends_with("passed, 0 failed"),
        "{text}"
    );
}

// `--now` pins `time.now_ns()` for every test, so a clock-dependent test gives the same
// verdict (and output) on every run; a timestamp that is not RFC 3339 cannot run (exit 2).
#[test]
fn verify_now_pins_time_now_ns() {
    let dir = std::env::temp_dir().join(format!("yardstick-verify-now-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("clock_test.rego"),
        "package clock_test\n\nimport rego.v1\n\n\
         test_pinned if time.now_ns() == time.parse_rfc3339_ns(\"2026-01-02T03:04:05Z\")\n\n\
         test_one_instant if time.now_ns() == time.now_ns()\n",
    )
    .unwrap();
    let run = |now: &str| yardstick(&["verify", dir.to_str().unwrap(), "--now", now], &repo());
    let pinned = run("2026-01-02T03:04:05Z");
    let text = String::from_utf8_lossy(&pinned.stdout).into_owned();
    assert_eq!(pinned.status.code(), Some(0), "{text}");
    assert!(text.ends_with("2 passed, 0 failed\n"), "{text}");
    assert_eq!(run("2026-01-02T03:04:05Z").stdout, pinned.stdout);
    let later = run("2026-01-02T03:04:06Z");
    assert_eq!(later.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&later.stdout).contains("FAIL data.clock_test.test_pinned"));
    assert_eq!(run("yesterday").status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_rego_syntax_error_is_reported_with_its_position() {
    let dir = std::env::temp_dir().join(format!("yardstick-rego-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("broken.rego"),
        "# METADATA\n# custom:\n#   id: broken\n#   severity: low\npackage broken\n\nresult := {\n",
    )
    .unwrap();
    let out = yardstick(
        &["score", "fixtures/demo", "--policy", dir.to_str().unwrap()],
        &repo(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("broken.rego:8:1"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn several_formats_from_one_run_and_rerendering_a_saved_report() {
    let dir = std::env::temp_dir().join(format!("yardstick-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |n: &str| dir.join(n).to_string_lossy().into_owned();
    let (json_out, sarif_out, md_out) = (file("r.json"), file("r.sarif"), file("r.md"));
    let out = yardstick(
        &[
            "score",
            "fixtures/demo",
            "--facts",
            "fixtures/demo/facts.json",
            "--format",
            "json",
            "--output",
            &json_out,
            "--format",
            "sarif",
            "--output",
            &sarif_out,
            "--format",
            "markdown",
            "--output",
            &md_out,
            "--format",
            "github",
        ],
        &repo(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("::"),
        "github commands on stdout"
    );
    for f in [&json_out, &sarif_out, &md_out] {
        assert!(std::fs::metadata(f).unwrap().len() > 100, "{f}");
    }
    // Atomic writes leave no temporary files behind.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    // Re-rendering the saved JSON gives the same JSON and the same Markdown.
    let again = yardstick(
        &["report", "--from", &json_out, "--format", "json"],
        &repo(),
    );
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        std::fs::read_to_string(&json_out).unwrap()
    );
    let md = yardstick(
        &["report", "--from", &json_out, "--format", "markdown"],
        &repo(),
    );
    assert_eq!(
        String::from_utf8_lossy(&md.stdout),
        std::fs::read_to_string(&md_out).unwrap()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn output_pairing_mistakes_are_usage_errors() {
    let two_stdout = yardstick(
        &[
            "lint",
            "fixtures/demo",
            "--format",
            "json",
            "--format",
            "sarif",
        ],
        &repo(),
    );
    assert_eq!(two_stdout.status.code(), Some(2));
    let extra_output = yardstick(
        &[
            "lint",
            "fixtures/demo",
            "--format",
            "json",
            "--output",
            "/tmp/x.json",
            "--output",
            "/tmp/y.json",
        ],
        &repo(),
    );
    assert_eq!(extra_output.status.code(), Some(2));
    let not_a_report = yardstick(
        &["report", "--from", "README.md", "--format", "json"],
        &repo(),
    );
    assert_eq!(not_a_report.status.code(), Some(2));
}

#[test]
fn demo_scorecard_json_and_human_snapshots() {
    let args = [
        "score",
        "fixtures/demo",
        "--facts",
        "fixtures/demo/facts.json",
    ];
    let json_out = yardstick(&[&args[..], &["--format", "json"]].concat(), &repo());
    let mut report = json(&json_out);
    // Redacted: the version changes with every release, and the snapshot would with it.
    assert_eq!(report["yardstick_version"], env!("CARGO_PKG_VERSION"));
    report["yardstick_version"] = "[version]".into();
    insta::assert_json_snapshot!("demo_score_json", report);
    let human = yardstick(&args, &repo());
    insta::assert_snapshot!("demo_score_human", String::from_utf8_lossy(&human.stdout));
}
