//! The differential suite against OPA (`tests/opa-diff/`, see its README): every (rule,
//! input) cell evaluated as yardstick evaluates checks must give the value OPA recorded in
//! `expected.json`, except the cells listed in `divergences.txt`, each pinned there with both
//! results, so that a fix or a new divergence fails this test. Rewrite the list with
//! `UPDATE_OPA_DIFF=1 cargo test -p yardstick --lib opa_diff` and review its diff.

use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};

use super::clock::pin_clock;

/// The instant `time.now_ns` returns in the suite (OPA's is the real clock; the cases only
/// compare it with past instants).
const NOW_NS: i64 = 1_767_323_045_000_000_000;

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/opa-diff")
}

fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A value with object keys sorted, so its text is the same whatever the map's order.
fn canonical(value: &Json) -> Json {
    match value {
        Json::Array(items) => Json::Array(items.iter().map(canonical).collect()),
        Json::Object(fields) => {
            let mut sorted: Vec<(&String, &Json)> = fields.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            Json::Object(
                sorted
                    .into_iter()
                    .map(|(k, v)| (k.clone(), canonical(v)))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// Equal as Rego values: numbers compare by value (`1` and `1.0` are one number in both
/// engines, whichever way each writes it).
fn same_value(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

/// Two outcomes agree: the same value, both undefined, or both an error (the messages of
/// the two engines differ).
fn agree(opa: &Json, ours: &Json) -> bool {
    match (opa.get("value"), ours.get("value")) {
        (Some(a), Some(b)) => same_value(a, b),
        (None, None) => opa.get("error").is_some() == ours.get("error").is_some(),
        _ => false,
    }
}

/// One cell as yardstick evaluates it: `{"value": v}`, `{"undefined": true}` or
/// `{"error": message}` (regorus's message on one line; a panic is an error too).
fn evaluate(engine: &regorus::Engine, input: &Json, rule: &str) -> Json {
    let mut engine = engine.clone();
    engine.set_input(regorus::Value::from(input.clone()));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine.eval_rule(rule.to_string())
    }));
    let Ok(outcome) = outcome else {
        return json!({"error": "regorus panicked"});
    };
    match outcome {
        Ok(regorus::Value::Undefined) => json!({"undefined": true}),
        Ok(value) => match value
            .to_json_str()
            .map(|t| serde_json::from_str::<Json>(&t))
        {
            Ok(Ok(value)) => json!({"value": value}),
            _ => json!({"error": format!("not JSON: {value}")}),
        },
        Err(e) => {
            let text = e.to_string();
            let message = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("error: "))
                .map_or_else(|| text.replace('\n', " "), str::to_string);
            json!({"error": message})
        }
    }
}

/// Every cell of one family, as `(cell id, OPA's outcome, ours)`.
fn family_cells(family: &str, record: &Json) -> Vec<(String, Json, Json)> {
    let cases = suite().join("cases");
    let module = cases.join(format!("{family}.rego"));
    let source = std::fs::read_to_string(&module).unwrap();
    let inputs = read_json(&cases.join(format!("{family}.json")));
    let inputs = inputs.as_array().unwrap();
    let mut engine = regorus::Engine::new();
    let loaded = engine.add_policy(format!("{family}.rego"), source);
    pin_clock(&mut engine, NOW_NS).unwrap();
    let mut cells = Vec::new();
    for rule in record["rules"].as_array().unwrap() {
        let rule = rule.as_str().unwrap();
        let expected = record["cells"][rule].as_array().unwrap();
        assert_eq!(
            expected.len(),
            inputs.len(),
            "{family}.{rule}: regenerate expected.json"
        );
        for (index, (input, opa)) in inputs.iter().zip(expected).enumerate() {
            let ours = match &loaded {
                Ok(_) => evaluate(&engine, input, &format!("data.diff.{family}.{rule}")),
                Err(e) => json!({"error": e.to_string().replace('\n', " ")}),
            };
            cells.push((format!("{family}/{rule}/{index}"), opa.clone(), ours));
        }
    }
    cells
}

/// The cells that differ, one line each: `<family>/<rule>/<input index>`, OPA's outcome and
/// ours.
fn divergences(cells: &[(String, Json, Json)]) -> String {
    let mut out = String::new();
    for (id, opa, ours) in cells {
        if !agree(opa, ours) {
            out.push_str(&format!(
                "{id}\n  opa:       {}\n  yardstick: {}\n",
                canonical(opa),
                canonical(ours)
            ));
        }
    }
    out
}

const HEADER: &str = "\
# Cells of the differential suite where yardstick (regorus 0.14.1) and OPA disagree, each
# with both outcomes. Generated by `UPDATE_OPA_DIFF=1 cargo test -p yardstick --lib opa_diff`;
# docs/policy-contract.md (\"Where yardstick differs from OPA\") explains them.
";

#[test]
fn opa_diff_cells_agree_with_opa_or_are_pinned_divergences() {
    let record = read_json(&suite().join("expected.json"));
    let families = record["families"].as_object().unwrap();
    let cells: Vec<(String, Json, Json)> = families
        .iter()
        .flat_map(|(family, record)| family_cells(family, record))
        .collect();
    assert!(cells.len() >= 300, "only {} cells", cells.len());
    let want = format!("{HEADER}{}", divergences(&cells));
    let path = suite().join("divergences.txt");
    if std::env::var_os("UPDATE_OPA_DIFF").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let have: Vec<&str> = have.lines().collect();
        let want: Vec<&str> = want.lines().collect();
        let gone: Vec<&&str> = have.iter().filter(|l| !want.contains(l)).collect();
        let new: Vec<&&str> = want.iter().filter(|l| !have.contains(l)).collect();
        panic!(
            "the divergences from OPA changed; review, then rewrite tests/opa-diff/divergences.txt \
             with UPDATE_OPA_DIFF=1\npinned but now different: {gone:#?}\nnew: {new:#?}"
        );
    }
}

#[test]
fn numbers_compare_by_value() {
    assert!(same_value(&json!(1), &json!(1.0)));
    assert!(same_value(&json!({"a": [2.5]}), &json!({"a": [2.5]})));
    assert!(!same_value(&json!(0.3), &json!(0.30000000000000004)));
    assert!(!same_value(
        &json!(9007199254740993_u64),
        &json!(9007199254740992_u64)
    ));
    assert!(agree(&json!({"error": "a"}), &json!({"error": "b"})));
    assert!(!agree(&json!({"undefined": true}), &json!({"error": "b"})));
}
