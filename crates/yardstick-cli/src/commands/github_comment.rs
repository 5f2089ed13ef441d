//! `yardstick github comment`: creates or updates the pull request's yardstick comment.

use std::path::Path;

use crate::exit_code::EXIT_OK;
use crate::github::{api_url, credentials, runtime};

/// Finds the comment by the Markdown report's hidden marker (added to the body when it
/// lacks one) and creates or updates it.
pub fn run(api: Option<&str>, repo: &str, pr: u64, body_file: &Path) -> Result<u8, String> {
    let (owner, name) = repo
        .split_once('/')
        .filter(|(o, n)| !o.is_empty() && !n.is_empty() && !n.contains('/'))
        .ok_or_else(|| format!("--repo must be OWNER/NAME, not {repo:?}"))?;
    let body = std::fs::read_to_string(body_file)
        .map_err(|e| format!("cannot read {}: {e}", body_file.display()))?;
    let marker = yardstick::report::markdown::MARKER;
    let body = if body.contains(marker) {
        body
    } else {
        format!("{marker}\n{body}")
    };
    let auth = credentials::from_env()?;
    let action = runtime::start()?
        .block_on(yardstick_github::upsert_pr_comment(
            &api_url(api),
            &auth,
            owner,
            name,
            pr,
            marker,
            &body,
        ))
        .map_err(|e| e.to_string())?;
    crate::stdio::eprint_line(&format!(
        "yardstick: {action:?} the comment on {owner}/{name}#{pr}"
    ));
    Ok(EXIT_OK)
}
