#!/usr/bin/env bash
# The report benchmark of issue 18 on the release build: seeds N messages (default
# 100,000, `serve --demo --demo-bulk N`), turns them into a year of finished work
# (scripts/bench/report_year.py: detection over 2026, 90 % answered and published, the
# deadlines done), then times the year's report RUNS times (default 5) with curl and
# prints the median and the slowest:
#   GET /api/v1/reports?from=2026-01-01&to=2026-12-31&by=…   (none, department, executor)
#   GET /api/v1/reports.xlsx?…&by=department                  (the workbook, every message)
#   POST /serverfn/reports                                     (the page's data: charts, rating)
#
#   scripts/bench-report.sh
#   BENCH_PG=1 scripts/bench-report.sh       the same data moved to a throwaway PostgreSQL
#                                            cluster (scripts/pg.sh) with `otklik transfer`
#   BENCH_SKIP_BUILD=1 ...                   use target/release/otklik as it is
#
# Not part of the test command: it needs a quiet machine and a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

N="${N:-100000}"
RUNS="${RUNS:-5}"
PORT="${BENCH_PORT:-3970}"
BASE="http://127.0.0.1:$PORT"
OUT=target/bench-report
log() { printf '\033[1;34m[bench]\033[0m %s\n' "$*"; }
mkdir -p "$OUT"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  log "release build"
  cargo build --release -p server --bin otklik
fi
DATA="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "${BENCH_PG:-}" ]; then pg_stop; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

start() {
  target/release/otklik serve --clock-start 2026-03-16T10:00:00+03:00 --addr "127.0.0.1:$PORT" \
    --data-dir "$DATA" "$@" >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  until curl -fs "$BASE/login" >/dev/null 2>&1; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
    sleep 1
  done
}
stop() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

: >"$OUT/server.log"
log "seeding $N messages"
start --demo --demo-bulk "$N"
stop
log "a year of finished work"
python3 scripts/bench/report_year.py "$DATA/otklik.db"
DB_ARGS=()
if [ -n "${BENCH_PG:-}" ]; then
  source scripts/pg.sh
  pg_start
  URL="${OTKLIK_TEST_DATABASE_URL%/*}/otklik_bench"
  psql "$OTKLIK_TEST_DATABASE_URL" -qc "CREATE DATABASE otklik_bench"
  log "transfer to PostgreSQL"
  target/release/otklik --data-dir "$DATA" transfer --to "$URL"
  DB_ARGS=(--database-url "$URL")
fi
start "${DB_ARGS[@]}"
TOKEN="$(target/release/otklik --data-dir "$DATA" "${DB_ARGS[@]}" token add --name bench --role observer | tail -1)"
JAR="$DATA/cookies"
curl -fs -c "$JAR" -X POST -H 'Accept: application/json' -H "Origin: $BASE" \
  -d 'login=observer&password=demo' "$BASE/serverfn/login" >/dev/null

YEAR="from=2026-01-01&to=2026-12-31"
# Times one request RUNS times (after one warm-up); prints the median and the slowest.
timed() {
  local name="$1"; shift
  curl -fs -o "$OUT/last" "$@"
  local times=()
  for _ in $(seq 1 "$RUNS"); do
    times+=("$(curl -fs -o "$OUT/last" -w '%{time_total}' "$@")")
  done
  python3 - "$name" "$(stat -c %s "$OUT/last")" "${times[@]}" <<'PY' | tee -a "$OUT/results.txt"
import statistics, sys
name, size, *t = sys.argv[1:]
t = sorted(float(x) for x in t)
print(f"{name:<42} median {statistics.median(t)*1000:7.0f} ms   max {t[-1]*1000:7.0f} ms   {int(size):>9} bytes")
PY
}
echo "--- $(date -u +%FT%TZ) N=$N RUNS=$RUNS ${BENCH_PG:+PostgreSQL}" >>"$OUT/results.txt"
for by in none department executor; do
  timed "report, a year, by=$by" -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/reports?$YEAR&by=$by"
done
timed "report.xlsx, a year, by=department" -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/reports.xlsx?$YEAR&by=department"
timed "report page data (charts, rating)" -b "$JAR" -X POST -H 'Accept: application/json' -H "Origin: $BASE" \
  --data-urlencode "query[from]=2026-01-01" --data-urlencode "query[to]=2026-12-31" \
  --data-urlencode "query[by]=department" "$BASE/serverfn/reports"
