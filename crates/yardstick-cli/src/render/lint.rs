//! Rendering lint results: miette diagnostics for people, JSON for tools.
//!
//! Catalog text reaches the terminal only with its control characters made visible
//! ([`yardstick::util::escape`]): messages, help, entity references and file names escaped,
//! source snippets masked byte for byte so that spans still point at the right place.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};
use yardstick::report::text::plural;
use yardstick::report::Report;
use yardstick::util::escape::{escape_controls, mask_controls};
use yardstick::{Finding, LintReport, Severity};

use super::wrap::{fit_lines, wrap};
use super::Style;

/// One finding as a miette diagnostic.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<Arc<str>>>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(&self.finding.message))
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(&self.finding.message))?;
        if let Some(entity) = &self.finding.entity {
            write!(f, " ({})", escape_controls(entity))?;
        }
        Ok(())
    }
}

/// Help text with its control characters made visible.
struct VisibleHelp<'a>(&'a str);

impl fmt::Display for VisibleHelp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(self.0))
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.finding.help.is_empty())
            .then(|| Box::new(VisibleHelp(&self.finding.help)) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.finding
            .rule()
            .map(|r| Box::new(r.docs_url()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.finding.span?;
        self.source.as_ref()?;
        let label = match self.finding.severity {
            Severity::Error => "here",
            Severity::Warning | Severity::Note => "this",
        };
        let secondary = self.finding.secondary.as_ref().map(|s| {
            LabeledSpan::new(
                Some(escape_controls(&s.label).into_owned()),
                s.span.start(),
                s.span.len as usize,
            )
        });
        Some(Box::new(
            // Primary: the header's file:line:col stays the finding's own position.
            std::iter::once(LabeledSpan::new_primary_with_span(
                Some(label.to_string()),
                (span.start(), span.len as usize),
            ))
            .chain(secondary),
        ))
    }
}

/// Human-readable diagnostics followed by a one-line summary. With a width, miette wraps
/// messages and help to it, and [`fit_lines`] fits what miette leaves longer (the header
/// with its link, source lines); without one, nothing is wrapped.
pub fn human(out: &mut dyn Write, report: &LintReport, style: &Style) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_links(style.color);
    let handler = match style.width {
        Some(width) => handler.with_width(width),
        None => handler.with_wrap_lines(false),
    };
    for finding in &report.findings {
        let source = report
            .files
            .iter()
            .find(|f| f.display == finding.file && !f.text.is_empty())
            .map(|f| {
                let text = match mask_controls(&f.text) {
                    std::borrow::Cow::Borrowed(_) => f.text.clone(),
                    std::borrow::Cow::Owned(masked) => Arc::from(masked),
                };
                NamedSource::new(escape_controls(&f.display), text)
            });
        let diagnostic = FindingDiagnostic { finding, source };
        let mut text = String::new();
        if handler.render_report(&mut text, &diagnostic).is_err() {
            text = format!(
                "{}: {} [{}]\n",
                escape_controls(&location(finding)),
                escape_controls(&finding.message),
                finding.rule
            );
        }
        match style.width {
            Some(width) => writeln!(out, "{}", fit_lines(&text, width))?,
            None => writeln!(out, "{text}")?,
        }
    }
    let (errors, warnings, notes) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Note),
    );
    let summary = format!(
        "{}, {}, {} in {} ({}, {} accepted)",
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
        plural(notes, "note", "notes"),
        plural(report.files.len(), "file", "files"),
        plural(report.documents, "document", "documents"),
        plural(report.catalog.len(), "entity", "entities"),
    );
    writeln!(out, "{}", wrap(&summary, style.width, "", "  "))
}

fn location(finding: &Finding) -> String {
    match finding.span {
        Some(span) => format!("{}:{}:{}", finding.file, span.line, span.column),
        None => finding.file.clone(),
    }
}

/// The version of the lint JSON format (docs/json-format.md); bumped on incompatible changes,
/// like the score report's `version`.
pub const LINT_JSON_VERSION: u32 = 1;

/// `{"version": 1, "findings": [...]}` as documented in docs/json-format.md.
pub fn findings_json(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    /// `version` first, as in the score report; each finding's keys stay in the sorted order
    /// they have always had (a `serde_json::Value` object).
    #[derive(serde::Serialize)]
    struct LintJson {
        version: u32,
        findings: serde_json::Value,
    }
    let json = LintJson {
        version: LINT_JSON_VERSION,
        findings: serde_json::to_value(&report.findings)?,
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}
