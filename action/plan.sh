#!/usr/bin/env bash
# Decides how yardstick is installed. Outputs: mode (bin, release or source) and lock-hash (the
# SHA-256 of the action's Cargo.lock, for the cache key of a source build).
set -euo pipefail
# shellcheck source=action/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

version=${INPUT_VERSION:-}
if [ -n "${YARDSTICK_BIN:-}" ]; then
  mode=bin
elif [ -z "$version" ] || [ "$version" = source ]; then
  mode=source
else
  mode=release
fi

lock_hash=""
if [ "$mode" = source ]; then
  lock="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/Cargo.lock"
  [ -f "$lock" ] || ys_die "version is empty (build from source), but $lock does not exist"
  lock_hash=$(ys_sha256 "$lock")
fi

echo "yardstick install mode: $mode"
ys_output mode "$mode"
ys_output lock-hash "$lock_hash"
