//! Fetching a JSON Web Key Set over HTTP(S), with a time limit and a size limit.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::Jwk;
use serde::Deserialize;

/// The largest key set read: Backstage's hold a handful of keys.
const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// What a fetch found.
pub(crate) enum Fetched {
    /// The keys this crate can read; others (unknown types or algorithms) are skipped.
    Keys(Vec<Jwk>),
    /// 404: nothing publishes keys there (a plugin not on the new backend system).
    NotFound,
}

/// An HTTP client for one scheme: plain for `http://`, TLS with the system's roots for
/// `https://`.
#[derive(Clone)]
pub(crate) enum JwksClient {
    Plain(Client<HttpConnector, Empty<Bytes>>),
    Tls(Client<HttpsConnector<HttpConnector>, Empty<Bytes>>),
}

impl JwksClient {
    /// A client for URLs with `scheme`; an error when the system's TLS roots cannot be read.
    pub(crate) fn for_scheme(scheme: &str) -> Result<Self, String> {
        let builder = Client::builder(TokioExecutor::new());
        if scheme == "http" {
            return Ok(JwksClient::Plain(builder.build(HttpConnector::new())));
        }
        let connector = HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| format!("cannot read the system's TLS root certificates: {e}"))?
            .https_only()
            .enable_http1()
            .build();
        Ok(JwksClient::Tls(builder.build(connector)))
    }

    /// GETs `uri` within `timeout`; errors say what failed, for a 503.
    pub(crate) async fn fetch(&self, uri: &Uri, timeout: Duration) -> Result<Fetched, String> {
        match tokio::time::timeout(timeout, self.get(uri)).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "{uri} did not answer within {} seconds",
                timeout.as_secs_f64()
            )),
        }
    }

    async fn get(&self, uri: &Uri) -> Result<Fetched, String> {
        let request = Request::get(uri.clone())
            .header(header::ACCEPT, "application/json")
            .body(Empty::new())
            .map_err(|e| format!("{uri}: {e}"))?;
        let response = match self {
            JwksClient::Plain(client) => client.request(request).await,
            JwksClient::Tls(client) => client.request(request).await,
        }
        .map_err(|e| format!("{uri}: {e}"))?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return Ok(Fetched::NotFound);
        }
        if !status.is_success() {
            return Err(format!("{uri} answered {status}"));
        }
        let body = Limited::new(response.into_body(), MAX_JWKS_BYTES)
            .collect()
            .await
            .map_err(|e| format!("{uri}: reading the key set: {e}"))?
            .to_bytes();
        let set: KeySetJson = serde_json::from_slice(&body)
            .map_err(|e| format!("{uri} is not a JSON Web Key Set: {e}"))?;
        let keys = set
            .keys
            .into_iter()
            .filter_map(|key| serde_json::from_value(key).ok())
            .collect();
        Ok(Fetched::Keys(keys))
    }
}

/// `{"keys": [...]}`, each key read on its own so that one unknown key spoils nothing.
#[derive(Deserialize)]
struct KeySetJson {
    keys: Vec<serde_json::Value>,
}
