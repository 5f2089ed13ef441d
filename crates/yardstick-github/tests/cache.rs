//! The state directory: ETag-cached listing, snapshot cache keyed by `pushed_at`, resume.

mod common;

use std::sync::Arc;

use common::{batches, options, scanned, selected};
use github_fake::{FakeCi, FakeGitHub};
use yardstick_github::{scan_org, CiStatus};

#[tokio::test(flavor = "multi_thread")]
async fn cold_and_warm_scans_of_1000_repos_stay_within_the_request_budget() {
    let fake = FakeGitHub::builder().repos(1_000).start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&fake);
    opts.state_dir = Some(dir.path().to_path_buf());
    let selected = selected(&fake.repos()).len();

    // Cold: 10 listing pages + one GraphQL query per 100 selected repositories.
    let cold = scan_org(&opts).await.expect("cold scan");
    assert_eq!(cold.stats.rest, 10);
    assert_eq!(cold.stats.graphql, batches(selected));
    assert_eq!(cold.stats.total(), 20);
    assert!(cold.stats.total() as f64 / 1_000.0 <= 0.05);
    assert_eq!(fake.stats().total, 20);

    // Warm, nothing changed: 10 listing pages answered 304, no GraphQL at all.
    fake.reset_stats();
    let warm = scan_org(&opts).await.expect("warm scan");
    assert_eq!(warm.stats.rest, 10);
    assert_eq!(warm.stats.not_modified, 10);
    assert_eq!(warm.stats.graphql, 0);
    assert!(warm.stats.total() as f64 / 1_000.0 <= 0.01);
    assert_eq!(fake.stats().not_modified, 10);
    assert_eq!(fake.stats().graphql, 0);
    assert_eq!(warm.repositories, cold.repositories);
    assert_eq!(warm.skipped, cold.skipped);

    // A push to one repository changes its listing page and re-queries that repository only.
    assert!(fake.update_repo("service-0010", |r| {
        r.pushed_at = "2026-02-01T00:00:00Z".into();
        r.ci = FakeCi::Success;
    }));
    fake.reset_stats();
    let after_push = scan_org(&opts).await.expect("scan after push");
    assert_eq!(after_push.stats.graphql, 1);
    assert_eq!(fake.stats().graphql_repos, 1);
    assert_eq!(fake.stats().rest_list, 1);
    assert_eq!(fake.stats().not_modified, 9);
    let repo = after_push
        .repositories
        .iter()
        .find(|r| r.name == "service-0010")
        .expect("service-0010");
    assert_eq!(repo.ci, CiStatus::Passing);
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_ci_and_failed_repos_are_queried_again_on_a_warm_run() {
    let fake = FakeGitHub::builder()
        .repos(30)
        .repo(github_fake::FakeRepo::new("building").ci(FakeCi::Pending))
        .graphql_node_error("service-0001")
        .start()
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&fake);
    opts.state_dir = Some(dir.path().to_path_buf());
    scan_org(&opts).await.expect("first scan");
    fake.heal();
    fake.reset_stats();
    let second = scan_org(&opts).await.expect("second scan");
    assert_eq!(fake.stats().graphql, 1);
    assert_eq!(fake.stats().graphql_repos, 2); // "building" (pending) and service-0001 (error)
    assert!(second.repositories.iter().all(|r| r.error.is_none()));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_run_resumes_without_refetching_completed_repos() {
    let fake = FakeGitHub::builder()
        .repos(500)
        // 5 listing pages and 2 GraphQL batches succeed, then GitHub goes down.
        .fail_after(7)
        .start()
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&fake);
    opts.state_dir = Some(dir.path().to_path_buf());
    opts.max_retries = 0;
    let selected = selected(&fake.repos()).len();

    let interrupted = scan_org(&opts).await.expect("the scan goes on");
    let failed = interrupted
        .repositories
        .iter()
        .filter(|r| r.error.is_some())
        .count();
    assert_eq!(failed, selected - 200);
    let first = fake.stats();
    assert_eq!(first.graphql_repos, 200);

    fake.heal();
    fake.reset_stats();
    let resumed = scan_org(&opts).await.expect("resumed scan");
    let second = fake.stats();
    assert_eq!(second.not_modified, 5);
    assert_eq!(second.graphql_repos as usize, selected - 200);
    assert_eq!(second.graphql, batches(selected - 200));
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
    assert_eq!(first.graphql_repos + second.graphql_repos, selected as u64);

    // And the finished run left a valid cache behind.
    fake.reset_stats();
    let warm = scan_org(&opts).await.expect("warm scan");
    assert_eq!(warm.stats.graphql, 0);
    assert_eq!(warm.repositories, resumed.repositories);
}

#[tokio::test(flavor = "multi_thread")]
async fn followup_probes_are_cached_too() {
    let fake = FakeGitHub::builder().repos(100).start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&fake);
    opts.state_dir = Some(dir.path().to_path_buf());
    opts.followup = Some(Arc::new(|repo: &yardstick_github::RepoSnapshot| {
        if repo.files.iter().any(|f| f.text.contains("techdocs-ref")) {
            vec!["docs".to_string()]
        } else {
            vec![]
        }
    }));
    let cold = scan_org(&opts).await.expect("cold");
    assert_eq!(cold.stats.graphql, 2);
    let warm = scan_org(&opts).await.expect("warm");
    assert_eq!(warm.stats.graphql, 0);
    assert_eq!(warm.repositories, cold.repositories);
}

#[tokio::test(flavor = "multi_thread")]
async fn ci_none_is_refetched_while_the_push_is_fresh() {
    let fake = FakeGitHub::builder()
        .repos(20)
        .repo(github_fake::FakeRepo::new("just-pushed").pushed_secs_ago(3_600))
        .start()
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&fake);
    opts.state_dir = Some(dir.path().to_path_buf());
    let cold = scan_org(&opts).await.expect("cold");
    let ci = |s: &yardstick_github::OrgSnapshot| {
        s.repositories
            .iter()
            .find(|r| r.name == "just-pushed")
            .map(|r| r.ci)
    };
    assert_eq!(ci(&cold), Some(CiStatus::None));
    // The first check registers; the head (and pushed_at) stay the same.
    assert!(fake.update_repo("just-pushed", |r| r.ci = FakeCi::Success));
    fake.reset_stats();
    let warm = scan_org(&opts).await.expect("warm");
    // Only the freshly pushed repository is asked again; old `none`s stay cached.
    assert_eq!(fake.stats().graphql_repos, 1);
    assert_eq!(ci(&warm), Some(CiStatus::Passing));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scan_stopped_during_the_listing_saves_the_pages_read() {
    // Ten listing pages; the fifth answers late, so the stop comes while it is in flight.
    let fake = FakeGitHub::builder()
        .repos(1_000)
        .fault_on_listing(
            5,
            github_fake::Fault::Delay(std::time::Duration::from_secs(5)),
        )
        .start()
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&fake);
    opts.state_dir = Some(dir.path().to_path_buf());
    let stop = async {
        while fake.stats().rest_list < 5 {
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

    // The four pages read were saved: they revalidate as 304s.
    fake.reset_stats();
    let resumed = scan_org(&opts).await.expect("resumed scan");
    assert_eq!(fake.stats().not_modified, 4);
    assert_eq!(resumed.repositories.len(), scanned(&fake.repos()).len());
}
