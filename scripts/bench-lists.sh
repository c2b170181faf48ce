#!/usr/bin/env bash
# The list benchmarks of issue 16 on the release build: seeds N messages
# (`serve --demo --demo-bulk N`, default 100,000), then loads each endpoint with wrk on
# loopback (8 connections, 4 threads, 20 s, RUNS times) and prints requests/s and p99:
#   - the API list's first page (active, 25)          GET /api/v1/messages?active=true&limit=25
#   - the search                                      GET /api/v1/messages?q=дорог&limit=25
#   - the overdue filter                              GET /api/v1/messages?overdue=true&limit=25
#   - the coordinator's dashboard page                GET /
# then 50 open dashboards (SSE streams, each re-reading its page on every event) with one
# action per second for 60 s, and the server's CPU over that minute.
#
#   scripts/bench-lists.sh                 N=100000, RUNS=3
#   N=10000 RUNS=5 scripts/bench-lists.sh
#   BENCH_SKIP_BUILD=1 ...                 use the release build in target/site-release
#   BENCH_DATABASE_URL=postgres://...      run against PostgreSQL (see README)
#
# Not part of the test command: it needs a quiet machine and several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

N="${N:-100000}"
RUNS="${RUNS:-3}"
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
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

DB_ARGS=()
if [ -n "${BENCH_DATABASE_URL:-}" ]; then DB_ARGS=(--database-url "$BENCH_DATABASE_URL"); fi

log "seeding $N messages (Monday 10:00 Moscow)"
LEPTOS_SITE_ROOT="$SITE" target/release/otklik serve --demo --demo-bulk "$N" \
  --clock-start 2026-03-16T10:00:00+03:00 --addr "127.0.0.1:$PORT" --data-dir "$DATA" \
  "${DB_ARGS[@]}" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
until curl -fs "$BASE/login" >/dev/null 2>&1; do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
  sleep 1
done
grep -a "more demo messages seeded" "$OUT/server.log" || true
if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  log "database size: $(du -b "$DATA/otklik.db" | cut -f1) bytes ($(du -h "$DATA/otklik.db" | cut -f1)), WAL $(du -h "$DATA/otklik.db-wal" 2>/dev/null | cut -f1)"
fi

TOKEN="$(target/release/otklik --data-dir "$DATA" "${DB_ARGS[@]}" token add --name bench --role coordinator | tail -1)"
JAR="$DATA/cookies"
curl -fs -c "$JAR" -X POST -H 'Accept: application/json' -H "Origin: $BASE" \
  -d 'login=coordinator&password=demo' "$BASE/serverfn/login" >/dev/null
SID="$(awk '$6 == "otklik_session" {print $7}' "$JAR")"

# wrk's latency report: requests/s and the 99th percentile.
measure() {
  local name="$1"; shift
  for run in $(seq 1 "$RUNS"); do
    local out
    out="$(wrk -t4 -c8 -d20s --latency "$@")"
    local rps p99
    rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    printf '%-28s run %s: %10s req/s  p99 %s\n' "$name" "$run" "$rps" "$p99" | tee -a "$OUT/results.txt"
  done
}

: >"$OUT/results.txt"
AUTH=(-H "Authorization: Bearer $TOKEN")
measure "api list, first page" "${AUTH[@]}" "$BASE/api/v1/messages?active=true&limit=25"
measure "api search q=дорог" "${AUTH[@]}" "$BASE/api/v1/messages?q=%D0%B4%D0%BE%D1%80%D0%BE%D0%B3&limit=25"
measure "api overdue filter" "${AUTH[@]}" "$BASE/api/v1/messages?overdue=true&limit=25"
measure "dashboard page (GET /)" -H "Cookie: otklik_session=$SID" "$BASE/"

log "50 open dashboards, one action per second, 60 s"
for i in $(seq 1 50); do
  (
    curl -sN -H "Cookie: otklik_session=$SID" "$BASE/api/v1/events" | while read -r line; do
      case "$line" in
        "event: journal"*)
          curl -s -o /dev/null -X POST -H 'Accept: application/json' -H "Origin: $BASE" \
            -H "Cookie: otklik_session=$SID" \
            -d 'filter[active]=true&filter[limit]=25' "$BASE/serverfn/message_rows" ;;
      esac
    done
  ) &
  PIDS+=($!)
done
sleep 3
ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
hz="$(getconf CLK_TCK)"
before="$(ticks)"
for i in $(seq 1 60); do
  curl -fs -o /dev/null "${AUTH[@]}" -H 'Content-Type: application/json' \
    -d "{\"external_id\":\"bench-live-$i-$RANDOM\",\"network\":\"vk\",\"url\":\"https://vk.com/wall-1_$i\",\"author\":\"Нагрузка\",\"text\":\"Событие $i\",\"detected_at\":\"2026-03-16T09:00:00+03:00\"}" \
    "$BASE/api/v1/messages" || true
  sleep 1
done
after="$(ticks)"
cpu="$(awk -v a="$before" -v b="$after" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz / 60}')"
printf '%-28s %s cores (mean over 60 s)\n' "50 dashboards, 1 action/s" "$cpu" | tee -a "$OUT/results.txt"
log "results in $OUT/results.txt"
