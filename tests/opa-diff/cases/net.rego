package diff.net

import rego.v1

contains_it := net.cidr_contains(input.cidr, input.x)

valid_cidr := net.cidr_is_valid(input.cidr)

valid_x := net.cidr_is_valid(input.x)

expanded_count := count(net.cidr_expand(input.x)) if {
	net.cidr_is_valid(input.x)
	endswith(input.x, "/30")
}
