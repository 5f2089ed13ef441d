//! The application: routes, time limits, and serving until a shutdown signal.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use yardstick::PolicySet;
use yardstick_store::Store;

use crate::auth::{own_jwks, require_read};
use crate::error::describe_errors;
use crate::state::AppState;
use crate::{
    api, badge, dashboard, ingest, tech_insights, ApiError, IngestConfig, ReadAuth, OWN_JWKS_PATH,
};

/// Where reports are posted to be recorded.
pub const RUNS_PATH: &str = "/api/v1/runs";

/// Where the Tech Insights API is mounted.
pub const TECH_INSIGHTS_PATH: &str = "/api/tech-insights";

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The longest a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// The checks' metadata (titles, descriptions, remediation) for `GET /checks`.
    pub policies: PolicySet,
    /// Who may record runs with `POST /api/v1/runs`; `None` turns ingest off.
    pub ingest: Option<IngestConfig>,
    /// Who may read; the default leaves reads open.
    pub read_auth: ReadAuth,
    /// Browser origins allowed to call the server ([`ServerConfig::allow_origin`]); empty:
    /// no CORS headers.
    pub cors_origins: Vec<HeaderValue>,
}

impl ServerConfig {
    /// `policies`, a 30-second request timeout, and no ingest.
    pub fn new(policies: PolicySet) -> Self {
        ServerConfig {
            request_timeout: Duration::from_secs(30),
            policies,
            ingest: None,
            read_auth: ReadAuth::default(),
            cors_origins: Vec::new(),
        }
    }

    /// Answers CORS requests (preflight included) from the browser origin `origin`, e.g.
    /// Backstage's `https://backstage.example.com`.
    ///
    /// ```
    /// let mut config = yardstick_server::ServerConfig::new(yardstick::PolicySet::default());
    /// assert!(config.allow_origin("https://backstage.example.com").is_ok());
    /// assert!(config.allow_origin("bad\norigin").is_err());
    /// ```
    pub fn allow_origin(&mut self, origin: &str) -> Result<(), String> {
        let value = HeaderValue::from_str(origin).map_err(|e| format!("origin {origin:?}: {e}"))?;
        self.cors_origins.push(value);
        Ok(())
    }
}

/// The whole application over `store`.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use axum::body::Body;
/// use axum::http::{Request, StatusCode};
/// use tower::ServiceExt;
/// use yardstick_server::{app, ServerConfig};
///
/// let dir = tempfile::tempdir().unwrap();
/// let store = yardstick_store::Store::open(&dir.path().join("h.db").display().to_string())
///     .await
///     .unwrap();
/// let config = ServerConfig::new(yardstick::PolicySet::builtin().unwrap());
/// let request = Request::get("/api/tech-insights/checks").body(Body::empty()).unwrap();
/// let response = app(store, &config).oneshot(request).await.unwrap();
/// assert_eq!(response.status(), StatusCode::OK);
/// # });
/// ```
pub fn app(store: Store, config: &ServerConfig) -> Router {
    let state = Arc::new(AppState::new(
        store,
        &config.policies,
        config.ingest.clone(),
    ));
    let router = Router::new()
        .nest(TECH_INSIGHTS_PATH, tech_insights::routes())
        .route(RUNS_PATH, get(api::list_runs).post(ingest::record_run))
        .merge(api::routes())
        .merge(dashboard::routes().merge(badge::routes()))
        .route("/healthz", get(healthz))
        .route(OWN_JWKS_PATH, get(own_jwks))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(middleware::from_fn_with_state(
            Arc::new(config.read_auth.clone()),
            require_read,
        ))
        .layer(middleware::from_fn_with_state(
            config.request_timeout,
            time_limit,
        ))
        .layer(middleware::from_fn(describe_errors));
    if config.cors_origins.is_empty() {
        return router;
    }
    router.layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(config.cors_origins.clone()))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .max_age(Duration::from_secs(600)),
    )
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests in
/// flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        // Without a handler there is nothing to wait for but the other signal.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// `GET /healthz`: 200 when the store answers, 503 otherwise.
async fn healthz(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let latest = state.store().latest_run_id().await?;
    Ok(Json(json!({"status": "ok", "latest_run": latest})).into_response())
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowedError",
        "this route does not take that method",
    )
}

/// Answers 503 when a request takes longer than `limit`.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::unavailable(format!(
            "the request took longer than {} seconds",
            limit.as_secs_f64()
        ))
        .into_response(),
    }
}
