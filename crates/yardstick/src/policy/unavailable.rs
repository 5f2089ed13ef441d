//! OPA built-ins a check may not call: the non-deterministic ones, refused so that a check
//! gives the same verdict on every run, and those regorus 0.14 does not implement at all.
//! A call to one is a load error that says so, rather than "unknown function".

/// Built-ins whose result does not depend on their arguments alone (`time.now_ns` is not
/// one: it is fixed for a run, see `clock`). `http.send` and `opa.runtime` are also left
/// out of the build (regorus's `http` and `opa-runtime` features); the others are always
/// compiled into regorus.
const NON_DETERMINISTIC: &[(&str, &str)] = &[
    ("http.send", "it reads the network"),
    ("net.lookup_ip_addr", "it reads the network"),
    ("opa.runtime", "it reads the environment"),
    ("rand.intn", "it returns a random number"),
    ("uuid.rfc4122", "it returns a random UUID"),
];

/// Built-ins that panic in regorus 0.14.1 on some inputs, which would abort a whole run:
/// `regex.template_match` slices its value by the template's byte offsets.
const PANICKING: &[&str] = &["regex.template_match"];

/// Namespaces of OPA built-ins that regorus 0.14 does not implement in any build.
const UNIMPLEMENTED_NAMESPACES: &[&str] =
    &["crypto.", "graphql.", "io.jwt.", "providers.aws.", "rego."];

/// Why a call to the builtin `name` is refused at load, or `None` when it may be called.
pub(super) fn refused_builtin(name: &str) -> Option<String> {
    if PANICKING.contains(&name) {
        return Some(format!(
            "`{name}` is refused: regorus 0.14.1 panics on some inputs, which would abort the run"
        ));
    }
    NON_DETERMINISTIC
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, why)| {
            format!(
                "`{name}` is refused: {why}, and a check must give the same verdict on every run"
            )
        })
}

/// Why `name` is an OPA built-in missing from this build, or `None` when it is not one.
pub(super) fn unavailable_builtin(name: &str) -> Option<String> {
    if let Some(why) = refused_builtin(name) {
        return Some(why);
    }
    UNIMPLEMENTED_NAMESPACES
        .iter()
        .any(|ns| name.starts_with(ns))
        .then(|| format!("`{name}` is an OPA built-in that regorus does not implement"))
}

/// The builtins a check may call, sorted: regorus's table without the refused ones and
/// regorus's internal helpers, plus `print`.
pub(crate) fn callable_builtins() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = regorus::unstable::BUILTINS
        .keys()
        .copied()
        .filter(|name| !name.starts_with("__") && refused_builtin(name).is_none())
        .chain(std::iter::once("print"))
        .collect();
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_builtins_are_not_callable() {
        let callable = callable_builtins();
        for (name, _) in NON_DETERMINISTIC {
            assert!(!callable.contains(name), "{name} is callable");
        }
        assert!(!callable.contains(&"regex.template_match"));
        assert!(refused_builtin("regex.template_match").is_some());
        for name in ["regex.match", "time.now_ns", "print", "count"] {
            assert!(callable.contains(&name), "{name} is not callable");
        }
        assert!(!callable
            .iter()
            .any(|b| UNIMPLEMENTED_NAMESPACES.iter().any(|ns| b.starts_with(ns))));
    }
}

/// The list of callable builtins in docs/policy-contract.md, generated from regorus's table.
/// Regenerate with `UPDATE_POLICY_DOC=1 cargo test -p yardstick --lib contract_lists`.
#[cfg(test)]
mod contract_doc {
    use super::callable_builtins;

    const START: &str = "<!-- builtins: generated, do not edit -->\n";
    const END: &str = "<!-- builtins: end -->\n";

    /// One table row per namespace (`base64`, `time`, …), names without one first.
    fn render() -> String {
        let mut rows: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for name in callable_builtins() {
            let family = name.rsplit_once('.').map_or("", |(ns, _)| ns);
            rows.entry(family).or_default().push(format!("`{name}`"));
        }
        let mut out = format!(
            "{START}\n{} builtins, generated from regorus's table by \
             `UPDATE_POLICY_DOC=1 cargo test -p yardstick --lib contract_lists`.\n\n\
             | namespace | builtins |\n| --- | --- |\n",
            rows.values().map(Vec::len).sum::<usize>()
        );
        for (family, names) in rows {
            let family = if family.is_empty() { "(none)" } else { family };
            out.push_str(&format!("| {family} | {} |\n", names.join(", ")));
        }
        out.push('\n');
        out.push_str(END);
        out
    }

    #[test]
    fn contract_lists_every_callable_builtin() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/policy-contract.md");
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        let (Some(start), Some(end)) = (have.find(START), have.find(END)) else {
            panic!(
                "docs/policy-contract.md has no `{}` … `{}` block",
                START.trim(),
                END.trim()
            );
        };
        let want = format!("{}{}{}", &have[..start], render(), &have[end + END.len()..]);
        if std::env::var_os("UPDATE_POLICY_DOC").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        assert!(
            have == want,
            "docs/policy-contract.md's builtin list is stale; regenerate it with \
             `UPDATE_POLICY_DOC=1 cargo test -p yardstick --lib contract_lists`"
        );
    }
}
