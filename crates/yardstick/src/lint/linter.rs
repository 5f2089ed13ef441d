//! The linter: reads, parses and validates queued files (in parallel per batch) and applies
//! the results in queue order, so that the output does not depend on the thread count.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ahead::{prepare_ahead, ToRead};
use super::app_locations::CatalogSetup;
use super::batches::{envelope_stage, Batch, Cause, Member};
use super::finding::SecondaryLabel;
use super::reader::{display_path, unread, CheckedDocument, FileReader, ParsedFile, Prepared};
use super::{Finding, Keep, Kept, LintOptions, LintReport, LoadedEntity, SourceFile};
use crate::catalog::Problem;
use crate::rules::RuleId;
use crate::util::shared_str::StrCache;
use crate::yaml::{CompactTree, Projection, Span, YamlError, YamlErrorKind};

pub(super) struct Linter<'o> {
    pub(super) options: &'o LintOptions,
    pub(super) report: LintReport,
    /// Canonical path -> index into files, of the files applied before this round (see
    /// [`Linter::record_visits`]).
    pub(super) visited: HashMap<PathBuf, usize>,
    /// Files of this round not in `visited` yet: a round of distinct files never read before
    /// (the discovered files) looks none up, so their paths are hashed only should a later
    /// round (a Location's targets) need them.
    pub(super) unrecorded: Vec<usize>,
    pub(super) queue: VecDeque<Queued>,
    pub(super) display_base: Option<PathBuf>,
    /// Every location's batch; [`Queued::batch`] indexes it.
    pub(super) batches: Vec<Batch>,
    /// Nested Locations (file index, document) whose own batch failed: not in the catalog.
    pub(super) unstored: HashSet<(usize, usize)>,
    /// The app-config's locations and rules, when linting as an instance ingests.
    pub(super) setup: Option<CatalogSetup>,
    /// Folders discovery met a regular MkDocs configuration in (see [`Kept::mkdocs`]).
    pub(super) mkdocs_folders: HashSet<PathBuf>,
}

/// A queued file and the scanned root it was found under.
pub(super) type Place = (PathBuf, PathBuf);

/// A file waiting to be read.
pub(super) struct Queued {
    pub(super) file: PathBuf,
    /// The scanned root it was found under.
    pub(super) root: PathBuf,
    /// The files whose Locations led here.
    pub(super) chain: Vec<PathBuf>,
    /// The location batch it belongs to.
    pub(super) batch: usize,
}

impl<'o> Linter<'o> {
    /// A linter with nothing read yet.
    pub(super) fn new(options: &'o LintOptions, display_base: Option<PathBuf>) -> Self {
        let kept = match &options.keep {
            Keep::Parts(parts) => Some(Kept::new(parts, options.limits)),
            Keep::Everything => None,
        };
        Linter {
            options,
            report: LintReport {
                kept,
                ..LintReport::default()
            },
            visited: HashMap::new(),
            unrecorded: Vec::new(),
            queue: VecDeque::new(),
            display_base,
            batches: Vec::new(),
            unstored: HashSet::new(),
            setup: None,
            mkdocs_folders: HashSet::new(),
        }
    }

    /// Lints a file held in memory, as a location of its own.
    pub(super) fn add_file(&mut self, file: SourceFile) {
        let index = self.report.files.len();
        let (path, root, text) = (file.path.clone(), file.root.clone(), file.text.clone());
        let display = file.display.clone();
        self.report.files.push(file);
        let limit = self.options.limits.file_bytes();
        if text.len() > limit {
            let f = Finding::new(
                RuleId::YamlFileTooLarge,
                format!(
                    "source is {} bytes, more than the limit of {limit} bytes",
                    text.len()
                ),
                &display,
                None,
                Some(Span {
                    line: 1,
                    column: 1,
                    ..Span::default()
                }),
            );
            self.report.findings.push(f);
            return;
        }
        self.lint_file(index, &path, &root, &text);
    }
}

impl<'o> Linter<'o> {
    /// Queues a file of `batch`.
    pub(super) fn enqueue(
        &mut self,
        file: PathBuf,
        root: PathBuf,
        chain: Vec<PathBuf>,
        batch: usize,
    ) {
        self.expect_file(batch);
        self.queue.push_back(Queued {
            file,
            root,
            chain,
            batch,
        });
    }

    /// Queues a discovered or given file: a location, and so a batch, of its own.
    pub(super) fn enqueue_location(&mut self, file: PathBuf, root: PathBuf) {
        let batch = self.new_batch(None, None);
        self.enqueue(file, root, Vec::new(), batch);
    }

    pub(super) fn display(&self, path: &Path, root: &Path) -> String {
        display_path(self.display_base.as_deref(), path, root)
    }

    /// Runs `work` with what reading and parsing files needs of this run. The kept parts
    /// are lent out of the report meanwhile (applying files does not read them), so `work`
    /// may change the linter; a streamed run lints each file with a linter of its own, so
    /// nothing is copied.
    fn with_reader<T>(&mut self, work: impl FnOnce(&mut Self, &FileReader<'_>) -> T) -> T {
        let parts = (self.report.kept.as_mut())
            .map(|kept| std::mem::replace(&mut kept.parts, Projection::Whole));
        let display_base = self.display_base.clone();
        let reader = FileReader {
            options: self.options,
            display_base: display_base.as_deref(),
            parts: parts.as_ref(),
            whole_documents: self.setup.is_some(),
        };
        let out = work(self, &reader);
        if let (Some(kept), Some(parts)) = (self.report.kept.as_mut(), parts) {
            kept.parts = parts;
        }
        out
    }

    /// Lints the queue. Reading, parsing and validating a file depend only on the file, so
    /// they run on the pool (see [`FileReader`]), ahead of this thread, which applies the
    /// results one by one in queue order, exactly as linting the files one at a time would
    /// (see [`prepare_ahead`]). Files a Location adds are queued behind the round of files
    /// being applied, and read in the next round.
    pub(super) fn run(&mut self) {
        self.with_reader(|linter, reader| linter.apply_rounds(reader));
    }

    /// Applies the queue's files, a round at a time (see [`Linter::run`]).
    fn apply_rounds(&mut self, reader: &FileReader<'_>) {
        while !self.queue.is_empty() {
            self.record_visits();
            // The paths stay here, lent to the jobs that read them and then to `apply_queued`.
            let (places, rest): (Vec<Place>, Vec<_>) = (self.queue.drain(..))
                .map(|q| ((q.file, q.root), (q.chain, q.batch)))
                .unzip();
            let unread = unread(&places, &self.visited);
            // Every file distinct and new: none needs looking up as it is applied.
            let fresh = unread.fresh;
            let todo: Vec<ToRead<'_>> = (unread.positions.into_iter())
                .map(|i| (i, places[i].0.as_path(), places[i].1.as_path()))
                .collect();
            let mut round = places.iter().zip(rest);
            prepare_ahead(reader, places.len(), &todo, |prepared| {
                if let Some(((file, root), (chain, batch))) = round.next() {
                    self.apply_queued((file, root), &chain, batch, (prepared, fresh));
                }
            });
        }
    }

    /// Puts the files applied without a lookup (see [`Linter::unrecorded`]) in `visited`.
    fn record_visits(&mut self) {
        for index in self.unrecorded.drain(..) {
            if let Some(file) = self.report.files.get(index) {
                self.visited.entry(file.path.clone()).or_insert(index);
            }
        }
    }

    /// Records `file` as visited, as file `index`; false when it was visited before. A file
    /// of a `fresh` round needs no lookup (see [`Linter::unrecorded`]).
    fn first_visit(&mut self, file: &Path, index: usize, fresh: bool) -> bool {
        if fresh {
            self.unrecorded.push(index);
            return true;
        }
        match self.visited.entry(file.to_path_buf()) {
            Entry::Occupied(_) => false,
            Entry::Vacant(slot) => {
                slot.insert(index);
                true
            }
        }
    }

    /// Applies a queued file (of location batch `location`, reached through the Locations
    /// of `chain`), read and parsed as `prepared` (`None`: not read, as it was read before
    /// through another location); `fresh` when its round's files are distinct and new.
    fn apply_queued(
        &mut self,
        (file, root): (&Path, &Path),
        chain: &[PathBuf],
        location: usize,
        (prepared, fresh): (Option<Prepared>, bool),
    ) {
        let index = self.report.files.len();
        // A file read before (through another location) is not read again.
        let first_read = prepared.filter(|_| self.first_visit(file, index, fresh));
        let Some((display, read, parsed)) = first_read else {
            self.file_done(location);
            return;
        };
        let lines = read.lines;
        self.report.findings.extend(read.findings);
        self.report.files.push(SourceFile {
            path: file.to_path_buf(),
            display,
            root: root.to_path_buf(),
            text: read.text.unwrap_or_else(|| Arc::from("")),
        });
        match parsed {
            Some(parsed) => self.apply_file(index, chain, location, parsed),
            None => {
                let cause = Cause {
                    file: self.report.files[index].display.clone(),
                    document: None,
                    stage: "read",
                };
                self.fail_batch(location, cause);
            }
        }
        self.file_done(location);
        let folder = file.parent();
        let mkdocs = folder.is_some_and(|f| self.mkdocs_folders.contains(f));
        self.report.index_text(index, mkdocs, lines);
    }

    fn yaml_finding(&self, e: &YamlError, display: &str, document: Option<usize>) -> Finding {
        let rule_id = match e.kind {
            YamlErrorKind::Syntax => RuleId::YamlSyntax,
            YamlErrorKind::DuplicateKey => RuleId::YamlDuplicateKey,
            YamlErrorKind::AliasLimit => RuleId::YamlAliasLimit,
            YamlErrorKind::DepthLimit => RuleId::YamlDepthLimit,
            YamlErrorKind::DocumentLimit => RuleId::YamlDocumentLimit,
            YamlErrorKind::FileTooLarge => RuleId::YamlFileTooLarge,
            YamlErrorKind::NotAnObject => RuleId::YamlNotAnObject,
            YamlErrorKind::UnresolvedTag => RuleId::YamlUnresolvedTag,
            YamlErrorKind::Encoding => RuleId::YamlEncoding,
        };
        Finding::new(rule_id, e.message.clone(), display, document, Some(e.span))
    }

    /// Lints a file held in memory as a location of its own.
    pub(super) fn lint_file(&mut self, index: usize, file: &Path, root: &Path, text: &str) {
        let display = self.report.files[index].display.clone();
        let parsed = self.with_reader(|_, reader| {
            reader.parse_file(file, root, &display, text, &mut StrCache::new(256))
        });
        let batch = self.new_batch(None, None);
        self.expect_file(batch);
        self.apply_file(index, &[], batch, parsed);
        self.file_done(batch);
    }

    /// Records the findings of a parsed file and hands the documents that pass on their own
    /// to its batch (which decides whether they enter the catalog); a document that fails
    /// at the YAML or envelope stage fails the batch.
    fn apply_file(&mut self, index: usize, chain: &[PathBuf], batch: usize, parsed: ParsedFile) {
        let display = self.report.files[index].display.clone();
        let ParsedFile {
            stream,
            mut validations,
        } = parsed;
        for w in &stream.warnings {
            let f = self.yaml_finding(w, &display, None);
            self.report.findings.push(f);
        }
        if let Some(fatal) = &stream.fatal {
            let f = self.yaml_finding(fatal, &display, None);
            self.report.findings.push(f);
            let cause = Cause {
                file: display,
                document: None,
                stage: "yaml",
            };
            self.fail_batch(batch, cause);
            return;
        }
        for (d, doc) in stream.documents.into_iter().enumerate() {
            for w in &doc.warnings {
                let f = self.yaml_finding(w, &display, Some(doc.index));
                self.report.findings.push(f);
            }
            if let Some(e) = &doc.error {
                let mut f = self.yaml_finding(e, &display, Some(doc.index));
                f.secondary = doc.open_flow.map(|span| SecondaryLabel {
                    span,
                    label: "opened here, still open at the error".into(),
                });
                self.report.findings.push(f);
                let cause = Cause {
                    file: display.clone(),
                    document: Some(doc.index),
                    stage: "yaml",
                };
                self.fail_batch(batch, cause);
                continue;
            }
            let Some(CheckedDocument {
                validation,
                entity,
                source,
                notes: placeholder_notes,
                entity_notes,
                pruned,
            }) = validations.get_mut(d).and_then(Option::take)
            else {
                continue;
            };
            // The document as written moves into the LoadedEntity instead of being cloned;
            // `None` when it equals the entity's tree (see `parse_file`), which then gives
            // the spans.
            let Some(root_node) = source.as_ref().or(entity.as_ref().map(|e| &e.root)) else {
                continue;
            };
            self.report.documents += 1;
            let entity_ref = validation.reference.as_ref().map(ToString::to_string);
            for p in &validation.problems {
                let mut f = self.problem_finding(p, root_node, &display, doc.index);
                f.entity = entity_ref.clone();
                self.report.findings.push(f);
            }
            // Without a reference the envelope (or the root itself) is invalid.
            if let (None, Some(p)) = (&validation.reference, validation.problems.first()) {
                let cause = Cause {
                    file: display.clone(),
                    document: Some(doc.index),
                    stage: envelope_stage(p.rule),
                };
                self.fail_batch(batch, cause);
            }
            let refused = validation.reference.as_ref().is_some_and(|reference| {
                self.kind_refused(batch, reference, root_node, &display, doc.index)
            });
            for note in placeholder_notes {
                let mut f = Finding::new(
                    note.rule,
                    note.message,
                    &display,
                    Some(doc.index),
                    Some(root_node.span()),
                );
                f.entity = entity_ref.clone();
                self.report.findings.push(f);
            }
            if let Some(entity) = entity.filter(|_| !refused) {
                let chain = (self.options.follow_locations && entity.kind() == "Location")
                    .then(|| chain.to_vec());
                let mut loaded = LoadedEntity::kept(entity, source, pruned);
                (loaded.file, loaded.document, loaded.notes) = (index, doc.index, entity_notes);
                self.add_member(batch, Member { loaded, chain });
            }
        }
    }

    fn problem_finding(
        &self,
        p: &Problem,
        root: &CompactTree,
        display: &str,
        document: usize,
    ) -> Finding {
        let span = if p.at_key {
            root.locate(&p.pointer)
        } else {
            root.locate_value(&p.pointer)
        };
        let mut f = Finding::new(
            p.rule,
            p.message.clone(),
            display,
            Some(document),
            Some(span),
        );
        f.pointer = Some(p.pointer.clone());
        f
    }

    pub(super) fn finish(mut self) -> LintReport {
        self.drop_unstored();
        // Every file is read and every batch settled: their bookkeeping (a batch and a
        // visited path per file) is not held through the catalog-wide checks.
        self.batches = Vec::new();
        self.visited = HashMap::new();
        self.unrecorded = Vec::new();
        self.mkdocs_folders = HashSet::new();
        self.check_catalog();
        sort_findings(&mut self.report.findings);
        self.report
    }

    /// Takes the nested Locations whose own batch failed out of the catalog.
    pub(super) fn drop_unstored(&mut self) {
        let unstored = std::mem::take(&mut self.unstored);
        if unstored.is_empty() {
            return;
        }
        self.report
            .catalog
            .entities
            .retain(|e| !unstored.contains(&(e.file, e.document)));
    }
}

/// Findings in report order: by file, position, document, rule and message.
pub(super) fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            a.file.as_str(),
            a.span.map(|s| s.offset),
            a.document,
            a.rule,
            &a.message,
        )
            .cmp(&(
                b.file.as_str(),
                b.span.map(|s| s.offset),
                b.document,
                b.rule,
                &b.message,
            ))
    });
}
