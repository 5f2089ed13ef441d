//! Credentials: GitHub App installation tokens, PR comments, and no token text anywhere.

mod common;

use std::time::Duration;

use common::{options, scanned};
use github_fake::{FakeGitHub, Fault, TEST_APP_PRIVATE_KEY_PEM};
use yardstick_github::{
    scan_org, upsert_pr_comment, Auth, CommentAction, ScanError, ScanOptions, Secret,
};

const DISTINCTIVE: &str = "ghp_SECRETsecretSECRET0123456789abcdef";

fn app_auth(installation_id: Option<u64>) -> Auth {
    Auth::App {
        app_id: 77,
        private_key_pem: Secret::new(TEST_APP_PRIVATE_KEY_PEM),
        installation_id,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn github_app_jwt_buys_an_installation_token_for_the_org() {
    let fake = FakeGitHub::builder().repos(30).app(77, 4242).start().await;
    let opts = ScanOptions {
        auth: app_auth(None),
        ..options(&fake)
    };
    let snapshot = scan_org(&opts).await.expect("scan as an App");
    assert_eq!(
        snapshot
            .repositories
            .iter()
            .map(|r| r.name.clone())
            .collect::<std::collections::BTreeSet<_>>(),
        scanned(&fake.repos())
    );
    let stats = fake.stats();
    assert_eq!(stats.unauthorized, 0);
    assert_eq!(stats.tokens_issued, 1); // cached for the whole scan
    assert_eq!(stats.installation, 2); // look-up + token
}

/// The warm-run budget counts token minting: as a GitHub App, every run (a new process)
/// mints a token, so 1,000 repositories cost their 6 listing requests (a page from each end
/// of the name order per request, see `listing_progress.rs`) plus 1 (installation id given)
/// or 2 (looked up) requests: 0.007 or 0.008 per listed repository, within the 0.01 budget.
/// docs/org-scan.md states these figures.
#[tokio::test(flavor = "multi_thread")]
async fn a_warm_scan_as_a_github_app_meets_the_budget_token_minting_included() {
    let fake = FakeGitHub::builder()
        .repos(1_000)
        .pending_percent(8)
        .app(77, 4242)
        .start()
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    for (installation_id, minting) in [(Some(4242), 1), (None, 2)] {
        let opts = ScanOptions {
            auth: app_auth(installation_id),
            state_dir: Some(dir.path().to_path_buf()),
            ..options(&fake)
        };
        scan_org(&opts).await.expect("cold or earlier scan");
        fake.reset_stats();
        scan_org(&opts).await.expect("warm scan");
        let stats = fake.stats();
        assert_eq!(stats.installation, minting, "{stats:?}");
        assert_eq!(stats.graphql_listing, 6, "{stats:?}");
        assert_eq!(stats.total, 6 + minting, "every request counted: {stats:?}");
        let per_repo = stats.total as f64 / fake.repos().len() as f64;
        assert!(per_repo <= 0.01, "{per_repo}");
        eprintln!(
            "GitHub App, installation id {}: warm {per_repo:.3} requests per listed repository",
            if installation_id.is_some() {
                "given"
            } else {
                "looked up"
            },
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn installation_tokens_are_refreshed_before_they_expire() {
    let fake = FakeGitHub::builder()
        .repos(150)
        .app(77, 4242)
        .installation_token_ttl(Duration::from_secs(5))
        .start()
        .await;
    let opts = ScanOptions {
        auth: app_auth(Some(4242)),
        ..options(&fake)
    };
    scan_org(&opts).await.expect("scan as an App");
    let stats = fake.stats();
    assert_eq!(stats.unauthorized, 0);
    // Each token is within octocrab's 30 s refresh margin at once, so every request mints one.
    assert_eq!(stats.tokens_issued, stats.api_requests());
}

#[tokio::test(flavor = "multi_thread")]
async fn github_app_on_enterprise_server_mints_tokens_under_api_v3() {
    let fake = FakeGitHub::builder()
        .repos(10)
        .app(77, 4242)
        .ghes()
        .start()
        .await;
    let opts = ScanOptions {
        auth: app_auth(None),
        ..options(&fake)
    };
    let snapshot = scan_org(&opts).await.expect("scan as an App on GHES");
    assert_eq!(snapshot.repositories.len(), scanned(&fake.repos()).len());
    assert_eq!(fake.stats().tokens_issued, 1);
    assert_eq!(fake.stats().other, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_5xx_while_minting_the_installation_token_is_retried() {
    let fake = FakeGitHub::builder()
        .repos(10)
        .app(77, 4242)
        .fault_on_request(1, Fault::BadGateway) // the first token request
        .start()
        .await;
    let opts = ScanOptions {
        auth: app_auth(Some(4242)),
        ..options(&fake)
    };
    let snapshot = scan_org(&opts).await.expect("scan as an App");
    assert_eq!(snapshot.stats.retries, 1);
    assert_eq!(fake.stats().tokens_issued, 1);
    assert_eq!(fake.stats().unauthorized, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_private_key_or_an_unknown_installation_is_an_auth_error() {
    let fake = FakeGitHub::builder().repos(3).app(77, 4242).start().await;
    let opts = ScanOptions {
        auth: Auth::App {
            app_id: 77,
            private_key_pem: Secret::new(format!(
                "-----BEGIN RSA PRIVATE KEY-----\n{DISTINCTIVE}\n-----END RSA PRIVATE KEY-----\n"
            )),
            installation_id: None,
        },
        ..options(&fake)
    };
    let err = scan_org(&opts).await.expect_err("bad PEM");
    assert!(matches!(err, ScanError::Auth(_)), "{err}");
    assert_clean(&format!("{err} {err:?}"));

    let opts = ScanOptions {
        auth: app_auth(Some(1)),
        ..options(&fake)
    };
    let err = scan_org(&opts).await.expect_err("wrong installation");
    assert!(matches!(err, ScanError::Auth(_)), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_token_is_an_auth_error() {
    let fake = FakeGitHub::builder().repos(3).start().await;
    let opts = ScanOptions {
        auth: Auth::Token(Secret::new(DISTINCTIVE)),
        ..options(&fake)
    };
    let err = scan_org(&opts).await.expect_err("401");
    assert!(matches!(err, ScanError::Auth(_)), "{err}");
    assert_clean(&format!("{err} {err:?}"));
}

fn assert_clean(text: &str) {
    assert!(!text.contains(DISTINCTIVE), "token leaked: {text}");
    assert!(!text.contains("SECRETsecret"), "token leaked: {text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_token_text_in_errors_debug_output_snapshots_or_the_state_dir() {
    let faults = [
        Fault::Unauthorized,
        Fault::Forbidden,
        Fault::InternalError,
        Fault::MalformedJson,
        Fault::BadGateway,
    ];
    for fault in faults {
        for on_listing in [true, false] {
            let builder = FakeGitHub::builder().repos(20).token(DISTINCTIVE);
            let builder = if on_listing {
                builder.fault_on_listing(1, fault)
            } else {
                builder.fault_on_graphql(1, fault)
            };
            let fake = builder.start().await;
            let dir = tempfile::tempdir().expect("tempdir");
            let mut opts = ScanOptions {
                auth: Auth::Token(Secret::new(DISTINCTIVE)),
                ..options(&fake)
            };
            opts.max_retries = 0;
            opts.state_dir = Some(dir.path().to_path_buf());
            assert_clean(&format!("{opts:?}"));
            match scan_org(&opts).await {
                Ok(snapshot) => {
                    assert_clean(&format!("{snapshot:?}"));
                    assert_clean(&serde_json::to_string(&snapshot).unwrap_or_default());
                }
                Err(err) => assert_clean(&format!("{err} {err:?}")),
            }
            for entry in std::fs::read_dir(dir.path()).expect("state dir").flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                assert_clean(&text);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pr_comment_is_created_once_then_updated_in_place() {
    let fake = FakeGitHub::builder().start().await;
    let auth = Auth::Token(Secret::new(github_fake::DEFAULT_TOKEN));
    let marker = "<!-- yardstick -->";
    let first = upsert_pr_comment(
        &fake.uri(),
        &auth,
        "acme",
        "web",
        7,
        marker,
        "<!-- yardstick -->\nv1",
    )
    .await
    .expect("create");
    assert_eq!(first, CommentAction::Created);
    let second = upsert_pr_comment(
        &fake.uri(),
        &auth,
        "acme",
        "web",
        7,
        marker,
        "<!-- yardstick -->\nv2",
    )
    .await
    .expect("update");
    assert_eq!(second, CommentAction::Updated);
    assert_eq!(
        fake.comments("acme", "web", 7),
        vec!["<!-- yardstick -->\nv2"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pr_comment_marker_is_found_on_a_later_page() {
    let mut builder = FakeGitHub::builder();
    for i in 0..150 {
        builder = builder.comment("acme", "web", 9, format!("chatter {i}"));
    }
    let fake = builder
        .comment("acme", "web", 9, "<!-- yardstick -->\nold")
        .start()
        .await;
    let auth = Auth::Token(Secret::new(github_fake::DEFAULT_TOKEN));
    let action = upsert_pr_comment(
        &fake.uri(),
        &auth,
        "acme",
        "web",
        9,
        "<!-- yardstick -->",
        "<!-- yardstick -->\nnew",
    )
    .await
    .expect("update");
    assert_eq!(action, CommentAction::Updated);
    let comments = fake.comments("acme", "web", 9);
    assert_eq!(comments.len(), 151);
    assert_eq!(
        comments.last().map(String::as_str),
        Some("<!-- yardstick -->\nnew")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pr_comment_errors_carry_no_token() {
    let fake = FakeGitHub::builder().token("other").start().await;
    let auth = Auth::Token(Secret::new(DISTINCTIVE));
    let err = upsert_pr_comment(&fake.uri(), &auth, "acme", "web", 1, "m", "m body")
        .await
        .expect_err("401");
    assert!(matches!(err, ScanError::Auth(_)), "{err}");
    assert_clean(&format!("{err} {err:?}"));
}
