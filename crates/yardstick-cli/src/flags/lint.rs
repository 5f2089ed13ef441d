//! `yardstick lint`'s arguments.

use clap::ValueEnum;
use yardstick::RefCheck;

use super::common::{OutputArgs, ScanArgs};

#[derive(clap::Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit 1 when there are warnings, not only errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// When to report relation targets missing from the scanned catalog.
    #[arg(long, value_enum, value_name = "WHEN")]
    pub check_refs: Option<RefCheckArg>,
    /// Do not follow Location targets.
    #[arg(long)]
    pub no_follow: bool,
    /// Reject scaffolder Templates, like a backend without the scaffolder plugin.
    #[arg(long)]
    pub no_templates: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RefCheckArg {
    Auto,
    Always,
    Never,
}

impl RefCheckArg {
    /// The library's setting of the same name.
    pub fn ref_check(self) -> RefCheck {
        match self {
            RefCheckArg::Auto => RefCheck::Auto,
            RefCheckArg::Always => RefCheck::Always,
            RefCheckArg::Never => RefCheck::Never,
        }
    }
}
