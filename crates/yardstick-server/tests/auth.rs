//! Read authentication: Backstage user and plugin tokens verified against the key sets a
//! (fake, in-process) Backstage backend publishes, and the static read token.
//!
//! `tests/keys/es256-{a,b}.pem` are test-only P-256 keys made for these tests, and
//! `es256.jwk.json` their public halves.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use yardstick::PolicySet;
use yardstick_server::{app, BackstageAuth, IngestConfig, ReadAuth, SecretToken, ServerConfig};

use common::{assert_error, demo_report, respond, store_with};

const CHECKS: &str = "/api/tech-insights/checks";
const READ_TOKEN: &str = "read-token-0123456789";

/// What the fake Backstage backend publishes, and how often it was asked.
#[derive(Default)]
struct Published {
    /// The auth backend's keys; `None`: it answers 500.
    user: Option<Vec<Value>>,
    /// Each plugin's keys; absent plugins answer 404.
    plugins: HashMap<String, Vec<Value>>,
}

#[derive(Clone, Default)]
struct Fake {
    published: Arc<Mutex<Published>>,
    fetches: Arc<AtomicUsize>,
}

impl Fake {
    fn set_user_keys(&self, keys: Option<Vec<Value>>) {
        self.published.lock().expect("lock").user = keys;
    }

    fn set_plugin_keys(&self, plugin: &str, keys: Vec<Value>) {
        let mut published = self.published.lock().expect("lock");
        published.plugins.insert(plugin.to_string(), keys);
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

async fn user_jwks(State(fake): State<Fake>) -> Response {
    fake.fetches.fetch_add(1, Ordering::SeqCst);
    match fake.published.lock().expect("lock").user.clone() {
        Some(keys) => Json(json!({ "keys": keys })).into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn plugin_jwks(State(fake): State<Fake>, Path(plugin): Path<String>) -> Response {
    fake.fetches.fetch_add(1, Ordering::SeqCst);
    match fake.published.lock().expect("lock").plugins.get(&plugin) {
        Some(keys) => Json(json!({ "keys": keys })).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Starts the fake Backstage backend on a free port; its base URL.
async fn start_backstage(fake: &Fake) -> String {
    let router = Router::new()
        .route("/api/auth/.well-known/jwks.json", get(user_jwks))
        .route(
            "/api/{plugin}/.backstage/auth/v1/jwks.json",
            get(plugin_jwks),
        )
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

fn jwk(name: &str) -> Value {
    let text = std::fs::read_to_string(keys_dir().join("es256.jwk.json")).expect("JWKs");
    let all: Value = serde_json::from_str(&text).expect("JSON");
    all[name].clone()
}

fn keys_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/keys")
}

fn signing_key(name: &str) -> EncodingKey {
    let pem = std::fs::read(keys_dir().join(format!("es256-{name}.pem"))).expect("PEM");
    EncodingKey::from_ec_pem(&pem).expect("EC key")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A token with header `typ` and `kid`, signed ES256 with key `signer`.
fn es256(typ: &str, kid: &str, signer: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.typ = Some(typ.to_string());
    header.kid = Some(kid.to_string());
    encode(&header, claims, &signing_key(signer)).expect("sign")
}

/// A user token as Backstage's auth backend at `base` issues it, signed by key `name`.
fn user_token(base: &str, name: &str, claims: Value) -> String {
    let mut all = json!({
        "iss": format!("{base}/api/auth"),
        "sub": "user:default/jane",
        "ent": ["user:default/jane", "group:default/team-a"],
        "aud": "backstage",
        "iat": now() - 10,
        "exp": now() + 3600,
    });
    if let (Some(all), Some(extra)) = (all.as_object_mut(), claims.as_object()) {
        for (key, value) in extra {
            all.insert(key.clone(), value.clone());
        }
    }
    es256("vnd.backstage.user", &format!("key-{name}"), name, &all)
}

async fn app_with(auth: ReadAuth) -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with(&dir, &[demo_report()]).await;
    let mut config = ServerConfig::new(PolicySet::builtin().expect("checks"));
    config.read_auth = auth;
    config.ingest = IngestConfig::new("ingest-token");
    (dir, app(store, &config))
}

fn backstage(base: &str, cooldown: Duration) -> ReadAuth {
    let auth = BackstageAuth::with_timing(
        base,
        Duration::from_secs(600),
        cooldown,
        Duration::from_secs(5),
    )
    .expect("Backstage URL");
    ReadAuth {
        backstage: Some(auth),
        token: None,
    }
}

/// `GET path` with `Authorization: Bearer token` (none when `None`): the status and the
/// JSON answer, checked never to repeat the token.
async fn get_with(app: &Router, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let (status, _, bytes) = respond(app, request.body(Body::empty()).expect("request")).await;
    let text = String::from_utf8_lossy(&bytes);
    if let Some(token) = token {
        assert!(
            !text.contains(token),
            "the answer repeats the token: {text}"
        );
    }
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    (status, value)
}

async fn refused(app: &Router, token: Option<&str>, why: &str) {
    let (status, body) = get_with(app, CHECKS, token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}: {body}");
    assert_error(&body, status, "AuthenticationError", "GET", CHECKS);
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(why), "{why}: {message}");
}

#[tokio::test]
async fn a_backstage_user_token_is_accepted_and_a_bad_one_refused() {
    let fake = Fake::default();
    fake.set_user_keys(Some(vec![jwk("a")]));
    let base = start_backstage(&fake).await;
    let (_dir, app) = app_with(backstage(&base, Duration::from_secs(30))).await;

    let valid = user_token(&base, "a", json!({}));
    let (status, checks) = get_with(&app, CHECKS, Some(&valid)).await;
    assert_eq!(status, StatusCode::OK, "{checks}");
    assert!(!checks.as_array().expect("checks").is_empty());
    // Every read route needs it, whatever the route; /healthz does not.
    for path in [
        "/",
        "/badge/component/default/fleet-manager.svg",
        "/no/such/route",
    ] {
        let (status, _, _) = respond(
            &app,
            Request::get(path).body(Body::empty()).expect("request"),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let (status, _) = get_with(&app, "/healthz", None).await;
    assert_eq!(status, StatusCode::OK);

    refused(&app, None, "Authorization: Bearer").await;
    refused(&app, Some("not-a-jwt"), "not a signed Backstage token").await;
    let expired = user_token(&base, "a", json!({"iat": now() - 7200, "exp": now() - 120}));
    refused(&app, Some(&expired), "expired").await;
    // Within the leeway an expiry just past is still accepted.
    let skewed = user_token(&base, "a", json!({"exp": now() - 5}));
    assert_eq!(
        get_with(&app, CHECKS, Some(&skewed)).await.0,
        StatusCode::OK
    );
    let early = user_token(&base, "a", json!({"nbf": now() + 600}));
    refused(&app, Some(&early), "not valid yet").await;
    let audience = user_token(&base, "a", json!({"aud": "other"}));
    refused(&app, Some(&audience), "audience").await;
    let issuer = user_token(
        &base,
        "a",
        json!({"iss": "https://elsewhere.example.com/api/auth"}),
    );
    refused(&app, Some(&issuer), "another Backstage").await;
    let no_subject = es256(
        "vnd.backstage.user",
        "key-a",
        "a",
        &json!({"iss": format!("{base}/api/auth"), "aud": "backstage", "exp": now() + 60}),
    );
    refused(&app, Some(&no_subject), "\"sub\"").await;
    // Key b's signature under key a's id.
    let mut claims = json!({"iss": format!("{base}/api/auth"), "sub": "user:default/x",
        "aud": "backstage", "iat": now(), "exp": now() + 60});
    let wrong_key = es256("vnd.backstage.user", "key-a", "b", &claims);
    refused(&app, Some(&wrong_key), "signature does not verify").await;
    let limited = es256("vnd.backstage.limited-user", "key-a", "a", &claims);
    refused(&app, Some(&limited), "neither").await;
    // A token that names no key.
    claims["kid"] = json!(null);
    let mut header = Header::new(Algorithm::ES256);
    header.typ = Some("vnd.backstage.user".to_string());
    let no_kid = encode(&header, &claims, &signing_key("a")).expect("sign");
    refused(&app, Some(&no_kid), "names no signing key").await;
}

#[tokio::test]
async fn none_and_hmac_tokens_are_refused() {
    let fake = Fake::default();
    fake.set_user_keys(Some(vec![jwk("a")]));
    let base = start_backstage(&fake).await;
    let (_dir, app) = app_with(backstage(&base, Duration::from_secs(30))).await;
    let claims = json!({"iss": format!("{base}/api/auth"), "sub": "user:default/x",
        "aud": "backstage", "iat": now(), "exp": now() + 60});
    // HS256 keyed with the public key's bytes, the classic confusion.
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("vnd.backstage.user".to_string());
    header.kid = Some("key-a".to_string());
    let public = jwk("a");
    let secret = format!(
        "{}{}",
        public["x"].as_str().unwrap_or(""),
        public["y"].as_str().unwrap_or("")
    );
    let hmac = encode(
        &header,
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign");
    refused(&app, Some(&hmac), "algorithm its key does not allow").await;
    // alg none, unsigned.
    let b64 = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "vnd.backstage.user", "kid": "key-a"})),
        b64(&claims)
    );
    refused(&app, Some(&none), "not a signed Backstage token").await;
}

#[tokio::test]
async fn an_unknown_key_is_fetched_again_once_the_cooldown_is_over() {
    let fake = Fake::default();
    fake.set_user_keys(Some(vec![jwk("a")]));
    let base = start_backstage(&fake).await;
    let (_dir, app) = app_with(backstage(&base, Duration::from_millis(300))).await;
    let with_a = user_token(&base, "a", json!({}));
    let with_b = user_token(&base, "b", json!({}));
    assert_eq!(
        get_with(&app, CHECKS, Some(&with_a)).await.0,
        StatusCode::OK
    );
    assert_eq!(fake.fetches(), 1);
    // Known keys are served from the cache.
    assert_eq!(
        get_with(&app, CHECKS, Some(&with_a)).await.0,
        StatusCode::OK
    );
    assert_eq!(fake.fetches(), 1);
    // Backstage rotates in key b; within the cooldown an unknown key fetches nothing.
    fake.set_user_keys(Some(vec![jwk("a"), jwk("b")]));
    refused(&app, Some(&with_b), "does not publish").await;
    refused(&app, Some(&with_b), "does not publish").await;
    assert_eq!(fake.fetches(), 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        get_with(&app, CHECKS, Some(&with_b)).await.0,
        StatusCode::OK
    );
    assert_eq!(fake.fetches(), 2);
    // Key a retired: tokens it signed are refused once the set is fetched again.
    fake.set_user_keys(Some(vec![jwk("b")]));
    tokio::time::sleep(Duration::from_millis(400)).await;
    // A key id no set holds makes the next request fetch.
    let unknown_kid = es256("vnd.backstage.user", "key-z", "a", &json!({}));
    refused(&app, Some(&unknown_kid), "does not publish").await;
    assert_eq!(fake.fetches(), 3);
    refused(&app, Some(&with_a), "does not publish").await;
}

#[tokio::test]
async fn backstage_down_is_a_503_never_a_401_nor_an_accept() {
    let fake = Fake::default();
    fake.set_user_keys(None);
    let base = start_backstage(&fake).await;
    let (_dir, app) = app_with(backstage(&base, Duration::from_millis(100))).await;
    let valid = user_token(&base, "a", json!({}));
    let (status, body) = get_with(&app, CHECKS, Some(&valid)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_error(&body, status, "ServiceUnavailableError", "GET", CHECKS);
    // Within the cooldown the failure is answered again without a fetch.
    assert_eq!(
        get_with(&app, CHECKS, Some(&valid)).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(fake.fetches(), 1);
    fake.set_user_keys(Some(vec![jwk("a")]));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(get_with(&app, CHECKS, Some(&valid)).await.0, StatusCode::OK);

    // Nothing listening at all.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let (_dir, app) = app_with(backstage(&closed, Duration::from_secs(30))).await;
    let token = user_token(&closed, "a", json!({}));
    let (status, body) = get_with(&app, CHECKS, Some(&token)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
}

#[tokio::test]
async fn plugin_tokens_are_verified_with_the_calling_plugins_keys() {
    let fake = Fake::default();
    fake.set_user_keys(Some(vec![jwk("a")]));
    fake.set_plugin_keys("catalog", vec![jwk("b")]);
    let base = start_backstage(&fake).await;
    let (_dir, app) = app_with(backstage(&base, Duration::from_secs(30))).await;
    let claims =
        |sub: &str, aud: &str| json!({"sub": sub, "aud": aud, "iat": now(), "exp": now() + 3600});
    let valid = es256(
        "vnd.backstage.plugin",
        "key-b",
        "b",
        &claims("catalog", "tech-insights"),
    );
    assert_eq!(get_with(&app, CHECKS, Some(&valid)).await.0, StatusCode::OK);
    let other_target = es256(
        "vnd.backstage.plugin",
        "key-b",
        "b",
        &claims("catalog", "scaffolder"),
    );
    refused(&app, Some(&other_target), "audience").await;
    // Signed with the auth backend's key, claiming to be the catalog.
    let forged = es256(
        "vnd.backstage.plugin",
        "key-b",
        "a",
        &claims("catalog", "tech-insights"),
    );
    refused(&app, Some(&forged), "signature does not verify").await;
    let unpublished = es256(
        "vnd.backstage.plugin",
        "key-b",
        "b",
        &claims("search", "tech-insights"),
    );
    refused(&app, Some(&unpublished), "publishes no keys").await;
    let traversal = es256(
        "vnd.backstage.plugin",
        "key-b",
        "b",
        &claims("../auth", "tech-insights"),
    );
    refused(&app, Some(&traversal), "not a plugin id").await;
    // Backstage's plugins look for this server's key set before sending plugin tokens.
    let (status, own) = get_with(&app, yardstick_server::OWN_JWKS_PATH, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own, json!({"keys": []}));
}

#[tokio::test]
async fn the_static_read_token_is_accepted_alone_or_beside_backstage() {
    let only_token = ReadAuth {
        backstage: None,
        token: SecretToken::new(READ_TOKEN),
    };
    let (_dir, app) = app_with(only_token).await;
    assert_eq!(
        get_with(&app, CHECKS, Some(READ_TOKEN)).await.0,
        StatusCode::OK
    );
    refused(&app, Some("read-token-012345678"), "not the read token").await;
    refused(&app, None, "Authorization: Bearer").await;

    let fake = Fake::default();
    fake.set_user_keys(Some(vec![jwk("a")]));
    let base = start_backstage(&fake).await;
    let mut both = backstage(&base, Duration::from_secs(30));
    both.token = SecretToken::new(READ_TOKEN);
    let (_dir, app) = app_with(both).await;
    assert_eq!(
        get_with(&app, CHECKS, Some(READ_TOKEN)).await.0,
        StatusCode::OK
    );
    let user = user_token(&base, "a", json!({}));
    assert_eq!(get_with(&app, CHECKS, Some(&user)).await.0, StatusCode::OK);
    refused(&app, Some("read-token-x"), "not a signed Backstage token").await;
    // Ingest keeps its own token.
    let request = Request::post(yardstick_server::RUNS_PATH)
        .header("authorization", "Bearer ingest-token")
        .body(Body::from("{}"))
        .expect("request");
    let (status, _, _) = respond(&app, request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn reads_are_open_by_default() {
    let (_dir, app) = app_with(ReadAuth::default()).await;
    assert_eq!(get_with(&app, CHECKS, None).await.0, StatusCode::OK);
}
