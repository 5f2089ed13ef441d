//! The standard streams as a command-line tool should treat them: a reader that closes
//! stdout early (`yardstick score | head`) ends the output quietly, and a closed stderr
//! (`2>&1 | head`) never turns a message into a panic.

use std::io::{self, Write};

/// Whether a write failed because the reader of the pipe went away.
pub fn is_broken_pipe(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}

/// The outcome of writing to stdout, with a closed stdout counted as done: the reader has
/// all it wanted, and the run keeps the exit code it would have had.
pub fn stdout_result(result: io::Result<()>) -> Result<(), String> {
    match result {
        Err(e) if !is_broken_pipe(&e) => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

/// Writes one line to stderr, ignoring a stderr that cannot be written (unlike `eprintln!`,
/// which panics).
pub fn eprint_line(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
    let _ = err.flush();
}
