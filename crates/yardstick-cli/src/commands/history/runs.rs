//! `history runs`: the recorded runs.

use std::io::Write;

use yardstick_store::Run;

use super::with_store;
use crate::exit_code::EXIT_OK;
use crate::flags::{DbArgs, TrendFormat};
use crate::stdio::stdout_result;

pub fn run(db: &DbArgs, format: TrendFormat) -> Result<u8, String> {
    let runs = with_store(db, |store| async move { store.runs().await })?;
    let text = match format {
        TrendFormat::Json => json(&runs)?,
        TrendFormat::Csv => csv(&runs),
        TrendFormat::Human => human(&runs),
    };
    stdout_result(std::io::stdout().lock().write_all(text.as_bytes()))?;
    Ok(EXIT_OK)
}

fn json(runs: &[Run]) -> Result<String, String> {
    serde_json::to_string_pretty(runs)
        .map(|t| t + "\n")
        .map_err(|e| e.to_string())
}

/// What a run scanned, in one line.
fn source(run: &Run) -> String {
    match (run.source.get("organization"), run.source.get("paths")) {
        (Some(org), _) => format!("org {}", org.as_str().unwrap_or("?")),
        (None, Some(paths)) => paths
            .as_array()
            .map(|p| {
                p.iter()
                    .filter_map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default(),
        (None, None) => String::new(),
    }
}

fn csv(runs: &[Run]) -> String {
    let mut out = String::from(
        "run,at,entities,lint_errors,lint_warnings,commits,source,yardstick_version,\
         policy_digest,config_digest\n",
    );
    for run in runs {
        let field =
            |value: &Option<String>| super::trend::csv_field(value.as_deref().unwrap_or(""));
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            run.id,
            run.at.to_rfc3339(),
            run.entities,
            run.lint.errors,
            run.lint.warnings,
            super::trend::csv_field(&run.commits.join(" ")),
            super::trend::csv_field(&source(run)),
            field(&run.yardstick_version),
            field(&run.policy_digest),
            field(&run.config_digest),
        ));
    }
    out
}

/// The first 12 hex digits of a `sha256:` digest (as git shortens commits), or `-`.
fn short_digest(digest: &Option<String>) -> String {
    match digest {
        Some(d) => d.trim_start_matches("sha256:").chars().take(12).collect(),
        None => "-".to_string(),
    }
}

fn human(runs: &[Run]) -> String {
    if runs.is_empty() {
        return "No runs recorded yet.\n".to_string();
    }
    let mut out = format!(
        "{:>5}  {:<20}  {:>8}  {:<12}  {:<9}  {:<12}  {:<12}  SOURCE\n",
        "RUN", "AT", "ENTITIES", "COMMIT", "VERSION", "POLICIES", "CONFIG"
    );
    for run in runs {
        let commit = match run.commits.as_slice() {
            [] => "-".to_string(),
            [one] => one.chars().take(12).collect(),
            many => format!("{} commits", many.len()),
        };
        out.push_str(&format!(
            "{:>5}  {:<20}  {:>8}  {:<12}  {:<9}  {:<12}  {:<12}  {}\n",
            run.id,
            run.at.format("%Y-%m-%dT%H:%M:%SZ"),
            run.entities,
            commit,
            run.yardstick_version.as_deref().unwrap_or("-"),
            short_digest(&run.policy_digest),
            short_digest(&run.config_digest),
            source(run)
        ));
    }
    out
}
