//! Score history for yardstick: every run recorded, storing change rather than copies.
//!
//! A [`Store`] lives in an SQLite file (the embedded default) or a PostgreSQL database
//! (shared by sharded nightly jobs and many readers); both have one schema, applied by
//! embedded, versioned migrations, and one set of queries (sqlx's `Any` driver).
//!
//! - A run ([`Store::record`]) keeps its time, commits, source, lint counts and adoption.
//! - Entity and check results are stored as **intervals** of runs: a result is written
//!   when it changes, valid from that run until the run that changes it again. Thirty
//!   nightly runs of an unchanged catalog store it once.
//! - Entities of a repository the organisation scan could not fetch keep their results,
//!   marked stale; repositories reported gone close their entities.
//! - Each run is one transaction; concurrent recorders run one after the other
//!   (`BEGIN IMMEDIATE` on SQLite in WAL mode, an advisory lock on PostgreSQL).
//! - [`Store::runs`], [`Store::trend`], [`Store::diff`] and [`Store::prune`] read and
//!   trim it.
//!
//! See `docs/history.md` for the commands built on it.

mod address;
mod batch;
mod browse;
mod diff;
mod entity_history;
mod error;
mod group_trends;
mod intervals;
mod model;
mod prune;
mod read;
mod record;
mod schema;
mod snapshot;
mod store;
mod texts;
mod time;
mod validate;

pub use address::Address;
pub use browse::{EntityPage, EntityQuery, EntitySummary};
pub use diff::{CheckChange, Diff, GroupChange, LevelChange, RunRef};
pub use entity_history::{CheckHistory, EntityHistory, EntityPoint};
pub use error::StoreError;
pub use group_trends::{TrendGroup, TrendSeries, TrendWindow};
pub use intervals::{CheckInterval, EntityInterval, EntityIntervals, Validity};
pub use model::{Counts, Levels, LintCounts, Recorded, Run, RunMeta, TrendFilter, TrendPoint};
pub use prune::Pruned;
pub use snapshot::{Snapshot, SnapshotEntity, StoredCheck};
pub use store::{Backend, Store, POSTGRES_WRITE_LOCK};
pub use validate::{parse_report, read_report};
