//! What can go wrong with the store.

/// Why a store operation failed. Nothing is written when any of these is returned from a
/// recording or pruning call: each runs in one transaction, rolled back on error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `--db` names no backend this crate knows.
    #[error("{0:?} is not a store address: use sqlite:PATH, a plain path, or postgres://…")]
    Address(String),
    /// The database said no, or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The database's schema is newer than this build knows.
    #[error("the database's schema version is {found}, newer than this yardstick knows ({known}); use a newer yardstick")]
    SchemaTooNew {
        /// The version in the database.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// The report is not a valid score report; nothing was written.
    #[error("the report is refused, nothing was recorded: {0}")]
    InvalidReport(String),
    /// The run's time is before the latest recorded run.
    #[error("the run's time {at} is earlier than the latest recorded run ({latest_id} at {latest_at}); runs are recorded in time order")]
    OutOfOrder {
        /// The refused run's time.
        at: String,
        /// The latest run's id.
        latest_id: i64,
        /// The latest run's time.
        latest_at: String,
    },
    /// A run id that is not in the store.
    #[error("there is no run {0} in the store")]
    NoSuchRun(i64),
    /// A diff needs two runs.
    #[error("{0}")]
    NotEnoughRuns(String),
    /// A stored value this build cannot read back.
    #[error("corrupt store: {0}")]
    Corrupt(String),
}
