//! Embedding yardstick without touching the file system: entities as they come from a
//! Backstage catalog API, facts as values, and a report rendered into a buffer.
//!
//! Run with `cargo run -p yardstick --example embed_from_memory`.

use serde_json::json;
use yardstick::report::{sarif, RenderOptions, Report};
use yardstick::{
    lint_json_entities, score, Config, Facts, LintOptions, PolicySet, ScoreOptions, Severity,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // What GET /api/catalog/entities returns, trimmed.
    let entities = vec![
        json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Group",
               "metadata": {"name": "payments"}, "spec": {"type": "team", "children": []}}),
        json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
               "metadata": {"name": "checkout", "labels": {"cost-center": "cc-42"},
                            "annotations": {"pagerduty.com/service-id": "P123"}},
               "spec": {"type": "service", "lifecycle": "production", "owner": "payments"}}),
        json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
               "metadata": {"name": "Legacy Billing"},
               "spec": {"type": "service", "lifecycle": "production", "owner": "nobody"}}),
    ];
    let lint = lint_json_entities("catalog-api", &entities, &LintOptions::default());
    for f in lint
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
    {
        println!("rejected: {} ({})", f.message, f.rule);
    }

    let mut facts = Facts::default();
    facts.insert(
        "component:default/checkout",
        json!({"ci": {"status": "passing"}, "monitoring": {"configured": true}}),
    );
    let policies = PolicySet::builtin()?;
    let card = score(
        &lint,
        &policies,
        &ScoreOptions {
            facts,
            ..ScoreOptions::default()
        },
    )?;
    for e in &card.entities {
        println!(
            "{:<32} score {:>6} level {:?}",
            e.reference,
            e.score.map_or("-".into(), |s| format!("{s:.1}")),
            e.level
        );
    }

    let report = Report::from_scorecard(&lint, &card, &policies, &Config::default());
    let mut buffer = Vec::new();
    sarif::write(&report, &RenderOptions::default(), &mut buffer)?;
    println!(
        "SARIF: {} bytes, gate passed: {}",
        buffer.len(),
        card.summary.gate.passed
    );
    Ok(())
}
