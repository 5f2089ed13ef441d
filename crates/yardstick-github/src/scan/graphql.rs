//! Posting one GraphQL query: GraphQL rate limits come back as HTTP `200`, so they are waited
//! out here rather than in the client.

use http::Method;
use serde_json::{json, Value};

use crate::client::{graphql_rate_limit_wait, Client, RequestKind};
use crate::ScanError;

/// A GraphQL answer with data: `data` (an object) and the `errors` beside it.
pub(super) struct GraphqlAnswer {
    pub data: Value,
    pub errors: Vec<Value>,
}

/// Posts a query; waits out `RATE_LIMITED` and secondary rate limits, retries malformed JSON.
/// `Ok(Err(_))`: the query failed for good (after retries), which a batch survives by
/// splitting and the listing does not; `Err(_)` ends the scan (credentials, rate limits).
pub(super) async fn post_query(
    client: &Client,
    query: &str,
    max_retries: u32,
) -> Result<Result<GraphqlAnswer, ScanError>, ScanError> {
    let body = json!({ "query": query });
    let mut bad_json = 0u32;
    let mut waits = 0u32;
    loop {
        let response = match client
            .request_with(
                RequestKind::Graphql,
                Method::POST,
                &client.graphql_url,
                &[],
                Some(&body),
                max_retries,
            )
            .await
        {
            Ok(response) => response,
            Err(e @ ScanError::Network { .. }) => return Ok(Err(e)),
            Err(e) => return Err(e),
        };
        if response.status == 401 {
            return Err(client.api_error(&Method::POST, &client.graphql_url, 401, &response));
        }
        if response.status != 200 {
            return Ok(Err(client.api_error(
                &Method::POST,
                &client.graphql_url,
                response.status,
                &response,
            )));
        }
        let Ok(json) = serde_json::from_str::<Value>(&response.body) else {
            if bad_json < max_retries {
                bad_json += 1;
                client.backoff(bad_json).await;
                continue;
            }
            return Ok(Err(failed(
                client,
                "GitHub GraphQL answered malformed JSON".into(),
            )));
        };
        let errors = json
            .get("errors")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if is_rate_limited(&errors) {
            waits += 1;
            let wait =
                graphql_rate_limit_wait(&response.headers, waits, client.policy.secondary_floor);
            client.wait_rate_limit(wait, waits).await?;
            continue;
        }
        return Ok(match json.get("data") {
            Some(data) if data.is_object() => Ok(GraphqlAnswer {
                data: data.clone(),
                errors,
            }),
            _ => {
                let first = errors
                    .first()
                    .and_then(|e| e.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("no data and no error");
                Err(failed(
                    client,
                    format!("GitHub GraphQL query failed: {first}"),
                ))
            }
        });
    }
}

/// A query that failed with an answer that is not an HTTP error.
fn failed(client: &Client, message: String) -> ScanError {
    ScanError::Decode {
        what: client.describe(&Method::POST, &client.graphql_url),
        message,
    }
}

/// Whether the errors say `RATE_LIMITED`, or a secondary rate limit on the whole query.
fn is_rate_limited(errors: &[Value]) -> bool {
    errors.iter().any(|e| {
        e.get("type").and_then(Value::as_str) == Some("RATE_LIMITED")
            || (e.get("path").is_none_or(Value::is_null)
                && e.get("message")
                    .and_then(Value::as_str)
                    .is_some_and(|m| m.to_lowercase().contains("secondary rate limit")))
    })
}
