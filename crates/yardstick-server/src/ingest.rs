//! `POST /api/v1/runs`: a score or scan report from a CI job elsewhere, recorded as a run,
//! as `yardstick history record` records it. Nothing is written unless the request carries
//! the ingest token, fits the body limit, and holds a valid report.

use std::fmt;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use subtle::ConstantTimeEq;
use yardstick_store::{RunMeta, StoreError};

use crate::state::AppState;
use crate::{ApiError, Query};

/// The default body limit: 256 MB.
pub const DEFAULT_INGEST_LIMIT: usize = 256 * 1024 * 1024;

/// Who may record runs, and how big a report may be. `Debug` never shows the token.
#[derive(Clone)]
pub struct IngestConfig {
    token: String,
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
    /// assert!(!format!("{config:?}").contains("s3cret"));
    /// assert!(IngestConfig::new(" \n").is_none());
    /// ```
    pub fn new(token: &str) -> Option<Self> {
        let token = token.trim();
        (!token.is_empty()).then(|| IngestConfig {
            token: token.to_string(),
            limit: DEFAULT_INGEST_LIMIT,
        })
    }

    /// Whether `given` is the token, in time that does not depend on where they differ.
    pub fn accepts(&self, given: &str) -> bool {
        bool::from(self.token.as_bytes().ct_eq(given.as_bytes()))
    }
}

impl fmt::Debug for IngestConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IngestConfig")
            .field("token", &"<redacted>")
            .field("limit", &self.limit)
            .finish()
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
    let text = read_body(request.into_body(), config.limit, declared).await?;
    let report = yardstick_store::parse_report(&text).map_err(refused)?;
    // The report is parsed: its text is not needed while it is recorded.
    drop(text);
    let recorded = state
        .store()
        .record(&report, &meta)
        .await
        .map_err(refused)?;
    Ok((StatusCode::CREATED, Json(recorded)).into_response())
}

/// 401 without a bearer token, 403 with another one. The token given is never repeated.
fn authorize(config: &IngestConfig, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    match given {
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

/// The body as text, refused past `limit` bytes whatever Content-Length said. Each chunk
/// is copied into one buffer and dropped: the report is held once.
async fn read_body(
    mut body: Body,
    limit: usize,
    declared: Option<u64>,
) -> Result<String, ApiError> {
    let capacity = declared.map_or(0, |n| usize::try_from(n).unwrap_or(0).min(limit));
    let mut text = Vec::with_capacity(capacity);
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| ApiError::input(format!("the request body could not be read: {e}")))?;
        if let Ok(chunk) = frame.into_data() {
            if text.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            text.extend_from_slice(&chunk);
        }
    }
    String::from_utf8(text).map_err(|e| ApiError::input(format!("the report is not UTF-8: {e}")))
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
