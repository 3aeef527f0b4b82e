#!/usr/bin/env bash
# Installs every tool cancel-flow needs, skipping what is already there at the right
# version: the wasm32 target, Trunk, wasm-bindgen-cli (equal to Cargo.lock), the npm
# dev tools (binaryen's wasm-opt, playwright-core, axe-core, typescript, ajv) and Debian's Chromium with
# ChromeDriver. Safe to run any number of times. Only package registries are used.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 10 minutes, once)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $BINDGEN_VERSION"
  # Not --locked: a locked dependency of this version is missing from the registry.
  cargo install --force "wasm-bindgen-cli@$BINDGEN_VERSION"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dev tools (binaryen, playwright-core, axe-core, typescript, ajv)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  say "installing Debian's chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends chromium chromium-driver \
    || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends chromium chromium-driver; }
fi

if ! command -v zopfli >/dev/null 2>&1; then
  say "installing Debian's zopfli (the gzip copies make build writes)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends zopfli \
    || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends zopfli; }
fi

if ! command -v faketime >/dev/null 2>&1; then
  say "installing Debian's faketime (the collector's tests shift its clock)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends faketime \
    || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends faketime; }
fi

say "ready: $(trunk --version), $(wasm-bindgen --version), $(node_modules/.bin/wasm-opt --version), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
