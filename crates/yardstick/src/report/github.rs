//! GitHub Actions workflow commands for a [`super::Report`]: one `::error`, `::warning` or
//! `::notice` line per failing check and per lint finding, so GitHub annotates the files.
//!
//! Escaping follows `@actions/core` (`packages/core/src/command.ts`): the message escapes
//! `%`, CR and LF; property values additionally escape `:` and `,`. Empty properties are
//! left out, and columns are only sent when the annotation starts and ends on the same
//! line (the runner drops them otherwise).

use std::io::{self, Write};

use super::{RenderOptions, Report};
use crate::policy::CheckSeverity;
use crate::rules::Severity;
use crate::score::CheckStatus;
use crate::util::escape::{is_unsafe_control, push_visible};

/// Escapes the message of a workflow command (`escapeData` in `@actions/core`).
pub fn escape_data(text: &str) -> String {
    escape_command_text(text, false)
}

/// Escapes a property value of a workflow command (`escapeProperty` in `@actions/core`).
pub fn escape_property(text: &str) -> String {
    escape_command_text(text, true)
}

/// `%`, CR and LF always; `:` and `,` too in a property, where they separate the values.
/// Other control characters take their visible form (see [`crate::util::escape`]): the
/// runner would print them raw into the log.
fn escape_command_text(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_unsafe_control(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Where an annotation points.
#[derive(Default)]
struct Position<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
}

/// One workflow command line, without the trailing newline.
fn command(name: &str, at: &Position<'_>, title: &str, message: &str) -> String {
    let mut props: Vec<(&str, String)> = Vec::new();
    if !at.file.is_empty() {
        props.push(("file", at.file.to_string()));
    }
    if let Some(line) = at.line.filter(|&l| l > 0) {
        let end_line = at.end_line.filter(|&e| e >= line).unwrap_or(line);
        props.push(("line", line.to_string()));
        // The runner discards columns when the lines differ: only send them for one line.
        let column = at.column.filter(|&c| c > 0 && end_line == line);
        if let Some(col) = column {
            props.push(("col", col.to_string()));
        }
        props.push(("endLine", end_line.to_string()));
        if let (Some(col), Some(end)) = (column, at.end_column) {
            props.push(("endColumn", end.max(col).to_string()));
        }
    }
    if !title.is_empty() {
        props.push(("title", title.to_string()));
    }
    let mut out = format!("::{name}");
    for (i, (key, value)) in props.iter().enumerate() {
        out.push(if i == 0 { ' ' } else { ',' });
        out.push_str(key);
        out.push('=');
        out.push_str(&escape_property(value));
    }
    out.push_str("::");
    out.push_str(&escape_data(message));
    out
}

fn check_command(severity: CheckSeverity) -> &'static str {
    match severity {
        CheckSeverity::Critical | CheckSeverity::High => "error",
        CheckSeverity::Medium => "warning",
        CheckSeverity::Low => "notice",
    }
}

fn finding_command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// Writes one workflow command per failing check, then one per lint finding.
pub fn write(report: &Report, _options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    write_check_annotations(report, out)?;
    write_finding_annotations(report, out)
}

/// One command per failing check, at the check's location or the entity's file.
fn write_check_annotations(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for entity in &report.entities {
        for result in entity
            .checks
            .iter()
            .filter(|r| r.status == CheckStatus::Fail)
        {
            let at = match &result.location {
                Some(l) => Position {
                    file: &l.file,
                    line: Some(l.line as usize),
                    column: Some(l.column as usize),
                    end_line: Some(l.end_line as usize),
                    end_column: Some(l.end_column as usize),
                },
                None => Position {
                    file: &entity.file,
                    ..Position::default()
                },
            };
            let title = format!("{} ({})", result.id, entity.reference);
            let remediation = report
                .checks
                .iter()
                .find(|c| c.id == result.id)
                .map(|c| c.remediation.trim())
                .filter(|r| !r.is_empty());
            let message = match remediation {
                Some(fix) => format!("{}\nFix: {fix}", result.message),
                None => result.message.to_string(),
            };
            writeln!(
                out,
                "{}",
                command(check_command(result.severity), &at, &title, &message)
            )?;
        }
    }
    Ok(())
}

/// One command per lint finding.
fn write_finding_annotations(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        let at = Position {
            file: &finding.file,
            line: finding.line,
            column: finding.column,
            end_line: finding.end_line,
            end_column: finding.end_column,
        };
        let title = match &finding.entity {
            Some(entity) => format!("{} ({entity})", finding.rule),
            None => finding.rule.clone(),
        };
        let help = finding.help.trim();
        let message = if help.is_empty() {
            finding.message.clone()
        } else {
            format!("{}\nFix: {help}", finding.message)
        };
        writeln!(
            out,
            "{}",
            command(finding_command(finding.severity), &at, &title, &message)
        )?;
    }
    Ok(())
}

/// Writes the step outputs of a lint run (`--format github-output`, for `$GITHUB_OUTPUT`):
/// `errors`, `warnings`, `notes` and `findings` count the findings, `files` the catalog files
/// read (`files_scanned`).
///
/// ```
/// use yardstick::report::{github, Report};
/// # let lint = yardstick::lint_paths(&[], &yardstick::LintOptions::default()).unwrap();
/// let mut out = Vec::new();
/// github::write_lint_outputs(&Report::from_lint(&lint), 0, &mut out).unwrap();
/// assert_eq!(out, b"errors=0\nwarnings=0\nnotes=0\nfindings=0\nfiles=0\n");
/// ```
pub fn write_lint_outputs(
    report: &Report,
    files_scanned: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let count = |severity: Severity| {
        report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    writeln!(out, "errors={}", count(Severity::Error))?;
    writeln!(out, "warnings={}", count(Severity::Warning))?;
    writeln!(out, "notes={}", count(Severity::Note))?;
    writeln!(out, "findings={}", report.findings.len())?;
    writeln!(out, "files={files_scanned}")
}
