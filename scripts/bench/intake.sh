#!/usr/bin/env bash
# Intake throughput (issue 15, item 7): POST /api/v1/messages under `wrk` with SQLite's
# synchronous=FULL and =NORMAL, alternating (full, normal, full, …) so that a noisy
# machine affects both alike; each run on a fresh data dir. Prints the medians.
# Usage: scripts/bench/intake.sh [BIN] [RUNS] [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/otklik}
runs=${2:-5}
secs=${3:-10}
conns=${4:-8}
threads=$(( conns < 2 ? 1 : 2 ))

one_run() {
  local mode=$1 run=$2 data port token server rps
  data=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  token=$("$bin" token add --name bench --role authority --data-dir "$data" 2>/dev/null | tail -1)
  OTKLIK_LOG=warn "$bin" serve --clock-start 2026-03-16T10:00:00+03:00 --sqlite-synchronous "$mode" \
    --addr "127.0.0.1:$port" --data-dir "$data" >"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/login" && break; sleep 0.1; done
  rps=$(RUN_ID="$mode-$run" TOKEN="$token" wrk -t"$threads" -c"$conns" -d"${secs}s" -s scripts/bench/intake.lua \
    "http://127.0.0.1:$port" 2>/dev/null | awk '/Requests\/sec/ {print $2}')
  kill "$server"; wait "$server" 2>/dev/null || true
  rm -rf "$data"
  echo "$rps"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

full=(); normal=()
for run in $(seq 1 "$runs"); do
  full+=("$(one_run full "$run")")
  normal+=("$(one_run normal "$run")")
  echo "run $run: full ${full[-1]}, normal ${normal[-1]} intakes/s"
done
echo "synchronous=full:   median $(printf '%s\n' "${full[@]}" | median) intakes/s ($conns connections, ${secs}s × $runs: ${full[*]})"
echo "synchronous=normal: median $(printf '%s\n' "${normal[@]}" | median) intakes/s ($conns connections, ${secs}s × $runs: ${normal[*]})"
