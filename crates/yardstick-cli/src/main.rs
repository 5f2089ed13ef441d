//! The `yardstick` command: a thin layer of argument parsing, file I/O and rendering over the
//! `yardstick` library.

mod org;
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
    /// Scan every repository of a GitHub organisation: fetch catalog files and CI status
    /// through the API (batched, cached), then lint, score and report them as one catalog.
    ScanOrg(ScanOrgArgs),
    /// Merge the JSON reports of `scan-org --shard I/N` runs into one organisation report,
    /// identical to an unsharded scan.
    Merge(MergeArgs),
    /// GitHub helpers for the Action.
    #[command(subcommand)]
    Github(GithubCommand),
    /// List every lint rule with its id, severity and help.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum GithubCommand {
    /// Create or update the pull request's yardstick comment (found by its hidden marker).
    Comment {
        /// The repository, OWNER/NAME.
        #[arg(long, value_name = "OWNER/NAME")]
        repo: String,
        /// The pull request number.
        #[arg(long, value_name = "N")]
        pr: u64,
        /// The comment text (a Markdown report).
        #[arg(long, value_name = "FILE")]
        body_file: PathBuf,
        /// REST API base (default: $GITHUB_API_URL, then https://api.github.com).
        #[arg(long, value_name = "URL")]
        api_url: Option<String>,
    },
}

/// How to score: shared by score, scan-org and merge.
#[derive(clap::Args)]
struct ScoringArgs {
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

#[derive(clap::Args)]
struct ScanOrgArgs {
    /// The organisation.
    org: String,
    /// Configuration file.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    scoring: ScoringArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// REST API base (default: $GITHUB_API_URL, then https://api.github.com); for GitHub
    /// Enterprise Server, https://HOST/api/v3.
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,
    /// Directory for the response cache and resume state; keep it between runs.
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// Scan only shard I of N (repositories split by a hash of their name).
    #[arg(long, value_name = "I/N")]
    shard: Option<yardstick_github::Shard>,
    /// Only repositories with this topic (repeatable: any of them).
    #[arg(long, value_name = "TOPIC")]
    topic: Vec<String>,
    /// Only repositories whose name matches this glob (repeatable: any of them).
    #[arg(long, value_name = "GLOB")]
    name: Vec<String>,
    /// Only repositories of this visibility.
    #[arg(long, value_parser = ["public", "private", "internal"])]
    visibility: Option<String>,
    /// Also scan archived repositories.
    #[arg(long)]
    include_archived: bool,
    /// Also scan forks.
    #[arg(long)]
    include_forks: bool,
    /// Another catalog file path to read in every repository (repeatable), besides
    /// catalog-info.yaml and catalog-info.yml.
    #[arg(long, value_name = "PATH")]
    catalog_path: Vec<String>,
    /// Retries of a request that failed with a 5xx answer or a timeout (0 to 10).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(0..=10))]
    max_retries: u32,
}

#[derive(clap::Args)]
struct MergeArgs {
    /// JSON reports of `scan-org --shard` runs.
    #[arg(required = true)]
    reports: Vec<PathBuf>,
    /// Configuration file (give the one the shards were scanned with).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    scoring: ScoringArgs,
    #[command(flatten)]
    output: OutputArgs,
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
    /// `key=value` lines for `$GITHUB_OUTPUT`: score, level (the lowest), passed, entities.
    GithubOutput,
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
    #[command(flatten)]
    scoring: ScoringArgs,
    /// Report only entities and findings of the files listed in FILE (one path per line,
    /// relative to the working directory), e.g. the files a pull request changed. The whole
    /// catalog is still read, so references resolve.
    #[arg(long, value_name = "FILE")]
    changed_files: Option<PathBuf>,
    /// A JSON report to compare with (e.g. of the pull request's base): every reported
    /// entity shows its score change.
    #[arg(long, value_name = "REPORT")]
    baseline: Option<PathBuf>,
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
    /// Use the default configuration; never read yardstick.yaml.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
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
        Command::ScanOrg(args) => run_scan_org(args),
        Command::Merge(args) => run_merge(args),
        Command::Github(GithubCommand::Comment {
            repo,
            pr,
            body_file,
            api_url,
        }) => org::comment(api_url.as_deref(), &repo, pr, &body_file).map(|()| EXIT_OK),
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
    if args.no_config {
        return Ok(Config::default());
    }
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
    read_config_file(&path)
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
    let policies = load_policies(&args.scoring.policy)?;
    let facts = load_facts(args.scoring.facts.as_deref())?;
    let report = lint_paths(&scan_paths(&args.scan), &lint_options(&args.scan, &config))
        .map_err(|e| e.to_string())?;
    let options = ScoreOptions {
        facts,
        config,
        fail_on: fail_on(args.scoring.fail_on),
        min_score: args.scoring.min_score,
        threads: args.scoring.threads,
        today: None,
        known_files: None,
    };
    let mut card = yardstick::score(&report, &policies, &options).map_err(|e| e.to_string())?;
    let changed = match &args.changed_files {
        Some(path) => Some(read_changed_files(path)?),
        None => None,
    };
    if let Some(changed) = &changed {
        card.retain(
            |e| changed.contains(&normalize_report_path(&e.file)),
            &options,
        );
    }
    let mut model = Report::from_scorecard(&report, &card, &policies, &options.config);
    if let Some(changed) = &changed {
        model
            .findings
            .retain(|f| changed.contains(&normalize_report_path(&f.file)));
    }
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let baseline = Report::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        model.compare_with(&baseline);
    }
    output::emit(&args.output, &model, output::Live::Score)?;
    Ok(if card.summary.gate.passed {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// A path as reports and `git diff --name-only` compare: `/`-separated, without `./`.
fn normalize_report_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    rest.to_string()
}

/// The paths listed in a changed-files list, one per line; blank lines are ignored.
fn read_changed_files(
    path: &std::path::Path,
) -> Result<std::collections::BTreeSet<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(normalize_report_path)
        .collect())
}

fn read_config_file(path: &std::path::Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
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

fn fail_on(arg: Option<FailOnArg>) -> Option<FailOn> {
    arg.map(|f| match f {
        FailOnArg::Critical => FailOn::Critical,
        FailOnArg::High => FailOn::High,
        FailOnArg::Any => FailOn::Any,
        FailOnArg::Never => FailOn::Never,
    })
}

fn load_policies(dirs: &[PathBuf]) -> Result<PolicySet, String> {
    let mut policies = PolicySet::builtin().map_err(|e| e.to_string())?;
    for dir in dirs {
        policies.add_dir(dir).map_err(|e| e.to_string())?;
    }
    Ok(policies)
}

fn load_facts(path: Option<&std::path::Path>) -> Result<Facts, String> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Facts::parse(&text).map_err(|e| format!("{}:{e}", path.display()))
        }
        None => Ok(Facts::default()),
    }
}

fn scoring(config: Option<&std::path::Path>, args: &ScoringArgs) -> Result<org::Scoring, String> {
    Ok(org::Scoring {
        config: match config {
            Some(path) => read_config_file(path)?,
            None => Config::default(),
        },
        policies: load_policies(&args.policy)?,
        facts: load_facts(args.facts.as_deref())?,
        fail_on: fail_on(args.fail_on),
        min_score: args.min_score,
        threads: args.threads,
    })
}

fn gate_exit(report: &Report) -> u8 {
    if report.summary.gate.passed {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

fn run_scan_org(args: ScanOrgArgs) -> Result<u8, String> {
    let scoring = scoring(args.config.as_deref(), &args.scoring)?;
    let fetch = org::Fetch {
        org: args.org,
        api_url: args.api_url,
        state: args.state,
        shard: args.shard,
        filter: yardstick_github::RepoFilter {
            include_archived: args.include_archived,
            include_forks: args.include_forks,
            topics: args.topic,
            names: args.name,
            visibility: args.visibility,
        },
        catalog_paths: args.catalog_path,
        max_retries: args.max_retries,
    };
    let report = org::scan(fetch, &scoring)?;
    output::emit(&args.output, &report, output::Live::Saved)?;
    Ok(gate_exit(&report))
}

fn run_merge(args: MergeArgs) -> Result<u8, String> {
    let scoring = scoring(args.config.as_deref(), &args.scoring)?;
    let report = org::merge(&args.reports, &scoring)?;
    output::emit(&args.output, &report, output::Live::Saved)?;
    Ok(gate_exit(&report))
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
