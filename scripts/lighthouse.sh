#!/usr/bin/env bash
# Lighthouse (npm lighthouse@12.2.3, Debian Chromium, default mobile profile) on the
# dashboard of the release build with 200 more active messages, signed in as the
# coordinator. Prints each run (score, metrics, the host's benchmarkIndex) and the median
# score; the JSON reports stay in target/lighthouse/.
#
#   scripts/lighthouse.sh            five runs, Lighthouse's defaults (4x CPU slowdown)
#   RUNS=9 scripts/lighthouse.sh     more runs
#   LH_CPU_MULTIPLIER=2 scripts/lighthouse.sh
#                                    a CPU slowdown calibrated to the host (Lighthouse's
#                                    4x assumes a benchmarkIndex of 1500-2000)
#   LH_SKIP_BUILD=1 ...              use the release build already in target/site-release
#
# Not part of the test command: it needs a quiet machine and minutes per run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

RUNS="${RUNS:-5}"
PORT="${LH_PORT:-3950}"
SITE=target/site-release
OUT=target/lighthouse
LH_VERSION=12.2.3

log() { printf '\033[1;34m[lighthouse]\033[0m %s\n' "$*"; }

mkdir -p "$OUT"
if [ "$(node -p "require('./$OUT/node_modules/lighthouse/package.json').version" 2>/dev/null)" != "$LH_VERSION" ]; then
  log "installing lighthouse $LH_VERSION"
  npm install --prefix "$OUT" --no-audit --no-fund --silent "lighthouse@$LH_VERSION"
fi

if [ -z "${LH_SKIP_BUILD:-}" ]; then
  log "release build"
  LEPTOS_SITE_ROOT="$SITE" cargo leptos build --release --precompress --split
fi

DATA="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

# A Monday at 10:00 Moscow time: working hours, so the countdowns tick as on a work day.
LEPTOS_SITE_ROOT="$SITE" target/release/otklik serve --demo --demo-bulk 200 \
  --clock-start 2026-03-16T10:00:00+03:00 --addr "127.0.0.1:$PORT" --data-dir "$DATA" \
  >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/login" >/dev/null 2>&1 && break
  sleep 0.2
done

JAR="$DATA/cookies"
curl -fs -c "$JAR" -X POST -H 'Accept: application/json' \
  -d 'login=coordinator&password=demo' "http://127.0.0.1:$PORT/serverfn/login" >/dev/null
SID="$(awk '$6 == "otklik_session" {print $7}' "$JAR")"
if [ -z "$SID" ]; then
  echo "sign-in failed; see $OUT/server.log" >&2
  exit 1
fi

# A server binary built by plain cargo (e.g. `cargo bench`) instead of cargo-leptos
# links a bundle with no name (`/pkg/.js`): the page would never hydrate and the scores
# would be meaningless.
if ! curl -fs -b "$JAR" "http://127.0.0.1:$PORT/" | grep -q '/pkg/otklik.js'; then
  echo "the page does not load /pkg/otklik.js: rebuild with cargo leptos (drop LH_SKIP_BUILD)" >&2
  exit 1
fi

EXTRA=()
if [ -n "${LH_CPU_MULTIPLIER:-}" ]; then
  EXTRA+=("--throttling.cpuSlowdownMultiplier=$LH_CPU_MULTIPLIER")
fi

for i in $(seq 1 "$RUNS"); do
  CHROME_PATH="$(command -v chromium)" "$OUT/node_modules/.bin/lighthouse" \
    "http://127.0.0.1:$PORT/" --only-categories=performance --output=json \
    --output-path="$OUT/run-$i.json" --quiet "${EXTRA[@]}" \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" \
    --extra-headers="{\"Cookie\":\"otklik_session=$SID\"}"
done

python3 - "$OUT" "$RUNS" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
scores = []
print(f"{'run':>3} {'score':>5} {'FCP':>7} {'LCP':>7} {'TBT':>8} {'SI':>7} {'CLS':>5} {'bench':>6}")
for i in range(1, runs + 1):
    r = json.load(open(f"{out}/run-{i}.json"))
    a = r["audits"]
    score = round(r["categories"]["performance"]["score"] * 100)
    scores.append(score)
    ms = lambda k: a[k]["numericValue"]
    print(f"{i:>3} {score:>5} {ms('first-contentful-paint'):>6.0f}ms {ms('largest-contentful-paint'):>6.0f}ms "
          f"{ms('total-blocking-time'):>6.0f}ms {ms('speed-index'):>6.0f}ms {ms('cumulative-layout-shift'):>5.2f} "
          f"{r['environment']['benchmarkIndex']:>6.0f}")
print(f"median score {statistics.median(scores)}")
PY
