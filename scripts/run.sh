#!/usr/bin/env bash
# Builds and runs Taproom on SQLite with the demo accounts.
#   ./scripts/run.sh [extra server flags, e.g. --bind 0.0.0.0:3000]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_toolchain
echo "==> Building the server (release; the first build takes a few minutes)"
cargo build --release -p taproom-server
exec ./target/release/taproom-server serve --demo "$@"
