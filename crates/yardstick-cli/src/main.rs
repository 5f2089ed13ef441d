//! The `yardstick` command: a thin layer of argument parsing, file I/O and rendering over the
//! `yardstick` library.
//!
//! - [`flags`]: the clap definitions of every subcommand and argument;
//! - [`commands`]: one file per subcommand, returning its exit code;
//! - [`settings`]: the configuration, checks and facts files the arguments point at;
//! - [`output`] and [`render`]: reports to stdout and files, in every format;
//! - [`github`]: what `scan-org` and `github comment` need to drive `yardstick-github`;
//! - [`stdio`]: a closed stdout or stderr ends output quietly, never with a panic.

mod commands;
mod exit_code;
mod flags;
mod github;
mod output;
mod render;
mod settings;
mod stdio;

use std::process::ExitCode;

use clap::Parser;

use exit_code::{EXIT_ERROR, EXIT_OK};
use flags::{Cli, Command, GithubCommand, RulesFormat};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_OK });
        }
    };
    let result = match cli.command {
        Command::Lint(args) => commands::lint::run(args),
        Command::Score(args) => commands::score::run(args),
        Command::Verify { dir, now } => commands::verify::run(dir, now),
        Command::Report { from, output } => commands::report::run(&from, &output),
        Command::ScanOrg(args) => commands::scan_org::run(args),
        Command::Merge(args) => commands::merge::run(args),
        Command::History(command) => commands::history::run(command),
        Command::Serve(args) => commands::serve::run(args),
        Command::Github(GithubCommand::Comment {
            repo,
            pr,
            body_file,
            api_url,
        }) => commands::github_comment::run(api_url.as_deref(), &repo, pr, &body_file),
        Command::Rules { format } => commands::rules::run(format == RulesFormat::Json),
        Command::Completions { shell } => commands::completions::completions(shell),
        Command::Manpage { subcommand } => commands::completions::manpage(subcommand.as_deref()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            // An error may quote a path or text from the catalog: no raw control characters.
            let message = yardstick::util::escape::escape_controls(&message);
            stdio::eprint_line(&format!("yardstick: error: {message}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}
