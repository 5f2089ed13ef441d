package yardstick.checks.has_techdocs_test

import rego.v1

import data.yardstick.checks.has_techdocs

_input(metadata) := {
	"entity": {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": metadata, "spec": {}},
	"ref": "component:default/svc",
	"facts": {},
	"params": {},
}

_with_local(annotations, local) := object.union(
	_input({"name": "svc", "annotations": annotations}),
	{"local": {"techdocs": local}},
)

test_applicable_by_default if {
	has_techdocs.applicable with input as _input({"name": "svc"})
}

test_pass_with_techdocs_ref if {
	r := has_techdocs.result with input as _input({"name": "svc", "annotations": {"backstage.io/techdocs-ref": "dir:."}})
	r.status == "pass"
	r.pointer == "/metadata/annotations/backstage.io~1techdocs-ref"
}

test_pass_with_techdocs_entity if {
	r := has_techdocs.result with input as _input({"name": "svc", "annotations": {"backstage.io/techdocs-entity": "component:default/docs"}})
	r.status == "pass"
	r.pointer == "/metadata/annotations/backstage.io~1techdocs-entity"
}

test_fail_without_annotations if {
	r := has_techdocs.result with input as _input({"name": "svc"})
	r.status == "fail"
	r.pointer == "/metadata"
}

test_fail_with_other_annotations if {
	r := has_techdocs.result with input as _input({"name": "svc", "annotations": {"github.com/project-slug": "acme/svc"}})
	r.status == "fail"
	r.pointer == "/metadata/annotations"
	contains(r.message, "backstage.io/techdocs-ref")
}

test_fail_empty_and_whitespace_values if {
	every v in ["", "  ", 7] {
		r := has_techdocs.result with input as _input({"name": "svc", "annotations": {"backstage.io/techdocs-ref": v}})
		r.status == "fail"
		r.pointer == "/metadata/annotations"
	}
}

test_fail_local_dir_ref_without_mkdocs if {
	r := has_techdocs.result with input as _with_local(
		{"backstage.io/techdocs-ref": "dir:."},
		{"ref": "dir:.", "dir_ref": true, "mkdocs_found": false, "expected": "repos/x/mkdocs.yml"},
	)
	r == {
		"status": "fail",
		"message": "backstage.io/techdocs-ref points to a directory without mkdocs.yml: expected repos/x/mkdocs.yml",
		"pointer": "/metadata/annotations/backstage.io~1techdocs-ref",
	}
}

test_pass_local_dir_ref_with_mkdocs if {
	r := has_techdocs.result with input as _with_local(
		{"backstage.io/techdocs-ref": "dir:."},
		{"ref": "dir:.", "dir_ref": true, "mkdocs_found": true, "expected": "repos/x/mkdocs.yml"},
	)
	r.status == "pass"
}

test_pass_local_not_dir_ref if {
	r := has_techdocs.result with input as _with_local(
		{"backstage.io/techdocs-ref": "url:https://example.com/repo"},
		{"ref": "url:https://example.com/repo", "dir_ref": false, "mkdocs_found": false, "expected": ""},
	)
	r.status == "pass"
}
