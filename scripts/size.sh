#!/usr/bin/env bash
# The dashboard's first load in bytes, from a release build of the browser bundle
# (`cargo leptos build --release --precompress --split --frontend-only`): the main wasm,
# JS, CSS and split loader as brotli (quality 11), the lazy chunks apart, and the budget
# of budget.toml (scripts/first_load.py).
#
#   scripts/size.sh                  build the release front end into target/site-release, print
#   scripts/size.sh --check          also fail when the first load is over the budget
#   SIZE_SITE=target/site ...        build into (or read) another site folder
#   SIZE_SKIP_BUILD=1 ...            read the build already there
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
SITE="${SIZE_SITE:-target/site-release}"
if [ -z "${SIZE_SKIP_BUILD:-}" ]; then
  # Without a backtrace, cargo-leptos ends its output with the error itself.
  LEPTOS_SITE_ROOT="$SITE" RUST_BACKTRACE=0 RUST_LIB_BACKTRACE=0 \
    cargo leptos build --release --precompress --split --frontend-only
fi
python3 scripts/first_load.py "$SITE" "$@"
