//! `POST /api/v1/runs`: a score or scan report from a CI job elsewhere, recorded as a run,
//! as `yardstick history record` records it. Nothing is written unless the request carries
//! the ingest token, fits the body limit, and holds a valid report.
//!
//! Memory: the body goes chunk by chunk to an anonymous temporary file, then is parsed from
//! it into one JSON tree, validated against the schema, and moved (strings are not copied)
//! into the typed report, which is recorded. The text is never held in memory.

use std::io::{BufReader, Seek, SeekFrom};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use tokio::io::AsyncWriteExt;
use yardstick::report::Report;
use yardstick_store::{RunMeta, StoreError};

use crate::auth::bearer_token;
use crate::state::AppState;
use crate::{ApiError, Query, SecretToken};

/// The default body limit: 256 MB.
pub const DEFAULT_INGEST_LIMIT: usize = 256 * 1024 * 1024;

/// Who may record runs, and how big a report may be. `Debug` never shows the token.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    token: SecretToken,
    /// The largest request body accepted, in bytes.
    pub limit: usize,
}

impl IngestConfig {
    /// Ingest with `token` (surrounding whitespace dropped, as a token file ends in a
    /// newline) and the default limit; `None` when the token is empty.
    ///
    /// ```
    /// use yardstick_server::IngestConfig;
    ///
    /// let config = IngestConfig::new("s3cret\n").unwrap();
    /// assert!(config.accepts("s3cret"));
    /// assert!(!format!("{config:?}").contains("s3cret"));
    /// assert!(IngestConfig::new(" \n").is_none());
    /// ```
    pub fn new(token: &str) -> Option<Self> {
        SecretToken::new(token).map(|token| IngestConfig {
            token,
            limit: DEFAULT_INGEST_LIMIT,
        })
    }

    /// Whether `given` is the token, in time that does not depend on where they differ.
    pub fn accepts(&self, given: &str) -> bool {
        self.token.accepts(given)
    }
}

/// `POST /api/v1/runs[?at=RFC3339&commit=SHA…]`, body: the report's JSON.
pub async fn record_run(
    State(state): State<Arc<AppState>>,
    request: Request,
) -> Result<Response, ApiError> {
    let Some(config) = state.ingest() else {
        return Err(ApiError::not_found(
            "ingest is off: start yardstick serve with --ingest-token-file FILE or \
             YARDSTICK_INGEST_TOKEN",
        ));
    };
    authorize(config, request.headers())?;
    let meta = run_meta(request.uri().query().unwrap_or(""))?;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > config.limit as u64) {
        return Err(too_large(config.limit));
    }
    let spooled = spool_body(request.into_body(), config.limit).await?;
    let report = parse_spooled(spooled).await?;
    let recorded = state
        .store()
        .record(&report, &meta)
        .await
        .map_err(refused)?;
    Ok((StatusCode::CREATED, Json(recorded)).into_response())
}

/// 401 without a bearer token, 403 with another one. The token given is never repeated.
fn authorize(config: &IngestConfig, headers: &HeaderMap) -> Result<(), ApiError> {
    match bearer_token(headers) {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "AuthenticationError",
            "recording a run needs the header Authorization: Bearer <ingest token>",
        )),
        Some(token) if config.accepts(token) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "NotAllowedError",
            "the bearer token is not the ingest token",
        )),
    }
}

/// The run's time (`at`, default now) and commits (`commit`, repeatable).
fn run_meta(query: &str) -> Result<RunMeta, ApiError> {
    let query = Query::parse(query);
    let at = match query.single("at").map_err(ApiError::input)? {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| ApiError::input(format!("at={text:?} is not an RFC 3339 time: {e}")))?,
        None => Utc::now(),
    };
    let mut meta = RunMeta::at(at);
    meta.commits = query.list("commit").map_err(ApiError::input)?;
    Ok(meta)
}

/// The body written to an anonymous temporary file (deleted when closed) and rewound,
/// refused past `limit` bytes whatever Content-Length said. Each chunk is dropped once
/// written: the body is never held whole in memory.
async fn spool_body(mut body: Body, limit: usize) -> Result<std::fs::File, ApiError> {
    let file = tempfile::tempfile().map_err(spool_fault)?;
    let mut file = tokio::fs::File::from_std(file);
    let mut written = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| ApiError::input(format!("the request body could not be read: {e}")))?;
        if let Ok(chunk) = frame.into_data() {
            written = written.saturating_add(chunk.len());
            if written > limit {
                return Err(too_large(limit));
            }
            file.write_all(&chunk).await.map_err(spool_fault)?;
        }
    }
    file.flush().await.map_err(spool_fault)?;
    let mut file = file.into_std().await;
    file.seek(SeekFrom::Start(0)).map_err(spool_fault)?;
    Ok(file)
}

/// The spooled report, parsed and validated on a blocking thread: its JSON tree is read
/// from the file, checked against the schema, and moved into the typed report.
async fn parse_spooled(file: std::fs::File) -> Result<Report, ApiError> {
    tokio::task::spawn_blocking(move || yardstick_store::read_report(BufReader::new(file)))
        .await
        .map_err(|e| ApiError::unavailable(format!("reading the report stopped: {e}")))?
        .map_err(refused)
}

fn spool_fault(error: std::io::Error) -> ApiError {
    ApiError::unavailable(format!(
        "cannot spool the report to a temporary file: {error}; nothing was recorded"
    ))
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PayloadTooLargeError",
        format!(
            "the report is larger than the ingest limit of {limit} bytes; nothing was recorded"
        ),
    )
}

/// A refused report (400), an out-of-order run (409), or a store failure (503).
fn refused(error: StoreError) -> ApiError {
    match error {
        StoreError::InvalidReport(_) => ApiError::input(error.to_string()),
        StoreError::OutOfOrder { .. } => {
            ApiError::new(StatusCode::CONFLICT, "ConflictError", error.to_string())
        }
        other => other.into(),
    }
}
