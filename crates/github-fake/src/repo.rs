//! The fake organisation's repositories: the model, and the generated mix.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use yardstick::util::fnv::fnv1a_64;

use crate::dates::{now_secs, rfc3339};

/// A repository's CI state, as GraphQL's `statusCheckRollup` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FakeCi {
    /// `SUCCESS`
    Success,
    /// `FAILURE`
    Failure,
    /// `ERROR`
    Error,
    /// `PENDING`
    Pending,
    /// `EXPECTED`: a required check that has not reported yet.
    Expected,
    /// No check runs and no statuses: `statusCheckRollup: null`.
    None,
}

impl FakeCi {
    /// The `statusCheckRollup` value GraphQL answers.
    pub(crate) fn rollup(self) -> Value {
        match self {
            FakeCi::Success => json!({"state": "SUCCESS"}),
            FakeCi::Failure => json!({"state": "FAILURE"}),
            FakeCi::Error => json!({"state": "ERROR"}),
            FakeCi::Pending => json!({"state": "PENDING"}),
            FakeCi::Expected => json!({"state": "EXPECTED"}),
            FakeCi::None => Value::Null,
        }
    }
}

/// One repository of the fake organisation.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeRepo {
    /// Repository name (without the owner).
    pub name: String,
    /// The GraphQL node id: derived from the name it was created with, and kept when the
    /// name changes (a rename), as GitHub's is.
    pub node_id: String,
    /// Archived repositories are listed with `archived: true`.
    pub archived: bool,
    /// Forks are listed with `fork: true`.
    pub fork: bool,
    /// An empty repository has no commits: GraphQL answers `defaultBranchRef: null`.
    pub empty: bool,
    /// Topics, as listed.
    pub topics: Vec<String>,
    /// `public`, `private` or `internal`.
    pub visibility: String,
    /// `pushed_at` in the listing (RFC 3339).
    pub pushed_at: String,
    /// The default branch's name (`main` unless changed).
    pub default_branch: String,
    /// The files of the default branch's head, path to text. Directories exist implicitly.
    pub files: BTreeMap<String, String>,
    /// CI state of the default branch's head.
    pub ci: FakeCi,
    /// Paths that are submodules (GraphQL `object` answers `__typename: "Commit"`).
    pub submodules: BTreeSet<String>,
    /// Paths of [`files`](Self::files) that are binary (`isBinary: true`, `text: null`).
    pub binary: BTreeSet<String>,
    /// Answer this repository's `statusCheckRollup` with `null` and an error whose `path` is
    /// `[alias, "defaultBranchRef", "target", "statusCheckRollup"]` (a partial, deep error).
    pub ci_error: bool,
}

impl FakeRepo {
    /// A public, non-archived, non-fork repository with no files and no CI.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        FakeRepo {
            node_id: format!("R_kgDO{:016x}", fnv1a_64(name.as_bytes())),
            name,
            archived: false,
            fork: false,
            empty: false,
            topics: Vec::new(),
            visibility: "public".into(),
            pushed_at: "2026-01-01T12:00:00Z".into(),
            default_branch: "main".into(),
            files: BTreeMap::new(),
            ci: FakeCi::None,
            submodules: BTreeSet::new(),
            binary: BTreeSet::new(),
            ci_error: false,
        }
    }

    /// The default branch's head commit id: it changes with a push (`pushed_at`), a switch of
    /// the default branch and the files, not with CI (a check finishing moves no commit).
    pub fn head_oid(&self) -> String {
        let mut content = String::new();
        for (path, text) in &self.files {
            content.push_str(path);
            content.push('\0');
            content.push_str(text);
            content.push('\0');
        }
        format!(
            "{:016x}{:016x}{:08x}",
            fnv1a_64(self.name.as_bytes()),
            fnv1a_64(format!("{}\n{}", self.default_branch, self.pushed_at).as_bytes()),
            fnv1a_64(content.as_bytes()) as u32
        )
    }

    /// Adds a submodule at `path`.
    pub fn submodule(mut self, path: impl Into<String>) -> Self {
        self.submodules.insert(path.into());
        self
    }

    /// Adds a binary file at `path`.
    pub fn binary_file(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.files.insert(path.clone(), String::new());
        self.binary.insert(path);
        self
    }

    /// Sets `pushed_at` to `secs` seconds before now.
    pub fn pushed_secs_ago(mut self, secs: u64) -> Self {
        self.pushed_at = rfc3339(now_secs().saturating_sub(secs));
        self
    }

    /// Adds a file to the default branch.
    pub fn file(mut self, path: impl Into<String>, text: impl Into<String>) -> Self {
        self.files.insert(path.into(), text.into());
        self
    }

    /// Sets the CI state.
    pub fn ci(mut self, ci: FakeCi) -> Self {
        self.ci = ci;
        self
    }

    /// A valid Backstage `Component` entity named `name` and owned by `owner`.
    pub fn component_yaml(name: &str, owner: &str) -> String {
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  \
             description: The {name} service\nspec:\n  type: service\n  lifecycle: production\n  \
             owner: {owner}\n"
        )
    }

    /// The `i`-th repository of the generated mix used by [`FakeGitHubBuilder::repos`](crate::FakeGitHubBuilder::repos):
    ///
    /// | rule | what |
    /// |---|---|
    /// | name | `service-{i:04}` |
    /// | `i % 25 == 3` / `== 4` | archived / fork |
    /// | `i % 50 == 5` | empty (no commits, no files) |
    /// | `i % 4` | topics `backend` (0), `frontend` (1), `backend`+`payments` (2), none (3) |
    /// | `i % 10 == 7`, else `i % 3 == 0` | `internal`, `private`; else `public` |
    /// | `i % 5 == 2` | no catalog file |
    /// | `i % 20 == 13` | the catalog file is `catalog-info.yml` (else `catalog-info.yaml`) |
    /// | `i == 9` | the catalog file is broken YAML |
    /// | `i % 10 == 0` | `mkdocs.yml` + `docs/index.md`, and a `dir:.` techdocs-ref |
    /// | `i % 3` | CI `SUCCESS` (0), `FAILURE` (1), none (2) |
    /// | owner | `team-{i % 8}` |
    pub fn generated(i: usize) -> FakeRepo {
        let name = format!("service-{i:04}");
        let mut repo = FakeRepo::new(name.clone());
        repo.archived = i % 25 == 3;
        repo.fork = i % 25 == 4;
        repo.empty = i % 50 == 5;
        repo.topics = match i % 4 {
            0 => vec!["backend".into()],
            1 => vec!["frontend".into()],
            2 => vec!["backend".into(), "payments".into()],
            _ => vec![],
        };
        repo.visibility = if i % 10 == 7 {
            "internal"
        } else if i % 3 == 0 {
            "private"
        } else {
            "public"
        }
        .into();
        repo.pushed_at = format!("2026-01-{:02}T12:00:00Z", 1 + i % 28);
        repo.ci = match i % 3 {
            0 => FakeCi::Success,
            1 => FakeCi::Failure,
            _ => FakeCi::None,
        };
        if repo.empty {
            repo.ci = FakeCi::None;
            return repo;
        }
        let owner = format!("team-{}", i % 8);
        if i % 5 != 2 {
            let path = if i % 20 == 13 {
                "catalog-info.yml"
            } else {
                "catalog-info.yaml"
            };
            let mut text = FakeRepo::component_yaml(&name, &owner);
            if i % 10 == 0 {
                text = text.replacen(
                    "  description:",
                    "  annotations:\n    backstage.io/techdocs-ref: dir:.\n  description:",
                    1,
                );
            }
            if i == 9 {
                text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: [unclosed\n"
                    .into();
            }
            repo.files.insert(path.into(), text);
        }
        if i % 10 == 0 {
            repo.files
                .insert("mkdocs.yml".into(), format!("site_name: {name}\n"));
            repo.files
                .insert("docs/index.md".into(), format!("# {name}\n"));
        }
        repo.files.insert("README.md".into(), format!("# {name}\n"));
        repo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_mix_has_every_kind() {
        let repos: Vec<FakeRepo> = (0..100).map(FakeRepo::generated).collect();
        assert!(repos.iter().any(|r| r.archived));
        assert!(repos.iter().any(|r| r.fork));
        assert!(repos.iter().any(|r| r.empty));
        assert!(repos
            .iter()
            .any(|r| r.files.contains_key("catalog-info.yml")));
        assert!(repos.iter().any(|r| r.files.contains_key("mkdocs.yml")));
        assert!(repos
            .iter()
            .any(|r| !r.empty && !r.files.keys().any(|f| f.starts_with("catalog-info"))));
    }
}
