# SPDX-License-Identifier: GPL-2.0-or-later
"""QQ Highway uploads (doc/qq.md, "Today's QQ: Highway"), built from the
public layouts: `28 | u32 head length | u32 body length | protobuf head |
body | 29`, the head a ReqDataHighwayHead (client) or RspDataHighwayHead
(server) with a DataHighwayHead (field 1) and a SegHead (field 2).

qq-highway.pcap:
- TCP 8080 (the shared-port guard): a picture (PICTURE, 2600 bytes) uploaded
  in three chunks of CHUNK bytes by PicUp.DataUp; chunk 2 is cut over three
  TCP segments, and the server answers chunks 2 and 3 in one segment.
- TCP 443 (the guard, beside TLS): a voice file in one chunk and its answer.
- TCP 15000 (the plain TCP heuristic): a heartbeat (PicUp.Echo, no body, the
  first frame of its connection, so taken for a request by its head) and
  a file of two chunks whose second chunk MD5 and file MD5 do not match the
  data (the chunk was damaged), answered with error code 1.
- TCP 80: the same kind of upload inside an HTTP POST to /cgi-bin/httpconn,
  its answer in the HTTP response body.
- TCP 8080 again: a file (PARALLEL_FILE) uploaded in four chunks over two
  connections at once, as clients send large files (MiraiGo's
  UploadBDHMultiThread: 256 KiB blocks; small ones here).

qq-highway-hostile.pcap: a claimed connection that then sends a frame with
a 4 GiB head length, a head that is not protobuf, a QQ number that is not
digits, a chunk past the end of its file, and fresh connections whose
0x28-framed bytes do not add up (wrong end byte, a 17 MiB body, a head
that is not protobuf), which must stay unclaimed.
"""

import hashlib
import struct

from pcapgen import Capture, split
from qq_scenarios import noise

UIN = 486732996
APPID = 537118044
CLIENT, SERVER = "10.0.2.15", "183.47.102.193"
CHUNK = 1024

# The picture: a PNG signature and IHDR, then deterministic bytes.
PICTURE = (bytes.fromhex("89504E470D0A1A0A0000000D49484452") + struct.pack("!II", 320, 240)
           + b"\x08\x06\0\0\0" + noise("highway/picture", 2600 - 29))
VOICE = b"#!SILK_V3" + noise("highway/voice", 700)
DAMAGED = noise("highway/damaged", 1500)
HTTP_FILE = noise("highway/http-file", 900)
PARALLEL_FILE = noise("highway/parallel", 1800)
PART = 500


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def pb_uint(number, value):
    return varint(number << 3) + varint(value)


def pb_bytes(number, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(number << 3 | 2) + varint(len(data)) + data


def base_head(cmd, seq, uin=str(UIN), command_id=2):
    """DataHighwayHead: version, uin (digits), command, seq, retry, appid, dataflag, command id, build."""
    return (pb_uint(1, 1) + pb_bytes(2, uin) + pb_bytes(3, cmd) + pb_uint(4, seq) + pb_uint(5, 0)
            + pb_uint(6, APPID) + pb_uint(7, 4096) + pb_uint(8, command_id) + pb_bytes(9, "8.9.50.10650"))


def seg_head(file_size, offset, chunk, file_md5, chunk_md5=None, ticket=b""):
    """SegHead: service id, file size, offset, length, ticket, chunk MD5, file MD5."""
    return (pb_uint(2, file_size) + pb_uint(3, offset) + pb_uint(4, len(chunk))
            + pb_bytes(6, ticket or noise("highway/ticket", 32))
            + pb_bytes(8, chunk_md5 or hashlib.md5(chunk).digest()) + pb_bytes(9, file_md5))


def frame(head, body=b"", head_len=None, body_len=None, end=0x29):
    return (b"\x28" + struct.pack("!II", len(head) if head_len is None else head_len,
                                  len(body) if body_len is None else body_len)
            + head + body + bytes([end]))


def request(cmd, seq, data, offset, whole, chunk_md5=None, uin=str(UIN), command_id=2):
    """A ReqDataHighwayHead frame carrying data[...] of the file `whole`."""
    head = (pb_bytes(1, base_head(cmd, seq, uin, command_id))
            + pb_bytes(2, seg_head(len(whole), offset, data, hashlib.md5(whole).digest(), chunk_md5))
            + pb_bytes(3, b"") + pb_uint(4, 1700000000 + seq))
    return frame(head, data)


def response(cmd, seq, offset=0, whole=b"", error=0):
    """A RspDataHighwayHead frame: base head, segment head, error code, costs."""
    seg = pb_uint(2, len(whole)) + pb_uint(3, offset) + pb_uint(5, error)
    head = (pb_bytes(1, base_head(cmd, seq)) + pb_bytes(2, seg) + pb_uint(3, error)
            + pb_uint(4, 1) + pb_uint(5, 3) + pb_uint(6, 12))
    return frame(head)


def echo(seq):
    """A heartbeat: no body, and a login signature head (field 5, which responses use for a number)."""
    login_sig = pb_uint(1, 8) + pb_bytes(2, noise("highway/login-sig", 24)) + pb_uint(3, APPID)
    head = (pb_bytes(1, base_head("PicUp.Echo", seq, command_id=0)) + pb_uint(4, 1700000000 + seq)
            + pb_bytes(5, login_sig))
    return frame(head)


def chunks(data, size):
    return [(off, data[off:off + size]) for off in range(0, len(data), size)]


def picture_upload(cap):
    """Three chunks on TCP 8080; chunk 2 over three segments; answers 2 and 3 together."""
    c = cap.tcp(CLIENT, 40100, SERVER, 8080)
    parts = [request("PicUp.DataUp", 100 + i, data, off, PICTURE) for i, (off, data) in
             enumerate(chunks(PICTURE, CHUNK))]
    c.client(parts[0])
    c.server(response("PicUp.DataUp", 100, 0, PICTURE))
    c.client(*split(parts[1], 300, 800))
    c.client(parts[2])
    c.server(response("PicUp.DataUp", 101, CHUNK, PICTURE) + response("PicUp.DataUp", 102, 2 * CHUNK, PICTURE))
    c.close()


def voice_upload_443(cap):
    c = cap.tcp(CLIENT, 40101, SERVER, 443)
    c.client(request("PttCenterSvr.ptt_store", 7, VOICE, 0, VOICE, command_id=29))
    c.server(response("PttCenterSvr.ptt_store", 7, 0, VOICE))
    c.close()


def damaged_upload(cap):
    """TCP 15000: a heartbeat, then a file whose second chunk was damaged on the way."""
    c = cap.tcp(CLIENT, 40102, SERVER, 15000)
    c.client(echo(200))
    c.server(response("PicUp.Echo", 200))
    (o1, d1), (o2, d2) = chunks(DAMAGED, 1000)
    c.client(request("PicUp.DataUp", 201, d1, o1, DAMAGED))
    c.server(response("PicUp.DataUp", 201, o1, DAMAGED))
    bad = bytearray(d2)
    bad[17] ^= 0xFF
    c.client(request("PicUp.DataUp", 202, bytes(bad), o2, DAMAGED, chunk_md5=hashlib.md5(d2).digest()))
    c.server(response("PicUp.DataUp", 202, o2, DAMAGED, error=1))
    c.close()


def http_upload(cap):
    """TCP 80: one chunk in an HTTP POST body, the answer in the response body."""
    body = request("PicUp.DataUp", 300, HTTP_FILE, 0, HTTP_FILE, command_id=1)
    post = ("POST /cgi-bin/httpconn?htcmd=0x6FF0087&uin=%d HTTP/1.1\r\n"
            "Host: %s\r\nUser-Agent: QQClient\r\nContent-Type: application/octet-stream\r\n"
            "Content-Length: %d\r\nConnection: keep-alive\r\n\r\n" % (UIN, SERVER, len(body))).encode()
    answer = response("PicUp.DataUp", 300, 0, HTTP_FILE)
    ok = ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n"
          "Connection: keep-alive\r\n\r\n" % len(answer)).encode()
    c = cap.tcp(CLIENT, 40103, SERVER, 80)
    c.client(post + body)
    c.server(ok + answer)
    c.close()


def parallel_upload(cap):
    """TCP 8080, two connections at once, as clients upload large files: each
    starts with a heartbeat, then takes the next free chunk (offsets 0 and
    2*PART on the first, PART and 3*PART on the second)."""
    a = cap.tcp(CLIENT, 40104, SERVER, 8080)
    b = cap.tcp(CLIENT, 40105, SERVER, 8080)
    a.client(echo(400))
    b.client(echo(401))
    a.server(response("PicUp.Echo", 400))
    b.server(response("PicUp.Echo", 401))
    for i, (off, data) in enumerate(chunks(PARALLEL_FILE, PART)):
        conn = (a, b)[i % 2]
        conn.client(request("PicUp.DataUp", 410 + i, data, off, PARALLEL_FILE))
        conn.server(response("PicUp.DataUp", 410 + i, off, PARALLEL_FILE))
    a.close()
    b.close()


def highway():
    cap = Capture(start=1_700_000_000.0)
    picture_upload(cap)
    voice_upload_443(cap)
    damaged_upload(cap)
    http_upload(cap)
    parallel_upload(cap)
    return cap


def hostile():
    cap = Capture(start=1_700_000_100.0)
    small = noise("highway/hostile", 64)
    c = cap.tcp(CLIENT, 40200, SERVER, 15001)
    c.client(request("PicUp.DataUp", 1, small, 0, small))
    # The frames after it: a 4 GiB head length, a head that is not protobuf,
    # a QQ number that is not digits, a chunk past the end of its file.
    c.client(frame(b"\x0a\x02\x08\x01", head_len=0xFFFFFFFF))
    c.client(frame(b"\x0a\xff\xff\xff\xff\x0f\x00\x00"))
    c.client(request("PicUp.DataUp", 2, small, 0, small, uin="4867x2996"))
    c.client(request("PicUp.DataUp", 3, small, 100, small))
    c.close()
    # Fresh connections with 0x28 framing that does not add up: unclaimed.
    good_head = pb_bytes(1, base_head("PicUp.DataUp", 9))
    for port, data in ((40201, frame(good_head, small, end=0x30)),
                       (40202, frame(good_head, small, body_len=17 * 1024 * 1024)),
                       (40203, frame(b"\x0a\x05abc", small))):
        c = cap.tcp(CLIENT, port, SERVER, 15002)
        c.client(data)
        c.close()
    return cap


CAPTURES = {
    "qq-highway.pcap": highway,
    "qq-highway-hostile.pcap": hostile,
}
