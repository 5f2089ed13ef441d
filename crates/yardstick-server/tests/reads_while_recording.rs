//! Reads keep being served while a run is being recorded: a recorder holds the store's
//! write lock, as `Store::record` does for a whole run (`BEGIN IMMEDIATE`), and every kind
//! of read still answers, from the last committed run.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sqlx::{Connection, Executor, SqliteConnection};

/// Far below the store's busy timeout (120 s): a read that waited for the lock would miss it.
const PATIENCE: Duration = Duration::from_secs(10);

#[tokio::test]
async fn every_read_answers_while_a_recorder_holds_the_write_lock() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = common::demo_report();
    let store = common::store_with(&dir, &[report.clone(), report.clone()]).await;
    let app = common::demo_app(store);
    let entity = report
        .entities
        .iter()
        .find(|e| e.kind.eq_ignore_ascii_case("component"))
        .expect("a demo component");
    let (kind_ns, name) = entity
        .reference
        .split_once('/')
        .expect("kind:namespace/name");
    let (kind, namespace) = kind_ns.split_once(':').expect("kind:namespace");

    let db = dir.path().join("history.db");
    let mut recorder = SqliteConnection::connect(&format!("sqlite:{}", db.display()))
        .await
        .expect("a second connection");
    recorder
        .execute("BEGIN IMMEDIATE")
        .await
        .expect("the write lock");
    recorder
        .execute("CREATE TABLE recording_in_progress (id INTEGER)")
        .await
        .expect("an uncommitted write");

    let run_checks = format!("/api/tech-insights/checks/run/{namespace}/{kind}/{name}");
    let reads = [
        ("GET", "/api/v1/runs".to_string()),
        ("GET", "/api/v1/entities".to_string()),
        ("GET", "/api/v1/trends/org".to_string()),
        (
            "GET",
            format!("/api/v1/entities/{kind}/{namespace}/{name}/history"),
        ),
        ("GET", "/api/tech-insights/checks".to_string()),
        ("POST", run_checks),
        ("GET", "/".to_string()),
        ("GET", format!("/entity/{kind}/{namespace}/{name}")),
        ("GET", format!("/badge/{kind}/{namespace}/{name}.svg")),
        ("GET", "/healthz".to_string()),
    ];
    for (method, path) in reads {
        let mut request = Request::builder().method(method).uri(&path);
        let body = if method == "POST" {
            request = request.header("content-type", "application/json");
            Body::from("{}")
        } else {
            Body::empty()
        };
        let request = request.body(body).expect("request");
        let answered = tokio::time::timeout(PATIENCE, common::respond(&app, request)).await;
        let (status, _, bytes) =
            answered.unwrap_or_else(|_| panic!("{method} {path} waited for the recorder"));
        assert_eq!(
            status,
            StatusCode::OK,
            "{method} {path}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }

    recorder
        .execute("ROLLBACK")
        .await
        .expect("release the lock");
}
