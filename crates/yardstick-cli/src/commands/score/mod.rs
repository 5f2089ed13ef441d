//! `yardstick score`: every entity scored against the checks, optionally narrowed to the
//! files a pull request changed and compared with a baseline report.

use std::collections::BTreeSet;
use std::path::Path;

use yardstick::report::Report;
use yardstick::{lint_paths, Keep, LintOptions, PolicySet, ScoreOptions};

use crate::commands::history::record;
use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::flags::ScoreArgs;
use crate::output;
use crate::render::score::Rows;
use crate::settings::{lint_options, load_facts, load_policies, scan_config, scan_paths};

mod stream;

/// What scoring reads before the catalog: configuration, checks, facts and lint options. A
/// whole run reads the facts while it lints the catalog (see [`whole`]): `options.facts`
/// is empty until then.
struct Setup {
    policies: PolicySet,
    lint_options: LintOptions,
    options: ScoreOptions,
}

impl Setup {
    fn read(args: &ScoreArgs) -> Result<Setup, String> {
        let config = scan_config(&args.scan)?;
        let policies = load_policies(&args.scoring.policy)?;
        crate::settings::warn_unloaded_checks(
            crate::settings::scan_config_path(&args.scan).as_deref(),
            &config,
            &policies,
        );
        let facts = if args.stream {
            load_facts(args.scoring.facts.as_deref())?
        } else {
            yardstick::Facts::default()
        };
        let mut lint_options = lint_options(&args.scan, &config);
        lint_options.app_catalog = crate::settings::app_catalog(&args.scan)?;
        lint_options.repository = crate::settings::repository(&args.scan)?;
        lint_options.owners = crate::settings::owner_sources(&args.scan.owners_from)?;
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
        Ok(Setup {
            policies,
            lint_options,
            options,
        })
    }
}

/// The note when `check-refs: auto` leaves owners unchecked names this way to check them.
const CHECK_REFS_ALWAYS: &str = "`check-refs: always` under `lint:` in yardstick.yaml";

pub fn run(args: ScoreArgs) -> Result<u8, String> {
    let partial = args
        .changed_files
        .is_some()
        .then_some("a --changed-files run");
    record::check_recordable(&args.record, partial)?;
    if args.stream {
        stream::check_streamable(&args)?;
    }
    let setup = Setup::read(&args)?;
    if args.stream {
        stream::run(&args, &setup)
    } else {
        whole(&args, setup)
    }
}

/// Scores the whole catalog at once, as every output format and option can use it.
fn whole(args: &ScoreArgs, setup: Setup) -> Result<u8, String> {
    let Setup {
        policies,
        mut lint_options,
        mut options,
    } = setup;
    // Each entity keeps only what the checks read, and each file a line index for its
    // text: every output is rendered from the report, none from the files. The parts the
    // checks read do not depend on the facts.
    let without_facts = yardstick::Scorer::new(&policies, &options).map_err(|e| e.to_string())?;
    if let Some(parts) = without_facts.entity_parts() {
        lint_options.keep = Keep::Parts(parts.clone());
    }
    let (lint, facts) = std::thread::scope(|scope| {
        // Neither needs the other: the facts file is parsed while the catalog is linted.
        let facts = scope.spawn(|| load_facts(args.scoring.facts.as_deref()));
        let lint = lint_paths(&scan_paths(&args.scan), &lint_options);
        (lint, facts.join())
    });
    // A bad facts file is reported first, as it would be had it been read first.
    options.facts = facts.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let lint = lint.map_err(|e| e.to_string())?;
    let scorer = yardstick::Scorer::new(&policies, &options).map_err(|e| e.to_string())?;
    crate::settings::warn_if_empty(lint.files.len());
    crate::settings::note_lenient_owners(&lint.owners, &lint_options, CHECK_REFS_ALWAYS);
    crate::settings::warn_unmatched_facts(
        args.scoring.facts.as_deref(),
        &options.facts,
        |facts| facts.unmatched_in(&lint.catalog),
        &policies,
    );
    // Consuming the lint report frees each entity's tree once it is scored.
    let (mut scorecard, lint) = scorer.score_consuming(lint).map_err(|e| e.to_string())?;
    let mut ci = crate::settings::CiUnknown::default();
    scorecard.entities.iter().for_each(|e| ci.add(e));
    ci.hint(args.scoring.facts.is_some());
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
    // The report holds all that is rendered. A run that kept every file's text frees the
    // lint report before rendering; with parts kept, what is left of it (paths, findings,
    // line indexes) is small, and is left to the end of the process like the report.
    let lint = lint.kept.is_some().then_some(lint);
    report.paths = report_paths(args);
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
    let code = if report.summary.gate.passed {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    };
    // The process ends next, and the system takes its memory back at once: freeing the
    // report's and the facts' allocations one by one takes about 0.1 s at 100k entities.
    drop(scorer);
    std::mem::forget((report, options, lint));
    Ok(code)
}

/// The scanned paths as a report lists them.
fn report_paths(args: &ScoreArgs) -> Vec<String> {
    (scan_paths(&args.scan).iter())
        .map(|p| p.display().to_string())
        .collect()
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
