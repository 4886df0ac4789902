#!/usr/bin/env bash
# Runs every test: the workspace on SQLite, then the same API tests on
# PostgreSQL when a server is reachable (started if installed but stopped),
# then the browser tests in headless Chromium (installed once if missing).
# Set TAPROOM_TEST_POSTGRES=require to fail instead of skipping PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_toolchain

echo "==> Tests on SQLite"
env -u TEST_DATABASE_URL cargo test --workspace --all-features

if ensure_postgres; then
    url=$(fresh_postgres_database)
    echo "==> The same tests on PostgreSQL ($url)"
    TEST_DATABASE_URL="$url" cargo test -p taproom-server --test api
    psql "${url%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${url##*/} WITH (FORCE)" >/dev/null || true
elif [ "${TAPROOM_TEST_POSTGRES:-}" = "require" ]; then
    echo "error: PostgreSQL is required but not reachable on 127.0.0.1:5432" >&2
    exit 1
else
    echo "==> PostgreSQL not reachable on 127.0.0.1:5432: skipped the PostgreSQL run"
fi

./scripts/test-browser.sh
