#!/usr/bin/env bash
# Builds the Leptos floor like dist/ is built (release profile, wasm-bindgen, wasm-opt
# -Oz with the same features, terser on the glue) and prints its bytes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
bin="$root/node_modules/.bin"
out="$here/out"
cd "$here"
# Without the parent .cargo/config.toml flags (erase_components costs a tiny app bytes).
RUSTFLAGS="" cargo build --release --target wasm32-unknown-unknown --quiet
mkdir -p "$out"
wasm-bindgen --target web --out-dir "$out" target/wasm32-unknown-unknown/release/leptos_floor.wasm
features="--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue"
"$bin/wasm-opt" -Oz --strip-debug --strip-producers $features "$out/leptos_floor_bg.wasm" -o "$out/leptos_floor_bg.wasm"
"$bin/terser" "$out/leptos_floor.js" --module --compress passes=3 --mangle toplevel -o "$out/leptos_floor.js"
node -e '
const fs = require("fs"), zlib = require("zlib");
const size = (f) => { const b = fs.readFileSync(f); return [b.length, zlib.gzipSync(b, { level: 9 }).length]; };
const [wr, wg] = size(process.argv[1]), [jr, jg] = size(process.argv[2]);
console.log(`Leptos floor: wasm ${wr} raw / ${wg} gzip, glue ${jr} raw / ${jg} gzip, together ${wg + jg} gzip`);
' "$out/leptos_floor_bg.wasm" "$out/leptos_floor.js"
