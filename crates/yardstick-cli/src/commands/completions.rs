//! `yardstick completions SHELL` and `yardstick manpage`: shell completions and the manual
//! page, generated from the clap definitions, so they never drift from `--help`.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::exit_code::EXIT_OK;
use crate::flags::Cli;
use crate::stdio::stdout_result;

/// Writes the completion script of `shell` to stdout.
pub fn completions(shell: Shell) -> Result<u8, String> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "yardstick", &mut script);
    write_stdout(&script)
}

/// Writes a manual page in roff to stdout: `yardstick(1)`, or with `subcommand` (e.g.
/// `lint`, `github comment`'s `github`) the `yardstick-lint(1)` page it refers to.
pub fn manpage(subcommand: Option<&str>) -> Result<u8, String> {
    let mut command = Cli::command();
    command.build();
    let command = match subcommand {
        None => command,
        Some(name) => {
            let sub = command.find_subcommand(name).ok_or_else(|| {
                let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                format!("no subcommand {name:?}: one of {}", names.join(", "))
            })?;
            // Built, the subcommand is named `yardstick-lint` and run as `yardstick lint`.
            sub.clone().version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|e| format!("cannot render the manual page: {e}"))?;
    write_stdout(&page)
}

fn write_stdout(bytes: &[u8]) -> Result<u8, String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    stdout_result(out.write_all(bytes).and_then(|()| out.flush()))?;
    Ok(EXIT_OK)
}
