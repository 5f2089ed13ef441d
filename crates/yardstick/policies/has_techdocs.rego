# METADATA
# title: Has TechDocs
# description: >-
#   The entity publishes TechDocs: it has a backstage.io/techdocs-ref or
#   backstage.io/techdocs-entity annotation, and a local dir: reference points
#   at a directory that holds an mkdocs.yml.
# custom:
#   id: has-techdocs
#   severity: high
#   remediation: >-
#     Add the annotation backstage.io/techdocs-ref (usually "dir:.") and an
#     mkdocs.yml next to catalog-info.yaml, or point backstage.io/techdocs-entity
#     at the entity whose docs apply.
#   applies_to: [Component]
package yardstick.checks.has_techdocs

import rego.v1

default applicable := true

_ref_key := "backstage.io/techdocs-ref"

_entity_key := "backstage.io/techdocs-entity"

# A string that is not empty once surrounding whitespace is removed.
_non_empty(s) if {
	is_string(s)
	trim_space(s) != ""
}

# RFC 6901 escaping of one reference token.
_escape(token) := replace(replace(token, "~", "~0"), "/", "~1")

_annotation_pointer(key) := concat("/", ["/metadata/annotations", _escape(key)])

_has(key) if _non_empty(input.entity.metadata.annotations[key])

# yardstick found the entity in a local file, its techdocs-ref is a dir: ref
# and the directory has no mkdocs.yml.
_mkdocs_missing if {
	input.local.techdocs.dir_ref == true
	input.local.techdocs.mkdocs_found == false
}

_expected := e if {
	# `=`, not `:=`, when the value may be undefined: see docs/policy-contract.md.
	e = input.local.techdocs.expected
} else := "mkdocs.yml"

_missing_pointer := "/metadata/annotations" if {
	is_object(input.entity.metadata.annotations)
} else := "/metadata"

result := {
	"status": "fail",
	"message": sprintf("%s points to a directory without mkdocs.yml: expected %v", [_ref_key, _expected]),
	"pointer": _annotation_pointer(_ref_key),
} if {
	_mkdocs_missing
} else := {
	"status": "pass",
	"message": sprintf("%s is %s", [_ref_key, input.entity.metadata.annotations[_ref_key]]),
	"pointer": _annotation_pointer(_ref_key),
} if {
	_has(_ref_key)
} else := {
	"status": "pass",
	"message": sprintf("%s is %s", [_entity_key, input.entity.metadata.annotations[_entity_key]]),
	"pointer": _annotation_pointer(_entity_key),
} if {
	_has(_entity_key)
} else := {
	"status": "fail",
	"message": sprintf("neither %s nor %s annotation is set", [_ref_key, _entity_key]),
	"pointer": _missing_pointer,
}
