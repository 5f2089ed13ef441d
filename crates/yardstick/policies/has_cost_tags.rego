# METADATA
# title: Has cost tags
# description: >-
#   The entity carries every cost-allocation label named in params.label_keys
#   (default ["cost-center"]) with a non-empty value.
# custom:
#   id: has-cost-tags
#   severity: low
#   remediation: >-
#     Add the missing labels under metadata.labels, for example
#     "cost-center: cc-1234", so spend can be attributed to a team.
#   applies_to: [Component, Resource]
package yardstick.checks.has_cost_tags

import rego.v1

default applicable := true

# params.label_keys when given as a list, else ["cost-center"].
_keys := [k | some k in a; is_string(k)] if {
	# `=`, not `:=`, when the value may be undefined: see docs/policy-contract.md.
	a = input.params.label_keys
	is_array(a)
} else := ["cost-center"]

# A string that is not empty once surrounding whitespace is removed.
_non_empty(s) if {
	is_string(s)
	trim_space(s) != ""
}

# RFC 6901 escaping of one reference token.
_escape(token) := replace(replace(token, "~", "~0"), "/", "~1")

_has_label(key) if _non_empty(input.entity.metadata.labels[key])

# The required keys without a non-empty value, in params order. (The label
# lookup stays inside _has_label: OPA makes `not f(x)` undefined, not true,
# when x is undefined; regorus makes it true.)
_missing := [k | some k in _keys; not _has_label(k)]

_fail_pointer := concat("/", ["/metadata/labels", _escape(_missing[0])]) if {
	is_object(input.entity.metadata.labels)
} else := "/metadata"

result := {
	"status": "fail",
	"message": sprintf("missing cost label(s): %s", [concat(", ", _missing)]),
	"pointer": _fail_pointer,
} if {
	count(_missing) > 0
} else := {
	"status": "pass",
	"message": sprintf("cost label(s) set: %s", [concat(", ", _keys)]),
	"pointer": "/metadata/labels",
} if {
	count(_keys) > 0
} else := {
	"status": "pass",
	"message": "no cost labels are required (params.label_keys is empty)",
	"pointer": "",
}
