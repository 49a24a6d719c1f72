# SPDX-License-Identifier: GPL-2.0-or-later
"""The PC QQ 2012+ login key chain (doc/qq.md): 0x0825 under its clear key,
0x0836 under a known ECDH key pair's share key, TLV 0x0006 under the
password key giving the TGTGT key, the 0x0836 reply's inner layer giving
the keys of 0x0828, TLV 0x010C the session key; login TLVs field by field;
tshark -z qq,keys and its output as the only key log."""

import os
import sys

import pytest

from conftest import SAMPLES

sys.path.insert(0, SAMPLES)
import qq_pcqq_login_scenarios as sc  # noqa: E402

LOGIN = "qq-pcqq-login.pcap"
KEYS = os.path.join(SAMPLES, "qq-pcqq-login.keys")
PASSWORD = ["-o", "qq.password:" + sc.PASSWORD]

# qq.key_source and qq.key_type values.
SRC_PACKET, SRC_REQUEST, SRC_LEARNED, SRC_KEYLOG, SRC_KNOWN_PAIR = "1", "2", "4", "5", "7"
TYPE_CLEAR, TYPE_SESSION, TYPE_SHARE, TYPE_LOGIN = "0", "1", "3", "5"

A_FRAMES = list(range(1, 19))
B_FRAMES = [19, 20, 21, 22]


def keylog(ws, path=KEYS):
    return ["-o", "qq.keylog_file:" + ws.path(path)]


def by_frame(ws, fields, extra=(), two_pass=True, dfilter="qq"):
    rows = ws.fields(LOGIN, ["frame.number"] + fields, dfilter=dfilter, two_pass=two_pass, extra=extra)
    return {int(r[0]): r[1:] for r in rows}


def decrypted_frames(ws, extra=(), two_pass=True):
    return sorted(int(r[0]) for r in ws.fields(LOGIN, ["frame.number"], dfilter="qq.decrypted", two_pass=two_pass,
                                               extra=extra))


def test_without_a_secret_the_touches_and_the_0836_exchange_open(ws):
    for two_pass in (False, True):
        assert decrypted_frames(ws, two_pass=two_pass) == [1, 2, 3, 4, 5, 6, 19, 20]
    rows = by_frame(ws, ["qq.key_source", "qq.key_type", "qq.key_frame", "qq.login.known_pair", "qq.login.result"])
    assert rows[1][:3] == [SRC_PACKET, TYPE_CLEAR, "1"]
    assert rows[2][:3] == [SRC_REQUEST, TYPE_CLEAR, "1"] and rows[2][4] == "0xfe"
    # The default public key names its key pair; the reply opens with the
    # share key that opened its request.
    assert rows[5][:4] == [SRC_KNOWN_PAIR, TYPE_SHARE, "", "SSO2's default ECDH key pair (PC QQ clients)"]
    assert rows[6][:3] == [SRC_REQUEST, TYPE_SHARE, "5"]
    # No result is read from the still encrypted inner layer.
    assert rows[6][4] == ""
    assert ws.count(LOGIN, "frame.number == 6 && qq.login.inner_not_decrypted", two_pass=True) == 1
    assert ws.count(LOGIN, "frame.number == 5 && qq.tlv.not_decrypted", two_pass=True) == 1
    # Nothing the user gave failed: no warning.
    assert ws.count(LOGIN, "_ws.expert.severity >= warning", two_pass=True) == 0


def test_the_password_opens_every_frame_of_the_session(ws):
    for two_pass in (False, True):
        assert decrypted_frames(ws, PASSWORD, two_pass) == A_FRAMES + [19, 20]
    rows = by_frame(ws, ["qq.key_source", "qq.key_type", "qq.key_frame", "qq.key"], PASSWORD)
    assert rows[7] == [SRC_LEARNED, TYPE_LOGIN, "6", sc.KEY_0109.hex()]
    assert rows[8] == [SRC_LEARNED, TYPE_LOGIN, "6", sc.KEY_0107.hex()]
    for frame in range(9, 19):
        assert rows[frame] == [SRC_LEARNED, TYPE_SESSION, "8", sc.SESSION_KEY.hex()], frame
    assert ws.count(LOGIN, "_ws.expert.severity >= warning", two_pass=True, extra=PASSWORD) == 0


def test_each_key_of_the_chain_with_its_frame(ws):
    rows = by_frame(ws, ["qq.tlv.tgtgt_key", "qq.tlv.key", "qq.tlv.password_md5", "qq.login.inner_key",
                         "qq.tlv.key_used"], PASSWORD)
    # TLV 0x0006 opens with md5(md5(password) | 0 | QQ number) and holds the
    # TGTGT key and md5(password).
    assert rows[5][0] == sc.TGTGT_KEY.hex()
    assert rows[5][2] == __import__("hashlib").md5(sc.PASSWORD.encode()).hexdigest()
    assert rows[5][4].split(",")[0] == sc.pwd_qq_key(sc.PASSWORD, sc.A_UIN).hex()
    # The reply's inner layer opens with it and hands out the 0x0828 keys.
    assert rows[6][3] == sc.TGTGT_KEY.hex()
    assert rows[6][1].split(",")[:2] == [sc.KEY_0109.hex(), sc.KEY_0107.hex()]
    # TLV 0x010C of the 0x0828 reply: the session key.
    assert rows[8][1] == sc.SESSION_KEY.hex()
    text = ws.out(["-n", "-2", "-r", ws.path(LOGIN), "-O", "qq", "-V", "-Y", "frame.number == 8"] + PASSWORD)
    assert ("Key: %s (QQ_SESSION_KEY: session key in TLV 0x010C of a 0x0828 reply)" % sc.SESSION_KEY.hex()) in text


def test_login_tlvs_field_by_field(ws):
    rows = by_frame(ws, ["qq.tlv.type", "qq.tlv.computer_name", "qq.tlv.uin", "qq.tlv.sso_version",
                         "qq.tlv.client_version", "qq.tlv.client_ip", "qq.tlv.server_time", "qq.tlv.nickname",
                         "qq.tlv.redirect_ip", "qq.tlv.message", "qq.login.result"], PASSWORD + keylog(ws))
    assert rows[1][0] == "0x0018,0x0309,0x0036,0x0114"
    assert rows[2][0] == "0x0112,0x0017,0x000c" and rows[2][8] == sc.LOGIN2 and rows[2][10] == "0xfe"
    assert rows[4][5] == "117.136.40.12"
    assert rows[5][0].split(",")[:6] == ["0x0112", "0x030f", "0x0005", "0x0006", "0x0015", "0x001a"]
    assert rows[5][1] == "DESKTOP-QQ2016"
    assert rows[5][3].split(",")[0] == "0x00000453" and rows[5][4].split(",")[0] == "0x00001585"
    assert rows[6][0] == "0x0109,0x0107,0x0108,0x0115" and rows[6][7] == sc.NICKNAME and rows[6][10] == "0x00"
    assert rows[8][0] == "0x000d,0x0014,0x010c" and rows[8][2] == str(sc.A_UIN)
    # Client B: a wrong password, one layer under the key log's share key.
    assert rows[22][10] == "0x34" and rows[22][9] == "密码错误"
    info = ws.column(LOGIN, "_ws.col.Info", dfilter="frame.number == 22", two_pass=True, extra=keylog(ws))[0]
    assert info.endswith("[Wrong password]")


def test_a_public_key_of_no_known_pair_needs_the_key_log(ws):
    assert [f for f in decrypted_frames(ws, PASSWORD) if f in B_FRAMES] == [19, 20]
    note = ws.column(LOGIN, "_ws.expert.message", dfilter="frame.number == 21", two_pass=True)[0]
    assert "belongs to no known key pair (a QQ_SHARE_KEY key log line for QQ number %d" % sc.B_UIN in note
    rows = by_frame(ws, ["qq.key_source", "qq.key_type"], keylog(ws))
    assert rows[21] == [SRC_KEYLOG, TYPE_SHARE] and rows[22] == [SRC_REQUEST, TYPE_SHARE]


def test_keys_export_alone_reopens_the_capture(ws, tmp_path):
    for two_pass in (False, True):
        args = ["-n", "-q", "-r", ws.path(LOGIN), "-z", "qq,keys"] + PASSWORD + keylog(ws)
        out = ws.out((["-2"] if two_pass else []) + args)
        lines = [l for l in out.splitlines() if l and not l.startswith("#")]
        assert lines == [
            "QQ_TGTGT_KEY %d %s" % (sc.A_UIN, sc.TGTGT_KEY.hex()),
            "QQ_LOGIN_KEY %d %s" % (sc.A_UIN, sc.KEY_0109.hex()),
            "QQ_LOGIN_KEY %d %s" % (sc.A_UIN, sc.KEY_0107.hex()),
            "QQ_SESSION_KEY %d %s" % (sc.A_UIN, sc.SESSION_KEY.hex()),
            "QQ_SHARE_KEY %d %s" % (sc.B_UIN, sc.B_SHARE_KEY.hex()),
            "QQ_TGTGT_KEY %d %s" % (sc.B_UIN, sc.TGTGT_KEY.hex()),
        ]
        assert "# frame 8: session key in TLV 0x010C of a 0x0828 reply" in out
        # The password and its md5 never leave: only keys of this session.
        assert sc.PASSWORD not in out and "QQ_PASSWORD_MD5" not in out
    path = tmp_path / "exported.keys"
    path.write_text(out)
    exported = ["-o", "qq.keylog_file:" + ws.path(str(path))]
    assert decrypted_frames(ws, exported) == A_FRAMES + B_FRAMES
    assert decrypted_frames(ws, exported, two_pass=False) == A_FRAMES + B_FRAMES


def test_a_wrong_password_opens_nothing_falsely(ws):
    wrong = ["-o", "qq.password:not-the-password"]
    assert decrypted_frames(ws, wrong) == [1, 2, 3, 4, 5, 6, 19, 20]
    assert ws.count(LOGIN, "qq.tlv.tgtgt_key || qq.session_key || qq.tlv.key", two_pass=True, extra=wrong) == 0


@pytest.mark.parametrize("frame,cmd", [(5, "0x0836"), (7, "0x0828")])
def test_clear_text_login_fields(ws, frame, cmd):
    rows = by_frame(ws, ["qq.cmd", "qq.login.ecdh_mode", "qq.login.dh_version", "qq.login.public_key",
                         "qq.login.request_key", "qq.login.token", "qq.tlv.type"], dfilter="frame.number == %d" % frame)
    row = rows[frame]
    assert row[0] == cmd
    if cmd == "0x0836":
        assert row[1:5] == ["1", "0x0103", sc.DEFAULT_PUBLIC_KEY.hex(),
                            __import__("qq_scenarios").noise("a-0836/key", 16).hex()]
    else:
        assert row[5] == sc.SESSION_TOKEN.hex() and row[6] == "0x0030"


def test_pcqq_messages_in_the_transcript(ws):
    out = ws.out(["-n", "-q", "-r", ws.path(LOGIN), "-z", "qq,chat"] + PASSWORD)
    assert "QQ instant messages (decrypted): 2" in out
    assert "    13  2016-11-20 05:51:00   185131606       10002  %s" % sc.TEXT_OUT in out
    assert "    15  2016-11-20 05:51:15       10002   185131606  %s" % sc.TEXT_IN in out


def test_hostile_login_plaintexts_are_bounded_and_named(ws):
    """Validly encrypted login packets whose plaintexts lie: each lie gets its
    expert info, every frame is still dissected, nothing throws."""
    extra = PASSWORD + ["-o", "qq.keylog_file:" + ws.path(os.path.join(SAMPLES, "qq-pcqq-login-hostile.keys"))]
    hostile = "qq-pcqq-login-hostile.pcap"
    rows = {int(r[0]): r[1] for r in ws.fields(hostile, ["frame.number", "_ws.expert.message"], two_pass=True,
                                                 extra=extra)}
    assert "TLV 0x0112 says 65535 bytes, only 8 follow" in rows[1]
    assert rows[3] == ("TLV 0x0109 is too short for the 16-byte key it hands out,"
                       "TLV 0x0107 is too short for the 16-byte key it hands out")
    assert rows[5] == "TLV 0x010c is too short for the 16-byte key it hands out"
    assert "not a multiple of the 8-byte cipher block" in rows[6]
    # TLV 0x001A nested five times is opened three levels deep, no deeper.
    nested = ws.column(hostile, "qq.tlv.type", dfilter="frame.number == 2", extra=extra)[0].split(",")
    assert nested.count("0x001a") == 4 and "0x0005" not in nested
    assert ws.count(hostile, "qq", two_pass=True, extra=extra) == 6
    assert ws.count(hostile, "_ws.malformed && !(qq.tlv.truncated || qq.tlv.short)", two_pass=True, extra=extra) == 0
