//! Who may read: with [`ReadAuth`] set, every route but `/healthz`, ingest (which has its
//! own token) and this server's own key set needs `Authorization: Bearer` with the static
//! read token or a Backstage token ([`BackstageAuth`]). Without it, reads are open.

mod backstage;
mod fetch;
mod jwks;
mod token;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub use backstage::{BackstageAuth, PLUGIN_ID};
pub(crate) use token::bearer_token;
pub use token::SecretToken;

use crate::{ApiError, RUNS_PATH};
use backstage::Refusal;

/// Where this server says it takes the new backend system's plugin tokens, as every
/// Backstage plugin does: Backstage's plugins fetch it before sending one.
pub const OWN_JWKS_PATH: &str = "/api/tech-insights/.backstage/auth/v1/jwks.json";

/// Who may read. The default, neither, leaves reads open.
///
/// ```
/// use yardstick_server::{ReadAuth, SecretToken};
///
/// assert!(ReadAuth::default().is_open());
/// let auth = ReadAuth { token: SecretToken::new("read-token"), ..ReadAuth::default() };
/// assert!(!auth.is_open());
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReadAuth {
    /// Backstage tokens, verified against the keys of this Backstage backend.
    pub backstage: Option<BackstageAuth>,
    /// A static token, for clients other than Backstage.
    pub token: Option<SecretToken>,
}

impl ReadAuth {
    /// Whether reads need no token.
    pub fn is_open(&self) -> bool {
        self.backstage.is_none() && self.token.is_none()
    }

    /// Accepts or refuses the request with `headers`.
    async fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let Some(token) = bearer_token(headers) else {
            return Err(unauthenticated(
                "reading needs the header Authorization: Bearer <Backstage or read token>",
            ));
        };
        if self.token.as_ref().is_some_and(|t| t.accepts(token)) {
            return Ok(());
        }
        let Some(backstage) = &self.backstage else {
            return Err(unauthenticated("the bearer token is not the read token"));
        };
        match backstage.verify(token).await {
            Ok(_) => Ok(()),
            Err(Refusal::Invalid(message)) => Err(unauthenticated(message)),
            Err(Refusal::Fault(message)) => Err(ApiError::unavailable(message)),
        }
    }
}

fn unauthenticated(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "AuthenticationError", message)
}

/// Whether the route at `path` takes requests without a read token.
fn is_exempt(method: &Method, path: &str) -> bool {
    path == "/healthz" || path == OWN_JWKS_PATH || (method == Method::POST && path == RUNS_PATH)
}

/// Middleware: refuses reads without an accepted token (401), or when Backstage's keys
/// cannot be fetched (503).
pub(crate) async fn require_read(
    State(auth): State<Arc<ReadAuth>>,
    request: Request,
    next: Next,
) -> Response {
    if auth.is_open() || is_exempt(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    match auth.check(request.headers()).await {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// `GET /api/tech-insights/.backstage/auth/v1/jwks.json`: no keys, as this server issues
/// no tokens; its existence tells Backstage's plugins to send plugin tokens.
pub(crate) async fn own_jwks() -> Response {
    Json(json!({"keys": []})).into_response()
}
