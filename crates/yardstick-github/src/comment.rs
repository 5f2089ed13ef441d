//! Pull-request comments: one comment per marker, updated in place.

use http::Method;
use serde_json::{json, Value};

use crate::client::{next_link, Client, Kind, Policy};
use crate::scan::{api_error, check_name};
use crate::{Auth, ScanError};

/// What [`upsert_pr_comment`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentAction {
    /// No comment had the marker: a new one was posted.
    Created,
    /// The first comment containing the marker was replaced.
    Updated,
}

/// Posts `body` on pull request `pr` of `owner/repo`, or, when a comment there already
/// contains `marker`, replaces that comment's body (so reruns update one comment instead of
/// adding more). `body` should contain `marker` itself. Pages through all comments.
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
    let client = Client::new(api_url, None, auth, owner, Policy::default()).await?;
    let mut url = format!(
        "{}/repos/{owner}/{repo}/issues/{pr}/comments?per_page=100",
        client.api_url
    );
    let mut existing = None;
    for _ in 0..1_000 {
        let answer = client
            .request(Kind::Rest, Method::GET, &url, &[], None)
            .await?;
        if answer.status != 200 {
            return Err(api_error(
                &client,
                &Method::GET,
                &url,
                answer.status,
                &answer,
            ));
        }
        let comments: Vec<Value> =
            serde_json::from_str(&answer.body).map_err(|e| ScanError::Decode {
                what: client.describe(&Method::GET, &url),
                message: format!("not a list of comments: {e}"),
            })?;
        existing = comments.iter().find_map(|c| {
            let text = c.get("body").and_then(Value::as_str)?;
            text.contains(marker)
                .then(|| c.get("id").and_then(Value::as_u64))
                .flatten()
        });
        match (existing, next_link(&answer.headers)) {
            (None, Some(next)) => url = next,
            _ => break,
        }
    }
    let payload = json!({ "body": body });
    let (method, url, action) = match existing {
        Some(id) => (
            Method::PATCH,
            format!(
                "{}/repos/{owner}/{repo}/issues/comments/{id}",
                client.api_url
            ),
            CommentAction::Updated,
        ),
        None => (
            Method::POST,
            format!(
                "{}/repos/{owner}/{repo}/issues/{pr}/comments",
                client.api_url
            ),
            CommentAction::Created,
        ),
    };
    let answer = client
        .request(Kind::Rest, method.clone(), &url, &[], Some(&payload))
        .await?;
    if !(200..300).contains(&answer.status) {
        return Err(api_error(&client, &method, &url, answer.status, &answer));
    }
    Ok(action)
}
