//! Store addresses: `sqlite:PATH`, a plain path, or `postgres://…`.

use std::path::PathBuf;

use crate::StoreError;

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// An SQLite database file (created when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl Address {
    /// Parses `sqlite:PATH`, `sqlite://PATH`, `postgres://…`, `postgresql://…` or a plain
    /// path (an SQLite file).
    ///
    /// ```
    /// use yardstick_store::Address;
    /// use std::path::PathBuf;
    ///
    /// assert_eq!(Address::parse("history.db").unwrap(), Address::Sqlite(PathBuf::from("history.db")));
    /// assert_eq!(Address::parse("sqlite:/var/lib/y.db").unwrap(), Address::Sqlite(PathBuf::from("/var/lib/y.db")));
    /// assert!(matches!(Address::parse("postgres://u@db/yardstick").unwrap(), Address::Postgres(_)));
    /// assert!(Address::parse("mysql://db/x").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Address, StoreError> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Address::Postgres(text.to_string()));
        }
        let path = if let Some(rest) = text.strip_prefix("sqlite:") {
            rest.strip_prefix("//").unwrap_or(rest)
        } else if text.contains("://") {
            return Err(StoreError::Address(text.to_string()));
        } else {
            text
        };
        if path.is_empty() || path == ":memory:" {
            return Err(StoreError::Address(text.to_string()));
        }
        Ok(Address::Sqlite(PathBuf::from(path)))
    }

    /// The URL sqlx's `Any` driver connects to. An SQLite file is created when missing.
    pub(crate) fn url(&self) -> String {
        match self {
            Address::Postgres(url) => url.clone(),
            Address::Sqlite(path) => {
                format!("sqlite://{}?mode=rwc", encode_path(&path.to_string_lossy()))
            }
        }
    }
}

/// Percent-encodes what sqlx's SQLite URL parser would otherwise take as syntax.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_keep_url_syntax_characters() {
        let address = Address::parse("sqlite:/tmp/a?b#c%d.db").expect("address");
        assert_eq!(address.url(), "sqlite:///tmp/a%3Fb%23c%25d.db?mode=rwc");
    }

    #[test]
    fn empty_and_in_memory_addresses_are_refused() {
        for bad in ["", "sqlite:", "sqlite::memory:", "redis://x"] {
            assert!(Address::parse(bad).is_err(), "{bad}");
        }
    }
}
