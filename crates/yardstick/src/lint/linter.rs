//! The linter: reads, parses and validates queued files (in parallel per batch) and applies
//! the results in queue order, so that the output does not depend on the thread count.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::app_locations::CatalogSetup;
use super::batches::{envelope_stage, Batch, Cause, Member};
use super::catalog_checks::misspelled_spec_keys;
use super::discover::slash_path;
use super::finding::{Note, SecondaryLabel};
use super::kept::Pruned;
use super::placeholders::resolve_placeholder;
use super::{Finding, Keep, Kept, LintOptions, LintReport, LoadedEntity, SourceFile};
use crate::catalog::{validate_tree, EntityRecord, Problem, ValidateOptions, Validation};
use crate::rules::RuleId;
use crate::util::shared_str::StrCache;
use crate::yaml::{parse_stream_with, CompactTree, Node, Span, Stream, YamlError, YamlErrorKind};

/// Files read, parsed and validated in parallel per batch; bounds how many parsed files
/// wait in memory to be applied.
const BATCH_FILES: usize = 256;

/// What reading one file gives: its text, or the findings of why it was not read (and the
/// encoding finding of a lossily decoded one).
struct ReadFile {
    text: Option<Arc<str>>,
    findings: Vec<Finding>,
}

/// A file parsed, with every document validated: the part of linting a file that does not
/// depend on the rest of the catalog, so that it runs on all cores (see [`Linter::run`]).
struct ParsedFile {
    stream: Stream,
    /// Per document of `stream`: what validating it gave, for the documents that are
    /// validated.
    validations: Vec<Option<CheckedDocument>>,
}

/// A validated document, with its trees packed while still on a worker thread.
struct CheckedDocument {
    /// The verdict; its entity has moved to `entity`.
    validation: Validation,
    /// The accepted entity.
    entity: Option<EntityRecord>,
    /// The document as written, when it is not the entity's tree (a placeholder was
    /// substituted, or the document was rejected).
    source: Option<CompactTree>,
    /// Notes from reading placeholder targets.
    notes: Vec<Note>,
    /// The entity's findings that need no other entity (see [`LoadedEntity`]'s `notes`).
    entity_notes: Vec<Finding>,
    /// The entity's tree and the document as written, pruned to the parts the run keeps
    /// (see [`Keep`](super::Keep)); `None` when it keeps the whole document.
    pruned: Option<Pruned>,
}

pub(super) struct Linter<'o> {
    pub(super) options: &'o LintOptions,
    pub(super) report: LintReport,
    /// Canonical path -> index into files.
    pub(super) visited: HashMap<PathBuf, usize>,
    pub(super) queue: VecDeque<Queued>,
    pub(super) display_base: Option<PathBuf>,
    /// Every location's batch; [`Queued::batch`] indexes it.
    pub(super) batches: Vec<Batch>,
    /// Nested Locations (file index, document) whose own batch failed: not in the catalog.
    pub(super) unstored: HashSet<(usize, usize)>,
    /// The app-config's locations and rules, when linting as an instance ingests.
    pub(super) setup: Option<CatalogSetup>,
}

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
            queue: VecDeque::new(),
            display_base,
            batches: Vec::new(),
            unstored: HashSet::new(),
            setup: None,
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

impl Linter<'_> {
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
        let base = self.display_base.as_deref().unwrap_or(root);
        let shown = path.strip_prefix(base).unwrap_or(path);
        slash_path(shown)
    }

    /// Lints the queue. Reading, parsing and validating a file depend only on the file, so
    /// they run in parallel for a batch of queued files; the results are then applied one
    /// by one in queue order, exactly as linting the files one at a time would (files a
    /// Location adds are queued behind the batch, as before). Parsing and validation were
    /// about two thirds of the lint time on one core.
    pub(super) fn run(&mut self) {
        while !self.queue.is_empty() {
            let take = self.queue.len().min(BATCH_FILES);
            let batch: Vec<Queued> = self.queue.drain(..take).collect();
            let mut first = HashSet::new();
            let todo: Vec<usize> = (0..batch.len())
                .filter(|&i| {
                    !self.visited.contains_key(&batch[i].file) && first.insert(&batch[i].file)
                })
                .collect();
            let this = &*self;
            let mut prepared: HashMap<usize, (String, ReadFile, Option<ParsedFile>)> = todo
                .par_iter()
                // Each job shares map keys among the files it parses.
                .map_init(
                    || StrCache::new(4096),
                    |keys, &i| {
                        let Queued { file, root, .. } = &batch[i];
                        let display = this.display(file, root);
                        let read = this.read(file, &display);
                        let parsed = read
                            .text
                            .as_ref()
                            .map(|text| this.parse_file(file, root, &display, text, keys));
                        (i, (display, read, parsed))
                    },
                )
                .collect();
            for (i, queued) in batch.into_iter().enumerate() {
                let Queued {
                    file,
                    root,
                    chain,
                    batch: location,
                } = queued;
                // A file read before (through another location) is not read again.
                let prepared = prepared
                    .remove(&i)
                    .filter(|_| !self.visited.contains_key(&file));
                let Some((display, read, parsed)) = prepared else {
                    self.file_done(location);
                    continue;
                };
                let index = self.report.files.len();
                self.visited.insert(file.clone(), index);
                self.report.findings.extend(read.findings);
                self.report.files.push(SourceFile {
                    path: file.clone(),
                    display,
                    root: root.clone(),
                    text: read.text.unwrap_or_else(|| Arc::from("")),
                });
                match parsed {
                    Some(parsed) => self.apply_file(index, &chain, location, parsed),
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
                self.report.index_text(index);
            }
        }
    }

    /// Reads a file, or says why it cannot be.
    fn read(&self, path: &Path, display: &str) -> ReadFile {
        let mut findings = Vec::new();
        let text = self.read_into(path, display, &mut findings);
        ReadFile { text, findings }
    }

    fn read_into(
        &self,
        path: &Path,
        display: &str,
        findings: &mut Vec<Finding>,
    ) -> Option<Arc<str>> {
        let limit = self.options.limits.file_bytes();
        let bytes = match read_at_most(path, limit) {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(size)) => {
                let message = match size {
                    Some(size) => format!(
                        "file is {size} bytes, more than the limit of {limit} bytes; not read"
                    ),
                    // A file that grew, or a device: only what was read is known.
                    None => format!("file has more than the limit of {limit} bytes; not read"),
                };
                let f = Finding::new(
                    RuleId::YamlFileTooLarge,
                    message,
                    display,
                    None,
                    Some(Span {
                        line: 1,
                        column: 1,
                        ..Span::default()
                    }),
                );
                findings.push(f);
                return None;
            }
            Err(e) => {
                let f = Finding::new(
                    RuleId::LocationTargetMissing,
                    format!("cannot read file: {e}"),
                    display,
                    None,
                    None,
                );
                findings.push(f);
                return None;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let prefix = String::from_utf8_lossy(&bytes[..valid]);
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                let f = Finding::new(
                    RuleId::YamlEncoding,
                    format!("invalid UTF-8 at byte {valid}; read with replacement characters, as Backstage does"),
                    display,
                    None,
                    Some(Span::new(valid, 1, line, column)),
                );
                findings.push(f);
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        Some(Arc::from(text))
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
        let parsed = self.parse_file(file, root, &display, text, &mut StrCache::new(256));
        let batch = self.new_batch(None, None);
        self.expect_file(batch);
        self.apply_file(index, &[], batch, parsed);
        self.file_done(batch);
    }

    /// Parses a file and validates its documents (no linter state changes).
    fn parse_file(
        &self,
        file: &Path,
        root: &Path,
        display: &str,
        text: &str,
        keys: &mut StrCache,
    ) -> ParsedFile {
        let mut stream = parse_stream_with(text, &self.options.limits, keys);
        let dir = file.parent().unwrap_or(root).to_path_buf();
        let limits = self.options.limits;
        let validations: Vec<_> = if stream.fatal.is_some() {
            Vec::new()
        } else {
            stream
                .documents
                .iter_mut()
                .map(|doc| {
                    if doc.error.is_some() || doc.is_empty() {
                        return None;
                    }
                    let root_node = doc.root.take()?;
                    let notes = std::cell::RefCell::new(Vec::new());
                    let call = |kind: &str, target: &str| {
                        let (value, note) = resolve_placeholder(kind, target, &dir, root, &limits);
                        if let Some(n) = note {
                            notes.borrow_mut().push(n);
                        }
                        value
                    };
                    let options = ValidateOptions {
                        templates: self.options.templates,
                        openapi_placeholders: self.options.openapi_placeholders,
                        placeholders: if self.options.resolve_placeholders {
                            Some(&call)
                        } else {
                            None
                        },
                    };
                    // The document as written comes back only when the entity's tree is
                    // not the same (a placeholder was substituted, or it was rejected):
                    // the entity's tree serves for spans, so each entity keeps one tree.
                    // A validated document without a root is one of these.
                    let (mut validation, source) = validate_tree(root_node, &options);
                    let entity = validation.entity.take();
                    let entity_notes = entity.as_ref().map_or_else(Vec::new, |e| {
                        let written = source.as_ref().unwrap_or(&e.root);
                        misspelled_spec_keys(e, written, display, doc.index)
                    });
                    let pruned = (self.report.kept.as_ref().zip(entity.as_ref()))
                        .and_then(|(kept, e)| kept.prune(e, source.as_ref()));
                    // The whole trees serve only findings about the document (its problems,
                    // an app-config's kind rules): not built for an entity that keeps parts
                    // and has none (its root's span, for placeholder notes, stands in).
                    let whole =
                        pruned.is_none() || !validation.problems.is_empty() || self.setup.is_some();
                    let entity = entity.map(|e| match whole {
                        true => EntityRecord::from(e),
                        false => {
                            let span = source.as_ref().unwrap_or(&e.root).span;
                            EntityRecord::with_root(e, CompactTree::from_node(&Node::null(span)))
                        }
                    });
                    let source = source
                        .as_ref()
                        .filter(|_| whole)
                        .map(CompactTree::from_node);
                    Some(CheckedDocument {
                        entity,
                        validation,
                        source,
                        notes: notes.into_inner(),
                        entity_notes,
                        pruned,
                    })
                })
                .collect()
        };
        ParsedFile {
            stream,
            validations,
        }
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
        self.check_catalog();
        sort_findings(&mut self.report.findings);
        self.report
    }

    /// Takes the nested Locations whose own batch failed out of the catalog.
    pub(super) fn drop_unstored(&mut self) {
        let unstored = std::mem::take(&mut self.unstored);
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

/// The bytes of the file at `path`, opened once: its size is read from the open file (no
/// second lookup of the path), and no more than `limit` bytes and one are read, so a file
/// that grows, or a device that never ends, is not read whole. `Ok(Err(size))` when the file
/// is larger than `limit`: its size, or `None` when the reading found it so.
fn read_at_most(path: &Path, limit: usize) -> std::io::Result<Result<Vec<u8>, Option<u64>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limit as u64 {
        return Ok(Err(Some(size)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(limit) + 1);
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(if bytes.len() > limit {
        Err(None)
    } else {
        Ok(bytes)
    })
}
