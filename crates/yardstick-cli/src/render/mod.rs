//! Output for people and for the Action that the core's report renderers do not cover: lint
//! diagnostics, the score table, and `$GITHUB_OUTPUT` step outputs; and how wide and how
//! colourful human output may be.

pub mod lint;
pub mod score;
pub mod width;
pub mod wrap;

/// How human output is drawn: with colour or not, and wrapped to a width or not.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours (a terminal, and neither `--no-color` nor `NO_COLOR`).
    pub color: bool,
    /// The width to fit lines to ([`width::output_width`]); `None` leaves lines whole.
    pub width: Option<usize>,
}
