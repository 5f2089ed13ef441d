//! The JSON API under `/api/v1/` on a store recorded from the demo catalog: every route
//! against the reports it was recorded from, its errors, and its OpenAPI document (every
//! route described, every described path answered, every answer valid against its schema).

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use axum::Router;
use serde_json::{json, Value};
use yardstick::report::Report;
use yardstick::CheckStatus;
use yardstick_store::{Store, TrendFilter};

use common::{assert_error, demo_app, demo_report, root, send, store_with};

/// Three runs of the demo a day apart: run 1 with the first scored entity 20 points lower,
/// run 2 without the last entity, run 3 the demo itself.
fn three_runs() -> Vec<Report> {
    let demo = demo_report();
    let mut first = demo.clone();
    if let Some(entity) = first.entities.iter_mut().find(|e| e.score.is_some()) {
        entity.score = entity.score.map(|s| (s - 20.0).max(0.0));
    }
    let mut second = demo.clone();
    second.entities.pop();
    vec![first, second, demo]
}

fn openapi() -> Value {
    let text = std::fs::read_to_string(root().join("crates/yardstick-server/src/openapi.json"))
        .expect("openapi.json");
    serde_json::from_str(&text).expect("openapi.json is JSON")
}

/// Asserts `body` is valid against the schema the document gives `method path` for
/// `status` (`path` as written in the document).
fn assert_described(doc: &Value, method: &str, path: &str, status: StatusCode, body: &Value) {
    let described = &doc["paths"][path][method]["responses"][status.as_str()]["content"]
        ["application/json"]["schema"];
    assert!(
        described.is_object(),
        "{method} {path} {status} is not described"
    );
    // The components travel with the schema so that its `#/components/…` refs resolve.
    let mut schema = described.clone();
    schema["components"] = doc["components"].clone();
    let validator = jsonschema::draft202012::new(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {errors:#?}\n{body}"
    );
}

/// `GET path`, checked against the document (as `described`) and expected to be `status`.
async fn get(app: &Router, doc: &Value, path: &str, described: &str, status: StatusCode) -> Value {
    let (got, body) = send(app, "GET", path, None).await;
    assert_eq!(got, status, "GET {path}: {body}");
    assert_described(doc, "get", described, status, &body);
    body
}

async fn app_with_runs(dir: &tempfile::TempDir, reports: &[Report]) -> (Router, Store) {
    let store = store_with(dir, reports).await;
    (demo_app(store.clone()), store)
}

fn references(page: &Value) -> Vec<String> {
    page["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| e["reference"].as_str().expect("reference").to_string())
        .collect()
}

fn sorted(report: &Report, keep: impl Fn(&yardstick::EntityScore) -> bool) -> Vec<String> {
    let mut kept: Vec<String> = report
        .entities
        .iter()
        .filter(|e| keep(e))
        .map(|e| e.reference.clone())
        .collect();
    kept.sort();
    kept
}

#[tokio::test]
async fn runs_are_listed_newest_first_in_pages_with_their_provenance() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = three_runs();
    let (app, _) = app_with_runs(&dir, &reports).await;
    let doc = openapi();
    let all = get(&app, &doc, "/api/v1/runs", "/api/v1/runs", StatusCode::OK).await;
    let ids: Vec<i64> = all["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    assert_eq!(ids, [3, 2, 1]);
    assert_eq!(all["next_before"], Value::Null);
    assert_eq!(all["runs"][0]["at"], "2026-01-03T02:00:00Z");
    assert_eq!(all["runs"][1]["entities"], json!(reports[1].entities.len()));

    let first = get(
        &app,
        &doc,
        "/api/v1/runs?limit=2",
        "/api/v1/runs",
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["runs"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["next_before"], 2);
    let rest = get(
        &app,
        &doc,
        "/api/v1/runs?limit=2&before=2",
        "/api/v1/runs",
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["runs"][0]["id"], 1);
    assert_eq!(rest["next_before"], Value::Null);

    let run = get(
        &app,
        &doc,
        "/api/v1/runs/2",
        "/api/v1/runs/{run}",
        StatusCode::OK,
    )
    .await;
    assert_eq!(run, all["runs"][1]);
    let latest = get(
        &app,
        &doc,
        "/api/v1/runs/latest",
        "/api/v1/runs/{run}",
        StatusCode::OK,
    )
    .await;
    assert_eq!(latest["id"], 3);
    for key in [
        "commits",
        "source",
        "yardstick_version",
        "policy_digest",
        "config_digest",
    ] {
        assert!(latest.get(key).is_some(), "{key}");
    }
    get(
        &app,
        &doc,
        "/api/v1/runs/9",
        "/api/v1/runs/{run}",
        StatusCode::NOT_FOUND,
    )
    .await;
    for bad in [
        "/api/v1/runs?limit=0",
        "/api/v1/runs?limit=501",
        "/api/v1/runs?before=x",
        "/api/v1/runs?limit=1&limit=2",
        "/api/v1/runs?page=2",
    ] {
        let body = get(&app, &doc, bad, "/api/v1/runs", StatusCode::BAD_REQUEST).await;
        assert_error(&body, StatusCode::BAD_REQUEST, "InputError", "GET", bad);
    }
    let bad = "/api/v1/runs/first";
    let body = get(
        &app,
        &doc,
        bad,
        "/api/v1/runs/{run}",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_error(&body, StatusCode::BAD_REQUEST, "InputError", "GET", bad);
}

#[tokio::test]
async fn entities_are_filtered_and_paged_in_reference_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = three_runs();
    let (app, _) = app_with_runs(&dir, &reports).await;
    let doc = openapi();
    let demo = &reports[2];
    let path = "/api/v1/entities";
    let all = get(&app, &doc, path, path, StatusCode::OK).await;
    assert_eq!(all["run"], 3);
    assert_eq!(all["total"], json!(demo.entities.len()));
    assert_eq!(references(&all), sorted(demo, |_| true));
    // Each entity's values are the report's.
    for entity in all["entities"].as_array().expect("entities") {
        let reported = demo
            .entities
            .iter()
            .find(|e| e.reference == entity["reference"])
            .expect("reported");
        assert_eq!(entity["owner"], json!(reported.owner), "{entity}");
        assert_eq!(entity["score"], json!(reported.score), "{entity}");
        let failing: Vec<String> = reported
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| c.id.to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(entity["failing_checks"], json!(failing), "{entity}");
    }
    // Run 2 lacks the last entity.
    let second = get(&app, &doc, "/api/v1/entities?run=2", path, StatusCode::OK).await;
    assert_eq!(references(&second), sorted(&reports[1], |_| true));

    let owner = demo
        .entities
        .iter()
        .find_map(|e| e.owner.clone())
        .expect("an owner");
    let query = format!(
        "{path}?owner={}&failing=true",
        owner.to_uppercase().replace(':', "%3A").replace('/', "%2F")
    );
    let expected = sorted(demo, |e| {
        e.owner.as_deref() == Some(&*owner)
            && e.checks.iter().any(|c| c.status == CheckStatus::Fail)
    });
    let found = get(&app, &doc, &query, path, StatusCode::OK).await;
    assert_eq!(references(&found), expected);
    assert_eq!(found["total"], json!(expected.len()));

    let system = demo
        .entities
        .iter()
        .find_map(|e| e.system.clone())
        .expect("a system");
    let query = format!(
        "{path}?system={}&kind=COMPONENT",
        system.replace('/', "%2F")
    );
    let expected = sorted(demo, |e| {
        e.system.as_deref() == Some(&*system) && e.kind.eq_ignore_ascii_case("component")
    });
    assert_eq!(
        references(&get(&app, &doc, &query, path, StatusCode::OK).await),
        expected
    );

    let every = sorted(demo, |_| true);
    let name = every[0].rsplit('/').next().expect("a name").to_uppercase();
    let found = get(
        &app,
        &doc,
        &format!("{path}?q={name}"),
        path,
        StatusCode::OK,
    )
    .await;
    assert!(references(&found).contains(&every[0]));
    // LIKE's wildcards are taken literally.
    let none = get(&app, &doc, &format!("{path}?q=%25"), path, StatusCode::OK).await;
    assert_eq!(none["total"], 0);

    // Pages of 2 cover the run once, in order.
    let mut paged = Vec::new();
    let mut offset = 0;
    while offset < every.len() {
        let page = get(
            &app,
            &doc,
            &format!("{path}?limit=2&offset={offset}"),
            path,
            StatusCode::OK,
        )
        .await;
        assert_eq!(page["total"], json!(every.len()));
        paged.extend(references(&page));
        offset += 2;
    }
    assert_eq!(paged, every);

    get(
        &app,
        &doc,
        &format!("{path}?run=7"),
        path,
        StatusCode::NOT_FOUND,
    )
    .await;
    for bad in [
        "?failing=yes",
        "?limit=-1",
        "?offset=x",
        "?run=0",
        "?owner=a&owner=b",
        "?sort=score",
    ] {
        let url = format!("{path}{bad}");
        let body = get(&app, &doc, &url, path, StatusCode::BAD_REQUEST).await;
        assert_error(&body, StatusCode::BAD_REQUEST, "InputError", "GET", &url);
    }
}

#[tokio::test]
async fn an_entity_history_is_its_intervals_matched_case_insensitively() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = three_runs();
    let (app, _) = app_with_runs(&dir, &reports).await;
    let doc = openapi();
    let described = "/api/v1/entities/{kind}/{namespace}/{name}/history";
    // The entity whose score moved: one interval for run 1, one from run 2 on.
    let moved = reports[2]
        .entities
        .iter()
        .find(|e| e.score.is_some())
        .expect("a scored entity");
    let (kind, rest) = moved.reference.split_once(':').expect("kind");
    let path = format!("/api/v1/entities/{}/{rest}/history", kind.to_uppercase());
    let history = get(&app, &doc, &path, described, StatusCode::OK).await;
    assert_eq!(history["reference"], moved.reference.as_str());
    let intervals: Vec<(Value, Value, Value)> = history["intervals"]
        .as_array()
        .expect("intervals")
        .iter()
        .map(|i| {
            (
                i["from_run"].clone(),
                i["to_run"].clone(),
                i["score"].clone(),
            )
        })
        .collect();
    let before = reports[0]
        .entities
        .iter()
        .find(|e| e.reference == moved.reference)
        .and_then(|e| e.score);
    let expected = if before == moved.score {
        vec![(json!(1), Value::Null, json!(moved.score))]
    } else {
        vec![
            (json!(1), json!(2), json!(before)),
            (json!(2), Value::Null, json!(moved.score)),
        ]
    };
    assert_eq!(intervals, expected);
    // Its checks did not change: one open interval each, from run 1.
    let checks = history["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), moved.checks.len());
    for check in checks {
        assert_eq!(
            (&check["from_run"], &check["to_run"]),
            (&json!(1), &Value::Null)
        );
    }

    // The entity run 2 lacked: two intervals, with a gap.
    let dropped = reports[2].entities.last().expect("an entity");
    let (kind, rest) = dropped.reference.split_once(':').expect("kind");
    let path = format!("/api/v1/entities/{kind}/{rest}/history");
    let history = get(&app, &doc, &path, described, StatusCode::OK).await;
    let runs: Vec<(Value, Value)> = history["intervals"]
        .as_array()
        .expect("intervals")
        .iter()
        .map(|i| (i["from_run"].clone(), i["to_run"].clone()))
        .collect();
    assert_eq!(runs, [(json!(1), json!(2)), (json!(3), Value::Null)]);

    let missing = "/api/v1/entities/component/default/no-such-entity/history";
    let body = get(&app, &doc, missing, described, StatusCode::NOT_FOUND).await;
    assert_error(
        &body,
        StatusCode::NOT_FOUND,
        "NotFoundError",
        "GET",
        missing,
    );
    let bad = format!("{missing}?x=1");
    get(&app, &doc, &bad, described, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn trends_equal_the_stores_per_group_trends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = three_runs();
    let (app, store) = app_with_runs(&dir, &reports).await;
    let doc = openapi();
    let described = "/api/v1/trends/{group}";
    let org = get(&app, &doc, "/api/v1/trends/org", described, StatusCode::OK).await;
    let expected = store.trend(&TrendFilter::All, None).await.expect("trend");
    assert_eq!(org["group"], "org");
    assert_eq!(org["series"].as_array().map(Vec::len), Some(1));
    assert_eq!(org["series"][0]["name"], Value::Null);
    assert_same_points(&org["series"][0]["points"], &expected, "org");

    for (path, group, filter) in [
        (
            "/api/v1/trends/owners",
            "owner",
            TrendFilter::Owner as fn(String) -> TrendFilter,
        ),
        ("/api/v1/trends/systems", "system", TrendFilter::System),
    ] {
        let answer = get(&app, &doc, path, described, StatusCode::OK).await;
        assert_eq!(answer["group"], group);
        let series = answer["series"].as_array().expect("series");
        let names: BTreeSet<String> = reports
            .iter()
            .flat_map(|r| &r.entities)
            .filter_map(|e| {
                let name = if group == "owner" {
                    &e.owner
                } else {
                    &e.system
                };
                name.as_ref().map(|n| n.to_string())
            })
            .collect();
        let named: Vec<&Value> = series.iter().filter(|s| !s["name"].is_null()).collect();
        assert_eq!(named.len(), names.len(), "{path}");
        for (serie, name) in named.into_iter().zip(&names) {
            assert_eq!(serie["name"], name.as_str());
            let expected = store
                .trend(&filter(name.clone()), None)
                .await
                .expect("trend");
            assert_same_points(&serie["points"], &expected, name);
        }
    }

    let owner = reports[2]
        .entities
        .iter()
        .find_map(|e| e.owner.clone())
        .expect("an owner");
    let one = format!(
        "/api/v1/trends/owners?name={}&last=2",
        owner.to_uppercase().replace('/', "%2F")
    );
    let answer = get(&app, &doc, &one, described, StatusCode::OK).await;
    assert_eq!(answer["series"].as_array().map(Vec::len), Some(1));
    let runs: Vec<&Value> = answer["series"][0]["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| &p["run"])
        .collect();
    assert_eq!(runs, [&json!(2), &json!(3)]);
    let since = get(
        &app,
        &doc,
        "/api/v1/trends/org?since=2026-01-02T02:00:00Z",
        described,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        since["series"][0]["points"].as_array().map(Vec::len),
        Some(2)
    );

    get(
        &app,
        &doc,
        "/api/v1/trends/teams",
        described,
        StatusCode::NOT_FOUND,
    )
    .await;
    for bad in [
        "/api/v1/trends/org?since=yesterday",
        "/api/v1/trends/org?last=0",
        "/api/v1/trends/org?name=x",
    ] {
        let body = get(&app, &doc, bad, described, StatusCode::BAD_REQUEST).await;
        assert_error(&body, StatusCode::BAD_REQUEST, "InputError", "GET", bad);
    }
}

#[tokio::test]
async fn an_empty_store_answers_empty_lists_and_404s() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (app, _) = app_with_runs(&dir, &[]).await;
    let doc = openapi();
    let runs = get(&app, &doc, "/api/v1/runs", "/api/v1/runs", StatusCode::OK).await;
    assert_eq!(runs, json!({"runs": [], "next_before": null}));
    get(
        &app,
        &doc,
        "/api/v1/runs/latest",
        "/api/v1/runs/{run}",
        StatusCode::NOT_FOUND,
    )
    .await;
    get(
        &app,
        &doc,
        "/api/v1/entities",
        "/api/v1/entities",
        StatusCode::NOT_FOUND,
    )
    .await;
    let org = get(
        &app,
        &doc,
        "/api/v1/trends/org",
        "/api/v1/trends/{group}",
        StatusCode::OK,
    )
    .await;
    assert_eq!(org["series"], json!([{"name": null, "points": []}]));
    let owners = get(
        &app,
        &doc,
        "/api/v1/trends/owners",
        "/api/v1/trends/{group}",
        StatusCode::OK,
    )
    .await;
    assert_eq!(owners["series"], json!([]));
}

/// The `/api/v1/` paths given to the router's `.route(…)` as literals, read from the
/// server's sources.
fn routed_paths() -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for source in ["src/server.rs", "src/api/mod.rs"] {
        let text = std::fs::read_to_string(root().join("crates/yardstick-server").join(source))
            .expect("source");
        for call in text.split(".route(").skip(1) {
            let Some(literal) = call.trim_start().strip_prefix('"') else {
                continue;
            };
            let path = literal.split('"').next().unwrap_or_default();
            if path.starts_with("/api/v1/") {
                paths.insert(path.to_string());
            }
        }
    }
    paths
}

/// Asserts two trend point lists are equal, scores to 1e-9 (a mean may be summed in
/// another order).
fn assert_same_points(got: &Value, expected: &[yardstick_store::TrendPoint], what: &str) {
    let got = got.as_array().expect("points");
    assert_eq!(got.len(), expected.len(), "{what}");
    for (got, expected) in got.iter().zip(expected) {
        let mut expected_json = json!(expected);
        let mut got = got.clone();
        match (got["score"].as_f64(), expected.score) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "{what}"),
        }
        got["score"] = Value::Null;
        expected_json["score"] = Value::Null;
        assert_eq!(got, expected_json, "{what}");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_is_served() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (app, _) = app_with_runs(&dir, &three_runs()).await;
    let doc = openapi();
    let (status, served) = send(&app, "GET", "/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, doc);
    assert_eq!(doc["openapi"], "3.1.0");
    let described: BTreeSet<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    let mut routed = routed_paths();
    // The runs path is routed by its constant.
    routed.insert(yardstick_server::RUNS_PATH.to_string());
    assert_eq!(routed, described, "routes vs. described paths");

    // Every described path and method is answered (not the router's 404 or 405).
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let concrete = path
            .replace("{run}", "1")
            .replace("{group}", "org")
            .replace("{kind}", "component")
            .replace("{namespace}", "default")
            .replace("{name}", "x");
        for method in item.as_object().expect("methods").keys() {
            let (status, body) = send(&app, &method.to_uppercase(), &concrete, Some("{}")).await;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(
                body["error"]["message"] != "no such route",
                "{method} {path} is not routed"
            );
            assert!(
                item[method]["responses"][status.as_str()].is_object(),
                "{method} {path} answers {status}, which is not described"
            );
        }
    }
    // A path under /api/v1/ that is not described is not answered.
    let (status, body) = send(&app, "GET", "/api/v1/entity", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["message"], "no such route");
}
