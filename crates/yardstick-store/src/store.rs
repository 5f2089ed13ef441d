//! The connection pool and the two kinds of transaction every operation runs in.

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor};

use crate::{schema, Address, StoreError};

/// How long an SQLite writer waits for another writer's transaction before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 120_000;

/// The PostgreSQL advisory lock every writer holds for its transaction (recorders, pruners
/// and migrations run one at a time; readers are not blocked). It shows in `pg_locks`.
pub const POSTGRES_WRITE_LOCK: i64 = 0x7961_7264_7374;

/// The database behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A score history: runs recorded as intervals, in SQLite or PostgreSQL.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use yardstick_store::{Backend, Store};
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("history.db");
/// let store = Store::open(&format!("sqlite:{}", path.display())).await.unwrap();
/// assert_eq!(store.backend(), Backend::Sqlite);
/// assert!(store.runs().await.unwrap().is_empty());
/// store.close().await;
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens (creating an SQLite file when missing) the store at `address` (see
    /// [`Address::parse`]) and brings its schema up to date.
    pub async fn open(address: &str) -> Result<Store, StoreError> {
        Store::open_address(&Address::parse(address)?).await
    }

    /// [`Store::open`] for a parsed address.
    pub async fn open_address(address: &Address) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = match address {
            Address::Sqlite(_) => Backend::Sqlite,
            Address::Postgres(_) => Backend::Postgres,
        };
        let options = AnyPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(30));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(&*format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"))
                        .await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(&address.url()).await?;
        let store = Store { pool, backend };
        if backend == Backend::Sqlite {
            store.use_wal().await?;
        }
        // Readers must not wait for a recorder's write lock just to learn that the schema
        // is current; only a store that needs a migration takes it.
        if !schema::is_current(&store.pool).await? {
            let mut conn = store.begin_write().await?;
            let migrated = schema::migrate(&mut conn, backend).await;
            store.finish(conn, migrated).await?;
        }
        Ok(store)
    }

    /// Which database the store is in.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Switches an SQLite file to WAL mode (readers never block the writer). The mode is
    /// kept in the file; switching needs a moment with no other connection, so a busy
    /// database is retried.
    async fn use_wal(&self) -> Result<(), StoreError> {
        let mut attempt = 0;
        loop {
            let mode: Result<String, sqlx::Error> = sqlx::query_scalar("PRAGMA journal_mode = WAL")
                .fetch_one(&self.pool)
                .await;
            match mode {
                Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
                Ok(mode) => {
                    return Err(StoreError::Corrupt(format!(
                        "SQLite refused WAL mode (journal mode stays {mode})"
                    )))
                }
                Err(e) if attempt < 50 && is_busy(&e) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// A connection inside a write transaction, once every other writer has finished:
    /// `BEGIN IMMEDIATE` on SQLite (waiting up to the busy timeout), an advisory
    /// transaction lock on PostgreSQL.
    pub(crate) async fn begin_write(&self) -> Result<PoolConnection<Any>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        // A connection dropped mid-transaction (a panic) must not go back to the pool.
        conn.close_on_drop();
        match self.backend {
            Backend::Sqlite => {
                conn.execute("BEGIN IMMEDIATE").await?;
            }
            Backend::Postgres => {
                conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED").await?;
                let locked = sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(POSTGRES_WRITE_LOCK)
                    .execute(&mut *conn)
                    .await;
                if let Err(e) = locked {
                    let _ = conn.execute("ROLLBACK").await;
                    return Err(e.into());
                }
            }
        }
        Ok(conn)
    }

    /// A connection inside a read transaction: every query of it sees one snapshot.
    pub(crate) async fn begin_read(&self) -> Result<PoolConnection<Any>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        conn.close_on_drop();
        match self.backend {
            Backend::Sqlite => conn.execute("BEGIN").await?,
            Backend::Postgres => {
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        };
        Ok(conn)
    }

    /// Commits when `result` is `Ok`, rolls back otherwise, and hands `result` on.
    pub(crate) async fn finish<T>(
        &self,
        mut conn: PoolConnection<Any>,
        result: Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match result {
            Ok(value) => {
                conn.execute("COMMIT").await?;
                Ok(value)
            }
            Err(e) => {
                // The rollback's own failure hides nothing: the connection is closed anyway.
                let _ = conn.execute("ROLLBACK").await;
                Err(e)
            }
        }
    }
}

/// SQLite's "database is locked/busy".
fn is_busy(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "5" || code == "6")
}
