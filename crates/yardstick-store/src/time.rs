//! Times as the store keeps them: RFC 3339 UTC text with whole seconds, which sorts in time
//! order as text on both backends.

use chrono::{DateTime, SecondsFormat, Utc};

/// `at` as stored.
pub(crate) fn text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Now, as stored.
pub(crate) fn now_text() -> String {
    text(Utc::now())
}

/// A stored time read back.
pub(crate) fn parse(text: &str) -> Result<DateTime<Utc>, crate::StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| crate::StoreError::Corrupt(format!("time {text:?}: {e}")))
}
