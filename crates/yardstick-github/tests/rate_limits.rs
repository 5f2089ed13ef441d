//! Rate limits that name no time, clock skew, and the retry cap.

mod common;

use std::time::{Duration, Instant};

use common::{options, scanned};
use github_fake::{FakeGitHub, Fault};
use yardstick_github::{scan_org, ScanOptions};

fn names(snapshot: &yardstick_github::OrgSnapshot) -> std::collections::BTreeSet<String> {
    snapshot
        .repositories
        .iter()
        .map(|r| r.name.clone())
        .collect()
}

#[test]
fn the_secondary_wait_floor_defaults_to_github_s_minute() {
    let opts = ScanOptions::new(
        "acme",
        "https://api.github.com",
        yardstick_github::Auth::Token("x".into()),
    );
    assert_eq!(opts.secondary_wait_floor, Duration::from_secs(60));
}

#[tokio::test(flavor = "multi_thread")]
async fn bare_secondary_limits_and_429s_are_waited_out_with_a_growing_floor() {
    let fake = FakeGitHub::builder()
        .repos(150)
        .fault_on_listing(1, Fault::BareSecondaryRateLimit)
        .fault_on_listing(2, Fault::BareTooManyRequests)
        .start()
        .await;
    let mut opts = options(&fake);
    opts.secondary_wait_floor = Duration::from_millis(500);
    let started = Instant::now();
    let snapshot = scan_org(&opts).await.expect("scan");
    // 0.5 s, then 1 s for the second wait of the same request.
    assert!(started.elapsed() >= Duration::from_millis(1_500));
    assert_eq!(snapshot.stats.rate_limit_waits, 2);
    assert_eq!(snapshot.stats.retries, 0);
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
}

#[tokio::test(flavor = "multi_thread")]
async fn graphql_posts_wait_out_bare_secondary_limits_too() {
    let fake = FakeGitHub::builder()
        .repos(50)
        .fault_on_graphql(1, Fault::BareSecondaryRateLimit)
        .fault_on_graphql(2, Fault::BareTooManyRequests)
        .start()
        .await;
    let mut opts = options(&fake);
    opts.secondary_wait_floor = Duration::from_millis(200);
    let snapshot = scan_org(&opts).await.expect("scan");
    assert_eq!(snapshot.stats.rate_limit_waits, 2);
    assert!(snapshot.repositories.iter().all(|r| r.error.is_none()));
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_in_the_past_by_our_clock_is_measured_by_the_server_s_date() {
    let fake = FakeGitHub::builder()
        .repos(10)
        .fault_on_listing(1, Fault::SkewedPrimaryRateLimit)
        .start()
        .await;
    let started = Instant::now();
    let snapshot = scan_org(&options(&fake)).await.expect("scan");
    // The server's clock says the reset is 2 s away; ours says it passed 10 s ago.
    assert!(started.elapsed() >= Duration::from_millis(1_900));
    assert_eq!(snapshot.stats.rate_limit_waits, 1);
    assert_eq!(names(&snapshot), scanned(&fake.repos()));
}

#[test]
fn options_debug_output_shows_no_url_credentials() {
    let mut opts = ScanOptions::new(
        "acme",
        "https://octo:hunter2secret@ghe.example/api/v3?token=abc",
        yardstick_github::Auth::Token("x".into()),
    );
    opts.graphql_url = Some("https://octo:hunter2secret@ghe.example/api/graphql".into());
    let text = format!("{opts:?}");
    assert!(
        !text.contains("hunter2secret") && !text.contains("token=abc"),
        "{text}"
    );
    assert!(text.contains("https://ghe.example/api/v3"), "{text}");
}
