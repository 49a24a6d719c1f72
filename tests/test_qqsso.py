# SPDX-License-Identifier: GPL-2.0-or-later
"""QQ SSO (MSF): framing (hello, several PDUs per segment, one PDU over
several segments), the outer layouts chosen by structure, zero-key and
D2-key decryption (key log and learned from wtlogin), heads, links between
requests and responses, pushes, messages, -z qqsso,chat and -z qqsso,tree,
hostile input, and no claims on foreign traffic."""

import glob
import os
import shutil
import sys

import pytest

from conftest import SAMPLES

sys.path.insert(0, SAMPLES)
import qq_sso_scenarios as sc  # noqa: E402

LOGIN = "qqsso-login.pcap"
D2 = "qqsso-d2.pcap"
HOSTILE = "qqsso-hostile.pcap"
LOGIN_KEYS = os.path.join(SAMPLES, "qqsso-login.keys")
D2_KEYS = os.path.join(SAMPLES, "qqsso-d2.keys")

# qqsso.key_source values (qq_key_origin_t).
SRC_KEYLOG, SRC_LEARNED, SRC_ZERO = "1", "4", "5"
# qqsso.layout values.
LAYOUT_TOKEN, LAYOUT_SEQ, LAYOUT_REPLY = "1", "2", "3"


def keylog(ws, path):
    return ["-o", "qq.keylog_file:" + ws.path(path)]


def by_frame(ws, pcap, fields, extra=(), dfilter="qqsso"):
    return {int(r[0]): r[1:] for r in ws.fields(pcap, ["frame.number"] + fields, dfilter=dfilter, two_pass=True,
                                                 extra=extra)}


# -- framing -------------------------------------------------------------------

def test_hello_and_its_answer_are_named(ws):
    got = by_frame(ws, LOGIN, ["qqsso.length", "qqsso.hello", "qqsso.hello_extra", "_ws.col.Info"],
                   dfilter="qqsso.hello")
    assert sorted(got) == [4, 5]
    assert got[4][:3] == ["21", sc.HELLO[4:].hex(), ""] and got[4][3] == "MSF hello"
    assert got[5][:3] == ["25", sc.HELLO[4:].hex(), "00000001"] and got[5][3] == "MSF hello answer"


def test_several_pdus_per_segment_and_one_over_three_segments(ws):
    got = by_frame(ws, D2, ["qqsso.outer_seq", "qqsso.cmd", "qqsso.length"], extra=keylog(ws, D2_KEYS))
    # Frame 8: three 0x0B requests in one segment.
    assert got[8][0] == "2002,2003,2004"
    assert got[8][1] == "OidbSvc.0x480_0,OidbSvc.0x481_1,OidbSvc.0x482_2"
    # Frames 9-11: one zlib reply in three segments, reassembled in 11.
    assert 9 not in got and 10 not in got
    assert got[11][1] == "OidbSvc.0x480_0"
    assert ws.count(D2, "tcp.reassembled_in == 11", two_pass=True) == 2
    # Frame 12: the two other replies in one segment.
    assert got[12][1] == "OidbSvc.0x481_1,OidbSvc.0x482_2"


# -- outer header ----------------------------------------------------------------

def test_android_request_with_64_byte_token(ws):
    got = by_frame(ws, D2, ["qqsso.type", "qqsso.encryption", "qqsso.layout", "qqsso.token_len", "qqsso.token",
                            "qqsso.uin", "qqsso.uin_text"], dfilter="frame.number == 6")
    assert got[6] == ["0x0000000a", "1", LAYOUT_TOKEN, "68", sc.D2_TOKEN.hex(), str(sc.UIN), str(sc.UIN)]


def test_layouts_are_chosen_by_structure(ws):
    got = by_frame(ws, D2, ["qqsso.type", "qqsso.layout", "qqsso.outer_seq", "qqsso.token_len"])
    assert got[7][:2] == ["0x0000000a", LAYOUT_REPLY] and got[7][2:] == ["", ""]
    assert got[13][:3] == ["0x0000000b", LAYOUT_SEQ, "2005"]
    assert got[14][:3] == ["0x0000000b", LAYOUT_REPLY, ""]
    # PC QQ 2022: type 0x0D in the reply shape.
    assert got[26][:2] == ["0x0000000d", LAYOUT_REPLY]


def test_login_class_heads_android_and_qqnt(ws):
    got = by_frame(ws, D2, ["qqsso.type", "qqsso.seq", "qqsso.appid", "qqsso.sub_appid", "qqsso.device_id",
                            "qqsso.client_info", "qqsso.reserve", "qqsso.cmd", "qqsso.response_in"],
                   extra=keylog(ws, D2_KEYS), dfilter="frame.number == 6 || frame.number == 63")
    assert got[6] == ["0x0000000a", "2001", str(sc.APP_ID), str(sc.APP_ID), sc.IMEI.hex(), b"ksid".hex(), "",
                      "StatSvc.register", "7"]
    nt_cmd = "trpc.qq_new_tech.status_svc.StatusService.Register"
    assert got[63][:4] == ["0x0000000c", "4001", "537234773", "2052"]
    assert got[63][5:] == [b"3.2.15".hex(), sc.pb_msg(15, b"trace").hex(), nt_cmd, "64"]
    reply = by_frame(ws, D2, ["qqsso.layout", "qqsso.response_to", "qqsso.reserve_len", "qqsso.reserve"],
                     extra=keylog(ws, D2_KEYS), dfilter="frame.number == 64")
    assert reply[64] == [LAYOUT_REPLY, "63", "2", "0801"]


def test_heuristic_on_another_port_and_return_code(ws):
    got = by_frame(ws, D2, ["tcp.dstport", "qqsso.cmd", "qqsso.retcode", "qqsso.response_to", "_ws.expert.message"],
                   extra=keylog(ws, D2_KEYS), dfilter="tcp.port == 36000 && qqsso")
    assert sorted(got) == [71, 72]
    assert got[71][:3] == ["36000", "OidbSvc.0x5eb_22", ""]
    assert got[72][1:4] == ["OidbSvc.0x5eb_22", "-10008", "71"]
    assert "Return code -10008 (session expired or forced offline)" in got[72][4]
    # The same without the heuristic: nothing there is SSO.
    off = ["--disable-heuristic", "qqsso_tcp"]
    assert ws.count(D2, "tcp.port == 36000 && qqsso", two_pass=True, extra=off) == 0


def test_uin_filter_is_numeric(ws):
    assert ws.count(D2, "qqsso.uin == 486732996", two_pass=True) == 21
    assert ws.count(D2, "qqsso.uin == 10001", two_pass=True) == 1
    assert ws.count(D2, "qqsso.uin > 486732996", two_pass=True) == 0


def test_sso_in_clear_on_443_and_80_and_tls_stays_tls(ws):
    got = by_frame(ws, D2, ["tcp.dstport", "tcp.srcport", "qqsso.cmd", "qqsso.response_in", "qqsso.response_to"],
                   extra=keylog(ws, D2_KEYS), dfilter="tcp.port == 443 || tcp.port == 80")
    assert got[40] == ["443", "40073", "StatSvc.register", "41", ""]
    assert got[41] == ["40073", "443", "StatSvc.register", "", "40"]
    assert got[48] == ["80", "40110", "StatSvc.register", "49", ""]
    assert got[49] == ["40110", "80", "StatSvc.register", "", "48"]
    assert ws.count(D2, "tls.handshake.type == 1 && !qqsso", two_pass=True) == 1
    assert ws.count(D2, "(tcp.port == 443 || tcp.port == 80) && qqsso", two_pass=True) == 4


# -- decryption ------------------------------------------------------------------

def test_zero_key_opens_login_without_a_secret(ws):
    got = by_frame(ws, LOGIN, ["qqsso.encryption", "qqsso.key_source", "qqsso.cmd", "qqsso.seq", "qqsso.appid",
                               "qqsso.retcode", "qqsso.compression", "qqsso.wtlogin.command",
                               "qqsso.wtlogin.uin", "qqsso.wtlogin.method", "qqsso.wtlogin.random_key"],
                   dfilter="frame.number == 6 || frame.number == 7")
    assert got[6] == ["2", SRC_ZERO, "wtlogin.login", "1001", str(sc.APP_ID), "", "", "0x0810", str(sc.UIN),
                      "0x87", sc.RANDOM_KEY.hex()]
    assert got[7] == ["2", SRC_ZERO, "wtlogin.login", "1001", "", "0", "0", "0x0810", str(sc.UIN), "0x00", ""]
    # Without the wtlogin keys its TLVs stay closed, and so does the D2 session.
    assert ws.count(LOGIN, "qqsso.wtlogin.tlv", two_pass=True) == 0
    assert ws.count(LOGIN, "qqsso.wtlogin.no_key", two_pass=True) == 2
    assert ws.count(LOGIN, "qqsso.encryption == 1 && qqsso.decrypted", two_pass=True) == 0
    assert ws.count(LOGIN, "qqsso.no_key", two_pass=True) == 5


def test_wtlogin_key_log_teaches_the_d2_key(ws):
    extra = keylog(ws, LOGIN_KEYS)
    got = by_frame(ws, LOGIN, ["qqsso.wtlogin.d2", "qqsso.wtlogin.d2_key", "qqsso.wtlogin.key_source"],
                   extra=extra, dfilter="frame.number == 7")
    assert got[7] == [sc.D2_TOKEN.hex(), sc.D2_KEY.hex(), "1"]
    got = by_frame(ws, LOGIN, ["qqsso.wtlogin.tlv", "qqsso.wtlogin.sub_cmd", "qqsso.wtlogin.tlv_count",
                               "qqsso.wtlogin.status"], extra=extra, dfilter="frame.number == 6 || frame.number == 7")
    assert got[6] == ["0x0018,0x0106", "9", "2", ""]
    assert got[7] == ["0x0119,0x0143,0x0305,0x011a", "9", "1,3", "0"]
    got = by_frame(ws, LOGIN, ["qqsso.key_source", "qqsso.key_frame", "qqsso.cmd"], extra=extra,
                   dfilter="qqsso.encryption == 1")
    assert sorted(got) == [14, 15, 16, 17, 18]
    assert all(v[:2] == [SRC_LEARNED, "7"] for v in got.values())
    assert [got[f][2] for f in sorted(got)] == ["StatSvc.register", "StatSvc.register", "MessageSvc.PbSendMsg",
                                                 "MessageSvc.PbSendMsg", "OnlinePush.PbPushGroupMsg"]


def test_keys_export_has_the_learned_d2_key(ws):
    out = ws.out(["-n", "-q", "-r", ws.path(LOGIN), "-z", "qq,keys"] + keylog(ws, LOGIN_KEYS))
    lines = [line for line in out.splitlines() if line and not line.startswith("#")]
    assert "QQ_D2_KEY %d %s" % (sc.UIN, sc.D2_KEY.hex()) in lines
    assert "QQ_WTLOGIN_KEY %d %s" % (sc.UIN, sc.SHARE_KEY.hex()) in lines


def test_d2_key_from_the_key_log(ws):
    got = by_frame(ws, D2, ["qqsso.key_source", "qqsso.cmd"], extra=keylog(ws, D2_KEYS),
                   dfilter="qqsso.encryption == 1 && qqsso.uin == 486732996")
    assert sorted(got) == [6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 26, 40, 41, 48, 49, 63, 64, 71, 72]
    assert all(v[0].split(",")[0] == SRC_KEYLOG and v[1] for v in got.values())


def test_wrong_key_gives_no_plaintext(ws):
    got = by_frame(ws, D2, ["qqsso.decrypted", "qqsso.cmd", "_ws.expert.message"], extra=keylog(ws, D2_KEYS),
                   dfilter="qqsso.uin == 10001")
    assert list(got) == [33]
    assert got[33][:2] == ["", ""]
    assert "None of the 1 key opened this payload (wrong key?)" in got[33][2]
    # Without any key log nothing of encryption 1 opens.
    assert ws.count(D2, "qqsso.encryption == 1 && qqsso.decrypted", two_pass=True) == 0


def test_decryption_off(ws):
    extra = ["-o", "qq.decrypt:FALSE"] + keylog(ws, D2_KEYS)
    assert ws.count(D2, "qqsso.decrypted", two_pass=True, extra=extra) == 0
    assert ws.count(D2, "qqsso.no_key", two_pass=True, extra=extra) == 20
    assert ws.count(D2, "qqsso.cmd", two_pass=True, extra=extra) == 2     # the heartbeat, in clear


def test_zlib_body_is_inflated(ws):
    got = by_frame(ws, D2, ["qqsso.compression", "qqsso.uncompressed_len"], extra=keylog(ws, D2_KEYS),
                   dfilter="qqsso.compression == 1")
    pb_len = len(sc.pb_msg(1, ("friend list " * 40).encode()))
    assert got == {11: ["1", str(pb_len)]}


# -- requests, responses, pushes -------------------------------------------------

def test_requests_and_responses_are_linked(ws):
    got = by_frame(ws, LOGIN, ["qqsso.response_in", "qqsso.response_to", "qqsso.time", "qqsso.push"],
                   extra=keylog(ws, LOGIN_KEYS))
    assert got[6][0] == "7" and got[7][1] == "6" and float(got[7][2]) == pytest.approx(0.01)
    assert got[14][0] == "15" and got[15][1] == "14"
    assert got[16][0] == "17" and got[17][1] == "16"
    assert got[19][0] == "20" and got[20][1] == "19"
    # The group message is pushed: no request, marked.
    assert got[18][:2] == ["", ""] and got[18][3] == "1"
    assert ws.count(LOGIN, "qqsso.push", two_pass=True, extra=keylog(ws, LOGIN_KEYS)) == 1


# -- messages --------------------------------------------------------------------

def test_message_text_sender_and_group(ws):
    got = by_frame(ws, LOGIN, ["qqsso.msg.text", "qqsso.msg.to", "qqsso.msg.from", "qqsso.msg.group"],
                   extra=keylog(ws, LOGIN_KEYS), dfilter="qqsso.msg.text")
    assert got == {16: [sc.TEXT_OUT, str(sc.PEER), "", ""],
                   18: [sc.TEXT_GROUP, "", str(sc.PEER), str(sc.GROUP)]}


def test_chat_transcript(ws):
    out = ws.out(["-n", "-q", "-2", "-r", ws.path(LOGIN), "-z", "qqsso,chat"] + keylog(ws, LOGIN_KEYS))
    assert "QQ SSO messages (decrypted): 2" in out
    lines = [line.split() for line in out.splitlines() if line.strip().startswith(("16 ", "18 "))]
    assert lines[0][:5] == ["16", "sent", str(sc.UIN), str(sc.PEER), "0"]
    assert lines[1][:5] == ["18", "received", str(sc.UIN), str(sc.PEER), str(sc.GROUP)]
    assert sc.TEXT_OUT in out and sc.TEXT_GROUP in out


def test_tree_statistics(ws):
    out = ws.out(["-n", "-q", "-r", ws.path(LOGIN), "-z", "qqsso,tree"] + keylog(ws, LOGIN_KEYS))
    counts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    assert counts["0x0a"] == 2 and counts["0x0b"] == 7
    assert counts["wtlogin.login"] == 2 and counts["MessageSvc.PbSendMsg"] == 2
    assert counts["OnlinePush.PbPushGroupMsg"] == 1 and counts["Heartbeat.Alive"] == 2


def test_protobuf_schema_names_the_fields(ws):
    folder = os.path.join(ws.workdir, "protobuf")
    shutil.copytree(os.path.join(os.path.dirname(SAMPLES), "protobuf"), folder, dirs_exist_ok=True)
    for dirpath, _, files in os.walk(folder):
        os.chmod(dirpath, 0o755)
        for f in files:
            os.chmod(os.path.join(dirpath, f), 0o644)
    conf = os.path.join(ws.home, ".config", "wireshark")
    os.makedirs(conf, exist_ok=True)
    os.chmod(os.path.join(ws.home, ".config"), 0o777)
    os.chmod(conf, 0o777)
    uat = os.path.join(conf, "protobuf_search_paths")
    with open(uat, "w") as f:
        f.write('"%s","TRUE"\n' % folder)
    os.chmod(uat, 0o644)
    args = ["-n", "-2", "-V", "-r", ws.path(LOGIN), "-Y", "frame.number == 16 || frame.number == 18",
            "-O", "qqsso"] + keylog(ws, LOGIN_KEYS)
    try:
        named = ws.out(args)
    finally:
        os.remove(uat)
    unnamed = ws.out(args)
    assert "Message: qqsso.PbSendMsgReq" in named and "Message: qqsso.PushMessagePacket" in named
    assert "str = %s (string)" % sc.TEXT_OUT in named and "to_uin = %d (int64)" % sc.PEER in named
    assert "group_code = %d (int64)" % sc.GROUP in named
    # Without the schema the same bodies show as raw fields.
    assert "qqsso.PbSendMsgReq" not in unnamed.replace("Protocol Buffers: qqsso.PbSendMsgReq", "")
    assert unnamed.count("Field(1)") >= 2


# -- hostile input ---------------------------------------------------------------

HOSTILE_EXPERTS = {
    11: "Length 5 is out of bounds",
    18: "Length 2130706432 is out of bounds",
    25: "No outer layout fits",
    32: "No outer layout fits",
    39: "Head length 9999 does not fit",
    46: "Body length 5000 does not fit",
    53: "No request or response head layout fits",
    60: "zlib body could not be inflated",
    67: "TLV 0x0106 of 500 bytes runs past the end",
    75: "Unknown SSO type",
    79: "No SSO PDU starts here (type word 0x38363733, encryption byte 50): 68 bytes skipped",
    88: "Unknown encryption type 3: the payload is shown as it is",
}


def test_hostile_pdus_end_in_expert_infos(ws):
    got = by_frame(ws, HOSTILE, ["_ws.expert.message", "qqsso.type"])
    for frame, message in HOSTILE_EXPERTS.items():
        assert message in got[frame][0], (frame, got[frame])
    # The unknown type on a connection known to be SSO is shown, not rejected.
    assert got[75][1] == "0x0000002a"
    # The session-ticket method (0x45) opens with the random key it carries.
    assert ws.fields(HOSTILE, ["qqsso.wtlogin.method", "qqsso.wtlogin.key_source", "qqsso.wtlogin.tlv"],
                     "frame.number == 67", two_pass=True) == [["0x45", "2", ""]]
    # Caught mid-stream: the tail of a PDU is skipped, the next PDU read.
    assert ws.fields(HOSTILE, ["qqsso.cmd", "qqsso.outer_seq"], "frame.number == 80", two_pass=True) == \
        [["StatSvc.register", "7"]]
    assert ws.count(HOSTILE, "_ws.malformed && !qqsso", two_pass=True) == 0


def test_hostile_without_desegmentation(ws):
    # Each segment on its own: still no crash, the same PDUs flagged.
    extra = ["-o", "tcp.desegment_tcp_streams:FALSE"]
    assert ws.count(HOSTILE, "qqsso.bad_length", extra=extra) >= 2


# -- no false claims ---------------------------------------------------------------

OTHER_SAMPLES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(SAMPLES, "*.pcap"))
                       if not os.path.basename(p).startswith("qqsso-"))


@pytest.mark.parametrize("pcap", OTHER_SAMPLES)
def test_no_claims_on_other_samples(ws, pcap):
    assert ws.count(pcap, "qqsso", two_pass=True) == 0


@pytest.mark.parametrize("name", ["ndpi_wechat.pcap", "ndpi_tencent_games.pcap", "chichi_qq_tcp443_2019.pcapng",
                                  "ndpi_msnms.pcap", "ndpi_oicq.pcap"])
def test_no_claims_on_real_captures(ws, real_pcap, name):
    path = real_pcap(name)
    assert ws.count(path, "qqsso", two_pass=True) == 0
    # TLS stays TLS where there is any.
    if name in ("ndpi_wechat.pcap", "chichi_qq_tcp443_2019.pcapng"):
        assert ws.count(path, "tls") > 0


def test_real_pc_qq_2022_heartbeat_on_8080(ws, real_pcap):
    # The 2022 lab capture holds one real SSO exchange besides its UDP QQ:
    # PC QQ's Heartbeat.Alive on TCP 8080, type 0x0D, in clear, the request
    # with the outer sequence, the reply with it in its head. Nothing else.
    path = real_pcap("xepwang_qq_2022.pcapng")
    got = by_frame(ws, path, ["qqsso.type", "qqsso.encryption", "qqsso.layout", "qqsso.outer_seq", "qqsso.seq",
                              "qqsso.cmd", "qqsso.retcode", "qqsso.uin", "qqsso.response_in", "qqsso.response_to"])
    assert got == {
        762: ["0x0000000d", "0", LAYOUT_SEQ, "5661159", "", "Heartbeat.Alive", "", "0", "763", ""],
        763: ["0x0000000d", "0", LAYOUT_REPLY, "", "5661159", "Heartbeat.Alive", "0", "0", "", "762"],
    }
    # The reply head ends in a 4-byte reserve field (Lagrange's layout).
    got = by_frame(ws, path, ["qqsso.session_id", "qqsso.compression", "qqsso.reserve_len", "qqsso.reserve"],
                   dfilter="frame.number == 763")
    assert got[763] == ["1974f1e9", "0", "4", "63593367"]
    # Its UDP QQ stays QQ.
    assert ws.count(path, "qq") == 101
