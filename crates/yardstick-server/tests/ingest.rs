//! `POST /api/v1/runs`: an accepted report is recorded and served; every refusal writes
//! nothing and never repeats a token.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::Value;
use yardstick::PolicySet;
use yardstick_server::{app, IngestConfig, ServerConfig};
use yardstick_store::Store;

use common::{assert_error, demo_report, respond, send, store_with};

const TOKEN: &str = "ingest-token-0123456789";

fn ingest_app(store: Store, limit: usize) -> Router {
    let mut config = ServerConfig::new(PolicySet::builtin().expect("checks"));
    let mut ingest = IngestConfig::new(TOKEN).expect("token");
    ingest.limit = limit;
    config.ingest = Some(ingest);
    app(store, &config)
}

/// Posts `body` to `path` with the given Authorization header (and Content-Length when
/// `declare` is set); the status and the raw answer.
async fn post(
    app: &Router,
    path: &str,
    authorization: Option<&str>,
    body: Vec<u8>,
    declare: bool,
) -> (StatusCode, String) {
    let mut request = Request::post(path).header("content-type", "application/json");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    if declare {
        request = request.header("content-length", body.len());
    }
    let request = request.body(Body::from(body)).expect("request");
    let (status, _, bytes) = respond(app, request).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn demo_json() -> Vec<u8> {
    serde_json::to_vec(&demo_report()).expect("report JSON")
}

#[tokio::test]
async fn an_accepted_report_is_recorded_and_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with(&dir, &[]).await;
    let app = ingest_app(store.clone(), 10 * 1024 * 1024);
    let path = "/api/v1/runs?at=2026-03-01T02%3A00%3A00Z&commit=abc123&commit=def456";
    let bearer = format!("Bearer {TOKEN}");
    let (status, body) = post(&app, path, Some(&bearer), demo_json(), true).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let recorded: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(recorded["run"], 1);
    assert_eq!(recorded["entities_opened"], 30);
    let runs = store.runs().await.expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].at.to_rfc3339(), "2026-03-01T02:00:00+00:00");
    assert_eq!(runs[0].commits, ["abc123", "def456"]);
    let (status, results) = send(
        &app,
        "POST",
        "/api/tech-insights/checks/run/default/Component/fleet-manager",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!results.as_array().expect("array").is_empty());
    // The scheme is case-insensitive; a second run the same day is recorded after it.
    let lower = format!("bearer {TOKEN}");
    let (status, body) = post(
        &app,
        "/api/v1/runs?at=2026-03-01T03%3A00%3A00Z",
        Some(&lower),
        demo_json(),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(store.runs().await.expect("runs").len(), 2);
}

/// Path, Authorization header, body, whether Content-Length is sent, status, error name.
type Refusal<'a> = (&'a str, Option<&'a str>, Vec<u8>, bool, StatusCode, &'a str);

#[tokio::test]
async fn every_refusal_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with(&dir, &[]).await;
    let limit = 64 * 1024;
    let app = ingest_app(store.clone(), limit);
    let good = format!("Bearer {TOKEN}");
    let wrong = "Bearer not-the-token-but-a-secret-of-its-own";
    let mut shard = demo_report();
    shard.scan = serde_json::from_value(serde_json::json!({
        "organization": "acme", "shard": "1/2", "selection": "s",
        "adoption": {"repositories": 0, "with_catalog": 0, "share": null,
                     "without_catalog": [], "failed": []},
        "repositories": [],
    }))
    .expect("scan");
    let small = serde_json::to_vec(&serde_json::json!({"version": 1})).expect("json");
    let huge = vec![b' '; limit + 1];
    let cases: Vec<Refusal> = vec![
        (
            "/api/v1/runs",
            None,
            small.clone(),
            true,
            StatusCode::UNAUTHORIZED,
            "AuthenticationError",
        ),
        (
            "/api/v1/runs",
            Some(TOKEN),
            small.clone(),
            true,
            StatusCode::UNAUTHORIZED,
            "AuthenticationError",
        ),
        (
            "/api/v1/runs",
            Some(wrong),
            small.clone(),
            true,
            StatusCode::FORBIDDEN,
            "NotAllowedError",
        ),
        (
            "/api/v1/runs",
            Some(&good),
            b"{not json".to_vec(),
            true,
            StatusCode::BAD_REQUEST,
            "InputError",
        ),
        (
            "/api/v1/runs",
            Some(&good),
            vec![0xff, 0xfe],
            true,
            StatusCode::BAD_REQUEST,
            "InputError",
        ),
        (
            "/api/v1/runs",
            Some(&good),
            small.clone(),
            true,
            StatusCode::BAD_REQUEST,
            "InputError",
        ),
        (
            "/api/v1/runs",
            Some(&good),
            serde_json::to_vec(&shard).expect("json"),
            false,
            StatusCode::BAD_REQUEST,
            "InputError",
        ),
        (
            "/api/v1/runs?at=yesterday",
            Some(&good),
            small.clone(),
            true,
            StatusCode::BAD_REQUEST,
            "InputError",
        ),
        // Too big: declared, and streamed without a Content-Length.
        (
            "/api/v1/runs",
            Some(&good),
            huge.clone(),
            true,
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLargeError",
        ),
        (
            "/api/v1/runs",
            Some(&good),
            huge,
            false,
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLargeError",
        ),
    ];
    for (path, authorization, body, declare, status, name) in cases {
        let (got, answer) = post(&app, path, authorization, body, declare).await;
        assert_eq!(got, status, "{path} {authorization:?}: {answer}");
        let value: Value = serde_json::from_str(&answer).expect("JSON error");
        assert_error(&value, status, name, "POST", path);
        assert!(!answer.contains(TOKEN), "{answer}");
        assert!(!answer.contains("secret-of-its-own"), "{answer}");
        assert!(
            store.runs().await.expect("runs").is_empty(),
            "{path}: {answer}"
        );
    }
    assert_eq!(store.counts().await.expect("counts").entity_intervals, 0);
}

#[tokio::test]
async fn a_run_before_the_latest_is_a_conflict_and_ingest_can_be_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with(&dir, &[demo_report()]).await;
    let app = ingest_app(store.clone(), 10 * 1024 * 1024);
    let bearer = format!("Bearer {TOKEN}");
    let path = "/api/v1/runs?at=2025-01-01T00%3A00%3A00Z";
    let (status, answer) = post(&app, path, Some(&bearer), demo_json(), true).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(store.runs().await.expect("runs").len(), 1);
    let off = common::demo_app(store.clone());
    let (status, answer) = post(&off, "/api/v1/runs", Some(&bearer), demo_json(), true).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(store.runs().await.expect("runs").len(), 1);
}

#[test]
fn the_token_must_match_whole() {
    let config = IngestConfig::new(TOKEN).expect("token");
    assert!(config.accepts(TOKEN));
    for other in [
        "",
        "ingest-token",
        "ingest-token-01234567890",
        "INGEST-TOKEN-0123456789",
    ] {
        assert!(!config.accepts(other), "{other}");
    }
    assert!(!format!("{config:?}").contains(TOKEN));
}
