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

# The collector's modules, top to bottom (collector/src/lib.rs): each imports only modules
# below it, so there is no import circle.
collector=(app http serving page filters writer upkeep tokens settings cli seed store webhook insights flows analysis billing)
for i in "${!collector[@]}"; do
  module=${collector[$i]}
  above=$(IFS='|'; echo "${collector[*]:0:$i}")
  [ -z "$above" ] && continue
  files=$(ls "collector/src/$module.rs" 2>/dev/null; find "collector/src/$module" -name '*.rs' 2>/dev/null)
  hits=$(grep -nE "crate::($above)\b|crate::\{[^}]*\b($above)\b" $files /dev/null | grep -vE ':\s*//' || true)
  if [ -n "$hits" ]; then
    echo "layers: collector/src/$module must not import a module above it ($above):"
    echo "$hits"
    fail=1
  fi
done
for module in $(sed -n 's/^pub mod \([a-z_]*\);$/\1/p' collector/src/lib.rs); do
  if [[ ! " ${collector[*]} " =~ " $module " ]]; then
    echo "layers: collector/src/lib.rs has a module ($module) that scripts/check-layers.sh does not place"
    fail=1
  fi
done
[ $fail = 0 ] && echo "layers: the collector's modules import downwards only: ${collector[*]}"
exit $fail
