#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile captures for the robustness tests (issue 5, section 2).

    python3 tests/hostile.py OUTDIR      # writes every capture below

Each capture puts one kind of hostile input into an otherwise normal MSNP or
QQ exchange and follows it with well-formed "sentinel" messages, so that a
test can check both that the hostile part is flagged and that dissection
goes on correctly afterwards.  Built with sample-pcaps/pcapgen.py, so the
captures are deterministic; they are generated at test time, not committed.

MSNP sentinels (after the hostile part, same connection, separate segments):
    C: CHG 90 NLN 0      S: CHG 90 NLN 0      C: PNG      S: QNG 45
QQ sentinels: a classic keep-alive request (cmd 0x0058, seq SENTINEL_SEQ) and
its reply, on the same transport and ports as the hostile packets.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "sample-pcaps"))

from pcapgen import Capture  # noqa: E402

CLIENT, SERVER = "10.9.0.2", "207.46.4.22"
QQ_CLIENT, QQ_SERVER = "10.9.0.5", "219.133.49.171"
BUDDY = b"buddy@hotmail.com"
SENTINEL_TRID = 90
SENTINEL_SEQ = 0x0777
QQ_VERSION = 0x1C51          # the recorded QQ2010 client
QQ_UIN = 550313996
SEGMENT = 1460


# ---------------------------------------------------------------- MSNP ----

def line(text):
    return text + b"\r\n"


def msnp_conn(cap, cport=3001):
    """A connection to port 1863 that has already done its VER exchange."""
    c = cap.tcp(CLIENT, cport, SERVER, 1863)
    c.client(line(b"VER 1 MSNP11 CVR0"))
    c.server(line(b"VER 1 MSNP11"))
    return c


def msnp_sentinels(c):
    c.client(line(b"CHG %d NLN 0" % SENTINEL_TRID))
    c.server(line(b"CHG %d NLN 0" % SENTINEL_TRID))
    c.client(line(b"PNG"))
    c.server(line(b"QNG 45"))


def msnp_capture(*hostile_steps):
    """VER exchange, each (side, segments...) step, then the sentinels."""
    cap = Capture()
    c = msnp_conn(cap)
    for side, *segments in hostile_steps:
        c.send(side, *segments)
    msnp_sentinels(c)
    c.close()
    return cap


def msg_with_length(length_token, body=b"MIME-Version: 1.0\r\n\r\nhello\r\n"):
    return line(b"MSG 5 N " + length_token) + body


def msnp_len_huge():
    return msnp_capture(("c", msg_with_length(b"4294967295")))


def msnp_len_2pow40():
    return msnp_capture(("c", msg_with_length(b"%d" % (1 << 40))))


def msnp_len_negative():
    return msnp_capture(("c", msg_with_length(b"-5")))


def msnp_len_nonnumeric():
    return msnp_capture(("c", msg_with_length(b"12abc")))


def msnp_len_empty():
    # "MSG 5 N " with nothing after the last space: the length is empty.
    return msnp_capture(("c", msg_with_length(b"")))


LONG_LINE_BYTES = 100 * 1024


def endless_line_segments(total=LONG_LINE_BYTES, end=True):
    data = b"X" * total + (b"\r\n" if end else b"")
    return [data[i:i + SEGMENT] for i in range(0, len(data), SEGMENT)]


def msnp_long_line():
    """100 kB without a line end, growing over 71 segments, then CRLF."""
    return msnp_capture(("c", *endless_line_segments()))


MANY_COMMANDS = 5000


def msnp_many_commands():
    """5,000 PNG commands in one 25,000-byte segment."""
    return msnp_capture(("c", line(b"PNG") * MANY_COMMANDS))


def msnp_nul_utf8():
    return msnp_capture(
        ("c", line(b"CAL 6 bu\x00ddy@hotmail.com")),
        ("s", line(b"ILN 7 NLN b\xff\xfe@hotmail.com na\xc3\x28me\x00x 0")),
        ("s", line(b"NLN NLN c@hotmail.com \xe5\xb0 0")))


def msnp_bad_escapes():
    return msnp_capture(
        ("s", line(b"ILN 7 NLN a@hotmail.com bad%zzname 0")),
        ("s", line(b"ILN 7 NLN b@hotmail.com cut%E5%A5 0")),
        ("s", line(b"ILN 7 NLN c@hotmail.com lone% 0")))


def msnp_bad_xfr():
    return msnp_capture(
        ("c", line(b"XFR 8 SB")),
        ("s", line(b"XFR 8 SB 999.1.1.1:99999 CKI 1.2.3")),
        ("c", line(b"XFR 9 SB")),
        ("s", line(b"XFR 9 SB : CKI 1.2.3")))


def msnp_empty_lines():
    return msnp_capture(("s", b"\r\n"), ("s", b"\r\n\r\n\n"), ("c", b"   \r\n"))


def p2p_header(size, total, offset=0):
    return struct.pack("<IIQQIIIIQ", 0, 1980590, offset, total, size, 0, 1234567, 0, 0)


def p2p_msg(trid, binary):
    payload = (b"MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\n"
               b"P2P-Dest: " + BUDDY + b"\r\n\r\n" + binary + struct.pack(">I", 0))
    return line(b"MSG %d D %d" % (trid, len(payload))) + payload


def msnp_p2p_short():
    return msnp_capture(("c", p2p_msg(20, b"\x01" * 20)))


def msnp_p2p_bad_size():
    # Claims 500 bytes in this chunk (and 4 in all) but carries 4.
    return msnp_capture(("c", p2p_msg(21, p2p_header(500, 4) + b"abcd")))


def slp_msg(trid, text, session_id=0, identifier=1980600):
    """One MSNSLP message in a single P2P chunk."""
    hdr = struct.pack("<IIQQIIIIQ", session_id, identifier, 0, len(text), len(text), 0, 1234567, 0, 0)
    return p2p_msg(trid, hdr + text)


def slp_text(first, ctype, body, call_id=b"{11111111-2222-4333-8444-555555555555}", length=None):
    body += b"\r\n\x00"
    return (first + b"\r\nTo: <msnmsgr:" + BUDDY + b">\r\nFrom: <msnmsgr:me@hotmail.com>\r\n"
            b"Via: MSNSLP/1.0/TLP ;branch={AAAAAAAA-2222-4333-8444-555555555555}\r\nCSeq: 0 \r\n"
            b"Call-ID: " + call_id + b"\r\nMax-Forwards: 0\r\nContent-Type: " + ctype + b"\r\n"
            b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body)


def msnp_slp_lies():
    """MSNSLP that does not add up: an answer nobody asked for, a body
    shorter than its Content-Length, a Context that is not base64, a file
    context too short to hold a name, and a direct connection whose
    handshake brings another nonce than the one announced."""
    invite = b"INVITE MSNMSGR:" + BUDDY + b" MSNSLP/1.0"
    req = b"application/x-msnmsgr-sessionreqbody"
    file_guid = b"EUF-GUID: {5D3E02AB-6190-11D3-BBBB-00C04F795683}\r\nSessionID: 77\r\nAppID: 2\r\n"
    answer = slp_text(b"MSNSLP/1.0 200 OK", b"application/x-msnmsgr-transrespbody",
                      b"Bridge: TCPv1\r\nListening: true\r\nNonce: {01234567-89AB-4CDE-8F01-23456789ABCD}\r\n"
                      b"IPv4Internal-Addrs: 10.9.0.9\r\nIPv4Internal-Port: 45000\r\n",
                      call_id=b"{99999999-2222-4333-8444-555555555555}")
    cap = Capture()
    c = msnp_conn(cap)
    c.server(slp_msg(0, answer))
    c.client(slp_msg(22, slp_text(invite, req, b"SessionID: 1\r\n", length=4000)))
    c.client(slp_msg(23, slp_text(invite, req, file_guid + b"Context: !!!notbase64***\r\n")))
    c.client(slp_msg(24, slp_text(invite, req, file_guid + b"Context: AAAAAAAAAAA=\r\n")))
    dc = cap.tcp(CLIENT, 3002, "10.9.0.9", 45000)
    dc.client(struct.pack("<I", 4) + b"foo\0")
    hs = struct.pack("<IIQQIIIIQ", 0, 5, 0, 0, 0, 0x100, 0, 0, 0)[:32] + b"\x42" * 16
    dc.client(struct.pack("<I", len(hs)) + hs)
    dc.close()
    msnp_sentinels(c)
    c.close()
    return cap


# ------------------------------------------------------------------ QQ ----

def qq_packet(cmd, seq, body, uin=QQ_UIN, version=QQ_VERSION):
    head = struct.pack("!BHHH", 0x02, version, cmd, seq)
    if uin is not None:
        head += struct.pack("!I", uin)
    return head + body + b"\x03"


def qq_framed(packet):
    return struct.pack("!H", len(packet) + 2) + packet


SENTINEL_REQUEST = qq_packet(0x0058, SENTINEL_SEQ, b"\x11" * 16)
# Replies of the recorded QQ2010 client's version carry the UIN too.
SENTINEL_REPLY = qq_packet(0x0058, SENTINEL_SEQ, b"\x22" * 24)


def qq_udp_capture(hostile_datagrams, from_server=False):
    cap = Capture()
    for d in hostile_datagrams:
        if from_server:
            cap.udp(QQ_SERVER, 8000, QQ_CLIENT, 4000, d)
        else:
            cap.udp(QQ_CLIENT, 4000, QQ_SERVER, 8000, d)
    cap.udp(QQ_CLIENT, 4000, QQ_SERVER, 8000, SENTINEL_REQUEST)
    cap.udp(QQ_SERVER, 8000, QQ_CLIENT, 4000, SENTINEL_REPLY)
    return cap


FIRST_SEQ = 0x0100


def qq_tcp_capture(hostile_segments):
    """A good first packet (TCP 8000 is QQ from its first QQ-looking
    segment on), each hostile TCP segment on its own, then the sentinels."""
    cap = Capture()
    c = cap.tcp(QQ_CLIENT, 5001, QQ_SERVER, 8000)
    c.client(qq_framed(qq_packet(0x0058, FIRST_SEQ, b"\x55" * 16)))
    for seg in hostile_segments:
        c.client(seg)
    c.client(qq_framed(SENTINEL_REQUEST))
    c.server(qq_framed(SENTINEL_REPLY))
    c.close()
    return cap


RESYNC_SEQ = 0x0009


def qq_tcp_bad_lengths():
    """Length fields 0, 1, 2, shorter than a header, and 0xFFFF beyond the
    data; then 0xFFFF before junk ending in 0x03 and a good packet in the
    same segment (the reader must resync after the 0x03)."""
    body = qq_packet(0x0058, 0x0001, b"\x33" * 16)
    return qq_tcp_capture([
        b"\x00\x00" + body,
        b"\x00\x01" + body,
        b"\x00\x02" + body,
        b"\x00\x06" + body[:4],
        b"\xff\xff" + body,
        b"\xff\xff\x10\x20\x03" + qq_framed(qq_packet(0x0058, RESYNC_SEQ, b"\x66" * 16)),
    ])


def qq_udp_short():
    """Datagrams of 1 to 12 bytes starting with 0x02 (client to server)."""
    full = qq_packet(0x0058, 0x0002, b"")          # 12 bytes: the shortest request
    return qq_udp_capture([full[:n] for n in range(1, 13)])


def qq_udp_bad_tail():
    return qq_udp_capture([qq_packet(0x0058, 0x0003, b"\x44" * 16)[:-1] + b"\x7f"])


def qq_udp_all_ff():
    return qq_udp_capture([b"\x02" + b"\xff" * 1398 + b"\x03"])


# Full headers (without body and tail) of each variant.
QQ_VARIANT_HEADERS = {
    "classic-request": (False, struct.pack("!BHHHI", 2, 0x0E1B, 0x0058, 0x0101, QQ_UIN)),
    "classic-reply": (True, struct.pack("!BHHH", 2, 0x0E1B, 0x0058, 0x0101)),
    "source-doc": (False, struct.pack("!BHHHI", 2, QQ_VERSION, 0x0058, 0x0102, QQ_UIN)),
    "2010-request": (False, struct.pack("!BHHHI", 2, 0x1E0D, 0x0058, 0x0103, QQ_UIN)
                     + bytes.fromhex("0200000001010100002a05")),
    "2010-reply": (True, struct.pack("!BHHHI", 2, 0x1E0D, 0x0058, 0x0103, QQ_UIN)
                   + b"\x00\x00\x00"),
    "tim-request": (False, struct.pack("!BHHHI", 2, 0x3713, 0x0058, 0x0104, QQ_UIN)
                    + b"\x03\x00\x00" + b"\x00" * 12),
}


def qq_cut_headers(name):
    """One variant's header cut at every byte, each as a UDP datagram and as
    a framed TCP packet (tail appended, so only the header is short)."""
    from_server, header = QQ_VARIANT_HEADERS[name]
    cuts = [header[:n] + b"\x03" for n in range(1, len(header) + 1)]

    def build():
        cap = qq_udp_capture(cuts, from_server=from_server)
        tcp = cap.tcp(QQ_CLIENT, 5002, QQ_SERVER, 8000)
        # The sentinel request first, so that TCP's server side is known.
        tcp.client(qq_framed(SENTINEL_REQUEST))
        for cut in cuts:
            tcp.send("s" if from_server else "c", qq_framed(cut))
        tcp.server(qq_framed(SENTINEL_REPLY))
        tcp.close()
        return cap
    return build


CAPTURES = {
    "hostile-msnp-len-4294967295.pcap": msnp_len_huge,
    "hostile-msnp-len-2pow40.pcap": msnp_len_2pow40,
    "hostile-msnp-len-negative.pcap": msnp_len_negative,
    "hostile-msnp-len-nonnumeric.pcap": msnp_len_nonnumeric,
    "hostile-msnp-len-empty.pcap": msnp_len_empty,
    "hostile-msnp-long-line.pcap": msnp_long_line,
    "hostile-msnp-5000-commands.pcap": msnp_many_commands,
    "hostile-msnp-nul-utf8.pcap": msnp_nul_utf8,
    "hostile-msnp-bad-escapes.pcap": msnp_bad_escapes,
    "hostile-msnp-bad-xfr.pcap": msnp_bad_xfr,
    "hostile-msnp-empty-lines.pcap": msnp_empty_lines,
    "hostile-msnp-p2p-short.pcap": msnp_p2p_short,
    "hostile-msnp-p2p-bad-size.pcap": msnp_p2p_bad_size,
    "hostile-msnp-slp-lies.pcap": msnp_slp_lies,
    "hostile-qq-tcp-bad-lengths.pcap": qq_tcp_bad_lengths,
    "hostile-qq-udp-short.pcap": qq_udp_short,
    "hostile-qq-udp-bad-tail.pcap": qq_udp_bad_tail,
    "hostile-qq-udp-all-ff.pcap": qq_udp_all_ff,
}
for _name in QQ_VARIANT_HEADERS:
    CAPTURES["hostile-qq-cut-%s.pcap" % _name] = qq_cut_headers(_name)


# -------------------------------------------------------- memory bounds ----
# Large captures (made on demand, not in CAPTURES): the same number of bytes
# as normal traffic, as a 4 GB payload claim, and as a never-ending line.

def _stream_capture(data):
    cap = Capture()
    c = msnp_conn(cap)
    c.client(*[data[i:i + SEGMENT] for i in range(0, len(data), SEGMENT)])
    msnp_sentinels(c)
    c.close()
    return cap


def memory_normal(size):
    """MSG commands with 4,000-byte payloads (each over three segments)."""
    out, trid = [], 10
    body = b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
    body += b"y" * (4000 - len(body))
    while sum(map(len, out)) < size:
        out.append(line(b"MSG %d N %d" % (trid, len(body))) + body)
        trid += 1
    return _stream_capture(b"".join(out))


def memory_huge_claim(size):
    return _stream_capture(line(b"MSG 5 N 4294967295") + b"z" * size + b"\r\n")


def memory_endless_line(size):
    """A line that never ends (until a CRLF, so that the sentinels follow)."""
    return _stream_capture(b"X" * size + b"\r\n")


MEMORY_CAPTURES = {
    "memory-normal.pcap": memory_normal,
    "memory-4gb-claim.pcap": memory_huge_claim,
    "memory-endless-line.pcap": memory_endless_line,
}


def write_all(outdir):
    os.makedirs(outdir, exist_ok=True)
    paths = {}
    for name, build in sorted(CAPTURES.items()):
        path = os.path.join(outdir, name)
        build().write(path)
        paths[name] = path
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for p in write_all(sys.argv[1]).values():
        print(p)
