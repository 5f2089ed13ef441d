//! `scan-org` with the organisation's teams and members as an owner source: components owned
//! by org teams pass `has-owner`, a typo'd team fails with a "did you mean", the teams cost a
//! request per 100 cold and none warm, and a token without the Members read permission gets
//! one note and the other sources.

mod common;

use std::path::Path;
use std::process::Output;

use common::github::{check_status, json_file, scratch, yardstick_on_github};

use github_fake::{FakeGitHub, FakeRepo, PeopleAccess, DEFAULT_TOKEN};
use serde_json::Value;

/// The binary against the fake at `api`, with its token.
fn yardstick(args: &[&str], dir: &Path, api: &str) -> Output {
    yardstick_on_github(args, dir, api, DEFAULT_TOKEN)
}

fn component(name: &str, owner: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  description: The {name} service.\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: {owner}\n"
    )
}

/// Three repositories whose owners are not in any of them: an org team, a typo of it, and an
/// org member whose login has capitals.
fn org() -> github_fake::FakeGitHubBuilder {
    FakeGitHub::builder()
        .org("acme")
        .repo(FakeRepo::new("web").file("catalog-info.yaml", component("web", "team-web")))
        .repo(FakeRepo::new("api").file("catalog-info.yaml", component("api", "team-wbe")))
        .repo(FakeRepo::new("ops").file("catalog-info.yaml", component("ops", "user:jdoe")))
        .teams(["team-web", "platform"])
        .members(["JDoe", "octo"])
}

/// The status of `has-owner` for `entity` in a JSON report.
fn has_owner(report: &Value, entity: &str) -> String {
    check_status(report, entity, "has-owner")
}

fn report(dir: &Path) -> Value {
    json_file(&dir.join("org.json"))
}

const ARGS: [&str; 8] = [
    "scan-org", "acme", "--state", "state", "--format", "json", "--output", "org.json",
];

#[test]
fn org_teams_and_members_resolve_owners_within_their_request_cost() {
    let fake = org().start_blocking();
    let dir = scratch("owners", "teams");
    let cold = yardstick(&ARGS, &dir, &fake.uri());
    let stderr = String::from_utf8_lossy(&cold.stderr);
    assert_eq!(cold.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("owners: 2 teams and 2 members of acme"),
        "{stderr}"
    );
    // ⌈2 / 100⌉ + ⌈2 / 100⌉ = 2 at most; both connections share a request.
    assert_eq!(fake.stats().graphql_people, 1, "{:?}", fake.stats());
    let cold_report = report(&dir);
    assert_eq!(has_owner(&cold_report, "component:default/web"), "pass");
    assert_eq!(has_owner(&cold_report, "component:default/ops"), "pass");
    assert_eq!(has_owner(&cold_report, "component:default/api"), "fail");
    let typo = cold_report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "ref/unresolved-owner")
        .expect("an unresolved owner");
    let message = typo["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("team-wbe") && message.contains("did you mean group:default/team-web?"),
        "{message}"
    );
    assert_eq!(
        cold_report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["rule"] == "ref/unresolved-owner")
            .count(),
        1,
        "the team and the member resolve"
    );

    // Warm, within the day: the cache answers, no request spent on the teams.
    fake.reset_stats();
    let warm = yardstick(&ARGS, &dir, &fake.uri());
    let stderr = String::from_utf8_lossy(&warm.stderr);
    assert_eq!(warm.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("of acme (cached)"), "{stderr}");
    assert_eq!(fake.stats().graphql_people, 0);
    assert_eq!(report(&dir), cold_report, "a cached scan reports the same");

    // Turned off: no request, and the owners resolve as without a source (leniently: none
    // of the three is in the scanned catalog).
    fake.reset_stats();
    let mut off = ARGS.to_vec();
    off.push("--no-org-owners");
    let out = yardstick(&off, &dir, &fake.uri());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(fake.stats().graphql_people, 0);
    assert_eq!(has_owner(&report(&dir), "component:default/api"), "pass");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_the_members_permission_the_scan_says_so_once_and_falls_back() {
    let dir = scratch("owners", "forbidden");
    let plain = org().start_blocking();
    let mut off = ARGS.to_vec();
    off.push("--no-org-owners");
    let out = yardstick(&off, &dir, &plain.uri());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let without = report(&dir);
    for access in [PeopleAccess::Forbidden, PeopleAccess::Hidden] {
        let fake = org().people_access(access).start_blocking();
        let _ = std::fs::remove_dir_all(dir.join("state"));
        let out = yardstick(&ARGS, &dir, &fake.uri());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{access:?}: {stderr}");
        assert_eq!(
            stderr
                .matches("cannot read the teams and members of acme")
                .count(),
            1,
            "{stderr}"
        );
        assert!(stderr.contains("Members read permission"), "{stderr}");
        let mut fell_back = report(&dir);
        // The same report as without the source, but for the API host in the selection.
        fell_back["scan"]["selection"] = without["scan"]["selection"].clone();
        assert_eq!(fell_back, without, "{access:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_read_of_the_teams_is_a_warning_and_the_scan_reports() {
    let fake = org()
        .fault_on_people(1, github_fake::Fault::BadGateway)
        .start_blocking();
    let dir = scratch("owners", "failed");
    let mut args = ARGS.to_vec();
    args.extend(["--max-retries", "0"]);
    let out = yardstick(&args, &dir, &fake.uri());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the report is written\n{stderr}"
    );
    assert!(
        stderr.contains("warning: could not read the teams and members of acme")
            && stderr.contains("the next run reads them again"),
        "{stderr}"
    );
    // This run fell back to the other sources (none: lenient), so the typo passed.
    assert_eq!(has_owner(&report(&dir), "component:default/api"), "pass");
    // Not cached as "no teams": the next run reads them, and the typo is caught.
    fake.reset_stats();
    let again = yardstick(&ARGS, &dir, &fake.uri());
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    assert_eq!(fake.stats().graphql_people, 1);
    assert_eq!(has_owner(&report(&dir), "component:default/api"), "fail");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn merged_shards_resolve_against_the_org_teams_as_the_unsharded_scan_does() {
    let fake = org().start_blocking();
    let dir = scratch("owners", "shards");
    let run = |args: &[&str]| {
        let out = yardstick(args, &dir, &fake.uri());
        // A shard may hold no repository, and so no failure.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {out:?}"
        );
    };
    run(&ARGS);
    let whole = std::fs::read_to_string(dir.join("org.json")).expect("whole");
    for i in 1..=2 {
        let (shard, output) = (format!("{i}/2"), format!("shard-{i}.json"));
        let mut args = ARGS.to_vec();
        args.truncate(6);
        args.extend(["--shard", &shard, "--output", &output]);
        run(&args);
        let report = json_file(&dir.join(&output));
        // Every shard names the owners it resolved against: the teams and the members.
        assert_eq!(
            report["scan"]["owners"],
            serde_json::json!([
                "group:default/platform",
                "group:default/team-web",
                "user:default/jdoe",
                "user:default/octo"
            ]),
            "{}",
            report["scan"]
        );
    }
    run(&[
        "merge",
        "shard-1.json",
        "shard-2.json",
        "--format",
        "json",
        "--output",
        "merged.json",
    ]);
    let merged = std::fs::read_to_string(dir.join("merged.json")).expect("merged");
    assert!(
        whole == merged,
        "the merged report differs from the unsharded one"
    );
    let merged: Value = serde_json::from_str(&merged).expect("json");
    assert_eq!(has_owner(&merged, "component:default/web"), "pass");
    assert_eq!(has_owner(&merged, "component:default/api"), "fail");
    assert!(merged["scan"].get("owners").is_none(), "{}", merged["scan"]);
    let _ = std::fs::remove_dir_all(&dir);
}
