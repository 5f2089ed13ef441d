//! Shared by the store tests: report builders and the two backends every test runs on.
//!
//! SQLite runs always, in a temporary directory. PostgreSQL runs when
//! `YARDSTICK_TEST_POSTGRES_URL` names a server (`.ci/run` starts one); each test gets a
//! database of its own. When the variable is set, an unreachable server fails the tests.

#![allow(dead_code)]

use serde_json::{json, Value};
use sqlx::{AnyConnection, Connection, Executor};

/// The variable naming the PostgreSQL server.
pub const POSTGRES_URL_VAR: &str = "YARDSTICK_TEST_POSTGRES_URL";

/// A check result: id and status (`pass` or `fail`).
pub type CheckSpec = (&'static str, &'static str);

/// An entity of a test report.
#[derive(Clone)]
pub struct Entity {
    pub reference: String,
    pub owner: Option<String>,
    pub system: Option<String>,
    pub file: String,
    pub checks: Vec<CheckSpec>,
}

/// An entity owned by `owner` with `checks` (a: critical, b: high, c: low).
pub fn entity(reference: &str, owner: &str, checks: &[CheckSpec]) -> Entity {
    Entity {
        reference: reference.to_string(),
        owner: Some(owner.to_string()),
        system: None,
        file: "catalog-info.yaml".to_string(),
        checks: checks.to_vec(),
    }
}

fn severity(check: &str) -> (&'static str, f64) {
    match check {
        "a" => ("critical", 10.0),
        "b" => ("high", 7.5),
        _ => ("low", 2.5),
    }
}

/// The entity's JSON, with score and level computed as yardstick does (default levels).
fn entity_json(e: &Entity) -> Value {
    let (mut passed, mut scored) = (0.0, 0.0);
    let mut worst = 0; // 0: nothing fails, 1: low, 2: high, 3: critical
    let checks: Vec<Value> = e
        .checks
        .iter()
        .map(|(id, status)| {
            let (severity, weight) = severity(id);
            scored += weight;
            if *status == "pass" {
                passed += weight;
            } else {
                worst = worst.max(match severity {
                    "critical" => 3,
                    "high" => 2,
                    _ => 1,
                });
            }
            json!({
                "id": id, "status": status, "severity": severity, "weight": weight,
                "message": format!("{id} {status}s"), "pointer": "",
                "location": {"file": e.file, "line": 1, "column": 1, "end_line": 3, "end_column": 1},
            })
        })
        .collect();
    let score = (scored > 0.0).then(|| 100.0 * passed / scored);
    let level = score.map(|_| ["gold", "silver", "bronze", "none"][worst]);
    json!({
        "ref": e.reference, "kind": "Component", "file": e.file,
        "owner": e.owner, "system": e.system, "score": score, "level": level,
        "checks": checks,
    })
}

/// A score report of `entities`, with `scan` as its `scan` object when given.
pub fn report(entities: &[Entity], scan: Option<Value>) -> String {
    let mut report = json!({
        "version": 1,
        "checks": [],
        "entities": entities.iter().map(entity_json).collect::<Vec<_>>(),
        "findings": [],
        "summary": {
            "entities": entities.len(), "score": null, "owners": [], "systems": [],
            "levels": {"gold": 0, "silver": 0, "bronze": 0, "none": 0},
            "expired_exemptions": [], "gate": {"passed": true, "reasons": []},
        },
    });
    if let Some(scan) = scan {
        report["scan"] = scan;
    }
    report.to_string()
}

/// A repository of an organisation scan of `acme`: `state` is `ok`, `failed` or `gone`.
pub fn repository(name: &str, state: &str) -> Value {
    json!({
        "name": name, "url": format!("https://github.com/acme/{name}"),
        "default_branch": "main", "head": "abc123", "ci": "passing",
        "files": [], "present": [],
        "error": (state != "ok").then(|| format!("{name} {state}")),
        "gone": state == "gone",
    })
}

/// An organisation scan of `repositories`.
pub fn scan(repositories: &[Value]) -> Value {
    let failed: Vec<&Value> = repositories
        .iter()
        .filter(|r| !r["error"].is_null() && r["gone"] != json!(true))
        .map(|r| &r["name"])
        .collect();
    json!({
        "organization": "acme", "shard": null, "selection": "api=api.github.com",
        "adoption": {"repositories": repositories.len(), "with_catalog": repositories.len(),
                     "share": 1.0, "without_catalog": [], "failed": failed},
        "repositories": repositories,
    })
}

/// An entity defined in repository `repo` of `acme`.
pub fn in_repository(mut e: Entity, repo: &str) -> Entity {
    e.file = format!("https://github.com/acme/{repo}/blob/abc123/catalog-info.yaml");
    e
}

/// `2026-01-DDT00:00:00Z`.
pub fn day(d: u32) -> chrono::DateTime<chrono::Utc> {
    format!("2026-01-{d:02}T00:00:00Z").parse().expect("a time")
}

/// A temporary SQLite store address (the directory lives as long as the guard).
pub fn sqlite_address() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let address = format!("sqlite:{}", dir.path().join("history.db").display());
    (dir, address)
}

/// A fresh PostgreSQL database for test `name` on the server the variable names, or
/// `None` when it is not set. Panics when it is set and the server cannot be reached.
pub async fn postgres_address(name: &str) -> Option<String> {
    let server = std::env::var(POSTGRES_URL_VAR).ok()?;
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR}={server} is unreachable: {e}"));
    let database = format!("yardstick_test_{name}");
    conn.execute(&*format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        .await
        .expect("drop the test database");
    conn.execute(&*format!("CREATE DATABASE {database}"))
        .await
        .expect("create the test database");
    let mut url = url::Url::parse(&server).expect("a PostgreSQL URL");
    url.set_path(&database);
    Some(url.to_string())
}

/// Runs each named `async fn(address: String)` against SQLite and, when configured,
/// PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (_dir, address) = $crate::common::sqlite_address();
                    super::$name(address).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(address) = $crate::common::postgres_address(stringify!($name)).await
                    else {
                        eprintln!("{} is not set: PostgreSQL not tested", $crate::common::POSTGRES_URL_VAR);
                        return;
                    };
                    super::$name(address).await;
                }
            )*
        }
    };
}
