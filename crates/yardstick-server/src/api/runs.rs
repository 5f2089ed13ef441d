//! `GET /api/v1/runs` (newest first, paged by run id) and `GET /api/v1/runs/{run}`.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::params::Params;
use super::MAX_LIMIT;
use crate::state::AppState;
use crate::ApiError;

/// `GET /api/v1/runs?limit=&before=`: `{runs, next_before}`; `next_before` is the cursor of
/// the next (older) page, `null` on the last.
pub async fn list(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref(), &["limit", "before"])?;
    let limit = params.integer("limit", 1, MAX_LIMIT, 50)?;
    let before = params.optional_integer("before", 1, i64::MAX)?;
    // One more than asked tells whether an older page exists.
    let mut runs = state.store().runs_page(before, limit + 1).await?;
    let more = runs.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    runs.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_before = if more {
        runs.last().map(|r| r.id)
    } else {
        None
    };
    Ok(Json(json!({"runs": runs, "next_before": next_before})).into_response())
}

/// `GET /api/v1/runs/{run}`: one run (an id, or `latest`) with its provenance.
pub async fn one(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(run) = path.map_err(|e| ApiError::input(format!("the run in the path: {e}")))?;
    let id = if run == "latest" {
        state
            .store()
            .latest_run_id()
            .await?
            .ok_or_else(|| ApiError::not_found("the score history has no run yet"))?
    } else {
        run.parse::<i64>().map_err(|_| {
            ApiError::input(format!(
                "the run {run:?} is neither a run id nor \"latest\""
            ))
        })?
    };
    let found = state
        .store()
        .run(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("there is no run {id}")))?;
    Ok(Json(found).into_response())
}
