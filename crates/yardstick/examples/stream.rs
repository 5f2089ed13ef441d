//! Scoring a catalog of any size as a stream: the files are read twice, one chunk at a
//! time, and each file's findings and scores are handled (here, printed) and dropped, so
//! memory holds the catalog's index, not the catalog.
//!
//! ```sh
//! cargo run --release -p yardstick --example stream -- fixtures/demo --facts fixtures/demo/facts.json
//! cargo run -p yardstick --example stream -- fixtures/demo --json report.json   # the JSON report, streamed
//! cargo run -p yardstick --example stream -- fixtures/demo --check   # and compare with scoring at once
//! ```
//!
//! Exit code: 0 when the gate passes, 1 when it fails (or `--check` finds a difference), 2
//! when the run cannot start.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use yardstick::report::{JsonReportStream, Report, Summary};
use yardstick::util::atomic_write::write_atomically_with;
use yardstick::util::escape::escape_controls;
use yardstick::{
    lint_files, CheckStatus, EntityScore, Facts, Finding, LintOptions, LintReport, PolicySet,
    ScoreOptions, Scorer, Severity, SourceFile, StreamSummary, StreamedFile,
};

struct Args {
    dir: PathBuf,
    facts: Option<PathBuf>,
    /// Where to write the JSON report, streamed.
    json: Option<PathBuf>,
    check: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("stream: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let args = parse_args()?;
    let paths = catalog_paths(&args.dir)?;
    let facts = match &args.facts {
        Some(path) => read_facts(path)?,
        None => Facts::default(),
    };
    let policies = PolicySet::builtin().map_err(|e| e.to_string())?;
    let options = ScoreOptions {
        facts,
        ..ScoreOptions::default()
    };
    let scorer = Scorer::new(&policies, &options).map_err(|e| e.to_string())?;
    let lint = LintOptions::default();
    // Called once per pass: each yields the files one by one, read when reached.
    let sources = || paths.iter().map(|path| read_source(path, &args.dir));
    let head = Report::score_head(&policies, &options.config);
    let mut seen = Seen::new(args.check);
    let mut stream = |json: Option<&mut dyn Write>| -> io::Result<StreamSummary> {
        let mut json = json
            .map(|out| JsonReportStream::begin(&head, out))
            .transpose()?;
        let mut failed = None;
        let done = scorer
            .score_stream(sources, &lint, |file| {
                if let Some(Err(e)) = json.as_mut().map(|j| j.file(&file.lint, &file.entities)) {
                    failed.get_or_insert(e);
                }
                seen.add(file);
            })
            .map_err(io::Error::other)?;
        failed.map_or(Ok(()), Err)?;
        json.map(|j| j.finish(&done.summary)).transpose()?;
        Ok(done)
    };
    let done = match &args.json {
        // Written to a temporary file renamed into place: never half a report.
        Some(path) => {
            let mut done = None;
            write_atomically_with(path, |out| {
                done = Some(stream(Some(out))?);
                Ok(())
            })
            .map_err(|e| format!("{}: {e}", path.display()))?;
            done.ok_or("the report was not written")?
        }
        None => stream(None).map_err(|e| e.to_string())?,
    };
    let summary = &done.summary;
    println!(
        "{} files, {} entities, {} lint errors, {} failing checks, score {}",
        done.files,
        summary.entities,
        seen.errors,
        seen.failing,
        summary.score.map_or("-".into(), |s| format!("{s:.1}")),
    );
    if args.check && !seen.equals_whole(&scorer, lint_files(sources().collect(), &lint), summary)? {
        eprintln!("stream: the streamed results differ from scoring the catalog at once");
        return Ok(ExitCode::from(1));
    }
    Ok(if summary.gate.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// What the run has seen: counts, the failing checks (printed), and with `--check` every
/// file's results (kept to compare them).
struct Seen {
    errors: usize,
    failing: usize,
    keep: bool,
    findings: Vec<Finding>,
    scores: Vec<EntityScore>,
}

impl Seen {
    fn new(keep: bool) -> Self {
        let (findings, scores) = (Vec::new(), Vec::new());
        Seen {
            errors: 0,
            failing: 0,
            keep,
            findings,
            scores,
        }
    }

    fn add(&mut self, file: StreamedFile) {
        self.errors += file.lint.count(Severity::Error);
        for e in &file.entities {
            for c in e.checks.iter().filter(|c| c.status == CheckStatus::Fail) {
                self.failing += 1;
                let line = format!("{}: {} fails {}", e.file, e.reference, c.id);
                println!("{}", escape_controls(&line));
            }
        }
        if self.keep {
            self.findings.extend(file.lint.findings);
            self.scores.extend(file.entities);
        }
    }

    /// Whether what streamed equals scoring `whole` at once.
    fn equals_whole(
        &mut self,
        scorer: &Scorer,
        whole: LintReport,
        summary: &Summary,
    ) -> Result<bool, String> {
        let card = scorer.score(&whole).map_err(|e| e.to_string())?;
        // Files stream in path order; a whole report sorts its findings by file as shown.
        self.findings.sort_by(|a, b| a.file.cmp(&b.file));
        let same = self.findings == whole.findings
            && self.scores == card.entities
            && card.summary == *summary;
        if same {
            println!(
                "the same {} findings, {} scores and summary as scoring the catalog at once",
                self.findings.len(),
                self.scores.len()
            );
        }
        Ok(same)
    }
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut dir, mut facts, mut json, mut check) = (None, None, None, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--facts" => facts = Some(PathBuf::from(args.next().ok_or("--facts needs a file")?)),
            "--json" => json = Some(PathBuf::from(args.next().ok_or("--json needs a file")?)),
            "--check" => check = true,
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    let dir = dir.ok_or("usage: stream DIR [--facts FILE] [--json FILE] [--check]")?;
    Ok(Args {
        dir,
        facts,
        json,
        check,
    })
}

/// Every `catalog-info.yaml` below `dir` (`.gitignore` respected), in path order.
fn catalog_paths(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).build() {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name();
        if name == "catalog-info.yaml" || name == "catalog-info.yml" {
            paths.push(entry.into_path());
        }
    }
    paths.sort();
    Ok(paths)
}

/// A file as a source; one that cannot be read is an empty source with its error as text
/// would hide it, so the run stops instead.
fn read_source(path: &Path, root: &Path) -> SourceFile {
    let text = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("stream: cannot read {}: {e}", path.display());
        std::process::exit(2)
    });
    let shown = path.strip_prefix(root).unwrap_or(path);
    SourceFile {
        path: path.to_path_buf(),
        display: shown.to_string_lossy().replace('\\', "/"),
        root: root.to_path_buf(),
        text: Arc::from(String::from_utf8_lossy(&text)),
    }
}

fn read_facts(path: &Path) -> Result<Facts, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Facts::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}
