//! Sending one report to several formats and files: `--format X --output F` pairs, each file
//! written atomically (a temporary file renamed into place), so a crash never leaves half a
//! report behind. Two reports never share a file, and when every report goes to a file, one
//! line on stderr says what the run found and where it went.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use yardstick::report::text::plural;
use yardstick::report::{self, RenderOptions, Report, Summary};
use yardstick::util::atomic_write::write_atomically_with;
use yardstick::{LintReport, Severity};

use crate::flags::{Format, OutputArgs};
use crate::render;
use crate::stdio;

/// What produced the report: a live run can show source snippets; a saved report cannot.
pub enum Live<'a> {
    /// `yardstick lint`.
    Lint(&'a LintReport),
    /// `yardstick score`, with what its human table shows.
    Score(&'a render::score::Rows),
    /// `yardstick report --from`.
    Saved,
}

/// Where each requested format goes: its `--output` file, or stdout (at most one).
pub fn destinations(args: &OutputArgs) -> Result<Vec<(Format, Option<&Path>)>, String> {
    let formats = if args.format.is_empty() {
        vec![Format::Human]
    } else {
        args.format.clone()
    };
    if args.output.len() > formats.len() {
        return Err(format!(
            "{} --output given but only {} --format",
            args.output.len(),
            formats.len()
        ));
    }
    if formats.len() - args.output.len() > 1 {
        return Err(
            "only one report can go to stdout: give an --output for each extra --format".into(),
        );
    }
    check_distinct_outputs(&args.output)?;
    Ok(formats
        .into_iter()
        .enumerate()
        .map(|(index, format)| (format, args.output.get(index).map(PathBuf::as_path)))
        .collect())
}

/// How `args` asks reports to be rendered.
pub fn render_options(args: &OutputArgs) -> RenderOptions {
    RenderOptions {
        sarif_category: args.sarif_category.clone(),
        security_severity: args.security_severity,
    }
}

/// Renders `report` in every requested format to its destination.
pub fn emit(args: &OutputArgs, report: &Report, live: Live<'_>) -> Result<(), String> {
    let destinations = destinations(args)?;
    let options = render_options(args);
    for &(format, destination) in &destinations {
        match destination {
            Some(path) => {
                // Streamed to a temporary file renamed into place: a report of 100k
                // entities is hundreds of MB, never held in memory whole.
                let style = render::Style::default();
                write_atomically_with(path, |out| {
                    render_format(format, report, &options, &live, out, &style)
                })
                .map_err(|e| cannot_write(path, &e))?;
            }
            None => {
                let stdout = std::io::stdout();
                let terminal = stdout.is_terminal();
                let style = render::Style {
                    color: !args.no_color && std::env::var_os("NO_COLOR").is_none() && terminal,
                    width: render::width::output_width(terminal),
                };
                let mut out = stdout.lock();
                stdio::stdout_result(
                    render_format(format, report, &options, &live, &mut out, &style)
                        .and_then(|()| out.flush()),
                )?;
            }
        }
    }
    announce(&destinations, || match live {
        Live::Lint(lint) => lint_outcome(lint),
        Live::Score(_) | Live::Saved => score_outcome(&report.summary),
    });
    Ok(())
}

/// The error of a report that cannot be written to `path`.
pub fn cannot_write(path: &Path, error: &std::io::Error) -> String {
    format!("cannot write {}: {error}", path.display())
}

/// When every report went to a file, one line on stderr says what the run found (`outcome`)
/// and where the reports went.
pub fn announce(destinations: &[(Format, Option<&Path>)], outcome: impl FnOnce() -> String) {
    if destinations.iter().all(|(_, path)| path.is_some()) {
        stdio::eprint_line(&summary_line(&outcome(), destinations));
    }
}

/// An error when two `--output`s name the same file: the second report would overwrite the
/// first.
fn check_distinct_outputs(outputs: &[PathBuf]) -> Result<(), String> {
    let mut seen: Vec<(PathBuf, &Path)> = Vec::new();
    for path in outputs {
        let key = file_identity(path);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(format!(
                "two reports would be written to one file: --output {} and --output {}",
                first.display(),
                path.display()
            ));
        }
        seen.push((key, path));
    }
    Ok(())
}

/// The file a path names, as far as it can be told before writing: its directory resolved
/// (symbolic links, `..`) and its file name.
fn file_identity(path: &Path) -> PathBuf {
    if let Ok(resolved) = path.canonicalize() {
        return resolved;
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    match (parent.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// What a lint found, for the summary line.
fn lint_outcome(lint: &LintReport) -> String {
    format!(
        "{}, {}, {} in {}",
        plural(lint.count(Severity::Error), "error", "errors"),
        plural(lint.count(Severity::Warning), "warning", "warnings"),
        plural(lint.count(Severity::Note), "note", "notes"),
        plural(lint.files.len(), "file", "files")
    )
}

/// What a score run found, for the summary line.
pub fn score_outcome(summary: &Summary) -> String {
    format!(
        "catalog score {} over {}, gate {}",
        yardstick::report::text::score_text(summary.score, "-"),
        plural(summary.entities, "entity", "entities"),
        if summary.gate.passed {
            "passed"
        } else {
            "failed"
        }
    )
}

/// The line [`announce`] writes: the outcome and the files.
fn summary_line(outcome: &str, destinations: &[(Format, Option<&Path>)]) -> String {
    let written: Vec<String> = destinations
        .iter()
        .filter_map(|(format, path)| {
            Some(format!(
                "{} to {}",
                format_name(*format),
                (*path)?.display()
            ))
        })
        .collect();
    format!("yardstick: {outcome}; wrote {}", written.join(", "))
}

/// The name of a format as `--format` takes it.
fn format_name(format: Format) -> String {
    clap::ValueEnum::to_possible_value(&format)
        .map_or_else(|| format!("{format:?}"), |v| v.get_name().to_string())
}

fn render_format(
    format: Format,
    report: &Report,
    options: &RenderOptions,
    live: &Live<'_>,
    out: &mut dyn Write,
    style: &render::Style,
) -> std::io::Result<()> {
    match (format, live) {
        (Format::Human, Live::Lint(lint)) => render::lint::human(out, lint, style),
        (Format::Human, Live::Score(rows)) => render::score::human(out, report, style, rows),
        (Format::Human, Live::Saved) => {
            render::score::human(out, report, style, &render::score::Rows::everything())
        }
        (Format::Json, Live::Lint(_)) => render::lint::findings_json(out, report),
        (Format::Json, _) => report.write_json(out),
        (Format::Sarif, _) => report::sarif::write(report, options, out),
        (Format::Markdown, _) => report::markdown::write(report, options, out),
        (Format::Junit, _) => report::junit::write(report, options, out),
        (Format::Github, _) => report::github::write(report, options, out),
        (Format::Html, Live::Lint(lint)) => {
            report::html::lint_page::write(report, lint.files.len(), out)
        }
        (Format::Html, _) => report::html::write(report, options, out),
        (Format::GithubOutput, Live::Lint(lint)) => {
            report::github::write_lint_outputs(report, lint.files.len(), out)
        }
        (Format::GithubOutput, _) => render::score::github_output(out, report),
    }
}
