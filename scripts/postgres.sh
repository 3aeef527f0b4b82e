#!/usr/bin/env bash
# A throwaway PostgreSQL server for the collector's tests and for trying it out.
#
#   scripts/postgres.sh start    # install PostgreSQL if needed, create and start a cluster;
#                                # prints DATABASE_URL=postgres://postgres@127.0.0.1:PORT/cancel_flow
#   scripts/postgres.sh url      # prints the URL of the running cluster
#   scripts/postgres.sh pause    # stops the server, keeps its data (`start` resumes it)
#   scripts/postgres.sh stop     # stops the server and removes its data
#   scripts/postgres.sh status
#
# The cluster lives in a temporary folder (owned by the `postgres` user when run as root),
# listens on 127.0.0.1 only, on a free port, with trust authentication on loopback, and
# has its own socket folder: the machine's own PostgreSQL set-up is neither used nor
# touched. `start` is idempotent. The state (URL, folder) is kept in target/postgres/
# (override with CF_PG_STATE); `env` there holds the DATABASE_URL line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${CF_PG_STATE:-$ROOT/target/postgres}"
DB=cancel_flow

log() { echo "postgres.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

# Runs a PostgreSQL program as the `postgres` user when root (the server refuses to run as
# root), else as the current user.
as_pg() {
  if is_root; then
    if command -v runuser >/dev/null; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

find_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
  elif command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"
  fi
}

install_postgres() {
  log "installing Debian's postgresql package"
  local sudo=()
  if ! is_root; then
    command -v sudo >/dev/null || die "PostgreSQL is not installed and sudo is not available"
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
}

# A TCP port nobody listens on (the server start is retried on another one if taken).
free_port() {
  local port tries=0
  while [ $tries -lt 100 ]; do
    port=$((20000 + RANDOM % 40000))
    if ! (: </dev/tcp/127.0.0.1/$port) 2>/dev/null; then
      echo "$port"
      return
    fi
    tries=$((tries + 1))
  done
  die "no free port found"
}

url_for() { echo "postgres://postgres@127.0.0.1:$1/$DB"; }

running() { [ -f "$STATE/dir" ] && as_pg "$BIN/pg_ctl" status -D "$(cat "$STATE/dir")/data" >/dev/null 2>&1; }

write_state() {
  local port=$1
  echo "$port" >"$STATE/port"
  echo "DATABASE_URL=$(url_for "$port")" >"$STATE/env"
}

# Starts the server of the cluster in $STATE/dir, on its recorded port or, when that is
# taken, on another free one.
start_server() {
  local dir port attempt
  dir="$(cat "$STATE/dir")"
  port="$(cat "$STATE/port" 2>/dev/null || free_port)"
  for attempt in 1 2 3 4 5; do
    as_pg sh -c "cat > '$dir/data/postgresql.auto.conf'" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
EOF
    if (
      close_fds
      as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >&2
    ); then
      write_state "$port"
      return
    fi
    log "the server did not start on port $port (attempt $attempt); last log lines:"
    tail -n 5 "$dir/server.log" >&2 || true
    port="$(free_port)"
  done
  die "the server did not start"
}

# Closes every descriptor but 0, 1 and 2 (run in a subshell before starting the server):
# the server would otherwise inherit the lock below, and any pipe of the caller, and hold
# them for its lifetime.
close_fds() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd="${fd##*/}"
    if [ "$fd" -gt 2 ] 2>/dev/null; then
      eval "exec $fd>&-" 2>/dev/null || true
    fi
  done
}

psql_admin() {
  as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(cat "$STATE/port")" -U postgres -d postgres "$@"
}

cmd_start() {
  if running; then
    log "already running"
    echo "DATABASE_URL=$(url_for "$(cat "$STATE/port")")"
    return
  fi
  if [ -f "$STATE/dir" ] && [ -d "$(cat "$STATE/dir")/data" ]; then
    log "resuming the cluster in $(cat "$STATE/dir")"
  else
    rm -f "$STATE/dir" "$STATE/port" "$STATE/env"
    local dir
    dir="$(mktemp -d "${TMPDIR:-/tmp}/cf-postgres.XXXXXX")"
    chmod 700 "$dir"
    if is_root; then
      id postgres >/dev/null 2>&1 || die "the postgres user does not exist"
      chown postgres: "$dir"
    fi
    echo "$dir" >"$STATE/dir"
    log "creating a cluster in $dir"
    as_pg "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
      {
        cat "$dir/initdb.log" >&2
        die "initdb failed"
      }
    # Trust on the socket and on loopback only.
    as_pg sh -c "printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' > '$dir/data/pg_hba.conf'"
  fi
  start_server
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE $DB" >&2
  fi
  log "listening on 127.0.0.1:$(cat "$STATE/port")"
  echo "DATABASE_URL=$(url_for "$(cat "$STATE/port")")"
}

cmd_pause() {
  if running; then
    as_pg "$BIN/pg_ctl" -D "$(cat "$STATE/dir")/data" -m fast -w stop >&2
  else
    log "not running"
  fi
}

cmd_stop() {
  [ -f "$STATE/dir" ] || {
    log "no cluster"
    return
  }
  cmd_pause
  local dir
  dir="$(cat "$STATE/dir")"
  case "$dir" in
  */cf-postgres.*) rm -rf "$dir" ;;
  *) log "not removing unexpected folder $dir" ;;
  esac
  rm -f "$STATE/dir" "$STATE/port" "$STATE/env"
  log "stopped and removed"
}

cmd_url() {
  running || die "not running (scripts/postgres.sh start)"
  url_for "$(cat "$STATE/port")"
}

cmd_status() {
  if running; then
    echo "running: $(url_for "$(cat "$STATE/port")") in $(cat "$STATE/dir")"
  elif [ -f "$STATE/dir" ]; then
    echo "paused: $(cat "$STATE/dir")"
  else
    echo "no cluster"
    return 1
  fi
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
  start | stop | pause | url | status) ;;
  *) die "usage: scripts/postgres.sh start|stop|pause|url|status" ;;
  esac
  mkdir -p "$STATE"
  # One command at a time per state folder.
  exec 9>"$STATE/lock"
  if command -v flock >/dev/null; then flock 9; fi
  BIN="$(find_bin)"
  if [ -z "$BIN" ]; then
    if [ "$cmd" != start ]; then
      log "PostgreSQL is not installed: no cluster"
      [ "$cmd" = stop ] && exit 0
      exit 1
    fi
    install_postgres
    BIN="$(find_bin)"
    [ -n "$BIN" ] || die "PostgreSQL's initdb not found after installing"
  fi
  "cmd_$cmd"
}

main "$@"
