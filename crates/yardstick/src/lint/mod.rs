//! Linting a catalog on disk: discovery, Location following, per-document validation,
//! and the cross-entity checks that need the whole catalog.
//!
//! The parts: `discover` finds catalog files, `linter` reads, parses and validates them (in
//! parallel) and applies the results in order, `locations` follows Location targets,
//! `placeholders` reads `$text`/`$json`/`$yaml` targets, `catalog_checks` runs the checks
//! that need every entity, and [`Finding`] is the result model.

mod ahead;
mod app_locations;
mod batches;
mod catalog_checks;
mod discover;
mod finding;
mod index;
mod kept;
mod linter;
mod locations;
mod placeholders;
mod reader;
mod repository;
mod sources;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::catalog::{Entity, EntityRecord, OwnerDirectory};
use crate::rules::Severity;
use crate::util::prehashed::PrehashedMap;
use crate::yaml::{CompactTree, Limits, Node};

pub use app_locations::AppCatalog;
use app_locations::CatalogSetup;
pub use catalog_checks::OwnerResolution;
use discover::globset;
pub use finding::{Finding, SecondaryLabel};
pub use index::CatalogIndex;
pub(crate) use index::{on, pipelined};
pub use kept::{Keep, Kept};
use linter::Linter;
pub use repository::Repository;
use sources::scanned_files;
pub use sources::{catalog_files, CatalogFile, Source};

/// When to check that relation targets exist in the scanned catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefCheck {
    /// Owners strictly when an owner source is given or the catalog's own Groups and Users
    /// resolve at least half of the distinct owner references; other targets only for
    /// kinds of which the catalog (or an owner source) holds at least one entity.
    #[default]
    Auto,
    /// Always: every target must be in the catalog.
    Always,
    /// Never.
    Never,
}

/// How to lint.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// Extra globs (relative to the scanned directory) of files to read besides
    /// `catalog-info.yaml` / `catalog-info.yml`.
    pub include: Vec<String>,
    /// Globs of files and directories to skip.
    pub exclude: Vec<String>,
    /// Follow relative `target`/`targets` of Location entities.
    pub follow_locations: bool,
    /// When to report relation targets that are not in the catalog.
    pub check_refs: RefCheck,
    /// Resource limits for reading YAML.
    pub limits: Limits,
    /// Accept scaffolder Templates (a backend with the scaffolder plugin does).
    pub templates: bool,
    /// Read `$text`/`$json`/`$yaml` targets (relative files inside the root).
    pub resolve_placeholders: bool,
    /// Treat `$openapi`/`$asyncapi` as placeholders (the OpenAPI catalog module).
    pub openapi_placeholders: bool,
    /// Paths in findings are shown relative to this directory when below it.
    pub display_base: Option<PathBuf>,
    /// Groups and Users from outside the scanned catalog (`--owners-from`, a GitHub org):
    /// references resolve against them too, and with them `auto` checks owners strictly.
    pub owners: Option<Arc<OwnerDirectory>>,
    /// Lint as this app-config's instance ingests: read only what its `catalog.locations`
    /// reach (below the first scanned directory), with its `catalog.rules`.
    pub app_catalog: Option<AppCatalog>,
    /// The scanned repository: URL location targets pointing into it are read from its work
    /// tree (inside the scanned root); other URLs are noted.
    pub repository: Option<Repository>,
    /// What each accepted entity keeps of its document, and each file of its text, once
    /// read: everything, or only the parts that will be read (see [`Keep`]).
    pub keep: Keep,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            include: Vec::new(),
            exclude: Vec::new(),
            follow_locations: true,
            check_refs: RefCheck::Auto,
            limits: Limits::default(),
            templates: true,
            resolve_placeholders: true,
            openapi_placeholders: false,
            display_base: None,
            owners: None,
            app_catalog: None,
            repository: None,
            keep: Keep::Everything,
        }
    }
}

/// Why linting could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// A path given to scan cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The app-config's catalog section is malformed.
    #[error("app-config: {0}")]
    AppConfig(String),
    /// A streamed lint met a Location entity on disk while following Locations: the stream
    /// reads only the files it was given, so it cannot read what the Location leads to.
    #[error(
        "{file}:{line}:{column}: a Location entity, whose targets a streamed run does not follow; \
         run without streaming, or set `follow-locations: false` under `lint:` in yardstick.yaml"
    )]
    LocationNotFollowed {
        /// The file, as findings show it.
        file: String,
        /// 1-based line of the Location's document.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A glob is malformed.
    #[error("invalid glob `{glob}`: {source}")]
    Glob {
        /// The glob.
        glob: String,
        /// The parse error.
        source: globset::Error,
    },
}

/// A catalog file that was read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path on disk.
    pub path: PathBuf,
    /// The path as findings show it.
    pub display: String,
    /// The scanned root the file was found under; paths from the file stay inside it.
    pub root: PathBuf,
    /// The text (lossily decoded); empty when the file was not read.
    pub text: Arc<str>,
}

/// An accepted entity and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedEntity {
    /// The entity, in the compact form the catalog keeps.
    pub entity: EntityRecord,
    /// Index into [`LintReport::files`].
    pub file: usize,
    /// 0-based document index in the file.
    pub document: usize,
    /// The document as written, kept only when placeholder substitution changed it;
    /// otherwise [`EntityRecord::root`] is the same tree and is not held twice.
    source: Option<Box<CompactTree>>,
    /// Its findings that need no other entity (misspelled spec keys), found while its whole
    /// document was at hand; reported if it stays in the catalog.
    notes: Vec<Finding>,
    /// When its trees are pruned: where its name and relations are written (see
    /// `kept::Pruned`).
    spans: Box<[crate::yaml::Span]>,
}

impl LoadedEntity {
    /// An entity loaded from document `document` of file `file`, with `source` the document
    /// as written (before placeholder substitution). `source` is dropped when it equals
    /// the entity's substituted tree, which is almost always, so that each entity holds
    /// one tree.
    pub fn new(entity: Entity, file: usize, document: usize, source: Node) -> Self {
        let source = (source != entity.root).then(|| Box::new(CompactTree::from_node(&source)));
        LoadedEntity {
            entity: EntityRecord::from(entity),
            file,
            document,
            source,
            notes: Vec::new(),
            spans: Box::default(),
        }
    }

    /// The document as written (before placeholder substitution), for spans.
    pub fn source(&self) -> &CompactTree {
        self.source.as_deref().unwrap_or(&self.entity.root)
    }
}

/// All entities that Backstage would accept, indexed by reference.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Entities in file order.
    pub entities: Vec<LoadedEntity>,
    by_ref: RefIndex,
    kinds: HashSet<String>,
}

/// The catalog's entities by canonical reference, holding a hash and an index per entity
/// rather than a copy of each reference (the references stay in the entities).
#[derive(Debug, Clone, Default)]
struct RefIndex {
    hasher: RefHasher,
    /// The entity with each hash (the last one, as a map built by insertion keeps it).
    by_hash: PrehashedMap<usize>,
    /// References whose hash a different reference has.
    others: HashMap<String, usize>,
}

/// The keyed hasher of canonical references (see [`RefIndex`]): each run's own keys, so no
/// catalog can choose references whose hashes collide.
#[derive(Debug, Clone, Default)]
pub(super) struct RefHasher(std::collections::hash_map::RandomState);

impl RefHasher {
    /// The hash of a canonical reference.
    pub(super) fn hash(&self, reference: &str) -> u64 {
        std::hash::BuildHasher::hash_one(&self.0, reference)
    }
}

impl RefIndex {
    /// The index of `entities`, by [`EntityRef::canonical`](crate::catalog::EntityRef::canonical).
    fn new(entities: &[LoadedEntity]) -> RefIndex {
        let hasher = RefHasher::default();
        let refs: Vec<String> = (entities.iter())
            .map(|e| e.entity.reference.canonical())
            .collect();
        let hashes: Vec<u64> = refs.iter().map(|r| hasher.hash(r)).collect();
        RefIndex::from_refs(entities, hasher, &refs, &hashes)
    }

    /// The index of `entities`, whose canonical references are `refs` (in the same order),
    /// hashed by `hasher` as `hashes`.
    fn from_refs(
        entities: &[LoadedEntity],
        hasher: RefHasher,
        refs: &[String],
        hashes: &[u64],
    ) -> RefIndex {
        let mut index = RefIndex {
            hasher,
            ..RefIndex::default()
        };
        index.by_hash.reserve(entities.len());
        for (i, (key, &hash)) in refs.iter().zip(hashes).enumerate() {
            match index.by_hash.get(&hash).and_then(|&j| entities.get(j)) {
                Some(other) if !other.entity.reference.has_canonical(key) => {
                    index.others.insert(key.clone(), i);
                }
                _ => {
                    index.by_hash.insert(hash, i);
                }
            }
        }
        index
    }

    /// The index of the entity whose canonical reference is `key`.
    fn get(&self, entities: &[LoadedEntity], key: &str) -> Option<usize> {
        match self.by_hash.get(&self.hasher.hash(key)) {
            Some(&i)
                if (entities.get(i)).is_some_and(|e| e.entity.reference.has_canonical(key)) =>
            {
                Some(i)
            }
            _ => self.others.get(key).copied(),
        }
    }
}

impl Catalog {
    /// Looks an entity up by its stringified reference (case-insensitive).
    pub fn get(&self, reference: &str) -> Option<&LoadedEntity> {
        (self.by_ref.get(&self.entities, &reference.to_lowercase()))
            .and_then(|i| self.entities.get(i))
    }

    /// True when the catalog holds any entity of `kind` (case-insensitive).
    pub fn has_kind(&self, kind: &str) -> bool {
        self.kinds.contains(&kind.to_lowercase())
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// True when there are no entities.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Indexes the entities by reference and kind.
    fn index_refs(&mut self) {
        self.by_ref = RefIndex::new(&self.entities);
        self.index_kinds();
    }

    /// [`Catalog::index_refs`] with the entities' canonical references, `refs`, at hand,
    /// hashed by `hasher` as `hashes`.
    fn index_refs_from(&mut self, hasher: RefHasher, refs: &[String], hashes: &[u64]) {
        self.by_ref = RefIndex::from_refs(&self.entities, hasher, refs, hashes);
        self.index_kinds();
    }

    fn index_kinds(&mut self) {
        self.kinds = (self.entities.iter())
            .map(|e| e.entity.kind().to_lowercase())
            .collect();
    }
}

/// The result of linting.
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    /// Every file read, in the order read.
    pub files: Vec<SourceFile>,
    /// Every finding, sorted by file, position and rule.
    pub findings: Vec<Finding>,
    /// The accepted entities.
    pub catalog: Catalog,
    /// Number of non-empty documents read.
    pub documents: usize,
    /// How owner references resolve, for `has-owner` as for `ref/unresolved-owner`.
    pub owners: OwnerResolution,
    /// What the run kept, when [`LintOptions::keep`] asked for parts only.
    pub kept: Option<Kept>,
}

impl LintReport {
    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Lints files and directories.
///
/// ```no_run
/// use yardstick::{lint_paths, LintOptions, Severity};
/// let report = lint_paths(&["fixtures/demo".into()], &LintOptions::default()).unwrap();
/// for f in &report.findings {
///     println!("{}:{:?} {} {}", f.file, f.span.map(|s| s.line), f.rule, f.message);
/// }
/// assert!(report.count(Severity::Error) > 0);
/// ```
pub fn lint_paths(paths: &[PathBuf], options: &LintOptions) -> Result<LintReport, LintError> {
    let include = globset(&options.include)?;
    let exclude = globset(&options.exclude)?;
    let mut linter = Linter::new(options, display_base(options));
    if let Some(app) = &options.app_catalog {
        if !options.include.is_empty() {
            return Err(LintError::AppConfig(format!(
                "--include {} cannot be used with --app-config: only what catalog.locations reach is read",
                options.include.join(", ")
            )));
        }
        let setup = CatalogSetup::read(app, exclude).map_err(LintError::AppConfig)?;
        let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        let root = first.canonicalize().map_err(|source| LintError::Io {
            path: first.clone(),
            source,
        })?;
        linter.enqueue_config_locations(&setup, app, &root);
        linter.setup = Some(setup);
        linter.run();
        return Ok(linter.finish());
    }
    // The folders holding an MkDocs configuration serve a run that keeps parts (see
    // `Kept::mkdocs`).
    let mkdocs = matches!(options.keep, Keep::Parts(_));
    let scanned = scanned_files(paths, &include, &exclude, mkdocs)?;
    linter.mkdocs_folders = scanned.mkdocs_folders;
    // A batch and a queue entry per file: allocated once, not grown (and copied) in steps.
    linter.batches.reserve(scanned.files.len());
    linter.queue.reserve(scanned.files.len());
    for (file, root) in scanned.files {
        linter.enqueue_location(file, root);
    }
    linter.run();
    Ok(linter.finish())
}

/// The directory findings' paths are shown from, resolved (`None` when not given or not
/// found).
fn display_base(options: &LintOptions) -> Option<PathBuf> {
    (options.display_base.as_ref()).and_then(|b| b.canonicalize().ok())
}

/// Lints catalog documents held in memory, without touching the file system: each source is
/// `(name, text)`, where the name is what findings show as the file. Location targets are not
/// followed and placeholders are not read (there are no files to read them from).
///
/// ```
/// use yardstick::{lint_sources, LintOptions};
/// let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service, lifecycle: production, owner: team-a}\n";
/// let report = lint_sources(&[("inline.yaml", text)], &LintOptions::default());
/// assert_eq!(report.catalog.len(), 1);
/// assert!(report.findings.is_empty());
/// ```
pub fn lint_sources<N: AsRef<str>, T: AsRef<str>>(
    sources: &[(N, T)],
    options: &LintOptions,
) -> LintReport {
    lint_files(
        sources
            .iter()
            .map(|(name, text)| SourceFile {
                path: PathBuf::from(name.as_ref()),
                display: name.as_ref().to_string(),
                root: PathBuf::new(),
                text: Arc::from(text.as_ref()),
            })
            .collect(),
        options,
    )
}

/// Lints files held in memory, each with its own `path`, `root` and `display` name: for
/// catalogs fetched from elsewhere, e.g. many repositories at once, where a file's
/// relative paths (techdocs `dir:` refs) must stay inside its own repository. Location
/// targets are not followed and placeholders are not resolved, as there is no file system.
///
/// ```
/// use std::sync::Arc;
/// use yardstick::{lint_files, LintOptions, SourceFile};
/// let file = SourceFile {
///     path: "acme/web/catalog-info.yaml".into(),
///     display: "https://github.com/acme/web/blob/main/catalog-info.yaml".into(),
///     root: "acme/web".into(),
///     text: Arc::from("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: web}\nspec: {type: team, children: []}\n"),
/// };
/// let report = lint_files(vec![file], &LintOptions::default());
/// assert_eq!(report.catalog.len(), 1);
/// ```
pub fn lint_files(files: Vec<SourceFile>, options: &LintOptions) -> LintReport {
    let options = in_memory(options);
    let mut linter = Linter::new(&options, None);
    for file in files {
        linter.add_file(file);
    }
    linter.finish()
}

/// `options` for files held in memory: no Location following, no placeholder reading.
fn in_memory(options: &LintOptions) -> LintOptions {
    LintOptions {
        follow_locations: false,
        resolve_placeholders: false,
        ..options.clone()
    }
}

/// Lints entities that are already parsed, e.g. fetched from a Backstage catalog API. They
/// are written out as one JSON document each (JSON is YAML), so findings point at lines of
/// that text under `name`.
///
/// ```
/// let entity = serde_json::json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Group",
///     "metadata": {"name": "team-a"}, "spec": {"type": "team", "children": []}});
/// let report = yardstick::lint_json_entities("catalog-api", &[entity], &yardstick::LintOptions::default());
/// assert_eq!(report.catalog.len(), 1);
/// ```
pub fn lint_json_entities(
    name: &str,
    entities: &[serde_json::Value],
    options: &LintOptions,
) -> LintReport {
    let text = entities
        .iter()
        .map(|e| serde_json::to_string_pretty(e).unwrap_or_else(|_| "null".into()))
        .collect::<Vec<_>>()
        .join("\n---\n");
    lint_sources(&[(name, text)], options)
}
