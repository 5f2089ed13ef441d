//! What the CLI needs to drive `yardstick-github`: the API address, credentials, an async
//! runtime and a progress bar.

pub mod credentials;
pub mod progress;
pub mod runtime;

/// The REST API base: `--api-url`, then `GITHUB_API_URL`, then github.com's.
pub fn api_url(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| {
            std::env::var("GITHUB_API_URL")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .unwrap_or_else(|| "https://api.github.com".to_string())
        .trim_end_matches('/')
        .to_string()
}
