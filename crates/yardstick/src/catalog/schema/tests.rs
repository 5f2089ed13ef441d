use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::*;
use crate::yaml::{parse_stream, Limits};

fn node(text: &str) -> Node {
    parse_stream(text, &Limits::default()).documents[0]
        .root
        .clone()
        .unwrap()
}

#[test]
fn every_vendored_schema_parses_and_uses_only_known_patterns() {
    fn walk(v: &Json, found: &mut Vec<String>) {
        match v {
            Json::Object(m) => {
                for (k, x) in m {
                    if k == "pattern" {
                        if let Some(p) = x.as_str() {
                            found.push(p.to_string());
                        }
                    }
                    if k == "patternProperties" {
                        if let Some(o) = x.as_object() {
                            found.extend(o.keys().cloned());
                        }
                    }
                    walk(x, found);
                }
            }
            Json::Array(a) => a.iter().for_each(|x| walk(x, found)),
            _ => {}
        }
    }
    for (name, text) in SOURCES {
        let json: Json = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut found = Vec::new();
        walk(&json, &mut found);
        for p in found {
            assert!(
                p == "^.+$" || p == "^\\w+$",
                "{name}: unsupported pattern {p}"
            );
        }
    }
}

#[test]
fn component_errors_read_like_ajv() {
    let n = node("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\nspec: {type: service, lifecycle: '', providesApis: [1]}\n");
    let errs = validate("Component", &n);
    let msgs: Vec<String> = errs
        .iter()
        .map(|e| format!("{} {}", e.pointer, e.message))
        .collect();
    assert!(
        msgs.contains(&"/spec must have required property 'owner'".to_string()),
        "{msgs:?}"
    );
    assert!(msgs.contains(&"/spec/lifecycle must NOT have fewer than 1 characters".to_string()));
    assert!(msgs.contains(&"/spec/providesApis/0 must be string".to_string()));
}

#[test]
fn required_errors_come_before_the_objects_other_errors() {
    let n = node("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\nspec: {type: 1, lifecycle: 2}\n");
    let errs = validate("Component", &n);
    let spec: Vec<(&str, &str)> = errs
        .iter()
        .filter(|e| e.pointer.starts_with("/spec"))
        .map(|e| (e.keyword, e.pointer.as_str()))
        .collect();
    assert_eq!(
        spec,
        [
            ("required", "/spec"),
            ("type", "/spec/type"),
            ("type", "/spec/lifecycle")
        ]
    );
}

#[test]
fn envelope_accepts_extra_fields_entity_does_not() {
    let n = node("apiVersion: a\nkind: b\nmetadata: {name: x}\nextra: 1\n");
    assert!(validate("EntityEnvelope", &n).is_empty());
    let errs = validate("Entity", &n);
    assert_eq!(errs[0].keyword, "additionalProperties");
    assert_eq!(errs[0].field_pointer(), "/extra");
}

#[test]
fn refs_into_common_definitions_resolve() {
    let n = node("apiVersion: a\nkind: b\nmetadata: {name: x}\nrelations: [{type: 'has space', targetRef: x}]\n");
    let errs = validate("Entity", &n);
    assert_eq!(errs[0].pointer, "/relations/0/type");
    assert_eq!(errs[0].keyword, "pattern");
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

/// The compiled validator and the JSON walker it replaced give the same errors, in the same
/// order, for every document of the conformance corpus and the holdout, and for each of
/// their top-level values and `spec` fields, against every vendored schema.
#[test]
fn compiled_validator_agrees_with_the_walker_on_the_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let mut files = Vec::new();
    yaml_files(&root.join("corpus"), &mut files);
    yaml_files(&root.join("holdout/corpus"), &mut files);
    assert!(
        files.len() > 500,
        "corpus not found under {}",
        root.display()
    );
    let mut names: Vec<&str> = SOURCES.iter().map(|(name, _)| *name).collect();
    names.push("no such schema");
    let (mut compared, mut keywords) = (0, BTreeSet::new());
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for doc in parse_stream(&text, &Limits::default()).documents {
            let Some(root) = doc.root else { continue };
            let mut nodes = vec![&root];
            for e in root.as_map().unwrap_or_default() {
                nodes.push(&e.value);
                nodes.extend(
                    e.value
                        .as_map()
                        .unwrap_or_default()
                        .iter()
                        .map(|e| &e.value),
                );
            }
            for n in nodes {
                for name in &names {
                    let compiled = validate(name, n);
                    assert_eq!(
                        compiled,
                        walker::validate(name, n),
                        "{} against {name}",
                        file.display()
                    );
                    keywords.extend(compiled.iter().map(|e| e.keyword));
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 50_000, "{compared} comparisons");
    for keyword in [
        "required",
        "additionalProperties",
        "type",
        "minLength",
        "pattern",
        "enum",
    ] {
        assert!(
            keywords.contains(keyword),
            "no {keyword} error in {keywords:?}"
        );
    }
}
