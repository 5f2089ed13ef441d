//! The fake's shared state: configuration, repositories, faults, counters and comments.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use regex::Regex;

use crate::auth::{AppConfig, IssuedToken};
use crate::comments::{Comment, PullRequest};
use crate::faults::FaultPlan;
use crate::org_listing::ListingChange;
use crate::{FakeRepo, FakeStats, PeopleAccess};

/// Everything a request may read or change; one per running fake.
pub(crate) struct ServerState {
    pub org: String,
    pub org_id: u64,
    /// `""`, or `/api/v3` for GitHub Enterprise Server.
    pub rest_prefix: String,
    pub graphql_path: String,
    /// The server's `http://127.0.0.1:PORT`, for `Link` headers.
    pub origin: Mutex<String>,
    pub token: String,
    pub app: Option<AppConfig>,
    pub repos: Mutex<Vec<FakeRepo>>,
    /// The organisation's team slugs and member logins, in listing order.
    pub teams: Mutex<Vec<String>>,
    pub members: Mutex<Vec<String>>,
    pub people_access: PeopleAccess,
    pub faults: Mutex<FaultPlan>,
    pub stats: Mutex<FakeStats>,
    /// GraphQL repository queries (not listing pages) received, for [`FaultPlan::on_graphql`].
    pub graphql_seen: Mutex<u64>,
    /// Teams-and-members queries received, for [`FaultPlan::on_people`].
    pub people_seen: Mutex<u64>,
    /// Listing requests (REST pages and GraphQL pages) received, for [`FaultPlan::on_listing`].
    pub listing_seen: Mutex<u64>,
    pub issued: Mutex<Vec<IssuedToken>>,
    pub comments: Mutex<BTreeMap<PullRequest, Vec<Comment>>>,
    pub next_comment_id: Mutex<u64>,
    /// Comment POSTs received, for [`FaultPlan::lost_comment_posts`].
    pub comment_posts: Mutex<u64>,
    pub token_login: String,
    pub token_is_installation: bool,
    pub listing_queries: Mutex<Vec<String>>,
    /// GraphQL listing connections (`repositories(...)` fields) answered so far.
    pub listing_connections: Mutex<u64>,
    /// Changes to make after the n-th listing connection answered.
    pub listing_changes: Mutex<BTreeMap<u64, Vec<ListingChange>>>,
    /// `alias: repository(owner: "...", name: "...")` in a GraphQL query.
    pub repository_field: Regex,
    /// `alias: object(expression: "...")` in a GraphQL query.
    pub object_field: Regex,
    /// `organization(login: "...")` in a GraphQL query: the repository listing.
    pub organization_field: Regex,
    /// `alias: repositories(...)` in a listing query: the alias, if any, and the arguments.
    pub repositories_args: Regex,
}

/// A lock that survives a panicked holder: the fake's state stays usable for the next test.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl ServerState {
    pub fn count(&self, f: impl FnOnce(&mut FakeStats)) {
        f(&mut lock(&self.stats));
    }

    pub fn origin(&self) -> String {
        lock(&self.origin).clone()
    }
}
