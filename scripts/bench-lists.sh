#!/usr/bin/env bash
# The list benchmarks of issue 16 on the release build: seeds N messages
# (`serve --demo --demo-bulk N`, default 100,000), then loads each endpoint with wrk on
# loopback (8 connections, 4 threads, 20 s, RUNS times) and prints requests/s and p99:
#   - the API list's first page (active, 25)          GET /api/v1/messages?active=true&limit=25
#   - the search                                      GET /api/v1/messages?q=дорог&limit=25
#   - the overdue filter                              GET /api/v1/messages?overdue=true&limit=25
#   - the coordinator's dashboard page                GET /
#   - intake (new messages, as the authority)         POST /api/v1/messages
# then 50 open dashboards (SSE streams, each re-reading its page on every event) with one
# action per second for 60 s, and the server's CPU over that minute.
#
#   scripts/bench-lists.sh                 N=100000, RUNS=3
#   N=10000 RUNS=5 scripts/bench-lists.sh
#   BENCH_SKIP_BUILD=1 ...                 use the release build in target/site-release
#   BENCH_DATABASE_URL=postgres://...      run against PostgreSQL (see README);
#   BENCH_PG=1                             ... on a throwaway cluster (scripts/pg.sh; set
#                                          PG_FSYNC=on for durable commits as in production)
#   BENCH_SECOND_INSTANCE=1                with PostgreSQL: a second `otklik serve` on the
#                                          same database; wrk and the open dashboards are
#                                          split over both, actions go through the first
#   DURATION=20s                           each wrk run's length
#   ADMINISTRATIONS=20                     a region: the messages spread over 20
#                                          administrations (about 100 users); adds the
#                                          authority's cross-region list and the board
#
# Not part of the test command: it needs a quiet machine and several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

N="${N:-100000}"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-20s}"
if [ -n "${BENCH_PG:-}" ]; then
  source scripts/pg.sh
  pg_start
  BENCH_DATABASE_URL="${OTKLIK_TEST_DATABASE_URL%/*}/otklik_bench"
  psql "$OTKLIK_TEST_DATABASE_URL" -qc "CREATE DATABASE otklik_bench"
fi
PORT="${BENCH_PORT:-3960}"
SITE=target/site-release
OUT=target/bench-lists
BASE="http://127.0.0.1:$PORT"
log() { printf '\033[1;34m[bench]\033[0m %s\n' "$*"; }
mkdir -p "$OUT"

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  log "release build"
  LEPTOS_SITE_ROOT="$SITE" cargo leptos build --release --precompress --split
fi

DATA="$(mktemp -d)"
SERVER_PID=""
PIDS=()
SECOND_PID=""
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$SECOND_PID" ]; then kill "$SECOND_PID" 2>/dev/null || true; fi
  sleep 1
  if [ -n "${BENCH_PG:-}" ]; then pg_stop; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

DB_ARGS=()
if [ -n "${BENCH_DATABASE_URL:-}" ]; then DB_ARGS=(--database-url "$BENCH_DATABASE_URL"); fi

ADMINISTRATIONS="${ADMINISTRATIONS:-1}"
log "seeding $N messages over $ADMINISTRATIONS administration(s) (Monday 10:00 Moscow)"
LEPTOS_SITE_ROOT="$SITE" target/release/otklik serve --demo --demo-bulk "$N" \
  --demo-administrations "$ADMINISTRATIONS" \
  --clock-start 2026-03-16T10:00:00+03:00 --addr "127.0.0.1:$PORT" --data-dir "$DATA" \
  "${DB_ARGS[@]}" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
until curl -fs "$BASE/login" >/dev/null 2>&1; do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
  sleep 1
done
grep -a "more demo messages seeded" "$OUT/server.log" || true
BASES=("$BASE")
if [ -n "${BENCH_SECOND_INSTANCE:-}" ]; then
  BASE2="http://127.0.0.1:$((PORT + 1))"
  LEPTOS_SITE_ROOT="$SITE" target/release/otklik serve --clock-start 2026-03-16T10:00:00+03:00 \
    --addr "127.0.0.1:$((PORT + 1))" --data-dir "$DATA" "${DB_ARGS[@]}" >"$OUT/server2.log" 2>&1 &
  SECOND_PID=$!
  until curl -fs "$BASE2/login" >/dev/null 2>&1; do
    kill -0 "$SECOND_PID" 2>/dev/null || { cat "$OUT/server2.log"; exit 1; }
    sleep 1
  done
  BASES+=("$BASE2")
  log "second instance on $BASE2"
fi
if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  log "database size: $(du -b "$DATA/otklik.db" | cut -f1) bytes ($(du -h "$DATA/otklik.db" | cut -f1)), WAL $(du -h "$DATA/otklik.db-wal" 2>/dev/null | cut -f1)"
fi

TOKEN="$(target/release/otklik --data-dir "$DATA" "${DB_ARGS[@]}" token add --name bench --role coordinator --administration main | tail -1)"
JAR="$DATA/cookies"
curl -fs -c "$JAR" -X POST -H 'Accept: application/json' -H "Origin: $BASE" \
  -d 'login=coordinator&password=demo' "$BASE/serverfn/login" >/dev/null
SID="$(awk '$6 == "otklik_session" {print $7}' "$JAR")"

# wrk's latency report: requests/s and the 99th percentile.
# With two instances, two wrk processes (4 connections each), one per instance; the
# figures are their sum and the worse p99.
measure() {
  local name="$1" path="$2"; shift 2
  local conns=$((8 / ${#BASES[@]})) threads
  threads=$((conns > 4 ? 4 : conns))
  for run in $(seq 1 "$RUNS"); do
    local outs=() wrks=() i=0
    for b in "${BASES[@]}"; do
      RUN_ID="$run-$i-$RANDOM" wrk -t"$threads" -c"$conns" -d"$DURATION" --latency "$@" "$b$path" >"$OUT/wrk.$i" &
      wrks+=($!); outs+=("$OUT/wrk.$i"); i=$((i + 1))
    done
    wait "${wrks[@]}"
    local rps p99
    rps="$(awk '/Requests\/sec/ {s += $2} END {printf "%.1f", s}' "${outs[@]}")"
    p99="$(awk '$1 == "99%" {print $2}' "${outs[@]}" | sort -h | tail -1)"
    printf '%-28s run %s: %10s req/s  p99 %s\n' "$name" "$run" "$rps" "$p99" | tee -a "$OUT/results.txt"
  done
}

: >"$OUT/results.txt"
AUTH=(-H "Authorization: Bearer $TOKEN")
measure "api list, first page" "/api/v1/messages?active=true&limit=25" "${AUTH[@]}"
measure "api search q=дорог" "/api/v1/messages?q=%D0%B4%D0%BE%D1%80%D0%BE%D0%B3&limit=25" "${AUTH[@]}"
measure "api overdue filter" "/api/v1/messages?overdue=true&limit=25" "${AUTH[@]}"
measure "dashboard page (GET /)" "/" -H "Cookie: otklik_session=$SID"
if [ "$ADMINISTRATIONS" -gt 1 ]; then
  REGION=(-H "Authorization: Bearer $(target/release/otklik --data-dir "$DATA" "${DB_ARGS[@]}" token add --name bench-region --role authority | tail -1)")
  measure "region list, first page" "/api/v1/messages?active=true&limit=25" "${REGION[@]}"
  measure "region board" "/api/v1/board" "${REGION[@]}"
fi
# Intake: wrk POSTs new messages as the authority (scripts/bench/intake.lua), each a write
# transaction on top of the N seeded messages.
ADMINISTRATION="$([ "$ADMINISTRATIONS" -gt 1 ] && echo main || true)" \
TOKEN="$(target/release/otklik --data-dir "$DATA" "${DB_ARGS[@]}" token add --name bench-intake --role authority | tail -1)" \
  measure "api intake (POST)" "/api/v1/messages" -s scripts/bench/intake.lua

log "50 open dashboards (split over ${#BASES[@]} instance(s)), one action per second, 60 s"
: >"$OUT/arrivals"
for i in $(seq 1 50); do
  b="${BASES[$((i % ${#BASES[@]}))]}"
  (
    curl -sN -H "Cookie: otklik_session=$SID" "$b/api/v1/events" | while read -r line; do
      case "$line" in
        "event: journal"*)
          echo "$b $(date +%s.%N)" >>"$OUT/arrivals"
          curl -s -o /dev/null -X POST -H 'Accept: application/json' -H "Origin: $b" \
            -H "Cookie: otklik_session=$SID" \
            -d 'filter[active]=true&filter[limit]=25' "$b/serverfn/message_rows" ;;
      esac
    done
  ) &
  PIDS+=($!)
done
sleep 3
ticks() {
  local t=0 p
  for p in "$SERVER_PID" $SECOND_PID; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$t"
}
hz="$(getconf CLK_TCK)"
before="$(ticks)"
for i in $(seq 1 60); do
  curl -fs -o /dev/null "${AUTH[@]}" -H 'Content-Type: application/json' \
    -d "{$([ "$ADMINISTRATIONS" -gt 1 ] && echo '"administration":"main",')\"external_id\":\"bench-live-$i-$RANDOM\",\"network\":\"vk\",\"url\":\"https://vk.com/wall-1_$i\",\"author\":\"Нагрузка\",\"text\":\"Событие $i\",\"detected_at\":\"2026-03-16T09:00:00+03:00\"}" \
    "$BASE/api/v1/messages" || true
  sleep 1
done
after="$(ticks)"
cpu="$(awk -v a="$before" -v b="$after" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz / 60}')"
printf '%-28s %s cores (mean over 60 s, all instances)\n' "50 dashboards, 1 action/s" "$cpu" | tee -a "$OUT/results.txt"
if [ "${#BASES[@]}" -gt 1 ]; then
  for b in "${BASES[@]}"; do
    printf '%-28s %s journal events received on %s\n' "fan-out" "$(grep -c "^$b " "$OUT/arrivals")" "$b" | tee -a "$OUT/results.txt"
  done
fi
log "results in $OUT/results.txt"
