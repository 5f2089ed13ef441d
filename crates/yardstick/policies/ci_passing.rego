# METADATA
# title: CI is passing
# description: >-
#   The entity's latest CI run on its default branch passed, as reported by
#   the ci fact (input.facts.ci.status).
# custom:
#   id: ci-passing
#   severity: critical
#   remediation: >-
#     Fix the failing build on the default branch, or set up CI for the
#     component if it has none.
#   applies_to: [Component]
package yardstick.checks.ci_passing

import rego.v1

default applicable := true

result := {
	"status": "pass",
	"message": "CI is passing",
	"pointer": "",
} if {
	input.facts.ci.status == "passing"
} else := {
	"status": "fail",
	"message": "CI is failing",
	"pointer": "",
} if {
	input.facts.ci.status == "failing"
} else := {
	"status": "fail",
	"message": "no CI is set up",
	"pointer": "",
} if {
	input.facts.ci.status == "none"
} else := {
	"status": "unknown",
	"message": sprintf("CI status %v is not one of passing, failing or none", [status]),
	"pointer": "",
} if {
	# `=`, not `:=`, when the value may be undefined: see docs/policy-contract.md.
	status = input.facts.ci.status
} else := {
	"status": "unknown",
	"message": "no CI status is known for this entity (fact ci.status is missing)",
	"pointer": "",
}
