#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One entry point for users and CI, on a fresh Debian 12 (as root, or as a
# user with sudo). Each command installs the Debian packages it needs.
#
#   ./plugin.sh demo     build, install where your Wireshark loads it, and
#                        dissect the bundled sample captures (MSNP and QQ trees)
#   ./plugin.sh test     build with warnings as errors and run the whole suite
#                        on every supported Wireshark: the machine's (4.0 on
#                        Debian 12), then 4.4 and 4.6 in Debian trixie and
#                        sid roots (tests/wsroot.sh; made on first use)
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

# The Debian roots the suite also runs in (tests/wsroot.sh), and the
# Wireshark each carries; TEST_ROOTS="" runs the machine's Wireshark only.
TEST_ROOTS=${TEST_ROOTS-trixie sid}

# suite_in WHERE BUILD_DIR PYTEST_ARGS...: build BUILD_DIR with warnings as
# errors and run the suite on it, here ("machine") or in a Debian root; the
# output goes to the terminal and to BUILD_DIR/pytest.log.
suite_in() {
    local where=$1 dir=$2
    shift 2
    local steps='cmake -S . -B "$0" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWERROR=ON >/dev/null &&
        cmake --build "$0" -j"$(nproc)" &&
        mkdir -p "$0" &&
        { BUILD_DIR="$0" /usr/bin/python3 -m pytest -v -p no:cacheprovider tests "$@";
          echo $? >"$0/pytest.rc"; } 2>&1 | tee "$0/pytest.log"
        exit "$(cat "$0/pytest.rc")"'
    rm -f "$dir/pytest.log" "$dir/pytest.rc"
    if [ "$where" = machine ]; then
        bash -c "$steps" "$dir" "$@"
    else
        tests/wsroot.sh run "$where" bash -c "$steps" "$dir" "$@"
    fi
}

# The closing line of one version's pytest run ("12 passed, 1 skipped in
# 3.21s"), or a line saying the run did not get that far.
closing_line() {
    local line
    line=$(grep -E '^=+ (.*[0-9]+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?)|no tests ran).* in [0-9.]+s.* =+$' \
        "$1/pytest.log" 2>/dev/null | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
    echo "${line:-1 error (the build or the run stopped before the pytest summary)}"
}

test_all_versions() {
    local rc=0 where dir summary=() names=() version line
    for where in machine $TEST_ROOTS; do
        if [ "$where" = machine ]; then dir=build; else dir=build-$where; fi
        if [ "$where" = machine ]; then
            echo "===== The machine's Wireshark ($dir)" >&2
        else
            echo "===== The Wireshark of the Debian $where root ($dir)" >&2
        fi
        if [ "$where" != machine ]; then
            tests/wsroot.sh make "$where" || { rc=1; summary+=("$where: 1 error (no root)"); continue; }
            version=$(tests/wsroot.sh run "$where" tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9.]*[0-9]\).*/\1/p')
        else
            version=$(tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9.]*[0-9]\).*/\1/p')
        fi
        suite_in "$where" "$dir" "$@" || rc=1
        line=$(closing_line "$dir")
        names+=("$version")
        summary+=("Wireshark $version ($where): $line")
    done
    # One line per version, then one combined count (what CI reads last):
    # "N failed, N passed, N skipped ... (Wireshark 4.0.17, 4.4.19, 4.6.9)".
    echo
    printf '%s\n' "${summary[@]}"
    printf '%s\n' "${summary[@]}" | sed 's/^[^:]*: //' | combined_count "${names[*]}" "$SECONDS"
    return "$rc"
}

# Sums pytest closing lines (stdin) into one in pytest's own form, naming the
# versions ($1) and the whole run's seconds ($2).
combined_count() {
    awk -v versions="$1" -v seconds="$2" '
        { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^(passed|failed|skipped|errors?|xfailed|xpassed|deselected|warnings?),?$/) {
              k = $(i + 1); sub(/,$/, "", k); sub(/^errors$/, "error", k); sub(/^warnings$/, "warning", k)
              n[k] += $i } }
        END {
            order = "failed passed skipped deselected xfailed xpassed warning error"
            split(order, keys, " "); out = ""
            for (j = 1; j in keys; j++) if (keys[j] in n) {
                word = keys[j]
                if (word == "error" && n[word] != 1) word = "errors"
                if (word == "warning" && n[word] != 1) word = "warnings"
                out = out (out == "" ? "" : ", ") n[keys[j]] " " word }
            gsub(/ /, ", ", versions)
            printf "=== %s in %d.00s (Wireshark %s) ===\n", (out == "" ? "no tests ran" : out),
                   seconds, versions }'
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
    test_all_versions "${@:2}"
    ;;
*)
    sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
