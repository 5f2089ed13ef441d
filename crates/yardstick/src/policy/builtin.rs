//! The built-in checks and their Rego unit tests, compiled into the crate.

pub(super) const BUILTIN: &[(&str, &str)] = &[
    (
        "ci_passing.rego",
        include_str!("../../policies/ci_passing.rego"),
    ),
    (
        "has_owner.rego",
        include_str!("../../policies/has_owner.rego"),
    ),
    (
        "has_techdocs.rego",
        include_str!("../../policies/has_techdocs.rego"),
    ),
    (
        "has_monitoring.rego",
        include_str!("../../policies/has_monitoring.rego"),
    ),
    (
        "has_backups.rego",
        include_str!("../../policies/has_backups.rego"),
    ),
    (
        "has_oncall.rego",
        include_str!("../../policies/has_oncall.rego"),
    ),
    (
        "has_cost_tags.rego",
        include_str!("../../policies/has_cost_tags.rego"),
    ),
];

/// True when `text` is exactly one of the built-in check modules (whose evaluation under
/// regorus's VM is tested against the interpreter; see `score.rs`).
pub(crate) fn is_builtin_source(text: &str) -> bool {
    BUILTIN.iter().any(|(_, builtin)| *builtin == text)
}

/// The built-in policies' unit tests, for `yardstick verify`.
pub const BUILTIN_TESTS: &[(&str, &str)] = &[
    (
        "ci_passing_test.rego",
        include_str!("../../policies/ci_passing_test.rego"),
    ),
    (
        "has_owner_test.rego",
        include_str!("../../policies/has_owner_test.rego"),
    ),
    (
        "has_techdocs_test.rego",
        include_str!("../../policies/has_techdocs_test.rego"),
    ),
    (
        "has_monitoring_test.rego",
        include_str!("../../policies/has_monitoring_test.rego"),
    ),
    (
        "has_backups_test.rego",
        include_str!("../../policies/has_backups_test.rego"),
    ),
    (
        "has_oncall_test.rego",
        include_str!("../../policies/has_oncall_test.rego"),
    ),
    (
        "has_cost_tags_test.rego",
        include_str!("../../policies/has_cost_tags_test.rego"),
    ),
];

/// The built-in check and test modules, as `(origin, source)` pairs.
pub fn builtin_modules() -> Vec<(String, String)> {
    BUILTIN
        .iter()
        .chain(BUILTIN_TESTS)
        .map(|(n, t)| (format!("builtin:{n}"), (*t).to_string()))
        .collect()
}
