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
    /// Accept reports at POST /api/v1/runs from holders of the token in FILE (default:
    /// $YARDSTICK_INGEST_TOKEN; without either, ingest is off).
    #[arg(long, value_name = "FILE")]
    pub ingest_token_file: Option<PathBuf>,
    /// The largest report POST /api/v1/runs accepts, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub ingest_limit_mb: u32,
    /// Reads (every route but /healthz and ingest) need a Backstage user or plugin token,
    /// verified against the keys the Backstage backend at URL (its backend.baseUrl)
    /// publishes; see docs/backstage.md.
    #[arg(long, value_name = "URL")]
    pub backstage_url: Option<String>,
    /// Reads also accept the static token in FILE, for clients other than Backstage
    /// (default: $YARDSTICK_READ_TOKEN). Without it or --backstage-url, reads are open.
    #[arg(long, value_name = "FILE")]
    pub read_token_file: Option<PathBuf>,
    /// Answer CORS requests from this browser origin (repeatable), e.g. Backstage's
    /// `https://backstage.example.com`, whose frontend calls the server from the browser.
    #[arg(long, value_name = "ORIGIN", value_parser = parse_origin)]
    pub cors_origin: Vec<String>,
}

/// `scheme://host[:port]`, exactly as a browser sends it in `Origin`.
fn parse_origin(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not an origin ({e})"))?;
    let origin = url.origin().ascii_serialization();
    if origin != text || !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "not an origin: write scheme://host[:port] with nothing after it (here {origin:?})"
        ));
    }
    Ok(origin)
}

/// The environment variable holding the ingest token when no file is given.
pub const INGEST_TOKEN_VAR: &str = "YARDSTICK_INGEST_TOKEN";

/// The environment variable holding the read token when no file is given.
pub const READ_TOKEN_VAR: &str = "YARDSTICK_READ_TOKEN";
