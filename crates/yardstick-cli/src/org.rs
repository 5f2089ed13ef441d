//! `yardstick scan-org` and `yardstick merge`: an organisation's repositories, fetched by
//! `yardstick-github`, linted and scored as one catalog.
//!
//! A report of a scan carries every fetched catalog file, so `merge` can score the union of
//! shard reports again as one catalog: references between repositories of different shards
//! then resolve exactly as in an unsharded run, and the merged report is identical to it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value as Json};
use yardstick::report::{
    Adoption, FindingRecord, OrgScan, Report, RepositoryFile, RepositoryRecord,
};
use yardstick::{
    lint_files, lint_sources, rule, Config, Facts, LintOptions, PolicySet, ScoreOptions, Severity,
    SourceFile,
};
use yardstick_github::{Auth, CiStatus, OrgSnapshot, Progress, RepoSnapshot, ScanOptions};

/// How to score the fetched catalog: the same settings `yardstick score` takes.
pub struct Scoring {
    pub config: Config,
    pub policies: PolicySet,
    pub facts: Facts,
    pub fail_on: Option<yardstick::FailOn>,
    pub min_score: Option<f64>,
    pub threads: Option<usize>,
}

/// What `scan-org` fetches.
pub struct Fetch {
    pub org: String,
    pub api_url: Option<String>,
    pub state: Option<PathBuf>,
    pub shard: Option<yardstick_github::Shard>,
    pub filter: yardstick_github::RepoFilter,
    pub catalog_paths: Vec<String>,
    pub max_retries: u32,
}

/// The REST API base: `--api-url`, then `GITHUB_API_URL`, then github.com's.
fn api_url(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| {
            std::env::var("GITHUB_API_URL")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .unwrap_or_else(|| "https://api.github.com".to_string())
        .trim_end_matches('/')
        .to_string()
}

fn credentials() -> Result<Auth, String> {
    match Auth::from_env() {
        Ok(Some(auth)) => Ok(auth),
        Ok(None) => Err(
            "no GitHub credentials: set GITHUB_TOKEN (or GH_TOKEN), or YARDSTICK_APP_ID and \
             YARDSTICK_APP_PRIVATE_KEY (or YARDSTICK_APP_PRIVATE_KEY_PATH) for a GitHub App"
                .into(),
        ),
        Err(e) => Err(e.to_string()),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// A progress bar on stderr when it is a terminal and not under CI; nothing otherwise.
fn progress_bar() -> Option<Arc<dyn Fn(Progress) + Send + Sync>> {
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if ci || !std::io::stderr().is_terminal() {
        return None;
    }
    Some(Arc::new(|p: Progress| {
        const WIDTH: usize = 30;
        let filled = (p.done * WIDTH)
            .checked_div(p.total)
            .unwrap_or(0)
            .min(WIDTH);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {}/{} repositories",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            p.done,
            p.total
        );
        if p.done >= p.total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }))
}

/// Repository-relative paths of the `mkdocs.yml` files the techdocs `dir:` refs of a
/// repository's catalog files point at (the ones that stay inside the repository).
fn techdocs_paths(org: &str, repo: &RepoSnapshot) -> Vec<String> {
    let mut out = BTreeSet::new();
    for file in &repo.files {
        let report = lint_sources(
            &[(file.path.as_str(), file.text.as_str())],
            &LintOptions::default(),
        );
        for loaded in &report.catalog.entities {
            let Some(dir_ref) = loaded
                .entity
                .root
                .pointer("/metadata/annotations/backstage.io~1techdocs-ref")
                .and_then(yardstick::Node::as_str)
                .and_then(|r| r.trim().strip_prefix("dir:"))
            else {
                continue;
            };
            if let Some(dir) = resolve_in_repo(org, &repo.name, &file.path, dir_ref.trim()) {
                for name in ["mkdocs.yml", "mkdocs.yaml"] {
                    out.insert(if dir.is_empty() {
                        name.to_string()
                    } else {
                        format!("{dir}/{name}")
                    });
                }
            }
        }
    }
    out.into_iter().collect()
}

/// The repository-relative directory `target` names from the catalog file at `file`, or
/// `None` when it leaves the repository. `.` and `..` resolve as the core library resolves
/// them when it checks the same ref (`..` may climb out and back in), so what is probed here
/// is exactly what the check then looks for.
fn resolve_in_repo(org: &str, repo: &str, file: &str, target: &str) -> Option<String> {
    use std::path::Component;
    // The repository's place in the scan's namespace, as `org_report` roots its files.
    let root = Path::new(org).join(repo);
    let mut dir = root.join(file);
    dir.pop();
    let target = Path::new(target);
    if target.is_absolute() {
        return None;
    }
    for c in target.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                dir.pop();
            }
            Component::Normal(p) => dir.push(p),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let inside = dir.strip_prefix(&root).ok()?;
    Some(
        inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// A path in a URL: every segment percent-encoded.
fn url_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            let mut out = String::with_capacity(segment.len());
            for &b in segment.as_bytes() {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                    out.push(char::from(b));
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The record of a fetched repository, as reports carry it.
fn record(repo: &RepoSnapshot) -> RepositoryRecord {
    RepositoryRecord {
        name: repo.name.clone(),
        url: repo.html_url.clone(),
        default_branch: repo.default_branch.clone(),
        head: repo.head.clone(),
        ci: match repo.ci {
            CiStatus::Passing => "passing",
            CiStatus::Failing => "failing",
            CiStatus::Pending => "pending",
            CiStatus::None => "none",
        }
        .to_string(),
        files: repo
            .files
            .iter()
            .map(|f| RepositoryFile {
                path: f.path.clone(),
                text: f.text.clone(),
                truncated: f.truncated,
            })
            .collect(),
        present: repo.present.clone(),
        error: repo.error.clone(),
    }
}

/// A repository file's web address: `<repo>/blob/<commit>/<path>`.
fn file_url(repo: &RepositoryRecord, path: &str) -> String {
    let at = repo
        .head
        .as_deref()
        .or(repo.default_branch.as_deref())
        .unwrap_or("HEAD");
    format!(
        "{}/blob/{}/{}",
        repo.url.trim_end_matches('/'),
        url_path(at),
        url_path(path)
    )
}

/// Lints and scores the catalog files of `repositories` as one catalog, and reports them
/// with their adoption figures. The same inputs give the same report, however they were
/// fetched (one run or merged shards).
pub fn org_report(
    organization: &str,
    shard: Option<String>,
    selection: String,
    mut repositories: Vec<RepositoryRecord>,
    scoring: &Scoring,
) -> Result<Report, String> {
    repositories.sort_by(|a, b| a.name.cmp(&b.name));
    for repo in &repositories {
        if !valid_repository_name(&repo.name) {
            return Err(format!(
                "{:?} is not a GitHub repository name (letters, digits, '.', '-' and '_')",
                repo.name
            ));
        }
    }
    let mut files = Vec::new();
    let mut extra_findings = Vec::new();
    let mut known = BTreeSet::new();
    let mut repo_of_root: BTreeMap<PathBuf, &RepositoryRecord> = BTreeMap::new();
    for repo in &repositories {
        let root = PathBuf::from(organization).join(&repo.name);
        repo_of_root.insert(root.clone(), repo);
        if let Some(error) = &repo.error {
            extra_findings.push(repo_finding(
                "scan/repository-failed",
                format!("repository {} could not be scanned: {error}", repo.name),
                repo.url.clone(),
            ));
        }
        for path in &repo.present {
            known.insert(root.join(path));
        }
        for file in &repo.files {
            let display = file_url(repo, &file.path);
            if file.truncated {
                extra_findings.push(repo_finding(
                    "scan/file-truncated",
                    format!(
                        "{} in {} is too large for the GitHub API to return whole; it was not read",
                        file.path, repo.name
                    ),
                    display,
                ));
                continue;
            }
            files.push(SourceFile {
                path: root.join(&file.path),
                display,
                root: root.clone(),
                text: Arc::from(file.text.as_str()),
            });
        }
    }
    let lint_options = LintOptions {
        check_refs: scoring.config.lint.check_refs.unwrap_or_default(),
        templates: scoring.config.lint.templates.unwrap_or(true),
        ..LintOptions::default()
    };
    let lint = lint_files(files, &lint_options);

    // CI status is a fact of the repository, so of every entity defined in it; facts given
    // with --facts win where they say something else.
    let mut facts = scoring.facts.clone();
    for loaded in &lint.catalog.entities {
        let Some(repo) = lint
            .files
            .get(loaded.file)
            .and_then(|f| repo_of_root.get(&f.root))
        else {
            continue;
        };
        let reference = loaded.entity.reference.to_string();
        let mut value = facts.get(&reference);
        if let Json::Object(map) = &mut value {
            let ci = map.entry("ci").or_insert_with(|| json!({}));
            if let Json::Object(ci) = ci {
                ci.entry("status").or_insert_with(|| json!(repo.ci));
            }
        }
        facts.insert(&reference, value);
    }
    let options = ScoreOptions {
        facts,
        config: scoring.config.clone(),
        fail_on: scoring.fail_on,
        min_score: scoring.min_score,
        threads: scoring.threads,
        today: None,
        known_files: Some(Arc::new(known)),
    };
    let card = yardstick::score(&lint, &scoring.policies, &options).map_err(|e| e.to_string())?;
    let mut report = Report::from_scorecard(&lint, &card, &scoring.policies, &options.config);
    report.findings.extend(extra_findings);

    let failed: Vec<String> = repositories
        .iter()
        .filter(|r| r.error.is_some())
        .map(|r| r.name.clone())
        .collect();
    let without_catalog: Vec<String> = repositories
        .iter()
        .filter(|r| r.error.is_none() && r.files.is_empty())
        .map(|r| r.name.clone())
        .collect();
    if !failed.is_empty() {
        // An incomplete scan cannot pass: what was not read was not measured.
        let shown: Vec<&str> = failed.iter().take(5).map(String::as_str).collect();
        let more = failed.len() - shown.len();
        report.summary.gate.passed = false;
        report.summary.gate.reasons.push(format!(
            "{} could not be scanned: {}{}",
            if failed.len() == 1 {
                "1 repository".to_string()
            } else {
                format!("{} repositories", failed.len())
            },
            shown.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            }
        ));
    }
    let fetched = repositories.len() - failed.len();
    let with_catalog = fetched - without_catalog.len();
    report.scan = Some(OrgScan {
        organization: organization.to_string(),
        shard,
        selection,
        adoption: Adoption {
            repositories: repositories.len(),
            with_catalog,
            share: (fetched > 0).then(|| with_catalog as f64 / fetched as f64),
            without_catalog,
            failed,
        },
        repositories,
    });
    Ok(report)
}

/// GitHub's repository names: ASCII letters, digits, `.`, `-` and `_`, not `.` or `..`.
fn valid_repository_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn repo_finding(rule_id: &str, message: String, file: String) -> FindingRecord {
    let known = rule(rule_id);
    FindingRecord {
        rule: rule_id.to_string(),
        severity: known.map_or(Severity::Error, |r| r.severity),
        message,
        file,
        document: None,
        line: None,
        column: None,
        end_line: None,
        end_column: None,
        entity: None,
        pointer: None,
        help: known.map_or_else(String::new, |r| r.help.to_string()),
        url: known.map(|r| r.docs_url()),
    }
}

/// What a scan covers, as one canonical line: shards of one scan have the same selection.
fn selection(options: &ScanOptions) -> String {
    let host = url::Url::parse(&options.api_url)
        .ok()
        .map(|u| {
            let mut host = u.host_str().unwrap_or("").to_ascii_lowercase();
            if let Some(port) = u.port() {
                host.push_str(&format!(":{port}"));
            }
            host.push_str(u.path().trim_end_matches('/'));
            host
        })
        .unwrap_or_default();
    let f = &options.filter;
    let mut topics = f.topics.clone();
    topics.sort();
    let mut names = f.names.clone();
    names.sort();
    format!(
        "api={host}; archived={}; forks={}; topics={}; names={}; visibility={}; catalog-paths={}",
        f.include_archived,
        f.include_forks,
        topics.join(","),
        names.join(","),
        f.visibility.as_deref().unwrap_or("any"),
        options.catalog_paths.join(",")
    )
}

/// `yardstick scan-org`: fetches, scores and reports. Request counts go to stderr.
pub fn scan(fetch: Fetch, scoring: &Scoring) -> Result<Report, String> {
    let auth = credentials()?;
    let mut options = ScanOptions::new(fetch.org.clone(), api_url(fetch.api_url.as_deref()), auth);
    options.filter = fetch.filter;
    if !fetch.catalog_paths.is_empty() {
        let mut paths = options.catalog_paths.clone();
        for p in fetch.catalog_paths {
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
        options.catalog_paths = paths;
    }
    let selection = selection(&options);
    options.shard = fetch.shard;
    options.max_retries = fetch.max_retries;
    options.state_dir = fetch.state;
    let org = fetch.org.clone();
    options.followup = Some(Arc::new(move |repo: &RepoSnapshot| {
        techdocs_paths(&org, repo)
    }));
    options.progress = progress_bar();
    let snapshot: OrgSnapshot = runtime()?
        .block_on(yardstick_github::scan_org(&options))
        .map_err(|e| e.to_string())?;
    let stats = &snapshot.stats;
    let repos = snapshot.repositories.len();
    eprintln!(
        "yardstick: scanned {repos} repositories of {} with {} API requests ({:.3} per repository: {} GraphQL, {} REST of which {} answered 304 Not Modified; {} retries, {} rate-limit waits)",
        snapshot.org,
        stats.total(),
        if repos == 0 { 0.0 } else { stats.total() as f64 / repos as f64 },
        stats.graphql,
        stats.rest,
        stats.not_modified,
        stats.retries,
        stats.rate_limit_waits,
    );
    let skipped = &snapshot.skipped;
    eprintln!(
        "yardstick: skipped {} archived, {} forks, {} empty, {} filtered out, {} in other shards",
        skipped.archived, skipped.forks, skipped.empty, skipped.filtered, skipped.other_shards
    );
    if let Some(first) = snapshot.repositories.first() {
        if snapshot.repositories.iter().all(|r| r.error.is_some()) {
            return Err(format!(
                "none of the {repos} repositories could be fetched; the first failed with: {}",
                first.error.as_deref().unwrap_or("an unknown error")
            ));
        }
    }
    let shard = fetch.shard.map(|s| format!("{}/{}", s.index, s.count));
    org_report(
        &snapshot.org,
        shard,
        selection,
        snapshot.repositories.iter().map(record).collect(),
        scoring,
    )
}

/// `yardstick merge`: the union of shard reports, scored again as one catalog.
pub fn merge(paths: &[PathBuf], scoring: &Scoring) -> Result<Report, String> {
    let mut first: Option<(String, String, u32)> = None;
    let mut seen_shards: BTreeMap<u32, &Path> = BTreeMap::new();
    let mut repositories: BTreeMap<String, (RepositoryRecord, &Path)> = BTreeMap::new();
    for path in paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let report = Report::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let Some(scan) = report.scan else {
            return Err(format!(
                "{}: not a report of `yardstick scan-org` (it has no `scan` section)",
                path.display()
            ));
        };
        let (index, count) = scan
            .shard
            .as_deref()
            .and_then(|s| s.parse::<yardstick_github::Shard>().ok())
            .map(|s| (s.index, s.count))
            .ok_or_else(|| {
                format!(
                    "{}: not a shard report (made without --shard I/N)",
                    path.display()
                )
            })?;
        match &first {
            None => first = Some((scan.organization.clone(), scan.selection.clone(), count)),
            Some((org, selection, n)) => {
                if !org.eq_ignore_ascii_case(&scan.organization) {
                    return Err(format!(
                        "{}: organisation {} differs from {org} of the other reports",
                        path.display(),
                        scan.organization
                    ));
                }
                if *n != count {
                    return Err(format!(
                        "{}: shard {index}/{count} does not belong to a split into {n}",
                        path.display()
                    ));
                }
                if *selection != scan.selection {
                    return Err(format!(
                        "{}: scanned with other options ({}) than the other reports ({selection})",
                        path.display(),
                        scan.selection
                    ));
                }
            }
        }
        if let Some(other) = seen_shards.insert(index, path) {
            return Err(format!(
                "shard {index}/{count} is given twice: {} and {}",
                other.display(),
                path.display()
            ));
        }
        for repo in scan.repositories {
            if let Some((_, other)) = repositories.get(&repo.name) {
                return Err(format!(
                    "repository {} is in both {} and {}",
                    repo.name,
                    other.display(),
                    path.display()
                ));
            }
            repositories.insert(repo.name.clone(), (repo, path.as_path()));
        }
    }
    let Some((organization, selection, count)) = first else {
        return Err("no reports to merge".into());
    };
    let missing: Vec<String> = (1..=count)
        .filter(|i| !seen_shards.contains_key(i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "shard {} missing: a merged report must cover every shard",
            missing.join(", ")
        ));
    }
    org_report(
        &organization,
        None,
        selection,
        repositories.into_values().map(|(r, _)| r).collect(),
        scoring,
    )
}

/// `yardstick github comment`: creates or updates the pull request's yardstick comment.
pub fn comment(api: Option<&str>, repo: &str, pr: u64, body_file: &Path) -> Result<(), String> {
    let (owner, name) = repo
        .split_once('/')
        .filter(|(o, n)| !o.is_empty() && !n.is_empty() && !n.contains('/'))
        .ok_or_else(|| format!("--repo must be OWNER/NAME, not {repo:?}"))?;
    let body = std::fs::read_to_string(body_file)
        .map_err(|e| format!("cannot read {}: {e}", body_file.display()))?;
    let marker = yardstick::report::markdown::MARKER;
    let body = if body.contains(marker) {
        body
    } else {
        format!("{marker}\n{body}")
    };
    let auth = credentials()?;
    let action = runtime()?
        .block_on(yardstick_github::upsert_pr_comment(
            &api_url(api),
            &auth,
            owner,
            name,
            pr,
            marker,
            &body,
        ))
        .map_err(|e| e.to_string())?;
    eprintln!("yardstick: {action:?} the comment on {owner}/{name}#{pr}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn techdocs_dirs_resolve_inside_the_repository_as_the_core_does() {
        let resolve = |file: &str, target: &str| resolve_in_repo("acme", "web", file, target);
        assert_eq!(resolve("catalog-info.yaml", ".").as_deref(), Some(""));
        assert_eq!(
            resolve("services/a/catalog-info.yaml", "./docs").as_deref(),
            Some("services/a/docs")
        );
        assert_eq!(
            resolve("services/a/catalog-info.yaml", "../..").as_deref(),
            Some("")
        );
        // Out of the repository and back in, as the core's check resolves it.
        assert_eq!(
            resolve("catalog-info.yaml", "../web/site").as_deref(),
            Some("site")
        );
        assert_eq!(
            resolve("catalog-info.yaml", "../../acme/web").as_deref(),
            Some("")
        );
        assert_eq!(resolve("catalog-info.yaml", "../other"), None);
        assert_eq!(resolve("catalog-info.yaml", "../webx"), None);
        assert_eq!(resolve("catalog-info.yaml", "/etc"), None);
    }

    #[test]
    fn repository_names_are_githubs() {
        for ok in ["web", "web.site", "a-b_c", ".github"] {
            assert!(valid_repository_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "a/", "/abs", "a b", "ü"] {
            assert!(!valid_repository_name(bad), "{bad:?}");
        }
    }
}
