//! Following Location entities: relative targets and globs inside the scanned root, with
//! cycle detection; URLs are noted, not fetched. All targets of one Location form one batch.

use std::path::{Path, PathBuf};

use globset::Glob;

use super::batches::Cause;
use super::discover::SKIPPED_DIRS;
use super::finding::Note;
use super::linter::Linter;
use super::Finding;
use crate::catalog::Entity;
use crate::rules::RuleId;
use crate::util::path::join_lexically;
use crate::yaml::Node;

/// Where a Location entity stands: its file and that file's folder, the scanned root, the
/// files whose Locations led here, and how its file is shown.
pub(super) struct LocationSite<'a> {
    pub(super) file: &'a Path,
    pub(super) dir: &'a Path,
    pub(super) root: &'a Path,
    pub(super) chain: &'a [PathBuf],
    pub(super) display: &'a str,
    pub(super) document: usize,
}

impl Linter<'_> {
    /// Queues the files a Location's targets name, as one batch, or reports why a target is
    /// not read. `blocked` says why the Location is not in the catalog, when it is not: its
    /// targets are then read only to tell each of their documents so.
    pub(super) fn follow_location(
        &mut self,
        entity: &Entity,
        source: &Node,
        site: &LocationSite<'_>,
        blocked: Option<String>,
        origin: Option<usize>,
    ) {
        let batch = self.new_batch(blocked, origin);
        let optional = entity.spec("presence").and_then(Node::as_str) == Some("optional");
        let reference = entity.reference.to_string();
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
            let files = match target_files(&target, site.dir, site.root, optional) {
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
    }
}

/// `spec.target` and `spec.targets`, each with its pointer.
fn location_targets(entity: &Entity) -> Vec<(String, String)> {
    let mut targets: Vec<(String, String)> = Vec::new();
    if let Some(t) = entity.spec("target").and_then(Node::as_str) {
        targets.push((t.to_string(), "/spec/target".into()));
    }
    for (i, t) in entity
        .spec("targets")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(t) = t.as_str() {
            targets.push((t.to_string(), format!("/spec/targets/{i}")));
        }
    }
    targets
}

/// The real paths of the files a target names, or the note that says why there are none
/// (`None` for an optional target that is absent).
fn target_files(
    target: &str,
    dir: &Path,
    root: &Path,
    optional: bool,
) -> Result<Vec<PathBuf>, Option<Note>> {
    if is_url(target) {
        return Err(Note::some(
            RuleId::LocationUrlNotFollowed,
            format!("target {target} is a URL and was not followed"),
        ));
    }
    let Some(joined) = join_lexically(dir, target) else {
        return Err(Note::some(
            RuleId::LocationOutsideRoot,
            format!("target {target} is an absolute path; not followed"),
        ));
    };
    if !joined.starts_with(root) {
        return Err(Note::some(
            RuleId::LocationOutsideRoot,
            format!(
                "target {target} resolves outside the scanned root {}; not read",
                root.display()
            ),
        ));
    }
    if target.contains(['*', '?', '[', '{']) {
        return glob_files(root, &joined).map_err(|e| {
            Note::some(
                RuleId::LocationTargetMissing,
                format!("target {target} is not a valid glob: {e}"),
            )
        });
    }
    match joined.canonicalize() {
        Ok(real) if real.is_file() => Ok(vec![real]),
        _ if optional => Err(None),
        _ => Err(Note::some(
            RuleId::LocationTargetMissing,
            format!("target {target} does not exist"),
        )),
    }
}

pub(super) fn is_url(target: &str) -> bool {
    url::Url::parse(target).is_ok_and(|u| u.scheme().len() > 1)
}

/// Files below `root` matching an absolute glob pattern.
fn glob_files(root: &Path, pattern: &Path) -> Result<Vec<PathBuf>, globset::Error> {
    let relative = pattern.strip_prefix(root).unwrap_or(pattern);
    let matcher = Glob::new(&relative.to_string_lossy())?.compile_matcher();
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(false)
        .require_git(false)
        .filter_entry(|e| !SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        .build()
        .flatten()
    {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            let p = entry.path();
            if matcher.is_match(p.strip_prefix(root).unwrap_or(p)) {
                if let Ok(real) = p.canonicalize() {
                    out.push(real);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}
