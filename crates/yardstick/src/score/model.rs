//! The scorecard's result model: statuses, levels, per-check results, per-entity scores,
//! aggregates and the gate.

use serde::{Deserialize, Serialize};

use crate::policy::CheckSeverity;
use crate::util::shared_str::SharedStr;

/// The outcome of one check for one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// The entity meets the check.
    Pass,
    /// The entity does not meet the check.
    Fail,
    /// The facts needed to decide are missing.
    Unknown,
    /// The check does not apply to this entity.
    NotApplicable,
    /// An exemption waives the check for this entity.
    Exempt,
    /// The check could not be evaluated (a Rego error); the run goes on.
    Error,
}

impl CheckStatus {
    /// The status as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Unknown => "unknown",
            CheckStatus::NotApplicable => "not-applicable",
            CheckStatus::Exempt => "exempt",
            CheckStatus::Error => "error",
        }
    }

    pub(super) fn scored(self) -> bool {
        matches!(self, CheckStatus::Pass | CheckStatus::Fail)
    }
}

/// A maturity level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Every required check passes.
    Gold,
    /// Critical and high checks pass.
    Silver,
    /// Critical checks pass.
    Bronze,
    /// Not even bronze.
    None,
}

impl Level {
    /// The level as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Gold => "gold",
            Level::Silver => "silver",
            Level::Bronze => "bronze",
            Level::None => "none",
        }
    }
}

/// A position in a catalog file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file as reports show it (shared with the entity's [`EntityScore::file`]).
    pub file: SharedStr,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (Unicode code points).
    pub column: u32,
    /// 1-based line where the field ends.
    pub end_line: u32,
    /// 1-based column just past the field.
    pub end_column: u32,
}

/// One check's result for one entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Check id (one shared string per check).
    pub id: SharedStr,
    /// Outcome.
    pub status: CheckStatus,
    /// Effective severity.
    pub severity: CheckSeverity,
    /// Effective weight.
    pub weight: f64,
    /// What the check found. Equal messages of one scoring run usually share one string.
    pub message: SharedStr,
    /// JSON pointer of the field the result is about.
    pub pointer: Option<SharedStr>,
    /// Where that field (or its nearest existing ancestor) is written.
    pub location: Option<Location>,
}

/// One entity's scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityScore {
    /// `kind:namespace/name`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The kind as written.
    pub kind: SharedStr,
    /// The file the entity is defined in.
    pub file: SharedStr,
    /// Owner reference, when the entity has one.
    pub owner: Option<SharedStr>,
    /// System reference, when the entity has one.
    pub system: Option<SharedStr>,
    /// 0 to 100; `None` when no check was scored.
    pub score: Option<f64>,
    /// The level; `None` when no check was scored.
    pub level: Option<Level>,
    /// Every enabled check, in id order.
    pub checks: Vec<CheckResult>,
}

/// Number of entities at each level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCounts {
    /// Gold.
    pub gold: usize,
    /// Silver.
    pub silver: usize,
    /// Bronze.
    pub bronze: usize,
    /// None.
    pub none: usize,
}

/// Mean score and level counts over a group of entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// The owner or system reference (`(none)` for entities without one), or `catalog`.
    pub key: String,
    /// Entities in the group.
    pub entities: usize,
    /// Mean of the entities' non-null scores.
    pub score: Option<f64>,
    /// Level counts.
    pub levels: LevelCounts,
}

/// An exemption whose date has passed; it no longer exempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpiredExemption {
    /// Entity reference.
    pub entity: String,
    /// Check id.
    pub check: String,
    /// The reason it was given.
    pub reason: String,
    /// The day it expired.
    pub expires: String,
    /// Line of the exemption in the configuration file.
    pub line: usize,
}

/// Whether the run passes the CI gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    /// True when the run passes.
    pub passed: bool,
    /// Why it failed.
    pub reasons: Vec<String>,
}

/// Everything `yardstick score` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Every accepted entity, in catalog order.
    pub entities: Vec<EntityScore>,
    /// Totals, groupings and the gate.
    pub summary: Summary,
}

/// Totals and groupings of a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Entities in the catalog.
    pub entities: usize,
    /// Mean of the entities' non-null scores.
    pub score: Option<f64>,
    /// Level counts.
    pub levels: LevelCounts,
    /// Per owner, sorted by key.
    pub owners: Vec<Aggregate>,
    /// Per system, sorted by key.
    pub systems: Vec<Aggregate>,
    /// Exemptions that no longer hold.
    pub expired_exemptions: Vec<ExpiredExemption>,
    /// The CI gate.
    pub gate: GateResult,
}
