//! What a release relies on: one version number everywhere (the workspace's), and the
//! published crates carrying their metadata, LICENSE and NOTICE.
//!
//! A release changes `version` under `[workspace.package]` in the root Cargo.toml; this test
//! then lists every file that still names the old version.

mod common;

use std::path::{Path, PathBuf};

use common::{repo, yardstick};

/// The crates published to crates.io; every other workspace member has `publish = false`.
const PUBLISHED: [&str; 5] = [
    "yardstick",
    "yardstick-github",
    "yardstick-store",
    "yardstick-server",
    "yardstick-cli",
];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The lines of one `[section]` of a TOML file (up to the next section header).
fn section<'a>(toml: &'a str, header: &str) -> Vec<&'a str> {
    toml.lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .collect()
}

/// The value of `key = "value"` among `lines`.
fn string_value<'a>(lines: &[&'a str], key: &str) -> Option<&'a str> {
    lines.iter().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"'))
    })
}

/// `version` under `[workspace.package]` in the root Cargo.toml.
fn workspace_version() -> String {
    let toml = read(&repo().join("Cargo.toml"));
    string_value(&section(&toml, "[workspace.package]"), "version")
        .expect("[workspace.package] version")
        .to_string()
}

/// Every `vX.Y.Z` token in `text` (a `v` that does not end a word, then three numbers), with
/// its 1-based line.
fn v_versions(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if *c != 'v' || (i > 0 && chars[i - 1].is_alphanumeric()) {
                continue;
            }
            let token: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == '.')
                .collect();
            let token = token.trim_end_matches('.');
            if token.split('.').count() == 3 && token.split('.').all(|p| !p.is_empty()) {
                out.push((n + 1, token.to_string()));
            }
        }
    }
    out
}

/// The files that name yardstick's release, e.g. `uses: yardstick-dev/yardstick@v0.1.0`.
/// (BENCHMARKS.md is not among them: its versions are those of the tools measured.)
fn files_naming_the_release() -> Vec<PathBuf> {
    let root = repo();
    let mut files: Vec<PathBuf> = [
        "README.md",
        "CONTRIBUTING.md",
        "SECURITY.md",
        "action.yml",
        "policies/README.md",
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    for dir in ["docs", "docs/examples", "action"] {
        let mut listed: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect(dir)
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_file())
            .collect();
        listed.sort();
        files.extend(listed);
    }
    files.extend(
        PUBLISHED
            .iter()
            .map(|c| root.join("crates").join(c).join("README.md")),
    );
    files.retain(|f| f.exists());
    files
}

#[test]
fn v_versions_finds_release_tags_only() {
    let text = "uses: yardstick-dev/yardstick@v0.1.0\nversion: v1.2.30 # not v2 nor dev1.0.0\n\
                `yardstick-v0.1.0-x86_64.tar.gz`, e.g. v0.3.0.\n";
    assert_eq!(
        v_versions(text),
        [
            (1, "0.1.0".to_string()),
            (2, "1.2.30".into()),
            (3, "0.1.0".into()),
            (3, "0.3.0".into())
        ]
    );
}

#[test]
fn docs_examples_and_action_name_the_workspace_version() {
    let version = workspace_version();
    let mut wrong = Vec::new();
    let mut found = 0;
    let root = repo();
    for file in files_naming_the_release() {
        let name = file.strip_prefix(&root).unwrap_or(&file).display();
        for (line, named) in v_versions(&read(&file)) {
            found += 1;
            if named != version {
                wrong.push(format!("{name}:{line}: v{named}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "these name another version than the workspace's {version}:\n{}",
        wrong.join("\n")
    );
    // The README's Action example, action.yml and the example workflows at least.
    assert!(found >= 8, "only {found} release versions found");
}

#[test]
fn crates_take_the_workspace_version() {
    let version = workspace_version();
    assert_eq!(env!("CARGO_PKG_VERSION"), version);
    let root = repo();
    let toml = read(&root.join("Cargo.toml"));
    let members: Vec<String> = section(&toml, "[workspace]")
        .iter()
        .filter_map(|l| Some(l.trim().strip_prefix('"')?.strip_suffix("\",")?.to_string()))
        .collect();
    assert!(members.len() >= 5, "members: {members:?}");
    for member in &members {
        let manifest = read(&root.join(member).join("Cargo.toml"));
        assert!(
            section(&manifest, "[package]").contains(&"version.workspace = true"),
            "{member}/Cargo.toml does not take the workspace version"
        );
    }
    // The internal dependencies name it too (cargo keeps only the version when publishing).
    let deps = section(&toml, "[workspace.dependencies]");
    for name in ["yardstick", "yardstick-github", "yardstick-store"] {
        let line = deps
            .iter()
            .find(|l| l.starts_with(&format!("{name} = ")))
            .unwrap_or_else(|| panic!("[workspace.dependencies] has no {name}"));
        assert!(
            line.contains(&format!("version = \"{version}\"")),
            "{line}: expected version = \"{version}\""
        );
    }
}

#[test]
fn changelog_latest_release_is_the_workspace_version() {
    let changelog = read(&repo().join("CHANGELOG.md"));
    let latest = changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## ["))
        .find(|l| !l.starts_with("Unreleased"))
        .and_then(|l| l.split(']').next());
    if let Some(latest) = latest {
        assert_eq!(latest, workspace_version(), "CHANGELOG.md's latest release");
    }
}

#[test]
fn binary_and_reports_name_the_workspace_version() {
    let version = workspace_version();
    let root = repo();
    let out = yardstick(&["--version"], &root);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("yardstick {version}\n")
    );
    let page = yardstick(&["manpage"], &root);
    assert!(String::from_utf8_lossy(&page.stdout).contains(&format!("\"yardstick {version}\"")));
    let sarif = yardstick(&["lint", "fixtures/demo", "--format", "sarif"], &root);
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], version.as_str());
    assert_eq!(driver["semanticVersion"], version.as_str());
}

/// The JSON outputs carry a format version (not the crate's): 1 for both, as documented.
#[test]
fn json_outputs_carry_their_documented_format_version() {
    let root = repo();
    let lint = yardstick(&["lint", "fixtures/demo", "--format", "json"], &root);
    let lint: serde_json::Value = serde_json::from_slice(&lint.stdout).expect("lint JSON");
    assert_eq!(lint["version"], 1);
    assert!(read(&root.join("docs/json-format.md")).contains("  \"version\": 1,\n"));
    let score = yardstick(&["score", "fixtures/demo", "--format", "json"], &root);
    let score: serde_json::Value = serde_json::from_slice(&score.stdout).expect("score JSON");
    assert_eq!(score["version"], yardstick::report::REPORT_VERSION);
}

#[test]
fn published_crates_carry_license_notice_and_metadata() {
    let root = repo();
    for name in ["LICENSE", "NOTICE"] {
        let top = read(&root.join(name));
        for krate in PUBLISHED {
            let copy = root.join("crates").join(krate).join(name);
            assert!(
                std::fs::read_to_string(&copy).is_ok_and(|c| c == top),
                "{} must be a copy of the root {name} (cargo packages only files inside the crate)",
                copy.display()
            );
        }
    }
    for krate in PUBLISHED {
        let manifest = read(&root.join("crates").join(krate).join("Cargo.toml"));
        let package = section(&manifest, "[package]");
        for key in ["description", "documentation", "readme"] {
            assert!(string_value(&package, key).is_some(), "{krate}: no {key}");
        }
        let keywords = string_value(&package, "keywords").expect("keywords");
        assert!(
            keywords.split(',').count() <= 5,
            "{krate}: crates.io takes 5 keywords"
        );
        assert!(
            string_value(&package, "categories").is_some(),
            "{krate}: no categories"
        );
        assert!(
            !package.contains(&"publish = false"),
            "{krate} is published"
        );
    }
    for unpublished in ["crates/github-fake", "benches"] {
        let manifest = read(&root.join(unpublished).join("Cargo.toml"));
        assert!(
            section(&manifest, "[package]").contains(&"publish = false"),
            "{unpublished} must not be published"
        );
    }
}
