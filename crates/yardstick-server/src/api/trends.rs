//! `GET /api/v1/trends/{group}`: score and level counts per run, for the organisation
//! (`org`), each owner (`owners`) or each system (`systems`), over a window of runs.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use yardstick_store::{TrendGroup, TrendWindow};

use super::params::Params;
use crate::state::AppState;
use crate::ApiError;

/// The most runs a trend covers.
const MAX_RUNS: i64 = 10_000;

/// `GET /api/v1/trends/{group}?since=&last=&name=`: `{group, series: [{name, points}]}`.
pub async fn series(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let Path(group) = path.map_err(|e| ApiError::input(format!("the group in the path: {e}")))?;
    let (group, known): (TrendGroup, &[&str]) = match group.as_str() {
        "org" => (TrendGroup::Org, &["since", "last"]),
        "owners" => (TrendGroup::Owner, &["since", "last", "name"]),
        "systems" => (TrendGroup::System, &["since", "last", "name"]),
        other => {
            return Err(ApiError::not_found(format!(
                "no trend group {other:?}: use org, owners or systems"
            )))
        }
    };
    let params = Params::parse(raw.as_deref(), known)?;
    let window = TrendWindow {
        since: params.time("since")?,
        last: params.optional_integer("last", 1, MAX_RUNS)?,
    };
    let name = params.text("name");
    let series = state
        .store()
        .grouped_trends(group, window, name.as_deref())
        .await?;
    Ok(Json(json!({"group": group, "series": series})).into_response())
}
