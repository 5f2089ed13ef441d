package yardstick.checks.ci_passing_test

import rego.v1

import data.yardstick.checks.ci_passing

_input(facts) := {
	"entity": {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "svc"}, "spec": {}},
	"ref": "component:default/svc",
	"facts": facts,
	"params": {},
}

test_applicable_by_default if {
	ci_passing.applicable with input as _input({})
}

test_pass_when_passing if {
	r := ci_passing.result with input as _input({"ci": {"status": "passing"}})
	r == {"status": "pass", "message": "CI is passing", "pointer": ""}
}

test_fail_when_failing if {
	r := ci_passing.result with input as _input({"ci": {"status": "failing"}})
	r.status == "fail"
	contains(r.message, "failing")
}

test_fail_when_none if {
	r := ci_passing.result with input as _input({"ci": {"status": "none"}})
	r.status == "fail"
	contains(r.message, "no CI")
}

test_unknown_when_fact_missing if {
	r := ci_passing.result with input as _input({})
	r.status == "unknown"
	contains(r.message, "missing")
}

test_unknown_when_ci_fact_has_no_status if {
	r := ci_passing.result with input as _input({"ci": {}})
	r.status == "unknown"
}

test_unknown_when_facts_absent if {
	r := ci_passing.result with input as {"entity": {"kind": "Component", "metadata": {"name": "svc"}}}
	r.status == "unknown"
}

test_unknown_for_unrecognised_status if {
	r := ci_passing.result with input as _input({"ci": {"status": "pending"}})
	r.status == "unknown"
	contains(r.message, "pending")
}

test_status_is_case_sensitive if {
	r := ci_passing.result with input as _input({"ci": {"status": "PASSING"}})
	r.status == "unknown"
}

test_false_status_is_unknown if {
	r := ci_passing.result with input as _input({"ci": {"status": false}})
	r.status == "unknown"
	contains(r.message, "false")
}
