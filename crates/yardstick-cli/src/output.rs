//! Sending one report to several formats and files: `--format X --output F` pairs, each file
//! written atomically (a temporary file renamed into place), so a crash never leaves half a
//! report behind.

use std::io::{IsTerminal, Write};

use yardstick::report::{self, RenderOptions, Report};
use yardstick::util::atomic_write::write_atomically;
use yardstick::LintReport;

use crate::flags::{Format, OutputArgs};
use crate::render;
use crate::stdio;

/// What produced the report: a live run can show source snippets; a saved report cannot.
pub enum Live<'a> {
    /// `yardstick lint`.
    Lint(&'a LintReport),
    /// `yardstick score`.
    Score,
    /// `yardstick report --from`.
    Saved,
}

/// Renders `report` in every requested format to its destination.
pub fn emit(args: &OutputArgs, report: &Report, live: Live<'_>) -> Result<(), String> {
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
    let options = RenderOptions {
        sarif_category: args.sarif_category.clone(),
        security_severity: args.security_severity,
    };
    for (index, format) in formats.iter().enumerate() {
        match args.output.get(index) {
            Some(path) => {
                let mut buffer = Vec::new();
                render_format(*format, report, &options, &live, &mut buffer, false)
                    .map_err(|e| format!("cannot render {format:?}: {e}"))?;
                write_atomically(path, &buffer)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            None => {
                let stdout = std::io::stdout();
                let color = !args.no_color
                    && std::env::var_os("NO_COLOR").is_none()
                    && stdout.is_terminal();
                let mut out = stdout.lock();
                stdio::stdout_result(
                    render_format(*format, report, &options, &live, &mut out, color)
                        .and_then(|()| out.flush()),
                )?;
            }
        }
    }
    Ok(())
}

fn render_format(
    format: Format,
    report: &Report,
    options: &RenderOptions,
    live: &Live<'_>,
    out: &mut dyn Write,
    color: bool,
) -> std::io::Result<()> {
    match (format, live) {
        (Format::Human, Live::Lint(lint)) => render::lint::human(out, lint, color),
        (Format::Human, _) => render::score::human(out, report, color),
        (Format::Json, Live::Lint(_)) => render::lint::findings_json(out, report),
        (Format::Json, _) => report.write_json(out),
        (Format::Sarif, _) => report::sarif::write(report, options, out),
        (Format::Markdown, _) => report::markdown::write(report, options, out),
        (Format::Junit, _) => report::junit::write(report, options, out),
        (Format::Github, _) => report::github::write(report, options, out),
        (Format::Html, _) => report::html::write(report, options, out),
        (Format::GithubOutput, _) => render::score::github_output(out, report),
    }
}
