//! Sending a request: retries with capped exponential backoff for 5xx answers, timeouts and
//! connection errors, and waits for rate limits.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};
use http::Method;
use serde_json::Value;

use super::credentials::describe_octocrab;
use super::rate_limit::{rate_limit_wait, RateLimitWait, MAX_RATE_LIMIT_WAITS};
use super::{ApiResponse, Client, RequestKind};
use crate::ScanError;

/// The longest single retry backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

impl Client {
    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        headers: &[(HeaderName, String)],
        body: Option<&Value>,
        auth: HeaderValue,
    ) -> Result<ApiResponse, String> {
        let mut builder = http::Request::builder()
            .method(method.clone())
            .uri(url)
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28");
        for (name, value) in headers {
            builder = builder.header(name, value.as_str());
        }
        let request = self
            .http
            .build_request(builder, body)
            .map_err(|e| describe_octocrab(&e))?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| describe_octocrab(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = self
            .http
            .body_to_string(response)
            .await
            .map_err(|e| describe_octocrab(&e))?;
        Ok(ApiResponse {
            status,
            headers,
            body,
        })
    }

    /// Sends a request: waits out rate limits (see [`rate_limit_wait`]), retries 5xx answers,
    /// timeouts and connection errors with capped exponential backoff. Any other answer, error
    /// statuses included, is returned.
    pub async fn request(
        &self,
        kind: RequestKind,
        method: Method,
        url: &str,
        headers: &[(HeaderName, String)],
        body: Option<&Value>,
    ) -> Result<ApiResponse, ScanError> {
        self.request_with(kind, method, url, headers, body, self.policy.max_retries)
            .await
    }

    /// [`request`](Self::request) with its own number of retries; `0` for a request that must
    /// not be sent twice blindly (a 5xx is returned, a timeout is an error). Rate-limit waits
    /// still apply: a rate-limited request was not carried out.
    pub async fn request_with(
        &self,
        kind: RequestKind,
        method: Method,
        url: &str,
        headers: &[(HeaderName, String)],
        body: Option<&Value>,
        max_retries: u32,
    ) -> Result<ApiResponse, ScanError> {
        let parsed = match url::Url::parse(url) {
            Ok(parsed) if self.allowed(&parsed) => parsed,
            _ => {
                return Err(ScanError::Decode {
                    what: self.describe(&method, url),
                    message: "refusing to send credentials to another host".into(),
                })
            }
        };
        let url = parsed.as_str();
        let mut retries = 0u32;
        let mut waits = 0u32;
        loop {
            let auth = match self.authorization().await {
                Ok(auth) => auth,
                Err((_, true)) if retries < max_retries => {
                    retries += 1;
                    self.backoff(retries).await;
                    continue;
                }
                Err((error, _)) => return Err(error),
            };
            self.count(|s| match kind {
                RequestKind::Rest => s.rest += 1,
                RequestKind::Graphql => s.graphql += 1,
            });
            let outcome = tokio::time::timeout(
                self.policy.timeout,
                self.send_once(&method, url, headers, body, auth),
            )
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {:?}", self.policy.timeout)));
            let answer = match outcome {
                Ok(answer) => answer,
                Err(message) => {
                    if retries < max_retries {
                        retries += 1;
                        self.backoff(retries).await;
                        continue;
                    }
                    return Err(ScanError::Network {
                        url: self.describe(&method, url),
                        message: self.redact(&message),
                    });
                }
            };
            if let Some(wait) = rate_limit_wait(&answer, waits + 1, self.policy.secondary_floor) {
                waits += 1;
                self.wait_rate_limit(wait, waits).await?;
                continue;
            }
            if answer.status == 304 {
                self.count(|s| s.not_modified += 1);
            }
            if answer.status >= 500 && retries < max_retries {
                retries += 1;
                self.backoff(retries).await;
                continue;
            }
            return Ok(answer);
        }
    }

    /// Sleeps before retry number `retry` (1-based): see [`backoff_delay`].
    pub async fn backoff(&self, retry: u32) {
        self.count(|s| s.retries += 1);
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::from(d.subsec_nanos()))
            .unwrap_or(0);
        tokio::time::sleep(backoff_delay(self.policy.backoff, retry, seed)).await;
    }

    /// Sleeps out a rate limit, unless GitHub asks for longer than `max_wait` or it keeps
    /// coming back. A wait we chose ourselves (no time named by GitHub) is cut to `max_wait`.
    pub async fn wait_rate_limit(&self, wait: RateLimitWait, waits: u32) -> Result<(), ScanError> {
        let wait = match wait {
            RateLimitWait::Told(wait) if wait > self.policy.max_wait => {
                return Err(ScanError::RateLimited(format!(
                    "GitHub asks to wait {} s, more than the {} s allowed",
                    wait.as_secs(),
                    self.policy.max_wait.as_secs()
                )))
            }
            RateLimitWait::Told(wait) => wait,
            RateLimitWait::Guessed(wait) => wait.min(self.policy.max_wait),
        };
        if waits > MAX_RATE_LIMIT_WAITS {
            return Err(ScanError::RateLimited(format!(
                "still rate limited after {MAX_RATE_LIMIT_WAITS} waits"
            )));
        }
        self.count(|s| s.rate_limit_waits += 1);
        tokio::time::sleep(wait).await;
        Ok(())
    }
}

/// Backoff before retry number `retry` (1-based): `base` × 2^(retry-1), at most 60 s, less a
/// jitter of 0-10 % taken from `seed`.
pub(crate) fn backoff_delay(base: Duration, retry: u32, seed: u64) -> Duration {
    let factor = 1u32 << retry.saturating_sub(1).min(20);
    let delay = base.saturating_mul(factor).min(MAX_BACKOFF);
    let jitter = delay.mul_f64((seed % 11) as f64 / 100.0);
    delay.saturating_sub(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_at_a_minute_with_jitter() {
        let base = Duration::from_secs(1);
        assert_eq!(backoff_delay(base, 1, 0), base);
        assert_eq!(backoff_delay(base, 3, 0), Duration::from_secs(4));
        for retry in [7, 10, 17, 40, u32::MAX] {
            for seed in 0..20 {
                let d = backoff_delay(base, retry, seed);
                assert!(d <= Duration::from_secs(60), "{retry}: {d:?}");
                assert!(d >= Duration::from_secs(54), "{retry}: {d:?}");
            }
        }
        assert!(backoff_delay(base, 10, 5) < backoff_delay(base, 10, 0));
    }
}
