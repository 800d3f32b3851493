# Sourced by scripts/testenv.sh: the Redis service (bookworm's `redis-server` package, on the host),
# for the connection process (issue 14: IRC connections that outlive a bridge restart).
# Its own config on the command line: 127.0.0.1:$REDIS_PORT only, data under $STATE/redis, an
# append-only file so a Redis restart keeps the streams; the package's system service is never started.
REDIS_PORT="${TESTENV_REDIS_PORT:-16379}"

redis_ready() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h "$HOST_IP" -p "$REDIS_PORT" PING 2>/dev/null)" = PONG ]; }

start_redis() {
  local d="$STATE/redis"
  command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed"
  mkdir -p "$d"
  log "redis: starting on $HOST_IP:$REDIS_PORT"
  spawn redis "$d/redis.log" redis-server --bind "$HOST_IP" --port "$REDIS_PORT" --dir "$d" \
    --appendonly yes --save "" --daemonize no --protected-mode no --logfile ""
  echo "$(fingerprint redis)" >"$RUN/redis.fingerprint"
  wait_ready redis "$IRC_TIMEOUT"
}
