# SPDX-License-Identifier: GPL-2.0-or-later
"""QQ decryption: keys in clear, the password, learned session keys, the key
log and the qq_keys table; decoded login/touch replies and instant messages;
the expert infos; tshark -z qq,chat."""

import hashlib
import os
import sys
import tempfile

from conftest import SAMPLES

sys.path.insert(0, SAMPLES)
import qq_crypto_scenarios as sc  # noqa: E402

CLASSIC = "qq-decrypt-classic.pcap"
TOUCH = "qq-decrypt-touch.pcap"
KEYLOG = "qq-decrypt-keylog.pcap"
KEYS = os.path.join(SAMPLES, "qq-decrypt.keys")

# qq.key_source values.
SRC_PACKET, SRC_REQUEST, SRC_PASSWORD, SRC_SESSION, SRC_KEYLOG, SRC_TABLE = "1", "2", "3", "4", "5", "6"

NOTE = "Encrypted QQ body not decrypted"
BODY = "Encrypted QQ body"
FAILED = "Decryption failed"


# The key types a key log line or a qq_keys row may name, as the message lists them.
KEY_TYPES = ("QQ_SESSION_KEY, QQ_PASSWORD_MD5, QQ_SHARE_KEY, QQ_TGTGT_KEY, QQ_LOGIN_KEY, QQ_D2_KEY"
             " or QQ_WTLOGIN_KEY")


def rows(ws, pcap, fields, extra=(), dfilter=None):
    return ws.fields(pcap, ["frame.number"] + fields, dfilter=dfilter, two_pass=True, extra=extra)


def password(pw="python"):
    return ["-o", "qq.password:" + pw]


def keylog(ws, path=KEYS):
    return ["-o", "qq.keylog_file:" + ws.path(path)]


def count(ws, pcap, dfilter, extra=()):
    return ws.count(pcap, dfilter, two_pass=True, extra=extra)


def expert_messages(ws, pcap, extra=()):
    found = []
    for r in rows(ws, pcap, ["_ws.expert.message"], extra):
        found += [(int(r[0]), m) for m in r[1].split(",") if m.startswith((BODY, FAILED))]
    return found


# -- classic login with the password ---------------------------------------------

def test_classic_password_gives_session_key_and_every_packet(ws):
    got = rows(ws, CLASSIC, ["qq.key_source", "qq.key_frame", "qq.session_key"], password())
    assert got == [
        ["1", SRC_PACKET, "1", ""],
        ["2", SRC_PASSWORD, "", sc.CLASSIC_SESSION_KEY.hex()],
        ["3", SRC_SESSION, "2", ""],
        ["4", SRC_SESSION, "2", ""],
        ["5", SRC_SESSION, "2", ""],
        ["6", SRC_SESSION, "2", ""],
        ["7", SRC_SESSION, "2", ""],
        ["8", SRC_SESSION, "2", ""],
    ]
    assert sc.CLASSIC_SESSION_KEY.hex() == "553361637347436654695a354d7a5153"
    assert expert_messages(ws, CLASSIC, password()) == []


def test_classic_login_reply_fields(ws):
    got = rows(ws, CLASSIC, ["qq.reply.result", "qq.reply.uin", "qq.reply.ip", "qq.reply.port",
                             "qq.reply.server_ip", "qq.reply.server_port", "qq.reply.server_time"],
               password(), dfilter="qq.reply.result")
    assert got == [["2", "0x00", "476705269", "221.232.28.67", "12809", "127.0.0.1", "8000",
                    "Jul  4, 2005 01:56:02.000000000 UTC"]]


def test_classic_instant_messages_in_gb18030(ws):
    got = rows(ws, CLASSIC, ["qq.im.from", "qq.im.to", "qq.im.time", "qq.im.text", "qq.im.charset",
                             "qq.im.font_name"], password(), dfilter="qq.im.text")
    assert got == [
        ["3", "476705269", "10001", "Jul  4, 2005 01:56:40.000000000 UTC", sc.CLASSIC_TEXT_OUT, "0x8622", "宋体"],
        ["5", "10001", "476705269", "Jul  4, 2005 01:57:10.000000000 UTC", sc.CLASSIC_TEXT_IN, "0x8622", "宋体"],
    ]
    assert sc.CLASSIC_TEXT_OUT == "你好，这是用QQ2005发的消息"


def test_classic_acks(ws):
    got = rows(ws, CLASSIC, ["qq.im.ack_result", "qq.im.ack_of", "qq.im.server_seq", "qq.im.sender_ip"],
               password(), dfilter="qq.im.ack_result || qq.im.ack_of")
    assert got == [["4", "0x00", "", "", ""],
                   ["6", "", "000027111c69f1f5000001013a3c0a2d", "257", "58.60.10.45"]]


def test_info_column_shows_the_messages(ws):
    info = ws.column(CLASSIC, "_ws.col.Info", two_pass=True, extra=password())
    assert info[1].endswith("[login OK, session key learned]")
    assert info[2].endswith("[IM 476705269\u219210001: %s]" % sc.CLASSIC_TEXT_OUT)
    assert info[4].endswith("[IM 10001\u2192476705269: %s]" % sc.CLASSIC_TEXT_IN)


def test_decrypted_data_source(ws):
    out = ws.out(["-n", "-2", "-x", "-r", ws.path(CLASSIC), "-Y", "frame.number == 4"] + password())
    assert "Decrypted QQ (1 byte):" in out
    out = ws.out(["-n", "-2", "-x", "-r", ws.path(CLASSIC), "-Y", "frame.number == 5"] + password())
    assert "Decrypted QQ (90 bytes):" in out
    assert count(ws, CLASSIC, "qq.decrypted", password()) == 8


def test_without_password_only_the_clear_key_opens_and_one_note(ws):
    got = rows(ws, CLASSIC, ["qq.key_source"])
    assert [r[1] for r in got] == [SRC_PACKET, "", "", "", "", "", "", ""]
    assert expert_messages(ws, CLASSIC) == [
        (2, NOTE + ": this login reply opens with the password (preference qq.password); later packets "
            "of this conversation are not noted again")]
    assert count(ws, CLASSIC, "qq.not_decrypted") == 1
    assert count(ws, CLASSIC, "qq.decrypt_failed") == 0


def test_wrong_password_warns_once_then_one_note(ws):
    assert count(ws, CLASSIC, "qq.decrypt_failed", password("wrong")) == 1
    found = expert_messages(ws, CLASSIC, password("wrong"))
    assert found[0] == (2, FAILED + ": none of 3 keys passed the cipher's check (7 zero bytes at the end): "
                           "key of the request of frame 1; password; password")
    assert [f[0] for f in found] == [2, 3]
    assert found[1][1].startswith(NOTE + ": it needs the session key of QQ number 476705269")


def test_decrypt_preference_off(ws):
    off = ["-o", "qq.decrypt:FALSE"] + password()
    assert count(ws, CLASSIC, "qq.decrypted", off) == 0
    assert count(ws, CLASSIC, "qq.not_decrypted || qq.decrypt_failed", off) == 0
    assert count(ws, CLASSIC, "qq", off) == 8


def test_chat_transcript_classic(ws):
    out = ws.out(["-n", "-q", "-r", ws.path(CLASSIC), "-z", "qq,chat"] + password())
    lines = out.strip().splitlines()
    assert lines[1] == "QQ instant messages (decrypted): 2"
    assert lines[3] == "     3  2005-07-04 01:56:40   476705269       10001  " + sc.CLASSIC_TEXT_OUT
    assert lines[4] == "     5  2005-07-04 01:57:10       10001   476705269  " + sc.CLASSIC_TEXT_IN
    out = ws.out(["-n", "-q", "-r", ws.path(CLASSIC), "-z", "qq,chat"])
    assert "QQ instant messages (decrypted): 0" in out


def test_chat_transcript_with_filter(ws):
    out = ws.out(["-n", "-q", "-r", ws.path(CLASSIC), "-z", "qq,chat,qq.im.from == 10001"] + password())
    assert "QQ instant messages (decrypted): 1" in out
    assert sc.CLASSIC_TEXT_IN in out and sc.CLASSIC_TEXT_OUT not in out


# -- keys in clear: QQ2010 touch, PC QQ touch ---------------------------------------

def test_touches_decrypt_with_no_secret(ws):
    got = rows(ws, TOUCH, ["qq.variant", "qq.key_source", "qq.key_frame", "qq.reply.result", "qq.login.result"],
               dfilter="qq")
    # The QQ2010 touch reply has its result field; the PC QQ one the login's.
    assert got[:4] == [["1", "3", SRC_PACKET, "1", "", ""],
                       ["2", "4", SRC_REQUEST, "1", "0x00", ""],
                       ["3", "6", SRC_PACKET, "3", "", ""],
                       ["4", "4", SRC_REQUEST, "3", "", "0x00"]]
    assert expert_messages(ws, TOUCH) == []


def test_replies_sharing_a_segment_open_with_their_own_requests_keys(ws):
    """Frame 8 carries a touch and a login, each with its own clear key, in
    one TCP segment; frame 9 both replies. Each reply is opened with the key
    of its own request (one key per frame would open only one of them)."""
    got = rows(ws, TOUCH, ["qq.cmd", "qq.key_source", "qq.key_frame", "qq.response_to"],
               dfilter="frame.number >= 8")
    assert got == [["8", "0x0091,0x00dd", SRC_PACKET + "," + SRC_PACKET, "8,8", ""],
                   ["9", "0x0091,0x00dd", SRC_REQUEST + "," + SRC_REQUEST, "8,8", "8,8"]]
    plain = rows(ws, TOUCH, ["qq.decrypted"], dfilter="frame.number == 9")[0][1].split(",")
    assert plain == [sc.touch_2010_reply(sc.TIME_2010).hex(), (b"\x00" + sc.noise("tcp-login/reply", 30)).hex()]
    assert expert_messages(ws, TOUCH) == []


def test_touch_reply_fields(ws):
    got = rows(ws, TOUCH, ["qq.reply.server_time", "qq.reply.ip", "qq.reply.token", "qq.tlv.type",
                           "qq.tlv.length", "qq.tlv.server_time", "qq.tlv.client_ip"],
               dfilter="(qq.reply.result || qq.login.result) && frame.number <= 4")
    token = sc.noise("touch2010/token", 24).hex()
    assert got == [["2", "Mar 13, 2011 07:06:40.000000000 UTC", "58.61.23.9", token, "", "", "", ""],
                   ["4", "", "", "", "0x0017,0x0001", "14,4", "Mar 13, 2011 07:06:40.000000000 UTC", "58.61.23.9"]]


# -- key log and key table -----------------------------------------------------------

def test_keylog_opens_a_session_without_its_login(ws):
    got = rows(ws, KEYLOG, ["qq.key_source", "qq.im.from", "qq.im.to", "qq.im.text"], keylog(ws),
               dfilter="frame.number <= 6")
    assert got == [
        ["1", SRC_KEYLOG, "87654321", "12345678", sc.TEXT_2010_OUT],
        ["2", SRC_KEYLOG, "", "", ""],
        ["3", SRC_KEYLOG, "12345678", "87654321", sc.TEXT_2010_IN],
        ["4", SRC_KEYLOG, "12345678", "87654321", ""],
        ["5", SRC_KEYLOG, "12345678", "87654321", sc.TEXT_2010_IN_CE],
        ["6", SRC_KEYLOG, "12345678", "87654321", ""],
    ]
    assert sc.TEXT_2010_OUT == "Hello, 世界! QQ2010 sends UTF-8"


def test_keylog_im_times_and_fonts(ws):
    got = rows(ws, KEYLOG, ["qq.im.time", "qq.im.font_name", "qq.im.recv_type"], keylog(ws),
               dfilter="qq.im.text")
    assert got == [["1", "Mar 13, 2011 07:06:40.000000000 UTC", "Tahoma", ""],
                   ["3", "Mar 13, 2011 07:07:10.000000000 UTC", "Tahoma", "0x00a6"],
                   ["5", "Mar 13, 2011 07:07:40.000000000 UTC", "Tahoma", "0x00a6"]]


def test_bad_lengths_and_wrong_key(ws):
    assert expert_messages(ws, KEYLOG, keylog(ws)) == [
        (7, BODY + " of 25 bytes not decrypted: the length is not a multiple of the 8-byte cipher block"),
        (8, BODY + " of 8 bytes not decrypted: shorter than the 16 bytes of the smallest ciphertext"),
        (9, FAILED + ": the key did not pass the cipher's check (7 zero bytes at the end): key log"),
        (10, FAILED + ": the key did not pass the cipher's check (7 zero bytes at the end): key log"),
    ]
    assert count(ws, KEYLOG, "qq.decrypt_failed", keylog(ws)) == 2
    assert count(ws, KEYLOG, "qq.not_decrypted", keylog(ws)) == 2


def test_without_keylog_one_note_per_conversation(ws):
    found = expert_messages(ws, KEYLOG)
    assert [f[0] for f in found] == [1, 9]
    assert found[0][1].startswith(NOTE + ": it needs the session key of QQ number 87654321")
    assert found[1][1].startswith(NOTE + ": it needs the session key of QQ number 11112222")
    assert count(ws, KEYLOG, "qq.decrypted") == 0


def test_key_table_opens_the_same_session(ws):
    row = '"QQ_SESSION_KEY","87654321","%s"' % sc.KEYLOG_SESSION_KEY.hex()
    got = rows(ws, KEYLOG, ["qq.key_source", "qq.im.text"], ["-o", "uat:qq_keys:" + row],
               dfilter="qq.im.text")
    assert got == [["1", SRC_TABLE, sc.TEXT_2010_OUT], ["3", SRC_TABLE, sc.TEXT_2010_IN],
                   ["5", SRC_TABLE, sc.TEXT_2010_IN_CE]]


def test_key_table_rejects_a_bad_row(ws):
    p = ws.run(["-n", "-r", ws.path(KEYLOG), "-o", 'uat:qq_keys:"QQ_SESSION","1","00"', "-c", "1"],
               check=False)
    assert p.returncode != 0
    assert "QQ key table: the type must be %s" % KEY_TYPES in p.stderr.decode()


def test_password_md5_line_opens_a_login_reply(ws, tmp_path):
    md5pw = hashlib.md5(b"python").hexdigest()
    path = write_keylog(tmp_path, "QQ_PASSWORD_MD5 476705269 %s\n" % md5pw)
    got = rows(ws, CLASSIC, ["qq.key_source", "qq.key_frame"], keylog(ws, path), dfilter="frame.number <= 3")
    assert got == [["1", SRC_PACKET, "1"], ["2", SRC_KEYLOG, ""], ["3", SRC_SESSION, "2"]]


def write_keylog(tmp_path, text):
    d = tempfile.mkdtemp(prefix="qq-keys-", dir=str(tmp_path))
    path = os.path.join(d, "test.keys")
    with open(path, "w") as f:
        f.write(text)
    return path


def test_keylog_bad_lines_are_named_once_and_good_lines_work(ws, tmp_path):
    text = ("# comment\n\nQQ_SESSION_KEY 87654321 %s\nQQ_SESSION_KEY abc %s\nQQ_SESSION_KEY 1 zz\n"
            "QQ_SECRET 1 %s\n" % (sc.KEYLOG_SESSION_KEY.hex(), "00" * 16, "00" * 16))
    path = write_keylog(tmp_path, text)
    p = ws.run(["-n", "-2", "-r", ws.path(KEYLOG), "-T", "fields", "-e", "qq.key_source"] + keylog(ws, path))
    err = p.stderr.decode()
    assert err.count("bad lines ignored") == 1
    assert ("QQ: key log file \"%s\": 3 bad lines ignored:\n"
            "  line 4: the QQ number must be a decimal number from 1 to 4294967295\n"
            "  line 5: the key must be 32 hexadecimal digits (16 bytes)\n"
            "  line 6: the type must be %s" % (ws.path(path), KEY_TYPES)) in err
    assert p.stdout.decode().split()[:6] == [SRC_KEYLOG] * 6


def test_missing_keylog_is_a_warning_not_a_failure(ws):
    p = ws.run(["-n", "-r", ws.path(KEYLOG), "-o", "qq.keylog_file:/nonexistent/qq.keys"])
    assert p.returncode == 0
    assert "QQ: cannot open the key log file \"/nonexistent/qq.keys\"" in p.stderr.decode()
    assert len(p.stdout.decode().splitlines()) == 10


# -- cost: no keys, no work --------------------------------------------------------

def test_no_key_means_no_decrypted_field_in_other_samples(ws):
    for pcap in ("qq-udp-session.pcap", "qq-variants.pcap", "qq-tcp-443.pcap"):
        # Stand-in bodies: clear keys there open nothing, and nothing is shown.
        assert count(ws, pcap, "qq.decrypted") == 0, pcap
        assert count(ws, pcap, "qq.decrypt_failed") == 0, pcap


def test_fields_registered(ws):
    rows_ = [l.split("\t") for l in ws.out(["-G", "fields"]).splitlines()]
    types = {r[2]: r[3] for r in rows_ if len(r) > 3 and r[0] == "F"}
    for name, ftype in {"qq.decrypted": "FT_BYTES", "qq.key_source": "FT_UINT8",
                        "qq.key_frame": "FT_FRAMENUM", "qq.session_key": "FT_BYTES",
                        "qq.im.from": "FT_UINT32", "qq.im.to": "FT_UINT32",
                        "qq.im.time": "FT_ABSOLUTE_TIME", "qq.im.text": "FT_STRING"}.items():
        assert types.get(name) == ftype, name
    assert {"qq.not_decrypted", "qq.decrypt_failed"} <= set(types)


# -- hostile plaintexts: valid ciphertext of cut and damaged messages ---------------

def hostile_plaintext_capture(path):
    """Every decoded plaintext of the samples, cut at every length and with
    bytes flipped, re-encrypted with the key log's session key, as QQ2010
    and classic packets in both directions."""
    import random
    from pcapgen import Capture
    from qq_scenarios import qq

    key, uin, buddy = sc.KEYLOG_SESSION_KEY, sc.KEYLOG_UIN, sc.KEYLOG_BUDDY
    fill17 = bytes(17)
    send_2010 = (sc.struct.pack("!II", uin, buddy) + fill17 + sc.im_header(sc.V2010, uin, buddy, key)
                 + sc.text_header(1, sc.TIME_2010, 1) + sc.segmented_text("segment text", sc.TIME_2010))
    recv_2010 = (sc.recv_header(buddy, uin, 1, 0xA6) + sc.im_header(sc.V2010, buddy, uin, key)
                 + sc.text_header(1, sc.TIME_2010, 1) + sc.segmented_text("收到", sc.TIME_2010))
    send_classic = (sc.struct.pack("!II", uin, buddy) + sc.im_header(0x0d55, uin, buddy, key)
                    + sc.text_header(1, sc.TIME_2010, 1) + sc.classic_text("你好"))
    login_ok = bytes.fromhex("00") + key + sc.struct.pack("!I", uin) + bytes(30)
    touch = sc.touch_2010_reply(sc.TIME_2010) + b"\x01" + bytes(20)
    # (command, from server, plaintext)
    messages = [(0x00CD, False, send_2010), (0x0017, True, recv_2010), (0x00CE, True, recv_2010),
                (0x0017, False, recv_2010[:16]), (0x0030, True, login_ok), (0x0091, True, touch),
                (0x00CD, True, b"\x00")]
    rng = random.Random(13)
    cap = Capture()
    n = 0
    for cmd, from_server, plain in messages:
        variants = [plain[:i] for i in range(len(plain) + 1)]
        for _ in range(20):
            b = bytearray(plain)
            for _ in range(3):
                b[rng.randrange(len(b))] = rng.randrange(256)
            variants.append(bytes(b))
        for v in variants:
            body = sc.enc("hostile/%d" % n, v, key)
            n += 1
            if from_server:
                cap.udp("58.60.10.45", 8000, "10.9.0.1", 4100, qq(sc.V2010, cmd, n & 0xffff, body, uin=uin,
                                                                  ext=sc.EXT_2010_REPLY))
            else:
                cap.udp("10.9.0.1", 4100, "58.60.10.45", 8000, qq(sc.V2010, cmd, n & 0xffff, body, uin=uin,
                                                                  ext=sc.EXT_2010))
    # Classic send IMs, cut: the classic 11-byte header, same key.
    for i in range(len(send_classic) + 1):
        body = sc.enc("hostile-classic/%d" % i, send_classic[:i], key)
        cap.udp("10.9.0.2", 4101, "58.60.10.45", 8000, qq(0x0d55, 0x0016, i, body, uin=uin))
        n += 1
    cap.write(path)
    return n


def test_hostile_plaintexts_decode_without_errors(ws, tmp_path):
    path = str(tmp_path / "hostile-plaintexts.pcap")
    n = hostile_plaintext_capture(path)
    keys = write_keylog(tmp_path, "QQ_SESSION_KEY %d %s\n" % (sc.KEYLOG_UIN, sc.KEYLOG_SESSION_KEY.hex()))
    extra = keylog(ws, keys)
    p = ws.run(["-n", "-2", "-V", "-r", ws.path(path)] + extra, check=False)
    assert p.returncode == 0 and b"Dissector bug" not in p.stderr, p.stderr.decode()[-2000:]
    assert count(ws, path, "qq.decrypted", extra) == n
    # A cut that leaves the fixed parts short says so (a warning); nothing
    # else is malformed, and no exception (an error) escapes a decoder.
    assert count(ws, path, "_ws.malformed && !qq.plaintext_short", extra) == 0
    assert 0 < count(ws, path, "qq.plaintext_short", extra) < n
    assert count(ws, path, "_ws.expert.severity >= error", extra) == 0
