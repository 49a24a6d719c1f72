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

# Said whenever a root cannot be had: the machine's own test needs none.
NO_ROOT_NEEDED="./plugin.sh test alone (the machine's Wireshark) needs no Debian root"

need_root() {
    [ "$(id -u)" -eq 0 ] ||
        { echo "wsroot: Debian roots need root (mmdebstrap, mount, chroot); $NO_ROOT_NEEDED" >&2; exit 1; }
}

packages() {
    # The same lists as ./plugin.sh deps installs on the machine.
    "$here/plugin.sh" packages "$1" | tr '\n' ',' | sed 's/,$//'
}

# make_root_once SUITE DIR PACKAGES: one mmdebstrap run.
make_root_once() {
    # sid's InRelease can be past its Valid-Until; the hook pre-answers the
    # only debconf question of wireshark-common so the install stays quiet.
    mmdebstrap --quiet --variant=apt --include="$3" \
        --aptopt='Acquire::Check-Valid-Until "false"' \
        --essential-hook='echo "wireshark-common wireshark-common/install-setuid boolean false" | chroot "$1" debconf-set-selections' \
        "$1" "$2" http://deb.debian.org/debian
}

make_root() {
    local suite=$1 dir="$cache/$1" pkgs stamp
    need_root
    pkgs=$(packages "$suite")
    stamp=$(printf '%s\n' "$suite" "$pkgs" | sha256sum | cut -c1-16)
    if [ -f "$dir/.wsroot-stamp" ] && [ "$(cat "$dir/.wsroot-stamp")" = "$stamp" ]; then
        return 0
    fi
    mkdir -p "$cache"
    local log="$cache/$suite.log" attempt
    if ! command -v mmdebstrap >/dev/null; then
        env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >"$log" 2>&1 || {
            echo "wsroot: installing mmdebstrap failed (log: $log); $NO_ROOT_NEEDED" >&2
            exit 1
        }
    fi
    # A download from the mirror can fail now and then: one more try.
    for attempt in 1 2; do
        rm -rf "$dir.new"
        echo "wsroot: making the $suite root (Debian packages, about a minute; log: $log)" >&2
        make_root_once "$suite" "$dir.new" "$pkgs" >"$log" 2>&1 && break
        if [ "$attempt" -eq 2 ]; then
            rm -rf "$dir.new"
            echo "wsroot: making the $suite root failed twice at mmdebstrap (download and install of its Debian packages; log: $log); $NO_ROOT_NEEDED" >&2
            exit 1
        fi
        echo "wsroot: mmdebstrap $suite failed (log: $log); trying once more" >&2
        cp "$log" "$log.1" 2>/dev/null || true
    done
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
