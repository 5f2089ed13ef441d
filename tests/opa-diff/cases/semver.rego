package diff.semver

import rego.v1

valid_a := semver.is_valid(input.a)

valid_b := semver.is_valid(input.b)

compare := semver.compare(input.a, input.b)

at_least := semver.compare(input.a, input.b) >= 0
