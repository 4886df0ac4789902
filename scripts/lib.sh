# Shared by the scripts in this folder: set-up steps that must be idempotent.

# The pinned toolchain comes with the machine; rustup does not fetch the
# wasm target by itself here, so add it explicitly (a no-op once present).
ensure_toolchain() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "error: cargo not found; install Rust with rustup first" >&2
        exit 1
    fi
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        echo "==> Adding the wasm32-unknown-unknown target (once)"
        rustup target add wasm32-unknown-unknown
    fi
    # mold links the server and the test binaries in a fraction of ld's
    # time (scripts/mold-gcc falls back to ld without it).
    ensure_debian_packages mold:mold
}

# Starts the local PostgreSQL cluster if one is installed but not running.
# Returns non-zero when no PostgreSQL can be reached.
ensure_postgres() {
    if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        return 0
    fi
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
        local version
        version=$(ls /etc/postgresql | sort -V | tail -n 1)
        echo "==> Starting PostgreSQL $version"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        for _ in $(seq 1 30); do
            pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
            sleep 1
        done
    fi
    return 1
}

# Creates an empty database for a test run and prints its URL.
fresh_postgres_database() {
    local admin="${TAPROOM_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
    local name="taproom_run_$$_$(date +%s)"
    # Leftovers of interrupted runs go first.
    psql "$admin" -qAtc "SELECT datname FROM pg_database WHERE datname LIKE 'taproom\_test\_%' OR datname LIKE 'taproom\_run\_%' OR datname LIKE 'taproom\_bench\_%'" |
        while read -r old; do psql "$admin" -qc "DROP DATABASE IF EXISTS \"$old\" WITH (FORCE)" >/dev/null; done
    psql "$admin" -qc "CREATE DATABASE $name" >/dev/null
    echo "${admin%/*}/$name"
}

# The wasm-bindgen version every crate is pinned to (see shared/Cargo.toml).
WASM_BINDGEN_VERSION=0.2.130

# Chromium, ChromeDriver and the wasm-bindgen test runner, installed once.
ensure_browser_tools() {
    if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
        echo "==> Installing Chromium and ChromeDriver (Debian packages, once)"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
    fi
    if ! wasm-bindgen-test-runner --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
        echo "==> Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (once; a few minutes)"
        # Not --locked: its lock file names a crate version the registry no longer serves.
        cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
    fi
}

# Installs, once, the Debian packages whose command is missing (with
# apt-get, as root or through sudo). Each argument is COMMAND:PACKAGE;
# commands in /usr/sbin count even when PATH lacks it.
ensure_debian_packages() {
    local pair missing=()
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] ||
            missing+=("${pair#*:}")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> Installing ${missing[*]} (Debian packages, once)"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# nginx, the proxy in front of several instances (deploy/nginx/,
# scripts/cluster.sh). nginx-light has every module the template uses.
ensure_nginx() {
    ensure_debian_packages nginx:nginx-light
}

# What the tests need besides the databases: nginx for the cluster test
# (server/tests/api/cluster.rs, which fails without it) and Prometheus'
# promtool for the metrics test. The tests run their own nginx,
# unprivileged, on a port they pick; the packages' services are not used.
ensure_cluster_tools() {
    ensure_debian_packages nginx:nginx-light prometheus:prometheus
}

# nginx's path: Debian puts it in /usr/sbin, which a user's PATH may lack.
nginx_binary() {
    command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }
}

# Renders deploy/nginx/taproom.conf: render_nginx_conf PREFIX LISTEN INSTANCE...
# prints the configuration for nginx writing under PREFIX, listening on
# LISTEN, in front of each INSTANCE (host:port).
render_nginx_conf() {
    local prefix="$1" listen="$2"
    shift 2
    # Comments keep their placeholders; the Rust side (server/tests/support/nginx.rs) renders alike.
    awk -v prefix="$prefix" -v listen="$listen" -v instances="$*" '
        /^[[:space:]]*#/ { print; next }
        { gsub(/@PREFIX@/, prefix); gsub(/@LISTEN@/, listen) }
        /@INSTANCE@/ {
            n = split(instances, each, " ")
            for (i = 1; i <= n; i++) { line = $0; gsub(/@INSTANCE@/, each[i], line); print line }
            next
        }
        { print }' deploy/nginx/taproom.conf
}

# cargo-leptos builds the three web apps. 0.3.10 is the newest that builds
# on our toolchain (0.3.11's lock needs a newer rustc).
CARGO_LEPTOS_VERSION=0.3.10
# wasm-opt for release builds of the apps, from npm's binaryen package (the
# only source reachable here; cargo-leptos would otherwise try GitHub).
BINARYEN_VERSION=132.0.0
# Tools installed from npm live here, inside the checkout (git-ignored).
TOOLS_DIR="$(pwd)/.tools"

# Puts the project's npm tools on PATH (wasm-opt) without installing anything.
tools_on_path() {
    export PATH="$TOOLS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"
}

# cargo-leptos, wasm-bindgen-cli and wasm-opt, each installed once.
ensure_leptos_tools() {
    tools_on_path
    if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
        echo "==> Installing cargo-leptos $CARGO_LEPTOS_VERSION (once; about 15 minutes on 2 cores)"
        cargo install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION"
    fi
    if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
        echo "==> Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (once; a few minutes)"
        # Not --locked: its lock file names a crate version the registry no longer serves.
        cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
    fi
    if ! wasm-opt --version 2>/dev/null | grep -q "${BINARYEN_VERSION%%.*}"; then
        echo "==> Installing wasm-opt (npm binaryen@$BINARYEN_VERSION, once)"
        mkdir -p "$TOOLS_DIR"
        npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
    fi
}

# How each app is built. Every app's pages are wasm chunks of their own
# (Leptos' lazy routes), fetched when a page is first shown: `--split` cuts
# them (docs/BENCHMARKS.md, "The guest's app split").
APP_BUILD_FLAGS="--release --split"

# A fingerprint of everything an app's bundle is built from: its sources
# and those of the crates it uses, the manifests, the build settings and
# the tools. Unchanged, the bundle is already what a build would make.
app_inputs() {
    local app="$1"
    {
        echo "tools: $CARGO_LEPTOS_VERSION $WASM_BINDGEN_VERSION $BINARYEN_VERSION $(rustc --version)"
        echo "build: $APP_BUILD_FLAGS"
        # CI lints the apps as it builds them (.ci/run): a bundle built
        # without the lints is built again with them.
        echo "lints: ${RUSTC_WORKSPACE_WRAPPER:-} ${CLIPPY_ARGS:-}"
        find "app-$app" shared ui -type f \( -name '*.rs' -o -name 'Cargo.toml' \) -print0 |
            sort -z | xargs -0 sha256sum
        sha256sum Cargo.toml Cargo.lock .cargo/config.toml rust-toolchain.toml scripts/compress-bundles.mjs scripts/split-manifest.mjs
    } | sha256sum | cut -d' ' -f1
}

# Builds the server binary and, for each web app whose inputs changed since
# its last build, its wasm bundle (release, with cargo-leptos) and the
# precompressed copies the server sends. Nothing changed: seconds.
build_apps() {
    ensure_leptos_tools
    echo "==> Building the server (release; the first build takes a while)"
    # The same command cargo-leptos runs for the bin, in `build --release` and
    # in `watch` (bin-profile-dev in Cargo.toml), so each reuses the others' work.
    cargo build --package=taproom-server --bin=taproom-server --no-default-features --release
    local app stamp inputs
    for app in customer bartender admin; do
        stamp="target/site/$app.inputs"
        inputs=$(app_inputs "$app")
        if [ -f "target/site/$app/pkg/app-$app.wasm.br" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$inputs" ]; then
            echo "==> The $app app is unchanged since its last build"
            continue
        fi
        echo "==> Building the $app app (wasm, release)"
        rm -f "$stamp"
        # shellcheck disable=SC2046
        cargo leptos build $APP_BUILD_FLAGS --project "$app"
        node scripts/compress-bundles.mjs target/site "$app"
        echo "$inputs" > "$stamp"
    done
}
