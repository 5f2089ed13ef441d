//! `yardstick scan-org`: an organisation's repositories, fetched by `yardstick-github`,
//! linted and scored as one catalog.
//!
//! A report of a scan carries every fetched catalog file, so `merge` can score the union of
//! shard reports again as one catalog (see [`yardstick::report::org`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use yardstick::report::org::{org_report_with_owners, FetchedOrganization};
use yardstick::report::{RepositoryFile, RepositoryRecord};
use yardstick::util::path::join_lexically;
use yardstick::{lint_sources, LintOptions};
use yardstick_github::{
    CiStatus, OrgPeople, OrgSnapshot, RepoFilter, RepoSnapshot, ScanError, ScanOptions,
};

use crate::commands::history::record;
use crate::commands::scan_org_owners::with_org_people;
use crate::exit_code::{gate_exit, EXIT_SIGTERM};
use crate::flags::ScanOrgArgs;
use crate::github::progress::ScanProgress;
use crate::github::{api_url, credentials, runtime};
use crate::output;
use crate::settings::org_scoring;
use crate::stdio::eprint_line;

pub fn run(args: ScanOrgArgs) -> Result<u8, String> {
    let shard = args
        .shard
        .map(|_| "a shard (--shard); merge the shards with `merge --record`");
    record::check_recordable(&args.record, shard)?;
    let scoring = org_scoring(args.config.as_deref(), &args.scoring)?;
    let owners = crate::settings::owner_sources(&args.owners_from)?;
    let (fetched, people) = match fetch(&args)? {
        Fetched::Organization(fetched, people) => (fetched, people),
        Fetched::Interrupted(code) => return Ok(code),
    };
    let owners = with_org_people(owners, &args.org, &people);
    let report = org_report_with_owners(fetched, &scoring.policies, &scoring.options, owners)
        .map_err(|e| e.to_string())?;
    output::emit(&args.output, &report, output::Live::Saved)?;
    record::record_if_asked(&args.record, &report, &[])?;
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
    options.org_people = !args.no_org_owners;
    Ok(options)
}

/// What a scan ended with.
enum Fetched {
    /// The repositories, and the organisation's teams and members.
    Organization(FetchedOrganization, OrgPeople),
    /// Stopped by a signal: the exit code, 130 or 143.
    Interrupted(u8),
}

/// Fetches the organisation's repositories. Request counts go to stderr.
fn fetch(args: &ScanOrgArgs) -> Result<Fetched, String> {
    let mut options = scan_options(args)?;
    let selection = selection(&options);
    let org = args.org.clone();
    options.followup = Some(Arc::new(move |repo: &RepoSnapshot| {
        techdocs_paths(&org, repo)
    }));
    let progress = ScanProgress::for_stderr();
    options.progress = progress.callback();
    let bar = progress.clone();
    options.warning = Some(Arc::new(move |text: &str| {
        bar.suspend(|| eprint_line(&format!("yardstick: warning: {text}")));
    }));
    let runtime = runtime::start()?;
    let caught = Arc::new(AtomicU8::new(0));
    // Signal handlers are installed before the scan starts, so a signal at any point of it
    // saves progress instead of killing the process.
    let stop = {
        let _context = runtime.enter();
        signals::stopped(Arc::clone(&caught))?
    };
    let scanned = runtime.block_on(yardstick_github::scan_org_until(&options, stop));
    progress.clear();
    let snapshot: OrgSnapshot = match scanned {
        Ok(snapshot) => snapshot,
        Err(e @ ScanError::Interrupted { .. }) => {
            let code = caught.load(Ordering::SeqCst);
            report_interruption(args, &e, code);
            return Ok(Fetched::Interrupted(code));
        }
        Err(e) => return Err(e.to_string()),
    };
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
    Ok(Fetched::Organization(
        FetchedOrganization {
            shard: args.shard.map(|s| format!("{}/{}", s.index, s.count)),
            selection,
            repositories: snapshot
                .repositories
                .iter()
                .map(repository_record)
                .collect(),
            organization: snapshot.org,
        },
        snapshot.people,
    ))
}

/// How far an interrupted scan got, and how to go on: the command that resumes it (this
/// one: credentials come from the environment, never from arguments), or that progress is
/// lost without `--state`.
fn report_interruption(args: &ScanOrgArgs, error: &ScanError, code: u8) {
    let signal = if code == EXIT_SIGTERM {
        "SIGTERM"
    } else {
        "SIGINT"
    };
    eprint_line(&format!("yardstick: {error} (stopped by {signal})"));
    match &args.state {
        Some(dir) => {
            eprint_line(&format!(
                "yardstick: progress is saved in {}; resume with:",
                dir.display()
            ));
            let command: Vec<String> = std::env::args_os()
                .map(|a| shell_quote(&redact_url_password(&a.to_string_lossy())))
                .collect();
            eprint_line(&format!("  {}", command.join(" ")));
        }
        None => eprint_line(
            "yardstick: progress is lost (no --state DIR): a rerun starts over; give --state DIR to resume",
        ),
    }
}

/// `arg` with the password of a URL in it (`--api-url https://user:pw@host`) replaced.
fn redact_url_password(arg: &str) -> String {
    let (flag, value) = match arg.split_once('=') {
        Some((flag, value)) if flag.starts_with("--") => (format!("{flag}="), value),
        _ => (String::new(), arg),
    };
    match url::Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("REDACTED"));
            format!("{flag}{url}")
        }
        _ => arg.to_string(),
    }
}

/// `arg` as a POSIX shell word.
fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// The signals that stop a scan with its progress saved.
mod signals {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicU8, Ordering};
    use std::sync::Arc;

    use crate::exit_code::EXIT_SIGINT;

    /// A future that completes at the first SIGINT or SIGTERM, after storing its exit code
    /// in `caught`. Must be called inside the runtime.
    #[cfg(unix)]
    pub fn stopped(
        caught: Arc<AtomicU8>,
    ) -> Result<Pin<Box<dyn Future<Output = ()> + Send>>, String> {
        use std::task::Poll;
        use tokio::signal::unix::{signal, SignalKind};

        use crate::exit_code::EXIT_SIGTERM;

        let listen =
            |kind: SignalKind| signal(kind).map_err(|e| format!("cannot listen for signals: {e}"));
        let mut interrupt = listen(SignalKind::interrupt())?;
        let mut terminate = listen(SignalKind::terminate())?;
        Ok(Box::pin(std::future::poll_fn(move |cx| {
            for (signal, code) in [
                (&mut interrupt, EXIT_SIGINT),
                (&mut terminate, EXIT_SIGTERM),
            ] {
                if let Poll::Ready(Some(())) = signal.poll_recv(cx) {
                    caught.store(code, Ordering::SeqCst);
                    return Poll::Ready(());
                }
            }
            Poll::Pending
        })))
    }

    /// A future that completes at the first Ctrl-C, after storing its exit code in `caught`.
    #[cfg(not(unix))]
    pub fn stopped(
        caught: Arc<AtomicU8>,
    ) -> Result<Pin<Box<dyn Future<Output = ()> + Send>>, String> {
        Ok(Box::pin(async move {
            match tokio::signal::ctrl_c().await {
                Ok(()) => caught.store(EXIT_SIGINT, Ordering::SeqCst),
                Err(_) => std::future::pending::<()>().await,
            }
        }))
    }
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
                .and_then(|n| n.as_str())
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
    fn the_resume_command_is_shell_words_without_url_passwords() {
        assert_eq!(shell_quote("--state"), "--state");
        assert_eq!(shell_quote("my dir"), "'my dir'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(
            redact_url_password("--api-url=https://u:secret@ghe.example/api/v3"),
            "--api-url=https://u:REDACTED@ghe.example/api/v3"
        );
        assert_eq!(
            redact_url_password("https://ghe.example/api/v3"),
            "https://ghe.example/api/v3"
        );
    }

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
