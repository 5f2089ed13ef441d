//! The repository being scanned, so that URL location targets pointing into it can be read
//! from the work tree: `https://github.com/acme/web/blob/main/catalog-info.yaml` is
//! `catalog-info.yaml` at the work tree's top.

use std::path::{Path, PathBuf};

use crate::util::percent::decode;

/// A repository's URL and the local work tree that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// Host, lowercased (`github.com`).
    host: String,
    /// The repository path below the host, lowercased, without `.git` (`acme/web`).
    path: String,
    /// The work tree's top folder.
    pub work_tree: PathBuf,
}

/// Where a URL into the repository leads in the work tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RepoTarget {
    /// The file (or glob) below the work tree's top, `/`-separated, percent-decoded.
    pub(super) path: String,
    /// The ref as read from the URL (the segments before `path`).
    pub(super) reference: String,
}

impl Repository {
    /// A repository from a clone URL (`https://host/owner/name(.git)`, `git@host:owner/name`,
    /// `ssh://git@host/owner/name`) or a web URL of its top; `None` when no host and path can
    /// be read from it.
    ///
    /// ```
    /// use yardstick::Repository;
    /// let a = Repository::new("git@github.com:Acme/web.git", "/src/web".into()).unwrap();
    /// let b = Repository::new("https://github.com/acme/web", "/src/web".into()).unwrap();
    /// assert_eq!(a, b);
    /// assert!(Repository::new("/srv/git/web", "/src/web".into()).is_none());
    /// ```
    pub fn new(url: &str, work_tree: PathBuf) -> Option<Repository> {
        let url = url.trim();
        let (host, path) = match url::Url::parse(url) {
            Ok(u) if u.host_str().is_some() => (
                u.host_str().unwrap_or_default().to_string(),
                u.path().to_string(),
            ),
            // scp-like `user@host:owner/name`: no scheme, a colon before the first slash.
            _ => {
                let (before, after) = url.split_once(':')?;
                if before.contains('/') || after.starts_with("//") {
                    return None;
                }
                let host = before.rsplit('@').next().unwrap_or(before);
                (host.to_string(), after.to_string())
            }
        };
        let path = path.trim_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path);
        if host.is_empty() || path.split('/').filter(|s| !s.is_empty()).count() < 2 {
            return None;
        }
        Some(Repository {
            host: host.to_ascii_lowercase(),
            path: path.to_ascii_lowercase(),
            work_tree,
        })
    }

    /// The repository of the git work tree holding `path`, with the URL of its `origin`
    /// remote as `.git/config` names it (git itself is not run). `None` outside a work tree,
    /// or when there is no such remote or its URL names no host.
    pub fn from_git(path: &Path) -> Option<Repository> {
        let top = Repository::work_tree_top(path)?;
        let config = std::fs::read_to_string(git_dir_config(&top)?).ok()?;
        let url = origin_url(&config)?;
        Repository::new(&url, top)
    }

    /// The top of the git work tree holding `path` (the nearest folder with a `.git` folder
    /// or file).
    pub fn work_tree_top(path: &Path) -> Option<PathBuf> {
        let start = path.canonicalize().ok()?;
        start
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .map(Path::to_path_buf)
    }

    /// Where a URL into this repository leads (`/blob/`, `/tree/`, `/raw/`, `/src/` or
    /// `/edit/` followed by the ref and the path, as Backstage's URL parser reads it);
    /// `None` for a URL elsewhere. A ref may hold `/`: Backstage's parser takes the first
    /// segment as the ref, so that split is taken unless it names nothing in the work tree
    /// and a later one does.
    pub(super) fn target(&self, url: &str) -> Option<RepoTarget> {
        let parsed = url::Url::parse(url).ok()?;
        if !parsed
            .host_str()
            .is_some_and(|h| h.eq_ignore_ascii_case(&self.host))
        {
            return None;
        }
        let segments: Vec<String> = parsed.path_segments()?.map(decode).collect();
        let depth = self.path.split('/').count();
        let repo: Vec<String> = segments
            .iter()
            .take(depth)
            .map(|s| s.to_ascii_lowercase())
            .collect();
        if repo.join("/").trim_end_matches(".git") != self.path {
            return None;
        }
        let mut rest = &segments[depth.min(segments.len())..];
        if rest.first().is_some_and(|s| s == "-") {
            rest = &rest[1..];
        }
        let (kind, rest) = rest.split_first()?;
        if !["blob", "tree", "raw", "src", "edit"].contains(&kind.as_str()) || rest.len() < 2 {
            return None;
        }
        let split = (1..rest.len())
            .find(|&k| self.names_something(&rest[k..]))
            .unwrap_or(1);
        Some(RepoTarget {
            reference: rest[..split].join("/"),
            path: rest[split..].join("/"),
        })
    }

    /// Whether a path (or the part of a glob before its first wildcard) exists in the work
    /// tree.
    fn names_something(&self, parts: &[String]) -> bool {
        let literal: Vec<&String> = parts
            .iter()
            .take_while(|p| !p.contains(['*', '?', '[', '{']))
            .collect();
        let mut path = self.work_tree.clone();
        for part in &literal {
            path.push(part.as_str());
        }
        path.exists()
    }
}

/// The config file of a work tree's repository: `.git/config`, or for a linked work tree
/// (`.git` is a file `gitdir: ...`), the config of the repository it belongs to.
fn git_dir_config(top: &Path) -> Option<PathBuf> {
    let dot_git = top.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git.join("config"));
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let git_dir = top.join(text.trim().strip_prefix("gitdir:")?.trim());
    let common = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(c) => git_dir.join(c.trim()),
        Err(_) => git_dir,
    };
    Some(common.join("config"))
}

/// The `url` of `[remote "origin"]` in a git config file.
fn origin_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let section: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            in_origin = section == "[remote\"origin\"]";
        } else if in_origin {
            if let Some((key, value)) = line.split_once('=') {
                if key.trim().eq_ignore_ascii_case("url") {
                    return Some(value.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(dir: &Path) -> Repository {
        Repository::new("https://github.com/acme/web.git", dir.to_path_buf()).unwrap()
    }

    #[test]
    fn origin_url_is_read_from_its_section_only() {
        let config = "[core]\n\turl = nope\n[remote \"upstream\"]\n\turl = https://x/y/z\n[remote \"origin\"]\n\tfetch = +refs/*\n\turl = git@github.com:acme/web.git\n";
        assert_eq!(
            origin_url(config).as_deref(),
            Some("git@github.com:acme/web.git")
        );
        assert_eq!(origin_url("[remote \"upstream\"]\nurl = a"), None);
    }

    #[test]
    fn urls_elsewhere_are_not_targets() {
        let r = repo(Path::new("/nonexistent"));
        assert!(r
            .target("https://github.com/acme/api/blob/main/a.yaml")
            .is_none());
        assert!(r
            .target("https://gitlab.com/acme/web/blob/main/a.yaml")
            .is_none());
        assert!(r.target("https://github.com/acme/web/issues/1").is_none());
        assert!(r.target("https://github.com/acme/web").is_none());
    }

    #[test]
    fn the_first_segment_is_the_ref_unless_a_longer_ref_names_a_file() {
        let dir = std::env::temp_dir().join(format!("yardstick-repo-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("cat")).unwrap();
        std::fs::write(dir.join("cat/a.yaml"), "").unwrap();
        let r = repo(&dir);
        let plain = r
            .target("https://github.com/Acme/web/blob/main/cat/a.yaml")
            .unwrap();
        assert_eq!(
            (plain.reference.as_str(), plain.path.as_str()),
            ("main", "cat/a.yaml")
        );
        let slashed = r
            .target("https://github.com/acme/web/tree/feature/x/cat/a%20b*.yaml")
            .unwrap();
        assert_eq!(slashed.reference, "feature/x");
        assert_eq!(slashed.path, "cat/a b*.yaml");
        // Nothing exists under any split: Backstage's reading.
        let missing = r
            .target("https://github.com/acme/web/blob/a/b/c.yaml")
            .unwrap();
        assert_eq!(
            (missing.reference.as_str(), missing.path.as_str()),
            ("a", "b/c.yaml")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
