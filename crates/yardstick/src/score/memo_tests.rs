//! Memoised scoring equals plain scoring: random small catalogs, facts and custom checks.

use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use crate::lint::{lint_sources, LintOptions};
use crate::policy::PolicySet;
use crate::score::{Facts, ScoreOptions, Scorer};

const OWNERS: &[&str] = &[
    "team-a",
    "group:team-b",
    "user:jo",
    "\"\"",
    "Group:default/team-a",
    "nobody",
    "7",
];
const TYPES: &[&str] = &["service", "database", "website", "cache"];
const ANNOTATIONS: &[&str] = &[
    "pagerduty.com/service-id",
    "grafana/dashboard-selector",
    "backstage.io/techdocs-ref",
    "yardstick.dev/backup-policy",
    "opsgenie.com/team",
];
const VALUES: &[&str] = &["\"\"", "\" \"", "x", "dir:.", "P1", "P2"];
const CI: &[&str] = &["\"passing\"", "\"failing\"", "\"none\"", "7", "5.0", "null"];

/// One Component's YAML document and its facts (JSON, or empty).
fn component(index: usize) -> impl Strategy<Value = (String, String)> {
    (
        prop::option::of(select(OWNERS)),
        select(TYPES),
        prop::option::of(select(&["ns", "default"][..])),
        subsequence(ANNOTATIONS, 0..=ANNOTATIONS.len()),
        prop::collection::vec(select(VALUES), ANNOTATIONS.len()),
        prop::option::of(select(&["cc-1", "cc-2", "\"\""][..])),
        subsequence(&["runbook", "dashboard"][..], 0..=2),
        prop::option::of(select(CI)),
        any::<bool>(),
    )
        .prop_map(
            move |(owner, kind, ns, keys, values, cost, links, ci, monitored)| {
                let mut doc = format!(
                    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c{index}\n"
                );
                if let Some(ns) = ns {
                    doc.push_str(&format!("  namespace: {ns}\n"));
                }
                if !keys.is_empty() {
                    doc.push_str("  annotations:\n");
                    for (key, value) in keys.iter().zip(&values) {
                        doc.push_str(&format!("    {key}: {value}\n"));
                    }
                }
                if let Some(cost) = cost {
                    doc.push_str(&format!("  labels:\n    cost-center: {cost}\n"));
                }
                if !links.is_empty() {
                    doc.push_str("  links:\n");
                    for link in links {
                        doc.push_str(&format!("    - url: https://x/{link}\n      type: {link}\n"));
                    }
                }
                doc.push_str(&format!("spec:\n  type: {kind}\n  lifecycle: production\n"));
                if let Some(owner) = owner {
                    doc.push_str(&format!("  owner: {owner}\n"));
                }
                let ns = ns.unwrap_or("default");
                let facts = match ci {
                    Some(status) => format!(
                        "\"component:{ns}/c{index}\": {{\"ci\": {{\"status\": {status}}}, \"monitoring\": {{\"configured\": {monitored}}}}}"
                    ),
                    None => String::new(),
                };
                (doc, facts)
            },
        )
}

/// A catalog: Components, sometimes Group team-a, and the facts file.
fn catalog() -> impl Strategy<Value = (String, String)> {
    (1usize..10, any::<bool>())
        .prop_flat_map(|(n, group)| {
            let parts: Vec<_> = (0..n).map(component).collect();
            (parts, Just(group))
        })
        .prop_map(|(parts, group)| {
            let mut docs: Vec<String> = parts.iter().map(|(d, _)| d.clone()).collect();
            if group {
                docs.push("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n".into());
            }
            let facts: Vec<&str> = parts
                .iter()
                .map(|(_, f)| f.as_str())
                .filter(|f| !f.is_empty())
                .collect();
            (
                docs.join("---\n"),
                format!("{{\"entities\": {{{}}}}}", facts.join(", ")),
            )
        })
}

/// How a custom check binds `x`.
const BINDINGS: &[&str] = &[
    "x := input.entity.spec.type",
    "some k, x in input.entity.metadata.annotations",
    "x := object.get(input.entity.metadata, \"labels\", {})",
    "x := count(input.entity.metadata.links)",
    "x = input.facts.ci.status",
    "x := _owner_of(input.entity.spec)",
    "x := [l | some l in input.entity.metadata.links; l.type == \"runbook\"]",
    "every l in input.entity.metadata.links { l.type != \"x\" }; x := input.ref",
    "x := input.entity.metadata[\"namespace\"]",
];
const CONDITIONS: &[&str] = &["x != \"\"", "is_string(x)", "true", "not x"];

/// A custom check from the small grammar above.
fn custom_check(index: usize) -> impl Strategy<Value = (String, String)> {
    (select(BINDINGS), select(CONDITIONS)).prop_map(move |(binding, condition)| {
        let text = format!(
            "# METADATA\n# title: C{index}\n# custom:\n#   id: c{index}\n#   severity: low\n\
             package custom.c{index}\nimport rego.v1\n\
             _owner_of(s) := s.owner\n\
             result := {{\"status\": \"pass\", \"message\": sprintf(\"got %v\", [x]), \"pointer\": \"/spec\"}} if {{\n\
             \t{binding}\n\t{condition}\n}} else := {{\"status\": \"fail\", \"message\": \"none\", \"pointer\": \"/metadata\"}}\n"
        );
        (format!("c{index}.rego"), text)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The scorecard with memoisation (two threads) is the scorecard without it (one).
    #[test]
    fn memoised_scoring_equals_plain_scoring(
        (yaml, facts) in catalog(),
        checks in (0usize..3).prop_flat_map(|n| (0..n).map(custom_check).collect::<Vec<_>>()),
    ) {
        let lint = lint_sources(&[("catalog-info.yaml", yaml.as_str())], &LintOptions::default());
        let mut policies = PolicySet::builtin().unwrap();
        policies.add_sources(&checks).unwrap();
        let facts = Facts::parse(&facts).unwrap();
        let options = |plain: bool, threads: usize| ScoreOptions {
            facts: facts.clone(),
            today: Some("2026-01-01".into()),
            now_ns: Some(0),
            threads: Some(threads),
            plain_evaluation: plain,
            ..ScoreOptions::default()
        };
        let (memo, plain) = (options(false, 2), options(true, 1));
        let (card, stats) = Scorer::new(&policies, &memo).unwrap().score_counting(&lint).unwrap();
        let want = Scorer::new(&policies, &plain).unwrap().score(&lint).unwrap();
        prop_assert_eq!(&card, &want, "{}", yaml);
        for s in stats {
            prop_assert!(s.reused + s.distinct + s.unkeyed <= s.evaluations, "{:?}", s);
        }
    }
}

/// A check whose reads are unique per entity stops being memoised once its table has grown
/// to the judging size (and its results are still those of plain evaluation); one whose
/// reads repeat keeps reusing.
#[test]
fn unique_reads_give_up_memoisation() {
    let docs: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c{i}\n  \
                 annotations:\n    pagerduty.com/service-id: P{i}\nspec:\n  type: service\n  \
                 lifecycle: production\n  owner: team-{}\n",
                i % 3
            )
        })
        .collect();
    let yaml = docs.join("---\n");
    let lint = lint_sources(
        &[("catalog-info.yaml", yaml.as_str())],
        &LintOptions::default(),
    );
    let policies = PolicySet::builtin().unwrap();
    let options = |plain| ScoreOptions {
        threads: Some(1),
        today: Some("2026-01-01".into()),
        plain_evaluation: plain,
        ..ScoreOptions::default()
    };
    let (memo, plain) = (options(false), options(true));
    let (card, stats) = Scorer::new(&policies, &memo)
        .unwrap()
        .score_counting(&lint)
        .unwrap();
    assert_eq!(
        card,
        Scorer::new(&policies, &plain)
            .unwrap()
            .score(&lint)
            .unwrap()
    );
    let of = |id: &str| stats.iter().find(|s| s.check == id).unwrap().clone();
    let oncall = of("has-oncall");
    assert_eq!(oncall.evaluations, 2000);
    // Each key is about 60 bytes, counted with 128 for its entry: 256 KiB is reached
    // after about 1,400 of them.
    let given_up = oncall.given_up_after.expect("given up");
    assert!((1000..2000).contains(&given_up), "{oncall:?}");
    assert_eq!((oncall.reused, oncall.distinct), (0, given_up));
    let owner = of("has-owner");
    assert_eq!(owner.given_up_after, None);
    assert_eq!((owner.reused, owner.distinct), (1997, 3));
}
