//! Reading what the arguments point at: the configuration, checks and facts files, and the
//! lint options they make together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yardstick::appconfig::{load_app_config, ConfigSources};
use yardstick::{
    AppCatalog, CheckStatus, Config, EntityScore, Facts, LintOptions, OwnerDirectory,
    OwnerResolution, PolicySet, RefCheck, Repository, ScoreOptions, CONFIG_FILE_NAME,
};

use crate::flags::{ScanArgs, ScoringArgs};

/// The configuration of a lint or score run: `--config`, else `yardstick.yaml` in the first
/// scanned directory, else the default (always the default with `--no-config`).
pub fn scan_config(args: &ScanArgs) -> Result<Config, String> {
    match scan_config_path(args) {
        Some(path) => read_config_file(&path),
        None => Ok(Config::default()),
    }
}

/// The configuration file [`scan_config`] reads, if any.
pub fn scan_config_path(args: &ScanArgs) -> Option<PathBuf> {
    if args.no_config {
        return None;
    }
    if let Some(path) = &args.config {
        return Some(path.clone());
    }
    let base = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let candidate = base.join(CONFIG_FILE_NAME);
    (base.is_dir() && candidate.is_file()).then_some(candidate)
}

/// Warns about every check id the configuration at `path` names that no loaded check has
/// (accepted, with no effect: see `Config::check_ids`).
pub fn warn_unloaded_checks(path: Option<&Path>, config: &Config, policies: &PolicySet) {
    let ids: Vec<&str> = policies.checks().iter().map(|c| c.id.as_str()).collect();
    let file = path.map_or_else(|| "configuration".to_string(), |p| p.display().to_string());
    for warning in config.check_ids(&ids) {
        crate::stdio::eprint_line(&format!(
            "yardstick: warning: {file}:{}:{}: {}",
            warning.span.line, warning.span.column, warning.message
        ));
    }
}

/// Lint options from the configuration and the scan arguments.
pub fn lint_options(scan: &ScanArgs, config: &Config) -> LintOptions {
    LintOptions {
        include: config
            .include
            .iter()
            .chain(&scan.include)
            .cloned()
            .collect(),
        exclude: config
            .exclude
            .iter()
            .chain(&scan.exclude)
            .cloned()
            .collect(),
        follow_locations: config.lint.follow_locations.unwrap_or(true),
        check_refs: config.lint.check_refs.unwrap_or_default(),
        templates: config.lint.templates.unwrap_or(true),
        openapi_placeholders: config.lint.openapi_placeholders.unwrap_or(false),
        display_base: std::env::current_dir().ok(),
        ..LintOptions::default()
    }
}

/// The app-config of `--app-config`, loaded from the files and this process's environment,
/// with the backend folder its file locations resolve against.
pub fn app_catalog(scan: &ScanArgs) -> Result<Option<AppCatalog>, String> {
    let Some(first) = scan.app_config.first() else {
        return Ok(None);
    };
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let files: Vec<PathBuf> = scan.app_config.iter().map(|f| cwd.join(f)).collect();
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let read = |path: &Path| std::fs::read_to_string(path);
    let sources = ConfigSources {
        read: &read,
        env: &env,
    };
    let config = load_app_config(&files, &sources).map_err(|e| format!("app-config: {e}"))?;
    let backend_dir = match &scan.backend_dir {
        Some(dir) => cwd.join(dir),
        None => {
            let beside = cwd
                .join(first)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| cwd.clone());
            let backend = beside.join("packages/backend");
            if backend.is_dir() {
                backend
            } else {
                beside
            }
        }
    };
    let backend_dir = backend_dir.canonicalize().map_err(|e| {
        format!(
            "cannot read the backend folder {}: {e}",
            backend_dir.display()
        )
    })?;
    Ok(Some(AppCatalog {
        config,
        backend_dir,
    }))
}

/// The scanned repository: `--repo-url` with the work tree holding the first path (or that
/// path itself outside a work tree), else the work tree's `origin` remote, when it has one.
pub fn repository(scan: &ScanArgs) -> Result<Option<Repository>, String> {
    let first = scan_paths(scan).swap_remove(0);
    let Some(url) = &scan.repo_url else {
        return Ok(Repository::from_git(&first));
    };
    let top = Repository::work_tree_top(&first)
        .or_else(|| first.canonicalize().ok())
        .ok_or_else(|| format!("cannot read {}", first.display()))?;
    Repository::new(url, top).map(Some).ok_or_else(|| {
        format!("--repo-url {url}: not a repository URL (e.g. https://github.com/acme/web)")
    })
}

/// The files and directories to read: the given ones, or the current directory.
pub fn scan_paths(scan: &ScanArgs) -> Vec<PathBuf> {
    if scan.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        scan.paths.clone()
    }
}

/// Warns on stderr when a scan read no catalog file: a wrong path or glob, most likely, and
/// not the clean result an empty report would suggest.
pub fn warn_if_empty(files: usize) {
    if files == 0 {
        crate::stdio::eprint_line(
            "yardstick: warning: no catalog files found (check the paths and --include/--exclude)",
        );
    }
}

/// One note when `check-refs: auto` leaves owner references unchecked, saying why: fewer
/// than half of the distinct owner refs resolve to the catalog's Groups and Users, and no
/// owner source is given. Otherwise a typo'd owner would pass silently. `always` says how to
/// make it strict in this command.
pub fn note_lenient_owners(owners: &OwnerResolution, options: &LintOptions, always: &str) {
    if options.check_refs != RefCheck::Auto
        || options.owners.is_some()
        || owners.strict
        || owners.distinct == 0
    {
        return;
    }
    crate::stdio::eprint_line(&format!(
        "yardstick: note: owner references are not checked (check-refs auto): {} of {} distinct \
         owner references resolve to a Group or User in the catalog, fewer than half, and no \
         owner source is given; pass --owners-from FILE (your org's Groups and Users) or \
         {always} to check them",
        owners.resolved, owners.distinct
    ));
}

/// A configuration file, with errors located in it.
pub fn read_config_file(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Config::parse(&text).map_err(|e| {
        format!(
            "{}:{}:{}: {}",
            path.display(),
            e.span.line,
            e.span.column,
            e.message
        )
    })
}

/// The built-in checks with the checks of every `--policy` directory.
pub fn load_policies(dirs: &[PathBuf]) -> Result<PolicySet, String> {
    let mut policies = PolicySet::builtin().map_err(|e| e.to_string())?;
    for dir in dirs {
        policies.add_dir(dir).map_err(|e| e.to_string())?;
    }
    Ok(policies)
}

/// The `--facts` file, or no facts.
pub fn load_facts(path: Option<&Path>) -> Result<Facts, String> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Facts::parse(&text).map_err(|e| format!("{}:{e}", path.display()))
        }
        None => Ok(Facts::default()),
    }
}

/// Warns about each entity in the facts file at `path` that the catalog does not hold (with
/// "did you mean" for a likely typo), and each fact name a typo away from one the checks
/// read, as `file:line:col`.
pub fn warn_unmatched_facts(
    path: Option<&Path>,
    facts: &Facts,
    unmatched: impl FnOnce(&Facts) -> Vec<yardstick::FactsError>,
    policies: &PolicySet,
) {
    let Some(path) = path else { return };
    let read = Facts::names_read_by(policies.checks());
    let mut warnings = unmatched(facts);
    warnings.extend(facts.misnamed(&read));
    warnings.sort_by_key(|w| (w.line, w.column));
    let more = warnings.len().saturating_sub(FACTS_WARNINGS_SHOWN);
    for w in warnings.into_iter().take(FACTS_WARNINGS_SHOWN) {
        crate::stdio::eprint_line(&format!(
            "yardstick: warning: {}:{}:{}: {}",
            path.display(),
            w.line,
            w.column,
            w.message
        ));
    }
    if more > 0 {
        crate::stdio::eprint_line(&format!(
            "yardstick: warning: {}: {more} more warnings like these (facts that match no entity or that no check reads)",
            path.display()
        ));
    }
}

/// How many facts warnings are printed: a facts file for another catalog would otherwise
/// print one per entity.
const FACTS_WARNINGS_SHOWN: usize = 20;

/// Whether `ci-passing` was unknown for every entity it applies to, seen entity by entity:
/// without facts, that deserves a hint.
#[derive(Default)]
pub struct CiUnknown {
    applied: bool,
    known: bool,
}

impl CiUnknown {
    /// Takes an entity's results into account.
    pub fn add(&mut self, entity: &EntityScore) {
        for c in entity.checks.iter().filter(|c| &*c.id == "ci-passing") {
            if c.status != CheckStatus::NotApplicable {
                self.applied = true;
                self.known |= c.status != CheckStatus::Unknown;
            }
        }
    }

    /// One hint when no facts were given and `ci-passing` is therefore unknown for every
    /// entity it applies to.
    pub fn hint(&self, facts_given: bool) {
        if facts_given || !self.applied || self.known {
            return;
        }
        crate::stdio::eprint_line(
            "yardstick: hint: ci-passing is unknown for every entity because no facts were given; \
             pass --facts FILE with each entity's CI status (see docs/facts.md)",
        );
    }
}

/// How `scan-org` and `merge` score the organisation's catalog.
pub struct OrgScoring {
    /// The checks.
    pub policies: PolicySet,
    /// The configuration, facts and gate settings.
    pub options: ScoreOptions,
}

/// The scoring settings of `scan-org` and `merge`: `config` (or the default configuration)
/// and the scoring arguments.
pub fn org_scoring(config: Option<&Path>, args: &ScoringArgs) -> Result<OrgScoring, String> {
    let config_path = config;
    let config = match config {
        Some(path) => read_config_file(path)?,
        None => Config::default(),
    };
    let policies = load_policies(&args.policy)?;
    warn_unloaded_checks(config_path, &config, &policies);
    let facts = load_facts(args.facts.as_deref())?;
    Ok(OrgScoring {
        policies,
        options: ScoreOptions {
            facts,
            config,
            fail_on: args.fail_on.map(|f| f.fail_on()),
            min_score: args.min_score,
            threads: args.threads,
            today: None,
            now_ns: args.now,
            known_files: None,
            plain_evaluation: false,
        },
    })
}

/// The owner sources of `--owners-from`, read into one directory; `None` without any.
pub fn owner_sources(files: &[PathBuf]) -> Result<Option<Arc<OwnerDirectory>>, String> {
    if files.is_empty() {
        return Ok(None);
    }
    let mut owners = OwnerDirectory::default();
    for file in files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read --owners-from {}: {e}", file.display()))?;
        owners.read(&file.display().to_string(), &text)?;
    }
    Ok(Some(Arc::new(owners)))
}
