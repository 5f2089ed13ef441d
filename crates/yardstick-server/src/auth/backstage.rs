//! Backstage's tokens, verified as its backend verifies them (`@backstage/backend-defaults`):
//!
//! - user tokens (`typ: vnd.backstage.user`, or no `typ` from older auth backends), issued
//!   by the auth backend: signed with a key of `{backstage}/api/auth/.well-known/jwks.json`,
//!   `aud: backstage`, `iss: {backstage}/api/auth`, a subject and an expiry;
//! - plugin (service) tokens of the new backend system (`typ: vnd.backstage.plugin`): `sub`
//!   is the calling plugin, whose own key set `{backstage}/api/{sub}/.backstage/auth/v1/
//!   jwks.json` signs them, `aud` the plugin called (`tech-insights`), and an expiry.
//!
//! Only asymmetric algorithms of the key's own type verify (no `none`, no HMAC).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::Uri;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, decode_header, Header, Validation};
use serde::Deserialize;

use super::fetch::JwksClient;
use super::jwks::{KeySet, Lookup, Timing};

/// The `typ` of user tokens.
const USER_TYPE: &str = "vnd.backstage.user";
/// The `typ` of plugin tokens.
const PLUGIN_TYPE: &str = "vnd.backstage.plugin";
/// The `aud` of user tokens.
const USER_AUDIENCE: &str = "backstage";
/// The plugin id Backstage's plugins call this server by (`discovery.endpoints`), the `aud`
/// of their tokens.
pub const PLUGIN_ID: &str = "tech-insights";
/// The most plugins whose key sets are kept: plugin ids come from unverified tokens.
const MAX_PLUGIN_KEY_SETS: usize = 64;
/// Clock skew allowed on `exp` and `nbf`, in seconds.
const LEEWAY_SECONDS: u64 = 30;

/// Verifies Backstage tokens against the keys a Backstage backend publishes. Cloning shares
/// the cached keys.
///
/// ```
/// use yardstick_server::BackstageAuth;
///
/// assert!(BackstageAuth::new("https://backstage.example.com").is_ok());
/// assert!(BackstageAuth::new("ftp://backstage.example.com").is_err());
/// assert!(BackstageAuth::new("https://backstage.example.com/?q").is_err());
/// ```
#[derive(Clone)]
pub struct BackstageAuth(Arc<Inner>);

struct Inner {
    base: String,
    issuer: String,
    client: JwksClient,
    timing: Timing,
    user_keys: KeySet,
    plugin_keys: Mutex<HashMap<String, Arc<KeySet>>>,
}

/// Why a token was not accepted.
pub(crate) enum Refusal {
    /// The token is not valid (401); the message never quotes it.
    Invalid(String),
    /// The keys could not be fetched (503).
    Fault(String),
}

#[derive(Deserialize)]
struct Subject {
    sub: Option<String>,
}

impl BackstageAuth {
    /// Verification against the Backstage backend at `url` (its `backend.baseUrl`); key
    /// sets are kept up to 10 minutes and fetched at most every 30 seconds.
    pub fn new(url: &str) -> Result<Self, String> {
        Self::with_timing(
            url,
            Duration::from_secs(600),
            Duration::from_secs(30),
            Duration::from_secs(10),
        )
    }

    /// As [`BackstageAuth::new`], with the longest time keys are kept (`max_age`), the
    /// shortest between two fetches of one key set (`cooldown`), and a fetch's time limit.
    pub fn with_timing(
        url: &str,
        max_age: Duration,
        cooldown: Duration,
        fetch_timeout: Duration,
    ) -> Result<Self, String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
            || parsed.cannot_be_a_base()
        {
            return Err(format!(
                "{url:?} is not the base URL of a Backstage backend (http(s)://host[:port][/path])"
            ));
        }
        let base = parsed.as_str().trim_end_matches('/').to_string();
        let client = JwksClient::for_scheme(parsed.scheme())?;
        let timing = Timing {
            max_age,
            cooldown,
            fetch_timeout,
        };
        let user_keys = KeySet::new(
            uri(&format!("{base}/api/auth/.well-known/jwks.json"))?,
            client.clone(),
            timing,
        );
        Ok(BackstageAuth(Arc::new(Inner {
            issuer: format!("{base}/api/auth"),
            base,
            client,
            timing,
            user_keys,
            plugin_keys: Mutex::new(HashMap::new()),
        })))
    }

    /// The backend's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.0.base
    }

    /// Who `token` speaks for (`user:default/jane`, `plugin:catalog`).
    pub(crate) async fn verify(&self, token: &str) -> Result<String, Refusal> {
        let header = decode_header(token)
            .map_err(|_| invalid("the bearer token is not a signed Backstage token"))?;
        let Some(kid) = header.kid.as_deref() else {
            return Err(invalid("the bearer token names no signing key (kid)"));
        };
        match header.typ.as_deref() {
            None | Some(USER_TYPE) => {
                let key = match self.0.user_keys.key(kid).await.map_err(Refusal::Fault)? {
                    Lookup::NotPublished => {
                        return Err(Refusal::Fault(format!(
                            "{}/api/auth/.well-known/jwks.json is not found: is {} the \
                             Backstage backend's base URL?",
                            self.0.base, self.0.base
                        )))
                    }
                    lookup => found(lookup)?,
                };
                let mut validation = validation(&header, &key.algorithms)?;
                validation.set_audience(&[USER_AUDIENCE]);
                validation.set_issuer(&[&self.0.issuer]);
                validation.set_required_spec_claims(&["exp", "sub", "aud", "iss"]);
                let claims = decode::<Subject>(token, &key.decoding, &validation)
                    .map_err(|e| invalid(failure(e.kind())))?;
                Ok(claims.claims.sub.unwrap_or_default())
            }
            Some(PLUGIN_TYPE) => {
                let plugin = plugin_id(token)?;
                let keys = self.plugin_keys(&plugin)?;
                let key = found(keys.key(kid).await.map_err(Refusal::Fault)?)?;
                let mut validation = validation(&header, &key.algorithms)?;
                validation.set_audience(&[PLUGIN_ID]);
                validation.set_required_spec_claims(&["exp", "sub", "aud"]);
                decode::<Subject>(token, &key.decoding, &validation)
                    .map_err(|e| invalid(failure(e.kind())))?;
                Ok(format!("plugin:{plugin}"))
            }
            Some(_) => Err(invalid(
                "the bearer token is neither a Backstage user token nor a plugin token",
            )),
        }
    }

    /// The key set of `plugin`, kept among at most [`MAX_PLUGIN_KEY_SETS`].
    fn plugin_keys(&self, plugin: &str) -> Result<Arc<KeySet>, Refusal> {
        let mut sets = self
            .0
            .plugin_keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(set) = sets.get(plugin) {
            return Ok(Arc::clone(set));
        }
        if sets.len() >= MAX_PLUGIN_KEY_SETS {
            sets.retain(|_, set| !set.is_failed());
        }
        if sets.len() >= MAX_PLUGIN_KEY_SETS {
            return Err(invalid("too many Backstage plugins have sent tokens"));
        }
        let address = format!("{}/api/{plugin}/.backstage/auth/v1/jwks.json", self.0.base);
        let set = Arc::new(KeySet::new(
            uri(&address).map_err(Refusal::Fault)?,
            self.0.client.clone(),
            self.0.timing,
        ));
        sets.insert(plugin.to_string(), Arc::clone(&set));
        Ok(set)
    }
}

impl std::fmt::Debug for BackstageAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackstageAuth")
            .field("base", &self.0.base)
            .finish_non_exhaustive()
    }
}

fn invalid(message: impl Into<String>) -> Refusal {
    Refusal::Invalid(message.into())
}

fn uri(address: &str) -> Result<Uri, String> {
    address
        .parse()
        .map_err(|e| format!("{address:?} is not a URI: {e}"))
}

/// The key a lookup found, or why there is none.
fn found(lookup: Lookup) -> Result<Arc<super::jwks::Key>, Refusal> {
    match lookup {
        Lookup::Found(key) => Ok(key),
        Lookup::Unknown => Err(invalid(
            "the bearer token is signed with a key Backstage does not publish",
        )),
        Lookup::NotPublished => Err(invalid(
            "the plugin that signed the bearer token publishes no keys",
        )),
    }
}

/// Checks for `header`'s algorithm, which must be one `allowed` by its key.
fn validation(header: &Header, allowed: &[jsonwebtoken::Algorithm]) -> Result<Validation, Refusal> {
    if !allowed.contains(&header.alg) {
        return Err(invalid(
            "the bearer token is signed with an algorithm its key does not allow",
        ));
    }
    let mut validation = Validation::new(header.alg);
    validation.algorithms = allowed.to_vec();
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_nbf = true;
    Ok(validation)
}

/// The calling plugin of a plugin token, read before its signature is checked (it says
/// which key set to check it with), so held to Backstage's plugin id pattern.
fn plugin_id(token: &str) -> Result<String, Refusal> {
    let unverified = jsonwebtoken::dangerous::insecure_decode::<Subject>(token)
        .map_err(|_| invalid("the plugin token's claims cannot be read"))?;
    let plugin = unverified.claims.sub.unwrap_or_default();
    let well_formed = !plugin.is_empty()
        && plugin
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if well_formed {
        Ok(plugin)
    } else {
        Err(invalid("the plugin token's subject is not a plugin id"))
    }
}

/// What was wrong with a token, in words that never quote it.
fn failure(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::ExpiredSignature => "the bearer token has expired".to_string(),
        ErrorKind::ImmatureSignature => "the bearer token is not valid yet (nbf)".to_string(),
        ErrorKind::InvalidAudience => "the bearer token is meant for another audience".to_string(),
        ErrorKind::InvalidIssuer => "the bearer token was issued by another Backstage".to_string(),
        ErrorKind::InvalidSignature => "the bearer token's signature does not verify".to_string(),
        ErrorKind::InvalidAlgorithm => {
            "the bearer token is signed with an algorithm its key does not allow".to_string()
        }
        ErrorKind::MissingRequiredClaim(claim) => {
            format!("the bearer token has no {claim:?} claim")
        }
        _ => "the bearer token is not a valid Backstage token".to_string(),
    }
}
