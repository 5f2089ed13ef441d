package yardstick.checks.has_runbook_test

import rego.v1

import data.yardstick.checks.has_runbook

_component(lifecycle, links) := {"entity": {
	"apiVersion": "backstage.io/v1alpha1",
	"kind": "Component",
	"metadata": {"name": "checkout", "links": links},
	"spec": {"type": "service", "lifecycle": lifecycle, "owner": "team-a"},
}}

_runbook := {"url": "https://wiki/runbooks/checkout", "title": "Runbook", "type": "runbook"}

_dashboard := {"url": "https://grafana/checkout", "title": "Dashboard", "type": "dashboard"}

test_applicable_in_production if {
	has_runbook.applicable with input as _component("production", [])
}

test_not_applicable_outside_production if {
	not has_runbook.applicable with input as _component("experimental", [_runbook])
}

test_pass_with_a_runbook_link if {
	r := has_runbook.result with input as _component("production", [_dashboard, _runbook])
	r == {"status": "pass", "message": "a runbook is linked", "pointer": "/metadata/links"}
}

test_fail_with_other_links_only if {
	r := has_runbook.result with input as _component("production", [_dashboard])
	r.status == "fail"
	r.pointer == "/metadata/links"
}

test_fail_without_links if {
	r := has_runbook.result with input as {"entity": {"kind": "Component", "metadata": {"name": "x"}, "spec": {"lifecycle": "production"}}}
	r.status == "fail"
}

test_no_error_on_empty_input if {
	r := has_runbook.result with input as {}
	r.status == "fail"
}
