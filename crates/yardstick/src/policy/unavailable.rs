//! OPA built-ins that yardstick's regorus build does not have: those regorus keeps behind
//! cargo features yardstick does not enable (no network, no clock, no extra parsers), and
//! those regorus 0.14 does not implement at all. A call to one is a load error that says
//! so, rather than "unknown function".

/// Built-ins regorus 0.14.1 compiles only with a cargo feature yardstick leaves off, with
/// the feature (from regorus's `src/builtins/*.rs`).
const FEATURE_GATED: &[(&str, &str)] = &[
    ("base64.decode", "base64"),
    ("base64.encode", "base64"),
    ("base64.is_valid", "base64"),
    ("base64url.decode", "base64url"),
    ("base64url.encode", "base64url"),
    ("base64url.encode_no_pad", "base64url"),
    ("glob.match", "glob"),
    ("glob.quote_meta", "glob"),
    ("graph.reachable", "graph"),
    ("graph.reachable_paths", "graph"),
    ("hex.decode", "hex"),
    ("hex.encode", "hex"),
    ("http.send", "http"),
    ("json.match_schema", "jsonschema"),
    ("json.patch", "jsonpatch"),
    ("json.verify_schema", "jsonschema"),
    ("net.cidr_contains", "net"),
    ("net.cidr_expand", "net"),
    ("net.cidr_is_valid", "net"),
    ("opa.runtime", "opa-runtime"),
    ("regex.find_n", "regex"),
    ("regex.globs_match", "regex"),
    ("regex.is_valid", "regex"),
    ("regex.match", "regex"),
    ("regex.replace", "regex"),
    ("regex.split", "regex"),
    ("regex.template_match", "regex"),
    ("semver.compare", "semver"),
    ("semver.is_valid", "semver"),
    ("time.add_date", "time"),
    ("time.clock", "time"),
    ("time.date", "time"),
    ("time.diff", "time"),
    ("time.format", "time"),
    ("time.now_ns", "time"),
    ("time.parse_duration_ns", "time"),
    ("time.parse_ns", "time"),
    ("time.parse_rfc3339_ns", "time"),
    ("time.weekday", "time"),
    ("urlquery.decode", "urlquery"),
    ("urlquery.decode_object", "urlquery"),
    ("urlquery.encode", "urlquery"),
    ("urlquery.encode_object", "urlquery"),
    ("uuid.parse", "uuid"),
    ("uuid.rfc4122", "uuid"),
    ("walk", "graph"),
    ("yaml.is_valid", "yaml"),
    ("yaml.marshal", "yaml"),
    ("yaml.unmarshal", "yaml"),
];

/// Namespaces of OPA built-ins that regorus 0.14 does not implement in any build.
const UNIMPLEMENTED_NAMESPACES: &[&str] =
    &["crypto.", "graphql.", "io.jwt.", "providers.aws.", "rego."];

/// Why `name` is an OPA built-in missing from this build, or `None` when it is not one.
pub(super) fn unavailable_builtin(name: &str) -> Option<String> {
    if let Some((_, feature)) = FEATURE_GATED.iter().find(|(n, _)| *n == name) {
        return Some(format!(
            "an OPA built-in that needs regorus's `{feature}` feature"
        ));
    }
    UNIMPLEMENTED_NAMESPACES
        .iter()
        .any(|ns| name.starts_with(ns))
        .then(|| "an OPA built-in that regorus does not implement".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list is only right while these are absent from the build: a feature turned on
    /// in Cargo.toml must take its names off the list.
    #[test]
    fn listed_builtins_are_not_compiled_in() {
        for (name, _) in FEATURE_GATED {
            assert!(
                !regorus::unstable::BUILTINS.contains_key(name),
                "{name} is compiled in"
            );
        }
        assert!(!regorus::unstable::BUILTINS
            .keys()
            .any(|b| UNIMPLEMENTED_NAMESPACES.iter().any(|ns| b.starts_with(ns))));
    }
}
