//! The JSON report of a streamed run, written entity by entity: the same bytes as
//! [`Report::write_json`] of the whole report, without the whole report in memory.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::nested_json::write_at_depth;
use super::{finding_records, FindingRecord, Report};
use crate::lint::LintReport;
use crate::score::{EntityScore, Summary};

/// Writes a score report's JSON as its results arrive: [`JsonReportStream::begin`] with the
/// report's head, [`JsonReportStream::file`] for each file of the stream, then
/// [`JsonReportStream::finish`] with the summary. Only the findings (a few per cent of a
/// report) wait in memory, because the format puts them last.
///
/// ```
/// use yardstick::report::{JsonReportStream, Report};
/// use yardstick::{lint_paths, LintOptions, PolicySet, ScoreOptions, Scorer, SourceFile};
/// let policies = PolicySet::builtin().unwrap();
/// let options = ScoreOptions { now_ns: Some(0), ..ScoreOptions::default() };
/// let scorer = Scorer::new(&policies, &options).unwrap();
/// let lint = lint_paths(&["../../fixtures/demo".into()], &LintOptions::default()).unwrap();
/// let whole = Report::from_scorecard(&lint, &scorer.score(&lint).unwrap(), &policies, &options.config);
/// let mut expected = Vec::new();
/// whole.write_json(&mut expected).unwrap();
///
/// let sources = || lint.files.iter().cloned();
/// let mut stream = JsonReportStream::begin(&whole, Vec::new()).unwrap();
/// let mut failed = None;
/// let done = scorer.score_stream(sources, &LintOptions::default(), |file| {
///     if let Err(e) = stream.file(&file.lint, &file.entities) { failed.get_or_insert(e); }
/// }).unwrap();
/// assert!(failed.is_none());
/// assert_eq!(stream.finish(&done.summary).unwrap(), expected);
/// ```
#[derive(Debug)]
pub struct JsonReportStream<W: Write> {
    out: W,
    entities: usize,
    findings: Vec<FindingRecord>,
}

/// Where the entities go in the head's text (at the top level, so nothing nested matches).
const ENTITIES: &str = "\n  \"entities\": ";

impl<W: Write> JsonReportStream<W> {
    /// Writes the head of `report` (version, provenance, paths and checks) to `out`. Its
    /// entities, summary and findings are ignored: they come from the stream. A report with
    /// a comparison or an organisation scan is refused, as the stream cannot write them.
    pub fn begin(report: &Report, mut out: W) -> io::Result<Self> {
        if report.comparison.is_some() || report.scan.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a streamed JSON report has no comparison and no organisation scan",
            ));
        }
        let head = Report {
            version: report.version,
            yardstick_version: report.yardstick_version.clone(),
            policy_digest: report.policy_digest.clone(),
            config_digest: report.config_digest.clone(),
            paths: report.paths.clone(),
            checks: report.checks.clone(),
            entities: Vec::new(),
            summary: report.summary.clone(),
            findings: Vec::new(),
            comparison: None,
            scan: None,
        };
        let text = serde_json::to_string_pretty(&head)?;
        let at = text.find(ENTITIES).ok_or_else(|| {
            io::Error::other("the report's JSON has no top-level `entities` field")
        })?;
        out.write_all(&text.as_bytes()[..at + ENTITIES.len()])?;
        out.write_all(b"[")?;
        Ok(JsonReportStream {
            out,
            entities: 0,
            findings: Vec::new(),
        })
    }

    /// Writes the scores of one file's entities and keeps its findings for the end.
    pub fn file(&mut self, lint: &LintReport, entities: &[EntityScore]) -> io::Result<()> {
        for e in entities {
            write_element(&mut self.out, e, self.entities == 0)?;
            self.entities += 1;
        }
        self.findings.extend(finding_records(lint));
        Ok(())
    }

    /// Writes the summary and the findings (sorted by file, as a whole report's are), ends
    /// the report, and gives the writer back.
    pub fn finish(mut self, summary: &Summary) -> io::Result<W> {
        sort_by_file(&mut self.findings, |f| &f.file);
        write_tail(&mut self.out, self.entities, summary, &self.findings)?;
        Ok(self.out)
    }
}

/// Entities rendered at a time, on the pool, by [`write_report`]: a few megabytes of text.
const WINDOW: usize = 2048;

/// Entities one job of the pool renders.
const JOB: usize = 128;

/// Writes `report` as [`Report::write_json`] does, with the entities rendered on the pool,
/// a window at a time, and written in order: the same bytes as serialising it whole. A
/// report with a comparison or an organisation scan is serialised whole.
pub(super) fn write_report(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.comparison.is_some() || report.scan.is_some() {
        serde_json::to_writer_pretty(&mut *out, report)?;
        return writeln!(out);
    }
    let stream = JsonReportStream::begin(report, &mut *out)?;
    for (w, window) in report.entities.chunks(WINDOW).enumerate() {
        let texts: Vec<io::Result<Vec<u8>>> = (window.par_chunks(JOB).enumerate())
            .map(|(j, job)| {
                let mut text = Vec::with_capacity(job.len() * 2048);
                for (i, e) in job.iter().enumerate() {
                    write_element(&mut text, e, (w, j, i) == (0, 0, 0))?;
                }
                Ok(text)
            })
            .collect();
        for text in texts {
            stream.out.write_all(&text?)?;
        }
    }
    let entities = report.entities.len();
    write_tail(stream.out, entities, &report.summary, &report.findings)
}

/// The end of a report, after its entities (`entities` of them): the summary, the
/// `findings` in the order given, and the closing brace.
fn write_tail(
    out: &mut (impl Write + ?Sized),
    entities: usize,
    summary: &Summary,
    findings: &[FindingRecord],
) -> io::Result<()> {
    out.write_all(if entities == 0 { b"]" } else { b"\n  ]" })?;
    out.write_all(b",\n  \"summary\": ")?;
    write_indented(out, summary, "  ", false)?;
    out.write_all(b",\n  \"findings\": [")?;
    for (i, f) in findings.iter().enumerate() {
        write_element(out, f, i == 0)?;
    }
    out.write_all(if findings.is_empty() { b"]" } else { b"\n  ]" })?;
    out.write_all(b"\n}\n")
}

/// Puts a stream's findings (or what is made of them) in a whole report's order, by the
/// file `file` gives. Files may stream in another order than their names sort in; within a
/// file the findings are sorted already, and the sort is stable.
pub(super) fn sort_by_file<T>(findings: &mut [T], file: impl Fn(&T) -> &str) {
    findings.sort_by(|a, b| file(a).cmp(file(b)));
}

/// `value` as an element of one of the report's top-level arrays, on a line of its own.
fn write_element(
    out: &mut (impl Write + ?Sized),
    value: &impl Serialize,
    first: bool,
) -> io::Result<()> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    write_indented(out, value, "    ", true)
}

/// `value` as pretty JSON nested at the depth `indent` (two spaces a level) stands for, the
/// first line indented too when `first` (see [`write_at_depth`]).
fn write_indented(
    out: &mut (impl Write + ?Sized),
    value: &impl Serialize,
    indent: &str,
    first: bool,
) -> io::Result<()> {
    if first {
        out.write_all(indent.as_bytes())?;
    }
    write_at_depth(out, value, indent.len() / 2)
}
