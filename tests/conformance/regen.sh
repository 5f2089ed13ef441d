#!/usr/bin/env bash
# Regenerate verdicts.jsonl from the Backstage oracle.
#
# Usage: tests/conformance/regen.sh [ORACLE_DIR]
#   ORACLE_DIR defaults to ../../../shared/tools/backstage-oracle relative to this
#   script; it must contain validate.js with node_modules installed (`npm ci`).
#
# Runs `node validate.js --batch` over every corpus/**/*.yaml file, sorted bytewise,
# with paths relative to the corpus's folder, and writes one oracle JSON line per
# YAML document to verdicts.jsonl; the same for holdout/. `--batch` makes each file
# one location's batch, ingested all or nothing as the catalog backend does.
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

# regen DIR: verdicts for DIR/corpus/**/*.yaml into DIR/verdicts.jsonl.
regen() {
  local dir="$1"
  cd "$dir"
  local files
  mapfile -t files < <(find corpus -type f -name '*.yaml' | LC_ALL=C sort)
  if [[ ${#files[@]} -eq 0 ]]; then
    echo "regen.sh: no corpus files found in $dir" >&2
    exit 2
  fi
  tmp="$(mktemp "$dir/.verdicts.XXXXXX")"
  trap 'rm -f "$tmp"' EXIT
  set +e
  node "$oracle/validate.js" --batch "${files[@]}" >"$tmp"
  local rc=$?
  set -e
  # 0 = every document accepted, 1 = some document rejected (expected);
  # anything else (2 usage, 3 crash) is a real failure.
  if [[ $rc -ne 0 && $rc -ne 1 ]]; then
    echo "regen.sh: oracle failed with exit code $rc" >&2
    exit "$rc"
  fi
  mv "$tmp" "$dir/verdicts.jsonl"
  trap - EXIT
  local docs
  docs=$(wc -l <"$dir/verdicts.jsonl")
  echo "regen.sh: $dir: ${#files[@]} files, $docs verdict lines -> verdicts.jsonl"
}

regen "$here"
regen "$here/holdout"
