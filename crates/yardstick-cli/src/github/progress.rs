//! The scan's progress bar.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use yardstick_github::{Progress, ProgressFn};

/// A progress bar on stderr when it is a terminal and not under CI; nothing otherwise.
pub fn progress_bar() -> Option<ProgressFn> {
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if ci || !std::io::stderr().is_terminal() {
        return None;
    }
    Some(Arc::new(|progress: Progress| {
        const WIDTH: usize = 30;
        let filled = (progress.done * WIDTH)
            .checked_div(progress.total)
            .unwrap_or(0)
            .min(WIDTH);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {}/{} repositories",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            progress.done,
            progress.total
        );
        if progress.done >= progress.total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }))
}
