//! The server's reads on SQLite and (when `YARDSTICK_TEST_POSTGRES_URL` is set) PostgreSQL:
//! runs pages, a run's entities filtered and paged, an entity's intervals, grouped trends.

mod common;

use common::{day, entity, report};
use yardstick_store::{EntityQuery, RunMeta, Store, TrendFilter, TrendGroup, TrendWindow};

const TEAM_A: &str = "group:default/team-a";
const TEAM_B: &str = "group:default/team-b";

/// Three runs: `a` moves from pass to fail at run 2, `b_x` leaves at run 3, and the
/// references mix cases and LIKE's wildcards.
async fn three_runs(address: &str) -> Store {
    let store = Store::open(address).await.expect("open");
    let a = |status| {
        entity(
            "component:default/a",
            TEAM_A,
            &[("a", status), ("c", "pass")],
        )
    };
    let b = || {
        entity(
            "component:default/b_x",
            TEAM_B,
            &[("a", "pass"), ("b", "fail")],
        )
    };
    let c = || entity("component:default/c%", TEAM_A, &[("c", "fail")]);
    for (d, entities) in [
        (1, vec![a("pass"), b(), c()]),
        (2, vec![a("fail"), b(), c()]),
        (3, vec![a("fail"), c()]),
    ] {
        store
            .record_json(&report(&entities, None), &RunMeta::at(day(d)))
            .await
            .expect("record");
    }
    store
}

fn query(edit: impl FnOnce(&mut EntityQuery)) -> EntityQuery {
    let mut query = EntityQuery {
        limit: 10,
        ..EntityQuery::default()
    };
    edit(&mut query);
    query
}

async fn listed(store: &Store, query: &EntityQuery) -> (i64, Vec<String>) {
    let page = store
        .entities_page(query)
        .await
        .expect("entities")
        .expect("a run");
    let references = page.entities.into_iter().map(|e| e.reference).collect();
    (page.total, references)
}

async fn runs_and_entities(address: String) {
    let store = three_runs(&address).await;
    let ids = |runs: Vec<yardstick_store::Run>| runs.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.runs_page(None, 10).await.expect("runs")),
        [3, 2, 1]
    );
    assert_eq!(ids(store.runs_page(Some(3), 1).await.expect("runs")), [2]);
    assert_eq!(store.run(2).await.expect("run").map(|r| r.at), Some(day(2)));
    assert!(store.run(4).await.expect("run").is_none());

    // Sorted by reference, paged in that order.
    let (total, all) = listed(&store, &query(|_| {})).await;
    assert_eq!(total, 2);
    assert_eq!(all, ["component:default/a", "component:default/c%"]);
    let (_, second) = listed(&store, &query(|q| q.run = Some(2))).await;
    assert_eq!(
        second,
        [
            "component:default/a",
            "component:default/b_x",
            "component:default/c%"
        ]
    );
    let (total, page) = listed(
        &store,
        &query(|q| {
            q.run = Some(2);
            q.limit = 1;
            q.offset = 1;
        }),
    )
    .await;
    assert_eq!(
        (total, page),
        (3, vec!["component:default/b_x".to_string()])
    );
    let (_, failing) = listed(
        &store,
        &query(|q| {
            q.run = Some(1);
            q.failing = true;
        }),
    )
    .await;
    assert_eq!(failing, ["component:default/b_x", "component:default/c%"]);
    let (_, owned) = listed(
        &store,
        &query(|q| {
            q.run = Some(1);
            q.owner = Some("GROUP:default/Team-A".into());
            q.kind = Some("component".into());
        }),
    )
    .await;
    assert_eq!(owned, ["component:default/a", "component:default/c%"]);
    // LIKE's wildcards are plain characters.
    for (search, expected) in [
        ("C%", vec!["component:default/c%"]),
        ("_", vec!["component:default/b_x"]),
        ("a_", vec![]),
    ] {
        let (_, found) = listed(
            &store,
            &query(|q| {
                q.run = Some(2);
                q.search = Some(search.into());
            }),
        )
        .await;
        assert_eq!(found, expected, "{search}");
    }
    let page = store
        .entities_page(&query(|q| q.run = Some(2)))
        .await
        .expect("entities")
        .expect("run 2");
    let failing: Vec<Vec<String>> = page
        .entities
        .into_iter()
        .map(|e| e.failing_checks)
        .collect();
    assert_eq!(
        failing,
        [vec!["a".to_string()], vec!["b".into()], vec!["c".into()]]
    );
    assert!(store
        .entities_page(&query(|q| q.run = Some(9)))
        .await
        .expect("entities")
        .is_none());
}

async fn intervals_and_grouped_trends(address: String) {
    let store = three_runs(&address).await;
    let a = store
        .entity_intervals("COMPONENT:default/A")
        .await
        .expect("intervals")
        .expect("a");
    let spans: Vec<(i64, Option<i64>, Option<f64>)> = a
        .intervals
        .iter()
        .map(|i| (i.valid.from_run, i.valid.to_run, i.score))
        .collect();
    assert_eq!(spans, [(1, Some(2), Some(100.0)), (2, None, Some(20.0))]);
    let checks: Vec<(&str, i64, Option<i64>, &str)> = a
        .checks
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.valid.from_run,
                c.valid.to_run,
                c.status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        checks,
        [
            ("a", 1, Some(2), "pass"),
            ("a", 2, None, "fail"),
            ("c", 1, None, "pass")
        ]
    );
    for reference in [
        "component:default/a",
        "component:default/b_x",
        "component:default/c%",
    ] {
        assert_eq!(
            store
                .entity_history_by_intervals(&reference.to_uppercase())
                .await
                .expect("history"),
            store.entity_history(reference).await.expect("history"),
            "{reference}"
        );
    }
    let gone = store
        .entity_intervals("component:default/b_x")
        .await
        .expect("intervals")
        .expect("b_x");
    assert_eq!(gone.intervals[0].valid.to_run, Some(3));

    let window = TrendWindow::default();
    for (group, filter) in [
        (
            TrendGroup::Owner,
            TrendFilter::Owner as fn(String) -> TrendFilter,
        ),
        (TrendGroup::System, TrendFilter::System),
    ] {
        for series in store
            .grouped_trends(group, window, None)
            .await
            .expect("trends")
        {
            let Some(name) = series.name else { continue };
            let expected = store
                .trend(&filter(name.clone()), None)
                .await
                .expect("trend");
            assert_eq!(series.points, expected, "{name}");
        }
    }
    let org = store
        .grouped_trends(TrendGroup::Org, window, None)
        .await
        .expect("org");
    assert_eq!(
        org[0].points,
        store.trend(&TrendFilter::All, None).await.expect("all")
    );
    let team_b = store
        .grouped_trends(
            TrendGroup::Owner,
            TrendWindow {
                since: Some(day(2)),
                last: None,
            },
            Some("Group:Default/Team-B"),
        )
        .await
        .expect("team b");
    let entities: Vec<(i64, i64)> = team_b[0]
        .points
        .iter()
        .map(|p| (p.run, p.entities))
        .collect();
    assert_eq!(entities, [(2, 1), (3, 0)]);
    let all = store
        .trends_by_group(&[TrendGroup::Org, TrendGroup::Owner], window)
        .await
        .expect("all");
    assert_eq!(all[0], org);
    assert_eq!(all[1].len(), 2);
}

/// An entity that leaves and comes back with another check: the history read from its
/// intervals is the one `entity_history` reads run by run.
async fn histories_from_intervals_have_the_same_gaps(address: String) {
    let store = Store::open(&address).await.expect("open");
    let x = |checks: &[(&'static str, &'static str)]| entity("component:default/x", TEAM_A, checks);
    let y = || entity("component:default/y", TEAM_B, &[("a", "pass")]);
    let runs = [
        vec![x(&[("a", "pass"), ("b", "fail")]), y()],
        vec![y()],
        vec![x(&[("a", "fail"), ("c", "pass")]), y()],
        vec![x(&[("a", "fail"), ("c", "fail")]), y()],
    ];
    for (d, entities) in runs.iter().enumerate() {
        store
            .record_json(&report(entities, None), &RunMeta::at(day(d as u32 + 1)))
            .await
            .expect("record");
    }
    let expected = store
        .entity_history("component:default/x")
        .await
        .expect("history")
        .expect("x");
    assert_eq!(
        expected.points.iter().map(|p| p.run).collect::<Vec<_>>(),
        [1, 3, 4]
    );
    let got = store
        .entity_history_by_intervals("Component:Default/X")
        .await
        .expect("history");
    assert_eq!(got, Some(expected));
}

on_both_backends!(
    runs_and_entities,
    intervals_and_grouped_trends,
    histories_from_intervals_have_the_same_gaps
);
