# METADATA
# title: Has on-call
# description: >-
#   The entity names its on-call rotation: one of the known paging annotations
#   (PagerDuty, Opsgenie, Splunk On-Call, iLert) is set, or the oncall fact
#   reports on-call as configured.
# custom:
#   id: has-oncall
#   severity: medium
#   remediation: >-
#     Add the paging annotation of the team's on-call service, for example
#     pagerduty.com/service-id or opsgenie.com/team, to catalog-info.yaml.
#   applies_to: [Component]
package yardstick.checks.has_oncall

import rego.v1

default applicable := true

_default_annotations := [
	"pagerduty.com/service-id",
	"pagerduty.com/integration-key",
	"opsgenie.com/component-selector",
	"opsgenie.com/team",
	"splunk.com/on-call-routing-key",
	"ilert.com/integration-key",
]

# params.annotations when given as a list, else the default list.
_annotations := [k | some k in a; is_string(k)] if {
	# `=`, not `:=`, when the value may be undefined: see docs/policy-contract.md.
	a = input.params.annotations
	is_array(a)
} else := _default_annotations

# A string that is not empty once surrounding whitespace is removed.
_non_empty(s) if {
	is_string(s)
	trim_space(s) != ""
}

# RFC 6901 escaping of one reference token.
_escape(token) := replace(replace(token, "~", "~0"), "/", "~1")

# The configured annotations that are set, in params order.
_found := [k | some k in _annotations; _non_empty(input.entity.metadata.annotations[k])]

_missing_pointer := "/metadata/annotations" if {
	is_object(input.entity.metadata.annotations)
} else := "/metadata"

result := {
	"status": "pass",
	"message": sprintf("on-call annotation %s is set", [_found[0]]),
	"pointer": concat("/", ["/metadata/annotations", _escape(_found[0])]),
} if {
	count(_found) > 0
} else := {
	"status": "pass",
	"message": "on-call is configured (fact oncall.configured)",
	"pointer": "",
} if {
	input.facts.oncall.configured == true
} else := {
	"status": "fail",
	"message": sprintf("none of the on-call annotations is set (%s) and no fact reports on-call as configured", [concat(", ", _annotations)]),
	"pointer": _missing_pointer,
}
