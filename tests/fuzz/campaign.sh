#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fuzz campaign for the MSNP and QQ dissectors, under AddressSanitizer and
# UndefinedBehaviorSanitizer, with WIRESHARK_ABORT_ON_DISSECTOR_BUG=1.
#
#   tests/fuzz/campaign.sh [options] SIZE
#
#   SIZE          packets per dissector for each of the mutation and the random
#                 kinds (so 2*SIZE mutated or random packets per dissector)
#   -f SECONDS    libFuzzer time per dissector (default: SIZE/200, at least 10)
#   -k KINDS      comma-separated subset of mutation,random,libfuzzer (default all)
#   -t TARGETS    comma-separated subset of msnp,qq,qqsso (default all three); qqhighway
#                 (QQ Highway) with -k libfuzzer
#   -o OUTDIR     where builds' copies, logs, corpora and findings go
#                 (default: a new /tmp/fuzz-campaign.XXXXXX)
#   -j            run the libFuzzer targets in parallel (one process each)
#   -n            use build-asan and build-fuzz as they are (no cmake): for
#                 several campaigns started at once
#
# BUILD_DIR (default build) names the build the test suite uses: the
# campaign's builds are BUILD_DIR-asan and BUILD_DIR-fuzz, so each Wireshark
# version (./plugin.sh test builds build, build-trixie, build-sid) has its own.
#
# Kinds:
#   mutation   every sample capture (sample-pcaps/*.pcap) and real capture
#              (../shared/pcaps/real/*.pcap and *.pcapng, the latter
#              converted to pcap), repeated into many conversations,
#              damaged by editcap -E at several rates and offsets, dissected
#              by tshark -2 -V (with the -z msnp,chat and -z qq,chat taps)
#              with the sanitizer-built plugin
#   random     random payloads shaped for each protocol (pcaptool.py random:
#              on its ports and others, so handles and heuristics), and
#              randpkt packets forced through each handle with -d
#              (bgp = TCP port 179, dns = UDP port 53)
#   libfuzzer  the coverage-guided targets build-fuzz/fuzz-{msnp,qq,qqsso} (clang),
#              seeded from the captures' payloads (pcaptool.py corpus)
#
# QQ is always fuzzed with keys, so that decryption and the decoders of
# plaintexts run: every QQ tshark run gets -o qq.password:python and
# -o qq.keylog_file with the session keys of the decryption samples (the key
# log fuzz-target.c writes in its keyed mode, FUZZ_QQ_KEYS=1, which the QQ
# libFuzzer target gets), and pcaptool.py random makes QQ-TEA ciphertext
# under those keys.
#
# Builds ./build-asan (-DENABLE_SANITIZERS=ON) and ./build-fuzz
# (-DBUILD_FUZZERS=ON, clang) when they are missing or stale.  Prints one
# RESULT line per kind and target and a final FINDINGS line; exits 1 when
# anything was found (crash, sanitizer report, dissector bug, hang, or a
# libFuzzer artifact), with the reproducing inputs under OUTDIR/findings/.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
REAL="$(cd "$ROOT/.." && pwd)/shared/pcaps/real"
case "${BUILD_DIR:=build}" in
/*) ;;
*) BUILD_DIR="$ROOT/$BUILD_DIR" ;;
esac
ASAN_DIR="${BUILD_DIR%/}-asan"
FUZZ_DIR="${BUILD_DIR%/}-fuzz"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

usage() {
    sed -n '4,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

FUZZ_SECONDS=""
KINDS="mutation,random,libfuzzer"
TARGETS="msnp,qq,qqsso"
OUT=""
PARALLEL=0
BUILD=1
while getopts "f:k:t:o:jn" opt; do
    case "$opt" in
    f) FUZZ_SECONDS="$OPTARG" ;;
    k) KINDS="$OPTARG" ;;
    t) TARGETS="$OPTARG" ;;
    o) OUT="$OPTARG" ;;
    j) PARALLEL=1 ;;
    n) BUILD=0 ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
SIZE="${1:-}"
if ! [[ "$SIZE" =~ ^[0-9]+$ ]]; then
    usage
fi
[ -n "$FUZZ_SECONDS" ] || FUZZ_SECONDS=$(( SIZE / 200 > 10 ? SIZE / 200 : 10 ))
[ -n "$OUT" ] || OUT="$(mktemp -d /tmp/fuzz-campaign.XXXXXX)"
mkdir -p "$OUT/findings"
OUT="$(cd "$OUT" && pwd)"
has() { [[ ",$1," == *",$2,"* ]]; }

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- builds
build_asan() {
    [ "$BUILD" -eq 1 ] || return 0
    cmake -S "$ROOT" -B "$ASAN_DIR" -DENABLE_SANITIZERS=ON >/dev/null
    cmake --build "$ASAN_DIR" -j2 >/dev/null
}
build_fuzz() {
    [ "$BUILD" -eq 1 ] || return 0
    cmake -S "$ROOT" -B "$FUZZ_DIR" -DCMAKE_C_COMPILER=clang -DBUILD_FUZZERS=ON >/dev/null
    cmake --build "$FUZZ_DIR" -j2 >/dev/null
}

# ------------------------------------------------- sanitizer-built tshark
# The system tshark with the ASan/UBSan module: runtime preloaded, every wmem
# allocation a separate malloc (WIRESHARK_DEBUG_WMEM_OVERRIDE=simple, without
# it ASan cannot see overflows of pinfo->pool blocks), leaks not checked.
# As root it runs as nobody, since root ignores WIRESHARK_PLUGIN_DIR.
WS="$OUT/ws"
setup_tshark() {
    rm -rf "$WS"
    # The folder layout of the running Wireshark (plugins/<major.minor>/epan).
    local with without
    with=$("$PY" "$ROOT/tests/wsversion.py" plugin-folder "$WS/plugins")
    without=$("$PY" "$ROOT/tests/wsversion.py" plugin-folder "$WS/no-plugins")
    mkdir -p "$with" "$without" "$WS/home" "$WS/work"
    cp "$ASAN_DIR/msnp_qq.so" "$with/"
    chmod -R a+rX "$WS"
    chmod 1777 "$WS/home" "$WS/work"
    chmod a+rx "$OUT"
}
ASAN_RUNTIME="$(gcc -print-file-name=libasan.so)"
TSHARK_ASAN=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$WS/home" LANG=C.UTF-8 LC_ALL=C.UTF-8
    WIRESHARK_PLUGIN_DIR="$WS/plugins" WIRESHARK_ABORT_ON_DISSECTOR_BUG=1
    WIRESHARK_DEBUG_WMEM_OVERRIDE=simple G_SLICE=always-malloc
    LD_PRELOAD="$ASAN_RUNTIME" ASAN_OPTIONS=detect_leaks=0
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
[ "$(id -u)" -eq 0 ] && TSHARK_ASAN+=(setpriv --reuid=65534 --regid=65534 --clear-groups)
TSHARK_ASAN+=(tshark)
# The same without our plugin, to tell Wireshark's own failures apart.
TSHARK_ASAN_WITHOUT=("${TSHARK_ASAN[@]/#WIRESHARK_PLUGIN_DIR=*/WIRESHARK_PLUGIN_DIR=$WS/no-plugins}")

FINDINGS=0
UPSTREAM=0
BAD_RE='AddressSanitizer|runtime error:|dissector bug|DISSECTOR_ASSERT|failed assertion|ERROR \*\*|CRITICAL \*\*'
# check_run NAME CAPTURE RC STDERR: record a finding when the run failed.
# A failure that the same tshark also shows without our plugin is
# Wireshark's own (counted as UPSTREAM, kept under findings/upstream/).
RUN_FAILED=0
check_run() {
    local name="$1" capture="$2" rc="$3" err="$4" urc=0
    RUN_FAILED=0
    if [ "$rc" -ne 0 ] || grep -qE "$BAD_RE" "$err"; then
        RUN_FAILED=1
        local dir="$OUT/findings"
        timeout 900 "${TSHARK_ASAN_WITHOUT[@]}" -n -2 -V \
            -r "$capture" "${@:5}" >/dev/null 2>"$err.without" || urc=$?
        if [ "$urc" -ne 0 ] || grep -qE "$BAD_RE" "$err.without"; then
            UPSTREAM=$((UPSTREAM + 1))
            dir="$OUT/findings/upstream"
        else
            FINDINGS=$((FINDINGS + 1))
        fi
        mkdir -p "$dir"
        local keep
        keep="$dir/$name-$(date +%s)-$RANDOM"
        cp "$capture" "$keep.pcap"
        cp "$err" "$keep.stderr"
        if [ "$dir" = "$OUT/findings" ]; then
            log "FINDING: $name (exit $rc), input $keep.pcap, report $keep.stderr"
        else
            log "UPSTREAM: $name (exit $rc, also without the plugin), input $keep.pcap, report $keep.stderr"
        fi
    fi
}

# run_dissect NAME CAPTURE [tshark options...]: dissect, check, count.
# Adds the capture's frames and our protocols' frames to RUN_FRAMES/RUN_OURS.
run_dissect() {
    local name="$1" capture="$2"; shift 2
    local out="$WS/work/out.txt" err="$WS/work/err.txt" rc=0
    chmod a+r "$capture"
    # The chat transcripts too: their taps make the dissectors hand over
    # message texts and routing, code that runs only with a listener.
    timeout 900 "${TSHARK_ASAN[@]}" -n -2 -V -r "$capture" -z io,stat,0,frame,msnp,qq,qqsso \
        -z msnp,chat -z qq,chat -z qqsso,chat "$@" \
        >"$out" 2>"$err" || rc=$?
    if [ "$rc" -eq 124 ]; then echo "timeout: tshark ran more than 900 s" >>"$err"; fi
    check_run "$name" "$capture" "$rc" "$err" "$@"
    # | 0.000 <> 9.000 | frames | bytes | msnp frames | bytes | qq frames | bytes | qqsso frames | bytes |
    local row
    row="$(grep -E '^\| *[0-9.]+ *<> *[0-9.Dur]+ *\|' "$out" | tail -1 | tr -d ' ')" || true
    local f m q s
    IFS='|' read -r _ _ f _ m _ q _ s _ <<<"$row" || true
    if [ "${f:-0}" -eq 0 ] && [ "$RUN_FAILED" -eq 0 ]; then
        cat "$err" >&2
        log "$name: tshark dissected no frame (exit $rc): the set-up is broken"
        exit 2
    fi
    RUN_FRAMES=$((RUN_FRAMES + ${f:-0}))
    RUN_OURS=$((RUN_OURS + ${m:-0} + ${q:-0} + ${s:-0}))
}

# The options every QQ run gets (see "QQ is always fuzzed with keys").
QQ_KEYLOG="$WS/work/qq-fuzz.keys"
write_qq_keylog() {
    cat >"$QQ_KEYLOG" <<'KEYS'
# campaign.sh: the keys of fuzz-target.c's keyed mode
QQ_SESSION_KEY 87654321 4edf9e71bf246e6bb387b1113d47d73b
QQ_PASSWORD_MD5 476705269 23eeeb4347bdd26bfc6b7ee9a3b755dd
QQ_SESSION_KEY 11112222 00112233445566778899aabbccddeeff
# the PC QQ login of qq-pcqq-login.pcap: password md5 of client A, share key of client B
QQ_PASSWORD_MD5 185131606 9b684cd1a2977698d062656da5e9b1f7
QQ_SHARE_KEY 3141592653 5d8bf7464f3ed2fbce83118dfb0b3cab
# SSO: the D2 key of qqsso-d2.pcap, the wtlogin keys of qqsso-login.pcap
QQ_D2_KEY 486732996 97ae3d22287c97bd98bcfde94e4df326
QQ_WTLOGIN_KEY 486732996 e88b10f3f25708d646200792338f0ca2
QQ_WTLOGIN_KEY 486732996 3e74030d8c7a3a0c40eaedb8816645c4
KEYS
    chmod a+r "$QQ_KEYLOG"
}
keys_for() {
    if [ "$1" = qq ] || [ "$1" = qqsso ]; then
        printf '%s\n' -o qq.password:python -o "qq.keylog_file:$QQ_KEYLOG"
    fi
}

result() {
    printf 'RESULT %-9s %-4s runs=%d packets=%d dissected_by_plugin=%d findings=%d\n' "$@"
}

# --------------------------------------------------------------- mutation
# The real captures as classic pcap (pcaptool.py reads only that), once.
REAL_PCAP="$OUT/real-pcap"
convert_real() {
    local f
    mkdir -p "$REAL_PCAP"
    for f in "$REAL"/*.pcap "$REAL"/*.pcapng; do
        [ -e "$f" ] || continue
        case "$f" in
        *.pcapng) editcap -F pcap "$f" "$REAL_PCAP/$(basename "$f" .pcapng).pcap" ;;
        *) cp "$f" "$REAL_PCAP/" ;;
        esac
    done
}

captures_for() {
    local t="$1" f
    for f in "$ROOT"/sample-pcaps/*.pcap "$REAL_PCAP"/*.pcap; do
        [ -e "$f" ] || continue
        case "$t:$(basename "$f")" in
        msnp:msnp*|msnp:ndpi_msn*) echo "$f" ;;
        qq:qq*|qq:ndpi_oicq*|qq:ndpi_tencent*|qq:ndpi_wechat*|qq:chichi_qq*|qq:xepwang_qq*) echo "$f" ;;
        qqhighway:qq-highway*) echo "$f" ;;
        qqsso:qqsso*) echo "$f" ;;
        esac
    done
}

mutation() {
    local t="$1" caps=() rates=(0.003 0.01 0.03 0.1) offsets=(0 42 54) i=0 before keys=()
    mapfile -t caps < <(captures_for "$t")
    mapfile -t keys < <(keys_for "$t")
    if [ ${#caps[@]} -eq 0 ]; then
        log "mutation $t: no captures"; result mutation "$t" 0 0 0 0; return
    fi
    RUN_FRAMES=0 RUN_OURS=0
    before=$FINDINGS
    # Run sizes such that every capture meets every rate and offset once
    # (at least 350 packets a run, at most 20000); captures change first, so
    # a short pass still sees each of them.
    local runs=0 combos=$(( ${#caps[@]} * ${#rates[@]} * ${#offsets[@]} ))
    local chunk=$(( SIZE / combos ))
    chunk=$(( chunk > 20000 ? 20000 : (chunk < 350 ? 350 : chunk) ))
    while [ "$RUN_FRAMES" -lt "$SIZE" ]; do
        local cap="${caps[$((i % ${#caps[@]}))]}"
        local rate="${rates[$(((i / ${#caps[@]}) % ${#rates[@]}))]}"
        local off="${offsets[$(((i / ${#caps[@]} / ${#rates[@]}) % ${#offsets[@]}))]}"
        local n want copies
        n="$(capinfos -c -M "$cap" | awk '/Number of packets/ {print $NF}')"
        want=$(( SIZE - RUN_FRAMES < chunk ? SIZE - RUN_FRAMES : chunk ))
        copies=$(( (want + n - 1) / n ))
        "$PY" "$HERE/pcaptool.py" repeat "$cap" "$WS/work/rep.pcap" "$copies" >/dev/null
        editcap -E "$rate" -o "$off" --seed $((i + 1)) "$WS/work/rep.pcap" "$WS/work/mut.pcap" \
            2>/dev/null
        run_dissect "mutation-$t-$(basename "$cap" .pcap)-E$rate-o$off-seed$((i + 1))" \
            "$WS/work/mut.pcap" "${keys[@]}"
        runs=$((runs + 1)); i=$((i + 1))
    done
    result mutation "$t" "$runs" "$RUN_FRAMES" "$RUN_OURS" $((FINDINGS - before))
}

# ----------------------------------------------------------------- random
random_kind() {
    local t="$1" before=$FINDINGS runs=0 i=0
    RUN_FRAMES=0 RUN_OURS=0
    # Each entry: generator | Decode As | extra options.  "gen" is
    # pcaptool.py random (payloads shaped for the protocol, on its ports and
    # others); bgp/dns are randpkt's TCP port 179 / UDP port 53 packets forced
    # to our handles.  The TCP ones run with and without reassembly (randpkt
    # repeats one sequence number).
    local plans=()
    if [ "$t" = msnp ]; then
        plans=("gen||"
               "bgp|tcp.port==179,msnp|"
               "gen||-o tcp.desegment_tcp_streams:FALSE"
               "bgp|tcp.port==179,msnp|-o tcp.desegment_tcp_streams:FALSE -o tcp.analyze_sequence_numbers:FALSE")
    elif [ "$t" = qqsso ]; then
        plans=("bgp|tcp.port==179,qqsso|"
               "bgp|tcp.port==179,qqsso|-o tcp.desegment_tcp_streams:FALSE -o tcp.analyze_sequence_numbers:FALSE")
    else
        plans=("gen||"
               "dns|udp.port==53,qq|"
               "gen||-o tcp.desegment_tcp_streams:FALSE"
               "bgp|tcp.port==179,qq|"
               "bgp|tcp.port==179,qq|-o tcp.desegment_tcp_streams:FALSE -o tcp.analyze_sequence_numbers:FALSE")
    fi
    local chunk=$(( SIZE / ${#plans[@]} ))
    chunk=$(( chunk > 20000 ? 20000 : (chunk < 200 ? 200 : chunk) ))
    while [ "$RUN_FRAMES" -lt "$SIZE" ]; do
        local plan="${plans[$((i % ${#plans[@]}))]}" type decode extra n args=()
        mapfile -t args < <(keys_for "$t")
        IFS='|' read -r type decode extra <<<"$plan"
        n=$(( SIZE - RUN_FRAMES < chunk ? SIZE - RUN_FRAMES : chunk ))
        if [ "$type" = gen ]; then
            "$PY" "$HERE/pcaptool.py" random "$t" "$WS/work/rand.pcap" "$n" "$((i + 1))" >/dev/null
        else
            randpkt -t "$type" -c "$n" -b 1500 "$WS/work/rand.pcap" >/dev/null 2>&1
        fi
        if [ -n "$decode" ]; then args+=(-d "$decode"); fi
        # shellcheck disable=SC2206
        args+=($extra)
        run_dissect "random-$t-$type-$i" "$WS/work/rand.pcap" "${args[@]}"
        runs=$((runs + 1)); i=$((i + 1))
    done
    result random "$t" "$runs" "$RUN_FRAMES" "$RUN_OURS" $((FINDINGS - before))
}

# -------------------------------------------------------------- libFuzzer
libfuzzer() {
    local t="$1" corpus="$OUT/corpus-$t" logf="$OUT/libfuzzer-$t.log" caps=()
    mkdir -p "$corpus"
    mapfile -t caps < <(captures_for "$t")
    if [ -z "$(ls -A "$corpus")" ] && [ ${#caps[@]} -gt 0 ]; then
        "$PY" "$HERE/pcaptool.py" corpus "$corpus" "$t" "${caps[@]}" >&2
    fi
    # RSS limit: libwireshark keeps ~4 kB per input and leaks at each session
    # renewal (see fuzz-target.c), ~3 GB after 30 minutes; a single malloc
    # over 1 GB is still a finding.
    local rc=0 keyed=0
    if [ "$t" = qq ] || [ "$t" = qqsso ]; then keyed=1; fi
    FUZZ_QQ_KEYS=$keyed "$FUZZ_DIR/fuzz-$t" "$corpus" -dict="$HERE/$t.dict" \
        -max_total_time="$FUZZ_SECONDS" -max_len=8192 -timeout=30 \
        -rss_limit_mb=6144 -malloc_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$OUT/findings/libfuzzer-$t-" >"$logf" 2>&1 || rc=$?
    local execs found
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$logf" | tail -1)"
    found="$(find "$OUT/findings" -name "libfuzzer-$t-*" | wc -l)"
    if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then
        found=1
        log "FINDING: fuzz-$t exited $rc without an artifact, see $logf"
    fi
    FINDINGS=$((FINDINGS + found))
    if [ "$found" -gt 0 ]; then log "FINDING: fuzz-$t: artifacts in $OUT/findings, log $logf"; fi
    printf 'RESULT %-9s %-4s seconds=%d execs=%d corpus=%d findings=%d\n' libfuzzer "$t" \
        "$FUZZ_SECONDS" "${execs:-0}" "$(ls "$corpus" | wc -l)" "$found"
}

# ------------------------------------------------------------------- main
log "campaign size $SIZE, libFuzzer ${FUZZ_SECONDS}s per target, kinds $KINDS, targets $TARGETS, output $OUT"
convert_real
if has "$KINDS" mutation || has "$KINDS" random; then
    build_asan
    setup_tshark
    write_qq_keylog
    protos="$("${TSHARK_ASAN[@]}" -G protocols 2>"$WS/work/g.err" | cut -f3)" || true
    if ! grep -qx msnp <<<"$protos" || ! grep -qx qq <<<"$protos"; then
        cat "$WS/work/g.err" >&2
        log "the sanitizer-built plugin did not load"; exit 2
    fi
fi
if has "$KINDS" libfuzzer; then build_fuzz; fi

# (if, not &&: set -e does not apply inside a function called from an && list)
for t in ${TARGETS//,/ }; do
    if has "$KINDS" mutation; then mutation "$t"; fi
    if has "$KINDS" random; then random_kind "$t"; fi
done
if has "$KINDS" libfuzzer; then
    if [ "$PARALLEL" -eq 1 ]; then
        pids=()
        for t in ${TARGETS//,/ }; do
            ( FINDINGS=0; libfuzzer "$t" >"$OUT/libfuzzer-$t.result" ) &
            pids+=($!)
        done
        for p in "${pids[@]}"; do wait "$p" || true; done
        for t in ${TARGETS//,/ }; do
            cat "$OUT/libfuzzer-$t.result"
            n="$(sed -n 's/.*findings=\([0-9]*\).*/\1/p' "$OUT/libfuzzer-$t.result")"
            FINDINGS=$((FINDINGS + ${n:-1}))
        done
    else
        for t in ${TARGETS//,/ }; do libfuzzer "$t"; done
    fi
fi

if [ "$UPSTREAM" -gt 0 ]; then
    echo "UPSTREAM $UPSTREAM (Wireshark's own failures, also without the plugin: $OUT/findings/upstream)"
fi
echo "FINDINGS $FINDINGS (output in $OUT)"
[ "$FINDINGS" -eq 0 ]
