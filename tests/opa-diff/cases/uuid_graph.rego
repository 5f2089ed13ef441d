package diff.uuid_graph

import rego.v1

parsed := uuid.parse(input.uuid)

reachable := graph.reachable(input.graph, input.start)

reachable_paths := graph.reachable_paths(input.graph, input.start)

walked_paths := [path | walk(input.graph, [path, value]); is_array(value)]
