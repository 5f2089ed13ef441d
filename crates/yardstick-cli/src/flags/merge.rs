//! `yardstick merge`'s arguments.

use std::path::PathBuf;

use super::common::{OutputArgs, ScoringArgs};
use super::history::RecordArgs;

#[derive(clap::Args)]
pub struct MergeArgs {
    /// JSON reports of `scan-org --shard` runs.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Configuration file (give the one the shards were scanned with).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub scoring: ScoringArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub record: RecordArgs,
}
