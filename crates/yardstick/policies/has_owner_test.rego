package yardstick.checks.has_owner_test

import rego.v1

import data.yardstick.checks.has_owner

_component(spec) := {"entity": {
	"apiVersion": "backstage.io/v1alpha1",
	"kind": "Component",
	"metadata": {"name": "svc"},
	"spec": spec,
}}

_in_namespace(ns, spec) := {"entity": {
	"apiVersion": "backstage.io/v1alpha1",
	"kind": "Component",
	"metadata": {"name": "svc", "namespace": ns},
	"spec": spec,
}}

_catalog := {
	"has_owners": true,
	"entities": {
		"group:default/team-a": {"kind": "Group"},
		"user:default/jdoe": {"kind": "User"},
		"group:payments/team-b": {"kind": "Group"},
	},
}

_no_owners := {"has_owners": false, "entities": {}}

test_applicable_by_default if {
	has_owner.applicable with input as _component({"owner": "team-a"})
}

test_pass_plain_name_defaults_to_group_in_default_namespace if {
	r := has_owner.result with input as _component({"owner": "team-a"})
		with data.yardstick.catalog as _no_owners
	r.status == "pass"
	r.pointer == "/spec/owner"
	contains(r.message, "group:default/team-a")
}

test_fail_missing_owner if {
	r := has_owner.result with input as _component({"type": "service"})
		with data.yardstick.catalog as _no_owners
	r == {"status": "fail", "message": "spec.owner is missing", "pointer": "/spec/owner"}
}

test_fail_missing_spec if {
	r := has_owner.result with input as {"entity": {"kind": "Component", "metadata": {"name": "x"}}}
	r.status == "fail"
	r.pointer == "/spec/owner"
}

test_fail_empty_and_whitespace_owner if {
	r1 := has_owner.result with input as _component({"owner": ""})
	r1.status == "fail"
	r1.message == "spec.owner is missing"
	r2 := has_owner.result with input as _component({"owner": "   "})
	r2.status == "fail"
	r2.message == "spec.owner is missing"
	r3 := has_owner.result with input as _component({"owner": null})
	r3.status == "fail"
}

test_fail_invalid_refs if {
	every ref in ["group:", "ns/", ":x", "/x", "group:/x", "group:ns/"] {
		r := has_owner.result with input as _component({"owner": ref})
			with data.yardstick.catalog as _no_owners
		r.status == "fail"
		r.pointer == "/spec/owner"
		contains(r.message, "not a valid entity reference")
	}
}

test_fail_non_string_owner if {
	r := has_owner.result with input as _component({"owner": 42})
		with data.yardstick.catalog as _no_owners
	r.status == "fail"
	contains(r.message, "not a valid entity reference")
}

test_slash_before_colon_keeps_colon_in_name if {
	# Backstage ignores a ":" that comes after the first "/": kind defaults to Group.
	r := has_owner.result with input as _component({"owner": "ns/a:b"})
		with data.yardstick.catalog as _no_owners
	r.status == "pass"
	contains(r.message, "group:ns/a:b")
}

test_namespace_defaults_to_entity_namespace if {
	r := has_owner.result with input as _in_namespace("payments", {"owner": "team-b"})
		with data.yardstick.catalog as _catalog
	r.status == "pass"
	contains(r.message, "group:payments/team-b")

	# The same name does not resolve in the default namespace.
	r2 := has_owner.result with input as _component({"owner": "team-b"})
		with data.yardstick.catalog as _catalog
	r2.status == "fail"
	contains(r2.message, "group:default/team-b")
}

test_has_owners_true_resolves_case_insensitively if {
	r := has_owner.result with input as _component({"owner": "User:Default/JDoe"})
		with data.yardstick.catalog as _catalog
	r.status == "pass"
	contains(r.message, "user:default/jdoe")
}

test_has_owners_true_unknown_owner_fails if {
	r := has_owner.result with input as _component({"owner": "group:default/ghosts"})
		with data.yardstick.catalog as _catalog
	r == {
		"status": "fail",
		"message": "owner group:default/ghosts is not a Group or User in the catalog",
		"pointer": "/spec/owner",
	}
}

test_has_owners_false_does_not_resolve if {
	r := has_owner.result with input as _component({"owner": "group:default/ghosts"})
		with data.yardstick.catalog as _no_owners
	r.status == "pass"
}

test_no_catalog_data_does_not_resolve if {
	r := has_owner.result with input as _component({"owner": "ghosts"})
	r.status == "pass"
}

test_owner_must_be_group_or_user_when_resolving if {
	cat := {"has_owners": true, "entities": {"component:default/other": {"kind": "Component"}}}
	r := has_owner.result with input as _component({"owner": "component:other"})
		with data.yardstick.catalog as cat
	r.status == "fail"
}

test_exactly_one_result if {
	results := [r |
		some owner in ["team-a", "", "group:", "user:jdoe", "x/y"]
		r := has_owner.result with input as _component({"owner": owner})
			with data.yardstick.catalog as _catalog
	]
	count(results) == 5
}
