#!/usr/bin/env bash
# make bench-collector: the release collector on SQLite (a temp folder) and on a throwaway
# PostgreSQL (scripts/postgres.sh), each loaded by collector/examples/load.rs in a second
# process (64 concurrent clients, signed outcomes); prints and writes
# bench/collector-results.json with outcomes/s, p50/p99 latency and the count check; then
# served configs (collector/examples/config_load.rs: a flow with rules, 1,000 customers
# with histories of 0 to 50 outcomes, configs at concurrency 64), without and with an
# experiment, as "<db>_configs" and "<db>_configs_experiment".
# To compare two builds on one machine: BIN=path/to/collector LOAD=path/to/load OUT=file
# runs those binaries (nothing is built) and writes OUT instead.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${COUNT:-20000}"
CONCURRENCY="${CONCURRENCY:-64}"
if [ -z "${BIN:-}" ]; then
  cargo build --release -p cancel-flow-collector --bin cancel-flow-collector --example load --example config_load -q
fi
bin="${BIN:-target/release/cancel-flow-collector}"
load="${LOAD:-target/release/examples/load}"
config_load="${CONFIG_LOAD:-target/release/examples/config_load}"
CONFIGS="${CONFIGS:-20000}"
out="${OUT:-bench/collector-results.json}"
secret=bench-secret-0123456789abcdef0123456789
token=$("$bin" mint-token --token-secret "$secret" --customer cus_bench --subscription sub_bench --ttl 1h)
tmp=$(mktemp -d)
pg_started=0
pg_db="cf_bench_collector_$$"
pg_admin=
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
  [ -n "$pg_admin" ] && psql -X -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  [ "$pg_started" = 1 ] && ./scripts/postgres.sh stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
run() { # name database-url
  "$bin" serve --listen 127.0.0.1:0 --database "$2" --token-secret "$secret" --admin-key bench-admin-key-0123456789 --rate-limit 0 2> "$tmp/$1.log" &
  pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$tmp/$1.log" && break; sleep 0.1; done
  addr=$(grep -o "listening on http://[0-9.:]*" "$tmp/$1.log" | head -1 | sed 's/listening on //')
  result=$("$load" --target "$addr" --token "$token" --admin-key bench-admin-key-0123456789 --count "$COUNT" --concurrency "$CONCURRENCY")
  echo "$1: $result" >&2
  configs=$("$config_load" --target "$addr" --token-secret "$secret" --admin-key bench-admin-key-0123456789 --count "$CONFIGS" --concurrency "$CONCURRENCY")
  echo "$1 configs: $configs" >&2
  experiment=$("$config_load" --target "$addr" --token-secret "$secret" --admin-key bench-admin-key-0123456789 --count "$CONFIGS" --concurrency "$CONCURRENCY" --experiment)
  echo "$1 configs with an experiment: $experiment" >&2
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  printf '"%s": %s, "%s_configs": %s, "%s_configs_experiment": %s' "$1" "$result" "$1" "$configs" "$1" "$experiment"
}
sqlite=$(run sqlite "sqlite://$tmp/sqlite/collector.db")
# A cluster already running (tests use the same script) is reused and left running.
if ! ./scripts/postgres.sh status >/dev/null 2>&1; then ./scripts/postgres.sh start >/dev/null; pg_started=1; fi
# A fresh database for the run, dropped at the end.
pg_admin=$(./scripts/postgres.sh url | sed 's/^DATABASE_URL=//')
psql -X -q -d "$pg_admin" -c "CREATE DATABASE $pg_db" >/dev/null
postgres=$(run postgres "${pg_admin%/*}/$pg_db")
printf '{%s, %s, "cpus": %s}\n' "$sqlite" "$postgres" "$(nproc)" > "$out"
cat "$out"
