//! Versioned migrations, embedded in the binary and applied when a store is opened.
//!
//! Hand-rolled rather than `sqlx::migrate!`: that needs sqlx's proc-macro crates, and its
//! migrator takes its own locks. Here a migration runs inside the store's write transaction
//! (`BEGIN IMMEDIATE` on SQLite, an advisory lock on PostgreSQL), so two processes opening a
//! new store at once apply it exactly once.

use sqlx::AnyConnection;

use crate::{Backend, StoreError};

/// Every migration, in order: version and statements. Never edit one that has shipped;
/// add the next.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/0001_intervals.sql")),
    (2, include_str!("migrations/0002_interned.sql")),
    (3, include_str!("migrations/0003_append_only.sql")),
];

/// The one type the backends spell differently: a key that is SQLite's row id.
fn key_type(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY",
        Backend::Postgres => "BIGINT PRIMARY KEY",
    }
}

/// What `WITHOUT_ROWID` after a table with a composite primary key becomes: SQLite stores
/// the table in its key's B-tree; PostgreSQL has no such option (and no row id to drop).
fn without_rowid(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "WITHOUT ROWID",
        Backend::Postgres => "",
    }
}

/// The newest schema version this build knows.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// True when the store's schema is this build's, read without any lock. A store without
/// the schema table (new, or not a yardstick store) is not current; a newer one is an error.
pub(crate) async fn is_current(pool: &sqlx::AnyPool) -> Result<bool, StoreError> {
    let version: Result<Option<i64>, sqlx::Error> =
        sqlx::query_scalar("SELECT MAX(version) FROM yardstick_schema")
            .fetch_one(pool)
            .await;
    match version {
        Ok(Some(found)) if found > latest_version() => Err(StoreError::SchemaTooNew {
            found,
            known: latest_version(),
        }),
        Ok(found) => Ok(found == Some(latest_version())),
        // No such table yet: the migration creates it.
        Err(sqlx::Error::Database(_)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Brings the schema up to date. Runs inside a write transaction.
pub(crate) async fn migrate(conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS yardstick_schema (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM yardstick_schema")
        .fetch_one(&mut *conn)
        .await?;
    let current = current.unwrap_or(0);
    if current > latest_version() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: latest_version(),
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        for statement in statements(sql) {
            let statement = statement
                .replace("ROWID_KEY", key_type(backend))
                .replace("WITHOUT_ROWID", without_rowid(backend));
            sqlx::query(&statement).execute(&mut *conn).await?;
        }
        sqlx::query("INSERT INTO yardstick_schema (version, applied_at) VALUES ($1, $2)")
            .bind(*version)
            .bind(crate::time::now_text())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The statements of a migration: split at `;`, without `--` comment lines.
fn statements(sql: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    code.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_split_into_statements_without_comments() {
        let first = statements(MIGRATIONS[0].1);
        assert!(first[0].starts_with("CREATE TABLE runs"));
        assert!(first.iter().all(|s| !s.contains("--")));
        assert_eq!(first.len(), 8);
        let interned = statements(MIGRATIONS[1].1);
        assert!(interned
            .last()
            .is_some_and(|s| s.starts_with("CREATE VIEW check_intervals")));
        let append_only = statements(MIGRATIONS[2].1);
        assert!(append_only[0].starts_with("DROP VIEW entity_intervals"));
        assert!(append_only
            .last()
            .is_some_and(|s| s.starts_with("CREATE VIEW check_intervals")));
    }
}
