//! Rendering a score report for people: a table of entities and checks, the failing checks,
//! aggregates by owner and system, and the gate. Text from the catalog, facts and
//! configuration goes through [`visible`], so its control characters cannot drive the
//! terminal; with a width ([`Style::width`]) prose wraps under a hanging indent and the
//! table clips its entity column.

mod failures;
mod rows;

use std::io::{self, Write};

use yardstick::report::text::{
    clip, level_counts_text, level_text, plural, score_text, status_symbol,
};
use yardstick::report::{CheckInfo, Report};
use yardstick::util::escape::escape_controls as visible;
use yardstick::{CheckStatus, EntityScore, Level, Severity};

pub use rows::{owner_ref, Rows};

use super::wrap::{display_width, pack, wrap};
use super::Style;

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
    yellow: &'static str,
    cyan: &'static str,
    magenta: &'static str,
    bold: &'static str,
    reset: &'static str,
}

impl Palette {
    fn new(color: bool) -> Self {
        if color {
            Palette {
                red: "\x1b[31m",
                green: "\x1b[32m",
                yellow: "\x1b[33m",
                cyan: "\x1b[36m",
                magenta: "\x1b[35m",
                bold: "\x1b[1m",
                reset: "\x1b[0m",
            }
        } else {
            Palette {
                red: "",
                green: "",
                yellow: "",
                cyan: "",
                magenta: "",
                bold: "",
                reset: "",
            }
        }
    }

    /// The colour of a level: gold yellow, silver cyan, bronze magenta, none red.
    fn level(&self, level: Option<Level>) -> &'static str {
        match level {
            Some(Level::Gold) => self.yellow,
            Some(Level::Silver) => self.cyan,
            Some(Level::Bronze) => self.magenta,
            Some(Level::None) => self.red,
            None => "",
        }
    }
}

/// A readable table: one row per shown entity, one column per check, then failures and
/// aggregates. `rows` narrows the table and the failure lists; the aggregates, the catalog
/// score and the gate always cover the whole report.
pub fn human(out: &mut dyn Write, report: &Report, style: &Style, rows: &Rows) -> io::Result<()> {
    let palette = Palette::new(style.color);
    let selection = rows.select(&report.entities);
    entity_table(out, &selection.shown, &report.checks, style, &palette)?;
    for line in rows.footer(&selection) {
        writeln!(out, "{}", wrap(&line, style.width, "", "  "))?;
    }
    writeln!(out)?;
    check_legend(out, &report.checks, style)?;
    failures::write(out, &selection.shown, &report.checks, style, &palette)?;
    aggregates(out, report, style, &palette)?;
    totals(out, report, style, &palette)
}

/// Columns of the table besides the entity and the checks: `  SCORE  LEVEL `.
const FIXED_COLUMNS: usize = 2 + 5 + 2 + 6;
/// The narrowest the entity column gets when the table is fitted to a width.
const MIN_ENTITY_COLUMN: usize = 12;

/// The table: a header, then one row per entity with a mark per check. With a width, the
/// entity column is clipped so that rows fit.
fn entity_table(
    out: &mut dyn Write,
    entities: &[&EntityScore],
    checks: &[CheckInfo],
    style: &Style,
    palette: &Palette,
) -> io::Result<()> {
    let Palette {
        red,
        green,
        bold,
        reset,
        ..
    } = palette;
    let references: Vec<String> = entities
        .iter()
        .map(|e| visible(&e.reference).into_owned())
        .collect();
    let room = style.width.map(|w| {
        w.saturating_sub(FIXED_COLUMNS + 3 * checks.len())
            .max(MIN_ENTITY_COLUMN)
    });
    let references = fit_references(references, room);
    let width = references
        .iter()
        .map(|r| display_width(r))
        .max()
        .unwrap_or(6)
        .max(6);
    write!(
        out,
        "{bold}{:<width$}  {:>5}  {:<6}",
        "ENTITY", "SCORE", "LEVEL"
    )?;
    for (i, _) in checks.iter().enumerate() {
        write!(out, " {:>2}", i + 1)?;
    }
    writeln!(out, "{reset}")?;
    for (entity, reference) in entities.iter().zip(&references) {
        let tint = palette.level(entity.level);
        let end = if tint.is_empty() { "" } else { *reset };
        write!(
            out,
            "{reference:<width$}  {:>5}  {tint}{:<6}{end}",
            fmt_score(entity.score),
            level_text(entity.level, "-")
        )?;
        for check in checks {
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
            let end = if tint.is_empty() { "" } else { *reset };
            write!(out, "  {tint}{mark}{end}")?;
        }
        writeln!(out)?;
    }
    if entities.is_empty() {
        writeln!(out, "(no entity to show)")?;
    }
    Ok(())
}

/// Entity references fitted to a column of `room` columns: all whole when they fit; else
/// all without the default namespace (`component:route-planner`, which Backstage reads as
/// the same entity), and any still too long clipped.
fn fit_references(references: Vec<String>, room: Option<usize>) -> Vec<String> {
    let Some(room) = room else {
        return references;
    };
    if references.iter().all(|r| display_width(r) <= room) {
        return references;
    }
    references
        .iter()
        .map(|r| clip(&r.replacen(":default/", ":", 1), room))
        .collect()
}

/// The checks by column number, and what the marks mean.
fn check_legend(out: &mut dyn Write, checks: &[CheckInfo], style: &Style) -> io::Result<()> {
    for (i, check) in checks.iter().enumerate() {
        let text = format!(
            "{} ({}): {}",
            visible(&check.id),
            check.severity,
            visible(&check.title)
        );
        let number = format!("{:>2} ", i + 1);
        writeln!(out, "{}", wrap(&text, style.width, &number, "      "))?;
    }
    let marks = [
        "✓ pass",
        "✗ fail",
        "? unknown",
        "· not applicable",
        "E exempt",
        "! error",
    ];
    writeln!(out, "{}", pack(marks, "  ", style.width, "   ", "   "))
}

/// Scores and levels by owner and by system: one line per group, or, when that does not
/// fit the width, the group (wrapped, never clipped: it may be any owner text) and its
/// figures under it.
fn aggregates(
    out: &mut dyn Write,
    report: &Report,
    style: &Style,
    palette: &Palette,
) -> io::Result<()> {
    let Palette { bold, reset, .. } = palette;
    for (title, groups) in [
        ("Owners", &report.summary.owners),
        ("Systems", &report.summary.systems),
    ] {
        writeln!(out, "\n{bold}{title}{reset}")?;
        let counted = |n| plural(n, "entity", "entities");
        let count_width = groups
            .iter()
            .map(|g| counted(g.entities).len())
            .max()
            .unwrap_or(0);
        for group in groups {
            let key = visible(&group.key);
            let score = fmt_score(group.score);
            let entities = counted(group.entities);
            let levels = level_counts_text(&group.levels);
            let line = format!("  {key:<40} {score:>5}  {entities:<count_width$}  {levels}");
            match style.width {
                Some(width) if display_width(&line) > width => {
                    writeln!(out, "{}", wrap(&key, style.width, "  ", "    "))?;
                    let figures = [score.as_str(), entities.as_str(), levels.as_str()];
                    writeln!(out, "{}", pack(figures, "  ", style.width, "    ", "    "))?;
                }
                _ => writeln!(out, "{}", line.trim_end())?,
            }
        }
    }
    Ok(())
}

/// Expired exemptions, lint errors, the catalog score and the gate.
fn totals(
    out: &mut dyn Write,
    report: &Report,
    style: &Style,
    palette: &Palette,
) -> io::Result<()> {
    let Palette {
        red,
        green,
        bold,
        reset,
        ..
    } = palette;
    let width = style.width;
    for expired in &report.summary.expired_exemptions {
        let text = format!(
            "{red}expired exemption{reset} (line {}): {} / {} expired {}; it no longer exempts",
            expired.line,
            visible(&expired.entity),
            visible(&expired.check),
            visible(&expired.expires)
        );
        writeln!(out, "\n{}", wrap(&text, width, "", "  "))?;
    }
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 {
        let text = format!(
            "{}: documents Backstage would reject are not scored; run `yardstick lint` for details.",
            plural(errors, "lint error", "lint errors")
        );
        writeln!(out, "\n{}", wrap(&text, width, "", "  "))?;
    }
    let scored = report.entities.iter().filter(|e| e.score.is_some()).count();
    let text = format!(
        "{bold}Catalog score {}{reset} over {scored} scored of {}: {}",
        fmt_score(report.summary.score),
        plural(report.summary.entities, "entity", "entities"),
        level_counts_text(&report.summary.levels)
    );
    writeln!(out, "\n{}", wrap(&text, width, "", "  "))?;
    if report.summary.gate.passed {
        writeln!(out, "{green}Gate passed{reset}")
    } else {
        let text = format!(
            "{red}Gate failed{reset}: {}",
            visible(&report.summary.gate.reasons.join("; "))
        );
        writeln!(out, "{}", wrap(&text, width, "", "  "))
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
    writeln!(out, "level={}", level_text(level, ""))?;
    writeln!(out, "passed={}", report.summary.gate.passed)?;
    writeln!(out, "entities={}", report.summary.entities)
}
