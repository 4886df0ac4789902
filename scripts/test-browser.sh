#!/usr/bin/env bash
# Runs the browser tests of `shared` (wasm-bindgen tests in headless
# Chromium). Installs what they need, once: Chromium and ChromeDriver from
# Debian's packages, wasm-bindgen-cli pinned to the wasm-bindgen we build with.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_toolchain
ensure_browser_tools

echo "==> Browser adapter tests in headless Chromium"
cd shared
CHROMEDRIVER="$(command -v chromedriver)" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --target wasm32-unknown-unknown --test browser
