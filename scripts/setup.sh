#!/usr/bin/env bash
# Installs what building and testing Otklik needs, each step only when missing, so a
# machine that already has everything spends seconds here. Debian 12, run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

export PATH="$HOME/.cargo/bin:$PATH"

# 1. The pinned Rust toolchain (rust-toolchain.toml: channel, wasm target, rustfmt, clippy).
if ! rustup run "$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)" rustc --version >/dev/null 2>&1 \
  || ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  log "installing the Rust toolchain from rust-toolchain.toml"
  rustup toolchain install
fi

# The build tools below are compiled for this machine only: without their release
# profile's fat LTO and single codegen unit (cargo-leptos sets both), at opt-level 1,
# they build in about half the CPU time and run the same.
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0 cargo install "$@"
}

# 2. cargo-leptos, pinned (only when missing: the longest step of a fresh setup).
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION"
  fast_install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# 3. wasm-bindgen CLI equal to the workspace's `wasm-bindgen = "=0.2.130"` (no --locked:
#    its lock file names a crate version the registry lacks).
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  fast_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# 4. Debian's Chromium for the browser tests (Playwright cannot download its own here).
if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# 4b. wrk for the load benchmarks (scripts/bench-lists.sh; not used by the tests).
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

# 4c. PostgreSQL for the second backend's tests (scripts/pg.sh starts a throwaway cluster)
#     and pg_dump for its backups; Debian's package, only when missing.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing postgresql"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

# 5. npm packages of end2end/: Playwright and binaryen (wasm-opt 132; never Debian's 108,
#    whose output silently breaks hydration).
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -x end2end/node_modules/.bin/playwright ] \
  || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  log "installing end2end npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# 6. The local SMTP sink of the e-mail alert tests (Python aiosmtpd from PyPI, pinned).
AIOSMTPD_VERSION=1.4.6
if [ "$(python3 -c 'import aiosmtpd; print(aiosmtpd.__version__)' 2>/dev/null)" != "$AIOSMTPD_VERSION" ]; then
  log "installing aiosmtpd $AIOSMTPD_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
fi

# 7. schemathesis (PyPI, pinned): the test command fuzzes the REST API from its OpenAPI
#    document (scripts/schemathesis.sh).
SCHEMATHESIS_VERSION=4.32.5
if [ "$(python3 -c 'import schemathesis; print(schemathesis.__version__)' 2>/dev/null)" != "$SCHEMATHESIS_VERSION" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

log "ready"
