//! Errors as Backstage's backends write them, so that its clients' `ResponseError` reads them:
//! `{"error": {"name", "message"}, "request": {"method", "url"}, "response": {"statusCode"}}`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A refused or failed request: an HTTP status, a Backstage error name and a message.
///
/// ```
/// use axum::http::StatusCode;
/// use yardstick_server::ApiError;
///
/// let error = ApiError::not_found("no entity component:default/x in run 3");
/// assert_eq!(error.status(), StatusCode::NOT_FOUND);
/// assert_eq!(error.name(), "NotFoundError");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    name: &'static str,
    message: String,
}

impl ApiError {
    /// Bad input (400, `InputError`).
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InputError", message)
    }

    /// Nothing there (404, `NotFoundError`).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFoundError", message)
    }

    /// The store failed (503, `ServiceUnavailableError`): worth retrying.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailableError",
            message,
        )
    }

    /// An error with any status and name.
    pub fn new(status: StatusCode, name: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            name,
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The Backstage error name (`InputError`, `NotFoundError`, …).
    pub fn name(&self) -> &str {
        self.name
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The body, for a request of `method` to `url`.
    fn body(&self, method: &str, url: &str) -> serde_json::Value {
        json!({
            "error": {"name": self.name, "message": self.message},
            "request": {"method": method, "url": url},
            "response": {"statusCode": self.status.as_u16()},
        })
    }
}

impl From<yardstick_store::StoreError> for ApiError {
    fn from(error: yardstick_store::StoreError) -> Self {
        ApiError::unavailable(format!("the score history: {error}"))
    }
}

impl IntoResponse for ApiError {
    /// The body without the request, which the `describe_errors` middleware adds.
    fn into_response(self) -> Response {
        let body = self.body("", "").to_string();
        let mut response = (self.status, json_headers(), body).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

fn json_headers() -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    )]
}

/// Middleware: writes the request's method and path into every error body, as Backstage's
/// error handler does.
pub async fn describe_errors(request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let url = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_string(),
        |p| p.as_str().to_string(),
    );
    let response = next.run(request).await;
    match response.extensions().get::<ApiError>() {
        Some(error) => {
            let body = error.body(&method, &url).to_string();
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(body))
        }
        None => response,
    }
}
