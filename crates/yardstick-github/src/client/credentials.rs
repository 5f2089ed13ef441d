//! Credentials: a token as given, or a GitHub App installation whose tokens octocrab mints and
//! refreshes; the `Authorization` header; and who the credentials act as.

use std::time::Duration;

use http::header::HeaderValue;
use http::Method;
use octocrab::models::{AppId, InstallationId};
use octocrab::Octocrab;
use serde_json::Value;

use super::{Client, InstallationScope, RequestKind};
use crate::{Auth, ScanError, Secret};

pub(super) enum Credentials {
    Token(Secret),
    /// octocrab authenticated as the installation: it mints and refreshes the token. `app` is
    /// authenticated as the App itself (JWT).
    Installation {
        installation: Box<Octocrab>,
        app: Box<Octocrab>,
        app_id: u64,
    },
}

/// Who the credentials act as, for recognising our own comments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Identity {
    /// A user (or bot) login.
    Login(String),
    /// A GitHub App: its id, and its slug when it could be looked up.
    App { id: u64, slug: Option<String> },
}

/// An octocrab builder failure, as bad options.
pub(super) fn builder_error(e: octocrab::Error) -> ScanError {
    ScanError::InvalidOptions(format!("HTTP client: {e}"))
}

impl Credentials {
    /// The credentials for `auth`, and the texts to scrub from messages. An App without an
    /// installation id has its installation looked up in `scope`.
    pub(super) async fn from_auth(
        auth: &Auth,
        api_url: &str,
        scope: InstallationScope<'_>,
        timeout: Duration,
    ) -> Result<(Credentials, Vec<String>), ScanError> {
        match auth {
            Auth::Token(token) => {
                let text = token.expose_secret().trim().to_string();
                if text.is_empty() || HeaderValue::from_str(&format!("Bearer {text}")).is_err() {
                    return Err(ScanError::Auth(
                        "the token is empty or has characters a header cannot carry".into(),
                    ));
                }
                Ok((Credentials::Token(Secret::new(text.clone())), vec![text]))
            }
            Auth::App {
                app_id,
                private_key_pem,
                installation_id,
            } => {
                let key =
                    octocrab::EncodingKey::from_rsa_pem(private_key_pem.expose_secret().as_bytes())
                        .map_err(|_| {
                            ScanError::Auth(
                                "the GitHub App private key is not an RSA private key in PEM form"
                                    .into(),
                            )
                        })?;
                let app = Octocrab::builder()
                    .base_uri(api_url)
                    .map_err(builder_error)?
                    .set_connect_timeout(Some(timeout))
                    .set_read_timeout(Some(timeout))
                    .app(AppId(*app_id), key)
                    .build()
                    .map_err(builder_error)?;
                let id = match installation_id {
                    Some(id) => *id,
                    None => lookup_installation(&app, scope).await?,
                };
                let installation = app
                    .installation(InstallationId(id))
                    .map_err(|e| ScanError::Auth(format!("GitHub App installation {id}: {e}")))?;
                let pem = private_key_pem.expose_secret().trim().to_string();
                let credentials = Credentials::Installation {
                    installation: Box::new(installation),
                    app: Box::new(app),
                    app_id: *app_id,
                };
                Ok((credentials, vec![pem]))
            }
        }
    }
}

impl Client {
    /// The `Authorization` header. The error's flag tells whether retrying may help (minting an
    /// installation token failed with a 5xx or a connection error).
    pub(super) async fn authorization(&self) -> Result<HeaderValue, (ScanError, bool)> {
        let token = match &self.credentials {
            Credentials::Token(token) => token.expose_secret().to_string(),
            Credentials::Installation { installation, .. } => {
                self.installation_token(installation).await?
            }
        };
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            (
                ScanError::Auth("the token cannot be sent in a header".into()),
                false,
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// The installation's current token (minted or refreshed by octocrab), remembered for
    /// redaction.
    async fn installation_token(
        &self,
        installation: &Octocrab,
    ) -> Result<String, (ScanError, bool)> {
        use octocrab::secrecy::ExposeSecret as _;
        let token = installation.installation_token().await.map_err(|e| {
            let transient = match &e {
                octocrab::Error::GitHub { source, .. } => source.status_code.is_server_error(),
                octocrab::Error::Hyper { .. } | octocrab::Error::Service { .. } => true,
                _ => false,
            };
            let error = ScanError::Auth(self.redact(&format!(
                "cannot get a GitHub App installation token: {}",
                describe_octocrab(&e)
            )));
            (error, transient)
        })?;
        let token = token.expose_secret().to_string();
        let mut secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        if !secrets.contains(&token) {
            secrets.push(token.clone());
        }
        Ok(token)
    }

    /// Who these credentials act as: `GET /user` for a token (an installation token, like
    /// Actions' `GITHUB_TOKEN`, gets a `403` there and is `github-actions[bot]`); for an App,
    /// its id and the slug from `GET /app`.
    pub async fn identity(&self) -> Result<Identity, ScanError> {
        match &self.credentials {
            Credentials::Token(_) => self.token_identity().await,
            Credentials::Installation { app, app_id, .. } => {
                let slug = match app._get("/app").await {
                    Ok(response) if response.status().as_u16() == 200 => app
                        .body_to_string(response)
                        .await
                        .ok()
                        .and_then(|body| serde_json::from_str::<Value>(&body).ok())
                        .and_then(|v| v.get("slug").and_then(Value::as_str).map(str::to_string)),
                    _ => None,
                };
                Ok(Identity::App { id: *app_id, slug })
            }
        }
    }

    /// A token's login, from `GET /user`.
    async fn token_identity(&self) -> Result<Identity, ScanError> {
        let url = format!("{}/user", self.api_url);
        let response = self
            .request(RequestKind::Rest, Method::GET, &url, &[], None)
            .await?;
        match response.status {
            200 => serde_json::from_str::<Value>(&response.body)
                .ok()
                .and_then(|v| v.get("login").and_then(Value::as_str).map(str::to_string))
                .map(Identity::Login)
                .ok_or_else(|| ScanError::Decode {
                    what: self.describe(&Method::GET, &url),
                    message: "no login in the answer".into(),
                }),
            403 => Ok(Identity::Login("github-actions[bot]".into())),
            401 => Err(ScanError::Auth(format!(
                "GitHub answered HTTP 401 to GET /user: {}",
                self.redact(&response.message())
            ))),
            status => Err(ScanError::Api {
                status,
                what: self.describe(&Method::GET, &url),
                message: self.redact(&response.message()),
            }),
        }
    }
}

async fn lookup_installation(
    app: &Octocrab,
    scope: InstallationScope<'_>,
) -> Result<u64, ScanError> {
    let (path, what) = match scope {
        InstallationScope::Org(org) => (format!("/orgs/{org}/installation"), org.to_string()),
        InstallationScope::Repo(owner, repo) => (
            format!("/repos/{owner}/{repo}/installation"),
            format!("{owner}/{repo}"),
        ),
    };
    let response = app._get(path).await.map_err(|e| {
        ScanError::Auth(format!(
            "cannot look up the GitHub App installation of {what}: {}",
            describe_octocrab(&e)
        ))
    })?;
    let status = response.status().as_u16();
    let body = app
        .body_to_string(response)
        .await
        .map_err(|e| ScanError::Auth(describe_octocrab(&e)))?;
    if status != 200 {
        return Err(ScanError::Auth(format!(
            "GitHub answered HTTP {status} to the installation look-up of {what}; is the App installed there?"
        )));
    }
    serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_u64))
        .ok_or_else(|| ScanError::Auth(format!("no installation id in the answer for {what}")))
}

/// octocrab's error, one line, without its backtrace.
pub(super) fn describe_octocrab(err: &octocrab::Error) -> String {
    match err {
        octocrab::Error::GitHub { source, .. } => {
            format!("HTTP {}: {}", source.status_code.as_u16(), source.message)
        }
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(inner) = source {
                text.push_str(": ");
                text.push_str(&inner.to_string());
                source = inner.source();
            }
            text
        }
    }
}
