//! Running the binary against the GitHub fake as a CI job does, and reading what it left.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A fresh, empty `yardstick-{prefix}-{name}-{pid}` in the temp dir; each test file has its
/// own `prefix`, so that test binaries running at once never share one.
pub fn scratch(prefix: &str, name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("yardstick-{prefix}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// `program` (the binary, or a shell for a printed command line) in `dir`, as a CI job runs
/// it against the GitHub API at `api`: `token` in `GITHUB_TOKEN`, no other credentials, no
/// colour.
pub fn github_command(program: &str, args: &[&str], dir: &Path, api: &str, token: &str) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("GH_TOKEN")
        .env_remove("YARDSTICK_APP_ID")
        .env("GITHUB_TOKEN", token)
        .env("GITHUB_API_URL", api)
        .env("CI", "true")
        .env("NO_COLOR", "1");
    command
}

/// Runs the `yardstick` binary as [`github_command`] sets it up.
pub fn yardstick_on_github(args: &[&str], dir: &Path, api: &str, token: &str) -> Output {
    github_command(env!("CARGO_BIN_EXE_yardstick"), args, dir, api, token)
        .output()
        .expect("run yardstick")
}

/// A JSON file (a report), read and parsed.
pub fn json_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read report")).expect("json")
}

/// The status of check `id` for the entity `entity_ref` in a JSON report; `(missing)` when
/// the report has no such entity or check.
pub fn check_status(report: &Value, entity_ref: &str, id: &str) -> String {
    report["entities"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["ref"] == entity_ref)
        .and_then(|e| e["checks"].as_array())
        .into_iter()
        .flatten()
        .find(|c| c["id"] == id)
        .and_then(|c| c["status"].as_str())
        .unwrap_or("(missing)")
        .to_string()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file below `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Asserts `secret` is in none of what a run left: its stdout, its stderr, and every file
/// below `dir` (reports, state).
pub fn assert_no_secret(secret: &str, dir: &Path, out: &Output) {
    let mut texts = vec![
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(out),
    ];
    for path in walk(dir) {
        texts.push(String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned());
    }
    for text in texts {
        assert!(!text.contains(secret), "the token leaked:\n{text}");
    }
}
