package diff.language

import rego.v1

# Comprehensions.
squares := [sq | some x in input.xs; is_number(x); sq := x * x]

string_set := {x | some x in input.xs; is_string(x)}

by_index := {i: x | some i, x in input.xs}

# `every`, `some … in`.
all_numbers if every x in input.xs {
	is_number(x)
}

any_big if {
	some x in input.xs
	x > 10
}

first_big_index := i if {
	some i, x in input.xs
	x > 10
	not _bigger_before(i)
}

_bigger_before(i) if {
	some j, y in input.xs
	j < i
	y > 10
}

# Partial rules.
kinds contains type_name(x) if some x in input.xs

counts[type_name(x)] := n if {
	some x in input.xs
	n := count([y | some y in input.xs; type_name(y) == type_name(x)])
}

# Functions with several bodies.
_describe(x) := "number" if is_number(x)

_describe(x) := "text" if is_string(x)

_describe(x) := "other" if {
	not is_number(x)
	not is_string(x)
}

described := [_describe(x) | some x in input.xs]

# `else` chains.
grade := "empty" if {
	count(input.xs) == 0
} else := "small" if {
	count(input.xs) < 3
} else := "large"

first_type := type_name(input.xs[0]) if {
	input.xs[0]
} else := "none"

# Undefined propagation.
missing_field := input.nothing.deeper

not_missing if not input.nothing.deeper

defaulted := object.get(input, ["nothing", "deeper"], "fallback")

sum_of_numbers := sum([x | some x in input.xs; is_number(x)])

# `with`.
mocked := value if {
	value := squares with input.xs as [1, 2, 3]
}

# Comparison and equality of mixed types.
sorted_values := sort(input.xs) if every x in input.xs {
	is_number(x)
}

unique := count({x | some x in input.xs}) == count(input.xs)
