//! A reader that closes the pipe early (`yardstick score | head`, `2>&1 | head`): the run ends
//! quietly, with the exit code it would have had, and never panics.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::{repo, yardstick};

const RUNS: [&[&str]; 4] = [
    &["lint", "fixtures/demo"],
    &["lint", "fixtures/demo", "--format", "json"],
    &["score", "fixtures/demo"],
    &["score", "fixtures/demo", "--format", "json"],
];

/// Runs `args` with stdout's read end closed before the child writes anything; with
/// `close_stderr`, stderr's too (as `2>&1 | head` does once head exits). Returns the exit
/// code and what reached stderr.
fn run_with_closed_stdout(args: &[&str], close_stderr: bool) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run yardstick");
    // The parent holds the only read end: dropping it closes the pipe.
    drop(child.stdout.take());
    let mut stderr = String::new();
    if close_stderr {
        drop(child.stderr.take());
    } else if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).expect("read stderr");
    }
    let status = child.wait().expect("wait for yardstick");
    (status.code(), stderr)
}

#[test]
fn a_closed_stdout_keeps_the_exit_code_and_says_nothing() {
    for args in RUNS {
        let expected = yardstick(args, &repo()).status.code();
        assert!(matches!(expected, Some(0 | 1)), "{args:?}: {expected:?}");
        let (code, stderr) = run_with_closed_stdout(args, false);
        assert_eq!(code, expected, "{args:?}: stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

#[test]
fn closed_stdout_and_stderr_never_panic() {
    for args in RUNS {
        let expected = yardstick(args, &repo()).status.code();
        let (code, _) = run_with_closed_stdout(args, true);
        assert_eq!(code, expected, "{args:?}");
    }
}

#[test]
fn an_error_on_a_closed_stderr_keeps_exit_code_2() {
    let args: &[&str] = &["lint", "fixtures/does-not-exist"];
    assert_eq!(yardstick(args, &repo()).status.code(), Some(2));
    let (code, _) = run_with_closed_stdout(args, true);
    assert_eq!(code, Some(2));
}

#[test]
fn rules_on_a_closed_stdout_exits_0() {
    for args in [&["rules"][..], &["rules", "--format", "json"]] {
        let (code, stderr) = run_with_closed_stdout(args, false);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// A report file is streamed to a temporary file beside it and renamed into place: an
/// unwritable folder is "could not run" with the path named, an earlier report survives a
/// failed write, and no temporary file is left either way.
#[test]
fn an_output_file_is_replaced_whole_or_not_at_all() {
    let dir = std::env::temp_dir().join(format!("yardstick-output-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let demo = repo().join("fixtures/demo");
    let demo = demo.to_str().expect("utf-8 path");
    let out = yardstick(
        &["score", demo, "--format", "json", "--output", "report.json"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let first = std::fs::read_to_string(dir.join("report.json")).expect("report");
    assert!(
        first.ends_with("}\n"),
        "{}",
        &first[first.len().saturating_sub(80)..]
    );
    let out = yardstick(
        &[
            "score",
            demo,
            "--format",
            "json",
            "--output",
            "missing/report.json",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot write missing/report.json"),
        "{stderr}"
    );
    let names: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["report.json"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("report.json")).expect("report"),
        first
    );
    let _ = std::fs::remove_dir_all(&dir);
}
