//! The top of the page: the banner with the gate, and the overview cards (score gauge,
//! level donut, pass rate per check).

use maud::{html, Markup};

use super::{fix_anchor, level_legend, score_band, Text, MISSING};
use crate::report::text::{clip, plural, score_text};
use crate::report::Report;
use crate::rules::Severity;
use crate::score::{CheckStatus, EntityScore, Level, LevelCounts};

pub(super) fn header(report: &Report) -> Markup {
    let gate = &report.summary.gate;
    let (class, text) = if gate.passed {
        ("pass", "Gate passed")
    } else {
        ("fail", "Gate failed")
    };
    let sub = html! {
        (plural(report.summary.entities, "entity", "entities")) " \u{b7} "
        (plural(report.checks.len(), "check", "checks")) " \u{b7} "
        (plural(report.findings.len(), "lint finding", "lint findings"))
    };
    let status = html! {
        strong { (text) }
        @if !gate.reasons.is_empty() {
            ul { @for reason in &gate.reasons { li { (Text(reason)) } } }
        }
    };
    html! {
        (banner("Catalog scorecard", &sub, class, &status))
        nav aria-label="Sections" {
            a href="#overview" { "Overview" }
            a href="#heatmap" { "Entities \u{d7} checks" }
            a href="#owners" { "Owners" }
            a href="#systems" { "Systems" }
            a href="#remediation" { "Remediation" }
            a href="#findings" { "Lint findings" }
        } "\n"
    }
}

/// A page's banner: the logo, its title and one line under it, and the status box (`pass`
/// or `fail`) on the right. The scorecard, the lint page and the server's dashboard share it.
///
/// ```
/// use maud::html;
/// use yardstick::report::html::banner;
/// let page = banner("Scorecard", &html! { "3 entities" }, "pass", &html! { "ok" });
/// assert!(page.into_string().contains(r#"<div class="gate gate-pass" role="status">ok</div>"#));
/// ```
pub fn banner(title: &str, sub: &Markup, class: &str, status: &Markup) -> Markup {
    html! {
        header {
            "\n"
            div class="brand" {
                span class="logo" aria-hidden="true" { (logo()) }
                div {
                    h1 { (title) }
                    p class="sub" { (sub) }
                }
            } "\n"
            div class={ "gate gate-" (class) } role="status" { (status) } "\n"
        } "\n"
    }
}

/// A small yardstick: a ruler with ticks.
fn logo() -> Markup {
    html! {
        svg viewBox="0 0 40 40" width="40" height="40" focusable="false" {
            rect x="2" y="12" width="36" height="16" rx="3" fill="#f2b705" {}
            path d="M8 12v7M14 12v5M20 12v7M26 12v5M32 12v7" stroke="#5c4400" stroke-width="2" {}
        }
    }
}

pub(super) fn overview(report: &Report) -> Markup {
    html! {
        section id="overview" aria-labelledby="overview-h" {
            "\n"
            h2 id="overview-h" { "Overview" } "\n"
            div class="cards" {
                "\n"
                (gauge(report))
                (donut(&report.summary.levels, report.summary.entities))
                (check_bars(report))
            } "\n"
        } "\n"
    }
}

fn gauge(report: &Report) -> Markup {
    let score = report.summary.score;
    let (entities, scored) = (report.summary.entities, scored(&report.summary.levels));
    let label = match score {
        Some(s) => format!("Catalog score {s:.1} out of 100"),
        None => "Catalog score: nothing was scored".into(),
    };
    let failing: Vec<&EntityScore> = report
        .entities
        .iter()
        .filter(|e| e.checks.iter().any(|r| r.status == CheckStatus::Fail))
        .collect();
    let failures: usize = failing
        .iter()
        .map(|e| {
            e.checks
                .iter()
                .filter(|r| r.status == CheckStatus::Fail)
                .count()
        })
        .sum();
    let count = |sev: Severity| report.findings.iter().filter(|f| f.severity == sev).count();
    html! {
        figure class="card" {
            "\n"
            figcaption { "Catalog score" } "\n"
            svg class="gauge" viewBox="0 0 220 130" role="img" aria-labelledby="gauge-t" {
                title id="gauge-t" { (label) }
                path d="M20 115 A90 90 0 0 1 200 115" pathLength="100" class="track" {}
                @if let Some(s) = score {
                    path d="M20 115 A90 90 0 0 1 200 115" pathLength="100"
                        class={ "arc band-" (score_band(score)) }
                        stroke-dasharray=(format!("{:.2} 100", s.clamp(0.0, 100.0))) {}
                }
                text x="110" y="100" class="big" { (score_text(score, MISSING)) }
                text x="110" y="124" class="small" { "out of 100" }
            } "\n"
            p class="note" {
                "Mean of " (plural(scored, "scored entity", "scored entities")) " ("
                (entities) " in the catalog)."
            } "\n"
            dl class="stats" {
                dt { "Failing checks" }
                dd { (failures) " in " (plural(failing.len(), "entity", "entities")) }
                dt { "Lint findings" }
                dd {
                    (plural(count(Severity::Error), "error", "errors")) ", "
                    (plural(count(Severity::Warning), "warning", "warnings")) ", "
                    (plural(count(Severity::Note), "note", "notes"))
                }
            } "\n"
        } "\n"
    }
}

fn donut(levels: &LevelCounts, entities: usize) -> Markup {
    let unscored = entities.saturating_sub(scored(levels));
    let parts = [
        ("gold", level_legend(Some(Level::Gold)), levels.gold),
        ("silver", level_legend(Some(Level::Silver)), levels.silver),
        ("bronze", level_legend(Some(Level::Bronze)), levels.bronze),
        ("none", level_legend(Some(Level::None)), levels.none),
        ("unscored", level_legend(None), unscored),
    ];
    let total: usize = parts.iter().map(|x| x.2).sum();
    let label = parts
        .iter()
        .map(|(_, name, n)| format!("{name}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    // Each segment starts where the previous one ended.
    let mut start = 0.0f64;
    let segments: Vec<(&str, f64, f64)> = parts
        .iter()
        .filter(|(_, _, n)| total > 0 && *n > 0)
        .map(|&(class, _, n)| {
            let len = n as f64 * 100.0 / total as f64;
            let offset = -start;
            start += len;
            (class, len, offset)
        })
        .collect();
    html! {
        figure class="card" {
            "\n"
            figcaption { "Maturity levels" } "\n"
            div class="donut-wrap" {
                svg class="donut" viewBox="0 0 120 120" role="img" aria-labelledby="donut-t" {
                    title id="donut-t" { "Entities per level: " (label) }
                    circle cx="60" cy="60" r="44" class="ring" {}
                    @for (class, len, offset) in segments {
                        circle cx="60" cy="60" r="44" pathLength="100" class={ "seg lv-" (class) }
                            stroke-dasharray=(format!("{len:.3} {:.3}", 100.0 - len))
                            stroke-dashoffset=(format!("{offset:.3}"))
                            transform="rotate(-90 60 60)" {}
                    }
                    text x="60" y="60" class="big" { (levels.gold) }
                    text x="60" y="78" class="small" { "gold" }
                } "\n"
                ul class="legend" {
                    @for (class, name, n) in parts {
                        li {
                            span class={ "sw lv-" (class) } aria-hidden="true" {}
                            (name) b { (n) }
                        }
                    }
                }
            } "\n"
        } "\n"
    }
}

fn scored(levels: &LevelCounts) -> usize {
    levels.gold + levels.silver + levels.bronze + levels.none
}

/// Per check: how many applicable entities pass, fail, or are undecided.
struct CheckTally {
    pass: usize,
    fail: usize,
    other: usize,
}

fn check_tally(report: &Report, id: &str) -> CheckTally {
    let mut t = CheckTally {
        pass: 0,
        fail: 0,
        other: 0,
    };
    for e in &report.entities {
        for r in e.checks.iter().filter(|r| r.id == id) {
            match r.status {
                CheckStatus::Pass => t.pass += 1,
                CheckStatus::Fail => t.fail += 1,
                CheckStatus::NotApplicable => {}
                CheckStatus::Unknown | CheckStatus::Exempt | CheckStatus::Error => t.other += 1,
            }
        }
    }
    t
}

/// The geometry of the pass-rate chart: one row per check, the bar from `X0`, `WIDTH` long.
const ROW: usize = 26;
const X0: f64 = 150.0;
const WIDTH: f64 = 240.0;

fn check_bars(report: &Report) -> Markup {
    let tallies: Vec<CheckTally> = report
        .checks
        .iter()
        .map(|check| check_tally(report, &check.id))
        .collect();
    let label = report
        .checks
        .iter()
        .zip(&tallies)
        .map(|(check, tally)| {
            format!(
                "{}: {} pass, {} fail, {} other",
                check.id, tally.pass, tally.fail, tally.other
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        figure class="card wide" {
            "\n"
            figcaption { "Checks: share of applicable entities passing" } "\n"
            @if report.checks.is_empty() {
                p class="empty" { "No checks ran." } "\n"
            } @else {
                svg class="bars" viewBox=(format!("0 0 470 {}", report.checks.len() * ROW + 6))
                    role="img" aria-labelledby="bars-t" {
                    title id="bars-t" { (Text(&label)) }
                    @for (i, (check, tally)) in report.checks.iter().zip(&tallies).enumerate() {
                        (check_bar(i * ROW + 4, &check.id, tally))
                    }
                } "\n"
                ul class="legend inline" {
                    li { span class="sw st-pass" aria-hidden="true" {} "pass" }
                    li { span class="sw st-fail" aria-hidden="true" {} "fail" }
                    li { span class="sw st-unknown" aria-hidden="true" {} "unknown, exempt or error" }
                } "\n"
            }
        } "\n"
    }
}

/// One check's row of the pass-rate chart, at height `y`.
fn check_bar(y: usize, id: &str, tally: &CheckTally) -> Markup {
    let applicable = tally.pass + tally.fail + tally.other;
    // Each stretch starts where the previous one ended.
    let mut x = X0;
    let stretches: Vec<(f64, f64, &str)> = [
        (tally.pass, "st-pass"),
        (tally.fail, "st-fail"),
        (tally.other, "st-unknown"),
    ]
    .into_iter()
    .filter(|&(count, _)| applicable > 0 && count > 0)
    .map(|(count, class)| {
        let width = WIDTH * count as f64 / applicable as f64;
        let start = x;
        x += width;
        (start, width, class)
    })
    .collect();
    let text = if applicable == 0 {
        "not applicable".to_string()
    } else {
        format!("{}/{} pass", tally.pass, applicable)
    };
    html! {
        a href={ "#" (fix_anchor(id)) } {
            text x=(X0 - 8.0) y=(y + 14) class="lbl" { (Text(&clip(id, 22))) }
        }
        rect x=(X0) y=(y) width=(WIDTH) height="18" rx="3" class="bar-bg" {}
        @for (start, width, class) in stretches {
            rect x=(format!("{start:.2}")) y=(y) width=(format!("{width:.2}")) height="18" class=(class) {}
        }
        text x=(X0 + WIDTH + 8.0) y=(y + 14) class="val" { (text) }
    }
}
