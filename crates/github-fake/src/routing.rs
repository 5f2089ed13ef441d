//! Every request's way through the fake: count it, serve a scheduled fault, check the
//! credentials, then answer from the endpoint that matches.

use std::sync::Arc;

use wiremock::{Request, Respond, ResponseTemplate};

use crate::auth::Caller;
use crate::faults::{fault_response, Fault};
use crate::graphql::graphql_query;
use crate::org_people::is_people_query;
use crate::responses::error_response;
use crate::state::{lock, ServerState};

/// The wiremock responder that hands every request to the state.
pub(crate) struct Responder(pub Arc<ServerState>);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.handle(request)
    }
}

/// A request's method and path segments under the REST prefix.
struct Route<'r> {
    method: &'r str,
    segments: Vec<&'r str>,
    is_graphql: bool,
    /// A GraphQL `organization { repositories }` listing page.
    is_graphql_listing: bool,
    /// A GraphQL `organization { teams membersWithRole }` query.
    is_graphql_people: bool,
}

impl<'r> Route<'r> {
    fn of(state: &ServerState, req: &'r Request) -> Route<'r> {
        let path = req.url.path();
        let method = req.method.as_str();
        let rest = path.strip_prefix(state.rest_prefix.as_str()).unwrap_or("");
        let is_graphql = method == "POST" && path == state.graphql_path;
        let org_query = graphql_query(req)
            .ok()
            .filter(|q| is_graphql && state.organization_field.is_match(q));
        let is_graphql_people = org_query.as_deref().is_some_and(is_people_query);
        let is_graphql_listing = org_query.is_some() && !is_graphql_people;
        Route {
            method,
            segments: rest.trim_start_matches('/').split('/').collect(),
            is_graphql,
            is_graphql_listing,
            is_graphql_people,
        }
    }

    /// The endpoints that need the App's JWT (all others refuse it).
    fn is_app_route(&self) -> bool {
        matches!(
            (self.method, self.segments.as_slice()),
            ("GET", ["orgs", _, "installation"])
                | ("GET", ["repos", _, _, "installation"])
                | ("GET", ["app"])
                | ("POST", ["app", "installations", _, "access_tokens"])
        )
    }

    /// A listing page: REST (`GET …/repos`) or GraphQL.
    fn is_listing(&self) -> bool {
        self.is_graphql_listing
            || (self.method == "GET"
                && matches!(
                    self.segments.as_slice(),
                    ["orgs", _, "repos"] | ["organizations", _, "repos"]
                ))
    }
}

impl ServerState {
    pub fn handle(&self, req: &Request) -> ResponseTemplate {
        let request_number = {
            let mut stats = lock(&self.stats);
            stats.total += 1;
            stats.total
        };
        let route = Route::of(self, req);

        // Faults come first: an outage or a rate limit does not look at credentials.
        let delay = match self.scheduled_fault(request_number, &route) {
            Some(Fault::Delay(d)) => Some(d),
            Some(fault) => {
                self.count(|s| s.faults += 1);
                return fault_response(fault);
            }
            None => None,
        };

        let caller = self.caller(req);
        let authorised = match caller {
            Caller::Jwt => route.is_app_route(),
            Caller::Token | Caller::Installation => !route.is_app_route(),
            Caller::Nobody => false,
        };
        if !authorised {
            self.count(|s| s.unauthorized += 1);
            return error_response(401, "Bad credentials");
        }

        let response = if route.is_graphql {
            self.graphql(req)
        } else {
            self.rest(req, caller, &route)
        };
        match delay {
            Some(d) => response.set_delay(d),
            None => response,
        }
    }

    /// The fault planned for this request, if any: by request number, by GraphQL repository
    /// query number or listing page number (GraphQL listing pages count as listing pages,
    /// not as GraphQL queries), or an outage. Counts them as it goes.
    fn scheduled_fault(&self, request_number: u64, route: &Route<'_>) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let mut fault = faults.on_request.remove(&request_number);
        if faults.fail_after.is_some_and(|k| request_number > k) {
            fault = Some(Fault::InternalError);
        }
        if route.is_graphql_people {
            let mut seen = lock(&self.people_seen);
            *seen += 1;
            if let Some(f) = faults.on_people.remove(&*seen) {
                fault = Some(f);
            }
        }
        if route.is_graphql && !route.is_graphql_listing && !route.is_graphql_people {
            let mut seen = lock(&self.graphql_seen);
            *seen += 1;
            if let Some(f) = faults.on_graphql.remove(&*seen) {
                fault = Some(f);
            }
        }
        if route.is_listing() {
            let mut seen = lock(&self.listing_seen);
            *seen += 1;
            if let Some(f) = faults.on_listing.remove(&*seen) {
                fault = Some(f);
            }
        }
        fault
    }

    /// The REST endpoints; anything else is `404`.
    fn rest(&self, req: &Request, caller: Caller, route: &Route<'_>) -> ResponseTemplate {
        match (route.method, route.segments.as_slice()) {
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
            ("GET", ["repos", o, r, "issues", pr, "comments"]) => self.list_comments(req, o, r, pr),
            ("POST", ["repos", o, r, "issues", pr, "comments"]) => {
                self.post_comment(req, caller, o, r, pr)
            }
            ("PATCH", ["repos", o, r, "issues", "comments", id]) => {
                self.update_comment(req, o, r, id)
            }
            _ => {
                self.count(|s| s.other += 1);
                error_response(404, "Not Found")
            }
        }
    }

    /// Creates a comment; a POST the plan says to lose is carried out but answered `502`.
    fn post_comment(
        &self,
        req: &Request,
        caller: Caller,
        owner: &str,
        repo: &str,
        pr: &str,
    ) -> ResponseTemplate {
        let post = {
            let mut posts = lock(&self.comment_posts);
            *posts += 1;
            *posts
        };
        let response = self.create_comment(req, caller, owner, repo, pr);
        if lock(&self.faults).lost_comment_posts.remove(&post) {
            self.count(|s| s.faults += 1);
            fault_response(Fault::BadGateway)
        } else {
            response
        }
    }
}
