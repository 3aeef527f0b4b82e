# cancel-flow: `make demo` runs the demo shop, `make test` runs every test. Both set up
# a fresh machine first (scripts/setup.sh is idempotent).
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver
PORT ?= 8080

.PHONY: setup build demo test lint schema test-types test-native test-js test-wasm test-e2e test-bytes test-collector bench bench-collector bench-insights bench-experiments bench-editor bench-floor smoke screenshots clean

setup:
	@./scripts/setup.sh

## Release build of dist/ (trunk, wasm-opt -Oz; then a brotli and a zopfli gzip copy beside
## each file, tools/precompress.mjs; then tools/package.mjs makes dist/ the npm package:
## package.json, embed.d.ts, integrity.json, and prints the sha384 hashes) and of the
## collector (target/release/cancel-flow-collector).
build: setup
	trunk build --release
	node tools/precompress.mjs dist
	node tools/package.mjs dist
	cargo build --release -p cancel-flow-collector

## The demo shop at http://127.0.0.1:$(PORT)/ with the collector (SQLite in demo-data/) behind it; outcomes at /outcomes.
demo: build
	node tools/demo.mjs dist $(PORT)

## Every test: formatting and lints, native core, wasm in headless Chromium, end to end against dist/.
test: setup lint test-types test-native test-js test-wasm build test-bytes test-collector test-e2e

## Layers, rustfmt and clippy (the native core with its tests; the wasm crate with its browser tests), warnings as errors.
lint:
	./scripts/check-layers.sh
	./scripts/check-schema.sh
	cargo fmt --all --check
	cargo clippy --no-default-features --all-targets -- -D warnings
	cargo clippy --no-default-features --features schema --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --test web -- -D warnings
	cargo clippy -p cancel-flow-collector --all-targets -- -D warnings

## The collector as its own process over HTTP, against SQLite and a throwaway PostgreSQL
## cluster (scripts/postgres.sh installs Debian's package when missing, starts it on a
## free loopback port, and stops and removes it afterwards, also when a test fails).
test-collector:
	./scripts/postgres.sh start >/dev/null
	@CF_TEST_POSTGRES_URL="$$(./scripts/postgres.sh url)" CF_REQUIRE_POSTGRES=1 cargo test -p cancel-flow-collector; \
	status=$$?; ./scripts/postgres.sh stop; exit $$status

## The TypeScript declarations (www/types/cancel-flow.d.ts, shipped as dist/embed.d.ts) against a shop's code, strict.
test-types:
	tsc -p tests/types --noEmit --strict

## The editor's pure browser modules (the theme panel's contrast and CSS) under Node's own test runner.
test-js:
	node --test collector/tests/js/

test-native:
	cargo test --no-default-features
	cargo test --no-default-features --features schema --test schema

## Regenerates schema/ (the JSON Schemas of the config and the outcome) from the Rust types;
## `make lint` fails while the committed files differ from what this writes.
schema:
	cargo run --quiet --no-default-features --features schema --example write-schema -- schema

test-wasm:
	cargo test --target wasm32-unknown-unknown --test web

test-e2e:
	CANCEL_FLOW_DIST=dist playwright test

## Fails when a byte figure of dist/ grows more than 3% past bench/budget.json.
test-bytes:
	node bench/guard.mjs dist

## The benchmark: bytes, open times, heap, long tasks, budgets; writes bench/results.json.
bench: build
	node bench/run.mjs dist

## The collector under load: outcomes/s and p50/p99 latency on SQLite and PostgreSQL (bench/collector-results.json).
bench-collector: setup
	./bench/collector.sh

## The insights with a million stored outcomes (COUNT=…): seed rate, size on disk, /v1/insights, the page and the exports' times on SQLite and PostgreSQL (bench/insights-results.json).
bench-insights: setup
	./bench/insights.sh

## An experiment with a million customers (CUSTOMERS=…): seed time, size on disk, GET /v1/experiments/<id>, the list and the page on SQLite and PostgreSQL (bench/experiments-results.json).
bench-experiments: setup
	cargo build --release -p cancel-flow-collector --bin cancel-flow-collector -q
	node bench/experiments.mjs

## The flow editor: its bytes, the preview route's latency, opening the page and a problem shown at its field.
bench-editor: build
	cargo build --release -p cancel-flow-collector --bin cancel-flow-collector -q
	node bench/editor.mjs

## The bytes of a minimal Leptos counter built the same way: the framework's floor.
bench-floor: setup
	./bench/floor/measure.sh

## The shared contract smoke test, when ../shared is present.
smoke: build
	@if [ -f ../shared/acceptance/smoke.mjs ]; then node ../shared/acceptance/smoke.mjs dist; else echo "no ../shared/acceptance/smoke.mjs"; fi

## Screenshots of the theming demo and each step, written to docs/.
screenshots: build
	node tools/screenshots.mjs dist
	node tools/insights-screenshot.mjs
	node tools/experiments-screenshot.mjs
	node tools/editor-screenshot.mjs

clean:
	rm -rf dist target/wasm-opt
