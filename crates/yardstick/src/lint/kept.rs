//! What a lint run keeps of each document and file once it has read them ([`Keep`]), and
//! how positions are still found exactly from what was kept ([`Kept`]).

use std::sync::Arc;

use super::{LintReport, LoadedEntity};
use crate::catalog::{Entity, EntityRecord};
use crate::util::span::{span_end, LineIndex};
use crate::yaml::{parse_stream, CompactTree, Limits, Node, Projection, Span};

/// What a lint run keeps of each accepted entity's document and of each file's text after
/// reading them ([`LintOptions::keep`](super::LintOptions::keep)).
///
/// ```
/// use yardstick::{lint_sources, Keep, LintOptions, Projection};
/// let mut parts = Projection::empty();
/// parts.add_pointer("/spec/type");
/// let options = LintOptions { keep: Keep::Parts(parts), ..LintOptions::default() };
/// let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a, title: A}\nspec: {type: service, lifecycle: production, owner: team-a}\n";
/// let report = lint_sources(&[("a.yaml", text)], &options);
/// let tree = &report.catalog.entities[0].entity.root;
/// assert_eq!(tree.pointer("/spec/type").and_then(|n| n.as_str()), Some("service"));
/// assert!(tree.pointer("/metadata/title").is_none());
/// // The entity's reference and relations are kept apart from the tree.
/// assert_eq!(report.catalog.entities[0].entity.relations[0].field, "owner");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Keep {
    /// Every document whole, and every file's text.
    #[default]
    Everything,
    /// Only these parts of each accepted entity's document (and the TechDocs reference that
    /// `input.local` reads; Locations keep their whole document), with their spans,
    /// and a line index in place of each text read from disk (at 100k entities, lint and
    /// score's peak went from 451 to 274 MB). A scorer's
    /// [`Scorer::entity_parts`](crate::Scorer::entity_parts) are what it reads.
    Parts(Projection),
}

/// What [`Keep::Parts`] kept: enough to place any pointer of any kept entity exactly, and
/// what discovery saw of the MkDocs configurations beside the files.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The parts every accepted entity (but a Location) kept: those asked for and the
    /// TechDocs reference.
    pub parts: Projection,
    /// The limits the files were read with, to read one again (see [`LintReport::locate`]).
    pub limits: Limits,
    /// Per file of [`LintReport::files`]: the line index that replaced its text, or `None`
    /// when the text was kept (sources given in memory, which cannot be read again).
    pub lines: Vec<Option<LineIndex>>,
    /// Per file of [`LintReport::files`]: true when discovery met a regular `mkdocs.yml` or
    /// `mkdocs.yaml` in its folder, walking real folders from the scanned root (so it is
    /// inside that root). False says nothing (the folder may be ignored, or not walked):
    /// the TechDocs check then asks the file system.
    pub mkdocs: Vec<bool>,
}

impl Kept {
    /// What a run asked to keep `asked` keeps.
    pub(super) fn new(asked: &Projection, limits: Limits) -> Kept {
        Kept {
            parts: Kept::parts(asked),
            limits,
            lines: Vec::new(),
            mkdocs: Vec::new(),
        }
    }

    /// `asked` with the part `input.local` reads: the TechDocs reference. (Lint's own
    /// catalog-wide checks keep the spans they need, see [`Pruned`].)
    pub(crate) fn parts(asked: &Projection) -> Projection {
        let mut parts = asked.clone();
        parts.add_pointer("/metadata/annotations/backstage.io~1techdocs-ref");
        parts
    }

    /// True when an entity of `kind` keeps its whole document: a Location, whose targets
    /// the linter follows after reading it.
    pub(super) fn keeps_whole(kind: &str) -> bool {
        kind == "Location"
    }

    /// `entity`'s tree and `source` (the document as written, when not the same) pruned to
    /// the kept `parts` (a run's [`Kept::parts`]), with the spans lint's catalog-wide checks
    /// need; `None` for a Location, which keeps its whole document.
    pub(super) fn prune(
        parts: &Projection,
        entity: &Entity,
        source: Option<&Node>,
    ) -> Option<Pruned> {
        if Kept::keeps_whole(&entity.reference.kind) {
            return None;
        }
        let written = source.unwrap_or(&entity.root);
        let name = written.locate("/metadata/name");
        let relations = (entity.relations.iter()).map(|r| written.locate_value(&r.pointer));
        Some(Pruned {
            root: CompactTree::from_parts(&entity.root, parts),
            source: source.map(|s| CompactTree::from_parts(s, parts)),
            spans: std::iter::once(name).chain(relations).collect(),
        })
    }
}

/// An entity's trees pruned to the kept parts, and where its name and each relation are
/// written (the duplicate and unresolved-reference findings point there).
pub(super) struct Pruned {
    root: CompactTree,
    source: Option<CompactTree>,
    /// The name's span, then each relation's (as [`LoadedEntity::relation_span`] gives it).
    spans: Box<[Span]>,
}

impl LoadedEntity {
    /// An entity of file 0, document 0, that keeps `pruned` when the run keeps parts, and
    /// else `entity`'s tree and `source`: the whole trees have served the file's findings
    /// by then.
    pub(super) fn kept(
        mut entity: EntityRecord,
        source: Option<CompactTree>,
        pruned: Option<Pruned>,
    ) -> LoadedEntity {
        let (source, spans) = match pruned {
            Some(p) => {
                entity.root = p.root;
                (p.source, p.spans)
            }
            None => (source, Box::default()),
        };
        LoadedEntity {
            entity,
            file: 0,
            document: 0,
            source: source.map(Box::new),
            notes: Vec::new(),
            spans,
        }
    }

    /// Where the entity's name is written.
    pub(super) fn name_span(&self) -> Span {
        (self.spans.first().copied()).unwrap_or_else(|| self.source().locate("/metadata/name"))
    }

    /// Where relation `index` of the entity's relations is written (its value).
    pub(super) fn relation_span(&self, index: usize) -> Span {
        match (self.spans.get(index + 1), self.entity.relations.get(index)) {
            (Some(span), _) => *span,
            (None, Some(r)) => self.source().locate_value(&r.pointer),
            (None, None) => self.source().span(),
        }
    }
}

impl LintReport {
    /// 1-based line and column just past `span` in file `file` (an index of
    /// [`LintReport::files`]), from its text or the line index that replaced it.
    ///
    /// ```
    /// use yardstick::{lint_sources, LintOptions, Span};
    /// let report = lint_sources(&[("a.yaml", "name: a\nowner: b\n")], &LintOptions::default());
    /// assert_eq!(report.span_end(0, Span::new(6, 9, 1, 7)), (2, 8));
    /// ```
    pub fn span_end(&self, file: usize, span: Span) -> (usize, usize) {
        let index = self.kept.as_ref().and_then(|k| k.lines.get(file)?.as_ref());
        match index {
            Some(lines) => lines.span_end(span),
            None => span_end(self.files.get(file).map_or("", |f| &f.text), span),
        }
    }

    /// Where `pointer` is in `entity`'s document as written ([`CompactTree::locate`]) and
    /// the line and column just past it, as the whole document gives them. When the run
    /// kept only parts and the pointer leaves them at a key that was pruned, the file is
    /// read and parsed again (from memory when its text was kept); if that fails, the
    /// nearest kept node is given.
    ///
    /// ```
    /// use yardstick::{lint_sources, LintOptions};
    /// let text = "kind: Component\napiVersion: backstage.io/v1alpha1\nmetadata: {name: a}\nspec: {type: service, lifecycle: production, owner: team-a}\n";
    /// let report = lint_sources(&[("a.yaml", text)], &LintOptions::default());
    /// let (span, end) = report.locate(&report.catalog.entities[0], "/spec/owner");
    /// assert_eq!((span.line, span.column, end), (4, 46, (4, 51)));
    /// ```
    pub fn locate(&self, entity: &LoadedEntity, pointer: &str) -> (Span, (usize, usize)) {
        let tree = entity.source();
        let exact = match &self.kept {
            Some(kept) if !Kept::keeps_whole(entity.entity.kind()) => {
                kept.parts.locate(tree, pointer)
            }
            _ => Some(tree.locate(pointer)),
        };
        if let Some(span) = exact {
            return (span, self.span_end(entity.file, span));
        }
        self.locate_again(entity, pointer).unwrap_or_else(|| {
            let span = tree.locate(pointer);
            (span, self.span_end(entity.file, span))
        })
    }

    /// [`LintReport::locate`] in the document read and parsed again.
    fn locate_again(&self, entity: &LoadedEntity, pointer: &str) -> Option<(Span, (usize, usize))> {
        let kept = self.kept.as_ref()?;
        let file = self.files.get(entity.file)?;
        let lines = kept.lines.get(entity.file).and_then(Option::as_ref);
        let text: Arc<str> = match lines {
            Some(lines) => {
                let bytes = std::fs::read(&file.path).ok()?;
                let text: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes).as_ref());
                // A file changed since it was linted does not give its old positions.
                (lines.text_len() == text.len()).then_some(text)?
            }
            None => file.text.clone(),
        };
        let stream = parse_stream(&text, &kept.limits);
        let document = stream
            .documents
            .iter()
            .find(|d| d.index == entity.document)?;
        let span = document.root.as_ref()?.locate(pointer);
        Some((span, span_end(&text, span)))
    }
}

impl LintReport {
    /// Replaces file `file`'s text by its line index (`lines`, when already built) when the
    /// run keeps parts only, and keeps whether discovery met an MkDocs configuration beside
    /// it (see [`Kept::mkdocs`]).
    pub(super) fn index_text(&mut self, file: usize, mkdocs: bool, lines: Option<LineIndex>) {
        let (Some(kept), Some(source)) = (&mut self.kept, self.files.get_mut(file)) else {
            return;
        };
        if kept.mkdocs.len() <= file {
            kept.mkdocs.resize(file + 1, false);
        }
        if let Some(slot) = kept.mkdocs.get_mut(file) {
            *slot = mkdocs;
        }
        if kept.lines.len() <= file {
            kept.lines.resize(file + 1, None);
        }
        if let Some(slot) = kept.lines.get_mut(file) {
            *slot = Some(lines.unwrap_or_else(|| LineIndex::new(&source.text)));
            source.text = Arc::from("");
        }
    }
}
