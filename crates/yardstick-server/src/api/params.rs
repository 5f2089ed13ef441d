//! The JSON API's query parameters: only the names a route takes, each at most once, with
//! values checked, so that a typo or a bad value is a 400 with a message, never ignored.

use chrono::{DateTime, NaiveDate, Utc};
use url::form_urlencoded;

use crate::ApiError;

/// The decoded parameters of one request.
#[derive(Debug)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Decodes `raw` (without the `?`); refuses names not in `known` and names given twice.
    pub fn parse(raw: Option<&str>, known: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for (at, (name, _)) in pairs.iter().enumerate() {
            if !known.contains(&name.as_str()) {
                let expected = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                return Err(ApiError::input(format!(
                    "unknown query parameter {name:?} (this route takes: {expected})"
                )));
            }
            if pairs.iter().skip(at + 1).any(|(other, _)| other == name) {
                return Err(ApiError::input(format!(
                    "the query parameter {name:?} is given twice"
                )));
            }
        }
        Ok(Params { pairs })
    }

    /// The trimmed text of `name`; `None` when absent or empty.
    pub fn text(&self, name: &str) -> Option<String> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_string())
            .filter(|value| !value.is_empty())
    }

    /// The integer `name`, between `min` and `max`; `default` when absent.
    pub fn integer(&self, name: &str, min: i64, max: i64, default: i64) -> Result<i64, ApiError> {
        self.optional_integer(name, min, max)
            .map(|value| value.unwrap_or(default))
    }

    /// The integer `name`, between `min` and `max`; `None` when absent.
    pub fn optional_integer(
        &self,
        name: &str,
        min: i64,
        max: i64,
    ) -> Result<Option<i64>, ApiError> {
        let Some(text) = self.text(name) else {
            return Ok(None);
        };
        match text.parse::<i64>() {
            Ok(value) if (min..=max).contains(&value) => Ok(Some(value)),
            _ => Err(ApiError::input(format!(
                "the query parameter {name}={text:?} must be an integer from {min} to {max}"
            ))),
        }
    }

    /// The boolean `name` (`true`/`1` or `false`/`0`); false when absent.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.text(name).as_deref() {
            None | Some("false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(other) => Err(ApiError::input(format!(
                "the query parameter {name}={other:?} must be true, false, 1 or 0"
            ))),
        }
    }

    /// The time `name`: RFC 3339, or a date (its midnight UTC); `None` when absent.
    pub fn time(&self, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        let Some(text) = self.text(name) else {
            return Ok(None);
        };
        if let Ok(at) = DateTime::parse_from_rfc3339(&text) {
            return Ok(Some(at.with_timezone(&Utc)));
        }
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .ok()
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|at| Some(at.and_utc()))
            .ok_or_else(|| {
                ApiError::input(format!(
                    "the query parameter {name}={text:?} must be an RFC 3339 time or a date \
                     (2026-01-31T00:00:00Z, 2026-01-31)"
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_names_are_refused() {
        assert!(Params::parse(Some("limit=1&limt=2"), &["limit"]).is_err());
        assert!(Params::parse(Some("limit=1&limit=2"), &["limit"]).is_err());
        assert!(Params::parse(Some("x"), &[]).is_err());
        assert!(Params::parse(None, &[]).is_ok());
    }

    #[test]
    fn values_are_checked() {
        let params = Params::parse(
            Some("limit=0&offset=%2B3&f=yes&g=1&since=2026-01-31&until=x"),
            &["limit", "offset", "f", "g", "since", "until"],
        )
        .expect("params");
        assert!(params.integer("limit", 1, 10, 5).is_err());
        assert_eq!(params.integer("offset", 0, 10, 0).ok(), Some(3));
        assert_eq!(params.integer("none", 0, 10, 7).ok(), Some(7));
        assert!(params.flag("f").is_err());
        assert_eq!(params.flag("g").ok(), Some(true));
        assert_eq!(
            params.time("since").ok().flatten().map(|t| t.to_rfc3339()),
            Some("2026-01-31T00:00:00+00:00".into())
        );
        assert!(params.time("until").is_err());
        assert!(Params::parse(Some("n=99999999999999999999"), &["n"])
            .expect("params")
            .integer("n", 0, i64::MAX, 0)
            .is_err());
    }
}
