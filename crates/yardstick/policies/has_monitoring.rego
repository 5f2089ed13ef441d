# METADATA
# title: Has monitoring
# description: >-
#   The entity links to its monitoring: one of the known monitoring annotations
#   (Prometheus, Grafana, Datadog, New Relic, Dynatrace) is set, or the
#   monitoring fact reports monitoring as configured.
# custom:
#   id: has-monitoring
#   severity: high
#   remediation: >-
#     Add a monitoring annotation such as grafana/dashboard-selector or
#     prometheus.io/rule to catalog-info.yaml, pointing at the component's
#     dashboards or alerts.
#   applies_to: [Component]
package yardstick.checks.has_monitoring

import rego.v1

default applicable := true

_default_annotations := [
	"prometheus.io/rule",
	"prometheus.io/alert",
	"grafana/dashboard-selector",
	"grafana/alert-label-selector",
	"grafana/overview-dashboard",
	"datadoghq.com/dashboard-url",
	"datadoghq.com/graph-token",
	"newrelic.com/dashboard-guid",
	"dynatrace.com/dynatrace-entity-id",
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
	"message": sprintf("monitoring annotation %s is set", [_found[0]]),
	"pointer": concat("/", ["/metadata/annotations", _escape(_found[0])]),
} if {
	count(_found) > 0
} else := {
	"status": "pass",
	"message": "monitoring is configured (fact monitoring.configured)",
	"pointer": "",
} if {
	input.facts.monitoring.configured == true
} else := {
	"status": "fail",
	"message": sprintf("none of the monitoring annotations is set (%s) and no fact reports monitoring as configured", [concat(", ", _annotations)]),
	"pointer": _missing_pointer,
}
