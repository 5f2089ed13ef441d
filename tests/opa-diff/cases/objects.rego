package diff.objects

import rego.v1

patched := json.patch(input.doc, input.patch)

filtered := json.filter(input.doc, ["a", "b/c"])

removed := json.remove(input.doc, ["a"])

object_filtered := object.filter(input.doc, ["a", "x"])

object_removed := object.remove(input.doc, {"a"})

unioned := object.union(input.doc, {"a": {"z": 1}})

union_n := object.union_n([input.doc, {"x": 1}, {"x": 2}])

got := object.get(input.doc, ["b", "c"], "default")

subset := object.subset(input.doc, {"a": 1})

keys := object.keys(input.doc)

schema_match := json.match_schema(input.doc, {"type": "object", "required": ["a"]})
