//! The pass/fail gate over a scorecard.

use crate::config::FailOn;
use crate::policy::CheckSeverity;

use super::model::{Aggregate, CheckResult, CheckStatus, EntityScore, GateResult};

/// How many failures the gate's reason names; the rest are counted.
const SHOWN: usize = 5;

/// The failing checks at or above the fail-on severity, gathered entity by entity in report
/// order.
#[derive(Debug)]
pub(super) struct Failures {
    fail_on: FailOn,
    count: usize,
    /// The first [`SHOWN`], as `REF fails CHECK`.
    shown: Vec<String>,
}

impl Failures {
    pub(super) fn new(fail_on: FailOn) -> Self {
        Failures {
            fail_on,
            count: 0,
            shown: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, e: &EntityScore) {
        let fail_on = self.fail_on;
        for r in e.checks.iter().filter(|r| failing(r, fail_on)) {
            self.count += 1;
            if self.shown.len() < SHOWN {
                self.shown.push(format!("{} fails {}", e.reference, r.id));
            }
        }
    }

    /// The verdict, with the catalog's aggregate for `min_score`.
    pub(super) fn gate(self, summary: &Aggregate, min_score: Option<f64>) -> GateResult {
        let mut reasons = Vec::new();
        if self.count > 0 {
            let more = self.count - self.shown.len();
            reasons.push(format!(
                "{} failing check{} at or above the fail-on severity: {}{}",
                self.count,
                if self.count == 1 { "" } else { "s" },
                self.shown.join(", "),
                if more > 0 {
                    format!(", and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        if let (Some(min), Some(score)) = (min_score, summary.score) {
            if score < min {
                reasons.push(format!(
                    "catalog score {score:.1} is below the minimum {min}"
                ));
            }
        }
        GateResult {
            passed: reasons.is_empty(),
            reasons,
        }
    }
}

/// Whether a result fails at or above the fail-on severity.
fn failing(r: &CheckResult, fail_on: FailOn) -> bool {
    r.status == CheckStatus::Fail
        && match fail_on {
            FailOn::Critical => r.severity == CheckSeverity::Critical,
            FailOn::High => matches!(r.severity, CheckSeverity::Critical | CheckSeverity::High),
            FailOn::Any => true,
            FailOn::Never => false,
        }
}
