//! `yardstick merge`: the union of `scan-org --shard` reports, scored again as one catalog,
//! so that the merged report is identical to an unsharded scan's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use yardstick::report::org::{org_report, FetchedOrganization};
use yardstick::report::{OrgScan, Report, RepositoryRecord};

use crate::commands::history::record;
use crate::exit_code::gate_exit;
use crate::flags::MergeArgs;
use crate::output;
use crate::settings::org_scoring;

pub fn run(args: MergeArgs) -> Result<u8, String> {
    record::check_recordable(&args.record, None)?;
    let scoring = org_scoring(args.config.as_deref(), &args.scoring)?;
    let fetched = merge_shards(&args.reports)?;
    let report =
        org_report(fetched, &scoring.policies, &scoring.options).map_err(|e| e.to_string())?;
    output::emit(&args.output, &report, output::Live::Saved)?;
    record::record_if_asked(&args.record, &report, &[])?;
    Ok(gate_exit(&report))
}

/// What every shard report of one scan has in common.
struct ScanIdentity {
    organization: String,
    selection: String,
    shard_count: u32,
}

/// The repositories of the shard reports at `paths`, checked to be every shard of one scan.
fn merge_shards(paths: &[PathBuf]) -> Result<FetchedOrganization, String> {
    let mut identity: Option<ScanIdentity> = None;
    let mut seen_shards: BTreeMap<u32, &Path> = BTreeMap::new();
    let mut repositories: BTreeMap<String, (RepositoryRecord, &Path)> = BTreeMap::new();
    for path in paths {
        let scan = read_shard_scan(path)?;
        let shard = shard_of(&scan, path)?;
        let (index, count) = (shard.index, shard.count);
        match &identity {
            None => {
                identity = Some(ScanIdentity {
                    organization: scan.organization.clone(),
                    selection: scan.selection.clone(),
                    shard_count: count,
                });
            }
            Some(first) => check_same_scan(first, &scan, index, count, path)?,
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
    let Some(ScanIdentity {
        organization,
        selection,
        shard_count: count,
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
    Ok(FetchedOrganization {
        organization,
        shard: None,
        selection,
        repositories: repositories.into_values().map(|(repo, _)| repo).collect(),
    })
}

/// The `scan` section of the report at `path`.
fn read_shard_scan(path: &Path) -> Result<OrgScan, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let report = Report::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    report.scan.ok_or_else(|| {
        format!(
            "{}: not a report of `yardstick scan-org` (it has no `scan` section)",
            path.display()
        )
    })
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

/// An error unless `scan` (shard `index`/`count`, read from `path`) belongs to the scan of
/// the first report.
fn check_same_scan(
    first: &ScanIdentity,
    scan: &OrgScan,
    index: u32,
    count: u32,
    path: &Path,
) -> Result<(), String> {
    let ScanIdentity {
        organization,
        selection,
        shard_count,
    } = first;
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
