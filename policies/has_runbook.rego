# METADATA
# title: Production components link a runbook
# description: Components in production carry a link of type runbook.
# custom:
#   id: has-runbook
#   severity: high
#   remediation: Add a metadata.links entry with type runbook.
#   applies_to: [Component]
package yardstick.checks.has_runbook

import rego.v1

default applicable := true

applicable := false if input.entity.spec.lifecycle != "production"

result := {"status": "pass", "message": "a runbook is linked", "pointer": "/metadata/links"} if {
	some link in input.entity.metadata.links
	link.type == "runbook"
} else := {"status": "fail", "message": "no link of type runbook", "pointer": "/metadata/links"}
