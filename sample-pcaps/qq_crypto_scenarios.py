# SPDX-License-Identifier: GPL-2.0-or-later
"""QQ captures with real QQ-TEA ciphertext, for the decryption tests.

Bodies are encrypted with qqtea.py (independent of the plugin's C cipher,
both checked on the public vectors). The cipher's "random" bytes come from
SHA-256 of a name, so every capture regenerates byte for byte.

- qq-decrypt-classic.pcap: a classic (QQ2005) login with the password
  "python". The login reply is the real QQ2005 login reply of the public
  test vector (hoxide/qqlib): under md5(md5("python")) it gives the session
  key "U3acsGCfTiZ5MzQS" for QQ number 476705269. The session after it (an
  IM sent and one received, in GB18030 Chinese, their acks, a keep-alive)
  is encrypted with that session key.
- qq-decrypt-touch.pcap: a QQ2010 touch (0x0091, clear key at offset 22)
  and a PC QQ touch (0x0825, clear key at offset 26), each with its reply:
  readable with no secret; then over TCP a touch and a login sharing one
  segment, each with its own key, and their replies sharing another.
- qq-decrypt-keylog.pcap: QQ2010 session traffic whose login is not in the
  capture (IMs in UTF-8 over 0x00cd, 0x0017 and 0x00ce), opened by the key
  log qq-decrypt.keys; a second client whose key in that file is wrong;
  bodies of a wrong length (not a multiple of 8, shorter than 16 bytes).
"""

import hashlib
import struct

import qqtea
from pcapgen import Capture
from qq_scenarios import framed, noise, qq

PASSWORD = "python"

# Classic login (QQ2005, version 0x0d55).
CLASSIC_UIN = 476705269
CLASSIC_VERSION = 0x0D55
CLASSIC_CLIENT = "192.168.0.5"
CLASSIC_SERVER = "219.133.40.128"
CLASSIC_BUDDY = 10001
# The real QQ2005 login reply (public vector), encrypted under
# md5(md5("python")) = fb707f74cb143a2337d5af8efab84aa7.
QQ2005_LOGIN_REPLY = bytes.fromhex(
    "8CE160B9F312AEC9AC8D8AEAB41A319EDF51FB4BB5E33820C77C48DFC53E2A48"
    "CD1C24B29490329D2285897A32E7B32E9830DC2D0695802EB1D9890A0223D0E3"
    "6C35B24732CE12D06403975B0BC1280EA32B3EE98EAB858C40670C9E1A376AE6"
    "C7DCFADD4D45C1081571D2AF3D0F41B73BDC915C3AE542AF2C8B1364614861FC"
    "7272E33D90FA012620C18ABF76BE0B9EC0D24017C0C073C469B4376C7C08AA30")
CLASSIC_SESSION_KEY = b"U3acsGCfTiZ5MzQS"
CLASSIC_TEXT_OUT = "你好，这是用QQ2005发的消息"
CLASSIC_TEXT_IN = "收到，谢谢！"
CLASSIC_TIME_OUT = 1120442200
CLASSIC_TIME_IN = 1120442230

# QQ2010 session opened by the key log (version 0x1e0d, QQ2010 Intl).
V2010 = 0x1E0D
KEYLOG_UIN = 87654321
KEYLOG_BUDDY = 12345678
KEYLOG_SESSION_KEY = hashlib.md5(b"session key of 87654321").digest()
WRONG_UIN = 11112222
WRONG_KEY = hashlib.md5(b"the key log has a wrong key for 11112222").digest()
REAL_KEY_OF_WRONG_UIN = hashlib.md5(b"session key of 11112222").digest()
TEXT_2010_OUT = "Hello, 世界! QQ2010 sends UTF-8"
TEXT_2010_IN = "收到 (0x0017)"
TEXT_2010_IN_CE = "再见 (0x00ce)"
TIME_2010 = 1300000000

# PC QQ touch (TIM header, version 0x3713).
PCQQ_UIN = 1000001
FIXED_2010 = bytes([0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00])
EXT_2010 = FIXED_2010 + b"\x2a\x05"
EXT_2010_REPLY = b"\x00\x00\x00"
TIM_EXT = b"\x03\x00\x00" + struct.pack("!II", 0x00012E01, 0x00006852) + b"\0\0\0\0"

SIMSUN_GB = "宋体".encode("gb18030")


def enc(tag, message, key):
    """QQ-TEA ciphertext of message, with fill bytes named by tag."""
    return qqtea.encrypt(message, key, noise("fill/" + tag, 10))


def session_md5(uin, key):
    return hashlib.md5(struct.pack("!I", uin) + key).digest()


def im_header(version, sender, receiver, key):
    """Sender's client version, sender, receiver, md5(sender || session key), type text."""
    return struct.pack("!HII", version, sender, receiver) + session_md5(sender, key) + b"\x00\x0b"


def text_header(seq, when, msg_id):
    """Message sequence, send time, icon, 3 bytes, font flag 1, one fragment, id, normal."""
    return struct.pack("!HIH", seq, when, 0x0030) + b"\0\0\0" + b"\x01\x01\x00" + struct.pack("!H", msg_id) + b"\x01"


def classic_text(text):
    """GB18030 text, then the font block whose last byte is its length."""
    font = b"\x00\x0a\x00\x00\x00\x00\x86\x22" + SIMSUN_GB
    return text.encode("gb18030") + font + bytes([len(font) + 1])


def segmented_text(text, when):
    """QQ2010 body after the text header: "MSG" block, font, segments."""
    data = text.encode("utf-8")
    block = b"MSG\0" + b"\0\0\0\0" + struct.pack("!I", when) + noise("msg-random/" + text, 4)
    font = b"\x00" + b"\x00\x00\x00" + b"\x0a\x00" + b"\x86\x22" + struct.pack("!H", len(b"Tahoma")) + b"Tahoma"
    segment = b"\x01" + struct.pack("!H", len(data) + 3) + b"\x01" + struct.pack("!H", len(data)) + data
    return block + font + b"\x00\x00" + segment


def recv_header(sender, receiver, server_seq, kind):
    return struct.pack("!III", sender, receiver, server_seq) + bytes([58, 60, 10, 45]) + struct.pack("!HH", 8000, kind)


# -- classic login ------------------------------------------------------------

def classic_login_request(key):
    """0x0022: the clear key, then E(key, login data) whose first 16 bytes
    are E(md5(md5(password)), "") (the password check)."""
    check = enc("pwcheck", b"", qqtea.password_key(PASSWORD))
    data = check + b"\x00" + b"\0" * 6 + noise("login-fixed", 29) + b"\x0a" + noise("login-fixed2", 16)
    data += b"\x18" + noise("login-token", 24)
    return key + enc("login", data, key)


def classic():
    cap = Capture()
    c, s = CLASSIC_CLIENT, CLASSIC_SERVER
    v, uin, key = CLASSIC_VERSION, CLASSIC_UIN, CLASSIC_SESSION_KEY

    def c2s(cmd, seq, body):
        cap.udp(c, 4000, s, 8000, qq(v, cmd, seq, body, uin=uin))

    def s2c(cmd, seq, body):
        cap.udp(s, 8000, c, 4000, qq(v, cmd, seq, body, uin=None))

    login_key = noise("classic/login-key", 16)
    c2s(0x0022, 0x1001, classic_login_request(login_key))                 # 1
    s2c(0x0022, 0x1001, QQ2005_LOGIN_REPLY)                               # 2
    out = (struct.pack("!II", uin, CLASSIC_BUDDY) + im_header(v, uin, CLASSIC_BUDDY, key)
           + text_header(7, CLASSIC_TIME_OUT, 0x0101) + classic_text(CLASSIC_TEXT_OUT))
    c2s(0x0016, 0x1002, enc("classic/im-out", out, key))                  # 3
    s2c(0x0016, 0x1002, enc("classic/im-out-ack", b"\x00", key))          # 4
    push = (recv_header(CLASSIC_BUDDY, uin, 0x00000101, 0x0009) + im_header(0x0d55, CLASSIC_BUDDY, uin, key)
            + text_header(3, CLASSIC_TIME_IN, 0x0202) + classic_text(CLASSIC_TEXT_IN))
    s2c(0x0017, 0x2001, enc("classic/im-in", push, key))                  # 5
    c2s(0x0017, 0x2001, enc("classic/im-in-ack", push[:16], key))         # 6
    c2s(0x0002, 0x1003, enc("classic/keepalive", str(uin).encode(), key))  # 7
    s2c(0x0002, 0x1003, enc("classic/keepalive-reply", b"\x00" + noise("ka", 15), key))  # 8
    return cap


# -- touches: keys in clear -----------------------------------------------------

def touch_2010_reply(when):
    token = noise("touch2010/token", 24)
    return (b"\x00" + struct.pack("!I", when) + bytes([58, 61, 23, 9]) + b"\0" * 8
            + struct.pack("!H", len(token)) + token + b"\x00")


def touches():
    cap = Capture()
    # QQ2010 touch: 22-byte header, the key at offset 22, reply E(key).
    c, s, uin = "10.0.0.6", "219.133.49.73", 87654321
    key = noise("touch2010/key", 16)
    body = key + enc("touch2010", noise("touch2010/fill", 15) + b"\0" * 15, key)
    cap.udp(c, 4001, s, 8000, qq(V2010, 0x0091, 0x0101, body, uin=uin, ext=EXT_2010))          # 1
    cap.udp(s, 8000, c, 4001, qq(V2010, 0x0091, 0x0101, enc("touch2010/reply", touch_2010_reply(TIME_2010), key),
                                 uin=uin, ext=EXT_2010_REPLY))                                  # 2
    # PC QQ touch: 26-byte header, the key at offset 26, reply E(key) with TLVs.
    c, s = "10.0.0.7", "183.60.56.100"
    key = noise("touch-pcqq/key", 16)
    tlv_in = struct.pack("!HH", 0x0018, 22) + noise("tlv18", 22) + struct.pack("!HH", 0x0309, 10) + noise("tlv309", 10)
    cap.udp(c, 4002, s, 8000, qq(0x3713, 0x0825, 0x0201, key + enc("touch-pcqq", tlv_in, key),
                                 uin=PCQQ_UIN, ext=TIM_EXT))                                    # 3
    # TLV 0x0017: version, server time, the client's address and port, an
    # empty 2-byte-length field (the offsets mirai reads: time at 67, address
    # at 71 of a reply that starts with TLV 0x0112).
    tlv_out = (b"\x00" + struct.pack("!HHH", 0x0017, 14, 1) + struct.pack("!I", TIME_2010) + bytes([58, 61, 23, 9])
               + b"\x1f\x40" + b"\0\0" + struct.pack("!HH", 0x0001, 4) + noise("tlv1", 4))
    cap.udp(s, 8000, c, 4002, qq(0x3713, 0x0825, 0x0201, enc("touch-pcqq/reply", tlv_out, key),
                                 uin=PCQQ_UIN, ext=EXT_2010_REPLY))                             # 4
    # Over TCP 8000, a QQ2010 touch and a login in one segment, each with its
    # own clear key, and both replies in one segment: each reply opens with
    # the key of its own request, not with the other one of the same frame.
    c, uin = "10.0.0.8", 87650001
    conn = cap.tcp(c, 4003, "219.133.60.5", 8000)                                        # 5-7
    keys = [noise("tcp-touch/key", 16), noise("tcp-login/key", 16)]
    conn.client(framed(qq(V2010, 0x0091, 0x0a01, keys[0] + enc("tcp-touch", noise("tcp-touch/fill", 15), keys[0]),
                          uin=uin, ext=EXT_2010))
                + framed(qq(V2010, 0x00dd, 0x0a02, keys[1] + enc("tcp-login", noise("tcp-login/fill", 40), keys[1]),
                            uin=uin, ext=EXT_2010)))                                    # 8
    conn.server(framed(qq(V2010, 0x0091, 0x0a01, enc("tcp-touch/reply", touch_2010_reply(TIME_2010), keys[0]),
                          uin=uin, ext=EXT_2010_REPLY))
                + framed(qq(V2010, 0x00dd, 0x0a02, enc("tcp-login/reply", b"\x00" + noise("tcp-login/reply", 30),
                                                        keys[1]), uin=uin, ext=EXT_2010_REPLY)))  # 9
    return cap


# -- session opened by the key log -----------------------------------------------

KEYLOG_TEXT = """# QQ session keys for qq-decrypt-keylog.pcap (tshark -o qq.keylog_file:<this file>)
# One key a line: QQ_SESSION_KEY or QQ_PASSWORD_MD5, the QQ number, 32 hex digits.

QQ_SESSION_KEY %d %s
# This one is wrong on purpose: the client 11112222 in the capture uses another key.
QQ_SESSION_KEY %d %s
""" % (KEYLOG_UIN, KEYLOG_SESSION_KEY.hex(), WRONG_UIN, WRONG_KEY.hex())


def keylog_session():
    cap = Capture()
    c, s, uin, buddy, key = "10.0.0.20", "58.60.10.45", KEYLOG_UIN, KEYLOG_BUDDY, KEYLOG_SESSION_KEY

    def c2s(cmd, seq, body):
        cap.udp(c, 4010, s, 8000, qq(V2010, cmd, seq, body, uin=uin, ext=EXT_2010))

    def s2c(cmd, seq, body):
        cap.udp(s, 8000, c, 4010, qq(V2010, cmd, seq, body, uin=uin, ext=EXT_2010_REPLY))

    fill17 = bytes([0x00, 0x00, 0x00, 0x0D, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
                    0x00, 0x03, 0x00, 0x01, 0x01])
    out = (struct.pack("!II", uin, buddy) + fill17 + im_header(V2010, uin, buddy, key)
           + text_header(21, TIME_2010, 0x0301) + segmented_text(TEXT_2010_OUT, TIME_2010))
    c2s(0x00CD, 0x0301, enc("2010/im-out", out, key))                                 # 1
    s2c(0x00CD, 0x0301, enc("2010/im-out-ack", b"\x00", key))                         # 2
    push = (recv_header(buddy, uin, 0x0501, 0x00A6) + im_header(V2010, buddy, uin, key)
            + text_header(9, TIME_2010 + 30, 0x0401) + segmented_text(TEXT_2010_IN, TIME_2010 + 30))
    s2c(0x0017, 0x5001, enc("2010/im-in", push, key))                                 # 3
    c2s(0x0017, 0x5001, enc("2010/im-in-ack", push[:16], key))                        # 4
    push = (recv_header(buddy, uin, 0x0502, 0x00A6) + im_header(V2010, buddy, uin, key)
            + text_header(10, TIME_2010 + 60, 0x0402) + segmented_text(TEXT_2010_IN_CE, TIME_2010 + 60))
    s2c(0x00CE, 0x5002, enc("2010/im-in-ce", push, key))                              # 5
    c2s(0x00CE, 0x5002, enc("2010/im-in-ce-ack", push[:16], key))                     # 6
    # Bodies no key can open: not a multiple of 8 under any header layout
    # (25 bytes after the 22-byte header), and too short (8 bytes).
    c2s(0x0058, 0x0302, noise("2010/misaligned", 25))                                 # 7
    c2s(0x0058, 0x0303, noise("2010/short", 8))                                       # 8
    # A second client: the key log's key for it is wrong.
    c, uin = "10.0.0.21", WRONG_UIN
    for i, seq in enumerate((0x0401, 0x0402)):
        body = enc("wrong/%d" % i, str(uin).encode() + b"\0" * 6, REAL_KEY_OF_WRONG_UIN)
        cap.udp(c, 4011, s, 8000, qq(V2010, 0x0058, seq, body, uin=uin, ext=EXT_2010))  # 9, 10
    return cap


CAPTURES = {
    "qq-decrypt-classic.pcap": classic,
    "qq-decrypt-touch.pcap": touches,
    "qq-decrypt-keylog.pcap": keylog_session,
}

# Text files written beside the captures (the key log of the keylog sample).
TEXT_FILES = {
    "qq-decrypt.keys": KEYLOG_TEXT,
}
