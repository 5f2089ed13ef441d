//! `yardstick scan-org`'s arguments.

use std::path::PathBuf;

use super::common::{OutputArgs, ScoringArgs};
use super::history::RecordArgs;

#[derive(clap::Args)]
pub struct ScanOrgArgs {
    /// The organisation.
    pub org: String,
    /// Configuration file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub scoring: ScoringArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// REST API base (default: $GITHUB_API_URL, then https://api.github.com); for GitHub
    /// Enterprise Server, https://HOST/api/v3.
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// Directory for the response cache and resume state; keep it between runs.
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// Scan only shard I of N (repositories split by a hash of their name).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<yardstick_github::Shard>,
    /// Only repositories with this topic (repeatable: any of them).
    #[arg(long, value_name = "TOPIC")]
    pub topic: Vec<String>,
    /// Only repositories whose name matches this glob (repeatable: any of them).
    #[arg(long, value_name = "GLOB")]
    pub name: Vec<String>,
    /// Only repositories of this visibility.
    #[arg(long, value_parser = ["public", "private", "internal"])]
    pub visibility: Option<String>,
    /// Also scan archived repositories.
    #[arg(long)]
    pub include_archived: bool,
    /// Also scan forks.
    #[arg(long)]
    pub include_forks: bool,
    /// Another catalog file path to read in every repository (repeatable), besides
    /// catalog-info.yaml and catalog-info.yml.
    #[arg(long, value_name = "PATH")]
    pub catalog_path: Vec<String>,
    /// Retries of a request that failed with a 5xx answer or a timeout (0 to 10).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub max_retries: u32,
    /// Groups and Users besides the scanned repositories (repeatable): YAML entities, or the
    /// JSON of Backstage's catalog API (GET /api/catalog/entities?filter=kind=group,kind=user).
    #[arg(long, value_name = "FILE")]
    pub owners_from: Vec<PathBuf>,
    /// Do not read the organisation's teams and members as owners (read by default: team slug
    /// as group:default/SLUG, login as user:default/LOGIN; needs Members read access).
    #[arg(long)]
    pub no_org_owners: bool,
    #[command(flatten)]
    pub record: RecordArgs,
}
