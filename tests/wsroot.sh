#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Debian roots with another Wireshark, for building and testing the plugin
# against the versions the machine does not have:
#
#   tests/wsroot.sh make  SUITE        make (or reuse) the cached root of SUITE
#   tests/wsroot.sh run   SUITE CMD..  run CMD inside it, in this checkout
#   tests/wsroot.sh path  SUITE        print the root's folder
#   tests/wsroot.sh clean [SUITE]      remove one cached root, or all
#
# SUITE is a Debian suite: trixie (Wireshark 4.4) or sid (4.6); bookworm
# (4.0) works as well. Roots are made with mmdebstrap and cached in
# $WSROOT_CACHE (default /var/cache/msnp-qq-wsroot); a root is made again when
# the package list changes. The checkout's parent folder (the project and
# shared/ beside it) is bind-mounted at the same path inside the root, and
# /proc and /dev only while a command runs.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${WSROOT_CACHE:-/var/cache/msnp-qq-wsroot}

usage() { sed -n '4,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

need_root() {
    [ "$(id -u)" -eq 0 ] || { echo "wsroot: run as root (mmdebstrap, mount, chroot)" >&2; exit 1; }
}

packages() {
    # The same lists as the README's commands install on the machine.
    "$here/plugin.sh" packages "$1" | tr '\n' ',' | sed 's/,$//'
}

make_root() {
    local suite=$1 dir="$cache/$1" pkgs stamp
    need_root
    pkgs=$(packages "$suite")
    stamp=$(printf '%s\n' "$suite" "$pkgs" | sha256sum | cut -c1-16)
    if [ -f "$dir/.wsroot-stamp" ] && [ "$(cat "$dir/.wsroot-stamp")" = "$stamp" ]; then
        return 0
    fi
    command -v mmdebstrap >/dev/null ||
        env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
    rm -rf "$dir.new"
    mkdir -p "$cache"
    echo "wsroot: making the $suite root (Debian packages, about a minute)" >&2
    # sid's InRelease can be past its Valid-Until; the hook pre-answers the
    # only debconf question of wireshark-common so the install stays quiet.
    mmdebstrap --quiet --variant=apt --include="$pkgs" \
        --aptopt='Acquire::Check-Valid-Until "false"' \
        --essential-hook='echo "wireshark-common wireshark-common/install-setuid boolean false" | chroot "$1" debconf-set-selections' \
        "$suite" "$dir.new" http://deb.debian.org/debian >"$cache/$suite.log" 2>&1 || {
        echo "wsroot: mmdebstrap $suite failed; last lines of $cache/$suite.log:" >&2
        tail -n 20 "$cache/$suite.log" >&2
        rm -rf "$dir.new"
        exit 1
    }
    echo "$stamp" >"$dir.new/.wsroot-stamp"
    rm -rf "$dir"
    mv "$dir.new" "$dir"
}

run_in_root() {
    local suite=$1 dir="$cache/$1" top rc=0
    shift
    need_root
    [ -f "$dir/.wsroot-stamp" ] || make_root "$suite"
    top=$(dirname "$here")
    mkdir -p "$dir$top"
    # Everything mounted here is unmounted on the way out, whatever happens.
    # A folder beside the checkout that is a link to elsewhere (shared/ in
    # a worktree) is mounted at its target's path too, so the link resolves.
    local link target extra=()
    for link in "$top"/*; do
        [ -L "$link" ] && [ -d "$link" ] || continue
        target=$(readlink -f "$link")
        case "$target/" in "$top"/*) continue ;; esac
        extra+=("$target")
    done
    trap 'for t in "${extra[@]}"; do umount -l "$dir$t" 2>/dev/null || true; done
          umount -l "$dir$top" "$dir/dev" "$dir/proc" 2>/dev/null || true' EXIT
    mount --bind "$top" "$dir$top"
    for target in "${extra[@]}"; do
        mkdir -p "$dir$target"
        mount --bind "$target" "$dir$target"
    done
    mount -t proc proc "$dir/proc"
    mount --rbind /dev "$dir/dev"
    mount --make-rslave "$dir/dev"
    cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 CI="${CI:-}" WSROOT="$suite" \
        /bin/bash -c 'cd "$1" && shift && exec "$@"' bash "$here" "$@" || rc=$?
    for target in "${extra[@]}"; do umount -l "$dir$target" 2>/dev/null || true; done
    umount -l "$dir$top" "$dir/dev" "$dir/proc" 2>/dev/null || true
    trap - EXIT
    return "$rc"
}

case "${1:-}" in
make) [ $# -eq 2 ] || usage; make_root "$2" ;;
run) [ $# -ge 3 ] || usage; suite=$2; shift 2; run_in_root "$suite" "$@" ;;
path) [ $# -eq 2 ] || usage; echo "$cache/$2" ;;
clean)
    need_root
    if [ $# -eq 2 ]; then rm -rf "${cache:?}/$2" "${cache:?}/$2.new"; else rm -rf "${cache:?}"; fi
    ;;
*) usage ;;
esac
