//! The top of the page: the banner with the gate, and the overview cards (score gauge,
//! level donut, pass rate per check).

use std::fmt::Write as _;

use super::{escape, fix_anchor, score_band, MISSING};
use crate::report::text::{clip, score_text};
use crate::report::Report;
use crate::rules::Severity;
use crate::score::{CheckStatus, EntityScore, LevelCounts};

pub(super) fn header(page: &mut String, report: &Report) {
    let gate = &report.summary.gate;
    page.push_str("<header>\n<div class=\"brand\"><span class=\"logo\" aria-hidden=\"true\">");
    logo(page);
    page.push_str("</span><div><h1>Catalog scorecard</h1><p class=\"sub\">");
    push_fmt!(
        page,
        "{} entities &middot; {} checks &middot; {} lint findings",
        report.summary.entities,
        report.checks.len(),
        report.findings.len()
    );
    page.push_str("</p></div></div>\n");
    let (class, text) = if gate.passed {
        ("pass", "Gate passed")
    } else {
        ("fail", "Gate failed")
    };
    push_fmt!(
        page,
        "<div class=\"gate gate-{class}\" role=\"status\"><strong>{text}</strong>"
    );
    if !gate.reasons.is_empty() {
        page.push_str("<ul>");
        for reason in &gate.reasons {
            push_fmt!(page, "<li>{}</li>", escape(reason));
        }
        page.push_str("</ul>");
    }
    page.push_str("</div>\n</header>\n<nav aria-label=\"Sections\"><a href=\"#overview\">Overview</a><a href=\"#heatmap\">Entities &times; checks</a><a href=\"#owners\">Owners</a><a href=\"#systems\">Systems</a><a href=\"#remediation\">Remediation</a><a href=\"#findings\">Lint findings</a></nav>\n<main>\n");
}

/// A small yardstick: a ruler with ticks.
fn logo(page: &mut String) {
    page.push_str("<svg viewBox=\"0 0 40 40\" width=\"40\" height=\"40\" focusable=\"false\"><rect x=\"2\" y=\"12\" width=\"36\" height=\"16\" rx=\"3\" fill=\"#f2b705\"/><path d=\"M8 12v7M14 12v5M20 12v7M26 12v5M32 12v7\" stroke=\"#5c4400\" stroke-width=\"2\"/></svg>");
}

pub(super) fn overview(page: &mut String, report: &Report) {
    page.push_str("<section id=\"overview\" aria-labelledby=\"overview-h\">\n<h2 id=\"overview-h\">Overview</h2>\n<div class=\"cards\">\n");
    gauge(page, report);
    donut(page, &report.summary.levels, report.summary.entities);
    check_bars(page, report);
    page.push_str("</div>\n</section>\n");
}

fn gauge(page: &mut String, report: &Report) {
    let score = report.summary.score;
    let (entities, scored) = (report.summary.entities, scored(&report.summary.levels));
    let band = score_band(score);
    let text = score_text(score, MISSING);
    let label = match score {
        Some(s) => format!("Catalog score {s:.1} out of 100"),
        None => "Catalog score: nothing was scored".into(),
    };
    page.push_str("<figure class=\"card\">\n<figcaption>Catalog score</figcaption>\n");
    push_fmt!(
        page,
        "<svg class=\"gauge\" viewBox=\"0 0 220 130\" role=\"img\" aria-labelledby=\"gauge-t\"><title id=\"gauge-t\">{label}</title>\
         <path d=\"M20 115 A90 90 0 0 1 200 115\" pathLength=\"100\" class=\"track\"/>"
    );
    if let Some(s) = score {
        let s = s.clamp(0.0, 100.0);
        push_fmt!(
            page,
            "<path d=\"M20 115 A90 90 0 0 1 200 115\" pathLength=\"100\" class=\"arc band-{band}\" stroke-dasharray=\"{s:.2} 100\"/>"
        );
    }
    push_fmt!(
        page,
        "<text x=\"110\" y=\"100\" class=\"big\">{text}</text><text x=\"110\" y=\"124\" class=\"small\">out of 100</text></svg>\n\
         <p class=\"note\">Mean of {scored} scored entities ({entities} in the catalog).</p>\n"
    );
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
    push_fmt!(
        page,
        "<dl class=\"stats\"><dt>Failing checks</dt><dd>{failures} in {} entities</dd>\
         <dt>Lint findings</dt><dd>{} errors, {} warnings, {} notes</dd></dl>\n</figure>\n",
        failing.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note)
    );
}

fn donut(page: &mut String, levels: &LevelCounts, entities: usize) {
    let unscored = entities.saturating_sub(scored(levels));
    let parts = [
        ("gold", "Gold", levels.gold),
        ("silver", "Silver", levels.silver),
        ("bronze", "Bronze", levels.bronze),
        ("none", "Below bronze", levels.none),
        ("unscored", "Not scored", unscored),
    ];
    let total: usize = parts.iter().map(|x| x.2).sum();
    let label = parts
        .iter()
        .map(|(_, name, n)| format!("{name}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    page.push_str("<figure class=\"card\">\n<figcaption>Maturity levels</figcaption>\n<div class=\"donut-wrap\">");
    push_fmt!(
        page,
        "<svg class=\"donut\" viewBox=\"0 0 120 120\" role=\"img\" aria-labelledby=\"donut-t\"><title id=\"donut-t\">Entities per level: {label}</title>\
         <circle cx=\"60\" cy=\"60\" r=\"44\" class=\"ring\"/>"
    );
    let mut start = 0.0f64;
    if total > 0 {
        for (class, _, n) in parts {
            if n == 0 {
                continue;
            }
            let len = n as f64 * 100.0 / total as f64;
            push_fmt!(
                page,
                "<circle cx=\"60\" cy=\"60\" r=\"44\" pathLength=\"100\" class=\"seg lv-{class}\" stroke-dasharray=\"{len:.3} {rest:.3}\" stroke-dashoffset=\"{off:.3}\" transform=\"rotate(-90 60 60)\"/>",
                rest = 100.0 - len,
                off = -start
            );
            start += len;
        }
    }
    let gold = levels.gold;
    push_fmt!(
        page,
        "<text x=\"60\" y=\"60\" class=\"big\">{gold}</text><text x=\"60\" y=\"78\" class=\"small\">gold</text></svg>\n<ul class=\"legend\">"
    );
    for (class, name, n) in parts {
        push_fmt!(
            page,
            "<li><span class=\"sw lv-{class}\" aria-hidden=\"true\"></span>{name}<b>{n}</b></li>"
        );
    }
    page.push_str("</ul></div>\n</figure>\n");
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

fn check_bars(page: &mut String, report: &Report) {
    page.push_str("<figure class=\"card wide\">\n<figcaption>Checks: share of applicable entities passing</figcaption>\n");
    if report.checks.is_empty() {
        page.push_str("<p class=\"empty\">No checks ran.</p>\n</figure>\n");
        return;
    }
    let row = 26;
    let height = report.checks.len() * row + 6;
    let (x0, width) = (150.0f64, 240.0f64);
    let label = report
        .checks
        .iter()
        .map(|check| {
            let tally = check_tally(report, &check.id);
            format!(
                "{}: {} pass, {} fail, {} other",
                check.id, tally.pass, tally.fail, tally.other
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    push_fmt!(
        page,
        "<svg class=\"bars\" viewBox=\"0 0 470 {height}\" role=\"img\" aria-labelledby=\"bars-t\"><title id=\"bars-t\">{}</title>",
        escape(&label)
    );
    for (i, check) in report.checks.iter().enumerate() {
        let tally = check_tally(report, &check.id);
        let y = i * row + 4;
        let applicable = tally.pass + tally.fail + tally.other;
        push_fmt!(
            page,
            "<a href=\"#{}\"><text x=\"{}\" y=\"{}\" class=\"lbl\">{}</text></a>",
            fix_anchor(&check.id),
            x0 - 8.0,
            y + 14,
            escape(&clip(&check.id, 22))
        );
        push_fmt!(page, "<rect x=\"{x0}\" y=\"{y}\" width=\"{width}\" height=\"18\" rx=\"3\" class=\"bar-bg\"/>");
        if applicable > 0 {
            let mut x = x0;
            for (count, class) in [
                (tally.pass, "st-pass"),
                (tally.fail, "st-fail"),
                (tally.other, "st-unknown"),
            ] {
                if count == 0 {
                    continue;
                }
                let wd = width * count as f64 / applicable as f64;
                push_fmt!(page, "<rect x=\"{x:.2}\" y=\"{y}\" width=\"{wd:.2}\" height=\"18\" class=\"{class}\"/>");
                x += wd;
            }
        }
        let text = if applicable == 0 {
            "not applicable".to_string()
        } else {
            format!("{}/{} pass", tally.pass, applicable)
        };
        push_fmt!(
            page,
            "<text x=\"{}\" y=\"{}\" class=\"val\">{text}</text>",
            x0 + width + 8.0,
            y + 14
        );
    }
    page.push_str("</svg>\n<ul class=\"legend inline\"><li><span class=\"sw st-pass\" aria-hidden=\"true\"></span>pass</li><li><span class=\"sw st-fail\" aria-hidden=\"true\"></span>fail</li><li><span class=\"sw st-unknown\" aria-hidden=\"true\"></span>unknown, exempt or error</li></ul>\n</figure>\n");
}
