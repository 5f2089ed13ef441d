//! Control characters from catalog, facts and configuration text never reach the output raw:
//! JSON carries `\u001b`, every other format a visible `\x1b`.

mod common;

use std::path::{Path, PathBuf};

use common::yardstick;

const FORMATS: [&str; 8] = [
    "human",
    "json",
    "sarif",
    "markdown",
    "junit",
    "github",
    "html",
    "github-output",
];

/// A catalog, facts and configuration with ESC sequences (YAML `"\e[41m"`) in a title,
/// descriptions, owners, a fact, a configured label key and a bad tag a finding quotes; in
/// a directory of its own for each test.
fn escape_catalog(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("escapes")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("repos/bad")).expect("mkdir");
    let catalog = r#"apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team
  description: "the \e[42mteam\e[0m"
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: escaper
  title: "Red \e[41mTitle\e[0m"
  description: "Desc \e[41m here \x9b end \x07"
spec:
  type: service
  lifecycle: production
  owner: "team-\e[41mred"
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ok-one
  description: "fine \e[31m"
spec:
  type: service
  lifecycle: production
  owner: "group:default/t\e[42meam"
"#;
    std::fs::write(dir.join("catalog-info.yaml"), catalog).expect("write catalog");
    let bad = r#"apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bad-tag
  description: "bad \e[41m"
  tags: ["bad\e[0mtag"]
spec:
  type: service
  lifecycle: "production\e[0m"
  owner: "team\e[0m"
"#;
    std::fs::write(dir.join("repos/bad/catalog-info.yaml"), bad).expect("write bad");
    let facts =
        r#"{"entities": {"component:default/escaper": {"ci": {"status": "pass\u001b[41ming"}}}}"#;
    std::fs::write(dir.join("facts.json"), facts).expect("write facts");
    let config = "checks:\n  has-cost-tags:\n    params:\n      label_keys: [\"cost\\e[41m\"]\n";
    std::fs::write(dir.join("yardstick.yaml"), config).expect("write config");
    dir
}

fn assert_no_raw_escape(dir: &Path, args: &[&str]) -> String {
    let out = yardstick(args, dir);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {:?}: {stderr}",
        out.status
    );
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let raw = text
            .lines()
            .find(|line| line.chars().any(|c| c == '\u{1b}' || c == '\u{9b}'));
        assert!(raw.is_none(), "{args:?}: raw control in {stream}: {raw:?}");
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn no_format_writes_a_raw_escape() {
    let dir = escape_catalog("formats");
    for command in ["lint", "score"] {
        for format in FORMATS {
            let mut args = vec![command, ".", "--format", format];
            if command == "score" {
                args.extend(["--facts", "facts.json"]);
            }
            let stdout = assert_no_raw_escape(&dir, &args);
            // The text did reach the output, escaped: the test is not vacuous.
            let shown = match format {
                "json" => stdout.contains("\\u001b"),
                "github-output" => true,
                _ => stdout.contains("\\x1b") || stdout.contains("\\u001b"),
            };
            assert!(
                shown,
                "{command} --format {format}: no escaped text\n{stdout}"
            );
        }
    }
}

#[test]
fn colour_output_escapes_catalog_text_too() {
    let dir = escape_catalog("colour");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(["score", ".", "--facts", "facts.json"])
        .current_dir(&dir)
        .output()
        .expect("run yardstick");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("team-\\x1b[41mred"), "{stdout}");
    assert!(!stdout.contains("\u{1b}[41m"), "{stdout}");
}

#[test]
fn saved_reports_are_escaped_when_rendered_again() {
    let dir = escape_catalog("saved");
    let json = yardstick(
        &["score", ".", "--facts", "facts.json", "--format", "json"],
        &dir,
    );
    std::fs::write(dir.join("report.json"), &json.stdout).expect("write report");
    for format in FORMATS {
        assert_no_raw_escape(
            &dir,
            &["report", "--from", "report.json", "--format", format],
        );
    }
}
