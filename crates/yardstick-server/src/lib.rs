//! yardstick's HTTP server: the score history (`yardstick-store`) served to Backstage.
//!
//! - [`tech_insights`]: Backstage's Tech Insights API at `/api/tech-insights`, so that the
//!   stock scorecard card shows yardstick's checks (`docs/backstage.md`);
//! - the JSON API under `/api/v1/` (runs, entities, histories, trends), described by the
//!   OpenAPI document at `/api/v1/openapi.json`;
//! - `POST /api/v1/runs`: a report from a CI job recorded as a run, with the ingest token
//!   ([`IngestConfig`]);
//! - the dashboard (`/`, `/entity/{kind}/{namespace}/{name}`): the latest scorecard, trends
//!   and each entity's history, as server-rendered pages under a strict
//!   [`CONTENT_SECURITY_POLICY`];
//! - badges (`/badge/{kind}/{namespace}/{name}.svg`): an entity's score and level;
//! - `/healthz`: whether the store answers.
//!
//! Reads are open unless [`ReadAuth`] asks for a Backstage token ([`BackstageAuth`],
//! verified against the keys Backstage publishes) or a static read token ([`SecretToken`]).
//!
//! Results are the latest recorded run's, held in memory until a newer run is recorded.
//! Errors have Backstage's shape ([`ApiError`]); every request has a time limit; [`serve`]
//! stops gracefully on [`shutdown_signal`].
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use yardstick_server::{app, serve, shutdown_signal, ServerConfig};
//!
//! let store = yardstick_store::Store::open("history.db").await.expect("store");
//! let config = ServerConfig::new(yardstick::PolicySet::builtin().expect("checks"));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! serve(listener, app(store, &config), shutdown_signal()).await
//! # }
//! ```

mod api;
mod auth;
mod badge;
mod dashboard;
mod error;
mod ingest;
mod query;
mod server;
mod state;
pub mod tech_insights;

pub use auth::{BackstageAuth, ReadAuth, SecretToken, OWN_JWKS_PATH, PLUGIN_ID};
pub use badge::BADGE_CACHE_CONTROL;
pub use dashboard::CONTENT_SECURITY_POLICY;
pub use error::ApiError;
pub use ingest::{IngestConfig, DEFAULT_INGEST_LIMIT};
pub use query::Query;
pub use server::{app, serve, shutdown_signal, ServerConfig, RUNS_PATH, TECH_INSIGHTS_PATH};
