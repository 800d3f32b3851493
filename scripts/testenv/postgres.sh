# Sourced by scripts/testenv.sh: the PostgreSQL service (bookworm's `postgresql` package, on the host).
# A cluster of its own under $STATE/postgres (initdb once, owned by the package's `postgres` user,
# which PostgreSQL needs: it refuses to run as root), listening on 127.0.0.1:$PG_PORT only, trust
# authentication for local test connections, a database `ircbridge` for the store's tests.
PG_PORT="${TESTENV_POSTGRES_PORT:-15432}"

pg_bin() { local d; d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"; [ -n "$d" ] && echo "$d"; }
pg_ready() { local b; b="$(pg_bin)" || return 1; "$b/pg_isready" -q -h "$HOST_IP" -p "$PG_PORT" -d ircbridge -U postgres; }

start_postgres() {
  local d="$STATE/postgres" b
  b="$(pg_bin)" || die "postgresql is not installed"
  mkdir -p "$d/run"
  if [ ! -s "$d/data/PG_VERSION" ]; then
    log "postgres: initdb (once)"
    rm -rf "$d/data"; mkdir -p "$d/data"
    chown -R postgres:postgres "$d"
    runuser -u postgres -- "$b/initdb" -D "$d/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$d/initdb.log" 2>&1 || { tail -n 20 "$d/initdb.log" >&2; die "initdb failed"; }
  fi
  chown -R postgres:postgres "$d"
  log "postgres: starting on $HOST_IP:$PG_PORT"
  spawn postgres "$d/postgres.log" runuser -u postgres -- "$b/postgres" -D "$d/data" -p "$PG_PORT" -k "$d/run" \
    -c listen_addresses="$HOST_IP" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200
  echo "$(fingerprint postgres)" >"$RUN/postgres.fingerprint"
  local t0; t0=$(date +%s)
  until pg_ready_server; do
    svc_pid postgres >/dev/null || { show_log_tail postgres; die "postgres exited during start-up"; }
    [ $(( $(date +%s) - t0 )) -ge "$IRC_TIMEOUT" ] && { show_log_tail postgres; die "postgres did not answer within ${IRC_TIMEOUT}s"; }
    sleep 0.3
  done
  "$b/psql" -q -h "$HOST_IP" -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ircbridge'" | grep -q 1 \
    || "$b/createdb" -h "$HOST_IP" -p "$PG_PORT" -U postgres ircbridge || die "createdb ircbridge failed"
}
pg_ready_server() { local b; b="$(pg_bin)" || return 1; "$b/pg_isready" -q -h "$HOST_IP" -p "$PG_PORT" -U postgres -d postgres; }
