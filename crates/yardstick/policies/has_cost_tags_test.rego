package yardstick.checks.has_cost_tags_test

import rego.v1

import data.yardstick.checks.has_cost_tags

_input(metadata, params) := {
	"entity": {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": metadata, "spec": {}},
	"ref": "component:default/svc",
	"facts": {},
	"params": params,
}

test_applicable_by_default if {
	has_cost_tags.applicable with input as _input({"name": "svc"}, {})
}

test_pass_with_default_label if {
	r := has_cost_tags.result with input as _input({"name": "svc", "labels": {"cost-center": "cc-1234"}}, {})
	r.status == "pass"
	r.pointer == "/metadata/labels"
}

test_fail_without_labels_points_at_metadata if {
	r := has_cost_tags.result with input as _input({"name": "svc"}, {})
	r == {"status": "fail", "message": "missing cost label(s): cost-center", "pointer": "/metadata"}
}

test_fail_missing_key_points_at_label if {
	r := has_cost_tags.result with input as _input({"name": "svc", "labels": {"team": "a"}}, {})
	r.status == "fail"
	r.pointer == "/metadata/labels/cost-center"
}

test_fail_empty_and_whitespace_values if {
	every v in ["", "   "] {
		r := has_cost_tags.result with input as _input({"name": "svc", "labels": {"cost-center": v}}, {})
		r.status == "fail"
		r.pointer == "/metadata/labels/cost-center"
	}
}

test_params_first_missing_key_in_params_order if {
	p := {"label_keys": ["cost-center", "acme.com/budget", "env"]}
	r := has_cost_tags.result with input as _input({"name": "svc", "labels": {"cost-center": "cc-1"}}, p)
	r.status == "fail"
	r.pointer == "/metadata/labels/acme.com~1budget"
	r.message == "missing cost label(s): acme.com/budget, env"
}

test_params_all_present if {
	p := {"label_keys": ["cost-center", "env"]}
	r := has_cost_tags.result with input as _input({"name": "svc", "labels": {"cost-center": "cc-1", "env": "prod"}}, p)
	r.status == "pass"
}

test_params_override_replaces_default if {
	r := has_cost_tags.result with input as _input({"name": "svc", "labels": {"budget": "b1"}}, {"label_keys": ["budget"]})
	r.status == "pass"
}

test_empty_label_keys_passes if {
	r := has_cost_tags.result with input as _input({"name": "svc"}, {"label_keys": []})
	r.status == "pass"
	r.pointer == ""
}

test_resource_entity if {
	r := has_cost_tags.result with input as {"entity": {"kind": "Resource", "metadata": {"name": "db", "labels": {"cost-center": "cc-9"}}, "spec": {"type": "database"}}}
	r.status == "pass"
}
