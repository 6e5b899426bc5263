#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL and Redis on loopback for the test suite.
#   scripts/services.sh start   -> starts both, prints the DATABASE_URL / REDIS_URL to export
#   scripts/services.sh stop    -> stops both (also: make services-stop)
# Used by .ci/run and by developers who want the suite on the real components:
#   eval "$(scripts/services.sh start)" && make test
# If a server cannot start, it says why on stderr, stops what it started, prints `false` (so the
# eval fails and `&& make test` does not run on the embedded default) and exits 1.
# Moved by: PGPORT (55432), REDIS_PORT (56379), PGDATA (/tmp/adoption-ci-pg), REDIS_LOG
# (/tmp/adoption-ci-redis.log), REDIS_SERVER (redis-server), PGBIN (the newest /usr/lib/postgresql/*/bin).
set -euo pipefail
PGPORT=${PGPORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
PGDATA=${PGDATA:-/tmp/adoption-ci-pg}
REDIS_LOG=${REDIS_LOG:-/tmp/adoption-ci-redis.log}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

started_pg=0
started_redis=0

fail() {
  echo "services.sh: $*" >&2
  # stop only what this run started: a server that was already up stays up
  [ "$started_redis" = 1 ] && timeout 2 redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  [ "$started_pg" = 1 ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
  echo "false"  # for `eval "$(scripts/services.sh start)"`: the eval fails too
  exit 1
}

start() {
  [ -n "$PGBIN" ] && [ -x "$PGBIN/pg_ctl" ] || fail "PostgreSQL server not installed (apt-get install postgresql)"
  command -v "$REDIS_SERVER" >/dev/null 2>&1 || fail "$REDIS_SERVER not found (apt-get install redis-server)"
  command -v redis-cli >/dev/null 2>&1 || fail "redis-cli not found (apt-get install redis-server)"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --no-sync >/dev/null || fail "initdb failed in $PGDATA"
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    # Durability is not under test here: no fsync makes the suite faster.
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
      -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || fail "PostgreSQL did not start on port $PGPORT (see $PGDATA/server.log)"
    started_pg=1
  fi
  { as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='adoption'" | grep -q 1; } \
    || as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres adoption || fail "cannot create the database adoption"
  if ! timeout 2 redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
      --logfile "$REDIS_LOG" >/dev/null || fail "Redis did not start on port $REDIS_PORT (see $REDIS_LOG)"
    started_redis=1
    for _ in $(seq 20); do timeout 0.5 redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    timeout 2 redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || fail "Redis does not answer on port $REDIS_PORT (see $REDIS_LOG)"
  fi
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/adoption"
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

stop() {
  timeout 2 redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  [ -n "$PGBIN" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
}

"${1:-start}"
