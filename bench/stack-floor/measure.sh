#!/usr/bin/env bash
# Builds the six steps of Cargo.toml and prints what each downloads,
# brotli at quality 11 as scripts/compress-bundles.mjs measures the apps,
# after wasm-opt with the flags cargo-leptos gives it.
# Needs what ./scripts/run.sh installs (wasm-bindgen, wasm-opt); shares the
# main workspace's target folder and its lock file's versions.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
# shellcheck source=../../scripts/lib.sh
(cd "$root" && source scripts/lib.sh && ensure_leptos_tools >/dev/null)
export PATH="$root/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="$root/target"
cp "$root/Cargo.lock" Cargo.lock
for step in bare router net ours header session; do
    features=()
    [ "$step" = bare ] || features=(--features "$step")
    cargo build --quiet --profile wasm-release --target wasm32-unknown-unknown --lib "${features[@]}"
    rm -rf "out/$step" && mkdir -p "out/$step"
    wasm-bindgen --target web --no-typescript --out-dir "out/$step" --out-name floor \
        "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/stack_floor.wasm"
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "out/$step/floor_bg.wasm" -o "out/$step/floor_bg.wasm"
    node -e '
        const fs = require("fs"), zlib = require("zlib");
        const [dir, step] = process.argv.slice(1);
        const br = (f) => zlib.brotliCompressSync(fs.readFileSync(`${dir}/${f}`), {
            params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: fs.statSync(`${dir}/${f}`).size } }).length;
        const wasm = br("floor_bg.wasm"), js = br("floor.js");
        console.log(`${step.padEnd(7)} ${((wasm + js) / 1024).toFixed(1)} KB brotli (wasm ${(wasm / 1024).toFixed(1)}, js ${(js / 1024).toFixed(1)})`);
    ' "out/$step" "$step"
done
