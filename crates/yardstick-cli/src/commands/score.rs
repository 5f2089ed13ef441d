//! `yardstick score`: every entity scored against the checks, optionally narrowed to the
//! files a pull request changed and compared with a baseline report.

use std::collections::BTreeSet;
use std::path::Path;

use yardstick::report::Report;
use yardstick::{lint_paths, ScoreOptions};

use crate::commands::history::record;
use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::flags::ScoreArgs;
use crate::output;
use crate::render::score::Rows;
use crate::settings::{lint_options, load_facts, load_policies, scan_config, scan_paths};

pub fn run(args: ScoreArgs) -> Result<u8, String> {
    let partial = args
        .changed_files
        .is_some()
        .then_some("a --changed-files run");
    record::check_recordable(&args.record, partial)?;
    let config = scan_config(&args.scan)?;
    let policies = load_policies(&args.scoring.policy)?;
    crate::settings::warn_unloaded_checks(
        crate::settings::scan_config_path(&args.scan).as_deref(),
        &config,
        &policies,
    );
    let facts = load_facts(args.scoring.facts.as_deref())?;
    let mut lint_options = lint_options(&args.scan, &config);
    lint_options.app_catalog = crate::settings::app_catalog(&args.scan)?;
    lint_options.repository = crate::settings::repository(&args.scan)?;
    lint_options.owners = crate::settings::owner_sources(&args.scan.owners_from)?;
    let lint = lint_paths(&scan_paths(&args.scan), &lint_options).map_err(|e| e.to_string())?;
    crate::settings::warn_if_empty(&lint);
    crate::settings::note_lenient_owners(
        &lint,
        &lint_options,
        "`check-refs: always` under `lint:` in yardstick.yaml",
    );
    crate::settings::warn_unmatched_facts(args.scoring.facts.as_deref(), &facts, &lint, &policies);
    let options = ScoreOptions {
        facts,
        config,
        fail_on: args.scoring.fail_on.map(|f| f.fail_on()),
        min_score: args.scoring.min_score,
        threads: args.scoring.threads,
        today: None,
        now_ns: args.scoring.now,
        known_files: None,
        plain_evaluation: false,
    };
    // Consuming the lint report frees each entity's tree once it is scored.
    let (mut scorecard, lint) = yardstick::Scorer::new(&policies, &options)
        .and_then(|scorer| scorer.score_consuming(lint))
        .map_err(|e| e.to_string())?;
    crate::settings::hint_without_facts(args.scoring.facts.is_some(), &scorecard);
    let changed_files = match &args.changed_files {
        Some(path) => Some(read_changed_files(path)?),
        None => None,
    };
    if let Some(changed_files) = &changed_files {
        scorecard.retain(
            |entity| changed_files.contains(&normalize_report_path(&entity.file)),
            &options,
        );
    }
    let mut report = Report::from_owned_scorecard(&lint, scorecard, &policies, &options.config);
    // The report holds all that is rendered: free the entity trees and file texts first.
    drop(lint);
    report.paths = scan_paths(&args.scan)
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if let Some(changed_files) = &changed_files {
        report
            .findings
            .retain(|finding| changed_files.contains(&normalize_report_path(&finding.file)));
    }
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let baseline = Report::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        report.compare_with(&baseline);
    }
    let rows = Rows {
        all: args.all,
        only_failing: args.only_failing,
        owner: args.owner.clone(),
        kind: args.kind.clone(),
        has_all_flag: true,
    };
    output::emit(&args.output, &report, output::Live::Score(&rows))?;
    record::record_if_asked(&args.record, &report, &scan_paths(&args.scan))?;
    Ok(if report.summary.gate.passed {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// A path as reports and `git diff --name-only` compare: `/`-separated, without `./`.
fn normalize_report_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}

/// The paths listed in a changed-files list, one per line; blank lines are ignored.
fn read_changed_files(path: &Path) -> Result<BTreeSet<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(normalize_report_path)
        .collect())
}
