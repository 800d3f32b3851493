# Sourced by scripts/testenv.sh: readiness probes of the services, in bash only (no host packages
# needed to run them).
http_ok() { # GET url path on HOST_IP:port -> 0 iff status 200
  local port="$1" path="$2" line
  { exec 3<>"/dev/tcp/$HOST_IP/$port"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$path" >&3
  IFS= read -r -t 5 line <&3 || line=""
  exec 3<&- 3>&-
  [[ "$line" == HTTP/1.?\ 200* ]]
}
# irc_session <port> <timeout> <extra commands after 001...> ; prints all received lines
# Registers a probe nick, waits for 001, sends extra commands, reads until the
# terminator regex in $IRC_UNTIL (default: 001) or timeout.
irc_session() {
  local port="$1" tmo="$2"; shift 2
  local until="${IRC_UNTIL:- 001 }" nick="tp$$$RANDOM" line deadline sent=0
  { exec 4<>"/dev/tcp/$HOST_IP/$port"; } 2>/dev/null || return 1
  printf 'NICK %s\r\nUSER probe 0 * :testenv probe\r\n' "$nick" >&4
  deadline=$(( $(date +%s) + tmo ))
  local rc=1
  while [ "$(date +%s)" -lt "$deadline" ]; do
    IFS= read -r -t 2 line <&4 || { [ $? -gt 128 ] && continue; break; }
    line="${line%$'\r'}"
    printf '%s\n' "$line"
    case "$line" in
      PING*) printf 'PONG %s\r\n' "${line#PING }" >&4 ;;
    esac
    if [ "$sent" = 0 ] && [[ "$line" == *" 001 "* ]]; then
      sent=1
      local c; for c in "$@"; do printf '%s\r\n' "$c" >&4; done
    fi
    if [ "$sent" = 1 ] && [[ "$line" =~ $until ]]; then rc=0; break; fi
  done
  printf 'QUIT :probe\r\n' >&4 2>/dev/null || true
  exec 4<&- 4>&-
  return $rc
}
# irc_ok <port>: the server answers with a line (pre-registration command -> 451), no nick used
irc_ok() {
  local line=""
  { exec 5<>"/dev/tcp/$HOST_IP/$1"; } 2>/dev/null || return 1
  printf 'VERSION\r\n' >&5 2>/dev/null || { exec 5<&- 5>&-; return 1; }
  IFS= read -r -t 5 line <&5 || true
  printf 'QUIT\r\n' >&5 2>/dev/null || true
  exec 5<&- 5>&-
  [[ "$line" == :* ]]
}
insp_linked() {
  local out
  out="$(IRC_UNTIL=' 365 ' irc_session "$INSP1_PORT" 5 "LINKS" 2>/dev/null)" || return 1
  grep -q ' 364 .* insp2\.test ' <<<"$out"
}
svc_port() {
  case "$1" in synapse) echo "$SYNAPSE_PORT" ;; ergo) echo "$ERGO_PORT" ;; ergo-secure) echo "$SECURE_PORT" ;; inspircd) echo "$INSP1_PORT" ;; inspircd2) echo "$INSP2_PORT" ;; inspircd-staff) echo "$STAFF_PORT" ;; postgres) echo "$PG_PORT" ;; redis) echo "$REDIS_PORT" ;; esac
}
svc_ready() {
  case "$1" in
    synapse) http_ok "$SYNAPSE_PORT" /_matrix/client/versions ;;
    postgres) pg_ready ;;
    redis) redis_ready ;;
    *) irc_ok "$(svc_port "$1")" ;;
  esac
}
wait_ready() {
  local s="$1" tmo="$2" t0 pid
  t0=$(date +%s)
  while :; do
    if ! pid="$(svc_pid "$s")"; then
      show_log_tail "$s"; die "$s exited during start-up"
    fi
    svc_ready "$s" && return 0
    if [ $(( $(date +%s) - t0 )) -ge "$tmo" ]; then
      show_log_tail "$s"; die "$s did not answer within ${tmo}s"
    fi
    sleep 0.3
  done
}
wait_linked() {
  local t0; t0=$(date +%s)
  insp_linked && return 0
  # insp2 autoconnects (InspIRCd checks autoconnects on its ~5 s background
  # timer); speed the first link up with an explicit oper CONNECT from insp1.
  IRC_UNTIL=' (381|491) ' irc_session "$INSP1_PORT" 5 "OPER testoper testoper" "CONNECT insp2.test" >/dev/null 2>&1 || true
  until insp_linked; do
    if [ $(( $(date +%s) - t0 )) -ge "$IRC_TIMEOUT" ]; then
      show_log_tail inspircd; show_log_tail inspircd2
      die "insp1.test and insp2.test did not link within ${IRC_TIMEOUT}s"
    fi
    sleep 0.5
  done
}
