//! The JSON report of a streamed run, written entity by entity: the same bytes as
//! [`Report::write_json`] of the whole report, without the whole report in memory.

use std::io::{self, Write};

use serde::Serialize;

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
            self.out
                .write_all(if self.entities == 0 { b"\n" } else { b",\n" })?;
            write_indented(&mut self.out, e, "    ", true)?;
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

/// Everything after the entities' last item: the end of the list, the summary, the findings
/// (in the order given) and the end of the report.
fn write_tail(
    out: &mut impl Write,
    entities: usize,
    summary: &Summary,
    findings: &[FindingRecord],
) -> io::Result<()> {
    out.write_all(if entities == 0 { b"]" } else { b"\n  ]" })?;
    out.write_all(b",\n  \"summary\": ")?;
    write_indented(out, summary, "  ", false)?;
    out.write_all(b",\n  \"findings\": [")?;
    for (i, f) in findings.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        write_indented(out, f, "    ", true)?;
    }
    out.write_all(if findings.is_empty() { b"]" } else { b"\n  ]" })?;
    out.write_all(b"\n}\n")
}

/// Entities rendered at once on the pool by [`write_parallel`]: a few MB of text.
const RENDERED_AT_ONCE: usize = 4096;

/// [`Report::write_json`] of a report without a comparison or an organisation scan, with
/// its entities rendered on the rayon pool a chunk at a time: the same bytes.
pub(super) fn write_parallel(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    use rayon::prelude::*;
    let mut stream = JsonReportStream::begin(report, out)?;
    for chunk in report.entities.chunks(RENDERED_AT_ONCE) {
        let rendered: Vec<io::Result<String>> = (chunk.par_iter())
            .map(|e| Ok(serde_json::to_string_pretty(e)?))
            .collect();
        for text in rendered {
            stream
                .out
                .write_all(if stream.entities == 0 { b"\n" } else { b",\n" })?;
            write_nested(&mut stream.out, &text?, "    ", true)?;
            stream.entities += 1;
        }
    }
    write_tail(
        &mut stream.out,
        stream.entities,
        &report.summary,
        &report.findings,
    )
}

/// Puts a stream's findings (or what is made of them) in a whole report's order, by the
/// file `file` gives. Files may stream in another order than their names sort in; within a
/// file the findings are sorted already, and the sort is stable.
pub(super) fn sort_by_file<T>(findings: &mut [T], file: impl Fn(&T) -> &str) {
    findings.sort_by(|a, b| file(a).cmp(file(b)));
}

/// `value` as pretty JSON nested at the depth `indent` stands for: see [`write_nested`].
fn write_indented(
    out: &mut impl Write,
    value: &impl Serialize,
    indent: &str,
    first: bool,
) -> io::Result<()> {
    write_nested(out, &serde_json::to_string_pretty(value)?, indent, first)
}

/// Pretty JSON `text` nested at the depth `indent` stands for: every line but the first (and
/// the first too when `first`) starts with `indent`. JSON strings hold no raw line breaks, so
/// lines are the formatter's own.
pub(super) fn write_nested(
    out: &mut (impl Write + ?Sized),
    text: &str,
    indent: &str,
    first: bool,
) -> io::Result<()> {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        if i > 0 || first {
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::report::Report;
    use crate::{lint_paths, LintOptions, PolicySet, ScoreOptions, Scorer};

    /// A report large enough to be rendered in parallel, in several chunks, is written byte
    /// for byte as serde writes it at once.
    #[test]
    fn a_large_report_renders_in_parallel_to_the_same_bytes() {
        let lint = lint_paths(&["../../fixtures/demo".into()], &LintOptions::default()).unwrap();
        let policies = PolicySet::builtin().unwrap();
        let options = ScoreOptions {
            now_ns: Some(0),
            ..ScoreOptions::default()
        };
        let card = Scorer::new(&policies, &options)
            .unwrap()
            .score(&lint)
            .unwrap();
        let mut report = Report::from_scorecard(&lint, &card, &policies, &options.config);
        assert!(!report.entities.is_empty() && !report.findings.is_empty());
        let one = report.entities.clone();
        while report.entities.len() <= super::RENDERED_AT_ONCE + super::super::PARALLEL_JSON_FROM {
            report.entities.extend(one.iter().cloned());
        }
        let mut parallel = Vec::new();
        report.write_json(&mut parallel).unwrap();
        let mut serial = serde_json::to_vec_pretty(&report).unwrap();
        serial.push(b'\n');
        assert_eq!(
            String::from_utf8(parallel).unwrap(),
            String::from_utf8(serial).unwrap()
        );
    }
}
