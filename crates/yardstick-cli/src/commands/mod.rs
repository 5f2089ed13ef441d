//! One file per subcommand: each reads its inputs, runs the library and writes the output,
//! returning the exit code or an error message.

pub mod completions;
pub mod github_comment;
pub mod history;
pub mod lint;
pub mod merge;
pub mod report;
pub mod rules;
pub mod scan_org;
mod scan_org_owners;
pub mod score;
pub mod serve;
pub mod verify;
