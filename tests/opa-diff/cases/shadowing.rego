package diff.shadowing

import rego.v1

# A local named like a rule of the package: OPA binds the local; regorus 0.14.1 refuses
# the module ("var `name` used before definition below"), so every cell of this file errs.
name := "rule"

shadowed := [name | some name in input.xs]

rule_value := name
