//! Scores, levels, the gate, exemptions and the VM against the interpreter.

use super::input::{node_value, projected_value, EntityInput};
use super::memo::Memo;
use super::native::NativeCheck;
use super::scorer::{plan_memo, PreparedCheck};
use super::vm::{evaluate_check, plain_verdict, vm_program, Worker};
use super::*;
use crate::yaml::{parse_stream, Limits};

/// `value` with only what lies at `paths` below `root` (`["entity", "spec", ...]`): the
/// input of a check that reads no more than its static reads say.
fn projected(value: &serde_json::Value, root: &str, paths: &[Vec<String>]) -> serde_json::Value {
    let mut out = json!({});
    for path in paths
        .iter()
        .filter(|p| p.first().is_some_and(|r| r == root))
    {
        let fields = &path[1..];
        let Some(found) = fields.iter().try_fold(value, |at, f| at.get(f.as_str())) else {
            continue;
        };
        if fields.is_empty() {
            return found.clone();
        }
        let mut at = &mut out;
        for field in &fields[..fields.len() - 1] {
            at = at
                .as_object_mut()
                .unwrap()
                .entry(field.clone())
                .or_insert_with(|| json!({}));
        }
        at.as_object_mut()
            .unwrap()
            .insert(fields[fields.len() - 1].clone(), found.clone());
    }
    out
}

/// Entities (of every shape the built-in checks tell apart), facts and `input.local`, as
/// JSON, for the agreement tests.
fn agreement_inputs() -> Vec<(serde_json::Value, serde_json::Value, serde_json::Value)> {
    let owners = [
        json!(null),
        json!(""),
        json!("  "),
        json!(5),
        json!("team-a"),
        json!("group:"),
        json!("ns/"),
        json!(":x"),
        json!("group:/x"),
        json!("ns/a:b"),
        json!("user:ns/jo"),
        json!("User:NS/Jo"),
        json!("team-b"),
    ];
    let annotations = [
        json!(null),
        json!("x"),
        json!({}),
        json!({"grafana/dashboard-selector": " ", "pagerduty.com/service-id": 3}),
        json!({"prometheus.io/rule": "up", "opsgenie.com/team": "t", "a/b": "c",
               "backstage.io/techdocs-ref": "dir:.", "yardstick.dev/backup-policy": "daily"}),
        json!({"backstage.io/techdocs-entity": "component:x", "yardstick.dev/backup-policy": ""}),
    ];
    let labels = [
        json!(null),
        json!([]),
        json!({"cost-center": ""}),
        json!({"cost-center": "cc-1", "x": "y"}),
    ];
    let facts = [
        json!({}),
        json!({"ci": {"status": "passing"}, "monitoring": {"configured": true}}),
        json!({"ci": {"status": "failing"}, "oncall": {"configured": "true"}}),
        json!({"ci": {"status": "none"}, "backups": {"enabled": true}}),
        json!({"ci": {"status": 7}}),
        json!({"ci": {"status": false}}),
        json!({"ci": {"status": null}}),
        json!({"ci": "x"}),
    ];
    let locals = [
        json!({}),
        json!({"techdocs": {"ref": "dir:.", "dir_ref": true, "mkdocs_found": false, "expected": "a/mkdocs.yml"}}),
        json!({"techdocs": {"ref": "dir:.", "dir_ref": true, "mkdocs_found": true, "expected": "mkdocs.yml"}}),
    ];
    let mut inputs = Vec::new();
    for (i, owner) in owners.iter().enumerate() {
        let a = &annotations[i % annotations.len()];
        let l = &labels[i % labels.len()];
        for (j, f) in facts.iter().enumerate() {
            let kinds = ["database", "cache", "service"];
            let mut entity = json!({
                "kind": "Component",
                "metadata": {"name": "x", "annotations": a, "labels": l},
                "spec": {"owner": owner, "type": kinds[j % 3]},
            });
            if j % 4 == 1 {
                entity["metadata"]["namespace"] = json!("ns");
            }
            if j % 5 == 2 {
                entity["spec"].as_object_mut().unwrap().remove("owner");
            }
            inputs.push((entity, f.clone(), locals[(i + j) % locals.len()].clone()));
        }
    }
    inputs.push((json!({}), json!({}), json!({})));
    inputs.push((json!("not an object"), json!({}), json!({})));
    inputs
}

/// Params of the built-in checks for the agreement tests: none, others, and of wrong types.
fn agreement_params() -> Vec<serde_json::Value> {
    vec![
        json!({}),
        json!({"annotations": ["a/b", 3, "opsgenie.com/team"], "label_keys": ["x", 1, "cost-center"], "database_types": ["database", "cache"]}),
        json!({"annotations": "x", "label_keys": [], "database_types": 5}),
    ]
}

/// The regorus input of one of [`agreement_inputs`], for `component:default/x`.
fn agreement_input(
    entity: &serde_json::Value,
    facts: &serde_json::Value,
    local: &serde_json::Value,
    input_id: u64,
) -> EntityInput {
    EntityInput {
        entity: regorus::Value::from(entity.clone()),
        reference: regorus::Value::from("component:default/x"),
        facts: regorus::Value::from(facts.clone()),
        local: regorus::Value::from(local.clone()),
        input_id,
    }
}

/// `data.yardstick.catalog` for the agreement tests: owners must resolve, two do.
fn agreement_data() -> regorus::Value {
    regorus::Value::from(json!({"yardstick": {"catalog": {
        "has_owners": true,
        "entities": {"group:default/team-a": {"kind": "Group"}, "user:ns/jo": {"kind": "user"}}
    }}}))
}

/// The built-in checks read in place (the entity's compact YAML tree, the facts as JSON)
/// answer as they do on the regorus values of the same input, which the test below holds
/// to Rego: on the same inputs and params, and with facts missing read as `{}`.
#[test]
fn checks_read_in_place_agree_with_their_regorus_reading() {
    use super::native::{Json, Views, Yaml};
    let (set, data) = (PolicySet::builtin().unwrap(), agreement_data());
    let mut compared = 0;
    for param in &agreement_params() {
        let mut checks: Vec<PreparedCheck<'_>> = (set.checks().iter())
            .map(|c| PreparedCheck::new(c, c.severity, 1.0, param.clone()))
            .collect();
        vm_program(&mut checks, &data).expect("the built-ins compile for the VM");
        for (n, (entity, facts, local)) in agreement_inputs().iter().enumerate() {
            let stream = parse_stream(&entity.to_string(), &Limits::default());
            let tree =
                crate::yaml::CompactTree::from_node(stream.documents[0].root.as_ref().unwrap());
            let input = agreement_input(entity, facts, local, n as u64);
            let no_facts = (facts == &json!({})).then_some(None);
            for p in &checks {
                let native = NativeCheck::of(p).expect("a built-in check");
                let want = native.evaluate(&input, &data);
                for facts in no_facts.into_iter().chain([Some(facts)]) {
                    let views = Views {
                        entity: Yaml(Some(tree.root())),
                        facts: Json(facts),
                        local: &input.local,
                    };
                    let got = native.evaluate_views(views, &data);
                    assert_eq!(got, want, "{} on {entity} {facts:?} {local}", p.check.id);
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 2000, "{compared}");
}

/// The VM must give the interpreter's answer for every built-in check, on inputs of the
/// wrong types and shapes and with non-default params (the catalog-level tests only
/// see well-formed entities); so must every fast path: a memoised result (hit or miss),
/// and evaluation on an input holding only the check's static reads.
#[test]
fn vm_agrees_with_interpreter_on_builtin_checks() {
    let set = PolicySet::builtin().unwrap();
    let data = agreement_data();
    let inputs = agreement_inputs();
    let params = agreement_params();
    let (mut compared, mut native) = (0, 0);
    for param in &params {
        let mut checks: Vec<PreparedCheck<'_>> = set
            .checks()
            .iter()
            .map(|c| PreparedCheck::new(c, c.severity, 1.0, param.clone()))
            .collect();
        let program = vm_program(&mut checks, &data).expect("the built-ins compile for the VM");
        assert!(checks.iter().all(|p| p.vm.is_some()));
        for p in &mut checks {
            p.native = NativeCheck::of(p);
        }
        assert!(checks.iter().all(|p| p.native.is_some()));
        plan_memo(&mut checks, false);
        assert!(checks.iter().all(|p| p.memo.is_ok()));
        let memo = Memo::new(checks.len(), 1);
        let mut engine = regorus::Engine::new();
        for p in &checks {
            engine
                .add_policy(p.check.origin.clone(), p.check.source.clone())
                .unwrap();
        }
        engine.add_data(data.clone()).unwrap();
        let mut worker = Worker::new(engine.clone(), Some(&program), &data);
        for (n, (entity, facts, local)) in inputs.iter().enumerate() {
            let parts = agreement_input(entity, facts, local, n as u64);
            for (index, p) in checks.iter().enumerate() {
                engine.set_input(parts.with_params(&p.params_value));
                let want = evaluate_check(&mut engine, p);
                let vm = worker.vm.as_mut().unwrap();
                vm.set_input(parts.with_params(&p.params_value));
                let entry = p.vm.unwrap();
                let applicable = entry
                    .applicable
                    .map(|i| vm.execute_entry_point_by_index(i).unwrap());
                let got = if applicable == Some(regorus::Value::from(false)) {
                    Ok(None)
                } else {
                    let value = vm.execute_entry_point_by_index(entry.result).unwrap();
                    Ok(Some(plain_verdict(&value).expect("a plain result")))
                };
                assert_eq!(
                    got, want,
                    "{} on {entity} {facts} {local} {param}",
                    p.check.id
                );
                if let Some(got) = (p.native.as_ref()).and_then(|n| n.evaluate(&parts, &data)) {
                    assert_eq!(
                        got, want,
                        "native {} on {entity} {facts} {local} {param}",
                        p.check.id
                    );
                    native += 1;
                }
                assert_eq!(worker.evaluate(p, &parts), want);
                assert_eq!(memo.evaluate(index, p, &parts, &mut worker), want);
                let paths = p.memo.as_ref().unwrap().paths.clone();
                let only_reads = EntityInput {
                    entity: regorus::Value::from(projected(entity, "entity", &paths)),
                    reference: parts.reference.clone(),
                    facts: regorus::Value::from(projected(facts, "facts", &paths)),
                    local: regorus::Value::from(projected(local, "local", &paths)),
                    input_id: parts.input_id + 1_000_000,
                };
                assert_eq!(
                    worker.evaluate(p, &only_reads),
                    want,
                    "{} on the reads {paths:?} of {entity} {facts} {local}",
                    p.check.id
                );
                compared += 1;
            }
        }
        let stats = memo.stats(&checks);
        assert!(
            stats.iter().all(|s| s.reused > 0 && s.distinct > 0),
            "{stats:?}"
        );
    }
    assert!(compared > 2000, "{compared}");
    // The inputs of other types than the modules expect are left to Rego; the rest is not.
    assert!(native * 10 > compared * 9, "{native} of {compared}");
}

/// `node_value` gives the same value as going through `serde_json`.
#[test]
fn node_value_matches_json_conversion() {
    let text = "a: 1\nb: -2.5\nc: [x, 'y', null, true, 0x1F, 1e3, .inf]\nd: {e: ~, '1': {f: []}}\ng: 12345678901234567890\n";
    let stream = parse_stream(text, &Limits::default());
    let root = stream.documents[0].root.as_ref().unwrap();
    let tree = crate::yaml::CompactTree::from_node(root);
    assert_eq!(
        node_value(tree.root()),
        regorus::Value::from(root.to_json())
    );
}

#[test]
fn a_facts_file_larger_than_a_catalog_file_is_read() {
    let mut text = String::from("{\"entities\": {\n");
    let mut n = 0;
    while text.len() <= Limits::default().max_file_bytes {
        text.push_str(&format!(
            "\"component:default/service-{n}\": {{\"ci\": {{\"status\": \"passing\"}}}},\n"
        ));
        n += 1;
    }
    text.push_str("\"component:default/last\": {\"ci\": {\"status\": \"failing\"}}\n}}\n");
    let facts = Facts::parse(&text).unwrap();
    assert_eq!(
        facts.get("component:default/service-7")["ci"]["status"],
        "passing"
    );
    assert_eq!(
        facts.get("Component:default/LAST")["ci"]["status"],
        "failing"
    );
    assert_eq!(facts.get("component:default/none"), serde_json::json!({}));
}

#[test]
fn facts_of_one_entity_merge_and_keep_their_values() {
    let mut facts = Facts::default();
    facts.insert(
        "component:default/a",
        serde_json::json!({"ci": {"status": "passing"}}),
    );
    facts.insert(
        "Component:default/A",
        serde_json::json!({"coverage": 0.1, "big": 18446744073709551615u64, "tags": ["x", null]}),
    );
    assert_eq!(
        facts.get("component:default/a"),
        serde_json::json!({"ci": {"status": "passing"}, "coverage": 0.1,
                           "big": 18446744073709551615u64, "tags": ["x", null]})
    );
}

/// The built-in checks read a few parts of an entity, and `input.entity` is built with
/// those parts only; with plain evaluation, or a check whose reads are unbounded, it is the
/// whole entity.
#[test]
fn the_entity_input_holds_only_what_the_checks_read() {
    let set = PolicySet::builtin().unwrap();
    let prepare = || -> Vec<PreparedCheck<'_>> {
        (set.checks().iter())
            .map(|c| PreparedCheck::new(c, c.severity, 1.0, json!({})))
            .collect()
    };
    let reads = plan_memo(&mut prepare(), false).expect("the built-ins' reads are bounded");
    // Plain evaluation memoises nothing but reads the same parts.
    assert_eq!(plan_memo(&mut prepare(), true), Some(reads.clone()));
    let yaml = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  \
                description: not read\n  labels: {tier: '1'}\n  annotations: {x/y: z}\n  \
                links: [{url: 'https://a.example'}]\nspec:\n  type: service\n  \
                lifecycle: production\n  owner: team-a\n  system: s\n";
    let lint = crate::lint::lint_sources(&[("c.yaml", yaml)], &crate::lint::LintOptions::default());
    let root = lint.catalog.entities[0].entity.root.root();
    let built: serde_json::Value =
        serde_json::from_str(&projected_value(&reads, root).to_json_str().unwrap()).unwrap();
    assert_eq!(
        built,
        json!({
            "metadata": {"annotations": {"x/y": "z"}, "labels": {"tier": "1"}},
            "spec": {"owner": "team-a", "type": "service"},
        })
    );
    let unbounded =
        super::input::entity_parts([&crate::policy::Reads::Unbounded("reads input[x]".into())]);
    assert_eq!(unbounded, None);
}
