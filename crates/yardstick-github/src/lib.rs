//! The GitHub side of yardstick's org-wide scan, and the only yardstick crate that does network.
//!
//! [`scan_org`] lists an organisation's repositories with GraphQL (cursor-paginated from both
//! ends of the name order, 200 a request, each with its default branch, head commit and CI
//! rollup), filters and shards them, then
//! fetches every repository's catalog files and a few probe paths in batched GraphQL queries of
//! up to 100 repositories each. With a [`ScanOptions::state_dir`], a repository whose
//! `pushed_at`, default branch and head commit are those of its cached snapshot is not queried
//! again (its CI state comes from the listing, so a check that finished since is seen), and an
//! interrupted run resumes where it stopped. Rate limits (REST primary and secondary, GraphQL
//! `RATE_LIMITED`) are waited out, 5xx answers and timeouts are retried with exponential backoff,
//! a batch that still fails is split down to single repositories, and repositories whose
//! answer was incomplete (a GraphQL error on their node or any field below it) are retried in
//! later rounds; one that still fails gets [`RepoSnapshot::error`] instead of ending the scan. Credentials never appear in errors, `Debug` output or the state directory.
//!
//! ```no_run
//! use yardstick_github::{scan_org, Auth, ScanOptions};
//!
//! # async fn demo() -> Result<(), yardstick_github::ScanError> {
//! let Some(auth) = Auth::from_env()? else {
//!     return Ok(()); // no credentials: nothing to scan
//! };
//! let mut options = ScanOptions::new("acme", "https://api.github.com", auth);
//! options.state_dir = Some(".yardstick-cache".into());
//! options.shard = Some("1/4".parse()?);
//! let snapshot = scan_org(&options).await?;
//! for repo in &snapshot.repositories {
//!     println!("{}: {} catalog file(s), CI {:?}", repo.name, repo.files.len(), repo.ci);
//! }
//! println!("{} requests", snapshot.stats.total());
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod auth;
mod client;
mod comment;
mod dates;
mod scan;
mod shard;
mod state;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use auth::{Auth, Secret};
pub use comment::{upsert_pr_comment, CommentAction};
pub use scan::{scan_org, scan_org_until};
pub use shard::Shard;

/// Which repositories of the organisation a scan looks at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepoFilter {
    /// Scan archived repositories too (skipped by default).
    pub include_archived: bool,
    /// Scan forks too (skipped by default).
    pub include_forks: bool,
    /// Keep only repositories with at least one of these topics (case-insensitive); empty: all.
    pub topics: Vec<String>,
    /// Keep only repositories whose name matches at least one of these globs (case-insensitive,
    /// globset syntax); empty: all.
    pub names: Vec<String>,
    /// Keep only repositories of this visibility: `public`, `private` or `internal`.
    pub visibility: Option<String>,
}

/// A progress report: `done` of `total` selected repositories are fetched (or reused from the
/// cache).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Repositories finished.
    pub done: usize,
    /// Repositories selected (after filter and shard).
    pub total: usize,
}

/// Given a repository's fetched catalog files, the extra repo-relative paths whose existence to
/// probe (e.g. techdocs `dir:` targets).
pub type FollowupFn = Arc<dyn Fn(&RepoSnapshot) -> Vec<String> + Send + Sync>;

/// Called after every batch.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Called with a warning the scan survives (e.g. a corrupt state file it discards), at once.
pub type WarningFn = Arc<dyn Fn(&str) + Send + Sync>;

/// Everything [`scan_org`] needs. Build it with [`ScanOptions::new`] and change fields.
#[derive(Clone)]
pub struct ScanOptions {
    /// The organisation's login.
    pub org: String,
    /// REST base: `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise
    /// Server.
    pub api_url: String,
    /// GraphQL endpoint. `None` derives it from `api_url`: `https://api.github.com/graphql`,
    /// `https://HOST/api/graphql` for a `…/api/v3` base, else `{api_url}/graphql`.
    pub graphql_url: Option<String>,
    /// Credentials.
    pub auth: Auth,
    /// Which repositories to scan.
    pub filter: RepoFilter,
    /// Repo-relative catalog file paths to fetch (default `catalog-info.yaml`,
    /// `catalog-info.yml`).
    pub catalog_paths: Vec<String>,
    /// Scan only this shard of the selected repositories (1 ≤ index ≤ count).
    pub shard: Option<Shard>,
    /// Directory for the per-repository snapshot cache and resume progress (the snapshots
    /// fetched, and the listing pages read by a run stopped during the listing). Created when
    /// missing. `None`: no cache.
    pub state_dir: Option<PathBuf>,
    /// Retries of a request that failed with 5xx, a timeout or a connection error (default 4,
    /// at most 10).
    pub max_retries: u32,
    /// The longest single rate-limit wait accepted; a longer one ends the scan with
    /// [`ScanError::RateLimited`] (default 15 minutes).
    pub max_wait: Duration,
    /// The first retry's backoff; each further retry doubles it, up to 60 s (default 1 s).
    pub retry_backoff: Duration,
    /// The first wait for a rate limit that names no time: a bare `429`, or a `403` secondary
    /// limit without `retry-after` or `x-ratelimit-remaining: 0`. It doubles with every further
    /// wait for the same request (default 60 s, GitHub's documented fallback).
    pub secondary_wait_floor: Duration,
    /// Time limit of one request, answer body included (default 60 s).
    pub request_timeout: Duration,
    /// Extra paths to probe per repository, given its fetched catalog files.
    pub followup: Option<FollowupFn>,
    /// Progress callback.
    pub progress: Option<ProgressFn>,
    /// Warning callback; `None`: warnings are dropped.
    pub warning: Option<WarningFn>,
    /// Also read the organisation's teams and members ([`OrgSnapshot::people`]), an owner
    /// source (default false). Costs ⌈teams / 100⌉ + ⌈members / 100⌉ GraphQL requests at
    /// most (a page of each per request); with a [`Self::state_dir`] they are cached for a day.
    pub org_people: bool,
}

impl ScanOptions {
    /// Options with defaults for everything but the organisation, API base and credentials.
    pub fn new(org: impl Into<String>, api_url: impl Into<String>, auth: Auth) -> Self {
        ScanOptions {
            org: org.into(),
            api_url: api_url.into(),
            graphql_url: None,
            auth,
            filter: RepoFilter::default(),
            catalog_paths: vec!["catalog-info.yaml".into(), "catalog-info.yml".into()],
            shard: None,
            state_dir: None,
            max_retries: 4,
            max_wait: Duration::from_secs(15 * 60),
            retry_backoff: Duration::from_secs(1),
            secondary_wait_floor: Duration::from_secs(60),
            request_timeout: Duration::from_secs(60),
            followup: None,
            progress: None,
            warning: None,
            org_people: false,
        }
    }
}

impl fmt::Debug for ScanOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScanOptions")
            .field("org", &self.org)
            .field("api_url", &debug_url(&self.api_url))
            .field("graphql_url", &self.graphql_url.as_deref().map(debug_url))
            .field("auth", &self.auth)
            .field("filter", &self.filter)
            .field("catalog_paths", &self.catalog_paths)
            .field("shard", &self.shard)
            .field("state_dir", &self.state_dir)
            .field("max_retries", &self.max_retries)
            .field("max_wait", &self.max_wait)
            .field("retry_backoff", &self.retry_backoff)
            .field("secondary_wait_floor", &self.secondary_wait_floor)
            .field("request_timeout", &self.request_timeout)
            .field("followup", &self.followup.as_ref().map(|_| "Fn"))
            .field("progress", &self.progress.as_ref().map(|_| "Fn"))
            .field("warning", &self.warning.as_ref().map(|_| "Fn"))
            .field("org_people", &self.org_people)
            .finish()
    }
}

/// A URL for `Debug` output: without credentials, query or fragment.
fn debug_url(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(url) => client::safe_url(&url),
        Err(_) => "(not a URL)".into(),
    }
}

/// The result of [`scan_org`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct OrgSnapshot {
    /// The organisation's login.
    pub org: String,
    /// The repositories that passed filter and shard and are not empty, sorted by name.
    pub repositories: Vec<RepoSnapshot>,
    /// How many listed repositories were left out, and why.
    pub skipped: SkipCounts,
    /// Requests this run made.
    pub stats: RequestStats,
    /// The organisation's teams and members, when [`ScanOptions::org_people`] asked for them.
    #[serde(default)]
    pub people: OrgPeople,
}

/// What a scan learnt of the organisation's teams and members.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OrgPeople {
    /// Not asked for ([`ScanOptions::org_people`] false).
    #[default]
    NotRead,
    /// Read (or taken from a cache younger than a day).
    Read(OrgPeopleRead),
    /// The token may not read them (it lacks the organisation's Members read permission, as a
    /// workflow's `GITHUB_TOKEN` does): GitHub answered `FORBIDDEN`, or no members at all.
    /// Says what GitHub answered.
    Unavailable(String),
    /// The read failed after retries (5xx, timeouts, malformed answers, GraphQL errors); not
    /// cached, so the next run reads them again. Says why.
    Failed(String),
}

/// The teams and members of an organisation, as GitHub names them.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgPeopleRead {
    /// Team slugs (`web-platform`), as GitHub lists them.
    pub teams: Vec<String>,
    /// Member logins (`OctoCat`), as GitHub lists them.
    pub members: Vec<String>,
    /// Taken from the state directory's cache, without a request.
    pub cached: bool,
}

/// Counts of listed repositories left out of [`OrgSnapshot::repositories`]. Each repository
/// counts once: in another shard first, so that a shard's counts are of its own repositories
/// only (and the shards' counts add up to the unsharded scan's), then for the first other
/// reason in field order.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SkipCounts {
    /// Archived (unless [`RepoFilter::include_archived`]).
    pub archived: usize,
    /// Forks (unless [`RepoFilter::include_forks`]).
    pub forks: usize,
    /// No commits (GraphQL `defaultBranchRef: null`).
    pub empty: usize,
    /// Left out by topics, name globs or visibility.
    pub filtered: usize,
    /// In another shard (whether or not it would have been skipped there).
    pub other_shards: usize,
}

/// One repository's part of the snapshot.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RepoSnapshot {
    /// Repository name (without the owner).
    pub name: String,
    /// Web URL.
    pub html_url: String,
    /// Default branch (`None` when it could not be fetched).
    pub default_branch: Option<String>,
    /// The default branch's head commit id.
    pub head: Option<String>,
    /// Catalog files found at the head, in [`ScanOptions::catalog_paths`] order.
    pub files: Vec<RepoFile>,
    /// Probed paths that exist (`mkdocs.yml`/`mkdocs.yaml` next to every catalog path, plus
    /// the [`ScanOptions::followup`] paths), sorted.
    pub present: Vec<String>,
    /// CI state of the head.
    pub ci: CiStatus,
    /// Why this repository could not be fetched whole (after retries), if it could not: a
    /// failed query, or a GraphQL error on its node or on any field below it (a catalog file,
    /// the CI rollup, a probe). Never holds credentials.
    pub error: Option<String>,
    /// The repository was listed but GraphQL no longer finds it (`NOT_FOUND`: deleted,
    /// renamed or no longer visible to the token); `error` says what GitHub answered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gone: bool,
}

/// A catalog file.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RepoFile {
    /// Repo-relative path.
    pub path: String,
    /// Text (GitHub returns at most about 512 KiB, see `truncated`); empty for a binary file.
    pub text: String,
    /// GitHub cut the text short (never set for a binary file, which has no text).
    pub truncated: bool,
}

/// CI state of a commit, from GraphQL's `statusCheckRollup`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CiStatus {
    /// `SUCCESS`.
    Passing,
    /// `FAILURE` or `ERROR`.
    Failing,
    /// `PENDING` or `EXPECTED`.
    Pending,
    /// No checks and no statuses (rollup `null`), or unknown.
    #[default]
    None,
}

/// Requests made. `rest` counts every REST request sent (retries and `304`s included),
/// `graphql` every GraphQL request sent (listing pages, batches, retries); GitHub App token
/// minting is not counted. An org scan with a token sends GraphQL only.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// REST requests sent.
    pub rest: u64,
    /// GraphQL requests sent.
    pub graphql: u64,
    /// REST answers `304 Not Modified` (part of `rest`; the GraphQL listing has no ETags).
    pub not_modified: u64,
    /// Requests sent again after a 5xx, a timeout, a connection error or malformed JSON.
    pub retries: u64,
    /// Rate-limit waits.
    pub rate_limit_waits: u64,
}

impl RequestStats {
    /// All requests: `rest + graphql`.
    pub fn total(&self) -> u64 {
        self.rest + self.graphql
    }
}

/// Why a scan or a comment upsert failed. The text never contains credentials.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// Bad options (org name, globs, shard, URL).
    #[error("invalid scan options: {0}")]
    InvalidOptions(String),
    /// Missing, malformed or refused credentials.
    #[error("GitHub authentication failed: {0}")]
    Auth(String),
    /// A rate limit would take longer than [`ScanOptions::max_wait`] (or kept coming back).
    #[error("GitHub rate limit: {0}")]
    RateLimited(String),
    /// GitHub could not be reached (after retries).
    #[error("cannot reach GitHub at {url}: {message}")]
    Network {
        /// The request's URL (no credentials in it).
        url: String,
        /// What went wrong.
        message: String,
    },
    /// GitHub answered with an error status (after retries).
    #[error("GitHub answered HTTP {status} to {what}: {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The request, e.g. `GET /orgs/acme/repos`.
        what: String,
        /// GitHub's message.
        message: String,
    },
    /// GitHub's answer could not be understood.
    #[error("unexpected answer from GitHub to {what}: {message}")]
    Decode {
        /// The request.
        what: String,
        /// What was wrong with the answer.
        message: String,
    },
    /// The scan was stopped (see [`scan_org_until`]) after its progress was saved.
    #[error("interrupted {}", interrupted_at(*done, *total))]
    Interrupted {
        /// Repositories finished (fetched, reused from the cache, or failed).
        done: usize,
        /// Repositories selected; `None`: stopped during the listing.
        total: Option<usize>,
    },
    /// The state directory could not be read or written.
    #[error("state directory {}: {message}", path.display())]
    State {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// The fixed parts of a [`ScanError::State`].
/// How far an interrupted scan got, e.g. `after 200 of 1000 repositories`.
fn interrupted_at(done: usize, total: Option<usize>) -> String {
    match total {
        Some(total) => format!("after {done} of {total} repositories"),
        None => "during the repository listing".into(),
    }
}

fn state_error(path: &std::path::Path, err: impl fmt::Display) -> ScanError {
    ScanError::State {
        path: path.to_path_buf(),
        message: err.to_string(),
    }
}
