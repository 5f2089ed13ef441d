package yardstick.checks.has_backups_test

import rego.v1

import data.yardstick.checks.has_backups

_resource(type, annotations, facts, params) := {
	"entity": {
		"apiVersion": "backstage.io/v1alpha1",
		"kind": "Resource",
		"metadata": {"name": "db", "annotations": annotations},
		"spec": {"type": type, "owner": "team-a"},
	},
	"ref": "resource:default/db",
	"facts": facts,
	"params": params,
}

test_applicable_to_database if {
	has_backups.applicable with input as _resource("database", {}, {}, {})
}

test_not_applicable_to_other_types if {
	not has_backups.applicable with input as _resource("s3-bucket", {}, {}, {})
	has_backups.applicable == false with input as _resource("s3-bucket", {}, {}, {})
}

test_not_applicable_without_type if {
	has_backups.applicable == false with input as {"entity": {"kind": "Resource", "metadata": {"name": "db"}, "spec": {}}}
}

test_params_database_types_override if {
	p := {"database_types": ["postgres", "mysql"]}
	has_backups.applicable with input as _resource("postgres", {}, {}, p)
	has_backups.applicable == false with input as _resource("database", {}, {}, p)
}

test_pass_with_annotation if {
	r := has_backups.result with input as _resource("database", {"yardstick.dev/backup-policy": "daily-30d"}, {}, {})
	r == {
		"status": "pass",
		"message": "backup policy is daily-30d",
		"pointer": "/metadata/annotations/yardstick.dev~1backup-policy",
	}
}

test_pass_with_fact if {
	r := has_backups.result with input as _resource("database", {}, {"backups": {"enabled": true}}, {})
	r.status == "pass"
	r.pointer == ""
}

test_fail_without_policy if {
	r := has_backups.result with input as _resource("database", {}, {"backups": {"enabled": false}}, {})
	r.status == "fail"
	r.pointer == "/metadata/annotations"
	contains(r.message, "yardstick.dev/backup-policy")
}

test_fail_blank_annotation if {
	every v in ["", "  "] {
		r := has_backups.result with input as _resource("database", {"yardstick.dev/backup-policy": v}, {}, {})
		r.status == "fail"
	}
}

test_fail_pointer_metadata_without_annotations if {
	r := has_backups.result with input as {"entity": {"kind": "Resource", "metadata": {"name": "db"}, "spec": {"type": "database"}}}
	r.status == "fail"
	r.pointer == "/metadata"
}
