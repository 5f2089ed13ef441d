//! GitHub credentials from the environment.

use yardstick_github::Auth;

/// A token or GitHub App credentials from the environment; an error naming the variables to
/// set when there are none.
pub fn from_env() -> Result<Auth, String> {
    match Auth::from_env() {
        Ok(Some(auth)) => Ok(auth),
        Ok(None) => Err(
            "no GitHub credentials: set GITHUB_TOKEN (or GH_TOKEN), or YARDSTICK_APP_ID and \
             YARDSTICK_APP_PRIVATE_KEY (or YARDSTICK_APP_PRIVATE_KEY_PATH) for a GitHub App"
                .into(),
        ),
        Err(e) => Err(e.to_string()),
    }
}
