//! PR comments: only our own comment is updated, POSTs are not repeated blindly, and an App
//! finds its installation through the repository.

use github_fake::{FakeGitHub, Fault, DEFAULT_TOKEN, TEST_APP_PRIVATE_KEY_PEM};
use yardstick_github::{upsert_pr_comment, Auth, CommentAction, Secret};

const MARKER: &str = "<!-- yardstick -->";

fn token() -> Auth {
    Auth::Token(Secret::new(DEFAULT_TOKEN))
}

async fn upsert(fake: &FakeGitHub, auth: &Auth, owner: &str, body: &str) -> CommentAction {
    upsert_pr_comment(&fake.uri(), auth, owner, "web", 7, MARKER, body)
        .await
        .unwrap_or_else(|e| panic!("upsert: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn someone_else_s_comment_with_the_marker_is_left_alone() {
    let fake = FakeGitHub::builder()
        .token_login("octo-bot")
        .comment_by("acme", "web", 7, "mallory", format!("{MARKER}\nquoted"))
        .start()
        .await;
    let first = upsert(&fake, &token(), "acme", &format!("{MARKER}\nv1")).await;
    assert_eq!(first, CommentAction::Created);
    let second = upsert(&fake, &token(), "acme", &format!("{MARKER}\nv2")).await;
    assert_eq!(second, CommentAction::Updated);
    assert_eq!(
        fake.comments("acme", "web", 7),
        vec![format!("{MARKER}\nquoted"), format!("{MARKER}\nv2")]
    );
    assert_eq!(
        fake.comment_authors("acme", "web", 7),
        vec!["mallory", "octo-bot"]
    );
    assert_eq!(fake.stats().user, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn actions_github_token_comments_are_github_actions_bot() {
    let fake = FakeGitHub::builder()
        .token_is_installation()
        .comment_by("acme", "web", 7, "mallory", format!("{MARKER}\nquoted"))
        .start()
        .await;
    assert_eq!(
        upsert(&fake, &token(), "acme", &format!("{MARKER}\nv1")).await,
        CommentAction::Created
    );
    assert_eq!(
        upsert(&fake, &token(), "acme", &format!("{MARKER}\nv2")).await,
        CommentAction::Updated
    );
    assert_eq!(
        fake.comment_authors("acme", "web", 7),
        vec!["mallory", "github-actions[bot]"]
    );
    assert_eq!(fake.comments("acme", "web", 7)[1], format!("{MARKER}\nv2"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_app_comments_on_a_user_owned_repo_and_recognises_its_comment() {
    let fake = FakeGitHub::builder()
        .app(77, 4242)
        .comment_by("someone", "web", 7, "mallory", format!("{MARKER}\nquoted"))
        .start()
        .await;
    let auth = Auth::App {
        app_id: 77,
        private_key_pem: Secret::new(TEST_APP_PRIVATE_KEY_PEM),
        installation_id: None,
    };
    assert_eq!(
        upsert(&fake, &auth, "someone", &format!("{MARKER}\nv1")).await,
        CommentAction::Created
    );
    assert_eq!(
        upsert(&fake, &auth, "someone", &format!("{MARKER}\nv2")).await,
        CommentAction::Updated
    );
    assert_eq!(
        fake.comment_authors("someone", "web", 7),
        vec!["mallory", "yardstick-app[bot]"]
    );
    assert_eq!(
        fake.comments("someone", "web", 7)[1],
        format!("{MARKER}\nv2")
    );
    assert_eq!(fake.stats().unauthorized, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_whose_answer_was_lost_is_not_sent_again() {
    let fake = FakeGitHub::builder()
        .lose_comment_post_answer(1)
        .start()
        .await;
    let action = upsert(&fake, &token(), "acme", &format!("{MARKER}\nv1")).await;
    assert_eq!(action, CommentAction::Created);
    assert_eq!(
        fake.comments("acme", "web", 7),
        vec![format!("{MARKER}\nv1")]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_that_failed_is_sent_once_more_at_most() {
    // Requests: GET /user, list, POST (502, not carried out), list, POST.
    let fake = FakeGitHub::builder()
        .fault_on_request(3, Fault::BadGateway)
        .start()
        .await;
    let action = upsert(&fake, &token(), "acme", &format!("{MARKER}\nv1")).await;
    assert_eq!(action, CommentAction::Created);
    assert_eq!(fake.comments("acme", "web", 7).len(), 1);

    // Both POSTs fail: an error, and no third POST.
    let fake = FakeGitHub::builder()
        .fault_on_request(3, Fault::BadGateway)
        .fault_on_request(5, Fault::BadGateway)
        .fault_on_request(6, Fault::BadGateway)
        .start()
        .await;
    let err = upsert_pr_comment(&fake.uri(), &token(), "acme", "web", 7, MARKER, "x")
        .await
        .expect_err("two failed POSTs");
    assert!(err.to_string().contains("502"), "{err}");
    assert_eq!(fake.stats().total, 5);
}
