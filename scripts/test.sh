#!/usr/bin/env bash
# Runs every test: the workspace on SQLite, then the same API tests on
# PostgreSQL when a server is reachable (started if installed but stopped;
# with nginx for the cluster test), then the browser tests in headless
# Chromium: the session manager's adapters, and the three apps against the
# real release server on SQLite and PostgreSQL (tools installed once if
# missing).
# Prometheus' promtool (the metrics test) and nginx are installed once if
# missing.
# Set TAPROOM_TEST_POSTGRES=require to fail instead of skipping PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_toolchain
ensure_cluster_tools

# Build first, then run under a time limit: a test that hangs fails the run
# in minutes instead of holding it until an outer timeout.
TEST_TIME_LIMIT="${TAPROOM_TEST_TIME_LIMIT:-900}"

echo "==> Building the tests"
cargo test --workspace --no-run

echo "==> Tests on SQLite"
env -u TEST_DATABASE_URL timeout --kill-after=10 "$TEST_TIME_LIMIT" \
    cargo test --workspace

if ensure_postgres; then
    url=$(fresh_postgres_database)
    echo "==> The same tests on PostgreSQL ($url)"
    # `--workspace`, as above, so that cargo reuses the test binary it built
    # there: `-p taproom-server` alone resolves other features and builds
    # another.
    cargo test --workspace --test api --no-run
    TEST_DATABASE_URL="$url" timeout --kill-after=10 "$TEST_TIME_LIMIT" \
        cargo test --workspace --test api
    psql "${url%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${url##*/} WITH (FORCE)" >/dev/null || true
elif [ "${TAPROOM_TEST_POSTGRES:-}" = "require" ]; then
    echo "error: PostgreSQL is required but not reachable on 127.0.0.1:5432" >&2
    exit 1
else
    echo "==> PostgreSQL not reachable on 127.0.0.1:5432: skipped the PostgreSQL run"
fi

./scripts/test-browser.sh
