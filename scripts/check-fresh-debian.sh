#!/usr/bin/env bash
# Proves the README's set-up on a fresh Debian 12: builds a minimal bookworm root with mmdebstrap, copies the
# tracked files of this tree into it, and runs, as root inside, what a new user runs: scripts/demo.sh --once
# (set-up-debian.sh, configure, build, a private Redis, the server, the sample models, tasks through the API).
# Extra arguments replace that command, e.g. `check-fresh-debian.sh scripts/test.sh -L unit`.
#
# The host's ccache directory is bind-mounted into the root with the same CCACHE_BASEDIR/NOHASHDIR as
# scripts/build.sh, so a warm cache makes the in-root build mostly hits. Everything is unmounted and removed on
# exit. Needs root and the `mmdebstrap` package (scripts/setup-debian.sh installs it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$(id -u)" -ne 0 ]; then
  echo "check-fresh-debian.sh: needs root (chroot, mounts)" >&2
  exit 2
fi
command -v mmdebstrap >/dev/null || { echo "check-fresh-debian.sh: install mmdebstrap first" >&2; exit 2; }
COMMAND=("$@")
[ "${#COMMAND[@]}" -gt 0 ] || COMMAND=(scripts/demo.sh --once)

CACHE="${CCACHE_DIR:-$HOME/.cache/ccache}"
mkdir -p "$CACHE"
WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/mmf-fresh.XXXXXX")"
FRESH="$WORK/root"
MOUNTS=()
cleanup() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" || true; done
  # Never delete through a mount that is still there (the host's ccache, /dev).
  if ! grep -q " $FRESH" /proc/self/mounts; then rm -rf "$WORK"; else echo "left $WORK (still mounted)" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bind() { # bind SOURCE TARGET-INSIDE
  mkdir -p "$FRESH$2"
  mount --bind "$1" "$FRESH$2"
  MOUNTS+=("$FRESH$2")
}

start=$(date +%s)
echo "==> mmdebstrap --variant=minbase bookworm into $FRESH"
# force-unsafe-io (kept in the root's dpkg.cfg.d): no fsync per file in a throwaway root; unpacking the build
# dependencies otherwise takes many minutes on a busy disk.
mmdebstrap --variant=minbase --quiet --dpkgopt=force-unsafe-io bookworm "$FRESH"
# Name resolution, and the host's CA bundle for npm (a proxy with its own CA is trusted by the host only).
cp /etc/resolv.conf "$FRESH/etc/resolv.conf"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$FRESH/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$FRESH/etc/ssl/certs/host-ca.crt"
fi

# The host's downloaded .debs, hard-linked (same file system) or skipped: apt in the root checks each against its
# own fresh index and downloads whatever is missing, so the package list is tested all the same, only faster.
if [ -d /var/cache/apt/archives ]; then
  find /var/cache/apt/archives -maxdepth 1 -name '*.deb' -exec cp -l -t "$FRESH/var/cache/apt/archives/" {} + 2>/dev/null || true
fi

echo "==> copying the tracked files of $ROOT"
mkdir -p "$FRESH/src/mmf"
(cd "$ROOT" && git ls-files -z | tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$FRESH/src/mmf"

mount -t proc proc "$FRESH/proc"
MOUNTS+=("$FRESH/proc")
bind /dev /dev
bind /dev/pts /dev/pts
bind /dev/shm /dev/shm
bind "$CACHE" /root/.cache/ccache
echo "==> root ready after $(($(date +%s) - start)) s; running ${COMMAND[*]}"

chroot "$FRESH" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 TERM=dumb NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca.crt \
  CCACHE_DIR=/root/.cache/ccache CCACHE_BASEDIR=/src/mmf CCACHE_NOHASHDIR=1 \
  MMF_DEMO_PORT=0 \
  /bin/bash -c 'cd /src/mmf && exec "$@"' check "${COMMAND[@]}"
echo "==> fresh Debian 12: ${COMMAND[*]} passed in $(($(date +%s) - start)) s"
