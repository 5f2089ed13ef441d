//! Finding catalog files below a directory, honouring `.gitignore`.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::LintError;

const DEFAULT_NAMES: [&str; 2] = ["catalog-info.yaml", "catalog-info.yml"];
const SKIPPED_DIRS: [&str; 3] = [".git", "target", "node_modules"];

pub(super) fn globset(globs: &[String]) -> Result<GlobSet, LintError> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g).map_err(|source| LintError::Glob {
            glob: g.clone(),
            source,
        })?;
        b.add(glob);
    }
    b.build().map_err(|source| LintError::Glob {
        glob: globs.join(", "),
        source,
    })
}
/// Whether `exclude` matches `path` (relative to `root`) or one of its folders.
pub(super) fn excluded(exclude: &GlobSet, path: &Path, root: &Path) -> bool {
    // Each match builds a candidate path per folder: not worth it when nothing is excluded.
    if exclude.is_empty() {
        return false;
    }
    let relative = path.strip_prefix(root).unwrap_or(path);
    exclude.is_match(relative)
        || relative
            .ancestors()
            .any(|a| !a.as_os_str().is_empty() && exclude.is_match(a))
}

/// The names of an MkDocs configuration, which the TechDocs check looks for.
const MKDOCS_NAMES: [&str; 2] = ["mkdocs.yml", "mkdocs.yaml"];

/// What a walk found: the catalog files, sorted, and the folders in which it met a regular
/// MkDocs configuration (see [`MKDOCS_NAMES`]).
pub(super) struct Discovered {
    pub(super) files: Vec<PathBuf>,
    pub(super) mkdocs_folders: Vec<PathBuf>,
}

/// Finds catalog files below `root`, honouring `.gitignore`; and on the way, when `mkdocs`,
/// the folders that hold an MkDocs configuration, which spares the TechDocs check its file
/// system calls for those (a folder not met says nothing: it may be ignored).
pub(super) fn discover(
    root: &Path,
    include: &GlobSet,
    exclude: &GlobSet,
    mkdocs: bool,
) -> Result<Discovered, LintError> {
    use ignore::WalkState;
    use std::sync::Mutex;
    // Walking a large monorepo is mostly system calls: ignore's parallel walker spreads
    // them over the threads; the sort below makes the order independent of it.
    let found = Mutex::new(Vec::new());
    let mkdocs_folders = Mutex::new(Vec::new());
    let failures = Mutex::new(Vec::new());
    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.file_type().is_some_and(|t| t.is_dir()) && SKIPPED_DIRS.contains(&name.as_ref()))
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        lock(&failures).push(e.to_string());
                        return WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                let path = entry.path();
                let name = entry.file_name().to_string_lossy();
                // A regular file met walking real folders from the (real) root: its path is
                // its real path, inside the root.
                if mkdocs && MKDOCS_NAMES.contains(&name.as_ref()) {
                    if let Some(folder) = path.parent() {
                        lock(&mkdocs_folders).push(folder.to_path_buf());
                    }
                }
                if excluded(exclude, path, root) {
                    return WalkState::Continue;
                }
                let relative = path.strip_prefix(root).unwrap_or(path);
                if DEFAULT_NAMES.contains(&name.as_ref()) || include.is_match(relative) {
                    lock(&found).push(path.to_path_buf());
                }
                WalkState::Continue
            })
        });
    // Every failure is collected, the first in sorted order reported: the same one
    // whatever order the threads met them in.
    if let Some(message) = lock(&failures).iter().min().cloned() {
        return Err(LintError::Io {
            path: root.to_path_buf(),
            source: std::io::Error::other(message),
        });
    }
    let mut files = std::mem::take(&mut *lock(&found));
    files.sort_unstable_by(|a, b| path_order(a, b));
    let mkdocs_folders = std::mem::take(&mut *lock(&mkdocs_folders));
    Ok(Discovered {
        files,
        mkdocs_folders,
    })
}

/// `a.cmp(b)` for paths the walker gives (no `.` and no repeated or trailing separator),
/// without splitting them into components: with a separator ranked below every other byte,
/// comparing the bytes compares the components. A tenth of the time on 50,000 paths.
pub(super) fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let rank = |byte: u8| {
        if std::path::is_separator(char::from(byte)) {
            0
        } else {
            u16::from(byte) + 1
        }
    };
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(at) => rank(a[at]).cmp(&rank(b[at])),
        None => a.len().cmp(&b.len()),
    }
}

/// A path with `/` between its parts: `services/a/catalog-info.yaml`, `/srv/x.yaml`,
/// `C:/x.yaml`. A path outside the display base keeps its root (one slash, not two).
pub(super) fn slash_path(path: &Path) -> String {
    use std::path::Component;
    let mut out = String::new();
    for part in path.components() {
        match part {
            Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
            Component::RootDir => out.push('/'),
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The byte order with separators first is the components' order.
    #[test]
    fn path_order_is_the_components_order() {
        let paths = [
            "/r/a", "/r/a/b", "/r/a-b", "/r/a.b", "/r/a/b-c", "/r/a/bc", "/r/ab", "/r/a0", "/r/A",
            "/r/a/b/c", "/r/é", "/r/e", "/r", "/r/a b", "/r/a/!",
        ];
        for a in paths {
            for b in paths {
                let (a, b) = (Path::new(a), Path::new(b));
                assert_eq!(super::path_order(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
