//! What the fake was asked, counted.

/// Request counters. Every request counts once in `total` and once in one other field (a
/// served fault counts in `faults` instead of its endpoint, a `401` in `unauthorized`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FakeStats {
    /// Every request received.
    pub total: u64,
    /// REST repository listing pages answered `200`.
    pub rest_list: u64,
    /// Listing pages answered `304 Not Modified`.
    pub not_modified: u64,
    /// GraphQL repository queries answered (listing pages not included).
    pub graphql: u64,
    /// GraphQL listing pages (`organization { repositories }`) answered, errors included.
    pub graphql_listing: u64,
    /// GraphQL teams-and-members queries (`organization { teams membersWithRole }`) answered.
    pub graphql_people: u64,
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
    /// Faults served (see [`Fault`](crate::Fault) and [`FakeGitHubBuilder::fail_after`](crate::FakeGitHubBuilder::fail_after)).
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
