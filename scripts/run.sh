#!/usr/bin/env bash
# Builds and runs Taproom on SQLite with the demo accounts: the server and
# the three web apps. The first run also installs the build tools (once).
#   ./scripts/run.sh [extra server flags, e.g. --bind 0.0.0.0:3000]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_toolchain
build_apps
exec ./target/release/taproom-server serve --demo --site-root target/site "$@"
