//! Lexical path arithmetic: `..` and `.` are folded without touching the file system.

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
