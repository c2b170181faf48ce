# Sourced by the scripts: tool paths and build settings shared by run and test.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export RUSTUP_AUTO_INSTALL=0
# The site assets the server serves (cargo-leptos writes them here).
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export LEPTOS_SITE_PKG_DIR="${LEPTOS_SITE_PKG_DIR:-pkg}"
