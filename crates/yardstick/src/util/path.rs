//! Lexical path arithmetic: `..` and `.` are folded without touching the file system; and
//! the top of the git work tree a path lies in.

use std::path::{Component, Path, PathBuf};

/// `dir` joined with the relative `target`, with `.` dropped and `..` popping a component.
///
/// `None` for an absolute target. Lint (Location targets, placeholders) and the org scan's
/// techdocs probes both resolve through this one function, so what the scan fetches is
/// exactly what the check then looks for.
///
/// ```
/// use std::path::Path;
/// use yardstick::util::path::join_lexically;
///
/// let joined = join_lexically(Path::new("repo/docs"), "../src/./lib").unwrap();
/// assert_eq!(joined, Path::new("repo/src/lib"));
/// assert_eq!(join_lexically(Path::new("repo"), "/etc"), None);
/// ```
pub fn join_lexically(dir: &Path, target: &str) -> Option<PathBuf> {
    let target = Path::new(target);
    if target.is_absolute() {
        return None;
    }
    let mut out = dir.to_path_buf();
    for component in target.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(part) => out.push(part),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// The top of the git work tree that `dir` lies in: the nearest of `dir` and its ancestors
/// holding a `.git` (a folder, or the file of a linked work tree or submodule). Only the
/// file system is asked; `git` is not run.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("yardstick-doc-git-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join(".git")).unwrap();
/// std::fs::create_dir_all(dir.join("a/b")).unwrap();
/// let top = yardstick::util::path::git_work_tree_top(&dir.join("a/b"));
/// assert_eq!(top.as_deref(), Some(dir.as_path()));
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn git_work_tree_top(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}
