//! `yardstick score`'s arguments.

use std::path::PathBuf;

use super::common::{OutputArgs, ScanArgs, ScoringArgs};
use super::history::RecordArgs;

#[derive(clap::Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub scoring: ScoringArgs,
    /// Report only entities and findings of the files listed in FILE (one path per line,
    /// relative to the working directory), e.g. the files a pull request changed. The whole
    /// catalog is still read, so references resolve.
    #[arg(long, value_name = "FILE")]
    pub changed_files: Option<PathBuf>,
    /// A JSON report to compare with (e.g. of the pull request's base): every reported
    /// entity shows its score change.
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub record: RecordArgs,
}
