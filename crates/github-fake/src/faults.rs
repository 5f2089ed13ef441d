//! Faults the fake serves on demand instead of the normal answer, and when.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::json;
use wiremock::ResponseTemplate;

use crate::dates::{http_date, now_secs};
use crate::responses::{error_response, json_response};

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

/// The faults scheduled by the builder (and [`FakeGitHub::fault_next_graphql`]).
///
/// [`FakeGitHub::fault_next_graphql`]: crate::FakeGitHub::fault_next_graphql
#[derive(Default)]
pub(crate) struct FaultPlan {
    pub on_request: BTreeMap<u64, Fault>,
    pub on_graphql: BTreeMap<u64, Fault>,
    pub on_listing: BTreeMap<u64, Fault>,
    /// Teams-and-members queries (1-based) answered with a fault.
    pub on_people: BTreeMap<u64, Fault>,
    pub fail_after: Option<u64>,
    pub node_errors: BTreeSet<String>,
    pub top_level_error: Option<String>,
    /// Comment POSTs (1-based) that are carried out but answered `502`.
    pub lost_comment_posts: BTreeSet<u64>,
    pub node_faults: Vec<NodeFault>,
    /// Fail-once node faults already served: (index in `node_faults`, repository name).
    pub node_faults_spent: BTreeSet<(usize, String)>,
}

/// The answer that stands in for the normal one.
pub(crate) fn fault_response(fault: Fault) -> ResponseTemplate {
    let reset = (now_secs() + 1).to_string();
    match fault {
        Fault::PrimaryRateLimit => error_response(403, "API rate limit exceeded for installation ID 1.")
            .insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-used", "5000")
            .insert_header("x-ratelimit-resource", "core")
            .insert_header("x-ratelimit-reset", reset.as_str()),
        Fault::SecondaryRateLimit => error_response(
            403,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        )
        .insert_header("retry-after", "1"),
        Fault::TooManyRequests => {
            error_response(429, "Too many requests").insert_header("retry-after", "1")
        }
        Fault::BareSecondaryRateLimit => error_response(
            403,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        ),
        Fault::BareTooManyRequests => error_response(429, "Too many requests"),
        Fault::SkewedPrimaryRateLimit => {
            let server_now = now_secs() - 12;
            error_response(403, "API rate limit exceeded for installation ID 1.")
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
        Fault::InternalError => error_response(500, "Server Error"),
        Fault::Unauthorized => error_response(401, "Bad credentials"),
        Fault::Forbidden => error_response(403, "Resource not accessible by integration"),
        Fault::MalformedJson => ResponseTemplate::new(200)
            .set_body_raw("{\"data\": {\"r0\": {\"defaultBranchRef\": ", "application/json"),
        Fault::Delay(_) => ResponseTemplate::new(200),
    }
}

/// Where a [`NodeFault`] puts its error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeTarget {
    /// `object(expression: "HEAD:{path}")` of the repository: `null`, with an error whose `path`
    /// is `[repoAlias, objectAlias]` (a catalog file or a probe).
    Object(String),
    /// The head's `statusCheckRollup`: `null`, with an error at
    /// `[repoAlias, "defaultBranchRef", "target", "statusCheckRollup"]`.
    Rollup,
    /// The head's `statusCheckRollup` as [`NodeTarget::Rollup`], but in repository queries
    /// only, not in the listing: a rollup that the listing read and the fetch of the
    /// repository's files then times out on.
    FetchRollup,
    /// The repository node itself: `null`, with an error at `[repoAlias]`.
    Repository,
    /// The whole query: any query that asks for the repository is answered `502` with
    /// `data: null` (a repository that poisons its batch).
    WholeQuery,
}

/// A fault on some repositories' GraphQL nodes, persistent or fail-once. Build it with
/// [`NodeFault::new`] and pass it to [`FakeGitHubBuilder::node_fault`].
///
/// [`FakeGitHubBuilder::node_fault`]: crate::FakeGitHubBuilder::node_fault
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeFault {
    /// Where the error goes.
    pub target: NodeTarget,
    /// `errors[].type`.
    pub error_type: String,
    /// `errors[].message`.
    pub message: String,
    /// Hits the repositories at positions `i` (0-based, in the order they were added) with
    /// `i % every == 0`; `1` hits every repository.
    pub every: usize,
    /// When not empty, hits only these repositories (by name), whatever `every` says.
    pub names: BTreeSet<String>,
    /// Fails only the first query that reaches the target of each repository hit.
    pub once: bool,
}

impl NodeFault {
    /// A persistent fault on every repository. The error is a node timeout
    /// (`SERVICE_UNAVAILABLE`), or `NOT_FOUND` for [`NodeTarget::Repository`].
    pub fn new(target: NodeTarget) -> Self {
        let (error_type, message) = match target {
            NodeTarget::Repository => ("NOT_FOUND", "Could not resolve to a Repository."),
            _ => (
                "SERVICE_UNAVAILABLE",
                "Something went wrong while executing your query. This may be the result of a timeout.",
            ),
        };
        NodeFault {
            target,
            error_type: error_type.into(),
            message: message.into(),
            every: 1,
            names: BTreeSet::new(),
            once: false,
        }
    }

    /// Hits every `n`-th repository (positions 0, n, 2n, …).
    pub fn every(mut self, n: usize) -> Self {
        self.every = n.max(1);
        self
    }

    /// Hits this repository (repeatable); then `every` is ignored.
    pub fn repo(mut self, name: impl Into<String>) -> Self {
        self.names.insert(name.into());
        self
    }

    /// Fails only once per repository hit.
    pub fn once(mut self) -> Self {
        self.once = true;
        self
    }

    /// The error's `type` and `message`.
    pub fn error(mut self, error_type: impl Into<String>, message: impl Into<String>) -> Self {
        self.error_type = error_type.into();
        self.message = message.into();
        self
    }

    /// Whether it hits the repository `name` at position `pos`.
    pub(crate) fn hits(&self, pos: usize, name: &str) -> bool {
        if self.names.is_empty() {
            pos % self.every == 0
        } else {
            self.names.contains(name)
        }
    }
}
