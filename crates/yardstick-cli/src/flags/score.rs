//! `yardstick score`'s arguments.

use std::path::PathBuf;

use yardstick::EntityRef;

use super::common::{OutputArgs, ScanArgs, ScoringArgs};
use super::history::RecordArgs;
use crate::render::score::owner_ref;

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
    /// Human table: also show entities with nothing scored (hidden by default).
    #[arg(long)]
    pub all: bool,
    /// Human table: only entities with a failing check (or one that could not be evaluated).
    #[arg(long)]
    pub only_failing: bool,
    /// Human table: only entities owned by REF (`team-a`, `group:team-a` or
    /// `group:default/team-a`; the kind defaults to Group).
    #[arg(long, value_name = "REF", value_parser = owner_ref)]
    pub owner: Option<EntityRef>,
    /// Human table: only entities of KIND (case-insensitive, e.g. component).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    #[command(flatten)]
    pub record: RecordArgs,
    /// Score as a stream, for catalogs too large to hold in memory (JSON and SARIF reports)
    ///
    /// The files are read twice (an index of the catalog, then each file linted and scored)
    /// and the reports are written as the results arrive; they are the same as without
    /// --stream. Takes only `--format json` and `--format sarif`. A Location entity is an error
    /// while Locations are followed (set `follow-locations: false` in yardstick.yaml).
    #[arg(long, conflicts_with_all = ["changed_files", "baseline", "record", "app_config"])]
    pub stream: bool,
}
