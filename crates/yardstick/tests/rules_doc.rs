//! docs/rules.md is generated from the rule registry; this keeps the two in step.
//! Regenerate with `UPDATE_RULES_DOC=1 cargo test -p yardstick --test rules_doc`.

use std::path::Path;

fn render() -> String {
    let mut out = String::from(
        "# Lint rules\n\nEvery finding carries one of these stable rule ids. `error` means Backstage would \
reject the document; `warning` means Backstage accepts it but something is probably wrong; \
`note` is information.\n\nThis file is generated from `crates/yardstick/src/finding.rs` by \
`UPDATE_RULES_DOC=1 cargo test -p yardstick --test rules_doc`.\n",
    );
    for r in yardstick::RULES {
        out.push_str(&format!(
            "\n## {}\n\nSeverity: **{}**\n\n{}\n\nHow to fix: {}\n",
            r.id, r.severity, r.summary, r.help
        ));
    }
    out
}

#[test]
fn rules_doc_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let want = render();
    if std::env::var_os("UPDATE_RULES_DOC").is_some() {
        std::fs::write(&path, &want).expect("write docs/rules.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale; regenerate it (see the top of this test)"
    );
}

/// docs/checks.md, generated from the built-in checks' METADATA (SARIF links each check here).
fn render_checks() -> String {
    let mut out = String::from(
        "# Built-in checks\n\nGenerated from the `# METADATA` blocks in \
`crates/yardstick/policies/` by \
`UPDATE_RULES_DOC=1 cargo test -p yardstick --test rules_doc`. Severity weights: critical 10, \
high 7.5, medium 5, low 2.5. Parameters and facts: [configuration.md](configuration.md), \
[facts.md](facts.md).\n",
    );
    let set = yardstick::PolicySet::builtin().expect("built-in checks load");
    for c in set.checks() {
        out.push_str(&format!(
            "\n## {}\n\n**{}** — severity {} (weight {}), applies to {}.\n\n{}\n\nHow to fix: {}\n",
            c.id,
            c.title,
            c.severity,
            c.severity.weight(),
            c.applies_to.join(", "),
            c.description,
            c.remediation
        ));
    }
    out
}

#[test]
fn checks_doc_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md");
    let want = render_checks();
    if std::env::var_os("UPDATE_RULES_DOC").is_some() {
        std::fs::write(&path, &want).expect("write docs/checks.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/checks.md is stale; regenerate it (see the top of this file)"
    );
}

#[test]
fn rule_ids_are_unique_and_well_formed() {
    let mut seen = std::collections::HashSet::new();
    for r in yardstick::RULES {
        assert!(seen.insert(r.id), "duplicate rule {}", r.id);
        let (group, name) = r.id.split_once('/').expect("group/name");
        assert!(
            [
                "yaml",
                "schema",
                "ref",
                "catalog",
                "location",
                "placeholder",
                "scan"
            ]
            .contains(&group),
            "{}",
            r.id
        );
        assert!(
            name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{}",
            r.id
        );
        assert!(!r.summary.is_empty() && !r.help.is_empty(), "{}", r.id);
    }
}
