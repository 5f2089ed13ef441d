//! `yardstick scan-org`, `yardstick merge` and `yardstick github comment` end to end: the
//! binary against the GitHub fake on loopback, as a nightly job or the Action runs them.

mod common;

use std::process::Command;

use common::github::{
    assert_no_secret, check_status, json_file, scratch, walk, yardstick_on_github,
};

use github_fake::{FakeGitHub, FakeRepo, Fault, DEFAULT_TOKEN};
use serde_json::Value;

/// A token distinctive enough that finding it anywhere is certainly a leak.
const SECRET: &str = "ghp_S3CR3Tyardsticktoken0123456789abcdef";

/// The generated organisation of 1,000 repositories, plus one that defines the owning teams,
/// so owner references cross repositories (and shards).
fn org(n: usize) -> github_fake::FakeGitHubBuilder {
    FakeGitHub::builder()
        .org("acme")
        .token(SECRET)
        .repos(n)
        .repo(FakeRepo::new("org-groups").file("catalog-info.yaml", common::team_groups_yaml()))
}

#[test]
fn an_org_scan_reports_adoption_findings_and_request_counts() {
    let fake = org(200).start_blocking();
    let dir = scratch("org", "scan");
    let out = yardstick_on_github(
        &[
            "scan-org",
            "acme",
            "--format",
            "json",
            "--output",
            "org.json",
            "--format",
            "sarif",
            "--output",
            "org.sarif",
            "--format",
            "markdown",
        ],
        &dir,
        &fake.uri(),
        SECRET,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "gate fails on the org's failing checks\n{stderr}"
    );
    let report = json_file(&dir.join("org.json"));
    let scan = &report["scan"];
    assert_eq!(scan["organization"], "acme");
    assert_eq!(scan["shard"], Value::Null);

    // What the fake holds, minus what a scan skips by default.
    let repos = fake.repos();
    let scanned: Vec<&FakeRepo> = repos
        .iter()
        .filter(|r| !r.archived && !r.fork && !r.empty)
        .collect();
    let with_catalog = scanned
        .iter()
        .filter(|r| r.files.keys().any(|f| f.starts_with("catalog-info")))
        .count();
    let adoption = &scan["adoption"];
    assert_eq!(adoption["repositories"], scanned.len());
    assert_eq!(adoption["with_catalog"], with_catalog);
    assert_eq!(
        adoption["without_catalog"].as_array().expect("list").len(),
        scanned.len() - with_catalog
    );
    assert!(adoption["without_catalog"]
        .as_array()
        .expect("list")
        .contains(&Value::from("service-0002")));

    // The broken repository is a finding at its URL; the scan went on past it.
    let findings = report["findings"].as_array().expect("findings");
    let broken = findings
        .iter()
        .find(|f| f["rule"] == "yaml/syntax")
        .expect("the broken YAML is a finding");
    let file = broken["file"].as_str().expect("file");
    assert!(file.contains("/acme/service-0009/blob/"), "{file}");
    assert!(broken["line"].as_u64().is_some());

    // CI status came from the API: a repository whose CI fails fails ci-passing.
    let entity = |name: &str| {
        report["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .find(|e| e["ref"] == format!("component:default/{name}"))
            .unwrap_or_else(|| panic!("{name} scored"))
            .clone()
    };
    let check = |e: &Value, id: &str| {
        e["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap_or("").to_string())
            .expect("check")
    };
    let passing = repos
        .iter()
        .find(|r| r.name == "service-0000")
        .expect("repo");
    assert!(passing.files.contains_key("mkdocs.yml"));
    let e0 = entity("service-0000");
    assert_eq!(check(&e0, "ci-passing"), "pass");
    // Its mkdocs.yml was seen through the API, so techdocs passes.
    assert_eq!(check(&e0, "has-techdocs"), "pass");
    // The owner Group lives in another repository and still resolves.
    assert_eq!(check(&e0, "has-owner"), "pass");
    assert_eq!(check(&entity("service-0001"), "ci-passing"), "fail");
    assert!(e0["file"]
        .as_str()
        .expect("file")
        .contains("/acme/service-0000/blob/"));

    // SARIF points at repository URLs, with no %SRCROOT% base.
    let sarif = json_file(&dir.join("org.sarif"));
    let location =
        &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(location["uri"].as_str().expect("uri").starts_with("http"));
    assert!(location.get("uriBaseId").is_none());

    // Markdown shows the adoption.
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.contains(&format!(
        "**Catalog adoption in acme:** {with_catalog} of {} repositories",
        scanned.len()
    )));

    // Request counts are reported, and within the budget: ≤ 0.05 per repository cold.
    assert!(stderr.contains("API requests"), "{stderr}");
    let requests = fake.stats().api_requests();
    assert!(
        requests as f64 <= 0.05 * repos.len() as f64,
        "{requests} requests for {} repositories",
        repos.len()
    );
    assert_no_secret(SECRET, &dir, &out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn merged_shards_equal_the_unsharded_scan() {
    let fake = org(120).start_blocking();
    let dir = scratch("org", "shards");
    let run = |args: &[&str]| {
        let out = yardstick_on_github(args, &dir, &fake.uri(), SECRET);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    run(&[
        "scan-org",
        "acme",
        "--format",
        "json",
        "--output",
        "whole.json",
    ]);
    let mut shard_files = Vec::new();
    for i in 1..=3 {
        let name = format!("shard-{i}.json");
        run(&[
            "scan-org",
            "acme",
            "--shard",
            &format!("{i}/3"),
            "--format",
            "json",
            "--output",
            &name,
        ]);
        let shard = json_file(&dir.join(&name));
        assert_eq!(shard["scan"]["shard"], format!("{i}/3"));
        shard_files.push(name);
    }
    // Each shard alone cannot see every owner; the merge scores them as one catalog again.
    let mut args = vec!["merge"];
    args.extend(shard_files.iter().map(String::as_str));
    args.extend(["--format", "json", "--output", "merged.json"]);
    run(&args);
    let whole = std::fs::read_to_string(dir.join("whole.json")).expect("whole");
    let merged = std::fs::read_to_string(dir.join("merged.json")).expect("merged");
    assert!(
        whole == merged,
        "the merged report differs from the unsharded one"
    );

    // Merging a shard twice is refused: it would count its repositories twice.
    let out = yardstick_on_github(
        &["merge", "shard-1.json", "shard-1.json", "--format", "json"],
        &dir,
        &fake.uri(),
        SECRET,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("given twice"));
    // So is an incomplete set: the org report would silently miss a third of it.
    let out = yardstick_on_github(
        &["merge", "shard-1.json", "shard-3.json", "--format", "json"],
        &dir,
        &fake.uri(),
        SECRET,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shard 2/3 missing"));
    // Shards scored with other policies or configuration are not one scan.
    let mut other = json_file(&dir.join("shard-2.json"));
    other["config_digest"] = format!("sha256:{}", "0".repeat(64)).into();
    std::fs::write(dir.join("other-2.json"), other.to_string()).expect("write");
    let out = yardstick_on_github(
        &[
            "merge",
            "shard-1.json",
            "other-2.json",
            "shard-3.json",
            "--format",
            "json",
        ],
        &dir,
        &fake.uri(),
        SECRET,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("shards of one scan must share them"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // So is a merge with another configuration than the shards'.
    std::fs::write(dir.join("strict.yaml"), "gate:\n  min-score: 99\n").expect("write");
    let mut args = vec!["merge", "--config", "strict.yaml"];
    args.extend(shard_files.iter().map(String::as_str));
    let out = yardstick_on_github(&args, &dir, &fake.uri(), SECRET);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("give merge the same --config"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // And an unsharded report is not a shard.
    let out = yardstick_on_github(
        &["merge", "whole.json", "--format", "json"],
        &dir,
        &fake.uri(),
        SECRET,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a shard report"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_warm_rerun_with_state_costs_almost_nothing() {
    // 999 generated repositories and the one with the teams: 1,000 in all, 8 % PENDING.
    let fake = org(999).pending_percent(8).start_blocking();
    let dir = scratch("org", "warm");
    let args = [
        "scan-org", "acme", "--state", "state", "--format", "json", "--output", "org.json",
    ];
    let cold = yardstick_on_github(&args, &dir, &fake.uri(), SECRET);
    assert!(matches!(cold.status.code(), Some(0 | 1)));
    let cold_report = std::fs::read_to_string(dir.join("org.json")).expect("report");
    // Every request the fake saw (a token: no minting to leave out).
    let cold_requests = fake.stats().total;
    fake.reset_stats();
    let warm = yardstick_on_github(&args, &dir, &fake.uri(), SECRET);
    assert!(matches!(warm.status.code(), Some(0 | 1)));
    let warm_requests = fake.stats().total;
    let repos = fake.repos().len() as f64;
    assert!(
        cold_requests as f64 <= 0.05 * repos,
        "cold: {cold_requests}"
    );
    assert!(
        warm_requests as f64 <= 0.01 * repos,
        "warm: {warm_requests}"
    );
    let warm_report = std::fs::read_to_string(dir.join("org.json")).expect("report");
    assert!(cold_report == warm_report, "a cached scan reports the same");

    // The checks finish overnight: the next warm run re-checks every CI state from the
    // listing, and ci-passing moves from unknown to pass without any file fetched again.
    let settled = fake.settle_pending();
    let settled_with_catalog: Vec<String> = settled
        .iter()
        .filter(|name| {
            let entity = format!("component:default/{name}");
            check_status(&json_file(&dir.join("org.json")), &entity, "ci-passing") == "unknown"
        })
        .cloned()
        .collect();
    assert!(settled_with_catalog.len() >= 30, "{settled_with_catalog:?}");
    fake.reset_stats();
    let rechecked = yardstick_on_github(&args, &dir, &fake.uri(), SECRET);
    assert!(matches!(rechecked.status.code(), Some(0 | 1)));
    let stats = fake.stats();
    assert_eq!(stats.graphql_repos, 0, "no repository fetched: {stats:?}");
    assert!(stats.total as f64 <= 0.01 * repos, "{stats:?}");
    let report = json_file(&dir.join("org.json"));
    for name in &settled_with_catalog {
        let entity = format!("component:default/{name}");
        assert_eq!(
            check_status(&report, &entity, "ci-passing"),
            "pass",
            "{name}"
        );
    }
    eprintln!(
        "scan-org, 1,000 repositories, {} PENDING: cold {:.3}, warm {:.3}, warm after CI settled {:.3} requests per listed repository",
        settled.len(),
        cold_requests as f64 / repos,
        warm_requests as f64 / repos,
        stats.total as f64 / repos
    );
    assert_no_secret(SECRET, &dir, &rechecked);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_credentials_are_exit_2_without_the_token() {
    let fake = org(10).start_blocking();
    let dir = scratch("org", "badtoken");
    let wrong = "ghp_WRONGtoken9876543210zyxwvutsrqponmlk";
    let out = yardstick_on_github(
        &["scan-org", "acme", "--format", "json"],
        &dir,
        &fake.uri(),
        wrong,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_no_secret(wrong, &dir, &out);
    assert_no_secret(DEFAULT_TOKEN, &dir, &out);

    // No credentials at all: a clear message, exit 2.
    let out = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(["scan-org", "acme"])
        .current_dir(&dir)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("YARDSTICK_APP_ID")
        .env_remove("YARDSTICK_APP_PRIVATE_KEY")
        .env_remove("YARDSTICK_APP_PRIVATE_KEY_PATH")
        .env("GITHUB_API_URL", fake.uri())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GITHUB_TOKEN"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_pr_comment_is_created_once_then_updated() {
    let fake = FakeGitHub::builder()
        .org("acme")
        .token(SECRET)
        .start_blocking();
    let dir = scratch("org", "comment");
    std::fs::write(dir.join("first.md"), "<!-- yardstick-report -->\nfirst").expect("write");
    std::fs::write(dir.join("second.md"), "second, without the marker").expect("write");
    for body in ["first.md", "second.md"] {
        let out = yardstick_on_github(
            &[
                "github",
                "comment",
                "--repo",
                "acme/web",
                "--pr",
                "7",
                "--body-file",
                body,
            ],
            &dir,
            &fake.uri(),
            SECRET,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_secret(SECRET, &dir, &out);
    }
    let comments = fake.comments("acme", "web", 7);
    assert_eq!(comments.len(), 1, "{comments:?}");
    assert!(comments[0].starts_with("<!-- yardstick-report -->"));
    assert!(comments[0].ends_with("second, without the marker"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rate_limits_are_waited_out_502s_retried_and_a_partial_answer_kept() {
    let fake = org(150)
        .fault_on_listing(1, Fault::PrimaryRateLimit)
        .fault_on_graphql(1, Fault::GraphqlRateLimited)
        .fault_on_graphql(2, Fault::BadGateway)
        .graphql_node_error("service-0010")
        .start_blocking();
    let dir = scratch("org", "faults");
    let out = yardstick_on_github(
        &[
            "scan-org", "acme", "--format", "json", "--output", "org.json",
        ],
        &dir,
        &fake.uri(),
        SECRET,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Findings, not "could not run": the faults were absorbed.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2 rate-limit waits"), "{stderr}");
    let report = json_file(&dir.join("org.json"));
    let adoption = &report["scan"]["adoption"];
    assert_eq!(adoption["failed"], serde_json::json!(["service-0010"]));
    let failed = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "scan/repository-failed")
        .expect("the failed repository is a finding");
    assert!(failed["message"]
        .as_str()
        .expect("message")
        .contains("service-0010"));
    // An incomplete scan does not pass the gate.
    assert_eq!(report["summary"]["gate"]["passed"], false);
    assert!(report["summary"]["gate"]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .any(|r| r == "1 repository could not be scanned: service-0010"));
    // Its batch-mates arrived: service-0011 is in the same GraphQL query and was scored.
    assert!(report["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .any(|e| e["ref"] == "component:default/service-0011"));
    assert_no_secret(SECRET, &dir, &out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_interrupted_scan_resumes_from_its_state() {
    // The outage starts after the 6 listing requests and the first two GraphQL batches.
    let fake = org(999).fail_after(8).start_blocking();
    let dir = scratch("org", "resume");
    let args = [
        "scan-org", "acme", "--state", "state", "--format", "json", "--output", "org.json",
    ];
    let first = yardstick_on_github(
        &[&args[..], &["--max-retries", "1"]].concat(),
        &dir,
        &fake.uri(),
        SECRET,
    );
    // The repositories of the batches the outage hit are findings; the run still reports.
    assert_eq!(
        first.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let partial = json_file(&dir.join("org.json"));
    let failed = partial["scan"]["adoption"]["failed"]
        .as_array()
        .expect("failed")
        .len();
    assert!(failed > 100, "the outage hit most batches: {failed} failed");
    let interrupted = fake.stats();
    fake.heal();
    fake.reset_stats();
    let second = yardstick_on_github(&args, &dir, &fake.uri(), SECRET);
    assert!(
        matches!(second.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let resumed = fake.stats();
    // A cold run needs one GraphQL query per 100 repositories; the resumed run only asks
    // for what the interrupted one did not finish.
    assert!(interrupted.graphql >= 1, "{interrupted:?}");
    assert!(
        resumed.graphql + interrupted.graphql <= 10 + 1,
        "interrupted {interrupted:?}, resumed {resumed:?}"
    );
    let report = json_file(&dir.join("org.json"));
    assert_eq!(report["scan"]["adoption"]["failed"], serde_json::json!([]));

    // The resumed report is the report of an uninterrupted scan.
    let fresh = scratch("org", "resume-fresh");
    let out = yardstick_on_github(
        &[
            "scan-org", "acme", "--format", "json", "--output", "org.json",
        ],
        &fresh,
        &fake.uri(),
        SECRET,
    );
    assert!(matches!(out.status.code(), Some(0 | 1)));
    assert!(
        std::fs::read_to_string(fresh.join("org.json")).expect("fresh")
            == std::fs::read_to_string(dir.join("org.json")).expect("resumed"),
        "resumed and uninterrupted reports differ"
    );
    assert_no_secret(SECRET, &dir, &second);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&fresh);
}

#[test]
fn a_corrupt_state_file_is_a_warning_and_the_scan_goes_on() {
    let fake = org(40).start_blocking();
    let dir = scratch("org", "corrupt-state");
    let args = [
        "scan-org", "acme", "--state", "state", "--format", "json", "--output", "org.json",
    ];
    let cold = yardstick_on_github(&args, &dir, &fake.uri(), SECRET);
    assert!(matches!(cold.status.code(), Some(0 | 1)));
    let cold_report = std::fs::read_to_string(dir.join("org.json")).expect("report");
    let files = walk(&dir.join("state"));
    assert_eq!(files.len(), 2, "a listing and a snapshot file: {files:?}");
    for file in &files {
        std::fs::write(file, "{\"version\": 1, \"pages\": [trunc").expect("garble");
    }
    let warm = yardstick_on_github(&args, &dir, &fake.uri(), SECRET);
    let stderr = String::from_utf8_lossy(&warm.stderr);
    assert!(matches!(warm.status.code(), Some(0 | 1)), "{stderr}");
    for file in &files {
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("yardstick: warning: state file")
                    && l.contains(name)
                    && l.contains("is corrupt")),
            "no warning naming {name}:\n{stderr}"
        );
    }
    let warm_report = std::fs::read_to_string(dir.join("org.json")).expect("report");
    assert!(
        cold_report == warm_report,
        "the scan starts over and reports the same"
    );
    // The discarded files were written again, whole.
    let third = yardstick_on_github(&args, &dir, &fake.uri(), SECRET);
    assert!(!String::from_utf8_lossy(&third.stderr).contains("warning"));
    assert_no_secret(SECRET, &dir, &warm);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_scan_that_fetches_no_repository_could_not_run() {
    // One listing page, then every GraphQL query fails.
    let fake = org(40).fail_after(1).start_blocking();
    let dir = scratch("org", "allfail");
    let out = yardstick_on_github(
        &["scan-org", "acme", "--max-retries", "0", "--format", "json"],
        &dir,
        &fake.uri(),
        SECRET,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("none of the"), "{stderr}");
    assert_no_secret(SECRET, &dir, &out);
    let _ = std::fs::remove_dir_all(&dir);
}
