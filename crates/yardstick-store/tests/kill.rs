//! A recorder killed in the middle of its transaction leaves the store as it was.
//!
//! The test runs this test binary again as the recorder (`child_records_a_large_report`,
//! which does nothing unless `YARDSTICK_STORE_TEST_CHILD` is set), waits until it holds the
//! write lock, and kills it.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{day, entity, report};
use sqlx::{AnyConnection, Connection, Executor};
use yardstick_store::{RunMeta, Store};

const CHILD_VAR: &str = "YARDSTICK_STORE_TEST_CHILD";

/// Entities of the report the killed recorder records: large enough that recording takes
/// far longer than the polling below.
const LARGE: usize = 20_000;

#[test]
fn child_records_a_large_report() {
    let Ok(spec) = std::env::var(CHILD_VAR) else {
        return;
    };
    let (address, path) = spec.split_once('\n').expect("address and report path");
    let text = std::fs::read_to_string(path).expect("the report");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let store = Store::open(address).await.expect("open");
        // Plain deserialising: the schema check of a large report is slow in debug builds.
        let report: yardstick::report::Report = serde_json::from_str(&text).expect("a report");
        println!("recording");
        std::io::stdout().flush().expect("flush");
        store
            .record(&report, &RunMeta::at(day(2)))
            .await
            .expect("record");
        println!("recorded");
    });
}

/// True while another connection holds the store's write lock.
async fn write_locked(address: &str) -> bool {
    if let Some(path) = address.strip_prefix("sqlite:") {
        let mut conn = AnyConnection::connect(&format!("sqlite://{path}"))
            .await
            .expect("connect");
        conn.execute("PRAGMA busy_timeout = 0")
            .await
            .expect("pragma");
        let locked = conn.execute("BEGIN IMMEDIATE").await.is_err();
        if !locked {
            conn.execute("ROLLBACK").await.expect("rollback");
        }
        locked
    } else {
        let mut conn = AnyConnection::connect(address).await.expect("connect");
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .fetch_one(&mut conn)
        .await
        .expect("pg_locks");
        held > 0
    }
}

async fn killed_mid_record_leaves_the_previous_state(address: String) {
    let small = report(
        &[entity(
            "component:default/a",
            "group:default/t",
            &[("a", "pass")],
        )],
        None,
    );
    let store = Store::open(&address).await.expect("open");
    store
        .record_json(&small, &RunMeta::at(day(1)))
        .await
        .expect("record");
    let before = store.counts().await.expect("counts");
    let runs_before = store.runs().await.expect("runs");
    store.close().await;

    let entities: Vec<_> = (0..LARGE)
        .map(|i| {
            entity(
                &format!("component:default/e{i}"),
                "group:default/t",
                &[("a", "pass"), ("b", "fail"), ("c", "pass")],
            )
        })
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.json");
    std::fs::write(&path, report(&entities, None)).expect("write the report");
    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args([
            "--exact",
            "child_records_a_large_report",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_VAR, format!("{address}\n{}", path.display()))
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the recorder");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = lines
            .next()
            .expect("the recorder said nothing")
            .expect("a line");
        if line.contains("recording") {
            break;
        }
    }
    let started = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !write_locked(&address).await {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the recorder finished before it could be killed"
        );
        assert!(
            Instant::now() < deadline,
            "the recorder never took the write lock"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!("write lock seen after {:?}", started.elapsed());
    child.kill().expect("kill");
    child.wait().expect("reap");

    let store = Store::open(&address).await.expect("reopen after the kill");
    assert_eq!(store.counts().await.expect("counts"), before);
    assert_eq!(store.runs().await.expect("runs"), runs_before);
    // The store still takes runs.
    let next = store
        .record_json(&small, &RunMeta::at(day(3)))
        .await
        .expect("record");
    assert_eq!((next.run, next.entities_opened), (2, 0));
}

on_both_backends!(killed_mid_record_leaves_the_previous_state);
