package diff.shadowing

import rego.v1

# A local named like a rule of the package: OPA binds the local; regorus 0.14.1 refused
# the module ("var `name` used before definition below"); vendor/regorus/PATCHES.md 4 fixes it.
name := "rule"

shadowed := [name | some name in input.xs]

rule_value := name
