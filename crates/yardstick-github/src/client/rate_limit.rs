//! Rate limits: whether an answer is one, and how long it asks to wait.

use std::time::Duration;

use http::header::HeaderMap;

use super::headers::{header_text, now_millis};
use super::ApiResponse;
use crate::dates::parse_http_date;

/// Consecutive rate-limit waits accepted for one request before giving up.
pub(super) const MAX_RATE_LIMIT_WAITS: u32 = 10;

/// A rate-limit wait: the time GitHub named, or one we chose because it named none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RateLimitWait {
    Told(Duration),
    Guessed(Duration),
}

/// A wait that grows with the number of waits so far (`nth`, 1-based): `floor` × 2^(nth-1),
/// at most `cap` (but never under `floor`).
fn doubling_wait(floor: Duration, nth: u32, cap: Duration) -> Duration {
    let factor = 1u32 << nth.saturating_sub(1).min(20);
    floor.saturating_mul(factor).min(cap.max(floor))
}

/// Time until `x-ratelimit-reset` (epoch seconds), plus a little slack. When the reset is in
/// the past by our clock, our clock may be ahead of GitHub's: the wait is measured against the
/// answer's `Date` instead, and when that does not help either it is at least 1 s, doubling
/// per wait (up to 60 s), so ten waits cover several minutes of skew.
fn until_reset(headers: &HeaderMap, nth: u32) -> Option<Duration> {
    let reset: u64 = header_text(headers, "x-ratelimit-reset")?.parse().ok()?;
    let reset_ms = u128::from(reset) * 1_000;
    let now = now_millis();
    let ms = |wait: u128| Duration::from_millis(u64::try_from(wait).unwrap_or(u64::MAX));
    if reset_ms > now {
        return Some(ms(reset_ms - now + 250));
    }
    let skew_floor = doubling_wait(Duration::from_secs(1), nth, Duration::from_secs(60));
    let server_now = header_text(headers, "date")
        .and_then(parse_http_date)
        .map(|secs| u128::from(secs) * 1_000);
    match server_now {
        Some(server_now) if reset_ms > server_now => {
            Some(ms(reset_ms - server_now + 250).max(Duration::from_secs(1)))
        }
        _ => Some(skew_floor),
    }
}

/// `retry-after`: delay-seconds, or an HTTP-date (measured against the answer's `Date` when
/// there is one, else our clock).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_text(headers, "retry-after")?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_http_date(value)?;
    let now = header_text(headers, "date")
        .and_then(parse_http_date)
        .unwrap_or_else(|| u64::try_from(now_millis() / 1_000).unwrap_or(0));
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// Whether an answer is a rate limit, and how long to wait before number `nth` (1-based) of
/// the waits for one request:
/// - `retry-after` (seconds or HTTP-date) on a 403/429: that long;
/// - `x-ratelimit-remaining: 0` on a 403/429: until `x-ratelimit-reset` (see [`until_reset`]);
/// - a `429`, or a `403` whose message mentions a rate limit, with neither header (GitHub's
///   secondary limits often carry none): `floor` (60 s by default), doubling per wait.
pub(crate) fn rate_limit_wait(
    answer: &ApiResponse,
    nth: u32,
    floor: Duration,
) -> Option<RateLimitWait> {
    if !matches!(answer.status, 403 | 429) {
        return None;
    }
    rate_limit_headers_wait(&answer.headers, nth).or_else(|| {
        let limited =
            answer.status == 429 || answer.message().to_lowercase().contains("rate limit");
        limited.then(|| RateLimitWait::Guessed(doubling_wait(floor, nth, Duration::MAX)))
    })
}

fn rate_limit_headers_wait(headers: &HeaderMap, nth: u32) -> Option<RateLimitWait> {
    if header_text(headers, "retry-after").is_some() {
        return Some(match retry_after(headers) {
            Some(wait) => RateLimitWait::Told(wait),
            None => RateLimitWait::Guessed(doubling_wait(
                Duration::from_secs(1),
                nth,
                Duration::from_secs(60),
            )),
        });
    }
    if header_text(headers, "x-ratelimit-remaining") == Some("0") {
        return Some(match until_reset(headers, nth) {
            Some(wait) => RateLimitWait::Told(wait),
            None => {
                RateLimitWait::Guessed(doubling_wait(Duration::from_secs(60), nth, Duration::MAX))
            }
        });
    }
    None
}

/// The wait a GraphQL `RATE_LIMITED` (or secondary rate limit) answer asks for.
pub(crate) fn graphql_rate_limit_wait(
    headers: &HeaderMap,
    nth: u32,
    floor: Duration,
) -> RateLimitWait {
    rate_limit_headers_wait(headers, nth)
        .or_else(|| until_reset(headers, nth).map(RateLimitWait::Told))
        .unwrap_or_else(|| RateLimitWait::Guessed(doubling_wait(floor, nth, Duration::MAX)))
}

#[cfg(test)]
mod tests {
    use http::header::HeaderValue;

    use super::*;

    fn answer(status: u16, headers: &[(&'static str, String)], body: &str) -> ApiResponse {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        ApiResponse {
            status,
            headers: map,
            body: body.to_string(),
        }
    }

    #[test]
    fn rate_limit_headers() {
        let floor = Duration::from_secs(60);
        assert_eq!(rate_limit_wait(&answer(403, &[], "{}"), 1, floor), None);
        let a = answer(403, &[("retry-after", "3".into())], "{}");
        assert_eq!(
            rate_limit_wait(&a, 1, floor),
            Some(RateLimitWait::Told(Duration::from_secs(3)))
        );
        // A reset in the past by our clock and no Date: at least 1 s, doubling per wait.
        let a = answer(
            403,
            &[
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", "0".into()),
            ],
            "{}",
        );
        let waits: Vec<Duration> = (1..=MAX_RATE_LIMIT_WAITS)
            .map(|n| match rate_limit_wait(&a, n, floor) {
                Some(RateLimitWait::Told(d) | RateLimitWait::Guessed(d)) => d,
                None => Duration::ZERO,
            })
            .collect();
        assert_eq!(waits[0], Duration::from_secs(1));
        assert!(waits.windows(2).all(|w| w[1] >= w[0]));
        assert!(waits.iter().sum::<Duration>() >= Duration::from_secs(60));
    }

    #[test]
    fn a_reset_in_the_past_is_measured_against_the_date_header() {
        let server_now = u64::try_from(now_millis() / 1_000).unwrap_or(0) - 100;
        let a = answer(
            403,
            &[
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", (server_now + 5).to_string()),
                ("date", github_date(server_now)),
            ],
            "{}",
        );
        let Some(RateLimitWait::Told(wait)) = rate_limit_wait(&a, 1, Duration::from_secs(60))
        else {
            panic!("not a told wait");
        };
        assert!(
            wait >= Duration::from_secs(5) && wait < Duration::from_secs(6),
            "{wait:?}"
        );
    }

    fn github_date(secs: u64) -> String {
        let at = i64::try_from(secs)
            .ok()
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .expect("a date chrono can hold");
        at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
    }

    #[test]
    fn secondary_limits_without_headers_wait_the_growing_floor() {
        let floor = Duration::from_secs(60);
        let bare_429 = answer(429, &[], r#"{"message":"Too many requests"}"#);
        let secondary = answer(
            403,
            &[],
            r#"{"message":"You have exceeded a secondary rate limit."}"#,
        );
        for a in [&bare_429, &secondary] {
            assert_eq!(
                rate_limit_wait(a, 1, floor),
                Some(RateLimitWait::Guessed(floor))
            );
            assert_eq!(
                rate_limit_wait(a, 2, floor),
                Some(RateLimitWait::Guessed(floor * 2))
            );
        }
        let forbidden = answer(403, &[], r#"{"message":"Resource not accessible"}"#);
        assert_eq!(rate_limit_wait(&forbidden, 1, floor), None);
    }

    #[test]
    fn retry_after_may_be_an_http_date() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        let a = answer(
            429,
            &[
                ("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT".into()),
                ("date", "Sun, 06 Nov 1994 08:49:37 GMT".into()),
            ],
            "{}",
        );
        assert_eq!(
            rate_limit_wait(&a, 1, Duration::from_secs(60)),
            Some(RateLimitWait::Told(Duration::from_secs(30)))
        );
    }
}
