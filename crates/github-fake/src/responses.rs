//! Building answers and reading requests: JSON bodies, GitHub's error shape, paging.

use serde_json::{json, Map, Value};
use wiremock::{Request, ResponseTemplate};

use crate::dates::{now_secs, rfc3339};

pub(crate) fn json_response(status: u16, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json; charset=utf-8")
}

/// GitHub's error answer: `message` and `documentation_url`.
pub(crate) fn error_response(status: u16, text: &str) -> ResponseTemplate {
    json_response(
        status,
        &json!({"message": text, "documentation_url": "https://docs.github.com/rest"}),
    )
}

/// A GraphQL answer as GitHub sends it: `{"data": data}`, with `errors` when there are
/// any, `data.rateLimit` (costing `cost`) when the query asks for it, and the GraphQL
/// rate-limit headers.
pub(crate) fn graphql_response(
    mut data: Map<String, Value>,
    errors: Vec<Value>,
    query: &str,
    cost: usize,
) -> ResponseTemplate {
    if query.contains("rateLimit") {
        data.insert(
            "rateLimit".into(),
            json!({"cost": cost, "remaining": 4_999, "resetAt": rfc3339(now_secs() + 3_600)}),
        );
    }
    let mut answer = json!({ "data": data });
    if !errors.is_empty() {
        answer["errors"] = Value::Array(errors);
    }
    json_response(200, &answer)
        .insert_header("x-ratelimit-resource", "graphql")
        .insert_header("x-ratelimit-remaining", "4999")
}

pub(crate) fn query_param(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// `per_page` (default 30, 1 to 100) and `page` (1-based) of a paginated request.
pub(crate) struct Paging {
    pub per_page: usize,
    pub page: usize,
}

impl Paging {
    pub fn of(req: &Request) -> Paging {
        let per_page = query_param(req, "per_page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(30)
            .clamp(1, 100);
        let page = query_param(req, "page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        Paging { per_page, page }
    }
}

/// The `body` field of a JSON request body.
pub(crate) fn body_field(req: &Request) -> Option<String> {
    serde_json::from_slice::<Value>(&req.body)
        .ok()
        .and_then(|v| v.get("body").and_then(Value::as_str).map(str::to_string))
}
