//! The org scan against the fake: listing, filters, batching, snapshot contents, faults.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{batches, options, options_with_state, scanned, selected};
use github_fake::{FakeCi, FakeGitHub, FakeRepo, Fault};
use yardstick_github::{scan_org, CiStatus, Progress, ScanError, Shard};

fn names(snapshot: &yardstick_github::OrgSnapshot) -> BTreeSet<String> {
    snapshot
        .repositories
        .iter()
        .map(|r| r.name.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_follows_graphql_cursors_from_both_ends() {
    let fake = FakeGitHub::builder().repos(250).start().await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");

    let repos = fake.repos();
    assert_eq!(names(&snapshot), scanned(&repos));
    // 2 GraphQL listing requests (200 repositories, then the ends meet), then 3 batches of
    // the non-empty selected repositories; no REST.
    assert_eq!(fake.stats().graphql_listing, 2);
    assert_eq!(snapshot.stats.rest, 0);
    assert_eq!(fake.stats().graphql, batches(scanned(&repos).len()));
    assert_eq!(snapshot.stats.graphql, 2 + batches(scanned(&repos).len()));
    assert_eq!(fake.stats().unauthorized, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn archived_forks_and_empty_repos_are_skipped_and_counted() {
    let fake = FakeGitHub::builder().repos(100).start().await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    let repos = fake.repos();
    let count = |f: fn(&FakeRepo) -> bool| repos.iter().filter(|r| f(r)).count();
    assert_eq!(snapshot.skipped.archived, count(|r| r.archived));
    assert_eq!(snapshot.skipped.forks, count(|r| r.fork));
    assert_eq!(
        snapshot.skipped.empty,
        count(|r| r.empty && !r.archived && !r.fork)
    );
    assert_eq!(snapshot.skipped.filtered, 0);
    assert_eq!(snapshot.skipped.other_shards, 0);
    assert!(snapshot.skipped.empty > 0 && snapshot.skipped.archived > 0);

    let mut with_all = options(&fake);
    with_all.filter.include_archived = true;
    with_all.filter.include_forks = true;
    let snapshot = scan_org(&with_all).await.expect("scan");
    assert_eq!(snapshot.repositories.len(), count(|r| !r.empty));
}

#[tokio::test(flavor = "multi_thread")]
async fn topics_name_globs_and_visibility_filter_any_of() {
    let fake = FakeGitHub::builder().repos(60).start().await;
    let repos = fake.repos();
    let kept = |f: &dyn Fn(&FakeRepo) -> bool| -> BTreeSet<String> {
        repos
            .iter()
            .filter(|r| !r.archived && !r.fork && !r.empty && f(r))
            .map(|r| r.name.clone())
            .collect()
    };

    let mut by_topic = options(&fake);
    by_topic.filter.topics = vec!["PAYMENTS".into(), "frontend".into()];
    let snapshot = scan_org(&by_topic).await.expect("scan");
    assert_eq!(
        names(&snapshot),
        kept(&|r| r.topics.iter().any(|t| t == "payments" || t == "frontend"))
    );
    assert!(snapshot.skipped.filtered > 0);

    let mut by_name = options(&fake);
    by_name.filter.names = vec!["service-001*".into(), "SERVICE-0042".into()];
    let snapshot = scan_org(&by_name).await.expect("scan");
    assert_eq!(
        names(&snapshot),
        kept(&|r| r.name.starts_with("service-001") || r.name == "service-0042")
    );

    let mut by_visibility = options(&fake);
    by_visibility.filter.visibility = Some("internal".into());
    let snapshot = scan_org(&by_visibility).await.expect("scan");
    assert_eq!(names(&snapshot), kept(&|r| r.visibility == "internal"));
    assert!(!snapshot.repositories.is_empty());

    let mut bad_glob = options(&fake);
    bad_glob.filter.names = vec!["service-[".into()];
    assert!(matches!(
        scan_org(&bad_glob).await,
        Err(ScanError::InvalidOptions(_))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshots_carry_catalog_files_head_ci_and_probes() {
    let fake = FakeGitHub::builder()
        .repos(21)
        .repo(
            FakeRepo::new("pending-ci")
                .ci(FakeCi::Pending)
                .file("catalog-info.yaml", "x: 1\n"),
        )
        .repo(FakeRepo::new("errored-ci").ci(FakeCi::Error))
        .start()
        .await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    let repo = |name: &str| {
        snapshot
            .repositories
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };

    let docs = repo("service-0010"); // generated: catalog file, mkdocs.yml, CI failure (10 % 3 == 1)
    assert_eq!(docs.default_branch.as_deref(), Some("main"));
    assert_eq!(docs.head.as_ref().map(String::len), Some(40));
    assert_eq!(docs.files.len(), 1);
    assert_eq!(docs.files[0].path, "catalog-info.yaml");
    assert!(docs.files[0].text.contains("owner: team-2"));
    assert!(!docs.files[0].truncated);
    assert_eq!(docs.present, vec!["mkdocs.yml"]);
    assert_eq!(docs.ci, CiStatus::Failing);
    assert!(docs.html_url.ends_with("/acme/service-0010"));

    assert_eq!(repo("service-0000").ci, CiStatus::Passing);
    assert_eq!(repo("service-0002").ci, CiStatus::None);
    assert!(repo("service-0002").files.is_empty()); // i % 5 == 2: no catalog file
    assert_eq!(repo("service-0013").files[0].path, "catalog-info.yml");
    assert!(repo("service-0009").files[0].text.contains("[unclosed")); // broken YAML, verbatim
    assert_eq!(repo("pending-ci").ci, CiStatus::Pending);
    assert_eq!(repo("errored-ci").ci, CiStatus::Failing);
    assert!(snapshot.repositories.iter().all(|r| r.error.is_none()));
    let sorted: Vec<_> = snapshot
        .repositories
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let mut expected = sorted.clone();
    expected.sort();
    assert_eq!(sorted, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn followup_paths_are_probed_in_one_extra_batched_round() {
    let fake = FakeGitHub::builder().repos(120).start().await;
    let mut opts = options(&fake);
    opts.followup = Some(Arc::new(|repo: &yardstick_github::RepoSnapshot| {
        // What the CLI does for `backstage.io/techdocs-ref: dir:.`-style refs.
        if repo.files.iter().any(|f| f.text.contains("techdocs-ref")) {
            vec!["docs".to_string(), "./mkdocs.yml".to_string()]
        } else {
            vec![]
        }
    }));
    let snapshot = scan_org(&opts).await.expect("scan");
    let docs = snapshot
        .repositories
        .iter()
        .find(|r| r.name == "service-0010")
        .expect("service-0010");
    assert_eq!(docs.present, vec!["docs", "mkdocs.yml"]);
    // One listing request (both ends), two first-round batches plus one follow-up batch for
    // the ~10 repos with docs.
    let first_round = batches(scanned(&fake.repos()).len());
    assert_eq!(snapshot.stats.graphql, 1 + first_round + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_is_reported_after_every_batch() {
    let fake = FakeGitHub::builder().repos(250).start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut opts = options(&fake);
    let sink = seen.clone();
    opts.progress = Some(Arc::new(move |p: Progress| {
        sink.lock().map(|mut v| v.push(p)).ok();
    }));
    scan_org(&opts).await.expect("scan");
    let seen = seen.lock().map(|v| v.clone()).unwrap_or_default();
    let total = selected(&fake.repos()).len();
    // Empty repositories are done from the listing, before any batch.
    let empty = total - scanned(&fake.repos()).len();
    assert_eq!(seen.first(), Some(&Progress { done: empty, total }));
    assert_eq!(seen.last(), Some(&Progress { done: total, total }));
    assert_eq!(seen.len(), 1 + batches(total - empty) as usize);
}

#[tokio::test(flavor = "multi_thread")]
async fn shards_partition_the_selected_repositories() {
    let fake = FakeGitHub::builder().repos(200).start().await;
    let whole = scan_org(&options(&fake)).await.expect("scan");
    let all = names(&whole);
    let mut union = BTreeSet::new();
    let mut total_other = 0;
    let mut sum = yardstick_github::SkipCounts::default();
    for index in 1..=3 {
        let mut opts = options(&fake);
        opts.shard = Some(Shard { index, count: 3 });
        let snapshot = scan_org(&opts).await.expect("scan");
        let part = names(&snapshot);
        let scanned = part.len();
        assert!(!part.is_empty());
        assert!(union.is_disjoint(&part), "shard {index} overlaps");
        union.extend(part);
        total_other += snapshot.skipped.other_shards;
        let s = snapshot.skipped;
        sum.archived += s.archived;
        sum.forks += s.forks;
        sum.empty += s.empty;
        sum.filtered += s.filtered;
        // A shard counts its own repositories only: it skips and scans all it lists.
        assert_eq!(
            s.archived + s.forks + s.empty + s.filtered + scanned + s.other_shards,
            fake.repos().len()
        );
    }
    assert_eq!(union, all);
    // Every listed repository is in exactly one shard, so it is "other" for the two others.
    assert_eq!(total_other, 2 * fake.repos().len());
    // The shards' skip counts add up to the unsharded scan's.
    assert_eq!(sum, whole.skipped);
}

#[tokio::test(flavor = "multi_thread")]
async fn ghes_api_v3_base_posts_graphql_to_api_graphql() {
    let fake = FakeGitHub::builder().repos(30).ghes().start().await;
    assert!(fake.uri().ends_with("/api/v3"));
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
    assert_eq!(fake.stats().graphql, 1);
    assert_eq!(fake.stats().other, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_primary_rate_limit_is_waited_out_until_reset() {
    // Three listing requests: 200, 400, then the ends meet.
    let fake = FakeGitHub::builder()
        .repos(450)
        .fault_on_listing(2, Fault::PrimaryRateLimit)
        .start()
        .await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    assert_eq!(snapshot.stats.rate_limit_waits, 1);
    assert_eq!(snapshot.stats.retries, 0);
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_secondary_rate_limits_wait_retry_after() {
    let fake = FakeGitHub::builder()
        .repos(450)
        .fault_on_listing(1, Fault::SecondaryRateLimit)
        .fault_on_listing(3, Fault::TooManyRequests)
        .start()
        .await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    assert_eq!(snapshot.stats.rate_limit_waits, 2);
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
}

#[tokio::test(flavor = "multi_thread")]
async fn graphql_rate_limited_with_http_200_is_waited_out() {
    let fake = FakeGitHub::builder()
        .repos(50)
        .fault_on_graphql(1, Fault::GraphqlRateLimited)
        .start()
        .await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    assert_eq!(snapshot.stats.rate_limit_waits, 1);
    assert_eq!(
        snapshot.stats.graphql,
        1 + 2,
        "the listing page, the batch twice"
    );
    assert!(snapshot.repositories.iter().all(|r| r.error.is_none()));
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limit_longer_than_max_wait_ends_the_scan() {
    let fake = FakeGitHub::builder()
        .repos(10)
        .fault_on_listing(1, Fault::PrimaryRateLimit)
        .start()
        .await;
    let mut opts = options(&fake);
    opts.max_wait = Duration::ZERO;
    let err = scan_org(&opts).await.expect_err("must fail");
    assert!(matches!(err, ScanError::RateLimited(_)), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_gateways_are_retried_with_backoff() {
    let fake = FakeGitHub::builder()
        .repos(50)
        .fault_on_listing(1, Fault::InternalError)
        .fault_on_graphql(1, Fault::BadGateway)
        .fault_on_graphql(2, Fault::BadGateway)
        .start()
        .await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    assert_eq!(snapshot.stats.retries, 3);
    // The (GraphQL) listing page twice, the batch three times.
    assert_eq!(snapshot.stats.graphql, 2 + 3);
    assert!(snapshot.repositories.iter().all(|r| r.error.is_none()));
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_json_and_timeouts_are_retried() {
    let fake = FakeGitHub::builder()
        .repos(50)
        .fault_on_graphql(1, Fault::MalformedJson)
        .fault_on_graphql(2, Fault::Delay(Duration::from_secs(2)))
        .start()
        .await;
    let mut opts = options(&fake);
    opts.request_timeout = Duration::from_millis(500);
    let snapshot = scan_org(&opts).await.expect("scan");
    assert_eq!(snapshot.stats.retries, 2);
    assert!(snapshot.repositories.iter().all(|r| r.error.is_none()));
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_that_fails_for_a_while_is_split_and_retried_and_nothing_is_lost() {
    // The query and its retry fail, then both halves fail too: they are split again, and
    // whatever still failed is retried in the next round.
    let fake = FakeGitHub::builder()
        .repos(250)
        .fault_on_graphql(1, Fault::BadGateway)
        .fault_on_graphql(2, Fault::BadGateway)
        .fault_on_graphql(3, Fault::BadGateway)
        .fault_on_graphql(4, Fault::BadGateway)
        .start()
        .await;
    let mut opts = options(&fake);
    opts.max_retries = 1;
    let snapshot = scan_org(&opts).await.expect("scan goes on");
    assert!(snapshot.repositories.iter().all(|r| r.error.is_none()));
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_graphql_partial_error_marks_only_its_repo() {
    let fake = FakeGitHub::builder()
        .repos(40)
        .graphql_node_error("service-0007")
        .start()
        .await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    for repo in &snapshot.repositories {
        if repo.name == "service-0007" {
            let error = repo.error.as_deref().unwrap_or_default();
            assert!(error.contains("FORBIDDEN"), "{error}");
        } else {
            assert_eq!(repo.error, None, "{}", repo.name);
        }
    }
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
    assert_eq!(
        snapshot.stats.graphql,
        1 + 1,
        "the listing page and one batch"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_403_without_rate_limit_headers_is_not_waited_on() {
    let fake = FakeGitHub::builder()
        .repos(5)
        .fault_on_listing(1, Fault::Forbidden)
        .start()
        .await;
    let err = scan_org(&options(&fake)).await.expect_err("403");
    assert!(matches!(err, ScanError::Api { status: 403, .. }), "{err}");
    assert_eq!(fake.stats().total, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_org_or_a_listing_error_ends_the_scan() {
    let fake = FakeGitHub::builder().repos(5).start().await;
    let mut opts = options(&fake);
    opts.org = "nobody".into();
    // GraphQL answers 200 with `organization: null` and a NOT_FOUND error; not retried.
    let err = scan_org(&opts).await.expect_err("not found");
    assert!(matches!(err, ScanError::Decode { .. }), "{err}");
    assert!(err.to_string().contains("NOT_FOUND"), "{err}");
    assert!(err.to_string().contains("'nobody'"), "{err}");
    assert_eq!(fake.stats().graphql_listing, 1);
    opts.org = "../etc".into();
    assert!(matches!(
        scan_org(&opts).await,
        Err(ScanError::InvalidOptions(_))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_half_that_fails_again_is_split_again() {
    let fake = FakeGitHub::builder()
        .repos(100)
        .fault_on_graphql(1, Fault::BadGateway)
        .fault_on_graphql(2, Fault::BadGateway)
        .fault_on_graphql(4, Fault::BadGateway) // the second half
        .start()
        .await;
    let mut opts = options(&fake);
    opts.max_retries = 1;
    let snapshot = scan_org(&opts).await.expect("scan");
    // The listing page; query, retry, the two halves, then the second half's two quarters.
    assert_eq!(snapshot.stats.graphql, 1 + 6);
    assert!(snapshot.repositories.iter().all(|r| r.error.is_none()));
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_followup_round_reports_its_repos_failed_and_the_next_run_probes_again() {
    let fake = FakeGitHub::builder()
        .repos(40)
        // The listing page and the first-round query succeed; then GitHub is down.
        .fail_after(2)
        .start()
        .await;
    let (_state, mut opts) = options_with_state(&fake);
    opts.max_retries = 0;
    opts.followup = Some(Arc::new(|repo: &yardstick_github::RepoSnapshot| {
        if repo.files.iter().any(|f| f.text.contains("techdocs-ref")) {
            vec!["docs".to_string()]
        } else {
            vec![]
        }
    }));
    let snapshot = scan_org(&opts).await.expect("scan");
    // An unanswered probe is unknown, not absent: the repositories with techdocs refs are
    // failed for this run, the others stand.
    for repo in &snapshot.repositories {
        let techdocs = [
            "service-0000",
            "service-0010",
            "service-0020",
            "service-0030",
        ];
        assert_eq!(
            repo.error.is_some(),
            techdocs.contains(&repo.name.as_str()),
            "{}: {:?}",
            repo.name,
            repo.error
        );
    }

    // The probes stayed unprobed: the next run asks for them (and only them) again.
    fake.heal();
    fake.reset_stats();
    let again = scan_org(&opts).await.expect("scan");
    assert_eq!(fake.stats().graphql, 1);
    let docs = again
        .repositories
        .iter()
        .find(|r| r.name == "service-0010")
        .expect("service-0010");
    assert_eq!(docs.present, vec!["docs", "mkdocs.yml"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn followup_probes_are_capped_per_repo_and_batches_are_sized_by_objects() {
    let fake = FakeGitHub::builder().repos(120).start().await;
    let mut opts = options(&fake);
    opts.followup = Some(Arc::new(|repo: &yardstick_github::RepoSnapshot| {
        if repo.files.iter().any(|f| f.text.contains("techdocs-ref")) {
            (0..120).map(|i| format!("docs/page-{i:03}.md")).collect()
        } else {
            vec![]
        }
    }));
    let snapshot = scan_org(&opts).await.expect("scan");
    // 12 repositories with docs, 50 probes each (1 + 50 objects): 9 per query of ≤ 500.
    let first_round = batches(scanned(&fake.repos()).len());
    assert_eq!(snapshot.stats.graphql, 1 + first_round + 2);
    assert_eq!(
        fake.stats().graphql_repos,
        scanned(&fake.repos()).len() as u64 + 12
    );
    assert!(snapshot.repositories.iter().all(|r| r.error.is_none()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deep_graphql_error_fails_the_repo_and_names_the_field() {
    let mut broken = FakeRepo::new("rollup-denied")
        .ci(FakeCi::Success)
        .file("catalog-info.yaml", "x: 1\n");
    broken.ci_error = true;
    let fake = FakeGitHub::builder().repos(5).repo(broken).start().await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    let repo = snapshot
        .repositories
        .iter()
        .find(|r| r.name == "rollup-denied")
        .expect("kept");
    // Not "no CI": the repository's answer is incomplete, so it failed.
    let error = repo.error.as_deref().unwrap_or_default();
    assert!(error.contains("FORBIDDEN"), "{error}");
    assert!(error.contains("statusCheckRollup"), "{error}");
    assert!(repo.files.is_empty());
    assert!(!repo.gone);
    // FORBIDDEN does not pass on a retry, so none was made (the listing's rollup error
    // only sends the repository to the batch).
    assert_eq!(snapshot.stats.graphql, 1 + 1);
    assert_eq!(
        snapshot
            .repositories
            .iter()
            .filter(|r| r.error.is_some())
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_shard_or_too_many_retries_are_invalid_options() {
    let fake = FakeGitHub::builder().repos(5).start().await;
    for shard in [Shard { index: 0, count: 3 }, Shard { index: 4, count: 3 }] {
        let mut opts = options(&fake);
        opts.shard = Some(shard);
        let err = scan_org(&opts).await.expect_err("invalid shard");
        assert!(matches!(err, ScanError::InvalidOptions(_)), "{err}");
    }
    let mut opts = options(&fake);
    opts.max_retries = 11;
    let err = scan_org(&opts).await.expect_err("too many retries");
    assert!(matches!(err, ScanError::InvalidOptions(_)), "{err}");
    assert_eq!(fake.stats().total, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn submodules_are_skipped_and_binary_blobs_are_not_truncated() {
    let fake = FakeGitHub::builder()
        .repo(FakeRepo::new("with-submodule").submodule("catalog-info.yaml"))
        .repo(FakeRepo::new("with-binary").binary_file("catalog-info.yaml"))
        .start()
        .await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    let repo = |name: &str| {
        snapshot
            .repositories
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert!(repo("with-submodule").files.is_empty());
    let binary = &repo("with-binary").files;
    assert_eq!(binary.len(), 1);
    assert!(!binary[0].truncated);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_top_level_graphql_error_message_is_kept() {
    let fake = FakeGitHub::builder()
        .repos(5)
        .graphql_top_level_error("Something went wrong: query too complex")
        .start()
        .await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    assert!(!snapshot.repositories.is_empty());
    for repo in &snapshot.repositories {
        let error = repo.error.as_deref().unwrap_or_default();
        assert!(error.contains("query too complex"), "{error}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_listing_asks_for_a_stable_order_from_both_ends() {
    let fake = FakeGitHub::builder()
        .repo(FakeRepo::new("zeta"))
        .repo(FakeRepo::new("alpha"))
        .repos(450)
        .start()
        .await;
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
    // Sorted by name, whichever end listed a repository.
    let order: Vec<&str> = snapshot
        .repositories
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted);
    assert_eq!(order.first(), Some(&"alpha"));
    assert_eq!(order.last(), Some(&"zeta"));
    // 452 repositories: 200, 400, then the ends meet; each request asks for both ends.
    let queries = fake.listing_queries();
    assert_eq!(queries.len(), 6, "{queries:?}");
    for (i, query) in queries.iter().enumerate() {
        assert!(query.contains("first: 100"), "{query}");
        let direction = if i % 2 == 0 { "ASC" } else { "DESC" };
        assert!(
            query.contains(&format!("orderBy: {{field: NAME, direction: {direction}}}")),
            "{query}"
        );
        assert_eq!(query.contains("after: null"), i < 2, "{query}");
    }
}

/// Repositories created, deleted and renamed while the listing is read, between requests and
/// between the two ends of one request: every repository that existed throughout is listed
/// once, a repository deleted is at most a note, and the order stays sorted.
#[tokio::test(flavor = "multi_thread")]
async fn repositories_that_change_during_the_listing_are_neither_lost_nor_doubled() {
    let fake = FakeGitHub::builder().repos(450).start().await;
    let before = scanned(&fake.repos());
    // Between the ends of the first request: one created where the ascending end has been,
    // one deleted where the descending end has not been yet (the count stays the same).
    fake.change_during_listing(1, |repos| {
        repos.push(FakeRepo::new("aaa-created"));
        repos.retain(|r| r.name != "service-0300");
    });
    // After the first request: a repository the ascending end read is renamed to a name
    // the descending end has not reached yet.
    fake.change_during_listing(2, |repos| {
        if let Some(repo) = repos.iter_mut().find(|r| r.name == "service-0001") {
            repo.name = "service-0333-renamed".into();
        }
    });
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    let listed: BTreeSet<String> = snapshot
        .repositories
        .iter()
        .map(|r| r.name.clone())
        .collect();
    assert_eq!(listed.len(), snapshot.repositories.len(), "nothing twice");
    for name in &before {
        if name != "service-0300" && name != "service-0001" {
            assert!(listed.contains(name), "{name} lost");
        }
    }
    assert!(listed.contains("service-0333-renamed"));
    // The rename is listed under its new name only (same node id, newer answer).
    assert!(!listed.contains("service-0001"), "{listed:?}");
    // The created repository was behind the ascending end, but the counts disagreed, so
    // the descending end went on to the start and found it.
    assert!(listed.contains("aaa-created"));
    // Deleted after it was read or never read: gone at most, never failed.
    assert!(snapshot
        .repositories
        .iter()
        .all(|r| r.error.is_none() || r.gone));
    let order: Vec<&String> = snapshot.repositories.iter().map(|r| &r.name).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "sorted");
    // Both ends read to the end: the cost of a one-ended listing (5 requests), no more.
    assert_eq!(fake.stats().graphql_listing, 5);
}

/// Why the ends must read a name in common: between the two pages of the first request one
/// repository is deleted behind the ascending end and one created ahead of the descending
/// end. The two pages then hold 200 distinct names, as many as `totalCount` says, yet
/// `service-0100` (there all along) is on neither; stopping on the count would lose it.
#[tokio::test(flavor = "multi_thread")]
async fn a_count_that_adds_up_without_the_ends_meeting_is_not_trusted() {
    let fake = FakeGitHub::builder().repos(200).start().await;
    fake.change_during_listing(1, |repos| {
        repos.retain(|r| r.name != "service-0051");
        repos.push(FakeRepo::new("service-0150x"));
    });
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    let listed = names(&snapshot);
    assert!(listed.contains("service-0100"), "lost between the ends");
    assert!(listed.contains("service-0150x"));
    // Read before its deletion, it is at most a note.
    assert!(snapshot
        .repositories
        .iter()
        .all(|r| r.error.is_none() || (r.gone && r.name == "service-0051")));
    assert!(fake.stats().graphql_listing >= 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upper_case_host_and_a_trailing_slash_are_the_same_origin() {
    let fake = FakeGitHub::builder().repos(30).start().await;
    let mut opts = options(&fake);
    opts.api_url = format!(
        "{}/",
        fake.uri().replace("http://127.0.0.1", "HTTP://LOCALHOST")
    );
    let snapshot = scan_org(&opts).await.expect("scan");
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
    assert_eq!(fake.stats().graphql, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_url_with_credentials_is_refused_without_echo() {
    let fake = FakeGitHub::builder().repos(3).start().await;
    let mut opts = options(&fake);
    opts.api_url = fake.uri().replace("http://", "http://octo:hunter2secret@");
    let err = scan_org(&opts).await.expect_err("credentials in the URL");
    assert!(matches!(err, ScanError::InvalidOptions(_)), "{err}");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("hunter2secret") && !text.contains("octo"),
        "{text}"
    );
    assert_eq!(fake.stats().total, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_probe_error_fails_the_repo_and_a_missing_node_is_gone() {
    use github_fake::{NodeFault, NodeTarget};
    let fake = FakeGitHub::builder()
        .repos(40)
        .node_fault(NodeFault::new(NodeTarget::Object("mkdocs.yml".into())).repo("service-0010"))
        .node_fault(NodeFault::new(NodeTarget::Repository).repo("service-0011"))
        .start()
        .await;
    let (_state, opts) = options_with_state(&fake);
    let snapshot = scan_org(&opts).await.expect("scan");
    let repo = |name: &str| {
        snapshot
            .repositories
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    let probe = repo("service-0010");
    let error = probe.error.as_deref().unwrap_or_default();
    assert!(error.contains("on probe mkdocs.yml"), "{error}");
    assert!(error.contains("SERVICE_UNAVAILABLE"), "{error}");
    assert!(!probe.gone && probe.files.is_empty());
    let gone = repo("service-0011");
    assert!(gone.gone);
    assert!(gone
        .error
        .as_deref()
        .unwrap_or_default()
        .contains("NOT_FOUND"));
    // First query, then two retry rounds of the probe-failed repository alone; the gone one
    // is not retried. (And the listing page.)
    assert_eq!(snapshot.stats.graphql, 1 + 3);
    assert_eq!(
        snapshot
            .repositories
            .iter()
            .filter(|r| r.error.is_some())
            .count(),
        2
    );
    // Neither was cached: the next run, after the faults clear, asks for both (and only them).
    fake.heal();
    fake.reset_stats();
    let again = scan_org(&opts).await.expect("warm scan");
    assert_eq!(fake.stats().graphql_repos, 2);
    assert!(again.repositories.iter().all(|r| r.error.is_none()));
}
