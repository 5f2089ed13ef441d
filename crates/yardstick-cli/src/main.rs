//! The `yardstick` command: a thin layer of argument parsing, file I/O and rendering over the
//! `yardstick` library.

mod render;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use yardstick::{lint_paths, Config, LintOptions, RefCheck, Severity, CONFIG_FILE_NAME};

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
    /// List every lint rule with its id, severity and help.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Diagnostics with source snippets.
    Human,
    /// `{"findings": [...]}`, see docs/json-format.md.
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RefCheckArg {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
struct LintArgs {
    /// Files and directories to lint (default: the current directory).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also read files matching this glob (relative to each scanned directory).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Skip files and directories matching this glob.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Configuration file (default: yardstick.yaml in the first scanned directory, if present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
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
    /// Never colour the output.
    #[arg(long)]
    no_color: bool,
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

fn load_config(args: &LintArgs) -> Result<Config, String> {
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

fn run_lint(args: LintArgs) -> Result<u8, String> {
    let config = load_config(&args)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let check_refs = match args.check_refs {
        Some(RefCheckArg::Auto) => RefCheck::Auto,
        Some(RefCheckArg::Always) => RefCheck::Always,
        Some(RefCheckArg::Never) => RefCheck::Never,
        None => config.lint.check_refs.unwrap_or_default(),
    };
    let options = LintOptions {
        include: config
            .include
            .iter()
            .chain(&args.include)
            .cloned()
            .collect(),
        exclude: config
            .exclude
            .iter()
            .chain(&args.exclude)
            .cloned()
            .collect(),
        follow_locations: !args.no_follow && config.lint.follow_locations.unwrap_or(true),
        check_refs,
        templates: !args.no_templates && config.lint.templates.unwrap_or(true),
        display_base: std::env::current_dir().ok(),
        ..LintOptions::default()
    };
    let report = lint_paths(&paths, &options).map_err(|e| e.to_string())?;
    let deny_warnings = args.deny_warnings || config.lint.deny_warnings.unwrap_or(false);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Json => render::json(&mut out, &report),
        Format::Human => {
            let color =
                !args.no_color && std::env::var_os("NO_COLOR").is_none() && stdout.is_terminal();
            render::human(&mut out, &report, color)
        }
    }
    .and_then(|()| out.flush())
    .map_err(|e| format!("cannot write output: {e}"))?;
    let failing =
        report.count(Severity::Error) > 0 || (deny_warnings && report.count(Severity::Warning) > 0);
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}
