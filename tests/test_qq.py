# SPDX-License-Identifier: GPL-2.0-or-later
"""QQ dissector: field contract, header variants, links, resends, TCP 443
next to TLS, statistics, negatives and the real captures."""

import sys

import pytest

import wsversion
from conftest import SAMPLES

sys.path.insert(0, SAMPLES)
from qq_scenarios import (noise, CMDS_CLASSIC, CMDS_2010, CMDS_SOURCE_DOC,  # noqa: E402
                          CMDS_TIM, UNKNOWN_VERSIONS, PCQQ_UIN)  # (what the captures were built from)

SESSION = "qq-udp-session.pcap"
TCP443 = "qq-tcp-443.pcap"
VARIANTS = "qq-variants.pcap"
NEGATIVES = "qq-negatives.pcap"
MALFORMED = "qq-malformed.pcap"
COMMANDS = "qq-commands.pcap"
PCQQ = "qq-pcqq.pcap"

ARROW_CS = "C\u2192S"
ARROW_SC = "S\u2192C"

# Variant numbers of qq.variant.
CLASSIC_REQ, CLASSIC_REP, EXT_REQ, REPLY, BASIC, LOGIN_REQ = "1", "2", "3", "4", "5", "6"
FAM_P2P, FAM_CUSTOM, FAM_FILE, FAM_EMOTICON = "7", "8", "9", "10"
BASIC_ZERO_RUN, EXT_ZERO_RUN, FAM_0203 = "11", "12", "13"
# qq.direction, as msnp.direction.
DIR_UNKNOWN, C2S, S2C = "0", "1", "2"
# qq.generation.
GEN_CLASSIC, GEN_2010, GEN_PCQQ = "1", "2", "3"


def by_frame(rows):
    return {int(r[0]): r[1:] for r in rows}


# -- registration ---------------------------------------------------------------

def test_contract_fields_registered_with_types(ws):
    rows = [l.split("\t") for l in ws.out(["-G", "fields"]).splitlines()]
    types = {r[2]: (r[3], r[5] if len(r) > 5 else "") for r in rows if len(r) > 3 and r[0] == "F"}
    expected = {
        "qq.flag": "FT_UINT8", "qq.version": "FT_UINT16", "qq.cmd": "FT_UINT16",
        "qq.seq": "FT_UINT16", "qq.uin": "FT_UINT32", "qq.header_ext": "FT_BYTES",
        "qq.login_key": "FT_BYTES", "qq.body": "FT_BYTES", "qq.tail": "FT_UINT8",
        "qq.length": "FT_UINT16", "qq.variant": "FT_UINT8", "qq.direction": "FT_UINT8",
        "qq.cmd_name": "FT_STRING", "qq.response_in": "FT_FRAMENUM",
        "qq.response_to": "FT_FRAMENUM", "qq.time": "FT_RELATIVE_TIME",
        "qq.retransmission": "FT_BOOLEAN", "qq.retransmission_of": "FT_FRAMENUM",
    }
    for name, ftype in expected.items():
        assert types[name][0] == ftype, name
    assert types["qq.flag"][1] == "BASE_HEX"
    assert types["qq.cmd"][1] == "BASE_HEX"
    assert types["qq.tail"][1] == "BASE_HEX"
    assert types["qq.uin"][1] == "BASE_DEC"


# Expert group and severity codes as tshark prints _ws.expert.group/.severity.
MALFORMED_GROUP, UNDECODED_GROUP, SEQUENCE_GROUP = "117440512", "83886080", "33554432"
ERROR, NOTE = "8388608", "4194304"


# The once-per-conversation note that a body could not be decrypted (tested
# in test_qq_decrypt.py) is left out of the header tests' expert lists.
DECRYPT_NOTE = "Encrypted QQ body not decrypted"


def experts(ws, pcap, frame):
    """(group, severity, message) of each expert info of one frame (two passes)."""
    rows = ws.fields(pcap, ["_ws.expert.group", "_ws.expert.severity", "_ws.expert.message"],
                     dfilter="frame.number == %d" % frame, two_pass=True)
    groups, sevs, msgs = (rows[0][0].split(","), rows[0][1].split(","), rows[0][2].split(","))
    found = list(zip(groups, sevs, msgs)) if rows[0][0] else []
    return [e for e in found if not e[2].startswith(DECRYPT_NOTE)]


def test_expert_infos_group_and_severity(ws):
    assert experts(ws, MALFORMED, 1) == [(MALFORMED_GROUP, ERROR, "Last byte is 0x00 instead of the 0x03 tail")]
    assert experts(ws, MALFORMED, 6) == [(MALFORMED_GROUP, ERROR,
                                          "Packet of 10 bytes is shorter than a QQ header")]
    assert experts(ws, MALFORMED, 7) == [(MALFORMED_GROUP, ERROR, "Length 4 is out of bounds "
                                          "(10..16384) or does not match the 23 bytes present")]
    # 0x2a2a lies inside the QQ2010-2012 range: no version note.
    assert experts(ws, VARIANTS, 19) == [
        (UNDECODED_GROUP, NOTE, "Command 0x7777 is not known for Classic clients"),
        (SEQUENCE_GROUP, NOTE, "No reply seen to this request"),
        (SEQUENCE_GROUP, NOTE, "No reply seen to this request")]
    assert experts(ws, PCQQ, 24) == [
        (UNDECODED_GROUP, NOTE, "Client version 0x5a5a lies outside every known generation's range: header "
                                "and command names of the PC QQ generation assumed (noted once per conversation)")]
    assert experts(ws, SESSION, 2) == [(SEQUENCE_GROUP, NOTE, "Identical resend of the packet in frame 1")]
    assert experts(ws, SESSION, 21) == [(SEQUENCE_GROUP, NOTE, "No reply seen to this request")]
    # The expert names others filter on.
    assert ws.count(MALFORMED, "qq.bad_tail") == 1
    assert ws.count(MALFORMED, "qq.truncated") == 1
    assert ws.count(MALFORMED, "qq.bad_length") == 2
    assert experts(ws, MALFORMED, 8)[0] == (MALFORMED_GROUP, ERROR,
                                            "Length 258 is followed by 0x03 instead of the 0x02 flag of a QQ packet")
    assert ws.count(VARIANTS, "qq.unknown_command") == 1
    assert ws.count(VARIANTS, "qq.unknown_version") == 0
    assert ws.count(PCQQ, "qq.unknown_version") == 1
    assert ws.count(SESSION, "qq.no_response", two_pass=True) == 1


def test_ports_heuristics_and_decode_as(ws):
    decodes = set(tuple(l.split("\t")) for l in ws.out(["-G", "decodes"]).splitlines())
    assert ("udp.port", "8000", "qq") in decodes
    assert ("tcp.port", "8000", "qq") in decodes
    assert ("tcp.port", "443", "qq_tls_port") in decodes
    heur = set(wsversion.heuristic_decodes(ws.out(["-G", "heuristic-decodes"])))
    assert ("udp", "qq", True) in heur
    assert ("tcp", "qq", True) in heur


# -- the recorded QQ2010 session over UDP 8000 --------------------------------------

def test_session_contract_fields_exact(ws):
    rows = by_frame(ws.fields(SESSION, ["frame.number", "qq.flag", "qq.version", "qq.cmd", "qq.seq",
                                        "qq.uin", "qq.tail", "qq.variant", "qq.direction",
                                        "qq.cmd_name"]))
    assert len(rows) == 24
    assert rows[1] == ["0x02", "0x1c51", "0x0091", "0x0314", "550313996", "0x03", BASIC, C2S,
                       "Login"]
    assert rows[4] == ["0x02", "0x1c51", "0x0091", "0x0314", "550313996", "0x03", BASIC, S2C,
                       "Login"]
    assert rows[7][2:4] == ["0x0058", "0x0316"] and rows[7][8] == "Keep alive"
    assert rows[11][2] == "0x00cd" and rows[11][8] == "Send text message"
    assert rows[13][2:4] == ["0x00ce", "0x5a21"] and rows[13][7] == S2C
    assert rows[13][8] == "Receive text message"
    assert rows[14][7] == C2S
    assert rows[15][2] == "0x00b9" and rows[15][8] == "Logout"
    assert rows[21][2] == "0x0062" and rows[21][8] == "Logout confirmation"
    # Every packet: the 11-byte basic header, version 0x1c51, the one QQ number.
    assert all(r[1] == "0x1c51" and r[4] == "550313996" and r[6] == BASIC for r in rows.values())
    directions = "".join({C2S: "c", S2C: "s"}[rows[n][7]] for n in sorted(rows))
    assert directions == "cccscscscscssccccssscccc"


def test_session_version_and_cmd_names_in_tree(ws):
    data = ws.json(SESSION, dfilter="frame.number == 1")
    qq = data[0]["_source"]["layers"]["qq"]
    assert qq["qq.version"] == "0x1c51"
    assert qq["qq.cmd"] == "0x0091"
    text = ws.out(["-n", "-r", ws.path(SESSION), "-V", "-O", "qq", "-Y", "frame.number == 1"])
    assert "Version: QQ2010 (0x1c51)" in text
    assert "Command: 0x0091 (Login)" in text
    assert "[Header variant: QQ2010 basic header (11 bytes, no extension) (5)]" in text
    assert ("[Why this variant: Only an 11-byte header leaves a body of whole 8-byte cipher blocks "
            "(at least 16 bytes)]") in text
    assert "[Client generation: QQ2010 to QQ2012 (2)]" in text
    assert "Direction: Client to server (1)" in text
    assert "source document" not in text


def test_login_key_and_body(ws):
    rows = by_frame(ws.fields(SESSION, ["frame.number", "qq.login_key", "qq.body"]))
    # Login requests carry the 16-byte key; replies and other commands do not.
    assert rows[1][0] == "0ee0c1d79fed3fffc3065ccf0b181604"
    assert rows[5][0] == "8505e6883ca3715a676c662dbc1583a1"
    assert rows[4][0] == "" and rows[7][0] == "" and rows[15][0] == ""
    assert rows[1] == [noise("login1/key", 16).hex(), noise("login1/enc", 48).hex()]
    assert rows[4][1] == noise("login1/reply", 32).hex()
    assert rows[7][1] == noise("ka1", 16).hex()
    assert rows[11][1] == noise("im-out", 120).hex()
    assert rows[13][1] == noise("im-in", 136).hex()


def test_info_column(ws):
    # Every packet names its header (the 11-byte one included).
    info = ws.column(SESSION, "_ws.col.Info", two_pass=True)
    assert info[0] == "QQ2010 Login (0x0091) seq=0x0314 QQ=550313996 %s [11-byte header]" % ARROW_CS
    assert info[1] == "QQ2010 Login (0x0091) seq=0x0314 QQ=550313996 %s [11-byte header] [resend of #1]" % ARROW_CS
    assert info[3] == "QQ2010 Login (0x0091) seq=0x0314 QQ=550313996 %s [11-byte header]" % ARROW_SC
    assert info[8] == "QQ2010 Keep alive (0x0058) seq=0x0317 QQ=550313996 %s [11-byte header]" % ARROW_CS
    assert info[12] == ("QQ2010 Receive text message (0x00ce) seq=0x5a21 QQ=550313996 %s push [11-byte header]"
                        % ARROW_SC)
    assert info[13] == ("QQ2010 Receive text message (0x00ce) seq=0x5a21 QQ=550313996 %s ack [11-byte header]"
                        % ARROW_CS)
    assert info[23] == ("QQ2010 Logout confirmation (0x0062) seq=0x031a QQ=550313996 %s [11-byte header] "
                        "[resend of #21]" % ARROW_CS)
    assert ws.column(SESSION, "_ws.col.Protocol") == ["QQ"] * 24


def test_cmd_filter_is_exact(ws):
    assert ws.count(SESSION, "qq.cmd == 0x0091") == 6
    assert ws.count(SESSION, "qq.cmd == 0x0058") == 4
    assert ws.count(SESSION, "qq.cmd == 0x00b9") == 6
    assert ws.count(SESSION, "qq.cmd == 0x0062") == 4
    assert ws.count(SESSION, 'qq.cmd_name == "Logout"') == 6
    assert ws.count(SESSION, "qq.uin == 550313996") == 24
    assert ws.count(SESSION, "qq.seq == 0x0314") == 4


def test_request_reply_links(ws):
    rows = by_frame(ws.fields(SESSION, ["frame.number", "qq.response_in", "qq.response_to", "qq.time"],
                              two_pass=True))
    links = {n: (r[0], r[1]) for n, r in rows.items()}
    assert links[1] == ("4", "") and links[4] == ("", "1")
    assert links[2] == ("", "") and links[3] == ("", "")
    assert links[5] == ("6", "") and links[6] == ("", "5")
    assert links[7] == ("8", "") and links[8] == ("", "7")
    # The keep-alive a minute later has its own pair.
    assert links[9] == ("10", "") and links[10] == ("", "9")
    assert links[11] == ("12", "") and links[12] == ("", "11")
    # Server push and client ack.
    assert links[13] == ("14", "") and links[14] == ("", "13")
    # Logout three times, answered three times: pairs in order.
    assert [links[n] for n in (15, 16, 17)] == [("18", ""), ("19", ""), ("20", "")]
    assert [links[n] for n in (18, 19, 20)] == [("", "15"), ("", "16"), ("", "17")]
    assert rows[4][2] == "0.030000000"
    assert rows[10][2] == "0.010000000"
    assert rows[18][2] == "0.030000000"


def test_retransmissions_marked(ws):
    rows = by_frame(ws.fields(SESSION, ["frame.number", "qq.retransmission", "qq.retransmission_of"],
                              two_pass=True))
    marked = {n: r[1] for n, r in rows.items() if r[0]}
    assert marked == {2: "1", 3: "1", 16: "15", 17: "15", 22: "21", 23: "21", 24: "21"}
    # The boolean field on each copy, and the expert note (its own name, qq.resend).
    assert all(rows[n][0] == "1" for n in marked)
    assert ws.count(SESSION, "qq.retransmission", two_pass=True) == 7
    assert ws.count(SESSION, "qq.resend", two_pass=True) == 7
    assert ws.count(SESSION, "_ws.expert.message contains \"Identical resend\"", two_pass=True) == 7
    # Replies that answer resends are not resends themselves.
    assert ws.count(SESSION, "qq.retransmission && qq.direction == 2", two_pass=True) == 0
    assert ws.count(SESSION, "qq.retransmission && qq.direction == 1", two_pass=True) == 7


def test_no_response_expert(ws):
    rows = ws.fields(SESSION, ["frame.number"], dfilter="_ws.expert.message == \"No reply seen to this request\"",
                     two_pass=True)
    # Only the first logout confirmation (its copies are marked as resends).
    assert [r[0] for r in rows] == ["21"]


def stats_counts(out):
    """Label -> count from `-z qq,tree` output (the label is everything before the count)."""
    counts = {}
    for line in out.splitlines():
        parts = line.strip().split()
        for i, p in enumerate(parts):
            if p.isdigit() and i > 0:
                counts[" ".join(parts[:i])] = int(p)
                break
    return counts


def test_session_stats_tree(ws):
    out = ws.out(["-n", "-q", "-r", ws.path(SESSION), "-z", "qq,tree"])
    counts = stats_counts(out)
    expected = {"QQ packets": 24, "By command": 24, "By direction": 24, "By version": 24,
                "Login (0x0091)": 6, "Keep alive (0x0058)": 4, "Logout (0x00b9)": 6,
                "Logout confirmation (0x0062)": 4, "Send text message (0x00cd)": 2,
                "Receive text message (0x00ce)": 2, "Client to server": 15, "Server to client": 9,
                "0x1c51 QQ2010": 24}
    for label, n in expected.items():
        assert counts.get(label) == n, (label, out)


def test_variants_stats_tree(ws):
    counts = stats_counts(ws.out(["-n", "-q", "-r", ws.path(VARIANTS), "-z", "qq,tree"]))
    assert counts["0x0e1b QQ2005/2006"] == 9
    assert counts["0x2a2a (in the QQ2010 range)"] == 1
    assert counts["Unknown (0x7777)"] == 1
    # 17 basic-family packets and the 4 packets of other families.
    assert counts["QQ packets"] == 21
    assert counts["By command"] == counts["By version"] == counts["By direction"] == 17
    assert counts["Other families"] == 4
    assert [counts[f] for f in ("P2P family", "Custom head family", "File/agent family",
                                "Group custom emoticon family")] == [1, 1, 1, 1]


def test_session_no_errors(ws):
    assert ws.count(SESSION, "_ws.malformed || _ws.expert.severity >= warning", two_pass=True) == 0


# -- header variants ---------------------------------------------------------------

def test_variants(ws):
    rows = by_frame(ws.fields(VARIANTS, ["frame.number", "qq.variant", "qq.version", "qq.cmd", "qq.seq",
                                         "qq.uin", "qq.header_ext", "qq.direction", "qq.flag"]))
    assert rows[1][:6] == [CLASSIC_REQ, "0x0e1b", "0x0022", "0x0001", "12345678", ""]
    assert rows[2][:6] == [CLASSIC_REP, "0x0e1b", "0x0022", "0x0001", "", ""]
    assert rows[3][0] == CLASSIC_REQ and rows[4][0] == CLASSIC_REP
    assert rows[5][:6] == [EXT_REQ, "0x1e0d", "0x0091", "0x1001", "87654321", "0200000001010100002a05"]
    # The 14-byte server header's 3 bytes are reply flags, not an extension.
    assert rows[6][:6] == [REPLY, "0x1e0d", "0x0091", "0x1001", "87654321", ""]
    assert rows[7][0] == EXT_REQ and rows[8][0] == REPLY
    assert rows[9][:6] == [LOGIN_REQ, "0x3713", "0x0825", "0x2001", "1000001",
                           "03000000012e010000685200000000"]
    assert [rows[n][0] for n in (10, 11, 12, 13)] == [FAM_P2P, FAM_CUSTOM, FAM_FILE, FAM_EMOTICON]
    assert [rows[n][7] for n in (10, 11, 12, 13)] == ["0x00", "0x03", "0x04", "0x05"]
    assert [rows[n][6] for n in range(1, 10)] == [C2S, S2C, C2S, S2C, C2S, S2C, C2S, S2C, C2S]


def test_variant_subfields_and_keys(ws):
    rows = by_frame(ws.fields(VARIANTS, ["frame.number", "qq.header_ext.flag", "qq.header_ext.build",
                                         "qq.reply_flags", "qq.header_ext.client_type",
                                         "qq.header_ext.login_reserved", "qq.login_key"]))
    # Extension: flag, 2 reserved bytes, client type, build (4 bytes each).
    assert rows[5][:2] == ["0x02", "0x00002a05"] and rows[5][3] == "0x00010101"
    assert rows[6][2] == "0x000000"
    assert rows[9][:5] == ["0x03", "0x00006852", "", "0x00012e01", "00000000"]
    # Login keys: classic 0x0022, QQ2010+ 0x0091, TIM 0x0825, classic token 0x0062 on TCP.
    assert rows[1][5] == "1c048bf612006a5664a91d7c32822914"
    assert rows[5][5] == "e87afbd88f836dfce06ec76586250770"
    assert rows[9][5] == "0b7adb6ecb39b8254a30c11095612311"
    assert rows[17][5] == "85778aaa18ab46547e33912a84792462"
    assert rows[3][5] == "" and rows[2][5] == "" and rows[7][5] == ""


def test_variant_info_and_generation_names(ws):
    info = ws.column(VARIANTS, "_ws.col.Info")
    assert info[0] == "Classic Login (0x0022) seq=0x0001 QQ=12345678 %s [11-byte header]" % ARROW_CS
    assert info[1] == "Classic Login (0x0022) seq=0x0001 %s [7-byte header]" % ARROW_SC
    assert info[2].startswith("Classic Keep alive (0x0002) ")
    assert info[4] == "QQ2010 Touch server (0x0091) seq=0x1001 QQ=87654321 %s [22-byte header]" % ARROW_CS
    assert info[5] == "QQ2010 Touch server (0x0091) seq=0x1001 QQ=87654321 %s [14-byte header]" % ARROW_SC
    assert info[6].startswith("QQ2010 Keep alive (0x0058) ")
    # TIM (0x3713) is a PC QQ 2012+ client.
    assert info[8] == ("PC QQ Touch (pre-login ping) (0x0825) seq=0x2001 QQ=1000001 %s [26-byte login header]"
                       % ARROW_CS)
    assert info[9] == "P2P family packet (0x00), 22 bytes"
    assert info[12] == "Group custom emoticon family packet (0x05), 26 bytes"
    # Same code, different era, different name.
    assert ws.column(VARIANTS, "qq.cmd_name", dfilter="frame.number == 17") == ["Request login token"]


def test_tcp_8000_and_unknowns_not_rejected(ws):
    rows = ws.fields(VARIANTS, ["frame.number", "qq.length", "qq.cmd", "qq.version"], dfilter="tcp.port == 8000 && qq")
    assert rows == [["17", "78", "0x0062", "0x0e1b"], ["18", "34", "0x0062", "0x0e1b"],
                    ["19", "30,30", "0x7777,0x0002", "0x0e1b,0x2a2a"]]
    assert ws.count(VARIANTS, "_ws.expert.message == \"Command 0x7777 is not known for Classic clients\"") == 1
    assert ws.count(VARIANTS, "qq.unknown_version") == 0
    assert ws.count(VARIANTS, "qq.unknown_command") == 1
    assert ws.count(VARIANTS, "_ws.malformed") == 0


# -- TCP 443 next to TLS ---------------------------------------------------------------

def test_tcp_443_is_qq(ws):
    rows = by_frame(ws.fields(TCP443, ["frame.number", "_ws.col.Protocol", "qq.length", "qq.cmd", "qq.seq",
                                       "qq.response_in", "qq.response_to"], two_pass=True,
                              dfilter="tcp.port == 3456 && tcp.len > 0"))
    assert rows[4] == ["QQ", "78", "0x0091", "0x0400", "5", ""]
    assert rows[5] == ["QQ", "62", "0x0091", "0x0400", "", "4"]
    # Two packets in one segment.
    assert rows[6] == ["QQ", "30,54", "0x0058,0x00cd", "0x0401,0x0402", "7,7", ""]
    assert rows[7] == ["QQ", "38,30", "0x0058,0x00cd", "0x0401,0x0402", "", "6,6"]
    # One packet over two segments: reassembled in frame 9.
    assert rows[8][0] == "TCP" and rows[8][2] == ""
    assert rows[9] == ["QQ", "314", "0x00cd", "0x0403", "10", ""]
    assert rows[10] == ["QQ", "30", "0x00cd", "0x0403", "", "9"]
    assert ws.column(TCP443, "tcp.reassembled_in", dfilter="frame.number == 8", two_pass=True) == ["9"]
    info = ws.column(TCP443, "_ws.col.Info", dfilter="frame.number == 6")
    assert info == ["QQ2010 Keep alive (0x0058) seq=0x0401 QQ=550313996 %s [11-byte header] | "
                    "QQ2010 Send text message (0x00cd) seq=0x0402 QQ=550313996 %s [11-byte header]"
                    % (ARROW_CS, ARROW_CS)]
    assert ws.count(TCP443, "qq.login_key && tcp.port == 3456") == 1
    assert ws.count(TCP443, "_ws.malformed || _ws.expert.severity >= warning", two_pass=True) == 0


def _columns(ws, pcap, plugin, dfilter=None):
    args = ["-n", "-r", ws.path(pcap), "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Protocol",
            "-e", "_ws.col.Info"]
    if dfilter:
        args += ["-Y", dfilter]
    return ws.out(args, plugin=plugin).splitlines()


def test_tls_on_443_unchanged(ws):
    tls = "tcp.port == 3457"
    with_plugin = _columns(ws, TCP443, True, tls)
    without = _columns(ws, TCP443, False, tls)
    assert with_plugin == without
    assert [l.split("\t")[1] for l in with_plugin if "Hello" in l] == ["TLSv1.2", "TLSv1.2"]
    assert ws.count(TCP443, "tls.handshake.type == 1") == 1
    assert ws.count(TCP443, "tls.handshake.type == 2") == 1
    assert ws.count(TCP443, "qq && tcp.port == 3457") == 0
    # Without the plugin the QQ stream is what TLS makes of it.
    protos = set(l.split("\t")[1] for l in _columns(ws, TCP443, False, "tcp.port == 3456 && tcp.len > 0"))
    assert "QQ" not in protos


def test_tcp_443_preference_off(ws):
    rows = ws.fields(TCP443, ["_ws.col.Protocol"], dfilter="tcp.port == 3456 && tcp.len > 0",
                     extra=["-o", "qq.tcp_443:FALSE"])
    assert rows and all(r[0] != "QQ" for r in rows)
    assert ws.count(TCP443, "qq", extra=["-o", "qq.tcp_443:FALSE"]) == 0
    assert ws.count(TCP443, "tls.handshake.type == 1", extra=["-o", "qq.tcp_443:FALSE"]) == 1


def test_tcp_443_without_reassembly(ws):
    off = ["-o", "qq.desegment:FALSE"]
    rows = by_frame(ws.fields(TCP443, ["frame.number", "qq.cmd", "_ws.col.Info"],
                              dfilter="tcp.port == 3456 && tcp.len > 0", extra=off))
    assert rows[6][0] == "0x0058,0x00cd"
    # The split packet is not put together: the first part is unreassembled,
    # the second part is not mistaken for a packet.
    assert "Unreassembled Packet" in rows[8][1]
    assert rows[9] == ["", "QQ packet with bad length"]
    assert rows[10][0] == "0x00cd"


def test_real_wechat_columns_identical(ws, real_pcap):
    path = real_pcap("ndpi_wechat.pcap")
    assert _columns(ws, path, True) == _columns(ws, path, False)


# -- malformed ---------------------------------------------------------------------

def test_malformed_expert_infos(ws):
    rows = by_frame(ws.fields(MALFORMED, ["frame.number", "_ws.col.Protocol", "qq.length", "qq.tail"],
                              two_pass=True))
    assert rows[1][0] == "QQ" and rows[1][2] == "0x00"
    assert rows[2][0] == "QQ" and rows[2][2] == "0x03"
    assert rows[6][:2] == ["QQ", "12"]
    assert rows[7][:2] == ["QQ", "4"]
    assert [r[0] for r in ws.fields(MALFORMED, ["frame.number"], dfilter="qq.bad_tail")] == ["1"]
    assert [r[0] for r in ws.fields(MALFORMED, ["frame.number"], dfilter="qq.truncated")] == ["6"]
    # Frame 8 starts with three bytes that are no packet (see test_tcp_resync).
    assert [r[0] for r in ws.fields(MALFORMED, ["frame.number"], dfilter="qq.bad_length")] == ["7", "8"]
    assert ws.column(MALFORMED, "qq.variant", dfilter="frame.number == 2") == [CLASSIC_REP]


# -- negatives -----------------------------------------------------------------------

def test_negatives_not_claimed(ws):
    assert ws.count(NEGATIVES, "qq", two_pass=True) == 0
    protos = ws.column(NEGATIVES, "_ws.col.Protocol")
    assert "QQ" not in protos
    assert protos[11:13] == ["DNS", "DNS"]
    # The text and the runts on UDP 8000 are left to the data dissector.
    assert ws.count(NEGATIVES, "udp.dstport == 8000 && data") == 11


def test_heuristics_find_qq_on_other_ports(ws):
    rows = by_frame(ws.fields(VARIANTS, ["frame.number", "qq.variant", "qq.direction", "qq.cmd",
                                         "qq.length", "qq.response_to"], two_pass=True,
                              dfilter="udp.port == 9000 || tcp.port == 9001"))
    assert rows[23] == [EXT_REQ, C2S, "0x0058", "", ""]
    assert rows[24] == [REPLY, S2C, "0x0058", "", "23"]
    assert rows[28] == [CLASSIC_REQ, C2S, "0x0002", "30", ""]
    assert rows[29] == [CLASSIC_REP, S2C, "0x0002", "26", "28"]
    off = ["--disable-heuristic", "qq_udp", "--disable-heuristic", "qq_tcp"]
    assert ws.count(VARIANTS, "qq && (udp.port == 9000 || tcp.port == 9001)", extra=off) == 0
    assert ws.count(VARIANTS, "qq", extra=off) == 16


def test_decode_as(ws):
    off = ["--disable-heuristic", "qq_udp", "--disable-heuristic", "qq_tcp"]
    extra = off + ["-d", "udp.port==9000,qq", "-d", "tcp.port==9001,qq"]
    rows = ws.fields(VARIANTS, ["frame.number", "qq.cmd", "qq.direction"], extra=extra,
                     dfilter="udp.port == 9000 || (tcp.port == 9001 && qq)")
    assert rows == [["23", "0x0058", C2S], ["24", "0x0058", S2C], ["28", "0x0002", C2S],
                    ["29", "0x0002", S2C]]


# -- real captures -------------------------------------------------------------------

def test_real_oicq_every_frame_is_qq(ws, real_pcap):
    path = real_pcap("ndpi_oicq.pcap")
    total = ws.count(path, "frame")
    assert total == 29
    assert ws.count(path, "qq && qq.version == 0x3b0b && qq.cmd == 0x0001", two_pass=True) == total
    assert ws.count(path, "_ws.malformed", two_pass=True) == 0
    assert ws.count(path, "oicq") == 0
    # These 0x0001 packets of 2018+ clients are one-way: no "no reply" notes.
    assert ws.count(path, "qq.no_response", two_pass=True) == 0
    # 11-byte header, 8 zero bytes, a 24- or 32-byte ciphertext.
    assert ws.count(path, "qq.direction == 1 && qq.uin == 1444875387 && qq.variant == 11") == total
    assert ws.count(path, "qq.zero_bytes == 00:00:00:00:00:00:00:00 && (len(qq.body) == 24 || len(qq.body) == 32)") \
        == total


@pytest.mark.parametrize("name", ["ndpi_wechat.pcap", "ndpi_tencent_games.pcap"])
def test_real_not_qq(ws, real_pcap, name):
    path = real_pcap(name)
    assert ws.count(path, "qq", two_pass=True) == 0
    assert ws.count(path, "qq_tls_port") == 0


@pytest.mark.parametrize("pcap", [SESSION, TCP443, VARIANTS, NEGATIVES, MALFORMED, COMMANDS])
def test_oicq_replaced(ws, pcap):
    assert ws.count(pcap, "oicq") == 0


def test_oicq_claims_without_plugin(ws):
    # The built-in claims the packets whose commands it knows, and rejects the rest.
    assert ws.count(SESSION, "oicq", plugin=False) == 8
    assert ws.count(SESSION, "oicq && udp.port == 8000", plugin=False) == 8


def test_real_oicq_claimed_by_oicq_without_plugin(ws, real_pcap):
    path = real_pcap("ndpi_oicq.pcap")
    assert ws.count(path, "oicq", plugin=False) == 29


# -- TCP resync after data that starts no packet --------------------------------------

def test_tcp_resync(ws):
    rows = by_frame(ws.fields(MALFORMED, ["frame.number", "qq.length", "qq.cmd", "qq.seq", "_ws.col.Info"],
                              dfilter="frame.number >= 8 && tcp.len > 0"))
    # 01 02 03: a length of 258 not followed by 0x02; the reader skips to the
    # byte after the 0x03 and finds the two packets that follow.
    assert rows[8][:3] == ["258,30,22", "0x0002,0x0027", "0x0008,0x0009"]
    assert rows[8][3] == ("No QQ packet start, 3 bytes skipped | "
                          "Classic Keep alive (0x0002) seq=0x0008 QQ=12345678 %s [11-byte header] | "
                          "Classic Get buddies online (0x0027) seq=0x0009 QQ=12345678 %s "
                          "[11-byte header]" % (ARROW_CS, ARROW_CS))
    # The next segment is not swallowed as the rest of a 258-byte packet.
    assert rows[9][:3] == ["30", "0x0002", "0x000a"]
    text = ws.out(["-n", "-r", ws.path(MALFORMED), "-O", "qq", "-Y", "frame.number == 8"])
    assert "Tencent QQ Protocol, 3 bytes skipped to the next packet start" in text
    assert ws.column(MALFORMED, "qq.skipped", dfilter="frame.number == 8") == ["03"]
    assert ws.column(MALFORMED, "qq.skipped", dfilter="frame.number == 7") == ["02" + noise("junk", 20).hex()]
    # Same with reassembly off.
    off = ["-o", "qq.desegment:FALSE"]
    assert ws.column(MALFORMED, "qq.cmd", dfilter="frame.number == 8", extra=off) == ["0x0002,0x0027"]
    assert ws.column(MALFORMED, "qq.cmd", dfilter="frame.number == 9", extra=off) == ["0x0002"]


# -- tables of doc/qq.md ----------------------------------------------------

VERSIONS = {
    0x0100: "Server", 0x04d1: "Agent server",
    0x062e: "QQ2000c", 0x072e: "QQ2000c", 0x0801: "QQ2000c", 0x0a1d: "QQ2003c", 0x0b07: "QQ2003ii",
    0x0b2f: "QQ2003iii", 0x0b35: "QQ2003iii", 0x0b37: "QQ2003iii", 0x0c0b: "QQ2004",
    0x0c0d: "QQ2004 preview", 0x0c21: "QQ2004", 0x0c49: "QQ2004II", 0x0d05: "QQ2005 beta1",
    0x0d51: "QQ2005 beta2", 0x0d55: "QQ2005", 0x0d61: "QQ2005", 0x0e1b: "QQ2005/2006",
    0x0e35: "EN QQ2005", 0x0f15: "QQ2006", 0x0f4b: "QQ2006", 0x0f5f: "QQ2006", 0x1105: "QQ2007",
    0x111d: "QQ2007", 0x115b: "QQ2008", 0x1203: "QQ2008", 0x1205: "QQ2008", 0x120b: "QQ2008",
    0x1412: "QQMac 1.0", 0x1441: "QQ2009 preview2", 0x1663: "QQ2009", 0x1801: "QQ2009 Intl beta1",
    0x1c27: "QQ2010 (unlabelled in nDPI's old table)", 0x1c51: "QQ2010",
    0x1e0d: "QQ2010 Intl", 0x2227: "QQ2011 Intl", 0x2012: "QQ2012 Intl",
    0x2f35: "PC QQ (2013)", 0x3619: "PC QQ (2018-19)", 0x371b: "PC QQ (2018-19)", 0x3823: "PC QQ (2018-19)",
    0x3713: "TIM", 0x3639: "PC QQ (2016)", 0x3661: "PC QQ (2016)", 0x3841: "PC QQ (2019)",
    0x3a2d: "PC QQ (2022)", 0x3b0b: "PC QQ (2022-23)", 0x3b29: "PC QQ (2023)", 0x3c3d: "PC QQ (2024)",
}
# Every version of doc/qq.md section 8 and the generation whose range holds it.
GENERATION_RANGES = [(0x0100, 0x1bff, GEN_CLASSIC), (0x1c00, 0x2eff, GEN_2010), (0x2f00, 0x4fff, GEN_PCQQ)]


def test_version_table_complete(ws):
    values = {}
    for line in ws.out(["-G", "values"]).splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0] == "V" and parts[1] == "qq.version":
            values[int(parts[2], 16)] = parts[3]
    assert values == VERSIONS


NAMES_CLASSIC = [
    "Logout", "Keep alive", "Update info", "Search user", "Get buddy info", "Add buddy without auth",
    "Remove buddy", "Add buddy with auth", "Change status", "Ack system message", "Send IM", "Receive IM",
    "Remove me", "Request key", "Cell phone 1", "Login", "Get buddies list", "Get buddies online",
    "Cell phone 2", "Send SMS", "Room command", "Test", "Group data operation", "Upload group friend",
    "Buddy memo", "Get buddies and rooms", "Get level", "Privacy", "Cluster data", "Advanced search",
    "Request login token", "User property", "Temporary session", "Signature", "Receive system message",
    "Buddy status change", "Get server", "Weather", "Add buddy (ex)", "Buddy auth (ex)", "Auth code",
    "Buddy check code", "Buddy question", "Request login token (ex)", "Check password", "Withdraw message"]
NAMES_2010 = [
    "Get group list", "Room command", "Update info", "Search user", "Add buddy without auth", "Remove buddy",
    "Add buddy with auth", "Change status", "Ack system message", "Receive IM", "Remove me", "Request key",
    "Cell phone 1", "Get buddies online", "Cell phone 2", "Login", "Get buddy info", "Buddy memo",
    "Keep alive", "Logout", "Get buddies signature", "Receive system message", "Buddy status change",
    "Touch server", "Weather", "Add buddy (ex)", "Buddy auth (ex)", "Auth token", "Buddy check code",
    "Buddy question", "Captcha", "Send IM", "Receive IM", "Send typing", "Auth (password verify)",
    "Verify E3", "Verify E5", "Login E9", "Login EA", "Get list", "Login EC", "Login ED", "Get buddies list"]
NAMES_SOURCE_DOC = ["Keep alive", "Logout confirmation", "Login", "Logout", "Send text message",
                    "Receive text message"]
NAMES_TIM = ["Change online status", "Message read confirmation", "Touch (pre-login ping)", "Login (session key)",
             "Login (password check)"]


def test_command_names_per_generation(ws):
    rows = ws.fields(COMMANDS, ["qq.version", "qq.cmd", "qq.cmd_name", "qq.generation", "qq.variant"])
    expected = []
    for version, era, variant, cmds, names in (
            ("0x0e1b", GEN_CLASSIC, CLASSIC_REQ, CMDS_CLASSIC, NAMES_CLASSIC),
            ("0x1e0d", GEN_2010, EXT_REQ, CMDS_2010, NAMES_2010),
            ("0x1c51", GEN_2010, BASIC, CMDS_SOURCE_DOC, NAMES_SOURCE_DOC),
            ("0x3713", GEN_PCQQ, LOGIN_REQ, CMDS_TIM, NAMES_TIM)):
        assert len(cmds) == len(names)
        expected += [[version, "0x%04x" % c, n, era, variant] for c, n in zip(cmds, names)]
    assert rows[:len(expected)] == expected
    # Codes that the classic table has and the QQ2010+ table does not are unknown there.
    assert ws.count(COMMANDS, "qq.version == 0x1e0d && qq.unknown_command") == 0
    assert ws.count(COMMANDS, "qq.unknown_command") == 0


def test_login_keys_per_generation(ws):
    # PC QQ: 0x0825 and 0x0818 carry the key at offset 26; 0x0836 does not
    # (its body starts with TLVs, doc/qq.md section 7).
    rows = ws.fields(COMMANDS, ["qq.version", "qq.cmd"], dfilter="qq.login_key")
    assert rows == [["0x0e1b", c] for c in ("0x0022", "0x0062", "0x0091", "0x00ba", "0x00dd")] + \
        [["0x1e0d", c] for c in ("0x0091", "0x00ba", "0x00dd")] + [["0x1c51", "0x0091"]] + \
        [["0x3713", "0x0825"]] + [["0x0a00", "0x0062"]]
    assert ws.count(COMMANDS, "qq.login_key && qq.direction == 2") == 0
    rows = ws.fields(PCQQ, ["frame.number", "qq.cmd", "qq.login_key", "qq.body"], dfilter="qq.login_key")
    assert rows == [["15", "0x0825", noise("pc/touch/key", 16).hex(), noise("pc/touch/enc", 112).hex()],
                    ["19", "0x0818", noise("pc/qr/key", 16).hex(), noise("pc/qr/enc", 64).hex()]]
    # The key starts at offset 26 of the QQ packet (the UDP payload).
    for frame, tag in ((15, "pc/touch"), (19, "pc/qr")):
        payload = bytes.fromhex(ws.column(PCQQ, "udp.payload", dfilter="frame.number == %d" % frame)[0])
        assert payload[26:42] == noise(tag + "/key", 16)


def test_versions_in_no_table_are_named_by_their_generation(ws):
    # Versions that no table lists but that lie inside a generation's range
    # are that generation's, with no note (doc/qq.md section 8).
    first = len(CMDS_CLASSIC) + len(CMDS_2010) + len(CMDS_SOURCE_DOC) + len(CMDS_TIM) + 1
    dfilter = "frame.number >= %d && frame.number < %d" % (first, first + len(UNKNOWN_VERSIONS))
    rows = ws.fields(COMMANDS, ["qq.version", "qq.generation", "qq.cmd_name", "_ws.col.Info"], dfilter=dfilter)
    assert [r[0] for r in rows] == ["0x%04x" % v for v in UNKNOWN_VERSIONS]
    assert [r[1:3] for r in rows] == [[GEN_CLASSIC, "Request login token"], [GEN_2010, "Logout"],
                                      [GEN_PCQQ, "Logout"]]
    assert rows[0][3] == ("Classic Request login token (0x0062) seq=0x%04x QQ=20004 %s "
                          "[11-byte header]" % (0x6000 + first, ARROW_CS))
    assert rows[1][3].startswith("QQ2010 Logout (0x0062) ")
    assert rows[2][3].startswith("PC QQ Logout (0x0062) ")
    assert ws.count(COMMANDS, "qq.unknown_version") == 0
    assert ws.count(COMMANDS, "qq.unknown_version", two_pass=True) == 0
    info = ws.column(COMMANDS, "_ws.col.Info")
    assert not [i for i in info if "?" in i]


def test_version_outside_every_range_noted_once_per_conversation(ws):
    # 24-26: version 0x5a5a twice from the client and once from the server.
    for two_pass in (False, True):
        rows = by_frame(ws.fields(PCQQ, ["frame.number", "qq.version", "qq.generation", "_ws.col.Info"],
                                  dfilter="udp.port == 4004", two_pass=two_pass))
        assert sorted(rows) == [24, 25, 26]
        assert all(r[0] == "0x5a5a" and r[1] == GEN_PCQQ for r in rows.values())
        assert all(r[2].startswith("PC QQ? Heartbeat (0x0058) ") for r in rows.values())
        assert [r[0] for r in ws.fields(PCQQ, ["frame.number"], dfilter="qq.unknown_version",
                                        two_pass=two_pass)] == ["24"]
    text = ws.out(["-n", "-r", ws.path(PCQQ), "-O", "qq", "-V", "-Y", "frame.number == 25"])
    assert ("[Client generation: PC QQ 2012 and later (TIM shares it) (3) (assumed: version 0x5a5a lies outside "
            "every generation's range)]") in text


def test_every_field_has_a_blurb(ws):
    rows = [l.split("\t") for l in ws.out(["-G", "fields"]).splitlines()]
    # (Expert infos register FT_NONE fields of their own, without blurbs.)
    qq = [r for r in rows if r[0] == "F" and r[4] in ("qq", "qq_tls_port") and r[3] != "FT_NONE"]
    assert len(qq) >= 25
    assert [r[2] for r in qq if len(r) < 8 or not r[7].strip()] == []


# -- TCP 8000 is shared: only conversations that start like QQ are QQ ------------------------

def test_http_on_tcp_8000_not_claimed(ws):
    for two_pass in (False, True):
        assert ws.column(NEGATIVES, "_ws.col.Protocol", dfilter="tcp.port == 8000 && tcp.len > 0",
                         two_pass=two_pass) == ["HTTP", "HTTP"]
        assert ws.count(NEGATIVES, "qq && tcp.port == 8000", two_pass=two_pass) == 0


def test_tcp_8000_capture_starting_mid_packet(ws):
    for two_pass in (False, True):
        rows = by_frame(ws.fields(MALFORMED, ["frame.number", "_ws.col.Protocol", "qq.cmd", "qq.response_to"],
                                  dfilter="tcp.port == 5002 && tcp.len > 0", two_pass=two_pass))
        assert rows[16] == ["TCP", "", ""]
        assert rows[17][:2] == ["QQ", "0x0002"]
        assert rows[18] == ["QQ", "0x0002", "17"]
    assert ws.count(MALFORMED, "tcp.port == 5002 && (_ws.malformed || qq.bad_length || qq.no_response)",
                    two_pass=True) == 0



def test_classic_server_pushes_and_acks(ws):
    rows = by_frame(ws.fields(COMMANDS, ["frame.number", "qq.cmd", "qq.direction", "qq.response_in",
                                         "qq.response_to", "qq.time", "qq.uin"],
                              dfilter="ip.addr == 10.3.0.20", two_pass=True))
    assert sorted(rows) == [104, 105, 106, 107, 108, 109]
    assert rows[105] == ["0x0017", S2C, "106", "", "", ""]
    assert rows[106] == ["0x0017", C2S, "", "105", "0.010000000", "30000"]
    assert rows[108] == ["0x0080", S2C, "109", "", "", ""]
    assert rows[109][:5] == ["0x0080", C2S, "", "108", "0.260000000"]
    # The status push expects no answer; the keep-alive request went unanswered.
    assert rows[107] == ["0x0081", S2C, "", "", "", ""]
    assert [r[0] for r in ws.fields(COMMANDS, ["frame.number"], two_pass=True,
                                    dfilter="ip.addr == 10.3.0.20 && qq.no_response")] == ["104"]
    info = ws.column(COMMANDS, "_ws.col.Info", dfilter="frame.number == 105")
    assert info == ["Classic Receive IM (0x0017) seq=0x9001 %s push [7-byte header]" % ARROW_SC]
    assert ws.column(COMMANDS, "_ws.col.Info", dfilter="frame.number == 106") == [
        "Classic Receive IM (0x0017) seq=0x9001 QQ=30000 %s ack [11-byte header]" % ARROW_CS]


def test_tcp_443_first_packet_over_two_segments(ws):
    for two_pass in (False, True):
        rows = by_frame(ws.fields(TCP443, ["frame.number", "_ws.col.Protocol", "qq.length", "qq.cmd",
                                           "qq.login_key", "tcp.reassembled_in"],
                                  dfilter="tcp.port == 3458 && tcp.len > 0", two_pass=two_pass))
        assert rows[25][0] == ("TCP" if two_pass else wsversion.first_pass_start_of_pdu_protocol("QQ"))
        assert rows[26][:4] == ["QQ", "430", "0x0091", noise("tcp-split-login/key", 16).hex()]
        assert rows[27][:3] == ["QQ", "62", "0x0091"]
    assert ws.column(TCP443, "tcp.reassembled_in", dfilter="frame.number == 25", two_pass=True) == ["26"]
    assert ws.column(TCP443, "qq.response_in", dfilter="frame.number == 26", two_pass=True) == ["27"]
    assert ws.count(TCP443, "tls && tcp.port == 3458") == 0


def test_duplicate_reply(ws):
    rows = by_frame(ws.fields(COMMANDS, ["frame.number", "qq.response_in", "qq.response_to", "qq.variant",
                                         "qq.retransmission"],
                              dfilter="ip.addr == 10.3.0.21", two_pass=True))
    assert rows == {110: ["111", "", EXT_REQ, ""], 111: ["", "110", REPLY, ""],
                    112: ["", "110", REPLY, ""]}
    assert experts(ws, COMMANDS, 112) == [(SEQUENCE_GROUP, NOTE, "Reply to a request that was already answered")]
    assert ws.count(COMMANDS, "qq.duplicate_response", two_pass=True) == 1


def test_icmp_quote_does_not_decide_directions(ws):
    # Frame 22 quotes a server-to-client packet before the conversation starts;
    # the directions of 23-24 still come from the real first packet.
    for two_pass in (False, True):
        rows = by_frame(ws.fields(MALFORMED, ["frame.number", "_ws.col.Protocol", "qq.cmd", "qq.seq",
                                              "qq.direction", "qq.response_in", "qq.response_to"],
                                  dfilter="frame.number >= 22", two_pass=two_pass))
        # Unknown in the first pass, which has not seen the conversation yet.
        assert rows[22][:4] == ["ICMP", "0x0058", "0x0c01", S2C if two_pass else DIR_UNKNOWN]
        assert rows[22][4:] == ["", ""]
        assert rows[23][:4] == ["QQ", "0x0058", "0x0c02", C2S]
        assert rows[24][:4] == ["QQ", "0x0058", "0x0c02", S2C]
    assert ws.column(MALFORMED, "qq.response_to", dfilter="frame.number == 24", two_pass=True) == ["23"]
    assert ws.column(MALFORMED, "qq.response_in", dfilter="frame.number == 23", two_pass=True) == ["24"]


def test_udp_heuristic_needs_a_known_version_or_command(ws, tmp_path):
    # 0x02 ... 0x03 on an arbitrary port: claimed (and its conversation bound)
    # only with a known version or a command known in that version's era.
    import struct
    from pcapgen import Capture
    cap = Capture()
    body = noise("heur", 20)
    cases = [
        (5001, struct.pack("!BHHH", 2, 0x7a7a, 0x7b7b, 1) + body + b"\x03"),  # unknown both
        (5002, struct.pack("!BHHH", 2, 0x7a7a, 0x0058, 2) + body + b"\x03"),  # era's keep-alive
        (5003, struct.pack("!BHHH", 2, 0x1e0d, 0x7b7b, 3) + body + b"\x03"),  # QQ2010 Intl
    ]
    for port, data in cases:
        cap.udp("10.1.1.1", port, "10.2.2.2", 9999 - port % 10, data)
    path = str(tmp_path / "heur.pcap")
    cap.write(path)
    rows = ws.fields(path, ["frame.number", "qq.version", "qq.cmd"], "qq")
    assert rows == [["2", "0x7a7a", "0x0058"], ["3", "0x1e0d", "0x7b7b"]]
    assert ws.count(path, "data && frame.number == 1") == 1


def test_resends_sharing_a_tcp_segment(ws, tmp_path):
    # A client that writes the same request three times before the socket
    # flushes: three identical packets in one segment, one reply. The copies
    # after the first are resends of it; the reply binds to the first copy and
    # no copy is reported as unanswered.
    from pcapgen import Capture
    from qq_scenarios import qq, framed, login_body
    cap = Capture()
    c = cap.tcp("10.3.3.3", 40001, "219.133.60.9", 8000)
    request = framed(qq(0x0f5f, 0x0091, 0x0400, login_body("same-segment")))
    other = framed(qq(0x0f5f, 0x0058, 0x0401, noise("same-segment/keepalive", 16)))
    c.client(request * 3 + other)                                   # frame 4
    c.server(framed(qq(0x0f5f, 0x0091, 0x0400, noise("same-segment/reply", 24), uin=None)))  # frame 5
    c.close()
    path = str(tmp_path / "same-segment.pcap")
    cap.write(path)
    rows = ws.fields(path, ["frame.number", "qq.seq", "qq.retransmission_of", "qq.response_in",
                            "qq.response_to"], "qq", two_pass=True)
    assert rows == [["4", "0x0400,0x0400,0x0400,0x0401", "4,4", "5", ""],
                    ["5", "0x0400", "", "", "4"]]
    assert ws.count(path, "qq.resend", two_pass=True) == 1
    # Unanswered: the keep-alive only.
    no_reply = ws.fields(path, ["frame.number"], "_ws.expert.message == \"No reply seen to this request\"",
                         two_pass=True)
    assert no_reply == [["4"]]
    info = ws.column(path, "_ws.col.Info", dfilter="frame.number == 4", two_pass=True)[0]
    assert info.count("[resend of #4]") == 2


# -- PC QQ 2012+ header shapes (qq-pcqq.pcap) ------------------------------------------

def test_pcqq_header_variants(ws):
    rows = by_frame(ws.fields(PCQQ, ["frame.number", "qq.direction", "qq.variant", "qq.uin",
                                     "qq.header_ext.flag", "qq.reply_flags", "qq.zero_bytes", "qq.generation"],
                              dfilter="qq"))
    expected = {
        # Server pushes before any client packet: 14-byte headers, QQ number
        # shown, whatever the reply-flag bytes hold (00 00 bc).
        1: [S2C, REPLY, str(PCQQ_UIN), "", "0x000000", ""],
        2: [S2C, REPLY, str(PCQQ_UIN), "", "0x0000bc", ""],
        3: [C2S, EXT_REQ, str(PCQQ_UIN), "0x02", "", ""],
        4: [C2S, EXT_REQ, str(PCQQ_UIN), "0x02", "", ""],
        5: [S2C, REPLY, str(PCQQ_UIN), "", "0x002000", ""],
        # Extension flag 0x04 and 8 zero bytes: a 30-byte header.
        6: [C2S, EXT_ZERO_RUN, str(PCQQ_UIN), "0x04", "", "0000000000000000"],
        7: [S2C, REPLY, str(PCQQ_UIN), "", "0x000400", ""],
        9: [S2C, REPLY, str(PCQQ_UIN), "", "0x00047f", ""],
        # Flag 0x04 without the zeros: the 22-byte header holds.
        12: [C2S, EXT_REQ, str(PCQQ_UIN), "0x04", "", ""],
        # The one-way 0x0001: 11-byte header and 8 zero bytes.
        13: [C2S, BASIC_ZERO_RUN, str(PCQQ_UIN), "", "", "0000000000000000"],
        14: [C2S, BASIC_ZERO_RUN, str(PCQQ_UIN), "", "", "0000000000000000"],
        15: [C2S, LOGIN_REQ, str(PCQQ_UIN), "0x03", "", ""],
        17: [C2S, LOGIN_REQ, str(PCQQ_UIN), "0x03", "", ""],
        18: [S2C, REPLY, str(PCQQ_UIN), "", "0x000800", ""],
        # 0x0828 as a real 0x3649 client sends it: extension flag 0x02.
        29: [C2S, EXT_REQ, str(PCQQ_UIN), "0x02", "", ""],
        32: [C2S, EXT_ZERO_RUN, str(PCQQ_UIN), "0x04", "", "0000000000000000"],
    }
    for frame, want in expected.items():
        assert rows[frame][:6] == want, frame
    # The 02 03 family has no generation; version 0x1b55 (frames 37-39) is
    # read as QQ2010 by its header layout.
    assert all(rows[n][6] == GEN_PCQQ for n in rows if n not in (21, 37, 38, 39, 40))
    # Every server packet of the capture shows its QQ number.
    assert ws.count(PCQQ, "qq.direction == 2 && !qq.uin") == 0
    assert ws.count(PCQQ, "qq.direction == 2") == 23


def test_pcqq_every_encrypted_body_is_whole_cipher_blocks(ws):
    # All but the two deliberately odd bodies of frames 27-28 are
    # ciphertext: a multiple of 8, at least 16.
    rows = ws.fields(PCQQ, ["frame.number", "qq.body"], dfilter="qq.body")
    odd = [int(r[0]) for r in rows if any(len(b) // 2 % 8 or len(b) // 2 < 16 for b in r[1].split(","))]
    assert odd == [27, 28]


def test_pcqq_login_tlvs_before_the_ciphertext(ws):
    from qq_scenarios import LOGIN_0836_CLEAR, LOGIN_0828_CLEAR
    rows = by_frame(ws.fields(PCQQ, ["frame.number", "qq.login_fields", "qq.body", "qq.login_key"],
                              dfilter="qq.cmd == 0x0836 || qq.cmd == 0x0828"))
    assert rows[17] == [LOGIN_0836_CLEAR.hex(), noise("pc/login-enc", 96).hex(), ""]
    assert rows[29] == [LOGIN_0828_CLEAR.hex(), noise("pc/session-enc", 64).hex(), ""]
    assert rows[18][:2] == ["", noise("pc/login-reply", 96).hex()]


def test_pcqq_why_the_variant(ws):
    rows = by_frame(ws.fields(PCQQ, ["frame.number", "qq.variant_reason"], dfilter="qq"))
    assert rows[2] == ["Only a 14-byte header leaves a body of whole 8-byte cipher blocks (at least 16 bytes)"]
    assert rows[4] == ["Only a 22-byte header leaves a body of whole 8-byte cipher blocks (at least 16 bytes)"]
    assert rows[6][0].startswith("Extension flag 0x04 and 8 zero bytes after the 22-byte header")
    assert rows[13][0].startswith("8 zero bytes after the QQ number")
    assert rows[17][0].startswith("Extension flag 0x03 marks the 26-byte login header")
    assert rows[27][0].startswith("No layout leaves whole 8-byte cipher blocks; the extension flag")
    assert rows[28][0] == ("No layout leaves whole 8-byte cipher blocks; servers of this generation send "
                           "14-byte headers")
    # Classic headers are the only layouts of their generation: no reason.
    assert ws.count(COMMANDS, "qq.version == 0x0e1b") == len(CMDS_CLASSIC) + 6
    assert ws.count(COMMANDS, "qq.version == 0x0e1b && qq.variant_reason") == 0
    text = ws.out(["-n", "-r", ws.path(PCQQ), "-O", "qq", "-V", "-Y", "frame.number == 6"])
    for line in ("Extension flag: Request with 8 more header bytes (0x04)", "Reserved: 0000",
                 "Client type: 0x00010101", "Client build: 0x00006a64", "Zero bytes: 0000000000000000",
                 "[Header variant: Client header with extension flag 0x04 and 8 zero bytes (30 bytes) (12)]"):
        assert line in text


def test_pcqq_reply_flag_bytes(ws):
    rows = by_frame(ws.fields(PCQQ, ["frame.number", "qq.reply_flags.first", "qq.reply_flags.second",
                                     "qq.reply_flags.third"], dfilter="qq.reply_flags"))
    assert rows[2] == ["0x00", "0x00", "0xbc"]
    assert rows[5] == ["0x00", "0x20", "0x00"]
    assert rows[9] == ["0x00", "0x04", "0x7f"]
    assert rows[18] == ["0x00", "0x08", "0x00"]


def test_pcqq_build_in_the_0x00b9_reply(ws):
    for two_pass in (False, True):
        rows = ws.fields(PCQQ, ["qq.version", "qq.build", "qq.generation", "qq.response_to"],
                         dfilter="frame.number == 11", two_pass=two_pass)
        assert rows[0][:3] == ["", "0x6a64", GEN_PCQQ]
    assert ws.column(PCQQ, "qq.response_to", dfilter="frame.number == 11", two_pass=True) == ["10"]
    assert ws.column(PCQQ, "qq.header_ext.build", dfilter="frame.number == 10") == ["0x00006a64"]
    assert ws.count(PCQQ, "qq.unknown_version && frame.number == 11", two_pass=True) == 0
    counts = stats_counts(ws.out(["-n", "-q", "-r", ws.path(PCQQ), "-z", "qq,tree"]))
    assert counts["client build 0x6a64 (in a server packet)"] == 1
    assert counts["0x3d11 (in the PC QQ range)"] == 2


def test_pcqq_0203_family(ws):
    # 02 03 | ciphertext length | QQ number | two 4-byte words | ciphertext | 03:
    # an 83-byte packet says 0x40, a 43-byte one 0x18, as on the wire.
    rows = by_frame(ws.fields(PCQQ, ["frame.number", "qq.variant", "qq.flag", "qq.family_marker",
                                     "qq.family_length", "qq.uin", "qq.family_word1", "qq.family_word2", "qq.body",
                                     "qq.tail", "qq.version", "qq.cmd", "_ws.col.Info"],
                              dfilter="qq.variant == 13"))
    assert rows == {
        21: [FAM_0203, "0x02", "0x03", "64", str(PCQQ_UIN), "0x0000015b", "0x00010000", noise("pc/0203", 64).hex(),
             "0x03", "", "", "02 03 family packet, QQ=%d, 83 bytes" % PCQQ_UIN],
        40: [FAM_0203, "0x02", "0x03", "24", str(PCQQ_UIN), "0x0000015b", "0x00020000",
             noise("pc/0203-short", 24).hex(), "0x03", "", "", "02 03 family packet, QQ=%d, 43 bytes" % PCQQ_UIN],
    }


def test_pcqq_classic_range_version_with_qq2010_headers(ws):
    # Version 0x1b55 (2011) lies in the classic range, yet sends the 22-byte
    # request and 14-byte reply headers: whole cipher blocks decide.
    for two_pass in (False, True):
        rows = by_frame(ws.fields(PCQQ, ["frame.number", "qq.variant", "qq.generation", "qq.uin", "qq.cmd_name",
                                         "qq.body", "qq.response_to"],
                                  dfilter="qq.version == 0x1b55", two_pass=two_pass))
        assert rows[37][:5] == [EXT_REQ, GEN_2010, "16856284", "Keep alive", noise("2011/ka", 24).hex()]
        assert rows[38] == [REPLY, GEN_2010, "16856284", "Keep alive", noise("2011/ka-reply", 32).hex(), "37"]
        assert rows[39][:5] == [EXT_ZERO_RUN, GEN_2010, "16856284", "Send IM", noise("2011/send", 32).hex()]
    text = ws.out(["-n", "-r", ws.path(PCQQ), "-O", "qq", "-V", "-Y", "frame.number == 37"])
    assert "Version: QQ2010 to QQ2012, a version the table does not list (0x1b55)" in text
    assert ("[Client generation: QQ2010 to QQ2012 (2) (by its header layout: version 0x1b55 lies in the classic"
            " range)]") in text
    assert "only a 22-byte header leaves a body of whole 8-byte cipher blocks" in text


def test_pcqq_0828_token_before_the_ciphertext(ws):
    # 02 ver 0828 seq QQ | 02 0000 00010101 build | 00 30 00 3a 00 38 <56-byte
    # token> | ciphertext | 03: the body starts after the token.
    from qq_scenarios import LOGIN_0828_CLEAR
    rows = ws.fields(PCQQ, ["qq.variant", "qq.login_fields", "qq.body", "qq.variant_reason"],
                     dfilter="frame.number == 29")
    assert rows[0][:3] == [EXT_REQ, LOGIN_0828_CLEAR.hex(), noise("pc/session-enc", 64).hex()]
    assert LOGIN_0828_CLEAR[:6].hex() == "0030003a0038"
    assert rows[0][3].startswith("The header and then clear-text login fields")


def test_pcqq_pushes_sharing_a_sequence_pair_with_their_acks_in_order(ws):
    # Two pushes with one sequence in the same microsecond, two acks: each
    # ack answers its own push; no "already answered", no "no reply".
    for two_pass in (False, True):
        links = by_frame(ws.fields(PCQQ, ["frame.number", "qq.response_in", "qq.response_to"],
                                   dfilter="qq.seq == 0x7a7a", two_pass=two_pass))
        if two_pass:
            assert links == {41: ["43", ""], 42: ["44", ""], 43: ["", "41"], 44: ["", "42"]}
        else:
            assert links[43] == ["", "41"] and links[44] == ["", "42"]
        assert ws.count(PCQQ, "qq.seq == 0x7a7a && (qq.duplicate_response || qq.no_response)",
                        two_pass=two_pass) == 0


def test_pcqq_build_in_a_0x00b9_reply_without_its_request(ws):
    # A capture of one direction: the other server packets give the version,
    # or, with none, the 0x00b9 reply itself is known to carry a build.
    for two_pass in (False, True):
        rows = by_frame(ws.fields(PCQQ, ["frame.number", "qq.version", "qq.build", "qq.generation"],
                                  dfilter="(frame.number == 46 || frame.number == 47)", two_pass=two_pass))
        assert rows == {46: ["", "0x67b7", GEN_PCQQ], 47: ["", "0x67b7", GEN_PCQQ]}
        assert ws.count(PCQQ, "qq.unknown_version && (frame.number == 46 || frame.number == 47)", two_pass=two_pass) == 0


def test_pcqq_versions_missing_from_the_table_are_named(ws):
    text = ws.out(["-n", "-r", ws.path(PCQQ), "-O", "qq", "-V", "-Y", "frame.number == 48 || frame.number == 49"])
    for version in ("0x3649", "0x3a27"):
        assert ("Version: PC QQ 2012 and later (TIM shares it), a version the table does not list (%s)"
                % version) in text
    assert "Unknown (0x3" not in text
    assert ws.count(PCQQ, "qq.unknown_version && frame.number >= 48", two_pass=True) == 0


def test_pcqq_pushes_acks_and_replies_in_info(ws):
    info = by_frame(ws.fields(PCQQ, ["frame.number", "_ws.col.Info"], dfilter="qq", two_pass=True))
    assert info[2] == ["PC QQ Receive group message or event (0x0017) seq=0x2cf2 QQ=%d %s push [14-byte header]"
                       % (PCQQ_UIN, ARROW_SC)]
    assert info[3] == ["PC QQ Receive group message or event (0x0017) seq=0x2cf2 QQ=%d %s ack [22-byte header]"
                       % (PCQQ_UIN, ARROW_CS)]
    assert info[5] == ["PC QQ Send friend message (0x00cd) seq=0x31c9 QQ=%d %s [14-byte header]"
                       % (PCQQ_UIN, ARROW_SC)]
    # No push is called a reply, no reply a request.
    assert not [i for i in info.values() if "push" in i[0] and "reply" in i[0]]
    for two_pass in (False, True):
        assert not [i for i in ws.column(PCQQ, "_ws.col.Info", two_pass=two_pass) if "reply]" in i]
    links = by_frame(ws.fields(PCQQ, ["frame.number", "qq.response_in", "qq.response_to"], dfilter="qq",
                               two_pass=True))
    assert links[2] == ["3", ""] and links[3] == ["", "2"]
    assert links[4] == ["5", ""] and links[5] == ["", "4"]
    assert links[1] == ["", ""]                                # status pushes are not acked
    assert links[13] == ["", ""] and links[14] == ["", ""]     # one-way 0x0001


def test_no_reply_verdict_only_after_the_whole_capture(ws):
    # One pass (tshark -r, live capture): the replies after a request have
    # not been read yet, so no request is called unanswered.
    for pcap in (SESSION, TCP443, VARIANTS, MALFORMED, COMMANDS, PCQQ):
        assert ws.count(pcap, "qq.no_response") == 0, pcap
    # Two passes: the truly unanswered ones (0x0319, the second 0x5a5a, the
    # 0x1b55 message, the 0x3a27 heartbeat and the last 0x0836).
    assert [r[0] for r in ws.fields(PCQQ, ["frame.number"], "qq.no_response", two_pass=True)] == [
        "12", "25", "39", "49", "51"]
    assert ws.count(SESSION, "qq.no_response", two_pass=True) == 1


def test_pcqq_over_tcp_443_mid_stream(ws):
    for two_pass in (False, True):
        rows = by_frame(ws.fields(PCQQ, ["frame.number", "qq.length", "qq.variant", "qq.uin", "qq.response_to"],
                                  dfilter="tcp.port == 54500 && qq", two_pass=two_pass))
        assert sorted(rows) == [31, 32, 33]
        assert rows[31][:3] == ["81", REPLY, str(PCQQ_UIN)]
        assert rows[32][:3] == ["169", EXT_ZERO_RUN, str(PCQQ_UIN)]
        assert rows[33][:4] == ["153", REPLY, str(PCQQ_UIN), "32"]


def test_tcp_443_caught_in_the_middle_of_a_packet(ws):
    # The first payload of the connection is the end of a packet: TLS gets
    # it (as without the plugin), QQ takes over at the first QQ framing.
    for two_pass in (False, True):
        rows = by_frame(ws.fields(PCQQ, ["frame.number", "_ws.col.Protocol", "qq.cmd", "qq.response_to"],
                                  dfilter="tcp.port == 54501 && tcp.len > 0", two_pass=two_pass))
        assert sorted(rows) == [34, 35, 36]
        assert rows[34][0] != "QQ" and rows[34][1] == ""
        assert rows[35][:2] == ["QQ", "0x0058"]
        assert rows[36] == ["QQ", "0x0058", "35"]


# -- real PC QQ captures ------------------------------------------------------------

def real_qq_rows(ws, path, two_pass):
    return ws.fields(path, ["frame.number", "qq.direction", "qq.variant", "qq.body", "qq.uin", "qq.version",
                            "qq.generation", "qq.cmd_name"], dfilter="qq", two_pass=two_pass)


REAL_QQ = [("xepwang_qq_2022.pcapng", 101, "0x3b0b"), ("chichi_qq_tcp443_2019.pcapng", 8, "0x3841"),
           ("ndpi_oicq.pcap", 29, "0x3b0b")]


@pytest.mark.parametrize("name,frames,version", REAL_QQ)
def test_real_pcqq_bodies_numbers_and_notes(ws, real_pcap, name, frames, version):
    path = real_pcap(name)
    for two_pass in (False, True):
        rows = real_qq_rows(ws, path, two_pass)
        assert len(rows) == frames
        for r in rows:
            # Every body is QQ-TEA ciphertext: whole 8-byte blocks, at least 16.
            bodies = r[3].split(",")
            assert all(len(b) // 2 >= 16 and len(b) // 2 % 8 == 0 for b in bodies), r
            # Every packet, the server's included, shows the QQ number.
            assert r[4] and "" not in r[4].split(","), r
            assert set(r[5].split(",")) <= {version, ""} and set(r[6].split(",")) == {GEN_PCQQ}, r
        assert ws.count(path, "qq.unknown_version", two_pass=two_pass) == 0
        assert ws.count(path, "qq && (_ws.malformed || _ws.expert.severity >= warning)", two_pass=two_pass) == 0
    # One pass: no "no reply" verdicts.
    assert ws.count(path, "qq.no_response") == 0


def test_real_xepwang_layouts_and_names(ws, real_pcap):
    path = real_pcap("xepwang_qq_2022.pcapng")
    rows = ws.fields(path, ["qq.direction", "qq.variant", "qq.header_ext.flag", "qq.reply_flags"], dfilter="qq")
    server = [r for r in rows if r[0] == S2C]
    client = [r for r in rows if r[0] == C2S]
    assert len(server) == 54 and len(client) == 47
    assert {r[1] for r in server} == {REPLY}
    # Reply-flag bytes vary on the real server: never used to tell layouts apart.
    flags = {r[3] for r in server}
    assert {"0x000000", "0x002000"} <= flags and any(f.startswith("0x0004") for f in flags)
    assert len(flags) == 10
    assert {(r[1], r[2]) for r in client} == {(EXT_REQ, "0x02"), (EXT_ZERO_RUN, "0x04")}
    assert sum(1 for r in client if r[2] == "0x04") == 12
    names = by_frame(ws.fields(path, ["frame.number", "qq.cmd_name"], dfilter="qq"))
    assert names[94] == ["Friend status change"]
    assert names[154] == ["Receive group message or event"]
    assert names[737] == ["Send friend message"]
    assert names[775] == ["Heartbeat"]
    assert names[852] == ["Receive friend message"]
    assert names[1346] == ["Get buddies online"]
    # The 0x00b9 reply carries the client's build, 0x6a64, also in the request's extension.
    assert ws.column(path, "qq.build", dfilter="frame.number == 1311") == ["0x6a64"]
    assert ws.column(path, "qq.header_ext.build", dfilter="frame.number == 1307") == ["0x00006a64"]


def test_real_chichi_tcp_443_layouts(ws, real_pcap):
    path = real_pcap("chichi_qq_tcp443_2019.pcapng")
    for two_pass in (False, True):
        rows = by_frame(ws.fields(path, ["frame.number", "qq.direction", "qq.variant", "qq.uin", "qq.response_to"],
                                  dfilter="qq", two_pass=two_pass))
        assert sorted(rows) == [11, 16, 21, 29, 133, 139, 140, 144]
        assert rows[16][:3] == [C2S, EXT_ZERO_RUN, "2584363094"]
        assert rows[21][:3] == [S2C, REPLY, "2584363094"]
        assert rows[140][:2] == [C2S, EXT_REQ]
        assert rows[144][:2] == [S2C, REPLY]
    assert ws.column(path, "qq.response_to", dfilter="frame.number == 21", two_pass=True) == ["16"]
