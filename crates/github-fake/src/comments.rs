//! Pull-request comments: list (paginated), create, update, and who wrote them.

use serde_json::{json, Value};
use wiremock::{Request, ResponseTemplate};

use crate::auth::Caller;
use crate::responses::{body_field, error_response, json_response, Paging};
use crate::state::{lock, ServerState};

/// The pull request a comment is on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PullRequest {
    pub owner: String,
    pub repo: String,
    pub number: u64,
}

impl PullRequest {
    pub fn new(owner: &str, repo: &str, number: u64) -> PullRequest {
        PullRequest {
            owner: owner.to_string(),
            repo: repo.to_string(),
            number,
        }
    }
}

/// The GitHub App a comment was made through.
#[derive(Clone, Debug)]
pub(crate) struct CommentApp {
    pub id: u64,
    pub slug: String,
}

/// Who wrote a comment.
#[derive(Clone, Debug)]
pub(crate) struct Author {
    pub login: String,
    pub bot: bool,
    /// `performed_via_github_app`.
    pub app: Option<CommentApp>,
}

pub(crate) struct Comment {
    pub id: u64,
    pub body: String,
    pub author: Author,
}

/// The App behind Actions' `GITHUB_TOKEN`.
const ACTIONS_APP_ID: u64 = 15_368;

impl ServerState {
    /// Who a comment created by `caller` is by.
    fn author_of(&self, caller: Caller) -> Author {
        match (caller, &self.app) {
            (Caller::Installation, Some(app)) => Author {
                login: format!("{}[bot]", app.slug),
                bot: true,
                app: Some(CommentApp {
                    id: app.app_id,
                    slug: app.slug.clone(),
                }),
            },
            _ if self.token_is_installation => Author {
                login: "github-actions[bot]".into(),
                bot: true,
                app: Some(CommentApp {
                    id: ACTIONS_APP_ID,
                    slug: "github-actions".into(),
                }),
            },
            _ => Author {
                login: self.token_login.clone(),
                bot: false,
                app: None,
            },
        }
    }

    fn comment_json(&self, owner: &str, repo: &str, c: &Comment) -> Value {
        let app = c
            .author
            .app
            .as_ref()
            .map_or(Value::Null, |app| json!({"id": app.id, "slug": app.slug}));
        json!({"id": c.id, "body": c.body,
            "html_url": format!("https://github.example/{owner}/{repo}/issues#issuecomment-{}", c.id),
            "user": {"login": c.author.login, "type": if c.author.bot { "Bot" } else { "User" }},
            "performed_via_github_app": app})
    }

    pub fn list_comments(
        &self,
        req: &Request,
        owner: &str,
        repo: &str,
        pr: &str,
    ) -> ResponseTemplate {
        self.count(|s| s.comments += 1);
        let Ok(pr) = pr.parse::<u64>() else {
            return error_response(404, "Not Found");
        };
        let Paging { per_page, page } = Paging::of(req);
        let comments = lock(&self.comments);
        let all = comments.get(&PullRequest::new(owner, repo, pr));
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

    pub fn create_comment(
        &self,
        req: &Request,
        caller: Caller,
        owner: &str,
        repo: &str,
        pr: &str,
    ) -> ResponseTemplate {
        self.count(|s| s.comments += 1);
        let (Ok(pr), Some(body)) = (pr.parse::<u64>(), body_field(req)) else {
            return error_response(422, "Validation Failed");
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
            .entry(PullRequest::new(owner, repo, pr))
            .or_default()
            .push(comment);
        json_response(201, &answer)
    }

    pub fn update_comment(
        &self,
        req: &Request,
        owner: &str,
        repo: &str,
        id: &str,
    ) -> ResponseTemplate {
        self.count(|s| s.comments += 1);
        let (Ok(id), Some(body)) = (id.parse::<u64>(), body_field(req)) else {
            return error_response(422, "Validation Failed");
        };
        let mut comments = lock(&self.comments);
        for (pull, list) in comments.iter_mut() {
            if pull.owner != owner || pull.repo != repo {
                continue;
            }
            if let Some(c) = list.iter_mut().find(|c| c.id == id) {
                c.body = body;
                return json_response(200, &self.comment_json(owner, repo, c));
            }
        }
        error_response(404, "Not Found")
    }
}
