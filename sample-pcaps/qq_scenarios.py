# SPDX-License-Identifier: GPL-2.0-or-later
"""QQ sample captures.

The recorded QQ2010 session (doc/qq.md section 5: a QQ2010
client, version 0x1c51, QQ number 550313996) over UDP 8000 and over TCP 443,
every header variant of doc/qq.md section 3, and traffic that the QQ
dissector must not claim.  Bodies are encrypted on the wire, so they are
stand-in bytes from SHA-256 (deterministic, random-looking).
"""

import hashlib
import struct

from pcapgen import Capture, split, _checksum

UIN = 550313996                 # 0x20cd200c
V_SOURCE_DOC = 0x1C51           # the recorded QQ2010 client (in no public table)
CLIENT = "192.168.1.100"
LOGIN_SERVER = "219.133.49.171"
RELAY = "119.147.45.84"
TCP_SERVER = "219.133.60.173"

FIXED_2010 = bytes([0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00])


def noise(tag, n):
    """n deterministic random-looking bytes named by tag."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(("%s/%d" % (tag, i)).encode()).digest()
        i += 1
    return out[:n]


def qq(version, cmd, seq, body, uin=UIN, ext=b""):
    """A basic-family packet: 02 ver cmd seq [uin] [ext] body 03."""
    head = struct.pack("!BHHH", 0x02, version, cmd, seq)
    if uin is not None:
        head += struct.pack("!I", uin)
    return head + ext + body + b"\x03"


def login_body(tag, n=48):
    """16 clear key bytes, then the encrypted part."""
    return noise(tag + "/key", 16) + noise(tag + "/enc", n)


def framed(packet):
    """TCP framing: a 2-byte length that counts itself."""
    return struct.pack("!H", len(packet) + 2) + packet


def udp_session():
    cap = Capture()
    cport = 4000

    def c2s(server, pkt):
        cap.udp(CLIENT, cport, server, 8000, pkt)

    def s2c(server, pkt):
        cap.udp(server, 8000, CLIENT, cport, pkt)

    v = V_SOURCE_DOC
    # 1-4: login (touch server) sent three times, identical, then the reply.
    login = qq(v, 0x0091, 0x0314, login_body("login1"))
    for _ in range(3):
        c2s(LOGIN_SERVER, login)
    s2c(LOGIN_SERVER, qq(v, 0x0091, 0x0314, noise("login1/reply", 32)))
    # 5-6: login at the relay the login server pointed to.
    cap.advance(0.5)
    c2s(RELAY, qq(v, 0x0091, 0x0315, login_body("login2")))
    s2c(RELAY, qq(v, 0x0091, 0x0315, noise("login2/reply", 64)))
    # 7-10: keep-alive and reply, about a minute apart.
    c2s(RELAY, qq(v, 0x0058, 0x0316, noise("ka1", 16)))
    s2c(RELAY, qq(v, 0x0058, 0x0316, noise("ka1/reply", 24)))
    cap.advance(60)
    c2s(RELAY, qq(v, 0x0058, 0x0317, noise("ka2", 16)))
    s2c(RELAY, qq(v, 0x0058, 0x0317, noise("ka2/reply", 24)))
    # 11-12: send text message, server ack (same cmd and seq).
    c2s(RELAY, qq(v, 0x00CD, 0x0318, noise("im-out", 120)))
    s2c(RELAY, qq(v, 0x00CD, 0x0318, noise("im-out/ack", 16)))
    # 13-14: text message pushed by the server, client ack.
    s2c(RELAY, qq(v, 0x00CE, 0x5A21, noise("im-in", 136)))
    c2s(RELAY, qq(v, 0x00CE, 0x5A21, noise("im-in/ack", 16)))
    # 15-20: logout sent three times, answered three times.
    cap.advance(5)
    logout = qq(v, 0x00B9, 0x0319, noise("logout", 16))
    for _ in range(3):
        c2s(RELAY, logout)
    logout_reply = qq(v, 0x00B9, 0x0319, noise("logout/reply", 16))
    for _ in range(3):
        s2c(RELAY, logout_reply)
    # 21-24: logout confirmation sent four times.
    confirm = qq(v, 0x0062, 0x031A, noise("confirm", 16))
    for _ in range(4):
        c2s(RELAY, confirm)
    return cap


def tls_record(ctype, body):
    return struct.pack("!BHH", ctype, 0x0303, len(body)) + body


def handshake(htype, body):
    return struct.pack("!B", htype) + struct.pack("!I", len(body))[1:] + body


def client_hello(host):
    name = host.encode()
    sni = struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    exts = struct.pack("!HH", 0x0000, len(sni)) + sni
    groups = struct.pack("!H", 4) + struct.pack("!HH", 0x001D, 0x0017)
    exts += struct.pack("!HH", 0x000A, len(groups)) + groups
    sigalgs = struct.pack("!H", 4) + struct.pack("!HH", 0x0403, 0x0804)
    exts += struct.pack("!HH", 0x000D, len(sigalgs)) + sigalgs
    suites = struct.pack("!HHHH", 0xC02B, 0xC02F, 0xC030, 0x009C)
    body = (struct.pack("!H", 0x0303) + noise("tls/crandom", 32) + b"\x20" + noise("tls/sid", 32)
            + struct.pack("!H", len(suites)) + suites + b"\x01\x00"
            + struct.pack("!H", len(exts)) + exts)
    return tls_record(22, handshake(1, body))


def server_hello():
    exts = struct.pack("!HH", 0xFF01, 1) + b"\x00"
    body = (struct.pack("!H", 0x0303) + noise("tls/srandom", 32) + b"\x20" + noise("tls/sid", 32)
            + struct.pack("!H", 0xC02F) + b"\x00" + struct.pack("!H", len(exts)) + exts)
    return tls_record(22, handshake(2, body) + handshake(14, b""))


def tcp_443():
    cap = Capture()
    v = V_SOURCE_DOC
    c = cap.tcp(CLIENT, 3456, TCP_SERVER, 443)
    # One packet per segment.
    c.client(framed(qq(v, 0x0091, 0x0400, login_body("tcp-login"))))
    c.server(framed(qq(v, 0x0091, 0x0400, noise("tcp-login/reply", 48))))
    # Two packets in one segment, and both replies in one segment.
    c.client(framed(qq(v, 0x0058, 0x0401, noise("tcp-ka", 16)))
             + framed(qq(v, 0x00CD, 0x0402, noise("tcp-im", 40))))
    c.server(framed(qq(v, 0x0058, 0x0401, noise("tcp-ka/reply", 24)))
             + framed(qq(v, 0x00CD, 0x0402, noise("tcp-im/ack", 16))))
    # One packet over two segments.
    big = framed(qq(v, 0x00CD, 0x0403, noise("tcp-im2", 300)))
    c.client(*split(big, 100))
    c.server(framed(qq(v, 0x00CD, 0x0403, noise("tcp-im2/ack", 16))))
    c.close()
    # A real-looking TLS handshake on 443 in the same capture: stays TLS.
    t = cap.tcp(CLIENT, 3457, "183.3.226.35", 443, isn=(7000, 9000))
    t.client(client_hello("weixin.qq.com"))
    t.server(server_hello())
    t.close()
    # A QQ conversation on 443 whose first packet spans two segments.
    c = cap.tcp(CLIENT, 3458, TCP_SERVER, 443, isn=(11000, 13000))
    first = framed(qq(v, 0x0091, 0x0500, login_body("tcp-split-login", 400)))
    c.client(*split(first, 60))
    c.server(framed(qq(v, 0x0091, 0x0500, noise("tcp-split-login/reply", 48))))
    c.close()
    return cap


def variants():
    cap = Capture()
    # Classic request (11-byte header) and reply (7-byte header), QQ2005/2006.
    cl, srv = "10.0.0.5", "202.96.170.164"
    cap.udp(cl, 4000, srv, 8000, qq(0x0E1B, 0x0022, 0x0001, login_body("classic-login"), uin=12345678))
    cap.udp(srv, 8000, cl, 4000, qq(0x0E1B, 0x0022, 0x0001, noise("classic-login/reply", 40), uin=None))
    cap.udp(cl, 4000, srv, 8000, qq(0x0E1B, 0x0002, 0x0002, noise("classic-ka", 16), uin=12345678))
    cap.udp(srv, 8000, cl, 4000, qq(0x0E1B, 0x0002, 0x0002, noise("classic-ka/reply", 16), uin=None))
    # QQ2010+ request (22-byte header) and reply (14-byte header), QQ2010 Intl.
    cl = "10.0.0.6"
    ext = FIXED_2010 + b"\x2a\x05"
    cap.udp(cl, 4001, srv, 8000, qq(0x1E0D, 0x0091, 0x1001, login_body("2010-touch"), uin=87654321, ext=ext))
    cap.udp(srv, 8000, cl, 4001, qq(0x1E0D, 0x0091, 0x1001, noise("2010-touch/reply", 32),
                                    uin=87654321, ext=b"\x00\x00\x00"))
    cap.udp(cl, 4001, srv, 8000, qq(0x1E0D, 0x0058, 0x1002, noise("2010-ka", 16), uin=87654321, ext=ext))
    cap.udp(srv, 8000, cl, 4001, qq(0x1E0D, 0x0058, 0x1002, noise("2010-ka/reply", 16),
                                    uin=87654321, ext=b"\x00\x00\x00"))
    # TIM request (26-byte header) with a login key.
    tim_ext = b"\x03\x00\x00" + struct.pack("!I", 0x00012E01) + struct.pack("!I", 0x00006852) + b"\0\0\0\0"
    cap.udp("10.0.0.7", 4002, "183.60.56.100", 8000,
            qq(0x3713, 0x0825, 0x2001, login_body("tim-touch"), uin=1000001, ext=tim_ext))
    # Other families, each with the 0x03 tail.
    fam = ("10.0.0.8", 4003, srv, 8000)
    cap.udp(*fam, b"\x00" + noise("p2p", 20) + b"\x03")
    cap.udp(*fam, b"\x03" + noise("custom-head", 20) + b"\x03")
    cap.udp(*fam, b"\x04" + noise("file", 20) + b"\x03")
    cap.udp(*fam, b"\x05" + noise("emoticon", 24) + b"\x03")
    # TCP 8000 framing with classic packets; an unknown command and an
    # unknown version on the way (never rejected, only noted).
    c = cap.tcp("10.0.0.9", 5000, "58.60.14.37", 8000)
    c.client(framed(qq(0x0E1B, 0x0062, 0x3001, login_body("tcp8000-token"), uin=12345678)))
    c.server(framed(qq(0x0E1B, 0x0062, 0x3001, noise("tcp8000-token/reply", 24), uin=None)))
    c.client(framed(qq(0x0E1B, 0x7777, 0x3002, noise("tcp8000-unknown-cmd", 16), uin=12345678))
             + framed(qq(0x2A2A, 0x0002, 0x3003, noise("tcp8000-unknown-ver", 16), uin=12345678)))
    c.close()
    # 23-24, 25-30: QQ on ports nobody registers: found by the heuristics.
    cap.udp("10.0.0.10", 4005, "58.60.14.40", 9000,
            qq(0x1E0D, 0x0058, 0x4001, noise("heur-ka", 16), uin=87654321, ext=ext))
    cap.udp("58.60.14.40", 9000, "10.0.0.10", 4005,
            qq(0x1E0D, 0x0058, 0x4001, noise("heur-ka/reply", 16), uin=87654321, ext=b"\x00\x00\x00"))
    c = cap.tcp("10.0.0.11", 5002, "58.60.14.41", 9001)
    c.client(framed(qq(0x0E1B, 0x0002, 0x4002, noise("heur-tcp-ka", 16), uin=12345678)))
    c.server(framed(qq(0x0E1B, 0x0002, 0x4002, noise("heur-tcp-ka/reply", 16), uin=None)))
    return cap


def negatives():
    cap = Capture()
    cl, srv = "10.1.0.5", "10.1.0.1"
    # Text on UDP 8000.
    cap.udp(cl, 4000, srv, 8000, b"HELLO server, this is plain text and not QQ\r\n")
    # Runts that start like QQ but are shorter than a request header.
    for n in range(1, 11):
        runt = (b"\x02" + noise("runt%d" % n, 10))[:n]
        if n >= 2:
            runt = runt[:-1] + b"\x03"
        cap.udp(cl, 4000 + n, srv, 8000, runt)
    # A DNS query and response.
    q = (struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
         + b"\x02qq\x03com\x00" + struct.pack("!HH", 1, 1))
    cap.udp(cl, 53001, "10.1.0.53", 53, q)
    a = (struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0)
         + b"\x02qq\x03com\x00" + struct.pack("!HH", 1, 1)
         + b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([61, 135, 157, 156]))
    cap.udp("10.1.0.53", 53, cl, 53001, a)
    # Random binary on odd UDP and TCP ports.
    for i in range(4):
        cap.udp(cl, 40001 + i, srv, 40101 + i, noise("udp-random%d" % i, 30 + 17 * i))
    c = cap.tcp(cl, 41000, srv, 7777)
    c.client(noise("tcp-random-c", 60))
    c.server(noise("tcp-random-s", 90))
    c.close()
    # HTTP on TCP 8000 (a common alternative HTTP port).
    c = cap.tcp(cl, 41001, srv, 8000)
    c.client(b"GET /index.html HTTP/1.1\r\nHost: 10.1.0.1:8000\r\n\r\n")
    c.server(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
    c.close()
    # QQ-shaped data with command 0 (or version 0xffff) on ports nobody
    # registers: the heuristics want a plausible version and a command.
    cap.udp(cl, 40201, srv, 40301, qq(0x0E1B, 0x0000, 0x0001, noise("cmd0", 16), uin=1))
    cap.udp(cl, 40202, srv, 40302, qq(0xFFFF, 0x0058, 0x0001, noise("ver-ffff", 16), uin=1))
    c = cap.tcp(cl, 41002, srv, 7778)
    c.client(framed(qq(0x0E1B, 0x0000, 0x0001, noise("tcp-cmd0", 16), uin=1)))
    c.close()
    c = cap.tcp(cl, 41003, srv, 7779)
    c.client(framed(qq(0xFFFF, 0x0058, 0x0001, noise("tcp-ver-ffff", 16), uin=1)))
    c.close()
    return cap


def malformed():
    cap = Capture()
    cl, srv = "10.2.0.5", "10.2.0.1"
    # 1: UDP 8000 request whose last byte is not the 0x03 tail.
    cap.udp(cl, 4000, srv, 8000, qq(0x1E0D, 0x0058, 0x0001, noise("bad-tail", 16))[:-1] + b"\x00")
    # 2: the shortest classic reply (7-byte header, empty body, tail).
    cap.udp(srv, 8000, cl, 4000, qq(0x0E1B, 0x0058, 0x0001, b"", uin=None))
    c = cap.tcp(cl, 5001, srv, 8000)
    # 6: a framed request of 10 bytes: shorter than a request header.
    c.client(framed(b"\x02\x0e\x1b\x00\x02\x00\x07\x00\x00\x03"))
    # 7: a length field below the minimum, then junk.
    c.client(b"\x00\x04\x02" + noise("junk", 20))
    # 8: a plausible length (0x0102) not followed by the 0x02 flag: the
    # reader skips to the byte after the next 0x03 and finds two packets.
    c.client(b"\x01\x02\x03"
             + framed(qq(0x0E1B, 0x0002, 0x0008, noise("resync-ka", 16), uin=12345678))
             + framed(qq(0x0E1B, 0x0027, 0x0009, noise("resync-online", 8), uin=12345678)))
    # 9: later segments of the stream are QQ as usual.
    c.client(framed(qq(0x0E1B, 0x0002, 0x000A, noise("after-resync", 16), uin=12345678)))
    c.close()
    # 14-18: a TCP 8000 capture that starts in the middle of a packet: the
    # first segment (its end) is left alone, the next ones are QQ.
    c = cap.tcp(cl, 5002, srv, 8000)
    c.client(noise("mid-stream", 30) + b"\x03")
    c.client(framed(qq(0x0E1B, 0x0002, 0x000B, noise("mid-stream-ka", 16), uin=12345678)))
    c.server(framed(qq(0x0E1B, 0x0002, 0x000B, noise("mid-stream-ka/reply", 16), uin=None)))
    c.close()
    # 22: an ICMP port unreachable that quotes a server-to-client QQ packet on
    # a port nobody registers, before any QQ of that conversation; 23-24: the
    # conversation itself, whose directions must not come from the quote.
    srv9 = "10.2.0.9"
    ext = FIXED_2010 + b"\x2a\x05"
    quoted = Capture()
    quoted.udp(srv9, 9100, cl, 4100, qq(0x1E0D, 0x0058, 0x0C01, noise("icmp/quoted", 16), uin=87654321,
                                        ext=b"\x00\x00\x00"))
    ip_and_udp = quoted.frames[0][1][14:]
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + ip_and_udp
    icmp = icmp[:2] + struct.pack("!H", _checksum(icmp)) + icmp[4:]
    cap.ipv4_frame(cl, srv9, 1, icmp)
    cap.udp(cl, 4100, srv9, 9100, qq(0x1E0D, 0x0058, 0x0C02, noise("icmp/ka", 16), uin=87654321, ext=ext))
    cap.udp(srv9, 9100, cl, 4100, qq(0x1E0D, 0x0058, 0x0C02, noise("icmp/ka-reply", 16), uin=87654321,
                                     ext=b"\x00\x00\x00"))
    return cap


# Command codes of doc/qq.md section 6 per era, one request each.
CMDS_CLASSIC = [0x0001, 0x0002, 0x0004, 0x0005, 0x0006, 0x0009, 0x000A, 0x000B, 0x000D, 0x0012,
                0x0016, 0x0017, 0x001C, 0x001D, 0x0021, 0x0022, 0x0026, 0x0027, 0x0029, 0x002D,
                0x0030, 0x0031, 0x003C, 0x003D, 0x003E, 0x0058, 0x005C, 0x005E, 0x005F, 0x0061,
                0x0062, 0x0065, 0x0066, 0x0067, 0x0080, 0x0081, 0x0091, 0x00A6, 0x00A7, 0x00A8,
                0x00AE, 0x00B5, 0x00B7, 0x00BA, 0x00DD, 0x03F7]
CMDS_2010 = [0x0001, 0x0002, 0x0004, 0x0005, 0x0009, 0x000A, 0x000B, 0x000D, 0x0012, 0x0017,
             0x001C, 0x001D, 0x0021, 0x0027, 0x0029, 0x0030, 0x003C, 0x003E, 0x0058, 0x0062,
             0x0067, 0x0080, 0x0081, 0x0091, 0x00A6, 0x00A7, 0x00A8, 0x00AE, 0x00B5, 0x00B7,
             0x00BA, 0x00CD, 0x00CE, 0x00D5, 0x00DD, 0x00E3, 0x00E5, 0x00E9, 0x00EA, 0x00EB,
             0x00EC, 0x00ED, 0x0126]
CMDS_SOURCE_DOC = [0x0058, 0x0062, 0x0091, 0x00B9, 0x00CD, 0x00CE]
CMDS_TIM = [0x00EC, 0x0319, 0x0825, 0x0828, 0x0836]
# Versions in no table: the era is assumed from the range.
UNKNOWN_VERSIONS = [0x0A00, 0x2A2A, 0x3C00]


def commands():
    cap = Capture()
    srv = "58.60.14.50"
    seq = 0x6000
    tim_ext = b"\x03\x00\x00" + struct.pack("!I", 0x00012E01) + struct.pack("!I", 0x00006852) + b"\0\0\0\0"
    eras = [(0x0E1B, CMDS_CLASSIC, b""), (0x1E0D, CMDS_2010, FIXED_2010 + b"\x2a\x05"),
            (V_SOURCE_DOC, CMDS_SOURCE_DOC, b""), (0x3713, CMDS_TIM, tim_ext)]
    eras += [(v, [0x0062], b"") for v in UNKNOWN_VERSIONS]
    for i, (version, cmds, ext) in enumerate(eras):
        for cmd in cmds:
            seq += 1
            cap.udp("10.3.0.%d" % (i + 1), 4000, srv, 8000,
                    qq(version, cmd, seq, noise("cmd%04x/%04x" % (version, cmd), 32), uin=20000 + i, ext=ext))
    # 104-108: classic server pushes. A message (0x0017) and a system message
    # (0x0080) are acked by the client with the same command and sequence; a
    # buddy status change (0x0081) is never acked.
    cl = "10.3.0.20"
    cap.udp(cl, 4000, srv, 8000, qq(0x0E1B, 0x0002, 0x7001, noise("push/ka", 16), uin=30000))
    cap.udp(srv, 8000, cl, 4000, qq(0x0E1B, 0x0017, 0x9001, noise("push/im", 64), uin=None))
    cap.udp(cl, 4000, srv, 8000, qq(0x0E1B, 0x0017, 0x9001, noise("push/im-ack", 16), uin=30000))
    cap.udp(srv, 8000, cl, 4000, qq(0x0E1B, 0x0081, 0x9002, noise("push/status", 24), uin=None))
    cap.udp(srv, 8000, cl, 4000, qq(0x0E1B, 0x0080, 0x9003, noise("push/sys", 32), uin=None))
    cap.advance(0.25)
    cap.udp(cl, 4000, srv, 8000, qq(0x0E1B, 0x0080, 0x9003, noise("push/sys-ack", 16), uin=30000))
    # 110-112: one keep-alive answered twice (the second answer is a duplicate).
    cl = "10.3.0.21"
    cap.udp(cl, 4000, srv, 8000, qq(0x1E0D, 0x0058, 0x7101, noise("dup/ka", 16), uin=30001,
                                    ext=FIXED_2010 + b"\x2a\x05"))
    for _ in range(2):
        cap.udp(srv, 8000, cl, 4000, qq(0x1E0D, 0x0058, 0x7101, noise("dup/ka-reply", 16), uin=30001,
                                        ext=b"\x00\x00\x00"))
    return cap


# PC QQ 2012+ (doc/qq.md sections 3 and 4): the header shapes of real 2016-2024
# clients. A request extension is flag, 2 reserved bytes, client type and
# build; the login header adds 4 reserved bytes; servers send 14-byte
# headers whose 3 reply-flag bytes vary.
PCQQ_VERSION = 0x3B0B
PCQQ_UIN = 123456789
PCQQ_BUILD = 0x6A64
PCQQ_CLIENT_TYPE = 0x00010101


def pcqq_ext(flag, build=PCQQ_BUILD):
    return struct.pack("!BHII", flag, 0, PCQQ_CLIENT_TYPE, build)


def pcqq_login_ext():
    return pcqq_ext(0x03) + b"\0\0\0\0"


def pcqq_reply_flags(b1, b2, b3):
    return bytes([b1, b2, b3])


def tlv(tag, value):
    return struct.pack("!HH", tag, len(value)) + value


# mirai's SubmitPasswordPacket: a count, TLV 0x0103 (the 25-byte public
# key), TLV 0x0000 (a 16-byte key); the 0x0828 request of a real 0x3649
# client: 00 30 00 3a 00 38 and a 56-byte token (TLV 0x0030 holding the
# token with its own 2-byte length).
LOGIN_0836_CLEAR = b"\x00\x01" + tlv(0x0103, noise("pc/pubkey", 25)) + tlv(0x0000, noise("pc/key0836", 16))
LOGIN_0828_CLEAR = tlv(0x0030, struct.pack("!H", 56) + noise("pc/token0109", 56))


def pcqq():
    cap = Capture()
    cl, srv = "10.4.0.5", "183.3.235.37"
    v, uin = PCQQ_VERSION, PCQQ_UIN

    def c2s(pkt, cport=4000, server=srv):
        cap.udp(cl, cport, server, 8000, pkt)

    def s2c(pkt, cport=4000, server=srv):
        cap.udp(server, 8000, cl, cport, pkt)

    # 1-2: the capture starts with server pushes, before any client packet;
    # the second push's reply-flag bytes are 00 00 bc.
    s2c(qq(v, 0x0081, 0xB4FC, noise("pc/status", 72), uin=uin, ext=pcqq_reply_flags(0, 0, 0)))
    s2c(qq(v, 0x0017, 0x2CF2, noise("pc/group-msg", 64), uin=uin, ext=pcqq_reply_flags(0, 0, 0xBC)))
    # 3: the client's ack of the push (22-byte header, flag 0x02).
    c2s(qq(v, 0x0017, 0x2CF2, noise("pc/group-msg-ack", 32), uin=uin, ext=pcqq_ext(0x02)))
    # 4-5: send a message; the server's ack has reply flags 00 20 00.
    c2s(qq(v, 0x00CD, 0x31C9, noise("pc/send", 128), uin=uin, ext=pcqq_ext(0x02)))
    s2c(qq(v, 0x00CD, 0x31C9, noise("pc/send-ack", 16), uin=uin, ext=pcqq_reply_flags(0, 0x20, 0)))
    # 6-7: a request with extension flag 0x04 and 8 zero bytes (30-byte
    # header); reply flags 00 04 00.
    c2s(qq(v, 0x03E3, 0x1CD2, b"\0" * 8 + noise("pc/pb", 64), uin=uin, ext=pcqq_ext(0x04)))
    s2c(qq(v, 0x03E3, 0x1CD2, noise("pc/pb-reply", 48), uin=uin, ext=pcqq_reply_flags(0, 0x04, 0)))
    # 8-9: heartbeat; reply flags 00 04 7f.
    c2s(qq(v, 0x0058, 0x1B6A, noise("pc/hb", 16), uin=uin, ext=pcqq_ext(0x02)))
    s2c(qq(v, 0x0058, 0x1B6A, noise("pc/hb-reply", 24), uin=uin, ext=pcqq_reply_flags(0, 0x04, 0x7F)))
    # 10-11: 0x00b9, whose reply carries the client's build in the version field.
    c2s(qq(v, 0x00B9, 0x28FE, noise("pc/b9", 88), uin=uin, ext=pcqq_ext(0x02)))
    s2c(qq(PCQQ_BUILD, 0x00B9, 0x28FE, noise("pc/b9-reply", 16), uin=uin, ext=pcqq_reply_flags(0, 0, 0)))
    # 12: extension flag 0x04 without the zero run: the 22-byte header holds.
    c2s(qq(v, 0x0319, 0x44D7, noise("pc/flag4-no-zeros", 56), uin=uin, ext=pcqq_ext(0x04)))
    # 13-14: the one-way 0x0001 (11-byte header, 8 zero bytes, 24 or 32
    # bytes of ciphertext) to another server, never answered.
    one_way = "58.60.10.45"
    c2s(qq(v, 0x0001, 0x0017, b"\0" * 8 + noise("pc/oneway1", 24), uin=uin), cport=4001, server=one_way)
    c2s(qq(v, 0x0001, 0x0018, b"\0" * 8 + noise("pc/oneway2", 32), uin=uin), cport=4001, server=one_way)
    # 15-20: a login at the login server: touch (0x0825, key at offset 26)
    # and its reply, password check (0x0836: 26-byte header, then a count
    # and two clear-text TLVs, the client's public key and a key, before
    # the ciphertext), its reply (flags 00 08 00), a QR-code login (0x0818,
    # key at offset 26) and its reply.
    login = "183.60.56.100"
    c2s(qq(v, 0x0825, 0x3001, login_body("pc/touch", 112), uin=uin, ext=pcqq_login_ext()),
        cport=4002, server=login)
    s2c(qq(v, 0x0825, 0x3001, noise("pc/touch-reply", 120), uin=uin, ext=pcqq_reply_flags(0, 0, 0)),
        cport=4002, server=login)
    c2s(qq(v, 0x0836, 0x3002, LOGIN_0836_CLEAR + noise("pc/login-enc", 96), uin=uin,
           ext=pcqq_login_ext()), cport=4002, server=login)
    s2c(qq(v, 0x0836, 0x3002, noise("pc/login-reply", 96), uin=uin, ext=pcqq_reply_flags(0, 0x08, 0)),
        cport=4002, server=login)
    c2s(qq(v, 0x0818, 0x3003, login_body("pc/qr", 64), uin=0, ext=pcqq_login_ext()), cport=4002, server=login)
    s2c(qq(v, 0x0818, 0x3003, noise("pc/qr-reply", 80), uin=0, ext=pcqq_reply_flags(0, 0, 0)),
        cport=4002, server=login)
    # 21: the other Tencent family: 02 03, a 4-byte length of the
    # ciphertext, the QQ number, two 4-byte words, the ciphertext (83 bytes
    # with length 0x40, as on the wire).
    c2s(family_0203(uin, 0x0000015B, 0x00010000, noise("pc/0203", 64)), cport=5000)
    # 22-23: a version inside the PC QQ range that no table lists.
    c2s(qq(0x3D11, 0x0058, 0x5001, noise("pc/3d11", 16), uin=uin, ext=pcqq_ext(0x02)), cport=4003)
    s2c(qq(0x3D11, 0x0058, 0x5001, noise("pc/3d11-reply", 16), uin=uin, ext=pcqq_reply_flags(0, 0, 0)),
        cport=4003)
    # 24-26: a version outside every range, twice, and the server's reply:
    # noted once for the conversation.
    c2s(qq(0x5A5A, 0x0058, 0x6001, noise("pc/5a5a-1", 16), uin=uin, ext=pcqq_ext(0x02)), cport=4004)
    c2s(qq(0x5A5A, 0x0058, 0x6002, noise("pc/5a5a-2", 16), uin=uin, ext=pcqq_ext(0x02)), cport=4004)
    s2c(qq(0x5A5A, 0x0058, 0x6001, noise("pc/5a5a-reply", 16), uin=uin, ext=pcqq_reply_flags(0, 0, 0)),
        cport=4004)
    # 27-28: bodies that no layout leaves whole cipher blocks: the extension
    # flag (client) and the generation's server header decide.
    c2s(qq(v, 0x0058, 0x1B6B, noise("pc/odd", 10), uin=uin, ext=pcqq_ext(0x02)))
    s2c(qq(v, 0x0058, 0x1B6B, noise("pc/odd-reply", 10), uin=uin, ext=pcqq_reply_flags(0, 0x04, 0)))
    # 29-30: a session-key request (0x0828: the 22-byte header of extension
    # flag 0x02, then the clear-text token before the ciphertext, as a real
    # 0x3649 client sends it) and its reply.
    c2s(qq(v, 0x0828, 0x3004, LOGIN_0828_CLEAR + noise("pc/session-enc", 64), uin=uin, ext=pcqq_ext(0x02)),
        cport=4002, server=login)
    s2c(qq(v, 0x0828, 0x3004, noise("pc/session-reply", 112), uin=uin, ext=pcqq_reply_flags(0, 0, 0)),
        cport=4002, server=login)
    # 31-33: PC QQ over TCP 443 caught mid-stream (no handshake in the
    # capture): a push, a request with flag 0x04 and its reply.
    c = cap.tcp(cl, 54500, "14.215.138.21", 443, handshake=False)
    c.server(framed(qq(0x3841, 0x0081, 0xDADD, noise("pc443/status", 64), uin=uin,
                       ext=pcqq_reply_flags(0, 0, 0))))
    c.client(framed(qq(0x3841, 0x0425, 0x225B, b"\0" * 8 + noise("pc443/req", 136), uin=uin,
                       ext=pcqq_ext(0x04, 0x6942))))
    c.server(framed(qq(0x3841, 0x0425, 0x225B, noise("pc443/reply", 136), uin=uin,
                       ext=pcqq_reply_flags(0, 0x04, 0))))
    # 34-36: TCP 443 caught in the middle of a packet: the first payload is
    # the end of one (left to TLS), the next ones start with QQ framing.
    c = cap.tcp(cl, 54501, "14.215.138.21", 443, handshake=False, isn=(21000, 23000))
    c.server(noise("pc443/tail", 40) + b"\x03")
    c.client(framed(qq(0x3841, 0x0058, 0x3560, noise("pc443/hb", 16), uin=uin, ext=pcqq_ext(0x02, 0x6942))))
    c.server(framed(qq(0x3841, 0x0058, 0x3560, noise("pc443/hb-reply", 24), uin=uin,
                       ext=pcqq_reply_flags(0, 0, 0))))
    real_layouts(cap, c2s, s2c)
    return cap


def family_0203(uin, word1, word2, cipher):
    """02 03 | u32 ciphertext length | QQ number | 4 bytes | 4 bytes | ciphertext | 03."""
    return b"\x02\x03" + struct.pack("!IIII", len(cipher), uin, word1, word2) + cipher + b"\x03"


V_2011 = 0x1B55
UIN_2011 = 0x010134DC


def real_layouts(cap, c2s, s2c):
    """Frames 37-51: layouts real captures of 2011-2022 show (doc/qq.md)."""
    uin = PCQQ_UIN
    # 37-38: version 0x1b55 (2011), in the classic range, sends the 22-byte
    # request and 14-byte reply headers (bytes as on the wire, bodies 24 and 32).
    c2s(qq(V_2011, 0x0058, 0x4F6A, noise("2011/ka", 24), uin=UIN_2011, ext=pcqq_ext(0x02, 0x648D)), cport=4005)
    s2c(qq(V_2011, 0x0058, 0x4F6A, noise("2011/ka-reply", 32), uin=UIN_2011, ext=pcqq_reply_flags(0, 0, 0)),
        cport=4005)
    # 39: the same client, extension flag 0x04 and 8 zero bytes.
    c2s(qq(V_2011, 0x00CD, 0x4F6B, b"\0" * 8 + noise("2011/send", 32), uin=UIN_2011, ext=pcqq_ext(0x04, 0x648D)),
        cport=4005)
    # 40: a 43-byte packet of the 02 03 family (length 0x18).
    s2c(family_0203(uin, 0x0000015B, 0x00020000, noise("pc/0203-short", 24)), cport=5000)
    # 41-44: two server pushes with one sequence number in the same
    # microsecond (different ciphertext), then the client's two acks.
    cap.step_us = 0
    s2c(qq(PCQQ_VERSION, 0x0017, 0x7A7A, noise("pc/push-a", 64), uin=uin, ext=pcqq_reply_flags(0, 0, 0)))
    s2c(qq(PCQQ_VERSION, 0x0017, 0x7A7A, noise("pc/push-b", 72), uin=uin, ext=pcqq_reply_flags(0, 0, 0)))
    cap.step_us = 10000
    cap.advance(0.01)
    c2s(qq(PCQQ_VERSION, 0x0017, 0x7A7A, noise("pc/push-a-ack", 32), uin=uin, ext=pcqq_ext(0x02)))
    c2s(qq(PCQQ_VERSION, 0x0017, 0x7A7A, noise("pc/push-b-ack", 32), uin=uin, ext=pcqq_ext(0x02)))
    # 45-46: a capture of one direction only (server to client): a status
    # push, then a 0x00b9 reply carrying the client's build 0x67b7.
    s2c(qq(PCQQ_VERSION, 0x0081, 0x1111, noise("oneway/status", 72), uin=uin, ext=pcqq_reply_flags(0, 0, 0)),
        cport=4006)
    s2c(qq(0x67B7, 0x00B9, 0x2222, noise("oneway/b9", 16), uin=uin, ext=pcqq_reply_flags(0, 0, 0)), cport=4006)
    # 47: a 0x00b9 reply alone in its conversation (no version known yet).
    s2c(qq(0x67B7, 0x00B9, 0x2223, noise("oneway/b9-alone", 16), uin=uin, ext=pcqq_reply_flags(0, 0, 0)),
        cport=4007)
    # 48-50: versions of real captures that the version table does not list.
    for port, version in ((4008, 0x3649), (4009, 0x3A27)):
        c2s(qq(version, 0x0058, 0x0101, noise("ver/%04x" % version, 16), uin=uin, ext=pcqq_ext(0x02)), cport=port)
    s2c(qq(0x3649, 0x0058, 0x0101, noise("ver/3649-reply", 24), uin=uin, ext=pcqq_reply_flags(0, 0, 0)),
        cport=4008)
    # 51: a 0x0836 request of extension flag 0x04 whose 8 zero bytes come
    # before the clear-text fields (mode 1, DH version 0x0102, the key).
    clear = (struct.pack("!HHH", 1, 0x0102, 25) + noise("pc/pubkey-0102", 25) + b"\0\0"
             + struct.pack("!H", 16) + noise("pc/key-0102", 16))
    c2s(qq(0x3649, 0x0836, 0x0102, b"\0" * 8 + clear + noise("pc/0836-flag4", 120), uin=uin, ext=pcqq_ext(0x04)),
        cport=4008)


CAPTURES = {
    "qq-pcqq.pcap": pcqq,
    "qq-malformed.pcap": malformed,
    "qq-udp-session.pcap": udp_session,
    "qq-tcp-443.pcap": tcp_443,
    "qq-variants.pcap": variants,
    "qq-negatives.pcap": negatives,
    "qq-commands.pcap": commands,
}
