//! Streamed linting: a first pass over the sources keeps only what the catalog-wide checks
//! need (each reference's first definition, the owners, the names), then a second pass
//! lints each file against that index, without the catalog's trees ever being in memory.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use rayon::ThreadPool;

use super::catalog_checks::{
    duplicate_finding, known_names, EntityChecks, KnownEntities, NearMisses,
};
use super::linter::{sort_findings, Linter};
use super::{
    display_base, in_memory, LintError, LintOptions, LintReport, LoadedEntity, OwnerResolution,
    Source,
};

/// Files linted in parallel at a time; bounds how many one-file reports wait in memory.
const CHUNK_FILES: usize = 256;

/// What a catalog's cross-entity checks need to know of it, built in one pass over its
/// sources: the first definition of each reference (for duplicates), every reference and
/// kind (for relation targets), and how owners resolve: a few strings per entity, no
/// document trees and no file texts.
///
/// Lint a catalog as a stream with two passes over the same sources, in the same order:
/// [`CatalogIndex::build`], then [`CatalogIndex::lint_each`]. The findings and the catalog
/// are those of [`lint_files`](crate::lint_files) on all the sources at once, one file at a
/// time.
///
/// ```
/// use std::sync::Arc;
/// use yardstick::{lint_files, CatalogIndex, LintOptions, SourceFile};
/// let sources = || {
///     ["team-a", "team-a"].into_iter().enumerate().map(|(i, name)| SourceFile {
///         path: format!("repo{i}/catalog-info.yaml").into(),
///         display: format!("repo{i}/catalog-info.yaml"),
///         root: format!("repo{i}").into(),
///         text: Arc::from(format!("apiVersion: backstage.io/v1alpha1\nkind: Group\n\
///                                  metadata: {{name: {name}}}\nspec: {{type: team, children: []}}\n")),
///     })
/// };
/// let options = LintOptions::default();
/// let index = CatalogIndex::build(sources(), &options).unwrap();
/// assert_eq!(index.entities(), 1);
/// let mut streamed = Vec::new();
/// index.lint_each(sources(), |file| streamed.extend(file.findings));
/// let whole = lint_files(sources().collect(), &options);
/// assert_eq!(streamed, whole.findings);
/// assert_eq!(streamed[0].rule, "catalog/duplicate-entity");
/// ```
#[derive(Debug)]
pub struct CatalogIndex {
    lint: OneFile,
    /// Canonical reference to its first definition.
    first: HashMap<String, FirstDefinition>,
    kinds: HashSet<String>,
    names: BTreeMap<String, Vec<String>>,
    owners: OwnerResolution,
    near_misses: NearMisses,
    files: usize,
}

/// Where a reference is first defined, in the order Backstage keeps one of several.
#[derive(Debug, Clone)]
struct FirstDefinition {
    /// The file as findings show it.
    file: Arc<str>,
    /// The file's position in the stream.
    position: usize,
    document: usize,
    /// Position among the stream's accepted entities: the catalog's order.
    ordinal: usize,
    /// The kind as written, for Groups and Users (owners resolve against them).
    owner_kind: Option<String>,
    /// The canonical references its `spec.owner` names.
    owners: Vec<String>,
}

impl FirstDefinition {
    /// The definition of `e`, in the file shown as `file`; its position and ordinal are the
    /// stream's to set.
    fn new(e: &LoadedEntity, file: &Arc<str>) -> Self {
        let kind = e.entity.kind();
        FirstDefinition {
            file: file.clone(),
            position: 0,
            document: e.document,
            ordinal: 0,
            owner_kind: (kind.eq_ignore_ascii_case("group") || kind.eq_ignore_ascii_case("user"))
                .then(|| kind.to_string()),
            owners: (e.entity.relations.iter())
                .filter(|r| r.field == "owner")
                .map(|r| r.target.canonical())
                .collect(),
        }
    }

    /// Whether this definition comes before `other`, as `lint_files` decides which of two
    /// definitions of a reference stays: by file as shown, then document, then stream order.
    fn precedes(&self, other: &FirstDefinition) -> bool {
        match (&*self.file, self.document).cmp(&(&*other.file, other.document)) {
            Ordering::Equal => self.ordinal < other.ordinal,
            order => order == Ordering::Less,
        }
    }
}

impl KnownEntities for CatalogIndex {
    fn contains(&self, reference: &str) -> bool {
        self.first.contains_key(reference)
    }

    fn has_kind(&self, kind: &str) -> bool {
        self.kinds.contains(kind)
    }
}

impl CatalogIndex {
    /// The first pass: lints every source (in parallel, a chunk at a time) and keeps what the
    /// catalog-wide checks need.
    ///
    /// A [`Source::Loaded`] file is linted as [`lint_files`](crate::lint_files) lints it
    /// (no Location following, no placeholders); a [`Source::OnDisk`] one as
    /// [`lint_paths`](crate::lint_paths) does, except that Locations are not followed: with
    /// `options.follow_locations`, an accepted Location entity on disk is an error
    /// ([`LintError::LocationNotFollowed`]), since the stream would not read what it leads to.
    pub fn build<S: Into<Source> + Send>(
        sources: impl IntoIterator<Item = S>,
        options: &LintOptions,
    ) -> Result<Self, LintError> {
        Self::build_on(None, sources, options)
    }

    /// [`CatalogIndex::build`] on the threads of `pool` (rayon's global pool when `None`).
    pub(crate) fn build_on<S: Into<Source> + Send>(
        pool: Option<&ThreadPool>,
        sources: impl IntoIterator<Item = S>,
        options: &LintOptions,
    ) -> Result<Self, LintError> {
        let lint = OneFile::new(options);
        let mut first: HashMap<String, FirstDefinition> = HashMap::new();
        let (mut files, mut ordinal) = (0, 0);
        // Each file's definitions are taken on its worker, which also drops its report.
        let definitions = |source: S| -> Result<Vec<_>, LintError> {
            let (report, on_disk) = lint.lint(source.into());
            if on_disk && options.follow_locations {
                refuse_locations(&report)?;
            }
            let Some(file) = report.files.first() else {
                return Ok(Vec::new());
            };
            let display: Arc<str> = Arc::from(file.display.as_str());
            let found = (report.catalog.entities.iter()).map(|e| {
                (
                    e.entity.reference.canonical(),
                    FirstDefinition::new(e, &display),
                )
            });
            Ok(found.collect())
        };
        let work = |chunk: Vec<S>| -> Vec<_> { chunk.into_par_iter().map(definitions).collect() };
        pipelined(pool, sources.into_iter(), work, |chunk| {
            for defined in chunk {
                // Every source has a position, as in the second pass's count.
                let position = files;
                files += 1;
                for (reference, mut definition) in defined? {
                    (definition.position, definition.ordinal) = (position, ordinal);
                    ordinal += 1;
                    match first.get_mut(&reference) {
                        Some(kept) if definition.precedes(kept) => *kept = definition,
                        Some(_) => {}
                        None => {
                            first.insert(reference, definition);
                        }
                    }
                }
            }
            Ok(())
        })?;
        Ok(Self::from_definitions(first, lint, files))
    }

    /// The index once every definition is known: kinds, owners and names.
    fn from_definitions(
        first: HashMap<String, FirstDefinition>,
        lint: OneFile,
        files: usize,
    ) -> Self {
        let options = &lint.loaded;
        // The catalog's order, which "did you mean" candidates keep.
        let mut order: Vec<(&String, &FirstDefinition)> = first.iter().collect();
        order.sort_by_key(|(_, d)| d.ordinal);
        let entities = order
            .iter()
            .filter_map(|(r, d)| Some(((*r).clone(), d.owner_kind.as_deref()?)));
        let owner_refs = order.iter().flat_map(|(_, d)| d.owners.iter().cloned());
        let owners = OwnerResolution::decide_from(
            entities,
            owner_refs,
            options.owners.as_deref(),
            options.check_refs,
        );
        let names = known_names(order.iter().map(|(r, _)| (*r).clone()), &owners);
        let kinds = first
            .keys()
            .filter_map(|r| r.split_once(':').map(|(kind, _)| kind.to_string()))
            .collect();
        CatalogIndex {
            lint,
            first,
            kinds,
            names,
            owners,
            near_misses: NearMisses::default(),
            files,
        }
    }

    /// The second pass: lints each source against the index, in parallel a chunk at a time,
    /// and hands `each` the one-file report of each, in stream order. `sources` must be the
    /// sources the index was built from, in the same order.
    ///
    /// Each report holds its file, its findings (the catalog-wide ones included), its
    /// accepted entities (a later definition of a reference is not one), and the catalog's
    /// owner resolution; its findings are sorted as `lint_files` sorts them.
    pub fn lint_each<S: Into<Source> + Send>(
        &self,
        sources: impl IntoIterator<Item = S>,
        mut each: impl FnMut(LintReport),
    ) {
        let work = |chunk: Vec<(usize, S)>| -> Vec<LintReport> {
            (chunk.into_par_iter())
                .map(|(position, source)| self.lint_at(source.into(), position))
                .collect()
        };
        let take = |linted: Vec<LintReport>| -> Result<(), Infallible> {
            linted.into_iter().for_each(&mut each);
            Ok(())
        };
        let Ok(()) = pipelined(None, sources.into_iter().enumerate(), work, take);
    }

    /// Lints the source at `position` of the stream against the index.
    pub(crate) fn lint_at(&self, source: Source, position: usize) -> LintReport {
        let (mut report, _) = self.lint.lint(source);
        let display = report.files.first().map(|f| f.display.clone());
        let display = display.unwrap_or_default();
        let entities = std::mem::take(&mut report.catalog.entities);
        let mut kept = Vec::with_capacity(entities.len());
        for e in entities {
            let reference = e.entity.reference.canonical();
            match self.first.get(&reference) {
                Some(d) if (d.position, d.document) != (position, e.document) => {
                    report.findings.push(duplicate_finding(
                        &e, &display, reference, &d.file, d.document,
                    ))
                }
                // Not in the index only when the passes read different sources: kept.
                _ => kept.push(e),
            }
        }
        report.catalog.entities = kept;
        report.catalog.index_refs();
        report.owners = self.owners.clone();
        let checks = EntityChecks {
            options: &self.lint.loaded,
            owners: &self.owners,
            known: self,
            names: &self.names,
            near_misses: &self.near_misses,
        };
        let mut findings = Vec::new();
        for e in &report.catalog.entities {
            checks.findings(e, &display, &mut findings);
        }
        report.findings.extend(findings);
        sort_findings(&mut report.findings);
        report
    }

    /// Accepted entities in the catalog (one per reference).
    pub fn entities(&self) -> usize {
        self.first.len()
    }

    /// The canonical reference of each accepted entity (in no particular order).
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.first.keys().map(String::as_str)
    }

    /// Sources read by [`CatalogIndex::build`].
    pub fn files(&self) -> usize {
        self.files
    }

    /// How owner references resolve in the whole catalog.
    pub fn owners(&self) -> &OwnerResolution {
        &self.owners
    }

    /// What the second pass keeps of each document and file (see [`LintOptions::keep`]).
    pub fn keep(&self) -> &super::Keep {
        &self.lint.on_disk.keep
    }
}

/// Runs `op` on the threads of `pool`, or on rayon's global pool.
pub(crate) fn on<R: Send>(pool: Option<&ThreadPool>, op: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(op),
        None => op(),
    }
}

/// A streamed pass: `work` on each chunk of `items` in turn, spread over the threads of
/// `pool` (rayon's global pool when `None`), and each chunk's results handed to `take` on the
/// calling thread, in order, while the next chunk is worked on. Stops at `take`'s first error.
pub(crate) fn pipelined<T: Send, R: Send, E>(
    pool: Option<&ThreadPool>,
    items: impl Iterator<Item = T>,
    work: impl Fn(Vec<T>) -> R + Sync,
    mut take: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let mut chunks = chunks(items);
    let mut ready: Option<R> = None;
    loop {
        let next = chunks.next();
        if next.is_none() && ready.is_none() {
            return Ok(());
        }
        let (mut computed, mut outcome) = (None, Ok(()));
        let (work, computed_ref) = (&work, &mut computed);
        in_place_scope_on(pool, |scope| {
            if let Some(chunk) = next {
                scope.spawn(move |_| *computed_ref = Some(work(chunk)));
            }
            if let Some(done) = ready.take() {
                outcome = take(done);
            }
        });
        outcome?;
        ready = computed;
    }
}

/// Runs `op` on the calling thread in a scope whose spawned work runs on the threads of
/// `pool` (rayon's global pool when `None`).
fn in_place_scope_on<'scope, R>(
    pool: Option<&ThreadPool>,
    op: impl FnOnce(&rayon::Scope<'scope>) -> R,
) -> R {
    match pool {
        Some(pool) => pool.in_place_scope(op),
        None => rayon::in_place_scope(op),
    }
}

/// `items` a chunk of [`CHUNK_FILES`] at a time: what a streamed pass works on in parallel.
fn chunks<I: Iterator>(mut items: I) -> impl Iterator<Item = Vec<I::Item>> {
    std::iter::from_fn(move || {
        let chunk: Vec<I::Item> = items.by_ref().take(CHUNK_FILES).collect();
        (!chunk.is_empty()).then_some(chunk)
    })
}

/// How each source is linted on its own, before any catalog-wide check.
#[derive(Debug)]
struct OneFile {
    /// For files held in memory: no Locations, no placeholders.
    loaded: LintOptions,
    /// For files on disk: placeholders as asked, Locations not followed.
    on_disk: LintOptions,
    /// Where findings' paths are shown from, resolved as `lint_paths` resolves it.
    display_base: Option<PathBuf>,
}

impl OneFile {
    fn new(options: &LintOptions) -> Self {
        OneFile {
            loaded: in_memory(options),
            on_disk: LintOptions {
                follow_locations: false,
                ..options.clone()
            },
            display_base: display_base(options),
        }
    }

    /// The one-file report of `source`, and whether it was read from disk.
    fn lint(&self, source: Source) -> (LintReport, bool) {
        match source {
            Source::Loaded(file) => {
                let mut linter = Linter::new(&self.loaded, None);
                linter.add_file(file);
                linter.drop_unstored();
                (linter.report, false)
            }
            Source::OnDisk(file) => {
                let mut linter = Linter::new(&self.on_disk, self.display_base.clone());
                linter.enqueue_location(file.path, file.root);
                linter.run();
                linter.drop_unstored();
                (linter.report, true)
            }
        }
    }
}

/// An error for the first accepted Location entity of a one-file report: its targets are
/// not followed in a stream.
fn refuse_locations(report: &LintReport) -> Result<(), LintError> {
    let Some(location) = (report.catalog.entities.iter()).find(|e| e.entity.kind() == "Location")
    else {
        return Ok(());
    };
    let span = location.source().span();
    Err(LintError::LocationNotFollowed {
        file: (report.files.first()).map_or_else(String::new, |f| f.display.clone()),
        line: span.line as usize,
        column: span.column as usize,
    })
}
