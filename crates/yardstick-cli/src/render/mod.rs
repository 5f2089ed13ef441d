//! Output for people and for the Action that the core's report renderers do not cover: lint
//! diagnostics, the score table, and `$GITHUB_OUTPUT` step outputs.

pub mod lint;
pub mod score;
