//! Markdown for a [`super::Report`]: a pull-request comment or job summary.
//!
//! The output starts with [`MARKER`] (the GitHub Action finds its own comment by it), then
//! the overall score, the level distribution and the gate; then a table with one row per
//! entity and one column per check; then the failing checks with their remediation and
//! location; then the lint findings, errors first.
//!
//! GitHub rejects comments longer than 65,536 characters, so the output always stays under
//! [`MAX_CHARS`]. Large catalogs are collapsed step by step, deterministically, until the
//! text fits: first entities without problems leave the table (a line counts them), then
//! the details move into `<details>` blocks in a compact form, and finally every list is
//! cut to its share of the space with an "… and N more" line. The summary and the gate are
//! always kept.

use std::io::{self, Write};

use super::text::clip_trimmed;
/// The symbol of a check status in the entity table (see [`super::text::status_symbol`]).
pub use super::text::status_symbol as symbol;
use super::{RenderOptions, Report};
use crate::score::Level;
use crate::util::escape::{is_unsafe_control, push_visible};

mod entities;
mod failures;
mod header;
mod lists;
mod section;

use section::Section;

/// The most characters the output may have (GitHub's comment limit is 65,536).
pub const MAX_CHARS: usize = 65_000;

/// The hidden first line that identifies a yardstick comment.
pub const MARKER: &str = "<!-- yardstick-report -->";

/// Gate reasons listed at most.
const MAX_REASONS: usize = 10;
/// Characters kept of one piece of user text (a message, a reason, a remediation).
const MAX_TEXT: usize = 500;
/// Characters kept of a message in the compact form.
const MAX_COMPACT_TEXT: usize = 200;
/// Room left unused when cutting lists, for rounding and the closing lines.
const RESERVE: usize = 256;

/// Escapes user-provided text for inline Markdown (also inside table cells): Markdown
/// punctuation gets a backslash, `<`, `>` and `&` become entities, line breaks become spaces,
/// other control characters take their visible form (see [`crate::util::escape`]).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // An entity: `@org/team` in a catalog file must not notify anyone from a PR comment.
            '@' => out.push_str("&#64;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe_control(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Escaped and clipped user text.
pub(super) fn user_text(text: &str, max: usize) -> String {
    escape(&clip_trimmed(text, max))
}

pub(super) fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// A signed score change: `+2.5`, `−5.0` (a real minus sign), `±0.0`, or `–` when unknown.
pub(super) fn delta_text(delta: Option<f64>) -> String {
    match delta {
        None => MISSING.to_string(),
        Some(d) if d.abs() < 0.05 => "±0.0".to_string(),
        Some(d) if d > 0.0 => format!("+{d:.1}"),
        Some(d) => format!("−{:.1}", -d),
    }
}

/// What stands for a missing score, level or change.
pub(super) const MISSING: &str = "–";

/// A level as the tables write it.
pub(super) fn level_text(level: Option<Level>) -> &'static str {
    super::text::level_text(level, MISSING)
}

/// The end of a section: closes its `<details>` block when collapsed.
pub(super) fn details_end(collapsed: bool) -> String {
    if collapsed {
        "\n</details>\n".to_string()
    } else {
        String::new()
    }
}

/// How much detail the sections carry, from most to least.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Detail {
    /// Every entity with an applicable check in the table; failures grouped by check.
    Full,
    /// Only entities with failing, erroring or unknown checks in the table.
    Problems,
    /// As `Problems`, compact and inside `<details>` blocks.
    Collapsed,
}

impl Detail {
    /// Characters kept of one piece of user text at this detail.
    fn text_limit(self) -> usize {
        if self == Detail::Collapsed {
            MAX_COMPACT_TEXT
        } else {
            MAX_TEXT
        }
    }
}

fn sections(report: &Report, detail: Detail) -> Vec<Section> {
    [
        entities::changes(report, detail),
        lists::repositories_without_catalog(report, detail),
        entities::table(report, detail),
        failures::failures(report, detail),
        lists::findings(report, detail),
        lists::expired_exemptions(report, detail),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The Markdown text, at most [`MAX_CHARS`] characters minus one.
pub fn render(report: &Report) -> String {
    let head = header::header(report);
    for detail in [Detail::Full, Detail::Problems, Detail::Collapsed] {
        let mut text = head.clone();
        for section in sections(report, detail) {
            text.push_str(&section.full());
        }
        if char_count(&text) < MAX_CHARS {
            return text;
        }
    }
    // Cut every section to a share of the space left: the smallest sections first get what
    // they need, the rest split what remains evenly.
    let sections = sections(report, Detail::Collapsed);
    let mut left = MAX_CHARS.saturating_sub(char_count(&head) + RESERVE);
    let sizes: Vec<usize> = sections.iter().map(|s| char_count(&s.full())).collect();
    let mut order: Vec<usize> = (0..sections.len()).collect();
    order.sort_by_key(|&i| (sizes[i], i));
    let mut budgets = vec![0; sections.len()];
    for (n, &i) in order.iter().enumerate() {
        let share = left / (sections.len() - n);
        budgets[i] = sizes[i].min(share);
        left -= budgets[i];
    }
    let mut text = head;
    for (section, budget) in sections.iter().zip(budgets) {
        text.push_str(&section.render(budget));
    }
    text
}

/// Writes the Markdown report.
pub fn write(report: &Report, _options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report).as_bytes())
}
