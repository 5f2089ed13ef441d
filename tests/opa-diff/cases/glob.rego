package diff.glob

import rego.v1

default_delimiters := glob.match(input.pattern, [], input.text)

dots := glob.match(input.pattern, ["."], input.text)

slashes := glob.match(input.pattern, ["/"], input.text)

no_delimiters := glob.match(input.pattern, null, input.text)

quoted := glob.quote_meta(input.pattern)

quoted_matches_itself := glob.match(glob.quote_meta(input.text), [], input.text)
