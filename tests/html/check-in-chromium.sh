#!/usr/bin/env bash
# Renders the demo HTML scorecard and the demo lint page in headless Chromium and checks that
#   1. each screenshot is a real rendering (right size, many colours, not blank), and
#   2. neither page made any network request at all (from Chromium's net log),
# with negative controls proving each check can fail:
#   - a page with <img src="http://127.0.0.1:9/x.png"> must be caught by the net-log check
#     (port 9 is one Chromium refuses to connect to, so even the control sends nothing);
#   - the same <img> under the scorecard's Content-Security-Policy must make no request;
#   - an empty page must fail the blank-screenshot check.
#
# Usage: tests/html/check-in-chromium.sh [--page FILE.html] [--lint-page FILE.html]
#                                         [--save-screenshot OUT.png]
#   --page             check this scorecard instead of building the demo page
#   --lint-page        check this lint page too (without --page: the demo lint page is built)
#   --save-screenshot  copy the demo screenshot here (docs/img/scorecard.png)
# Needs cargo (unless --page), python3 and chromium; installs Debian's chromium when
# it is missing and we are root. Exits non-zero on any failure.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$repo/tests/html"
page=""
lint_page=""
save=""
while [ $# -gt 0 ]; do
    case "$1" in
        --page) page=$(realpath "$2"); shift 2 ;;
        --lint-page) lint_page=$(realpath "$2"); shift 2 ;;
        --save-screenshot) save=$2; shift 2 ;;
        *) echo "usage: $0 [--page FILE.html] [--lint-page FILE.html] [--save-screenshot OUT.png]" >&2; exit 2 ;;
    esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/html/chromium.sh
. "$here/chromium.sh"
need_chromium

if [ -z "$page" ]; then
    page="$work/yardstick-demo.html"
    lint_page="$work/yardstick-lint.html"
    echo "html-check: building the demo pages (cargo test -p yardstick --test report_html)"
    if ! (cd "$repo" && YARDSTICK_DEMO_HTML="$page" YARDSTICK_LINT_HTML="$lint_page" \
        cargo test -q -p yardstick --test report_html -- --exact \
        demo_page_is_self_contained_complete_and_stable \
        lint_page_groups_findings_by_file_and_stays_self_contained); then
        echo "html-check: FAIL - building the demo pages (their tests failed)"
        echo "html-check: 0 passed, 1 failed"
        exit 1
    fi
fi
[ -s "$page" ] || { echo "html-check: no page at $page" >&2; exit 1; }
[ -z "$lint_page" ] || [ -s "$lint_page" ] || { echo "html-check: no lint page at $lint_page" >&2; exit 1; }

# render HTML PNG NETLOG WIDTH,HEIGHT: a file rendered by chromium.sh's render_url.
render() { render_url "file://$1" "$2" "$3" "$4"; }

# 1. The demo page.
render "$page" "$work/demo.png" "$work/demo-netlog.json" 1400,2000
size=$(stat -c %s "$work/demo.png" 2>/dev/null || echo 0)
if [ "$size" -gt 50000 ]; then ok "screenshot written ($size bytes)"; else bad "screenshot missing or tiny ($size bytes)"; fi
if python3 "$here/png_check.py" "$work/demo.png" --width 1400 --height 2000 --min-colours 64 --min-ink 0.2; then
    ok "screenshot is a real rendering, not a blank page"
else
    bad "screenshot looks blank"
fi
if python3 "$here/netlog_check.py" "$work/demo-netlog.json"; then
    ok "the scorecard made no network request"
else
    bad "the scorecard made network requests"
fi

# 1b. The lint page: the same checks (it has fewer colours than the scorecard's charts).
if [ -n "$lint_page" ]; then
    render "$lint_page" "$work/lint.png" "$work/lint-netlog.json" 1400,1400
    if python3 "$here/png_check.py" "$work/lint.png" --width 1400 --height 1400 --min-colours 32 --min-ink 0.1; then
        ok "lint page screenshot is a real rendering, not a blank page"
    else
        bad "lint page screenshot looks blank"
    fi
    if python3 "$here/netlog_check.py" "$work/lint-netlog.json"; then
        ok "the lint page made no network request"
    else
        bad "the lint page made network requests"
    fi
    if grep -qF "$(grep -o '<meta http-equiv="Content-Security-Policy"[^>]*>' "$page" | head -1)" "$lint_page"; then
        ok "the lint page has the scorecard's Content-Security-Policy"
    else
        bad "the lint page's Content-Security-Policy differs from the scorecard's"
    fi
fi

# 2. Negative control: a page that loads an image over HTTP must be caught.
control='<!DOCTYPE html><html><head><meta charset="utf-8"><title>control</title></head><body><p>control</p><img src="http://127.0.0.1:9/x.png" alt=""></body></html>'
echo "$control" >"$work/control.html"
render "$work/control.html" "$work/control.png" "$work/control-netlog.json" 400,300
if python3 "$here/netlog_check.py" "$work/control-netlog.json" >"$work/control.out"; then
    cat "$work/control.out"
    bad "negative control: the net-log check missed an <img src=http://...>"
elif python3 "$here/netlog_check.py" "$work/control-netlog.json" --expect http://127.0.0.1:9/x.png >/dev/null; then
    ok "negative control: the net-log check catches an <img src=http://...> request"
else
    cat "$work/control.out"
    bad "negative control: unexpected requests"
fi

# 3. The same image under the scorecard's Content-Security-Policy is never requested.
csp=$(grep -o '<meta http-equiv="Content-Security-Policy"[^>]*>' "$page" | head -1 || true)
if [ -z "$csp" ]; then
    bad "the page has no Content-Security-Policy meta tag"
else
    echo "${control/<title>/$csp<title>}" >"$work/csp.html"
    render "$work/csp.html" "$work/csp.png" "$work/csp-netlog.json" 400,300
    if python3 "$here/netlog_check.py" "$work/csp-netlog.json" >"$work/csp.out"; then
        ok "the page's Content-Security-Policy blocks the same <img>"
    else
        cat "$work/csp.out"
        bad "the Content-Security-Policy let an external load through"
    fi
fi

# 4. The sortable tables work under the page's own CSP: click the owners' Score header twice
#    (descending) and read the column back from the DOM.
probe='<script>(function(){var t=document.querySelector("#owners table.sortable");if(!t){document.body.setAttribute("data-probe","no-table");return;}
var th=Array.prototype.filter.call(t.tHead.rows[0].cells,function(c){return c.textContent.trim()==="Score";})[0];
var col=th.cellIndex;th.querySelector("button").click();th.querySelector("button").click();
var v=Array.prototype.map.call(t.tBodies[0].rows,function(r){return r.cells[col].getAttribute("data-sort");});
var nums=v.filter(function(x){return x!=="";}).map(Number),ok=th.getAttribute("aria-sort")==="descending"&&v.length>0;
for(var i=1;i<nums.length;i++){if(nums[i]>nums[i-1]){ok=false;}}
if(v.indexOf("")>=0&&v.slice(v.indexOf("")).some(function(x){return x!=="";})){ok=false;}
document.body.setAttribute("data-probe",ok?"sorted-ok":"sorted-bad:"+v.join(","));})();</script>'
if [ -n "$csp" ]; then
    sed "s#</body>#$(printf '%s' "$probe" | tr -d '\n' | sed 's/[#&\\]/\\&/g')</body>#" "$page" >"$work/probe.html"
    profile=$(mktemp -d "$work/profile.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$profile" \
        --virtual-time-budget=3000 --dump-dom "file://$work/probe.html" >"$work/probe.dom" 2>"$work/chromium.log" || true
    result=$(grep -o 'data-probe="[^"]*"' "$work/probe.dom" | head -1 || true)
    if [ "$result" = 'data-probe="sorted-ok"' ]; then
        ok "clicking a header sorts the owners table (inline script runs under the CSP)"
    else
        bad "sorting the owners table: ${result:-no result (script did not run)}"
    fi
fi

# 5. Negative control: an empty page must fail the blank-screenshot check.
echo '<!DOCTYPE html><html><body></body></html>' >"$work/blank.html"
render "$work/blank.html" "$work/blank.png" "$work/blank-netlog.json" 400,300
if python3 "$here/png_check.py" "$work/blank.png" >/dev/null; then
    bad "negative control: the blank-screenshot check passed an empty page"
else
    ok "negative control: the blank-screenshot check rejects an empty page"
fi

if [ -n "$save" ]; then
    mkdir -p "$(dirname "$save")"
    cp "$work/demo.png" "$save"
    echo "html-check: screenshot saved to $save"
fi
echo "html-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
