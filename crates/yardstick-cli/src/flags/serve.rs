//! `yardstick serve`'s arguments.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::history::{parse_duration, DbArgs};

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The address to listen on; 127.0.0.1 answers this machine only, 0.0.0.0 every
    /// network. Port 0 picks a free port (the address is printed on stderr).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory of extra checks (repeatable), as given to `score --policy`: their titles,
    /// descriptions and remediation describe the recorded results.
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Answer 503 to a request that takes longer than this: N followed by s, m or h.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,
}
