//! The failing checks and the checks that could not be evaluated, grouped by check: each
//! check's message once with the entities it applies to under it, and its fix once. A check
//! that raised an error at run time is an error, shown without the fix text: the entity did
//! not fail it, the policy did.

use std::io::{self, Write};

use yardstick::report::text::plural;
use yardstick::report::CheckInfo;
use yardstick::util::escape::escape_controls as visible;
use yardstick::{CheckResult, CheckStatus, EntityScore};

use super::Palette;
use crate::render::wrap::wrap;
use crate::render::Style;

/// One check's results with one status: each distinct message with its entities.
struct CheckGroup<'a> {
    id: &'a str,
    severity: String,
    count: usize,
    messages: Vec<(&'a str, Vec<(&'a EntityScore, &'a CheckResult)>)>,
}

/// The results of `status` among `rows`, a group per check in the report's check order.
fn groups<'a>(
    rows: &[&'a EntityScore],
    checks: &'a [CheckInfo],
    status: CheckStatus,
) -> Vec<CheckGroup<'a>> {
    let mut groups: Vec<CheckGroup<'a>> = checks
        .iter()
        .map(|c| CheckGroup {
            id: &c.id,
            severity: c.severity.to_string(),
            count: 0,
            messages: Vec::new(),
        })
        .collect();
    for entity in rows {
        for result in entity.checks.iter().filter(|r| r.status == status) {
            let index = match groups.iter().position(|g| g.id == result.id) {
                Some(index) => index,
                None => {
                    groups.push(CheckGroup {
                        id: &result.id,
                        severity: result.severity.to_string(),
                        count: 0,
                        messages: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[index];
            group.count += 1;
            match group
                .messages
                .iter_mut()
                .find(|(m, _)| *m == result.message.as_str())
            {
                Some((_, entities)) => entities.push((entity, result)),
                None => group
                    .messages
                    .push((result.message.as_str(), vec![(entity, result)])),
            }
        }
    }
    groups.retain(|g| g.count > 0);
    groups
}

/// `Failing checks`, then `Check errors`, for the entities the table shows.
pub fn write(
    out: &mut dyn Write,
    rows: &[&EntityScore],
    checks: &[CheckInfo],
    style: &Style,
    palette: &Palette,
) -> io::Result<()> {
    let Palette {
        red, bold, reset, ..
    } = palette;
    for (status, title) in [
        (CheckStatus::Fail, "Failing checks"),
        (CheckStatus::Error, "Check errors"),
    ] {
        let groups = groups(rows, checks, status);
        if groups.is_empty() {
            continue;
        }
        writeln!(out, "\n{bold}{title}{reset}")?;
        for group in &groups {
            let (mark, outcome) = if status == CheckStatus::Fail {
                ("✗", "fails for")
            } else {
                ("!", "could not be evaluated for")
            };
            let head = format!(
                "{} [{}]: {outcome} {}",
                visible(group.id),
                group.severity,
                plural(group.count, "entity", "entities")
            );
            let first = format!("{red}{mark}{reset} ");
            writeln!(out, "{}", wrap(&head, style.width, &first, "    "))?;
            write_messages(out, group, style)?;
            let fix = checks
                .iter()
                .find(|c| c.id == group.id)
                .map(|c| c.remediation.trim())
                .filter(|r| !r.is_empty() && status == CheckStatus::Fail);
            if let Some(fix) = fix {
                writeln!(
                    out,
                    "{}",
                    wrap(&visible(fix), style.width, "  fix: ", "       ")
                )?;
            }
        }
    }
    Ok(())
}

/// Each message once, then the entities it applies to and where.
fn write_messages(out: &mut dyn Write, group: &CheckGroup<'_>, style: &Style) -> io::Result<()> {
    for (message, entities) in &group.messages {
        writeln!(
            out,
            "{}",
            wrap(&visible(message), style.width, "  ", "    ")
        )?;
        for (entity, result) in entities {
            let at = result.location.as_ref().map_or_else(
                || visible(&entity.file).into_owned(),
                |l| format!("{}:{}:{}", visible(&l.file), l.line, l.column),
            );
            let line = format!("{} ({at})", visible(&entity.reference));
            writeln!(out, "{}", wrap(&line, style.width, "    - ", "      "))?;
        }
    }
    Ok(())
}
