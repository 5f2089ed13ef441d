//! Recording runs: `history record REPORT.json`, and `--record` of `score`, `scan-org` and
//! `merge`.

use std::path::{Path, PathBuf};
use std::process::Command;

use yardstick::report::Report;
use yardstick_store::{Recorded, RunMeta};

use super::with_store;
use crate::exit_code::EXIT_OK;
use crate::flags::{DbArgs, RecordArgs, RunArgs};
use crate::stdio::eprint_line;

/// `history record REPORT.json`.
pub fn run(path: &Path, db: &DbArgs, run: &RunArgs) -> Result<u8, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let report =
        yardstick_store::parse_report(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let meta = run_meta(run, &report, &[], None);
    let recorded = with_store(
        db,
        |store| async move { store.record(&report, &meta).await },
    )?;
    say_recorded(&recorded);
    Ok(EXIT_OK)
}

/// Refuses `--record` where a run would record only part of a catalog, before any work.
pub fn check_recordable(args: &RecordArgs, partial: Option<&str>) -> Result<(), String> {
    if !args.record {
        return Ok(());
    }
    if let Some(why) = partial {
        return Err(format!(
            "--record cannot record {why}: it covers part of the catalog, and recording it \
             would close the results of everything else"
        ));
    }
    args.db.address().map(|_| ())
}

/// Records `report` when `--record` is given. `paths` are the paths a `score` run scanned;
/// the commit defaults to the git HEAD of the first of them.
pub fn record_if_asked(
    args: &RecordArgs,
    report: &Report,
    paths: &[PathBuf],
) -> Result<(), String> {
    if !args.record {
        return Ok(());
    }
    let meta = run_meta(
        &args.run,
        report,
        paths,
        paths.first().map(PathBuf::as_path),
    );
    let recorded = with_store(&args.db, |store| async move {
        store.record(report, &meta).await
    })?;
    say_recorded(&recorded);
    Ok(())
}

fn run_meta(
    run: &RunArgs,
    report: &Report,
    paths: &[PathBuf],
    work_tree: Option<&Path>,
) -> RunMeta {
    let commits = if !run.commits.is_empty() {
        run.commits.clone()
    } else if let Some(scan) = &report.scan {
        scan.repositories
            .iter()
            .filter_map(|r| r.head.as_ref().map(|head| format!("{}@{head}", r.name)))
            .collect()
    } else {
        work_tree.and_then(git_head).into_iter().collect()
    };
    RunMeta {
        at: run.at.unwrap_or_else(chrono::Utc::now),
        commits,
        paths: paths.iter().map(|p| p.display().to_string()).collect(),
        // The report's own version and digests: what produced it, not what records it.
        yardstick_version: None,
        policy_digest: None,
        config_digest: None,
    }
}

/// The HEAD commit of the git work tree `path` is in, when it is in one and git runs.
fn git_head(path: &Path) -> Option<String> {
    let dir = if path.is_dir() { path } else { path.parent()? };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .output()
        .ok()?;
    let head = String::from_utf8(output.stdout).ok()?;
    let head = head.trim();
    (output.status.success() && !head.is_empty()).then(|| head.to_string())
}

fn say_recorded(recorded: &Recorded) {
    eprint_line(&format!(
        "yardstick: recorded run {}: {} entity and {} check results changed{}",
        recorded.run,
        recorded.entities_opened,
        recorded.checks_opened,
        if recorded.stale > 0 {
            format!(
                ", {} entities stale (their repositories failed)",
                recorded.stale
            )
        } else {
            String::new()
        }
    ));
}
