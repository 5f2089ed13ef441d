//! Pull-request comments: one comment per marker, updated in place.

use http::Method;
use serde_json::{json, Value};

use crate::client::{next_link, Client, Identity, InstallationScope, RequestKind, RetryPolicy};
use crate::scan::check_name;
use crate::{Auth, ScanError};

/// What [`upsert_pr_comment`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentAction {
    /// No comment had the marker: a new one was posted.
    Created,
    /// The first comment containing the marker was replaced.
    Updated,
}

/// Posts `body` on pull request `pr` of `owner/repo`, or, when one of *our* comments there
/// already contains `marker`, replaces that comment's body (so reruns update one comment
/// instead of adding more). `body` should contain `marker` itself. Pages through all comments.
///
/// "Ours" means written by the authenticated identity: for a token, the login of `GET /user`
/// (an installation token such as Actions' `GITHUB_TOKEN`, which `GET /user` refuses, is
/// `github-actions[bot]`); for a GitHub App, a comment `performed_via_github_app` with the
/// App's id, or by `<app-slug>[bot]`. Someone else's comment with the marker is left alone.
///
/// The comment `POST` is not retried blindly: after a 5xx or a lost answer the comments are
/// listed again, and ours, if the `POST` went through after all, is updated instead; else the
/// `POST` is sent once more at most. An App's installation is looked up for the repository
/// (`GET /repos/{owner}/{repo}/installation`), so user-owned repositories work too.
pub async fn upsert_pr_comment(
    api_url: &str,
    auth: &Auth,
    owner: &str,
    repo: &str,
    pr: u64,
    marker: &str,
    body: &str,
) -> Result<CommentAction, ScanError> {
    check_name(owner, "owner")?;
    check_name(repo, "repository")?;
    if marker.is_empty() {
        return Err(ScanError::InvalidOptions(
            "the comment marker is empty".into(),
        ));
    }
    let client = Client::new(
        api_url,
        None,
        auth,
        InstallationScope::Repo(owner, repo),
        RetryPolicy::default(),
    )
    .await?;
    let identity = client.identity().await?;
    let payload = json!({ "body": body });
    if let Some(id) = find_ours(&client, owner, repo, pr, marker, &identity).await? {
        update(&client, owner, repo, id, &payload).await?;
        return Ok(CommentAction::Updated);
    }
    let url = format!(
        "{}/repos/{owner}/{repo}/issues/{pr}/comments",
        client.api_url
    );
    let mut last_error = None;
    for attempt in 0..2 {
        if attempt > 0 {
            // The first POST may have gone through although its answer was lost.
            if let Some(id) = find_ours(&client, owner, repo, pr, marker, &identity).await? {
                update(&client, owner, repo, id, &payload).await?;
                return Ok(CommentAction::Created);
            }
        }
        match client
            .request_with(
                RequestKind::Rest,
                Method::POST,
                &url,
                &[],
                Some(&payload),
                0,
            )
            .await
        {
            Ok(answer) if (200..300).contains(&answer.status) => return Ok(CommentAction::Created),
            Ok(answer) if answer.status >= 500 => {
                last_error = Some(client.api_error(&Method::POST, &url, answer.status, &answer));
            }
            Ok(answer) => {
                return Err(client.api_error(&Method::POST, &url, answer.status, &answer))
            }
            Err(e @ ScanError::Network { .. }) => last_error = Some(e),
            Err(e) => return Err(e),
        }
        if attempt == 0 {
            client.backoff(1).await;
        }
    }
    Err(last_error.unwrap_or_else(|| ScanError::Network {
        url: client.describe(&Method::POST, &url),
        message: "the comment could not be posted".into(),
    }))
}

/// Whether `comment` was written by `identity`.
fn is_ours(comment: &Value, identity: &Identity) -> bool {
    let login = comment
        .pointer("/user/login")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match identity {
        Identity::Login(me) => !login.is_empty() && login.eq_ignore_ascii_case(me),
        Identity::App { id, slug } => {
            comment
                .pointer("/performed_via_github_app/id")
                .and_then(Value::as_u64)
                == Some(*id)
                || slug
                    .as_deref()
                    .is_some_and(|slug| login.eq_ignore_ascii_case(&format!("{slug}[bot]")))
        }
    }
}

/// The id of our first comment containing `marker`, paging through all comments.
async fn find_ours(
    client: &Client,
    owner: &str,
    repo: &str,
    pr: u64,
    marker: &str,
    identity: &Identity,
) -> Result<Option<u64>, ScanError> {
    let mut url = format!(
        "{}/repos/{owner}/{repo}/issues/{pr}/comments?per_page=100",
        client.api_url
    );
    for _ in 0..1_000 {
        let answer = client
            .request(RequestKind::Rest, Method::GET, &url, &[], None)
            .await?;
        if answer.status != 200 {
            return Err(client.api_error(&Method::GET, &url, answer.status, &answer));
        }
        let comments: Vec<Value> =
            serde_json::from_str(&answer.body).map_err(|e| ScanError::Decode {
                what: client.describe(&Method::GET, &url),
                message: format!("not a list of comments: {e}"),
            })?;
        let found = comments.iter().find_map(|c| {
            let text = c.get("body").and_then(Value::as_str)?;
            (text.contains(marker) && is_ours(c, identity))
                .then(|| c.get("id").and_then(Value::as_u64))
                .flatten()
        });
        match (found, next_link(&answer.headers)) {
            (Some(id), _) => return Ok(Some(id)),
            (None, Some(next)) => url = next,
            (None, None) => return Ok(None),
        }
    }
    Ok(None)
}

/// Replaces comment `id`'s body (PATCH is idempotent: retried as usual).
async fn update(
    client: &Client,
    owner: &str,
    repo: &str,
    id: u64,
    payload: &Value,
) -> Result<(), ScanError> {
    let url = format!(
        "{}/repos/{owner}/{repo}/issues/comments/{id}",
        client.api_url
    );
    let answer = client
        .request(RequestKind::Rest, Method::PATCH, &url, &[], Some(payload))
        .await?;
    if !(200..300).contains(&answer.status) {
        return Err(client.api_error(&Method::PATCH, &url, answer.status, &answer));
    }
    Ok(())
}
