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

step "cargo leptos build: the server (debug) and the browser bundle (release, as users get it)"
# Without a backtrace, cargo-leptos ends its output with the error itself. One build of
# each serves every step below: the browser tests run the release bundle (wasm-opt,
# precompressed) whose first load is checked next.
export RUST_BACKTRACE=0 RUST_LIB_BACKTRACE=0
cargo leptos build --split --server-only
cargo leptos build --release --precompress --split --frontend-only
unset RUST_BACKTRACE RUST_LIB_BACKTRACE

step "the dashboard's first load within the budget of budget.toml"
python3 scripts/first_load.py "$LEPTOS_SITE_ROOT" --check

step "API fuzzing from the OpenAPI document (schemathesis, every check, 90 s)"
scripts/schemathesis.sh 90

step "crash test (5 × kill -9 under concurrent writes, then every acknowledged write and integrity_check)"
python3 scripts/crash_test.py --trials 5

step "browser tests (Playwright, Debian Chromium)"
scripts/e2e.sh
