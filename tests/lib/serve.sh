# Sourced by the scripts that check `yardstick serve` from outside (bash).
#
# start_serve BIN DB LOG NAME: starts `BIN serve --db DB` on a free loopback port, its
# stderr to LOG, and waits until it says where it listens. Sets `server` (its pid) and
# `address` (HOST:PORT); on failure prints the log under NAME and exits 1.
start_serve() {
    local bin=$1 db=$2 log=$3 name=$4
    "$bin" serve --db "$db" --listen 127.0.0.1:0 2>"$log" &
    server=$!
    address=""
    for _ in $(seq 1 300); do
        address=$(sed -n 's|.* on http://\([0-9.:]*\) .*|\1|p' "$log" | head -n 1)
        [ -n "$address" ] && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$address" ]; then
        echo "$name: the server did not start:" >&2
        cat "$log" >&2
        exit 1
    fi
}
