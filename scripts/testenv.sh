#!/usr/bin/env bash
# Local/CI test environment for the Matrix<->IRC bridge.
#
#   scripts/testenv.sh up                 install what is missing, start what is not running, wait
#   scripts/testenv.sh down               stop everything this script started, unmount
#   scripts/testenv.sh status             one line per service; exit 0 iff all up
#   scripts/testenv.sh start|stop|restart <synapse|ergo|ergo-secure|inspircd|inspircd2|inspircd-staff|postgres|redis>
#   scripts/testenv.sh env                print `export` lines (also written to $STATE/env.sh by `up`)
#
# Services (all on 127.0.0.1):
#   synapse   Synapse (Debian sid package, in a chroot)  http  :18008  server_name "localhost"
#   ergo      Ergo    (Debian sid `ergochat`, chroot)      irc  :16667  ergo.test / ErgoTest
#   ergo-secure a second Ergo: plain :16690 advertising STS, TLS :16697 with a self-signed certificate
#             (made here with openssl), server password "secure-pass"; secure.test / ErgoSecure
#   inspircd  InspIRCd 3 (bookworm package, host)          irc  :16668  insp1.test / InspTest (links :17001)
#   inspircd2 InspIRCd 3, linked to insp1                   irc  :16669  insp2.test (links :17002)
#   postgres  PostgreSQL (bookworm `postgresql`, host)    sql  :15432  database ircbridge, user postgres (trust)
#   redis     Redis (bookworm `redis-server`, host)        resp :16379  the connection process's streams
#   inspircd-staff InspIRCd 3, alone, also on [::1]         irc  :16680  staff.test: asks ident,
#             trusts WEBIRC; the IPv6 prefix 2001:db8:5afe::/64 is routed to lo for per-user addresses
# See scripts/testenv/README.md for the limits/flood settings in effect.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TPL="$HERE/testenv"

CHROOT="${IRCBRIDGE_CHROOT:-/var/cache/ircbridge-testenv/sid}"
STATE="${IRCBRIDGE_TESTENV_DIR:-/var/tmp/ircbridge-testenv}"
HOST_IP="${TESTENV_BIND_HOST:-127.0.0.1}"
SYNAPSE_PORT="${TESTENV_SYNAPSE_PORT:-18008}"
ERGO_PORT="${TESTENV_ERGO_PORT:-16667}"
SECURE_PORT="${TESTENV_ERGO_SECURE_PORT:-16690}"
SECURE_TLS_PORT="${TESTENV_ERGO_SECURE_TLS_PORT:-16697}"
SECURE_PASS="secure-pass"
INSP1_PORT="${TESTENV_INSPIRCD_PORT:-16668}"
INSP2_PORT="${TESTENV_INSPIRCD2_PORT:-16669}"
INSP1_LINK_PORT="${TESTENV_INSPIRCD_LINK_PORT:-17001}"
INSP2_LINK_PORT="${TESTENV_INSPIRCD2_LINK_PORT:-17002}"
STAFF_PORT="${TESTENV_INSPIRCD_STAFF_PORT:-16680}"
STAFF_HOST6="${TESTENV_BIND_HOST6:-::1}"
STAFF_PREFIX="${TESTENV_STAFF_IPV6_PREFIX:-2001:db8:5afe::/64}"
SYNAPSE_TIMEOUT="${TESTENV_SYNAPSE_TIMEOUT:-120}"
IRC_TIMEOUT="${TESTENV_IRC_TIMEOUT:-30}"

# Inside the chroot, $STATE is bind-mounted here:
CSTATE=/srv/ircbridge-testenv
RUN="$STATE/run"
MARKER=".ircbridge-testenv-complete"
SERVICES=(synapse ergo ergo-secure inspircd inspircd2 inspircd-staff postgres redis)
CHROOT_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8)

# shellcheck source=testenv/hostPackages.sh
source "$TPL/hostPackages.sh"
# shellcheck source=testenv/postgres.sh
source "$TPL/postgres.sh"
# shellcheck source=testenv/redis.sh
source "$TPL/redis.sh"
# shellcheck source=testenv/chroot.sh
source "$TPL/chroot.sh"
# shellcheck source=testenv/probes.sh
source "$TPL/probes.sh"

# ---------------------------------------------------------------- logging
_now() { date +%s.%N; }
log() { printf '[testenv %s] %s\n' "$(date '+%H:%M:%S.%3N')" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
PHASE_NAME="" PHASE_T0=""
phase() { PHASE_NAME="$1"; PHASE_T0="$(_now)"; log "phase '$1' ..."; }
phase_end() { log "phase '$PHASE_NAME' done in $(awk -v a="$PHASE_T0" -v b="$(_now)" 'BEGIN{printf "%.1f", b-a}')s"; }


# ---------------------------------------------------------------- locking
lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 600 9 || die "could not lock $STATE/.lock"
}

# ---------------------------------------------------------------- process management
pidfile() { echo "$RUN/$1.pid"; }
svc_pattern() {
  case "$1" in
    synapse) echo "synapse.app.homeserver" ;;
    ergo|ergo-secure) echo "ergochat" ;;
    inspircd|inspircd2|inspircd-staff) echo "inspircd" ;;
    postgres) echo "postgres" ;;
    redis) echo "redis-server" ;;
  esac
}
svc_pid() { # prints pid if running (stale pid files are removed)
  local pf pid
  pf="$(pidfile "$1")"
  [ -s "$pf" ] || return 1
  pid="$(cat "$pf")"
  # A process in the middle of its exec (spawn) shows an empty cmdline for a moment: read it again
  # rather than take a starting server for a stale pid file (and delete the file under it).
  local cmd="" _
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    cmd="$( { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null)" || break
    [ -n "$cmd" ] && break
    sleep 0.05
  done
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
     && grep -q -- "$(svc_pattern "$1")" <<<"$cmd" \
     && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
    echo "$pid"; return 0
  fi
  rm -f "$pf" "$RUN/$1.fingerprint"
  return 1
}
svc_log() {
  case "$1" in
    synapse) echo "$STATE/synapse/homeserver.log $STATE/synapse/stdout.log" ;;
    ergo) echo "$STATE/ergo/ergo.log" ;;
    ergo-secure) echo "$STATE/ergo-secure/ergo.log" ;;
    inspircd) echo "$STATE/inspircd/ircd.log $STATE/inspircd/stdout.log" ;;
    inspircd2) echo "$STATE/inspircd2/ircd.log $STATE/inspircd2/stdout.log" ;;
    inspircd-staff) echo "$STATE/inspircd-staff/ircd.log $STATE/inspircd-staff/stdout.log" ;;
    postgres) echo "$STATE/postgres/postgres.log" ;;
    redis) echo "$STATE/redis/redis.log" ;;
  esac
}
show_log_tail() {
  local f
  for f in $(svc_log "$1"); do
    [ -f "$f" ] && { log "---- tail of $f"; tail -n 40 "$f" >&2; }
  done
  return 0
}

# spawn <name> <logfile> cmd... : detached (own session), no inherited fds, pid file written
spawn() {
  local name="$1" logf="$2"; shift 2
  local pf; pf="$(pidfile "$name")"
  rm -f "$pf"
  ulimit -n 65536 2>/dev/null || ulimit -n 8192 2>/dev/null || true
  # the child closes every inherited fd > 2 (lock fd, callers' pipes) before exec
  setsid bash -c 'echo $$ >"$0"
    for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null
    exec "$@"' "$pf" "$@" </dev/null >>"$logf" 2>&1 9>&- &

  for _ in $(seq 50); do [ -s "$pf" ] && break; sleep 0.05; done
  [ -s "$pf" ] || die "$name: pid file not written"
}

stop_svc() {
  local s="$1" pid
  pid="$(svc_pid "$s")" || { rm -f "$RUN/$s.fingerprint"; return 0; }
  log "stopping $s (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "$s did not exit after 15s; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  rm -f "$(pidfile "$s")" "$RUN/$s.fingerprint"
}

# ---------------------------------------------------------------- fingerprints (config inputs)
fingerprint() {
  if [ "$1" = inspircd-staff ]; then
    { echo "$1 $HOST_IP $STAFF_HOST6 $STAFF_PORT $STAFF_PREFIX"; cat "$TPL/inspircd-staff.conf.in"; declare -f render_inspircd_staff; } | sha256sum | cut -c1-64
    return 0
  fi
  {
    echo "$1 $HOST_IP $SYNAPSE_PORT $ERGO_PORT $INSP1_PORT $INSP2_PORT $INSP1_LINK_PORT $INSP2_LINK_PORT"
    case "$1" in
      synapse)
        cat "$TPL/synapse-config.py"
        local f
        for f in "$STATE"/appservices/*.yaml; do
          [ -e "$f" ] || continue
          echo "== $(basename "$f")"; cat "$f"
        done ;;
      ergo) cat "$TPL/ergo-config.py" ;;
      ergo-secure) echo "$SECURE_PORT $SECURE_TLS_PORT $SECURE_PASS"; cat "$TPL/ergo-config.py"; declare -f start_ergo ;;
      inspircd|inspircd2) cat "$TPL/inspircd.conf.in"; declare -f render_inspircd ;;
      postgres) cat "$TPL/postgres.sh" ;;
      redis) cat "$TPL/redis.sh" ;;
    esac
  } | sha256sum | cut -c1-64
}

# ---------------------------------------------------------------- service starters
in_chroot() { chroot "$CHROOT" "${CHROOT_ENV[@]}" "$@"; }

start_synapse() {
  local d="$STATE/synapse"
  mkdir -p "$d" "$STATE/appservices"
  if [ ! -s "$d/generated.yaml" ]; then
    log "synapse: generating config (once)"
    rm -f "$d/generated.tmp.yaml"
    in_chroot python3 -m synapse.app.homeserver --server-name localhost \
      --config-path "$CSTATE/synapse/generated.tmp.yaml" --data-directory "$CSTATE/synapse" \
      --generate-config --report-stats=no >"$d/generate.log" 2>&1 || { cat "$d/generate.log" >&2; die "synapse --generate-config failed"; }
    mv "$d/generated.tmp.yaml" "$d/generated.yaml"
  fi
  local fp; fp="$(fingerprint synapse)"
  in_chroot python3 - "$CSTATE/synapse/generated.yaml" "$CSTATE/synapse/homeserver.yaml" "$CSTATE/synapse" \
    "$HOST_IP" "$SYNAPSE_PORT" "$CSTATE/appservices" <"$TPL/synapse-config.py" >&2
  local n; n="$(find "$STATE/appservices" -maxdepth 1 -name '*.yaml' | wc -l)"
  log "synapse: starting on $HOST_IP:$SYNAPSE_PORT with $n appservice registration(s)"
  spawn synapse "$d/stdout.log" chroot "$CHROOT" "${CHROOT_ENV[@]}" \
    python3 -m synapse.app.homeserver -c "$CSTATE/synapse/homeserver.yaml"
  echo "$fp" >"$RUN/synapse.fingerprint"
  wait_ready synapse "$SYNAPSE_TIMEOUT"
}

start_ergo() { # [ergo|ergo-secure]
  local s="${1:-ergo}" d port secure=()
  d="$STATE/$s"
  mkdir -p "$d"
  if [ ! -s "$d/oper.hash" ]; then
    printf 'testoper\ntestoper\n' | in_chroot ergochat genpasswd 2>/dev/null | grep -o '\$2[aby]\$.*' >"$d/oper.hash.tmp"
    [ -s "$d/oper.hash.tmp" ] || die "ergochat genpasswd failed"
    mv "$d/oper.hash.tmp" "$d/oper.hash"
  fi
  port="$ERGO_PORT"
  if [ "$s" = ergo-secure ]; then
    port="$SECURE_PORT"
    if [ ! -s "$d/pass.hash" ]; then
      printf '%s\n%s\n' "$SECURE_PASS" "$SECURE_PASS" | in_chroot ergochat genpasswd 2>/dev/null | grep -o '\$2[aby]\$.*' >"$d/pass.hash.tmp"
      [ -s "$d/pass.hash.tmp" ] || die "ergochat genpasswd failed"
      mv "$d/pass.hash.tmp" "$d/pass.hash"
    fi
    if [ ! -s "$d/tls.crt" ]; then
      log "ergo-secure: self-signed certificate (once)"
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
        -subj /CN=secure.test -addext "subjectAltName=DNS:secure.test,IP:127.0.0.1" \
        -keyout "$d/tls.key.tmp" -out "$d/tls.crt.tmp" >/dev/null 2>&1 || die "openssl req failed"
      mv "$d/tls.key.tmp" "$d/tls.key"; mv "$d/tls.crt.tmp" "$d/tls.crt"
    fi
    secure=("$HOST_IP:$SECURE_TLS_PORT" "$CSTATE/$s/tls.crt" "$CSTATE/$s/tls.key" "$(cat "$d/pass.hash")")
  fi
  local fp; fp="$(fingerprint "$s")"
  in_chroot python3 - /etc/ergochat/ircd.yaml "$CSTATE/$s/ircd.yaml" "$CSTATE/$s" \
    "$HOST_IP:$port" "$(cat "$d/oper.hash")" "${secure[@]}" <"$TPL/ergo-config.py" >"$d/effective-settings.txt"
  if [ ! -e "$d/ircd.db" ]; then
    log "$s: initdb (once)"
    in_chroot ergochat initdb --conf "$CSTATE/$s/ircd.yaml" --quiet >>"$d/ergo.log" 2>&1 || { tail -n 20 "$d/ergo.log" >&2; die "ergochat initdb failed"; }
  fi
  log "$s: starting on $HOST_IP:$port"
  spawn "$s" "$d/ergo.log" chroot "$CHROOT" "${CHROOT_ENV[@]}" ergochat run --conf "$CSTATE/$s/ircd.yaml"
  echo "$fp" >"$RUN/$s.fingerprint"
  wait_ready "$s" "$IRC_TIMEOUT"
}

render_inspircd() { # <svc> <dir>
  local s="$1" d="$2" server sid desc cport lport peer plport auto throttle
  if [ "$s" = inspircd ]; then
    server=insp1.test sid=1IN desc="InspIRCd test server 1" cport=$INSP1_PORT lport=$INSP1_LINK_PORT
    peer=insp2.test plport=$INSP2_LINK_PORT auto="# (insp2.test autoconnects to us)"
    throttle="# (no connection throttle on insp1.test)"
  else
    server=insp2.test sid=2IN desc="InspIRCd test server 2" cport=$INSP2_PORT lport=$INSP2_LINK_PORT
    peer=insp1.test plport=$INSP1_LINK_PORT auto="<autoconnect period=\"2s\" server=\"insp1.test\">"
    # insp2 throttles connections (more than 20 in 5 s: refused for 5 s), like a network that
    # throttles a bridge's address; the bridge's connect circuit breaker is tested against it.
    throttle="<module name=\"connflood\"><connflood period=\"5\" maxconns=\"20\" timeout=\"5\" bootwait=\"0\" splitwait=\"0\" quitmsg=\"Throttled: too many connections in a short time, try again later\">"
  fi
  sed -e "s|@SERVER@|$server|g" -e "s|@SID@|$sid|g" -e "s|@DESC@|$desc|g" -e "s|@HOST@|$HOST_IP|g" \
      -e "s|@CLIENT_PORT@|$cport|g" -e "s|@LINK_PORT@|$lport|g" -e "s|@PEER@|$peer|g" \
      -e "s|@PEER_LINK_PORT@|$plport|g" -e "s|@DIR@|$d|g" -e "s|@AUTOCONNECT@|$auto|g" \
      -e "s|@THROTTLE@|$throttle|g" "$TPL/inspircd.conf.in" >"$d/inspircd.conf"
  printf 'Welcome to %s (ircbridge test environment).\n' "$server" >"$d/motd.txt"
}

render_inspircd_staff() { # <dir>
  local d="$1"
  sed -e "s|@HOST@|$HOST_IP|g" -e "s|@HOST6@|$STAFF_HOST6|g" -e "s|@CLIENT_PORT@|$STAFF_PORT|g" \
      -e "s|@PREFIX@|$STAFF_PREFIX|g" -e "s|@DIR@|$d|g" "$TPL/inspircd-staff.conf.in" >"$d/inspircd.conf"
  printf 'Welcome to staff.test (ircbridge test environment).\n' >"$d/motd.txt"
}

# The bridge's per-user IPv6 addresses on loopback: the prefix is routed to lo (so the IRC server
# can reach the ident server at each user's address) and binding to its addresses is allowed.
ensure_staff_ipv6() {
  command -v ip >/dev/null 2>&1 || die "inspircd-staff needs the 'ip' command (iproute2)"
  [ "$(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null || echo 1)" = 0 ] || die "IPv6 is disabled on lo (net.ipv6.conf.lo.disable_ipv6); inspircd-staff needs it"
  ip -6 route replace local "$STAFF_PREFIX" dev lo || die "could not route $STAFF_PREFIX to lo"
  [ "$(cat /proc/sys/net/ipv6/ip_nonlocal_bind 2>/dev/null || echo 0)" = 1 ] || echo 1 >/proc/sys/net/ipv6/ip_nonlocal_bind \
    || die "could not set net.ipv6.ip_nonlocal_bind=1 (binding to the per-user addresses)"
}

start_inspircd_staff() {
  local d="$STATE/inspircd-staff"
  mkdir -p "$d"
  ensure_staff_ipv6
  local fp; fp="$(fingerprint inspircd-staff)"
  render_inspircd_staff "$d"
  log "inspircd-staff: starting on $HOST_IP:$STAFF_PORT and [$STAFF_HOST6]:$STAFF_PORT"
  spawn inspircd-staff "$d/stdout.log" /usr/sbin/inspircd --config "$d/inspircd.conf" --nofork --runasroot
  echo "$fp" >"$RUN/inspircd-staff.fingerprint"
  wait_ready inspircd-staff "$IRC_TIMEOUT"
}

start_inspircd() { # inspircd | inspircd2
  local s="$1" d="$STATE/$1"
  mkdir -p "$d"
  local fp; fp="$(fingerprint "$s")"
  render_inspircd "$s" "$d"
  log "$s: starting on $HOST_IP:$(svc_port "$s")"
  spawn "$s" "$d/stdout.log" /usr/sbin/inspircd --config "$d/inspircd.conf" --nofork --runasroot
  echo "$fp" >"$RUN/$s.fingerprint"
  wait_ready "$s" "$IRC_TIMEOUT"
}

start_svc() {
  local s="$1"
  case "$s" in
    synapse|ergo|ergo-secure) host_pkgs_ok && [ -e "$CHROOT/$MARKER" ] || { ensure_host_packages; ensure_chroot; }
                  ensure_mounts ;;
    inspircd|inspircd2|inspircd-staff|postgres|redis) ensure_host_packages; mkdir -p "$RUN" ;;
  esac
  # The route and sysctl do not survive a reboot; the server may have.
  [ "$s" = inspircd-staff ] && ensure_staff_ipv6
  if svc_pid "$s" >/dev/null; then
    wait_ready "$s" "$([ "$s" = synapse ] && echo "$SYNAPSE_TIMEOUT" || echo "$IRC_TIMEOUT")"
    return 0
  fi
  local t0; t0="$(_now)"
  case "$s" in
    synapse) start_synapse ;;
    ergo|ergo-secure) start_ergo "$s" ;;
    inspircd|inspircd2) start_inspircd "$s" ;;
    inspircd-staff) start_inspircd_staff ;;
    postgres) start_postgres ;;
    redis) start_redis ;;
  esac
  log "$s up (pid $(svc_pid "$s")) after $(awk -v a="$t0" -v b="$(_now)" 'BEGIN{printf "%.1f", b-a}')s"
}

# ---------------------------------------------------------------- env
print_env() {
  cat <<EOF
export IRCBRIDGE_TESTENV_DIR=$STATE
export TESTENV_SYNAPSE_URL=http://$HOST_IP:$SYNAPSE_PORT
export TESTENV_SYNAPSE_DOMAIN=localhost
export TESTENV_SYNAPSE_SHARED_SECRET=testenv-shared-secret
export TESTENV_APPSERVICE_DIR=\$IRCBRIDGE_TESTENV_DIR/appservices
export TESTENV_ERGO_HOST=$HOST_IP TESTENV_ERGO_PORT=$ERGO_PORT
export TESTENV_ERGO_OPER=admin TESTENV_ERGO_OPER_PASS=testoper
export TESTENV_ERGO_SECURE_PORT=$SECURE_PORT TESTENV_ERGO_SECURE_TLS_PORT=$SECURE_TLS_PORT TESTENV_ERGO_SECURE_PASS=$SECURE_PASS TESTENV_ERGO_SECURE_CERT=$STATE/ergo-secure/tls.crt
export TESTENV_INSPIRCD_HOST=$HOST_IP TESTENV_INSPIRCD_PORT=$INSP1_PORT TESTENV_INSPIRCD2_PORT=$INSP2_PORT
export TESTENV_INSPIRCD_OPER=testoper TESTENV_INSPIRCD_OPER_PASS=testoper
export TESTENV_POSTGRES_URL=postgresql://postgres@$HOST_IP:$PG_PORT/ircbridge
export TESTENV_REDIS_URL=redis://$HOST_IP:$REDIS_PORT
export TESTENV_INSPIRCD_STAFF_PORT=$STAFF_PORT TESTENV_INSPIRCD_STAFF_HOST6=$STAFF_HOST6 TESTENV_STAFF_IPV6_PREFIX=$STAFF_PREFIX TESTENV_STAFF_WEBIRC_PASS=staffwebirc
# Flood control left ON on purpose (see scripts/testenv/README.md):
#  Ergo fakelag: window=1s burst-limit=5 messages-per-window=2 cooldown=2s (opers with nofakelag are exempt)
#  InspIRCd: threshold=20 commandrate=10000 (10 cmd/s) fakelag=yes recvq=32K softsendq=64K hardsendq=4M
#  Connection limits: Ergo exempts loopback from ip-limits; InspIRCd localmax=globalmax=1000 for 127.0.0.0/8
EOF
}

# ---------------------------------------------------------------- commands
cmd_up() {
  local T0; T0="$(_now)"
  lock
  # fast path: everything running with the expected config -> only cheap readiness checks
  ensure_host_packages
  ensure_chroot
  ensure_mounts
  local s
  for s in "${SERVICES[@]}"; do
    if svc_pid "$s" >/dev/null && [ "$(cat "$RUN/$s.fingerprint" 2>/dev/null)" != "$(fingerprint "$s")" ]; then
      log "$s: configuration inputs changed (e.g. appservice registrations) -> restart"
      stop_svc "$s"
    fi
    start_svc "$s"
  done
  wait_linked
  print_env >"$STATE/env.sh"
  log "all services up (${STATE}/env.sh) in $(awk -v a="$T0" -v b="$(_now)" 'BEGIN{printf "%.1f", b-a}')s"
}

cmd_down() {
  lock
  # SIGTERM everything at once, then wait (each server needs 1-2 s to exit)
  local s pid pids=()
  for s in "${SERVICES[@]}"; do
    if pid="$(svc_pid "$s")"; then log "stopping $s (pid $pid)"; kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); fi
  done
  for _ in $(seq 150); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for s in "${SERVICES[@]}"; do stop_svc "$s"; done  # SIGKILLs stragglers, removes pid files
  if [ -d "$CHROOT" ]; then
    if is_mounted "$CHROOT$CSTATE"; then umount "$CHROOT$CSTATE" || umount -l "$CHROOT$CSTATE"; log "unmounted $CHROOT$CSTATE"; fi
    if is_mounted "$CHROOT/proc"; then umount "$CHROOT/proc" || umount -l "$CHROOT/proc"; log "unmounted $CHROOT/proc"; fi
  fi
  log "down"
}

cmd_status() {
  local s pid rc=0 extra
  for s in "${SERVICES[@]}"; do
    if pid="$(svc_pid "$s")" && svc_ready "$s"; then
      extra=""
      [ "$s" = inspircd2 ] && { insp_linked && extra=" linked to insp1.test" || { extra=" NOT linked"; rc=1; }; }
      printf '%-14s up    pid %-7s %s:%s%s\n' "$s" "$pid" "$HOST_IP" "$(svc_port "$s")" "$extra"
    elif [ -n "${pid:-}" ]; then
      printf '%-14s DOWN  (pid %s running but not answering)\n' "$s" "$pid"; rc=1
    else
      printf '%-14s DOWN\n' "$s"; rc=1
    fi
    pid=""
  done
  return $rc
}

check_svc() {
  case "${1:-}" in synapse|ergo|ergo-secure|inspircd|inspircd2|inspircd-staff|postgres|redis) ;; *) die "unknown service '${1:-}' (synapse|ergo|ergo-secure|inspircd|inspircd2|inspircd-staff|postgres|redis)" ;; esac
}

main() {
  local cmd="${1:-}"; shift || true
  case "$cmd" in up|down|start|stop|restart) [ "$(id -u)" = 0 ] || die "must run as root (apt, debootstrap, chroot, mount)" ;; esac
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) print_env ;;
    start) check_svc "${1:-}"; lock; start_svc "$1"
           if [ "$1" = inspircd ] || [ "$1" = inspircd2 ]; then
             svc_pid inspircd >/dev/null && svc_pid inspircd2 >/dev/null && wait_linked; fi ;;
    stop) check_svc "${1:-}"; lock; stop_svc "$1" ;;
    restart) check_svc "${1:-}"; lock; stop_svc "$1"; start_svc "$1"
           if [ "$1" = inspircd ] || [ "$1" = inspircd2 ]; then
             svc_pid inspircd >/dev/null && svc_pid inspircd2 >/dev/null && wait_linked; fi ;;
    *) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}
main "$@"
