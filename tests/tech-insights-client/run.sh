#!/usr/bin/env bash
# Runs Backstage's own Tech Insights client against `yardstick serve`:
#   1. records the demo catalog's score (`yardstick score --record`) in a scratch store,
#   2. starts `yardstick serve` on a free port of 127.0.0.1,
#   3. runs check.mjs: the `TechInsightsClient` of
#      @backstage-community/plugin-tech-insights-common (pinned by package-lock.json) with
#      stub discovery and identity APIs; every answer must equal the score report,
#   4. stops the server with SIGTERM, which must end it cleanly.
# Needs node and npm; installs Debian's nodejs and npm when missing and we are root.
# YARDSTICK_BIN names the binary (default: target/debug/yardstick, built when missing).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/serve.sh
source "$repo/tests/lib/serve.sh"
bin=${YARDSTICK_BIN:-$repo/target/debug/yardstick}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "tech-insights-client: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ -z "${YARDSTICK_BIN:-}" ]; then
    (cd "$repo" && cargo build --quiet -p yardstick-cli --bin yardstick)
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

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

# Exit 1 is the demo's failed gate, not a failure to run.
set +e
"$bin" score "$repo/fixtures/demo" --facts "$repo/fixtures/demo/facts.json" \
    --format json --output "$work/score.json" \
    --record --db "sqlite:$work/history.db" --at 2026-01-01T02:00:00Z 2>"$work/score.log"
code=$?
set -e
if [ "$code" -gt 1 ]; then
    cat "$work/score.log" >&2
    exit 1
fi

start_serve "$bin" "sqlite:$work/history.db" "$work/serve.log" tech-insights-client

(cd "$here" && node check.mjs "http://$address/api/tech-insights" "$work/score.json")

kill -TERM "$server"
set +e
wait "$server"
code=$?
set -e
server=""
if [ "$code" -ne 0 ] || ! grep -q "yardstick: stopped" "$work/serve.log"; then
    echo "tech-insights-client: the server did not stop cleanly on SIGTERM (exit $code):" >&2
    cat "$work/serve.log" >&2
    exit 1
fi
echo "tech-insights-client: the server stopped cleanly on SIGTERM"
