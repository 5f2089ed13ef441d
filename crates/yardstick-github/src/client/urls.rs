//! The configured API URLs: parsing them, deriving the GraphQL endpoint, and deciding which
//! URLs may receive credentials.

use http::Method;

use super::Client;
use crate::ScanError;

pub(super) fn origin_of(url: &url::Url) -> String {
    let mut origin = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        origin.push_str(&format!(":{port}"));
    }
    origin
}

/// Scheme, host and path of a URL: never its credentials, query or fragment.
pub(crate) fn safe_url(url: &url::Url) -> String {
    format!("{}{}", origin_of(url), url.path())
}

/// Parses an API URL given in the options: http(s), a host, no credentials. Messages never
/// echo more than scheme, host and path.
pub(super) fn parse_api_url(text: &str, what: &str) -> Result<url::Url, ScanError> {
    let mut url = url::Url::parse(text.trim())
        .map_err(|e| ScanError::InvalidOptions(format!("{what} is not a valid URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ScanError::InvalidOptions(format!(
            "{what} must not contain credentials (a user name or password); pass a token instead"
        )));
    }
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ScanError::InvalidOptions(format!(
            "{what} {} is not an http(s) URL",
            safe_url(&url)
        )));
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

/// A URL's text without a trailing slash.
pub(super) fn url_text(url: &url::Url) -> String {
    url.as_str().trim_end_matches('/').to_string()
}

/// The GraphQL endpoint for a REST base.
pub(super) fn derive_graphql_url(api_url: &str) -> String {
    let base = api_url.trim_end_matches('/');
    if let Ok(url) = url::Url::parse(base) {
        if url.host_str() == Some("api.github.com") {
            return format!("{}/graphql", origin_of(&url));
        }
    }
    match base.strip_suffix("/api/v3") {
        Some(host) => format!("{host}/api/graphql"),
        None => format!("{base}/graphql"),
    }
}
impl Client {
    /// `url` without scheme, host, credentials and query, for messages.
    pub fn describe(&self, method: &Method, url: &str) -> String {
        match url::Url::parse(url) {
            Ok(parsed) => format!("{method} {}", parsed.path()),
            Err(_) => format!("{method} (not a URL)"),
        }
    }

    /// Whether credentials may go to `url`: the API's origin (parsed: case-insensitive host,
    /// default ports) and a path under the REST base, or the GraphQL endpoint itself.
    pub(crate) fn allowed(&self, url: &url::Url) -> bool {
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let under_api = url.origin() == self.api.origin() && {
            let base = self.api.path().trim_end_matches('/');
            url.path()
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('/') && rest.len() > 1)
        };
        let graphql = url.origin() == self.graphql.origin()
            && url.path().trim_end_matches('/') == self.graphql.path().trim_end_matches('/')
            && self.graphql.origin() == self.api.origin();
        under_api || graphql
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_url_is_derived_from_the_rest_base() {
        assert_eq!(
            derive_graphql_url("https://api.github.com"),
            "https://api.github.com/graphql"
        );
        assert_eq!(
            derive_graphql_url("https://ghe.example/api/v3/"),
            "https://ghe.example/api/graphql"
        );
        assert_eq!(
            derive_graphql_url("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/graphql"
        );
    }
}
