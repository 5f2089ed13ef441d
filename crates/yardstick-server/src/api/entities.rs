//! `GET /api/v1/entities` (a run's entities, filtered and paged) and
//! `GET /api/v1/entities/{kind}/{namespace}/{name}/history` (one entity's intervals).

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use yardstick_store::EntityQuery;

use super::params::Params;
use super::MAX_LIMIT;
use crate::state::AppState;
use crate::ApiError;

/// `GET /api/v1/entities?run=&owner=&system=&kind=&failing=&q=&limit=&offset=`:
/// `{run, total, offset, limit, entities}`, sorted by reference.
pub async fn list(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(
        raw.as_deref(),
        &[
            "run", "owner", "system", "kind", "failing", "q", "limit", "offset",
        ],
    )?;
    let query = EntityQuery {
        run: params.optional_integer("run", 1, i64::MAX)?,
        owner: params.text("owner"),
        system: params.text("system"),
        kind: params.text("kind"),
        failing: params.flag("failing")?,
        search: params.text("q"),
        offset: params.integer("offset", 0, i64::MAX, 0)?,
        limit: params.integer("limit", 1, MAX_LIMIT, 100)?,
    };
    let page = state
        .store()
        .entities_page(&query)
        .await?
        .ok_or_else(|| match query.run {
            Some(run) => ApiError::not_found(format!("there is no run {run}")),
            None => ApiError::not_found("the score history has no run yet"),
        })?;
    Ok(Json(json!({
        "run": page.run,
        "total": page.total,
        "offset": query.offset,
        "limit": query.limit,
        "entities": page.entities,
    }))
    .into_response())
}

/// `GET /api/v1/entities/{kind}/{namespace}/{name}/history`: `{reference, intervals,
/// checks}`, the reference matched case-insensitively.
pub async fn history(
    State(state): State<Arc<AppState>>,
    path: Result<Path<(String, String, String)>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let Path((kind, namespace, name)) =
        path.map_err(|e| ApiError::input(format!("the entity in the path: {e}")))?;
    Params::parse(raw.as_deref(), &[])?;
    let reference = format!("{kind}:{namespace}/{name}");
    let found = state
        .store()
        .entity_intervals(&reference)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no entity {reference} in the history")))?;
    Ok(Json(found).into_response())
}
