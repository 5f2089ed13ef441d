//! The process exit codes.

use yardstick::report::Report;

/// Exit code: nothing wrong (warnings allowed unless denied).
pub const EXIT_OK: u8 = 0;
/// Exit code: findings that fail the run.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the tool could not run.
pub const EXIT_ERROR: u8 = 2;
/// Exit code: stopped by SIGINT (128 + 2, as shells report it).
pub const EXIT_SIGINT: u8 = 130;
/// Exit code: stopped by SIGTERM (128 + 15).
pub const EXIT_SIGTERM: u8 = 143;

/// The exit code of a scored report: findings when its gate failed.
pub fn gate_exit(report: &Report) -> u8 {
    if report.summary.gate.passed {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}
