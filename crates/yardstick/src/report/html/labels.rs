//! The words the pages use for maturity levels, in one place: badges and score changes use
//! [`level_label`], the level chart's legend uses [`level_legend`].

use crate::score::Level;

/// A level as a badge or a score change names it: `gold` … `below bronze`, `not scored`.
pub(crate) fn level_label(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Gold) => "gold",
        Some(Level::Silver) => "silver",
        Some(Level::Bronze) => "bronze",
        Some(Level::None) => "below bronze",
        None => "not scored",
    }
}

/// A level as the legend of the level chart names it: `Gold` … `Below bronze`, `Not scored`.
pub(crate) fn level_legend(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Gold) => "Gold",
        Some(Level::Silver) => "Silver",
        Some(Level::Bronze) => "Bronze",
        Some(Level::None) => "Below bronze",
        None => "Not scored",
    }
}

/// The heading of the group tables' column that counts entities below bronze.
pub(crate) const BELOW_HEADING: &str = "Below";
