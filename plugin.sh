#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One entry point for users and CI, on a fresh Debian 12 (as root, or as a
# user with sudo). Each command installs the Debian packages it needs.
#
#   ./plugin.sh demo     build, install where your Wireshark loads it, show
#                        the MSNP and QQ trees of the two core sample captures
#                        and a one-line summary of every sample
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

# Everything apt (and the demo's build) says goes to this log, in the
# checkout rather than a shared /tmp; it is shown only when something fails.
LOG=${MSNP_QQ_LOG:-build/plugin-sh.log}

deps() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    echo "Installing Debian packages: ${missing[*]} (log: $LOG)" >&2
    mkdir -p "$(dirname "$LOG")"
    # wireshark-common asks whether non-root users may capture; the answer
    # stays "no" here (see the README's "Live capture without root").
    if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
           as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
               "${missing[@]}"; } >"$LOG" 2>&1; then
        echo "Installing the Debian packages failed; the end of $LOG:" >&2
        tail -n 30 "$LOG" >&2
        exit 1
    fi
}

build() {
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build build -j"$(nproc)"
}

install_plugin() {
    if [ "$(id -u)" -eq 0 ]; then
        # Wireshark run as root loads only the global plugin folder.
        cmake --build build --target install-global >/dev/null
    else
        cmake --build build --target install-personal >/dev/null
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

# The plugin file in one of Wireshark's two plugin folders (tshark -G folders).
plugin_folder() {
    tshark -G folders 2>/dev/null | sed -n "s/^$1 Plugins:[[:space:]]*//p" | head -n 1
}

# The same plugin in the global and a personal folder: Wireshark reads the
# global folder first, loads that copy, ignores the personal one and warns
# "The plugin 'msnp_qq.so' was found in multiple directories" at every start
# (root loads the global folder only, so it never sees the clash).  Says which
# copy loads and how to keep just one.
check_plugin_copies() {
    local global personal home ver
    global="$(plugin_folder Global)/epan/msnp_qq.so"
    ver=$(basename "$(plugin_folder Global)")
    if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ]; then
        # Installed by root through sudo: the clash is in the user's own folder.
        home=$(getent passwd "$SUDO_USER" | cut -d: -f6)
    else
        home=$HOME
    fi
    personal="$home/.local/lib/wireshark/plugins/$ver/epan/msnp_qq.so"
    if ! [ -f "$global" ] || ! [ -f "$personal" ]; then
        # Some other pair of folders (WIRESHARK_PLUGIN_DIR, say): tshark still says so.
        if tshark -G plugins 2>&1 >/dev/null | grep -q "msnp_qq.so.*multiple directories"; then
            echo
            echo "Note: tshark warns that msnp_qq.so is in several plugin folders and loads the"
            echo "  first it finds ($(loaded_plugin)). Keep one copy: tshark -G folders lists the folders."
        fi
        return 0
    fi
    echo
    echo "Note: the plugin is installed twice:"
    echo "  global:   $global   <- this one loads"
    echo "  personal: $personal   <- ignored by Wireshark"
    echo "  Every Wireshark or tshark start by that user warns \"The plugin 'msnp_qq.so' was found"
    echo "  in multiple directories\"; root loads the global folder only. Keep one of them:"
    if dpkg -S "$global" >/dev/null 2>&1; then
        echo "    sudo apt remove $(dpkg -S "$global" | cut -d: -f1)   # to use your own build"
    else
        echo "    sudo rm $global   # to use your own build"
    fi
    echo "    rm $personal   # to keep the global one"
}

# The path tshark loads the plugin from, or nothing.
loaded_plugin() {
    tshark -G plugins 2>/dev/null | awk -F'\t' '$1 ~ /^msnp_qq\.so/ { print $4; exit }'
}

# Short descriptions of the sample captures for the demo's summary; a new
# sample without one gets the first sentence of its row in sample-pcaps/README.md.
sample_description() {
    case "$1" in
    msnp-login.pcap)            echo "MSNP11 login: dispatch, notification server, two chats" ;;
    msnp-login-443.pcap)        echo "the same login with every server on TCP 443" ;;
    msnp-segmentation.pcap)     echo "commands and payloads split over TCP segments" ;;
    msnp-nonstandard-port.pcap) echo "a chat on TCP 2863, found by the heuristic" ;;
    msnp-http-gateway.pcap)     echo "MSNP inside HTTP requests and responses (port 80)" ;;
    msnp-versions.pcap)         echo "MSNP7, MSNP8, MSNP18 and MSNP21 logins and chats" ;;
    msnp-errors.pcap)           echo "malformed commands: one per MSNP expert info" ;;
    msnp-chat.pcap)             echo "a three-person chat: read it with -z msnp,chat" ;;
    msnp-p2p-switchboard.pcap)  echo "a file and a display picture sent over the switchboard" ;;
    msnp-p2p-direct.pcap)       echo "a file sent over a direct connection" ;;
    msnp-p2p-hostile.pcap)      echo "P2P chunks that lie about offsets and sizes" ;;
    qq-udp-session.pcap)        echo "QQ2010 session over UDP 8000: login, chat, logout" ;;
    qq-tcp-443.pcap)            echo "QQ over TCP 443 (length prefix) beside real TLS" ;;
    qq-variants.pcap)           echo "every QQ header variant, and QQ on other ports" ;;
    qq-commands.pcap)           echo "one request per command code of each client era" ;;
    qq-malformed.pcap)          echo "broken QQ packets: wrong tail, truncated header" ;;
    qq-decrypt-classic.pcap)    echo "a QQ2005 login and chat: -o qq.password:python opens it" ;;
    qq-decrypt-touch.pcap)      echo "QQ2010 and PC QQ touches, readable with no secret" ;;
    qq-decrypt-keylog.pcap)     echo "a QQ2010 chat opened by the key log qq-decrypt.keys" ;;
    *-negatives.pcap)           echo "other protocols that must not be claimed" ;;
    *)
        sed -n "s/^| \`$1\` | [0-9]* | \([^.]*\).*/\1/p" sample-pcaps/README.md | head -n 1 |
            cut -c1-60 | grep . || echo "(see sample-pcaps/README.md)"
        ;;
    esac
}

# One line for a capture: frames, MSNP and QQ frames, our expert infos by
# severity, and what it shows.  NAME: the sample's name, when PCAP is a copy.
sample_summary() {
    local pcap=$1 name=${2:-$(basename "$1")} counts experts what
    counts=$(tshark -n -2 -r "$pcap" -T fields -e frame.protocols 2>/dev/null | awk -F: '
        { n++; m = 0; q = 0
          for (i = 1; i <= NF; i++) { if ($i ~ /^msn(p|slp)/) m = 1; if ($i ~ /^qq/) q = 1 }
          msnp += m; qq += q }
        END { printf "%d %d %d", n, msnp, qq }')
    # -z expert: sections "Errors (n)", "Warns (n)", "Notes (n)", "Chats (n)",
    # rows "frequency group protocol summary"; only our protocols count.
    experts=$(tshark -n -2 -r "$pcap" -q -z expert 2>/dev/null | awk '
        /^(Errors|Warns|Notes|Chats) \(/ { sev = $1; next }
        sev != "" && $1 ~ /^[0-9]+$/ && ($3 ~ /^MSN/ || $3 ~ /^QQ/) { c[sev] += $1 }
        END { printf "%d %d %d %d", c["Errors"], c["Warns"], c["Notes"], c["Chats"] }')
    set -- $counts $experts
    if [ "$2" -eq 0 ] && [ "$3" -eq 0 ]; then
        case "$name" in
        *negative*) what="nothing here is MSNP or QQ, as intended" ;;
        *)          what="no MSNP or QQ found: unexpected, please report it" ;;
        esac
    else
        what=$(sample_description "$name")
    fi
    printf '%-27s %5d %5d %5d %5d %5d %5d  %s\n' "$name" "$1" "$2" "$3" "$4" "$5" "$6" "$what"
}

demo() {
    local pcap loaded
    echo "Preparing: Debian packages, build, install (details only if something fails)"
    mkdir -p "$(dirname "$LOG")" && : >"$LOG"
    deps $(build_packages)
    build >>"$LOG" 2>&1 || { echo "The build failed; the end of $LOG:" >&2; tail -n 30 "$LOG" >&2; exit 1; }
    install_plugin
    loaded=$(loaded_plugin)
    [ -n "$loaded" ] || { echo "tshark did not load the plugin (tshark -G plugins)" >&2; exit 1; }
    echo "tshark loads the plugin from $loaded"
    check_plugin_copies

    # The two core scenarios, as trees: an MSN Messenger login, a QQ session.
    for pcap in sample-pcaps/msnp-login.pcap sample-pcaps/qq-udp-session.pcap; do
        echo
        echo "===== $pcap: $(sample_description "$(basename "$pcap")")"
        tshark -n -2 -r "$pcap" -V -O msnp,qq -Y 'msnp || qq' 2>/dev/null
    done

    echo
    echo "===== Every sample capture (expert infos: those of MSNP and QQ only)"
    printf '%-27s %5s %5s %5s %5s %5s %5s  %s\n' capture frames MSNP QQ error warn note "what it shows"
    for pcap in sample-pcaps/*.pcap; do
        sample_summary "$pcap"
    done
    echo
    echo "Next: open one in the GUI (wireshark sample-pcaps/msnp-login.pcap), filter it"
    echo "(tshark -r sample-pcaps/qq-udp-session.pcap -Y 'qq.cmd == 0x0091'), count commands"
    echo "(tshark -q -z msnp,tree -r ...), and read the README: \"Walkthrough\", \"Display-filter"
    echo "cookbook\", \"Live capture without root\"; exercises are in doc/lab/."
}

usage() {
    # The comment block at the top of this file, without its first lines.
    awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "$0"
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
    echo "tshark loads the plugin from $(loaded_plugin)"
    check_plugin_copies
    if [ "$(id -u)" -ne 0 ] && ! id -nG | grep -qw wireshark; then
        echo "Live capture as $(id -un) needs the wireshark group: README, \"Live capture without root\"."
    fi
    ;;
demo)
    demo
    ;;
test)
    deps $(build_packages) $(test_packages "$(codename)")
    test_all_versions "${@:2}"
    ;;
*)
    usage
    exit 2
    ;;
esac
