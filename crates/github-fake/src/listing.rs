//! The REST repository listing: paginated, sorted on request, with ETags and `Link` headers.

use serde_json::{json, Value};
use wiremock::{Request, ResponseTemplate};
use yardstick::util::fnv::fnv1a_64;

use crate::responses::{query_param, Paging};
use crate::state::{lock, ServerState};
use crate::FakeRepo;

impl ServerState {
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

    /// `GET /orgs/{org}/repos` and `GET /organizations/{id}/repos`: a page of repositories,
    /// with an ETag and `Link` headers.
    pub fn listing(&self, req: &Request) -> ResponseTemplate {
        let Paging { per_page, page } = Paging::of(req);
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
        let etag = format!("W/\"{:016x}\"", fnv1a_64(body.as_bytes()));
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
        let links = self.listing_links(req, per_page, page, pages);
        if !links.is_empty() {
            response = response.insert_header("link", links.join(", ").as_str());
        }
        response
    }

    /// `prev`, `next` and `last` links of a listing page, as GitHub gives them: under
    /// `/organizations/{id}`, keeping `sort` and `direction`.
    fn listing_links(
        &self,
        req: &Request,
        per_page: usize,
        page: usize,
        pages: usize,
    ) -> Vec<String> {
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
        links
    }
}
