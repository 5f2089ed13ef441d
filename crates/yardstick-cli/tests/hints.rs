//! Hints where silence used to be: the bracket an unclosed flow collection opens with, fact
//! names a typo away from the ones the checks read, and why `check-refs: auto` leaves owners
//! unchecked.

mod common;

use std::path::PathBuf;

use common::yardstick;

fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yardstick-hints-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

const UNCLOSED: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  tags: [a, b\nspec:\n  type: service\n";

#[test]
fn an_unclosed_bracket_is_labelled_where_it_opens() {
    let stream = yardstick::parse_stream(UNCLOSED, &yardstick::Limits::default());
    let doc = &stream.documents[0];
    let error = doc.error.as_ref().expect("a syntax error");
    assert_eq!((error.span.line, error.span.column), (6, 5));
    let open = doc.open_flow.expect("the bracket");
    assert_eq!((open.line, open.column, open.len), (5, 9, 1));
    assert_eq!(&UNCLOSED[open.start()..open.start() + 1], "[");
    // The same for `{`, and the innermost collection when they nest.
    let text = "a: {b: [1, {c: 2}, 3\n";
    let stream = yardstick::parse_stream(text, &yardstick::Limits::default());
    let open = stream.documents[0].open_flow.expect("the bracket");
    assert_eq!(&text[open.start()..open.start() + 1], "[");
    // No label when the error is not inside a flow collection.
    let stream = yardstick::parse_stream("a: b: c\n", &yardstick::Limits::default());
    assert!(stream.documents[0].error.is_some());
    assert_eq!(stream.documents[0].open_flow, None);

    let dir = tree("bracket", &[("catalog-info.yaml", UNCLOSED)]);
    let out = yardstick(&["lint", "catalog-info.yaml"], &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // The header keeps the error's own position; the bracket gets the second label.
    assert!(text.contains("[catalog-info.yaml:6:5]"), "{text}");
    let bracket = text
        .find("╰── opened here, still open at the error")
        .expect(&text);
    let here = text.find("╰── here").expect(&text);
    assert!(bracket < here, "{text}");
    let json = yardstick(&["lint", "catalog-info.yaml", "--format", "json"], &dir);
    let json = String::from_utf8_lossy(&json.stdout);
    assert!(!json.contains("secondary"), "JSON is unchanged: {json}");
    let _ = std::fs::remove_dir_all(&dir);
}

const GROUP: &str = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: guests}\nspec: {type: team, children: []}\n";

fn component(name: &str, owner: &str) -> String {
    format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: {name}}}\nspec: {{type: service, lifecycle: production, owner: {owner}}}\n")
}

#[test]
fn auto_says_once_why_owners_are_not_checked() {
    let catalog = format!(
        "{GROUP}---\n{}---\n{}---\n{}",
        component("a", "team-a"),
        component("b", "team-b"),
        component("c", "guests")
    );
    let dir = tree(
        "lenient",
        &[("catalog-info.yaml", &catalog), ("org.yaml", GROUP)],
    );
    let out = yardstick(&["lint", "catalog-info.yaml"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches("yardstick: note: owner references are not checked")
            .count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 3 distinct owner references resolve to a Group or User in the catalog, fewer than half, and no owner source is given"),
        "{stderr}"
    );
    assert!(stderr.contains("--check-refs always"), "{stderr}");
    let out = yardstick(&["score", "catalog-info.yaml", "--fail-on", "never"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("owner references are not checked").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("`check-refs: always` under `lint:`"),
        "{stderr}"
    );
    // Not when the decision is the user's, or when owners are checked.
    for args in [
        &["lint", "catalog-info.yaml", "--check-refs", "always"][..],
        &["lint", "catalog-info.yaml", "--check-refs", "never"],
        &["lint", "catalog-info.yaml", "--owners-from", "org.yaml"],
    ] {
        let out = yardstick(args, &dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("not checked"), "{args:?}: {stderr}");
    }
    let strict = format!("{GROUP}---\n{}", component("c", "guests"));
    std::fs::write(dir.join("catalog-info.yaml"), strict).expect("write");
    let out = yardstick(&["lint", "catalog-info.yaml"], &dir);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_fact_name_a_typo_away_from_a_checked_one_gets_did_you_mean() {
    let facts = "entities:\n  component:default/a:\n    monitorng: {configured: true}\n    ci: {status: passing}\n    deploy-frequency: 3\n";
    let stderr = score_with_facts("facts", facts);
    assert!(
        stderr.contains("yardstick: warning: facts.yaml:3:5: no check reads fact `monitorng` of `component:default/a`; did you mean `monitoring`?"),
        "{stderr}"
    );
    // Names far from every checked one are other tools' business.
    assert!(!stderr.contains("deploy-frequency"), "{stderr}");
    assert_eq!(stderr.matches("warning").count(), 1, "{stderr}");
}

/// What `score` prints on stderr for one Component `a` with `facts` (a YAML facts file),
/// in a fresh folder `name`.
fn score_with_facts(name: &str, facts: &str) -> String {
    let dir = tree(
        name,
        &[
            ("catalog-info.yaml", &component("a", "guests")),
            ("facts.yaml", facts),
        ],
    );
    let out = yardstick(
        &[
            "score",
            "catalog-info.yaml",
            "--facts",
            "facts.yaml",
            "--fail-on",
            "never",
        ],
        &dir,
    );
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn facts_for_another_catalog_get_twenty_warnings_and_a_count() {
    // 25 keys that match nothing, the first a typo of the one entity.
    let mut facts = String::from("entities:\n  component:default/b: {}\n");
    for i in 0..24 {
        facts.push_str(&format!("  component:default/elsewhere-{i:02}: {{}}\n"));
    }
    let stderr = score_with_facts("facts-elsewhere", &facts);
    assert!(
        stderr.contains("facts.yaml:2:3: facts for `component:default/b` match no entity in the catalog; did you mean `component:default/a`?"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("match no entity in the catalog").count(),
        20,
        "{stderr}"
    );
    assert!(stderr.contains("elsewhere-18"), "{stderr}");
    assert!(!stderr.contains("elsewhere-19"), "{stderr}");
    assert!(
        stderr.contains("yardstick: warning: facts.yaml: 5 more warnings like these"),
        "{stderr}"
    );
}
