//! Whether a file next to a catalog file exists inside the scanned root (`input.local`'s
//! techdocs `mkdocs_found`), in as few system calls as the answer allows.
//!
//! The plain answer is a `stat` of the path and, when it is a file, its real path
//! (`canonicalize`): about eight system calls, each walking the whole path. A regular file
//! (`lstat`) in a directory that is the root or below it through real directories only (no
//! symlink on the way) has that path as its real path, so it is inside the root. The
//! directories above an entity's own are shared by many entities, and are checked once per
//! run. Anything else (a symlink, a `..`, a directory not known to be real) gets the plain
//! answer.

use std::collections::{BTreeSet, HashSet};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::RwLock;

/// How one scoring run finds files: a given set (catalogs read from memory), or the disk.
pub(super) enum FileLookup<'a> {
    /// Files known to exist, as [`crate::ScoreOptions::known_files`] lists them.
    Known(&'a BTreeSet<PathBuf>),
    /// The disk, with the directories found real so far.
    Disk(RealDirs),
}

impl<'a> FileLookup<'a> {
    /// The given set when there is one, else the disk.
    pub(super) fn new(known: Option<&'a BTreeSet<PathBuf>>) -> Self {
        known.map_or_else(|| FileLookup::Disk(RealDirs::default()), FileLookup::Known)
    }

    /// True when files are looked for on the disk (no given set).
    pub(super) fn on_disk(&self) -> bool {
        matches!(self, FileLookup::Disk(_))
    }

    /// Whether `path` (below `root`, the scanned root, which is a real path) is a file whose
    /// real path is inside `root`; symlinks are followed.
    pub(super) fn is_file_inside(&self, path: &Path, root: &Path) -> bool {
        match self {
            FileLookup::Known(known) => known.contains(path),
            FileLookup::Disk(dirs) => dirs.is_file_inside(path, root),
        }
    }
}

/// Directories strictly between a root and an entity's directory that were found to be
/// real directories (not symlinks), each reached through real directories from the root.
/// Kept as their bytes: hashing a `Path` goes component by component, and two spellings of
/// one directory only cost a second `lstat`.
#[derive(Default)]
pub(super) struct RealDirs {
    known: RwLock<HashSet<OsString>>,
}

impl RealDirs {
    fn is_file_inside(&self, path: &Path, root: &Path) -> bool {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => {
                path.parent()
                    .is_some_and(|dir| self.is_real_dir(dir, root, false))
                    || real_file_inside(path, root)
            }
            Ok(meta) if meta.file_type().is_symlink() => real_file_inside(path, root),
            // Missing, or not a file: `stat` says the same, as no symlink is at the end.
            _ => false,
        }
    }

    /// Whether `dir` is `root`, or a real directory below it reached through real
    /// directories only. `remember`: keep the answer (for ancestors, which entities share).
    fn is_real_dir(&self, dir: &Path, root: &Path, remember: bool) -> bool {
        let Ok(below) = dir.strip_prefix(root) else {
            return false;
        };
        if below.as_os_str().is_empty() {
            return true;
        }
        // `..` would make the lexical path differ from the real one.
        if !below
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return false;
        }
        if self.read().contains(dir.as_os_str()) {
            return true;
        }
        let real = dir
            .parent()
            .is_some_and(|parent| self.is_real_dir(parent, root, true))
            && std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
        if real && remember {
            self.write().insert(dir.as_os_str().to_os_string());
        }
        real
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashSet<OsString>> {
        self.known
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashSet<OsString>> {
        self.known
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The plain answer: `path` is a file (following symlinks) whose real path is inside `root`.
fn real_file_inside(path: &Path, root: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
        && path.canonicalize().is_ok_and(|real| real.starts_with(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "yardstick-local-files-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.canonicalize().unwrap()
    }

    /// The fast answer equals the plain one for files, symlinks and `..` in every place.
    #[cfg(unix)]
    #[test]
    fn agrees_with_the_real_path_everywhere() {
        let base = temp_root("agree");
        let root = base.join("root");
        let outside = base.join("outside");
        for dir in ["root/a/b", "root/c", "outside/d"] {
            std::fs::create_dir_all(base.join(dir)).unwrap();
        }
        for file in [
            "root/a/b/mkdocs.yml",
            "root/c/mkdocs.yml",
            "outside/d/mkdocs.yml",
        ] {
            std::fs::write(base.join(file), "site_name: x\n").unwrap();
        }
        let link =
            |target: &Path, at: &str| std::os::unix::fs::symlink(target, root.join(at)).unwrap();
        link(&outside.join("d"), "out-dir");
        link(&root.join("a"), "in-dir");
        link(&outside.join("d/mkdocs.yml"), "c/out.yml");
        link(&root.join("a/b/mkdocs.yml"), "c/in.yml");
        std::fs::create_dir_all(root.join("a/b/sub")).unwrap();
        let paths = [
            "a/b/mkdocs.yml",
            "a/b/mkdocs.yaml",
            "a/b",
            "c/mkdocs.yml",
            "c/out.yml",
            "c/in.yml",
            "out-dir/mkdocs.yml",
            "in-dir/b/mkdocs.yml",
            "a/b/sub/../mkdocs.yml",
            "a/../../outside/d/mkdocs.yml",
            "missing/mkdocs.yml",
        ];
        let dirs = RealDirs::default();
        for relative in paths {
            let path = root.join(relative);
            // Twice: the second answer comes with the directories remembered.
            for _ in 0..2 {
                assert_eq!(
                    dirs.is_file_inside(&path, &root),
                    real_file_inside(&path, &root),
                    "{relative}"
                );
            }
        }
        assert!(dirs.is_file_inside(&root.join("a/b/mkdocs.yml"), &root));
        assert!(!dirs.is_file_inside(&root.join("out-dir/mkdocs.yml"), &root));
        assert!(dirs.is_file_inside(&root.join("in-dir/b/mkdocs.yml"), &root));
        let _ = std::fs::remove_dir_all(&base);
    }
}
