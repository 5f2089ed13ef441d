//! A custom check written in Rego, added from a string, overriding nothing and scored with
//! the built-ins. The same contract as the built-in checks: docs/policy-contract.md.
//!
//! Run with `cargo run -p yardstick --example custom_check`.

use yardstick::{lint_sources, score, CheckStatus, LintOptions, PolicySet, ScoreOptions};

const HAS_LIFECYCLE_PRODUCTION_DOCS: &str = r#"# METADATA
# title: Production components link a runbook
# description: Components in production carry a link of type runbook.
# custom:
#   id: has-runbook
#   severity: high
#   remediation: Add a metadata.links entry with type runbook.
#   applies_to: [Component]
package acme.checks.has_runbook

import rego.v1

default applicable := true

applicable := false if input.entity.spec.lifecycle != "production"

result := {"status": "pass", "message": "a runbook is linked", "pointer": "/metadata/links"} if {
	some link in input.entity.metadata.links
	link.type == "runbook"
} else := {"status": "fail", "message": "no link of type runbook", "pointer": "/metadata/links"}
"#;

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
    policies.add_source("has_runbook.rego", HAS_LIFECYCLE_PRODUCTION_DOCS)?;
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
