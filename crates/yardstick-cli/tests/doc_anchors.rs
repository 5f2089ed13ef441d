//! Every `#anchor` link in the repository's Markdown resolves to a heading, as GitHub names
//! headings: relative links (`[x](#levels)`, `[x](configuration.md#levels)`) outside code, and
//! links to this repository's files on GitHub anywhere, code blocks included (the JSON examples
//! carry rule URLs such as `…/docs/rules.md#schemametadata-tags`).

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Links to files of this repository, as the rule and check URLs write them.
const REPO_BLOB: &str = "https://github.com/yardstick-dev/yardstick/blob/main/";

/// The Markdown files whose links are checked, relative to the repository root.
fn documents() -> Vec<PathBuf> {
    let root = common::repo();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.strip_prefix(&root).expect("below the root").to_path_buf())
        .collect();
    docs.sort();
    for top in [
        "README.md",
        "CONTRIBUTING.md",
        "BENCHMARKS.md",
        "policies/README.md",
    ] {
        docs.push(top.into());
    }
    docs
}

/// GitHub's anchor for a heading's text (github-slugger): the rendered text in lower case,
/// without punctuation other than `-` and `_`, spaces turned into `-`.
fn slug(heading: &str) -> String {
    let mut text = String::new();
    let mut rest = heading;
    // `[text](url)` renders as `text`.
    while let Some(open) = rest.find('[') {
        let Some(mid) = rest[open..].find("](").map(|m| open + m) else {
            break;
        };
        let Some(close) = rest[mid..].find(')').map(|c| mid + c) else {
            break;
        };
        text.push_str(&rest[..open]);
        text.push_str(&rest[open + 1..mid]);
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// Whether each line is inside a fenced code block (fence lines included).
fn in_code(text: &str) -> Vec<bool> {
    let mut fenced = false;
    text.lines()
        .map(|line| {
            let fence = line.trim_start().starts_with("```");
            let inside = fenced || fence;
            if fence {
                fenced = !fenced;
            }
            inside
        })
        .collect()
}

/// The anchors of a Markdown file's headings, duplicates numbered as GitHub numbers them.
fn anchors(text: &str) -> HashSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = HashSet::new();
    for (line, code) in text.lines().zip(in_code(text)) {
        let hashes = line.bytes().take_while(|b| *b == b'#').count();
        if code || !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(line[hashes..].trim());
        let count = seen.entry(base.clone()).or_insert(0);
        out.insert(match *count {
            0 => base.clone(),
            n => format!("{base}-{n}"),
        });
        *count += 1;
    }
    out
}

/// `path` with `.` and `..` resolved, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `(line, target file relative to the root, anchor)` for every anchored link in `doc`.
fn links(doc: &Path, text: &str) -> Vec<(usize, PathBuf, String)> {
    let dir = doc.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    for (n, (line, code)) in text.lines().zip(in_code(text)).enumerate() {
        let mut push = |target: &str, base: &Path| {
            if let Some((file, anchor)) = target.split_once('#') {
                let file = if file.is_empty() {
                    doc.to_path_buf()
                } else {
                    normalise(&base.join(file))
                };
                out.push((n + 1, file, anchor.to_string()));
            }
        };
        let mut rest = line;
        while let Some(at) = rest.find(REPO_BLOB) {
            rest = &rest[at + REPO_BLOB.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || "-_./#".contains(c)))
                .unwrap_or(rest.len());
            push(&rest[..end], Path::new(""));
        }
        if code {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            let target = &rest[..end];
            if !target.contains("://") && !target.starts_with("mailto:") {
                push(target, dir);
            }
        }
    }
    out
}

#[test]
fn every_anchor_link_resolves_to_a_heading() {
    let root = common::repo();
    let mut cache: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut broken = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(root.join(&doc)).expect("read doc");
        for (line, file, anchor) in links(&doc, &text) {
            // Anchors into non-Markdown files (`action.yml#L10`) are GitHub line links.
            if file.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let headings = cache.entry(file.clone()).or_insert_with(|| {
                anchors(&std::fs::read_to_string(root.join(&file)).unwrap_or_default())
            });
            checked += 1;
            if !headings.contains(&anchor) {
                broken.push(format!(
                    "{}:{line}: #{anchor} is not a heading of {}",
                    doc.display(),
                    file.display()
                ));
            }
        }
    }
    assert!(broken.is_empty(), "broken anchors:\n{}", broken.join("\n"));
    assert!(checked > 20, "only {checked} anchored links found");
}

#[test]
fn slugs_follow_github() {
    assert_eq!(
        slug("What `yardstick lint` does"),
        "what-yardstick-lint-does"
    );
    assert_eq!(slug("schema/metadata-tags"), "schemametadata-tags");
    assert_eq!(slug("Gate and exit codes"), "gate-and-exit-codes");
    assert_eq!(
        slug("has-owner (critical; Component, API)"),
        "has-owner-critical-component-api"
    );
    assert_eq!(slug("See [the contract](x.md) now"), "see-the-contract-now");
    let doubled = anchors("# A\n```\n# not a heading\n```\n## A\n### B.\n");
    assert_eq!(
        doubled,
        HashSet::from(["a".to_string(), "a-1".into(), "b".into()])
    );
}

#[test]
fn links_are_found_in_prose_and_repository_urls() {
    let doc = Path::new("docs/x.md");
    let text = "See [levels](configuration.md#levels) and [top](#top).\n\
                ```json\n\"url\": \"https://github.com/yardstick-dev/yardstick/blob/main/docs/rules.md#yamlsyntax\"\n\
                [not a link](#in-code)\n```\n[readme](../README.md#install) [web](https://x.org/a#b)\n";
    let found: Vec<(usize, String, String)> = links(doc, text)
        .into_iter()
        .map(|(n, f, a)| (n, f.display().to_string(), a))
        .collect();
    assert_eq!(
        found,
        [
            (1, "docs/configuration.md".into(), "levels".into()),
            (1, "docs/x.md".into(), "top".into()),
            (3, "docs/rules.md".into(), "yamlsyntax".into()),
            (6, "README.md".into(), "install".into()),
        ]
    );
}
