#!/usr/bin/env bash
# Sets everything up and runs every test: cargo tests of the workspace, the wasm build,
# the API fuzzing and the crash test against the built server, and the Playwright browser
# tests against a server on a free port with a temporary data dir. Exits non-zero if
# anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

# Each step also says how much disk is left: a full build takes tens of gigabytes.
step() { printf '\n\033[1;34m==> %s\033[0m (disk free: %s)\n' "$*" "$(df -h --output=avail . | tail -1 | tr -d ' ')"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo test (domain, service, server, API) on SQLite"
cargo test -p app -p server --features app/ssr

step "the service, API and role tests again on PostgreSQL (a throwaway cluster, same build)"
source scripts/pg.sh
pg_start
trap pg_stop EXIT
cargo test -p app -p server --features app/ssr --test '*'
pg_stop
trap - EXIT

step "clippy (server side and browser side, separately)"
CARGO_TARGET_DIR=target/clippy cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
CARGO_TARGET_DIR=target/clippy cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "cargo leptos build (server + hydrating wasm)"
# Without a backtrace, cargo-leptos ends its output with the error itself.
RUST_BACKTRACE=0 RUST_LIB_BACKTRACE=0 cargo leptos build --split

step "API fuzzing from the OpenAPI document (schemathesis, every check, 90 s)"
scripts/schemathesis.sh 90

step "crash test (5 × kill -9 under concurrent writes, then every acknowledged write and integrity_check)"
python3 scripts/crash_test.py --trials 5

step "browser tests (Playwright, Debian Chromium)"
scripts/e2e.sh
