//! The read-only JSON API under `/api/v1/`: runs, the entities of a run, one entity's
//! history and trends, described by the OpenAPI document at `/api/v1/openapi.json`
//! (`src/openapi.json`). `POST /api/v1/runs` (ingest) shares the runs path.

mod entities;
mod params;
mod runs;
mod trends;

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub use runs::list as list_runs;

use crate::state::AppState;

/// The API's OpenAPI 3.1 document.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// The most items one page lists.
const MAX_LIMIT: i64 = 500;

/// The read routes, with full paths (the runs list is routed with ingest, on its path).
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/runs/{run}", get(runs::one))
        .route("/api/v1/entities", get(entities::list))
        .route(
            "/api/v1/entities/{kind}/{namespace}/{name}/history",
            get(entities::history),
        )
        .route("/api/v1/trends/{group}", get(trends::series))
}

/// `GET /api/v1/openapi.json`.
async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI,
    )
        .into_response()
}
