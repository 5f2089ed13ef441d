//! Configuring and starting a fake.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use regex::Regex;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::auth::AppConfig;
use crate::comments::{Author, Comment, PullRequest};
use crate::faults::FaultPlan;
use crate::routing::Responder;
use crate::state::{lock, ServerState};
use crate::{FakeCi, FakeGitHub, FakeRepo, FakeStats, Fault, PeopleAccess};

/// Configures a [`FakeGitHub`]; see the crate documentation for an example.
#[must_use]
pub struct FakeGitHubBuilder {
    pub(crate) org: String,
    pub(crate) org_id: u64,
    pub(crate) repos: Vec<FakeRepo>,
    pub(crate) token: String,
    pub(crate) app: Option<AppConfig>,
    pub(crate) ghes: bool,
    pub(crate) faults: FaultPlan,
    pub(crate) comments: Vec<SeededComment>,
    pub(crate) token_login: String,
    pub(crate) token_is_installation: bool,
    pub(crate) pending_percent: Option<usize>,
    pub(crate) teams: Vec<String>,
    pub(crate) members: Vec<String>,
    pub(crate) people_access: PeopleAccess,
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

    /// Gives `percent` of the repositories (of every 100 consecutive ones, spread evenly;
    /// empty ones left out) a `PENDING` rollup, as when checks are still running at night.
    /// [`FakeGitHub::settle_pending`](crate::FakeGitHub::settle_pending) turns them green.
    pub fn pending_percent(mut self, percent: usize) -> Self {
        self.pending_percent = Some(percent.min(100));
        self
    }

    /// Appends teams (their slugs) to the organisation.
    pub fn teams<S: Into<String>>(mut self, slugs: impl IntoIterator<Item = S>) -> Self {
        self.teams.extend(slugs.into_iter().map(Into::into));
        self
    }

    /// Appends members (their logins) to the organisation.
    pub fn members<S: Into<String>>(mut self, logins: impl IntoIterator<Item = S>) -> Self {
        self.members.extend(logins.into_iter().map(Into::into));
        self
    }

    /// What the token sees of the teams and members (default [`PeopleAccess::Granted`]).
    pub fn people_access(mut self, access: PeopleAccess) -> Self {
        self.people_access = access;
        self
    }

    /// Serves `fault` instead of the `n`-th teams-and-members query (1-based).
    pub fn fault_on_people(mut self, n: u64, fault: Fault) -> Self {
        self.faults.on_people.insert(n, fault);
        self
    }

    /// Appends one repository.
    pub fn repo(mut self, repo: FakeRepo) -> Self {
        self.repos.push(repo);
        self
    }

    /// The token to accept (default [`DEFAULT_TOKEN`](crate::DEFAULT_TOKEN)); `Bearer` and `token` schemes both work.
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

    /// Serves `fault` instead of the `n`-th GraphQL repository query (1-based; listing pages
    /// are not counted here but by [`fault_on_listing`](Self::fault_on_listing)).
    pub fn fault_on_graphql(mut self, n: u64, fault: Fault) -> Self {
        self.faults.on_graphql.insert(n, fault);
        self
    }

    /// Serves `fault` instead of the `n`-th repository listing page (1-based), REST or GraphQL.
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

    /// Adds a node-level GraphQL fault (errors on file objects, the rollup or the node, or a
    /// repository that makes its whole query fail), persistent or fail-once.
    pub fn node_fault(mut self, fault: crate::NodeFault) -> Self {
        self.faults.node_faults.push(fault);
        self
    }

    /// Seeds an existing comment on `owner/repo`'s pull request `pr`.
    pub fn comment(
        self,
        owner: impl Into<String>,
        repo: impl Into<String>,
        pr: u64,
        body: impl Into<String>,
    ) -> Self {
        self.seed_comment(owner.into(), repo.into(), pr, None, body.into())
    }

    /// Seeds an existing comment by someone else (`login`, a user).
    pub fn comment_by(
        self,
        owner: impl Into<String>,
        repo: impl Into<String>,
        pr: u64,
        login: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        self.seed_comment(
            owner.into(),
            repo.into(),
            pr,
            Some(login.into()),
            body.into(),
        )
    }

    fn seed_comment(
        mut self,
        owner: String,
        repo: String,
        number: u64,
        login: Option<String>,
        body: String,
    ) -> Self {
        self.comments.push(SeededComment {
            pull: PullRequest {
                owner,
                repo,
                number,
            },
            login,
            body,
        });
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
        let (comments, next_id) = seed_comments(self.comments, &self.token_login);
        let mut repos = self.repos;
        if let Some(percent) = self.pending_percent {
            mark_pending(&mut repos, percent);
        }
        let state = Arc::new(ServerState {
            org: self.org,
            org_id: self.org_id,
            rest_prefix,
            graphql_path,
            origin: Mutex::new(String::new()),
            token: self.token,
            app: self.app,
            repos: Mutex::new(repos),
            teams: Mutex::new(self.teams),
            members: Mutex::new(self.members),
            people_access: self.people_access,
            faults: Mutex::new(self.faults),
            stats: Mutex::new(FakeStats::default()),
            graphql_seen: Mutex::new(0),
            people_seen: Mutex::new(0),
            listing_seen: Mutex::new(0),
            issued: Mutex::new(Vec::new()),
            comments: Mutex::new(comments),
            next_comment_id: Mutex::new(next_id),
            comment_posts: Mutex::new(0),
            token_login: self.token_login,
            token_is_installation: self.token_is_installation,
            listing_queries: Mutex::new(Vec::new()),
            listing_connections: Mutex::new(0),
            listing_changes: Mutex::new(BTreeMap::new()),
            repository_field: Regex::new(
                r#"([A-Za-z_][A-Za-z0-9_]*)\s*:\s*repository\s*\(\s*owner\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*name\s*:\s*("(?:[^"\\]|\\.)*")\s*\)"#,
            )
            .unwrap_or_else(|e| panic!("fake's own regex: {e}")),
            object_field: Regex::new(
                r#"([A-Za-z_][A-Za-z0-9_]*)\s*:\s*object\s*\(\s*expression\s*:\s*("(?:[^"\\]|\\.)*")\s*\)"#,
            )
            .unwrap_or_else(|e| panic!("fake's own regex: {e}")),
            organization_field: Regex::new(
                r#"\borganization\s*\(\s*login\s*:\s*("(?:[^"\\]|\\.)*")\s*\)"#,
            )
            .unwrap_or_else(|e| panic!("fake's own regex: {e}")),
            repositories_args: Regex::new(
                r"(?:([A-Za-z_][A-Za-z0-9_]*)\s*:\s*)?\brepositories\s*\(([^)]*)\)",
            )
                .unwrap_or_else(|e| panic!("fake's own regex: {e}")),
        });
        let server = MockServer::builder().start().await;
        *lock(&state.origin) = server.uri();
        Mock::given(any())
            .respond_with(Responder(state.clone()))
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

/// Sets the rollup of `percent` % of `repos` (positions where `⌊i·p/100⌋` steps) to
/// `PENDING`.
fn mark_pending(repos: &mut [FakeRepo], percent: usize) {
    for (i, repo) in repos.iter_mut().enumerate() {
        if !repo.empty && (i * percent) / 100 != ((i + 1) * percent) / 100 {
            repo.ci = FakeCi::Pending;
        }
    }
}

/// A comment that exists before the fake starts.
pub(crate) struct SeededComment {
    pull: PullRequest,
    /// `None`: the token's user.
    login: Option<String>,
    body: String,
}

/// The seeded comments by pull request, with ids counting up from a large start (as GitHub's
/// do), and the last id given.
fn seed_comments(
    seeded: Vec<SeededComment>,
    token_login: &str,
) -> (BTreeMap<PullRequest, Vec<Comment>>, u64) {
    let mut comments: BTreeMap<PullRequest, Vec<Comment>> = BTreeMap::new();
    let mut next_id = 1_000_000_000_000u64;
    for seed in seeded {
        next_id += 1;
        let author = Author {
            login: seed.login.unwrap_or_else(|| token_login.to_string()),
            bot: false,
            app: None,
        };
        comments.entry(seed.pull).or_default().push(Comment {
            id: next_id,
            body: seed.body,
            author,
        });
    }
    (comments, next_id)
}
