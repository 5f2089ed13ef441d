//! Location batches, ingested all or nothing as the catalog backend does: everything one
//! location's processing emits (all documents of all its targets; a discovered or given file
//! is a location of its own) is stored only when none of it fails at the YAML or envelope
//! stage, no target is missing and no kind breaks the catalog rules. Otherwise the backend's
//! orchestrator returns `ok: false` and only the errors are stored, so the documents that
//! passed on their own are not in the catalog either, and a Location among them is never read.
//! A nested Location is itself stored only when its own batch is ok: its processing is what
//! reads its targets, and the engine stores nothing of a processing that is not ok.

use std::path::PathBuf;

use super::linter::Linter;
use super::locations::{Base, LocationSite};
use super::{Finding, LoadedEntity};
use crate::rules::RuleId;
use crate::yaml::Span;

/// The first thing, in file and document order, that fails a batch.
pub(super) struct Cause {
    /// The file, as findings show it.
    pub(super) file: String,
    /// The document, when the cause is one (not the whole file).
    pub(super) document: Option<usize>,
    /// The ingestion stage that failed: `read`, `yaml`, `envelope` or `rules`.
    pub(super) stage: &'static str,
}

/// A document that passed on its own, waiting for its batch's verdict.
pub(super) struct Member {
    pub(super) loaded: LoadedEntity,
    /// For a Location: the files whose Locations led to its file (cycle detection).
    pub(super) chain: Option<Vec<PathBuf>>,
}

/// The nested Location entity whose processing a batch is.
pub(super) struct LocationLink {
    /// Its file's index in the report, and its document.
    file: usize,
    document: usize,
    /// Its file, as findings show it, and the document's span.
    display: String,
    span: Span,
    reference: String,
}

/// One location's batch. A discovered file is a batch of its own, so there are as many as
/// files: the parts few batches have (`via`, `cause`) are boxed.
#[derive(Default)]
pub(super) struct Batch {
    /// Files queued for the batch and not applied yet; the batch settles at zero.
    pending: usize,
    /// Whether any file was queued: Backstage tells a Location whose targets were read and
    /// failed from one with nothing to read.
    read: bool,
    /// The nested Location (in the catalog so far) whose processing this batch is.
    via: Option<Box<LocationLink>>,
    /// Why the batch is never read: the Location leading here is not ingested.
    blocked: Option<String>,
    /// The app-config location everything in the batch comes from (its rules apply).
    pub(super) origin: Option<usize>,
    /// How its Locations' targets resolve: read by URL or as files.
    pub(super) base: Base,
    cause: Option<Box<Cause>>,
    members: Vec<Member>,
}

impl Linter<'_> {
    /// A new, empty batch; `blocked` says which Location that is not ingested leads to it,
    /// `origin` which app-config location it comes from.
    pub(super) fn new_batch(&mut self, blocked: Option<String>, origin: Option<usize>) -> usize {
        self.batches.push(Batch {
            blocked,
            origin,
            ..Batch::default()
        });
        self.batches.len() - 1
    }

    /// Counts a file queued for `batch`.
    pub(super) fn expect_file(&mut self, batch: usize) {
        if let Some(b) = self.batches.get_mut(batch) {
            b.pending += 1;
            b.read = true;
        }
    }

    /// Records what fails `batch`, unless something earlier already did.
    pub(super) fn fail_batch(&mut self, batch: usize, cause: Cause) {
        if let Some(b) = self.batches.get_mut(batch) {
            b.cause.get_or_insert_with(|| Box::new(cause));
        }
    }

    /// Adds a document that passed on its own to `batch`.
    pub(super) fn add_member(&mut self, batch: usize, member: Member) {
        if let Some(b) = self.batches.get_mut(batch) {
            b.members.push(member);
        }
    }

    /// Counts a file of `batch` as applied (or skipped); settles the batch after its last.
    pub(super) fn file_done(&mut self, batch: usize) {
        let Some(b) = self.batches.get_mut(batch) else {
            return;
        };
        b.pending = b.pending.saturating_sub(1);
        if b.pending == 0 {
            self.settle(batch);
        }
    }

    /// The batch's verdict: its documents enter the catalog and its Locations are followed,
    /// or every document gets an error saying why it is not ingested, and its Locations'
    /// targets are read only to say that they are not.
    fn settle(&mut self, batch: usize) {
        let Some(b) = self.batches.get_mut(batch) else {
            return;
        };
        let members = std::mem::take(&mut b.members);
        let (origin, base) = (b.origin, b.base);
        let via = b.via.take();
        let dropped = via.zip(b.cause.as_ref().map(|c| b.read.then(|| targets_message(c))));
        if let Some((via, message)) = dropped {
            self.drop_location(*via, message);
        }
        let Some(b) = self.batches.get(batch) else {
            return;
        };
        let failure = match (&b.blocked, &b.cause) {
            (Some(reason), _) => Some((RuleId::LocationNotRead, format!("not read: {reason}"))),
            (None, Some(cause)) => Some((RuleId::LocationBatchFailed, failure_message(cause))),
            (None, None) => None,
        };
        for member in members {
            let loaded = member.loaded;
            // Nearly every member: an entity of a batch that passed, and not a Location.
            if failure.is_none() && member.chain.is_none() {
                self.report.catalog.entities.push(loaded);
                continue;
            }
            let file = &self.report.files[loaded.file];
            let (path, root, display) =
                (file.path.clone(), file.root.clone(), file.display.clone());
            let reference = loaded.entity.reference.canonical();
            if let Some((rule, message)) = &failure {
                let mut f = Finding::new(
                    *rule,
                    message.clone(),
                    &display,
                    Some(loaded.document),
                    Some(loaded.source().span()),
                );
                f.entity = Some(reference.clone());
                self.report.findings.push(f);
            }
            if let Some(chain) = member.chain {
                let blocked = failure.is_some().then(|| {
                    format!(
                        "{reference} in {display} (document {}), the Location that leads here, is not in the catalog",
                        loaded.document
                    )
                });
                let dir = path.parent().unwrap_or(&root).to_path_buf();
                let site = LocationSite {
                    file: &path,
                    dir: &dir,
                    root: &root,
                    chain: &chain,
                    display: &display,
                    document: loaded.document,
                    base,
                };
                let child =
                    self.follow_location(&loaded.entity, loaded.source(), &site, blocked, origin);
                if failure.is_none() {
                    let link = LocationLink {
                        file: loaded.file,
                        document: loaded.document,
                        display: display.clone(),
                        span: loaded.source().span(),
                        reference: reference.clone(),
                    };
                    self.link_location(child, link);
                }
            }
            if failure.is_none() {
                self.report.catalog.entities.push(loaded);
            }
        }
    }
}

impl Linter<'_> {
    /// Ties `batch` to the Location whose targets it holds; a batch with nothing queued (every
    /// target missing, absent or not followed) settles at once.
    fn link_location(&mut self, batch: usize, link: LocationLink) {
        let Some(b) = self.batches.get_mut(batch) else {
            return;
        };
        b.via = Some(Box::new(link));
        if b.pending == 0 {
            self.settle(batch);
        }
    }

    /// Keeps a Location out of the catalog: its own batch failed. `message`, when its targets
    /// were read, says so; a Location with nothing to read already has its target's error.
    fn drop_location(&mut self, via: LocationLink, message: Option<String>) {
        self.unstored.insert((via.file, via.document));
        if let Some(message) = message {
            let mut f = Finding::new(
                RuleId::LocationTargetsFailed,
                message,
                &via.display,
                Some(via.document),
                Some(via.span),
            );
            f.entity = Some(via.reference);
            self.report.findings.push(f);
        }
    }
}

impl Cause {
    /// What failed, as messages name it: a document of a file, or the file.
    fn what(&self) -> String {
        match self.document {
            Some(d) => format!("document {d} of {}", self.file),
            None => self.file.clone(),
        }
    }
}

/// What a Location whose own targets' batch failed is told.
fn targets_message(cause: &Cause) -> String {
    format!(
        "not ingested: {}, which its targets read, failed at the {} stage, and Backstage stores a Location only when the processing that reads its targets succeeds",
        cause.what(),
        cause.stage
    )
}

/// What a document of a failed batch is told.
fn failure_message(cause: &Cause) -> String {
    format!(
        "not ingested: {} failed at the {} stage, and Backstage ingests a location's documents all or nothing",
        cause.what(),
        cause.stage
    )
}

/// The stage a rejected document's envelope problem belongs to.
pub(super) fn envelope_stage(rule: RuleId) -> &'static str {
    if rule == RuleId::YamlNotAnObject {
        "yaml"
    } else {
        "envelope"
    }
}
