#!/usr/bin/env bash
# Output digests: proof that a refactoring changed no byte of yardstick's output.
#
#   bash tests/identical/run.sh                    # compare with tests/identical/digests.txt
#   bash tests/identical/run.sh --write            # record the digests of the current tree
#   bash tests/identical/run.sh --large [--write]  # the 100k catalog: digests-100k.txt
#
# Renders lint and score output in every format, on the demo catalog and on the generated
# 10k benchmark catalog (gen-catalog, seed 1), and the JSON, SARIF and human output of the
# 10k catalog again with 1, 2 and 4 threads (`--threads` and RAYON_NUM_THREADS); with
# --large, that last part on the 100k catalog instead. Each threaded score report is also
# written by `score --stream`, which must give the same bytes, messages and exit code. It compares their SHA-256 digests
# with the committed ones, recorded at the commit issue 18 started from (ef45b25). YARDSTICK_BIN and GEN_CATALOG_BIN may name prebuilt binaries; otherwise the
# release binaries are built. Exit 0: identical; 1: a digest differs; 2: could not run.
set -euo pipefail
# COLUMNS would wrap the human outputs (they are not written to a terminal here).
unset COLUMNS
cd "$(dirname "$0")/../.."
repo=$PWD
mode=check
size=default
for arg in "$@"; do
  case $arg in
    --write) mode=--write ;;
    --large) size=large ;;
    *) echo "usage: run.sh [--write] [--large]" >&2; exit 2 ;;
  esac
done
digests="$repo/tests/identical/digests.txt"
[ "$size" = large ] && digests="$repo/tests/identical/digests-100k.txt"

if [ -z "${YARDSTICK_BIN:-}" ] || [ -z "${GEN_CATALOG_BIN:-}" ]; then
  cargo build --quiet --release -p yardstick-cli -p yardstick-benches --bin yardstick --bin gen-catalog
  YARDSTICK_BIN=${YARDSTICK_BIN:-$repo/target/release/yardstick}
  GEN_CATALOG_BIN=${GEN_CATALOG_BIN:-$repo/target/release/gen-catalog}
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$size" = large ]; then
  "$GEN_CATALOG_BIN" "$work/bench100k" --seed 1 --entities 100000 >/dev/null
else
  "$GEN_CATALOG_BIN" "$work/bench10k" --seed 1 --entities 10000 >/dev/null
  cp -r fixtures/demo "$work/demo"
fi
out="$work/out"
mkdir -p "$out"

# Runs yardstick in $work so that every path in the output is relative and stable.
# Exit codes are part of the output: they are recorded beside the digests.
run() {
  local name=$1
  shift
  local code=0
  (cd "$work" && "$YARDSTICK_BIN" "$@" >"$out/$name" 2>"$out/$name.stderr") || code=$?
  echo "$code" >"$out/$name.exit"
}

# The machine-readable and human output of lint and score with a given number of threads.
run_threads() {
  local catalog=$1 threads=$2
  local facts=(--facts "$catalog/facts.json") name="$catalog.t$threads"
  export RAYON_NUM_THREADS=$threads
  run "$name.lint.human" lint "$catalog" --no-color
  run "$name.score.human" score "$catalog" "${facts[@]}" --threads "$threads" --no-color
  for format in json sarif; do
    run "$name.lint.$format" lint "$catalog" --format "$format"
    run "$name.score.$format" score "$catalog" "${facts[@]}" --threads "$threads" --format "$format"
  done
  for format in $STREAMED_FORMATS; do
    run "$name.score.$format.streamed" score "$catalog" "${facts[@]}" --threads "$threads" --format "$format" --stream
  done
  unset RAYON_NUM_THREADS
}

# `score --stream` writes what scoring the whole catalog writes: the same report, messages
# and exit code. Checked directly, then set aside, so the digests stay those of the whole runs.
STREAMED_FORMATS="json sarif"
check_streamed() {
  local streamed whole part
  for streamed in "$out"/*.streamed; do
    whole=${streamed%.streamed}
    for part in "" .stderr .exit; do
      if ! cmp -s "$streamed$part" "$whole$part"; then
        echo "score --stream differs from the whole run: $(basename "$streamed$part")" >&2
        diff <(head -c 2000 "$whole$part") <(head -c 2000 "$streamed$part") >&2 || true
        exit 1
      fi
    done
    rm "$streamed" "$streamed.stderr" "$streamed.exit"
    streamed_checked=$((streamed_checked + 1))
  done
}
streamed_checked=0

if [ "$size" = large ]; then
  for threads in 1 2 4; do run_threads bench100k "$threads"; done
else
  for catalog in demo bench10k; do
    facts=()
    [ -f "$work/$catalog/facts.json" ] && facts=(--facts "$catalog/facts.json")
    run "$catalog.lint.human" lint "$catalog" --no-color
    for format in json sarif markdown junit github html github-output; do
      run "$catalog.lint.$format" lint "$catalog" --format "$format"
    done
    run "$catalog.score.human" score "$catalog" "${facts[@]}" --no-color
    for format in json sarif markdown junit github html github-output; do
      run "$catalog.score.$format" score "$catalog" "${facts[@]}" --format "$format"
    done
  done

  for threads in 1 2 4; do run_threads bench10k "$threads"; done
  run rules.human rules
  run rules.json rules --format json
fi

check_streamed
(cd "$out" && find . -type f | LC_ALL=C sort | sed 's|^\./||' | xargs sha256sum) >"$work/digests.txt"
if [ "$mode" = "--write" ]; then
  cp "$work/digests.txt" "$digests"
  echo "wrote $(wc -l <"$digests") digests to ${digests#"$repo"/}"
  exit 0
fi
if diff -u "$digests" "$work/digests.txt"; then
  echo "identical: $(wc -l <"$digests") outputs match ${digests#"$repo"/}; $streamed_checked streamed reports equal theirs"
else
  echo "output differs from ${digests#"$repo"/} (diff above)" >&2
  exit 1
fi
