//! `yardstick scan-org` stopped by SIGTERM or SIGINT, through the binary: it saves its
//! progress, says how far it got and how to resume, exits 143 / 130, and the printed command
//! resumes the scan with fewer requests.

mod common;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::github::{github_command, json_file, scratch, stderr};
use github_fake::{FakeGitHub, FakeRepo, Fault};

/// A token distinctive enough that finding it anywhere is certainly a leak.
const SECRET: &str = "ghp_S1GNALyardsticktoken0123456789abcdef";

/// `n` generated repositories; GraphQL queries from the `slow_from`-th on answer after 3 s,
/// so a signal lands in the middle of the scan.
fn slow_org(n: usize, slow_from: u64) -> FakeGitHub {
    let mut builder = FakeGitHub::builder()
        .org("acme")
        .token(SECRET)
        .repos(n)
        .repo(FakeRepo::new("org-groups"));
    for query in slow_from..slow_from + 20 {
        builder = builder.fault_on_graphql(query, Fault::Delay(Duration::from_secs(3)));
    }
    builder.start_blocking()
}

fn command(program: &str, args: &[&str], dir: &Path, fake: &FakeGitHub) -> Command {
    github_command(program, args, dir, &fake.uri(), SECRET)
}

/// Starts a scan, waits until `queries` GraphQL queries have arrived (the last one is then
/// in flight, held by its delay), sends `signal` with `kill`, and returns the scan's output.
fn scan_and_signal(
    args: &[&str],
    dir: &Path,
    fake: &FakeGitHub,
    queries: u64,
    signal: &str,
) -> Output {
    let child: Child = command(env!("CARGO_BIN_EXE_yardstick"), args, dir, fake)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start yardstick");
    let deadline = Instant::now() + Duration::from_secs(60);
    while fake.stats().graphql < queries {
        assert!(Instant::now() < deadline, "the scan never got that far");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {signal} failed");
    child.wait_with_output().expect("wait for yardstick")
}

/// Selected repositories without commits: the listing shows them empty, so they are done
/// before the first batch.
fn empty_selected(fake: &FakeGitHub) -> usize {
    fake.repos()
        .iter()
        .filter(|r| r.empty && !r.archived && !r.fork)
        .count()
}

#[test]
fn sigterm_saves_progress_and_prints_the_command_that_resumes() {
    // 999 generated repositories and one more: six listing requests (both ends of the name
    // order), nine GraphQL batches (the 20 empty ones are not fetched).
    let fake = slow_org(999, 3);
    let dir = scratch("sig", "term");
    let args = [
        "scan-org", "acme", "--state", "state", "--format", "json", "--output", "org.json",
    ];
    // Two batches are answered and saved; the third is in flight.
    let out = scan_and_signal(&args, &dir, &fake, 3, "-TERM");
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(143), "{text}");
    let done = 200 + empty_selected(&fake);
    assert!(
        text.contains(&format!("yardstick: interrupted after {done} of "))
            && text.contains("stopped by SIGTERM"),
        "{text}"
    );
    assert!(
        text.contains("progress is saved in state; resume with:"),
        "{text}"
    );
    assert!(!text.contains(SECRET), "the token leaked:\n{text}");
    assert!(
        !dir.join("org.json").exists(),
        "no report of a partial scan"
    );
    let resume = text
        .lines()
        .skip_while(|l| !l.ends_with("resume with:"))
        .nth(1)
        .expect("the resume command")
        .trim()
        .to_string();
    assert_eq!(
        resume,
        format!("{} {}", env!("CARGO_BIN_EXE_yardstick"), args.join(" "))
    );

    // The printed command resumes: the listing is read again (its six GraphQL requests
    // re-check every CI state), and only the batches not saved are asked for.
    fake.heal();
    fake.reset_stats();
    let resumed = command("sh", &["-c", &resume], &dir, &fake)
        .output()
        .expect("resume");
    assert!(
        matches!(resumed.status.code(), Some(0 | 1)),
        "{}",
        stderr(&resumed)
    );
    let stats = fake.stats();
    assert_eq!(stats.graphql_listing, 6, "{stats:?}");
    assert!(stats.graphql <= 8, "{stats:?}");
    let report = json_file(&dir.join("org.json"));
    assert_eq!(report["scan"]["adoption"]["failed"], serde_json::json!([]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigint_without_state_says_progress_is_lost() {
    let fake = slow_org(300, 2);
    let dir = scratch("sig", "int");
    let out = scan_and_signal(
        &["scan-org", "acme", "--format", "json"],
        &dir,
        &fake,
        2,
        "-INT",
    );
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{text}");
    let done = 100 + empty_selected(&fake);
    assert!(
        text.contains(&format!("yardstick: interrupted after {done} of "))
            && text.contains("stopped by SIGINT"),
        "{text}"
    );
    assert!(text.contains("progress is lost"), "{text}");
    assert!(!text.contains("resume with"), "{text}");
    assert!(!text.contains(SECRET), "the token leaked:\n{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
