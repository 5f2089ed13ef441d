//! `yardstick score --stream`: the catalog linted and scored in two passes over its files,
//! each report written as the results arrive, so that memory holds the catalog's index and
//! not the catalog.

use std::io::{self, BufWriter, StdoutLock, Write};
use std::path::Path;

use yardstick::report::{JsonReportStream, RenderOptions, Report, SarifReportStream, Summary};
use yardstick::util::atomic_write::AtomicFile;
use yardstick::{catalog_files, Scorer, StreamedFile};

use super::{report_paths, Setup, CHECK_REFS_ALWAYS};
use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::flags::{Format, ScoreArgs};
use crate::output;
use crate::settings::{scan_paths, CiUnknown};
use crate::stdio;

/// An error unless every requested report can be written as a stream.
pub(super) fn check_streamable(args: &ScoreArgs) -> Result<(), String> {
    let formats = &args.output.format;
    let streamable = |f: &Format| matches!(f, Format::Json | Format::Sarif);
    if formats.is_empty() || !formats.iter().all(streamable) {
        return Err(
            "--stream writes JSON and SARIF reports only: give --format json or \
                    --format sarif (each with --output FILE, or one to stdout)"
                .into(),
        );
    }
    Ok(())
}

/// Scores the catalog as a stream into the requested reports; the exit code says whether
/// the gate passed.
pub(super) fn run(args: &ScoreArgs, setup: &Setup) -> Result<u8, String> {
    let Setup {
        policies,
        lint_options,
        options,
    } = setup;
    // Checked before the catalog is read: a mistake here should not cost a pass over it.
    let destinations = output::destinations(&args.output)?;
    let files = catalog_files(&scan_paths(&args.scan), lint_options).map_err(|e| e.to_string())?;
    let scorer = Scorer::new(policies, options).map_err(|e| e.to_string())?;
    let index = scorer
        .index(files.iter().cloned(), lint_options)
        .map_err(|e| e.to_string())?;
    crate::settings::warn_if_empty(index.files());
    crate::settings::note_lenient_owners(index.owners(), lint_options, CHECK_REFS_ALWAYS);
    let facts_path = args.scoring.facts.as_deref();
    let unmatched = |facts: &yardstick::Facts| facts.unmatched(index.references());
    crate::settings::warn_unmatched_facts(facts_path, &options.facts, unmatched, policies);

    let mut head = Report::score_head(policies, &options.config);
    head.paths = report_paths(args);
    let render = output::render_options(&args.output);
    let mut sinks = (destinations.iter())
        .map(|&(format, path)| Sink::open(format, path, &head, &render))
        .collect::<Result<Vec<_>, String>>()?;
    let mut ci = CiUnknown::default();
    let mut failed = None;
    let done = scorer
        .score_indexed(&index, files.iter().cloned(), |file| {
            file.entities.iter().for_each(|e| ci.add(e));
            for sink in sinks.iter_mut() {
                if let Err(e) = sink.file(&file) {
                    failed.get_or_insert(e);
                }
            }
        })
        .map_err(|e| e.to_string())?;
    if let Some(error) = failed {
        return Err(error);
    }
    for sink in sinks {
        sink.finish(&done.summary)?;
    }
    ci.hint(facts_path.is_some());
    output::announce(&destinations, || output::score_outcome(&done.summary));
    Ok(if done.summary.gate.passed {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// Where a streamed report goes.
enum Out {
    File(AtomicFile),
    Stdout(BufWriter<StdoutLock<'static>>),
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Out::File(file) => file.write(buf),
            Out::Stdout(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Out::File(file) => file.flush(),
            Out::Stdout(out) => out.flush(),
        }
    }
}

/// A report written from the stream.
enum Stream {
    Json(JsonReportStream<Out>),
    Sarif(SarifReportStream<Out>),
}

impl Stream {
    fn file(&mut self, file: &StreamedFile) -> io::Result<()> {
        match self {
            Stream::Json(json) => json.file(&file.lint, &file.entities),
            Stream::Sarif(sarif) => sarif.file(&file.lint, &file.entities),
        }
    }

    fn finish(self, summary: &Summary) -> io::Result<Out> {
        match self {
            Stream::Json(json) => json.finish(summary),
            Stream::Sarif(sarif) => sarif.finish(summary),
        }
    }
}

/// One requested report, written as the results arrive.
struct Sink<'p> {
    path: Option<&'p Path>,
    /// `None` once stdout's reader went away: the rest is not written, and that is no error.
    report: Option<Stream>,
}

impl<'p> Sink<'p> {
    fn open(
        format: Format,
        path: Option<&'p Path>,
        head: &Report,
        render: &RenderOptions,
    ) -> Result<Self, String> {
        let out = match path {
            Some(path) => {
                Out::File(AtomicFile::create(path).map_err(|e| output::cannot_write(path, &e))?)
            }
            None => Out::Stdout(BufWriter::new(io::stdout().lock())),
        };
        let report = match format {
            Format::Json => JsonReportStream::begin(head, out).map(Stream::Json),
            Format::Sarif => SarifReportStream::begin(head, render, out).map(Stream::Sarif),
            _ => return Err(format!("--stream cannot write {format:?}")),
        };
        let mut sink = Sink { path, report: None };
        sink.report = sink.written(report)?;
        Ok(sink)
    }

    fn file(&mut self, file: &StreamedFile) -> Result<(), String> {
        let Some(report) = self.report.as_mut() else {
            return Ok(());
        };
        let result = report.file(file);
        if self.written(result)?.is_none() {
            self.report = None;
        }
        Ok(())
    }

    fn finish(mut self, summary: &Summary) -> Result<(), String> {
        let Some(report) = self.report.take() else {
            return Ok(());
        };
        let result = report.finish(summary).and_then(|out| match out {
            Out::File(file) => file.commit(),
            Out::Stdout(mut out) => out.flush(),
        });
        self.written(result).map(drop)
    }

    /// The outcome of a write: its value, an error naming the file, or `None` when stdout's
    /// reader went away, which counts as done.
    fn written<T>(&self, result: io::Result<T>) -> Result<Option<T>, String> {
        match (result, self.path) {
            (Ok(value), _) => Ok(Some(value)),
            (Err(e), Some(path)) => Err(output::cannot_write(path, &e)),
            (Err(e), None) => stdio::stdout_result(Err(e)).map(|()| None),
        }
    }
}
