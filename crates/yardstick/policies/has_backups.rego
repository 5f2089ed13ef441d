# METADATA
# title: Has backups
# description: >-
#   A database Resource declares its backup policy in the annotation
#   yardstick.dev/backup-policy, or the backups fact reports backups as
#   enabled. Applies only to Resources whose spec.type is one of
#   params.database_types (default ["database"]).
# custom:
#   id: has-backups
#   severity: medium
#   remediation: >-
#     Enable backups for the database and record the policy in the annotation
#     yardstick.dev/backup-policy, for example "daily-30d".
#   applies_to: [Resource]
package yardstick.checks.has_backups

import rego.v1

_key := "yardstick.dev/backup-policy"

# params.database_types when given as a list, else ["database"].
_database_types := t if {
	# `=`, not `:=`, when the value may be undefined: see docs/policy-contract.md.
	t = input.params.database_types
	is_array(t)
} else := ["database"]

default applicable := true

applicable := false if not _is_database

_is_database if input.entity.spec.type in _database_types

# A string that is not empty once surrounding whitespace is removed.
_non_empty(s) if {
	is_string(s)
	trim_space(s) != ""
}

_missing_pointer := "/metadata/annotations" if {
	is_object(input.entity.metadata.annotations)
} else := "/metadata"

result := {
	"status": "pass",
	"message": sprintf("backup policy is %s", [input.entity.metadata.annotations[_key]]),
	"pointer": "/metadata/annotations/yardstick.dev~1backup-policy",
} if {
	_non_empty(input.entity.metadata.annotations[_key])
} else := {
	"status": "pass",
	"message": "backups are enabled (fact backups.enabled)",
	"pointer": "",
} if {
	input.facts.backups.enabled == true
} else := {
	"status": "fail",
	"message": sprintf("annotation %s is not set and no fact reports backups as enabled", [_key]),
	"pointer": _missing_pointer,
}
