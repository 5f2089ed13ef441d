//! The command line: clap definitions of every subcommand and its arguments.
//!
//! [`Cli`] and [`Command`] are the top level; the argument groups several subcommands share
//! are in [`common`], each bigger subcommand's own arguments in a file of its name.

mod common;
mod history;
mod lint;
mod merge;
mod scan_org;
mod score;
mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub use common::{Format, OutputArgs, ScanArgs, ScoringArgs};
pub use history::{
    DbArgs, DiffArgs, DiffFormat, HistoryCommand, RecordArgs, RunArgs, TrendArgs, TrendFormat,
};
pub use lint::LintArgs;
pub use merge::MergeArgs;
pub use scan_org::ScanOrgArgs;
pub use score::ScoreArgs;
pub use serve::{ServeArgs, INGEST_TOKEN_VAR, READ_TOKEN_VAR};

#[derive(Parser)]
#[command(
    name = "yardstick",
    version,
    about = "Measure a Backstage software catalog against your standards"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// The instant Rego's `time.now_ns()` returns in every test (RFC 3339, e.g.
        /// 2026-01-02T03:04:05Z), for reproducible runs (default: the clock when the run
        /// starts, one instant for the whole run).
        #[arg(long, value_name = "RFC3339", value_parser = yardstick::parse_now)]
        now: Option<i64>,
    },
    /// Scan every repository of a GitHub organisation: fetch catalog files and CI status
    /// through the API (batched, cached), then lint, score and report them as one catalog.
    ScanOrg(ScanOrgArgs),
    /// Merge the JSON reports of `scan-org --shard I/N` runs into one organisation report,
    /// identical to an unsharded scan.
    Merge(MergeArgs),
    /// The score history: record runs, read trends and regressions (docs/history.md).
    #[command(subcommand)]
    History(HistoryCommand),
    /// Serve the score history over HTTP: Backstage's Tech Insights API, so that the
    /// portal's scorecard shows yardstick's checks (docs/backstage.md).
    Serve(ServeArgs),
    /// GitHub helpers for the Action.
    #[command(subcommand)]
    Github(GithubCommand),
    /// List every lint rule with its id, severity and help.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Print a shell completion script: e.g. `yardstick completions bash >
    /// ~/.local/share/bash-completion/completions/yardstick`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): e.g. `yardstick manpage > yardstick.1; man ./yardstick.1`.
    Manpage {
        /// A subcommand, for its own page (`yardstick-lint(1)`); none for `yardstick(1)`.
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
    },
}

/// The formats `yardstick rules` renders.
#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum RulesFormat {
    /// A table: id, severity, summary.
    Human,
    /// A JSON array of rules with id, severity, summary, help and url.
    Json,
}

#[derive(Subcommand)]
pub enum GithubCommand {
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
