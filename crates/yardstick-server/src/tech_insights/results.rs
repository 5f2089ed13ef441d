//! Check results as Tech Insights answers them (`CheckResult`), with yardstick's statuses
//! mapped to the boolean the stock frontend shows as passed or failed.

use std::collections::BTreeMap;

use serde::Serialize;
use yardstick_store::SnapshotEntity;

use super::checks::CheckView;
use super::facts::{check_fact_response, FactView};
use crate::state::Latest;

/// One `CheckResult`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResultView<'a> {
    /// The result's facts: the full yardstick result.
    pub facts: BTreeMap<&'static str, FactView>,
    /// The check.
    pub check: &'a CheckView,
    /// Passed (true) or failed (false).
    pub result: bool,
}

/// The boolean a yardstick status is shown as; `None` leaves the result out.
///
/// - `pass` is true, `fail` is false;
/// - `exempt` is true: an exemption waives the check, and neither the score nor the
///   level counts it against the entity;
/// - `unknown` (the facts to decide are missing) and `error` (the check could not be
///   evaluated) are false: both need someone to act, and the result's `status` fact says
///   which it is;
/// - `not-applicable` is left out, as the check does not concern the entity;
/// - a status this build does not know is false, so that it is seen.
///
/// ```
/// use yardstick_server::tech_insights::shown_as;
///
/// assert_eq!(shown_as("pass"), Some(true));
/// assert_eq!(shown_as("exempt"), Some(true));
/// assert_eq!(shown_as("unknown"), Some(false));
/// assert_eq!(shown_as("not-applicable"), None);
/// ```
pub fn shown_as(status: &str) -> Option<bool> {
    match status {
        "pass" | "exempt" => Some(true),
        "not-applicable" => None,
        _ => Some(false),
    }
}

/// The results of `entity`'s checks, in check id order; only the checks in `wanted` when
/// it is given and not empty (ids it names that have no result are ignored).
pub fn entity_results<'a>(
    latest: &'a Latest,
    entity: &SnapshotEntity,
    wanted: Option<&[String]>,
) -> Vec<CheckResultView<'a>> {
    let wanted = wanted.filter(|w| !w.is_empty());
    entity
        .checks
        .iter()
        .filter(|c| wanted.is_none_or(|w| w.contains(&c.id)))
        .filter_map(|c| {
            let result = shown_as(&c.status)?;
            let check = latest.check(&c.id)?;
            Some(CheckResultView {
                facts: check_fact_response(c),
                check,
                result,
            })
        })
        .collect()
}
