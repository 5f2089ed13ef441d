#!/bin/sh
# Seeds the lint_document corpus with every conformance YAML case.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out="$here/corpus/lint_document"
mkdir -p "$out"
n=0
for dir in "$root/tests/conformance/corpus" "$root/tests/conformance/holdout/corpus"; do
    [ -d "$dir" ] || continue
    # Flatten paths into unique file names: corpus/a/b.yaml -> corpus__a__b.yaml.
    find "$dir" -type f -name '*.yaml' | while read -r f; do
        rel=${f#"$root/tests/conformance/"}
        cp "$f" "$out/$(printf '%s' "$rel" | sed 's|/|__|g')"
    done
    n=$((n + $(find "$dir" -type f -name '*.yaml' | wc -l)))
done
echo "seeded $n files into $out"
