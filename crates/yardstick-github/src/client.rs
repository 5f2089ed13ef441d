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
    /// The first wait for a rate limit that names no time (a bare `429`, or a secondary
    /// limit's `403`); it doubles with every further wait.
    pub secondary_floor: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
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
/// The longest single retry backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

enum Credentials {
    Token(Secret),
    /// octocrab authenticated as the installation: it mints and refreshes the token. `app` is
    /// authenticated as the App itself (JWT).
    Installation {
        crab: Box<Octocrab>,
        app: Box<Octocrab>,
        app_id: u64,
    },
}

/// Where to look up a GitHub App's installation when the credentials name none.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scope<'a> {
    /// `GET /orgs/{org}/installation`.
    Org(&'a str),
    /// `GET /repos/{owner}/{repo}/installation` (user-owned repositories too).
    Repo(&'a str, &'a str),
}

/// Who the credentials act as, for recognising our own comments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Identity {
    /// A user (or bot) login.
    Login(String),
    /// A GitHub App: its id, and its slug when it could be looked up.
    App { id: u64, slug: Option<String> },
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

/// Scheme, host and path of a URL: never its credentials, query or fragment.
pub(crate) fn safe_url(url: &url::Url) -> String {
    format!("{}{}", origin_of(url), url.path())
}

/// Parses an API URL given in the options: http(s), a host, no credentials. Messages never
/// echo more than scheme, host and path.
fn parse_api_url(text: &str, what: &str) -> Result<url::Url, ScanError> {
    let mut url = url::Url::parse(text.trim())
        .map_err(|e| ScanError::InvalidOptions(format!("{what} is not a valid URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ScanError::InvalidOptions(format!(
            "{what} must not contain credentials (a user name or password); pass a token instead"
        )));
    }
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ScanError::InvalidOptions(format!(
            "{what} {} is not an http(s) URL",
            safe_url(&url)
        )));
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

/// A URL's text without a trailing slash.
fn url_text(url: &url::Url) -> String {
    url.as_str().trim_end_matches('/').to_string()
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
    /// A client for `api_url`. `scope` is where to look up a GitHub App's installation when
    /// `auth` names none.
    pub async fn new(
        api_url: &str,
        graphql_url: Option<&str>,
        auth: &Auth,
        scope: Scope<'_>,
        policy: Policy,
    ) -> Result<Client, ScanError> {
        let api = parse_api_url(api_url, "the API URL")?;
        let api_url = url_text(&api);
        let graphql = match graphql_url {
            Some(u) => parse_api_url(u, "the GraphQL URL")?,
            None => parse_api_url(&derive_graphql_url(&api_url), "the GraphQL URL")?,
        };
        let graphql_url = url_text(&graphql);
        let origin = origin_of(&api);
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
                    None => lookup_installation(&app, scope).await?,
                };
                let installation = app
                    .installation(InstallationId(id))
                    .map_err(|e| ScanError::Auth(format!("GitHub App installation {id}: {e}")))?;
                let pem = private_key_pem.expose_secret().trim().to_string();
                (
                    Credentials::Installation {
                        crab: Box::new(installation),
                        app: Box::new(app),
                        app_id: *app_id,
                    },
                    vec![pem],
                )
            }
        };
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

    /// The `Authorization` header. The error's flag tells whether retrying may help (minting an
    /// installation token failed with a 5xx or a connection error).
    async fn authorization(&self) -> Result<HeaderValue, (ScanError, bool)> {
        let token = match &self.credentials {
            Credentials::Token(token) => token.expose_secret().to_string(),
            Credentials::Installation { crab, .. } => {
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

    /// `url` without scheme, host, credentials and query, for messages.
    pub fn describe(&self, method: &Method, url: &str) -> String {
        match url::Url::parse(url) {
            Ok(parsed) => format!("{method} {}", parsed.path()),
            Err(_) => format!("{method} (not a URL)"),
        }
    }

    /// Whether credentials may go to `url`: the API's origin (parsed: case-insensitive host,
    /// default ports) and a path under the REST base, or the GraphQL endpoint itself.
    pub(crate) fn allowed(&self, url: &url::Url) -> bool {
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let under_api = url.origin() == self.api.origin() && {
            let base = self.api.path().trim_end_matches('/');
            url.path()
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('/') && rest.len() > 1)
        };
        let graphql = url.origin() == self.graphql.origin()
            && url.path().trim_end_matches('/') == self.graphql.path().trim_end_matches('/')
            && self.graphql.origin() == self.api.origin();
        under_api || graphql
    }

    /// Who these credentials act as: `GET /user` for a token (an installation token, like
    /// Actions' `GITHUB_TOKEN`, gets a `403` there and is `github-actions[bot]`); for an App,
    /// its id and the slug from `GET /app`.
    pub async fn identity(&self) -> Result<Identity, ScanError> {
        match &self.credentials {
            Credentials::Token(_) => {
                let url = format!("{}/user", self.api_url);
                let answer = self
                    .request(Kind::Rest, Method::GET, &url, &[], None)
                    .await?;
                match answer.status {
                    200 => serde_json::from_str::<Value>(&answer.body)
                        .ok()
                        .and_then(|v| v.get("login").and_then(Value::as_str).map(str::to_string))
                        .map(Identity::Login)
                        .ok_or_else(|| ScanError::Decode {
                            what: self.describe(&Method::GET, &url),
                            message: "no login in the answer".into(),
                        }),
                    403 => Ok(Identity::Login("github-actions[bot]".into())),
                    401 => Err(ScanError::Auth(format!(
                        "GitHub answered HTTP 401 to GET /user: {}",
                        self.redact(&answer.message())
                    ))),
                    status => Err(ScanError::Api {
                        status,
                        what: self.describe(&Method::GET, &url),
                        message: self.redact(&answer.message()),
                    }),
                }
            }
            Credentials::Installation { app, app_id, .. } => {
                let slug = match app._get("/app").await {
                    Ok(response) if response.status().as_u16() == 200 => app
                        .body_to_string(response)
                        .await
                        .ok()
                        .and_then(|body| serde_json::from_str::<Value>(&body).ok())
                        .and_then(|v| v.get("slug").and_then(Value::as_str).map(str::to_string)),
                    _ => None,
                };
                Ok(Identity::App { id: *app_id, slug })
            }
        }
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

    /// Sends a request: waits out rate limits (see [`rate_limit_wait`]), retries 5xx answers,
    /// timeouts and connection errors with capped exponential backoff. Any other answer, error
    /// statuses included, is returned.
    pub async fn request(
        &self,
        kind: Kind,
        method: Method,
        url: &str,
        headers: &[(HeaderName, String)],
        body: Option<&Value>,
    ) -> Result<Answer, ScanError> {
        self.request_with(kind, method, url, headers, body, self.policy.max_retries)
            .await
    }

    /// [`request`](Self::request) with its own number of retries; `0` for a request that must
    /// not be sent twice blindly (a 5xx is returned, a timeout is an error). Rate-limit waits
    /// still apply: a rate-limited request was not carried out.
    pub async fn request_with(
        &self,
        kind: Kind,
        method: Method,
        url: &str,
        headers: &[(HeaderName, String)],
        body: Option<&Value>,
        max_retries: u32,
    ) -> Result<Answer, ScanError> {
        let parsed = match url::Url::parse(url) {
            Ok(parsed) if self.allowed(&parsed) => parsed,
            _ => {
                return Err(ScanError::Decode {
                    what: self.describe(&method, url),
                    message: "refusing to send credentials to another host".into(),
                })
            }
        };
        let url = parsed.as_str();
        let mut retries = 0u32;
        let mut waits = 0u32;
        loop {
            let auth = match self.authorization().await {
                Ok(auth) => auth,
                Err((_, true)) if retries < max_retries => {
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
                    if retries < max_retries {
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
            if let Some(wait) = rate_limit_wait(&answer, waits + 1, self.policy.secondary_floor) {
                waits += 1;
                self.wait_rate_limit(wait, waits).await?;
                continue;
            }
            if answer.status == 304 {
                self.count(|s| s.not_modified += 1);
            }
            if answer.status >= 500 && retries < max_retries {
                retries += 1;
                self.backoff(retries).await;
                continue;
            }
            return Ok(answer);
        }
    }

    /// Sleeps before retry number `retry` (1-based): see [`backoff_delay`].
    pub async fn backoff(&self, retry: u32) {
        self.count(|s| s.retries += 1);
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::from(d.subsec_nanos()))
            .unwrap_or(0);
        tokio::time::sleep(backoff_delay(self.policy.backoff, retry, seed)).await;
    }

    /// Sleeps out a rate limit, unless GitHub asks for longer than `max_wait` or it keeps
    /// coming back. A wait we chose ourselves (no time named by GitHub) is cut to `max_wait`.
    pub async fn wait_rate_limit(&self, wait: Wait, waits: u32) -> Result<(), ScanError> {
        let wait = match wait {
            Wait::Told(wait) if wait > self.policy.max_wait => {
                return Err(ScanError::RateLimited(format!(
                    "GitHub asks to wait {} s, more than the {} s allowed",
                    wait.as_secs(),
                    self.policy.max_wait.as_secs()
                )))
            }
            Wait::Told(wait) => wait,
            Wait::Guessed(wait) => wait.min(self.policy.max_wait),
        };
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

/// A rate-limit wait: the time GitHub named, or one we chose because it named none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    Told(Duration),
    Guessed(Duration),
}

/// Backoff before retry number `retry` (1-based): `base` × 2^(retry-1), at most 60 s, less a
/// jitter of 0-10 % taken from `seed`.
pub(crate) fn backoff_delay(base: Duration, retry: u32, seed: u64) -> Duration {
    let factor = 1u32 << retry.saturating_sub(1).min(20);
    let delay = base.saturating_mul(factor).min(MAX_BACKOFF);
    let jitter = delay.mul_f64((seed % 11) as f64 / 100.0);
    delay.saturating_sub(jitter)
}

async fn lookup_installation(app: &Octocrab, scope: Scope<'_>) -> Result<u64, ScanError> {
    let (path, what) = match scope {
        Scope::Org(org) => (format!("/orgs/{org}/installation"), org.to_string()),
        Scope::Repo(owner, repo) => (
            format!("/repos/{owner}/{repo}/installation"),
            format!("{owner}/{repo}"),
        ),
    };
    let response = app._get(path).await.map_err(|e| {
        ScanError::Auth(format!(
            "cannot look up the GitHub App installation of {what}: {}",
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
            "GitHub answered HTTP {status} to the installation look-up of {what}; is the App installed there?"
        )));
    }
    serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_u64))
        .ok_or_else(|| ScanError::Auth(format!("no installation id in the answer for {what}")))
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

/// A wait that grows with the number of waits so far (`nth`, 1-based): `floor` × 2^(nth-1),
/// at most `cap` (but never under `floor`).
fn growing(floor: Duration, nth: u32, cap: Duration) -> Duration {
    let factor = 1u32 << nth.saturating_sub(1).min(20);
    floor.saturating_mul(factor).min(cap.max(floor))
}

/// Time until `x-ratelimit-reset` (epoch seconds), plus a little slack. When the reset is in
/// the past by our clock, our clock may be ahead of GitHub's: the wait is measured against the
/// answer's `Date` instead, and when that does not help either it is at least 1 s, doubling
/// per wait (up to 60 s), so ten waits cover several minutes of skew.
fn until_reset(headers: &HeaderMap, nth: u32) -> Option<Duration> {
    let reset: u64 = header(headers, "x-ratelimit-reset")?.parse().ok()?;
    let reset_ms = u128::from(reset) * 1_000;
    let now = now_millis();
    let ms = |wait: u128| Duration::from_millis(u64::try_from(wait).unwrap_or(u64::MAX));
    if reset_ms > now {
        return Some(ms(reset_ms - now + 250));
    }
    let skew_floor = growing(Duration::from_secs(1), nth, Duration::from_secs(60));
    let server_now = header(headers, "date")
        .and_then(parse_http_date)
        .map(|secs| u128::from(secs) * 1_000);
    match server_now {
        Some(server_now) if reset_ms > server_now => {
            Some(ms(reset_ms - server_now + 250).max(Duration::from_secs(1)))
        }
        _ => Some(skew_floor),
    }
}

/// `retry-after`: delay-seconds, or an HTTP-date (measured against the answer's `Date` when
/// there is one, else our clock).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header(headers, "retry-after")?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_http_date(value)?;
    let now = header(headers, "date")
        .and_then(parse_http_date)
        .unwrap_or_else(|| u64::try_from(now_millis() / 1_000).unwrap_or(0));
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// Whether an answer is a rate limit, and how long to wait before number `nth` (1-based) of
/// the waits for one request:
/// - `retry-after` (seconds or HTTP-date) on a 403/429: that long;
/// - `x-ratelimit-remaining: 0` on a 403/429: until `x-ratelimit-reset` (see [`until_reset`]);
/// - a `429`, or a `403` whose message mentions a rate limit, with neither header (GitHub's
///   secondary limits often carry none): `floor` (60 s by default), doubling per wait.
pub(crate) fn rate_limit_wait(answer: &Answer, nth: u32, floor: Duration) -> Option<Wait> {
    if !matches!(answer.status, 403 | 429) {
        return None;
    }
    rate_limit_headers_wait(&answer.headers, nth).or_else(|| {
        let limited =
            answer.status == 429 || answer.message().to_lowercase().contains("rate limit");
        limited.then(|| Wait::Guessed(growing(floor, nth, Duration::MAX)))
    })
}

fn rate_limit_headers_wait(headers: &HeaderMap, nth: u32) -> Option<Wait> {
    if header(headers, "retry-after").is_some() {
        return Some(match retry_after(headers) {
            Some(wait) => Wait::Told(wait),
            None => Wait::Guessed(growing(
                Duration::from_secs(1),
                nth,
                Duration::from_secs(60),
            )),
        });
    }
    if header(headers, "x-ratelimit-remaining") == Some("0") {
        return Some(match until_reset(headers, nth) {
            Some(wait) => Wait::Told(wait),
            None => Wait::Guessed(growing(Duration::from_secs(60), nth, Duration::MAX)),
        });
    }
    None
}

/// The wait a GraphQL `RATE_LIMITED` (or secondary rate limit) answer asks for.
pub(crate) fn graphql_rate_limit_wait(headers: &HeaderMap, nth: u32, floor: Duration) -> Wait {
    rate_limit_headers_wait(headers, nth)
        .or_else(|| until_reset(headers, nth).map(Wait::Told))
        .unwrap_or_else(|| Wait::Guessed(growing(floor, nth, Duration::MAX)))
}

/// An HTTP-date (IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`) as epoch seconds.
pub(crate) fn parse_http_date(text: &str) -> Option<u64> {
    let text = text.trim();
    let (_, rest) = text.split_once(", ")?;
    let mut parts = rest.split_whitespace();
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u64 = hms.next()?.parse().ok()?;
    let m: u64 = hms.next()?.parse().ok()?;
    let s: u64 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day as i64);
    let secs = days.checked_mul(86_400)? + (h * 3_600 + m * 60 + s) as i64;
    u64::try_from(secs).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
            Scope::Org("acme"),
            Policy::default(),
        )
        .await
        .expect("client");
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

    #[tokio::test]
    async fn origins_are_compared_parsed() {
        let auth = Auth::Token(Secret::new("ghp_test_token"));
        let client = Client::new(
            "https://GHE.Example:443/api/v3/",
            None,
            &auth,
            Scope::Org("acme"),
            Policy::default(),
        )
        .await
        .expect("client");
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
        for url in [
            "https://user:hunter2pw@ghe.example/api/v3",
            "https://hunter2pw@ghe.example/api/v3",
            "ftp://ghe.example/hunter2pw?x",
        ] {
            let err = Client::new(url, None, &auth, Scope::Org("acme"), Policy::default())
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
            Scope::Org("acme"),
            Policy::default(),
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

    fn answer(status: u16, headers: &[(&'static str, String)], body: &str) -> Answer {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        Answer {
            status,
            headers: map,
            body: body.to_string(),
        }
    }

    #[test]
    fn rate_limit_headers() {
        let floor = Duration::from_secs(60);
        assert_eq!(rate_limit_wait(&answer(403, &[], "{}"), 1, floor), None);
        let a = answer(403, &[("retry-after", "3".into())], "{}");
        assert_eq!(
            rate_limit_wait(&a, 1, floor),
            Some(Wait::Told(Duration::from_secs(3)))
        );
        // A reset in the past by our clock and no Date: at least 1 s, doubling per wait.
        let a = answer(
            403,
            &[
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", "0".into()),
            ],
            "{}",
        );
        let waits: Vec<Duration> = (1..=MAX_RATE_LIMIT_WAITS)
            .map(|n| match rate_limit_wait(&a, n, floor) {
                Some(Wait::Told(d) | Wait::Guessed(d)) => d,
                None => Duration::ZERO,
            })
            .collect();
        assert_eq!(waits[0], Duration::from_secs(1));
        assert!(waits.windows(2).all(|w| w[1] >= w[0]));
        assert!(waits.iter().sum::<Duration>() >= Duration::from_secs(60));
    }

    #[test]
    fn a_reset_in_the_past_is_measured_against_the_date_header() {
        let server_now = u64::try_from(now_millis() / 1_000).unwrap_or(0) - 100;
        let a = answer(
            403,
            &[
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", (server_now + 5).to_string()),
                ("date", github_date(server_now)),
            ],
            "{}",
        );
        let Some(Wait::Told(wait)) = rate_limit_wait(&a, 1, Duration::from_secs(60)) else {
            panic!("not a told wait");
        };
        assert!(
            wait >= Duration::from_secs(5) && wait < Duration::from_secs(6),
            "{wait:?}"
        );
    }

    fn github_date(secs: u64) -> String {
        let days = (secs / 86_400) as i64;
        // Find y/m/d by search: fine for a test.
        let mut y = 1970;
        while days_from_civil(y + 1, 1, 1) <= days {
            y += 1;
        }
        let mut m = 1;
        while m < 12 && days_from_civil(y, m + 1, 1) <= days {
            m += 1;
        }
        let d = days - days_from_civil(y, m, 1) + 1;
        let rem = secs % 86_400;
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        format!(
            "{}, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
            weekdays[(days % 7) as usize],
            months[(m - 1) as usize],
            rem / 3_600,
            rem % 3_600 / 60,
            rem % 60
        )
    }

    #[test]
    fn secondary_limits_without_headers_wait_the_growing_floor() {
        let floor = Duration::from_secs(60);
        let bare_429 = answer(429, &[], r#"{"message":"Too many requests"}"#);
        let secondary = answer(
            403,
            &[],
            r#"{"message":"You have exceeded a secondary rate limit."}"#,
        );
        for a in [&bare_429, &secondary] {
            assert_eq!(rate_limit_wait(a, 1, floor), Some(Wait::Guessed(floor)));
            assert_eq!(rate_limit_wait(a, 2, floor), Some(Wait::Guessed(floor * 2)));
        }
        let forbidden = answer(403, &[], r#"{"message":"Resource not accessible"}"#);
        assert_eq!(rate_limit_wait(&forbidden, 1, floor), None);
    }

    #[test]
    fn retry_after_may_be_an_http_date() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        let a = answer(
            429,
            &[
                ("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT".into()),
                ("date", "Sun, 06 Nov 1994 08:49:37 GMT".into()),
            ],
            "{}",
        );
        assert_eq!(
            rate_limit_wait(&a, 1, Duration::from_secs(60)),
            Some(Wait::Told(Duration::from_secs(30)))
        );
    }

    #[test]
    fn backoff_is_capped_at_a_minute_with_jitter() {
        let base = Duration::from_secs(1);
        assert_eq!(backoff_delay(base, 1, 0), base);
        assert_eq!(backoff_delay(base, 3, 0), Duration::from_secs(4));
        for retry in [7, 10, 17, 40, u32::MAX] {
            for seed in 0..20 {
                let d = backoff_delay(base, retry, seed);
                assert!(d <= Duration::from_secs(60), "{retry}: {d:?}");
                assert!(d >= Duration::from_secs(54), "{retry}: {d:?}");
            }
        }
        assert!(backoff_delay(base, 10, 5) < backoff_delay(base, 10, 0));
    }
}
