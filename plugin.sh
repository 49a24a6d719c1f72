#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One entry point for users and CI, on a fresh Debian 12 (as root, or as a
# user with sudo). Each command installs the Debian packages it needs.
#
#   ./plugin.sh demo     build, install where your Wireshark loads it, and
#                        dissect the bundled sample captures (MSNP and QQ trees)
#   ./plugin.sh test     build with warnings as errors and run the whole suite
#   ./plugin.sh build    build only (into ./build)
#   ./plugin.sh install  build and install (global folder as root, else personal)
#   ./plugin.sh deps     install the Debian packages only
set -euo pipefail
cd "$(dirname "$0")"

# Debian package names for a release (bookworm = 4.0, trixie = 4.4, sid = 4.6).
# Wireshark's Qt GUI is "wireshark-qt" up to bookworm and "wireshark" after;
# the metapackage "wireshark" exists on all three.
codename() { . /etc/os-release && echo "${VERSION_CODENAME:-unknown}"; }

build_packages() {
    echo cmake make gcc pkg-config libwireshark-dev wireshark-dev libglib2.0-dev \
         libpcap-dev tshark wireshark-common python3 util-linux binutils
}

test_packages() {
    echo python3-pytest clang libclang-rt-dev valgrind time wireshark xvfb xdotool \
         imagemagick mmdebstrap
    case "$1" in
    bookworm) echo libclang-rt-14-dev ;;
    esac
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

deps() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing Debian packages: ${missing[*]}" >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >&2
    fi
}

build() {
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build build -j"$(nproc)"
}

install_plugin() {
    if [ "$(id -u)" -eq 0 ]; then
        # Wireshark run as root loads only the global plugin folder.
        cmake --build build --target install-global
    else
        cmake --build build --target install-personal
    fi
}

case "${1:-}" in
deps)
    deps $(build_packages) $(test_packages "$(codename)")
    ;;
packages)
    # One package a line: what `deps` installs on the given release.
    printf '%s\n' $(build_packages) $(test_packages "${2:-$(codename)}")
    ;;
build)
    deps $(build_packages)
    build
    ;;
install)
    deps $(build_packages)
    build
    install_plugin
    ;;
demo)
    deps $(build_packages)
    build
    install_plugin
    tshark -G protocols 2>/dev/null | grep -qw msnp || { echo "plugin did not load" >&2; exit 1; }
    # The source documents' scenarios first, then the rest of the samples.
    for pcap in sample-pcaps/msnp-login.pcap sample-pcaps/qq-udp-session.pcap \
                $(ls sample-pcaps/*.pcap | grep -v -e msnp-login.pcap -e qq-udp-session.pcap); do
        echo "===== $pcap"
        tshark -n -2 -r "$pcap" -V -O msnp,qq -Y 'msnp || qq' 2>/dev/null
    done
    ;;
test)
    deps $(build_packages) $(test_packages "$(codename)")
    build -DWERROR=ON
    exec /usr/bin/python3 -m pytest -v -p no:cacheprovider tests "${@:2}"
    ;;
*)
    sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
