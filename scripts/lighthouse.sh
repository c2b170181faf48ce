#!/usr/bin/env bash
# Lighthouse (npm lighthouse@12.2.3, Debian Chromium, default mobile profile) on the
# dashboard of the release build with 200 more active messages, signed in as the
# coordinator. Prints each run (score, metrics, the host's benchmarkIndex), the median
# score and the median run's TBT; the JSON reports stay in target/lighthouse/.
#
# The same phone on every host: Lighthouse's default 4x CPU slowdown assumes a host with a
# benchmarkIndex of 1500-2000, so a faster host simulates a faster phone. The script first
# measures the host's benchmarkIndex (the median of three short runs) and slows the CPU
# by benchmarkIndex / 400, rounded (a host indexing 3,200 runs at 8x). Then it runs the
# same again at Lighthouse's default 4x, for comparison with other reports.
#
#   scripts/lighthouse.sh            nine runs calibrated, then nine at the default 4x
#   RUNS=5 scripts/lighthouse.sh     fewer runs
#   LH_CPU_MULTIPLIER=6 ...          this slowdown instead of the calibrated one
#   LH_DEFAULT=0 ...                 skip the default-4x pass
#   LH_SKIP_BUILD=1 ...              use the release build already in target/site-release
#   LH_SITE=dir LH_BIN=file ...      another build's site and server (with LH_SKIP_BUILD=1)
#
# Not part of the test command: it needs a quiet machine and minutes per run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

RUNS="${RUNS:-9}"
PORT="${LH_PORT:-3950}"
SITE="${LH_SITE:-target/site-release}"
BIN="${LH_BIN:-target/release/otklik}"
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
LEPTOS_SITE_ROOT="$SITE" "$BIN" serve --demo --demo-bulk 200 \
  --clock-start 2026-03-16T10:00:00+03:00 --addr "127.0.0.1:$PORT" --data-dir "$DATA" \
  >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/login" >/dev/null 2>&1 && break
  sleep 0.2
done

JAR="$DATA/cookies"
curl -fs -c "$JAR" -X POST -H 'Accept: application/json' -H "Origin: http://127.0.0.1:$PORT" \
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

CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"

# lighthouse_runs NAME COUNT [extra lighthouse flags...]: COUNT runs into $OUT/NAME-i.json.
lighthouse_runs() {
  local name="$1" count="$2"
  shift 2
  for i in $(seq 1 "$count"); do
    CHROME_PATH="$(command -v chromium)" "$OUT/node_modules/.bin/lighthouse" \
      "http://127.0.0.1:$PORT/" --only-categories=performance --output=json \
      --output-path="$OUT/$name-$i.json" --quiet "$@" \
      --chrome-flags="$CHROME_FLAGS" \
      --extra-headers="{\"Cookie\":\"otklik_session=$SID\"}"
  done
}

# report NAME COUNT TITLE: each run, the median score and the median run's TBT.
report() {
  python3 - "$OUT" "$1" "$2" "$3" <<'PY'
import json, statistics, sys
out, name, runs, title = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = []
print(f"\n{title}")
print(f"{'run':>3} {'score':>5} {'FCP':>7} {'LCP':>7} {'TBT':>8} {'SI':>7} {'CLS':>5} {'bench':>6} {'cpu':>4}")
for i in range(1, runs + 1):
    r = json.load(open(f"{out}/{name}-{i}.json"))
    a = r["audits"]
    ms = lambda k: a[k]["numericValue"]
    score = round(r["categories"]["performance"]["score"] * 100)
    cpu = r["configSettings"]["throttling"]["cpuSlowdownMultiplier"]
    rows.append((score, ms("total-blocking-time")))
    print(f"{i:>3} {score:>5} {ms('first-contentful-paint'):>6.0f}ms {ms('largest-contentful-paint'):>6.0f}ms "
          f"{ms('total-blocking-time'):>6.0f}ms {ms('speed-index'):>6.0f}ms {ms('cumulative-layout-shift'):>5.2f} "
          f"{r['environment']['benchmarkIndex']:>6.0f} {cpu:>4g}")
# The median run: the middle one by score (ties by TBT), so its TBT belongs to its score.
rows.sort()
median = rows[(len(rows) - 1) // 2]
print(f"median score {statistics.median(s for s, _ in rows):g}; the median run's TBT {median[1]:.0f} ms")
PY
}

if [ -n "${LH_CPU_MULTIPLIER:-}" ]; then
  MULTIPLIER="$LH_CPU_MULTIPLIER"
  log "CPU slowdown ${MULTIPLIER}x (given)"
else
  log "measuring the host's benchmarkIndex (three short runs)"
  lighthouse_runs calibrate 3 --only-audits=first-contentful-paint
  MULTIPLIER="$(python3 - "$OUT" <<'PY'
import json, statistics, sys
index = statistics.median(json.load(open(f"{sys.argv[1]}/calibrate-{i}.json"))["environment"]["benchmarkIndex"] for i in (1, 2, 3))
print(max(1, round(index / 400)), file=sys.stdout)
print(f"benchmarkIndex {index:.0f}", file=sys.stderr)
PY
)"
  log "CPU slowdown ${MULTIPLIER}x (benchmarkIndex / 400)"
fi

lighthouse_runs calibrated "$RUNS" "--throttling.cpuSlowdownMultiplier=$MULTIPLIER"
report calibrated "$RUNS" "Calibrated: ${MULTIPLIER}x CPU slowdown"
if [ "${LH_DEFAULT:-1}" != 0 ]; then
  lighthouse_runs default "$RUNS"
  report default "$RUNS" "Lighthouse's default: 4x CPU slowdown"
fi
