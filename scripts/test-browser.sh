#!/usr/bin/env bash
# The browser tests, in headless Chromium:
#  1. wasm-bindgen tests of the session manager's browser adapters;
#  2. the three apps driven end to end against the real release server,
#     on SQLite, then on PostgreSQL when one is reachable.
# Installs what they need, once: Chromium and ChromeDriver from Debian's
# packages, wasm-bindgen-cli, cargo-leptos and wasm-opt, and playwright-core
# (npm, driving the system Chromium; it downloads no browser).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_toolchain
ensure_browser_tools

echo "==> Browser adapter tests in headless Chromium"
(
    cd shared
    CHROMEDRIVER="$(command -v chromedriver)" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        cargo test --target wasm32-unknown-unknown --test browser
)

build_apps
echo "==> Installing the browser test driver (npm ci, once)"
(cd e2e && npm ci --no-audit --no-fund --silent)

E2E_TIME_LIMIT="${TAPROOM_E2E_TIME_LIMIT:-900}"
# The whole suite runs in both token modes: refresh tokens in localStorage
# on SQLite, in HttpOnly cookies on PostgreSQL.
echo "==> The apps in headless Chromium, on SQLite (refresh tokens in localStorage)"
(cd e2e && env -u TAPROOM_E2E_PG_ADMIN TAPROOM_E2E_REFRESH_COOKIE=off \
    timeout --kill-after=10 "$E2E_TIME_LIMIT" npm test)

if ensure_postgres; then
    echo "==> The apps in headless Chromium, on PostgreSQL (refresh tokens in HttpOnly cookies)"
    (cd e2e && TAPROOM_E2E_PG_ADMIN="${TAPROOM_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
        TAPROOM_E2E_REFRESH_COOKIE=on timeout --kill-after=10 "$E2E_TIME_LIMIT" npm test)
elif [ "${TAPROOM_TEST_POSTGRES:-}" = "require" ]; then
    echo "error: PostgreSQL is required but not reachable on 127.0.0.1:5432" >&2
    exit 1
else
    echo "==> PostgreSQL not reachable on 127.0.0.1:5432: skipped the PostgreSQL browser run"
fi
