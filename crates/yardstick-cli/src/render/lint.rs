//! Rendering lint results: miette diagnostics for people, JSON for tools.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};
use yardstick::report::Report;
use yardstick::{CheckStatus, Finding, LintReport, Severity, RULES};

/// One finding as a miette diagnostic.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<Arc<str>>>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)?;
        if let Some(entity) = &self.finding.entity {
            write!(f, " ({entity})")?;
        }
        Ok(())
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
            .then(|| Box::new(&self.finding.help) as Box<dyn fmt::Display>)
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
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label.to_string()),
            span.start(),
            span.len as usize,
        ))))
    }
}

/// Human-readable diagnostics followed by a one-line summary.
pub fn human(out: &mut dyn Write, report: &LintReport, color: bool) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_links(color);
    for finding in &report.findings {
        let source = report
            .files
            .iter()
            .find(|f| f.display == finding.file && !f.text.is_empty())
            .map(|f| NamedSource::new(&f.display, f.text.clone()));
        let diagnostic = FindingDiagnostic { finding, source };
        let mut text = String::new();
        if handler.render_report(&mut text, &diagnostic).is_err() {
            text = format!(
                "{}: {} [{}]\n",
                location(finding),
                finding.message,
                finding.rule
            );
        }
        writeln!(out, "{text}")?;
    }
    let (errors, warnings, notes) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Note),
    );
    writeln!(
        out,
        "{errors} error{}, {warnings} warning{}, {notes} note{} in {} file{} ({} documents, {} entities accepted)",
        plural(errors),
        plural(warnings),
        plural(notes),
        report.files.len(),
        plural(report.files.len()),
        report.documents,
        report.catalog.len()
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn location(f: &Finding) -> String {
    match f.span {
        Some(s) => format!("{}:{}:{}", f.file, s.line, s.column),
        None => f.file.clone(),
    }
}

/// The rule list.
pub fn rules(as_json: bool) -> Result<(), String> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = if as_json {
        let rules: Vec<_> = RULES
            .iter()
            .map(|r| serde_json::json!({"id": r.id, "severity": r.severity, "summary": r.summary, "help": r.help, "url": r.docs_url()}))
            .collect();
        serde_json::to_writer_pretty(&mut out, &rules)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        RULES
            .iter()
            .try_for_each(|r| writeln!(out, "{:<32} {:<8} {}", r.id, r.severity, r.summary))
    };
    result.map_err(|e| format!("cannot write output: {e}"))
}

/// `{"findings": [...]}` as documented in docs/json-format.md.
pub fn findings_json(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(
        &mut *out,
        &serde_json::json!({ "findings": report.findings }),
    )?;
    writeln!(out)
}

fn status_mark(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "✓",
        CheckStatus::Fail => "✗",
        CheckStatus::Unknown => "?",
        CheckStatus::NotApplicable => "·",
        CheckStatus::Exempt => "E",
        CheckStatus::Error => "!",
    }
}

fn fmt_score(score: Option<f64>) -> String {
    score.map_or_else(|| "-".into(), |s| format!("{s:.1}"))
}

/// A readable table: one row per entity, one column per check, then failures and aggregates.
pub fn score_human(out: &mut dyn Write, report: &Report, color: bool) -> io::Result<()> {
    let (red, green, bold, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let width = report
        .entities
        .iter()
        .map(|e| e.reference.len())
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
    for e in &report.entities {
        write!(
            out,
            "{:<width$}  {:>5}  {:<6}",
            e.reference,
            fmt_score(e.score),
            e.level.map_or("-", |l| l.as_str())
        )?;
        for check in &report.checks {
            let status = e.checks.iter().find(|c| c.id == check.id).map(|c| c.status);
            let mark = status.map_or(" ", status_mark);
            let tint = match status {
                Some(CheckStatus::Pass) => green,
                Some(CheckStatus::Fail | CheckStatus::Error) => red,
                _ => "",
            };
            write!(
                out,
                "  {tint}{mark}{}",
                if tint.is_empty() { "" } else { reset }
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    for (i, c) in report.checks.iter().enumerate() {
        writeln!(out, "{:>2} {} ({}): {}", i + 1, c.id, c.severity, c.title)?;
    }
    writeln!(
        out,
        "   ✓ pass  ✗ fail  ? unknown  · not applicable  E exempt  ! error"
    )?;
    let failing: Vec<_> = report
        .entities
        .iter()
        .flat_map(|e| {
            e.checks
                .iter()
                .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Error))
                .map(move |c| (e, c))
        })
        .collect();
    if !failing.is_empty() {
        writeln!(out, "\n{bold}Failing checks{reset}")?;
        for (e, c) in failing {
            let at = c.location.as_ref().map_or_else(
                || e.file.to_string(),
                |l| format!("{}:{}:{}", l.file, l.line, l.column),
            );
            writeln!(
                out,
                "{red}✗{reset} {} {} [{}] {at}\n    {}",
                e.reference, c.id, c.severity, c.message
            )?;
            if let Some(r) = report
                .checks
                .iter()
                .find(|i| i.id == c.id)
                .map(|i| i.remediation.as_str())
                .filter(|r| !r.is_empty())
            {
                writeln!(out, "    fix: {r}")?;
            }
        }
    }
    for (title, groups) in [
        ("Owners", &report.summary.owners),
        ("Systems", &report.summary.systems),
    ] {
        writeln!(out, "\n{bold}{title}{reset}")?;
        for g in groups {
            let l = &g.levels;
            let plural = if g.entities == 1 { "y" } else { "ies" };
            writeln!(
                out,
                "  {:<40} {:>5}  {} entit{plural}  gold {} silver {} bronze {} none {}",
                g.key,
                fmt_score(g.score),
                g.entities,
                l.gold,
                l.silver,
                l.bronze,
                l.none
            )?;
        }
    }
    for x in &report.summary.expired_exemptions {
        writeln!(
            out,
            "\n{red}expired exemption{reset} (line {}): {} / {} expired {}; it no longer exempts",
            x.line, x.entity, x.check, x.expires
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
    let l = &report.summary.levels;
    let scored = report.entities.iter().filter(|e| e.score.is_some()).count();
    writeln!(
        out,
        "\n{bold}Catalog score {}{reset} over {scored} scored of {} entities: gold {} silver {} bronze {} none {}",
        fmt_score(report.summary.score),
        report.summary.entities,
        l.gold,
        l.silver,
        l.bronze,
        l.none
    )?;
    if report.summary.gate.passed {
        writeln!(out, "{green}Gate passed{reset}")
    } else {
        writeln!(
            out,
            "{red}Gate failed{reset}: {}",
            report.summary.gate.reasons.join("; ")
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
