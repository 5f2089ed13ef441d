//! No request makes the server panic: random methods, paths (the known routes with random,
//! encoded, `..`, very long segments), `qs` query strings, headers and bodies, sent to the
//! whole application over a recorded demo store. Every answer is below 500 but for 503
//! (store faults, time limits, Backstage's keys out of reach); API errors have Backstage's
//! body; and nothing is recorded but a valid, authorised ingest.

mod common;

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use proptest::prelude::*;
use serde_json::Value;
use yardstick::PolicySet;
use yardstick_server::{app, BackstageAuth, IngestConfig, ReadAuth, SecretToken, ServerConfig};
use yardstick_store::Store;

use common::{demo_report, respond, store_with};

const INGEST_TOKEN: &str = "ingest-token-0123";
const READ_TOKEN: &str = "read-token-0123";

/// The servers under test, over one store: reads open, and reads behind the read token and
/// a Backstage that does not answer.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    store: Store,
    open: Router,
    guarded: Router,
    report: String,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let report = demo_report();
        let store = runtime.block_on(store_with(&dir, std::slice::from_ref(&report)));
        let mut config = ServerConfig::new(PolicySet::builtin().expect("checks"));
        config.ingest = IngestConfig::new(INGEST_TOKEN);
        config.request_timeout = Duration::from_secs(20);
        let open = runtime.block_on(async { app(store.clone(), &config) });
        // A port nothing listens on: Backstage tokens meet a fault, never an accept.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", closed.local_addr().expect("address"));
        drop(closed);
        config.read_auth = ReadAuth {
            backstage: Some(BackstageAuth::new(&url).expect("URL")),
            token: SecretToken::new(READ_TOKEN),
        };
        let guarded = runtime.block_on(async { app(store.clone(), &config) });
        Fixture {
            runtime,
            store,
            open,
            guarded,
            report: serde_json::to_string(&report).expect("report JSON"),
            _dir: dir,
        }
    })
}

/// A path segment: plain, encoded, traversal, non-UTF-8 percent-encoding, or very long.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-z0-9._~-]{0,12}",
        1 => Just("..".to_string()),
        1 => Just("%2e%2e".to_string()),
        1 => Just("%2F".to_string()),
        1 => Just("%ff%fe%00".to_string()),
        1 => "(%[0-9A-Fa-f]{2}){1,8}",
        1 => "[a-z]{1,4}".prop_map(|s| s.repeat(2000)),
        1 => Just("fleet-manager".to_string()),
        1 => Just("Component".to_string()),
        1 => Just("default".to_string()),
        1 => Just("component".to_string()),
        1 => Just("fleet-manager.svg".to_string()),
    ]
}

/// A path: a known route with random segments, or segments alone.
fn path() -> impl Strategy<Value = String> {
    let routes = prop_oneof![
        Just("/api/tech-insights/checks/run/{}/{}/{}"),
        Just("/api/tech-insights/checks/run"),
        Just("/api/tech-insights/checks"),
        Just("/api/tech-insights/facts/latest"),
        Just("/api/tech-insights/fact-schemas"),
        Just("/api/tech-insights/{}"),
        Just("/api/v1/runs"),
        Just("/api/v1/{}"),
        Just("/api/v1/{}/{}"),
        Just("/entity/{}/{}/{}"),
        Just("/badge/{}/{}/{}"),
        Just("/healthz"),
        Just("/"),
        Just("/{}"),
        Just("/{}/{}/{}/{}"),
    ];
    (routes, prop::collection::vec(segment(), 4)).prop_map(|(route, segments)| {
        let mut path = route.to_string();
        for s in segments {
            path = path.replacen("{}", &s, 1);
        }
        path
    })
}

/// A `qs`-style query string: indexed and nested brackets, huge indexes, stray `%`.
fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("entity".to_string()),
        Just("ids[0]".to_string()),
        Just("ids%5B1%5D".to_string()),
        Just("ids[99999999999999999999]".to_string()),
        Just("ids[]".to_string()),
        Just("a[b][c][d][e][f][g]".to_string()),
        Just("at".to_string()),
        Just("commit".to_string()),
        Just("%".to_string()),
        "[a-z\\[\\]0-9%]{1,16}",
        "\\[{1,64}".prop_map(|s| format!("x{s}")),
    ];
    let value = prop_oneof![
        Just("component:default/fleet-manager".to_string()),
        Just("component%3Adefault%2Ffleet-manager".to_string()),
        Just("2026-13-45T99:00:00Z".to_string()),
        Just("2030-01-01T00%3A00%3A00Z".to_string()),
        Just("%ff%fe".to_string()),
        "[A-Za-z0-9%:/.\\[\\]-]{0,24}",
    ];
    prop::collection::vec((key, value), 0..6).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        3 => Just(Method::GET),
        3 => Just(Method::POST),
        1 => Just(Method::PUT),
        1 => Just(Method::DELETE),
        1 => Just(Method::HEAD),
        1 => Just(Method::OPTIONS),
        1 => Just(Method::PATCH),
        1 => "[A-Z]{1,12}".prop_filter_map("a method", |m| Method::from_bytes(m.as_bytes()).ok()),
    ]
}

fn authorization() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(format!("Bearer {INGEST_TOKEN}"))),
        Just(Some(format!("bearer {READ_TOKEN}"))),
        Just(Some("Bearer".to_string())),
        Just(Some("Bearer a.b.c".to_string())),
        Just(Some(
            "Bearer eyJhbGciOiJub25lIiwia2lkIjoiYSJ9.eyJzdWIiOiJ4In0.".to_string()
        )),
        Just(Some(
            "Bearer eyJhbGciOiJFUzI1NiIsInR5cCI6InZuZC5iYWNrc3RhZ2UucGx1Z2luIiwia2lkIjoiYSJ9.eyJzdWIiOiIuLi9hdXRoIn0.AAAA"
                .to_string()
        )),
        Just(Some("Basic dXNlcjpwYXNz".to_string())),
        "[ -~]{0,80}".prop_map(Some),
    ]
}

/// Random JSON, up to a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[ -~]{0,16}".prop_map(Value::String),
        Just(Value::String("component:default/fleet-manager".to_string())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("entities".to_string()),
                    Just("checks".to_string()),
                    Just("namespace".to_string()),
                    Just("kind".to_string()),
                    Just("name".to_string()),
                    Just("version".to_string()),
                    "[a-z]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A body: none, random JSON, random bytes, or the demo report itself.
fn body() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        3 => Just(None),
        4 => json().prop_map(|v| Some(v.to_string().into_bytes())),
        2 => prop::collection::vec(any::<u8>(), 0..256).prop_map(Some),
        1 => Just(Some(b"{\"entities\": [{\"namespace\": \"default\"}]".to_vec())),
        1 => Just(Some(Vec::new())),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    method: Method,
    path: String,
    query: String,
    authorization: Option<String>,
    content_type: Option<String>,
    content_length: Option<u64>,
    body: Option<Vec<u8>>,
    report: bool,
    guarded: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        method(),
        path(),
        query(),
        authorization(),
        prop_oneof![
            Just(None),
            Just(Some("application/json".to_string())),
            "[ -~]{0,30}".prop_map(Some)
        ],
        prop_oneof![4 => Just(None), 1 => any::<u64>().prop_map(Some), 1 => (0u64..64).prop_map(Some)],
        body(),
        prop::bool::weighted(0.05),
        any::<bool>(),
    )
        .prop_map(
            |(method, path, query, authorization, content_type, content_length, body, report, guarded)| Case {
                method,
                path,
                query,
                authorization,
                content_type,
                content_length,
                body,
                report,
                guarded,
            },
        )
}

/// Sends `case`; `None` when it is not a valid HTTP request at all.
fn send(fixture: &Fixture, case: &Case) -> Option<(StatusCode, String, Vec<u8>)> {
    let uri = if case.query.is_empty() {
        case.path.clone()
    } else {
        format!("{}?{}", case.path, case.query)
    };
    let mut request = Request::builder().method(case.method.clone()).uri(&uri);
    if let Some(value) = &case.authorization {
        request = request.header("authorization", value.as_bytes());
    }
    if let Some(value) = &case.content_type {
        request = request.header("content-type", value.as_bytes());
    }
    if let Some(n) = case.content_length {
        request = request.header("content-length", n);
    }
    let body = if case.report {
        Body::from(fixture.report.clone())
    } else {
        case.body.clone().map_or_else(Body::empty, Body::from)
    };
    let request = request.body(body).ok()?;
    let app = if case.guarded {
        &fixture.guarded
    } else {
        &fixture.open
    };
    let (status, headers, bytes) = fixture.runtime.block_on(respond(app, request));
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    Some((status, content_type, bytes.to_vec()))
}

fn runs(fixture: &Fixture) -> usize {
    fixture
        .runtime
        .block_on(fixture.store.runs())
        .expect("runs")
        .len()
}

/// The answer's properties; an error says which one failed.
fn check(fixture: &Fixture, case: &Case) -> Result<(), TestCaseError> {
    // The properties run in parallel over one store: one request at a time, so that the
    // runs counted before and after are this request's.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let before = runs(fixture);
    let Some((status, content_type, bytes)) = send(fixture, case) else {
        return Ok(());
    };
    let recorded = runs(fixture) - before;
    let ingest = case.method == Method::POST && case.path == yardstick_server::RUNS_PATH;
    let authorised = case.authorization.as_deref() == Some(&format!("Bearer {INGEST_TOKEN}"));
    prop_assert!(
        status != StatusCode::INTERNAL_SERVER_ERROR
            && (!status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE),
        "{status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    prop_assert_eq!(recorded, usize::from(status == StatusCode::CREATED));
    prop_assert!(status != StatusCode::CREATED || (ingest && authorised && case.report));
    let is_error = status.is_client_error() || status.is_server_error();
    if is_error && case.method != Method::HEAD && case.path.starts_with("/api/") {
        prop_assert!(
            content_type.starts_with("application/json"),
            "{status} {content_type}"
        );
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| TestCaseError::fail(format!("{status}: not JSON: {e}")))?;
        prop_assert!(value["error"]["name"].is_string(), "{value}");
        prop_assert!(value["error"]["message"].is_string(), "{value}");
        prop_assert_eq!(
            &value["response"]["statusCode"],
            &Value::from(status.as_u16())
        );
        prop_assert_eq!(
            &value["request"]["method"],
            &Value::from(case.method.as_str())
        );
    }
    let exempt = case.path == "/healthz" || case.path == yardstick_server::OWN_JWKS_PATH || ingest;
    if case.guarded && !exempt && status.is_success() {
        let read = format!("bearer {READ_TOKEN}");
        prop_assert_eq!(
            case.authorization.as_deref(),
            Some(read.as_str()),
            "a guarded read succeeded without the read token"
        );
    }
    Ok(())
}

/// Requests to the Tech Insights routes with the demo's entities among random ones.
fn tech_insights_case() -> impl Strategy<Value = Case> {
    let known = || {
        prop_oneof![
            Just("default".to_string()),
            Just("Component".to_string()),
            Just("component".to_string()),
            Just("fleet-manager".to_string()),
            Just("FLEET-MANAGER".to_string()),
            segment(),
        ]
    };
    let path = prop_oneof![
        (known(), known(), known())
            .prop_map(|(n, k, e)| format!("/api/tech-insights/checks/run/{n}/{k}/{e}")),
        Just("/api/tech-insights/checks/run".to_string()),
        Just("/api/tech-insights/facts/latest".to_string()),
    ];
    let body = prop_oneof![
        json().prop_map(|v| Some(v.to_string().into_bytes())),
        Just(Some(br#"{"checks": ["has-owner", 1, null]}"#.to_vec())),
        Just(Some(
            br#"{"entities": [{"namespace": "default", "kind": "Component", "name": "fleet-manager"}, {}], "checks": []}"#
                .to_vec()
        )),
        Just(None),
    ];
    (path, query(), body, any::<bool>()).prop_map(|(path, query, body, get)| Case {
        method: if get { Method::GET } else { Method::POST },
        path,
        query,
        authorization: None,
        content_type: Some("application/json".to_string()),
        content_length: None,
        body,
        report: false,
        guarded: false,
    })
}

/// Ingest requests: the demo report or other bodies, with or without the token.
fn ingest_case() -> impl Strategy<Value = Case> {
    let query = prop_oneof![
        Just(String::new()),
        (2027i32..2100).prop_map(|year| format!("at={year}-01-01T00%3A00%3A00Z&commit=abc")),
        query(),
    ];
    (
        authorization(),
        query,
        body(),
        any::<bool>(),
        prop_oneof![Just(None), (0u64..1_000_000).prop_map(Some)],
    )
        .prop_map(
            |(authorization, query, body, report, content_length)| Case {
                method: Method::POST,
                path: yardstick_server::RUNS_PATH.to_string(),
                query,
                authorization,
                content_type: Some("application/json".to_string()),
                content_length: if report { None } else { content_length },
                body,
                report,
                guarded: false,
            },
        )
}

proptest! {
    // Failures are kept as named regression tests below, not in a seed file.
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_request_panics_fails_or_records(case in case()) {
        check(fixture(), &case)?;
    }

    #[test]
    fn tech_insights_requests_never_fail(case in tech_insights_case()) {
        check(fixture(), &case)?;
    }

    #[test]
    fn only_an_authorised_valid_report_is_recorded(case in ingest_case()) {
        check(fixture(), &case)?;
    }
}

/// Extremes the strategies reach rarely: deep nesting, huge bodies of brackets, very long
/// query keys, a declared length far past the body.
#[test]
fn extreme_requests_are_answered() {
    let fixture = fixture();
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
    let brackets = format!("ids{}=x", "[0]".repeat(10_000));
    let bodies = [deep_json.clone(), deep_object, "\"".repeat(1_000)];
    let paths = [
        "/api/tech-insights/checks/run",
        "/api/tech-insights/checks/run/default/Component/fleet-manager",
        yardstick_server::RUNS_PATH,
    ];
    for path in paths {
        for body in &bodies {
            for authorization in [None, Some(format!("Bearer {INGEST_TOKEN}"))] {
                let case = Case {
                    method: Method::POST,
                    path: path.to_string(),
                    query: String::new(),
                    authorization,
                    content_type: Some("application/json".to_string()),
                    content_length: None,
                    body: Some(body.clone().into_bytes()),
                    report: false,
                    guarded: false,
                };
                check(fixture, &case).unwrap_or_else(|e| panic!("{path}: {e}"));
            }
        }
    }
    for query in [
        brackets,
        format!("entity={}", "%".repeat(50_000)),
        "&".repeat(50_000),
    ] {
        let case = Case {
            method: Method::GET,
            path: "/api/tech-insights/facts/latest".to_string(),
            query,
            authorization: None,
            content_type: None,
            content_length: Some(u64::MAX),
            body: None,
            report: false,
            guarded: false,
        };
        check(fixture, &case).unwrap_or_else(|e| panic!("{e}"));
    }
}
