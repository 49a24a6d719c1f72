# SPDX-License-Identifier: GPL-2.0-or-later
"""MSNP sample captures for chat transcripts, MSNSLP, P2P transfers and
direct connections (doc/msnp.md section 6).

The transferred file and pictures are generated here (ORIGINALS), so the
tests can compare what Export Objects writes with the bytes sent.  Every
MSNP command and MSNSLP message is written out as on the wire; helpers only
compute lengths, base64 contexts and P2P headers.

Captures:
  msnp-chat.pcap           a three-person switchboard chat: UTF-8 Chinese and
                           German text, a Latin-1 message, a two-line message,
                           typing notifications and client capabilities (not
                           messages), and a second switchboard joined by RNG/ANS.
  msnp-p2p-switchboard.pcap  a file sent through the switchboard (MSNSLP INVITE
                           with the file context, 200 OK, the file in 1202-byte
                           P2P chunks, ACKs, BYE), a display picture fetched
                           with its <msnobj/> (correct SHA1D), and an MSNP18
                           client's invitation in a v2 P2P header.
  msnp-p2p-direct.pcap     a file offer whose transport answer announces a direct
                           connection (Listening: true, addresses, port 40123,
                           nonce); the file then travels over that connection
                           (length-prefixed foo, nonce handshake, P2P chunks,
                           one chunk split over two TCP segments).
  msnp-p2p-hostile.pcap    P2P chunks that lie: an offset past the total size, a
                           total of 2^64-1, overlapping chunks with different
                           bytes, a session that never ends, a picture whose data
                           does not match its SHA1D, a direct connection with a
                           huge length on TCP 6891.
"""

import base64
import hashlib
import struct
import urllib.parse
import uuid
import zlib

from pcapgen import Capture, split

CLIENT = "192.168.1.100"
PEER = "192.168.1.20"          # the other client, on the same LAN
SB1 = "207.46.108.59"
SB2 = "207.46.108.83"
NS = "207.46.4.22"

ME = b"cndes2005@hotmail.com"
BUDDY = b"cecile260992@hotmail.com"
THIRD = "jürgen.müller@hotmail.com".encode()
ME_NAME = urllib.parse.quote("小明").encode()            # %E5%B0%8F%E6%98%8E
BUDDY_NAME = b"choupi"
THIRD_NAME = urllib.parse.quote("Jürgen").encode()      # J%C3%BCrgen

SB_CHUNK = 1202      # largest P2P chunk through the switchboard (libpurple)
DC_CHUNK = 1352      # chunk size used on the direct connection

EUF_FILE = b"{5D3E02AB-6190-11D3-BBBB-00C04F795683}"
EUF_MSNOBJ = b"{A4268EEC-FEC5-49E5-95C3-F126696BDBF6}"


# ---------------------------------------------------------------------------
# The transferred objects


def make_text_file():
    """A text document of several chunks, with non-ASCII lines."""
    lines = []
    for i in range(1, 121):
        lines.append("Line %03d: Grüße aus München, 你好, the quick brown fox.\r\n" % i)
    return "".join(lines).encode("utf-8")


def make_png(width, height, seed):
    """A valid RGB PNG whose pixels follow from seed (no image library)."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            row += bytes(((x * seed) & 0xFF, (y * 7 + seed) & 0xFF, ((x ^ y) * 3) & 0xFF))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


ORIGINALS = {
    # name as offered -> bytes
    "notes-été.txt": make_text_file(),
    "cecile.png": make_png(48, 40, 5),
    "holiday.png": make_png(64, 48, 11),
}


def sha256(name):
    return hashlib.sha256(ORIGINALS[name]).hexdigest()


# ---------------------------------------------------------------------------
# MSNP and MSNSLP building blocks


def cmd(line, payload=None):
    if payload is None:
        return line + b"\r\n"
    return line + b" %d\r\n" % len(payload) + payload


def mime(headers, body=b""):
    return b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


def text(body, charset=b"UTF-8"):
    return mime([b"MIME-Version: 1.0", b"Content-Type: text/plain; charset=" + charset,
                 b"X-MMS-IM-Format: FN=Arial; EF=; CO=0; CS=0; PF=22"], body)


def typing(user):
    return mime([b"MIME-Version: 1.0", b"Content-Type: text/x-msmsgscontrol",
                 b"TypingUser: " + user], b"\r\n")


def clientcaps():
    return mime([b"MIME-Version: 1.0", b"Content-Type: text/x-clientcaps"],
                b"Client-Name: Gaim/1.5.0\r\nChat-Logging: Y\r\n")


def p2p_header(session_id, identifier, offset, total, size, flags, ack_id=0, ack_uid=0, ack_size=0):
    """The 48-byte little-endian v1 P2P header."""
    return struct.pack("<IIQQIIIIQ", session_id, identifier, offset, total, size, flags,
                       ack_id, ack_uid, ack_size)


def p2p_msg(dest, header, data, footer):
    """A MSG payload: MIME headers, the P2P header, the data, the footer."""
    return mime([b"MIME-Version: 1.0", b"Content-Type: application/x-msnmsgrp2p",
                 b"P2P-Dest: " + dest], header + data + struct.pack(">I", footer))


def chunks(data, size):
    return [(off, data[off:off + size]) for off in range(0, len(data), size)]


def slp(first_line, to, frm, branch, cseq, call_id, ctype, body):
    """An MSNSLP message; body is the Key: value text, a blank line and a NUL."""
    body = body + b"\r\n\x00"
    return (first_line + b"\r\n"
            b"To: <msnmsgr:" + to + b">\r\n"
            b"From: <msnmsgr:" + frm + b">\r\n"
            b"Via: MSNSLP/1.0/TLP ;branch=" + branch + b"\r\n"
            b"CSeq: %d \r\n" % cseq +
            b"Call-ID: " + call_id + b"\r\n"
            b"Max-Forwards: 0\r\n"
            b"Content-Type: " + ctype + b"\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


def keys(*pairs):
    return b"".join(k + b": " + v + b"\r\n" for k, v in pairs)


def file_context(name, size):
    """The 574-byte file offer structure, base64: length, version 2, size,
    type 1 (no preview), the UTF-16LE name padded to 520 bytes, 30 zero
    bytes, 0xffffffff."""
    name16 = name.encode("utf-16-le")[:520]
    ctx = (struct.pack("<IIQI", 574, 2, size, 1) + name16 + b"\0" * (520 - len(name16)) +
           b"\0" * 30 + b"\xff\xff\xff\xff")
    return base64.b64encode(ctx)


def msnobj(creator, data, friendly, location=b"TFR2C2.tmp", sha1d=None):
    """An <msnobj/> element for a display picture (Type 3)."""
    if sha1d is None:
        sha1d = base64.b64encode(hashlib.sha1(data).digest())
    friendly64 = base64.b64encode((friendly + "\0").encode("utf-16-le"))
    core = (b'Creator="' + creator + b'" Size="%d" Type="3" Location="' % len(data) + location +
            b'" Friendly="' + friendly64 + b'" SHA1D="' + sha1d + b'"')
    sha1c = base64.b64encode(hashlib.sha1(core.replace(b'"', b"").replace(b" ", b"")).digest())
    return b"<msnobj " + core + b' SHA1C="' + sha1c + b'"/>'


def guid_text(g):
    return ("{%s}" % str(g).upper()).encode()


class P2PSender:
    """One side of the P2P link inside a switchboard: numbers its messages."""

    def __init__(self, conn, side, me, peer, peer_name, first_id, c2s_trid=None):
        self.conn, self.side, self.me, self.peer = conn, side, me, peer
        self.peer_name = peer_name
        self.next_id = first_id
        self.trid = c2s_trid

    def _send(self, payload):
        if self.side == "c":
            self.conn.client(cmd(b"MSG %d D" % self.trid, payload))
            self.conn.server(cmd(b"ACK %d" % self.trid))
            self.trid += 1
        else:
            self.conn.server(cmd(b"MSG " + self.me + b" " + self.peer_name, payload))

    def message(self, session_id, data, flags, footer, chunk=SB_CHUNK):
        """One P2P message in as many chunks as it needs; returns its id."""
        ident = self.next_id
        self.next_id += 1
        for off, piece in chunks(data, chunk):
            hdr = p2p_header(session_id, ident, off, len(data), len(piece), flags,
                             ack_id=0x1000 + ident)
            self._send(p2p_msg(self.peer, hdr, piece, footer))
        return ident

    def ack(self, session_id, acked_id, acked_ack_id, total):
        ident = self.next_id
        self.next_id += 1
        hdr = p2p_header(session_id, ident, 0, total, 0, 0x2, acked_id, acked_ack_id, total)
        self._send(p2p_msg(self.peer, hdr, b"", 0))


def switchboard_open(cap, port, server=SB1, cookie=b"246503.1115372323.20879"):
    sb = cap.tcp(CLIENT, port, server, 1863)
    sb.client(cmd(b"USR 1 " + ME + b" " + cookie))
    sb.server(cmd(b"USR 1 OK " + ME + b" " + ME_NAME))
    sb.client(cmd(b"CAL 2 " + BUDDY))
    sb.server(cmd(b"CAL 2 RINGING 11752013"))
    sb.server(cmd(b"JOI " + BUDDY + b" " + BUDDY_NAME))
    return sb


# ---------------------------------------------------------------------------
# Chat


def chat():
    cap = Capture(start=1_131_000_000.0)
    sb = switchboard_open(cap, 2001)
    sb.client(cmd(b"CAL 3 " + THIRD))
    sb.server(cmd(b"CAL 3 RINGING 11752013"))
    sb.server(cmd(b"JOI " + THIRD + b" " + THIRD_NAME))
    sb.server(cmd(b"MSG " + BUDDY + b" " + BUDDY_NAME, clientcaps()))
    sb.client(cmd(b"MSG 4 U", typing(ME)))
    sb.client(cmd(b"MSG 5 A", text("大家好！今天开会吗？".encode())))
    sb.server(cmd(b"ACK 5"))
    sb.server(cmd(b"MSG " + BUDDY + b" " + BUDDY_NAME, typing(BUDDY)))
    sb.server(cmd(b"MSG " + BUDDY + b" " + BUDDY_NAME, text(b"Oui, \xe0 15 h au caf\xe9.", b"ISO-8859-1")))
    sb.server(cmd(b"MSG " + THIRD + b" " + THIRD_NAME, text("Grüße aus München!\r\nBis später.".encode())))
    cap.advance(30)
    sb.client(cmd(b"MSG 6 N", text("好的 👍".encode())))
    sb.server(cmd(b"BYE " + THIRD))
    sb.server(cmd(b"BYE " + BUDDY + b" 1"))
    sb.client(cmd(b"OUT"))
    sb.close()

    # Invited to a second switchboard by Cécile.
    ns = cap.tcp(CLIENT, 2002, NS, 1863, handshake=False)
    ns.server(cmd(b"RNG 17069658 " + SB2.encode() + b":1863 CKI 1115371039.15845 " + BUDDY + b" " +
                  BUDDY_NAME))
    sb2 = cap.tcp(CLIENT, 2003, SB2, 1863)
    sb2.client(cmd(b"ANS 1 " + ME + b" 1115371039.15845 17069658"))
    sb2.server(cmd(b"IRO 1 1 1 " + BUDDY + b" " + BUDDY_NAME))
    sb2.server(cmd(b"ANS 1 OK"))
    sb2.server(cmd(b"MSG " + BUDDY + b" " + BUDDY_NAME, text(b"see you")))
    sb2.client(cmd(b"OUT"))
    sb2.close()
    return cap


# ---------------------------------------------------------------------------
# P2P through the switchboard


FILE_SESSION = 94882001
PICTURE_SESSION = 1980589


def file_invitation(session_id, name, size, call_id, branch):
    body = keys((b"EUF-GUID", EUF_FILE), (b"SessionID", b"%d" % session_id), (b"AppID", b"2"),
                (b"Context", file_context(name, size)))
    return slp(b"INVITE MSNMSGR:" + BUDDY + b" MSNSLP/1.0", BUDDY, ME, branch, 0, call_id,
               b"application/x-msnmsgr-sessionreqbody", body)


def ok_answer(session_id, call_id, branch, to=ME, frm=BUDDY):
    return slp(b"MSNSLP/1.0 200 OK", to, frm, branch, 1, call_id,
               b"application/x-msnmsgr-sessionreqbody", keys((b"SessionID", b"%d" % session_id)))


def bye(call_id, branch, to, frm):
    return slp(b"BYE MSNMSGR:" + to + b" MSNSLP/1.0", to, frm, branch, 0, call_id,
               b"application/x-msnmsgr-sessionclosebody", b"")


def send_file_over_switchboard(me, buddy):
    name = "notes-été.txt"
    data = ORIGINALS[name]
    call = b"{BF2F6F3A-3B3E-4A8C-8D3D-1A1F2B3C4D5E}"
    branch = b"{4C2E1D6B-7A8F-4F3E-9B1A-2C3D4E5F6A7B}"
    invite = file_invitation(FILE_SESSION, name, len(data), call, branch)
    inv_id = me.message(0, invite, 0, 0)
    buddy.ack(0, inv_id, 0x1000 + inv_id, len(invite))
    answer = ok_answer(FILE_SESSION, call, branch)
    ans_id = buddy.message(0, answer, 0, 0)
    me.ack(0, ans_id, 0x1000 + ans_id, len(answer))
    data_id = me.message(FILE_SESSION, data, 0x01000030, 2)
    buddy.ack(FILE_SESSION, data_id, 0x1000 + data_id, len(data))
    closing = bye(call, branch, ME, BUDDY)
    buddy.message(0, closing, 0, 0)


def fetch_picture_over_switchboard(me, buddy):
    data = ORIGINALS["cecile.png"]
    call = b"{9D79AE57-1BD5-444B-B14E-3FC9BB2B5D58}"
    branch = b"{33517CE4-02FC-4428-B6F4-39927229B722}"
    obj = msnobj(BUDDY, data, "cecile.png")
    body = keys((b"EUF-GUID", EUF_MSNOBJ), (b"SessionID", b"%d" % PICTURE_SESSION), (b"AppID", b"1"),
                (b"Context", base64.b64encode(obj + b"\0")))
    invite = slp(b"INVITE MSNMSGR:" + BUDDY + b" MSNSLP/1.0", BUDDY, ME, branch, 0, call,
                 b"application/x-msnmsgr-sessionreqbody", body)
    inv_id = me.message(0, invite, 0, 0)
    buddy.ack(0, inv_id, 0x1000 + inv_id, len(invite))
    answer = ok_answer(PICTURE_SESSION, call, branch)
    buddy.message(0, answer, 0, 0)
    # data preparation (4 zero bytes), then the picture
    buddy.message(PICTURE_SESSION, b"\0\0\0\0", 0, 1)
    data_id = buddy.message(PICTURE_SESSION, data, 0x20, 1)
    me.ack(PICTURE_SESSION, data_id, 0x1000 + data_id, len(data))
    me.message(0, bye(call, branch, BUDDY, ME), 0, 0)


def p2p_v2_header(opcode, base_id, header_tlvs, tf, package, session_id, data):
    """The MSNP18+ v2 header (big-endian): length, opcode, payload length,
    sequence number, TLVs padded to 4 bytes; then the data header (length,
    type/first flag, package number, session id)."""
    tlvs = b"".join(struct.pack(">BB", t, len(v)) + v for t, v in header_tlvs)
    tlvs += b"\0" * (-len(tlvs) % 4)
    data_header = struct.pack(">BBHI", 8, tf, package, session_id)
    return (struct.pack(">BBHI", 8 + len(tlvs), opcode, len(data_header) + len(data), base_id) + tlvs +
            data_header)


def v2_invitation(sb):
    """An MSNP18 client's MSNSLP INVITE in a v2 P2P message (a picture request)."""
    me18 = ME + b";{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}"
    buddy18 = BUDDY + b";{3C6A8F0E-1B2D-4E5F-8A9B-0C1D2E3F4A5B}"
    obj = msnobj(BUDDY, ORIGINALS["cecile.png"], "cecile.png")
    body = keys((b"EUF-GUID", EUF_MSNOBJ), (b"SessionID", b"7654321"), (b"AppID", b"12"),
                (b"Context", base64.b64encode(obj + b"\0")))
    invite = slp(b"INVITE MSNMSGR:" + buddy18 + b" MSNSLP/1.0", buddy18, me18,
                 b"{6E3D1A2B-4C5D-4E6F-8A7B-9C0D1E2F3A4B}", 0, b"{7F4E2B3C-5D6E-4F70-8B9C-0D1E2F3A4B5C}",
                 b"application/x-msnmsgr-sessionreqbody", body)
    peer_info = struct.pack("<HHHHI", 0x0200, 0, 0x0e00, 0, 0x0000010f)
    hdr = p2p_v2_header(0x03, 39640000, [(0x01, peer_info)], 0x01, 1, 0, invite)
    payload = mime([b"MIME-Version: 1.0", b"Content-Type: application/x-msnmsgrp2p",
                    b"P2P-Dest: " + buddy18, b"P2P-Src: " + me18], hdr + invite + struct.pack(">I", 0))
    sb.client(cmd(b"MSG 40 D", payload))
    sb.server(cmd(b"ACK 40"))


def p2p_switchboard():
    cap = Capture(start=1_131_000_600.0)
    sb = switchboard_open(cap, 2101)
    me = P2PSender(sb, "c", ME, BUDDY, ME_NAME, 73140000, c2s_trid=3)
    buddy = P2PSender(sb, "s", BUDDY, ME, BUDDY_NAME, 51930000)
    send_file_over_switchboard(me, buddy)
    fetch_picture_over_switchboard(me, buddy)
    v2_invitation(sb)
    sb.client(cmd(b"OUT"))
    sb.close()
    return cap


# ---------------------------------------------------------------------------
# A direct connection


DIRECT_SESSION = 61555025
DIRECT_PORT = 40123
NONCE = uuid.UUID("3a7f1c52-9be4-4d0a-8e61-5b2c7d9f0a13")


def transport_invitation(call, branch):
    body = keys((b"Bridges", b"TCPv1"), (b"NetID", b"1677830336"), (b"Conn-Type", b"Direct-Connect"),
                (b"UPnPNat", b"false"), (b"ICF", b"false"), (b"Nonce", guid_text(NONCE)),
                (b"SessionID", b"%d" % DIRECT_SESSION), (b"SChannelState", b"0"),
                (b"Capabilities-Flags", b"1"))
    return slp(b"INVITE MSNMSGR:" + BUDDY + b" MSNSLP/1.0", BUDDY, ME, branch, 0, call,
               b"application/x-msnmsgr-transreqbody", body)


def transport_answer(call, branch):
    body = keys((b"Bridge", b"TCPv1"), (b"Listening", b"true"), (b"Conn-Type", b"Direct-Connect"),
                (b"TCP-Conn-Type", b"Direct-Connect"), (b"Nonce", guid_text(NONCE)),
                (b"IPv4Internal-Addrs", (PEER + " 10.0.0.5").encode()),
                (b"IPv4Internal-Port", b"%d" % DIRECT_PORT),
                (b"IPv4External-Addrs", b"84.12.3.4"), (b"IPv4External-Port", b"%d" % DIRECT_PORT),
                (b"SessionID", b"%d" % DIRECT_SESSION), (b"SChannelState", b"0"),
                (b"Capabilities-Flags", b"1"))
    return slp(b"MSNSLP/1.0 200 OK", ME, BUDDY, branch, 1, call,
               b"application/x-msnmsgr-transrespbody", body)


def dc_frame(body):
    """A direct-connection message: its 4-byte little-endian length, then it."""
    return struct.pack("<I", len(body)) + body


def dc_handshake(ident):
    """A P2P header with flag 0x100 whose ack fields carry the nonce."""
    return p2p_header(0, ident, 0, 0, 0, 0x100)[:32] + NONCE.bytes_le


def p2p_direct():
    cap = Capture(start=1_131_001_200.0)
    sb = switchboard_open(cap, 2201)
    me = P2PSender(sb, "c", ME, BUDDY, ME_NAME, 88120000, c2s_trid=3)
    buddy = P2PSender(sb, "s", BUDDY, ME, BUDDY_NAME, 22760000)
    name = "holiday.png"
    data = ORIGINALS[name]
    call = b"{0F6E2B1C-55A4-4E9B-9C21-7D3E8A4B6C10}"
    branch1 = b"{A1B2C3D4-0001-4000-8000-000000000001}"
    branch2 = b"{A1B2C3D4-0002-4000-8000-000000000002}"
    me.message(0, file_invitation(DIRECT_SESSION, name, len(data), call, branch1), 0, 0)
    buddy.message(0, ok_answer(DIRECT_SESSION, call, branch1), 0, 0)
    me.message(0, transport_invitation(call, branch2), 0, 0)
    buddy.message(0, transport_answer(call, branch2), 0, 0)

    # The client connects to the announced internal address and port.
    dc = cap.tcp(CLIENT, 2202, PEER, DIRECT_PORT)
    dc.client(dc_frame(b"foo\0"))
    dc.client(dc_frame(dc_handshake(88120010)))
    dc.server(dc_frame(dc_handshake(22760010)))
    ident = 88120011
    frames = [dc_frame(p2p_header(DIRECT_SESSION, ident, off, len(data), len(piece), 0x01000030,
                                  ack_id=0x2000 + ident) + piece)
              for off, piece in chunks(data, DC_CHUNK)]
    # two messages in one segment, then one message split over two segments
    dc.client(frames[0] + frames[1])
    rest = b"".join(frames[2:])
    dc.client(*split(rest, 700))
    dc.server(dc_frame(p2p_header(DIRECT_SESSION, 22760011, 0, len(data), 0, 0x2,
                                  ident, 0x2000 + ident, len(data))))
    dc.close()
    buddy.message(0, bye(call, branch1, ME, BUDDY), 0, 0)
    sb.client(cmd(b"OUT"))
    sb.close()
    return cap


# ---------------------------------------------------------------------------
# Hostile P2P


HOSTILE_SESSION = 31337


def p2p_hostile():
    cap = Capture(start=1_131_001_800.0)
    sb = switchboard_open(cap, 2301)
    me = P2PSender(sb, "c", ME, BUDDY, ME_NAME, 1000, c2s_trid=3)

    def raw(session_id, ident, off, total, data, flags=0x01000030):
        sb.client(cmd(b"MSG %d D" % me.trid,
                      p2p_msg(BUDDY, p2p_header(session_id, ident, off, total, len(data), flags), data, 2)))
        me.trid += 1

    raw(HOSTILE_SESSION, 1, 5000, 100, b"A" * 10)                 # offset past the total
    raw(HOSTILE_SESSION, 2, 0, 2 ** 64 - 1, b"B" * 10)            # a total of 2^64-1
    raw(HOSTILE_SESSION, 3, 0, 30, b"C" * 20)                     # overlapping chunks ...
    raw(HOSTILE_SESSION, 3, 10, 30, b"D" * 20)                    # ... with other bytes
    raw(HOSTILE_SESSION, 6, 0, 2 ** 40, b"G" * 100)               # larger than the 64 MiB limit
    for ident in (4, 7):                                          # sessions that never end: the
        for off in (0, 1000):                                     # last 500 bytes never come
            raw(HOSTILE_SESSION + 1, ident, off, 2500, b"E" * 1000)
    raw(HOSTILE_SESSION, 5, 0, 200, b"F" * 300)                   # chunk larger than the total

    # A picture whose data does not match the SHA1D of its <msnobj/>.
    buddy = P2PSender(sb, "s", BUDDY, ME, BUDDY_NAME, 7000)
    good = ORIGINALS["cecile.png"]
    obj = msnobj(BUDDY, good, "wrong.png")
    call = b"{DEADBEEF-0000-4000-8000-000000000001}"
    branch = b"{DEADBEEF-0000-4000-8000-000000000002}"
    body = keys((b"EUF-GUID", EUF_MSNOBJ), (b"SessionID", b"4242"), (b"AppID", b"1"),
                (b"Context", base64.b64encode(obj + b"\0")))
    me.message(0, slp(b"INVITE MSNMSGR:" + BUDDY + b" MSNSLP/1.0", BUDDY, ME, branch, 0, call,
                      b"application/x-msnmsgr-sessionreqbody", body), 0, 0)
    buddy.message(0, ok_answer(4242, call, branch), 0, 0)
    tampered = good[:100] + bytes([good[100] ^ 0xFF]) + good[101:]
    buddy.message(4242, tampered, 0x20, 1)
    sb.client(cmd(b"OUT"))
    sb.close()

    # TCP 6891 without an offer: a sane greeting, then a length of 2^32-1.
    dc = cap.tcp(CLIENT, 2302, PEER, 6891)
    dc.client(dc_frame(b"foo\0"))
    dc.client(struct.pack("<I", 0xFFFFFFFF) + b"\0" * 60)
    dc.close()
    return cap


CAPTURES = {
    "msnp-chat.pcap": chat,
    "msnp-p2p-switchboard.pcap": p2p_switchboard,
    "msnp-p2p-direct.pcap": p2p_direct,
    "msnp-p2p-hostile.pcap": p2p_hostile,
}
