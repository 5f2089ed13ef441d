//! What callers hand the store and get back from it.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a run records besides its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMeta {
    /// When the run happened (`--at`; defaults to now). Runs are recorded in time order.
    pub at: DateTime<Utc>,
    /// The commits scanned (`--commit`, or the work tree's HEAD); may be empty.
    pub commits: Vec<String>,
    /// The paths scanned, for a `yardstick score` run; when empty, the report's `paths`. An
    /// organisation scan's source is its organisation and selection, taken from the report.
    pub paths: Vec<String>,
    /// The yardstick version that produced the report; `None`: the report's own.
    pub yardstick_version: Option<String>,
    /// A digest of the policies the run used; `None`: the report's own.
    pub policy_digest: Option<String>,
    /// A digest of the configuration the run used; `None`: the report's own.
    pub config_digest: Option<String>,
}

impl RunMeta {
    /// A run at `at` with nothing else known.
    pub fn at(at: DateTime<Utc>) -> Self {
        RunMeta {
            at,
            commits: Vec::new(),
            paths: Vec::new(),
            yardstick_version: None,
            policy_digest: None,
            config_digest: None,
        }
    }
}

/// What recording one run wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Recorded {
    /// The new run's id.
    pub run: i64,
    /// Entity intervals opened (new or changed entities).
    pub entities_opened: usize,
    /// Entity intervals closed (changed or removed entities).
    pub entities_closed: usize,
    /// Check intervals opened.
    pub checks_opened: usize,
    /// Check intervals closed.
    pub checks_closed: usize,
    /// Entities of failed repositories kept with their last known results.
    pub stale: usize,
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// Its id: runs are numbered 1, 2, … in recording (and time) order.
    pub id: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The commits scanned.
    pub commits: Vec<String>,
    /// `{"paths": […]}` or `{"organization": …, "selection": …}`.
    pub source: serde_json::Value,
    /// The yardstick version, when known.
    pub yardstick_version: Option<String>,
    /// The policy digest, when known.
    pub policy_digest: Option<String>,
    /// The configuration digest, when known.
    pub config_digest: Option<String>,
    /// Entities in the report.
    pub entities: i64,
    /// Lint findings by severity.
    pub lint: LintCounts,
    /// Catalog adoption of an organisation scan.
    pub adoption: Option<serde_json::Value>,
}

/// Lint findings of a run by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LintCounts {
    /// Errors.
    pub errors: i64,
    /// Warnings.
    pub warnings: i64,
    /// Notes.
    pub notes: i64,
}

/// Which entities a trend follows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TrendFilter {
    /// Every entity.
    #[default]
    All,
    /// One entity, by reference.
    Entity(String),
    /// The entities of one owner.
    Owner(String),
    /// The entities of one system.
    System(String),
}

/// Level counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Levels {
    /// Gold.
    pub gold: i64,
    /// Silver.
    pub silver: i64,
    /// Bronze.
    pub bronze: i64,
    /// None.
    pub none: i64,
}

/// The followed entities at one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// The run.
    pub run: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Entities present (stale ones included, with their last known results).
    pub entities: i64,
    /// Of those, entities of repositories the run could not fetch.
    pub stale: i64,
    /// Mean of their non-null scores; `None` when none has a score.
    pub score: Option<f64>,
    /// Their levels.
    pub levels: Levels,
}

/// How many rows the store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Runs.
    pub runs: i64,
    /// Entity intervals.
    pub entity_intervals: i64,
    /// Entity intervals still open (valid at the latest run).
    pub open_entity_intervals: i64,
    /// Check intervals.
    pub check_intervals: i64,
}
