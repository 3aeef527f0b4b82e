#!/usr/bin/env bash
# The crate's layers import downwards only (README, "How it is built"):
#   core  <-  web (browser adapters), ui (views)  <-  app (wires them, wasm entry points)
# and the views reach the browser only through web (as wired by app), never by the
# browser bindings themselves.
# Fails, naming the lines, when a file imports a layer or a binding it must not.
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
# Leptos's own event types and methods are fine in ui; the bindings crates are not.
bindings='web_sys|js_sys|wasm_bindgen|gloo_[a-z_]+'
hits=$(grep -rnE "\b($bindings)\w*" src/ui || true)
if [ -n "$hits" ]; then
  echo "layers: src/ui/ must reach the browser through src/web/, not web_sys, js_sys, wasm_bindgen or gloo:"
  echo "$hits"
  fail=1
fi
[ $fail = 0 ] && echo "layers: core <- web, ui <- app; no upward imports; ui uses no browser bindings"
exit $fail
