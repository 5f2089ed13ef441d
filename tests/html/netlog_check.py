#!/usr/bin/env python3
"""Lists the network requests a page made, from a Chromium net log (--log-net-log).

Usage: netlog_check.py NETLOG [--expect URL ...] [--server HOST:PORT]

Every URL request Chromium starts is logged as a URL_REQUEST_START_JOB event whose
parameters hold the URL, the initiator and the network isolation key. A request is
the page's when a document started it (its initiator is an origin, "null" for a
file:// page) or when it is isolated to the file:// page. Requests the browser makes
for itself (initiator "not an origin" and not isolated to the page: update checks,
account lookups) are listed but not counted; the caller also runs Chromium with
--host-resolver-rules="MAP * ~NOTFOUND" so that none of them can reach anything.
Traffic is counted whoever made it: every TCP connection attempt (TCP_CONNECT) and
every UDP socket that sent a datagram (UDP_BYTES_SENT; a bare UDP connect sends
nothing, and Chromium does one to probe IPv6 reachability).

With --server HOST:PORT (a page served over HTTP, such as the dashboard), connections to
that one address are the page's own loading and are not counted; the page's requests
must still be exactly the --expect URLs.

Exits 0 when the page's requests are exactly the --expect URLs (none when no
--expect is given) and no socket was connected; 1 otherwise; 2 when the log
cannot be read.
"""

import argparse
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        # A log cut short (Chromium killed) lacks its closing brackets.
        return json.loads(text.rstrip().rstrip(",") + "]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("netlog")
    ap.add_argument("--expect", action="append", default=[], help="a URL the page must request")
    ap.add_argument("--server", help="the HOST:PORT that served the page itself")
    args = ap.parse_args()
    try:
        log = load(args.netlog)
        names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
        events = log["events"]
    except (OSError, ValueError, KeyError) as e:
        print(f"netlog: cannot read {args.netlog}: {e}")
        return 2

    page, browser, sockets = [], [], []
    udp_address, udp_sent = {}, set()
    for event in events:
        name = names.get(event.get("type"))
        params = event.get("params") or {}
        if name == "URL_REQUEST_START_JOB" and "url" in params:
            initiator = params.get("initiator", "")
            isolation = params.get("network_isolation_key", "") + params.get("site_for_cookies", "")
            if initiator != "not an origin" or "file://" in isolation:
                page.append(params["url"])
            else:
                browser.append(params["url"])
        elif name == "TCP_CONNECT" and params.get("address") == args.server:
            continue
        elif name == "TCP_CONNECT" and params.get("address"):
            sockets.append(f"TCP connect to {params['address']}")
        elif name == "UDP_CONNECT" and params.get("address"):
            udp_address[event["source"]["id"]] = params["address"]
        elif name == "UDP_BYTES_SENT":
            udp_sent.add(event["source"]["id"])
    for source in sorted(udp_sent):
        sockets.append(f"UDP datagram to {udp_address.get(source, '(unknown)')}")

    print(f"netlog: {len(events)} events, {len(page)} page request(s), {len(sockets)} connection(s) or datagram(s)")
    for url in page:
        print(f"netlog:   page request: {url}")
    for s in sockets:
        print(f"netlog:   traffic: {s}")
    if browser:
        hosts = sorted({u.split("/")[2] if "//" in u else u for u in browser})
        print(f"netlog:   ignored {len(browser)} browser-internal request(s), never resolved: {', '.join(hosts)}")

    ok = sorted(set(page)) == sorted(set(args.expect)) and not sockets
    if not ok:
        want = ", ".join(args.expect) or "none"
        print(f"netlog: expected page requests: {want}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
