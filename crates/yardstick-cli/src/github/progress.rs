//! The scan's progress bar, drawn by `indicatif`.

use std::io::IsTerminal;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use yardstick_github::{Progress, ProgressFn};

/// The template of the old hand-drawn bar: `[#####     ] 12/40 repositories`.
const TEMPLATE: &str = "[{bar:30}] {pos}/{len} repositories";

/// A progress bar on stderr when it is a terminal and not under CI; hidden otherwise.
///
/// Anything else written to stderr while the scan runs goes through [`ScanProgress::suspend`]
/// or follows [`ScanProgress::clear`], so that it does not interleave with the bar.
#[derive(Clone)]
pub struct ScanProgress {
    bar: ProgressBar,
}

impl ScanProgress {
    /// The bar for this process's stderr.
    pub fn for_stderr() -> Self {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        if ci || !std::io::stderr().is_terminal() {
            Self::with_target(ProgressDrawTarget::hidden())
        } else {
            Self::with_target(ProgressDrawTarget::stderr())
        }
    }

    fn with_target(target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) = ProgressStyle::with_template(TEMPLATE) {
            bar.set_style(style.progress_chars("## "));
        }
        ScanProgress { bar }
    }

    /// The scan's progress callback; `None` when the bar is hidden, so the scan reports to
    /// no one.
    pub fn callback(&self) -> Option<ProgressFn> {
        if self.bar.is_hidden() {
            return None;
        }
        let bar = self.bar.clone();
        Some(Arc::new(move |progress: Progress| {
            bar.set_length(u64::try_from(progress.total).unwrap_or(u64::MAX));
            bar.set_position(u64::try_from(progress.done).unwrap_or(u64::MAX));
            // The finished bar stays on screen, as the last word on the fetch.
            if progress.done >= progress.total {
                bar.finish();
            }
        }))
    }

    /// Runs `print` (which writes to stderr) with the bar off the screen, then draws it again.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.bar.suspend(print)
    }

    /// Takes an unfinished bar off the screen for good (the scan stopped or failed); a
    /// finished one stays.
    pub fn clear(&self) {
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_bar_takes_no_callback_and_still_prints() {
        let progress = ScanProgress::with_target(ProgressDrawTarget::hidden());
        assert!(progress.callback().is_none());
        assert_eq!(progress.suspend(|| 7), 7);
        progress.clear();
    }

    #[test]
    fn the_callback_moves_the_bar_and_finishes_it() {
        // A terminal target whose terminal is never drawn on: a `term_like` that is not
        // hidden but writes nowhere.
        let progress = ScanProgress::with_target(ProgressDrawTarget::term_like(Box::new(Sink)));
        let callback = progress.callback().expect("a visible bar reports");
        callback(Progress { done: 3, total: 5 });
        assert_eq!(
            (progress.bar.position(), progress.bar.length()),
            (3, Some(5))
        );
        assert!(!progress.bar.is_finished());
        callback(Progress { done: 5, total: 5 });
        assert!(progress.bar.is_finished());
        progress.clear();
        assert!(progress.bar.is_finished(), "a finished bar stays");
    }

    #[derive(Debug)]
    struct Sink;

    impl indicatif::TermLike for Sink {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, _: &str) -> std::io::Result<()> {
            Ok(())
        }
        fn write_str(&self, _: &str) -> std::io::Result<()> {
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
