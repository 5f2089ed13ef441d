//! Argument groups several subcommands share: what to scan, how to score, where reports go.

use std::path::PathBuf;

use clap::ValueEnum;
use yardstick::{Config, FailOn};

/// What to scan: shared by lint and score.
#[derive(clap::Args)]
pub struct ScanArgs {
    /// Files and directories to read (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Also read files matching this glob (relative to each scanned directory).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files and directories matching this glob.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Configuration file (default: yardstick.yaml in the first scanned directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use the default configuration; never read yardstick.yaml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Backstage app-config file (repeatable; later files win, APP_CONFIG_* on top): read
    /// only what its catalog.locations reach below the first path, with its catalog.rules.
    #[arg(long, value_name = "FILE")]
    pub app_config: Vec<PathBuf>,
    /// The backend's working directory, which file locations resolve against (default:
    /// packages/backend beside the first app-config file when it exists, else its folder).
    #[arg(long, value_name = "DIR", requires = "app_config")]
    pub backend_dir: Option<PathBuf>,
    /// The scanned repository's URL (e.g. https://github.com/acme/web): URL location
    /// targets into it are read from the work tree (default: the git remote origin).
    #[arg(long, value_name = "URL")]
    pub repo_url: Option<String>,
    /// Groups and Users besides the scanned catalog (repeatable): YAML entities, or the JSON
    /// of Backstage's catalog API (GET /api/catalog/entities?filter=kind=group,kind=user).
    /// Owner references resolve against them, and `--check-refs auto` checks owners.
    #[arg(long, value_name = "FILE")]
    pub owners_from: Vec<PathBuf>,
}

/// How to score: shared by score, scan-org and merge.
#[derive(clap::Args)]
pub struct ScoringArgs {
    /// Facts about entities (JSON or YAML): {"entities": {"component:default/x": {...}}}.
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,
    /// Directory of extra checks (repeatable); a check with a built-in id replaces it.
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Fail when the catalog's mean score is below N.
    #[arg(long, value_name = "N", value_parser = min_score)]
    pub min_score: Option<f64>,
    /// Which failing checks fail the run (default: critical).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOnArg>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The instant Rego's `time.now_ns()` returns, and whose UTC date expires exemptions
    /// (RFC 3339, e.g. 2026-01-02T03:04:05Z), for reproducible runs (default: the clock
    /// when scoring starts, one instant for the whole run).
    #[arg(long, value_name = "RFC3339", value_parser = yardstick::parse_now)]
    pub now: Option<i64>,
}

/// `--min-score N`, read exactly as the configuration file reads `gate.min-score`: a YAML
/// number, finite and not negative (so `NaN`, `.nan`, `-1` and `.inf` are refused).
fn min_score(text: &str) -> Result<f64, String> {
    if text.contains(|c: char| c.is_control()) {
        return Err("must be a non-negative number".into());
    }
    let config = Config::parse(&format!("gate:\n  min-score: {text}\n"))
        .map_err(|e| e.message.replace("`min-score` ", ""))?;
    config
        .gate
        .min_score
        .ok_or_else(|| "must be a non-negative number".to_string())
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Critical,
    High,
    Any,
    Never,
}

impl FailOnArg {
    /// The library's setting of the same name.
    pub fn fail_on(self) -> FailOn {
        match self {
            FailOnArg::Critical => FailOn::Critical,
            FailOnArg::High => FailOn::High,
            FailOnArg::Any => FailOn::Any,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum Format {
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
    /// `key=value` lines for `$GITHUB_OUTPUT`: score, level (the lowest), passed, entities;
    /// for lint: errors, warnings, notes, findings, files.
    GithubOutput,
}

/// Where reports go: `--format X [--output F]` pairs.
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Output format (repeatable; the n-th --output belongs to the n-th --format).
    #[arg(long, value_enum)]
    pub format: Vec<Format>,
    /// Write the report of the matching --format to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// SARIF runAutomationDetails category.
    #[arg(long, value_name = "NAME", default_value = "yardstick")]
    pub sarif_category: String,
    /// Add security-severity to SARIF rules (GitHub then shows them as security alerts).
    #[arg(long)]
    pub security_severity: bool,
    /// Never colour the output.
    #[arg(long)]
    pub no_color: bool,
}
