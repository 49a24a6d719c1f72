#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Prints a folder with the unpacked source of the Wireshark installed here,
# for its checkers (tools/checkAPIs.pl, checkhf.pl, ...) and READMEs:
#
#   WS_SRC=$(tests/wireshark-source.sh)
#   perl "$WS_SRC/tools/checkhf.pl" packet-msnp.c
#
# The source is Debian's source package of the installed libwireshark-dev,
# fetched once with `apt-get source` into a cache folder
# ($WIRESHARK_SOURCE_CACHE, default ~/.cache/msnp-qq/wireshark-source) and
# reused after that.  Nothing on the system changes: the source entries
# (deb-src) are made from the system's own package sources in a private apt
# configuration inside the cache, so no deb-src line needs to be enabled, no
# root is needed and no extra package either (Python unpacks the upstream
# tarball).  Progress goes to stderr; the
# folder is the last line on stdout.  Exit status 1, with the reason on
# stderr, when the source cannot be had (no network, no Debian sources).
set -euo pipefail

fail() { echo "wireshark-source: $*" >&2; exit 1; }

# The source version (without a binNMU suffix such as +b1) of the installed library.
version=
for pkg in libwireshark-dev tshark; do
    version=$(dpkg-query -W -f='${source:Version}' "$pkg" 2>/dev/null) && [ -n "$version" ] && break
done
[ -n "$version" ] || fail "neither libwireshark-dev nor tshark is installed"
upstream=${version#*:}
upstream=${upstream%%-*}

cache=${WIRESHARK_SOURCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/msnp-qq/wireshark-source}
dest="$cache/wireshark-$version"
if [ -f "$dest/tools/checkAPIs.pl" ]; then
    echo "$dest"
    exit 0
fi

# A private apt: the system's binary sources turned into source entries.
apt="$cache/apt"
mkdir -p "$apt/etc/sources.list.d" "$apt/lists/partial" "$apt/archives/partial"
rm -f "$apt/etc/sources.list.d/"*
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -q debian "$f" || continue
    # deb822: "Types: deb" (possibly "deb deb-src") becomes "Types: deb-src".
    sed -E 's/^Types:.*/Types: deb-src/' "$f" >"$apt/etc/sources.list.d/src-$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    grep -v cdrom: "$f" | grep debian | sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' || true
done >"$apt/etc/sources.list.d/src.list"
[ -s "$apt/etc/sources.list.d/src.list" ] || rm -f "$apt/etc/sources.list.d/src.list"
ls "$apt/etc/sources.list.d/"* >/dev/null 2>&1 || fail "no Debian package sources in /etc/apt"

opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt/etc/sources.list.d"
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Debug::NoLocking=true"
      -o "APT::Sandbox::User=$(id -un)" -o "Acquire::Check-Valid-Until=false")
echo "wireshark-source: fetching the Debian source of Wireshark $version (once)" >&2
# (an error in one source, such as a third-party one, need not stop us)
apt-get "${opts[@]}" -qq update >&2 || echo "wireshark-source: apt-get update reported errors" >&2

work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The exact version; else any revision of the same upstream release (the
# checkers are upstream's), such as after the archive moved on.
if ! (cd "$work" && apt-get "${opts[@]}" -qq source --download-only "wireshark=$version" >&2); then
    other=$(apt-cache "${opts[@]}" showsrc wireshark 2>/dev/null |
            sed -n 's/^Version: //p' | grep -F -- "$upstream-" | grep -vxF -- "$version" | head -n 1 || true)
    [ -n "$other" ] || fail "the source of wireshark $version cannot be fetched from the package sources (network? mirror?)"
    echo "wireshark-source: $version is gone from the archive, using $other" >&2
    (cd "$work" && apt-get "${opts[@]}" -qq source --download-only "wireshark=$other" >&2) ||
        fail "apt-get source wireshark=$other failed"
fi

orig=$(ls "$work"/wireshark_"$upstream".orig.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] || fail "no upstream tarball among $(ls "$work")"
mkdir -p "$work/unpacked"
# Python's tarfile reads every compression Debian uses (xz, bz2, gz), where
# tar would need xz-utils or bzip2 installed.
python3 -c 'import sys, tarfile
kw = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
tarfile.open(sys.argv[1]).extractall(sys.argv[2], **kw)' \
    "$orig" "$work/unpacked"
top=$(ls -d "$work/unpacked"/*/ | head -n 1)
[ -f "$top/tools/checkAPIs.pl" ] || fail "the unpacked source has no tools/checkAPIs.pl"
rm -rf "$dest"
mv "$top" "$dest"
echo "$dest"
