//! Linting a catalog on disk: discovery, Location following, per-document validation,
//! and the cross-entity checks that need the whole catalog.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Component as PathComponent, Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::finding::{rule, Finding, Severity};
use crate::shared_str::StrCache;
use crate::validate::{
    validate_owned, Entity, PlaceholderValue, Problem, ValidateOptions, Validation,
};
use crate::yaml::{
    parse_stream, parse_stream_with, Limits, Node, Span, Stream, Value, YamlError, YamlErrorKind,
};

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
    /// Per document of `stream`: its validation and placeholder notes, for the documents
    /// that are validated.
    validations: Vec<Option<(Validation, Vec<PlaceholderNote>)>>,
}

/// A finding about a placeholder: rule id and message.
type PlaceholderNote = (&'static str, String);

/// When to check that relation targets exist in the scanned catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefCheck {
    /// Only for target kinds of which the catalog holds at least one entity.
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
    /// Paths in findings are shown relative to this directory when below it.
    pub display_base: Option<PathBuf>,
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
            display_base: None,
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
    /// The entity.
    pub entity: Entity,
    /// Index into [`LintReport::files`].
    pub file: usize,
    /// 0-based document index in the file.
    pub document: usize,
    /// The document as written, kept only when placeholder substitution changed it;
    /// otherwise [`Entity::root`] is the same tree and is not held twice.
    source: Option<Node>,
}

impl LoadedEntity {
    /// An entity loaded from document `document` of file `file`, with `source` the document
    /// as written (before placeholder substitution). `source` is dropped when it equals
    /// the entity's substituted tree, which is almost always, so that each entity holds
    /// one tree.
    pub fn new(entity: Entity, file: usize, document: usize, source: Node) -> Self {
        let source = (source != entity.root).then_some(source);
        LoadedEntity {
            entity,
            file,
            document,
            source,
        }
    }

    /// The document as written (before placeholder substitution), for spans.
    pub fn source(&self) -> &Node {
        self.source.as_ref().unwrap_or(&self.entity.root)
    }
}

/// All entities that Backstage would accept, indexed by reference.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Entities in file order.
    pub entities: Vec<LoadedEntity>,
    by_ref: HashMap<String, usize>,
    kinds: HashSet<String>,
}

impl Catalog {
    /// Looks an entity up by its stringified reference (case-insensitive).
    pub fn get(&self, reference: &str) -> Option<&LoadedEntity> {
        self.by_ref
            .get(&reference.to_lowercase())
            .map(|&i| &self.entities[i])
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

const DEFAULT_NAMES: [&str; 2] = ["catalog-info.yaml", "catalog-info.yml"];
const SKIPPED_DIRS: [&str; 3] = [".git", "target", "node_modules"];

fn globset(globs: &[String]) -> Result<GlobSet, LintError> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g).map_err(|source| LintError::Glob {
            glob: g.clone(),
            source,
        })?;
        b.add(glob);
    }
    b.build().map_err(|source| LintError::Glob {
        glob: globs.join(", "),
        source,
    })
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
    let mut linter = Linter {
        options,
        report: LintReport::default(),
        visited: HashMap::new(),
        queue: VecDeque::new(),
        display_base: options
            .display_base
            .as_ref()
            .and_then(|b| b.canonicalize().ok()),
    };
    for path in paths {
        let canonical = path.canonicalize().map_err(|source| LintError::Io {
            path: path.clone(),
            source,
        })?;
        let meta = std::fs::metadata(&canonical).map_err(|source| LintError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            for file in discover(&canonical, &include, &exclude)? {
                linter.enqueue(file, canonical.clone(), Vec::new());
            }
        } else {
            let root = canonical
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| canonical.clone());
            linter.enqueue(canonical, root, Vec::new());
        }
    }
    linter.run();
    Ok(linter.finish())
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
    let options = LintOptions {
        follow_locations: false,
        resolve_placeholders: false,
        ..options.clone()
    };
    let mut linter = Linter {
        options: &options,
        report: LintReport::default(),
        visited: HashMap::new(),
        queue: VecDeque::new(),
        display_base: None,
    };
    for file in files {
        let index = linter.report.files.len();
        let (path, root, text) = (file.path.clone(), file.root.clone(), file.text.clone());
        let display = file.display.clone();
        linter.report.files.push(file);
        if text.len() > options.limits.file_bytes() {
            let f = linter.finding(
                "yaml/file-too-large",
                format!(
                    "source is {} bytes, more than the limit of {} bytes",
                    text.len(),
                    options.limits.file_bytes()
                ),
                &display,
                None,
                Some(Span {
                    line: 1,
                    column: 1,
                    ..Span::default()
                }),
            );
            linter.report.findings.push(f);
            continue;
        }
        linter.lint_file(index, &path, &root, &[], &text);
    }
    linter.finish()
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

/// Finds catalog files below `root`, honouring `.gitignore`.
fn discover(root: &Path, include: &GlobSet, exclude: &GlobSet) -> Result<Vec<PathBuf>, LintError> {
    use ignore::WalkState;
    use std::sync::Mutex;
    // Walking a large monorepo is mostly system calls: ignore's parallel walker spreads
    // them over the threads; the sort below makes the order independent of it.
    let found = Mutex::new(Vec::new());
    let failures = Mutex::new(Vec::new());
    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.file_type().is_some_and(|t| t.is_dir()) && SKIPPED_DIRS.contains(&name.as_ref()))
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        lock(&failures).push(e.to_string());
                        return WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                let path = entry.path();
                let relative = path.strip_prefix(root).unwrap_or(path);
                if exclude.is_match(relative)
                    || relative
                        .ancestors()
                        .any(|a| !a.as_os_str().is_empty() && exclude.is_match(a))
                {
                    return WalkState::Continue;
                }
                let name = entry.file_name().to_string_lossy();
                if DEFAULT_NAMES.contains(&name.as_ref()) || include.is_match(relative) {
                    lock(&found).push(path.to_path_buf());
                }
                WalkState::Continue
            })
        });
    // Every failure is collected, the first in sorted order reported: the same one
    // whatever order the threads met them in.
    if let Some(message) = lock(&failures).iter().min().cloned() {
        return Err(LintError::Io {
            path: root.to_path_buf(),
            source: std::io::Error::other(message),
        });
    }
    let mut found = std::mem::take(&mut *lock(&found));
    found.sort();
    Ok(found)
}

/// A path with `/` between its parts: `services/a/catalog-info.yaml`, `/srv/x.yaml`,
/// `C:/x.yaml`. A path outside the display base keeps its root (one slash, not two).
fn slash_path(path: &Path) -> String {
    use std::path::Component;
    let mut out = String::new();
    for part in path.components() {
        match part {
            Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
            Component::RootDir => out.push('/'),
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

struct Linter<'o> {
    options: &'o LintOptions,
    report: LintReport,
    /// Canonical path -> index into files.
    visited: HashMap<PathBuf, usize>,
    /// (file, root, chain of files whose Locations led here)
    queue: VecDeque<(PathBuf, PathBuf, Vec<PathBuf>)>,
    display_base: Option<PathBuf>,
}

impl Linter<'_> {
    fn enqueue(&mut self, file: PathBuf, root: PathBuf, chain: Vec<PathBuf>) {
        self.queue.push_back((file, root, chain));
    }

    fn display(&self, path: &Path, root: &Path) -> String {
        let base = self.display_base.as_deref().unwrap_or(root);
        let shown = path.strip_prefix(base).unwrap_or(path);
        slash_path(shown)
    }

    /// Lints the queue. Reading, parsing and validating a file depend only on the file, so
    /// they run in parallel for a batch of queued files; the results are then applied one
    /// by one in queue order, exactly as linting the files one at a time would (files a
    /// Location adds are queued behind the batch, as before). Parsing and validation were
    /// about two thirds of the lint time on one core.
    fn run(&mut self) {
        while !self.queue.is_empty() {
            let take = self.queue.len().min(BATCH_FILES);
            let batch: Vec<(PathBuf, PathBuf, Vec<PathBuf>)> = self.queue.drain(..take).collect();
            let mut first = HashSet::new();
            let todo: Vec<usize> = (0..batch.len())
                .filter(|&i| !self.visited.contains_key(&batch[i].0) && first.insert(&batch[i].0))
                .collect();
            let this = &*self;
            let mut prepared: HashMap<usize, (String, ReadFile, Option<ParsedFile>)> = todo
                .par_iter()
                // Each job shares map keys among the files it parses.
                .map_init(
                    || StrCache::new(4096),
                    |keys, &i| {
                        let (file, root, _) = &batch[i];
                        let display = this.display(file, root);
                        let read = this.read(file, &display);
                        let parsed = read
                            .text
                            .as_ref()
                            .map(|text| this.parse_file(file, root, text, keys));
                        (i, (display, read, parsed))
                    },
                )
                .collect();
            for (i, (file, root, chain)) in batch.into_iter().enumerate() {
                if self.visited.contains_key(&file) {
                    continue;
                }
                let Some((display, read, parsed)) = prepared.remove(&i) else {
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
                if let Some(parsed) = parsed {
                    self.apply_file(index, &file, &root, &chain, parsed);
                }
            }
        }
    }

    fn finding(
        &self,
        rule_id: &'static str,
        message: String,
        file: &str,
        document: Option<usize>,
        span: Option<Span>,
    ) -> Finding {
        let r = rule(rule_id);
        Finding {
            rule: rule_id,
            severity: r.map_or(Severity::Error, |r| r.severity),
            message,
            help: r.map_or_else(String::new, |r| r.help.to_string()),
            file: file.to_string(),
            document,
            span,
            pointer: None,
            entity: None,
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
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if size > limit as u64 {
            let f = self.finding(
                "yaml/file-too-large",
                format!("file is {size} bytes, more than the limit of {limit} bytes; not read"),
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
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        let valid = e.utf8_error().valid_up_to();
                        let bytes = e.into_bytes();
                        let prefix = String::from_utf8_lossy(&bytes[..valid]);
                        let line = prefix.matches('\n').count() + 1;
                        let column =
                            prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                        let f = self.finding(
                            "yaml/encoding",
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
            Err(e) => {
                let f = self.finding(
                    "location/target-missing",
                    format!("cannot read file: {e}"),
                    display,
                    None,
                    None,
                );
                findings.push(f);
                None
            }
        }
    }

    fn yaml_finding(&self, e: &YamlError, display: &str, document: Option<usize>) -> Finding {
        let rule_id = match e.kind {
            YamlErrorKind::Syntax => "yaml/syntax",
            YamlErrorKind::DuplicateKey => "yaml/duplicate-key",
            YamlErrorKind::AliasLimit => "yaml/alias-limit",
            YamlErrorKind::DepthLimit => "yaml/depth-limit",
            YamlErrorKind::DocumentLimit => "yaml/document-limit",
            YamlErrorKind::FileTooLarge => "yaml/file-too-large",
            YamlErrorKind::NotAnObject => "yaml/not-an-object",
            YamlErrorKind::UnresolvedTag => "yaml/unresolved-tag",
            YamlErrorKind::Encoding => "yaml/encoding",
        };
        self.finding(rule_id, e.message.clone(), display, document, Some(e.span))
    }

    fn lint_file(&mut self, index: usize, file: &Path, root: &Path, chain: &[PathBuf], text: &str) {
        let parsed = self.parse_file(file, root, text, &mut StrCache::new(256));
        self.apply_file(index, file, root, chain, parsed);
    }

    /// Parses a file and validates its documents (no linter state changes).
    fn parse_file(&self, file: &Path, root: &Path, text: &str, keys: &mut StrCache) -> ParsedFile {
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
                    let (validation, source) = validate_owned(root_node, &options);
                    doc.root = source;
                    Some((validation, notes.into_inner()))
                })
                .collect()
        };
        ParsedFile {
            stream,
            validations,
        }
    }

    /// Records the findings and entities of a parsed file, and follows its Locations.
    fn apply_file(
        &mut self,
        index: usize,
        file: &Path,
        root: &Path,
        chain: &[PathBuf],
        parsed: ParsedFile,
    ) {
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
            return;
        }
        let dir = file.parent().unwrap_or(root).to_path_buf();
        for (d, doc) in stream.documents.into_iter().enumerate() {
            for w in &doc.warnings {
                let f = self.yaml_finding(w, &display, Some(doc.index));
                self.report.findings.push(f);
            }
            if let Some(e) = &doc.error {
                let f = self.yaml_finding(e, &display, Some(doc.index));
                self.report.findings.push(f);
                continue;
            }
            let Some((validation, placeholder_notes)) =
                validations.get_mut(d).and_then(Option::take)
            else {
                continue;
            };
            // The document as written moves into the LoadedEntity instead of being cloned;
            // `None` when it equals the entity's tree (see `parse_file`), which then gives
            // the spans.
            let source = doc.root;
            let Some(root_node) = source
                .as_ref()
                .or(validation.entity.as_ref().map(|e| &e.root))
            else {
                continue;
            };
            self.report.documents += 1;
            let entity_ref = validation.reference.as_ref().map(ToString::to_string);
            for p in &validation.problems {
                let mut f = self.problem_finding(p, root_node, &display, doc.index);
                f.entity = entity_ref.clone();
                self.report.findings.push(f);
            }
            for (rule_id, message) in placeholder_notes {
                let mut f = self.finding(
                    rule_id,
                    message,
                    &display,
                    Some(doc.index),
                    Some(root_node.span),
                );
                f.entity = entity_ref.clone();
                self.report.findings.push(f);
            }
            if let Some(entity) = validation.entity {
                if self.options.follow_locations && entity.kind() == "Location" {
                    let written = source.as_ref().unwrap_or(&entity.root);
                    self.follow_location(
                        &entity, written, file, &dir, root, chain, &display, doc.index,
                    );
                }
                self.report.catalog.entities.push(LoadedEntity {
                    entity,
                    file: index,
                    document: doc.index,
                    source,
                });
            }
        }
    }

    fn problem_finding(&self, p: &Problem, root: &Node, display: &str, document: usize) -> Finding {
        let span = if p.at_key {
            root.locate(&p.pointer)
        } else {
            root.locate_value(&p.pointer)
        };
        let mut f = self.finding(
            p.rule,
            p.message.clone(),
            display,
            Some(document),
            Some(span),
        );
        f.pointer = Some(p.pointer.clone());
        f
    }

    #[allow(clippy::too_many_arguments)]
    fn follow_location(
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
            let note = |this: &mut Self, rule_id: &'static str, message: String| {
                let mut f = this.finding(rule_id, message, display, Some(document), span);
                f.pointer = Some(pointer.clone());
                f.entity = Some(reference.clone());
                this.report.findings.push(f);
            };
            if is_url(&target) {
                note(
                    self,
                    "location/url-not-followed",
                    format!("target {target} is a URL and was not followed"),
                );
                continue;
            }
            let Some(joined) = normalize_within(dir, &target) else {
                note(
                    self,
                    "location/outside-root",
                    format!("target {target} is an absolute path; not followed"),
                );
                continue;
            };
            if !joined.starts_with(root) {
                note(
                    self,
                    "location/outside-root",
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
                            "location/target-missing",
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
                                "location/target-missing",
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
                        "location/outside-root",
                        format!("target {target} resolves outside the scanned root; not read"),
                    );
                    continue;
                }
                if chain.contains(&real) {
                    note(
                        self,
                        "location/cycle",
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

    fn finish(mut self) -> LintReport {
        self.check_catalog();
        self.report.findings.sort_by(|a, b| {
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
        self.report
    }

    /// Duplicate entities and relation targets missing from the catalog.
    fn check_catalog(&mut self) {
        let files: Vec<String> = self
            .report
            .files
            .iter()
            .map(|f| f.display.clone())
            .collect();
        let mut order: Vec<usize> = (0..self.report.catalog.entities.len()).collect();
        let entities = &self.report.catalog.entities;
        order.sort_by(|&a, &b| {
            (&files[entities[a].file], entities[a].document)
                .cmp(&(&files[entities[b].file], entities[b].document))
        });
        let mut first: BTreeMap<String, usize> = BTreeMap::new();
        let mut findings = Vec::new();
        for &i in &order {
            let e = &entities[i];
            let key = e.entity.reference.to_string();
            match first.get(&key) {
                Some(&j) => {
                    let prior = &entities[j];
                    let mut f = self.finding(
                        "catalog/duplicate-entity",
                        format!(
                            "{key} is already defined in {} (document {})",
                            files[prior.file], prior.document
                        ),
                        &files[e.file],
                        Some(e.document),
                        Some(e.source().locate("/metadata/name")),
                    );
                    f.entity = Some(key);
                    f.pointer = Some("/metadata/name".into());
                    findings.push(f);
                }
                None => {
                    first.insert(key, i);
                }
            }
        }
        // Backstage keeps one entity per reference: later duplicates leave the catalog.
        let keep: HashSet<usize> = first.values().copied().collect();
        let catalog = &mut self.report.catalog;
        let mut index = 0;
        catalog.entities.retain(|_| {
            index += 1;
            keep.contains(&(index - 1))
        });
        catalog.by_ref = catalog
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.entity.reference.to_string(), i))
            .collect();
        catalog.kinds = catalog
            .entities
            .iter()
            .map(|e| e.entity.kind().to_lowercase())
            .collect();
        let catalog = &self.report.catalog;
        for e in &catalog.entities {
            for rel in &e.entity.relations {
                let target_kind = rel.target.kind.to_lowercase();
                let check = match self.options.check_refs {
                    RefCheck::Never => false,
                    RefCheck::Always => true,
                    RefCheck::Auto => {
                        catalog.has_kind(&target_kind)
                            || (rel.field == "owner"
                                && (catalog.has_kind("group") || catalog.has_kind("user")))
                    }
                };
                let target = rel.target.to_string();
                if !check || catalog.get(&target).is_some() {
                    continue;
                }
                let rule_id = match rel.field {
                    "owner" => "ref/unresolved-owner",
                    "system" => "ref/unresolved-system",
                    "domain" => "ref/unresolved-domain",
                    "subdomainOf" => "ref/unresolved-subdomain-of",
                    "parent" => "ref/unresolved-parent",
                    "children" => "ref/unresolved-child",
                    "members" => "ref/unresolved-member",
                    "memberOf" => "ref/unresolved-member-of",
                    "providesApis" | "consumesApis" => "ref/unresolved-api",
                    "subcomponentOf" => "ref/unresolved-subcomponent-of",
                    _ => "ref/unresolved-dependency",
                };
                let mut f = self.finding(
                    rule_id,
                    format!(
                        "spec.{} refers to {target}, which is not in the scanned catalog",
                        rel.field
                    ),
                    &files[e.file],
                    Some(e.document),
                    Some(e.source().locate_value(&rel.pointer)),
                );
                f.entity = Some(e.entity.reference.to_string());
                f.pointer = Some(rel.pointer.clone());
                findings.push(f);
            }
        }
        self.report.findings.extend(findings);
    }
}

fn is_url(target: &str) -> bool {
    url::Url::parse(target).is_ok_and(|u| u.scheme().len() > 1)
}

/// Joins a relative target to `dir` and folds `.`/`..` lexically; `None` for absolute targets.
pub(crate) fn normalize_within(dir: &Path, target: &str) -> Option<PathBuf> {
    let t = Path::new(target);
    if t.is_absolute() {
        return None;
    }
    let mut out = dir.to_path_buf();
    for c in t.components() {
        match c {
            PathComponent::CurDir => {}
            PathComponent::ParentDir => {
                out.pop();
            }
            PathComponent::Normal(p) => out.push(p),
            PathComponent::RootDir | PathComponent::Prefix(_) => return None,
        }
    }
    Some(out)
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

/// Reads a placeholder target; the second value is a note to report.
fn resolve_placeholder(
    kind: &str,
    target: &str,
    dir: &Path,
    root: &Path,
    limits: &Limits,
) -> (PlaceholderValue, Option<(&'static str, String)>) {
    if is_url(target) {
        return (PlaceholderValue::Stub, None);
    }
    let Some(path) = normalize_within(dir, target) else {
        return (
            PlaceholderValue::Stub,
            Some((
                "location/outside-root",
                format!("placeholder ${kind} target {target} is an absolute path; not read"),
            )),
        );
    };
    if !path.starts_with(root) {
        return (PlaceholderValue::Stub, Some(("location/outside-root", format!("placeholder ${kind} target {target} resolves outside the scanned root; not read"))));
    }
    let real = match path.canonicalize() {
        Ok(r) if r.starts_with(root) => r,
        Ok(_) => {
            return (PlaceholderValue::Stub, Some(("location/outside-root", format!("placeholder ${kind} target {target} resolves outside the scanned root; not read"))));
        }
        Err(e) => return (PlaceholderValue::Failed(e.to_string()), None),
    };
    if std::fs::metadata(&real).map(|m| m.len()).unwrap_or(0) > limits.file_bytes() as u64 {
        return (
            PlaceholderValue::Failed("file is larger than the size limit".into()),
            None,
        );
    }
    let text = match std::fs::read(&real) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => return (PlaceholderValue::Failed(e.to_string()), None),
    };
    let span = Span::default();
    let value = match kind {
        "text" => PlaceholderValue::Resolved(Node {
            value: Value::String(text),
            span,
        }),
        "json" => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(j) => PlaceholderValue::Resolved(json_to_node(&j)),
            Err(e) => PlaceholderValue::Failed(format!("invalid JSON: {e}")),
        },
        _ => {
            let stream = parse_stream(&text, limits);
            match (stream.fatal, stream.documents.as_slice()) {
                (Some(e), _) => PlaceholderValue::Failed(e.message),
                (None, [doc]) => match (&doc.error, &doc.root) {
                    (Some(e), _) => {
                        PlaceholderValue::Failed(format!("invalid YAML: {}", e.message))
                    }
                    (None, Some(root)) => PlaceholderValue::Resolved(root.clone()),
                    (None, None) => PlaceholderValue::Failed("empty YAML".into()),
                },
                (None, _) => PlaceholderValue::Failed("expected exactly one YAML document".into()),
            }
        }
    };
    (value, None)
}

fn json_to_node(j: &serde_json::Value) -> Node {
    use serde_json::Value as J;
    let value = match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
        J::String(s) => Value::String(s.clone()),
        J::Array(a) => Value::Seq(a.iter().map(json_to_node).collect()),
        J::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| crate::yaml::Entry {
                    key: k.as_str().into(),
                    key_span: Span::default(),
                    value: json_to_node(v),
                })
                .collect(),
        ),
    };
    Node {
        value,
        span: Span::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_with_single_slashes() {
        assert_eq!(
            slash_path(Path::new("services/a/catalog-info.yaml")),
            "services/a/catalog-info.yaml"
        );
        assert_eq!(
            slash_path(Path::new("/srv/catalog/x.yaml")),
            "/srv/catalog/x.yaml"
        );
        assert_eq!(slash_path(Path::new("./a/../b.yaml")), "./a/../b.yaml");
        assert_eq!(slash_path(Path::new("")), "");
    }

    /// Each entity holds one tree unless a placeholder changed it; spans still come from
    /// the document as written.
    #[test]
    fn source_tree_is_shared_unless_substituted() {
        let dir =
            std::env::temp_dir().join(format!("yardstick-lint-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("about.txt"), "hello").unwrap();
        std::fs::write(
            dir.join("catalog-info.yaml"),
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: plain\n\
             spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n---\n\
             apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: substituted\n  \
             description:\n    $text: ./about.txt\n\
             spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
        )
        .unwrap();
        let report = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let plain = report.catalog.get("component:default/plain").unwrap();
        assert!(plain.source.is_none());
        assert!(std::ptr::eq(plain.source(), &plain.entity.root));
        let substituted = report.catalog.get("component:default/substituted").unwrap();
        let source = substituted.source.as_ref().unwrap();
        assert_ne!(*source, substituted.entity.root);
        assert_eq!(
            source.pointer("/metadata/description").map(Node::type_name),
            Some("object")
        );
        assert_eq!(
            substituted
                .entity
                .root
                .pointer("/metadata/description")
                .and_then(Node::as_str),
            Some("hello")
        );
    }
}
