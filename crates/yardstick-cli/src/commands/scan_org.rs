//! `yardstick scan-org`: an organisation's repositories, fetched by `yardstick-github`,
//! linted and scored as one catalog.
//!
//! A report of a scan carries every fetched catalog file, so `merge` can score the union of
//! shard reports again as one catalog (see [`yardstick::report::org`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yardstick::report::org::{org_report, FetchedOrganization};
use yardstick::report::{RepositoryFile, RepositoryRecord};
use yardstick::util::path::join_lexically;
use yardstick::{lint_sources, LintOptions};
use yardstick_github::{CiStatus, OrgSnapshot, RepoFilter, RepoSnapshot, ScanOptions};

use crate::exit_code::gate_exit;
use crate::flags::ScanOrgArgs;
use crate::github::progress::progress_bar;
use crate::github::{api_url, credentials, runtime};
use crate::output;
use crate::settings::org_scoring;
use crate::stdio::eprint_line;

pub fn run(args: ScanOrgArgs) -> Result<u8, String> {
    let scoring = org_scoring(args.config.as_deref(), &args.scoring)?;
    let fetched = fetch(&args)?;
    let report =
        org_report(fetched, &scoring.policies, &scoring.options).map_err(|e| e.to_string())?;
    output::emit(&args.output, &report, output::Live::Saved)?;
    Ok(gate_exit(&report))
}

/// The scan's options from the arguments.
fn scan_options(args: &ScanOrgArgs) -> Result<ScanOptions, String> {
    let auth = credentials::from_env()?;
    let mut options = ScanOptions::new(args.org.clone(), api_url(args.api_url.as_deref()), auth);
    options.filter = RepoFilter {
        include_archived: args.include_archived,
        include_forks: args.include_forks,
        topics: args.topic.clone(),
        names: args.name.clone(),
        visibility: args.visibility.clone(),
    };
    for path in &args.catalog_path {
        if !options.catalog_paths.contains(path) {
            options.catalog_paths.push(path.clone());
        }
    }
    options.shard = args.shard;
    options.max_retries = args.max_retries;
    options.state_dir = args.state.clone();
    Ok(options)
}

/// Fetches the organisation's repositories. Request counts go to stderr.
fn fetch(args: &ScanOrgArgs) -> Result<FetchedOrganization, String> {
    let mut options = scan_options(args)?;
    let selection = selection(&options);
    let org = args.org.clone();
    options.followup = Some(Arc::new(move |repo: &RepoSnapshot| {
        techdocs_paths(&org, repo)
    }));
    options.progress = progress_bar();
    options.warning = Some(Arc::new(|text: &str| {
        eprint_line(&format!("yardstick: warning: {text}"));
    }));
    let snapshot: OrgSnapshot = runtime::start()?
        .block_on(yardstick_github::scan_org(&options))
        .map_err(|e| e.to_string())?;
    print_statistics(&snapshot);
    let repos = snapshot.repositories.len();
    // Gone repositories are not failures: a scan that only found those still ran.
    if let Some(first) = snapshot.repositories.iter().find(|r| !r.gone) {
        if snapshot.repositories.iter().all(|r| r.error.is_some()) {
            return Err(format!(
                "none of the {repos} repositories could be fetched; the first failed with: {}",
                first.error.as_deref().unwrap_or("an unknown error")
            ));
        }
    }
    Ok(FetchedOrganization {
        shard: args.shard.map(|s| format!("{}/{}", s.index, s.count)),
        selection,
        repositories: snapshot
            .repositories
            .iter()
            .map(repository_record)
            .collect(),
        organization: snapshot.org,
    })
}

/// The request counts and skipped repositories of a scan, on stderr.
fn print_statistics(snapshot: &OrgSnapshot) {
    let stats = &snapshot.stats;
    let repos = snapshot.repositories.len();
    eprint_line(&format!(
        "yardstick: scanned {repos} repositories of {} with {} API requests ({:.3} per repository: {} GraphQL, {} REST of which {} answered 304 Not Modified; {} retries, {} rate-limit waits)",
        snapshot.org,
        stats.total(),
        if repos == 0 { 0.0 } else { stats.total() as f64 / repos as f64 },
        stats.graphql,
        stats.rest,
        stats.not_modified,
        stats.retries,
        stats.rate_limit_waits,
    ));
    let skipped = &snapshot.skipped;
    eprint_line(&format!(
        "yardstick: skipped {} archived, {} forks, {} empty, {} filtered out, {} in other shards",
        skipped.archived, skipped.forks, skipped.empty, skipped.filtered, skipped.other_shards
    ));
    let gone = snapshot.repositories.iter().filter(|r| r.gone).count();
    let failed = snapshot
        .repositories
        .iter()
        .filter(|r| r.error.is_some() && !r.gone)
        .count();
    if failed + gone > 0 {
        eprint_line(&format!(
            "yardstick: {failed} repositories could not be scanned (they fail the gate); {gone} listed repositories are gone"
        ));
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
    let filter = &options.filter;
    let mut topics = filter.topics.clone();
    topics.sort();
    let mut names = filter.names.clone();
    names.sort();
    format!(
        "api={host}; archived={}; forks={}; topics={}; names={}; visibility={}; catalog-paths={}",
        filter.include_archived,
        filter.include_forks,
        topics.join(","),
        names.join(","),
        filter.visibility.as_deref().unwrap_or("any"),
        options.catalog_paths.join(",")
    )
}

/// A fetched repository as reports carry it.
fn repository_record(repo: &RepoSnapshot) -> RepositoryRecord {
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
            .map(|file| RepositoryFile {
                path: file.path.clone(),
                text: file.text.clone(),
                truncated: file.truncated,
            })
            .collect(),
        present: repo.present.clone(),
        error: repo.error.clone(),
        gone: repo.gone,
    }
}

/// Repository-relative paths of the `mkdocs.yml` files the techdocs `dir:` refs of a
/// repository's catalog files point at (the ones that stay inside the repository).
fn techdocs_paths(org: &str, repo: &RepoSnapshot) -> Vec<String> {
    let mut paths = BTreeSet::new();
    for file in &repo.files {
        let lint = lint_sources(
            &[(file.path.as_str(), file.text.as_str())],
            &LintOptions::default(),
        );
        for loaded in &lint.catalog.entities {
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
                    paths.insert(if dir.is_empty() {
                        name.to_string()
                    } else {
                        format!("{dir}/{name}")
                    });
                }
            }
        }
    }
    paths.into_iter().collect()
}

/// The repository-relative directory `target` names from the catalog file at `file`, or
/// `None` when it leaves the repository. `.` and `..` resolve as the core library resolves
/// them when it checks the same ref (`..` may climb out and back in), so what is probed here
/// is exactly what the check then looks for.
fn resolve_in_repo(org: &str, repo: &str, file: &str, target: &str) -> Option<String> {
    // The repository's place in the scan's namespace, as the org report roots its files.
    let root = Path::new(org).join(repo);
    let mut file_dir: PathBuf = root.join(file);
    file_dir.pop();
    let dir = join_lexically(&file_dir, target)?;
    let inside = dir.strip_prefix(&root).ok()?;
    Some(
        inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
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
}
