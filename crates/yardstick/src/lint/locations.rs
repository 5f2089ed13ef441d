//! Following Location entities: relative targets and globs inside the scanned root, with
//! cycle detection; URLs into the scanned repository are read from its work tree, other URLs
//! are noted, not fetched. All targets of one Location form one batch.

use std::path::{Path, PathBuf};

use super::app_locations::file_targets;
use super::batches::Cause;
use super::discover::excluded;
use super::finding::Note;
use super::linter::Linter;
use super::repository::Repository;
use super::Finding;
use crate::catalog::EntityRecord;
use crate::rules::RuleId;
use crate::util::path::join_lexically;
use crate::yaml::CompactTree;

/// Where a Location entity stands: its file and that file's folder, the scanned root, the
/// files whose Locations led here, and how its file is shown.
pub(super) struct LocationSite<'a> {
    pub(super) file: &'a Path,
    pub(super) dir: &'a Path,
    pub(super) root: &'a Path,
    pub(super) chain: &'a [PathBuf],
    pub(super) display: &'a str,
    pub(super) document: usize,
    /// How the location that read this file resolves the targets of its Locations.
    pub(super) base: Base,
}

/// The type of the location a Location entity was read from, which decides how its targets
/// resolve (the catalog backend's `toAbsoluteUrl`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Base {
    /// Read by URL (as a discovered or given file is registered): targets are URLs relative
    /// to the file; `/x` is `x` at the repository's top.
    #[default]
    Url,
    /// Read by the file reader (an app-config `file` location): `./x` and `../x` are relative
    /// to the file, any other relative path to the backend's working directory.
    File,
}

/// What a `url` target's glob is: Backstage's URL readers search when the path has `*` or
/// `?`; node-glob (the file reader) also expands `[...]` and `{...}`.
pub(super) const URL_MAGIC: &[char] = &['*', '?'];
pub(super) const FILE_MAGIC: &[char] = &['*', '?', '[', '{'];

impl Linter<'_> {
    /// Queues the files a Location's targets name, as one batch, or reports why a target is
    /// not read. `blocked` says why the Location is not in the catalog, when it is not: its
    /// targets are then read only to tell each of their documents so. Returns the batch.
    pub(super) fn follow_location(
        &mut self,
        entity: &EntityRecord,
        source: &CompactTree,
        site: &LocationSite<'_>,
        blocked: Option<String>,
        origin: Option<usize>,
    ) -> usize {
        let batch = self.new_batch(blocked, origin);
        let own_type = entity.spec("type").and_then(|n| n.as_str());
        let base = match own_type {
            Some("file") => Base::File,
            Some("url") => Base::Url,
            _ => site.base,
        };
        if let Some(b) = self.batches.get_mut(batch) {
            b.base = base;
        }
        let optional = entity.spec("presence").and_then(|n| n.as_str()) == Some("optional");
        let reference = entity.reference.canonical();
        let mut chain = site.chain.to_vec();
        chain.push(site.file.to_path_buf());
        for (target, pointer) in location_targets(entity) {
            let span = Some(source.locate_value(&pointer));
            let note = |this: &mut Self, note: Note| {
                let mut f = Finding::new(
                    note.rule,
                    note.message,
                    site.display,
                    Some(site.document),
                    span,
                );
                f.pointer = Some(pointer.clone());
                f.entity = Some(reference.clone());
                this.report.findings.push(f);
            };
            let files = match self.target_files(&target, site, base, optional) {
                Ok(files) => files,
                Err(problem) => {
                    if let Some(problem) = problem {
                        // A required target that cannot be read fails the Location's batch.
                        if problem.rule == RuleId::LocationTargetMissing {
                            let cause = Cause {
                                file: site.display.to_string(),
                                document: Some(site.document),
                                stage: "read",
                            };
                            self.fail_batch(batch, cause);
                        }
                        note(self, problem);
                    }
                    continue;
                }
            };
            for real in files {
                // Symlinks may point elsewhere: check the real path too.
                if !real.starts_with(site.root) {
                    note(
                        self,
                        Note {
                            rule: RuleId::LocationOutsideRoot,
                            message: format!(
                                "target {target} resolves outside the scanned root; not read"
                            ),
                        },
                    );
                    continue;
                }
                if self
                    .setup
                    .as_ref()
                    .is_some_and(|s| excluded(&s.exclude, &real, site.root))
                {
                    continue;
                }
                if chain.contains(&real) {
                    let message = format!(
                        "target {target} leads back to {}, which is already being read",
                        self.display(&real, site.root)
                    );
                    note(
                        self,
                        Note {
                            rule: RuleId::LocationCycle,
                            message,
                        },
                    );
                    continue;
                }
                self.enqueue(real, site.root.to_path_buf(), chain.clone(), batch);
            }
        }
        batch
    }
}

/// `spec.target` and `spec.targets`, each with its pointer.
fn location_targets(entity: &EntityRecord) -> Vec<(String, String)> {
    let mut targets: Vec<(String, String)> = Vec::new();
    if let Some(t) = entity.spec("target").and_then(|n| n.as_str()) {
        targets.push((t.to_string(), "/spec/target".into()));
    }
    for (i, t) in entity
        .spec("targets")
        .and_then(|n| n.as_seq())
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(t) = t.as_str() {
            targets.push((t.to_string(), format!("/spec/targets/{i}")));
        }
    }
    targets
}

impl Linter<'_> {
    /// The real paths of the files a target names, or the note that says why there are none
    /// (`None` for an optional target that is absent). `base` is the target's type.
    fn target_files(
        &self,
        target: &str,
        site: &LocationSite<'_>,
        base: Base,
        optional: bool,
    ) -> Result<Vec<PathBuf>, Option<Note>> {
        let (joined, magic) = if is_url(target) {
            (
                url_file(self.options.repository.as_ref(), target).map_err(Some)?,
                URL_MAGIC,
            )
        } else {
            self.relative_target(target, site, base)?
        };
        if !joined.starts_with(site.root) {
            return Err(Note::some(
                RuleId::LocationOutsideRoot,
                format!(
                    "target {target} resolves outside the scanned root {}; not read",
                    site.root.display()
                ),
            ));
        }
        let files = file_targets(&joined, site.root, magic);
        if !files.is_empty() || joined.to_string_lossy().contains(magic) {
            return Ok(files);
        }
        if optional {
            return Err(None);
        }
        Err(Note::some(
            RuleId::LocationTargetMissing,
            format!("target {target} does not exist"),
        ))
    }

    /// A target that is not a URL, resolved as the location type that reads it resolves
    /// it, with the glob characters of that reader.
    fn relative_target(
        &self,
        target: &str,
        site: &LocationSite<'_>,
        base: Base,
    ) -> Result<(PathBuf, &'static [char]), Option<Note>> {
        let backend = self
            .options
            .app_catalog
            .as_ref()
            .map(|a| a.backend_dir.as_path());
        let resolved = match (base, backend) {
            (Base::File, _) if Path::new(target).is_absolute() => Some(PathBuf::from(target)),
            (Base::File, Some(backend)) if !target.starts_with('.') => {
                join_lexically(backend, target)
            }
            (Base::Url, _) if target.starts_with('/') => self
                .options
                .repository
                .as_ref()
                .and_then(|r| join_lexically(&r.work_tree, target.trim_start_matches('/'))),
            _ => join_lexically(site.dir, target),
        };
        let magic = match base {
            Base::Url => URL_MAGIC,
            Base::File => FILE_MAGIC,
        };
        match resolved {
            Some(path) => Ok((path, magic)),
            None => Err(Note::some(
                RuleId::LocationOutsideRoot,
                format!("target {target} is an absolute path; not followed"),
            )),
        }
    }
}

/// The work tree path a URL into the scanned repository names, or the note for a URL that
/// is not read.
pub(super) fn url_file(repository: Option<&Repository>, url: &str) -> Result<PathBuf, Note> {
    let Some(repository) = repository else {
        return Err(Note {
            rule: RuleId::LocationUrlNotFollowed,
            message: format!(
                "target {url} is a URL and was not followed (the scanned repository's URL is unknown: give --repo-url)"
            ),
        });
    };
    let elsewhere = || Note {
        rule: RuleId::LocationUrlElsewhere,
        message: format!("target {url} is outside the scanned repository; not followed"),
    };
    let target = repository.target(url).ok_or_else(elsewhere)?;
    join_lexically(&repository.work_tree, &target.path).ok_or_else(elsewhere)
}

pub(super) fn is_url(target: &str) -> bool {
    url::Url::parse(target).is_ok_and(|u| u.scheme().len() > 1)
}
