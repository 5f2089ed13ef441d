//! What a streamed lint reads: files held in memory, or catalog files on disk found as
//! [`lint_paths`](crate::lint_paths) finds them and read only when a pass reaches them.

use std::collections::HashSet;
use std::path::PathBuf;

use globset::GlobSet;

use super::discover::{discover, globset};
use super::{LintError, LintOptions, SourceFile};
use crate::util::path::git_work_tree_top;

/// A catalog file on disk, to be read when a streamed pass reaches it (see
/// [`catalog_files`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogFile {
    /// The canonical path.
    pub path: PathBuf,
    /// The scanned root it was found under; paths from the file stay inside it.
    pub root: PathBuf,
}

/// One source of a streamed lint ([`CatalogIndex`](crate::CatalogIndex),
/// [`Scorer::score_stream`](crate::Scorer::score_stream)).
#[derive(Debug, Clone)]
pub enum Source {
    /// A file held in memory: linted as [`lint_files`](crate::lint_files) lints it, without
    /// reading placeholders or following Locations.
    Loaded(SourceFile),
    /// A file on disk: read (on a worker thread) and linted as
    /// [`lint_paths`](crate::lint_paths) lints it, placeholders included.
    OnDisk(CatalogFile),
}

impl From<SourceFile> for Source {
    fn from(file: SourceFile) -> Self {
        Source::Loaded(file)
    }
}

impl From<CatalogFile> for Source {
    fn from(file: CatalogFile) -> Self {
        Source::OnDisk(file)
    }
}

/// The catalog files [`lint_paths`](crate::lint_paths) would read from `paths` before
/// following any Location, in the order it reads them, each once: the sources of a streamed
/// run of the same catalog.
///
/// Refused with an app-config (`options.app_catalog`): what it reads comes from Locations.
///
/// ```
/// use yardstick::{catalog_files, LintOptions};
/// let files = catalog_files(&["../../fixtures/demo".into()], &LintOptions::default()).unwrap();
/// assert!(files.iter().all(|f| f.path.ends_with("catalog-info.yaml")));
/// assert!(files.len() > 1);
/// ```
pub fn catalog_files(
    paths: &[PathBuf],
    options: &LintOptions,
) -> Result<Vec<CatalogFile>, LintError> {
    if options.app_catalog.is_some() {
        return Err(LintError::AppConfig(
            "a catalog read through an app-config's locations cannot be streamed".into(),
        ));
    }
    let include = globset(&options.include)?;
    let exclude = globset(&options.exclude)?;
    let mut seen = HashSet::new();
    // A stream keeps no MkDocs folders: its files' checks read the disk.
    let scanned = scanned_files(paths, &include, &exclude, false)?;
    Ok((scanned.files.into_iter())
        // The linter reads a file reached twice (through two scanned paths) once, first.
        .filter(|(path, _)| seen.insert(path.clone()))
        .map(|(path, root)| CatalogFile { path, root })
        .collect())
}

/// The catalog files under some paths, and the folders among them known to hold an
/// MkDocs configuration.
pub(super) struct Scanned {
    /// Each catalog file with the root it was found under, in the order given.
    pub(super) files: Vec<(PathBuf, PathBuf)>,
    /// Folders in which a walk met a regular `mkdocs.yml` or `mkdocs.yaml`.
    pub(super) mkdocs_folders: HashSet<PathBuf>,
}

/// Each catalog file under `paths` with the root it was found under, in the order given:
/// a directory's discovered files, or a file given itself (whose root is its git work tree's
/// top, else its folder, since its relative paths may reach across its repository); and,
/// when `mkdocs`, the folders discovery met an MkDocs configuration in.
pub(super) fn scanned_files(
    paths: &[PathBuf],
    include: &GlobSet,
    exclude: &GlobSet,
    mkdocs: bool,
) -> Result<Scanned, LintError> {
    let mut scanned = Scanned {
        files: Vec::new(),
        mkdocs_folders: HashSet::new(),
    };
    for path in paths {
        let io = |source| LintError::Io {
            path: path.clone(),
            source,
        };
        let canonical = path.canonicalize().map_err(io)?;
        let meta = std::fs::metadata(&canonical).map_err(io)?;
        if meta.is_dir() {
            let found = discover(&canonical, include, exclude, mkdocs)?;
            for file in found.files {
                scanned.files.push((file, canonical.clone()));
            }
            scanned.mkdocs_folders.extend(found.mkdocs_folders);
        } else {
            let folder = canonical.parent().unwrap_or(&canonical).to_path_buf();
            let root = git_work_tree_top(&folder).unwrap_or(folder);
            scanned.files.push((canonical, root));
        }
    }
    Ok(scanned)
}
