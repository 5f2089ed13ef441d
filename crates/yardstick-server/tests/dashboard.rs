//! The dashboard and the badges on stores recorded from the demo catalog (and from a
//! report with hostile names): every page's status, headers, filters, escaping and 404s.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use yardstick::report::text::score_text;
use yardstick::report::Report;
use yardstick::CheckStatus;
use yardstick_server::{BADGE_CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use yardstick_store::TrendFilter;

use common::{demo_app, demo_report, respond, store_with};

/// `GET path`: the status, the headers and the body as text.
async fn get(app: &Router, path: &str) -> (StatusCode, HeaderMap, String) {
    let request = Request::get(path).body(Body::empty()).expect("request");
    let (status, headers, bytes) = respond(app, request).await;
    (
        status,
        headers,
        String::from_utf8(bytes.to_vec()).expect("UTF-8"),
    )
}

/// `GET path` must answer an HTML page with `status` under the dashboard's CSP.
async fn page(app: &Router, path: &str, status: StatusCode) -> String {
    let (got, headers, body) = get(app, path).await;
    assert_eq!(got, status, "GET {path}: {body}");
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        CONTENT_SECURITY_POLICY,
        "GET {path}"
    );
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .is_ok_and(|t| t.starts_with("text/html")));
    assert!(body.starts_with("<!DOCTYPE html>"), "GET {path}");
    body
}

/// Three runs of the demo, a day apart; the first scored entity's score moves between them.
fn three_runs() -> Vec<Report> {
    let report = demo_report();
    (0..3)
        .map(|run| {
            let mut report = report.clone();
            if let Some(entity) = report.entities.iter_mut().find(|e| e.score.is_some()) {
                entity.score = entity.score.map(|s| (s - 10.0 * (2 - run) as f64).max(0.0));
            }
            report
        })
        .collect()
}

/// The demo's rows of the entity table: the references of `/` with `query`.
async fn listed(app: &Router, query: &str) -> Vec<String> {
    let body = page(app, &format!("/{query}"), StatusCode::OK).await;
    let table = body
        .split("<section id=\"entities\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the entity table");
    table
        .split("<th scope=\"row\"><a href=\"/entity/")
        .skip(1)
        .filter_map(|row| row.split('>').nth(1)?.split('<').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn the_scorecard_lists_the_latest_run_with_trends_and_the_run_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = three_runs();
    let app = demo_app(store_with(&dir, &reports).await);
    let body = page(&app, "/", StatusCode::OK).await;
    let latest = &reports[2];
    assert_eq!(listed(&app, "").await.len(), latest.entities.len());
    assert!(body.contains("Run 3 \u{b7} 2026-01-03 02:00 UTC"), "{body}");
    // The organisation's chart has a point per run; each owner and system a sparkline.
    let org = body
        .split("<svg class=\"trend\"")
        .nth(1)
        .expect("org chart");
    let org = org.split("</svg>").next().unwrap_or_default();
    assert_eq!(org.matches("<circle").count(), 3, "{org}");
    assert!(org.contains("2026-01-01") && org.contains("2026-01-03"));
    let owners: std::collections::BTreeSet<_> = latest
        .entities
        .iter()
        .filter_map(|e| e.owner.as_deref())
        .collect();
    let systems: std::collections::BTreeSet<_> = latest
        .entities
        .iter()
        .filter_map(|e| e.system.as_deref())
        .collect();
    assert!(!owners.is_empty() && !systems.is_empty());
    assert_eq!(
        body.matches("<svg class=\"spark\"").count(),
        owners.len() + systems.len()
    );
    // Each owner links to the scorecard filtered to it.
    for owner in &owners {
        let encoded = owner.replace(':', "%3A").replace('/', "%2F");
        assert!(
            body.contains(&format!("href=\"/?owner={encoded}\"")),
            "{owner}"
        );
    }
    // No script, nothing loaded from elsewhere.
    assert!(!body.contains("<script") && !body.contains("src=\"http"));
}

#[tokio::test]
async fn the_filters_narrow_the_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = demo_report();
    let app = demo_app(store_with(&dir, std::slice::from_ref(&report)).await);
    let all: Vec<String> = report
        .entities
        .iter()
        .map(|e| e.reference.clone())
        .collect();
    let of = |keep: &dyn Fn(&yardstick::EntityScore) -> bool| -> Vec<String> {
        let mut kept: Vec<String> = report
            .entities
            .iter()
            .filter(|e| keep(e))
            .map(|e| e.reference.clone())
            .collect();
        kept.sort();
        kept
    };
    let mut sorted_all = all.clone();
    sorted_all.sort();
    assert_eq!(listed(&app, "").await, sorted_all);

    let owner = report
        .entities
        .iter()
        .find_map(|e| e.owner.clone())
        .expect("an owner");
    let query = format!("?owner={}", owner.replace(':', "%3A").replace('/', "%2F"));
    let by_owner = of(&|e| e.owner.as_deref() == Some(&*owner));
    assert!(!by_owner.is_empty() && by_owner.len() < all.len());
    assert_eq!(listed(&app, &query).await, by_owner);

    let system = report
        .entities
        .iter()
        .find_map(|e| e.system.clone())
        .expect("a system");
    let query = format!("?system={}", system.replace(':', "%3A").replace('/', "%2F"));
    assert_eq!(
        listed(&app, &query).await,
        of(&|e| e.system.as_deref() == Some(&*system))
    );

    let failing = of(&|e| e.checks.iter().any(|c| c.status == CheckStatus::Fail));
    assert!(!failing.is_empty() && failing.len() < all.len());
    assert_eq!(listed(&app, "?failing=1").await, failing);

    let kinds = of(&|e| e.kind.eq_ignore_ascii_case("api"));
    assert!(!kinds.is_empty());
    assert_eq!(listed(&app, "?kind=API").await, kinds);

    let first = &sorted_all[0];
    let name = first.rsplit('/').next().expect("a name");
    let found = listed(&app, &format!("?q={}", name.to_uppercase())).await;
    assert!(found.contains(first) && found.iter().all(|r| r.contains(name)));
    assert!(listed(&app, "?q=no-such-entity-anywhere").await.is_empty());
    // Combined: failing entities of the owner.
    let both = of(&|e| {
        e.owner.as_deref() == Some(&*owner)
            && e.checks.iter().any(|c| c.status == CheckStatus::Fail)
    });
    let query = format!(
        "?owner={}&failing=on",
        owner.replace(':', "%3A").replace('/', "%2F")
    );
    assert_eq!(listed(&app, &query).await, both);
    // A parameter given twice is refused with a page, not ignored.
    page(&app, "/?owner=a&owner=b", StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn an_entity_page_shows_its_history_and_unknown_ones_are_404() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = three_runs();
    let app = demo_app(store_with(&dir, &reports).await);
    let entity = reports[2]
        .entities
        .iter()
        .find(|e| e.score.is_some())
        .expect("a scored entity");
    let (kind, rest) = entity.reference.split_once(':').expect("kind");
    let (namespace, name) = rest.split_once('/').expect("namespace");
    // Kinds are matched case-insensitively, as Backstage writes them capitalised.
    let path = format!("/entity/{}/{namespace}/{name}", kind.to_uppercase());
    let body = page(&app, &path, StatusCode::OK).await;
    assert!(body.contains("Run 3 \u{b7} 2026-01-03"), "{body}");
    let chart = body
        .split("<svg class=\"trend\"")
        .nth(1)
        .expect("score chart");
    assert_eq!(
        chart
            .split("</svg>")
            .next()
            .unwrap_or_default()
            .matches("<circle")
            .count(),
        3
    );
    for run in ["#1", "#2", "#3"] {
        assert!(body.contains(&format!(">{run}</th>")), "{run}");
    }
    for check in &entity.checks {
        assert!(
            body.contains(&format!("<code>{}</code>", check.id)),
            "{}",
            check.id
        );
    }
    let grid = body
        .split("<table class=\"history\">")
        .nth(1)
        .expect("check grid");
    assert!(grid.contains("class=\"cell st-"), "status cells");

    let missing = page(
        &app,
        "/entity/component/default/no-such-entity",
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(missing.contains("no entity component:default/no-such-entity"));
}

#[tokio::test]
async fn catalog_text_and_query_text_are_escaped() {
    let hostile = r#"{"version": 1, "checks": [], "findings": [],
      "entities": [{"ref": "component:default/<img src=x onerror=alert(1)>", "kind": "Component",
        "file": "c.yaml", "owner": "group:default/\"><script>alert(2)</script>",
        "system": "system:default/'onmouseover='alert(3)", "score": 50.0, "level": "bronze",
        "checks": [{"id": "has-owner", "status": "fail", "severity": "critical", "weight": 10.0,
          "message": "<b>bold</b> & \"quoted\"", "pointer": "/spec/owner",
          "location": {"file": "c.yaml", "line": 5, "column": 10, "end_line": 5, "end_column": 16}}]}],
      "summary": {"entities": 1, "score": 50.0, "owners": [], "systems": [],
        "levels": {"gold": 0, "silver": 0, "bronze": 1, "none": 0},
        "expired_exemptions": [], "gate": {"passed": true, "reasons": []}}}"#;
    let report = yardstick_store::parse_report(hostile).expect("report");
    let dir = tempfile::tempdir().expect("temp dir");
    let app = demo_app(store_with(&dir, &[report]).await);
    let raw = ["<img src=x", "<script>alert", "'onmouseover='", "<b>bold"];
    let body = page(
        &app,
        "/?q=%3Cscript%3Ealert(4)%3C%2Fscript%3E%27%22",
        StatusCode::OK,
    )
    .await;
    assert!(
        body.contains("value=\"&lt;script&gt;alert(4)&lt;/script&gt;&#39;&quot;\""),
        "{body}"
    );
    let body = page(&app, "/", StatusCode::OK).await;
    assert!(body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    let entity = page(
        &app,
        "/entity/component/default/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        StatusCode::OK,
    )
    .await;
    assert!(entity.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"));
    for (name, body) in [("scorecard", &body), ("entity page", &entity)] {
        for text in raw {
            assert!(!body.contains(text), "{name} holds {text:?} unescaped");
        }
        assert!(!body.contains("<script"), "{name}");
    }
    // The link to the entity is percent-encoded.
    assert!(body.contains(
        "href=\"/entity/component/default/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\""
    ));
    let (status, _, badge) = get(
        &app,
        "/badge/component/default/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.svg",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!badge.contains("<img") && badge.contains("&lt;img"));
}

#[tokio::test]
async fn badges_draw_score_and_level_and_unknown_entities_are_404_badges() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = demo_report();
    let app = demo_app(store_with(&dir, std::slice::from_ref(&report)).await);
    let entity = report
        .entities
        .iter()
        .find(|e| e.score.is_some())
        .expect("a scored entity");
    let (kind, rest) = entity.reference.split_once(':').expect("kind");
    let (namespace, name) = rest.split_once('/').expect("namespace");
    let (status, headers, svg) = get(&app, &format!("/badge/{kind}/{namespace}/{name}.svg")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "image/svg+xml; charset=utf-8"
    );
    assert_eq!(headers[header::CACHE_CONTROL], BADGE_CACHE_CONTROL);
    let level = yardstick::report::text::level_text(entity.level, "not scored");
    let value = format!(
        "{} \u{b7} {level}",
        yardstick::report::text::score_text(entity.score, "")
    );
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.contains(&format!(">{value}</text>")), "{svg}");

    for path in [
        "/badge/component/default/no-such-entity.svg",
        &format!("/badge/{kind}/{namespace}/{name}.png"),
    ] {
        let (status, headers, svg) = get(&app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "image/svg+xml; charset=utf-8"
        );
        assert!(svg.contains("</svg>"), "{path}");
    }
}

#[tokio::test]
async fn an_empty_store_has_a_page_and_no_badges() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = demo_app(store_with(&dir, &[]).await);
    let body = page(&app, "/", StatusCode::OK).await;
    assert!(body.contains("No run recorded yet."));
    page(&app, "/entity/component/default/web", StatusCode::NOT_FOUND).await;
    let (status, _, svg) = get(&app, "/badge/component/default/web.svg").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(svg.contains("unknown entity"));
}

#[tokio::test]
async fn group_trends_show_the_values_of_each_groups_own_trend() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut reports = three_runs();
    // An owner present only in the first run: its row is gone, the others keep their runs.
    if let Some(entity) = reports[0].entities.last_mut() {
        entity.owner = Some("group:default/former-team".into());
    }
    let store = store_with(&dir, &reports).await;
    let app = demo_app(store.clone());
    let body = page(&app, "/", StatusCode::OK).await;
    assert!(!body.contains("group:default/former-team"));
    let latest = &reports[2];
    let mut groups: Vec<(String, TrendFilter)> = Vec::new();
    for entity in &latest.entities {
        if let Some(owner) = &entity.owner {
            groups.push((owner.to_string(), TrendFilter::Owner(owner.to_string())));
        }
        if let Some(system) = &entity.system {
            groups.push((system.to_string(), TrendFilter::System(system.to_string())));
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    groups.dedup_by(|a, b| a.0 == b.0);
    assert!(groups.len() >= 2);
    let mut scored_groups = 0;
    for (name, filter) in groups {
        // What the dashboard drew from one query per group before it grouped them.
        let trend = store.trend(&filter, None).await.expect("trend");
        assert_eq!(trend.len(), 3);
        let scored: Vec<f64> = trend.iter().filter_map(|p| p.score).collect();
        let last = trend.last().expect("a point");
        let summary = match (scored.first(), scored.last()) {
            (Some(&first), Some(&latest)) => format!(
                "{name}: mean score over 3 runs, from {} to {}",
                score_text(Some(first), ""),
                score_text(Some(latest), "")
            ),
            _ => format!("{name}: no score in 3 runs"),
        };
        scored_groups += usize::from(!scored.is_empty());
        assert!(body.contains(&summary), "{summary}");
        let row = format!(">{name}</a></th><td class=\"num\">{}</td>", last.entities);
        assert!(body.contains(&row), "{row}");
    }
    assert!(scored_groups > 0);
}
