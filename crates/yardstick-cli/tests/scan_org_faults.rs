//! `yardstick scan-org` under node-level GraphQL faults, through the binary: every listed
//! repository ends in exactly one state (scored with all its entities, reported failed, or
//! reported gone), failures fail the gate whatever `--fail-on` says, a warm run after the
//! fault clears recovers everything, and no token reaches any output.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use common::github::{
    assert_no_secret, check_status, json_file, scratch, stderr, yardstick_on_github,
};

use github_fake::{FakeGitHub, FakeGitHubBuilder, FakeRepo, NodeFault, NodeTarget};
use serde_json::Value;

/// A token distinctive enough that finding it anywhere is certainly a leak.
const SECRET: &str = "ghp_N0D3FAULTyardsticktoken0123456789ab";

/// Repositories in the fake organisation (every 50th is hit: 10 of them).
const REPOS: usize = 500;

fn org() -> FakeGitHubBuilder {
    FakeGitHub::builder()
        .org("acme")
        .token(SECRET)
        .repos(REPOS)
        .repo(FakeRepo::new("org-groups").file("catalog-info.yaml", common::team_groups_yaml()))
}

/// One scan with `--fail-on never`, a JSON report in `report.json` and `--state state`.
fn scan(fake: &FakeGitHub, dir: &Path, extra: &[&str]) -> (Output, Value) {
    let mut args = vec![
        "scan-org",
        "acme",
        "--fail-on",
        "never",
        "--state",
        "state",
        "--format",
        "json",
        "--output",
        "report.json",
    ];
    args.extend_from_slice(extra);
    let out = yardstick_on_github(&args, dir, &fake.uri(), SECRET);
    let text = std::fs::read_to_string(dir.join("report.json")).unwrap_or_default();
    let report = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert_no_secret(SECRET, dir, &out);
    (out, report)
}

/// The repositories a fault on every 50th hits (positions 0, 50, …; `org-groups` is 500th).
fn every_50th(fake: &FakeGitHub) -> BTreeSet<String> {
    fake.repos()
        .into_iter()
        .step_by(50)
        .map(|r| r.name)
        .collect()
}

/// Where each repository ended.
#[derive(Debug, Default)]
struct Outcome {
    failed: BTreeSet<String>,
    gone: BTreeSet<String>,
}

/// Clears the fake's faults and scans again with the same `--state`: every repository is
/// scored, none failed or gone.
fn assert_warm_scan_recovers(fake: &FakeGitHub, dir: &Path) {
    fake.heal();
    let (out, report) = scan(fake, dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let outcome = states(fake, &report);
    assert!(
        outcome.failed.is_empty() && outcome.gone.is_empty(),
        "{outcome:?}"
    );
}

/// Asserts every repository the scan selects ends in exactly one state, and returns the
/// failed and gone ones.
fn states(fake: &FakeGitHub, report: &Value) -> Outcome {
    let names = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect()
    };
    let adoption = &report["scan"]["adoption"];
    let without_catalog = names(&adoption["without_catalog"]);
    let failed_list = names(&adoption["failed"]);
    let entities: BTreeSet<String> = names(
        &report["entities"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["ref"].clone())
            .collect(),
    );
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let finding_about = |rule: &str, name: &str| {
        findings.iter().any(|f| {
            f["rule"] == rule
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(&format!("repository {name} ")))
        })
    };
    let mut outcome = Outcome::default();
    for repo in fake.repos() {
        if repo.archived || repo.fork || repo.empty {
            continue;
        }
        let name = repo.name.clone();
        let catalog = repo.files.keys().any(|f| f.starts_with("catalog-info"));
        let scored = if name == "org-groups" {
            (0..8).all(|i| entities.contains(&format!("group:default/team-{i}")))
        } else if !catalog {
            without_catalog.contains(&name)
        } else {
            // service-0009's catalog file is broken YAML: a finding at its URL instead.
            entities.contains(&format!("component:default/{name}"))
                || (name == "service-0009" && findings.iter().any(|f| f["rule"] == "yaml/syntax"))
        };
        let failed = failed_list.contains(&name) && finding_about("scan/repository-failed", &name);
        let gone = finding_about("scan/repository-gone", &name)
            && !failed_list.contains(&name)
            && !without_catalog.contains(&name);
        let count = [scored, failed, gone].iter().filter(|s| **s).count();
        assert_eq!(
            count, 1,
            "{name}: scored {scored}, failed {failed}, gone {gone}"
        );
        if failed {
            outcome.failed.insert(name.clone());
        }
        if gone {
            outcome.gone.insert(name);
        }
    }
    outcome
}

/// The message of the report's first `scan/repository-failed` finding.
fn failed_message(report: &Value) -> String {
    let finding = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "scan/repository-failed")
        .expect("a failed repository finding");
    finding["message"].as_str().unwrap_or_default().to_string()
}

/// A persistent fault on every 50th repository: exactly those fail, the run exits 1 under
/// `--fail-on never`, and a warm run after the fault clears recovers everything.
fn persistent_fault_then_recovery(target: NodeTarget, field: &str, name: &str) {
    let fake = org()
        .node_fault(NodeFault::new(target).every(50))
        .start_blocking();
    let dir = scratch("faults", name);
    let (out, report) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let outcome = states(&fake, &report);
    assert_eq!(outcome.failed, every_50th(&fake));
    assert_eq!(outcome.failed.len(), 11);
    assert!(outcome.gone.is_empty());
    assert_eq!(report["summary"]["gate"]["passed"], false);
    let message = failed_message(&report);
    assert!(message.contains("SERVICE_UNAVAILABLE"), "{message}");
    assert!(message.contains("timeout"), "{message}");
    assert!(message.contains(field), "{message}");

    assert_warm_scan_recovers(&fake, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn persistent_catalog_file_errors_fail_exactly_those_repositories() {
    persistent_fault_then_recovery(
        NodeTarget::Object("catalog-info.yaml".into()),
        "catalog file catalog-info.yaml",
        "file",
    );
}

#[test]
fn persistent_rollup_errors_fail_exactly_those_repositories() {
    persistent_fault_then_recovery(
        NodeTarget::Rollup,
        "defaultBranchRef.target.statusCheckRollup",
        "rollup",
    );
}

/// The listing reads every rollup fine; the fetch batch's rollup fails on every query.
#[test]
fn persistent_rollup_errors_in_the_fetch_batch_fail_exactly_those_repositories() {
    persistent_fault_then_recovery(
        NodeTarget::FetchRollup,
        "defaultBranchRef.target.statusCheckRollup",
        "fetch-rollup",
    );
}

/// The batch query still asks for `statusCheckRollup` (the listing's may have failed), so a
/// rollup error can come back in a fetch batch. The listing's rollups are fine here, so the
/// fault is not spent by the listing: the fetch batch meets it, and its retry round (one
/// shared query) recovers it.
#[test]
fn a_fail_once_rollup_error_in_a_fetch_batch_is_retried_within_the_run() {
    let clean = org().start_blocking();
    let dir = scratch("faults", "fetch-rollup-clean");
    let (out, _) = scan(&clean, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);

    let fake = org()
        .node_fault(NodeFault::new(NodeTarget::FetchRollup).every(50).once())
        .start_blocking();
    let dir = scratch("faults", "fetch-rollup-once");
    let (out, report) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let outcome = states(&fake, &report);
    assert!(
        outcome.failed.is_empty() && outcome.gone.is_empty(),
        "{outcome:?}"
    );
    // The hit repositories that are fetched (not archived, forks or empty) were asked for
    // again, all in one more query.
    let hit: BTreeSet<String> = every_50th(&fake);
    let refetched = fake
        .repos()
        .into_iter()
        .filter(|r| hit.contains(&r.name) && !(r.archived || r.fork || r.empty))
        .count() as u64;
    assert!(refetched >= 9, "{refetched}");
    let (faulted, plain) = (fake.stats(), clean.stats());
    assert_eq!(
        faulted.graphql,
        plain.graphql + 1,
        "{faulted:?} vs {plain:?}"
    );
    assert_eq!(faulted.graphql_repos, plain.graphql_repos + refetched);
    // The CI came through: service-0000 (hit) passes ci-passing.
    assert_eq!(check(&report, "service-0000", "ci-passing"), "pass");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The status of check `id` for component `name` in a JSON report.
fn check(report: &Value, name: &str, id: &str) -> String {
    check_status(report, &format!("component:default/{name}"), id)
}

#[test]
fn fail_once_node_errors_are_recovered_within_the_run() {
    let fake = org()
        .node_fault(
            NodeFault::new(NodeTarget::Object("catalog-info.yaml".into()))
                .every(50)
                .once(),
        )
        .node_fault(NodeFault::new(NodeTarget::Rollup).every(50).once())
        .node_fault(
            NodeFault::new(NodeTarget::Object("mkdocs.yml".into()))
                .every(50)
                .once(),
        )
        .start_blocking();
    let dir = scratch("faults", "once");
    let (out, report) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let outcome = states(&fake, &report);
    assert!(
        outcome.failed.is_empty() && outcome.gone.is_empty(),
        "{outcome:?}"
    );
    // CI and techdocs came through too: service-0000 passes both.
    for id in ["ci-passing", "has-techdocs"] {
        assert_eq!(check(&report, "service-0000", id), "pass", "{id}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn forbidden_on_a_file_says_the_token_lacks_contents_access() {
    let fake = org()
        .node_fault(
            NodeFault::new(NodeTarget::Object("catalog-info.yaml".into()))
                .repo("service-0001")
                .error("FORBIDDEN", "Resource not accessible by integration"),
        )
        .start_blocking();
    let dir = scratch("faults", "forbidden");
    let (out, report) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let outcome = states(&fake, &report);
    assert_eq!(outcome.failed, BTreeSet::from(["service-0001".to_string()]));
    let message = failed_message(&report);
    assert!(message.contains("FORBIDDEN"), "{message}");
    assert!(message.contains("Contents read access"), "{message}");

    // Access granted: the next run reads it.
    assert_warm_scan_recovers(&fake, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_answer_neither_replaces_the_cached_snapshot_nor_passes_for_it() {
    let fake = org().start_blocking();
    let dir = scratch("faults", "cache");
    let (out, _) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cached_before = cached_repo(&dir, "service-0050");

    // A push, then the repository's catalog file errors on every query.
    assert!(fake.update_repo("service-0050", |r| {
        r.pushed_at = "2026-03-01T12:00:00Z".into();
    }));
    fake.add_node_fault(
        NodeFault::new(NodeTarget::Object("catalog-info.yaml".into())).repo("service-0050"),
    );
    let (out, report) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        states(&fake, &report).failed,
        BTreeSet::from(["service-0050".to_string()])
    );
    assert_eq!(cached_repo(&dir, "service-0050"), cached_before);

    fake.heal();
    let (out, report) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(states(&fake, &report).failed.is_empty());
    assert_eq!(
        cached_repo(&dir, "service-0050")["pushed_at"],
        "2026-03-01T12:00:00Z"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A repository's entry in the state directory's snapshot file.
fn cached_repo(dir: &Path, name: &str) -> Value {
    let entry = std::fs::read_dir(dir.join("state"))
        .expect("state dir")
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("snapshots-"))
        .expect("a snapshot file");
    json_file(&entry.path())["repos"][name].clone()
}

#[test]
fn repositories_gone_after_listing_are_notes_outside_adoption() {
    let fake = org()
        .node_fault(NodeFault::new(NodeTarget::Repository).every(50))
        .start_blocking();
    let dir = scratch("faults", "gone");
    let (out, report) = scan(&fake, &dir, &[]);
    // Gone is not failed: the gate is not failed by it.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let outcome = states(&fake, &report);
    assert_eq!(outcome.gone, every_50th(&fake));
    assert!(outcome.failed.is_empty());
    let adoption = &report["scan"]["adoption"];
    let listed = report["scan"]["repositories"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(adoption["repositories"], listed - outcome.gone.len());
    let note = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "scan/repository-gone")
        .expect("a gone note");
    assert_eq!(note["severity"], "note");
    assert!(note["message"]
        .as_str()
        .unwrap_or_default()
        .contains("NOT_FOUND"));

    assert_warm_scan_recovers(&fake, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_repository_that_breaks_its_batch_costs_only_itself() {
    let fake = org()
        .node_fault(NodeFault::new(NodeTarget::WholeQuery).repo("service-0042"))
        .start_blocking();
    let dir = scratch("faults", "poison");
    let (out, report) = scan(&fake, &dir, &["--max-retries", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let outcome = states(&fake, &report);
    assert_eq!(outcome.failed, BTreeSet::from(["service-0042".to_string()]));
    let message = failed_message(&report);
    assert!(message.contains("502"), "{message}");
    // 5 batches and 2 follow-up queries (listing pages count apart); the poisoned batch adds its retry
    // (R = 1), at most 2·⌈log2 100⌉ split queries, and 2 retry rounds of 1 + R each.
    let stats = fake.stats();
    assert!(stats.graphql <= 5 + 2 + 1 + 14 + 2 * 2, "{stats:?}");
    eprintln!(
        "poisoned batch: {} GraphQL requests, {} in all",
        stats.graphql,
        stats.api_requests()
    );

    fake.heal();
    let (out, report) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(states(&fake, &report).failed.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The numbers of a statistics line of stderr that starts with `prefix`, in order.
fn stat_numbers(out: &Output, prefix: &str) -> Vec<u64> {
    let text = stderr(out);
    let line = text
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix:?} in:\n{text}"));
    line.split(|c: char| !c.is_ascii_digit() && c != '.')
        .filter_map(|w| w.parse().ok())
        .collect()
}

#[test]
fn shards_count_their_own_repositories_and_merged_failures_fail_the_gate() {
    let fake = org()
        .node_fault(NodeFault::new(NodeTarget::Rollup).every(50))
        .start_blocking();
    let dir = scratch("faults", "shard-counts");
    let (whole, whole_report) = scan(&fake, &dir, &[]);
    assert_eq!(whole.status.code(), Some(1), "{}", stderr(&whole));
    let skipped = "yardstick: skipped";
    let mut scanned = 0;
    let mut skips = [0; 5];
    let mut failures = 0;
    let mut merge_args = vec!["merge".to_string()];
    for i in 1..=3 {
        let (out, report) = scan(&fake, &dir, &["--shard", &format!("{i}/3")]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        // The report's repositories and the stderr counts are the shard's own.
        let own = report["scan"]["repositories"]
            .as_array()
            .map_or(0, Vec::len);
        let counted = stat_numbers(&out, "yardstick: scanned")[0];
        assert_eq!(counted, own as u64, "{}", stderr(&out));
        scanned += counted;
        for (sum, n) in skips.iter_mut().zip(stat_numbers(&out, skipped)) {
            *sum += n;
        }
        let text = stderr(&out);
        failures += text
            .lines()
            .filter(|l| l.contains("could not be scanned"))
            .filter_map(|l| {
                l.strip_prefix("yardstick: ")?
                    .split(' ')
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .sum::<u64>();
        let name = format!("shard-{i}.json");
        std::fs::rename(dir.join("report.json"), dir.join(&name)).expect("rename");
        merge_args.push(name);
    }
    // Added up, the shards count what the unsharded scan counts; other-shard counts aside.
    assert_eq!(scanned, stat_numbers(&whole, "yardstick: scanned")[0]);
    let whole_skips = stat_numbers(&whole, skipped);
    assert_eq!(skips[..4], whole_skips[..4], "{}", stderr(&whole));
    assert_eq!(skips[4], 2 * fake.repos().len() as u64);
    let whole_failed = whole_report["scan"]["adoption"]["failed"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(failures, whole_failed as u64);
    assert!(whole_failed > 0);

    // A merge of shards with failed repositories fails whatever --fail-on says.
    merge_args.extend(["--format", "json", "--output", "merged.json"].map(String::from));
    for fail_on in ["never", "critical", "any"] {
        let out = Command::new(env!("CARGO_BIN_EXE_yardstick"))
            .args(&merge_args)
            .args(["--fail-on", fail_on])
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("run merge");
        assert_eq!(
            out.status.code(),
            Some(1),
            "--fail-on {fail_on}: {}",
            stderr(&out)
        );
        let merged = json_file(&dir.join("merged.json"));
        assert_eq!(merged["summary"]["gate"]["passed"], false);
        assert_eq!(
            merged["scan"]["adoption"]["failed"],
            whole_report["scan"]["adoption"]["failed"]
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_default_branch_switch_without_a_push_is_noticed_on_the_warm_run() {
    let fake = org().start_blocking();
    let dir = scratch("faults", "branch-switch");
    let (out, report) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(states(&fake, &report).failed.is_empty());
    let entities = |report: &Value| -> BTreeSet<String> {
        report["entities"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["ref"].as_str().map(str::to_string))
            .collect()
    };

    // The fault: every 50th repository's default branch becomes `develop`, whose catalog
    // file holds a second component; pushed_at does not move.
    let switched: Vec<String> = every_50th(&fake)
        .into_iter()
        .filter(|name| {
            name != "org-groups" && !fake.repos().iter().any(|r| &r.name == name && r.empty)
        })
        .collect();
    assert!(switched.len() >= 9, "{switched:?}");
    for name in &switched {
        let text = format!(
            "{}---\n{}",
            FakeRepo::component_yaml(name, "team-4"),
            FakeRepo::component_yaml(&format!("{name}-develop"), "team-4")
        );
        let files = [("catalog-info.yaml".to_string(), text)].into();
        assert!(fake.switch_default_branch(name, "develop", files));
    }
    fake.reset_stats();
    let (out, report) = scan(&fake, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Every repository ends scored, failed or gone (here: scored), and the switched ones
    // are read again: exactly them, and the new branch's catalog is what is scored.
    let outcome = states(&fake, &report);
    assert!(
        outcome.failed.is_empty() && outcome.gone.is_empty(),
        "{outcome:?}"
    );
    assert_eq!(fake.stats().graphql_repos, switched.len() as u64);
    let scored = entities(&report);
    for name in &switched {
        assert!(
            scored.contains(&format!("component:default/{name}-develop")),
            "{name}'s develop catalog is not scored"
        );
    }
    let entry = cached_repo(&dir, &switched[0]);
    assert_eq!(entry["snapshot"]["default_branch"], "develop");
    // `scan` asserted that no token reached stdout, stderr, the report or the state files.
    let _ = std::fs::remove_dir_all(&dir);
}
