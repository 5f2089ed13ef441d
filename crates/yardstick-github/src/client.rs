//! The one place requests are sent: authentication, counting, retries and rate-limit waits.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};
use http::Method;
use octocrab::models::{AppId, InstallationId};
use octocrab::Octocrab;
use serde_json::Value;

use crate::{Auth, RequestStats, ScanError, Secret};

/// Consecutive rate-limit waits accepted for one request before giving up.
const MAX_RATE_LIMIT_WAITS: u32 = 10;

/// REST or GraphQL, for counting.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Rest,
    Graphql,
}

/// A received answer.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

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
pub(crate) struct Policy {
    pub max_retries: u32,
    pub max_wait: Duration,
    pub backoff: Duration,
    pub timeout: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_retries: 4,
            max_wait: Duration::from_secs(15 * 60),
            backoff: Duration::from_secs(1),
            timeout: Duration::from_secs(60),
        }
    }
}

enum Credentials {
    Token(Secret),
    /// octocrab authenticated as the installation: it mints and refreshes the token.
    Installation(Box<Octocrab>),
}

/// An authenticated client for one GitHub host.
pub(crate) struct Client {
    http: Octocrab,
    credentials: Credentials,
    origin: String,
    pub api_url: String,
    pub graphql_url: String,
    pub policy: Policy,
    stats: Mutex<RequestStats>,
    /// Credential texts to scrub from any message we keep.
    secrets: Mutex<Vec<String>>,
}

fn origin_of(url: &url::Url) -> String {
    let mut origin = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        origin.push_str(&format!(":{port}"));
    }
    origin
}

/// The GraphQL endpoint for a REST base.
pub(crate) fn derive_graphql_url(api_url: &str) -> String {
    let base = api_url.trim_end_matches('/');
    if let Ok(url) = url::Url::parse(base) {
        if url.host_str() == Some("api.github.com") {
            return format!("{}/graphql", origin_of(&url));
        }
    }
    match base.strip_suffix("/api/v3") {
        Some(host) => format!("{host}/api/graphql"),
        None => format!("{base}/graphql"),
    }
}

impl Client {
    /// A client for `api_url`. `org` is where to look up a GitHub App's installation when
    /// `auth` names none.
    pub async fn new(
        api_url: &str,
        graphql_url: Option<&str>,
        auth: &Auth,
        org: &str,
        policy: Policy,
    ) -> Result<Client, ScanError> {
        let api_url = api_url.trim_end_matches('/').to_string();
        let parsed = url::Url::parse(&api_url)
            .map_err(|e| ScanError::InvalidOptions(format!("API URL {api_url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(ScanError::InvalidOptions(format!(
                "API URL {api_url:?} is not an http(s) URL"
            )));
        }
        let graphql_url = match graphql_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => derive_graphql_url(&api_url),
        };
        let origin = origin_of(&parsed);
        let build_err = |e: octocrab::Error| ScanError::InvalidOptions(format!("HTTP client: {e}"));
        let http = Octocrab::builder()
            .base_uri(origin.as_str())
            .map_err(build_err)?
            .set_connect_timeout(Some(policy.timeout))
            .set_read_timeout(Some(policy.timeout))
            .build()
            .map_err(build_err)?;
        let (credentials, secrets) = match auth {
            Auth::Token(token) => {
                let text = token.expose_secret().trim().to_string();
                if text.is_empty() || HeaderValue::from_str(&format!("Bearer {text}")).is_err() {
                    return Err(ScanError::Auth(
                        "the token is empty or has characters a header cannot carry".into(),
                    ));
                }
                (Credentials::Token(Secret::new(text.clone())), vec![text])
            }
            Auth::App {
                app_id,
                private_key_pem,
                installation_id,
            } => {
                let key =
                    octocrab::EncodingKey::from_rsa_pem(private_key_pem.expose_secret().as_bytes())
                        .map_err(|_| {
                            ScanError::Auth(
                                "the GitHub App private key is not an RSA private key in PEM form"
                                    .into(),
                            )
                        })?;
                let app = Octocrab::builder()
                    .base_uri(api_url.as_str())
                    .map_err(build_err)?
                    .set_connect_timeout(Some(policy.timeout))
                    .set_read_timeout(Some(policy.timeout))
                    .app(AppId(*app_id), key)
                    .build()
                    .map_err(build_err)?;
                let id = match installation_id {
                    Some(id) => *id,
                    None => lookup_installation(&app, org).await?,
                };
                let installation = app
                    .installation(InstallationId(id))
                    .map_err(|e| ScanError::Auth(format!("GitHub App installation {id}: {e}")))?;
                let pem = private_key_pem.expose_secret().trim().to_string();
                (Credentials::Installation(Box::new(installation)), vec![pem])
            }
        };
        Ok(Client {
            http,
            credentials,
            origin,
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

    /// The `Authorization` header. The error's flag tells whether retrying may help (minting an
    /// installation token failed with a 5xx or a connection error).
    async fn authorization(&self) -> Result<HeaderValue, (ScanError, bool)> {
        let token = match &self.credentials {
            Credentials::Token(token) => token.expose_secret().to_string(),
            Credentials::Installation(crab) => {
                use octocrab::secrecy::ExposeSecret as _;
                let token = crab.installation_token().await.map_err(|e| {
                    let transient = match &e {
                        octocrab::Error::GitHub { source, .. } => {
                            source.status_code.is_server_error()
                        }
                        octocrab::Error::Hyper { .. } | octocrab::Error::Service { .. } => true,
                        _ => false,
                    };
                    let error = ScanError::Auth(self.redact(&format!(
                        "cannot get a GitHub App installation token: {}",
                        describe_octocrab(&e)
                    )));
                    (error, transient)
                })?;
                let token = token.expose_secret().to_string();
                let mut secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
                if !secrets.contains(&token) {
                    secrets.push(token.clone());
                }
                token
            }
        };
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            (
                ScanError::Auth("the token cannot be sent in a header".into()),
                false,
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// `url` without scheme and host, for messages.
    pub fn describe(&self, method: &Method, url: &str) -> String {
        let path = url.strip_prefix(self.origin.as_str()).unwrap_or(url);
        let path = path.split('?').next().unwrap_or(path);
        format!("{method} {path}")
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        headers: &[(HeaderName, String)],
        body: Option<&Value>,
        auth: HeaderValue,
    ) -> Result<Answer, String> {
        let mut builder = http::Request::builder()
            .method(method.clone())
            .uri(url)
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28");
        for (name, value) in headers {
            builder = builder.header(name, value.as_str());
        }
        let request = self
            .http
            .build_request(builder, body)
            .map_err(|e| describe_octocrab(&e))?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| describe_octocrab(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = self
            .http
            .body_to_string(response)
            .await
            .map_err(|e| describe_octocrab(&e))?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// Sends a request: waits out REST rate limits (403/429 with `x-ratelimit-remaining: 0` or
    /// `retry-after`), retries 5xx answers, timeouts and connection errors with exponential
    /// backoff. Any other answer, error statuses included, is returned.
    pub async fn request(
        &self,
        kind: Kind,
        method: Method,
        url: &str,
        headers: &[(HeaderName, String)],
        body: Option<&Value>,
    ) -> Result<Answer, ScanError> {
        if !url.starts_with(&format!("{}/", self.origin)) {
            return Err(ScanError::Decode {
                what: self.describe(&method, url),
                message: "refusing to send credentials to another host".into(),
            });
        }
        let mut retries = 0u32;
        let mut waits = 0u32;
        loop {
            let auth = match self.authorization().await {
                Ok(auth) => auth,
                Err((_, true)) if retries < self.policy.max_retries => {
                    retries += 1;
                    self.backoff(retries).await;
                    continue;
                }
                Err((error, _)) => return Err(error),
            };
            self.count(|s| match kind {
                Kind::Rest => s.rest += 1,
                Kind::Graphql => s.graphql += 1,
            });
            let outcome = tokio::time::timeout(
                self.policy.timeout,
                self.send_once(&method, url, headers, body, auth),
            )
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {:?}", self.policy.timeout)));
            let answer = match outcome {
                Ok(answer) => answer,
                Err(message) => {
                    if retries < self.policy.max_retries {
                        retries += 1;
                        self.backoff(retries).await;
                        continue;
                    }
                    return Err(ScanError::Network {
                        url: self.describe(&method, url),
                        message: self.redact(&message),
                    });
                }
            };
            if matches!(answer.status, 403 | 429) {
                if let Some(wait) = rest_rate_limit_wait(&answer.headers) {
                    waits += 1;
                    self.wait_rate_limit(wait, waits).await?;
                    continue;
                }
            }
            if answer.status == 304 {
                self.count(|s| s.not_modified += 1);
            }
            if answer.status >= 500 && retries < self.policy.max_retries {
                retries += 1;
                self.backoff(retries).await;
                continue;
            }
            return Ok(answer);
        }
    }

    /// Sleeps before retry number `retry` (1-based): backoff × 2^(retry-1).
    pub async fn backoff(&self, retry: u32) {
        self.count(|s| s.retries += 1);
        let factor = 1u32 << (retry.saturating_sub(1)).min(16);
        tokio::time::sleep(self.policy.backoff.saturating_mul(factor)).await;
    }

    /// Sleeps out a rate limit, unless it is too long or keeps coming back.
    pub async fn wait_rate_limit(&self, wait: Duration, waits: u32) -> Result<(), ScanError> {
        if wait > self.policy.max_wait {
            return Err(ScanError::RateLimited(format!(
                "GitHub asks to wait {} s, more than the {} s allowed",
                wait.as_secs(),
                self.policy.max_wait.as_secs()
            )));
        }
        if waits > MAX_RATE_LIMIT_WAITS {
            return Err(ScanError::RateLimited(format!(
                "still rate limited after {MAX_RATE_LIMIT_WAITS} waits"
            )));
        }
        self.count(|s| s.rate_limit_waits += 1);
        tokio::time::sleep(wait).await;
        Ok(())
    }
}

async fn lookup_installation(app: &Octocrab, org: &str) -> Result<u64, ScanError> {
    let response = app
        ._get(format!("/orgs/{org}/installation"))
        .await
        .map_err(|e| {
            ScanError::Auth(format!(
                "cannot look up the GitHub App installation of {org}: {}",
                describe_octocrab(&e)
            ))
        })?;
    let status = response.status().as_u16();
    let body = app
        .body_to_string(response)
        .await
        .map_err(|e| ScanError::Auth(describe_octocrab(&e)))?;
    if status != 200 {
        return Err(ScanError::Auth(format!(
            "GitHub answered HTTP {status} to the installation look-up of {org}; is the App installed there?"
        )));
    }
    serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_u64))
        .ok_or_else(|| ScanError::Auth(format!("no installation id in the answer for {org}")))
}

/// octocrab's error, one line, without its backtrace.
fn describe_octocrab(err: &octocrab::Error) -> String {
    match err {
        octocrab::Error::GitHub { source, .. } => {
            format!("HTTP {}: {}", source.status_code.as_u16(), source.message)
        }
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(inner) = source {
                text.push_str(": ");
                text.push_str(&inner.to_string());
                source = inner.source();
            }
            text
        }
    }
}

fn now_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// Time until `x-ratelimit-reset` (epoch seconds), plus a little slack for clock skew.
fn until_reset(headers: &HeaderMap) -> Option<Duration> {
    let reset: u64 = header(headers, "x-ratelimit-reset")?.parse().ok()?;
    let reset_ms = u128::from(reset) * 1_000;
    let wait = reset_ms.saturating_sub(now_millis()) + 250;
    Some(Duration::from_millis(
        u64::try_from(wait).unwrap_or(u64::MAX),
    ))
}

/// The wait a REST 403/429 asks for, if it is a rate limit.
pub(crate) fn rest_rate_limit_wait(headers: &HeaderMap) -> Option<Duration> {
    if let Some(after) = header(headers, "retry-after") {
        let secs: u64 = after.parse().unwrap_or(60);
        return Some(Duration::from_secs(secs));
    }
    if header(headers, "x-ratelimit-remaining") == Some("0") {
        return Some(until_reset(headers).unwrap_or(Duration::from_secs(60)));
    }
    None
}

/// The wait a GraphQL `RATE_LIMITED` answer asks for.
pub(crate) fn graphql_rate_limit_wait(headers: &HeaderMap) -> Duration {
    rest_rate_limit_wait(headers)
        .or_else(|| until_reset(headers))
        .unwrap_or(Duration::from_secs(60))
}

/// The `rel="next"` URL of a `Link` header.
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = header(headers, "link")?;
    link.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| url.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_url_is_derived_from_the_rest_base() {
        assert_eq!(
            derive_graphql_url("https://api.github.com"),
            "https://api.github.com/graphql"
        );
        assert_eq!(
            derive_graphql_url("https://ghe.example/api/v3/"),
            "https://ghe.example/api/graphql"
        );
        assert_eq!(
            derive_graphql_url("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/graphql"
        );
    }

    #[test]
    fn link_header_next() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "link",
            HeaderValue::from_static(
                "<https://api.github.com/organizations/1/repos?page=1>; rel=\"prev\", \
                 <https://api.github.com/organizations/1/repos?page=3>; rel=\"next\", \
                 <https://api.github.com/organizations/1/repos?page=9>; rel=\"last\"",
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.github.com/organizations/1/repos?page=3")
        );
    }

    #[tokio::test]
    async fn credentials_are_never_sent_to_another_host() {
        let auth = Auth::Token(Secret::new("ghp_test_token"));
        let client = Client::new(
            "http://127.0.0.1:9/api/v3",
            None,
            &auth,
            "acme",
            Policy::default(),
        )
        .await
        .expect("client");
        assert_eq!(client.graphql_url, "http://127.0.0.1:9/api/graphql");
        for url in [
            "http://evil.example/orgs/acme/repos",
            "http://127.0.0.1:99/x",
            "http://127.0.0.1:9",
        ] {
            let err = client
                .request(Kind::Rest, Method::GET, url, &[], None)
                .await
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("another host"), "{url}: {err}");
        }
        assert_eq!(client.stats().total(), 0);
        assert_eq!(client.redact("x ghp_test_token y"), "x *** y");
    }

    #[test]
    fn rate_limit_headers() {
        let mut headers = HeaderMap::new();
        assert_eq!(rest_rate_limit_wait(&headers), None);
        headers.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(rest_rate_limit_wait(&headers), Some(Duration::from_secs(3)));
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("0"));
        assert_eq!(
            rest_rate_limit_wait(&headers),
            Some(Duration::from_millis(250))
        );
    }
}
