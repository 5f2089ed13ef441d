#!/usr/bin/env bash
# Regenerate verdicts.jsonl from the Backstage oracle.
#
# Usage: tests/conformance/regen.sh [ORACLE_DIR]
#   ORACLE_DIR defaults to ../../../shared/tools/backstage-oracle relative to this
#   script; it must contain validate.js with node_modules installed (`npm ci`).
#
# Runs `node validate.js` (default options) over every corpus/**/*.yaml file,
# sorted bytewise, with paths relative to tests/conformance, and writes one
# oracle JSON line per YAML document to verdicts.jsonl.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
oracle="${1:-$here/../../../shared/tools/backstage-oracle}"
oracle="$(cd "$oracle" && pwd)"

if [[ ! -f "$oracle/validate.js" ]]; then
  echo "regen.sh: no validate.js in $oracle" >&2
  exit 2
fi
if [[ ! -d "$oracle/node_modules/@backstage/catalog-model" ]]; then
  echo "regen.sh: run 'npm ci' in $oracle first" >&2
  exit 2
fi

cd "$here"
mapfile -t files < <(find corpus -type f -name '*.yaml' | LC_ALL=C sort)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "regen.sh: no corpus files found" >&2
  exit 2
fi

tmp="$(mktemp "$here/.verdicts.XXXXXX")"
trap 'rm -f "$tmp"' EXIT

set +e
node "$oracle/validate.js" "${files[@]}" >"$tmp"
rc=$?
set -e
# 0 = every document accepted, 1 = some document rejected (expected);
# anything else (2 usage, 3 crash) is a real failure.
if [[ $rc -ne 0 && $rc -ne 1 ]]; then
  echo "regen.sh: oracle failed with exit code $rc" >&2
  exit "$rc"
fi

mv "$tmp" "$here/verdicts.jsonl"
trap - EXIT
docs=$(wc -l <"$here/verdicts.jsonl")
echo "regen.sh: ${#files[@]} files, $docs verdict lines -> verdicts.jsonl"
