package diff.strings

import rego.v1

upper_case := upper(input.s)

lower_case := lower(input.s)

length := count(input.s)

reversed := strings.reverse(input.s)

first_three := substring(input.s, 0, 3)

index_of_s := indexof(input.s, "s")

trimmed := trim_space(input.s)

trimmed_chars := trim(input.s, "S!")

split_on_space := split(input.s, " ")

replaced := replace(input.s, "s", "ſ")

starts := startswith(input.s, "S")

counted := strings.count(input.s, "s")

joined := concat("|", [input.s, input.s])

sorted_chars := sort(split(input.s, ""))

type := type_name(input.s)
