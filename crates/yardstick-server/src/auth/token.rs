//! Shared secrets (the ingest token, the static read token) and the bearer token of a
//! request. One comparison for both, in constant time.

use std::fmt;

use axum::http::{header, HeaderMap};
use subtle::ConstantTimeEq;

/// A shared secret given to the server: surrounding whitespace dropped (a token file ends
/// in a newline), compared in constant time, never shown by `Debug`.
///
/// ```
/// use yardstick_server::SecretToken;
///
/// let token = SecretToken::new("s3cret\n").unwrap();
/// assert!(token.accepts("s3cret"));
/// assert!(!token.accepts("s3cre"));
/// assert!(!format!("{token:?}").contains("s3cret"));
/// assert!(SecretToken::new(" \n").is_none());
/// ```
#[derive(Clone)]
pub struct SecretToken(String);

impl SecretToken {
    /// `text` trimmed; `None` when nothing is left.
    pub fn new(text: &str) -> Option<Self> {
        let text = text.trim();
        (!text.is_empty()).then(|| SecretToken(text.to_string()))
    }

    /// Whether `given` is the token, in time that does not depend on where they differ.
    pub fn accepts(&self, given: &str) -> bool {
        bool::from(self.0.as_bytes().ct_eq(given.as_bytes()))
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

/// The token of `Authorization: Bearer TOKEN` (the scheme in any case); `None` without one.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(header::AUTHORIZATION, value);
        }
        headers
    }

    #[test]
    fn the_bearer_token_is_read_in_any_case_and_nothing_else_is() {
        assert_eq!(bearer_token(&headers("Bearer abc")), Some("abc"));
        assert_eq!(bearer_token(&headers("bEaReR  abc ")), Some("abc"));
        assert_eq!(bearer_token(&headers("Basic abc")), None);
        assert_eq!(bearer_token(&headers("Bearer")), None);
        assert_eq!(bearer_token(&headers("Bearer  ")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
