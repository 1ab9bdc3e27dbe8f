#!/bin/sh
# Builds, once, a Debian 13 (trixie) root filesystem holding Dovecot 2.4,
# Pigeonhole and spamc, with Debian's own debootstrap and packages, so the
# Dovecot 2.4 output of `sievewright dovecot-config learning` can be tested
# on a Debian 12 machine (which ships Dovecot 2.3) without touching the
# host's apt sources or packages. Prints the root's path on its last line.
#
# The tree is built in a temporary directory beside the cache and renamed
# into place only when complete, so an interrupted build is never reused.
# The marker file inside records what was asked for and what was installed;
# a change of the package list rebuilds. Fails loudly: tests need the tree.
#
# Usage: build-trixie-dovecot.sh   (as root; SIEVEWRIGHT_TRIXIE_DIR overrides
# the cache path, default /var/cache/sievewright-test/trixie-dovecot)
set -eu

CACHE=${SIEVEWRIGHT_TRIXIE_DIR:-/var/cache/sievewright-test/trixie-dovecot}
SUITE=trixie
MIRROR=http://deb.debian.org/debian
PACKAGES=dovecot-core,dovecot-imapd,dovecot-sieve,spamc
MARKER=sievewright-trixie-dovecot.txt
WANT="suite $SUITE packages $PACKAGES"

fail() {
  echo "build-trixie-dovecot: $*" >&2
  exit 1
}

built() {
  [ -f "$CACHE/$MARKER" ] && [ "$(head -n 1 "$CACHE/$MARKER")" = "$WANT" ]
}

# Unmounts whatever a killed debootstrap left mounted (it mounts /proc and
# /sys inside the target), then deletes the tree.
discard() {
  for mnt in $(awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mnt" || fail "cannot unmount $mnt; remove $1 by hand"
  done
  rm -rf "$1"
}

[ "$(id -u)" = 0 ] || fail "must run as root (debootstrap and chroot need it)"
if built; then
  echo "$CACHE"
  exit 0
fi
command -v debootstrap >/dev/null || fail "debootstrap is not installed; on Debian: apt-get install debootstrap (see .ci/run)"

parent=$(dirname "$CACHE")
mkdir -p "$parent"
exec 9>"$parent/.$(basename "$CACHE").lock"
flock 9
# Another build may have finished while we waited for the lock.
if built; then
  echo "$CACHE"
  exit 0
fi
# With the lock held, any earlier temporary tree is from a build that died.
for stale in "$parent/.$(basename "$CACHE").build."*; do
  [ -e "$stale" ] && discard "$stale"
done

tmp=$(mktemp -d "$parent/.$(basename "$CACHE").build.XXXXXX")
trap 'discard "$tmp"' EXIT
echo "build-trixie-dovecot: debootstrap $SUITE into $tmp (a few minutes, once)" >&2
# In the background so a signal is handled now, not after debootstrap ends:
# it is passed on, and the tree discarded once debootstrap has unmounted.
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp/root" "$MIRROR" >"$tmp/debootstrap.log" 2>&1 &
child=$!
trap 'kill "$child" 2>/dev/null; wait "$child"; exit 1' INT TERM HUP
wait "$child" || fail "debootstrap failed: $(tail -n 20 "$tmp/debootstrap.log")"
trap 'exit 1' INT TERM HUP

version=$(chroot "$tmp/root" /usr/sbin/dovecot --version) || fail "the built Dovecot does not run"
case "$version" in 2.4.*) ;; *) fail "expected Dovecot 2.4.x in $SUITE, got $version" ;; esac
{
  echo "$WANT"
  echo "dovecot $version"
  chroot "$tmp/root" dpkg-query -W -f '${Package} ${Version}\n' $(echo "$PACKAGES" | tr , ' ')
} >"$tmp/root/$MARKER"

if [ -e "$CACHE" ]; then
  mv -T "$CACHE" "$tmp/old"
fi
mv -T "$tmp/root" "$CACHE"
echo "$CACHE"
