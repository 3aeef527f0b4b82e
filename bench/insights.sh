#!/usr/bin/env bash
# make bench-insights: the insights reads with many stored outcomes. For SQLite (a temp
# folder) and PostgreSQL (a fresh database on the scripts/postgres.sh cluster: reused when
# already running and then left running, else started here and stopped at the end), the
# release collector is started (--allow-unsigned --admin-key bench-admin-key-0123456789 --rate-limit 0) and
# seeded over HTTP by collector/examples/seed.rs with COUNT varied outcomes (default
# 1,000,000); then the database size on disk is read, collector/examples/time_insights.rs
# times /v1/insights under four filters, the signed-in page, its comments, the first page
# of outcomes.csv and the whole keep-in-touch.csv (1 warm-up + RUNS timed runs each), and
# the collector's RSS is read. Prints and writes bench/insights-results.json.
#
#   COUNT=20000 ./bench/insights.sh          # a quick run
#   BACKENDS=sqlite ./bench/insights.sh      # one backend
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${COUNT:-1000000}"
CONCURRENCY="${CONCURRENCY:-64}"
RUNS="${RUNS:-10}"
BACKENDS="${BACKENDS:-sqlite postgres}"
OUT="${OUT:-bench/insights-results.json}"
cargo build --release -p cancel-flow-collector --bin cancel-flow-collector --example seed --example time_insights -q
bin=target/release/cancel-flow-collector
seed=target/release/examples/seed
timer=target/release/examples/time_insights
tmp=$(mktemp -d)
pid=
pg_before=        # the cluster's state before: running, paused or none
pg_admin_url=     # the cluster's maintenance database
pg_db=            # the database made for this run (dropped at the end)
psql=psql
results=()

log() { echo "bench/insights.sh: $*" >&2; }

psql_run() { # url sql...
  local url=$1
  shift
  "$psql" -X -q -v ON_ERROR_STOP=1 -tA -d "$url" -c "$@"
}

stop_collector() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
  fi
}

cleanup() {
  stop_collector
  if [ -n "$pg_db" ] && [ -n "$pg_admin_url" ]; then
    psql_run "$pg_admin_url" "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || log "could not drop $pg_db"
  fi
  case "$pg_before" in
  none) ./scripts/postgres.sh stop >/dev/null 2>&1 || true ;;
  paused) ./scripts/postgres.sh pause >/dev/null 2>&1 || true ;;
  esac
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts the collector on `url`, seeds it, sizes and times it; adds `"name": {…}` to
# `results` (not run in a subshell, so the trap always knows the collector's pid).
run() { # name database-url size-command
  local name=$1 url=$2 size=$3 addr seeded sizes timings rss hwm
  "$bin" serve --listen 127.0.0.1:0 --database "$url" --allow-unsigned --admin-key bench-admin-key-0123456789 --rate-limit 0 \
    2>"$tmp/$name.log" &
  pid=$!
  for _ in $(seq 300); do
    grep -q "listening on" "$tmp/$name.log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  addr=$(grep -o "listening on http://[0-9.:]*" "$tmp/$name.log" | head -1 | sed 's/listening on //') || true
  if [ -z "$addr" ]; then
    tail -n 20 "$tmp/$name.log" >&2
    log "$name: the collector did not start"
    exit 1
  fi
  log "$name: seeding $COUNT outcomes into $addr"
  seeded=$("$seed" --target "$addr" --count "$COUNT" --concurrency "$CONCURRENCY") || {
    tail -n 20 "$tmp/$name.log" >&2
    log "$name: seeding failed"
    exit 1
  }
  log "$name: seeded: $seeded"
  sizes=$($size)
  log "$name: on disk: $sizes"
  timings=$("$timer" --target "$addr" --admin-key bench-admin-key-0123456789 --runs "$RUNS")
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
  log "$name: collector RSS ${rss} KiB (peak ${hwm} KiB)"
  stop_collector
  results+=("$(printf '"%s": {"seed": %s, "database_bytes": %s, "collector_rss_kib": %s, "collector_peak_rss_kib": %s, "timings": %s}' \
    "$name" "$seeded" "$sizes" "$rss" "$hwm" "$timings")")
}

file_size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }

sqlite_size() {
  local db wal shm
  db=$(file_size "$tmp/sqlite/collector.db")
  wal=$(file_size "$tmp/sqlite/collector.db-wal")
  shm=$(file_size "$tmp/sqlite/collector.db-shm")
  printf '{"file": %s, "wal": %s, "shm": %s, "total": %s}' "$db" "$wal" "$shm" $((db + wal + shm))
}

postgres_size() {
  printf '{"total": %s}' "$(psql_run "$pg_admin_url" "SELECT pg_database_size('$pg_db')")"
}

for backend in $BACKENDS; do
  case "$backend" in
  sqlite)
    run sqlite "sqlite://$tmp/sqlite/collector.db" sqlite_size
    ;;
  postgres)
    status=$(./scripts/postgres.sh status 2>/dev/null || true)
    case "$status" in
    running:*) pg_before=running ;;
    paused:*) pg_before=paused ;;
    *) pg_before=none ;;
    esac
    if [ "$pg_before" = running ]; then
      log "reusing the running PostgreSQL cluster (left running)"
    else
      ./scripts/postgres.sh start >/dev/null
    fi
    psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
    cluster_url=$(./scripts/postgres.sh url)
    pg_admin_url="${cluster_url%/*}/postgres"
    pg_db="cf_bench_insights_$$"
    psql_run "$pg_admin_url" "CREATE DATABASE $pg_db" >/dev/null
    log "created database $pg_db (dropped at the end)"
    run postgres "${cluster_url%/*}/$pg_db" postgres_size
    ;;
  *)
    log "unknown backend $backend (sqlite, postgres)"
    exit 2
    ;;
  esac
done

{
  printf '{"count": %s, "concurrency": %s, "runs": %s, "cpus": %s, "date": "%s", "commit": "%s"' \
    "$COUNT" "$CONCURRENCY" "$RUNS" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  for r in "${results[@]}"; do printf ', %s' "$r"; done
  printf '}\n'
} >"$OUT"
cat "$OUT"
