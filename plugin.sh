#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One entry point for users and CI, on a fresh Debian 12 (as root, or as a
# user with sudo). Each command installs the Debian packages it needs.
#
#   ./plugin.sh demo                 build, install where your Wireshark loads
#                                    it, and show in one screen what it finds
#                                    in every sample capture, with excerpts
#   ./plugin.sh demo --full          the same, then the whole MSNP and QQ
#                                    trees of the two core sample captures
#   ./plugin.sh test                 build with warnings as errors and run the
#                                    suite on the machine's Wireshark (a few
#                                    minutes); the slow checks (sanitizers,
#                                    fuzzing, valgrind, GUI screenshot,
#                                    benchmark pass) are reported as not run
#   ./plugin.sh test --slow          the same, slow checks included
#   ./plugin.sh test --all-versions  the whole suite, slow checks included, on
#                                    the machine's Wireshark, then on 4.4 and
#                                    4.6 in Debian trixie and sid roots
#                                    (tests/wsroot.sh, as root; made on first
#                                    use). What CI runs
#   ./plugin.sh build                build only (into ./build)
#   ./plugin.sh install              build and install (global folder as
#                                    root, else personal)
#   ./plugin.sh deps                 install the Debian packages only
#   ./plugin.sh packages [SUITE]     list them (bookworm, trixie or sid)
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

# The sample captures the demo reads.
SAMPLES=${SAMPLES:-sample-pcaps}

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
    # stays "no" here (see doc/install.md, "Live capture without root").
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

# The Debian suites whose roots carry the other supported Wireshark versions,
# as SUITE:MAJOR.MINOR (tests/wsroot.sh makes them).
SUITE_VERSIONS="bookworm:4.0 trixie:4.4 sid:4.6"

# MAJOR.MINOR.PATCH of the Wireshark that tshark (or CMD...) is.
wireshark_version() {
    "${@:-tshark}" --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9.]*[0-9]\).*/\1/p'
}

# The Wireshark MAJOR.MINOR of a Debian suite ($1).
suite_version() {
    local pair
    for pair in $SUITE_VERSIONS; do
        [ "${pair%%:*}" != "$1" ] || echo "${pair#*:}"
    done
}

# The suites of SUITE_VERSIONS whose Wireshark is not MAJOR.MINOR ($1).
other_suites() {
    local pair out=()
    for pair in $SUITE_VERSIONS; do
        [ "${pair#*:}" = "$1" ] || out+=("${pair%%:*}")
    done
    echo "${out[*]}"
}

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

# test_versions ROOTS PYTEST_ARGS...: the suite on the machine's Wireshark,
# then in the Debian root of each suite in ROOTS; one count line per version
# and a combined one (last: what CI reads).
test_versions() {
    local roots=$1 rc=0 where dir summary=() names=() version line n=0 total
    shift
    total=$(( $(wc -w <<<"$roots") + 1 ))
    for where in machine $roots; do
        n=$((n + 1))
        if [ "$where" = machine ]; then
            dir=build
            version=$(wireshark_version)
            echo "===== [$n/$total] Wireshark $version on this machine ($dir): build, then the tests one a line" >&2
        else
            dir=build-$where
            echo "===== [$n/$total] The Wireshark of a Debian $where root ($dir)" >&2
            if ! tests/wsroot.sh make "$where"; then
                rc=1
                summary+=("Debian $where: 1 error (its root could not be made; see the line above)")
                continue
            fi
            version=$(wireshark_version tests/wsroot.sh run "$where" tshark)
            echo "===== Wireshark $version in the $where root: build, then the tests one a line" >&2
        fi
        suite_in "$where" "$dir" "$@" || rc=1
        line=$(closing_line "$dir")
        names+=("$version")
        summary+=("Wireshark $version ($where): $line")
    done
    echo
    printf '%s\n' "${summary[@]}"
    not_run_notes "$roots" "$@"
    # "N failed, N passed, N skipped ... (Wireshark 4.0.17, 4.4.19, 4.6.9)".
    printf '%s\n' "${summary[@]}" | sed 's/^[^:]*: //' | combined_count "${names[*]}" "$SECONDS"
    return "$rc"
}

# What this run left out, and the command that runs it: the slow checks
# (deselected with -m "not slow"), the other Wireshark versions.
not_run_notes() {
    local roots=$1 mine others
    shift
    if [[ " $* " == *" not slow "* ]]; then
        echo "Not run: the slow checks (marked slow: sanitizers, fuzzing, valgrind, GUI screenshot," \
             "benchmark pass), counted as deselected above, never as passed; ./plugin.sh test --slow runs them."
    fi
    [ -z "$roots" ] || return 0
    mine=$(wireshark_version | cut -d. -f1,2)
    others=$(other_suites "$mine")
    [ -n "$others" ] || return 0
    local s list=()
    for s in $others; do
        list+=("Wireshark $(suite_version "$s") (Debian $s)")
    done
    echo "Other versions: $(IFS=,; echo "${list[*]}" | sed 's/,/, /g') are tested by"
    echo "  ./plugin.sh test --all-versions (as root: makes a Debian root of about 1.3 GB per version on first use)."
}

# ./plugin.sh test [--slow | --all-versions] [PYTEST_ARGS...]
run_tests() {
    local roots="" slow=no args=() a
    for a in "$@"; do
        case "$a" in
        --all-versions)
            slow=yes
            # TEST_ROOTS="" keeps the machine only, TEST_ROOTS=sid adds one root.
            roots=${TEST_ROOTS-$(other_suites "$(wireshark_version | cut -d. -f1,2)")} ;;
        --slow) slow=yes ;;
        *) args+=("$a") ;;
        esac
    done
    [ "$slow" = yes ] || args=(-m "not slow" "${args[@]}")
    test_versions "$roots" "${args[@]}"
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

# Short descriptions of the sample captures for the demo's table; a new
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
    qq-pcqq.pcap)               echo "PC QQ 2012+ headers as real 2016-2024 clients send them" ;;
    qq-pcqq-login.pcap)         echo "a PC QQ 2012+ login: its password opens the key chain" ;;
    qq-pcqq-login-hostile.pcap) echo "PC QQ logins whose plaintexts lie about lengths" ;;
    qq-malformed.pcap)          echo "broken QQ packets: wrong tail, truncated header" ;;
    qq-decrypt-classic.pcap)    echo "a QQ2005 login and chat: -o qq.password:python opens it" ;;
    qq-decrypt-touch.pcap)      echo "QQ2010 and PC QQ touches, readable with no secret" ;;
    qq-decrypt-keylog.pcap)     echo "a QQ2010 chat opened by the key log qq-decrypt.keys" ;;
    *-negatives.pcap)           echo "other protocols that must not be claimed" ;;
    *)
        sed -n "s/^| \`$1\` | [0-9]* | \([^.]*\).*/\1/p" "$SAMPLES/README.md" | head -n 1 |
            cut -c1-60 | grep . || echo "(see sample-pcaps/README.md)"
        ;;
    esac
}

# The tshark options that open a sample's QQ bodies, one a line: the
# passwords and key logs its scenario source (sample-pcaps/*_scenarios.py)
# names. DIR: the folder of the sample and its key logs.
sample_secrets() {
    local name=$1 dir=$2
    case "$name" in
    qq-decrypt-classic.pcap) printf '%s\n' -o qq.password:python ;;
    qq-decrypt-keylog.pcap)  printf '%s\n' -o "qq.keylog_file:$dir/qq-decrypt.keys" ;;
    qq-pcqq-login*.pcap)
        printf '%s\n' -o qq.password:Qq-PC-2016 -o "qq.keylog_file:$dir/${name%.pcap}.keys" ;;
    esac
}

# One line for a capture, from one two-pass tshark run with the sample's
# secrets: frames; MSNP and QQ frames; chat messages read (MSNP text, QQ
# IMs); files and pictures Export Objects saves; QQ bodies decrypted; keys
# learned (-z qq,keys); our expert infos by severity; what it shows.
# NAME: the sample's name, when PCAP is a copy.
sample_summary() {
    local pcap=$1 name=${2:-$(basename "$1")} objects counts what secrets=()
    mapfile -t secrets < <(sample_secrets "$name" "$(dirname "$pcap")")
    objects=$(mktemp -d)
    chmod 755 "$objects"
    # -T fields lines (tab-separated, protocols first; -e msnp builds the whole
    # MSNP tree, so that expert infos added with tree items count on every
    # version as in the GUI), then the taps:
    # -z expert sections "Errors (n)", "Warns (n)", "Notes (n)", "Chats (n)"
    # with rows "frequency group protocol summary" (only ours count), and
    # -z qq,keys key log lines.
    counts=$(tshark -n -2 -r "$pcap" "${secrets[@]}" -T fields -E separator=/t \
                 -e frame.protocols -e msnp.msg.text -e qq.im.text -e qq.decrypted -e msnp \
                 --export-objects "msnp,$objects" -z expert -z qq,keys 2>/dev/null | awk -F'\t' '
        NF >= 4 && $1 ~ /^[a-z0-9_.-]+(:[a-z0-9_.-]+)*$/ {
            n++; m = 0; q = 0; split($1, p, ":")
            for (i = 1; i in p; i++) { if (p[i] ~ /^msn(p|slp)/) m = 1; if (p[i] ~ /^qq/) q = 1 }
            msnp += m; qq += q; msgs += ($2 != "") + ($3 != ""); dec += ($4 != ""); next }
        /^QQ_[A-Z_]+ [0-9]+ [0-9a-f]+$/ { keys++; next }
        /^(Errors|Warns|Notes|Chats) \(/ { sev = $1; sub(/ .*/, "", sev); next }
        /^=/ { next }
        { split($0, c, " ") }
        sev != "" && c[1] ~ /^[0-9]+$/ && (c[3] ~ /^MSN/ || c[3] ~ /^QQ/) { e[sev] += c[1] }
        END { printf "%d %d %d %d %d %d %d %d %d", n, msnp, qq, msgs, dec, keys,
                     e["Errors"], e["Warns"], e["Notes"] }')
    # shellcheck disable=SC2086
    set -- $counts "$(find "$objects" -type f | wc -l)"
    rm -rf "$objects"
    if [ "$2" -eq 0 ] && [ "$3" -eq 0 ]; then
        case "$name" in
        *negative*) what="nothing here is MSNP or QQ, as intended" ;;
        *)          what="no MSNP or QQ found: unexpected, please report it" ;;
        esac
    else
        what=$(sample_description "$name")
    fi
    printf '%-26s %6d %5d %4d %4d %5d %4d %4d %4d %4d %4d  %s\n' "${name%.pcap}" \
        "$1" "$2" "$3" "$4" "${10}" "$5" "$6" "$7" "$8" "$9" "$what"
}

# The table of every sample capture (SAMPLES: their folder).
sample_table() {
    local pcap
    printf '%-26s %6s %5s %4s %4s %5s %4s %4s %4s %4s %4s  %s\n' capture frames MSNP QQ \
        msgs files decr keys err warn note "what it shows"
    for pcap in "$SAMPLES"/*.pcap; do
        sample_summary "$pcap"
    done
    echo "(msgs: chat messages read; files: files and pictures that Export Objects saves;"
    echo " decr, keys: QQ bodies decrypted and keys learned with the sample's password or key"
    echo " log; err, warn, note: MSNP and QQ expert infos; all counted by tshark just now)"
}

# excerpt LINES FROM SHOWN CMD...: the command SHOWN (as a user types it in
# the checkout), then LINES lines of what CMD prints, indented, starting at
# the first line that matches the regular expression FROM ("" for the first).
excerpt() {
    local lines=$1 from=$2 shown=$3 out total
    shift 3
    echo "\$ $shown"
    out=$("$@" 2>/dev/null | grep -v '^=*$' | awk -v from="$from" 'from == "" || $0 ~ from { on = 1 } on')
    total=$(printf '%s\n' "$out" | wc -l)
    printf '%s\n' "$out" | head -n "$lines" | sed 's/^/  /'
    [ "$total" -le "$lines" ] || echo "  ... ($((total - lines)) more lines)"
}

# What the demo shows once the plugin is installed: the table, three short
# excerpts and where to go next; --full adds the two core samples' trees.
show_demo() {
    local full=${1:-} s=$SAMPLES
    echo
    echo "What the plugin finds in each sample capture ($s/):"
    sample_table
    echo
    echo "An MSN Messenger chat as a transcript (-z msnp,chat):"
    excerpt 14 "" "tshark -n -q -r $s/msnp-login.pcap -z msnp,chat" \
        tshark -n -q -r "$s/msnp-login.pcap" -z msnp,chat
    echo
    echo "A PC QQ 2012+ login opened with its password: the messages, then the keys to share instead:"
    excerpt 4 "" "tshark -n -q -r $s/qq-pcqq-login.pcap -o qq.password:Qq-PC-2016 -z qq,chat" \
        tshark -n -q -r "$s/qq-pcqq-login.pcap" -o qq.password:Qq-PC-2016 -z qq,chat
    excerpt 6 "" "tshark -n -q -r $s/qq-pcqq-login.pcap -o qq.password:Qq-PC-2016 -z qq,keys > my.keys" \
        tshark -n -q -r "$s/qq-pcqq-login.pcap" -o qq.password:Qq-PC-2016 -z qq,keys
    echo
    echo "One packet, as the tree Wireshark shows (a QQ2010 login that carries its key in clear):"
    excerpt 12 '^Tencent QQ' "tshark -n -2 -r $s/qq-udp-session.pcap -O qq -Y 'frame.number == 1'" \
        tshark -n -2 -r "$s/qq-udp-session.pcap" -O qq -Y 'frame.number == 1'
    if [ "$full" = --full ]; then
        for pcap in "$s/msnp-login.pcap" "$s/qq-udp-session.pcap"; do
            echo
            echo "===== $pcap: $(sample_description "$(basename "$pcap")")"
            tshark -n -2 -r "$pcap" -V -O msnp,qq -Y 'msnp || qq' 2>/dev/null
        done
    fi
    echo
    echo "Next:"
    echo "  wireshark $s/msnp-login.pcap                        the same in the GUI"
    echo "  tshark -n -2 -r $s/qq-udp-session.pcap -Y 'qq.cmd == 0x0091'   filter"
    echo "  tshark -n -q -r $s/msnp-login.pcap -z msnp,tree      count commands"
    [ "$full" = --full ] || echo "  ./plugin.sh demo --full                    every tree of the two core samples"
    echo "  README.md (Filtering, Decrypting QQ), doc/usage.md, doc/msnp.md, doc/qq.md, doc/lab/"
}

demo() {
    local loaded
    echo "Preparing: Debian packages, build, install (details only if something fails)"
    mkdir -p "$(dirname "$LOG")" && : >"$LOG"
    deps $(build_packages)
    build >>"$LOG" 2>&1 || { echo "The build failed; the end of $LOG:" >&2; tail -n 30 "$LOG" >&2; exit 1; }
    install_plugin
    loaded=$(loaded_plugin)
    [ -n "$loaded" ] || { echo "tshark did not load the plugin (tshark -G plugins)" >&2; exit 1; }
    echo "tshark loads the plugin from $loaded"
    check_plugin_copies
    show_demo "$@"
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
        echo "Live capture as $(id -un) needs the wireshark group: doc/install.md, \"Live capture without root\"."
    fi
    ;;
demo)
    case "${2:-}" in
    ""|--full) demo "${2:-}" ;;
    *) usage; exit 2 ;;
    esac
    ;;
test)
    deps $(build_packages) $(test_packages "$(codename)")
    run_tests "${@:2}"
    ;;
*)
    usage
    exit 2
    ;;
esac
