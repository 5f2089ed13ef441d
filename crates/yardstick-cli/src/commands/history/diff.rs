//! `history diff`: what changed between two runs, for people, programs and a nightly
//! Markdown notification.

use std::io::Write;

use yardstick_store::{CheckChange, Diff, GroupChange, LevelChange};

use super::{score_text, with_store};
use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::flags::{DiffArgs, DiffFormat};
use crate::stdio::stdout_result;

pub fn run(args: DiffArgs) -> Result<u8, String> {
    let (from, to) = (args.from, args.to);
    let diff = with_store(&args.db, |store| async move { store.diff(from, to).await })?;
    let text = match args.format {
        DiffFormat::Json => json(&diff)?,
        DiffFormat::Human => human(&diff),
        DiffFormat::Markdown => markdown(&diff),
    };
    stdout_result(std::io::stdout().lock().write_all(text.as_bytes()))?;
    Ok(if args.fail_on_regression && diff.regressed() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn json(diff: &Diff) -> Result<String, String> {
    let mut value = serde_json::to_value(diff).map_err(|e| e.to_string())?;
    value["regressed"] = serde_json::Value::Bool(diff.regressed());
    serde_json::to_string_pretty(&value)
        .map(|t| t + "\n")
        .map_err(|e| e.to_string())
}

fn title(diff: &Diff) -> String {
    format!(
        "run {} ({}) → run {} ({})",
        diff.from.id,
        diff.from.at.format("%Y-%m-%dT%H:%M:%SZ"),
        diff.to.id,
        diff.to.at.format("%Y-%m-%dT%H:%M:%SZ")
    )
}

fn owner(owner: &Option<String>) -> &str {
    owner.as_deref().unwrap_or("(none)")
}

fn delta(group: &GroupChange) -> String {
    group
        .delta()
        .map_or_else(String::new, |d| format!(" ({d:+.1})"))
}

fn level_line(c: &LevelChange) -> String {
    format!(
        "{}: {} → {} ({})",
        c.entity,
        c.before,
        c.after,
        owner(&c.owner)
    )
}

fn check_line(c: &CheckChange) -> String {
    format!(
        "{} {}: {} ({})",
        c.entity,
        c.check,
        c.message,
        owner(&c.owner)
    )
}

fn group_line(g: &GroupChange) -> String {
    let entities = if g.entities_before == g.entities_after {
        format!("{} entities", g.entities_after)
    } else {
        format!("{} → {} entities", g.entities_before, g.entities_after)
    };
    format!(
        "{}: {} → {}{}, {entities}",
        g.key,
        score_text(g.before),
        score_text(g.after),
        delta(g)
    )
}

/// Every section of a diff: title and lines, empty sections left out.
fn sections(diff: &Diff) -> Vec<(&'static str, Vec<String>)> {
    let all = vec![
        (
            "Level drops",
            diff.level_drops.iter().map(level_line).collect(),
        ),
        (
            "Checks now failing",
            diff.newly_failing.iter().map(check_line).collect(),
        ),
        (
            "Checks now passing",
            diff.newly_passing.iter().map(check_line).collect(),
        ),
        (
            "Level rises",
            diff.level_rises.iter().map(level_line).collect(),
        ),
        ("Entities added", diff.added.clone()),
        ("Entities removed", diff.removed.clone()),
        (
            "Stale (repository not fetched; last results kept)",
            diff.stale.clone(),
        ),
        ("Owners", diff.owners.iter().map(group_line).collect()),
        ("Systems", diff.systems.iter().map(group_line).collect()),
    ];
    all.into_iter()
        .filter(|(_, lines)| !lines.is_empty())
        .collect::<Vec<(&str, Vec<String>)>>()
}

fn verdict(diff: &Diff) -> &'static str {
    if diff.regressed() {
        "Something got worse."
    } else {
        "Nothing got worse."
    }
}

fn human(diff: &Diff) -> String {
    let mut out = format!("History diff: {}\n", title(diff));
    let sections = sections(diff);
    if sections.is_empty() {
        out.push_str("\nNo changes.\n");
    }
    for (heading, lines) in sections {
        out.push_str(&format!("\n{heading} ({})\n", lines.len()));
        for line in lines {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str(&format!("\n{}\n", verdict(diff)));
    out
}

/// Markdown text with `|`, `*`, `_`, `` ` `` and `<` escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn markdown(diff: &Diff) -> String {
    let mut out = format!("## yardstick history: {}\n\n", md(&title(diff)));
    out.push_str(&format!("**{}**\n", verdict(diff)));
    let sections = sections(diff);
    if sections.is_empty() {
        out.push_str("\nNo changes.\n");
    }
    for (heading, lines) in sections {
        out.push_str(&format!("\n### {heading} ({})\n\n", lines.len()));
        for line in lines {
            out.push_str(&format!("- {}\n", md(&line)));
        }
    }
    out
}
