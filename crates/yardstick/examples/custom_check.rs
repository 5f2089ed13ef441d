//! A custom check written in Rego, added from a string, overriding nothing and scored with
//! the built-ins. The same contract as the built-in checks: docs/policy-contract.md.
//!
//! Run with `cargo run -p yardstick --example custom_check` from a clone of the repository
//! (the check is `policies/has_runbook.rego`, so this example is not in the published crate).

use yardstick::{lint_sources, score, CheckStatus, LintOptions, PolicySet, ScoreOptions};

/// The example custom check of the repository's `policies/` directory, whose Rego unit test
/// `yardstick verify policies` runs in CI.
const HAS_RUNBOOK: &str = include_str!("../../../policies/has_runbook.rego");

const CATALOG: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  links:
    - {url: 'https://wiki/runbooks/checkout', title: Runbook, type: runbook}
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: search
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: prototype
spec: {type: service, lifecycle: experimental, owner: team-a}
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut policies = PolicySet::builtin()?;
    policies.add_source("has_runbook.rego", HAS_RUNBOOK)?;
    let lint = lint_sources(&[("catalog-info.yaml", CATALOG)], &LintOptions::default());
    let card = score(&lint, &policies, &ScoreOptions::default())?;
    for e in &card.entities {
        let runbook = e
            .checks
            .iter()
            .find(|c| c.id == "has-runbook")
            .map(|c| c.status);
        let at = e
            .checks
            .iter()
            .find(|c| c.id == "has-runbook")
            .and_then(|c| c.location.as_ref())
            .map_or(String::new(), |l| {
                format!(" at {}:{}:{}", l.file, l.line, l.column)
            });
        println!(
            "{:<28} has-runbook {:?}{at}",
            e.reference,
            runbook.unwrap_or(CheckStatus::NotApplicable)
        );
    }
    let statuses: Vec<_> = card
        .entities
        .iter()
        .filter_map(|e| e.checks.iter().find(|c| c.id == "has-runbook"))
        .map(|c| c.status)
        .collect();
    assert_eq!(
        statuses,
        [
            CheckStatus::Pass,
            CheckStatus::Fail,
            CheckStatus::NotApplicable
        ]
    );
    Ok(())
}
