package diff.sprintf

import rego.v1

one_decimal := sprintf("%.1f", [input.n])

two_decimals := sprintf("%.2f", [input.n])

default_format := sprintf("%v", [input.n])

as_decimal := sprintf("%d", [input.n])

general := sprintf("%g", [input.n])

exponent := sprintf("%e", [input.n])

widths := sprintf("%5s|%-5s|", [input.s, input.s])

padded := sprintf("%05d", [input.n])

quoted := sprintf("%q", [input.s])

value_of_input := sprintf("%v", [input])

percent := sprintf("%d%%", [input.n])

interpolated := sprintf("%s is %v", [input.s, input.n])
