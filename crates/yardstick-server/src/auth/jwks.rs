//! One published key set, cached: fetched on first use, again when it is older than its
//! maximum age or a token names a key it lacks, but never twice within the cooldown.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::Uri;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use tokio::sync::Mutex;

use super::fetch::{Fetched, JwksClient};

/// How often key sets are fetched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    /// Keys older than this are fetched again before use.
    pub max_age: Duration,
    /// The shortest time between two fetches of one key set.
    pub cooldown: Duration,
    /// The longest a fetch may take.
    pub fetch_timeout: Duration,
}

/// A verification key and the algorithms it may be used with (never HMAC).
pub(crate) struct Key {
    pub decoding: DecodingKey,
    pub algorithms: Vec<Algorithm>,
}

/// What a key set says about a key id.
pub(crate) enum Lookup {
    Found(Arc<Key>),
    /// The set (fetched within the cooldown) has no such key.
    Unknown,
    /// Nothing is published at the set's address (404).
    NotPublished,
}

/// The key set published at one address.
pub(crate) struct KeySet {
    uri: Uri,
    client: JwksClient,
    timing: Timing,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    keys: HashMap<String, Arc<Key>>,
    /// When the last fetch started, and what it found.
    last: Option<(Instant, Outcome)>,
}

#[derive(Clone)]
enum Outcome {
    Keys,
    NotPublished,
    Fault(String),
}

impl KeySet {
    pub(crate) fn new(uri: Uri, client: JwksClient, timing: Timing) -> Self {
        KeySet {
            uri,
            client,
            timing,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The key `kid`; an error (a fault, for a 503) when the set cannot be fetched.
    pub(crate) async fn key(&self, kid: &str) -> Result<Lookup, String> {
        // One fetch at a time: the others wait for it, then read what it found.
        let mut cache = self.cache.lock().await;
        let now = Instant::now();
        let age = cache.last.as_ref().map(|(at, _)| now.duration_since(*at));
        let fresh = matches!(cache.last, Some((_, Outcome::Keys)))
            && age.is_some_and(|age| age < self.timing.max_age);
        if fresh {
            if let Some(key) = cache.keys.get(kid) {
                return Ok(Lookup::Found(Arc::clone(key)));
            }
        }
        let may_fetch = age.is_none_or(|age| age >= self.timing.cooldown);
        if may_fetch {
            let outcome = match self
                .client
                .fetch(&self.uri, self.timing.fetch_timeout)
                .await
            {
                Ok(Fetched::Keys(keys)) => {
                    cache.keys = usable_keys(keys);
                    Outcome::Keys
                }
                Ok(Fetched::NotFound) => {
                    cache.keys.clear();
                    Outcome::NotPublished
                }
                Err(fault) => Outcome::Fault(fault),
            };
            cache.last = Some((now, outcome));
        }
        match cache.last.as_ref().map(|(_, outcome)| outcome) {
            Some(Outcome::Keys) => Ok(cache
                .keys
                .get(kid)
                .map_or(Lookup::Unknown, |key| Lookup::Found(Arc::clone(key)))),
            Some(Outcome::NotPublished) => Ok(Lookup::NotPublished),
            Some(Outcome::Fault(fault)) => {
                Err(format!("cannot fetch the Backstage signing keys: {fault}"))
            }
            None => Err("the Backstage signing keys were never fetched".to_string()),
        }
    }

    /// Whether the last fetch failed or found nothing, and the cooldown is over: such a
    /// set may be dropped to make room.
    pub(crate) fn is_failed(&self) -> bool {
        self.cache.try_lock().is_ok_and(|cache| {
            cache.last.as_ref().is_some_and(|(at, outcome)| {
                !matches!(outcome, Outcome::Keys) && at.elapsed() >= self.timing.cooldown
            })
        })
    }
}

/// The signing keys of `keys` by id: keys without an id, for encryption, symmetric, or
/// on curves this crate does not verify, are dropped.
fn usable_keys(keys: Vec<Jwk>) -> HashMap<String, Arc<Key>> {
    keys.into_iter()
        .filter_map(|jwk| {
            let kid = jwk.common.key_id.clone()?;
            if matches!(jwk.common.public_key_use, Some(ref u) if *u != PublicKeyUse::Signature) {
                return None;
            }
            let algorithms = algorithms(&jwk)?;
            let decoding = DecodingKey::from_jwk(&jwk).ok()?;
            Some((
                kid,
                Arc::new(Key {
                    decoding,
                    algorithms,
                }),
            ))
        })
        .collect()
}

/// The algorithms a key verifies: the one it declares, if it suits the key, else those of
/// its type and curve. `None` for a symmetric key (no HMAC confusion) or an unknown curve.
fn algorithms(jwk: &Jwk) -> Option<Vec<Algorithm>> {
    let by_type: Vec<Algorithm> = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            EllipticCurve::P521 | EllipticCurve::Ed25519 => return None,
        },
        AlgorithmParameters::RSA(_) => AlgorithmFamily::Rsa.algorithms().to_vec(),
        AlgorithmParameters::OctetKeyPair(okp) if okp.curve == EllipticCurve::Ed25519 => {
            vec![Algorithm::EdDSA]
        }
        AlgorithmParameters::OctetKeyPair(_) | AlgorithmParameters::OctetKey(_) => return None,
    };
    match jwk.common.key_algorithm {
        None => Some(by_type),
        Some(declared) => {
            let declared: Algorithm = declared.to_string().parse().ok()?;
            by_type.contains(&declared).then(|| vec![declared])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwk(json: &str) -> Jwk {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    const X: &str = "10vW9DuyUMd1_z7BHx9W_x7r8-JtBun6i9m5-6ln-xo";
    const Y: &str = "M-e0LYgZ1vtWPVUzQEsmjk9ZLD3JROhEc3WU9qhroyo";

    #[test]
    fn a_key_verifies_only_the_algorithms_of_its_type() {
        let ec = jwk(&format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}"}}"#
        ));
        assert_eq!(algorithms(&ec), Some(vec![Algorithm::ES256]));
        let declared = jwk(&format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}","alg":"ES256"}}"#
        ));
        assert_eq!(algorithms(&declared), Some(vec![Algorithm::ES256]));
        // A key declaring an algorithm of another type verifies nothing.
        let mismatched = jwk(&format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}","alg":"HS256"}}"#
        ));
        assert_eq!(algorithms(&mismatched), None);
        let symmetric = jwk(r#"{"kty":"oct","k":"c2VjcmV0"}"#);
        assert_eq!(algorithms(&symmetric), None);
    }

    #[test]
    fn keys_without_an_id_or_for_encryption_are_dropped() {
        let keys = vec![
            jwk(&format!(
                r#"{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}","kid":"a"}}"#
            )),
            jwk(&format!(
                r#"{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}"}}"#
            )),
            jwk(&format!(
                r#"{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}","kid":"e","use":"enc"}}"#
            )),
            jwk(r#"{"kty":"oct","k":"c2VjcmV0","kid":"h"}"#),
        ];
        let usable = usable_keys(keys);
        assert_eq!(usable.keys().collect::<Vec<_>>(), ["a"]);
    }
}
