//! Loading checks: metadata, syntax and compile errors, overrides, the built-ins' tests.

use super::*;

#[test]
fn builtin_metadata() {
    let set = PolicySet::builtin().unwrap();
    let ids: Vec<&str> = set.checks().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ci-passing",
            "has-backups",
            "has-cost-tags",
            "has-monitoring",
            "has-oncall",
            "has-owner",
            "has-techdocs"
        ]
    );
    let owner = set.get("has-owner").unwrap();
    assert_eq!(
        owner.applies_to,
        ["Component", "API", "Resource", "System", "Domain"]
    );
    assert_eq!(owner.package, "yardstick.checks.has_owner");
    assert!(!owner.remediation.is_empty());
}

#[test]
fn syntax_errors_have_positions() {
    let e = only_error(PolicySet::default().add_source("mine.rego", "package x\n\nresult := {\n"));
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        ("mine.rego", 4, 1),
        "{e}"
    );
    assert_eq!(e.message, "expecting expression");
}

#[test]
fn compile_errors_are_caught_when_loading() {
    let e = only_error(PolicySet::default()
        .add_source("m.rego", "# METADATA\n# custom:\n#   id: m\n#   severity: low\npackage m\nimport rego.v1\nresult := foo(1)\n"));
    assert_eq!((e.line, e.column), (7, 11), "{e}");
    assert!(e.message.contains("foo"), "{e}");
}

#[test]
fn user_check_overrides_builtin_by_id() {
    let mut set = PolicySet::builtin().unwrap();
    set.add_source(
        "mine.rego",
        "# METADATA\n# title: Mine\n# custom:\n#   id: has-owner\n#   severity: low\npackage mine.owner\nimport rego.v1\nresult := {\"status\": \"pass\", \"message\": \"ok\", \"pointer\": \"\"}\n",
    )
    .unwrap();
    assert_eq!(set.checks().len(), 7);
    assert_eq!(set.get("has-owner").unwrap().severity, CheckSeverity::Low);
}

#[test]
fn builtin_tests_pass() {
    let outcomes = run_rego_tests(&builtin_modules(), None).unwrap();
    assert!(outcomes.len() > 40);
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    assert!(failed.is_empty(), "{failed:?}");
}

/// The single error of a failed load.
fn only_error(result: Result<(), PolicyErrors>) -> PolicyError {
    let errors = result.unwrap_err().errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

/// A check module `id` (package `checks.<id>`) with `body` after its `import rego.v1`,
/// which is on line 6.
fn check_module(id: &str, body: &str) -> String {
    format!("# METADATA\n# custom:\n#   id: {id}\n#   severity: low\npackage checks.{id}\nimport rego.v1\n{body}")
}

const PASS: &str = r#"{"status": "pass", "message": "ok", "pointer": ""}"#;

#[test]
fn misspelled_builtin_in_guarded_helper_with_else_is_a_load_error() {
    let body = format!(
        "_replicas(e) := n if {{\n\te.spec.replicas\n\tis_numbr(e.spec.replicas)\n\tn := e.spec.replicas\n}} else := 0\n\nresult := {PASS} if _replicas(input.entity) >= 0\n"
    );
    let e = only_error(
        PolicySet::default().add_source("guarded.rego", &check_module("guarded", &body)),
    );
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        ("guarded.rego", 9, 2),
        "{e}"
    );
    assert_eq!(
        e.message,
        "unknown function `is_numbr`; did you mean `is_number`?"
    );
}

#[test]
fn wrong_arity_is_a_load_error() {
    let body = format!(
        "_twice(x) := x * 2\n\nresult := {PASS} if {{\n\tinput.entity.kind == \"never\"\n\tcount(input.entity, 1) > _twice(1, 2)\n}}\n"
    );
    let errors = PolicySet::default()
        .add_source("arity.rego", &check_module("arity", &body))
        .unwrap_err()
        .errors;
    let found: Vec<(usize, usize, &str)> = errors
        .iter()
        .map(|e| (e.line, e.column, e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (11, 2, "`count` takes 1 argument, but is given 2"),
            (11, 27, "`_twice` takes 1 argument, but is given 2"),
        ]
    );
}

#[test]
fn output_argument_is_allowed_only_for_a_whole_statement() {
    let ok = format!("result := {PASS} if {{\n\tcount([1], n)\n\tn == 1\n}}\n");
    PolicySet::default()
        .add_source("out.rego", &check_module("out", &ok))
        .unwrap();
    let nested = format!("result := {PASS} if {{\n\tinput.x\n\tcount([1], n) == 1\n}}\n");
    let e = only_error(PolicySet::default().add_source("out.rego", &check_module("out", &nested)));
    assert_eq!((e.line, e.column), (9, 2), "{e}");
    assert_eq!(e.message, "`count` takes 1 argument, but is given 2");
}

#[test]
fn unknown_function_in_a_comprehension_is_a_load_error() {
    let body = format!(
        "_names := [upper(n) | some n in input.entity.names; startswith(n, \"a\")]\n_odd := {{n | some n in input.entity.names; upperr(n)}}\nresult := {PASS}\n"
    );
    let e =
        only_error(PolicySet::default().add_source("compr.rego", &check_module("compr", &body)));
    assert_eq!((e.line, e.column), (8, 44), "{e}");
    assert_eq!(
        e.message,
        "unknown function `upperr`; did you mean `upper`?"
    );
}

#[test]
fn functions_of_other_packages_resolve_through_imports_and_data_paths() {
    let lib = format!(
        "default is_prod(_) := false\nis_prod(e) if e.spec.lifecycle == \"production\"\n_tier(e) := e.spec.tier\nresult := {PASS}\n"
    );
    let user = format!(
        "import data.checks.lib\nimport data.checks.lib as helpers\nresult := {PASS} if {{\n\tinput.entity.kind == \"never\"\n\tlib.is_prod(input.entity)\n\thelpers._tier(input.entity)\n\tdata.checks.lib._tier(input.entity)\n\tprint(\"a\", 1, input)\n}}\n"
    );
    let mut set = PolicySet::default();
    set.add_sources(&[
        ("user.rego".into(), check_module("user", &user)),
        ("lib.rego".into(), check_module("lib", &lib)),
    ])
    .unwrap();
    assert_eq!(set.checks().len(), 2);

    // Loaded one at a time, the second still sees the first.
    let mut set = PolicySet::default();
    set.add_source("lib.rego", &check_module("lib", &lib))
        .unwrap();
    set.add_source("user.rego", &check_module("user", &user))
        .unwrap();

    // A function the imported package lacks is unknown.
    let typo = user.replace("lib.is_prod(", "lib.is_prd(");
    let e = only_error(PolicySet::default().add_sources(&[
        ("user.rego".into(), check_module("user", &typo)),
        ("lib.rego".into(), check_module("lib", &lib)),
    ]));
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        ("user.rego", 11, 2),
        "{e}"
    );
    assert_eq!(
        e.message,
        "unknown function `lib.is_prd`; did you mean `lib.is_prod`?"
    );
}

#[test]
fn non_deterministic_and_unimplemented_builtins_are_load_errors() {
    let body = format!(
        "result := {PASS} if {{\n\tinput.x\n\ttime.now_ns() > 0\n\tcrypto.sha256(\"a\")\n\
         \trand.intn(\"k\", 10) > uuid.rfc4122(\"k\")\n\thttp.send({{}})\n}}\n"
    );
    let errors = PolicySet::default()
        .add_source("time.rego", &check_module("time", &body))
        .unwrap_err()
        .errors;
    let found: Vec<(usize, usize, &str)> = errors
        .iter()
        .map(|e| (e.line, e.column, e.message.as_str()))
        .collect();
    let refused = "and a check must give the same verdict on every run";
    assert_eq!(
        found,
        [
            (
                10,
                2,
                "`crypto.sha256` is an OPA built-in that regorus does not implement"
            ),
            (
                11,
                2,
                &*format!("`rand.intn` is refused: it returns a random number, {refused}")
            ),
            (
                11,
                23,
                &*format!("`uuid.rfc4122` is refused: it returns a random UUID, {refused}")
            ),
            (
                12,
                2,
                &*format!("`http.send` is refused: it reads the network, {refused}")
            ),
        ]
    );
}

#[test]
fn unsafe_variable_in_guarded_helper_is_a_load_error() {
    let body = format!(
        "_bad(e) := n if {{\n\te.spec.never\n\tn := m + 1\n}} else := 0\n\nresult := {PASS} if _bad(input.entity) >= 0\n"
    );
    let e =
        only_error(PolicySet::default().add_source("unsafe.rego", &check_module("unsafe", &body)));
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        ("unsafe.rego", 9, 7),
        "{e}"
    );
    assert!(e.message.contains("`m` is unsafe"), "{e}");
}

#[test]
fn every_problem_of_every_file_is_reported_and_nothing_is_added() {
    let bad = |f: &str| format!("result := {PASS} if {{\n\tinput.x\n\t{f}(1)\n}}\n");
    let unsafe_var = format!("result := {PASS} if {{\n\tinput.x == y\n}}\n");
    let mut set = PolicySet::builtin().unwrap();
    let errors = set
        .add_sources(&[
            ("a.rego".into(), check_module("a", &bad("nope"))),
            (
                "b.rego".into(),
                check_module("b", &format!("{}_x := nada(2)\n", bad("zilch"))),
            ),
            ("c.rego".into(), check_module("c", &unsafe_var)),
            ("d.rego".into(), "package d\n".into()),
        ])
        .unwrap_err()
        .errors;
    let found: Vec<(&str, usize)> = errors.iter().map(|e| (e.file.as_str(), e.line)).collect();
    assert_eq!(
        found,
        [
            ("a.rego", 9),
            ("b.rego", 9),
            ("b.rego", 11),
            ("c.rego", 8),
            ("d.rego", 1)
        ],
        "{errors:?}"
    );
    assert_eq!(set.checks().len(), 7);
}

#[test]
fn builtin_checks_and_tests_call_only_known_functions() {
    let modules = builtin_modules();
    let sources: Vec<(&str, &str)> = modules
        .iter()
        .map(|(o, t)| (o.as_str(), t.as_str()))
        .collect();
    let all = sources.iter().map(|(o, _)| *o).collect();
    assert_eq!(calls::check_calls(&sources, &all), []);
}

#[test]
fn calls_are_found_in_every_position() {
    let body = format!(
        "_a := bad1(1) if input.never\n_b := 1 if input.never else := bad2(2)\n_c if every x in input.xs {{ bad3(x) }}\n_d if {{ some x in bad4(input.xs); x }}\n_e := {{k: v | some k, v in input.o; v == bad5(k)}}\n_f if {{ count(input.xs) with input as bad6(1) }}\n_g(x) := bad7(x)\nresult := {PASS}\n"
    );
    let errors = PolicySet::default()
        .add_source("places.rego", &check_module("places", &body))
        .unwrap_err()
        .errors;
    let found: Vec<(usize, &str)> = errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    let expected: Vec<(usize, String)> = (1..=7)
        .map(|i| (6 + i, format!("unknown function `bad{i}`")))
        .collect();
    let expected: Vec<(usize, &str)> = expected.iter().map(|(l, m)| (*l, m.as_str())).collect();
    assert_eq!(found, expected);
}

#[test]
fn user_function_takes_an_output_argument_like_a_builtin() {
    let body =
        format!("_twice(x) := x * 2\n\nresult := {PASS} if {{\n\t_twice(2, out)\n\tout == 4\n}}\n");
    let mut set = PolicySet::default();
    set.add_source("out.rego", &check_module("out", &body))
        .unwrap();
    assert_eq!(set.checks().len(), 1);
}
