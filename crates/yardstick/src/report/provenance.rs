//! What produced a score report: the yardstick version and SHA-256 digests of the policies
//! and of the configuration. They are deterministic (no time, no machine paths), so that
//! shard reports of one run agree and a merged report stays identical to an unsharded one.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::{CheckConfig, Config, Exemption, LevelRule};
use crate::policy::PolicySet;

/// The version of the yardstick library that wrote a report.
pub const YARDSTICK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `sha256:<hex>` of the loaded checks: for each, in id order, its id and the SHA-256 of its
/// Rego source. Where a check was loaded from (a path, which differs between machines) is
/// left out: the same sources give the same digest on every runner.
///
/// ```
/// use yardstick::report::provenance::policy_digest;
/// use yardstick::PolicySet;
///
/// let builtin = PolicySet::builtin().unwrap();
/// assert_eq!(policy_digest(&builtin), policy_digest(&PolicySet::builtin().unwrap()));
/// assert!(policy_digest(&builtin).starts_with("sha256:"));
/// assert_ne!(policy_digest(&builtin), policy_digest(&PolicySet::default()));
/// ```
pub fn policy_digest(policies: &PolicySet) -> String {
    let mut hasher = Sha256::new();
    for check in policies.checks() {
        // Length-prefixed, so that no two lists of checks hash the same bytes.
        hasher.update((check.id.len() as u64).to_le_bytes());
        hasher.update(check.id.as_bytes());
        hasher.update(Sha256::digest(check.source.as_bytes()));
    }
    hex_digest(hasher)
}

/// `sha256:<hex>` of the parsed configuration, serialised canonically (fixed key order,
/// without the source positions): comments, whitespace, key order and quoting in
/// `yardstick.yaml` do not change it; any setting does.
///
/// ```
/// use yardstick::report::provenance::config_digest;
/// use yardstick::Config;
///
/// let spaced = Config::parse("# the gate\ngate:\n    fail-on: high\n").unwrap();
/// let tight = Config::parse("gate: {fail-on: high}").unwrap();
/// assert_eq!(config_digest(&spaced), config_digest(&tight));
/// assert_ne!(config_digest(&tight), config_digest(&Config::default()));
/// ```
pub fn config_digest(config: &Config) -> String {
    let mut hasher = Sha256::new();
    hasher.update(canonical_config(config).to_string().as_bytes());
    hex_digest(hasher)
}

fn hex_digest(hasher: Sha256) -> String {
    let mut out = String::from("sha256:");
    for byte in hasher.finalize() {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// The configuration as JSON. Destructured field by field, so that a new setting fails to
/// compile here until it is part of the digest.
fn canonical_config(config: &Config) -> Value {
    let Config {
        include,
        exclude,
        lint,
        checks,
        levels,
        gate,
        exemptions,
    } = config;
    let checks: serde_json::Map<String, Value> = checks
        .iter()
        .map(|(id, c)| (id.clone(), canonical_check(c)))
        .collect();
    json!({
        "include": include,
        "exclude": exclude,
        "lint": {
            "check_refs": lint.check_refs.map(|r| format!("{r:?}")),
            "deny_warnings": lint.deny_warnings,
            "follow_locations": lint.follow_locations,
            "templates": lint.templates,
        },
        "checks": checks,
        "levels": {
            "gold": canonical_level(&levels.gold),
            "silver": canonical_level(&levels.silver),
            "bronze": canonical_level(&levels.bronze),
        },
        "gate": {
            "fail_on": gate.fail_on.map(|f| format!("{f:?}")),
            "min_score": gate.min_score,
        },
        "exemptions": exemptions.iter().map(canonical_exemption).collect::<Vec<_>>(),
    })
}

fn canonical_check(check: &CheckConfig) -> Value {
    let CheckConfig {
        enabled,
        severity,
        weight,
        params,
        span: _,
    } = check;
    json!({
        "enabled": enabled,
        "severity": severity,
        "weight": weight,
        "params": params,
    })
}

fn canonical_level(rule: &LevelRule) -> Value {
    let LevelRule { require, min_score } = rule;
    json!({ "require": require, "min_score": min_score })
}

fn canonical_exemption(exemption: &Exemption) -> Value {
    let Exemption {
        entity,
        check,
        reason,
        expires,
        span: _,
    } = exemption;
    json!({ "entity": entity, "check": check, "reason": reason, "expires": expires })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_digest_sees_every_setting_but_not_the_layout() {
        let parse = |text: &str| config_digest(&Config::parse(text).unwrap());
        let base = parse("checks:\n  has-owner:\n    weight: 3\n");
        assert_eq!(
            base,
            parse("checks: {has-owner: {weight: 3.0}}  # reweighted\n")
        );
        assert_ne!(base, parse("checks:\n  has-owner:\n    weight: 4\n"));
        assert_ne!(base, parse("checks:\n  has-techdocs:\n    weight: 3\n"));
        assert_eq!(base.len(), "sha256:".len() + 64);
    }

    #[test]
    fn policy_digest_follows_the_sources() {
        let builtin = PolicySet::builtin().unwrap();
        let mut changed = PolicySet::builtin().unwrap();
        let check = builtin.get("has-owner").unwrap();
        let edited = format!("{}\n# edited\n", check.source);
        changed
            .add_source("elsewhere/has-owner.rego", &edited)
            .unwrap();
        assert_ne!(policy_digest(&builtin), policy_digest(&changed));
        let mut moved = PolicySet::builtin().unwrap();
        moved
            .add_source("elsewhere/has-owner.rego", &check.source)
            .unwrap();
        assert_eq!(policy_digest(&builtin), policy_digest(&moved));
    }
}
