# Sourced by scripts/testenv.sh: the host's Debian packages and the apt mirror they come from.
host_pkgs_ok() { command -v debootstrap >/dev/null 2>&1 && [ -x /usr/sbin/inspircd ] && command -v ip >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 && pg_bin >/dev/null && command -v redis-server >/dev/null 2>&1; }

ensure_host_packages() {
  host_pkgs_ok && return 0
  phase "host packages (apt: debootstrap inspircd iproute2 openssl postgresql redis-server)"
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p "$STATE"
  apt-get update -qq >&2
  # Keep the inspircd package's postinst from starting a system service.
  local prc=/usr/sbin/policy-rc.d had_prc=""
  if [ -e "$prc" ]; then had_prc=1; mv "$prc" "$prc.testenv-save"; fi
  printf '#!/bin/sh\nexit 101\n' >"$prc"; chmod 755 "$prc"
  # iproute2: the local route for the per-user IPv6 prefix (inspircd-staff)
  # openssl: ergo-secure's self-signed certificate
  # postgresql: the PostgreSQL store's tests (its default cluster is never started: policy-rc.d)
  # redis-server: the connection process's streams (its system service is never started: policy-rc.d)
  local rc=0 pkgs=(debootstrap inspircd iproute2 openssl postgresql redis-server)
  # https mirrors need CA certificates inside debootstrap's downloads
  case "$(apt_mirror 2>/dev/null || true)" in https:*) pkgs+=(ca-certificates) ;; esac
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >"$STATE/host-apt.log" 2>&1 || { rc=$?; tail -n 30 "$STATE/host-apt.log" >&2; }
  rm -f "$prc"; if [ -n "$had_prc" ]; then mv "$prc.testenv-save" "$prc"; fi
  [ "$rc" = 0 ] || die "apt-get install failed"
  # Belt and braces: if a system inspircd got started anyway, stop it.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now inspircd >/dev/null 2>&1 || true
  fi
  if [ -s /run/inspircd/inspircd.pid ]; then kill "$(cat /run/inspircd/inspircd.pid)" 2>/dev/null || true; fi
  host_pkgs_ok || die "host packages still missing after install"
  phase_end
}

# ---------------------------------------------------------------- mirror from apt config
# Prints the URI of the main Debian archive as configured on this machine.
apt_mirror() {
  local f uri=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    uri="$(awk '
      function flush() { if (isdeb && uri != "" && suites != "" && suites !~ /-security/ && !done) { print uri; done=1 } uri=""; suites=""; isdeb=0 }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:"  { for (i=2;i<=NF;i++) if ($i=="deb") isdeb=1 }
      tolower($1) == "uris:"   { uri=$2 }
      tolower($1) == "suites:" { suites=$0 }
      tolower($1) == "enabled:" && tolower($2) == "no" { isdeb=0; uri="" }
      END { flush() }' "$f")"
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    uri="$(awk '
      $1 != "deb" { next }
      { i=2; if ($2 ~ /^\[/) { while (i<=NF && $i !~ /\]$/) i++; i++ } u=$i; s=$(i+1)
        if (s !~ /-security/ && u !~ /security/) { print u; exit } }' "$f")"
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  return 1
}
