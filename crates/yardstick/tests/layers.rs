//! The core's modules depend on each other one way only, from the bottom up:
//!
//! util → yaml → rules → catalog → appconfig → lint → policy → config → score → report
//!
//! A module may use its own layer and the layers below it, never one above. This test reads
//! every source file and fails on each `crate::<module>` path that points up, and on `super::`
//! paths that climb out of a top-level module.

use std::path::{Path, PathBuf};

/// The layers, lowest first.
const LAYERS: &[&str] = &[
    "util",
    "yaml",
    "rules",
    "catalog",
    "appconfig",
    "lint",
    "policy",
    "config",
    "score",
    "report",
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == module)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a line, without its `//` comment (doc links are not dependencies).
fn code(line: &str) -> &str {
    line.split("//").next().unwrap_or("")
}

/// The modules a source text names through `crate::<module>`.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut rest = code(line);
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.push((number + 1, name));
            rest = after;
        }
    }
    found
}

/// Violations in one file of the top-level module `module`; `depth` is 0 for the module's
/// own file (`src/x.rs` or `src/x/mod.rs`), 1 for a file directly below it, and so on.
fn violations(module: &str, depth: usize, text: &str) -> Vec<String> {
    let Some(own) = layer(module) else {
        return vec![format!(
            "module `{module}` is in no layer: add it to LAYERS"
        )];
    };
    let mut out = Vec::new();
    for (line, name) in crate_paths(text) {
        match layer(&name) {
            Some(used) if used > own => out.push(format!(
                "line {line}: `{module}` uses `crate::{name}`, a higher layer"
            )),
            // Items re-exported at the crate root belong to some layer: name the module.
            None => out.push(format!(
                "line {line}: `crate::{name}` names no layer; use the module's path"
            )),
            Some(_) => {}
        }
    }
    // `super::` from a module's own file, or `super::super::` from one below it, reaches
    // the crate root, where every layer's items are re-exported.
    let escape = "super::".repeat(depth + 1);
    for (number, line) in text.lines().enumerate() {
        let line = code(line);
        if line.contains(&escape) && !line.contains("use super::*;") {
            out.push(format!(
                "line {}: `{escape}` climbs out of `{module}`",
                number + 1
            ));
        }
    }
    out
}

#[test]
fn no_module_imports_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    let mut modules = std::collections::BTreeSet::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("below src");
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts == ["lib.rs"] {
            continue;
        }
        let module = parts[0].trim_end_matches(".rs").to_string();
        let depth = match parts.last().map(String::as_str) {
            _ if parts.len() == 1 => 0,
            Some("mod.rs") => parts.len() - 2,
            _ => parts.len() - 1,
        };
        modules.insert(module.clone());
        let text = std::fs::read_to_string(file).expect("readable source");
        for v in violations(&module, depth, &text) {
            problems.push(format!("{}: {v}", relative.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "layering violations:\n{}",
        problems.join("\n")
    );
    let expected: std::collections::BTreeSet<String> =
        LAYERS.iter().map(|l| l.to_string()).collect();
    assert_eq!(
        modules, expected,
        "every top-level module is in exactly one layer"
    );
}

#[test]
fn the_checker_finds_upward_and_escaping_paths() {
    let upward = "use crate::score::Scorecard;\n// crate::report in a comment is fine\n";
    assert_eq!(
        violations("lint", 1, upward),
        ["line 1: `lint` uses `crate::score`, a higher layer"]
    );
    assert!(violations("score", 1, upward).is_empty());
    assert_eq!(
        violations("yaml", 1, "use super::super::score;\n"),
        ["line 1: `super::super::` climbs out of `yaml`"]
    );
    assert!(violations("yaml", 1, "use super::Node;\n").is_empty());
    assert_eq!(
        violations("catalog", 0, "use crate::Finding;\n"),
        ["line 1: `crate::Finding` names no layer; use the module's path"]
    );
}
