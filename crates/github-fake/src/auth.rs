//! Credentials and the GitHub App endpoints: who is calling, installations, tokens, `/user`.

use base64::Engine as _;
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::{Request, ResponseTemplate};

use crate::dates::{now_secs, rfc3339};
use crate::responses::{error_response, json_response};
use crate::state::{lock, ServerState};

/// The GitHub App the fake plays, when enabled.
pub(crate) struct AppConfig {
    pub app_id: u64,
    pub installation_id: u64,
    pub token_ttl: Duration,
    pub slug: String,
}

/// An installation token the fake issued.
pub(crate) struct IssuedToken {
    pub token: String,
    /// Epoch seconds.
    pub expires_at: u64,
}

/// Claims of a JWT with an RS256 header; the signature is not checked.
fn jwt_claims(token: &str) -> Option<Value> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 || parts[2].is_empty() {
        return None;
    }
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header: Value = serde_json::from_slice(&engine.decode(parts[0]).ok()?).ok()?;
    if header.get("alg")?.as_str()? != "RS256" {
        return None;
    }
    serde_json::from_slice(&engine.decode(parts[1]).ok()?).ok()
}

/// Who a request authenticates as.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    Jwt,
    Token,
    /// An installation token the fake issued to the App.
    Installation,
    Nobody,
}

impl ServerState {
    pub fn caller(&self, req: &Request) -> Caller {
        let Some(value) = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
        else {
            return Caller::Nobody;
        };
        let credential = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("token "))
            .unwrap_or("");
        if credential.is_empty() {
            return Caller::Nobody;
        }
        if credential == self.token {
            return Caller::Token;
        }
        let now = now_secs();
        if lock(&self.issued)
            .iter()
            .any(|t| t.token == credential && t.expires_at > now)
        {
            return Caller::Installation;
        }
        if let (Some(app), Some(claims)) = (&self.app, jwt_claims(credential)) {
            let iss_ok = match claims.get("iss") {
                Some(Value::String(s)) => s == &app.app_id.to_string(),
                Some(Value::Number(n)) => n.as_u64() == Some(app.app_id),
                _ => false,
            };
            let exp_ok = claims
                .get("exp")
                .and_then(Value::as_u64)
                .is_some_and(|exp| exp > now && exp <= now + 600);
            let iat_ok = claims.get("iat").and_then(Value::as_u64).is_some();
            if iss_ok && exp_ok && iat_ok {
                return Caller::Jwt;
            }
        }
        Caller::Nobody
    }

    pub fn installation_lookup(&self) -> ResponseTemplate {
        self.count(|s| s.installation += 1);
        match &self.app {
            Some(app) => json_response(
                200,
                &json!({"id": app.installation_id, "app_id": app.app_id,
                    "account": {"login": self.org, "id": self.org_id, "type": "Organization"},
                    "target_type": "Organization"}),
            ),
            None => error_response(404, "Not Found"),
        }
    }

    /// `GET /repos/{owner}/{repo}/installation`: any owner, user or organisation.
    pub fn repo_installation_lookup(&self, owner: &str) -> ResponseTemplate {
        self.count(|s| s.installation += 1);
        match &self.app {
            Some(app) => json_response(
                200,
                &json!({"id": app.installation_id, "app_id": app.app_id,
                    "account": {"login": owner, "type": if owner.eq_ignore_ascii_case(&self.org) { "Organization" } else { "User" }},
                    "target_type": if owner.eq_ignore_ascii_case(&self.org) { "Organization" } else { "User" }}),
            ),
            None => error_response(404, "Not Found"),
        }
    }

    /// `GET /app` (JWT): the App's id and slug.
    pub fn app_json(&self) -> ResponseTemplate {
        self.count(|s| s.installation += 1);
        match &self.app {
            Some(app) => json_response(
                200,
                &json!({"id": app.app_id, "slug": app.slug, "name": app.slug,
                    "owner": {"login": self.org, "type": "Organization"}}),
            ),
            None => error_response(404, "Not Found"),
        }
    }

    /// `GET /user`: the token's user; installation tokens get `403`, as on GitHub.
    pub fn user(&self, caller: Caller) -> ResponseTemplate {
        self.count(|s| s.user += 1);
        if caller == Caller::Installation || self.token_is_installation {
            return error_response(403, "Resource not accessible by integration");
        }
        json_response(
            200,
            &json!({"login": self.token_login, "id": 583_231, "type": "User"}),
        )
    }

    pub fn access_token(&self, id: &str) -> ResponseTemplate {
        self.count(|s| s.installation += 1);
        let Some(app) = &self.app else {
            return error_response(404, "Not Found");
        };
        if id != app.installation_id.to_string() {
            return error_response(404, "Not Found");
        }
        let mut issued = lock(&self.issued);
        let token = format!("ghs_fakeinstallation{:020}", issued.len() + 1);
        let expires = now_secs() + app.token_ttl.as_secs();
        issued.push(IssuedToken {
            token: token.clone(),
            expires_at: expires,
        });
        drop(issued);
        self.count(|s| s.tokens_issued += 1);
        json_response(
            201,
            &json!({"token": token, "expires_at": rfc3339(expires),
                "permissions": {"contents": "read", "metadata": "read"}, "repository_selection": "all"}),
        )
    }
}
