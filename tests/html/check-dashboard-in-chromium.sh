#!/usr/bin/env bash
# Renders `yardstick serve`'s dashboard in headless Chromium and checks that
#   1. the scorecard page (`/`, with trend charts over 3 recorded runs) and an entity page
#      are real renderings (right size, many colours, not blank),
#   2. neither page requested anything but itself (from Chromium's net log), and both were
#      answered with the dashboard's Content-Security-Policy header,
#   3. the committed screenshot docs/img/dashboard.png is a real rendering too,
# with a negative control: a page loading <img src="http://127.0.0.1:9/x.png"> is still
# caught when the net-log check allows the server's own address.
#
# The history: the demo catalog recorded three times a day apart (without facts, a copy
# with two owners removed, then as it is with facts), so that the trends move.
#
# Usage: tests/html/check-dashboard-in-chromium.sh [--save-screenshot OUT.png]
#   --save-screenshot  copy the scorecard page's screenshot here (docs/img/dashboard.png)
# YARDSTICK_BIN names the binary (default: target/debug/yardstick, built when missing).
# Needs python3 and chromium (installed from Debian's packages when missing and we are
# root). Exits non-zero on any failure.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$repo/tests/html"
bin=${YARDSTICK_BIN:-$repo/target/debug/yardstick}
save=""
while [ $# -gt 0 ]; do
    case "$1" in
        --save-screenshot) save=$2; shift 2 ;;
        *) echo "usage: $0 [--save-screenshot OUT.png]" >&2; exit 2 ;;
    esac
done

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=tests/lib/serve.sh
source "$repo/tests/lib/serve.sh"
# shellcheck source=tests/html/chromium.sh
. "$here/chromium.sh"
need_chromium
if [ -z "${YARDSTICK_BIN:-}" ]; then
    (cd "$repo" && cargo build --quiet -p yardstick-cli --bin yardstick)
fi

# record AT PATH [ARGS...]: one recorded run (exit 1 is the demo's failed gate).
record() {
    local at=$1 path=$2
    shift 2
    set +e
    "$bin" score "$path" "$@" --format json --output "$work/score.json" \
        --record --db "sqlite:$work/history.db" --at "$at" 2>"$work/score.log"
    local code=$?
    set -e
    if [ "$code" -gt 1 ]; then
        echo "html-check: recording $path at $at failed (exit $code):" >&2
        cat "$work/score.log" >&2
        exit 1
    fi
}
cp -r "$repo/fixtures/demo" "$work/demo"
changed=0
for file in $(find "$work/demo/repos" -name catalog-info.yaml | sort); do
    if [ "$changed" -lt 2 ] && grep -q '^  owner:' "$file"; then
        sed -i '0,/^  owner:/{/^  owner:/d}' "$file"
        changed=$((changed + 1))
    fi
done
record 2026-01-01T02:00:00Z "$repo/fixtures/demo"
record 2026-01-02T02:00:00Z "$work/demo" --facts "$work/demo/facts.json"
record 2026-01-03T02:00:00Z "$repo/fixtures/demo" --facts "$repo/fixtures/demo/facts.json"

start_serve "$bin" "sqlite:$work/history.db" "$work/serve.log" html-check
echo "html-check: yardstick serve on http://$address"

# fetch PATH OUT: the page's body to OUT; prints its Content-Security-Policy header.
fetch() {
    python3 - "http://$address$1" "$2" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=30) as response:
    open(sys.argv[2], "wb").write(response.read())
    print(response.headers.get("Content-Security-Policy", ""))
PY
}

# check_page PATH NAME WIDTH,HEIGHT MIN_COLOURS MIN_INK: one page, all checks.
check_page() {
    local path=$1 name=$2 size=$3 csp
    csp=$(fetch "$path" "$work/$name.html")
    case "$csp" in
        "default-src 'none';"*"form-action 'self'"*) ok "$name: answered with the dashboard's Content-Security-Policy" ;;
        *) bad "$name: Content-Security-Policy header is ${csp:-missing}" ;;
    esac
    render_url "http://$address$path" "$work/$name.png" "$work/$name-netlog.json" "$size" 127.0.0.1
    if python3 "$here/png_check.py" "$work/$name.png" --width "${size%,*}" --height "${size#*,}" \
        --min-colours "$4" --min-ink "$5"; then
        ok "$name: screenshot is a real rendering, not a blank page"
    else
        bad "$name: screenshot looks blank"
    fi
    if python3 "$here/netlog_check.py" "$work/$name-netlog.json" --server "$address"; then
        ok "$name: the page requested nothing but itself"
    else
        bad "$name: the page made network requests"
    fi
}

check_page / scorecard 1400,2000 64 0.2
if grep -q '<svg class="trend"' "$work/scorecard.html" && [ "$(grep -o '<svg class="spark"' "$work/scorecard.html" | wc -l)" -ge 2 ]; then
    ok "scorecard: the organisation's trend chart and the owners' and systems' sparklines are there"
else
    bad "scorecard: trend charts missing"
fi
if [ "$(grep -o '<circle class="dot"' "$work/scorecard.html" | wc -l)" -ge 3 ]; then
    ok "scorecard: the organisation's trend has a point per recorded run"
else
    bad "scorecard: fewer than 3 points on the trend"
fi
entity=$(grep -o 'href="/entity/[^"]*"' "$work/scorecard.html" | head -n 1 | sed 's/^href="//; s/"$//')
if [ -z "$entity" ]; then
    bad "scorecard: no link to an entity page"
else
    check_page "$entity" entity 1400,1400 32 0.1
    if grep -q '<table class="history">' "$work/entity.html" && grep -q '>#3</th>' "$work/entity.html"; then
        ok "entity: its checks over the 3 runs are there"
    else
        bad "entity: no check history over the runs"
    fi
fi

# Negative control: allowing the server's address must not let another request through.
echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>control</title></head><body><p>control</p><img src="http://127.0.0.1:9/x.png" alt=""></body></html>' >"$work/control.html"
render_url "file://$work/control.html" "$work/control.png" "$work/control-netlog.json" 400,300 127.0.0.1
if python3 "$here/netlog_check.py" "$work/control-netlog.json" --server "$address" >"$work/control.out"; then
    cat "$work/control.out"
    bad "negative control: the net-log check with --server missed an <img src=http://...>"
else
    ok "negative control: the net-log check with --server still catches an <img src=http://...>"
fi

kill -TERM "$server"
wait "$server" 2>/dev/null || true
server=""

if [ -n "$save" ]; then
    mkdir -p "$(dirname "$save")"
    cp "$work/scorecard.png" "$save"
    echo "html-check: screenshot saved to $save"
fi
# The committed screenshot is a real rendering too (it is re-made with --save-screenshot).
if python3 "$here/png_check.py" "$repo/docs/img/dashboard.png" --width 1400 --height 2000 \
    --min-colours 64 --min-ink 0.2; then
    ok "docs/img/dashboard.png is a real rendering of the dashboard"
else
    bad "docs/img/dashboard.png is missing or blank (re-make it with --save-screenshot)"
fi
echo "html-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
