//! The one place requests are sent: authentication, counting, retries and rate-limit waits.
//!
//! - [`urls`]: parsing the configured API URLs and deciding where credentials may go;
//! - [`credentials`]: tokens and GitHub App installations, and who they act as;
//! - [`send`]: sending with retries, backoff and rate-limit waits;
//! - [`rate_limit`]: reading how long a rate limit asks to wait;
//! - [`headers`]: header values, HTTP-dates and `Link` pagination.

mod credentials;
mod headers;
mod rate_limit;
mod send;
mod urls;

use std::sync::Mutex;
use std::time::Duration;

use http::header::HeaderMap;
use http::Method;
use octocrab::Octocrab;
use serde_json::Value;

use crate::{Auth, RequestStats, ScanError};
use credentials::Credentials;

pub(crate) use credentials::Identity;
pub(crate) use headers::next_link;
pub(crate) use rate_limit::graphql_rate_limit_wait;
pub(crate) use urls::safe_url;

/// REST or GraphQL: which counter of [`RequestStats`] a request goes to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RequestKind {
    Rest,
    Graphql,
}

/// A received HTTP answer, body read in full.
pub(crate) struct ApiResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl ApiResponse {
    /// GitHub's `message`, or the start of the body.
    pub fn message(&self) -> String {
        serde_json::from_str::<Value>(&self.body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| self.body.chars().take(200).collect())
    }
}

/// Retry settings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RetryPolicy {
    pub max_retries: u32,
    pub max_wait: Duration,
    pub backoff: Duration,
    pub timeout: Duration,
    /// The first wait for a rate limit that names no time (a bare `429`, or a secondary
    /// limit's `403`); it doubles with every further wait.
    pub secondary_floor: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            max_wait: Duration::from_secs(15 * 60),
            backoff: Duration::from_secs(1),
            timeout: Duration::from_secs(60),
            secondary_floor: DEFAULT_SECONDARY_FLOOR,
        }
    }
}

/// GitHub's documented wait for a secondary rate limit that names no time.
pub(crate) const DEFAULT_SECONDARY_FLOOR: Duration = Duration::from_secs(60);

/// Where to look up a GitHub App's installation when the credentials name none.
#[derive(Clone, Copy, Debug)]
pub(crate) enum InstallationScope<'a> {
    /// `GET /orgs/{org}/installation`.
    Org(&'a str),
    /// `GET /repos/{owner}/{repo}/installation` (user-owned repositories too).
    Repo(&'a str, &'a str),
}

/// An authenticated client for one GitHub host.
pub(crate) struct Client {
    http: Octocrab,
    credentials: Credentials,
    /// The parsed REST base (no query, no fragment, no credentials).
    api: url::Url,
    graphql: url::Url,
    /// `api` as text, without a trailing slash: request URLs are `{api_url}/...`.
    pub api_url: String,
    pub graphql_url: String,
    pub policy: RetryPolicy,
    stats: Mutex<RequestStats>,
    /// Credential texts to scrub from any message we keep.
    secrets: Mutex<Vec<String>>,
}

impl Client {
    /// A client for `api_url`. `scope` is where to look up a GitHub App's installation when
    /// `auth` names none.
    pub async fn new(
        api_url: &str,
        graphql_url: Option<&str>,
        auth: &Auth,
        scope: InstallationScope<'_>,
        policy: RetryPolicy,
    ) -> Result<Client, ScanError> {
        let api = urls::parse_api_url(api_url, "the API URL")?;
        let api_url = urls::url_text(&api);
        let graphql = match graphql_url {
            Some(u) => urls::parse_api_url(u, "the GraphQL URL")?,
            None => urls::parse_api_url(&urls::derive_graphql_url(&api_url), "the GraphQL URL")?,
        };
        let graphql_url = urls::url_text(&graphql);
        let http = Octocrab::builder()
            .base_uri(urls::origin_of(&api).as_str())
            .map_err(credentials::builder_error)?
            .set_connect_timeout(Some(policy.timeout))
            .set_read_timeout(Some(policy.timeout))
            .build()
            .map_err(credentials::builder_error)?;
        let (credentials, secrets) =
            Credentials::from_auth(auth, &api_url, scope, policy.timeout).await?;
        Ok(Client {
            http,
            credentials,
            api,
            graphql,
            api_url,
            graphql_url,
            policy,
            stats: Mutex::new(RequestStats::default()),
            secrets: Mutex::new(secrets),
        })
    }

    pub fn stats(&self) -> RequestStats {
        *self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn count(&self, f: impl FnOnce(&mut RequestStats)) {
        f(&mut self.stats.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// Removes every known credential from `text`.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in self
            .secrets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            if secret.len() >= 4 {
                text = text.replace(secret.as_str(), "***");
            }
        }
        text
    }

    /// The error for an unexpected status: [`ScanError::Auth`] for a `401`, else
    /// [`ScanError::Api`]. Messages are redacted.
    pub fn api_error(
        &self,
        method: &Method,
        url: &str,
        status: u16,
        response: &ApiResponse,
    ) -> ScanError {
        let what = self.describe(method, url);
        let message = self.redact(&response.message());
        if status == 401 {
            ScanError::Auth(format!(
                "GitHub answered HTTP 401 to {what}: {message} (check the token or App credentials)"
            ))
        } else {
            ScanError::Api {
                status,
                what,
                message,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    async fn client_for(api_url: &str) -> Client {
        let auth = Auth::Token(Secret::new("ghp_test_token"));
        Client::new(
            api_url,
            None,
            &auth,
            InstallationScope::Org("acme"),
            RetryPolicy::default(),
        )
        .await
        .expect("client")
    }

    #[tokio::test]
    async fn credentials_are_never_sent_to_another_host() {
        let client = client_for("http://127.0.0.1:9/api/v3").await;
        assert_eq!(client.graphql_url, "http://127.0.0.1:9/api/graphql");
        for url in [
            "http://evil.example/orgs/acme/repos",
            "http://127.0.0.1:99/x",
            "http://127.0.0.1:9",
            "http://127.0.0.1:9/other/x",
            "http://user:pw@127.0.0.1:9/api/v3/x",
            "https://127.0.0.1:9/api/v3/x",
        ] {
            let err = client
                .request(RequestKind::Rest, Method::GET, url, &[], None)
                .await
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("another host"), "{url}: {err}");
        }
        assert_eq!(client.stats().total(), 0);
        assert_eq!(client.redact("x ghp_test_token y"), "x *** y");
    }

    #[tokio::test]
    async fn origins_are_compared_parsed() {
        let client = client_for("https://GHE.Example:443/api/v3/").await;
        assert_eq!(client.api_url, "https://ghe.example/api/v3");
        assert_eq!(client.graphql_url, "https://ghe.example/api/graphql");
        for url in [
            "https://ghe.example/api/v3/orgs/acme/repos",
            "https://GHE.EXAMPLE:443/api/v3/organizations/1/repos?page=2",
            "https://ghe.example:443/api/graphql",
        ] {
            let parsed = url::Url::parse(url).expect("url");
            assert!(client.allowed(&parsed), "{url}");
        }
        for url in [
            "http://ghe.example/api/v3/x",
            "https://ghe.example:8443/api/v3/x",
            "https://ghe.example/api/v3",
        ] {
            let parsed = url::Url::parse(url).expect("url");
            assert!(!client.allowed(&parsed), "{url}");
        }
        assert_eq!(
            client.describe(
                &Method::GET,
                "https://u:secretpw@ghe.example/api/v3/x?access_token=abc"
            ),
            "GET /api/v3/x"
        );
    }

    #[tokio::test]
    async fn api_urls_with_credentials_are_refused_without_echo() {
        let auth = Auth::Token(Secret::new("ghp_test_token"));
        let scope = InstallationScope::Org("acme");
        for url in [
            "https://user:hunter2pw@ghe.example/api/v3",
            "https://hunter2pw@ghe.example/api/v3",
            "ftp://ghe.example/hunter2pw?x",
        ] {
            let err = Client::new(url, None, &auth, scope, RetryPolicy::default())
                .await
                .err()
                .map(|e| format!("{e} {e:?}"))
                .unwrap_or_default();
            assert!(err.contains("invalid scan options"), "{url}: {err}");
            assert!(
                !err.contains("hunter2pw?") && !err.contains("user:"),
                "{err}"
            );
            if url.contains('@') {
                assert!(!err.contains("hunter2pw"), "{err}");
            }
        }
        let err = Client::new(
            "https://ghe.example/api/v3?token=hunter2pw",
            Some("https://x:hunter2pw@ghe.example/api/graphql"),
            &auth,
            scope,
            RetryPolicy::default(),
        )
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            err.contains("GraphQL URL must not contain credentials"),
            "{err}"
        );
        assert!(!err.contains("hunter2pw"), "{err}");
    }
}
