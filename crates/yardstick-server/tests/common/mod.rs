//! Shared by the server tests: a store recorded from the demo catalog, and requests sent
//! to the application without a socket.

#![allow(dead_code)]

use std::path::PathBuf;

use axum::body::Body;
use axum::body::Bytes;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use yardstick::report::Report;
use yardstick::{lint_paths, Facts, LintOptions, PolicySet, ScoreOptions};
use yardstick_server::{app, ServerConfig};
use yardstick_store::{RunMeta, Store};

/// The workspace's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The demo catalog's score report, as `yardstick score fixtures/demo --facts
/// fixtures/demo/facts.json --format json` makes it.
pub fn demo_report() -> Report {
    let demo = root().join("fixtures/demo");
    let lint =
        lint_paths(std::slice::from_ref(&demo), &LintOptions::default()).expect("lint the demo");
    let facts_text = std::fs::read_to_string(demo.join("facts.json")).expect("demo facts");
    let options = ScoreOptions {
        facts: Facts::parse(&facts_text).expect("facts"),
        ..ScoreOptions::default()
    };
    let policies = PolicySet::builtin().expect("built-in checks");
    let card = yardstick::score(&lint, &policies, &options).expect("score the demo");
    Report::from_scorecard(&lint, &card, &policies, &options.config)
}

/// A store in `dir` holding `reports`, recorded a day apart.
pub async fn store_with(dir: &tempfile::TempDir, reports: &[Report]) -> Store {
    let store = Store::open(&dir.path().join("history.db").display().to_string())
        .await
        .expect("open the store");
    for (day, report) in reports.iter().enumerate() {
        let at = format!("2026-01-{:02}T02:00:00Z", day + 1)
            .parse()
            .expect("time");
        store
            .record(report, &RunMeta::at(at))
            .await
            .expect("record");
    }
    store
}

/// The application over `store` with the built-in checks.
pub fn demo_app(store: Store) -> Router {
    app(
        store,
        &ServerConfig::new(PolicySet::builtin().expect("checks")),
    )
}

/// Sends `method path` with `body` (JSON text, or nothing) and returns the status and the
/// JSON answer.
pub async fn send(
    app: &Router,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path);
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("request");
    let (status, _, bytes) = respond(app, request).await;
    let value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{method} {path}: not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, value)
}

/// Asserts `value` is Backstage's error body for `status`, `name`, `method` and `url`.
pub fn assert_error(value: &Value, status: StatusCode, name: &str, method: &str, url: &str) {
    assert_eq!(value["error"]["name"], name, "{value}");
    assert!(
        value["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{value}"
    );
    assert_eq!(value["response"]["statusCode"], status.as_u16(), "{value}");
    assert_eq!(value["request"]["method"], method, "{value}");
    assert_eq!(value["request"]["url"], url, "{value}");
}

/// Sends `request` to `app` without a socket: the status, the headers and the whole body.
pub async fn respond(app: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, headers, bytes)
}
