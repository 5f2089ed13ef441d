//! "Did you mean …" hints: misspelled spec keys (a note where Backstage accepts the key, a
//! hint on the missing-field error where it does not), unresolved references and facts keys.

use yardstick::{lint_sources, Facts, LintOptions};

fn component(spec: &str) -> String {
    format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: web}}\nspec:\n{spec}")
}

#[test]
fn a_misspelled_spec_key_that_backstage_accepts_gets_a_note() {
    let text =
        component("  type: website\n  lifecycle: production\n  owner: team-a\n  sytem: shop\n");
    let report = lint_sources(&[("c.yaml", text)], &LintOptions::default());
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let f = &report.findings[0];
    assert_eq!(
        (f.rule, f.span.map(|s| (s.line, s.column))),
        ("schema/misspelled-spec-key", Some((8, 3)))
    );
    assert!(
        f.message.ends_with("did you mean `system`?"),
        "{}",
        f.message
    );
    // A key far from every field is a plugin's, not a typo.
    let text =
        component("  type: website\n  lifecycle: production\n  owner: team-a\n  costCenter: x\n");
    assert!(lint_sources(&[("c.yaml", text)], &LintOptions::default())
        .findings
        .is_empty());
}

#[test]
fn a_missing_required_field_next_to_its_typo_says_so() {
    let text = component("  type: website\n  lifecycle: production\n  ownr: team-a\n");
    let report = lint_sources(&[("c.yaml", text)], &LintOptions::default());
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(
        report.findings[0].message,
        "missing required field `spec.owner`; `spec.ownr` is written: did you mean `owner`?"
    );
}

#[test]
fn an_unresolved_reference_names_the_nearest_entity_of_its_kind() {
    let system = "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: checkout}\nspec: {owner: team-a}\n---\n";
    let text = format!(
        "{system}{}",
        component("  type: website\n  lifecycle: production\n  owner: team-a\n  system: chekout\n")
    );
    let report = lint_sources(&[("c.yaml", text)], &LintOptions::default());
    let unresolved: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "ref/unresolved-system")
        .collect();
    assert_eq!(unresolved.len(), 1, "{:#?}", report.findings);
    assert!(
        unresolved[0]
            .message
            .ends_with("did you mean system:default/checkout?"),
        "{}",
        unresolved[0].message
    );
}

#[test]
fn facts_for_no_entity_are_warned_about_with_the_nearest_ref() {
    let facts = Facts::parse("entities:\n  component:default/web: {}\n  component:default/webb: {}\n  api:default/orders: {}\n").unwrap();
    let warnings = facts.unmatched(["component:default/web"]);
    let messages: Vec<_> = warnings
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (3, "facts for `component:default/webb` match no entity in the catalog; did you mean `component:default/web`?"),
            (4, "facts for `api:default/orders` match no entity in the catalog"),
        ]
    );
}

#[test]
fn only_the_first_unmatched_facts_keys_get_a_suggestion() {
    let cap = Facts::SUGGESTED_UNMATCHED;
    let mut text = String::from("entities:\n");
    for i in 0..=cap {
        text.push_str(&format!("  component:default/webb-{i:04}: {{}}\n"));
    }
    let facts = Facts::parse(&text).unwrap();
    let refs: Vec<String> = (0..=cap)
        .map(|i| format!("component:default/web-{i:04}"))
        .collect();
    let warnings = facts.unmatched(refs.iter().map(String::as_str));
    assert_eq!(warnings.len(), cap + 1);
    assert!(warnings[cap - 1].message.ends_with(&format!(
        "did you mean `component:default/web-{:04}`?",
        cap - 1
    )));
    assert!(warnings[cap]
        .message
        .ends_with("match no entity in the catalog"));
}
