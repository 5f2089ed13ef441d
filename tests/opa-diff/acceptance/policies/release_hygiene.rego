# METADATA
# title: Release hygiene
# description: >-
#   A production component has a DNS-safe name, its source in the acme GitHub
#   organisation, a release at or above 1.2.0, a decodable deploy token, an
#   internal service address, and was created after 2024.
# custom:
#   id: release-hygiene
#   severity: medium
#   remediation: >-
#     Fix the annotation named in the message.
#   applies_to: [Component]
package yardstick.checks.release_hygiene

import rego.v1

default applicable := true

applicable := false if input.entity.spec.lifecycle == "experimental"

_annotation(key) := value if {
	value := input.entity.metadata.annotations[key]
	is_string(value)
}

_problems contains "metadata.name is not DNS-safe" if {
	not regex.match(`^[a-z][a-z0-9-]{0,62}$`, input.entity.metadata.name)
}

_problems contains "source is outside github.com/acme" if {
	slug := _annotation("github.com/project-slug")
	not glob.match("github.com/acme/*", ["/"], slug)
}

_problems contains "source is outside github.com/acme" if {
	not _annotation("github.com/project-slug")
}

_problems contains sprintf("release %s is below 1.2.0", [v]) if {
	v := _annotation("example.com/release")
	semver.is_valid(v)
	semver.compare(v, "1.2.0") < 0
}

_problems contains "release is not a semantic version" if {
	v := _annotation("example.com/release")
	not semver.is_valid(v)
}

_problems contains "deploy token is not base64 of `deploy:`…" if {
	token := _annotation("example.com/deploy-token")
	not startswith(base64.decode(token), "deploy:")
}

_problems contains sprintf("address %s is not in 10.0.0.0/8", [ip]) if {
	ip := _annotation("example.com/address")
	not net.cidr_contains("10.0.0.0/8", ip)
}

_problems contains "created before 2024" if {
	created := _annotation("example.com/created")
	time.parse_rfc3339_ns(created) < time.parse_rfc3339_ns("2024-01-01T00:00:00Z")
}

result := {"status": "pass", "message": "release hygiene is in order", "pointer": "/metadata/annotations"} if {
	count(_problems) == 0
} else := {
	"status": "fail",
	"message": concat("; ", sort([p | some p in _problems])),
	"pointer": "/metadata/annotations",
}
