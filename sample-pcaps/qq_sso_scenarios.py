# SPDX-License-Identifier: GPL-2.0-or-later
"""Today's QQ: SSO ("MSF") captures, built from the public layouts
(MiraiGo client/internal/network and oicq, mirai PacketCodec, Lagrange).

Every PDU is `u32 length | u32 type | u8 encryption | ... | 00 | lv32(QQ
number in ASCII) | payload` ("lv32": a u32 length counting its own 4 bytes),
payload = QQ-TEA(lv32(head) | lv32(body)) under sixteen zero bytes
(encryption 2) or the D2 key (encryption 1).

- qqsso-login.pcap: an Android QQ login on TCP 8080: MSF hello and its
  answer, wtlogin.login request (type 0x0A, encryption 2, empty token) whose
  wtlogin layer is encrypted with the ECDH share key, and its reply, whose
  TLV 0x0119 (under the TGTGT key) holds the D2 token (0x0143) and the D2
  key (0x0305). Then on TCP 14000 the session under that D2 key: going
  online, a message sent (MessageSvc.PbSendMsg), a group message pushed
  (OnlinePush.PbPushGroupMsg), a heartbeat. The key log qqsso-login.keys
  gives only the two wtlogin keys: the D2 key is learned from the reply.
- qqsso-d2.pcap: a session on TCP 14000 whose login is not in the
  capture, opened by the QQ_D2_KEY line of qqsso-d2.keys: Android's 0x0A
  request with a 64-byte token (`00 00 00 44`), 0x0B requests with the
  outer sequence, replies without token or sequence, three PDUs in one
  segment, one PDU over three segments, a zlib-compressed reply, a PC QQ
  2022 type 0x0D PDU in the reply shape, a second QQ number whose key
  in the key log is wrong (no plaintext may show), SSO in clear on TCP 443
  and 80, a TLS ClientHello on 443 that must stay TLS, and a QQNT (type
  0x0C) request and reply on 8080, and an exchange on TCP 36000 (found by
  the heuristic) whose reply says the session expired (return code -10008).
- qqsso-hostile.pcap: broken PDUs (lengths past the end or out of bounds,
  a QQ number with letters, ciphertext not in whole blocks, heads and
  bodies whose lengths lie, a zlib body that is not zlib, a wtlogin TLV
  running past its end, an unknown type, a connection caught in the middle
  of a PDU, an unknown encryption byte); every one must end in an expert
  info.
"""

import struct
import zlib

import qqtea
from pcapgen import Capture, split
from qq_scenarios import noise

UIN = 486732996
UIN2 = 10001
PEER = 123456789
GROUP = 987654321
CLIENT = "10.0.0.5"
SERVER_8080 = "113.96.12.224"
SERVER_14000 = "183.3.226.35"
APP_ID = 537066738
ZERO_KEY = b"\0" * 16

SHARE_KEY = noise("qqsso/ecdh-share-key", 16)
TGTGT_KEY = noise("qqsso/tgtgt-key", 16)
D2_KEY = noise("qqsso/d2-key", 16)
D2_TOKEN = noise("qqsso/d2-token", 64)
D2_KEY_B = noise("qqsso/d2-key-of-the-keylog", 16)
WRONG_KEY = noise("qqsso/a-wrong-key", 16)
REAL_KEY_2 = noise("qqsso/real-key-of-10001", 16)
RANDOM_KEY = noise("qqsso/wtlogin-random-key", 16)
PUBLIC_KEY = b"\x04" + noise("qqsso/ecdh-public-key", 64)
SESSION_ID = bytes([0x02, 0xB0, 0x5B, 0x8B])
IMEI = b"866174040000000"

TEXT_OUT = "你好, SSO!"
TEXT_GROUP = "群消息 from the group"

LOGIN_KEYS_TEXT = """# Key log for qqsso-login.pcap (tshark -o qq.keylog_file:<this file>)
# The ECDH share key of the wtlogin exchange, and the TGTGT key that opens
# TLV 0x0119 of the reply (both as QQ_WTLOGIN_KEY lines). The D2 key is
# learned from that TLV: no QQ_D2_KEY line is needed.
QQ_WTLOGIN_KEY %d %s
QQ_WTLOGIN_KEY %d %s
""" % (UIN, SHARE_KEY.hex(), UIN, TGTGT_KEY.hex())

D2_KEYS_TEXT = """# Key log for qqsso-d2.pcap: the D2 key of %d, and a wrong one for %d.
QQ_D2_KEY %d %s
QQ_D2_KEY %d %s
""" % (UIN, UIN2, UIN, D2_KEY_B.hex(), UIN2, WRONG_KEY.hex())


# -- building blocks ---------------------------------------------------------

def lv32(data):
    return struct.pack(">I", len(data) + 4) + data


def enc(tag, message, key):
    return qqtea.encrypt(message, key, noise("qqsso/fill/" + tag, 10))


def pdu(inner):
    return struct.pack(">I", len(inner) + 4) + inner


def outer_token(typ, encryption, token, uin, payload):
    return pdu(struct.pack(">IB", typ, encryption) + lv32(token) + b"\0" + lv32(str(uin).encode()) + payload)


def outer_seq(typ, encryption, seq, uin, payload):
    return pdu(struct.pack(">IBI", typ, encryption, seq) + b"\0" + lv32(str(uin).encode()) + payload)


def outer_reply(typ, encryption, uin, payload):
    return pdu(struct.pack(">IB", typ, encryption) + b"\0" + lv32(str(uin).encode()) + payload)


def login_head(seq, cmd, tgt=b""):
    """Request head of a login-class (0x0A) PDU (MiraiGo transport.packBody)."""
    return (struct.pack(">III", seq, APP_ID, APP_ID) + bytes.fromhex("010000000000000000000100")
            + lv32(tgt) + lv32(cmd.encode()) + lv32(SESSION_ID) + lv32(IMEI)
            + struct.pack(">I", 4) + struct.pack(">H", 2 + 4) + b"ksid" + struct.pack(">I", 4))


def simple_head(cmd):
    """Request head of a simple (0x0B) PDU: the sequence is in the outer header."""
    return lv32(cmd.encode()) + lv32(SESSION_ID) + struct.pack(">I", 4)


def response_head(seq, cmd, compression=0, retcode=0):
    return (struct.pack(">Ii", seq, retcode) + lv32(b"") + lv32(cmd.encode()) + lv32(SESSION_ID)
            + struct.pack(">I", compression))


def payload(head, body):
    return lv32(head) + lv32(body)


# -- protobuf ----------------------------------------------------------------

def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def pb_int(field, value):
    return varint(field << 3) + varint(value)


def pb_msg(field, data):
    return varint((field << 3) | 2) + varint(len(data)) + data


def rich_text(text):
    """MsgBody { rich_text(1) { elems(2) { text(1) { str(1) } } } }"""
    return pb_msg(1, pb_msg(2, pb_msg(1, pb_msg(1, text.encode("utf-8")))))


def pb_send_msg(to_uin, text, seq):
    """PbSendMsgReq: routing_head(1) { c2c(1) { to_uin(1) } }, content_head(2),
    msg_body(3), msg_seq(4), msg_rand(5) (MiraiGo client/pb/msg/msg.proto)."""
    return (pb_msg(1, pb_msg(1, pb_int(1, to_uin))) + pb_msg(2, pb_int(1, 1)) + pb_msg(3, rich_text(text))
            + pb_int(4, seq) + pb_int(5, 0x5A5A5A5A))


def pb_push_group_msg(from_uin, group, text):
    """PushMessagePacket { message(1) { head(1) { from_uin(1), to_uin(2),
    msg_type(3), msg_seq(5), msg_time(6), group_info(9) { group_code(1) } },
    body(3) } }"""
    head = (pb_int(1, from_uin) + pb_int(2, UIN) + pb_int(3, 82) + pb_int(5, 4242) + pb_int(6, 1700000000)
            + pb_msg(9, pb_int(1, group)))
    return pb_msg(1, pb_msg(1, head) + pb_msg(3, rich_text(text)))


# -- wtlogin -----------------------------------------------------------------

def tlv(tag, value):
    return struct.pack(">HH", tag, len(value)) + value


def wtlogin_request(body_tlvs):
    """02 | len | 8001 | 0x0810 | 1 | uin | 03 87 00 | 2 0 0 | 02 01 | random key |
    01 31 | key version | lv16 public key | E(share key, 9 | count | TLVs) | 03"""
    plain = struct.pack(">HH", 9, len(body_tlvs)) + b"".join(body_tlvs)
    inner = (struct.pack(">HHHI", 8001, 0x0810, 1, UIN) + b"\x03\x87\x00" + struct.pack(">III", 2, 0, 0)
             + b"\x02\x01" + RANDOM_KEY + struct.pack(">HHH", 0x0131, 1, len(PUBLIC_KEY)) + PUBLIC_KEY
             + enc("wtlogin-req", plain, SHARE_KEY) + b"\x03")
    return b"\x02" + struct.pack(">H", len(inner) + 3) + inner


def wtlogin_response():
    """Status 0 and TLV 0x0119 under the TGTGT key holding 0x0143 and 0x0305."""
    t119_plain = struct.pack(">H", 3) + tlv(0x0143, D2_TOKEN) + tlv(0x0305, D2_KEY) + tlv(0x011A, b"\0\0\0\0")
    plain = struct.pack(">HBH", 9, 0, 1) + tlv(0x0119, enc("t119", t119_plain, TGTGT_KEY))
    inner = (struct.pack(">HHHI", 8001, 0x0810, 1, UIN) + b"\x00\x00\x00" + enc("wtlogin-resp", plain, SHARE_KEY)
             + b"\x03")
    return b"\x02" + struct.pack(">H", len(inner) + 3) + inner


HELLO = b"\x00\x00\x00\x15\x01\x33\x52\x39\x00\x00\x00\x00\x04MSF\x05\x00\x00\x00\x00"
HELLO_ANSWER = b"\x00\x00\x00\x19" + HELLO[4:] + b"\x00\x00\x00\x01"


# -- captures ----------------------------------------------------------------

def d2_session(c, key, first_seq, tag):
    """Going online, a message, a pushed group message, a heartbeat (0x0B)."""
    seq = first_seq
    c.client(outer_seq(0x0B, 1, seq, UIN, enc(tag + "/reg", payload(simple_head("StatSvc.register"), b"\x0a\x00"),
                                               key)))
    c.server(outer_reply(0x0B, 1, UIN, enc(tag + "/reg-r", payload(response_head(seq, "StatSvc.register"),
                                                                   b"\x08\x00"), key)))
    seq += 1
    c.client(outer_seq(0x0B, 1, seq, UIN, enc(tag + "/send", payload(simple_head("MessageSvc.PbSendMsg"),
                                                                     pb_send_msg(PEER, TEXT_OUT, 77)), key)))
    c.server(outer_reply(0x0B, 1, UIN, enc(tag + "/send-r", payload(response_head(seq, "MessageSvc.PbSendMsg"),
                                                                    b"\x08\x00"), key)))
    c.server(outer_reply(0x0B, 1, UIN, enc(tag + "/push", payload(
        response_head(0x7FFF0001, "OnlinePush.PbPushGroupMsg"), pb_push_group_msg(PEER, GROUP, TEXT_GROUP)), key)))
    seq += 1
    c.client(outer_seq(0x0B, 0, seq, UIN, payload(simple_head("Heartbeat.Alive"), b"")))
    c.server(outer_reply(0x0B, 0, UIN, payload(response_head(seq, "Heartbeat.Alive"), b"")))


def login():
    cap = Capture(start=1_700_000_000.0)
    c = cap.tcp(CLIENT, 40001, SERVER_8080, 8080)
    c.client(HELLO)
    c.server(HELLO_ANSWER)
    req_body = wtlogin_request([tlv(0x0018, b"\0\x01" + b"\0" * 14), tlv(0x0106, noise("qqsso/t106", 96))])
    c.client(outer_token(0x0A, 2, b"", UIN, enc("login", payload(login_head(1001, "wtlogin.login"), req_body),
                                                 ZERO_KEY)))
    c.server(outer_reply(0x0A, 2, UIN, enc("login-r", payload(response_head(1001, "wtlogin.login"),
                                                              wtlogin_response()), ZERO_KEY)))
    c.close()
    c = cap.tcp(CLIENT, 40002, SERVER_14000, 14000)
    d2_session(c, D2_KEY, 1002, "login-session")
    c.close()
    return cap


def keylog_session():
    cap = Capture(start=1_700_000_100.0)
    c = cap.tcp(CLIENT, 40010, SERVER_14000, 14000)
    c.client(HELLO)
    c.server(HELLO_ANSWER)
    # Android 0x0A with the D2 token (real captures: 00 00 00 44 and 64 bytes).
    c.client(outer_token(0x0A, 1, D2_TOKEN, UIN, enc("d2/reg", payload(login_head(2001, "StatSvc.register", D2_TOKEN),
                                                                        b"\x0a\x00"), D2_KEY_B)))
    c.server(outer_reply(0x0A, 1, UIN, enc("d2/reg-r", payload(response_head(2001, "StatSvc.register"), b"\x08\x00"),
                                           D2_KEY_B)))
    # Three PDUs in one segment.
    three = b"".join(outer_seq(0x0B, 1, 2002 + i, UIN, enc("d2/three%d" % i, payload(
        simple_head("OidbSvc.0x%x_%d" % (0x480 + i, i)), b"\x08\x01"), D2_KEY_B)) for i in range(3))
    c.client(three)
    # One PDU over three segments: a zlib reply (u32 length, then zlib).
    pb = pb_msg(1, ("friend list " * 40).encode())
    big = outer_reply(0x0B, 1, UIN, enc("d2/zlib", lv32(response_head(2002, "OidbSvc.0x480_0", compression=1))
                                        + struct.pack(">I", len(pb) + 4) + zlib.compress(pb, 9), D2_KEY_B))
    c.server(*split(big, 10, 40))
    c.server(b"".join(outer_reply(0x0B, 1, UIN, enc("d2/r%d" % i, payload(
        response_head(2002 + i, "OidbSvc.0x%x_%d" % (0x480 + i, i)), b"\x08\x00"), D2_KEY_B)) for i in (1, 2)))
    d2_session(c, D2_KEY_B, 2005, "d2")
    c.close()
    # PC QQ 2022: type 0x0D in the reply shape.
    c = cap.tcp(CLIENT, 40011, SERVER_14000, 14000)
    c.server(outer_reply(0x0D, 1, UIN, enc("d2/pcqq", payload(response_head(9, "trpc.msg.olpush.OlPushService.MsgPush"),
                                                              b"\x0a\x00"), D2_KEY_B)))
    c.close()
    # A second QQ number whose key in the key log is wrong.
    c = cap.tcp("10.0.0.6", 40020, SERVER_14000, 14000)
    c.client(outer_seq(0x0B, 1, 5, UIN2, enc("wrong", payload(simple_head("StatSvc.register"), b"\x0a\x00"),
                                              REAL_KEY_2)))
    c.close()
    # SSO in clear on TCP 443 and 80 (the shared-port guard), beside real TLS on 443.
    for port, seq in ((443, 3001), (80, 3002)):
        c = cap.tcp(CLIENT, 40030 + port % 100, SERVER_14000, port)
        c.client(outer_seq(0x0B, 1, seq, UIN, enc("d2/port%d" % port, payload(simple_head("StatSvc.register"),
                                                                                b"\x0a\x00"), D2_KEY_B)))
        c.server(outer_reply(0x0B, 1, UIN, enc("d2/port%d-r" % port, payload(response_head(seq, "StatSvc.register"),
                                                                               b"\x08\x00"), D2_KEY_B)))
        c.close()
    c = cap.tcp(CLIENT, 40040, SERVER_14000, 443)
    c.client(tls_client_hello())
    c.close()
    # QQNT (type 0x0C, Lagrange's SsoPacker): the head names the locale
    # where 0x0A heads put the sub app id, and ends in a version (lv16) and
    # a signature protobuf; the reply head ends in a reserve field.
    c = cap.tcp(CLIENT, 40050, SERVER_14000, 8080)
    c.client(outer_token(0x0C, 1, D2_TOKEN, UIN, enc("nt", payload(nt_head(4001, "trpc.qq_new_tech.status_svc."
                                                                                    "StatusService.Register"),
                                                                   b"\x08\x01"), D2_KEY_B)))
    c.server(outer_reply(0x0C, 1, UIN, enc("nt-r", payload(
        response_head(4001, "trpc.qq_new_tech.status_svc.StatusService.Register") + struct.pack(">I", 2) + b"\x08\x01",
        b"\x0a\x02ok"), D2_KEY_B)))
    c.close()
    # On a port nothing is registered on (found by the heuristic), a reply
    # whose return code says the session expired.
    c = cap.tcp(CLIENT, 40060, SERVER_14000, 36000)
    c.client(outer_seq(0x0B, 1, 5001, UIN, enc("port36000", payload(simple_head("OidbSvc.0x5eb_22"), b"\x08\x01"),
                                                 D2_KEY_B)))
    c.server(outer_reply(0x0B, 1, UIN, enc("port36000-r", payload(response_head(5001, "OidbSvc.0x5eb_22",
                                                                                retcode=-10008), b""), D2_KEY_B)))
    c.close()
    return cap


def nt_head(seq, cmd):
    """Request head of a QQNT (0x0C) PDU."""
    guid = noise("qqsso/nt-guid", 16).hex().encode()
    return (struct.pack(">III", seq, 537234773, 2052) + bytes.fromhex("020000000000000000000000") + lv32(D2_TOKEN)
            + lv32(cmd.encode()) + lv32(b"") + lv32(guid) + lv32(b"") + struct.pack(">H", 2 + 6) + b"3.2.15"
            + lv32(pb_msg(15, b"trace")))


def tls_client_hello():
    """A minimal TLS 1.2 ClientHello record (one cipher suite, no extensions)."""
    body = (b"\x03\x03" + noise("qqsso/tls-random", 32) + b"\x00" + b"\x00\x02\x00\x2f" + b"\x01\x00")
    hs = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + len(hs).to_bytes(2, "big") + hs


def hostile():
    cap = Capture(start=1_700_000_200.0)
    good = payload(simple_head("StatSvc.register"), b"\x0a\x00")

    def conn(port, *segments):
        c = cap.tcp(CLIENT, port, SERVER_14000, 14000)
        c.client(*segments)
        c.close()

    # The length says more than the connection ever sends.
    conn(41001, struct.pack(">I", 0x7FFF) + b"\0\0\0\x0b\x02" + b"x" * 20)
    # Lengths out of bounds (under the minimum, over 16 MiB).
    conn(41002, struct.pack(">I", 5) + b"\0" * 20)
    conn(41003, struct.pack(">I", 0x7F000000) + b"\0\0\0\x0b\x02" + b"\0" * 20)
    # A QQ number with letters: no layout fits.
    conn(41004, pdu(struct.pack(">IBI", 0x0B, 2, 1) + b"\0" + lv32(b"48x732996") + enc("h1", good, ZERO_KEY)))
    # Ciphertext not in whole blocks.
    conn(41005, outer_seq(0x0B, 2, 1, UIN, enc("h2", good, ZERO_KEY) + b"\x01\x02\x03"))
    # Head length past the end of the payload.
    conn(41006, outer_seq(0x0B, 2, 1, UIN, enc("h3", struct.pack(">I", 9999) + b"\0" * 12, ZERO_KEY)))
    # Body length past the end.
    conn(41007, outer_seq(0x0B, 2, 1, UIN, enc("h4", lv32(simple_head("StatSvc.register"))
                                                + struct.pack(">I", 5000) + b"ab", ZERO_KEY)))
    # Command length past the end of the head.
    conn(41008, outer_seq(0x0B, 2, 1, UIN, enc("h5", lv32(struct.pack(">I", 300) + b"StatSvc.x") + lv32(b""),
                                                ZERO_KEY)))
    # zlib flag with data that is not zlib.
    conn(41009, outer_reply(0x0B, 2, UIN, enc("h6", lv32(response_head(1, "OidbSvc.0x480_0", compression=1))
                                              + struct.pack(">I", 20) + b"not zlib at all!", ZERO_KEY)))
    # A wtlogin TLV running past its end (the 0x45 method opens with its clear random key).
    plain = struct.pack(">HH", 9, 1) + struct.pack(">HH", 0x0106, 500) + b"short"
    inner = (struct.pack(">HHHI", 8001, 0x0810, 1, UIN) + b"\x03\x45\x00" + struct.pack(">III", 2, 0, 0)
             + b"\x01\x03" + RANDOM_KEY + b"\x01\x02\x00\x00" + enc("h7", plain, RANDOM_KEY) + b"\x03")
    wt = b"\x02" + struct.pack(">H", len(inner) + 3) + inner
    conn(41010, outer_token(0x0A, 2, b"", UIN, enc("h8", payload(login_head(1, "wtlogin.login"), wt), ZERO_KEY)))
    # Unknown type on a connection already known to be SSO (shown, not rejected).
    conn(41011, HELLO, outer_reply(0x2A, 2, UIN, enc("h9", good, ZERO_KEY)))
    # Caught mid-stream (no handshake): the first segment is the tail of a
    # PDU, the next one starts a whole PDU, which is read.
    c = cap.tcp(CLIENT, 41012, SERVER_14000, 14000, handshake=False)
    whole = outer_seq(0x0B, 2, 7, UIN, enc("h10", good, ZERO_KEY))
    c.client(whole[15:], whole)
    c.close()
    # An encryption byte no source names, on a connection known to be SSO.
    conn(41013, HELLO, outer_reply(0x0B, 3, UIN, b"opaque bytes"))
    return cap


CAPTURES = {
    "qqsso-login.pcap": login,
    "qqsso-d2.pcap": keylog_session,
    "qqsso-hostile.pcap": hostile,
}

TEXT_FILES = {
    "qqsso-login.keys": LOGIN_KEYS_TEXT,
    "qqsso-d2.keys": D2_KEYS_TEXT,
}
