# SPDX-License-Identifier: GPL-2.0-or-later
"""MSNP dissector: the field contract of issue 3 checked with exact values on
the sample captures (sample-pcaps/msnp_scenarios.py), frame links, server
roles, reassembly, preferences, expert infos, statistics, the heuristic and
the real capture ndpi_msnms.pcap."""

import pytest

import wsversion

LOGIN = "msnp-login.pcap"
LOGIN_443 = "msnp-login-443.pcap"
SEG = "msnp-segmentation.pcap"
ERRORS = "msnp-errors.pcap"
HTTP = "msnp-http-gateway.pcap"
ODD_PORT = "msnp-nonstandard-port.pcap"
NEGATIVES = "msnp-negatives.pcap"

C2S, S2C = "C\u2192S", "S\u2192C"


def row(ws, pcap, frame, fields, two_pass=True, extra=()):
    rows = ws.fields(pcap, fields, "frame.number == %d" % frame, two_pass=two_pass, extra=extra)
    assert len(rows) == 1, rows
    return rows[0]


def by_frame(ws, pcap, fields, dfilter="msnp", two_pass=True, extra=()):
    rows = ws.fields(pcap, ["frame.number"] + fields, dfilter, two_pass=two_pass, extra=extra)
    return {int(r[0]): r[1:] for r in rows}


# -- registration ------------------------------------------------------------

CONTRACT = {
    "msnp.cmd": "FT_STRING", "msnp.trid": "FT_UINT32", "msnp.param": "FT_STRING",
    "msnp.length": "FT_UINT32", "msnp.payload": "FT_BYTES", "msnp.error": "FT_UINT16",
    "msnp.version": "FT_STRING", "msnp.account": "FT_STRING", "msnp.friendly_name": "FT_STRING",
    "msnp.status": "FT_STRING",
    "msnp.cvr.locale": "FT_UINT16", "msnp.cvr.os_type": "FT_STRING", "msnp.cvr.os_version": "FT_STRING",
    "msnp.cvr.arch": "FT_STRING", "msnp.cvr.client_name": "FT_STRING",
    "msnp.cvr.client_version": "FT_STRING", "msnp.cvr.client_id": "FT_STRING",
    "msnp.cvr.recommended_version": "FT_STRING", "msnp.cvr.minimum_version": "FT_STRING",
    "msnp.cvr.download_url": "FT_STRING", "msnp.cvr.info_url": "FT_STRING",
    "msnp.usr.auth": "FT_STRING", "msnp.usr.state": "FT_STRING", "msnp.usr.challenge": "FT_STRING",
    "msnp.usr.ticket": "FT_STRING",
    "msnp.xfr.server_type": "FT_STRING", "msnp.xfr.ip": "FT_IPv4", "msnp.xfr.port": "FT_UINT16",
    "msnp.xfr.auth": "FT_STRING", "msnp.xfr.cookie": "FT_STRING",
    "msnp.chl.challenge": "FT_STRING", "msnp.qry.product_id": "FT_STRING", "msnp.qry.response": "FT_STRING",
    "msnp.msg.header": "FT_STRING", "msnp.msg.content_type": "FT_STRING", "msnp.msg.text": "FT_STRING",
    "msnp.msg.typing_user": "FT_STRING",
    "msnp.p2p.session_id": "FT_UINT32", "msnp.p2p.identifier": "FT_UINT32", "msnp.p2p.offset": "FT_UINT64",
    "msnp.p2p.total_size": "FT_UINT64", "msnp.p2p.message_size": "FT_UINT32", "msnp.p2p.flags": "FT_UINT32",
    "msnp.p2p.ack_identifier": "FT_UINT32", "msnp.p2p.ack_unique_id": "FT_UINT32",
    "msnp.p2p.ack_data_size": "FT_UINT64",
    "msnp.response_in": "FT_FRAMENUM", "msnp.response_to": "FT_FRAMENUM", "msnp.time": "FT_RELATIVE_TIME",
    "msnp.server_role": "FT_STRING", "msnp.referred_by": "FT_FRAMENUM",
}


def test_field_contract_registered_with_types(ws):
    types = {}
    for line in ws.out(["-G", "fields"]).splitlines():
        parts = line.split("\t")
        if parts[0] == "F" and parts[2].startswith("msnp."):
            types[parts[2]] = parts[3]
    for name, ftype in CONTRACT.items():
        assert types.get(name) == ftype, (name, types.get(name))


def test_handles_port_and_heuristic_registered(ws):
    decodes = ws.out(["-G", "decodes"]).splitlines()
    assert "tcp.port\t1863\tmsnp" in decodes
    heur = wsversion.heuristic_decodes(ws.out(["-G", "heuristic-decodes"]))
    assert ("tcp", "msnp", True) in heur          # msnp_tcp, enabled by default


SEVERITY = {"Chat": 0x00200000, "Note": 0x00400000, "Warning": 0x00600000, "Error": 0x00800000}
GROUP = {"Sequence": 0x02000000, "Response": 0x03000000, "Undecoded": 0x05000000,
         "Malformed": 0x07000000, "Protocol": 0x09000000}


def _expert_entries(node, name, found):
    """Every expert-info dict for `name` in a tshark JSON tree."""
    if isinstance(node, dict):
        if name in node and "_ws.expert.severity" in node:
            found.append(node)
        for v in node.values():
            _expert_entries(v, name, found)
    elif isinstance(node, list):
        for v in node:
            _expert_entries(v, name, found)
    return found


EXPERTS = {
    # name: (group, severity, capture, extra options)
    "msnp.error_reply": ("Response", "Note", LOGIN, ()),
    "msnp.unknown_command": ("Undecoded", "Note", ERRORS, ()),
    "msnp.no_crlf": ("Malformed", "Warning", ERRORS, ("-o", "msnp.reassemble:FALSE")),
    "msnp.bad_trid": ("Protocol", "Warning", ERRORS, ()),
    "msnp.bad_length": ("Malformed", "Error", ERRORS, ()),
    "msnp.partial_payload": ("Malformed", "Warning", SEG, ("-o", "msnp.reassemble:FALSE")),
    "msnp.line_too_long": ("Malformed", "Error", LOGIN, ("-o", "msnp.max_line:100")),
    "msnp.bad_escape": ("Malformed", "Warning", ERRORS, ()),
    "msnp.name_unescaped": ("Protocol", "Chat", "msnp-names.pcap", ()),
    "msnp.bad_address": ("Malformed", "Warning", ERRORS, ()),
    "msnp.p2p_short": ("Malformed", "Error", ERRORS, ()),
    "msnp.p2p_bad_size": ("Malformed", "Warning", ERRORS, ()),
    "msnp.unmatched_reply": ("Sequence", "Note", ERRORS, ()),
    "msnp.empty_line": ("Protocol", "Note", ERRORS, ()),
}


@pytest.mark.parametrize("name", sorted(EXPERTS))
def test_expert_info_group_and_severity(ws, name):
    group, severity, pcap, extra = EXPERTS[name]
    packets = ws.json(pcap, name, protocols=(), extra=extra)
    assert packets, name
    entries = _expert_entries(packets, name, [])
    assert entries, name
    for e in entries:
        assert int(e["_ws.expert.severity"]) == SEVERITY[severity], (name, e)
        assert int(e["_ws.expert.group"]) == GROUP[group], (name, e)


# -- the login, command by command ---------------------------------------------

LOGIN_COMMANDS = {
    4: "VER", 5: "VER", 6: "CVR", 7: "CVR", 8: "USR", 9: "XFR",
    16: "VER", 17: "VER", 18: "CVR", 19: "CVR", 20: "USR", 21: "USR", 22: "USR", 23: "USR",
    24: "SYN", 25: "SYN", 26: "LSG", 27: "LST", 28: "LST", 29: "CHG", 30: "CHG", 31: "ILN",
    32: "ILN", 33: "UBX", 34: "NLN", 35: "FLN", 36: "ADC", 37: "205", 38: "CHL", 39: "QRY",
    40: "QRY", 41: "PNG", 42: "QNG", 43: "XFR", 44: "XFR",
    48: "USR", 49: "USR", 50: "CAL", 51: "CAL", 52: "JOI", 53: "MSG", 54: "MSG", 55: "ACK",
    56: "MSG", 57: "ACK", 58: "BYE", 59: "OUT",
    63: "RNG", 67: "ANS", 68: "IRO", 69: "ANS", 70: "MSG", 71: "OUT", 75: "OUT",
}


def test_login_commands_and_directions(ws):
    got = by_frame(ws, LOGIN, ["msnp.cmd", "msnp.direction"])
    assert {f: v[0] for f, v in got.items()} == LOGIN_COMMANDS
    server_sent = {5, 7, 9, 17, 19, 21, 23, 25, 26, 27, 28, 30, 31, 32, 33, 34, 35, 37, 38, 40,
                   42, 44, 49, 51, 52, 55, 57, 58, 63, 68, 69, 70}
    for f, (cmd, direction) in got.items():
        assert direction == ("2" if f in server_sent else "1"), (f, cmd)


def test_info_column(ws):
    info = by_frame(ws, LOGIN, ["_ws.col.Info"])
    assert info[20] == ["C\u2192S USR 150 TWN I cndes2005@hotmail.com"]
    assert info[9] == ["S\u2192C XFR 147 NS 207.46.4.22:1863 0 65.54.239.20:1863"]
    assert info[37] == ["S\u2192C 205 154 (User does not exist)"]
    assert info[41] == ["C\u2192S PNG"]
    seg = by_frame(ws, SEG, ["_ws.col.Info"])
    assert seg[25] == ["S\u2192C 911 2 (Authentication failed)"]
    # Several commands in one segment: all listed.
    assert seg[7] == ["S\u2192C CAL 2 RINGING 246503 | S\u2192C JOI cecile260992@hotmail.com choupi"
                      " | S\u2192C MSG cecile260992@hotmail.com choupi 97"]


def test_trid_present_or_absent(ws):
    trid = {f: v[0] for f, v in by_frame(ws, LOGIN, ["msnp.trid"]).items()}
    assert trid[20] == "150" and trid[9] == "147" and trid[55] == "160" and trid[68] == "162"
    assert trid[31] == "153"      # ILN carries the TrID of the CHG it answers
    assert trid[38] == "0"        # CHL 0
    assert trid[53] == "159"      # client MSG
    for f in (41, 42, 59, 34, 35, 63, 52, 58, 33, 70, 26, 27):
        assert trid[f] == "", (f, LOGIN_COMMANDS[f])   # PNG QNG OUT NLN FLN RNG JOI BYE UBX MSG LSG LST


def test_params(ws):
    got = by_frame(ws, LOGIN, ["msnp.param"])
    assert got[20] == ["TWN,I,cndes2005@hotmail.com"]
    assert got[41] == [""]
    assert got[42] == ["50"]
    assert got[53] == ["U"]                                    # the length is msnp.length
    assert got[32] == ["AWY,xiaoming@hotmail.com,%E5%B0%8F%E6%98%8E,1073791012"]   # raw form kept


def test_versions_accounts_status_friendly_names(ws):
    got = by_frame(ws, LOGIN, ["msnp.version", "msnp.account", "msnp.status", "msnp.friendly_name"])
    assert got[4][0] == "MSNP11,MSNP10"
    assert got[5][0] == "MSNP11"
    assert got[6][1] == "cndes2005@hotmail.com"
    assert got[23][1] == "cndes2005@hotmail.com"
    assert got[63][1] == "cecile260992@hotmail.com"
    assert got[36][1] == "nobody@hotmail.com"      # ADC ... N=nobody@hotmail.com F=nobody
    assert got[36][3] == "nobody"
    assert got[27][1] == "cecile260992@hotmail.com" and got[27][3] == "choupi"     # LST N=... F=...
    assert got[28][1] == "xiaoming@hotmail.com" and got[28][3] == "\u5c0f\u660e"
    assert got[29][2] == "NLN" and got[31][2] == "NLN" and got[32][2] == "AWY" and got[34][2] == "BSY"
    assert got[31][3] == "choupi"
    assert got[32][3] == "\u5c0f\u660e"     # %E5%B0%8F%E6%98%8E
    assert got[49][3] == "\u5c0f\u660e"     # USR OK on the switchboard
    assert got[63][3] == "choupi"
    assert ws.count(LOGIN, 'msnp.status == "BSY"') == 1


def test_status_is_named(ws):
    out = ws.out(["-n", "-r", ws.path(LOGIN), "-V", "-O", "msnp", "-Y", "frame.number == 34"])
    assert "Status: BSY (Busy)" in out


def test_cvr_request_and_reply(ws):
    req = row(ws, LOGIN, 6, ["msnp.cvr.locale", "msnp.cvr.os_type", "msnp.cvr.os_version",
                             "msnp.cvr.arch", "msnp.cvr.client_name", "msnp.cvr.client_version",
                             "msnp.cvr.client_id"])
    assert req == ["0x0804", "winnt", "5.0", "i386", "MSNMSGR", "7.0.0777", "msmsgs"]
    assert ws.count(LOGIN, "msnp.cvr.locale == 0x0804") == 2
    out = ws.out(["-n", "-r", ws.path(LOGIN), "-V", "-O", "msnp", "-Y", "frame.number == 6"])
    assert "Locale id: Chinese (PRC) (0x0804)" in out
    rep = row(ws, LOGIN, 7, ["msnp.cvr.recommended_version", "msnp.cvr.minimum_version",
                             "msnp.cvr.download_url", "msnp.cvr.info_url"])
    assert rep == ["7.0.0816", "7.0.0777",
                   "http://msgr.dlservice.microsoft.com/download/5/d/9/Install_MSN_Messenger.exe",
                   "http://messenger.msn.com"]


CHALLENGE = ("lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,"
             "kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619")


def test_usr_fields(ws):
    fields = ["msnp.usr.auth", "msnp.usr.state", "msnp.usr.challenge", "msnp.usr.ticket"]
    got = by_frame(ws, LOGIN, fields, "msnp.cmd == \"USR\"")
    assert got[8] == ["TWN", "I", "", ""]
    assert got[21] == ["TWN", "S", CHALLENGE, ""]
    assert got[22][:3] == ["TWN", "S", ""] and got[22][3].startswith("t=53*1hAu8ADuD3TEwdXoOMi08sD*2!")
    assert got[23] == ["", "OK", "", ""]
    kv = row(ws, LOGIN, 21, ["msnp.usr.challenge.key", "msnp.usr.challenge.value"])
    assert kv[0] == "lc,id,tw,fs,ru,ct,kpp,kv,ver,tpf"
    assert kv[1].split(",")[0:3] == ["1033", "507", "40"]
    assert kv[1].split(",")[-1] == "43f8a4c8ed940c04e3740be46c4d1619"


def test_xfr_and_rng_fields(ws):
    fields = ["msnp.xfr.server_type", "msnp.xfr.ip", "msnp.xfr.port", "msnp.xfr.auth", "msnp.xfr.cookie",
              "msnp.session_id"]
    assert row(ws, LOGIN, 9, fields) == ["NS", "207.46.4.22", "1863", "", "", ""]
    assert row(ws, LOGIN, 43, fields) == ["SB", "", "", "", "", ""]
    assert row(ws, LOGIN, 44, fields) == ["SB", "207.46.108.59", "1863", "CKI", "246503.1115372323.20879", ""]
    assert row(ws, LOGIN, 63, fields) == ["", "207.46.108.83", "1863", "CKI", "1115371039.15845", "17069658"]
    assert row(ws, LOGIN, 67, fields) == ["", "", "", "", "1115371039.15845", "17069658"]
    assert ws.count(LOGIN, "msnp.xfr.ip == 207.46.108.0/24") == 2


def test_chl_qry(ws):
    assert row(ws, LOGIN, 38, ["msnp.chl.challenge"]) == ["29409134351025259292"]
    assert row(ws, LOGIN, 39, ["msnp.qry.product_id", "msnp.length", "msnp.qry.response"]) == \
        ["PROD0090YUAUV{2B", "32", "d1c1d3a4e1d1d7f0fb3e6d8e3fc5a1a3"]
    assert row(ws, LOGIN, 40, ["msnp.response_to", "msnp.length"]) == ["39", ""]


def test_msg_payloads(ws):
    typing = row(ws, LOGIN, 53, ["msnp.length", "msnp.msg.content_type", "msnp.msg.typing_user", "msnp.msg.header"])
    assert typing == ["94", "text/x-msmsgscontrol", "cndes2005@hotmail.com",
                      "MIME-Version: 1.0,Content-Type: text/x-msmsgscontrol,TypingUser: cndes2005@hotmail.com"]
    text = row(ws, LOGIN, 54, ["msnp.length", "msnp.msg.content_type", "msnp.msg.text"])
    assert text == ["136", "text/plain", "\u4f60\u597d, hello"]
    assert row(ws, LOGIN, 70, ["msnp.msg.text", "msnp.account"]) == ["see you", "cecile260992@hotmail.com"]


def test_p2p_header_and_msnslp(ws):
    fields = ["msnp.msg.content_type", "msnp.p2p.session_id", "msnp.p2p.identifier", "msnp.p2p.offset",
              "msnp.p2p.total_size", "msnp.p2p.message_size", "msnp.p2p.flags", "msnp.p2p.ack_identifier",
              "msnp.p2p.ack_unique_id", "msnp.p2p.ack_data_size", "msnp.p2p.footer", "msnp.slp.method",
              "msnp.slp.request_line", "msnp.slp.euf_guid"]
    got = row(ws, LOGIN, 56, fields)
    assert got == ["application/x-msnmsgrp2p", "0", "1980590", "0", "504", "504", "0x00000000",
                   "1234567", "0", "0", "0", "INVITE", "INVITE MSNMSGR:cecile260992@hotmail.com MSNSLP/1.0",
                   "{A4268EEC-FEC5-49E5-95C3-F126696BDBF6}"]


def test_xml_payload_handed_to_xml(ws):
    got = row(ws, LOGIN, 33, ["msnp.length", "frame.protocols", "_ws.col.Protocol", "_ws.col.Info"])
    assert got[0] == "65"
    assert got[1].endswith(":tcp:msnp:xml")
    assert got[2:] == ["MSNP", "S\u2192C UBX cecile260992@hotmail.com 65"]   # columns kept
    assert ws.count(LOGIN, 'xml.tag == "<PSM>"') == 1


def test_error_reply(ws):
    assert row(ws, LOGIN, 37, ["msnp.error", "msnp.trid", "_ws.expert.message"]) == \
        ["205", "154", "Error 205: User does not exist"]
    assert ws.count(SEG, "msnp.error == 911") == 1
    assert ws.count(SEG, "msnp.error_reply") == 1
    out = ws.out(["-n", "-r", ws.path(SEG), "-V", "-O", "msnp", "-Y", "msnp.error"])
    assert "Error: Authentication failed (911)" in out


# -- links between frames --------------------------------------------------------

def test_request_response_links(ws):
    got = by_frame(ws, LOGIN, ["msnp.response_in", "msnp.response_to"])
    pairs = {4: 5, 6: 7, 8: 9, 16: 17, 18: 19, 20: 21, 22: 23, 24: 25, 29: 30, 36: 37, 39: 40,
             43: 44, 48: 49, 50: 51, 54: 55, 56: 57, 67: 68}
    for req, rsp in pairs.items():
        assert got[req][0] == str(rsp), (req, got[req])
        assert got[rsp][1] == str(req), (rsp, got[rsp])
    assert got[31][1] == "29" and got[32][1] == "29"    # ILN after CHG 153
    assert got[69][1] == "67"                           # ANS 162 OK
    assert got[53] == ["", ""]                          # MSG U: no acknowledgement
    assert got[41] == ["", ""] and got[42] == ["", ""]  # PNG/QNG carry no TrID
    assert row(ws, LOGIN, 23, ["msnp.time"]) == ["0.010000000"]
    # One pass cannot know the reply yet, but the reply finds its request.
    assert row(ws, LOGIN, 21, ["msnp.response_to"], two_pass=False) == ["20"]


def test_unmatched_reply(ws):
    got = by_frame(ws, ERRORS, ["_ws.expert.message"], "msnp.unmatched_reply")
    assert sorted(got) == [8, 9, 10, 11, 12, 26]
    assert got[26] == ["Reply with TrID 99 but no earlier request on this connection"]
    assert ws.count(LOGIN, "msnp.unmatched_reply") == 0


def test_server_roles_and_referrals(ws):
    rows = ws.fields(LOGIN, ["tcp.stream", "msnp.server_role", "msnp.referred_by"], "msnp", two_pass=True)
    roles = {}
    for stream, role, ref in rows:
        roles.setdefault(stream, set()).add((role, ref))
    assert roles == {"0": {("DS", "")}, "1": {("NS", "9")}, "2": {("SB", "44")}, "3": {("SB", "63")}}
    # 443: the same hops on another port.
    rows = ws.fields(LOGIN_443, ["tcp.stream", "msnp.server_role", "msnp.referred_by"], "msnp", two_pass=True)
    assert {(s, r, f) for s, r, f in rows} == {("0", "DS", ""), ("1", "NS", "9"), ("2", "SB", "44"),
                                               ("3", "SB", "63")}


def test_roles_on_real_capture(ws, real_pcap):
    path = real_pcap("ndpi_msnms.pcap")
    rows = ws.fields(path, ["frame.number", "tcp.stream", "msnp.server_role", "msnp.referred_by"],
                     "msnp", two_pass=True)
    roles = {(s, r) for _, s, r, _ in rows}
    assert ("1", "NS") in roles and ("0", "SB") in roles
    by_num = {int(n): (s, r, f) for n, s, r, f in rows}
    assert by_num[23][1:] == ("SB", "22")    # ANS on the switchboard that RNG in frame 22 named


# -- reassembly --------------------------------------------------------------------

LONG_TEXT = "\u8fd9\u662f\u4e00\u6761\u5f88\u957f\u7684\u6d88\u606f\u3002" * 20 + " The end."


def test_payload_over_three_segments(ws):
    got = by_frame(ws, SEG, ["msnp.cmd", "msnp.length", "msnp.msg.text", "tcp.len"], "tcp.len > 0")
    assert got[8][0] == "" and got[9][0] == ""        # first two segments: no PDU yet
    assert got[10][:3] == ["MSG", "732", LONG_TEXT]
    assert ws.count(SEG, "msnp && tcp.reassembled_in") == 0
    frames = row(ws, SEG, 10, ["tcp.segment"])[0]
    assert frames == "8,9,10"


def test_reassembly_in_one_pass(ws):
    got = by_frame(ws, SEG, ["msnp.cmd", "msnp.length", "msnp.msg.text"], "tcp.len > 0", two_pass=False)
    assert got[10] == ["MSG", "732", LONG_TEXT]
    assert got[12][0] == "ACK" and got[13][0] == "MSG" and got[14][0] == "BYE"


def test_line_split_and_several_commands(ws):
    got = by_frame(ws, SEG, ["msnp.cmd", "msnp.trid", "msnp.response_to"], "tcp.len > 0")
    assert got[11] == ["", "", ""]                    # "AC"
    assert got[12] == ["ACK", "3", "10"]              # "K 3\r\n" completes the line
    assert got[7][0] == "CAL,JOI,MSG"
    assert got[13][0] == "MSG"                        # the BYE line continues in the next segment
    assert got[14][0] == "BYE"
    assert row(ws, SEG, 13, ["msnp.msg.text"]) == ["ok"]


def test_reassembly_off(ws):
    extra = ("-o", "msnp.reassemble:FALSE")
    got = by_frame(ws, SEG, ["msnp.cmd", "msnp.length", "_ws.col.Info", "_ws.expert.message"],
                   "tcp.len > 0", extra=extra)
    assert got[8][:2] == ["MSG", "732"]
    assert got[8][3] == "Only 27 of 732 payload bytes present"
    assert got[9][:3] == ["", "", "[payload continued]"]
    assert got[10][:3] == ["", "", "[payload continued]"]
    assert ws.count(SEG, "msnp.partial_payload", extra=extra) == 1
    assert ws.count(SEG, "msnp.no_crlf", extra=extra) == 2      # "AC" and the cut BYE line
    assert ws.count(SEG, "msnp.partial_payload") == 0


def test_bounds_preferences(ws):
    # A payload longer than the limit: flagged, not reassembled, the rest still dissected.
    extra = ("-o", "msnp.max_payload:100")
    got = by_frame(ws, SEG, ["msnp.cmd", "_ws.expert.message"], "tcp.len > 0", extra=extra)
    assert got[8][0] == "MSG"
    assert got[8][1] == "Payload length 732 exceeds the limit of 100 bytes"
    assert got[12][0] == "ACK"
    # A line longer than the limit.
    extra = ("-o", "msnp.max_line:100")
    assert by_frame(ws, LOGIN, ["msnp.line_too_long"], "msnp.line_too_long", extra=extra).keys() == {7, 19, 21, 22, 27}
    assert ws.count(ERRORS, "msnp.bad_length") == 2


# -- expert infos ------------------------------------------------------------------

def test_expert_infos_on_odd_commands(ws):
    got = by_frame(ws, ERRORS, ["msnp.trid", "msnp.friendly_name", "_ws.expert.message"])
    assert got[6][0] == "" and got[6][2] == "CAL needs a numeric TrID, got abc"
    assert got[7][2] == "Unknown command ZZZ"
    assert got[8][1] == "bad%zzname"
    assert got[9][1] == "trunc%E5%A5"
    assert got[10][1] == "lone%"
    assert "Not a valid IPv4 address and port: 999.1.1.1:99999" in got[11][2]
    assert "Not a valid IPv4 address and port: :" in got[12][2]
    assert got[13][2] == "Payload length 99999999 exceeds the limit of 1048576 bytes"
    assert got[14][2] == "Payload length is not a number"
    assert got[19][2] == "Empty line"
    assert got[24][2] == "P2P header needs 48 bytes, only 20 present"
    assert got[25][2] == "Message size 500 exceeds the 0 bytes present before the footer"
    counts = {name: ws.count(ERRORS, name + " && tcp.port != 1092") for name in (
        "msnp.bad_trid", "msnp.unknown_command", "msnp.bad_escape", "msnp.bad_address",
        "msnp.bad_length", "msnp.empty_line", "msnp.p2p_short", "msnp.p2p_bad_size",
        "msnp.error_reply", "msnp.partial_payload")}
    assert counts == {"msnp.bad_trid": 1, "msnp.unknown_command": 1, "msnp.bad_escape": 3,
                      "msnp.bad_address": 2, "msnp.bad_length": 2, "msnp.empty_line": 1,
                      "msnp.p2p_short": 1, "msnp.p2p_bad_size": 1, "msnp.error_reply": 1,
                      "msnp.partial_payload": 0}
    # Malformed-group expert infos, and no exception anywhere.
    malformed = by_frame(ws, ERRORS, [], "_ws.malformed")
    assert sorted(malformed) == [8, 9, 10, 11, 12, 13, 14, 24, 25]
    assert ws.count(ERRORS, "_ws.expert.message contains \"Exception\"") == 0


def test_garbage_commands(ws):
    got = by_frame(ws, ERRORS, ["msnp.cmd", "msnp.length", "msnp.msg.text", "_ws.expert.message"],
                   "msnp && tcp.srcport == 1092")
    assert sorted(got) == [34, 35]
    assert got[34][0].split(",")[0] == "A"
    assert got[34][3].startswith("Unknown command A,")
    assert got[35] == ["MSG", "2", "", "Empty line"]     # "ok" has no MIME blank line: no text
    assert ws.count(ERRORS, "_ws.expert.message contains \"Exception\"") == 0


def test_error_with_payload_and_adl_ok(ws):
    assert row(ws, ERRORS, 18, ["msnp.error", "msnp.length", "msnp.response_to"]) == ["241", "19", "17"]
    assert row(ws, ERRORS, 16, ["msnp.param", "msnp.length", "msnp.response_to"]) == ["OK", "", "15"]
    assert row(ws, ERRORS, 15, ["msnp.length", "msnp.response_in"]) == ["71", "16"]


def test_no_crlf_at_end_of_data(ws):
    extra = ("-o", "msnp.reassemble:FALSE")
    got = by_frame(ws, ERRORS, ["msnp.cmd", "_ws.expert.message"], "msnp.no_crlf", extra=extra)
    assert got == {27: ["OUT", "Line without CRLF at the end of the data"]}


def test_good_captures_have_no_warnings(ws):
    for pcap in (LOGIN, LOGIN_443, SEG, HTTP, ODD_PORT):
        assert ws.count(pcap, "_ws.malformed || _ws.expert.severity >= warning", two_pass=True) == 0, pcap


# -- statistics --------------------------------------------------------------------

def test_stats_tree(ws):
    out = ws.out(["-n", "-q", "-r", ws.path(LOGIN), "-z", "msnp,tree"])
    counts = {}
    for line in out.splitlines():
        parts = line.split()
        num = [i for i, p in enumerate(parts) if p.isdigit() and i > 0]
        if num and num[0] > 0:
            name = " ".join(parts[:num[0]])
            counts.setdefault(name, []).append(int(parts[num[0]]))
    assert counts["MSNP commands"] == [len(LOGIN_COMMANDS)]
    assert counts["USR"] == [7] and counts["MSG"] == [4] and counts["PNG"] == [1]
    assert counts["205 User does not exist"] == [1]
    assert counts["Error replies"] == [1]
    assert counts["Direction"] == [len(LOGIN_COMMANDS)]
    # Per command C->S/S->C children, then the Direction node's two children.
    c2s, s2c = counts["Client to server"], counts["Server to client"]
    assert sum(c2s) + sum(s2c) == 2 * len(LOGIN_COMMANDS)
    assert c2s[-1] == 22 and s2c[-1] == 32
    assert counts["USR"] == [7] and c2s[0] + s2c[0] == 7
    # Unknown three-letter commands keep their name; other garbage is grouped.
    out = ws.out(["-n", "-q", "-r", ws.path(ERRORS), "-z", "msnp,tree"])
    names = [l.split()[0] for l in out.splitlines() if l.startswith(" ") and l.split()]
    assert "ZZZ" in names and "[not" in names
    assert "A" not in names and "M" not in names


# -- finding the traffic --------------------------------------------------------------

def test_heuristic_on_443(ws):
    assert ws.count(LOGIN_443, "msnp") == len(LOGIN_COMMANDS)
    assert ws.count(LOGIN_443, "tcp.len > 0 && !msnp") == 0
    assert ws.count(LOGIN_443, "tls") == 0
    assert ws.count(LOGIN_443, "msnp", extra=("--disable-heuristic", "msnp_tcp")) == 0
    info443 = ws.column(LOGIN_443, "_ws.col.Info", "msnp.cmd == \"XFR\"")
    assert info443[0] == "S\u2192C XFR 147 NS 207.46.4.22:443 0 65.54.239.20:443"


def test_heuristic_on_nonstandard_port(ws):
    got = by_frame(ws, ODD_PORT, ["msnp.cmd", "msnp.direction", "msnp.server_role"])
    assert [v[0] for v in got.values()] == ["USR", "USR", "CAL", "CAL", "JOI", "MSG", "OUT"]
    assert [v[1] for v in got.values()] == ["1", "2", "1", "2", "2", "1", "1"]
    assert {v[2] for v in got.values()} == {"SB"}
    assert ws.count(ODD_PORT, "msnp", extra=("--disable-heuristic", "msnp_tcp")) == 0
    # Decode As still works with the heuristic off.
    assert ws.count(ODD_PORT, "msnp", extra=("--disable-heuristic", "msnp_tcp",
                                             "-d", "tcp.port==2863,msnp")) == 7


def test_port_1863_switchable(ws):
    assert ws.count(LOGIN, "msnp", extra=("-d", "tcp.port==1863,data",
                                          "--disable-heuristic", "msnp_tcp")) == 0


def test_http_gateway(ws):
    got = by_frame(ws, HTTP, ["http.request.method", "http.response.code", "msnp.cmd", "msnp.direction",
                              "msnp.response_to"])
    assert got[4] == ["POST", "", "VER", "1", ""]
    assert got[5] == ["", "200", "VER", "2", "4"]
    assert got[6] == ["POST", "", "CVR,USR", "1,1", ""]
    assert got[7] == ["", "200", "CVR,USR", "2,2", "6,6"]
    assert got[9] == ["", "200", "CHL", "2", ""]
    uri = row(ws, HTTP, 4, ["http.request.uri"])[0]
    assert uri.endswith("/gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com")
    assert row(ws, HTTP, 7, ["msnp.usr.challenge"]) == [CHALLENGE]


def test_negatives_not_claimed(ws):
    assert ws.count(NEGATIVES, "msnp") == 0
    assert ws.count(NEGATIVES, "msnp", two_pass=True) == 0
    # The capture really holds those protocols' text.
    assert ws.count(NEGATIVES, 'tcp.payload contains "MAIL FROM"') == 1
    assert ws.count(NEGATIVES, 'tcp.payload contains "a001 LOGIN"') == 1
    # "ACK 5" has MSNP's shape, the line after it does not.
    assert ws.count(NEGATIVES, 'tcp.payload contains "ACK 5\\r\\nthis is"') == 1


@pytest.mark.parametrize("name", ["ndpi_wechat.pcap", "ndpi_tencent_games.pcap"])
def test_real_negatives_not_claimed(ws, real_pcap, name):
    path = real_pcap(name)
    assert ws.count(path, "msnp") == 0
    assert ws.count(path, "frame") > 0


# -- the real capture ----------------------------------------------------------------

def test_real_msnms_capture(ws, real_pcap):
    path = real_pcap("ndpi_msnms.pcap")
    assert ws.count(path, "tcp.len > 0") == ws.count(path, "msnp")
    assert ws.count(path, "tcp.len > 0 && !msnp") == 0
    assert ws.count(path, "_ws.malformed", two_pass=True) == 0
    assert ws.count(path, "_ws.expert.severity >= warning", two_pass=True) == 0
    rows = ws.fields(path, ["tcp.len", "msnp.cmd", "msnp.line", "msnp.length"],
                     'msnp.cmd == "MSG" || msnp.cmd == "UBX"')
    n = 0
    for tcplen, cmd, line, length in rows:
        assert cmd in ("MSG", "UBX") and "," not in length, (cmd, line)
        assert int(tcplen) == len(line.encode("utf-8")) + 2 + int(length), line
        n += 1
    assert n == 245


def test_builtin_msnms_replaced(ws, real_pcap):
    path = real_pcap("ndpi_msnms.pcap")
    without = ws.count(path, "msnms", plugin=False)
    assert without == ws.count(path, "tcp.len > 0", plugin=False) > 0
    assert ws.count(path, "msnms") == 0
    assert ws.count(HTTP, "msnms") == 0


def test_msg_ack_type_and_sender_name(ws):
    got = by_frame(ws, LOGIN, ["msnp.msg.ack_type", "msnp.friendly_name", "msnp.account"],
                   dfilter="msnp.cmd == \"MSG\"")
    # Client MSG: U (typing), A (text), D (P2P); server MSG: sender and friendly name.
    assert got == {53: ["U", "", ""], 54: ["A", "", ""], 56: ["D", "", ""],
                   70: ["", "choupi", "cecile260992@hotmail.com"]}
    text = ws.out(["-n", "-2", "-r", ws.path(LOGIN), "-V", "-O", "msnp", "-Y", "frame.number == 54"])
    assert "Acknowledgement type: A (ACK or NAK)" in text


# -- other protocol generations: MSNP7 (MD5), MSNP18 (SSO, XML), MSNP21 (SDG) ---------

VERSIONS = "msnp-versions.pcap"


def test_versions_capture_commands_roles_and_no_warnings(ws):
    got = by_frame(ws, VERSIONS, ["tcp.stream", "msnp.cmd", "msnp.server_role"])
    streams = {}
    for f, (stream, cmd, role) in got.items():
        # The MSNP7 NS's "USR 4 OK account name" is no switchboard.
        assert role == ("SB" if stream == "6" else "NS"), (f, cmd)
        streams.setdefault(stream, []).append(cmd)
    assert streams == {
        "0": ["VER", "VER", "INF", "INF", "USR", "USR", "USR", "USR", "CHG", "CHG", "ILN", "NOT",
              "IPG", "ADD", "ADD", "OUT"],
        "1": ["VER", "VER", "CVR", "CVR", "USR", "USR", "USR", "USR", "GCF", "ADL", "ADL", "RML", "241",
              "UUX", "UUX", "NLN", "UBX", "GCF", "GCF", "UUN", "UUN", "UBM", "UUM", "FQY", "FQY", "OUT"],
        "2": ["VER", "VER", "USR", "USR", "PUT", "PUT", "NFY", "SDG", "SDG", "DEL", "OUT"],
        "3": ["NFY", "UBM"],
        "4": ["UBM"],
        "5": ["VER", "VER", "SYN", "SYN", "GTC", "BLP", "PRP", "LSG", "LST", "BPR", "BLP", "BLP"],
        "6": ["USR", "USR", "CAL", "CAL", "JOI", "MSG", "OUT"],
    }
    assert ws.count(VERSIONS, "_ws.malformed || _ws.expert.severity >= warning", two_pass=True) == 0
    assert ws.count(VERSIONS, "tcp.len > 0 && !msnp") == 0
    # The only expert info: the error reply (a note).
    assert by_frame(ws, VERSIONS, ["_ws.expert.message"], "msnp && _ws.expert") == \
        {38: ["Error 241: Invalid XML payload"]}


def test_md5_login_msnp7(ws):
    fields = ["msnp.version", "msnp.usr.auth", "msnp.usr.state", "msnp.usr.challenge", "msnp.usr.ticket",
              "msnp.usr.response", "msnp.account", "msnp.friendly_name", "msnp.response_to"]
    got = by_frame(ws, VERSIONS, fields, "tcp.stream == 0 && msnp")
    assert got[4][0] == "MSNP7,MSNP6,MSNP5,MSNP4" and got[5][0] == "MSNP7"
    assert row(ws, VERSIONS, 7, ["msnp.param", "msnp.response_to"]) == ["MD5", "6"]      # INF 2 MD5
    assert got[8][1:] == ["MD5", "I", "", "", "", "alice@hotmail.com", "", ""]
    assert got[9][1:] == ["MD5", "S", "1013928519.693957190", "", "", "", "", "8"]       # the salt
    assert got[10][1:] == ["MD5", "S", "", "", "9ae4d8a6ac0e1c23f5d2a53fb6f5c3b1", "", "", ""]
    assert got[11][1:] == ["", "OK", "", "", "", "alice@hotmail.com", "Alice Smith", "10"]
    # The salt has no key=value items.
    assert row(ws, VERSIONS, 9, ["msnp.usr.challenge.key"]) == [""]
    # ILN with a URL-encoded name (U+2605), ADD of MSNP2-9 with the name after the account.
    assert row(ws, VERSIONS, 14, ["msnp.status", "msnp.account", "msnp.friendly_name", "msnp.response_to"]) == \
        ["LUN", "bob@hotmail.com", "Bob \u2605", "12"]
    assert row(ws, VERSIONS, 17, ["msnp.friendly_name", "msnp.account"]) == \
        ["carol@hotmail.com", "carol@hotmail.com,carol@hotmail.com"]
    assert row(ws, VERSIONS, 18, ["msnp.friendly_name", "msnp.response_to"]) == ["carol@hotmail.com", "17"]


def test_not_and_ipg_payloads(ws):
    fields = ["msnp.trid", "msnp.param", "msnp.length", "frame.protocols", "_ws.col.Info"]
    assert row(ws, VERSIONS, 15, fields) == ["", "", "256", "eth:ethertype:ip:tcp:msnp:xml", "S\u2192C NOT 256"]
    assert row(ws, VERSIONS, 16, fields) == ["", "", "350", "eth:ethertype:ip:tcp:msnp:xml", "S\u2192C IPG 350"]
    assert ws.count(VERSIONS, 'xml.tag == "<TEXT>"') == 2
    assert ws.count(VERSIONS, 'xml.cdata == "call me"') == 1


def test_sso_login_msnp18(ws):
    fields = ["msnp.usr.auth", "msnp.usr.state", "msnp.usr.policy", "msnp.usr.challenge", "msnp.usr.ticket",
              "msnp.usr.response", "msnp.account"]
    got = by_frame(ws, VERSIONS, fields, "tcp.stream == 1 && msnp.cmd == \"USR\"")
    assert got[30] == ["SSO", "I", "", "", "", "", "alice@live.com"]
    assert got[31] == ["SSO", "S", "MBI_KEY_OLD", "8CLhG/xfgYZ7TRDCEbpHeg==", "", "", ""]
    assert got[32][:3] == ["SSO", "S", ""] and got[32][3] == ""
    assert got[32][4] == "t=EwDoAW+jAAAUVwo8hY/Rg6HvEdmXr19KcNgO+7mAAAHY3N6p3hDyqG8d7IFkSUB3P0h5XsOWtiw=&p="
    assert got[32][5].startswith("HAAAAAEAAAADZgAABIAAAAgAAAAU") and got[32][5].endswith("clg==")
    assert got[33] == ["", "OK", "", "", "", "", "alice@live.com"]
    # The nonce ends in "=": no key=value subtree for it.
    assert row(ws, VERSIONS, 31, ["msnp.usr.challenge.key"]) == [""]
    assert row(ws, VERSIONS, 28, ["msnp.cvr.locale", "msnp.cvr.client_version"]) == ["0x0409", "14.0.8117.0416"]
    out = ws.out(["-n", "-r", ws.path(VERSIONS), "-V", "-O", "msnp", "-Y", "frame.number == 28"])
    assert "Locale id: English (United States) (0x0409)" in out


def test_msnp18_payload_length_positions(ws):
    fields = ["msnp.cmd", "msnp.trid", "msnp.param", "msnp.length", "msnp.response_to", "msnp.error",
              "frame.protocols"]
    got = by_frame(ws, VERSIONS, fields, "tcp.stream == 1 && frame.number >= 34 && msnp")
    xml, plain = "eth:ethertype:ip:tcp:msnp:xml", "eth:ethertype:ip:tcp:msnp"
    assert got == {
        34: ["GCF", "0", "", "146", "", "", xml],                    # server-pushed, TrID 0
        35: ["ADL", "5", "", "62", "", "", xml],
        36: ["ADL", "5", "OK", "", "35", "", plain],                 # ADL trid OK: no payload
        37: ["RML", "6", "", "58", "", "", xml],
        38: ["241", "6", "", "58", "37", "241", xml],                # error reply with a payload
        39: ["UUX", "7", "", "120", "", "", xml],
        40: ["UUX", "7", "", "0", "39", "", plain],                  # UUX trid 0: an empty payload
        41: ["NLN", "", "NLN,1:bob@hotmail.com,Bob,2789003324:48,0", "", "", "", plain],
        42: ["UBX", "", "1:bob@hotmail.com", "60", "", "", xml],     # MSNP18 network prefix
        43: ["GCF", "8", "Shields.xml", "", "", "", plain],          # request: a file name, no payload
        44: ["GCF", "8", "Shields.xml", "146", "43", "", xml],
        45: ["UUN", "9", "alice@live.com,4", "14", "", "", plain],
        46: ["UUN", "9", "OK", "", "45", "", plain],                 # UUN trid OK
        47: ["UBM", "", "bob@yahoo.com,32,1", "75", "", "", plain],
        48: ["UUM", "10", "bob@yahoo.com,32,1", "69", "", "", plain],
        49: ["FQY", "11", "", "42", "", "", xml],
        50: ["FQY", "11", "", "49", "49", "", xml],
        51: ["OUT", "", "", "", "", "", plain],
    }
    # The account of "1:bob@hotmail.com" is the e-mail part.
    assert row(ws, VERSIONS, 42, ["msnp.account"]) == ["bob@hotmail.com"]
    assert row(ws, VERSIONS, 41, ["msnp.account", "msnp.friendly_name", "msnp.status"]) == \
        ["bob@hotmail.com", "Bob", "NLN"]
    assert ws.count(VERSIONS, 'msnp.account == "1:bob@hotmail.com"') == 0
    assert row(ws, VERSIONS, 47, ["msnp.msg.content_type", "msnp.msg.text"]) == ["text/plain", "hi from yahoo"]
    assert row(ws, VERSIONS, 48, ["msnp.msg.content_type", "msnp.msg.text"]) == ["text/plain", "hi back"]
    assert ws.count(VERSIONS, 'xml.tag == "<PSM>"') == 2


def test_msnp21_header_blocks(ws):
    fields = ["msnp.cmd", "msnp.trid", "msnp.param", "msnp.length", "msnp.account", "msnp.msg.content_type",
              "msnp.msg.text", "msnp.response_to"]
    got = by_frame(ws, VERSIONS, fields, "tcp.stream == 2 && frame.number >= 62 && msnp")
    assert got == {
        62: ["PUT", "3", "", "261", "alice@live.com,alice@live.com", "application/user+xml", "", ""],
        63: ["PUT", "3", "OK", "0", "", "", "", "62"],
        64: ["NFY", "", "PUT", "249", "alice@live.com,bob@hotmail.com", "application/user+xml", "", ""],
        65: ["SDG", "4", "", "267", "bob@hotmail.com,alice@live.com", "text/plain", "hello bob", ""],
        66: ["SDG", "0", "", "238", "alice@live.com,bob@hotmail.com", "text/plain", "\u4f60\u597d alice", ""],
        67: ["DEL", "5", "", "241", "alice@live.com,alice@live.com", "application/user+xml", "", ""],
        68: ["OUT", "", "", "", "", "", "", ""],
    }
    headers = row(ws, VERSIONS, 65, ["msnp.msg.header"])[0].split(",")
    assert headers == ["Routing: 1.0", "To: 1:bob@hotmail.com",
                       "From: 1:alice@live.com;epid={f52973b6-c926-4bad-9ba8-7c1e840e4ab0}",
                       "Reliability: 1.0", "Messaging: 2.0", "Message-Type: Text",
                       "Content-Transfer-Encoding: 7bit", "Content-Type: text/plain; charset=UTF-8",
                       "Content-Length: 9"]
    # The presence document of PUT/NFY/DEL goes to the XML dissector.
    assert ws.count(VERSIONS, 'tcp.stream == 2 && xml.tag == "<Status>"') == 2
    out = ws.out(["-n", "-r", ws.path(VERSIONS), "-V", "-O", "msnp", "-Y", "frame.number == 65"])
    assert "C\u2192S SDG (Send data to a contact (MSNP18+))" in out
    # Found by the heuristic on TCP 443.
    assert ws.count(VERSIONS, "tcp.stream == 2 && msnp") == 11
    assert ws.count(VERSIONS, "tcp.stream == 2 && msnp", extra=("--disable-heuristic", "msnp_tcp")) == 0


def test_every_field_has_a_blurb(ws):
    blurbs = {}
    for line in ws.out(["-G", "fields"]).splitlines():
        parts = line.split("\t")
        if parts[0] == "F" and parts[2].startswith("msnp.") and parts[3] != "FT_NONE":   # not expert infos
            blurbs[parts[2]] = parts[7] if len(parts) > 7 else ""
    assert len(blurbs) == 137
    missing = [name for name, blurb in blurbs.items() if not blurb.endswith(".")]
    assert missing == []
    assert "MD5 (password hash with a salt, MSNP2-7)" in blurbs["msnp.usr.auth"]
    assert "TWN (Tweener: a Passport ticket, MSNP8-14)" in blurbs["msnp.usr.auth"]
    assert "SSO (single sign-on with a security token, MSNP15+)" in blurbs["msnp.usr.auth"]


def test_absurd_line_limit_is_clamped(ws):
    extra = ("-o", "msnp.max_line:4294967295")
    assert ws.count(LOGIN, "msnp", extra=extra) == len(LOGIN_COMMANDS)
    assert ws.count(LOGIN, "msnp.line_too_long", extra=extra) == 0
    extra = ("-o", "msnp.max_line:2147483647")
    assert ws.count(SEG, "msnp.cmd", extra=extra, two_pass=True) == ws.count(SEG, "msnp.cmd", two_pass=True)


def test_heuristic_mid_stream_nfy_and_ubm(ws):
    """Connections on 443 caught without their start: server-pushed NFY and UBM are recognised."""
    got = by_frame(ws, VERSIONS, ["tcp.stream", "msnp.direction", "msnp.cmd", "msnp.length", "msnp.msg.text",
                                  "_ws.col.Info"], "tcp.stream >= 3 && tcp.stream <= 4")
    assert got == {
        72: ["3", "2", "NFY", "252", "", "S\u2192C NFY PUT 252"],
        73: ["3", "2", "UBM", "74", "still there?", "S\u2192C UBM bob@yahoo.com 32 1 74"],
        74: ["4", "2", "UBM", "68", "hello?", "S\u2192C UBM bob@yahoo.com 32 1 68"],
    }
    assert ws.count(VERSIONS, "tcp.stream >= 3 && tcp.stream <= 4 && msnp", extra=("--disable-heuristic", "msnp_tcp")) == 0


def test_msnp8_contact_list_without_trids(ws):
    """After SYN, MSNP8-12 servers send GTC, BLP, PRP, LSG, LST and BPR without a TrID:
    no TrID field and no bad-TrID warning."""
    got = by_frame(ws, VERSIONS, ["msnp.cmd", "msnp.trid", "msnp.param", "msnp.account", "msnp.friendly_name",
                                  "msnp.response_to", "_ws.expert.message"], "tcp.stream == 5 && msnp")
    assert got == {
        78: ["VER", "1", "MSNP8,CVR0", "", "", "", ""],
        79: ["VER", "1", "MSNP8", "", "", "78", ""],
        80: ["SYN", "2", "0", "", "", "", ""],
        81: ["SYN", "2", "12,1,1", "", "", "80", ""],
        82: ["GTC", "", "A", "", "", "", ""],
        83: ["BLP", "", "AL", "", "", "", ""],
        84: ["PRP", "", "PHH,555%20123", "", "", "", ""],
        85: ["LSG", "", "0,Other%20Contacts,0", "", "", "", ""],
        86: ["LST", "", "bob@hotmail.com,Bob%20%E2%98%85,11,0", "bob@hotmail.com", "Bob \u2605", "", ""],
        87: ["BPR", "", "PHH,555%20456", "", "", "", ""],
        88: ["BLP", "3", "BL", "", "", "", ""],
        89: ["BLP", "3", "13,BL", "", "", "88", ""],
    }


def test_port_preference_and_media_type(ws):
    # dissector_add_uint_with_preference: the port is a preference (msnp.tcp.port).
    assert ws.count(ODD_PORT, "msnp", extra=("--disable-heuristic", "msnp_tcp", "-o", "msnp.tcp.port:2863")) == 7
    # The HTTP gateway's bodies reach msnp through the media type, not msnms.
    rows = ws.fields(HTTP, ["frame.protocols", "http.content_type"], "msnp")
    assert rows == [["eth:ethertype:ip:tcp:http:msnp", "application/x-msn-messenger"]] * 5


def test_payload_bytes_exact(ws):
    # msnp.payload covers exactly the msnp.length bytes after the CRLF.
    assert row(ws, LOGIN, 39, ["msnp.length", "msnp.payload"]) == \
        ["32", b"d1c1d3a4e1d1d7f0fb3e6d8e3fc5a1a3".hex()]
    assert row(ws, VERSIONS, 45, ["msnp.length", "msnp.payload"]) == ["14", b"goawyplzthxbye".hex()]


def test_msnp18_switchboard_end_points(ws):
    """MSNP18 accounts with an end point ("account;{guid}"): the account is the address alone."""
    got = by_frame(ws, VERSIONS, ["msnp.cmd", "msnp.account", "msnp.friendly_name", "msnp.xfr.cookie",
                                  "msnp.usr.auth", "msnp.usr.state", "msnp.response_to"], "tcp.stream == 6 && msnp")
    assert got == {
        96: ["USR", "alice@live.com", "", "246503.1115372323.20879", "", "", ""],
        97: ["USR", "alice@live.com", "Alice", "", "", "OK", "96"],
        98: ["CAL", "bob@hotmail.com", "", "", "", "", ""],
        99: ["CAL", "", "", "", "", "", "98"],
        100: ["JOI", "bob@hotmail.com", "Bob", "", "", "", ""],
        101: ["MSG", "", "", "", "", "", ""],
        102: ["OUT", "", "", "", "", "", ""],
    }
    assert row(ws, VERSIONS, 101, ["msnp.msg.text", "msnp.msg.ack_type"]) == ["hi bob", "N"]
    assert ws.count(VERSIONS, 'msnp.account contains ";"') == 0
