//! The Tech Insights API on a store recorded from the demo catalog: every route, against
//! the score report it was recorded from.

mod common;

use axum::http::StatusCode;
use serde_json::{json, Value};
use yardstick::report::Report;
use yardstick::CheckStatus;

use common::{assert_error, demo_app, demo_report, send, store_with};

/// The boolean the API must show for a status, `None` for an absent result.
fn expected(status: CheckStatus) -> Option<bool> {
    match status {
        CheckStatus::Pass | CheckStatus::Exempt => Some(true),
        CheckStatus::NotApplicable => None,
        CheckStatus::Fail | CheckStatus::Unknown | CheckStatus::Error => Some(false),
    }
}

/// `[(check id, result)]` the report says entity `reference` must show.
fn expected_results(report: &Report, reference: &str) -> Vec<(String, bool)> {
    let entity = report
        .entities
        .iter()
        .find(|e| e.reference == reference)
        .expect("entity in the report");
    entity
        .checks
        .iter()
        .filter_map(|c| expected(c.status).map(|r| (c.id.to_string(), r)))
        .collect()
}

fn results_of(answer: &Value) -> Vec<(String, bool)> {
    answer
        .as_array()
        .expect("an array of results")
        .iter()
        .map(|r| {
            (
                r["check"]["id"].as_str().expect("check id").to_string(),
                r["result"].as_bool().expect("boolean result"),
            )
        })
        .collect()
}

#[tokio::test]
async fn checks_are_the_runs_checks_with_their_metadata() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = demo_report();
    let app = demo_app(store_with(&dir, std::slice::from_ref(&report)).await);
    let (status, checks) = send(&app, "GET", "/api/tech-insights/checks", None).await;
    assert_eq!(status, StatusCode::OK);
    let checks = checks.as_array().expect("array");
    let ids: Vec<&str> = checks.iter().filter_map(|c| c["id"].as_str()).collect();
    let reported: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, reported);
    for (check, info) in checks.iter().zip(&report.checks) {
        assert_eq!(check["type"], "json-rules-engine");
        assert_eq!(check["name"], info.title.as_str());
        let description = check["description"].as_str().expect("description");
        assert!(
            description.starts_with(info.description.trim()),
            "{description}"
        );
        assert!(
            description.contains(info.remediation.trim()),
            "{description}"
        );
        assert_eq!(check["factIds"], json!([format!("yardstick:{}", info.id)]));
        assert_eq!(check["metadata"]["severity"], info.severity.to_string());
        assert_eq!(check["metadata"]["weight"], info.weight);
        assert_eq!(
            check["links"][0]["url"],
            format!(
                "https://github.com/yardstick-dev/yardstick/blob/main/docs/checks.md#{}",
                info.id
            )
        );
    }
}

#[tokio::test]
async fn run_checks_answers_the_recorded_results_whatever_the_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = demo_report();
    let app = demo_app(store_with(&dir, std::slice::from_ref(&report)).await);
    for entity in &report.entities {
        let (kind, rest) = entity.reference.split_once(':').expect("kind");
        let (namespace, name) = rest.split_once('/').expect("namespace");
        // The frontend sends the kind as written in the catalog.
        let path = format!(
            "/api/tech-insights/checks/run/{namespace}/{}/{name}",
            entity.kind
        );
        let (status, answer) = send(&app, "POST", &path, Some("{}")).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        assert_eq!(
            results_of(&answer),
            expected_results(&report, &entity.reference),
            "{path}"
        );
        assert_eq!(kind, entity.kind.to_lowercase());
    }
    // Upper case everywhere, percent-encoded: the same answer.
    let (status, upper) = send(
        &app,
        "POST",
        "/api/tech-insights/checks/run/DEFAULT/COMPONENT/FLEET%2DMANAGER",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        results_of(&upper),
        expected_results(&report, "component:default/fleet-manager")
    );
}

#[tokio::test]
async fn results_carry_the_full_yardstick_result_in_their_facts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = demo_report();
    let app = demo_app(store_with(&dir, std::slice::from_ref(&report)).await);
    let (_, answer) = send(
        &app,
        "POST",
        "/api/tech-insights/checks/run/default/Component/route-planner",
        Some(r#"{"checks": ["has-owner", "no-such-check"]}"#),
    )
    .await;
    let entity = report
        .entities
        .iter()
        .find(|e| e.reference == "component:default/route-planner")
        .expect("route-planner");
    let owner = entity
        .checks
        .iter()
        .find(|c| c.id.as_str() == "has-owner")
        .expect("has-owner result");
    let results = answer.as_array().expect("array");
    assert_eq!(results.len(), 1, "{answer}");
    let facts = &results[0]["facts"];
    assert_eq!(facts["status"]["value"], owner.status.as_str());
    assert_eq!(facts["status"]["id"], "yardstick:has-owner");
    assert_eq!(facts["status"]["type"], "string");
    assert_eq!(facts["message"]["value"], owner.message.as_str());
    assert_eq!(facts["severity"]["value"], owner.severity.to_string());
    assert_eq!(facts["weight"]["value"], owner.weight);
    let location = owner.location.as_ref().expect("a location");
    assert_eq!(
        facts["location"]["value"],
        format!(
            "{}:{}-{}:{}",
            location.line, location.column, location.end_line, location.end_column
        )
    );
    assert_eq!(results[0]["check"]["name"], "Has an owner");
}

#[tokio::test]
async fn bulk_runs_answer_every_entity_for_an_empty_list_and_flag_unknown_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = demo_report();
    let app = demo_app(store_with(&dir, std::slice::from_ref(&report)).await);
    let (status, all) = send(
        &app,
        "POST",
        "/api/tech-insights/checks/run",
        Some(r#"{"entities": []}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let all = all.as_array().expect("array");
    assert_eq!(all.len(), report.entities.len());
    for item in all {
        let reference = item["entity"].as_str().expect("entity");
        assert_eq!(
            results_of(&item["results"]),
            expected_results(&report, reference)
        );
    }
    let body = json!({
        "entities": [
            {"kind": "Component", "namespace": "default", "name": "fleet-manager"},
            {"kind": "Component", "namespace": "default", "name": "Nowhere"},
            "api:default/fleet-api",
        ],
        "checks": ["has-owner"],
    });
    let (status, some) = send(
        &app,
        "POST",
        "/api/tech-insights/checks/run",
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(some[0]["entity"], "component:default/fleet-manager");
    assert_eq!(
        results_of(&some[0]["results"]),
        [("has-owner".to_string(), true)]
    );
    assert_eq!(some[1]["entity"], "component:default/Nowhere");
    assert_eq!(some[1]["results"], json!([]));
    assert_eq!(some[1]["error"]["name"], "NotFoundError");
    assert_eq!(some[2]["entity"], "api:default/fleet-api");
    let (status, error) = send(
        &app,
        "POST",
        "/api/tech-insights/checks/run",
        Some(r#"{"checks": []}"#),
    )
    .await;
    assert_error(
        &error,
        status,
        "InputError",
        "POST",
        "/api/tech-insights/checks/run",
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn latest_facts_read_qs_indexed_brackets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = demo_report();
    let app = demo_app(store_with(&dir, std::slice::from_ref(&report)).await);
    // qs.stringify({entity: 'component:default/fleet-manager', ids: [...]})
    let path = "/api/tech-insights/facts/latest?entity=component%3Adefault%2Ffleet-manager\
                &ids%5B0%5D=yardstick&ids%5B1%5D=yardstick%3Ahas-owner&ids%5B2%5D=other";
    let (status, facts) = send(&app, "GET", path, None).await;
    assert_eq!(status, StatusCode::OK, "{facts}");
    let entity = report
        .entities
        .iter()
        .find(|e| e.reference == "component:default/fleet-manager")
        .expect("fleet-manager");
    let object = facts.as_object().expect("object");
    assert_eq!(object.len(), 2, "{facts}");
    assert_eq!(facts["yardstick"]["timestamp"], "2026-01-01T02:00:00+00:00");
    assert_eq!(facts["yardstick"]["version"], "1.0.0");
    assert_eq!(facts["yardstick"]["facts"]["score"], json!(entity.score));
    assert_eq!(facts["yardstick"]["facts"]["level"], "gold");
    assert_eq!(facts["yardstick:has-owner"]["facts"]["status"], "pass");
    let (status, error) = send(
        &app,
        "GET",
        "/api/tech-insights/facts/latest?entity=component%3Adefault%2Ffleet-manager",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(
        &error,
        status,
        "InputError",
        "GET",
        "/api/tech-insights/facts/latest?entity=component%3Adefault%2Ffleet-manager",
    );
    let (status, error) = send(
        &app,
        "GET",
        "/api/tech-insights/facts/latest?entity=nokind&ids%5B0%5D=yardstick",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let (status, error) = send(
        &app,
        "GET",
        "/api/tech-insights/facts/latest?entity=component%3Anone&ids%5B0%5D=yardstick",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{error}");
}

#[tokio::test]
async fn fact_schemas_describe_the_entity_and_each_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = demo_report();
    let app = demo_app(store_with(&dir, std::slice::from_ref(&report)).await);
    let (status, schemas) = send(&app, "GET", "/api/tech-insights/fact-schemas", None).await;
    assert_eq!(status, StatusCode::OK);
    let schemas = schemas.as_array().expect("array");
    assert_eq!(schemas.len(), 1 + report.checks.len());
    assert_eq!(schemas[0]["id"], "yardstick");
    assert_eq!(schemas[0]["score"]["type"], "float");
    assert_eq!(
        schemas[1]["id"],
        format!("yardstick:{}", report.checks[0].id)
    );
    assert_eq!(schemas[1]["status"]["type"], "string");
}

#[tokio::test]
async fn errors_have_backstages_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = demo_app(store_with(&dir, &[demo_report()]).await);
    let cases = [
        (
            "GET",
            "/api/tech-insights/nothing",
            None,
            StatusCode::NOT_FOUND,
            "NotFoundError",
        ),
        (
            "GET",
            "/api/tech-insights/checks/run",
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowedError",
        ),
        (
            "POST",
            "/api/tech-insights/checks/run",
            Some("{not json"),
            StatusCode::BAD_REQUEST,
            "InputError",
        ),
        (
            "POST",
            "/api/tech-insights/checks/run/default/component/fleet-manager",
            Some(r#"{"checks": "has-owner"}"#),
            StatusCode::BAD_REQUEST,
            "InputError",
        ),
        (
            "POST",
            "/api/tech-insights/checks/run/default/component/ghost",
            None,
            StatusCode::NOT_FOUND,
            "NotFoundError",
        ),
        (
            "POST",
            "/api/tech-insights/checks/run/default/component/%FF",
            None,
            StatusCode::BAD_REQUEST,
            "InputError",
        ),
    ];
    for (method, path, body, status, name) in cases {
        let (got, value) = send(&app, method, path, body).await;
        assert_eq!(got, status, "{method} {path}: {value}");
        assert_error(&value, status, name, method, path);
    }
}

/// A report with one entity whose checks have every status.
fn every_status_report() -> Report {
    let checks: Vec<Value> = [
        "pass",
        "fail",
        "unknown",
        "not-applicable",
        "exempt",
        "error",
    ]
    .iter()
    .map(|status| {
        json!({"id": format!("c-{status}"), "status": status, "severity": "low",
                   "weight": 2.5, "message": format!("it is {status}"), "pointer": null,
                   "location": null})
    })
    .collect();
    let text = json!({
        "version": 1, "checks": [], "findings": [],
        "entities": [{"ref": "component:default/web", "kind": "Component", "file": "c.yaml",
                      "owner": null, "system": null, "score": 50.0, "level": "none",
                      "checks": checks}],
        "summary": {"entities": 1, "score": 50.0, "owners": [], "systems": [],
                    "levels": {"gold": 0, "silver": 0, "bronze": 0, "none": 1},
                    "expired_exemptions": [], "gate": {"passed": true, "reasons": []}},
    });
    // Not through the schema: it requires a pointer and a location, which this test leaves
    // out to show that absent facts are left out.
    serde_json::from_value(text).expect("a report")
}

#[tokio::test]
async fn statuses_map_to_the_documented_booleans() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = demo_app(store_with(&dir, &[every_status_report()]).await);
    let (status, answer) = send(
        &app,
        "POST",
        "/api/tech-insights/checks/run/default/Component/web",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let got = results_of(&answer);
    let want: Vec<(String, bool)> = [
        ("c-error", false),
        ("c-exempt", true),
        ("c-fail", false),
        ("c-pass", true),
        ("c-unknown", false),
    ]
    .iter()
    .map(|(id, r)| (id.to_string(), *r))
    .collect();
    assert_eq!(got, want);
    // A check the server has no metadata for is still described.
    assert_eq!(answer[0]["check"]["name"], "c-error");
    assert!(answer[0]["check"]["description"]
        .as_str()
        .is_some_and(|d| d.contains("--policy")));
    assert_eq!(answer[0]["check"]["links"], json!([]));
    assert_eq!(answer[0]["facts"]["status"]["value"], "error");
    assert!(answer[0]["facts"].get("location").is_none());
}

#[tokio::test]
async fn a_newly_recorded_run_is_answered_and_an_empty_store_has_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with(&dir, &[]).await;
    let app = demo_app(store.clone());
    let (status, checks) = send(&app, "GET", "/api/tech-insights/checks", None).await;
    assert_eq!((status, checks), (StatusCode::OK, json!([])));
    let path = "/api/tech-insights/checks/run/default/Component/web";
    let (status, error) = send(&app, "POST", path, None).await;
    assert_error(&error, status, "NotFoundError", "POST", path);
    let (status, bulk) = send(
        &app,
        "POST",
        "/api/tech-insights/checks/run",
        Some(r#"{"entities": []}"#),
    )
    .await;
    assert_eq!((status, bulk), (StatusCode::OK, json!([])));
    let (status, health) = send(&app, "GET", "/healthz", None).await;
    assert_eq!(
        (status, &health["latest_run"]),
        (StatusCode::OK, &Value::Null)
    );
    let at = "2026-02-01T00:00:00Z".parse().expect("time");
    store
        .record(&every_status_report(), &yardstick_store::RunMeta::at(at))
        .await
        .expect("record");
    let (status, answer) = send(&app, "POST", path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer.as_array().map(Vec::len), Some(5));
    let (_, health) = send(&app, "GET", "/healthz", None).await;
    assert_eq!(health["latest_run"], 1);
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_answered_503() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with(&dir, &[demo_report()]).await;
    let mut config =
        yardstick_server::ServerConfig::new(yardstick::PolicySet::builtin().expect("checks"));
    config.request_timeout = std::time::Duration::from_nanos(1);
    let app = yardstick_server::app(store, &config);
    let (status, error) = send(&app, "GET", "/api/tech-insights/checks", None).await;
    assert_error(
        &error,
        status,
        "ServiceUnavailableError",
        "GET",
        "/api/tech-insights/checks",
    );
}

#[tokio::test]
async fn cors_preflight_is_answered_for_the_allowed_origin_only() {
    use axum::body::Body;
    use axum::http::{HeaderValue, Request};
    use tower::ServiceExt;

    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with(&dir, &[demo_report()]).await;
    let mut config =
        yardstick_server::ServerConfig::new(yardstick::PolicySet::builtin().expect("checks"));
    config.cors_origins = vec![HeaderValue::from_static("https://backstage.example.com")];
    let app = yardstick_server::app(store, &config);
    let preflight = |origin: &'static str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/api/tech-insights/checks/run/default/Component/fleet-manager")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .body(Body::empty())
            .expect("request")
    };
    let allowed = app
        .clone()
        .oneshot(preflight("https://backstage.example.com"))
        .await
        .expect("response");
    assert!(allowed.status().is_success(), "{:?}", allowed.status());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://backstage.example.com"
    );
    let other = app
        .clone()
        .oneshot(preflight("https://evil.example.com"))
        .await
        .expect("response");
    assert!(other.headers().get("access-control-allow-origin").is_none());
    // Without origins configured, no CORS header at all.
    let plain = demo_app(store_with(&tempfile::tempdir().expect("tempdir"), &[]).await);
    let request = Request::get("/healthz")
        .header("origin", "https://backstage.example.com")
        .body(Body::empty())
        .expect("request");
    let answer = plain.oneshot(request).await.expect("response");
    assert!(answer
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}
