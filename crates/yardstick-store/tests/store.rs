//! The store's behaviour, on SQLite and (when `YARDSTICK_TEST_POSTGRES_URL` is set)
//! PostgreSQL: recording, trends, diffs, pruning, concurrency, refusals, stale entities.

mod common;

use std::time::Duration;

use common::{day, entity, in_repository, report, repository, scan};
use yardstick_store::{RunMeta, Store, StoreError, TrendFilter};

const A: &str = "component:default/a";
const B: &str = "component:default/b";
const C: &str = "component:default/c";
const TEAM_A: &str = "group:default/team-a";
const TEAM_B: &str = "group:default/team-b";

async fn record(store: &Store, text: &str, d: u32) -> yardstick_store::Recorded {
    store
        .record_json(text, &RunMeta::at(day(d)))
        .await
        .unwrap_or_else(|e| panic!("record day {d}: {e}"))
}

async fn unchanged_runs_write_no_intervals(address: String) {
    let store = Store::open(&address).await.expect("open");
    let text = report(
        &[
            entity(A, TEAM_A, &[("a", "pass"), ("b", "pass")]),
            entity(B, TEAM_B, &[("a", "pass"), ("c", "fail")]),
        ],
        None,
    );
    let first = record(&store, &text, 1).await;
    assert_eq!(
        (first.run, first.entities_opened, first.checks_opened),
        (1, 2, 4)
    );
    let before = store.counts().await.expect("counts");
    let second = record(&store, &text, 2).await;
    assert_eq!(second.run, 2);
    assert_eq!(
        (
            second.entities_opened,
            second.entities_closed,
            second.checks_opened,
            second.checks_closed
        ),
        (0, 0, 0, 0)
    );
    let after = store.counts().await.expect("counts");
    assert_eq!(after.runs, 2);
    assert_eq!(
        (after.entity_intervals, after.check_intervals),
        (before.entity_intervals, before.check_intervals)
    );
}

async fn a_change_closes_and_opens_only_what_changed(address: String) {
    let store = Store::open(&address).await.expect("open");
    let a = entity(A, TEAM_A, &[("a", "pass"), ("b", "pass"), ("c", "pass")]);
    let b = entity(B, TEAM_B, &[("a", "pass")]);
    record(&store, &report(&[a.clone(), b.clone()], None), 1).await;
    let worse = entity(A, TEAM_A, &[("a", "pass"), ("b", "fail"), ("c", "pass")]);
    let second = record(&store, &report(&[worse, b], None), 2).await;
    // A's score and level changed, and one of its checks.
    assert_eq!(
        (
            second.entities_opened,
            second.entities_closed,
            second.checks_opened,
            second.checks_closed
        ),
        (1, 1, 1, 1)
    );
    let counts = store.counts().await.expect("counts");
    assert_eq!(
        (
            counts.entity_intervals,
            counts.open_entity_intervals,
            counts.check_intervals
        ),
        (3, 2, 5)
    );
    let runs = store.runs().await.expect("runs");
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(runs[1].at, day(2));
    assert_eq!(runs[1].entities, 2);
}

async fn trend_follows_scores_and_levels(address: String) {
    let store = Store::open(&address).await.expect("open");
    let b = || entity(B, TEAM_B, &[("a", "pass"), ("b", "fail")]); // 57.14…, bronze
    record(
        &store,
        &report(&[entity(A, TEAM_A, &[("a", "pass")]), b()], None),
        1,
    )
    .await;
    record(
        &store,
        &report(&[entity(A, TEAM_A, &[("a", "fail")]), b()], None),
        2,
    )
    .await;
    record(&store, &report(&[b()], None), 3).await;
    let all = store.trend(&TrendFilter::All, None).await.expect("trend");
    assert_eq!(all.iter().map(|p| p.run).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        all.iter().map(|p| p.entities).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    let b_score = 100.0 * 10.0 / 17.5;
    let close = |x: Option<f64>, y: f64| (x.expect("a score") - y).abs() < 1e-9;
    assert!(close(all[0].score, (100.0 + b_score) / 2.0), "{:?}", all[0]);
    assert!(close(all[1].score, b_score / 2.0), "{:?}", all[1]);
    assert!(close(all[2].score, b_score), "{:?}", all[2]);
    assert_eq!(
        (all[0].levels.gold, all[0].levels.bronze, all[0].levels.none),
        (1, 1, 0)
    );
    assert_eq!(
        (all[1].levels.gold, all[1].levels.bronze, all[1].levels.none),
        (0, 1, 1)
    );
    let team_a = store
        .trend(&TrendFilter::Owner(TEAM_A.into()), None)
        .await
        .expect("trend");
    assert_eq!(
        team_a.iter().map(|p| p.entities).collect::<Vec<_>>(),
        [1, 1, 0]
    );
    assert_eq!(team_a[2].score, None);
    let one = store
        .trend(&TrendFilter::Entity(B.into()), Some(day(2)))
        .await
        .expect("trend");
    assert_eq!(one.iter().map(|p| p.run).collect::<Vec<_>>(), [2, 3]);
    assert!(one.iter().all(|p| close(p.score, b_score)));
}

async fn diff_lists_exactly_what_changed(address: String) {
    let store = Store::open(&address).await.expect("open");
    let first = [
        entity(A, TEAM_A, &[("a", "pass"), ("b", "pass")]),
        entity(B, TEAM_B, &[("a", "fail"), ("b", "pass")]),
        entity(C, TEAM_B, &[("a", "pass")]),
    ];
    let second = [
        entity(A, TEAM_A, &[("a", "pass"), ("b", "fail")]),
        entity(B, TEAM_B, &[("a", "pass"), ("b", "pass")]),
        entity("component:default/d", TEAM_B, &[("a", "pass")]),
    ];
    record(&store, &report(&first, None), 1).await;
    record(&store, &report(&second, None), 2).await;
    let diff = store.diff(None, None).await.expect("diff");
    assert_eq!((diff.from.id, diff.to.id), (1, 2));
    let drops: Vec<_> = diff
        .level_drops
        .iter()
        .map(|c| (c.entity.as_str(), c.before.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(drops, [(A, "gold", "bronze")]);
    let rises: Vec<_> = diff
        .level_rises
        .iter()
        .map(|c| (c.entity.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(rises, [(B, "gold")]);
    let failing: Vec<_> = diff
        .newly_failing
        .iter()
        .map(|c| (c.entity.as_str(), c.check.as_str()))
        .collect();
    assert_eq!(failing, [(A, "b")]);
    let passing: Vec<_> = diff
        .newly_passing
        .iter()
        .map(|c| (c.entity.as_str(), c.check.as_str()))
        .collect();
    assert_eq!(passing, [(B, "a")]);
    assert_eq!(diff.added, ["component:default/d"]);
    assert_eq!(diff.removed, [C]);
    let owners: Vec<_> = diff
        .owners
        .iter()
        .map(|g| (g.key.as_str(), g.fell()))
        .collect();
    assert_eq!(owners, [(TEAM_A, true), (TEAM_B, false)]);
    assert!(diff.regressed());
    // Nothing changed: nothing to report, nothing worse.
    record(&store, &report(&second, None), 3).await;
    let same = store.diff(None, None).await.expect("diff");
    assert!(!same.regressed());
    assert!(
        same.level_drops.is_empty()
            && same.added.is_empty()
            && same.removed.is_empty()
            && same.owners.is_empty()
    );
    // Explicit runs: 1 → 3 is 1 → 2.
    let explicit = store.diff(Some(1), Some(3)).await.expect("diff");
    assert_eq!(explicit.newly_failing.len(), 1);
    assert!(matches!(
        store.diff(Some(9), None).await,
        Err(StoreError::NoSuchRun(9))
    ));
}

async fn diff_needs_two_runs(address: String) {
    let store = Store::open(&address).await.expect("open");
    assert!(matches!(
        store.diff(None, None).await,
        Err(StoreError::NotEnoughRuns(_))
    ));
    record(
        &store,
        &report(&[entity(A, TEAM_A, &[("a", "pass")])], None),
        1,
    )
    .await;
    assert!(matches!(
        store.diff(None, None).await,
        Err(StoreError::NotEnoughRuns(_))
    ));
}

async fn prune_keeps_what_kept_runs_need(address: String) {
    let store = Store::open(&address).await.expect("open");
    let now = chrono::Utc::now();
    let old = |days: i64| now - chrono::Duration::days(days);
    let a = |status| entity(A, TEAM_A, &[("a", status)]);
    let b = entity(B, TEAM_B, &[("a", "pass")]);
    let runs = [
        (old(100), vec![a("pass"), b.clone()]),
        (old(50), vec![a("fail"), b.clone()]),
        (old(10), vec![a("pass"), b.clone()]),
        (old(1), vec![a("pass"), b.clone()]),
    ];
    for (at, entities) in &runs {
        store
            .record_json(&report(entities, None), &RunMeta::at(*at))
            .await
            .expect("record");
    }
    let before = store
        .trend(&TrendFilter::All, Some(old(20)))
        .await
        .expect("trend");
    let pruned = store
        .prune(Duration::from_secs(20 * 86_400))
        .await
        .expect("prune");
    assert_eq!(pruned.runs, 2);
    // A's intervals of runs 1 and 2 ended by run 3, the oldest kept; B's spans them all.
    assert_eq!((pruned.entity_intervals, pruned.check_intervals), (2, 2));
    let runs = store.runs().await.expect("runs");
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(
        store.trend(&TrendFilter::All, None).await.expect("trend"),
        before
    );
    let counts = store.counts().await.expect("counts");
    assert_eq!((counts.entity_intervals, counts.check_intervals), (2, 2));
    let diff = store.diff(None, None).await.expect("diff");
    assert!(!diff.regressed() && diff.removed.is_empty());
    // Everything older than the cut-off: the latest run stays.
    let pruned = store.prune(Duration::from_secs(0)).await.expect("prune");
    assert_eq!(pruned.runs, 1);
    assert_eq!(
        store
            .trend(&TrendFilter::All, None)
            .await
            .expect("trend")
            .len(),
        1
    );
    store
        .record_json(&report(&[a("fail")], None), &RunMeta::at(now))
        .await
        .expect("record");
}

async fn concurrent_recorders_take_turns(address: String) {
    let entities: Vec<_> = (0..300)
        .map(|i| {
            entity(
                &format!("component:default/e{i}"),
                TEAM_A,
                &[("a", "pass"), ("b", "fail")],
            )
        })
        .collect();
    let text = std::sync::Arc::new(report(&entities, None));
    Store::open(&address).await.expect("open").close().await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (text, address) = (text.clone(), address.clone());
            tokio::spawn(async move {
                // A store of its own: its own connections, like another process.
                let store = Store::open(&address).await.expect("open");
                store.record_json(&text, &RunMeta::at(day(1))).await
            })
        })
        .collect();
    let mut opened = Vec::new();
    for task in tasks {
        opened.push(task.await.expect("task").expect("record").entities_opened);
    }
    opened.sort_unstable();
    // Exactly one recorder saw an empty store; the others saw its intervals.
    assert_eq!(opened, [0, 0, 0, 300]);
    let store = Store::open(&address).await.expect("open");
    let counts = store.counts().await.expect("counts");
    assert_eq!(
        (counts.runs, counts.entity_intervals, counts.check_intervals),
        (4, 300, 600)
    );
}

async fn bad_reports_are_refused_and_write_nothing(address: String) {
    let store = Store::open(&address).await.expect("open");
    let good = report(&[entity(A, TEAM_A, &[("a", "pass")])], None);
    let mut out_of_range: serde_json::Value = serde_json::from_str(&good).expect("json");
    out_of_range["entities"][0]["score"] = serde_json::json!(150.0);
    let mut no_level: serde_json::Value = serde_json::from_str(&good).expect("json");
    no_level["entities"][0]["level"] = serde_json::Value::Null;
    let shard = report(
        &[entity(A, TEAM_A, &[("a", "pass")])],
        Some({
            let mut s = scan(&[repository("web", "ok")]);
            s["shard"] = serde_json::json!("1/2");
            s
        }),
    );
    let duplicate = report(
        &[entity(A, TEAM_A, &[("a", "pass")]), entity(A, TEAM_B, &[])],
        None,
    );
    let cases = [
        ("{not json", "not JSON"),
        (r#"{"version": 1}"#, "required"),
        (&out_of_range.to_string(), "/entities/0/score"),
        (&no_level.to_string(), "/entities/0/level"),
        (&shard, "shard 1/2"),
        (&duplicate, "appears twice"),
    ];
    for (text, expected) in cases {
        let error = store
            .record_json(text, &RunMeta::at(day(1)))
            .await
            .expect_err("refused");
        assert!(matches!(error, StoreError::InvalidReport(_)), "{error}");
        assert!(
            error.to_string().contains(expected),
            "{expected:?} not in: {error}"
        );
    }
    // A report built in memory skips the schema, not the checks beyond it.
    let mut report = yardstick_store::parse_report(&good).expect("valid");
    report.entities[0].level = None;
    let error = store
        .record(&report, &RunMeta::at(day(1)))
        .await
        .expect_err("refused");
    assert!(
        error.to_string().contains("a score without a level"),
        "{error}"
    );
    let counts = store.counts().await.expect("counts");
    assert_eq!(
        (counts.runs, counts.entity_intervals, counts.check_intervals),
        (0, 0, 0)
    );
}

async fn a_run_before_the_latest_is_refused(address: String) {
    let store = Store::open(&address).await.expect("open");
    let text = report(&[entity(A, TEAM_A, &[("a", "pass")])], None);
    record(&store, &text, 5).await;
    let error = store
        .record_json(&text, &RunMeta::at(day(4)))
        .await
        .expect_err("refused");
    assert!(
        matches!(error, StoreError::OutOfOrder { latest_id: 1, .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("2026-01-05T00:00:00Z"),
        "{error}"
    );
    assert_eq!(store.counts().await.expect("counts").runs, 1);
    // The same time as the latest run is fine.
    record(&store, &text, 5).await;
}

async fn failed_repositories_keep_their_entities_stale(address: String) {
    let store = Store::open(&address).await.expect("open");
    let web = in_repository(entity(A, TEAM_A, &[("a", "pass")]), "web");
    let api = in_repository(entity(B, TEAM_B, &[("a", "pass")]), "api");
    let ok = scan(&[repository("api", "ok"), repository("web", "ok")]);
    record(
        &store,
        &report(&[web.clone(), api.clone()], Some(ok.clone())),
        1,
    )
    .await;
    let failed = scan(&[repository("api", "failed"), repository("web", "ok")]);
    let second = record(
        &store,
        &report(std::slice::from_ref(&web), Some(failed.clone())),
        2,
    )
    .await;
    assert_eq!(second.stale, 1);
    let diff = store.diff(None, None).await.expect("diff");
    assert_eq!(diff.stale, [B]);
    assert!(diff.removed.is_empty(), "{:?}", diff.removed);
    assert!(!diff.regressed());
    let trend = store.trend(&TrendFilter::All, None).await.expect("trend");
    assert_eq!((trend[1].entities, trend[1].stale), (2, 1));
    // Still failing: nothing to write.
    let third = record(&store, &report(std::slice::from_ref(&web), Some(failed)), 3).await;
    assert_eq!(
        (third.stale, third.entities_opened, third.entities_closed),
        (1, 0, 0)
    );
    // Back: no longer stale, and its checks never closed.
    let fourth = record(&store, &report(&[web, api], Some(ok)), 4).await;
    assert_eq!(
        (fourth.stale, fourth.entities_opened, fourth.checks_opened),
        (0, 1, 0)
    );
    let trend = store.trend(&TrendFilter::All, None).await.expect("trend");
    assert_eq!((trend[3].entities, trend[3].stale), (2, 0));
}

async fn gone_repositories_close_their_entities(address: String) {
    let store = Store::open(&address).await.expect("open");
    let web = in_repository(entity(A, TEAM_A, &[("a", "pass")]), "web");
    let api = in_repository(entity(B, TEAM_B, &[("a", "pass"), ("b", "pass")]), "api");
    let ok = scan(&[repository("api", "ok"), repository("web", "ok")]);
    record(&store, &report(&[web.clone(), api], Some(ok)), 1).await;
    let gone = scan(&[repository("api", "gone"), repository("web", "ok")]);
    let second = record(&store, &report(&[web], Some(gone)), 2).await;
    assert_eq!(
        (second.stale, second.entities_closed, second.checks_closed),
        (0, 1, 2)
    );
    let diff = store.diff(None, None).await.expect("diff");
    assert_eq!(diff.removed, [B]);
    assert!(diff.stale.is_empty());
    let runs = store.runs().await.expect("runs");
    assert_eq!(runs[1].source["organization"], "acme");
    assert_eq!(
        runs[1].adoption.as_ref().map(|a| a["repositories"].clone()),
        Some(serde_json::json!(2))
    );
}

async fn readers_do_not_wait_for_a_writer(address: String) {
    use sqlx::{AnyConnection, Connection, Executor};
    let store = Store::open(&address).await.expect("open");
    record(
        &store,
        &report(&[entity(A, TEAM_A, &[("a", "pass")])], None),
        1,
    )
    .await;
    // Another process in the middle of recording: it holds the write lock.
    let mut writer = if let Some(path) = address.strip_prefix("sqlite:") {
        let mut conn = AnyConnection::connect(&format!("sqlite://{path}"))
            .await
            .expect("connect");
        conn.execute("BEGIN IMMEDIATE").await.expect("lock");
        conn
    } else {
        let mut conn = AnyConnection::connect(&address).await.expect("connect");
        conn.execute("BEGIN").await.expect("begin");
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(yardstick_store::POSTGRES_WRITE_LOCK)
            .execute(&mut conn)
            .await
            .expect("lock");
        conn
    };
    let started = std::time::Instant::now();
    let reader = Store::open(&address).await.expect("open while locked");
    assert_eq!(reader.runs().await.expect("runs").len(), 1);
    assert_eq!(
        reader
            .trend(&TrendFilter::All, None)
            .await
            .expect("trend")
            .len(),
        1
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    writer.execute("ROLLBACK").await.expect("unlock");
}

on_both_backends!(
    readers_do_not_wait_for_a_writer,
    unchanged_runs_write_no_intervals,
    a_change_closes_and_opens_only_what_changed,
    trend_follows_scores_and_levels,
    diff_lists_exactly_what_changed,
    diff_needs_two_runs,
    prune_keeps_what_kept_runs_need,
    concurrent_recorders_take_turns,
    bad_reports_are_refused_and_write_nothing,
    a_run_before_the_latest_is_refused,
    failed_repositories_keep_their_entities_stale,
    gone_repositories_close_their_entities,
);
