//! The state directory and the GraphQL listing: snapshots reused while `pushed_at`, default
//! branch and head commit match, CI refreshed from the listing on every run, resume.

mod common;

use std::sync::Arc;

use common::{batches, options, options_with_state, scanned};
use github_fake::{FakeCi, FakeGitHub, FakeRepo};
use yardstick_github::{scan_org, CiStatus, OrgSnapshot, RepoSnapshot};

fn repo<'s>(snapshot: &'s OrgSnapshot, name: &str) -> &'s RepoSnapshot {
    snapshot
        .repositories
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("{name} not in the snapshot"))
}

#[tokio::test(flavor = "multi_thread")]
async fn cold_and_warm_scans_of_1000_repos_8_percent_pending_stay_within_the_budget() {
    let fake = FakeGitHub::builder()
        .repos(1_000)
        .pending_percent(8)
        .start()
        .await;
    let (_state, opts) = options_with_state(&fake);
    let listed = fake.repos().len() as f64;
    let scanned = scanned(&fake.repos()).len();

    // Cold: 6 listing requests (a page from each end of the name order: 200, 400, … 1,000
    // repositories read, then one more where the ends meet) + one GraphQL query per 100
    // non-empty selected repositories.
    let cold = scan_org(&opts).await.expect("cold scan");
    let stats = fake.stats();
    assert_eq!(stats.graphql_listing, 6);
    assert_eq!(stats.graphql, batches(scanned));
    assert_eq!(stats.total, stats.graphql_listing + stats.graphql);
    assert_eq!(cold.stats.rest, 0);
    assert_eq!(cold.stats.total(), stats.total);
    let cold_per_repo = stats.total as f64 / listed;
    assert!(cold_per_repo <= 0.05, "cold: {cold_per_repo}");
    let pending: Vec<String> = cold
        .repositories
        .iter()
        .filter(|r| r.ci == CiStatus::Pending)
        .map(|r| r.name.clone())
        .collect();
    assert!(pending.len() >= 60, "about 8 % pending: {}", pending.len());

    // Warm, the checks finished meanwhile: the 6 listing requests re-check every
    // repository's CI, and no repository is fetched again.
    fake.settle_pending();
    fake.reset_stats();
    let warm = scan_org(&opts).await.expect("warm scan");
    let stats = fake.stats();
    assert_eq!((stats.graphql_listing, stats.graphql), (6, 0), "{stats:?}");
    assert_eq!(stats.total, 6, "every request counted: {stats:?}");
    let warm_per_repo = stats.total as f64 / listed;
    assert!(warm_per_repo <= 0.01, "warm: {warm_per_repo}");
    eprintln!(
        "1,000 repositories, {} PENDING: cold {cold_per_repo:.3}, warm {warm_per_repo:.3} requests per listed repository",
        pending.len()
    );
    for name in &pending {
        assert_eq!(repo(&warm, name).ci, CiStatus::Passing, "{name}");
    }
    let unchanged = |s: &OrgSnapshot| -> Vec<RepoSnapshot> {
        s.repositories
            .iter()
            .filter(|r| !pending.contains(&r.name))
            .cloned()
            .collect()
    };
    assert_eq!(unchanged(&warm), unchanged(&cold));
    assert_eq!(warm.skipped, cold.skipped);

    // A push to one repository re-queries that repository only.
    assert!(fake.update_repo("service-0010", |r| {
        r.pushed_at = "2026-02-01T00:00:00Z".into();
        r.ci = FakeCi::Success;
    }));
    fake.reset_stats();
    let after_push = scan_org(&opts).await.expect("scan after push");
    assert_eq!(fake.stats().graphql_listing, 6);
    assert_eq!(fake.stats().graphql, 1);
    assert_eq!(fake.stats().graphql_repos, 1);
    assert_eq!(repo(&after_push, "service-0010").ci, CiStatus::Passing);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_default_branch_switch_without_a_push_is_fetched_again() {
    let fake = FakeGitHub::builder().repos(30).start().await;
    let (_state, opts) = options_with_state(&fake);
    let cold = scan_org(&opts).await.expect("cold");
    assert_eq!(
        repo(&cold, "service-0010").default_branch.as_deref(),
        Some("main")
    );

    // `develop` becomes the default branch; pushed_at does not move.
    let next = FakeRepo::component_yaml("service-0010-next", "team-2");
    let files = [("catalog-info.yaml".to_string(), next.clone())].into();
    assert!(fake.switch_default_branch("service-0010", "develop", files));
    fake.reset_stats();
    let warm = scan_org(&opts).await.expect("warm");
    assert_eq!(
        fake.stats().graphql_repos,
        1,
        "only the switched repository"
    );
    let switched = repo(&warm, "service-0010");
    assert_eq!(switched.default_branch.as_deref(), Some("develop"));
    assert_ne!(switched.head, repo(&cold, "service-0010").head);
    assert_eq!(switched.files.len(), 1);
    assert_eq!(switched.files[0].text, next);
    assert!(switched.present.is_empty(), "mkdocs.yml is not on develop");

    // And the new snapshot is cached in turn.
    fake.reset_stats();
    let again = scan_org(&opts).await.expect("third run");
    assert_eq!(fake.stats().graphql, 0);
    assert_eq!(again.repositories, warm.repositories);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_repos_are_queried_again_and_pending_ci_is_rechecked_by_the_listing() {
    let fake = FakeGitHub::builder()
        .repos(30)
        .repo(FakeRepo::new("building").ci(FakeCi::Pending))
        .graphql_node_error("service-0001")
        .start()
        .await;
    let (_state, opts) = options_with_state(&fake);
    let first = scan_org(&opts).await.expect("first scan");
    assert_eq!(repo(&first, "building").ci, CiStatus::Pending);
    fake.heal();
    assert!(fake.update_repo("building", |r| r.ci = FakeCi::Success));
    fake.reset_stats();
    let second = scan_org(&opts).await.expect("second scan");
    assert_eq!(fake.stats().graphql, 1);
    assert_eq!(fake.stats().graphql_repos, 1); // service-0001 (error); not "building"
    assert!(second.repositories.iter().all(|r| r.error.is_none()));
    assert_eq!(repo(&second, "building").ci, CiStatus::Passing);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_run_resumes_without_refetching_completed_repos() {
    let fake = FakeGitHub::builder()
        .repos(500)
        // 3 listing requests and 2 GraphQL batches succeed, then GitHub goes down.
        .fail_after(5)
        .start()
        .await;
    let (_state, mut opts) = options_with_state(&fake);
    opts.max_retries = 0;
    // Empty repositories are known from the listing: nothing to fetch.
    let scanned_count = scanned(&fake.repos()).len();

    let interrupted = scan_org(&opts).await.expect("the scan goes on");
    let failed = interrupted
        .repositories
        .iter()
        .filter(|r| r.error.is_some())
        .count();
    assert_eq!(failed, scanned_count - 200);
    let first = fake.stats();
    assert_eq!(first.graphql_repos, 200);

    fake.heal();
    fake.reset_stats();
    let resumed = scan_org(&opts).await.expect("resumed scan");
    let second = fake.stats();
    assert_eq!(second.graphql_listing, 3);
    assert_eq!(second.graphql_repos as usize, scanned_count - 200);
    assert_eq!(second.graphql, batches(scanned_count - 200));
    assert!(resumed.repositories.iter().all(|r| r.error.is_none()));
    assert_eq!(
        resumed
            .repositories
            .iter()
            .map(|r| r.name.clone())
            .collect::<std::collections::BTreeSet<_>>(),
        scanned(&fake.repos())
    );
    // Across both runs every repository was fetched exactly once, like one cold run.
    assert_eq!(
        first.graphql_repos + second.graphql_repos,
        scanned_count as u64
    );

    // And the finished run left a valid cache behind.
    fake.reset_stats();
    let warm = scan_org(&opts).await.expect("warm scan");
    assert_eq!(fake.stats().graphql, 0);
    assert_eq!(warm.stats.graphql, 3, "the listing requests only");
    assert_eq!(warm.repositories, resumed.repositories);
}

#[tokio::test(flavor = "multi_thread")]
async fn followup_probes_are_cached_too() {
    let fake = FakeGitHub::builder().repos(100).start().await;
    let (_state, mut opts) = options_with_state(&fake);
    opts.followup = Some(Arc::new(|repo: &RepoSnapshot| {
        if repo.files.iter().any(|f| f.text.contains("techdocs-ref")) {
            vec!["docs".to_string()]
        } else {
            vec![]
        }
    }));
    let cold = scan_org(&opts).await.expect("cold");
    assert_eq!(
        cold.stats.graphql,
        1 + 2,
        "a listing page, a batch, a follow-up"
    );
    let warm = scan_org(&opts).await.expect("warm");
    assert_eq!(warm.stats.graphql, 1, "the listing page only");
    assert_eq!(warm.repositories, cold.repositories);
}

#[tokio::test(flavor = "multi_thread")]
async fn ci_changes_without_a_push_are_read_from_the_listing() {
    let fake = FakeGitHub::builder()
        .repos(20)
        .repo(FakeRepo::new("just-pushed").pushed_secs_ago(3_600))
        .start()
        .await;
    assert!(fake.update_repo("service-0002", |r| r.ci = FakeCi::Expected));
    let (_state, opts) = options_with_state(&fake);
    let cold = scan_org(&opts).await.expect("cold");
    assert_eq!(repo(&cold, "just-pushed").ci, CiStatus::None);
    assert_eq!(repo(&cold, "service-0001").ci, CiStatus::Failing);
    assert_eq!(repo(&cold, "service-0002").ci, CiStatus::Pending);
    // The first check registers on a fresh push, a red run is re-run green, and a required
    // check that was `EXPECTED` reports: none of them moves the head.
    for name in ["just-pushed", "service-0001", "service-0002"] {
        assert!(fake.update_repo(name, |r| r.ci = FakeCi::Success));
    }
    fake.reset_stats();
    let warm = scan_org(&opts).await.expect("warm");
    assert_eq!(fake.stats().graphql_repos, 0, "no files fetched again");
    for name in ["just-pushed", "service-0001", "service-0002"] {
        assert_eq!(repo(&warm, name).ci, CiStatus::Passing, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scan_stopped_during_the_listing_resumes_from_its_cursor() {
    // Six listing requests; the fifth answers late, so the stop comes while it is in flight.
    let fake = FakeGitHub::builder()
        .repos(1_000)
        .fault_on_listing(
            5,
            github_fake::Fault::Delay(std::time::Duration::from_secs(5)),
        )
        .start()
        .await;
    let (_state, opts) = options_with_state(&fake);
    let stop = async {
        while fake.stats().graphql_listing < 5 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };
    let stopped = yardstick_github::scan_org_until(&opts, stop).await;
    assert!(
        matches!(
            stopped,
            Err(yardstick_github::ScanError::Interrupted {
                done: 0,
                total: None
            })
        ),
        "{stopped:?}"
    );
    assert_eq!(fake.stats().graphql, 0);

    // The four requests read (800 repositories) were saved with both ends' cursors: the
    // resumed run makes requests 5 and 6 only, and ends as a plain scan does.
    fake.reset_stats();
    let resumed = scan_org(&opts).await.expect("resumed scan");
    assert_eq!(fake.stats().graphql_listing, 2);
    let queries = fake.listing_queries();
    let resumed_queries = &queries[queries.len() - 4..];
    assert!(
        resumed_queries.iter().all(|q| !q.contains("after: null")),
        "{resumed_queries:?}"
    );
    let plain = scan_org(&options(&fake)).await.expect("plain scan");
    assert_eq!(resumed.repositories, plain.repositories);
    assert_eq!(resumed.skipped, plain.skipped);

    // A listing completed is not resumed: the next run lists from the start.
    fake.reset_stats();
    scan_org(&opts).await.expect("warm scan");
    assert_eq!(fake.stats().graphql_listing, 6);
}
