#!/usr/bin/env bash
# Sets everything up, builds the release app and serves it with demo data at
# http://127.0.0.1:3000 (data in ./data; logins admin, coordinator, executor, executor2,
# authority, observer — password "demo").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
cargo leptos build --release --precompress --split
exec target/release/otklik serve --demo --addr "${OTKLIK_ADDR:-127.0.0.1:3000}" --data-dir "${OTKLIK_DATA_DIR:-./data}"
