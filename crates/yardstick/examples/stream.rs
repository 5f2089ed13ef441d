//! Scoring a catalog of any size as a stream: the files are read twice, one chunk at a
//! time, and each file's findings and scores are handled (here, printed) and dropped, so
//! memory holds the catalog's index, not the catalog.
//!
//! ```sh
//! cargo run --release -p yardstick --example stream -- fixtures/demo --facts fixtures/demo/facts.json
//! cargo run -p yardstick --example stream -- fixtures/demo --check   # and compare with scoring at once
//! ```
//!
//! Exit code: 0 when the gate passes, 1 when it fails (or `--check` finds a difference), 2
//! when the run cannot start.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use yardstick::util::escape::escape_controls;
use yardstick::{
    lint_files, CheckStatus, Facts, LintOptions, PolicySet, ScoreOptions, Scorer, Severity,
    SourceFile,
};

struct Args {
    dir: PathBuf,
    facts: Option<PathBuf>,
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
    let (mut errors, mut failing) = (0, 0);
    // Only `--check` keeps every file's results, to compare them.
    let (mut findings, mut scores) = (Vec::new(), Vec::new());
    let done = scorer
        .score_stream(sources, &lint, |file| {
            errors += file.lint.count(Severity::Error);
            for e in &file.entities {
                for c in e.checks.iter().filter(|c| c.status == CheckStatus::Fail) {
                    failing += 1;
                    let line = format!("{}: {} fails {}", e.file, e.reference, c.id);
                    println!("{}", escape_controls(&line));
                }
            }
            if args.check {
                findings.extend(file.lint.findings);
                scores.extend(file.entities);
            }
        })
        .map_err(|e| e.to_string())?;
    let summary = &done.summary;
    println!(
        "{} files, {} entities, {errors} lint errors, {failing} failing checks, score {}",
        done.files,
        summary.entities,
        summary.score.map_or("-".into(), |s| format!("{s:.1}")),
    );
    if args.check {
        let whole = lint_files(sources().collect(), &lint);
        let card = scorer.score(&whole).map_err(|e| e.to_string())?;
        // Files stream in path order; a whole report sorts its findings by file as shown.
        findings.sort_by(|a, b| a.file.cmp(&b.file));
        if findings != whole.findings || scores != card.entities || card.summary != *summary {
            eprintln!("stream: the streamed results differ from scoring the catalog at once");
            return Ok(ExitCode::from(1));
        }
        println!(
            "the same {} findings, {} scores and summary as scoring the catalog at once",
            findings.len(),
            scores.len()
        );
    }
    Ok(if summary.gate.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut dir, mut facts, mut check) = (None, None, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--facts" => facts = Some(PathBuf::from(args.next().ok_or("--facts needs a file")?)),
            "--check" => check = true,
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    let dir = dir.ok_or("usage: stream DIR [--facts FILE] [--check]")?;
    Ok(Args { dir, facts, check })
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
