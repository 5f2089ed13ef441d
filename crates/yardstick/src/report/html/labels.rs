//! The words the pages use for maturity levels, in one place. They are the words of every
//! other format ([`crate::report::text::level_label`], `none` below bronze, `not scored`); the
//! level chart's legend capitalises them.

use crate::report::text::{level_text, NOT_SCORED};
use crate::score::Level;

/// A level as a badge or a score change names it: `gold` … `none`, `not scored`.
pub(crate) fn level_label(level: Option<Level>) -> &'static str {
    level_text(level, NOT_SCORED)
}

/// A level as the legend of the level chart names it: `Gold` … `None`, `Not scored`.
pub(crate) fn level_legend(level: Option<Level>) -> String {
    let label = level_label(level);
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The heading of the group tables' column that counts entities below bronze (level `none`).
pub(crate) const BELOW_HEADING: &str = "None";
