//! Human output in a terminal: wrapped to `COLUMNS`, a score table that hides what has
//! nothing scored, sorts worst first and can be narrowed, failures grouped by check, and
//! run-time policy errors shown as errors.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{copy_dir, repo, yardstick};

const SCORE: [&str; 4] = [
    "score",
    "fixtures/demo",
    "--facts",
    "fixtures/demo/facts.json",
];

/// Runs yardstick with `COLUMNS` set (and no colour).
fn with_columns(columns: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", columns)
        .output()
        .expect("run yardstick")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

/// The rows of the score table: the lines after the header up to the first blank line or
/// footer.
fn table_rows(text: &str) -> Vec<&str> {
    text.lines()
        .skip(1)
        .take_while(|l| !l.is_empty() && !l.contains(" hidden"))
        .collect()
}

fn row_refs(text: &str) -> Vec<String> {
    table_rows(text)
        .iter()
        .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn columns_wraps_every_human_line_of_lint_and_score() {
    for args in [&["lint", "fixtures/demo"][..], &SCORE[..]] {
        let out = with_columns("60", args, &repo());
        let text = stdout(&out);
        assert!(text.lines().count() > 20, "{args:?}: {text}");
        for line in text.lines() {
            // Display width: every character in this output is one column wide.
            assert!(
                line.chars().count() <= 60,
                "{args:?}: {} columns: {line:?}",
                line.chars().count()
            );
        }
        let unwrapped = yardstick(args, &repo());
        assert_eq!(out.status.code(), unwrapped.status.code(), "{args:?}");
        assert!(
            stdout(&unwrapped).lines().any(|l| l.chars().count() > 60),
            "{args:?}: the unwrapped output has long lines, so the test means something"
        );
    }
}

#[test]
fn wrapped_score_output_snapshot() {
    let out = with_columns("60", &SCORE, &repo());
    insta::assert_snapshot!("demo_score_60_columns", stdout(&out));
}

#[test]
fn without_columns_or_a_terminal_nothing_wraps() {
    // Not a terminal (the output is captured) and no COLUMNS: lines keep their length.
    let lint = stdout(&yardstick(&["lint", "fixtures/demo"], &repo()));
    assert!(lint.lines().any(|l| l.chars().count() > 100), "{lint}");
    let score = stdout(&yardstick(&SCORE, &repo()));
    let gate = score
        .lines()
        .find(|l| l.starts_with("Gate failed"))
        .expect("gate line");
    assert!(gate.chars().count() > 150, "{gate}");
    // A COLUMNS that is not a positive number is ignored.
    let ignored = with_columns("wide", &SCORE, &repo());
    assert_eq!(stdout(&ignored), score);
}

#[test]
fn the_table_hides_unscored_entities_unless_all() {
    let text = stdout(&yardstick(&SCORE, &repo()));
    let rows = row_refs(&text);
    assert_eq!(rows.len(), 18, "{text}");
    assert!(!rows.iter().any(|r| r.starts_with("user:")), "{text}");
    assert!(
        text.contains("\n12 entities with nothing scored hidden; --all shows them\n"),
        "{text}"
    );
    let all = stdout(&yardstick(&[&SCORE[..], &["--all"]].concat(), &repo()));
    let all_rows = row_refs(&all);
    assert_eq!(all_rows.len(), 30, "{all}");
    assert!(all_rows.contains(&"user:default/alice.nguyen".to_string()));
    assert!(!all.contains("hidden"), "{all}");
    // Unscored rows come last.
    assert_eq!(&all_rows[..18], &rows[..]);
}

#[test]
fn the_table_is_worst_first() {
    let text = stdout(&yardstick(&SCORE, &repo()));
    let scores: Vec<f64> = table_rows(&text)
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    let rows = row_refs(&text);
    assert_eq!(rows[0], "component:default/route-planner");
    // Equal scores: the lower level first (robot-sdk-python and fleet-dashboard are both
    // bronze at 70.6), then by reference.
    let at = |r: &str| rows.iter().position(|x| x == r).unwrap();
    assert!(at("component:default/fleet-dashboard") < at("component:default/robot-sdk-python"));
    let gold: Vec<&String> = rows[5..].iter().collect();
    let mut sorted = gold.clone();
    sorted.sort();
    assert_eq!(gold, sorted, "100.0 gold rows in reference order");
}

#[test]
fn table_filters_change_neither_json_nor_the_exit_code() {
    let base = yardstick(&SCORE, &repo());
    let base_json = yardstick(&[&SCORE[..], &["--format", "json"]].concat(), &repo());
    let cases: [(&[&str], &[&str]); 5] = [
        (
            &["--only-failing"],
            &[
                "component:default/route-planner",
                "resource:default/telemetry-timeseries-db",
                "component:default/fleet-dashboard",
                "component:default/robot-sdk-python",
                "component:default/customer-portal-bff",
            ],
        ),
        (
            &["--owner", "web-team"],
            &[
                "component:default/customer-portal-bff",
                "component:default/fleet-dashboard",
                "system:default/customer-portal",
                "domain:default/customer-experience",
            ],
        ),
        (
            &["--owner", "Group:default/Web-Team", "--kind", "COMPONENT"],
            &[
                "component:default/customer-portal-bff",
                "component:default/fleet-dashboard",
            ],
        ),
        (&["--owner", "group:web-team", "--kind", "api"], &[]),
        (
            &["--kind", "resource", "--only-failing"],
            &["resource:default/telemetry-timeseries-db"],
        ),
    ];
    for (flags, expected) in cases {
        let out = yardstick(&[&SCORE[..], flags].concat(), &repo());
        assert_eq!(out.status.code(), base.status.code(), "{flags:?}");
        let text = stdout(&out);
        let mut rows = row_refs(&text);
        rows.retain(|r| r != "(no");
        let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        expected.sort();
        rows.sort();
        assert_eq!(rows, expected, "{flags:?}:\n{text}");
        assert!(text.contains(" hidden by "), "{flags:?}: footer\n{text}");
        // The catalog score and the gate still cover the whole catalog.
        let tail = |t: &str| t[t.find("\nOwners").unwrap()..].to_string();
        assert_eq!(tail(&text), tail(&stdout(&base)), "{flags:?}");
        let json = yardstick(
            &[&SCORE[..], flags, &["--format", "json"]].concat(),
            &repo(),
        );
        assert_eq!(json.stdout, base_json.stdout, "{flags:?}: JSON changed");
        assert_eq!(json.status.code(), base_json.status.code());
    }
    let bad = yardstick(&[&SCORE[..], &["--owner", "group:"]].concat(), &repo());
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn fix_text_and_messages_are_printed_once_per_check() {
    let text = stdout(&yardstick(&SCORE, &repo()));
    let failing = &text[text.find("Failing checks").expect("section")..];
    let oncall_fix = "fix: Add the paging annotation of the team's on-call service";
    assert_eq!(failing.matches(oncall_fix).count(), 1, "{failing}");
    let annotations = "none of the on-call annotations is set (pagerduty.com/service-id";
    assert_eq!(failing.matches(annotations).count(), 1, "{failing}");
    assert!(
        failing.contains("has-oncall [medium]: fails for 3 entities"),
        "{failing}"
    );
    // Every failing check appears once, with each of its entities.
    for check in ["ci-passing", "has-monitoring", "has-techdocs"] {
        assert_eq!(
            failing.matches(&format!("✗ {check} [")).count(),
            1,
            "{check}: {failing}"
        );
    }
    assert_eq!(
        failing
            .matches("    - component:default/route-planner (")
            .count(),
        6
    );
}

/// A check every evaluation of which is an error: its status is none of pass, fail or
/// unknown. Its remediation must not be shown as if the entities had failed it.
const ERRING_CHECK: &str = "# METADATA\n# title: Always broken\n# custom:\n#   id: always-broken\n\
#   severity: high\n#   remediation: THIS FIX TEXT MUST NOT BE SHOWN\n#   applies_to: [Component]\n\
package yardstick.checks.always_broken\n\nimport rego.v1\n\ndefault applicable := true\n\n\
result := {\"status\": \"maybe\", \"message\": \"\", \"pointer\": \"\"}\n";

#[test]
fn run_time_policy_errors_are_errors_not_failures() {
    let dir = tempfile_dir("terminal-rego-error");
    copy_dir(&repo().join("fixtures/demo"), &dir.join("demo"));
    std::fs::create_dir_all(dir.join("policy")).unwrap();
    std::fs::write(dir.join("policy/always_broken.rego"), ERRING_CHECK).unwrap();
    let out = yardstick(
        &[
            "score",
            "demo",
            "--facts",
            "demo/facts.json",
            "--policy",
            "policy",
        ],
        &dir,
    );
    let text = stdout(&out);
    let json = yardstick(
        &[
            "score",
            "demo",
            "--facts",
            "demo/facts.json",
            "--policy",
            "policy",
            "--format",
            "json",
        ],
        &dir,
    );
    let erring = String::from_utf8_lossy(&json.stdout).contains("\"status\": \"error\"");
    assert!(
        erring,
        "the check errs at run time: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), json.status.code());
    assert!(!text.contains("THIS FIX TEXT MUST NOT BE SHOWN"), "{text}");
    let failing = &text[text.find("Failing checks").unwrap()..text.find("Check errors").unwrap()];
    assert!(!failing.contains("always-broken ["), "{failing}");
    let errors = &text[text.find("Check errors").expect("an errors section")..];
    assert!(
        errors.contains("! always-broken [high]: could not be evaluated for 6 entities"),
        "{errors}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh directory under the target directory's temporary space.
fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn wrapping_keeps_escaped_control_characters_escaped_and_whole() {
    let dir = tempfile_dir("terminal-escapes");
    let catalog = r#"apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: escaper
spec:
  type: service
  lifecycle: production
  owner: "group:default/the-\e[41m-red-\e[0m-team-with-a-long-name"
---
# Owned by the catalog's own Group, so that `--check-refs auto` checks owners (half resolve).
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: owned
spec:
  type: service
  lifecycle: production
  owner: team
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bad-tag
  tags: ["bad\e[0mtag"]
spec:
  type: service
  lifecycle: production
  owner: team
"#;
    std::fs::write(dir.join("catalog-info.yaml"), catalog).unwrap();
    for args in [&["lint", "."][..], &["score", "."][..]] {
        let unwrapped = stdout(&yardstick(args, &dir));
        let wrapped = stdout(&with_columns("50", args, &dir));
        for text in [&unwrapped, &wrapped] {
            assert!(!text.contains('\u{1b}'), "{args:?}: raw ESC in\n{text}");
        }
        // Every visible escape survives whole: none is split across lines.
        assert!(unwrapped.contains("\\x1b"), "{args:?}: {unwrapped}");
        assert_eq!(
            wrapped.matches("\\x1b").count(),
            unwrapped.matches("\\x1b").count(),
            "{args:?}:\n{wrapped}"
        );
        for line in wrapped.lines().filter(|l| !is_source_line(l)) {
            assert!(line.chars().count() <= 50, "{args:?}: {line:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A line of a lint diagnostic's source snippet (clipped, not wrapped, so it may end in an
/// escape cut short by the clip).
fn is_source_line(line: &str) -> bool {
    let rest = line
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit());
    rest.trim_start().starts_with(['│', '·', '╭', '╰'])
}
