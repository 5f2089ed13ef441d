//! The `yardstick` command: a thin layer of argument parsing, file I/O and rendering over the
//! `yardstick` library.

mod output;
mod render;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use yardstick::report::Report;
use yardstick::{
    lint_paths, rego_files, run_rego_tests, Config, Facts, FailOn, LintOptions, PolicySet,
    RefCheck, ScoreOptions, Severity, CONFIG_FILE_NAME,
};

/// Exit code: nothing wrong (warnings allowed unless denied).
const EXIT_OK: u8 = 0;
/// Exit code: findings that fail the run.
const EXIT_FINDINGS: u8 = 1;
/// Exit code: the tool could not run.
const EXIT_ERROR: u8 = 2;

#[derive(Parser)]
#[command(
    name = "yardstick",
    version,
    about = "Measure a Backstage software catalog against your standards"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint catalog files exactly as Backstage would accept or reject them.
    Lint(LintArgs),
    /// Score every entity against the checks, with levels, aggregates and a CI gate.
    Score(ScoreArgs),
    /// Render a saved JSON report (from `score --format json`) in other formats.
    Report {
        /// The saved report.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Run the `test_` rules of Rego test files, like `opa test`.
    Verify {
        /// Directory of `.rego` checks and `*_test.rego` tests (default: the built-in checks).
        dir: Option<PathBuf>,
    },
    /// List every lint rule with its id, severity and help.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
enum Format {
    /// Diagnostics and tables for people.
    Human,
    /// JSON: `{"findings": [...]}` for lint, the versioned report for score.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// A pull-request comment / job summary.
    Markdown,
    /// JUnit XML, one testsuite per entity.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One self-contained HTML page.
    Html,
}

/// Where reports go: `--format X [--output F]` pairs.
#[derive(clap::Args)]
struct OutputArgs {
    /// Output format (repeatable; the n-th --output belongs to the n-th --format).
    #[arg(long, value_enum)]
    format: Vec<Format>,
    /// Write the report of the matching --format to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Vec<PathBuf>,
    /// SARIF runAutomationDetails category.
    #[arg(long, value_name = "NAME", default_value = "yardstick")]
    sarif_category: String,
    /// Add security-severity to SARIF rules (GitHub then shows them as security alerts).
    #[arg(long)]
    security_severity: bool,
    /// Never colour the output.
    #[arg(long)]
    no_color: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RefCheckArg {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
struct LintArgs {
    #[command(flatten)]
    scan: ScanArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// Exit 1 when there are warnings, not only errors.
    #[arg(long)]
    deny_warnings: bool,
    /// When to report relation targets missing from the scanned catalog.
    #[arg(long, value_enum, value_name = "WHEN")]
    check_refs: Option<RefCheckArg>,
    /// Do not follow Location targets.
    #[arg(long)]
    no_follow: bool,
    /// Reject scaffolder Templates, like a backend without the scaffolder plugin.
    #[arg(long)]
    no_templates: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOnArg {
    Critical,
    High,
    Any,
    Never,
}

#[derive(clap::Args)]
struct ScoreArgs {
    #[command(flatten)]
    scan: ScanArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// Facts about entities (JSON or YAML): {"entities": {"component:default/x": {...}}}.
    #[arg(long, value_name = "FILE")]
    facts: Option<PathBuf>,
    /// Directory of extra checks (repeatable); a check with a built-in id replaces it.
    #[arg(long, value_name = "DIR")]
    policy: Vec<PathBuf>,
    /// Fail when the catalog's mean score is below N.
    #[arg(long, value_name = "N")]
    min_score: Option<f64>,
    /// Which failing checks fail the run (default: critical).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOnArg>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// What to scan: shared by lint and score.
#[derive(clap::Args)]
struct ScanArgs {
    /// Files and directories to read (default: the current directory).
    paths: Vec<PathBuf>,
    /// Also read files matching this glob (relative to each scanned directory).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Skip files and directories matching this glob.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Configuration file (default: yardstick.yaml in the first scanned directory, if present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_OK });
        }
    };
    let result = match cli.command {
        Command::Lint(args) => run_lint(args),
        Command::Score(args) => run_score(args),
        Command::Verify { dir } => run_verify(dir),
        Command::Report { from, output } => run_report(&from, &output),
        Command::Rules { format } => render::rules(format == Format::Json).map(|()| EXIT_OK),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("yardstick: error: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn load_config(args: &ScanArgs) -> Result<Config, String> {
    let path = match &args.config {
        Some(p) => p.clone(),
        None => {
            let base = args
                .paths
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("."));
            let candidate = base.join(CONFIG_FILE_NAME);
            if !base.is_dir() || !candidate.is_file() {
                return Ok(Config::default());
            }
            candidate
        }
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Config::parse(&text).map_err(|e| {
        format!(
            "{}:{}:{}: {}",
            path.display(),
            e.span.line,
            e.span.column,
            e.message
        )
    })
}

/// Lint options from the configuration and the scan arguments.
fn lint_options(scan: &ScanArgs, config: &Config) -> LintOptions {
    LintOptions {
        include: config
            .include
            .iter()
            .chain(&scan.include)
            .cloned()
            .collect(),
        exclude: config
            .exclude
            .iter()
            .chain(&scan.exclude)
            .cloned()
            .collect(),
        follow_locations: config.lint.follow_locations.unwrap_or(true),
        check_refs: config.lint.check_refs.unwrap_or_default(),
        templates: config.lint.templates.unwrap_or(true),
        display_base: std::env::current_dir().ok(),
        ..LintOptions::default()
    }
}

fn scan_paths(scan: &ScanArgs) -> Vec<PathBuf> {
    if scan.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        scan.paths.clone()
    }
}

fn run_lint(args: LintArgs) -> Result<u8, String> {
    let config = load_config(&args.scan)?;
    let mut options = lint_options(&args.scan, &config);
    if let Some(c) = args.check_refs {
        options.check_refs = match c {
            RefCheckArg::Auto => RefCheck::Auto,
            RefCheckArg::Always => RefCheck::Always,
            RefCheckArg::Never => RefCheck::Never,
        };
    }
    options.follow_locations &= !args.no_follow;
    options.templates &= !args.no_templates;
    let report = lint_paths(&scan_paths(&args.scan), &options).map_err(|e| e.to_string())?;
    let deny_warnings = args.deny_warnings || config.lint.deny_warnings.unwrap_or(false);
    let model = Report::from_lint(&report);
    output::emit(&args.output, &model, output::Live::Lint(&report))?;
    let failing =
        report.count(Severity::Error) > 0 || (deny_warnings && report.count(Severity::Warning) > 0);
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}

fn run_score(args: ScoreArgs) -> Result<u8, String> {
    let config = load_config(&args.scan)?;
    let mut policies = PolicySet::builtin().map_err(|e| e.to_string())?;
    for dir in &args.policy {
        policies.add_dir(dir).map_err(|e| e.to_string())?;
    }
    let facts = match &args.facts {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Facts::parse(&text).map_err(|e| format!("{}:{e}", path.display()))?
        }
        None => Facts::default(),
    };
    let report = lint_paths(&scan_paths(&args.scan), &lint_options(&args.scan, &config))
        .map_err(|e| e.to_string())?;
    let options = ScoreOptions {
        facts,
        config,
        fail_on: args.fail_on.map(|f| match f {
            FailOnArg::Critical => FailOn::Critical,
            FailOnArg::High => FailOn::High,
            FailOnArg::Any => FailOn::Any,
            FailOnArg::Never => FailOn::Never,
        }),
        min_score: args.min_score,
        threads: args.threads,
        today: None,
    };
    let card = yardstick::score(&report, &policies, &options).map_err(|e| e.to_string())?;
    let model = Report::from_scorecard(&report, &card, &policies, &options.config);
    output::emit(&args.output, &model, output::Live::Score)?;
    Ok(if card.summary.gate.passed {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

fn run_report(from: &std::path::Path, args: &OutputArgs) -> Result<u8, String> {
    let text = std::fs::read_to_string(from)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let model = Report::from_json(&text).map_err(|e| format!("{}: {e}", from.display()))?;
    output::emit(args, &model, output::Live::Saved)?;
    Ok(EXIT_OK)
}

fn run_verify(dir: Option<PathBuf>) -> Result<u8, String> {
    let modules = match &dir {
        None => yardstick::builtin_modules(),
        Some(dir) => rego_files(dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .into_iter()
            .map(|f| {
                std::fs::read_to_string(&f)
                    .map(|t| (f.display().to_string(), t))
                    .map_err(|e| format!("cannot read {}: {e}", f.display()))
            })
            .collect::<Result<_, _>>()?,
    };
    let outcomes = run_rego_tests(&modules).map_err(|e| e.to_string())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    let write = |out: &mut std::io::StdoutLock<'_>| -> std::io::Result<()> {
        for o in &outcomes {
            match &o.detail {
                None => writeln!(out, "PASS {}", o.name)?,
                Some(d) => writeln!(out, "FAIL {}: {d}", o.name)?,
            }
        }
        writeln!(out, "{} passed, {failed} failed", outcomes.len() - failed)
    };
    write(&mut out).map_err(|e| format!("cannot write output: {e}"))?;
    if outcomes.is_empty() {
        return Err("no test_ rules found".into());
    }
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FINDINGS })
}
