//! Following Location entities: relative targets and globs inside the scanned root, with
//! cycle detection; URLs are noted, not fetched.

use std::path::{Path, PathBuf};

use globset::Glob;

use super::discover::SKIPPED_DIRS;
use super::linter::Linter;
use super::Finding;
use crate::catalog::Entity;
use crate::rules::RuleId;
use crate::util::path::join_lexically;
use crate::yaml::Node;

impl Linter<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn follow_location(
        &mut self,
        entity: &Entity,
        source: &Node,
        file: &Path,
        dir: &Path,
        root: &Path,
        chain: &[PathBuf],
        display: &str,
        document: usize,
    ) {
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
        let optional = entity.spec("presence").and_then(Node::as_str) == Some("optional");
        let reference = entity.reference.to_string();
        let mut chain = chain.to_vec();
        chain.push(file.to_path_buf());
        for (target, pointer) in targets {
            let span = Some(source.locate_value(&pointer));
            let note = |this: &mut Self, rule_id: RuleId, message: String| {
                let mut f = Finding::new(rule_id, message, display, Some(document), span);
                f.pointer = Some(pointer.clone());
                f.entity = Some(reference.clone());
                this.report.findings.push(f);
            };
            if is_url(&target) {
                note(
                    self,
                    RuleId::LocationUrlNotFollowed,
                    format!("target {target} is a URL and was not followed"),
                );
                continue;
            }
            let Some(joined) = join_lexically(dir, &target) else {
                note(
                    self,
                    RuleId::LocationOutsideRoot,
                    format!("target {target} is an absolute path; not followed"),
                );
                continue;
            };
            if !joined.starts_with(root) {
                note(
                    self,
                    RuleId::LocationOutsideRoot,
                    format!(
                        "target {target} resolves outside the scanned root {}; not read",
                        root.display()
                    ),
                );
                continue;
            }
            let files = if target.contains(['*', '?', '[', '{']) {
                match glob_files(root, &joined) {
                    Ok(files) => files,
                    Err(e) => {
                        note(
                            self,
                            RuleId::LocationTargetMissing,
                            format!("target {target} is not a valid glob: {e}"),
                        );
                        continue;
                    }
                }
            } else {
                match joined.canonicalize() {
                    Ok(real) if real.is_file() => vec![real],
                    _ => {
                        if !optional {
                            note(
                                self,
                                RuleId::LocationTargetMissing,
                                format!("target {target} does not exist"),
                            );
                        }
                        continue;
                    }
                }
            };
            for real in files {
                // Symlinks may point elsewhere: check the real path too.
                if !real.starts_with(root) {
                    note(
                        self,
                        RuleId::LocationOutsideRoot,
                        format!("target {target} resolves outside the scanned root; not read"),
                    );
                    continue;
                }
                if chain.contains(&real) {
                    note(
                        self,
                        RuleId::LocationCycle,
                        format!(
                            "target {target} leads back to {}, which is already being read",
                            self.display(&real, root)
                        ),
                    );
                    continue;
                }
                self.enqueue(real, root.to_path_buf(), chain.clone());
            }
        }
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
