#!/usr/bin/env bash
# Fails when schema/ is not what the Rust types generate (examples/write-schema.rs):
# writes the schemas to a temporary folder and compares. `make schema` regenerates them.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --no-default-features --features schema --example write-schema -- "$tmp/schema"
if ! diff -ru schema "$tmp/schema" >"$tmp/diff" 2>&1; then
  head -n 60 "$tmp/diff" >&2
  echo "schema/ is stale: run \`make schema\`" >&2
  exit 1
fi
echo "schema/ is current"
