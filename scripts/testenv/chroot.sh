# Sourced by scripts/testenv.sh: the sid chroot where Synapse and Ergo run: made once (debootstrap
# from the machine's own apt mirror), and the mounts it needs (its /proc, and $STATE bind-mounted at
# $CSTATE inside it, where they keep their state), and their removal.
mounts_under() { # list mount points at or below $1, deepest first
  awk -v p="$1" '{ m=$2; gsub(/\\040/," ",m); if (m==p || index(m, p "/")==1) print m }' /proc/mounts | sort -r
}
umount_under() {
  local m
  while read -r m; do
    [ -n "$m" ] || continue
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "warning: could not unmount $m"
  done < <(mounts_under "$1")
}
is_mounted() { mountpoint -q "$1" 2>/dev/null; }

ensure_mounts() {
  mkdir -p "$STATE" "$STATE/appservices" "$RUN" "$CHROOT/proc" "$CHROOT$CSTATE"
  if ! is_mounted "$CHROOT/proc"; then
    mount -t proc proc "$CHROOT/proc"
    log "mounted proc at $CHROOT/proc"
  fi
  # A bind mount outlives its source: if $STATE was deleted and made again, the chroot
  # still sees the old, empty directory. Same device and inode, or mount it anew.
  if is_mounted "$CHROOT$CSTATE" && [ "$(stat -c %d:%i "$STATE")" != "$(stat -c %d:%i "$CHROOT$CSTATE")" ]; then
    log "the bind mount at $CHROOT$CSTATE is of an older $STATE: mounting it again"
    umount "$CHROOT$CSTATE" || umount -l "$CHROOT$CSTATE"
  fi
  if ! is_mounted "$CHROOT$CSTATE"; then
    mount --bind "$STATE" "$CHROOT$CSTATE"
    log "bind-mounted $STATE at $CHROOT$CSTATE"
  fi
}

ensure_chroot() {
  [ -e "$CHROOT/$MARKER" ] && return 0
  local mirror partial="$CHROOT.partial"
  mirror="$(apt_mirror)" || die "could not find the Debian archive URI in /etc/apt/sources.list{,.d}"
  mkdir -p "$(dirname "$CHROOT")"
  # A previous build was interrupted (or an incomplete tree is in the way): redo it cleanly.
  local d
  for d in "$partial" "$CHROOT"; do
    if [ -e "$d" ]; then
      log "removing incomplete chroot $d"
      umount_under "$d"
      [ -z "$(mounts_under "$d")" ] || die "mounts remain under $d; refusing to delete it"
      rm -rf --one-file-system "$d"
    fi
  done
  phase "debootstrap sid (minbase) into $CHROOT"
  debootstrap --variant=minbase sid "$partial" "$mirror" >"$(dirname "$CHROOT")/debootstrap.log" 2>&1 || {
    tail -n 30 "$(dirname "$CHROOT")/debootstrap.log" >&2; umount_under "$partial"; die "debootstrap failed"; }
  phase_end
  phase "chroot: apt-get install matrix-synapse ergochat"
  cp -L /etc/resolv.conf "$partial/etc/resolv.conf" 2>/dev/null || true
  printf '#!/bin/sh\nexit 101\n' >"$partial/usr/sbin/policy-rc.d"; chmod 755 "$partial/usr/sbin/policy-rc.d"
  chroot "$partial" "${CHROOT_ENV[@]}" DEBIAN_FRONTEND=noninteractive sh -c '
      apt-get -o Acquire::Check-Valid-Until=false -qq update &&
      apt-get -o Acquire::Check-Valid-Until=false install -y -qq --no-install-recommends matrix-synapse ergochat &&
      apt-get clean' >"$(dirname "$CHROOT")/chroot-apt.log" 2>&1 || {
    tail -n 30 "$(dirname "$CHROOT")/chroot-apt.log" >&2; umount_under "$partial"; die "apt-get in chroot failed"; }
  umount_under "$partial"
  chroot "$partial" dpkg-query -W -f='${Package} ${Version}\n' matrix-synapse ergochat >"$partial/$MARKER"
  mv "$partial" "$CHROOT"
  log "chroot ready: $(tr '\n' ' ' <"$CHROOT/$MARKER")"
  phase_end
}
