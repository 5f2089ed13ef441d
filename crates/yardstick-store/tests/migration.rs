//! Migrations carry a store's data over: 0002 (interned texts, interval tables become views)
//! a version-1 store's, 0003 (append-only intervals) a version-2 store's. The views read back
//! exactly the rows the old tables held, and recording goes on.

mod common;

use common::{day, entity, report};
use sqlx::{AnyConnection, Connection, Executor, Row};
use yardstick_store::{RunMeta, Store};

const V1: &str = include_str!("../src/migrations/0001_intervals.sql");
const V2: &str = include_str!("../src/migrations/0002_interned.sql");

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

/// Every row of both views, in one order.
async fn view_rows(conn: &mut AnyConnection) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    for sql in [
        "SELECT entity_ref, kind, repository, owner, system, score, level, stale, \
         valid_from_run, valid_to_run FROM entity_intervals",
        "SELECT entity_ref, check_id, status, severity, weight, message, pointer, location, \
         valid_from_run, valid_to_run FROM check_intervals",
    ] {
        let entity = sql.contains("entity_intervals");
        for r in sqlx::query(sql)
            .fetch_all(&mut *conn)
            .await
            .expect("a view")
        {
            rows.push(if entity {
                format!(
                    "entity {} {} {:?} {:?} {:?} {:?} {:?} {} {} {:?}",
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
            } else {
                format!(
                    "check {} {} {} {} {} {} {:?} {:?} {} {:?}",
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
            });
        }
    }
    rows.sort();
    rows
}

/// A version-2 store at `address` with three runs: entity a's score and check changed at
/// run 2, b was removed at run 2 and came back at run 3, c's repository failed at run 3
/// (stale), and a's check b was dropped at run 3.
async fn version_2_store(address: &str) -> AnyConnection {
    sqlx::any::install_default_drivers();
    let (url, key) = match address.strip_prefix("sqlite:") {
        Some(path) => (format!("sqlite://{path}?mode=rwc"), "INTEGER PRIMARY KEY"),
        None => (address.to_string(), "BIGINT PRIMARY KEY"),
    };
    let mut conn = AnyConnection::connect(&url).await.expect("connect");
    let code: String = [V1, V2]
        .join(";\n")
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    for statement in code.split(';').filter(|s| !s.trim().is_empty()) {
        let statement = statement.replace("ROWID_KEY", key);
        conn.execute(&*statement).await.expect("version 2 schema");
    }
    for statement in [
        "CREATE TABLE yardstick_schema (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        "INSERT INTO yardstick_schema VALUES (1, '2026-01-01T00:00:00Z'), \
         (2, '2026-01-01T00:00:00Z')",
        "INSERT INTO runs (id, recorded_at, at, commits, source, entities, lint_errors, \
         lint_warnings, lint_notes) VALUES \
         (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '[]', '{\"paths\":[]}', 3, 0, 0, 0), \
         (2, '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z', '[]', '{\"paths\":[]}', 2, 0, 0, 0), \
         (3, '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z', '[]', '{\"paths\":[]}', 3, 0, 0, 0)",
        "INSERT INTO texts (id, value) VALUES (1, 'component:default/a'), \
         (2, 'component:default/b'), (3, 'component:default/c'), (4, 'Component'), \
         (5, 'group:default/team-a'), (6, 'web'), (7, 'a'), (8, 'a passes'), (9, 'a fails'), \
         (10, '1:1-3:1'), (11, 'system:default/s'), (12, 'b'), (13, 'b passes'), (14, '')",
        "INSERT INTO entity_results (id, ref_id, kind_id, repository_id, owner_id, system_id, \
         score, level, stale, valid_from_run, valid_to_run) VALUES \
         (1, 1, 4, NULL, 5, NULL, 100.0, 'gold', 0, 1, 2), \
         (2, 1, 4, NULL, 5, NULL, 0.0, 'none', 0, 2, NULL), \
         (3, 2, 4, 6, 5, 11, NULL, NULL, 0, 1, 2), \
         (4, 3, 4, 6, 5, NULL, 50.0, 'silver', 0, 1, 3), \
         (5, 3, 4, 6, 5, NULL, 50.0, 'silver', 1, 3, NULL), \
         (6, 2, 4, 6, 5, 11, 10.0, 'none', 0, 3, NULL)",
        "INSERT INTO check_results (id, ref_id, check_name_id, status, severity, weight, \
         message_id, pointer_id, location_id, valid_from_run, valid_to_run) VALUES \
         (1, 1, 7, 'pass', 'critical', 10.0, 8, 14, 10, 1, 2), \
         (2, 1, 7, 'fail', 'critical', 10.0, 9, 14, 10, 2, NULL), \
         (3, 1, 12, 'pass', 'high', 7.5, 13, NULL, NULL, 1, 3), \
         (4, 2, 7, 'fail', 'critical', 10.0, 9, NULL, NULL, 1, 2), \
         (5, 3, 7, 'pass', 'critical', 10.0, 8, 14, 10, 1, NULL), \
         (6, 2, 7, 'fail', 'critical', 10.0, 9, NULL, NULL, 3, NULL)",
    ] {
        conn.execute(statement).await.expect("version 2 data");
    }
    conn
}

async fn a_version_2_store_reads_back_identically(address: String) {
    let mut conn = version_2_store(&address).await;
    let before = view_rows(&mut conn).await;
    assert_eq!(before.len(), 12, "{before:#?}");
    conn.close().await.expect("close");
    let store = Store::open(&address).await.expect("open and migrate");
    store.close().await;
    let url = match address.strip_prefix("sqlite:") {
        Some(path) => format!("sqlite://{path}"),
        None => address.clone(),
    };
    let mut conn = AnyConnection::connect(&url).await.expect("connect");
    assert_eq!(view_rows(&mut conn).await, before);
    let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM yardstick_schema")
        .fetch_one(&mut conn)
        .await
        .expect("the schema version");
    assert_eq!(version, 3);
    conn.close().await.expect("close");

    // Recording goes on: only a is left, so b and c end with their checks; a is unchanged.
    let store = Store::open(&address).await.expect("open");
    let a = entity(
        "component:default/a",
        "group:default/team-a",
        &[("a", "fail")],
    );
    let recorded = store
        .record_json(&report(&[a], None), &RunMeta::at(day(4)))
        .await
        .expect("record");
    assert_eq!(
        (
            recorded.run,
            recorded.entities_closed,
            recorded.checks_closed
        ),
        (4, 2, 2)
    );
    let trend = store
        .trend(&yardstick_store::TrendFilter::All, None)
        .await
        .expect("trend");
    let counts: Vec<(i64, i64)> = trend.iter().map(|p| (p.entities, p.stale)).collect();
    assert_eq!(counts, [(3, 0), (2, 0), (3, 1), (1, 0)]);
}

on_both_backends!(
    a_version_1_store_is_carried_over,
    a_version_2_store_reads_back_identically
);
