package diff.regex

import rego.v1

matches := regex.match(input.pattern, input.text)

valid := regex.is_valid(input.pattern)

found := regex.find_n(input.pattern, input.text, -1)

found_two := regex.find_n(input.pattern, input.text, 2)

submatches := regex.find_all_string_submatch_n(input.pattern, input.text, -1)

parts := regex.split(input.pattern, input.text)

replaced := regex.replace(input.text, input.pattern, "<$0>")

template := regex.template_match("urn:{[a-z]+}:x", input.text, "{", "}")
