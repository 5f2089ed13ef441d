//! What an instance's app-config says about its catalog: the `catalog.locations` it reads
//! and the `catalog.rules` (plus each location's own `rules`) that decide which kinds each
//! location may hold, applied as the catalog backend's `DefaultCatalogRulesEnforcer`
//! applies them. Rules follow the origin location: everything a config location leads to,
//! through nested Locations too, is judged by that location's rules.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet};

use super::batches::Cause;
use super::discover::excluded;
use super::linter::Linter;
use super::locations::{url_file, Base, FILE_MAGIC, URL_MAGIC};
use super::Finding;
use crate::appconfig::{AppConfig, ConfigValue, Origin};
use crate::catalog::EntityRef;
use crate::rules::RuleId;
use crate::util::path::join_lexically;
use crate::util::percent::decode;
use crate::yaml::CompactTree;

/// An app-config and the folder its backend runs in (file targets resolve against it).
#[derive(Debug, Clone)]
pub struct AppCatalog {
    /// The loaded configuration.
    pub config: AppConfig,
    /// The backend's working directory.
    pub backend_dir: PathBuf,
}

/// One `catalog.locations` entry.
#[derive(Debug, Clone)]
pub(super) struct ConfigLocation {
    /// `file`, `url`, ...
    pub(super) kind: String,
    /// The target as written (shown only when it was not substituted).
    pub(super) target: String,
    /// For `file`: the target resolved against the backend folder.
    pub(super) resolved: Option<PathBuf>,
    /// Where the entry is written.
    pub(super) origin: Origin,
    /// The target's value, for messages.
    pub(super) shown: String,
}

/// Which kinds a rule allows: a kind, and optionally a `spec.type`.
#[derive(Debug, Clone)]
struct Allow {
    kind: String,
    spec_type: Option<String>,
}

/// Which locations a rule applies to.
#[derive(Debug, Clone)]
struct LocationMatcher {
    kind: String,
    exact: Option<String>,
    pattern: Option<String>,
}

#[derive(Debug, Clone)]
struct CatalogRule {
    allow: Vec<Allow>,
    /// `None`: every location.
    locations: Option<Vec<LocationMatcher>>,
}

/// The locations and rules read from an app-config.
#[derive(Debug, Clone)]
pub(super) struct CatalogSetup {
    pub(super) locations: Vec<ConfigLocation>,
    rules: Vec<CatalogRule>,
    /// `--exclude`: files left out of what the locations reach.
    pub(super) exclude: GlobSet,
}

impl CatalogSetup {
    /// Reads `catalog.locations` and `catalog.rules`; a malformed entry is an error naming
    /// where it is written.
    pub(super) fn read(app: &AppCatalog, exclude: GlobSet) -> Result<CatalogSetup, String> {
        let config = &app.config;
        let at = |v: &ConfigValue, what: &str| format!("{}: {what}", config.position(&v.origin));
        let mut locations = Vec::new();
        let mut rules = Vec::new();
        match config.get("catalog.rules") {
            Some(list) => {
                let items = list
                    .as_seq()
                    .ok_or_else(|| at(list, "catalog.rules must be an array"))?;
                for item in items {
                    rules.push(global_rule(item).map_err(|e| at(item, &e))?);
                }
            }
            None => rules.push(CatalogRule {
                allow: ["Component", "API", "Location"]
                    .iter()
                    .map(|k| Allow {
                        kind: (*k).to_string(),
                        spec_type: None,
                    })
                    .collect(),
                locations: None,
            }),
        }
        if let Some(list) = config.get("catalog.locations") {
            let items = list
                .as_seq()
                .ok_or_else(|| at(list, "catalog.locations must be an array"))?;
            for item in items {
                let kind = string(item, "type").map_err(|e| at(item, &e))?;
                let target_value = item
                    .get("target")
                    .ok_or_else(|| at(item, "a location needs a string `target`"))?;
                let target = string(item, "target").map_err(|e| at(item, &e))?;
                let resolved = (kind == "file").then(|| resolve(&app.backend_dir, &target));
                let exact = match &resolved {
                    Some(path) => path.to_string_lossy().into_owned(),
                    None if kind == "url" => canonical_url(&target).unwrap_or(target.clone()),
                    None => target.clone(),
                };
                if let Some(own) = item.get("rules") {
                    let own = own
                        .as_seq()
                        .ok_or_else(|| at(own, "a location's rules must be an array"))?;
                    for rule in own {
                        let allow = strings(rule, "allow").map_err(|e| at(rule, &e))?;
                        rules.push(CatalogRule {
                            allow: allow
                                .into_iter()
                                .map(|kind| Allow {
                                    kind,
                                    spec_type: None,
                                })
                                .collect(),
                            locations: Some(vec![LocationMatcher {
                                kind: kind.clone(),
                                exact: Some(exact.clone()),
                                pattern: None,
                            }]),
                        });
                    }
                }
                locations.push(ConfigLocation {
                    kind,
                    shown: target_value.shown(),
                    target,
                    resolved,
                    origin: target_value.origin,
                });
            }
        }
        Ok(CatalogSetup {
            locations,
            rules,
            exclude,
        })
    }

    /// Whether an entity of `kind` (with `spec.type`) from location `origin` is allowed.
    pub(super) fn allows(
        &self,
        origin: &ConfigLocation,
        kind: &str,
        spec_type: Option<&str>,
    ) -> bool {
        self.rules_for(origin).any(|rule| {
            rule.allow.iter().any(|a| {
                a.kind.eq_ignore_ascii_case(kind)
                    && a.spec_type
                        .as_ref()
                        .is_none_or(|t| spec_type.is_some_and(|s| s.eq_ignore_ascii_case(t)))
            })
        })
    }

    /// The kinds the rules of a location allow, for messages.
    pub(super) fn allowed_kinds(&self, origin: &ConfigLocation) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .rules_for(origin)
            .flat_map(|r| r.allow.iter())
            .map(|a| match &a.spec_type {
                Some(t) => format!("{} (spec.type {t})", a.kind),
                None => a.kind.clone(),
            })
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// The rules that apply to a location.
    fn rules_for<'a>(&'a self, origin: &ConfigLocation) -> impl Iterator<Item = &'a CatalogRule> {
        let target = match &origin.resolved {
            Some(path) => Some(path.to_string_lossy().into_owned()),
            None if origin.kind == "url" => canonical_url(&origin.target),
            None => Some(origin.target.clone()),
        };
        let kind = origin.kind.clone();
        self.rules.iter().filter(move |rule| {
            rule.locations.as_ref().is_none_or(|matchers| {
                // A URL that does not parse matches no location matcher.
                let Some(target) = &target else {
                    return false;
                };
                matchers.iter().any(|m| {
                    m.kind == kind
                        && m.exact.as_ref().is_none_or(|e| e == target)
                        && m.pattern
                            .as_ref()
                            .is_none_or(|p| pattern_matches(p, target))
                })
            })
        })
    }
}

/// A `catalog.rules` entry: `allow` (kinds, or `{kind, spec.type}`) and optional `locations`.
fn global_rule(item: &ConfigValue) -> Result<CatalogRule, String> {
    let list = item
        .get("allow")
        .and_then(ConfigValue::as_seq)
        .ok_or("a rule needs an `allow` array")?;
    let mut allow = Vec::new();
    for a in list {
        match a.as_str() {
            Some(kind) => allow.push(Allow {
                kind: kind.to_string(),
                spec_type: None,
            }),
            None => allow.push(Allow {
                kind: string(a, "kind")?,
                spec_type: a
                    .get("spec.type")
                    .and_then(ConfigValue::as_str)
                    .map(str::to_string),
            }),
        }
    }
    let locations = match item.get("locations") {
        None => None,
        Some(list) => {
            let mut out = Vec::new();
            for m in list.as_seq().ok_or("a rule's locations must be an array")? {
                let exact = m
                    .get("exact")
                    .and_then(ConfigValue::as_str)
                    .map(str::to_string);
                let pattern = m
                    .get("pattern")
                    .and_then(ConfigValue::as_str)
                    .map(str::to_string);
                if exact.is_some() && pattern.is_some() {
                    return Err(
                        "a catalog rule location cannot have both exact and pattern values".into(),
                    );
                }
                let kind = string(m, "type")?;
                let exact = match exact {
                    Some(e) if kind == "url" => Some(canonical_url(&e).unwrap_or(e)),
                    other => other,
                };
                out.push(LocationMatcher {
                    kind,
                    exact,
                    pattern,
                });
            }
            Some(out)
        }
    };
    Ok(CatalogRule { allow, locations })
}

fn string(item: &ConfigValue, key: &str) -> Result<String, String> {
    item.get(key)
        .and_then(ConfigValue::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| format!("`{key}` must be a non-empty string"))
}

fn strings(item: &ConfigValue, key: &str) -> Result<Vec<String>, String> {
    let list = item
        .get(key)
        .and_then(ConfigValue::as_seq)
        .ok_or_else(|| format!("`{key}` must be an array of strings"))?;
    list.iter()
        .map(|v| {
            v.as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .ok_or_else(|| format!("`{key}` must be an array of strings"))
        })
        .collect()
}

/// `target` resolved against `dir`, as node's `path.resolve`.
fn resolve(dir: &Path, target: &str) -> PathBuf {
    join_lexically(dir, target).unwrap_or_else(|| PathBuf::from(target))
}

/// A URL as the rules enforcer compares it: scheme, host, the path with its segments
/// percent-decoded, query and fragment; `None` when it does not parse.
fn canonical_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let path = decode(parsed.path()).replace('\\', "/");
    let query = parsed
        .query()
        .map(|q| format!("?{}", decode(q)))
        .unwrap_or_default();
    let fragment = parsed
        .fragment()
        .map(|f| format!("#{}", decode(f)))
        .unwrap_or_default();
    let host = parsed.host_str().unwrap_or_default();
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    Some(format!(
        "{}://{host}{port}{path}{query}{fragment}",
        parsed.scheme()
    ))
}

/// minimatch with `nocase` and `dot`.
fn pattern_matches(pattern: &str, target: &str) -> bool {
    GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(true)
        .build()
        .is_ok_and(|g| g.compile_matcher().is_match(target))
}

/// The files a target names: the file itself, or when it holds one of `magic` (the reader's
/// glob characters), every file below `root` that matches it as node-glob and minimatch do
/// by default (`*` stays within a folder; nothing inside a dot folder, no dot file, unless
/// the pattern names one).
pub(super) fn file_targets(resolved: &Path, root: &Path, magic: &[char]) -> Vec<PathBuf> {
    let text = resolved.to_string_lossy();
    if !text.contains(magic) {
        return resolved
            .canonicalize()
            .ok()
            .filter(|p| p.is_file())
            .into_iter()
            .collect();
    }
    let Ok(relative) = resolved.strip_prefix(root) else {
        return Vec::new();
    };
    let pattern = relative.to_string_lossy().replace('\\', "/");
    let Ok(glob) = GlobBuilder::new(&pattern).literal_separator(true).build() else {
        return Vec::new();
    };
    let matcher = glob.compile_matcher();
    let dotted_pattern = pattern.split('/').any(|p| p.starts_with('.'));
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(false)
        .require_git(false)
        .filter_entry(move |e| {
            dotted_pattern || e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
        })
        .build()
        .flatten()
    {
        let path = entry.path();
        if entry.file_type().is_some_and(|t| t.is_file())
            && matcher.is_match(path.strip_prefix(root).unwrap_or(path))
        {
            if let Ok(real) = path.canonicalize() {
                out.push(real);
            }
        }
    }
    out.sort();
    out
}

impl Linter<'_> {
    /// Queues the files of every app-config location, each location one batch, and notes the
    /// locations that are not read (URLs, targets outside the scanned root, missing files).
    pub(super) fn enqueue_config_locations(
        &mut self,
        setup: &CatalogSetup,
        app: &AppCatalog,
        root: &Path,
    ) {
        for (index, location) in setup.locations.iter().enumerate() {
            let config_file = location
                .origin
                .file
                .and_then(|f| app.config.files.get(f))
                .map(|path| self.display(path, root))
                .unwrap_or_else(|| "app-config".into());
            let note = |this: &mut Self, rule: RuleId, message: String| {
                let f = Finding::new(
                    rule,
                    message,
                    &config_file,
                    None,
                    Some(location.origin.span),
                );
                this.report.findings.push(f);
            };
            let target = &location.shown;
            let (resolved, magic, base) = match (location.kind.as_str(), &location.resolved) {
                ("file", Some(resolved)) => (resolved.clone(), FILE_MAGIC, Base::File),
                ("url", _) => match url_file(self.options.repository.as_ref(), &location.target) {
                    Ok(path) => (path, URL_MAGIC, Base::Url),
                    Err(n) => {
                        let message = format!("location {target} is not read: {}", n.message);
                        note(self, n.rule, message);
                        continue;
                    }
                },
                _ => {
                    note(
                        self,
                        RuleId::LocationUrlNotFollowed,
                        format!(
                            "{} location {target} is not read; yardstick reads `file` and `url` locations",
                            location.kind
                        ),
                    );
                    continue;
                }
            };
            if !resolved.starts_with(root) {
                note(
                    self,
                    RuleId::LocationOutsideRoot,
                    format!(
                        "location {target} resolves outside the scanned root {}; not read",
                        root.display()
                    ),
                );
                continue;
            }
            let files = file_targets(&resolved, root, magic);
            if files.is_empty() && !resolved.to_string_lossy().contains(magic) {
                note(
                    self,
                    RuleId::LocationTargetMissing,
                    format!("location {target} does not exist"),
                );
                continue;
            }
            let batch = self.new_batch(None, Some(index));
            if let Some(b) = self.batches.get_mut(batch) {
                b.base = base;
            }
            for file in files
                .into_iter()
                .filter(|f| f.starts_with(root) && !excluded(&setup.exclude, f, root))
            {
                self.enqueue(file, root.to_path_buf(), Vec::new(), batch);
            }
        }
    }

    /// Reports an entity whose kind the rules of its origin location do not allow, and
    /// fails its batch; true when it was refused.
    pub(super) fn kind_refused(
        &mut self,
        batch: usize,
        reference: &EntityRef,
        root: &CompactTree,
        display: &str,
        document: usize,
    ) -> bool {
        let Some(setup) = &self.setup else {
            return false;
        };
        let Some(location) = self
            .batches
            .get(batch)
            .and_then(|b| b.origin)
            .and_then(|o| setup.locations.get(o))
        else {
            return false;
        };
        let spec_type = root.pointer("/spec/type").and_then(|n| n.as_str());
        if setup.allows(location, &reference.kind, spec_type) {
            return false;
        }
        let allowed = setup.allowed_kinds(location).join(", ");
        let mut f = Finding::new(
            RuleId::LocationKindNotAllowed,
            format!(
                "kind {} is not allowed from location {} (allowed: {})",
                reference.kind,
                location.shown,
                if allowed.is_empty() { "none" } else { &allowed }
            ),
            display,
            Some(document),
            Some(root.locate_value("/kind")),
        );
        f.entity = Some(reference.canonical());
        f.pointer = Some("/kind".into());
        self.report.findings.push(f);
        let cause = Cause {
            file: display.to_string(),
            document: Some(document),
            stage: "rules",
        };
        self.fail_batch(batch, cause);
        true
    }
}
