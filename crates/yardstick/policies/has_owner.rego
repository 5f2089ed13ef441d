# METADATA
# title: Has an owner
# description: >-
#   The entity names an owner in spec.owner, written as a valid entity
#   reference. When the catalog holds any Group or User, the owner must also
#   be one of them.
# custom:
#   id: has-owner
#   severity: critical
#   remediation: >-
#     Set spec.owner to the Group or User responsible for the entity, for
#     example "group:default/team-a" or just "team-a".
#   applies_to: [Component, API, Resource, System, Domain]
package yardstick.checks.has_owner

import rego.v1

default applicable := true

# The namespace of the entity: metadata.namespace, or "default".
_namespace := ns if {
	# `=`, not `:=`, when the value may be undefined: see docs/policy-contract.md.
	ns = input.entity.metadata.namespace
	is_string(ns)
	ns != ""
} else := "default"

# spec.owner is present and is not null, "" or whitespace only.
_owner_given if {
	# `=`, not `:=`, when the value may be undefined: see docs/policy-contract.md.
	o = input.entity.spec.owner
	o != null
	not _blank(o)
}

_blank(s) if {
	is_string(s)
	trim_space(s) == ""
}

# Parses an entity reference exactly as Backstage's parseEntityRef does:
# [<kind>:][<namespace>/]<name>. A ":" after the first "/" is part of the name.
# Undefined when the reference is not a string or has an empty part.
_parse_ref(s, default_kind, default_ns) := {"kind": kind, "namespace": ns, "name": name} if {
	is_string(s)
	slash := indexof(s, "/")
	colon := _colon_index(s, slash)
	kind := _kind_part(s, colon, default_kind)
	ns := _namespace_part(s, colon, slash, default_ns)
	name := substring(s, max([colon + 1, slash + 1]), -1)
	kind != ""
	ns != ""
	name != ""
}

_colon_index(s, slash) := -1 if {
	slash != -1
	slash < indexof(s, ":")
} else := indexof(s, ":")

_kind_part(_, colon, default_kind) := default_kind if {
	colon == -1
}

_kind_part(s, colon, _) := substring(s, 0, colon) if {
	colon != -1
}

_namespace_part(_, _, slash, default_ns) := default_ns if {
	slash == -1
}

_namespace_part(s, colon, slash, _) := substring(s, colon + 1, (slash - colon) - 1) if {
	slash != -1
}

_owner := _parse_ref(input.entity.spec.owner, "Group", _namespace)

_owner_ref := sprintf("%s:%s/%s", [lower(_owner.kind), lower(_owner.namespace), lower(_owner.name)])

# The owner is a Group or User of the catalog.
_resolves if {
	# `=`, not `:=`, when the value may be undefined: see docs/policy-contract.md.
	e = data.yardstick.catalog.entities[_owner_ref]
	is_string(e.kind)
	lower(e.kind) in {"group", "user"}
}

result := {
	"status": "fail",
	"message": "spec.owner is missing",
	"pointer": "/spec/owner",
} if {
	not _owner_given
} else := {
	"status": "fail",
	"message": sprintf("spec.owner %v is not a valid entity reference ([<kind>:][<namespace>/]<name>)", [input.entity.spec.owner]),
	"pointer": "/spec/owner",
} if {
	not _owner
} else := {
	"status": "fail",
	"message": sprintf("owner %s is not a Group or User in the catalog", [_owner_ref]),
	"pointer": "/spec/owner",
} if {
	data.yardstick.catalog.has_owners == true
	not _resolves
} else := {
	"status": "pass",
	"message": sprintf("owned by %s", [_owner_ref]),
	"pointer": "/spec/owner",
}
