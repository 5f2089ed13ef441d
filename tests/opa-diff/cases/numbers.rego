package diff.numbers

import rego.v1

sum_ab := input.a + input.b

difference := input.a - input.b

scaled := input.a * input.b

quotient := input.a / input.b

remainder := input.a % input.b

same := input.a == input.b

smaller := input.a < input.b

rounded := round(input.a)

ceiling := ceil(input.a)

floored := floor(input.a)

absolute := abs(input.a)

total := sum([input.a, input.b, 0.1])

product_of := product([input.a, input.b])

largest := max([input.a, input.b])

as_number := to_number(input.text)

# OPA keeps the text of to_number(".5") and cannot write it as JSON; arithmetic shows the value.
as_number_doubled := to_number(input.text) * 2

formatted_int := format_int(input.a, 16)

bits_and := bits.and(input.a, input.b)

range_count := count(numbers.range(0, input.b)) if input.b < 50

units_bytes := units.parse_bytes(input.text)

units_plain := units.parse(input.text)
