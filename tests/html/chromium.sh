# Shared by the Chromium checks (sourced, not run): counting results, installing Chromium,
# and one headless render with a net log. The caller sets $work (a scratch directory).

passed=0
failed=0
ok() { echo "html-check: ok   - $*"; passed=$((passed + 1)); }
bad() { echo "html-check: FAIL - $*"; failed=$((failed + 1)); }

# Installs Debian's chromium when it is missing and we are root; fails otherwise.
need_chromium() {
    if ! command -v chromium >/dev/null 2>&1; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "html-check: chromium is not installed and we are not root to install it" >&2
            exit 1
        fi
        echo "html-check: installing chromium from Debian's packages"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    echo "html-check: $(chromium --version 2>/dev/null | head -1)"
}

# render_url URL PNG NETLOG WIDTH,HEIGHT [HOST]: one headless Chromium run with a fresh
# profile. --host-resolver-rules makes every host name fail to resolve inside Chromium (but
# HOST, the server of an http:// page), so nothing the browser or the page might try can
# leave the machine; the net log still records every request that was attempted, which is
# what the checks read.
render_url() {
    local profile rules="MAP * ~NOTFOUND"
    [ -z "${5:-}" ] || rules="$rules, EXCLUDE $5"
    profile=$(mktemp -d "$work/profile.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-features=NetworkTimeServiceQuerying --host-resolver-rules="$rules" \
        --hide-scrollbars --virtual-time-budget=3000 \
        --user-data-dir="$profile" --log-net-log="$3" --window-size="$4" --screenshot="$2" \
        "$1" >"$work/chromium.log" 2>&1 || {
        echo "html-check: chromium failed on $1:" >&2
        grep -v dbus "$work/chromium.log" | tail -20 >&2
        return 1
    }
}
