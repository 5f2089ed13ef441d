//! Small pieces of text that several renderers (and the CLI) write the same way: scores,
//! check-status symbols, counted nouns, finding locations and clipped user text.

use crate::score::CheckStatus;

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

/// `n` and the noun that fits it: `1 error`, `2 errors`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
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
/// with a hard length limit (SARIF names, chart labels).
pub(crate) fn clip(text: &str, max: usize) -> String {
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
