# Sourced by .ci/run: starts a throwaway PostgreSQL server for the store tests and exports
# YARDSTICK_TEST_POSTGRES_URL (the tests fail, rather than skip, when it is unreachable).
# Installs Debian's postgresql when missing. PostgreSQL refuses to run as root, so as root
# the server runs as the `postgres` user. The server and its data are removed at exit.

yardstick_pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

yardstick_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$1"
  else
    sh -c "$1"
  fi
}

yardstick_pg_stop() {
  if [ -n "${YARDSTICK_PG_DATA:-}" ] && [ -d "$YARDSTICK_PG_DATA" ]; then
    yardstick_pg_as_owner "'$YARDSTICK_PG_BIN/pg_ctl' -D '$YARDSTICK_PG_DATA/data' -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$YARDSTICK_PG_DATA"
  fi
}

if [ -z "$(yardstick_pg_bin)" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi
YARDSTICK_PG_BIN=$(yardstick_pg_bin)
YARDSTICK_PG_DATA=$(mktemp -d "${TMPDIR:-/tmp}/yardstick-pg.XXXXXX")
trap yardstick_pg_stop EXIT
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$YARDSTICK_PG_DATA"
fi
# The first free port from 55432 up, so a developer's own server is left alone.
YARDSTICK_PG_PORT=55432
while (exec 3<>"/dev/tcp/127.0.0.1/$YARDSTICK_PG_PORT") 2>/dev/null; do
  YARDSTICK_PG_PORT=$((YARDSTICK_PG_PORT + 1))
done
yardstick_pg_as_owner "'$YARDSTICK_PG_BIN/initdb' -D '$YARDSTICK_PG_DATA/data' -U postgres --auth=trust -E UTF8 --no-sync" >/dev/null
yardstick_pg_as_owner "'$YARDSTICK_PG_BIN/pg_ctl' -D '$YARDSTICK_PG_DATA/data' -w -l '$YARDSTICK_PG_DATA/server.log' \
  -o \"-p $YARDSTICK_PG_PORT -k '$YARDSTICK_PG_DATA' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
export YARDSTICK_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$YARDSTICK_PG_PORT/postgres"
echo "PostgreSQL for the store tests: $YARDSTICK_TEST_POSTGRES_URL" >&2
