#!/usr/bin/env bash
# Starts the built debug server on a free port with a temporary data dir and demo data,
# runs the Playwright tests against it, stops it. Expects `cargo leptos build` to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d)
log="$data/server.log"
# The clock starts on a working Monday morning so that countdowns tick on any day.
target/debug/otklik serve --demo --clock-start 2026-03-16T10:00:00+03:00 --addr "127.0.0.1:$port" --data-dir "$data" >"$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  if curl -fs -o /dev/null "http://127.0.0.1:$port/login"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then echo "server died:"; cat "$log"; exit 1; fi
  sleep 0.2
done

status=0
(cd end2end && BASE_URL="http://127.0.0.1:$port" OTKLIK_DATA_DIR="$data" OTKLIK_BIN="$PWD/../target/debug/otklik" npx playwright test "$@") || status=$?
if [ "$status" -ne 0 ]; then echo "--- server log ---"; tail -50 "$log"; fi
exit "$status"
