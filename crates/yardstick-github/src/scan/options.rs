//! Checking and normalising the scan options before anything is sent.

use std::collections::BTreeSet;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::client::RetryPolicy;
use crate::{ScanError, ScanOptions};

/// The most retries [`ScanOptions::max_retries`] may ask for.
const MAX_RETRIES: u32 = 10;

/// The options after checking: normalised catalog paths, compiled name globs, retry policy.
pub(super) struct CheckedOptions {
    pub catalog_paths: Vec<String>,
    pub names: Option<GlobSet>,
    pub policy: RetryPolicy,
}

impl CheckedOptions {
    /// Refuses bad options: the org name, catalog paths, name globs, retries and shard.
    pub fn check(options: &ScanOptions) -> Result<CheckedOptions, ScanError> {
        check_name(&options.org, "organisation")?;
        let catalog_paths = normalize_catalog_paths(&options.catalog_paths)?;
        let names = name_globs(&options.filter.names)?;
        if options.max_retries > MAX_RETRIES {
            return Err(ScanError::InvalidOptions(format!(
                "max_retries is {}, at most {MAX_RETRIES} are allowed",
                options.max_retries
            )));
        }
        if let Some(shard) = options.shard {
            if shard.count == 0 || shard.index == 0 || shard.index > shard.count {
                return Err(ScanError::InvalidOptions(format!(
                    "shard {shard}: expected 1 ≤ I ≤ N"
                )));
            }
        }
        let policy = RetryPolicy {
            max_retries: options.max_retries,
            max_wait: options.max_wait,
            backoff: options.retry_backoff,
            timeout: options.request_timeout,
            secondary_floor: options.secondary_wait_floor,
        };
        Ok(CheckedOptions {
            catalog_paths,
            names,
            policy,
        })
    }
}

/// Refuses names that could change the URL's path.
pub(crate) fn check_name(name: &str, what: &str) -> Result<(), ScanError> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ScanError::InvalidOptions(format!(
            "{what} name {name:?} is not a GitHub name"
        )))
    }
}

/// A repo-relative path without `./`, leading or trailing `/`; `None` for one that leaves
/// the repository or names nothing.
pub(super) fn normalize_path(path: &str) -> Option<String> {
    let mut path = path.trim();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let path = path.trim_matches('/');
    let bad =
        path.is_empty() || path == "." || path.split('/').any(|seg| seg == ".." || seg.is_empty());
    (!bad).then(|| path.to_string())
}

/// The catalog paths, normalised and without duplicates; at least one.
fn normalize_catalog_paths(paths: &[String]) -> Result<Vec<String>, ScanError> {
    let mut out: Vec<String> = Vec::new();
    for path in paths {
        let normal = normalize_path(path).ok_or_else(|| {
            ScanError::InvalidOptions(format!("catalog path {path:?} is not a repo-relative path"))
        })?;
        if !out.contains(&normal) {
            out.push(normal);
        }
    }
    if out.is_empty() {
        return Err(ScanError::InvalidOptions("no catalog paths".into()));
    }
    Ok(out)
}

/// `mkdocs.yml` and `mkdocs.yaml` next to every catalog path.
pub(super) fn probe_paths(catalog_paths: &[String]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for path in catalog_paths {
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        for name in ["mkdocs.yml", "mkdocs.yaml"] {
            let probe = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            if !catalog_paths.contains(&probe) {
                out.insert(probe);
            }
        }
    }
    out.into_iter().collect()
}

/// The name globs as one case-insensitive set; `None` when there are none.
fn name_globs(globs: &[String]) -> Result<Option<GlobSet>, ScanError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for glob in globs {
        let glob = GlobBuilder::new(glob)
            .case_insensitive(true)
            .build()
            .map_err(|e| ScanError::InvalidOptions(format!("repository name glob: {e}")))?;
        set.add(glob);
    }
    set.build()
        .map(Some)
        .map_err(|e| ScanError::InvalidOptions(format!("repository name globs: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_sit_next_to_catalog_files() {
        let paths = vec![
            "catalog-info.yaml".to_string(),
            "deploy/catalog.yaml".to_string(),
        ];
        assert_eq!(
            probe_paths(&paths),
            vec![
                "deploy/mkdocs.yaml",
                "deploy/mkdocs.yml",
                "mkdocs.yaml",
                "mkdocs.yml"
            ]
        );
    }

    #[test]
    fn org_names_cannot_escape_the_path() {
        assert!(check_name("acme-inc", "organisation").is_ok());
        assert!(check_name("../x", "organisation").is_err());
        assert!(check_name("a/b", "organisation").is_err());
        assert!(check_name("", "organisation").is_err());
    }
}
