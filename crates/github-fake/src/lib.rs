//! A GitHub API fake served on loopback, for yardstick's tests.
//!
//! It answers the REST and GraphQL calls an org-wide scan makes, realistically enough to catch
//! the usual mistakes: the GraphQL repository listing (`organization(login:) { asc:
//! repositories(first:, after:, orderBy:) { totalCount pageInfo { hasNextPage endCursor }
//! nodes { … } } desc: … }`) pages by name in either direction, several connections per
//! query, with opaque keyset cursors, refuses `first` over 100, and can create, delete or
//! rename repositories between its pages; the REST listing is paginated with `Link` headers
//! that point at `/organizations/{id}/repos`, and every page carries an ETag and answers `304`
//! to a matching `If-None-Match`; GraphQL queries are read by pattern (aliases,
//! `repository(owner:, name:)`, `object(expression: "HEAD:path")`) and answered from the fake
//! repositories; and faults (rate limits of every kind, 502s, per-node GraphQL errors, a
//! default-branch switch without a push, `PENDING` rollups that later turn green, an outage
//! after the n-th request) are served on demand. The organisation's teams and members
//! (`organization { teams membersWithRole }`) are paged like GitHub pages them, and a token
//! without the Members read permission gets what [`PeopleAccess`] says. Requests without the expected
//! `Authorization` header get a `401`.
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
//! assert_eq!(fake.stats().graphql_listing, 6); // 200 repositories a page, both ends
//! assert_eq!(fake.stats().graphql, 11); // 10 batches, one of them twice
//! # }
//! ```
#![warn(missing_docs)]

mod auth;
mod builder;
mod comments;
mod dates;
mod faults;
mod graphql;
mod listing;
mod org_listing;
mod org_people;
mod repo;
mod responses;
mod routing;
mod state;
mod stats;

use std::sync::Arc;

use wiremock::MockServer;

use comments::PullRequest;
use faults::FaultPlan;
use state::{lock, ServerState};

pub use builder::FakeGitHubBuilder;
pub use dates::{http_date, rfc3339};
pub use faults::{Fault, NodeFault, NodeTarget};
pub use org_people::PeopleAccess;
pub use repo::{FakeCi, FakeRepo};
pub use stats::FakeStats;

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

/// A running fake GitHub (REST + GraphQL) on a loopback port. Dropping it stops the server.
pub struct FakeGitHub {
    pub(crate) server: MockServer,
    pub(crate) state: Arc<ServerState>,
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
            faults: FaultPlan::default(),
            comments: Vec::new(),
            token_login: "yardstick-user".into(),
            token_is_installation: false,
            pending_percent: None,
            teams: Vec::new(),
            members: Vec::new(),
            people_access: PeopleAccess::Granted,
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
        faults.on_people.clear();
        faults.fail_after = None;
        faults.node_errors.clear();
        faults.top_level_error = None;
        faults.lost_comment_posts.clear();
        faults.node_faults.clear();
        // Spent marks index `node_faults`: faults added after healing start unspent.
        faults.node_faults_spent.clear();
    }

    /// Adds a node-level GraphQL fault while serving (see [`FakeGitHubBuilder::node_fault`]).
    pub fn add_node_fault(&self, fault: NodeFault) {
        lock(&self.state.faults).node_faults.push(fault);
    }

    /// Serves `fault` instead of the `n`-th GraphQL repository query counted from now
    /// (1-based; listing pages not counted).
    pub fn fault_next_graphql(&self, n: u64, fault: Fault) {
        let seen = *lock(&self.state.graphql_seen);
        lock(&self.state.faults).on_graphql.insert(seen + n, fault);
    }

    /// Makes `change` to the repositories right after the `n`-th GraphQL listing connection
    /// (`repositories(...)` field) answered from now (1-based; a query with an `asc:` and a
    /// `desc:` connection answers two), as creations, deletions and renames land while a
    /// listing is read, even between the fields of one query.
    ///
    /// ```no_run
    /// # fn demo(fake: &github_fake::FakeGitHub) {
    /// // Between the two connections of the first listing query: a rename.
    /// fake.change_during_listing(1, |repos| {
    ///     if let Some(repo) = repos.iter_mut().find(|r| r.name == "service-0150") {
    ///         repo.name = "aaa-renamed".into();
    ///     }
    /// });
    /// # }
    /// ```
    pub fn change_during_listing(
        &self,
        n: u64,
        change: impl FnOnce(&mut Vec<FakeRepo>) + Send + 'static,
    ) {
        let served = *lock(&self.state.listing_connections);
        lock(&self.state.listing_changes)
            .entry(served + n)
            .or_default()
            .push(Box::new(change));
    }

    /// Replaces the organisation's team slugs while serving (a team created, renamed or
    /// deleted).
    pub fn set_teams<S: Into<String>>(&self, teams: impl IntoIterator<Item = S>) {
        *lock(&self.state.teams) = teams.into_iter().map(Into::into).collect();
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

    /// Turns every `PENDING` rollup `SUCCESS` (the checks finished; no commit moves) and
    /// returns the names of the repositories changed.
    pub fn settle_pending(&self) -> Vec<String> {
        let mut repos = lock(&self.state.repos);
        let mut settled = Vec::new();
        for repo in repos.iter_mut().filter(|r| r.ci == FakeCi::Pending) {
            repo.ci = FakeCi::Success;
            settled.push(repo.name.clone());
        }
        settled
    }

    /// The default-branch-switch fault: `name`'s default branch becomes `branch`, whose head
    /// holds `files` (another head commit), while `pushed_at` stays as it is, as when an admin
    /// switches the default branch to one pushed earlier. Returns false when there is no such
    /// repository.
    pub fn switch_default_branch(
        &self,
        name: &str,
        branch: &str,
        files: std::collections::BTreeMap<String, String>,
    ) -> bool {
        self.update_repo(name, |repo| {
            repo.default_branch = branch.to_string();
            repo.files = files;
            repo.binary.clear();
            repo.submodules.clear();
        })
    }

    /// The listing requests so far, oldest first: a REST page's URL query string, or the
    /// arguments of each `repositories(...)` connection of a GraphQL listing query.
    pub fn listing_queries(&self) -> Vec<String> {
        lock(&self.state.listing_queries).clone()
    }

    /// The authors' logins of the comments on `owner/repo`'s pull request `pr`, oldest first.
    pub fn comment_authors(&self, owner: &str, repo: &str, pr: u64) -> Vec<String> {
        lock(&self.state.comments)
            .get(&PullRequest::new(owner, repo, pr))
            .map(|list| list.iter().map(|c| c.author.login.clone()).collect())
            .unwrap_or_default()
    }

    /// The bodies of the comments on `owner/repo`'s pull request `pr`, oldest first.
    pub fn comments(&self, owner: &str, repo: &str, pr: u64) -> Vec<String> {
        lock(&self.state.comments)
            .get(&PullRequest::new(owner, repo, pr))
            .map(|list| list.iter().map(|c| c.body.clone()).collect())
            .unwrap_or_default()
    }
}
