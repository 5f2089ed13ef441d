//! `yardstick merge`: the union of `scan-org --shard` reports, scored again as one catalog,
//! so that the merged report is identical to an unsharded scan's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yardstick::report::org::{org_report_with_owners, FetchedOrganization};
use yardstick::report::provenance::{config_digest, policy_digest};
use yardstick::report::{OrgScan, Report, RepositoryRecord};
use yardstick::{EntityRef, OwnerDirectory, DEFAULT_NAMESPACE};

use crate::commands::history::record;
use crate::exit_code::gate_exit;
use crate::flags::MergeArgs;
use crate::output;
use crate::settings::org_scoring;

pub fn run(args: MergeArgs) -> Result<u8, String> {
    record::check_recordable(&args.record, None)?;
    let scoring = org_scoring(args.config.as_deref(), &args.scoring)?;
    let (fetched, digests, owners) = merge_shards(&args.reports)?;
    digests.check_merge(
        &policy_digest(&scoring.policies),
        &config_digest(&scoring.options.config),
    )?;
    let owners = owners.map(Arc::new);
    let report = org_report_with_owners(fetched, &scoring.policies, &scoring.options, owners)
        .map_err(|e| e.to_string())?;
    output::emit(&args.output, &report, output::Live::Saved)?;
    record::record_if_asked(&args.record, &report, &[])?;
    Ok(gate_exit(&report))
}

/// What every shard report of one scan has in common.
struct ScanIdentity {
    organization: String,
    selection: String,
    shard_count: u32,
    digests: Digests,
}

/// The policy and configuration digests of a report (absent from reports of older versions).
#[derive(Clone, PartialEq)]
struct Digests {
    policy: Option<String>,
    config: Option<String>,
}

impl Digests {
    fn of(report: &Report) -> Self {
        Digests {
            policy: report.policy_digest.clone(),
            config: report.config_digest.clone(),
        }
    }

    /// An error unless the shards were scored with the policies and configuration the merge
    /// scores with: otherwise the merged report would not be the unsharded scan's.
    fn check_merge(&self, policy: &str, config: &str) -> Result<(), String> {
        let differs = |shards: &Option<String>, merge: &str| {
            shards.as_deref().is_some_and(|shards| shards != merge)
        };
        if differs(&self.policy, policy) {
            return Err(format!(
                "the shards were scored with other policies ({}) than this merge ({policy}): \
                 give merge the same --policy as the shards",
                self.policy.as_deref().unwrap_or_default()
            ));
        }
        if differs(&self.config, config) {
            return Err(format!(
                "the shards were scored with another configuration ({}) than this merge \
                 ({config}): give merge the same --config as the shards",
                self.config.as_deref().unwrap_or_default()
            ));
        }
        Ok(())
    }
}

/// The repositories of the shard reports at `paths`, checked to be every shard of one scan,
/// the digests the shards share, and the owners from outside the scan they resolved against.
fn merge_shards(
    paths: &[PathBuf],
) -> Result<(FetchedOrganization, Digests, Option<OwnerDirectory>), String> {
    let mut identity: Option<ScanIdentity> = None;
    let mut owners: Option<OwnerDirectory> = None;
    let mut seen_shards: BTreeMap<u32, &Path> = BTreeMap::new();
    let mut repositories: BTreeMap<String, (RepositoryRecord, &Path)> = BTreeMap::new();
    for path in paths {
        let (scan, digests) = read_shard_scan(path)?;
        let shard = shard_of(&scan, path)?;
        let (index, count) = (shard.index, shard.count);
        match &identity {
            None => {
                identity = Some(ScanIdentity {
                    organization: scan.organization.clone(),
                    selection: scan.selection.clone(),
                    shard_count: count,
                    digests,
                });
            }
            Some(first) => check_same_scan(first, &scan, &digests, (index, count), path)?,
        }
        if let Some(other) = seen_shards.insert(index, path) {
            return Err(format!(
                "shard {index}/{count} is given twice: {} and {}",
                other.display(),
                path.display()
            ));
        }
        add_owners(&mut owners, scan.owners.as_deref(), path)?;
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
    let Some(ScanIdentity {
        organization,
        selection,
        shard_count: count,
        digests,
    }) = identity
    else {
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
    let fetched = FetchedOrganization {
        organization,
        shard: None,
        selection,
        repositories: repositories.into_values().map(|(repo, _)| repo).collect(),
    };
    Ok((fetched, digests, owners))
}

/// Adds a shard's outside owners (`scan.owners`) to the merge's.
fn add_owners(
    owners: &mut Option<OwnerDirectory>,
    refs: Option<&[String]>,
    path: &Path,
) -> Result<(), String> {
    let Some(refs) = refs else {
        return Ok(());
    };
    let owners = owners.get_or_insert_with(OwnerDirectory::default);
    for text in refs {
        let reference = EntityRef::parse(text, None, DEFAULT_NAMESPACE)
            .map_err(|e| format!("{}: scan.owners: {e}", path.display()))?;
        owners.insert(reference);
    }
    Ok(())
}

/// The `scan` section and the digests of the report at `path`.
fn read_shard_scan(path: &Path) -> Result<(OrgScan, Digests), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let report = Report::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let digests = Digests::of(&report);
    let scan = report.scan.ok_or_else(|| {
        format!(
            "{}: not a report of `yardstick scan-org` (it has no `scan` section)",
            path.display()
        )
    })?;
    Ok((scan, digests))
}

/// The shard (`I/N`) a scan covers.
fn shard_of(scan: &OrgScan, path: &Path) -> Result<yardstick_github::Shard, String> {
    scan.shard
        .as_deref()
        .and_then(|shard| shard.parse::<yardstick_github::Shard>().ok())
        .ok_or_else(|| {
            format!(
                "{}: not a shard report (made without --shard I/N)",
                path.display()
            )
        })
}

/// An error unless `scan` (shard `index`/`count`, read from `path`, with `digests`) belongs
/// to the scan of the first report.
fn check_same_scan(
    first: &ScanIdentity,
    scan: &OrgScan,
    digests: &Digests,
    (index, count): (u32, u32),
    path: &Path,
) -> Result<(), String> {
    let ScanIdentity {
        organization,
        selection,
        shard_count,
        digests: first_digests,
    } = first;
    if digests != first_digests {
        return Err(format!(
            "{}: scored with other policies or configuration (policy digest {}, config \
             digest {}) than the other reports ({}, {}): shards of one scan must share them",
            path.display(),
            digests.policy.as_deref().unwrap_or("none"),
            digests.config.as_deref().unwrap_or("none"),
            first_digests.policy.as_deref().unwrap_or("none"),
            first_digests.config.as_deref().unwrap_or("none"),
        ));
    }
    if !organization.eq_ignore_ascii_case(&scan.organization) {
        return Err(format!(
            "{}: organisation {} differs from {organization} of the other reports",
            path.display(),
            scan.organization
        ));
    }
    if *shard_count != count {
        return Err(format!(
            "{}: shard {index}/{count} does not belong to a split into {shard_count}",
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
    Ok(())
}
