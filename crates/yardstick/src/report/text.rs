//! Small pieces of text that several renderers (and the CLI) write the same way: scores,
//! levels, check-status symbols, counted nouns, finding locations and clipped user text.
//! One spelling per concept: a level is `gold`, `silver`, `bronze` or `none` (as the JSON
//! writes it), an entity without a level is "not scored", and a count agrees with its noun.

use crate::score::{CheckStatus, Level, LevelCounts};

use super::FindingRecord;

/// A score with one decimal, or `missing` when there is none.
///
/// ```
/// use yardstick::report::text::score_text;
/// assert_eq!(score_text(Some(72.25), "–"), "72.2");
/// assert_eq!(score_text(None, "–"), "–");
/// ```
pub fn score_text(score: Option<f64>, missing: &str) -> String {
    score.map_or_else(|| missing.to_string(), |s| format!("{s:.1}"))
}

/// The one-character symbol of a check status, as the Markdown table and the HTML page mark
/// their cells: `✓` pass, `✗` fail, `?` unknown, `–` not applicable, `E` exempt, `!` error.
///
/// ```
/// use yardstick::report::text::status_symbol;
/// use yardstick::CheckStatus;
/// assert_eq!(status_symbol(CheckStatus::Fail), "✗");
/// ```
pub fn status_symbol(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "✓",
        CheckStatus::Fail => "✗",
        CheckStatus::Unknown => "?",
        CheckStatus::NotApplicable => "–",
        CheckStatus::Exempt => "E",
        CheckStatus::Error => "!",
    }
}

/// A level as every report names it for people: `gold`, `silver`, `bronze`, and `none` for
/// an entity that reaches no level (the name the JSON report and the docs use).
///
/// ```
/// use yardstick::report::text::level_label;
/// use yardstick::Level;
/// assert_eq!(level_label(Level::Bronze), "bronze");
/// assert_eq!(level_label(Level::None), "none");
/// ```
pub fn level_label(level: Level) -> &'static str {
    match level {
        Level::Gold => "gold",
        Level::Silver => "silver",
        Level::Bronze => "bronze",
        Level::None => "none",
    }
}

/// What reports call an entity that has no level because no check was scored.
pub const NOT_SCORED: &str = "not scored";

/// A level, or `missing` when the entity was not scored (a table's placeholder, like
/// [`score_text`]'s, or [`NOT_SCORED`] in prose).
///
/// ```
/// use yardstick::report::text::{level_text, NOT_SCORED};
/// use yardstick::Level;
/// assert_eq!(level_text(Some(Level::Gold), "-"), "gold");
/// assert_eq!(level_text(None, NOT_SCORED), "not scored");
/// ```
pub fn level_text(level: Option<Level>, missing: &str) -> &str {
    match level {
        Some(level) => level_label(level),
        None => missing,
    }
}

/// How many entities are at each level, in level order: `gold 13, silver 1, bronze 2, none 2`.
///
/// ```
/// use yardstick::report::text::level_counts_text;
/// use yardstick::LevelCounts;
/// let counts = LevelCounts { gold: 3, silver: 0, bronze: 1, none: 2 };
/// assert_eq!(level_counts_text(&counts), "gold 3, silver 0, bronze 1, none 2");
/// ```
pub fn level_counts_text(levels: &LevelCounts) -> String {
    [
        (Level::Gold, levels.gold),
        (Level::Silver, levels.silver),
        (Level::Bronze, levels.bronze),
        (Level::None, levels.none),
    ]
    .iter()
    .map(|(level, n)| format!("{} {n}", level_label(*level)))
    .collect::<Vec<_>>()
    .join(", ")
}

/// `n` and the noun that fits it: `1 error`, `2 errors`.
///
/// ```
/// use yardstick::report::text::plural;
/// assert_eq!(plural(1, "entity", "entities"), "1 entity");
/// assert_eq!(plural(0, "entity", "entities"), "0 entities");
/// ```
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `file:line:column` of a finding, as much of it as is known.
pub(crate) fn finding_location(finding: &FindingRecord) -> String {
    match (finding.line, finding.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", finding.file),
        (Some(line), None) => format!("{}:{line}", finding.file),
        _ => finding.file.clone(),
    }
}

/// At most `max` characters of `text`; when it is cut, the last of them is `…`. For fields
/// with a hard length limit (SARIF names, chart labels, a terminal table's column).
///
/// ```
/// use yardstick::report::text::clip;
/// assert_eq!(clip("component:default/route-planner", 12), "component:d…");
/// assert_eq!(clip("short", 12), "short");
/// ```
pub fn clip(text: &str, max: usize) -> String {
    match head_if_longer(text, max) {
        Some(head) => {
            let mut clipped = head.to_string();
            clipped.pop();
            clipped.push('…');
            clipped
        }
        None => text.to_string(),
    }
}

/// `text` trimmed and, when longer than `max` characters, cut to `max` with the trailing
/// space dropped and `…` appended. For prose, where a dangling space before the ellipsis
/// would look odd and the limit is a guide rather than a hard cap.
pub(crate) fn clip_trimmed(text: &str, max: usize) -> String {
    let text = text.trim();
    match head_if_longer(text, max) {
        Some(head) => format!("{}…", head.trim_end()),
        None => text.to_string(),
    }
}

/// The first `n` characters of `text` when it has more than `n`.
fn head_if_longer(text: &str, n: usize) -> Option<&str> {
    text.char_indices().nth(n).map(|(at, _)| &text[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_counts_characters() {
        assert_eq!(clip("ééé", 3), "ééé");
        assert_eq!(clip("éééé", 3), "éé…");
    }

    #[test]
    fn trimmed_clipping_drops_the_space_before_the_ellipsis() {
        assert_eq!(clip_trimmed("  abc  ", 3), "abc");
        assert_eq!(clip_trimmed("ab cd", 3), "ab…");
        assert_eq!(clip_trimmed("abcd", 3), "abc…");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "entity", "entities"), "1 entity");
        assert_eq!(plural(0, "entity", "entities"), "0 entities");
    }
}
