#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks: initdb into a temporary
# directory as the `postgres` user, started on a free loopback port with fsync off (the
# data is thrown away), stopped by `pg_stop` (the test script calls it on exit, also on
# failure). Sourced: `source scripts/pg.sh; pg_start` sets OTKLIK_TEST_DATABASE_URL.
#
# Needs Debian's postgresql (scripts/setup.sh installs it when missing) and root (the
# cluster runs as the `postgres` user).

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] || { echo "PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; return 1; }
  echo "$dir"
}

pg_start() {
  local bin port
  bin="$(pg_bin)" || return 1
  PG_DIR="$(mktemp -d /tmp/otklik-pg.XXXXXX)"
  chown postgres:postgres "$PG_DIR"
  chmod 700 "$PG_DIR"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c synchronous_commit=${PG_FSYNC:-off} -c full_page_writes=${PG_FSYNC:-off} -c max_connections=400" \
    start >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
  export PG_DIR
  export OTKLIK_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL on port $port ($PG_DIR)"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  local bin
  bin="$(pg_bin)" || return 0
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  unset PG_DIR OTKLIK_TEST_DATABASE_URL
}
