//! The dashboard: server-rendered pages over the score history, for people.
//!
//! - `/`: the latest run's scorecard, filtered by the `q`, `owner`, `system`, `kind` and
//!   `failing` query parameters, and trend charts for the organisation, each owner and
//!   each system;
//! - `/entity/{kind}/{namespace}/{name}`: one entity's latest results and history.
//!
//! Every page carries the latest run's time, commits and version, is written with maud
//! (every value from the catalog escaped), and is answered with a Content-Security-Policy
//! that lets it load nothing and run no script: its style and charts are inline.

mod chart;
mod entity;
mod layout;
mod scorecard;

use std::sync::Arc;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub use layout::CONTENT_SECURITY_POLICY;

/// The dashboard's routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(scorecard::page))
        .route("/entity/{kind}/{namespace}/{name}", get(entity::page))
}
