package yardstick.checks.has_monitoring_test

import rego.v1

import data.yardstick.checks.has_monitoring

_input(metadata, facts, params) := {
	"entity": {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": metadata, "spec": {}},
	"ref": "component:default/svc",
	"facts": facts,
	"params": params,
}

test_applicable_by_default if {
	has_monitoring.applicable with input as _input({"name": "svc"}, {}, {})
}

test_pass_with_default_annotation if {
	r := has_monitoring.result with input as _input(
		{"name": "svc", "annotations": {"grafana/dashboard-selector": "tags @> 'svc'"}},
		{}, {},
	)
	r.status == "pass"
	r.pointer == "/metadata/annotations/grafana~1dashboard-selector"
}

test_pass_with_fact if {
	r := has_monitoring.result with input as _input({"name": "svc"}, {"monitoring": {"configured": true}}, {})
	r == {"status": "pass", "message": "monitoring is configured (fact monitoring.configured)", "pointer": ""}
}

test_fail_without_annotations if {
	r := has_monitoring.result with input as _input({"name": "svc"}, {}, {})
	r.status == "fail"
	r.pointer == "/metadata"
	contains(r.message, "prometheus.io/rule")
}

test_fail_fact_false_and_unrelated_annotation if {
	r := has_monitoring.result with input as _input(
		{"name": "svc", "annotations": {"github.com/project-slug": "acme/svc"}},
		{"monitoring": {"configured": false}}, {},
	)
	r.status == "fail"
	r.pointer == "/metadata/annotations"
}

test_fail_fact_truthy_but_not_true if {
	r := has_monitoring.result with input as _input({"name": "svc"}, {"monitoring": {"configured": "yes"}}, {})
	r.status == "fail"
}

test_fail_empty_and_whitespace_values if {
	every v in ["", " \t", null] {
		r := has_monitoring.result with input as _input(
			{"name": "svc", "annotations": {"prometheus.io/rule": v}},
			{}, {},
		)
		r.status == "fail"
	}
}

test_params_override_replaces_defaults if {
	md := {"name": "svc", "annotations": {"grafana/dashboard-selector": "x", "acme.com/dashboard": "https://dash"}}
	r := has_monitoring.result with input as _input(md, {}, {"annotations": ["acme.com/dashboard"]})
	r.status == "pass"
	r.pointer == "/metadata/annotations/acme.com~1dashboard"
	r2 := has_monitoring.result with input as _input(
		{"name": "svc", "annotations": {"grafana/dashboard-selector": "x"}},
		{}, {"annotations": ["acme.com/dashboard"]},
	)
	r2.status == "fail"
	contains(r2.message, "acme.com/dashboard")
}

test_pointer_escapes_tilde_and_slash if {
	r := has_monitoring.result with input as _input(
		{"name": "svc", "annotations": {"a~b/c": "x"}},
		{}, {"annotations": ["a~b/c"]},
	)
	r.pointer == "/metadata/annotations/a~0b~1c"
}

test_params_absent_uses_defaults if {
	r := has_monitoring.result with input as {"entity": {
		"kind": "Component",
		"metadata": {"name": "svc", "annotations": {"dynatrace.com/dynatrace-entity-id": "SERVICE-1"}},
	}}
	r.status == "pass"
}
