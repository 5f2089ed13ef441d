//! The pass/fail gate over a scorecard.

use crate::config::FailOn;
use crate::policy::CheckSeverity;

use super::model::{Aggregate, CheckResult, CheckStatus, EntityScore, GateResult};

pub(super) fn gate(
    entities: &[EntityScore],
    summary: &Aggregate,
    fail_on: FailOn,
    min_score: Option<f64>,
) -> GateResult {
    let mut reasons = Vec::new();
    let failing = |r: &CheckResult| {
        r.status == CheckStatus::Fail
            && match fail_on {
                FailOn::Critical => r.severity == CheckSeverity::Critical,
                FailOn::High => matches!(r.severity, CheckSeverity::Critical | CheckSeverity::High),
                FailOn::Any => true,
                FailOn::Never => false,
            }
    };
    let failures: Vec<String> = entities
        .iter()
        .flat_map(|e| {
            e.checks
                .iter()
                .filter(|r| failing(r))
                .map(move |r| format!("{} fails {}", e.reference, r.id))
        })
        .collect();
    if !failures.is_empty() {
        let shown: Vec<&str> = failures.iter().take(5).map(String::as_str).collect();
        let more = failures.len().saturating_sub(shown.len());
        reasons.push(format!(
            "{} failing check{} at or above the fail-on severity: {}{}",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" },
            shown.join(", "),
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
