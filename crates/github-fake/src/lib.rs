//! A GitHub API fake served on loopback, for yardstick's tests.
//!
//! It answers the REST and GraphQL calls an org-wide scan makes, realistically enough to catch
//! the usual mistakes: the repository listing is paginated with `Link` headers that point at
//! `/organizations/{id}/repos`, every listing page carries an ETag and answers `304` to a
//! matching `If-None-Match`, GraphQL queries are parsed (aliases, `repository(owner:, name:)`,
//! `object(expression: "HEAD:path")`) and answered from the fake repositories, and faults
//! (rate limits of every kind, 502s, per-node GraphQL errors, an outage after the n-th request)
//! are served on demand. Requests without the expected `Authorization` header get a `401`.
//!
//! The server runs on its own thread (wiremock's), so it keeps serving while the thread that
//! started it is blocked, e.g. on a subprocess. Start it from any tokio runtime with
//! [`FakeGitHubBuilder::start`], or without one with [`FakeGitHubBuilder::start_blocking`].
//!
//! ```no_run
//! # async fn demo() {
//! use github_fake::{Fault, FakeGitHub};
//!
//! let fake = FakeGitHub::builder()
//!     .org("acme")
//!     .repos(1_000) // a generated mix: archived, forks, empty, topics, CI states, ...
//!     .token("ghp_test")
//!     .fault_on_graphql(1, Fault::BadGateway)
//!     .start()
//!     .await;
//! let api_url = fake.uri(); // REST base; GraphQL is at fake.graphql_uri()
//! // ... run the scan against api_url ...
//! assert_eq!(fake.stats().graphql, 11);
//! # }
//! ```
#![warn(missing_docs)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use regex::Regex;
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The token the fake accepts unless [`FakeGitHubBuilder::token`] sets another.
pub const DEFAULT_TOKEN: &str = "ghp_fake0000000000000000000000000000000";

/// A throwaway RSA private key (PKCS#1 PEM) for GitHub App tests. It protects nothing: the fake
/// checks the JWT's shape and claims, not its signature.
pub const TEST_APP_PRIVATE_KEY_PEM: &str = "\
-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEA8ysGskoAXKUEGNQLHcHF8cGEbsHOm51TK7FhP0P+Pl4+5w1K
87fqNUYVUUJ211AKGYeZdlgiGdKBBNNuVqgTEW5EDHEI88MrKiSHburPWLlNtrp+
ylCikIE3V6f2SrhFewkaELwNROYF76oelV284sbG67cACYFMIH/+l8GEtSaE/Hs8
gmtWl0ATaySHpfq+NsVAvKMy+t3HxRGcg3ow90D0EBjQAVrJ3TQamgIU4QSVYhO6
euulSAWhNWmJOT+IQa58jILAXN8WoEqWQZEqwqYeRUrajbWe/f6lnMw1+tql4vnT
tN1gmDfOrNi/WrtWoRmduKi5Ze/ys2fOfEmmQQIDAQABAoIBAByQgNRfugQoBD+w
ZO/la8222Eo0bQM9q1/2EcDfSVXlN0ln99aCU7pXVbi6cIBhcBZIpf/PYY4b+rjo
50y5qKfDBq5Zdt4/nmnwaZJfdeTru5PL+4njh/0mmKws2FM1qz/FNXEizgI6bRcW
qkoMfVw8UnCtCg2TyTAGKQ+FlYO73IDw9PjYKbbn+knmfafH/BUgDBBfwWU/cXtE
2GPAPw6hdsO2zNQFYmvU8P88siinjKwfvyvmD0UeLTLMqR7HE54Zq/ZrLR9Ep8Cp
X2acd2lgqiQISoZySwOCeXz8GXjIqOl4VUXQioWhINsVb0208TKk/V61XVW/bevN
g5l0z4sCgYEA/r3TzSXTM4aYysjvuFvGq5KgmLen3BRWPkhDiQflQVqWIsM6tkU/
bKly6TsFqJsbOlo9XZwB9uIs0M6anaJ5R5dcctkXxseMaoHDDftuiH1qwGmOM5MA
AT7WNYm3QCXq0T4ogLY9RrNAgbSImL6Io1dIr74lwWflcD5qzAXEVj8CgYEA9F6P
0/4ZyhO9VzxgJ0kVs1Vx8nnfdttUFjEG0UW5QUC0aiSQAQAWB2KQKqohxRBu9Mms
UiRJukNqPI77nYMuhYbhKF+7Q3UKnKVd+vcDfdA+l3JGzQeeJAeiPpQVuf8Y+Zm4
Nb5WIoBWNLRme+7oRCL0GCuaKVHdGMD9oMhX438CgYEA4587YlQqJCBg5tIlYdaf
7y9V0SBKHZ0OcxifQBKOB5eqD+Xi0HuP8Mh4pW7X35C5A6seqkZ8et4erXXvMmu7
cv0M3pKdbEFidsj8QcIpQkzO1p97MRppJrO/NJeZ5vf6mn2wM1Kj7ki9myh15gZa
kZmsmVyO4AK2QVWEmEmO5oECgYBmXVpIhm/NK5mr+lmY+0+A0PErjoviYRwHM8BU
V62zvOQWdnxwPtX7f/k+NghxYWHpXrW1rwfHY8gT2B1krPgG7SpSXE+4gUXRup/0
qhanVF1z2WX5KxC+rQf0yNmVEVwn6pG0yaeRSktSRqOLlNds+2te2Jz6ZBWG8gkM
mf/fBwKBgQCG/p8JIbjHM1DcKlL0GcYoJce/cE6WruTTqxWGo/5qsaBQylmWAOJL
nmjyL2EuskoRARyItSiaBaFslGHVV/gn/jEMPGnm0wFoRjxOg2yVUNXW/bmaAio7
Hd/84TXzsC8j5X3lTr5uChgpzRh/kjHslpHqT0X1AS8PGI/vALvHHQ==
-----END RSA PRIVATE KEY-----
";

/// A repository's CI state, as GraphQL's `statusCheckRollup` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FakeCi {
    /// `SUCCESS`
    Success,
    /// `FAILURE`
    Failure,
    /// `ERROR`
    Error,
    /// `PENDING`
    Pending,
    /// No check runs and no statuses: `statusCheckRollup: null`.
    None,
}

impl FakeCi {
    fn rollup(self) -> Value {
        match self {
            FakeCi::Success => json!({"state": "SUCCESS"}),
            FakeCi::Failure => json!({"state": "FAILURE"}),
            FakeCi::Error => json!({"state": "ERROR"}),
            FakeCi::Pending => json!({"state": "PENDING"}),
            FakeCi::None => Value::Null,
        }
    }
}

/// One repository of the fake organisation.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeRepo {
    /// Repository name (without the owner).
    pub name: String,
    /// Archived repositories are listed with `archived: true`.
    pub archived: bool,
    /// Forks are listed with `fork: true`.
    pub fork: bool,
    /// An empty repository has no commits: GraphQL answers `defaultBranchRef: null`.
    pub empty: bool,
    /// Topics, as listed.
    pub topics: Vec<String>,
    /// `public`, `private` or `internal`.
    pub visibility: String,
    /// `pushed_at` in the listing (RFC 3339).
    pub pushed_at: String,
    /// The files of the default branch's head, path to text. Directories exist implicitly.
    pub files: BTreeMap<String, String>,
    /// CI state of the default branch's head.
    pub ci: FakeCi,
    /// Paths that are submodules (GraphQL `object` answers `__typename: "Commit"`).
    pub submodules: BTreeSet<String>,
    /// Paths of [`files`](Self::files) that are binary (`isBinary: true`, `text: null`).
    pub binary: BTreeSet<String>,
    /// Answer this repository's `statusCheckRollup` with `null` and an error whose `path` is
    /// `[alias, "defaultBranchRef", "target", "statusCheckRollup"]` (a partial, deep error).
    pub ci_error: bool,
}

impl FakeRepo {
    /// A public, non-archived, non-fork repository with no files and no CI.
    pub fn new(name: impl Into<String>) -> Self {
        FakeRepo {
            name: name.into(),
            archived: false,
            fork: false,
            empty: false,
            topics: Vec::new(),
            visibility: "public".into(),
            pushed_at: "2026-01-01T12:00:00Z".into(),
            files: BTreeMap::new(),
            ci: FakeCi::None,
            submodules: BTreeSet::new(),
            binary: BTreeSet::new(),
            ci_error: false,
        }
    }

    /// Adds a submodule at `path`.
    pub fn submodule(mut self, path: impl Into<String>) -> Self {
        self.submodules.insert(path.into());
        self
    }

    /// Adds a binary file at `path`.
    pub fn binary_file(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.files.insert(path.clone(), String::new());
        self.binary.insert(path);
        self
    }

    /// Sets `pushed_at` to `secs` seconds before now.
    pub fn pushed_secs_ago(mut self, secs: u64) -> Self {
        self.pushed_at = rfc3339(now_secs().saturating_sub(secs));
        self
    }

    /// Adds a file to the default branch.
    pub fn file(mut self, path: impl Into<String>, text: impl Into<String>) -> Self {
        self.files.insert(path.into(), text.into());
        self
    }

    /// Sets the CI state.
    pub fn ci(mut self, ci: FakeCi) -> Self {
        self.ci = ci;
        self
    }

    /// A valid Backstage `Component` entity named `name` and owned by `owner`.
    pub fn component_yaml(name: &str, owner: &str) -> String {
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  \
             description: The {name} service\nspec:\n  type: service\n  lifecycle: production\n  \
             owner: {owner}\n"
        )
    }

    /// The `i`-th repository of the generated mix used by [`FakeGitHubBuilder::repos`]:
    ///
    /// | rule | what |
    /// |---|---|
    /// | name | `service-{i:04}` |
    /// | `i % 25 == 3` / `== 4` | archived / fork |
    /// | `i % 50 == 5` | empty (no commits, no files) |
    /// | `i % 4` | topics `backend` (0), `frontend` (1), `backend`+`payments` (2), none (3) |
    /// | `i % 10 == 7`, else `i % 3 == 0` | `internal`, `private`; else `public` |
    /// | `i % 5 == 2` | no catalog file |
    /// | `i % 20 == 13` | the catalog file is `catalog-info.yml` (else `catalog-info.yaml`) |
    /// | `i == 9` | the catalog file is broken YAML |
    /// | `i % 10 == 0` | `mkdocs.yml` + `docs/index.md`, and a `dir:.` techdocs-ref |
    /// | `i % 3` | CI `SUCCESS` (0), `FAILURE` (1), none (2) |
    /// | owner | `team-{i % 8}` |
    pub fn generated(i: usize) -> FakeRepo {
        let name = format!("service-{i:04}");
        let mut repo = FakeRepo::new(name.clone());
        repo.archived = i % 25 == 3;
        repo.fork = i % 25 == 4;
        repo.empty = i % 50 == 5;
        repo.topics = match i % 4 {
            0 => vec!["backend".into()],
            1 => vec!["frontend".into()],
            2 => vec!["backend".into(), "payments".into()],
            _ => vec![],
        };
        repo.visibility = if i % 10 == 7 {
            "internal"
        } else if i % 3 == 0 {
            "private"
        } else {
            "public"
        }
        .into();
        repo.pushed_at = format!("2026-01-{:02}T12:00:00Z", 1 + i % 28);
        repo.ci = match i % 3 {
            0 => FakeCi::Success,
            1 => FakeCi::Failure,
            _ => FakeCi::None,
        };
        if repo.empty {
            repo.ci = FakeCi::None;
            return repo;
        }
        let owner = format!("team-{}", i % 8);
        if i % 5 != 2 {
            let path = if i % 20 == 13 {
                "catalog-info.yml"
            } else {
                "catalog-info.yaml"
            };
            let mut text = FakeRepo::component_yaml(&name, &owner);
            if i % 10 == 0 {
                text = text.replacen(
                    "  description:",
                    "  annotations:\n    backstage.io/techdocs-ref: dir:.\n  description:",
                    1,
                );
            }
            if i == 9 {
                text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: [unclosed\n"
                    .into();
            }
            repo.files.insert(path.into(), text);
        }
        if i % 10 == 0 {
            repo.files
                .insert("mkdocs.yml".into(), format!("site_name: {name}\n"));
            repo.files
                .insert("docs/index.md".into(), format!("# {name}\n"));
        }
        repo.files.insert("README.md".into(), format!("# {name}\n"));
        repo
    }
}

/// A fault the fake serves instead of the normal answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// REST primary rate limit: `403`, `x-ratelimit-remaining: 0`, `x-ratelimit-reset: now+1`.
    PrimaryRateLimit,
    /// REST secondary rate limit: `403` with `retry-after: 1`.
    SecondaryRateLimit,
    /// `429 Too Many Requests` with `retry-after: 1`.
    TooManyRequests,
    /// A secondary rate limit as GitHub often serves it: `403` whose message mentions the
    /// limit, with neither `retry-after` nor `x-ratelimit-remaining: 0`.
    BareSecondaryRateLimit,
    /// `429 Too Many Requests` without any rate-limit header.
    BareTooManyRequests,
    /// A primary rate limit from a server whose clock is 12 s behind ours: `x-ratelimit-reset`
    /// is 10 s in the past by our clock, `Date` is 2 s before the reset.
    SkewedPrimaryRateLimit,
    /// GraphQL rate limit: HTTP `200`, `errors[0].type == "RATE_LIMITED"`, no `data`,
    /// `x-ratelimit-remaining: 0`, `x-ratelimit-reset: now+1`.
    GraphqlRateLimited,
    /// `502 Bad Gateway` with the body `{"data": null, "errors": [...]}`.
    BadGateway,
    /// `500` with `{"message": "Server Error"}`.
    InternalError,
    /// `401 Bad credentials`.
    Unauthorized,
    /// `403` without rate-limit headers (missing permission).
    Forbidden,
    /// HTTP `200` with a truncated JSON body.
    MalformedJson,
    /// The normal answer, after a delay (for client timeouts).
    Delay(Duration),
}

/// Request counters. Every request counts once in `total` and once in one other field (a
/// served fault counts in `faults` instead of its endpoint, a `401` in `unauthorized`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FakeStats {
    /// Every request received.
    pub total: u64,
    /// Repository listing pages answered `200`.
    pub rest_list: u64,
    /// Listing pages answered `304 Not Modified`.
    pub not_modified: u64,
    /// GraphQL queries answered.
    pub graphql: u64,
    /// Repositories (`repository(...)` fields) in the GraphQL queries answered.
    pub graphql_repos: u64,
    /// App installation look-ups and installation token requests.
    pub installation: u64,
    /// Installation tokens issued.
    pub tokens_issued: u64,
    /// PR comment requests (list, create, update).
    pub comments: u64,
    /// `GET /user` requests (who the token is).
    pub user: u64,
    /// Faults served (see [`Fault`] and [`FakeGitHubBuilder::fail_after`]).
    pub faults: u64,
    /// `401`s for a missing or wrong `Authorization` header.
    pub unauthorized: u64,
    /// Anything else (answered `404`).
    pub other: u64,
}

impl FakeStats {
    /// Requests the scan's own accounting would see: everything but installation-token
    /// traffic (made by octocrab behind the scenes).
    pub fn api_requests(&self) -> u64 {
        self.total - self.installation
    }
}

#[derive(Default)]
struct Faults {
    on_request: BTreeMap<u64, Fault>,
    on_graphql: BTreeMap<u64, Fault>,
    on_listing: BTreeMap<u64, Fault>,
    fail_after: Option<u64>,
    node_errors: BTreeSet<String>,
    top_level_error: Option<String>,
    /// Comment POSTs (1-based) that are carried out but answered `502`.
    lost_comment_posts: BTreeSet<u64>,
}

struct AppConfig {
    app_id: u64,
    installation_id: u64,
    token_ttl: Duration,
    slug: String,
}

/// Who wrote a comment.
#[derive(Clone, Debug)]
struct Author {
    login: String,
    bot: bool,
    /// `performed_via_github_app`: id and slug.
    app: Option<(u64, String)>,
}

struct Comment {
    id: u64,
    body: String,
    author: Author,
}

/// The App behind Actions' `GITHUB_TOKEN`.
const ACTIONS_APP_ID: u64 = 15_368;

struct State {
    org: String,
    org_id: u64,
    rest_prefix: String,
    graphql_path: String,
    origin: Mutex<String>,
    token: String,
    app: Option<AppConfig>,
    repos: Mutex<Vec<FakeRepo>>,
    faults: Mutex<Faults>,
    stats: Mutex<FakeStats>,
    graphql_seen: Mutex<u64>,
    listing_seen: Mutex<u64>,
    issued: Mutex<Vec<(String, u64)>>,
    comments: Mutex<BTreeMap<(String, String, u64), Vec<Comment>>>,
    next_comment_id: Mutex<u64>,
    comment_posts: Mutex<u64>,
    token_login: String,
    token_is_installation: bool,
    listing_queries: Mutex<Vec<String>>,
    repo_re: Regex,
    object_re: Regex,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poison| poison.into_inner())
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// RFC 3339 (UTC) for seconds since the epoch.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// IMF-fixdate (HTTP-date) for seconds since the epoch.
pub fn http_date(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso = rfc3339(secs);
    let year = &iso[0..4];
    let month: usize = iso[5..7].parse().unwrap_or(1);
    let day = &iso[8..10];
    let weekday = DAYS[((secs / 86_400) % 7) as usize];
    format!(
        "{weekday}, {day} {} {year} {} GMT",
        MONTHS[month.saturating_sub(1) % 12],
        &iso[11..19]
    )
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn json_response(status: u16, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json; charset=utf-8")
}

fn message(status: u16, text: &str) -> ResponseTemplate {
    json_response(
        status,
        &json!({"message": text, "documentation_url": "https://docs.github.com/rest"}),
    )
}

fn fault_response(fault: Fault) -> ResponseTemplate {
    let reset = (now_secs() + 1).to_string();
    match fault {
        Fault::PrimaryRateLimit => message(403, "API rate limit exceeded for installation ID 1.")
            .insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-used", "5000")
            .insert_header("x-ratelimit-resource", "core")
            .insert_header("x-ratelimit-reset", reset.as_str()),
        Fault::SecondaryRateLimit => message(
            403,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        )
        .insert_header("retry-after", "1"),
        Fault::TooManyRequests => {
            message(429, "Too many requests").insert_header("retry-after", "1")
        }
        Fault::BareSecondaryRateLimit => message(
            403,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        ),
        Fault::BareTooManyRequests => message(429, "Too many requests"),
        Fault::SkewedPrimaryRateLimit => {
            let server_now = now_secs() - 12;
            message(403, "API rate limit exceeded for installation ID 1.")
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-resource", "core")
                .insert_header("x-ratelimit-reset", (server_now + 2).to_string().as_str())
                .insert_header("date", http_date(server_now).as_str())
        }
        Fault::GraphqlRateLimited => json_response(
            200,
            &json!({"errors": [{"type": "RATE_LIMITED", "code": "graphql_rate_limit",
                "message": "API rate limit already exceeded for installation ID 1."}]}),
        )
        .insert_header("x-ratelimit-limit", "5000")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-resource", "graphql")
        .insert_header("x-ratelimit-reset", reset.as_str()),
        Fault::BadGateway => json_response(
            502,
            &json!({"data": null, "errors": [{"message": "Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug."}]}),
        ),
        Fault::InternalError => message(500, "Server Error"),
        Fault::Unauthorized => message(401, "Bad credentials"),
        Fault::Forbidden => message(403, "Resource not accessible by integration"),
        Fault::MalformedJson => ResponseTemplate::new(200)
            .set_body_raw("{\"data\": {\"r0\": {\"defaultBranchRef\": ", "application/json"),
        Fault::Delay(_) => ResponseTemplate::new(200),
    }
}

fn query_param(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn jwt_claims(token: &str) -> Option<Value> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 || parts[2].is_empty() {
        return None;
    }
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header: Value = serde_json::from_slice(&engine.decode(parts[0]).ok()?).ok()?;
    if header.get("alg")?.as_str()? != "RS256" {
        return None;
    }
    serde_json::from_slice(&engine.decode(parts[1]).ok()?).ok()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Caller {
    Jwt,
    Token,
    /// An installation token the fake issued to the App.
    Installation,
    Nobody,
}

impl State {
    fn caller(&self, req: &Request) -> Caller {
        let Some(value) = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
        else {
            return Caller::Nobody;
        };
        let credential = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("token "))
            .unwrap_or("");
        if credential.is_empty() {
            return Caller::Nobody;
        }
        if credential == self.token {
            return Caller::Token;
        }
        let now = now_secs();
        if lock(&self.issued)
            .iter()
            .any(|(t, expires)| t == credential && *expires > now)
        {
            return Caller::Installation;
        }
        if let (Some(app), Some(claims)) = (&self.app, jwt_claims(credential)) {
            let iss_ok = match claims.get("iss") {
                Some(Value::String(s)) => s == &app.app_id.to_string(),
                Some(Value::Number(n)) => n.as_u64() == Some(app.app_id),
                _ => false,
            };
            let exp_ok = claims
                .get("exp")
                .and_then(Value::as_u64)
                .is_some_and(|exp| exp > now && exp <= now + 600);
            let iat_ok = claims.get("iat").and_then(Value::as_u64).is_some();
            if iss_ok && exp_ok && iat_ok {
                return Caller::Jwt;
            }
        }
        Caller::Nobody
    }

    fn count(&self, f: impl FnOnce(&mut FakeStats)) {
        f(&mut lock(&self.stats));
    }

    fn handle(&self, req: &Request) -> ResponseTemplate {
        let n = {
            let mut stats = lock(&self.stats);
            stats.total += 1;
            stats.total
        };
        let path = req.url.path().to_string();
        let method = req.method.as_str().to_string();
        let is_graphql = method == "POST" && path == self.graphql_path;
        let rest = path.strip_prefix(self.rest_prefix.as_str()).unwrap_or("");
        let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
        let app_route = matches!(
            (method.as_str(), segments.as_slice()),
            ("GET", ["orgs", _, "installation"])
                | ("GET", ["repos", _, _, "installation"])
                | ("GET", ["app"])
                | ("POST", ["app", "installations", _, "access_tokens"])
        );

        // Faults come first: an outage or a rate limit does not look at credentials.
        let mut delay = None;
        {
            let mut faults = lock(&self.faults);
            let mut fault = faults.on_request.remove(&n);
            if faults.fail_after.is_some_and(|k| n > k) {
                fault = Some(Fault::InternalError);
            }
            if is_graphql {
                let mut seen = lock(&self.graphql_seen);
                *seen += 1;
                if let Some(f) = faults.on_graphql.remove(&*seen) {
                    fault = Some(f);
                }
            }
            let listing = method == "GET"
                && matches!(
                    segments.as_slice(),
                    ["orgs", _, "repos"] | ["organizations", _, "repos"]
                );
            if listing {
                let mut seen = lock(&self.listing_seen);
                *seen += 1;
                if let Some(f) = faults.on_listing.remove(&*seen) {
                    fault = Some(f);
                }
            }
            match fault {
                Some(Fault::Delay(d)) => delay = Some(d),
                Some(f) => {
                    drop(faults);
                    self.count(|s| s.faults += 1);
                    return fault_response(f);
                }
                None => {}
            }
        }

        let caller = self.caller(req);
        let authorised = match caller {
            Caller::Jwt => app_route,
            Caller::Token | Caller::Installation => !app_route,
            Caller::Nobody => false,
        };
        if !authorised {
            self.count(|s| s.unauthorized += 1);
            return message(401, "Bad credentials");
        }

        let response = if is_graphql {
            self.graphql(req)
        } else {
            match (method.as_str(), segments.as_slice()) {
                ("GET", ["orgs", org, "repos"]) if org.eq_ignore_ascii_case(&self.org) => {
                    self.listing(req)
                }
                ("GET", ["organizations", id, "repos"]) if *id == self.org_id.to_string() => {
                    self.listing(req)
                }
                ("GET", ["orgs", org, "installation"]) if org.eq_ignore_ascii_case(&self.org) => {
                    self.installation_lookup()
                }
                ("GET", ["repos", o, _, "installation"]) => self.repo_installation_lookup(o),
                ("GET", ["app"]) => self.app_json(),
                ("GET", ["user"]) => self.user(caller),
                ("POST", ["app", "installations", id, "access_tokens"]) => self.access_token(id),
                ("GET", ["repos", o, r, "issues", pr, "comments"]) => {
                    self.list_comments(req, o, r, pr)
                }
                ("POST", ["repos", o, r, "issues", pr, "comments"]) => {
                    let post = {
                        let mut posts = lock(&self.comment_posts);
                        *posts += 1;
                        *posts
                    };
                    let response = self.create_comment(req, caller, o, r, pr);
                    if lock(&self.faults).lost_comment_posts.remove(&post) {
                        self.count(|s| s.faults += 1);
                        fault_response(Fault::BadGateway)
                    } else {
                        response
                    }
                }
                ("PATCH", ["repos", o, r, "issues", "comments", id]) => {
                    self.update_comment(req, o, r, id)
                }
                _ => {
                    self.count(|s| s.other += 1);
                    message(404, "Not Found")
                }
            }
        };
        match delay {
            Some(d) => response.set_delay(d),
            None => response,
        }
    }

    fn origin(&self) -> String {
        lock(&self.origin).clone()
    }

    fn repo_json(&self, repo: &FakeRepo, id: u64) -> Value {
        json!({
            "id": id,
            "node_id": format!("R_{id}"),
            "name": repo.name,
            "full_name": format!("{}/{}", self.org, repo.name),
            "private": repo.visibility != "public",
            "visibility": repo.visibility,
            "html_url": format!("https://github.example/{}/{}", self.org, repo.name),
            "fork": repo.fork,
            "archived": repo.archived,
            "disabled": false,
            "topics": repo.topics,
            "default_branch": "main",
            "pushed_at": repo.pushed_at,
            "size": if repo.empty { 0 } else { 120 },
        })
    }

    fn listing(&self, req: &Request) -> ResponseTemplate {
        let per_page = query_param(req, "per_page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(30)
            .clamp(1, 100);
        let page = query_param(req, "page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        lock(&self.listing_queries).push(req.url.query().unwrap_or_default().to_string());
        let repos = lock(&self.repos);
        let pages = repos.len().div_ceil(per_page).max(1);
        // Creation order (the fake's list order) unless `sort=full_name`, like GitHub.
        let mut order: Vec<(usize, &FakeRepo)> = repos.iter().enumerate().collect();
        if query_param(req, "sort").as_deref() == Some("full_name") {
            order.sort_by_key(|(_, r)| r.name.to_lowercase());
            if query_param(req, "direction").as_deref() == Some("desc") {
                order.reverse();
            }
        }
        let items: Vec<Value> = order
            .into_iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|(i, r)| self.repo_json(r, 100_000 + i as u64))
            .collect();
        drop(repos);
        let body = Value::Array(items).to_string();
        let etag = format!("W/\"{:016x}\"", fnv(body.as_bytes()));
        let matches = req
            .headers
            .get("if-none-match")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == etag);
        if matches {
            self.count(|s| s.not_modified += 1);
            return ResponseTemplate::new(304).insert_header("etag", etag.as_str());
        }
        self.count(|s| s.rest_list += 1);
        let mut response = ResponseTemplate::new(200)
            .set_body_raw(body, "application/json; charset=utf-8")
            .insert_header("etag", etag.as_str())
            .insert_header("x-ratelimit-remaining", "4999");
        let link_to = |p: usize| {
            format!(
                "{}{}/organizations/{}/repos?per_page={per_page}&type=all{}&page={p}",
                self.origin(),
                self.rest_prefix,
                self.org_id,
                ["sort", "direction"]
                    .iter()
                    .filter_map(|k| query_param(req, k).map(|v| format!("&{k}={v}")))
                    .collect::<String>()
            )
        };
        let mut links = Vec::new();
        if page > 1 {
            links.push(format!("<{}>; rel=\"prev\"", link_to(page - 1)));
        }
        if page < pages {
            links.push(format!("<{}>; rel=\"next\"", link_to(page + 1)));
            links.push(format!("<{}>; rel=\"last\"", link_to(pages)));
        }
        if !links.is_empty() {
            response = response.insert_header("link", links.join(", ").as_str());
        }
        response
    }

    fn installation_lookup(&self) -> ResponseTemplate {
        self.count(|s| s.installation += 1);
        match &self.app {
            Some(app) => json_response(
                200,
                &json!({"id": app.installation_id, "app_id": app.app_id,
                    "account": {"login": self.org, "id": self.org_id, "type": "Organization"},
                    "target_type": "Organization"}),
            ),
            None => message(404, "Not Found"),
        }
    }

    /// `GET /repos/{owner}/{repo}/installation`: any owner, user or organisation.
    fn repo_installation_lookup(&self, owner: &str) -> ResponseTemplate {
        self.count(|s| s.installation += 1);
        match &self.app {
            Some(app) => json_response(
                200,
                &json!({"id": app.installation_id, "app_id": app.app_id,
                    "account": {"login": owner, "type": if owner.eq_ignore_ascii_case(&self.org) { "Organization" } else { "User" }},
                    "target_type": if owner.eq_ignore_ascii_case(&self.org) { "Organization" } else { "User" }}),
            ),
            None => message(404, "Not Found"),
        }
    }

    /// `GET /app` (JWT): the App's id and slug.
    fn app_json(&self) -> ResponseTemplate {
        self.count(|s| s.installation += 1);
        match &self.app {
            Some(app) => json_response(
                200,
                &json!({"id": app.app_id, "slug": app.slug, "name": app.slug,
                    "owner": {"login": self.org, "type": "Organization"}}),
            ),
            None => message(404, "Not Found"),
        }
    }

    /// `GET /user`: the token's user; installation tokens get `403`, as on GitHub.
    fn user(&self, caller: Caller) -> ResponseTemplate {
        self.count(|s| s.user += 1);
        if caller == Caller::Installation || self.token_is_installation {
            return message(403, "Resource not accessible by integration");
        }
        json_response(
            200,
            &json!({"login": self.token_login, "id": 583_231, "type": "User"}),
        )
    }

    /// Who a comment created by `caller` is by.
    fn author_of(&self, caller: Caller) -> Author {
        match (caller, &self.app) {
            (Caller::Installation, Some(app)) => Author {
                login: format!("{}[bot]", app.slug),
                bot: true,
                app: Some((app.app_id, app.slug.clone())),
            },
            _ if self.token_is_installation => Author {
                login: "github-actions[bot]".into(),
                bot: true,
                app: Some((ACTIONS_APP_ID, "github-actions".into())),
            },
            _ => Author {
                login: self.token_login.clone(),
                bot: false,
                app: None,
            },
        }
    }

    fn access_token(&self, id: &str) -> ResponseTemplate {
        self.count(|s| s.installation += 1);
        let Some(app) = &self.app else {
            return message(404, "Not Found");
        };
        if id != app.installation_id.to_string() {
            return message(404, "Not Found");
        }
        let mut issued = lock(&self.issued);
        let token = format!("ghs_fakeinstallation{:020}", issued.len() + 1);
        let expires = now_secs() + app.token_ttl.as_secs();
        issued.push((token.clone(), expires));
        drop(issued);
        self.count(|s| s.tokens_issued += 1);
        json_response(
            201,
            &json!({"token": token, "expires_at": rfc3339(expires),
                "permissions": {"contents": "read", "metadata": "read"}, "repository_selection": "all"}),
        )
    }

    fn graphql(&self, req: &Request) -> ResponseTemplate {
        let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
            self.count(|s| s.other += 1);
            return message(400, "Problems parsing JSON");
        };
        let Some(query) = body.get("query").and_then(Value::as_str) else {
            self.count(|s| s.other += 1);
            return message(
                400,
                "A query attribute must be specified and must be a string.",
            );
        };
        let repos = lock(&self.repos);
        let index: HashMap<String, &FakeRepo> = repos
            .iter()
            .map(|r| (r.name.to_ascii_lowercase(), r))
            .collect();
        let node_errors = lock(&self.faults).node_errors.clone();
        let top_level_error = lock(&self.faults).top_level_error.clone();
        let matches: Vec<_> = self.repo_re.captures_iter(query).collect();
        let mut data = serde_json::Map::new();
        let mut errors = Vec::new();
        for (k, cap) in matches.iter().enumerate() {
            let (Some(whole), Some(alias), Some(owner), Some(name)) =
                (cap.get(0), cap.get(1), cap.get(2), cap.get(3))
            else {
                continue;
            };
            let alias = alias.as_str().to_string();
            let owner: String = serde_json::from_str(owner.as_str()).unwrap_or_default();
            let name: String = serde_json::from_str(name.as_str()).unwrap_or_default();
            let end = matches
                .get(k + 1)
                .and_then(|c| c.get(0))
                .map_or(query.len(), |m| m.start());
            let block = &query[whole.end()..end];
            let repo = if owner.eq_ignore_ascii_case(&self.org) {
                index.get(&name.to_ascii_lowercase()).copied()
            } else {
                None
            };
            if top_level_error.is_some() {
                data.insert(alias.clone(), Value::Null);
                continue;
            }
            if node_errors.contains(&name) {
                data.insert(alias.clone(), Value::Null);
                errors.push(json!({"type": "FORBIDDEN", "path": [alias],
                    "locations": [{"line": 1, "column": 1}],
                    "message": format!("Resource not accessible by integration ({owner}/{name})")}));
                continue;
            }
            let Some(repo) = repo else {
                data.insert(alias.clone(), Value::Null);
                errors.push(json!({"type": "NOT_FOUND", "path": [alias],
                    "locations": [{"line": 1, "column": 1}],
                    "message": format!("Could not resolve to a Repository with the name '{owner}/{name}'.")}));
                continue;
            };
            let mut node = serde_json::Map::new();
            if block.contains("defaultBranchRef") {
                let head = if repo.empty {
                    Value::Null
                } else {
                    let oid = format!(
                        "{:016x}{:016x}{:08x}",
                        fnv(repo.name.as_bytes()),
                        fnv(repo.pushed_at.as_bytes()),
                        fnv(format!("{:?}", repo.ci).as_bytes()) as u32
                    );
                    let rollup = if repo.ci_error {
                        errors.push(json!({"type": "FORBIDDEN",
                            "path": [alias, "defaultBranchRef", "target", "statusCheckRollup"],
                            "locations": [{"line": 1, "column": 1}],
                            "message": "Resource not accessible by integration"}));
                        Value::Null
                    } else {
                        repo.ci.rollup()
                    };
                    json!({"name": "main", "target": {"__typename": "Commit", "oid": oid,
                        "statusCheckRollup": rollup}})
                };
                node.insert("defaultBranchRef".into(), head);
            }
            for obj in self.object_re.captures_iter(block) {
                let (Some(field), Some(expr)) = (obj.get(1), obj.get(2)) else {
                    continue;
                };
                let expr: String = serde_json::from_str(expr.as_str()).unwrap_or_default();
                let value = match expr.strip_prefix("HEAD:") {
                    Some(path) if !repo.empty => {
                        let path = path.trim_matches('/');
                        if repo.submodules.contains(path) {
                            json!({"__typename": "Commit"})
                        } else if repo.binary.contains(path) {
                            json!({"__typename": "Blob", "text": null, "isTruncated": false,
                                "isBinary": true, "byteSize": 1_024})
                        } else if let Some(text) = repo.files.get(path) {
                            json!({"__typename": "Blob", "text": text, "isTruncated": false,
                                "isBinary": false, "byteSize": text.len()})
                        } else if path.is_empty()
                            || repo
                                .files
                                .keys()
                                .any(|f| f.starts_with(&format!("{path}/")))
                        {
                            json!({"__typename": "Tree"})
                        } else {
                            Value::Null
                        }
                    }
                    _ => Value::Null,
                };
                node.insert(field.as_str().to_string(), value);
            }
            data.insert(alias, Value::Object(node));
        }
        drop(repos);
        let count = matches.len() as u64;
        if query.contains("rateLimit") {
            data.insert(
                "rateLimit".into(),
                json!({"cost": 1, "remaining": 4_999, "resetAt": rfc3339(now_secs() + 3_600)}),
            );
        }
        self.count(|s| {
            s.graphql += 1;
            s.graphql_repos += count;
        });
        if let Some(message) = top_level_error {
            errors.push(json!({"message": message, "locations": [{"line": 1, "column": 1}]}));
        }
        let mut answer = json!({"data": Value::Object(data)});
        if !errors.is_empty() {
            answer["errors"] = Value::Array(errors);
        }
        json_response(200, &answer)
            .insert_header("x-ratelimit-resource", "graphql")
            .insert_header("x-ratelimit-remaining", "4999")
    }

    fn comment_json(&self, owner: &str, repo: &str, c: &Comment) -> Value {
        let app = c
            .author
            .app
            .as_ref()
            .map_or(Value::Null, |(id, slug)| json!({"id": id, "slug": slug}));
        json!({"id": c.id, "body": c.body,
            "html_url": format!("https://github.example/{owner}/{repo}/issues#issuecomment-{}", c.id),
            "user": {"login": c.author.login, "type": if c.author.bot { "Bot" } else { "User" }},
            "performed_via_github_app": app})
    }

    fn list_comments(&self, req: &Request, owner: &str, repo: &str, pr: &str) -> ResponseTemplate {
        self.count(|s| s.comments += 1);
        let Ok(pr) = pr.parse::<u64>() else {
            return message(404, "Not Found");
        };
        let per_page = query_param(req, "per_page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(30)
            .clamp(1, 100);
        let page = query_param(req, "page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        let comments = lock(&self.comments);
        let all = comments.get(&(owner.to_string(), repo.to_string(), pr));
        let total = all.map_or(0, Vec::len);
        let items: Vec<Value> = all
            .into_iter()
            .flatten()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|c| self.comment_json(owner, repo, c))
            .collect();
        let mut response = json_response(200, &Value::Array(items));
        if page * per_page < total {
            let next = format!(
                "{}{}/repos/{owner}/{repo}/issues/{pr}/comments?per_page={per_page}&page={}",
                self.origin(),
                self.rest_prefix,
                page + 1
            );
            response = response.insert_header("link", format!("<{next}>; rel=\"next\"").as_str());
        }
        response
    }

    fn create_comment(
        &self,
        req: &Request,
        caller: Caller,
        owner: &str,
        repo: &str,
        pr: &str,
    ) -> ResponseTemplate {
        self.count(|s| s.comments += 1);
        let (Ok(pr), Some(body)) = (
            pr.parse::<u64>(),
            serde_json::from_slice::<Value>(&req.body)
                .ok()
                .and_then(|v| v.get("body").and_then(Value::as_str).map(str::to_string)),
        ) else {
            return message(422, "Validation Failed");
        };
        let id = {
            let mut next = lock(&self.next_comment_id);
            *next += 1;
            *next
        };
        let comment = Comment {
            id,
            body,
            author: self.author_of(caller),
        };
        let answer = self.comment_json(owner, repo, &comment);
        lock(&self.comments)
            .entry((owner.to_string(), repo.to_string(), pr))
            .or_default()
            .push(comment);
        json_response(201, &answer)
    }

    fn update_comment(&self, req: &Request, owner: &str, repo: &str, id: &str) -> ResponseTemplate {
        self.count(|s| s.comments += 1);
        let (Ok(id), Some(body)) = (
            id.parse::<u64>(),
            serde_json::from_slice::<Value>(&req.body)
                .ok()
                .and_then(|v| v.get("body").and_then(Value::as_str).map(str::to_string)),
        ) else {
            return message(422, "Validation Failed");
        };
        let mut comments = lock(&self.comments);
        for ((o, r, _), list) in comments.iter_mut() {
            if o != owner || r != repo {
                continue;
            }
            if let Some(c) = list.iter_mut().find(|c| c.id == id) {
                c.body = body;
                return json_response(200, &self.comment_json(owner, repo, c));
            }
        }
        message(404, "Not Found")
    }
}

struct Handler(Arc<State>);

impl Respond for Handler {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.handle(request)
    }
}

/// Configures a [`FakeGitHub`]; see the crate documentation for an example.
#[must_use]
pub struct FakeGitHubBuilder {
    org: String,
    org_id: u64,
    repos: Vec<FakeRepo>,
    token: String,
    app: Option<AppConfig>,
    ghes: bool,
    faults: Faults,
    /// Seeded comments: owner, repo, PR, author login (`None`: the token's user), body.
    comments: Vec<(String, String, u64, Option<String>, String)>,
    token_login: String,
    token_is_installation: bool,
}

impl FakeGitHubBuilder {
    /// The organisation's login (default `acme`).
    pub fn org(mut self, org: impl Into<String>) -> Self {
        self.org = org.into();
        self
    }

    /// Appends `n` generated repositories, [`FakeRepo::generated`]`(0..n)`.
    pub fn repos(mut self, n: usize) -> Self {
        self.repos.extend((0..n).map(FakeRepo::generated));
        self
    }

    /// Appends one repository.
    pub fn repo(mut self, repo: FakeRepo) -> Self {
        self.repos.push(repo);
        self
    }

    /// The token to accept (default [`DEFAULT_TOKEN`]); `Bearer` and `token` schemes both work.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// Enables GitHub App endpoints: `GET /orgs/{org}/installation` answers `installation_id`,
    /// `POST /app/installations/{id}/access_tokens` issues tokens valid for one hour. Both
    /// need a JWT (RS256, `iss` = `app_id`, unexpired); the signature is not checked.
    pub fn app(mut self, app_id: u64, installation_id: u64) -> Self {
        self.app = Some(AppConfig {
            app_id,
            installation_id,
            token_ttl: Duration::from_secs(3_600),
            slug: "yardstick-app".into(),
        });
        self
    }

    /// The App's slug (default `yardstick-app`): `GET /app` answers it, and its comments are
    /// by `{slug}[bot]`.
    pub fn app_slug(mut self, slug: impl Into<String>) -> Self {
        if let Some(app) = &mut self.app {
            app.slug = slug.into();
        }
        self
    }

    /// The login `GET /user` answers for the token (default `yardstick-user`); comments made
    /// with the token are by this user.
    pub fn token_login(mut self, login: impl Into<String>) -> Self {
        self.token_login = login.into();
        self
    }

    /// Makes the token behave like Actions' `GITHUB_TOKEN` (an installation token): `GET
    /// /user` answers `403`, and its comments are by `github-actions[bot]`.
    pub fn token_is_installation(mut self) -> Self {
        self.token_is_installation = true;
        self
    }

    /// Carries out the `n`-th comment `POST` (1-based) but answers it `502`, as when GitHub
    /// times out after writing.
    pub fn lose_comment_post_answer(mut self, n: u64) -> Self {
        self.faults.lost_comment_posts.insert(n);
        self
    }

    /// Answers every GraphQL query with all repository nodes `null` and one top-level error
    /// (no `path`) with this message.
    pub fn graphql_top_level_error(mut self, message: impl Into<String>) -> Self {
        self.faults.top_level_error = Some(message.into());
        self
    }

    /// How long issued installation tokens live (default one hour). A lifetime under 30 s makes
    /// octocrab refresh the token before every request.
    pub fn installation_token_ttl(mut self, ttl: Duration) -> Self {
        if let Some(app) = &mut self.app {
            app.token_ttl = ttl;
        }
        self
    }

    /// Serves the API like GitHub Enterprise Server: REST under `/api/v3`, GraphQL at
    /// `/api/graphql`.
    pub fn ghes(mut self) -> Self {
        self.ghes = true;
        self
    }

    /// Serves `fault` instead of the `n`-th request (1-based, all kinds counted).
    pub fn fault_on_request(mut self, n: u64, fault: Fault) -> Self {
        self.faults.on_request.insert(n, fault);
        self
    }

    /// Serves `fault` instead of the `n`-th GraphQL request (1-based).
    pub fn fault_on_graphql(mut self, n: u64, fault: Fault) -> Self {
        self.faults.on_graphql.insert(n, fault);
        self
    }

    /// Serves `fault` instead of the `n`-th repository listing request (1-based).
    pub fn fault_on_listing(mut self, n: u64, fault: Fault) -> Self {
        self.faults.on_listing.insert(n, fault);
        self
    }

    /// Answers every request after the `n`-th with `500` (an outage, to interrupt a run).
    pub fn fail_after(mut self, n: u64) -> Self {
        self.faults.fail_after = Some(n);
        self
    }

    /// Makes GraphQL answer this repository's node with `null` and an error whose `path` is the
    /// node's alias, keeping the rest of the data (a partial answer).
    pub fn graphql_node_error(mut self, repo: impl Into<String>) -> Self {
        self.faults.node_errors.insert(repo.into());
        self
    }

    /// Seeds an existing comment on `owner/repo`'s pull request `pr`.
    pub fn comment(
        mut self,
        owner: impl Into<String>,
        repo: impl Into<String>,
        pr: u64,
        body: impl Into<String>,
    ) -> Self {
        self.comments
            .push((owner.into(), repo.into(), pr, None, body.into()));
        self
    }

    /// Seeds an existing comment by someone else (`login`, a user).
    pub fn comment_by(
        mut self,
        owner: impl Into<String>,
        repo: impl Into<String>,
        pr: u64,
        login: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        self.comments.push((
            owner.into(),
            repo.into(),
            pr,
            Some(login.into()),
            body.into(),
        ));
        self
    }

    /// Starts serving on a loopback port. Needs a tokio runtime; the server itself runs on a
    /// thread of its own.
    pub async fn start(self) -> FakeGitHub {
        let rest_prefix = if self.ghes { "/api/v3" } else { "" }.to_string();
        let graphql_path = if self.ghes {
            "/api/graphql"
        } else {
            "/graphql"
        }
        .to_string();
        let mut comments: BTreeMap<(String, String, u64), Vec<Comment>> = BTreeMap::new();
        let mut next_id = 1_000_000_000_000u64;
        for (o, r, pr, login, body) in self.comments {
            next_id += 1;
            let author = Author {
                login: login.unwrap_or_else(|| self.token_login.clone()),
                bot: false,
                app: None,
            };
            comments.entry((o, r, pr)).or_default().push(Comment {
                id: next_id,
                body,
                author,
            });
        }
        let state = Arc::new(State {
            org: self.org,
            org_id: self.org_id,
            rest_prefix,
            graphql_path,
            origin: Mutex::new(String::new()),
            token: self.token,
            app: self.app,
            repos: Mutex::new(self.repos),
            faults: Mutex::new(self.faults),
            stats: Mutex::new(FakeStats::default()),
            graphql_seen: Mutex::new(0),
            listing_seen: Mutex::new(0),
            issued: Mutex::new(Vec::new()),
            comments: Mutex::new(comments),
            next_comment_id: Mutex::new(next_id),
            comment_posts: Mutex::new(0),
            token_login: self.token_login,
            token_is_installation: self.token_is_installation,
            listing_queries: Mutex::new(Vec::new()),
            repo_re: Regex::new(
                r#"([A-Za-z_][A-Za-z0-9_]*)\s*:\s*repository\s*\(\s*owner\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*name\s*:\s*("(?:[^"\\]|\\.)*")\s*\)"#,
            )
            .unwrap_or_else(|e| panic!("fake's own regex: {e}")),
            object_re: Regex::new(
                r#"([A-Za-z_][A-Za-z0-9_]*)\s*:\s*object\s*\(\s*expression\s*:\s*("(?:[^"\\]|\\.)*")\s*\)"#,
            )
            .unwrap_or_else(|e| panic!("fake's own regex: {e}")),
        });
        let server = MockServer::builder().start().await;
        *lock(&state.origin) = server.uri();
        Mock::given(any())
            .respond_with(Handler(state.clone()))
            .mount(&server)
            .await;
        FakeGitHub { server, state }
    }

    /// [`start`](Self::start) for callers without a tokio runtime: builds a small one for
    /// start-up only. The server keeps serving on its own thread.
    pub fn start_blocking(self) -> FakeGitHub {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("cannot build a tokio runtime for the fake: {e}"));
        runtime.block_on(self.start())
    }
}

/// A running fake GitHub (REST + GraphQL) on a loopback port. Dropping it stops the server.
pub struct FakeGitHub {
    server: MockServer,
    state: Arc<State>,
}

impl FakeGitHub {
    /// A builder with organisation `acme`, no repositories and token [`DEFAULT_TOKEN`].
    pub fn builder() -> FakeGitHubBuilder {
        FakeGitHubBuilder {
            org: "acme".into(),
            org_id: 9_000_001,
            repos: Vec::new(),
            token: DEFAULT_TOKEN.into(),
            app: None,
            ghes: false,
            faults: Faults::default(),
            comments: Vec::new(),
            token_login: "yardstick-user".into(),
            token_is_installation: false,
        }
    }

    /// The REST base URL: `http://127.0.0.1:PORT`, or `http://127.0.0.1:PORT/api/v3` with
    /// [`FakeGitHubBuilder::ghes`].
    pub fn uri(&self) -> String {
        format!("{}{}", self.server.uri(), self.state.rest_prefix)
    }

    /// The GraphQL endpoint URL (`{uri}/graphql`, or `…/api/graphql` for GHES).
    pub fn graphql_uri(&self) -> String {
        format!("{}{}", self.server.uri(), self.state.graphql_path)
    }

    /// The organisation's login.
    pub fn org(&self) -> &str {
        &self.state.org
    }

    /// The request counters so far.
    pub fn stats(&self) -> FakeStats {
        lock(&self.state.stats).clone()
    }

    /// Sets every counter back to zero.
    pub fn reset_stats(&self) {
        *lock(&self.state.stats) = FakeStats::default();
    }

    /// Ends every scheduled fault and outage (the per-request counters keep running).
    pub fn heal(&self) {
        let mut faults = lock(&self.state.faults);
        faults.on_request.clear();
        faults.on_graphql.clear();
        faults.on_listing.clear();
        faults.fail_after = None;
        faults.node_errors.clear();
        faults.top_level_error = None;
        faults.lost_comment_posts.clear();
    }

    /// Serves `fault` instead of the `n`-th GraphQL request counted from now (1-based).
    pub fn fault_next_graphql(&self, n: u64, fault: Fault) {
        let seen = *lock(&self.state.graphql_seen);
        lock(&self.state.faults).on_graphql.insert(seen + n, fault);
    }

    /// The repositories, in listing order.
    pub fn repos(&self) -> Vec<FakeRepo> {
        lock(&self.state.repos).clone()
    }

    /// Changes a repository while serving (e.g. a push: new `pushed_at`, new files). Returns
    /// false when there is no such repository.
    pub fn update_repo(&self, name: &str, change: impl FnOnce(&mut FakeRepo)) -> bool {
        let mut repos = lock(&self.state.repos);
        match repos.iter_mut().find(|r| r.name == name) {
            Some(repo) => {
                change(repo);
                true
            }
            None => false,
        }
    }

    /// The query strings of the listing requests so far, oldest first.
    pub fn listing_queries(&self) -> Vec<String> {
        lock(&self.state.listing_queries).clone()
    }

    /// The authors' logins of the comments on `owner/repo`'s pull request `pr`, oldest first.
    pub fn comment_authors(&self, owner: &str, repo: &str, pr: u64) -> Vec<String> {
        lock(&self.state.comments)
            .get(&(owner.to_string(), repo.to_string(), pr))
            .map(|list| list.iter().map(|c| c.author.login.clone()).collect())
            .unwrap_or_default()
    }

    /// The bodies of the comments on `owner/repo`'s pull request `pr`, oldest first.
    pub fn comments(&self, owner: &str, repo: &str, pr: u64) -> Vec<String> {
        lock(&self.state.comments)
            .get(&(owner.to_string(), repo.to_string(), pr))
            .map(|list| list.iter().map(|c| c.body.clone()).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn generated_mix_has_every_kind() {
        let repos: Vec<FakeRepo> = (0..100).map(FakeRepo::generated).collect();
        assert!(repos.iter().any(|r| r.archived));
        assert!(repos.iter().any(|r| r.fork));
        assert!(repos.iter().any(|r| r.empty));
        assert!(repos
            .iter()
            .any(|r| r.files.contains_key("catalog-info.yml")));
        assert!(repos.iter().any(|r| r.files.contains_key("mkdocs.yml")));
        assert!(repos
            .iter()
            .any(|r| !r.empty && !r.files.keys().any(|f| f.starts_with("catalog-info"))));
    }
}
