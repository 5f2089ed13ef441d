package yardstick.checks.has_oncall_test

import rego.v1

import data.yardstick.checks.has_oncall

_input(metadata, facts, params) := {
	"entity": {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": metadata, "spec": {}},
	"ref": "component:default/svc",
	"facts": facts,
	"params": params,
}

test_applicable_by_default if {
	has_oncall.applicable with input as _input({"name": "svc"}, {}, {})
}

test_pass_with_pagerduty if {
	r := has_oncall.result with input as _input(
		{"name": "svc", "annotations": {"pagerduty.com/service-id": "PABC123"}},
		{}, {},
	)
	r.status == "pass"
	r.pointer == "/metadata/annotations/pagerduty.com~1service-id"
}

test_pass_first_configured_annotation_wins if {
	r := has_oncall.result with input as _input(
		{"name": "svc", "annotations": {"opsgenie.com/team": "sre", "ilert.com/integration-key": "k"}},
		{}, {},
	)
	r.pointer == "/metadata/annotations/opsgenie.com~1team"
}

test_pass_with_fact if {
	r := has_oncall.result with input as _input({"name": "svc"}, {"oncall": {"configured": true}}, {})
	r.status == "pass"
	r.pointer == ""
}

test_fail_without_annotations if {
	r := has_oncall.result with input as _input({"name": "svc", "annotations": {}}, {}, {})
	r.status == "fail"
	r.pointer == "/metadata/annotations"
	contains(r.message, "pagerduty.com/service-id")
}

test_fail_whitespace_value if {
	r := has_oncall.result with input as _input(
		{"name": "svc", "annotations": {"opsgenie.com/team": "   "}},
		{"oncall": {"configured": false}}, {},
	)
	r.status == "fail"
}

test_params_override if {
	r := has_oncall.result with input as _input(
		{"name": "svc", "annotations": {"acme.com/rota": "sre-primary"}},
		{}, {"annotations": ["acme.com/rota"]},
	)
	r.status == "pass"
	r2 := has_oncall.result with input as _input(
		{"name": "svc", "annotations": {"pagerduty.com/service-id": "P1"}},
		{}, {"annotations": ["acme.com/rota"]},
	)
	r2.status == "fail"
}

test_empty_params_list_only_fact_counts if {
	r := has_oncall.result with input as _input(
		{"name": "svc", "annotations": {"pagerduty.com/service-id": "P1"}},
		{}, {"annotations": []},
	)
	r.status == "fail"
	r2 := has_oncall.result with input as _input({"name": "svc"}, {"oncall": {"configured": true}}, {"annotations": []})
	r2.status == "pass"
}

test_non_list_param_falls_back_to_defaults if {
	r := has_oncall.result with input as _input(
		{"name": "svc", "annotations": {"pagerduty.com/service-id": "P1"}},
		{}, {"annotations": "pagerduty.com/service-id"},
	)
	r.status == "pass"
}
