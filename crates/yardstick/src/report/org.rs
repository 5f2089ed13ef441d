//! The report of an organisation scan: the catalog files fetched from an organisation's
//! repositories, linted and scored as one catalog, with the organisation's catalog adoption.
//!
//! Fetching is not done here (the core does no network): a caller fetches the repositories
//! (`yardstick scan-org` through the GitHub API) or reads them back from saved shard reports
//! (`yardstick merge`), and hands them over as [`RepositoryRecord`]s. The same repositories
//! give the same report, however they were fetched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Value as Json};

use super::{Adoption, FindingRecord, OrgScan, Report, RepositoryRecord};
use crate::catalog::OwnerDirectory;
use crate::lint::{lint_files, LintOptions, LintReport, SourceFile};
use crate::policy::PolicySet;
use crate::rules::RuleId;
use crate::score::{Facts, ScoreError, ScoreOptions, Scorer};
use crate::util::percent::encode_path;

/// What an organisation scan fetched: the input of [`org_report`].
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedOrganization {
    /// The organisation.
    pub organization: String,
    /// `I/N` when the repositories are one shard of the organisation.
    pub shard: Option<String>,
    /// Which repositories and files the scan covered, as one canonical line (see
    /// [`OrgScan::selection`]).
    pub selection: String,
    /// The fetched repositories, in any order; a repository that could not be fetched has an
    /// [`error`](RepositoryRecord::error).
    pub repositories: Vec<RepositoryRecord>,
}

/// Why an organisation report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum OrgReportError {
    /// A repository name that GitHub would not accept (it would root files outside the
    /// repository's place in the catalog).
    #[error("{0:?} is not a GitHub repository name (letters, digits, '.', '-' and '_')")]
    InvalidRepositoryName(String),
    /// Scoring failed.
    #[error(transparent)]
    Score(#[from] ScoreError),
}

/// Lints and scores the catalog files of `fetched.repositories` as one catalog, and reports
/// them with their adoption figures.
///
/// Every file is rooted at `<organization>/<repository>/<path>` and shown as its web address
/// (`<url>/blob/<head>/<path>`). A repository's CI status becomes the `ci.status` fact of
/// every entity defined in it, unless `options.facts` says otherwise; `options.known_files`
/// is replaced by the files the scan saw. Repositories that failed, and files the API cut
/// short, become findings; a failed repository also fails the gate.
///
/// ```
/// use yardstick::report::org::{org_report, FetchedOrganization};
/// use yardstick::report::{RepositoryFile, RepositoryRecord};
/// use yardstick::{PolicySet, ScoreOptions};
///
/// let web = RepositoryRecord {
///     name: "web".into(),
///     url: "https://github.com/acme/web".into(),
///     default_branch: Some("main".into()),
///     head: Some("abc123".into()),
///     ci: "passing".into(),
///     files: vec![RepositoryFile {
///         path: "catalog-info.yaml".into(),
///         text: "apiVersion: backstage.io/v1alpha1\nkind: Component\n\
///                metadata: {name: web}\nspec: {type: website, lifecycle: production, owner: team-a}\n"
///             .into(),
///         truncated: false,
///     }],
///     present: vec![],
///     error: None,
///     gone: false,
/// };
/// let empty = RepositoryRecord { name: "tools".into(), files: vec![], ..web.clone() };
/// let fetched = FetchedOrganization {
///     organization: "acme".into(),
///     shard: None,
///     selection: "api=api.github.com".into(),
///     repositories: vec![web, empty],
/// };
/// let policies = PolicySet::builtin().unwrap();
/// let report = org_report(fetched, &policies, &ScoreOptions::default()).unwrap();
/// assert_eq!(report.entities[0].reference, "component:default/web");
/// assert_eq!(report.entities[0].file.to_string(),
///            "https://github.com/acme/web/blob/abc123/catalog-info.yaml");
/// let scan = report.scan.unwrap();
/// assert_eq!(scan.adoption.with_catalog, 1);
/// assert_eq!(scan.adoption.without_catalog, ["tools"]);
/// assert_eq!(scan.adoption.share, Some(0.5));
/// ```
pub fn org_report(
    fetched: FetchedOrganization,
    policies: &PolicySet,
    options: &ScoreOptions,
) -> Result<Report, OrgReportError> {
    org_report_with_owners(fetched, policies, options, None)
}

/// [`org_report`] with Groups and Users from outside the scanned repositories (an owner
/// source): owner references resolve against them too, and `auto` checks owners strictly.
pub fn org_report_with_owners(
    fetched: FetchedOrganization,
    policies: &PolicySet,
    options: &ScoreOptions,
    owners: Option<Arc<OwnerDirectory>>,
) -> Result<Report, OrgReportError> {
    let FetchedOrganization {
        organization,
        shard,
        selection,
        mut repositories,
    } = fetched;
    repositories.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(repository) = repositories
        .iter()
        .find(|r| !valid_repository_name(&r.name))
    {
        return Err(OrgReportError::InvalidRepositoryName(
            repository.name.clone(),
        ));
    }
    let catalog = CatalogSources::collect(&organization, &repositories);
    // A shard keeps its outside owners for `merge`; they are the same for every shard.
    let shard_owners = shard
        .as_ref()
        .and(owners.as_deref())
        .map(|o| o.refs().map(ToString::to_string).collect());
    let lint_options = LintOptions {
        check_refs: options.config.lint.check_refs.unwrap_or_default(),
        templates: options.config.lint.templates.unwrap_or(true),
        owners,
        ..LintOptions::default()
    };
    let lint = lint_files(catalog.files, &lint_options);
    let score_options = ScoreOptions {
        facts: with_ci_status(&options.facts, &lint, &catalog.repository_of_root),
        known_files: Some(Arc::new(catalog.known_files)),
        ..options.clone()
    };
    let (card, lint) = Scorer::new(policies, &score_options)?.score_consuming(lint)?;
    let mut report = Report::from_owned_scorecard(&lint, card, policies, &score_options.config);
    report.findings.extend(catalog.scan_findings);
    let adoption = adoption(&repositories);
    if !adoption.failed.is_empty() {
        // An incomplete scan cannot pass: what was not read was not measured.
        report.summary.gate.passed = false;
        report
            .summary
            .gate
            .reasons
            .push(failed_repositories_reason(&adoption.failed));
    }
    report.scan = Some(OrgScan {
        organization,
        shard,
        selection,
        adoption,
        repositories,
        owners: shard_owners,
    });
    Ok(report)
}

/// The catalog files of an organisation's repositories, ready to lint, with what the scan
/// learnt besides.
struct CatalogSources<'a> {
    /// Every catalog file the API returned whole.
    files: Vec<SourceFile>,
    /// Findings about the scan itself: failed repositories, truncated files.
    scan_findings: Vec<FindingRecord>,
    /// Other files known to exist, rooted like the catalog files.
    known_files: BTreeSet<PathBuf>,
    /// The repository of each file root (`<organization>/<repository>`).
    repository_of_root: BTreeMap<PathBuf, &'a RepositoryRecord>,
}

impl<'a> CatalogSources<'a> {
    fn collect(organization: &str, repositories: &'a [RepositoryRecord]) -> Self {
        let mut sources = CatalogSources {
            files: Vec::new(),
            scan_findings: Vec::new(),
            known_files: BTreeSet::new(),
            repository_of_root: BTreeMap::new(),
        };
        for repository in repositories {
            let root = PathBuf::from(organization).join(&repository.name);
            sources.repository_of_root.insert(root.clone(), repository);
            if let Some(reason) = repository.error.as_deref().filter(|_| repository.gone) {
                sources.scan_findings.push(scan_finding(
                    RuleId::ScanRepositoryGone,
                    format!(
                        "repository {} was listed but is gone: {reason}",
                        repository.name
                    ),
                    repository.url.clone(),
                ));
            } else if let Some(error) = &repository.error {
                sources.scan_findings.push(scan_finding(
                    RuleId::ScanRepositoryFailed,
                    format!(
                        "repository {} could not be scanned: {error}",
                        repository.name
                    ),
                    repository.url.clone(),
                ));
            }
            for path in &repository.present {
                sources.known_files.insert(root.join(path));
            }
            for file in &repository.files {
                let display = file_url(repository, &file.path);
                if file.truncated {
                    sources.scan_findings.push(scan_finding(
                        RuleId::ScanFileTruncated,
                        format!(
                            "{} in {} is too large for the GitHub API to return whole; it was not read",
                            file.path, repository.name
                        ),
                        display,
                    ));
                    continue;
                }
                sources.files.push(SourceFile {
                    path: root.join(&file.path),
                    display,
                    root: root.clone(),
                    text: Arc::from(file.text.as_str()),
                });
            }
        }
        sources
    }
}

/// `facts` with the CI status of each entity's repository: CI status is a fact of the
/// repository, so of every entity defined in it; facts given by the caller win where they
/// say something else.
fn with_ci_status(
    facts: &Facts,
    lint: &LintReport,
    repository_of_root: &BTreeMap<PathBuf, &RepositoryRecord>,
) -> Facts {
    let mut facts = facts.clone();
    for loaded in &lint.catalog.entities {
        let Some(repository) = lint
            .files
            .get(loaded.file)
            .and_then(|f| repository_of_root.get(&f.root))
        else {
            continue;
        };
        let reference = loaded.entity.reference.canonical();
        let mut value = facts.get(&reference);
        if let Json::Object(map) = &mut value {
            let ci = map.entry("ci").or_insert_with(|| json!({}));
            if let Json::Object(ci) = ci {
                ci.entry("status").or_insert_with(|| json!(repository.ci));
            }
        }
        facts.insert(&reference, value);
    }
    facts
}

/// Catalog adoption across `repositories`; gone repositories are not counted at all.
fn adoption(repositories: &[RepositoryRecord]) -> Adoption {
    let repositories: Vec<&RepositoryRecord> = repositories.iter().filter(|r| !r.gone).collect();
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
    let fetched = repositories.len() - failed.len();
    let with_catalog = fetched - without_catalog.len();
    Adoption {
        repositories: repositories.len(),
        with_catalog,
        share: (fetched > 0).then(|| with_catalog as f64 / fetched as f64),
        without_catalog,
        failed,
    }
}

/// The gate's reason for failing a scan with failed repositories: the first five by name.
fn failed_repositories_reason(failed: &[String]) -> String {
    let shown: Vec<&str> = failed.iter().take(5).map(String::as_str).collect();
    let more = failed.len() - shown.len();
    format!(
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
    )
}

/// A repository file's web address: `<repo>/blob/<commit>/<path>`.
fn file_url(repository: &RepositoryRecord, path: &str) -> String {
    let commit = repository
        .head
        .as_deref()
        .or(repository.default_branch.as_deref())
        .unwrap_or("HEAD");
    format!(
        "{}/blob/{}/{}",
        repository.url.trim_end_matches('/'),
        encode_path(commit),
        encode_path(path)
    )
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

/// A finding about the scan rather than a catalog file (rule `scan/...`), at `file`.
fn scan_finding(rule: RuleId, message: String, file: String) -> FindingRecord {
    FindingRecord {
        rule: rule.id().to_string(),
        severity: rule.severity(),
        message,
        file,
        document: None,
        line: None,
        column: None,
        end_line: None,
        end_column: None,
        entity: None,
        pointer: None,
        help: rule.help().to_string(),
        url: Some(rule.rule().docs_url()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names_are_githubs() {
        for ok in ["web", "web.site", "a-b_c", ".github"] {
            assert!(valid_repository_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "a/", "/abs", "a b", "ü"] {
            assert!(!valid_repository_name(bad), "{bad:?}");
        }
    }

    fn record(name: &str, error: Option<String>) -> RepositoryRecord {
        RepositoryRecord {
            name: name.into(),
            url: format!("https://github.com/acme/{name}"),
            default_branch: error.is_none().then(|| "main".to_string()),
            head: None,
            ci: "none".into(),
            files: vec![],
            present: vec![],
            error,
            gone: false,
        }
    }

    fn report_of(repositories: Vec<RepositoryRecord>) -> Report {
        let fetched = FetchedOrganization {
            organization: "acme".into(),
            shard: None,
            selection: "api=api.github.com".into(),
            repositories,
        };
        let policies = PolicySet::builtin().expect("built-in policies");
        org_report(fetched, &policies, &ScoreOptions::default()).expect("report")
    }

    #[test]
    fn a_gone_repository_is_a_note_outside_adoption_and_the_gate() {
        let gone = RepositoryRecord {
            gone: true,
            ..record(
                "old",
                Some("GitHub GraphQL NOT_FOUND on the repository: no such repository".into()),
            )
        };
        let report = report_of(vec![record("tools", None), gone]);
        assert!(
            report.summary.gate.passed,
            "{:?}",
            report.summary.gate.reasons
        );
        let note = report
            .findings
            .iter()
            .find(|f| f.rule == "scan/repository-gone")
            .expect("a note");
        assert_eq!(note.severity, RuleId::ScanRepositoryGone.severity());
        assert!(note.message.contains("old"), "{}", note.message);
        let adoption = &report.scan.as_ref().expect("scan").adoption;
        assert_eq!(adoption.repositories, 1);
        assert!(adoption.failed.is_empty());
        assert_eq!(adoption.without_catalog, ["tools"]);
        assert_eq!(adoption.share, Some(0.0));
    }

    #[test]
    fn a_failed_repository_fails_the_gate_and_is_not_without_catalog() {
        let error = "GitHub GraphQL SERVICE_UNAVAILABLE on catalog file catalog-info.yaml: timeout";
        let report = report_of(vec![
            record("tools", None),
            record("web", Some(error.into())),
        ]);
        assert!(!report.summary.gate.passed);
        let adoption = &report.scan.as_ref().expect("scan").adoption;
        assert_eq!(adoption.failed, ["web"]);
        assert_eq!(adoption.without_catalog, ["tools"]);
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule == "scan/repository-failed"
                    && f.message.contains("catalog-info.yaml"))
        );
    }
}
