# SPDX-License-Identifier: GPL-2.0-or-later
"""A PC QQ 2012+ login followed key by key (doc/qq.md, "The PC QQ login key
chain"), with real QQ-TEA ciphertext, built from the public layouts.

qq-pcqq-login.pcap, password PASSWORD for every account:

- Client A (QQ number A_UIN) uses SSO2's default ECDH key pair: a touch
  redirected to another server (0x0825, result 0xfe and TLV 0x000C), the
  touch there, the password check (0x0836: request and reply under the
  default share key; TLV 0x0006 under md5(md5(password) | 0 | QQ number)
  holds the TGTGT key, which opens the reply's inner layer with TLVs 0x0109
  and 0x0107), the session-key exchange (0x0828: request under TLV 0x0109's
  key, reply under TLV 0x0107's TGT key, TLV 0x010C the session key), then
  a session under that key: going online, a heartbeat, a message sent, one
  received and acked, a protobuf request (flag 0x04 and 8 zero bytes).
- Client B (B_UIN) uses a public key no table lists: its 0x0836 exchange
  opens only with the share key of qq-pcqq-login.keys; the server answers
  "wrong password" (result 0x34) in one layer.

Without any secret the touches and client A's 0x0836 exchange (its outer
layer) open; with the password everything of client A opens.
"""

import hashlib
import struct

import qqtea
from pcapgen import Capture
from qq_crypto_scenarios import im_header, recv_header, segmented_text, text_header
from qq_scenarios import noise, qq

PASSWORD = "Qq-PC-2016"
A_UIN = 185131606
B_UIN = 3141592653
VERSION = 0x3649
BUILD = 0x67C9
CLIENT_TYPE = 0x00010101
CLIENT, LOGIN1, LOGIN2 = "192.168.31.20", "183.60.56.29", "183.60.56.100"

DEFAULT_PUBLIC_KEY = bytes.fromhex("027828167C9EF3B75A7B5AEFA23010EC0C4687707631A788EA")
DEFAULT_SHARE_KEY = bytes.fromhex("60423B51C3B1F60F67E89C00F0A7BDA3")
B_PUBLIC_KEY = bytes.fromhex("03") + noise("pcqq-login/b-public-key", 24)
B_SHARE_KEY = hashlib.md5(b"ECDH share key of client B").digest()

TGTGT_KEY = noise("pcqq-login/tgtgt", 16)
KEY_0109 = noise("pcqq-login/0109", 16)
KEY_0107 = noise("pcqq-login/0107", 16)
SESSION_KEY = noise("pcqq-login/session", 16)
SESSION_TOKEN = noise("pcqq-login/session-token", 56)
SERVER_TIME = 1479621000
CLIENT_WAN_IP = bytes([117, 136, 40, 12])
NICKNAME = "小企鹅"
TEXT_OUT = "PC QQ 的消息"

KEYS_TEXT = """# Key log for qq-pcqq-login.pcap (tshark -o qq.keylog_file:<this file>)
# Client B's ECDH public key belongs to no known key pair: its share key.
QQ_SHARE_KEY %d %s
""" % (B_UIN, B_SHARE_KEY.hex())


def enc(tag, message, key):
    return qqtea.encrypt(message, key, noise("pcqq-login/fill/" + tag, 10))


def tlv(tag, value):
    return struct.pack("!HH", tag, len(value)) + value


def l16(data):
    return struct.pack("!H", len(data)) + data


def pwd_qq_key(password, uin):
    """md5(md5(password) | 00 00 00 00 | QQ number): the key of TLV 0x0006."""
    return hashlib.md5(hashlib.md5(password.encode()).digest() + b"\0\0\0\0" + struct.pack("!I", uin)).digest()


def login_ext():
    """Extension of login requests: flag 3, 2 bytes, client type, build, 4 zero bytes (26-byte header)."""
    return struct.pack("!BHII", 0x03, 0, CLIENT_TYPE, BUILD) + b"\0\0\0\0"


def session_ext(flag=0x02):
    return struct.pack("!BHII", flag, 0, CLIENT_TYPE, BUILD)


REPLY_EXT = b"\0\0\0"


def tlv_ping(uin):
    """TLV 0x0018: version, SSO version, service id, client version, QQ number, redirects."""
    return tlv(0x0018, struct.pack("!HIIIIHH", 1, 0x0453, 1, 0x1585, uin, 0, 0))


def touch_request(uin, key, tag):
    body = tlv_ping(uin) + tlv(0x0309, struct.pack("!HIBB", 1, 0, 0, 1)) + tlv(0x0036, struct.pack("!HIH", 1, 0, 0))
    body += tlv(0x0114, struct.pack("!H", 0x0102) + l16(DEFAULT_PUBLIC_KEY))
    return key + enc(tag, body, key)


def touch_reply(key, tag, redirect=None):
    client = tlv(0x0017, struct.pack("!HI", 1, SERVER_TIME) + CLIENT_WAN_IP + struct.pack("!H", 4000) + l16(b""))
    if redirect:
        ip = bytes(int(x) for x in redirect.split("."))
        body = b"\xfe" + tlv(0x0112, noise(tag + "/sig", 56)) + client
        body += tlv(0x000C, struct.pack("!HHII", 2, 0, 0, 0) + ip + struct.pack("!HI", 8000, 0))
    else:
        body = b"\x00" + tlv(0x0112, noise(tag + "/sig", 56)) + client
    return enc(tag, body, key)


def tgtgt_plain(uin):
    """TLV 0x0006 before encryption (version 2, 104 bytes)."""
    return (noise("pcqq-login/rand", 4) + struct.pack("!HIIII", 2, uin, 0x0453, 1, 0x1585) + b"\0\0" + b"\x01"
            + hashlib.md5(PASSWORD.encode()).digest() + struct.pack("!I", SERVER_TIME) + b"\0" * 13
            + CLIENT_WAN_IP + b"\0" * 8 + l16(noise("pcqq-login/computer-id", 16)) + TGTGT_KEY)


def login_tlvs(uin):
    guids = tlv(0x0015, struct.pack("!H", 1) + b"\x01" + noise("crc", 4) + l16(noise("pcqq-login/computer-id", 16)))
    body = tlv(0x0112, noise("pcqq-login/a-touch/sig", 56)) + tlv(0x030F, l16("DESKTOP-QQ2016".encode()))
    body += tlv(0x0005, struct.pack("!HI", 2, uin))
    body += tlv(0x0006, enc("tlv6", tgtgt_plain(uin), pwd_qq_key(PASSWORD, uin)))
    body += guids + tlv(0x001A, enc("tlv1a", guids, TGTGT_KEY)) + tlv_ping(uin)
    body += tlv(0x0103, struct.pack("!H", 1) + l16(noise("sid", 16))) + tlv(0x0312, b"\x01\0\0\0\x01")
    return body


def login_request(uin, public_key, share_key, tag):
    clear = struct.pack("!HHH", 1, 0x0103, len(public_key)) + public_key + l16(b"") + l16(noise(tag + "/key", 16))
    return clear + enc(tag, login_tlvs(uin), share_key)


def login_reply_ok():
    timings = struct.pack("!IIIIIH", 0, 0x64, 0x0DFD, 0x093A80, 0x3C, 2)
    inner = b"\x00" + tlv(0x0109, struct.pack("!H", 1) + KEY_0109 + l16(SESSION_TOKEN) + l16(noise("pwd4conn", 32))
                          + l16(b""))
    inner += tlv(0x0107, struct.pack("!H", 1) + l16(timings) + KEY_0107 + l16(noise("tgt", 136))
                 + noise("gtkey-st", 16) + l16(noise("service-ticket", 64)))
    nick = NICKNAME.encode()
    account = struct.pack("!H", 0x025B) + bytes([len(nick)]) + nick + b"\x02" + b"\0" * 5
    inner += tlv(0x0108, struct.pack("!H", 1) + l16(l16(account)))
    inner += tlv(0x0115, noise("md5", 16))
    return enc("0836-reply", enc("0836-reply/inner", inner, TGTGT_KEY), DEFAULT_SHARE_KEY)


def session_key_request():
    body = tlv(0x0007, noise("tgt", 136)) + tlv(0x0036, struct.pack("!HIH", 1, 0, 0)) + tlv_ping(A_UIN)
    body += tlv(0x001F, struct.pack("!H", 1) + noise("device-id", 32)) + tlv(0x002D, struct.pack("!H", 1)
                                                                               + bytes([192, 168, 31, 20]))
    return tlv(0x0030, l16(SESSION_TOKEN)) + enc("0828", body, KEY_0109)


def session_key_reply():
    body = b"\x00" + tlv(0x000D, struct.pack("!HI", 1, 0)) + tlv(0x0014, struct.pack("!HH", 1, 0x3C))
    body += tlv(0x010C, struct.pack("!H", 1) + SESSION_KEY + struct.pack("!I", A_UIN) + CLIENT_WAN_IP
                + struct.pack("!HI", 4000, SERVER_TIME) + b"\0" * 8)
    return enc("0828-reply", body, KEY_0107)


BUDDY = 10002
TEXT_IN = "收到：PC QQ 2016"
TIME_OUT, TIME_IN = SERVER_TIME + 60, SERVER_TIME + 75


def im_send(text):
    """0x00cd: sender, receiver, 12 bytes (Tangent-PC's pack00CD), the IM
    and text headers, the "MSG" block, font and text segments."""
    return (struct.pack("!II", A_UIN, BUDDY) + bytes.fromhex("0000000800010004") + b"\0\0\0\0"
            + im_header(VERSION, A_UIN, BUDDY, SESSION_KEY) + text_header(0x21, TIME_OUT, 0x0301)
            + segmented_text(text, TIME_OUT))


def im_receive(text):
    """0x00ce: the 20-byte receive header, then the message."""
    return (recv_header(BUDDY, A_UIN, 0x00001001, 0x0009) + im_header(VERSION, BUDDY, A_UIN, SESSION_KEY)
            + text_header(0x22, TIME_IN, 0x0302) + segmented_text(text, TIME_IN))


def client_a(cap):
    def c2s(server, cmd, seq, body, ext):
        cap.udp(CLIENT, 4000, server, 8000, qq(VERSION, cmd, seq, body, uin=A_UIN, ext=ext))

    def s2c(server, cmd, seq, body):
        cap.udp(server, 8000, CLIENT, 4000, qq(VERSION, cmd, seq, body, uin=A_UIN, ext=REPLY_EXT))

    k1, k2 = noise("a-touch1/key", 16), noise("a-touch2/key", 16)
    c2s(LOGIN1, 0x0825, 0x5101, touch_request(A_UIN, k1, "a-touch1"), login_ext())                   # 1
    s2c(LOGIN1, 0x0825, 0x5101, touch_reply(k1, "a-touch1/reply", redirect=LOGIN2))                  # 2
    c2s(LOGIN2, 0x0825, 0x5102, touch_request(A_UIN, k2, "a-touch2"), login_ext())                   # 3
    s2c(LOGIN2, 0x0825, 0x5102, touch_reply(k2, "pcqq-login/a-touch"))                               # 4
    c2s(LOGIN2, 0x0836, 0x5103, login_request(A_UIN, DEFAULT_PUBLIC_KEY, DEFAULT_SHARE_KEY, "a-0836"),
        login_ext())                                                                                 # 5
    s2c(LOGIN2, 0x0836, 0x5103, login_reply_ok())                                                    # 6
    c2s(LOGIN2, 0x0828, 0x5104, session_key_request(), session_ext())                                # 7
    s2c(LOGIN2, 0x0828, 0x5104, session_key_reply())                                                 # 8
    key = SESSION_KEY
    c2s(LOGIN2, 0x00EC, 0x5105, enc("online", b"\x01\x00\x0a\x00\x01\x00\x01\x00\x04\x00\x00\x00\x00", key),
        session_ext())                                                                               # 9
    s2c(LOGIN2, 0x00EC, 0x5105, enc("online/reply", b"\x01\x00", key))                              # 10
    c2s(LOGIN2, 0x0058, 0x5106, enc("heartbeat", str(A_UIN).encode(), key), session_ext())           # 11
    s2c(LOGIN2, 0x0058, 0x5106, enc("heartbeat/reply", b"\x00\x00" + CLIENT_WAN_IP, key))            # 12
    c2s(LOGIN2, 0x00CD, 0x5107, enc("send", im_send(TEXT_OUT), key), session_ext())                  # 13
    s2c(LOGIN2, 0x00CD, 0x5107, enc("send/reply", b"\x00", key))                                     # 14
    push = im_receive(TEXT_IN)
    s2c(LOGIN2, 0x00CE, 0x7001, enc("push", push, key))                                              # 15
    c2s(LOGIN2, 0x00CE, 0x7001, enc("push/ack", push[:16], key), session_ext())                      # 16
    pb = struct.pack("!II", 4, 6) + b"\x08\x01\x10\x02" + b"\x08\x96\x01\x10\x01\x18\x02"
    c2s(LOGIN2, 0x03E3, 0x5108, b"\0" * 8 + enc("pb", pb, key), session_ext(0x04))                   # 17
    s2c(LOGIN2, 0x03E3, 0x5108, enc("pb/reply", struct.pack("!II", 4, 2) + b"\x08\x00\x08\x00", key))  # 18


def client_b(cap):
    def c2s(cmd, seq, body, ext):
        cap.udp(CLIENT, 4001, LOGIN2, 8000, qq(VERSION, cmd, seq, body, uin=B_UIN, ext=ext))

    def s2c(cmd, seq, body):
        cap.udp(LOGIN2, 8000, CLIENT, 4001, qq(VERSION, cmd, seq, body, uin=B_UIN, ext=REPLY_EXT))

    k = noise("b-touch/key", 16)
    c2s(0x0825, 0x6101, touch_request(B_UIN, k, "b-touch"), login_ext())                             # 19
    s2c(0x0825, 0x6101, touch_reply(k, "b-touch/reply"))                                            # 20
    c2s(0x0836, 0x6102, login_request(B_UIN, B_PUBLIC_KEY, B_SHARE_KEY, "b-0836"), login_ext())      # 21
    message = "密码错误".encode()
    wrong = b"\x34" + tlv(0x0100, struct.pack("!HHI", 1, 0x0836, 0x34) + l16(message)) + tlv(0x0115, noise("b", 16))
    s2c(0x0836, 0x6102, enc("b-0836/reply", wrong, B_SHARE_KEY))                                     # 22


def pcqq_login():
    cap = Capture(start=1_479_621_000.0)
    client_a(cap)
    client_b(cap)
    return cap




def hostile():
    """qq-pcqq-login-hostile.pcap: validly encrypted login packets whose
    plaintexts lie: lengths past the end, keys cut short, layers nested
    deeper than any client sends, a public key length past the packet."""
    cap = Capture(start=1_479_622_000.0)
    uin = A_UIN

    def c2s(cmd, seq, body, ext):
        cap.udp(CLIENT, 4100, LOGIN2, 8000, qq(VERSION, cmd, seq, body, uin=uin, ext=ext))

    def s2c(cmd, seq, body):
        cap.udp(LOGIN2, 8000, CLIENT, 4100, qq(VERSION, cmd, seq, body, uin=uin, ext=REPLY_EXT))

    def req_0836(tag, tlvs):
        clear = struct.pack("!HHH", 1, 0x0103, 25) + DEFAULT_PUBLIC_KEY + l16(b"") + l16(noise(tag + "/k", 16))
        return clear + enc(tag, tlvs, DEFAULT_SHARE_KEY)

    # 1: a TLV that says 0xffff bytes after a good one.
    c2s(0x0836, 0x7101, req_0836("h1", tlv(0x0005, struct.pack("!HI", 2, uin)) + b"\x01\x12\xff\xff" + b"x" * 8),
        login_ext())
    # 2: TLV 0x0006 whose plaintext is 20 bytes, and TLV 0x001A nested in
    # TLV 0x001A four times (each under the TGTGT key it carries).
    short6 = tlv(0x0006, enc("h2/6", noise("h2/short", 20), pwd_qq_key(PASSWORD, uin)))
    nested = tlv(0x0005, struct.pack("!HI", 2, uin))
    for depth in range(5):
        nested = tlv(0x001A, enc("h2/nest%d" % depth, nested, TGTGT_KEY))
    full6 = tlv(0x0006, enc("h2/6b", tgtgt_plain(uin), pwd_qq_key(PASSWORD, uin)))
    c2s(0x0836, 0x7102, req_0836("h2", short6 + full6 + nested), login_ext())
    # 3: its reply, whose inner layer has TLV 0x0109 of 3 bytes and TLV
    # 0x0107 cut after its timings.
    inner = b"\x00" + tlv(0x0109, b"\x00\x01\x02") + tlv(0x0107, struct.pack("!H", 1) + l16(b"\0" * 22) + b"\x01")
    s2c(0x0836, 0x7102, enc("h3", enc("h3/inner", inner, TGTGT_KEY), DEFAULT_SHARE_KEY))
    # 4: a 0x0828 reply (under a key the key log gives) with TLV 0x010C of
    # 5 bytes and an empty TLV 0x0108.
    bad = b"\x00" + tlv(0x010C, b"\x00\x01\x02\x03\x04") + tlv(0x0108, b"")
    c2s(0x0828, 0x7103, tlv(0x0030, l16(noise("h4/token", 56))) + enc("h4/req", b"\x00\x07\x00\x00", KEY_0109),
        session_ext())
    s2c(0x0828, 0x7103, enc("h4", bad, KEY_0107))
    # 6: a 0x0836 request whose public key length runs past the packet.
    c2s(0x0836, 0x7104, struct.pack("!HHH", 1, 0x0103, 0xFFF0) + noise("h6", 40), login_ext())
    return cap


HOSTILE_KEYS_TEXT = """# Key log for qq-pcqq-login-hostile.pcap (with -o qq.password:%s)
QQ_LOGIN_KEY %d %s
QQ_LOGIN_KEY %d %s
""" % (PASSWORD, A_UIN, KEY_0109.hex(), A_UIN, KEY_0107.hex())


CAPTURES = {
    "qq-pcqq-login.pcap": pcqq_login,
    "qq-pcqq-login-hostile.pcap": hostile,
}

TEXT_FILES = {
    "qq-pcqq-login.keys": KEYS_TEXT,
    "qq-pcqq-login-hostile.keys": HOSTILE_KEYS_TEXT,
}
