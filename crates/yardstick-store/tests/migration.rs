//! Migration 0002 (interned texts, interval tables become views) carries a version-1 store's
//! data over: the views read back exactly the rows the old tables held, and recording goes on.

mod common;

use common::{day, entity, report};
use sqlx::{AnyConnection, Connection, Executor, Row};
use yardstick_store::{RunMeta, Store};

const V1: &str = include_str!("../src/migrations/0001_intervals.sql");

/// A version-1 store at `address` with two runs: entity b was removed at run 2.
async fn version_1_store(address: &str) {
    sqlx::any::install_default_drivers();
    let url = match address.strip_prefix("sqlite:") {
        Some(path) => format!("sqlite://{path}?mode=rwc"),
        None => address.to_string(),
    };
    let mut conn = AnyConnection::connect(&url).await.expect("connect");
    let code: String = V1
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    for statement in code.split(';').filter(|s| !s.trim().is_empty()) {
        conn.execute(statement).await.expect("version 1 schema");
    }
    for statement in [
        "CREATE TABLE yardstick_schema (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        "INSERT INTO yardstick_schema VALUES (1, '2026-01-01T00:00:00Z')",
        "INSERT INTO runs (id, recorded_at, at, commits, source, entities, lint_errors, \
         lint_warnings, lint_notes) VALUES \
         (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '[]', '{\"paths\":[]}', 2, 0, 0, 0), \
         (2, '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z', '[]', '{\"paths\":[]}', 1, 0, 0, 0)",
        "INSERT INTO entity_intervals VALUES \
         (1, 'component:default/a', 'Component', NULL, 'group:default/team-a', NULL, 100.0, 'gold', 0, 1, NULL), \
         (2, 'component:default/b', 'Component', 'web', 'group:default/team-a', 'system:default/s', NULL, NULL, 0, 1, 2)",
        "INSERT INTO check_intervals VALUES \
         (1, 'component:default/a', 'a', 'pass', 'critical', 10.0, 'a passes', '', '1:1-3:1', 1, NULL), \
         (2, 'component:default/b', 'a', 'fail', 'critical', 10.0, 'a fails', NULL, NULL, 1, 2)",
    ] {
        conn.execute(statement).await.expect("version 1 data");
    }
    conn.close().await.expect("close");
}

async fn a_version_1_store_is_carried_over(address: String) {
    version_1_store(&address).await;
    let store = Store::open(&address).await.expect("open and migrate");
    store.close().await;
    let url = match address.strip_prefix("sqlite:") {
        Some(path) => format!("sqlite://{path}"),
        None => address.clone(),
    };
    let mut conn = AnyConnection::connect(&url).await.expect("connect");
    let entities: Vec<String> = sqlx::query(
        "SELECT entity_ref, kind, repository, owner, system, score, level, stale, \
         valid_from_run, valid_to_run FROM entity_intervals ORDER BY entity_ref",
    )
    .fetch_all(&mut conn)
    .await
    .expect("the entity view")
    .iter()
    .map(|r| {
        format!(
            "{} {} {:?} {:?} {:?} {:?} {:?} {} {} {:?}",
            r.get::<String, _>(0),
            r.get::<String, _>(1),
            r.get::<Option<String>, _>(2),
            r.get::<Option<String>, _>(3),
            r.get::<Option<String>, _>(4),
            r.get::<Option<f64>, _>(5),
            r.get::<Option<String>, _>(6),
            r.get::<i64, _>(7),
            r.get::<i64, _>(8),
            r.get::<Option<i64>, _>(9),
        )
    })
    .collect();
    assert_eq!(
        entities,
        [
            "component:default/a Component None Some(\"group:default/team-a\") None Some(100.0) Some(\"gold\") 0 1 None",
            "component:default/b Component Some(\"web\") Some(\"group:default/team-a\") Some(\"system:default/s\") None None 0 1 Some(2)",
        ]
    );
    let checks: Vec<String> = sqlx::query(
        "SELECT entity_ref, check_id, status, severity, weight, message, pointer, location, \
         valid_from_run, valid_to_run FROM check_intervals ORDER BY entity_ref",
    )
    .fetch_all(&mut conn)
    .await
    .expect("the check view")
    .iter()
    .map(|r| {
        format!(
            "{} {} {} {} {} {} {:?} {:?} {} {:?}",
            r.get::<String, _>(0),
            r.get::<String, _>(1),
            r.get::<String, _>(2),
            r.get::<String, _>(3),
            r.get::<f64, _>(4),
            r.get::<String, _>(5),
            r.get::<Option<String>, _>(6),
            r.get::<Option<String>, _>(7),
            r.get::<i64, _>(8),
            r.get::<Option<i64>, _>(9),
        )
    })
    .collect();
    assert_eq!(
        checks,
        [
            "component:default/a a pass critical 10 a passes Some(\"\") Some(\"1:1-3:1\") 1 None",
            "component:default/b a fail critical 10 a fails None None 1 Some(2)",
        ]
    );
    conn.close().await.expect("close");

    // Recording goes on from the carried-over intervals: a's failing check is the change.
    let store = Store::open(&address).await.expect("open");
    let text = report(
        &[entity(
            "component:default/a",
            "group:default/team-a",
            &[("a", "fail")],
        )],
        None,
    );
    let recorded = store
        .record_json(&text, &RunMeta::at(day(3)))
        .await
        .expect("record");
    assert_eq!((recorded.run, recorded.entities_closed), (3, 1));
    let trend = store
        .trend(
            &yardstick_store::TrendFilter::Owner("group:default/team-a".into()),
            None,
        )
        .await
        .expect("trend");
    let entities: Vec<i64> = trend.iter().map(|p| p.entities).collect();
    assert_eq!(entities, [2, 1, 1]);
}

on_both_backends!(a_version_1_store_is_carried_over);
