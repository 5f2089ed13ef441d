//! Reading, parsing and validating one file: the part of linting that depends on the file
//! alone, so that it runs on the pool for a batch of files at a time (see `Linter::run`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ahead::ToRead;
use super::catalog_checks::misspelled_spec_keys;
use super::discover::slash_path;
use super::finding::Note;
use super::kept::Pruned;
use super::linter::Place;
use super::placeholders::resolve_placeholder;
use super::{Finding, Kept, LintOptions};
use crate::catalog::{validate_tree, EntityRecord, ValidateOptions, Validation};
use crate::rules::RuleId;
use crate::util::shared_str::StrCache;
use crate::util::span::LineIndex;
use crate::yaml::{parse_stream_with, CompactTree, Node, Projection, Span, Stream};

/// What reading one file gives: its text, or the findings of why it was not read (and the
/// encoding finding of a lossily decoded one).
pub(super) struct ReadFile {
    pub(super) text: Option<Arc<str>>,
    pub(super) findings: Vec<Finding>,
    /// When the run keeps parts only, the text's line index, which replaces it (see
    /// [`Kept::lines`]): built, and the text freed, by the thread that read it.
    pub(super) lines: Option<LineIndex>,
}

/// A file parsed, with every document validated: the part of linting a file that does not
/// depend on the rest of the catalog, so that it runs on all cores (see `Linter::run`).
pub(super) struct ParsedFile {
    pub(super) stream: Stream,
    /// Per document of `stream`: what validating it gave, for the documents that are
    /// validated.
    pub(super) validations: Vec<Option<CheckedDocument>>,
}

/// A validated document, with its trees packed while still on a worker thread.
pub(super) struct CheckedDocument {
    /// The verdict; its entity has moved to `entity`.
    pub(super) validation: Validation,
    /// The accepted entity.
    pub(super) entity: Option<EntityRecord>,
    /// The document as written, when it is not the entity's tree (a placeholder was
    /// substituted, or the document was rejected).
    pub(super) source: Option<CompactTree>,
    /// Notes from reading placeholder targets.
    pub(super) notes: Vec<Note>,
    /// The entity's findings that need no other entity (see `LoadedEntity`'s `notes`).
    pub(super) entity_notes: Vec<Finding>,
    /// The entity's tree and the document as written, pruned to the parts the run keeps
    /// (see [`Keep`](super::Keep)); `None` when it keeps the whole document.
    pub(super) pruned: Option<Pruned>,
}

/// What reading, parsing and validating a file needs of a lint run: no state that applying
/// files changes.
pub(super) struct FileReader<'a> {
    pub(super) options: &'a LintOptions,
    /// The directory shown paths are relative to (else each file's root).
    pub(super) display_base: Option<&'a Path>,
    /// The parts each entity keeps (see [`Kept`]); `None`: whole documents.
    pub(super) parts: Option<&'a Projection>,
    /// Whole trees are kept for every entity (an app-config's kind rules read them).
    pub(super) whole_documents: bool,
}

/// A file read (its shown path, text or the findings of why not) and parsed.
pub(super) type Prepared = (String, ReadFile, Option<ParsedFile>);

impl FileReader<'_> {
    /// How `path`, found under `root`, is shown.
    pub(super) fn display(&self, path: &Path, root: &Path) -> String {
        display_path(self.display_base, path, root)
    }

    /// Reads and parses `files` (one job of [`prepare_ahead`](super::ahead::prepare_ahead)),
    /// sharing map keys among them.
    pub(super) fn prepare(&self, files: &[ToRead]) -> Vec<(usize, Prepared)> {
        let mut keys = StrCache::new(4096);
        (files.iter())
            .map(|(i, file, root)| {
                let display = self.display(file, root);
                let mut read = self.read(file, &display);
                let parsed = (read.text.as_ref())
                    .map(|text| self.parse_file(file, root, &display, text, &mut keys));
                if self.parts.is_some() {
                    read.lines = (read.text.take()).map(|text| LineIndex::new(&text));
                }
                (*i, (display, read, parsed))
            })
            .collect()
    }

    /// Reads a file, or says why it cannot be.
    pub(super) fn read(&self, path: &Path, display: &str) -> ReadFile {
        let mut findings = Vec::new();
        let text = self.read_into(path, display, &mut findings);
        ReadFile {
            text,
            findings,
            lines: None,
        }
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

    /// Parses a file and validates its documents (no linter state changes).
    pub(super) fn parse_file(
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
                    let pruned = (self.parts.zip(entity.as_ref()))
                        .and_then(|(parts, e)| Kept::prune(parts, e, source.as_ref()));
                    // The whole trees serve only findings about the document (its problems,
                    // an app-config's kind rules): not built for an entity that keeps parts
                    // and has none (its root's span, for placeholder notes, stands in).
                    let whole =
                        pruned.is_none() || !validation.problems.is_empty() || self.whole_documents;
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
}

/// How `path`, found under `root`, is shown: relative to `base` when given, else to `root`.
pub(super) fn display_path(base: Option<&Path>, path: &Path, root: &Path) -> String {
    let shown = path.strip_prefix(base.unwrap_or(root)).unwrap_or(path);
    slash_path(shown)
}

/// The files of a round worth reading (see [`unread`]).
pub(super) struct Unread {
    /// Their positions in the round.
    pub(super) positions: Vec<usize>,
    /// Whether that is every file of the round: all distinct, none read before.
    pub(super) fresh: bool,
}

/// The files of a round (`places`: each file and its root) worth reading: not read before
/// (`visited`), and each once.
pub(super) fn unread(places: &[Place], visited: &HashMap<PathBuf, usize>) -> Unread {
    let files = || places.iter().map(|(file, _)| file.as_path());
    // Discovered files come sorted: strictly ascending paths are distinct, with no need to
    // hash them.
    let ascending = files().zip(files().skip(1)).all(|(a, b)| a < b);
    let mut first = HashSet::new();
    let positions: Vec<usize> = (0..places.len())
        .filter(|&i| {
            let file = places[i].0.as_path();
            !visited.contains_key(file) && (ascending || first.insert(file))
        })
        .collect();
    Unread {
        fresh: ascending && positions.len() == places.len(),
        positions,
    }
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
