//! `yardstick serve`: the score history over HTTP (`yardstick-server`), until Ctrl-C or
//! SIGTERM.

use std::path::Path;

use yardstick_server::{
    app, serve, shutdown_signal, BackstageAuth, IngestConfig, ReadAuth, SecretToken, ServerConfig,
    RUNS_PATH, TECH_INSIGHTS_PATH,
};
use yardstick_store::Store;

use crate::exit_code::EXIT_OK;
use crate::flags::{ServeArgs, INGEST_TOKEN_VAR, READ_TOKEN_VAR};
use crate::github::runtime;
use crate::settings::load_policies;
use crate::stdio::eprint_line;

pub fn run(args: ServeArgs) -> Result<u8, String> {
    let address = args.db.address()?;
    if args.request_timeout.is_zero() {
        return Err("--request-timeout must be longer than 0s".to_string());
    }
    let mut config = ServerConfig::new(load_policies(&args.policy)?);
    config.request_timeout = args.request_timeout;
    config.ingest = ingest_config(&args)?;
    for origin in &args.cors_origin {
        config
            .allow_origin(origin)
            .map_err(|e| format!("--cors-origin: {e}"))?;
    }
    config.read_auth = read_auth(&args)?;
    let runtime = runtime::start()?;
    runtime.block_on(async {
        let store = Store::open(&address)
            .await
            .map_err(|e| format!("cannot open the score history {address}: {e}"))?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let local = listener
            .local_addr()
            .map_err(|e| format!("cannot read the listening address: {e}"))?;
        eprint_line(&format!(
            "yardstick: serving {address} on http://{local} (Tech Insights API: \
             http://{local}{TECH_INSIGHTS_PATH}; ingest {}; reads {}); Ctrl-C or SIGTERM stops",
            if config.ingest.is_some() {
                format!("at {RUNS_PATH}")
            } else {
                "off".to_string()
            },
            describe_reads(&config.read_auth),
        ));
        let served = serve(listener, app(store.clone(), &config), shutdown_signal()).await;
        store.close().await;
        served.map_err(|e| format!("the server stopped: {e}"))?;
        eprint_line("yardstick: stopped");
        Ok(EXIT_OK)
    })
}

/// A token from `file`, else the environment variable `var`: the text and where it came
/// from; `None` when neither is given. Errors never show the token.
fn read_secret(
    what: &str,
    file: Option<&Path>,
    var: &str,
) -> Result<Option<(String, String)>, String> {
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the {what} file {}: {e}", path.display()))?;
            Ok(Some((text, path.display().to_string())))
        }
        None => Ok(std::env::var(var)
            .ok()
            .map(|text| (text, format!("${var}")))),
    }
}

/// Who may read: `--backstage-url`, and the read token from `--read-token-file` or
/// `$YARDSTICK_READ_TOKEN`.
fn read_auth(args: &ServeArgs) -> Result<ReadAuth, String> {
    let backstage = args
        .backstage_url
        .as_deref()
        .map(BackstageAuth::new)
        .transpose()
        .map_err(|e| format!("--backstage-url: {e}"))?;
    let token = read_secret(
        "read token",
        args.read_token_file.as_deref(),
        READ_TOKEN_VAR,
    )?
    .map(|(text, origin)| {
        SecretToken::new(&text).ok_or_else(|| format!("the read token in {origin} is empty"))
    })
    .transpose()?;
    Ok(ReadAuth { backstage, token })
}

fn describe_reads(auth: &ReadAuth) -> String {
    match (&auth.backstage, &auth.token) {
        (None, None) => "open".to_string(),
        (Some(b), None) => format!("need a Backstage token from {}", b.base_url()),
        (None, Some(_)) => "need the read token".to_string(),
        (Some(b), Some(_)) => format!(
            "need a Backstage token from {} or the read token",
            b.base_url()
        ),
    }
}

/// The ingest token from `--ingest-token-file`, else `$YARDSTICK_INGEST_TOKEN`; `None` (ingest
/// off) when neither is given. Errors never show the token.
fn ingest_config(args: &ServeArgs) -> Result<Option<IngestConfig>, String> {
    let Some((token, origin)) = read_secret(
        "ingest token",
        args.ingest_token_file.as_deref(),
        INGEST_TOKEN_VAR,
    )?
    else {
        return Ok(None);
    };
    let mut config = IngestConfig::new(&token)
        .ok_or_else(|| format!("the ingest token in {origin} is empty"))?;
    config.limit = usize::try_from(args.ingest_limit_mb)
        .ok()
        .and_then(|mb| mb.checked_mul(1024 * 1024))
        .ok_or_else(|| {
            format!(
                "--ingest-limit-mb {} is too large here",
                args.ingest_limit_mb
            )
        })?;
    Ok(Some(config))
}
