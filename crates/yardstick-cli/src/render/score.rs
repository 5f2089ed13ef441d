//! Rendering a score report for people: a table of entities and checks, the failing checks,
//! aggregates by owner and system, and the gate. Text from the catalog, facts and
//! configuration goes through [`visible`], so its control characters cannot drive the
//! terminal.

use std::io::{self, Write};

use yardstick::report::text::{score_text, status_symbol};
use yardstick::report::{CheckInfo, Report};
use yardstick::util::escape::escape_controls as visible;
use yardstick::{CheckStatus, Severity};

/// The report's status symbols, but `·` for not applicable: lighter in a terminal table.
fn status_mark(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::NotApplicable => "·",
        other => status_symbol(other),
    }
}

fn fmt_score(score: Option<f64>) -> String {
    score_text(score, "-")
}

/// ANSI escapes for the table, or empty strings without colour.
struct Palette {
    red: &'static str,
    green: &'static str,
    bold: &'static str,
    reset: &'static str,
}

impl Palette {
    fn new(color: bool) -> Self {
        if color {
            Palette {
                red: "\x1b[31m",
                green: "\x1b[32m",
                bold: "\x1b[1m",
                reset: "\x1b[0m",
            }
        } else {
            Palette {
                red: "",
                green: "",
                bold: "",
                reset: "",
            }
        }
    }
}

/// A readable table: one row per entity, one column per check, then failures and aggregates.
pub fn human(out: &mut dyn Write, report: &Report, color: bool) -> io::Result<()> {
    let palette = Palette::new(color);
    entity_table(out, report, &palette)?;
    check_legend(out, &report.checks)?;
    failing_checks(out, report, &palette)?;
    aggregates(out, report, &palette)?;
    totals(out, report, &palette)
}

/// The table: a header, then one row per entity with a mark per check.
fn entity_table(out: &mut dyn Write, report: &Report, palette: &Palette) -> io::Result<()> {
    let Palette {
        red,
        green,
        bold,
        reset,
    } = palette;
    let width = report
        .entities
        .iter()
        .map(|e| visible(&e.reference).len())
        .max()
        .unwrap_or(6)
        .max(6);
    write!(
        out,
        "{bold}{:<width$}  {:>5}  {:<6}",
        "ENTITY", "SCORE", "LEVEL"
    )?;
    for (i, _) in report.checks.iter().enumerate() {
        write!(out, " {:>2}", i + 1)?;
    }
    writeln!(out, "{reset}")?;
    for entity in &report.entities {
        write!(
            out,
            "{:<width$}  {:>5}  {:<6}",
            visible(&entity.reference),
            fmt_score(entity.score),
            entity.level.map_or("-", |l| l.as_str())
        )?;
        for check in &report.checks {
            let status = entity
                .checks
                .iter()
                .find(|c| c.id == check.id)
                .map(|c| c.status);
            let mark = status.map_or(" ", status_mark);
            let tint = match status {
                Some(CheckStatus::Pass) => *green,
                Some(CheckStatus::Fail | CheckStatus::Error) => *red,
                _ => "",
            };
            write!(
                out,
                "  {tint}{mark}{}",
                if tint.is_empty() { "" } else { *reset }
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out)
}

/// The checks by column number, and what the marks mean.
fn check_legend(out: &mut dyn Write, checks: &[CheckInfo]) -> io::Result<()> {
    for (i, check) in checks.iter().enumerate() {
        writeln!(
            out,
            "{:>2} {} ({}): {}",
            i + 1,
            visible(&check.id),
            check.severity,
            visible(&check.title)
        )?;
    }
    writeln!(
        out,
        "   ✓ pass  ✗ fail  ? unknown  · not applicable  E exempt  ! error"
    )
}

/// Every failing check of every entity, with where and how to fix it.
fn failing_checks(out: &mut dyn Write, report: &Report, palette: &Palette) -> io::Result<()> {
    let Palette {
        red, bold, reset, ..
    } = palette;
    let failing: Vec<_> = report
        .entities
        .iter()
        .flat_map(|entity| {
            entity
                .checks
                .iter()
                .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Error))
                .map(move |c| (entity, c))
        })
        .collect();
    if failing.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{bold}Failing checks{reset}")?;
    for (entity, result) in failing {
        let at = result.location.as_ref().map_or_else(
            || visible(&entity.file).into_owned(),
            |l| format!("{}:{}:{}", visible(&l.file), l.line, l.column),
        );
        writeln!(
            out,
            "{red}✗{reset} {} {} [{}] {at}\n    {}",
            visible(&entity.reference),
            visible(&result.id),
            result.severity,
            visible(&result.message)
        )?;
        if let Some(remediation) = report
            .checks
            .iter()
            .find(|check| check.id == result.id)
            .map(|check| check.remediation.as_str())
            .filter(|r| !r.is_empty())
        {
            writeln!(out, "    fix: {}", visible(remediation))?;
        }
    }
    Ok(())
}

/// Scores and levels by owner and by system.
fn aggregates(out: &mut dyn Write, report: &Report, palette: &Palette) -> io::Result<()> {
    let Palette { bold, reset, .. } = palette;
    for (title, groups) in [
        ("Owners", &report.summary.owners),
        ("Systems", &report.summary.systems),
    ] {
        writeln!(out, "\n{bold}{title}{reset}")?;
        for group in groups {
            let levels = &group.levels;
            let plural = if group.entities == 1 { "y" } else { "ies" };
            writeln!(
                out,
                "  {:<40} {:>5}  {} entit{plural}  gold {} silver {} bronze {} none {}",
                visible(&group.key),
                fmt_score(group.score),
                group.entities,
                levels.gold,
                levels.silver,
                levels.bronze,
                levels.none
            )?;
        }
    }
    Ok(())
}

/// Expired exemptions, lint errors, the catalog score and the gate.
fn totals(out: &mut dyn Write, report: &Report, palette: &Palette) -> io::Result<()> {
    let Palette {
        red,
        green,
        bold,
        reset,
    } = palette;
    for expired in &report.summary.expired_exemptions {
        writeln!(
            out,
            "\n{red}expired exemption{reset} (line {}): {} / {} expired {}; it no longer exempts",
            expired.line,
            visible(&expired.entity),
            visible(&expired.check),
            visible(&expired.expires)
        )?;
    }
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 {
        writeln!(out, "\n{errors} lint error(s): documents Backstage would reject are not scored; run `yardstick lint` for details.")?;
    }
    let levels = &report.summary.levels;
    let scored = report.entities.iter().filter(|e| e.score.is_some()).count();
    writeln!(
        out,
        "\n{bold}Catalog score {}{reset} over {scored} scored of {} entities: gold {} silver {} bronze {} none {}",
        fmt_score(report.summary.score),
        report.summary.entities,
        levels.gold,
        levels.silver,
        levels.bronze,
        levels.none
    )?;
    if report.summary.gate.passed {
        writeln!(out, "{green}Gate passed{reset}")
    } else {
        writeln!(
            out,
            "{red}Gate failed{reset}: {}",
            visible(&report.summary.gate.reasons.join("; "))
        )
    }
}

/// Step outputs for `$GITHUB_OUTPUT`: the mean score of the reported entities, the lowest
/// level among them (a pull request is as good as its weakest entity), whether the gate
/// passed, and how many entities were reported. Empty values when nothing was scored.
pub fn github_output(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    // `Level` orders Gold first, so the lowest level is the greatest.
    let level = report.entities.iter().filter_map(|e| e.level).max();
    writeln!(
        out,
        "score={}",
        report
            .summary
            .score
            .map_or_else(String::new, |s| format!("{s:.1}"))
    )?;
    writeln!(out, "level={}", level.map_or("", |l| l.as_str()))?;
    writeln!(out, "passed={}", report.summary.gate.passed)?;
    writeln!(out, "entities={}", report.summary.entities)
}
