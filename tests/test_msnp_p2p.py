# SPDX-License-Identifier: GPL-2.0-or-later
"""Chat transcripts, MSNSLP, P2P reassembly, Export Objects and direct
connections (issue 14), on the captures of sample-pcaps/msnp_p2p_scenarios.py.

The exported files are compared with the bytes the generator sent
(msnp_p2p_scenarios.ORIGINALS), the transcripts line by line.
"""

import hashlib
import os
import shutil
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "sample-pcaps"))

import msnp_p2p_scenarios as scen  # noqa: E402

CHAT = "msnp-chat.pcap"
SB = "msnp-p2p-switchboard.pcap"
DIRECT = "msnp-p2p-direct.pcap"
HOSTILE = "msnp-p2p-hostile.pcap"
LOGIN = "msnp-login.pcap"


def transcript(ws, pcap, tap="msnp,chat"):
    """The -z msnp,chat output between its ==== rulers, as lines."""
    out = ws.out(["-n", "-q", "-r", ws.path(pcap), "-z", tap])
    lines = out.splitlines()
    start = lines.index("=" * 67)
    end = len(lines) - 1 - lines[::-1].index("=" * 67)
    return lines[start + 1:end]


def row(ws, pcap, frame, fields, extra=()):
    rows = ws.fields(pcap, fields, "frame.number == %d" % frame, two_pass=True, extra=extra)
    assert len(rows) == 1, rows
    return rows[0]


def export(ws, pcap, extra=()):
    """Files that --export-objects msnp writes: name -> bytes."""
    return ws.export_objects(pcap, "msnp", extra)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# -- chat transcript ---------------------------------------------------------

CHAT_TRANSCRIPT = [
    "MSNP chat transcript: 2 switchboard sessions",
    "",
    "Session 1: switchboard 207.46.108.59:1863, started 2005-11-03 06:40:00.030 UTC (frame 4)",
    "  frame 5  06:40:00.040  * cndes2005@hotmail.com (小明) joined (USR)",
    "  frame 6  06:40:00.050  * cecile260992@hotmail.com invited (CAL)",
    "  frame 8  06:40:00.070  * cecile260992@hotmail.com (choupi) joined (JOI)",
    "  frame 9  06:40:00.080  * jürgen.müller@hotmail.com invited (CAL)",
    "  frame 11  06:40:00.100  * jürgen.müller@hotmail.com (Jürgen) joined (JOI)",
    "  frame 14  06:40:00.130  cndes2005@hotmail.com (小明): 大家好！今天开会吗？",
    "  frame 17  06:40:00.160  cecile260992@hotmail.com (choupi): Oui, à 15 h au café.",
    "  frame 18  06:40:00.170  jürgen.müller@hotmail.com (Jürgen): Grüße aus München!\\nBis später.",
    "  frame 19  06:40:30.180  cndes2005@hotmail.com (小明): 好的 👍",
    "  frame 20  06:40:30.190  * jürgen.müller@hotmail.com (Jürgen) left (BYE)",
    "  frame 21  06:40:30.200  * cecile260992@hotmail.com (choupi) left (BYE)",
    "  frame 22  06:40:30.210  * cndes2005@hotmail.com (小明) left (OUT)",
    "",
    "Session 2: switchboard 207.46.108.83:1863, started 2005-11-03 06:40:30.290 UTC (frame 30)",
    "  frame 31  06:40:30.300  * cecile260992@hotmail.com (choupi) was already there (IRO)",
    "  frame 32  06:40:30.310  * cndes2005@hotmail.com (小明) joined (ANS)",
    "  frame 33  06:40:30.320  cecile260992@hotmail.com (choupi): see you",
    "  frame 34  06:40:30.330  * cndes2005@hotmail.com (小明) left (OUT)",
]


def test_chat_transcript_three_people_non_ascii(ws):
    assert transcript(ws, CHAT) == CHAT_TRANSCRIPT


def test_chat_transcript_skips_typing_and_control_messages(ws):
    # Frames 12, 13 and 16 are MSGs too: client capabilities and typing.
    got = ws.fields(CHAT, ["frame.number", "msnp.msg.content_type"], "msnp.cmd == \"MSG\"")
    assert [r for r in got if r[1] != "text/plain"] == [
        ["12", "text/x-clientcaps"], ["13", "text/x-msmsgscontrol"], ["16", "text/x-msmsgscontrol"]]
    lines = "\n".join(transcript(ws, CHAT))
    for frame in (12, 13, 16):
        assert "frame %d " % frame not in lines


def test_chat_transcript_with_a_filter(ws):
    # Only the second switchboard; its own friendly name came with the first
    # one's USR, which the filter leaves out: names are the capture's, not the
    # filtered commands' (msnp-names.c).
    got = transcript(ws, CHAT, "msnp,chat,tcp.port == 2003")
    assert got == [
        "MSNP chat transcript: 1 switchboard session",
        "",
        "Session 1: switchboard 207.46.108.83:1863, started 2005-11-03 06:40:30.290 UTC (frame 30)",
        "  frame 31  06:40:30.300  * cecile260992@hotmail.com (choupi) was already there (IRO)",
        "  frame 32  06:40:30.310  * cndes2005@hotmail.com (小明) joined (ANS)",
        "  frame 33  06:40:30.320  cecile260992@hotmail.com (choupi): see you",
        "  frame 34  06:40:30.330  * cndes2005@hotmail.com (小明) left (OUT)",
    ]


def test_chat_transcript_of_the_login_sample(ws):
    got = transcript(ws, LOGIN)
    assert got[2] == "Session 1: switchboard 207.46.108.59:1863, started 2005-11-03 06:40:46.970 UTC (frame 48)"
    assert got[3:9] == [
        "  frame 49  06:40:46.980  * cndes2005@hotmail.com (小明) joined (USR)",
        "  frame 50  06:40:46.990  * cecile260992@hotmail.com (choupi) invited (CAL)",
        "  frame 52  06:40:47.010  * cecile260992@hotmail.com (choupi) joined (JOI)",
        "  frame 54  06:40:47.030  cndes2005@hotmail.com (小明): 你好, hello",
        "  frame 58  06:40:47.070  * cecile260992@hotmail.com (choupi) left (BYE)",
        "  frame 59  06:40:47.080  * cndes2005@hotmail.com (小明) left (OUT)",
    ]


def test_chat_transcript_of_routed_messages(ws):
    """MSNP21 has no switchboard: SDG messages through the notification
    server are a session of their own, naming sender and recipient (without
    the "1:" network prefix and the end point); "USR 2 OK alice@live.com 1 0"
    gives no friendly name.  Bob's name is the latest before frame 65: "Bob"
    from the MSNP18 NLN of frame 41 (1:bob@hotmail.com), not the "Bob ★" of
    the MSNP7 ILN of frame 14."""
    got = transcript(ws, "msnp-versions.pcap")
    assert got[0] == "MSNP chat transcript: 1 switchboard session, 1 connection with routed messages (SDG)"
    assert got[2:5] == [
        "Session 1: messages routed (SDG) through 207.46.4.22:443, started 2005-11-03 06:40:00.640 UTC (frame 65)",
        "  frame 65  06:40:00.640  alice@live.com to bob@hotmail.com (Bob): hello bob",
        "  frame 66  06:40:00.650  bob@hotmail.com (Bob) to alice@live.com: 你好 alice",
    ]
    assert got[6] == "Session 2: switchboard 207.46.108.59:1863, started 2005-11-03 06:40:00.950 UTC (frame 96)"


def test_text_decoded_as_its_charset_says(ws):
    assert row(ws, CHAT, 17, ["msnp.msg.text"]) == ["Oui, à 15 h au café."]
    assert row(ws, CHAT, 14, ["msnp.msg.text"]) == ["大家好！今天开会吗？"]


def test_chat_tree_registered(ws):
    out = ws.out(["-n", "-q", "-r", ws.path(CHAT), "-z", "msnp_chat,tree"])
    assert "Session 1: switchboard 207.46.108.59:1863" in out
    assert "06:40:30.180  frame 19  cndes2005@hotmail.com (小明): 好的 👍" in out


# -- MSNSLP ------------------------------------------------------------------

SLP_FIELDS = ["msnp.slp.method", "msnp.slp.uri", "msnp.slp.status", "msnp.slp.reason", "msnp.slp.to",
              "msnp.slp.from", "msnp.slp.branch", "msnp.slp.cseq", "msnp.slp.call_id",
              "msnp.slp.max_forwards", "msnp.slp.content_type", "msnp.slp.content_length",
              "msnp.slp.euf_guid", "msnp.slp.offer", "msnp.slp.session_id", "msnp.slp.app_id"]


def test_file_invitation_headers_and_body(ws):
    # The INVITE is 1213 bytes: two chunks (frames 9 and 11), MSNSLP in the second.
    assert row(ws, SB, 9, ["msnp.p2p.offset", "msnp.p2p.total_size", "msnp.p2p.reassembled_in"]) == \
        ["0", "1213", "11"]
    assert row(ws, SB, 11, SLP_FIELDS + ["msnp.ft.size", "msnp.ft.filename"]) == [
        "INVITE", "MSNMSGR:cecile260992@hotmail.com", "", "", "<msnmsgr:cecile260992@hotmail.com>",
        "<msnmsgr:cndes2005@hotmail.com>", "{4C2E1D6B-7A8F-4F3E-9B1A-2C3D4E5F6A7B}", "0",
        "{BF2F6F3A-3B3E-4A8C-8D3D-1A1F2B3C4D5E}", "0", "application/x-msnmsgr-sessionreqbody", "863",
        "{5D3E02AB-6190-11D3-BBBB-00C04F795683}", "File transfer", "94882001", "2",
        str(len(scen.ORIGINALS["notes-été.txt"])), "notes-été.txt"]


def test_answer_status_line(ws):
    assert row(ws, SB, 14, ["msnp.slp.status", "msnp.slp.reason", "msnp.slp.cseq", "msnp.slp.session_id"]) == \
        ["200", "OK", "1", "94882001"]


def test_invitations_linked_to_answers_and_data(ws):
    got = ws.fields(SB, ["frame.number", "msnp.slp.method", "msnp.slp.status", "msnp.slp.response_in",
                         "msnp.slp.response_to", "msnp.slp.data_in"], "msnp.slp", two_pass=True)
    assert got == [
        ["11", "INVITE", "", "14", "", "29"],
        ["14", "", "200", "", "11", ""],
        ["32", "BYE", "", "", "", ""],
        ["33", "INVITE", "", "36", "", "42"],
        ["36", "", "200", "", "33", ""],
        ["45", "BYE", "", "", "", ""],
        ["47", "INVITE", "", "", "", ""],
    ]
    # and the data back to its invitation
    assert row(ws, SB, 29, ["msnp.p2p.offer_in", "msnp.p2p.filename"]) == ["11", "notes-été.txt"]
    assert row(ws, SB, 42, ["msnp.p2p.offer_in", "msnp.p2p.filename"]) == ["33", "cecile.png"]


def test_display_picture_msnobj(ws):
    data = scen.ORIGINALS["cecile.png"]
    import base64
    sha1d = base64.b64encode(hashlib.sha1(data).digest()).decode()
    assert row(ws, SB, 33, ["msnp.msnobj.creator", "msnp.msnobj.size", "msnp.msnobj.type",
                            "msnp.msnobj.location", "msnp.msnobj.friendly", "msnp.msnobj.sha1d"]) == \
        ["cecile260992@hotmail.com", str(len(data)), "3", "TFR2C2.tmp", "cecile.png", sha1d]
    # The picture's SHA-1 matches: no warning.
    assert row(ws, SB, 42, ["msnp.p2p.sha1"]) == [sha1d]
    assert ws.count(SB, "msnp.p2p_sha1_mismatch", two_pass=True) == 0


def test_transport_offer_fields(ws):
    assert row(ws, DIRECT, 14, ["msnp.slp.content_type", "msnp.slp.bridges", "msnp.slp.nonce"]) == \
        ["application/x-msnmsgr-transreqbody", "TCPv1", str(scen.NONCE)]
    assert row(ws, DIRECT, 16, ["msnp.slp.content_type", "msnp.slp.bridge", "msnp.slp.listening",
                                "msnp.slp.nonce", "msnp.slp.ipv4_internal_addrs",
                                "msnp.slp.ipv4_internal_port", "msnp.slp.ipv4_external_addrs",
                                "msnp.slp.ipv4_external_port", "msnp.slp.response_to"]) == \
        ["application/x-msnmsgr-transrespbody", "TCPv1", "true", str(scen.NONCE),
         "192.168.1.20 10.0.0.5", "40123", "84.12.3.4", "40123", "14"]


# -- P2P headers -------------------------------------------------------------

def test_v1_header_of_a_file_chunk(ws):
    data = scen.ORIGINALS["notes-été.txt"]
    assert row(ws, SB, 19, ["msnp.p2p.version", "msnp.p2p.session_id", "msnp.p2p.identifier",
                            "msnp.p2p.offset", "msnp.p2p.total_size", "msnp.p2p.message_size",
                            "msnp.p2p.flags", "msnp.p2p.ack_identifier", "msnp.p2p.ack_unique_id",
                            "msnp.p2p.ack_data_size", "msnp.p2p.footer", "msnp.p2p.reassembled_in"]) == \
        ["1", "94882001", "73140002", "1202", str(len(data)), "1202", "0x01000030", str(0x1000 + 73140002),
         "0", "0", "2", "29"]


def test_v2_header(ws):
    assert row(ws, SB, 47, ["msnp.p2p.version", "msnp.p2p.header_length", "msnp.p2p.opcode",
                            "msnp.p2p.payload_length", "msnp.p2p.base_id", "msnp.p2p.tlv.type",
                            "msnp.p2p.tlv.length", "msnp.p2p.data_header_length", "msnp.p2p.tf",
                            "msnp.p2p.package_number", "msnp.p2p.session_id", "msnp.slp.method",
                            "msnp.slp.session_id", "msnp.p2p.footer"]) == \
        ["2", "24", "0x03", "846", "39640000", "1", "12", "8", "0x01", "1", "0", "INVITE", "7654321", "0"]


def test_reassembled_data_is_a_data_source(ws):
    out = ws.out(["-n", "-2", "-r", ws.path(SB), "-x", "-Y", "frame.number == 29"])
    assert "Reassembled P2P data (%d bytes)" % len(scen.ORIGINALS["notes-été.txt"]) in out


# -- Export Objects ----------------------------------------------------------

def test_export_objects_switchboard(ws):
    files = export(ws, SB)
    assert sorted(files) == ["cecile.png", "notes-été.txt"]
    for name, data in files.items():
        assert sha256(data) == scen.sha256(name), name


def test_export_objects_direct_connection(ws):
    files = export(ws, DIRECT)
    assert list(files) == ["holiday.png"]
    assert sha256(files["holiday.png"]) == scen.sha256("holiday.png")


def test_export_objects_respect_the_size_limit(ws):
    files = export(ws, SB, ["-o", "msnp.p2p_max_size:6000"])
    assert sorted(files) == ["cecile.png"]          # the 7440-byte file is over the limit
    # one expert info per chunk: 7440 bytes in 1202-byte chunks
    assert ws.count(SB, "msnp.p2p_too_big", two_pass=True, extra=("-o", "msnp.p2p_max_size:6000")) == 7


# -- direct connections ------------------------------------------------------

def test_direct_connection_on_the_announced_port(ws):
    got = ws.fields(DIRECT, ["frame.number", "msnp.dc.length", "msnp.dc.foo", "msnp.dc.nonce",
                             "msnp.dc.nonce_matches", "msnp.dc.offer_in", "msnp.p2p.offset"],
                    "tcp.port == 40123 && msnp", two_pass=True)
    nonce = str(scen.NONCE)
    matches = got[1][4]
    assert matches in ("1", "True")
    assert got == [
        ["20", "4", "foo", "", "", "", ""],
        ["21", "48", "", nonce, matches, "16", "0"],
        ["22", "48", "", nonce, matches, "16", "0"],
        ["23", "1400,1400", "", "", "", "", "0,1352"],
        ["25", "1400,1400,1400,1400,221", "", "", "", "", "2704,4056,5408,6760,8112"],
        ["26", "48", "", "", "", "", "0"],
    ]
    assert row(ws, DIRECT, 25, ["msnp.p2p.filename", "msnp.p2p.offer_in"]) == ["holiday.png", "11"]


def test_direct_connection_port_registered(ws):
    assert "tcp.port\t6891\tmsnp_dc" in ws.out(["-G", "decodes"]).splitlines()
    # with a port preference of its own (a port range, so 70000 is refused)
    pcap = ws.path(HOSTILE)
    assert ws.run(["-n", "-r", pcap, "-o", "msnp_dc.tcp.port:7000"], check=False).returncode == 0
    assert ws.run(["-n", "-r", pcap, "-o", "msnp_dc.tcp.port:70000"], check=False).returncode != 0


# -- hostile input -----------------------------------------------------------

def test_hostile_chunks_flagged(ws):
    got = ws.fields(HOSTILE, ["frame.number", "_ws.expert.message"], "msnp.p2p && _ws.expert", two_pass=True)
    assert got == [
        ["9", "Offset 5000 + size 10 exceeds the total size 100"],
        ["10", "Total size 18446744073709551615 exceeds the limit of 67108864 bytes "
               "(preference msnp.p2p_max_size): not reassembled"],
        ["11", "Overlapping P2P chunks carry different data"],
        ["12", "Overlapping P2P chunks carry different data"],
        ["13", "Total size 1099511627776 exceeds the limit of 67108864 bytes "
               "(preference msnp.p2p_max_size): not reassembled"],
        ["18", "Offset 0 + size 300 exceeds the total size 200"],
        ["26", "SHA-1 of the picture is %s, its SHA1D says %s" % (
            __import__("base64").b64encode(hashlib.sha1(
                scen.ORIGINALS["cecile.png"][:100] + bytes([scen.ORIGINALS["cecile.png"][100] ^ 0xFF]) +
                scen.ORIGINALS["cecile.png"][101:]).digest()).decode(),
            __import__("base64").b64encode(hashlib.sha1(scen.ORIGINALS["cecile.png"]).digest()).decode())],
    ]
    # flagged as malformed data, but no dissector exception
    assert [r[0] for r in ws.fields(HOSTILE, ["frame.number"], "_ws.malformed", two_pass=True)] == \
        ["9", "11", "12", "18", "35"]
    assert ws.count(HOSTILE, '_ws.expert.message contains "Exception"', two_pass=True) == 0


def test_unfinished_messages_bounded(ws):
    # With room for 3000 bytes, the never-ending messages fill it and later chunks are refused.
    extra = ("-o", "msnp.p2p_max_size:3000")
    got = ws.fields(HOSTILE, ["frame.number", "_ws.expert.message"], "msnp.p2p_budget", two_pass=True,
                    extra=extra)
    assert got == [[str(f), "Unfinished P2P messages already hold 2010 bytes "
                            "(limit msnp.p2p_max_size = 3000): not reassembled"] for f in (16, 17)]


def test_hostile_direct_connection_length(ws):
    got = ws.fields(HOSTILE, ["frame.number", "msnp.dc.foo", "_ws.expert.message"], "tcp.port == 6891 && msnp",
                    two_pass=True)
    assert got == [["34", "foo", ""], ["35", "", "Length 4294967295, but only 60 bytes follow (limit 1048576)"]]


def test_hostile_sample_exports_only_what_is_complete(ws):
    files = export(ws, HOSTILE)
    # the overlapping 30-byte message (session 31337) and the tampered picture
    assert sorted(files) == ["p2p-session-31337.bin", "wrong.png"]
    assert len(files["p2p-session-31337.bin"]) == 30


def test_no_p2p_cost_without_p2p(ws):
    # Captures without P2P traffic get none of the P2P fields.
    assert ws.count("msnp-segmentation.pcap", "msnp.p2p || msnp.slp || msnp.dc.length") == 0


# -- memory bound of unfinished messages -------------------------------------

def endless_p2p_capture(path, size, p2p=True):
    """size bytes of P2P chunks whose messages never finish: each message
    announces 12,000 bytes and gets 9 of its 10 chunks.  p2p=False: text
    messages of the same sizes instead, the cost of ordinary traffic."""
    from pcapgen import Capture
    cap = Capture()
    sb = cap.tcp("10.9.0.2", 3001, "207.46.108.59", 1863)
    sent, trid, ident = 0, 10, 1
    while sent < size:
        for part in range(9):
            if p2p:
                hdr = scen.p2p_header(4711, ident, part * 1200, 12000, 1200, 0x01000030)
                payload = scen.p2p_msg(b"x@hotmail.com", hdr, b"e" * 1200, 2)
            else:
                payload = scen.text(b"e" * 1252)
            sb.client(scen.cmd(b"MSG %d D" % trid, payload))
            trid += 1
            sent += 1200
        ident += 1
    sb.close()
    cap.write(path)


def peak_rss_kib(ws, path, extra=()):
    if not os.path.exists("/usr/bin/time"):
        pytest.skip("/usr/bin/time is not installed (Debian package time)")
    p = ws.run(["-f", "PEAK_RSS_KIB=%M", "tshark", "-n", "-2", "-r", ws.path(path)] + list(extra),
               program="/usr/bin/time", check=False)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 0, err[-3000:]
    return int(err.rsplit("PEAK_RSS_KIB=", 1)[1].split()[0])


def test_unfinished_messages_cost_bounded_memory(ws):
    # With msnp.p2p_max_size at 1 MiB, 16 MiB of chunks that never make a
    # whole message cost what 16 MiB of text messages cost (and grow like
    # them from 4 to 16 MiB), and the refused chunks are flagged.
    mib = 1 << 20
    d = tempfile.mkdtemp(prefix="msnp-p2p-mem-", dir=ws.workdir)
    os.chmod(d, 0o755)
    limit = ("-o", "msnp.p2p_max_size:%d" % mib)
    try:
        rss = {}
        for size in (4 * mib, 16 * mib):
            for kind in ("p2p", "text"):
                path = os.path.join(d, "%s-%d.pcap" % (kind, size))
                endless_p2p_capture(path, size, kind == "p2p")
                rss[kind, size] = peak_rss_kib(ws, path, limit)
        slack = 4 * 1024   # KiB
        for size in (4 * mib, 16 * mib):
            assert rss["p2p", size] <= rss["text", size] + slack, rss
        assert rss["p2p", 16 * mib] - rss["p2p", 4 * mib] <= \
            rss["text", 16 * mib] - rss["text", 4 * mib] + slack, rss
        refused = ws.count(os.path.join(d, "p2p-%d.pcap" % (16 * mib)), "msnp.p2p_budget", two_pass=True,
                           extra=limit)
        # every chunk after the first 1 MiB (874 of 13,981 chunks fit)
        assert refused == 13113, refused
    finally:
        shutil.rmtree(d, ignore_errors=True)
