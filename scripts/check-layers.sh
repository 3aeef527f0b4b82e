#!/usr/bin/env bash
# The crate's layers import downwards only (README, "How it is built"):
#   core  <-  web (browser adapters), ui (views)  <-  app (wires them, wasm entry points)
# Fails, naming the lines, when a file imports a layer it must not.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
forbid() {
  local layer=$1 pattern=$2 hits
  hits=$(grep -rnE "crate::($pattern)\b|crate::\{[^}]*\b($pattern)\b" "src/$layer" || true)
  if [ -n "$hits" ]; then
    echo "layers: src/$layer/ must not import crate::{${pattern//|/, }}:"
    echo "$hits"
    fail=1
  fi
}
forbid core 'web|ui|app'
forbid web 'ui|app'
forbid ui 'web|app'
[ $fail = 0 ] && echo "layers: core <- web, ui <- app; no upward imports"
exit $fail
