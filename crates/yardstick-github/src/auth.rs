//! Credentials.

use std::fmt;

use crate::ScanError;

/// A credential (token or private key). `Debug` and `Display` print `***`; only
/// [`Secret::expose_secret`] gives the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential's text. Do not print it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How to authenticate to GitHub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// A personal access token, `GITHUB_TOKEN` of Actions, or an installation token.
    Token(Secret),
    /// A GitHub App: a JWT signed with the private key buys installation tokens, refreshed
    /// before they expire.
    App {
        /// The App's id.
        app_id: u64,
        /// The App's private key, PEM text (PKCS#1 or PKCS#8).
        private_key_pem: Secret,
        /// The installation; `None` looks up the organisation's installation.
        installation_id: Option<u64>,
    },
}

impl Auth {
    /// Credentials from the environment: `GITHUB_TOKEN`, then `GH_TOKEN`; else
    /// `YARDSTICK_APP_ID` with `YARDSTICK_APP_PRIVATE_KEY` (PEM text) or
    /// `YARDSTICK_APP_PRIVATE_KEY_PATH`, and optional `YARDSTICK_APP_INSTALLATION_ID`.
    /// `Ok(None)` when none is set; empty variables count as unset.
    pub fn from_env() -> Result<Option<Auth>, ScanError> {
        Auth::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Auth::from_env`] with another source of variables (for tests and config layers).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Auth>, ScanError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(token) = get("GITHUB_TOKEN").or_else(|| get("GH_TOKEN")) {
            return Ok(Some(Auth::Token(Secret(token.trim().to_string()))));
        }
        let Some(app_id) = get("YARDSTICK_APP_ID") else {
            if get("YARDSTICK_APP_PRIVATE_KEY").is_some()
                || get("YARDSTICK_APP_PRIVATE_KEY_PATH").is_some()
            {
                return Err(ScanError::Auth(
                    "YARDSTICK_APP_PRIVATE_KEY is set but YARDSTICK_APP_ID is not".into(),
                ));
            }
            return Ok(None);
        };
        // The values are not echoed: a key pasted into the wrong variable must not be printed.
        let app_id = app_id
            .trim()
            .parse::<u64>()
            .map_err(|_| ScanError::Auth("YARDSTICK_APP_ID must be a number".into()))?;
        let private_key_pem = match (
            get("YARDSTICK_APP_PRIVATE_KEY"),
            get("YARDSTICK_APP_PRIVATE_KEY_PATH"),
        ) {
            (Some(pem), _) => pem,
            (None, Some(path)) => std::fs::read_to_string(&path).map_err(|e| {
                ScanError::Auth(format!(
                    "cannot read YARDSTICK_APP_PRIVATE_KEY_PATH {path}: {e}"
                ))
            })?,
            (None, None) => {
                return Err(ScanError::Auth(
                    "YARDSTICK_APP_ID is set but neither YARDSTICK_APP_PRIVATE_KEY nor \
                     YARDSTICK_APP_PRIVATE_KEY_PATH is"
                        .into(),
                ))
            }
        };
        let installation_id = match get("YARDSTICK_APP_INSTALLATION_ID") {
            None => None,
            Some(id) => Some(id.trim().parse::<u64>().map_err(|_| {
                ScanError::Auth("YARDSTICK_APP_INSTALLATION_ID must be a number".into())
            })?),
        };
        Ok(Some(Auth::App {
            app_id,
            private_key_pem: Secret(private_key_pem),
            installation_id,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> Result<Option<Auth>, ScanError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Auth::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn github_token_wins_over_gh_token_and_app() {
        let auth = env(&[
            ("GITHUB_TOKEN", "a"),
            ("GH_TOKEN", "b"),
            ("YARDSTICK_APP_ID", "1"),
        ]);
        assert_eq!(auth.ok().flatten(), Some(Auth::Token(Secret::new("a"))));
        let auth = env(&[("GITHUB_TOKEN", ""), ("GH_TOKEN", "b")]);
        assert_eq!(auth.ok().flatten(), Some(Auth::Token(Secret::new("b"))));
    }

    #[test]
    fn app_from_env_with_optional_installation() {
        let auth = env(&[
            ("YARDSTICK_APP_ID", "42"),
            ("YARDSTICK_APP_PRIVATE_KEY", "PEM"),
            ("YARDSTICK_APP_INSTALLATION_ID", "7"),
        ]);
        assert_eq!(
            auth.ok().flatten(),
            Some(Auth::App {
                app_id: 42,
                private_key_pem: Secret::new("PEM"),
                installation_id: Some(7)
            })
        );
    }

    #[test]
    fn nothing_set_is_none_and_half_an_app_is_an_error() {
        assert!(matches!(env(&[]), Ok(None)));
        assert!(env(&[("YARDSTICK_APP_ID", "42")]).is_err());
        assert!(env(&[
            ("YARDSTICK_APP_ID", "x"),
            ("YARDSTICK_APP_PRIVATE_KEY", "k")
        ])
        .is_err());
        assert!(env(&[("YARDSTICK_APP_PRIVATE_KEY", "k")]).is_err());
    }

    #[test]
    fn bad_app_ids_are_not_echoed() {
        for var in ["YARDSTICK_APP_ID", "YARDSTICK_APP_INSTALLATION_ID"] {
            let mut pairs = vec![
                ("YARDSTICK_APP_ID", "42"),
                ("YARDSTICK_APP_PRIVATE_KEY", "PEM"),
            ];
            pairs.retain(|(k, _)| *k != var);
            pairs.push((var, "ghp_PASTEDsecret123"));
            let err = env(&pairs).err().map(|e| format!("{e} {e:?}"));
            let err = err.unwrap_or_default();
            assert!(err.contains(var), "{err}");
            assert!(!err.contains("PASTED"), "{err}");
        }
    }

    #[test]
    fn app_key_can_come_from_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("key.pem");
        std::fs::write(&path, "PEM FROM FILE").expect("write");
        let path = path.to_string_lossy().into_owned();
        let auth = env(&[
            ("YARDSTICK_APP_ID", "42"),
            ("YARDSTICK_APP_PRIVATE_KEY_PATH", &path),
        ]);
        assert_eq!(
            auth.ok().flatten(),
            Some(Auth::App {
                app_id: 42,
                private_key_pem: Secret::new("PEM FROM FILE"),
                installation_id: None
            })
        );
        let missing = env(&[
            ("YARDSTICK_APP_ID", "42"),
            ("YARDSTICK_APP_PRIVATE_KEY_PATH", "/nonexistent/key.pem"),
        ]);
        assert!(matches!(missing, Err(ScanError::Auth(_))));
    }

    #[test]
    fn secrets_print_as_stars() {
        let auth = Auth::Token(Secret::new("ghp_verysecret"));
        assert_eq!(format!("{auth:?}"), "Token(***)");
        assert_eq!(Secret::new("x").to_string(), "***");
    }
}
