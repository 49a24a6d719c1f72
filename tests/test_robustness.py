# SPDX-License-Identifier: GPL-2.0-or-later
"""Robustness (issue 5): hostile inputs, the sanitizer harness, bounded
memory and a short fuzz pass.

Hostile captures come from tests/hostile.py (generated at test time).  Each
is dissected in two passes with -V and must exit 0 without "dissector bug";
the expected expert info must be there by name, and the well-formed sentinel
messages after the hostile part must still be dissected with exact values.
When the sanitizer build can be made (build-asan, -DENABLE_SANITIZERS=ON),
every hostile capture is also dissected by the ASan/UBSan module, and a
deliberately broken canary module proves that such a run fails on a memory
error or undefined behaviour.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from conftest import ROOT, Tshark, build_dir

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile  # noqa: E402
import wsversion  # noqa: E402

ASAN_DIR = build_dir("asan")
BAD_STDERR = re.compile(r"dissector bug|AddressSanitizer|runtime error:|DISSECTOR_ASSERT|"
                        r"failed assertion|\*\* \(tshark:\d+\) .*(ERROR|CRITICAL)")


def sanitizer_env():
    """What a sanitizer-built plugin needs in the system tshark."""
    runtime = subprocess.run(["gcc", "-print-file-name=libasan.so"], stdout=subprocess.PIPE,
                             check=True).stdout.decode().strip()
    return {
        "LD_PRELOAD": runtime,
        "ASAN_OPTIONS": "detect_leaks=0",
        "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
        # Every wmem allocation its own malloc, or ASan cannot see overflows
        # inside pinfo->pool / file-scope blocks (the canary test shows it).
        "WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple",
        "G_SLICE": "always-malloc",
    }


def dissect_clean(t, pcap, extra=(), env=None):
    """tshark -n -2 -V on a capture: exit 0 and nothing alarming on stderr."""
    p = t.run(["-n", "-2", "-V", "-r", t.path(pcap)] + list(extra), check=False, env=env)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 0 and not BAD_STDERR.search(err), \
        "tshark failed on %s (exit %d):\n%s" % (pcap, p.returncode, err[-4000:])
    return p.stdout.decode("utf-8", "replace")


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="session")
def hostile_captures():
    d = tempfile.mkdtemp(prefix="msnp-qq-hostile-")
    os.chmod(d, 0o755)
    paths = hostile.write_all(d)
    yield paths
    shutil.rmtree(d, ignore_errors=True)


def _cmake_build(builddir, *options):
    cfg = subprocess.run(["cmake", "-S", ROOT, "-B", builddir] + list(options),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if cfg.returncode != 0:
        return cfg.stdout.decode("utf-8", "replace")
    b = subprocess.run(["cmake", "--build", builddir, "-j2"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return None if b.returncode == 0 else b.stdout.decode("utf-8", "replace")


@pytest.fixture(scope="session")
def asan_build():
    """The sanitizer build (build-asan, made here if needed), or a skip that says why not."""
    if os.environ.get("MSNP_QQ_NO_SANITIZERS"):
        pytest.skip("sanitizer runs disabled by MSNP_QQ_NO_SANITIZERS")
    if not os.path.exists(subprocess.run(["gcc", "-print-file-name=libasan.so"],
                                         stdout=subprocess.PIPE).stdout.decode().strip()):
        pytest.skip("gcc's ASan runtime (libasan.so) is not installed")
    failure = _cmake_build(ASAN_DIR, "-DENABLE_SANITIZERS=ON")
    if failure:
        pytest.fail("the sanitizer build failed:\n" + failure[-3000:])
    return ASAN_DIR


@pytest.fixture(scope="session")
def asan_ws(asan_build):
    workdir = tempfile.mkdtemp(prefix="msnp-qq-asan-")
    t = Tshark(workdir, os.path.join(asan_build, "msnp_qq.so"))
    protos = t.out(["-G", "protocols"], env=sanitizer_env()).split()
    assert "msnp" in protos and "qq" in protos
    yield t
    shutil.rmtree(workdir, ignore_errors=True)


# ------------------------------------------------- the sanitizer harness

def _canary_capture(path, payload):
    from pcapgen import Capture
    cap = Capture()
    cap.udp("10.0.0.1", 5000, "10.0.0.2", 9, payload)
    cap.udp("10.0.0.1", 5000, "10.0.0.2", 9, b"after")
    cap.write(path)


@pytest.mark.parametrize("payload,report", [
    (b"HEAP0123", "AddressSanitizer: heap-buffer-overflow"),
    (b"UBSN0123", "runtime error: signed integer overflow"),
])
@pytest.mark.slow
def test_sanitizer_error_in_plugin_fails_the_run(asan_build, payload, report):
    # The canary module reads past a pinfo->pool block / overflows an int on
    # request; the same preload and environment as for our module must turn
    # that into a failed run, or the sanitizer runs below could never fail.
    workdir = tempfile.mkdtemp(prefix="msnp-qq-canary-")
    try:
        t = Tshark(workdir, os.path.join(asan_build, "sanitizer_canary.so"))
        good, bad = os.path.join(workdir, "good.pcap"), os.path.join(workdir, "bad.pcap")
        _canary_capture(good, b"harmless")
        _canary_capture(bad, payload)
        dissect_clean(t, good, env=sanitizer_env())
        # The canary really dissects (its Protocol column), harmlessly here.
        assert t.out(["-n", "-r", t.path(good)], env=sanitizer_env()).count(" CANARY ") == 2
        p = t.run(["-n", "-2", "-V", "-r", t.path(bad)], check=False, env=sanitizer_env())
        assert p.returncode != 0
        assert report in p.stderr.decode("utf-8", "replace")
        with pytest.raises(AssertionError):
            dissect_clean(t, bad, env=sanitizer_env())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.slow
def test_every_hostile_capture_clean_under_sanitizers(asan_ws, hostile_captures):
    for name, path in sorted(hostile_captures.items()):
        out = dissect_clean(asan_ws, path, env=sanitizer_env())
        assert "MSNP" in out or "QQ" in out, name


@pytest.mark.slow
def test_every_sample_capture_clean_under_sanitizers(asan_ws):
    samples = sorted(f for f in os.listdir(os.path.join(ROOT, "sample-pcaps")) if f.endswith(".pcap"))
    assert samples
    for name in samples:
        dissect_clean(asan_ws, name, env=sanitizer_env())


# ---------------------------------------------------------------- MSNP

def msnp_rows(ws, path, fields):
    return ws.fields(path, ["frame.number"] + fields, "msnp", two_pass=True)


def frames_with(ws, path, dfilter):
    return [int(r[0]) for r in ws.fields(path, ["frame.number"], dfilter, two_pass=True)]


def assert_msnp_sentinels(ws, path):
    """CHG 90 both ways (reply linked to request), then PNG and QNG, last."""
    rows = msnp_rows(ws, path, ["msnp.cmd", "msnp.trid", "msnp.response_to", "msnp.param",
                                "_ws.expert.message"])
    tail = rows[-4:]
    (f1, c1, t1, r1, p1, e1), (f2, c2, t2, r2, p2, e2), (f3, c3, t3, r3, p3, e3), \
        (f4, c4, t4, r4, p4, e4) = tail
    assert (c1, t1, r1, p1, e1) == ("CHG", "90", "", "NLN,0", "")
    assert (c2, t2, r2, p2, e2) == ("CHG", "90", f1, "NLN,0", "")
    assert (c3, t3, p3, e3) == ("PNG", "", "", "")
    assert (c4, t4, p4, e4) == ("QNG", "", "45", "")
    assert int(f1) < int(f2) < int(f3) < int(f4)
    return rows


def hostile_frame(ws, path, expert):
    frames = frames_with(ws, path, expert)
    assert frames, "no frame has %s" % expert
    return frames


@pytest.mark.parametrize("name,token", [
    ("hostile-msnp-len-4294967295.pcap", "4294967295"),
    ("hostile-msnp-len-2pow40.pcap", "1099511627776"),
    ("hostile-msnp-len-negative.pcap", "-5"),
    ("hostile-msnp-len-nonnumeric.pcap", "12abc"),
    ("hostile-msnp-len-empty.pcap", ""),
])
def test_msnp_bad_payload_length(ws, hostile_captures, name, token):
    path = hostile_captures[name]
    dissect_clean(ws, path)
    frames = hostile_frame(ws, path, "msnp.bad_length")
    assert len(frames) == 1
    row = ws.fields(path, ["msnp.cmd", "msnp.trid", "msnp.length", "_ws.expert.message"],
                    "frame.number == %d" % frames[0], two_pass=True)[0]
    assert row[0].split(",")[0] == "MSG" and row[1] == "5"
    if token == "4294967295":
        # A number, but beyond the bound: kept as the length, not reassembled.
        assert row[2] == token
        assert "Payload length 4294967295 exceeds the limit of 1048576 bytes" in row[3]
    else:
        assert row[2] == ""
        assert "Payload length is not a number" in row[3]
    sentinels = assert_msnp_sentinels(ws, path)
    assert int(sentinels[-4][0]) > frames[0]


def test_msnp_never_ending_line(ws, hostile_captures):
    path = hostile_captures["hostile-msnp-long-line.pcap"]
    dissect_clean(ws, path)
    # 100 kB without a line end in 1460-byte segments: with the default
    # msnp.max_line of 16384 bytes, every 12 segments (17,520 bytes) are
    # flagged once and dropped, five times; the last 11 segments end the line.
    frames = frames_with(ws, path, "msnp.line_too_long")
    assert len(frames) == 5
    assert [b - a for a, b in zip(frames, frames[1:])] == [12, 12, 12, 12]
    msgs = [r[0] for r in ws.fields(path, ["_ws.expert.message"], "msnp.line_too_long", two_pass=True)]
    assert msgs == ["No line end within 16384 bytes"] * 5
    # The end of the line: one unknown "command" of 16,062 X.
    tail = ws.fields(path, ["frame.number", "msnp.cmd"], "msnp.unknown_command", two_pass=True)
    assert len(tail) == 1 and tail[0][1] == "X" * (hostile.LONG_LINE_BYTES - 5 * 12 * 1460)
    assert_msnp_sentinels(ws, path)


def test_msnp_never_ending_line_respects_max_line_preference(ws, hostile_captures):
    path = hostile_captures["hostile-msnp-long-line.pcap"]
    frames = [int(r[0]) for r in ws.fields(path, ["frame.number"], "msnp.line_too_long", two_pass=True,
                                           extra=["-o", "msnp.max_line:4000"])]
    # 4000 bytes: flagged every 3 segments (4,380 bytes) instead of every 12.
    assert len(frames) == 23 and frames[1] - frames[0] == 3


def test_msnp_5000_commands_in_one_segment(ws, hostile_captures):
    path = hostile_captures["hostile-msnp-5000-commands.pcap"]
    dissect_clean(ws, path)
    rows = msnp_rows(ws, path, ["msnp.cmd", "_ws.expert.message"])
    big = [r for r in rows if r[1].count(",") > 0]
    assert len(big) == 1
    assert big[0][1].split(",") == ["PNG"] * hostile.MANY_COMMANDS
    assert big[0][2] == ""
    assert_msnp_sentinels(ws, path)


def test_msnp_nul_bytes_and_invalid_utf8(ws, hostile_captures):
    path = hostile_captures["hostile-msnp-nul-utf8.pcap"]
    dissect_clean(ws, path)
    rows = {int(r[0]): r[1:] for r in msnp_rows(ws, path, ["msnp.cmd", "msnp.trid", "msnp.param",
                                                            "msnp.account", "msnp.friendly_name"])}
    # A NUL ends a string field; invalid UTF-8 becomes U+FFFD in parameters.
    # A friendly name sent as raw bytes shows every byte that is no
    # character (the NUL too) as \xNN (msnp-names.c).
    assert rows[6][:3] == ["CAL", "6", "bu"]
    assert rows[7][:3] == ["ILN", "7", "NLN,b\ufffd\ufffd@hotmail.com,na\ufffd(me,0"]
    assert wsversion.fields_text(rows[7][4]) == "na\\xc3(me\\x00x"
    assert rows[8][:4] == ["NLN", "", "NLN,c@hotmail.com,\ufffd,0", "c@hotmail.com"]
    assert wsversion.fields_text(rows[8][4]) == "\\xe5\\xb0"
    assert_msnp_sentinels(ws, path)


def test_msnp_bad_url_escapes(ws, hostile_captures):
    path = hostile_captures["hostile-msnp-bad-escapes.pcap"]
    dissect_clean(ws, path)
    assert frames_with(ws, path, "msnp.bad_escape") == [6, 7, 8]
    names = [r[0] for r in ws.fields(path, ["msnp.friendly_name"], "msnp.bad_escape", two_pass=True)]
    # Shown raw when the escape is broken.
    assert names == ["bad%zzname", "cut%E5%A5", "lone%"]
    assert_msnp_sentinels(ws, path)


def test_msnp_bad_xfr_addresses(ws, hostile_captures):
    path = hostile_captures["hostile-msnp-bad-xfr.pcap"]
    dissect_clean(ws, path)
    rows = ws.fields(path, ["frame.number", "msnp.xfr.ip", "msnp.xfr.port", "_ws.expert.message"],
                     "msnp.bad_address", two_pass=True)
    assert [(r[0], r[1], r[2]) for r in rows] == [("7", "", ""), ("9", "", "")]
    assert "999.1.1.1:99999" in rows[0][3] and "Not a valid IPv4 address and port: :" in rows[1][3]
    assert_msnp_sentinels(ws, path)


def test_msnp_empty_lines(ws, hostile_captures):
    path = hostile_captures["hostile-msnp-empty-lines.pcap"]
    dissect_clean(ws, path)
    rows = ws.fields(path, ["frame.number", "_ws.expert.message"], "msnp.empty_line", two_pass=True)
    assert rows == [["6", "Empty line"], ["7", "Empty line,Empty line,Empty line"], ["8", "Empty line"]]
    assert_msnp_sentinels(ws, path)


@pytest.mark.parametrize("name,expert,message", [
    ("hostile-msnp-p2p-short.pcap", "msnp.p2p_short", "P2P header needs 48 bytes, only 24 present"),
    ("hostile-msnp-p2p-bad-size.pcap", "msnp.p2p_bad_size", "Message size 500 exceeds the 4 bytes present before the footer"),
])
def test_msnp_bad_p2p_header(ws, hostile_captures, name, expert, message):
    path = hostile_captures[name]
    dissect_clean(ws, path)
    rows = ws.fields(path, ["frame.number", "msnp.cmd", "_ws.expert.message"], expert, two_pass=True)
    assert rows == [["6", "MSG", message]]
    assert_msnp_sentinels(ws, path)


# ------------------------------------------------------------------ QQ

SENTINEL_SEQ = "0x%04x" % hostile.SENTINEL_SEQ


def without_decrypt_note(messages):
    return ",".join(m for m in messages.split(",") if m and not m.startswith("Encrypted QQ body not decrypted"))


def assert_qq_sentinels(ws, path, after):
    """Every sentinel request is answered by a linked reply, after the hostile frames."""
    rows = ws.fields(path, ["frame.number", "qq.cmd", "qq.response_to", "qq.response_in",
                            "_ws.expert.message"], "qq.seq == %s" % SENTINEL_SEQ, two_pass=True)
    requests = [r for r in rows if r[3]]
    replies = [r for r in rows if r[2]]
    assert requests and len(requests) == len(replies) == len(rows) / 2, rows
    for req in requests:
        reply = [r for r in replies if r[2] == req[0]]
        assert len(reply) == 1 and reply[0][0] == req[3]
        assert req[1] == reply[0][1] == "0x0058"
        # (the once-per-conversation note that bodies were not decrypted aside)
        assert without_decrypt_note(req[4]) == without_decrypt_note(reply[0][4]) == ""
    assert max(int(r[0]) for r in rows) > after


def test_qq_tcp_bad_length_fields(ws, hostile_captures):
    path = hostile_captures["hostile-qq-tcp-bad-lengths.pcap"]
    dissect_clean(ws, path)
    rows = ws.fields(path, ["frame.number", "qq.length", "_ws.expert.message"], "qq.bad_length",
                     two_pass=True)
    # Frame 4 is the good first packet; each bad length skips its segment.
    assert [(r[0], r[1]) for r in rows] == [("5", "0"), ("6", "1"), ("7", "2"), ("8", "6"),
                                            ("9", "65535"), ("10", "65535,30")]
    assert rows[4][2] == "Length 65535 is out of bounds (10..16384) or does not match the 30 bytes present"
    # Resync: after the junk's 0x03 the good packet of the same segment is read.
    resync = ws.fields(path, ["frame.number", "qq.cmd", "qq.uin"], "qq.seq == 0x%04x" % hostile.RESYNC_SEQ,
                       two_pass=True)
    assert resync == [["10", "0x0058", str(hostile.QQ_UIN)]]
    assert_qq_sentinels(ws, path, after=10)


def test_qq_udp_short_datagrams_do_not_break_the_session(ws, hostile_captures):
    path = hostile_captures["hostile-qq-udp-short.pcap"]
    dissect_clean(ws, path)
    # The 12-byte one is a complete empty request.
    rows = ws.fields(path, ["frame.number", "qq.cmd", "qq.seq"], "qq.seq == 0x0002", two_pass=True)
    assert rows == [["12", "0x0058", "0x0002"]]
    assert_qq_sentinels(ws, path, after=12)


def test_qq_udp_runts_left_to_data(ws, hostile_captures):
    # Issue 4: a runt (shorter than any QQ header) on UDP 8000 is not claimed;
    # it is shown by the data dissector, and the session after it is QQ again.
    path = hostile_captures["hostile-qq-udp-short.pcap"]
    assert frames_with(ws, path, "qq && frame.number <= 11") == []
    # (the 1-byte one goes to ICQ, which owns the client's UDP port 4000)
    assert frames_with(ws, path, "data && frame.number <= 11") == list(range(2, 12))
    assert frames_with(ws, path, "frame.protocols contains \"icq\" && frame.number == 1") == [1]


def test_qq_udp_wrong_tail(ws, hostile_captures):
    path = hostile_captures["hostile-qq-udp-bad-tail.pcap"]
    dissect_clean(ws, path)
    rows = ws.fields(path, ["frame.number", "qq.seq", "_ws.expert.message"], "qq.bad_tail", two_pass=True)
    assert len(rows) == 1 and rows[0][:2] == ["1", "0x0003"]
    assert "Last byte is 0x7f instead of the 0x03 tail" in rows[0][2]
    assert_qq_sentinels(ws, path, after=1)


def test_qq_udp_1400_bytes_of_ff(ws, hostile_captures):
    path = hostile_captures["hostile-qq-udp-all-ff.pcap"]
    dissect_clean(ws, path)
    rows = ws.fields(path, ["frame.number", "qq.version", "qq.cmd", "qq.seq", "qq.body"],
                     "qq.unknown_version && qq.unknown_command", two_pass=True)
    assert len(rows) == 1
    assert rows[0][:4] == ["1", "0xffff", "0xffff", "0xffff"]
    assert frames_with(ws, path, "qq.bad_tail || _ws.malformed") == []
    assert_qq_sentinels(ws, path, after=1)


@pytest.mark.parametrize("variant", sorted(hostile.QQ_VARIANT_HEADERS))
def test_qq_headers_cut_at_every_byte(ws, hostile_captures, variant):
    path = hostile_captures["hostile-qq-cut-%s.pcap" % variant]
    from_server, header = hostile.QQ_VARIANT_HEADERS[variant]
    dissect_clean(ws, path)
    cuts = len(header)
    # TCP: each cut (tail added) framed on its own.  Framed lengths below the
    # 10-byte minimum are bad lengths; requests shorter than the 12-byte
    # classic request are truncated; longer cuts are read as a shorter variant.
    tcp = ws.fields(path, ["frame.number", "qq.length", "_ws.expert.message"],
                    "tcp && qq && !(qq.seq == %s)" % SENTINEL_SEQ, two_pass=True)
    assert len(tcp) == cuts
    bad_len = [r for r in tcp if "out of bounds" in r[2]]
    assert [int(r[1]) for r in bad_len] == [n + 3 for n in range(1, 7)]
    truncated = frames_with(ws, path, "tcp && qq.truncated")
    assert len(truncated) == (0 if from_server else 4)
    # UDP: nothing malformed, and what QQ claims of the cuts carries a header.
    assert frames_with(ws, path, "_ws.malformed && udp.port == 8000") == []
    assert_qq_sentinels(ws, path, after=max(int(r[0]) for r in tcp))


def test_msnp_slp_lies(ws, hostile_captures):
    path = hostile_captures["hostile-msnp-slp-lies.pcap"]
    got = ws.fields(path, ["frame.number", "_ws.expert.message"], "msnp && _ws.expert", two_pass=True)
    assert got == [
        ["6", "MSNSLP answer without an earlier request of the same Call-ID"],
        ["7", "Content-Length 4000, but only 17 bytes follow"],
        ["8", "Context is not base64 (or longer than 8192 characters)"],
        ["9", "A file offer's context needs at least 22 bytes, it has 8"],
        ["14", "Handshake nonce differs from the one the invitation gave"],
    ]
    names = {"6": "msnp.slp.unmatched", "7": "msnp.slp.truncated", "8": "msnp.slp.bad_context",
             "9": "msnp.slp.bad_context", "14": "msnp.dc.nonce_mismatch"}
    for frame, name in names.items():
        assert ws.count(path, "frame.number == %s && %s" % (frame, name), two_pass=True) == 1, name
    assert_msnp_sentinels(ws, path)


def test_expected_expert_infos_are_registered(ws):
    names = {line.split("\t")[2] for line in ws.out(["-G", "fields"]).splitlines()
             if line.startswith("F\t")}
    msnp = ["error_reply", "unknown_command", "no_crlf", "bad_trid", "bad_length", "partial_payload",
            "line_too_long", "bad_escape", "bad_address", "p2p_short", "p2p_bad_size",
            "unmatched_reply", "empty_line", "p2p_too_big", "p2p_budget", "p2p_overlap_conflict",
            "p2p_sha1_mismatch", "slp.bad_context", "slp.truncated", "slp.unmatched", "dc.bad_length",
            "dc.nonce_mismatch"]
    qq = ["bad_tail", "bad_length", "truncated", "unknown_command", "unknown_version", "no_response",
          "resend"]
    missing = [n for n in ["msnp." + m for m in msnp] + ["qq." + q for q in qq] if n not in names]
    assert missing == []


# --------------------------------------------------------- memory bounds

MIB = 1 << 20


def peak_rss_kib(ws, path, extra=()):
    """Peak resident memory of one tshark -2 -V run, from /usr/bin/time."""
    if not os.path.exists("/usr/bin/time"):
        pytest.skip("/usr/bin/time is not installed (Debian package time)")
    p = ws.run(["-f", "PEAK_RSS_KIB=%M", "tshark", "-n", "-2", "-V", "-r", ws.path(path)] + list(extra),
               program="/usr/bin/time", check=False)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 0 and not BAD_STDERR.search(err), err[-3000:]
    return int(re.findall(r"PEAK_RSS_KIB=(\d+)", err)[-1])


@pytest.fixture(scope="module")
def memory_captures():
    d = tempfile.mkdtemp(prefix="msnp-qq-memory-")
    os.chmod(d, 0o755)
    paths = {}
    for name, build in hostile.MEMORY_CAPTURES.items():
        for size in (4 * MIB, 16 * MIB):
            path = os.path.join(d, "%d-%s" % (size // MIB, name))
            build(size).write(path)
            paths[name, size] = path
    yield paths
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("name,expert", [
    ("memory-4gb-claim.pcap", "msnp.bad_length"),
    ("memory-endless-line.pcap", "msnp.line_too_long"),
])
def test_memory_bounded_by_reassembly_limits(ws, memory_captures, name, expert):
    # A 4 GB payload claim is above msnp.max_payload (1 MiB by default), so
    # nothing waits for it; a line with no end is cut every msnp.max_line
    # (16 KiB) bytes.  So such captures cost what normal traffic of the same
    # size costs, and grow with the capture alone: compared at 4 and 16 MiB.
    normal = {s: peak_rss_kib(ws, memory_captures["memory-normal.pcap", s]) for s in (4 * MIB, 16 * MIB)}
    bad = {s: peak_rss_kib(ws, memory_captures[name, s]) for s in (4 * MIB, 16 * MIB)}
    slack = 16 * 1024   # KiB
    for s in bad:
        assert bad[s] <= normal[s] + slack, (name, s, bad, normal)
    assert bad[16 * MIB] - bad[4 * MIB] <= normal[16 * MIB] - normal[4 * MIB] + slack, (bad, normal)
    # And the captures really are hostile: the limits were hit.
    path = memory_captures[name, 16 * MIB]
    hits = ws.count(path, expert, two_pass=True)
    if expert == "msnp.bad_length":
        assert hits == 1
        # What follows the refused claim is cut at the line limit.
        assert ws.count(path, "msnp.line_too_long", two_pass=True) == 16 * MIB // (12 * 1460)
    else:
        assert hits == (16 * MIB) // (12 * 1460)
    assert_msnp_sentinels(ws, path)


# ------------------------------------------------------ short fuzz pass

CAMPAIGN = os.path.join(ROOT, "tests", "fuzz", "campaign.sh")
SHORT_SIZE = 3000          # packets per dissector, for each of mutation and random
SHORT_FUZZ_SECONDS = 20    # libFuzzer time per dissector (both run in parallel)


@pytest.mark.slow
def test_short_fuzz_pass(asan_build):
    # The three kinds of tests/fuzz/campaign.sh at a small size, under the
    # sanitizers: zero findings, and proof that packets really went through
    # our dissectors (tshark's io,stat counts; libFuzzer's execution count).
    if shutil.which("clang") is None:
        pytest.fail("clang is missing: ./plugin.sh deps installs it (with libclang-rt-14-dev)")
    out = tempfile.mkdtemp(prefix="msnp-qq-fuzz-")
    try:
        p = subprocess.run(["bash", CAMPAIGN, "-j", "-f", str(SHORT_FUZZ_SECONDS), "-o", out,
                            str(SHORT_SIZE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=600)
        text = p.stdout.decode("utf-8", "replace")
        log = p.stderr.decode("utf-8", "replace")
        assert p.returncode == 0, "campaign found something or failed:\n%s\n%s" % (text, log[-5000:])
        results = {}
        for m in re.finditer(r"^RESULT (\w+) +(\w+) +(.*)$", text, re.M):
            results[m.group(1), m.group(2)] = dict(kv.split("=") for kv in m.group(3).split())
        assert sorted(results) == [(k, t) for k in ("libfuzzer", "mutation", "random")
                                   for t in ("msnp", "qq", "qqsso")], text
        for (kind, target), r in results.items():
            assert r["findings"] == "0", (kind, target, text)
            if kind == "libfuzzer":
                assert int(r["execs"]) >= 1000, (target, r)
            else:
                assert int(r["packets"]) >= SHORT_SIZE, (kind, target, r)
                # A good share really reached MSNP/QQ (not just rejected).
                assert int(r["dissected_by_plugin"]) >= SHORT_SIZE // 5, (kind, target, r)
        assert re.search(r"^FINDINGS 0 ", text, re.M)
    finally:
        shutil.rmtree(out, ignore_errors=True)
