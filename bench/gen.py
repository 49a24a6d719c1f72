# SPDX-License-Identifier: GPL-2.0-or-later
"""Large deterministic captures for the benchmark.

    gen.py im SCALE OUT.pcap           IM traffic: MSNP (tcp 1863, with P2P file
                                       transfers, display pictures and direct
                                       connections) and QQ (udp 8000, tcp 8000,
                                       tcp 443; QQ-TEA ciphertext)
    gen.py keys SCALE OUT.keys         the QQ session keys of that IM capture
                                       (a key log for -o qq.keylog_file)
    gen.py background SCALE OUT.pcap   traffic the heuristics must reject: HTTP, TLS,
                                       DNS, text and random binary on arbitrary ports

SCALE multiplies the number of sessions (each session keeps its shape), so a
capture at scale 4 has four times the packets and four times the
conversations of scale 1.  Scale 1 gives more than 200,000 packets of each
kind.  Sessions run interleaved (a fixed number open at a time, stepped in a
seeded random order), frames are streamed to the file as they are made, and
the same scale always yields the same bytes.
"""

import base64
import hashlib
import os
import random
import struct
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "sample-pcaps"))

import pcapgen  # noqa: E402
import msnp_p2p_scenarios as mps  # noqa: E402
import qq_crypto_scenarios as qcs  # noqa: E402
import qq_pcqq_login_scenarios as pcl  # noqa: E402
import qqtea  # noqa: E402

# Sessions per scale unit; tuned so that scale 1 gives > 200,000 frames each.
IM_MIX = {"msnp_ds": 400, "msnp_ns": 700, "msnp_sb": 1300, "msnp_p2p": 120,
          "qq_udp": 1000, "qq_tcp8000": 200, "qq_tcp443": 200}
BG_MIX = {"http": 1200, "tls": 1000, "dns": 12000, "text": 700, "tcp_random": 1000,
          "udp_random": 8000}
OPEN_AT_ONCE = 64
OUR_PORTS = {443, 1863, 8000}


def client_port(n):
    """The ephemeral port of session n, never one of the ports our dissectors
    (or TLS) own: background traffic there would be claimed by port."""
    port = 1025 + n % 60000
    return port + 1 if port in OUR_PORTS else port


class StreamCapture(pcapgen.Capture):
    """pcapgen.Capture that writes each frame at once instead of keeping it.

    Time is kept in integer microseconds so that millions of frames do not
    accumulate floating-point drift.
    """

    def __init__(self, f, start=1_262_304_000, step_usec=500):
        super().__init__(float(start), step_usec / 1e6)
        self.f = f
        self.count = 0
        self._sec0 = start
        self._usec = 0
        self._step = step_usec
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144,
                            pcapgen.LINKTYPE_ETHERNET))

    def advance(self, seconds):
        self._usec += int(seconds * 1_000_000)

    def add_frame(self, data):
        sec, usec = divmod(self._usec, 1_000_000)
        self.f.write(struct.pack("<IIII", self._sec0 + sec, usec, len(data), len(data)))
        self.f.write(data)
        self._usec += self._step
        self.count += 1


def _fast_checksum(data):
    """Internet checksum; same result as pcapgen's, several times faster."""
    if len(data) % 2:
        data += b"\0"
    s = int.from_bytes(data, "big")
    # Fold 16-bit words by repeated halving of the big integer.
    bits = len(data) * 8
    while bits > 32:
        half = (bits // 2 + 15) // 16 * 16
        s = (s >> half) + (s & ((1 << half) - 1))
        bits = half + 1
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


# ---------------------------------------------------------------------------
# Helpers


def ip(net, n):
    """A unique address in the /8 `net` for session number n."""
    return "%d.%d.%d.%d" % (net, (n >> 16) & 255, (n >> 8) & 255, (n & 255) or 1)


def cut_randomly(rng, data, pieces):
    """Split bytes into `pieces` segments at seeded random offsets."""
    if pieces <= 1 or len(data) < pieces:
        return [data]
    cuts = sorted(rng.sample(range(1, len(data)), pieces - 1))
    return pcapgen.split(data, *cuts)


def words(rng, n):
    vocab = ("hello", "are", "you", "there", "lunch", "meeting", "ok", "see", "later",
             "the", "file", "is", "ready", "thanks", "sure", "tomorrow", "call", "me")
    return " ".join(rng.choice(vocab) for _ in range(n))


def email(rng, n):
    return "user%d@%s" % (n, rng.choice(("hotmail.com", "msn.com", "passport.com")))


# ---------------------------------------------------------------------------
# MSNP sessions (tcp 1863).  Each is a generator: one yield per exchange, so
# the scheduler interleaves them.


def msnp_ds(cap, rng, n):
    c = cap.tcp(ip(10, n), client_port(n), "65.54.239.%d" % (n % 200 + 1), 1863)
    me = email(rng, n)
    c.client(b"VER 1 MSNP11 MSNP10 CVR0\r\n")
    c.server(b"VER 1 MSNP11\r\n")
    yield
    c.client(b"CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0813 msmsgs %s\r\n" % me.encode())
    c.server(b"CVR 2 7.0.0813 7.0.0813 6.2.0208 http://msgr.dlservice.microsoft.com "
             b"http://messenger.msn.com\r\n")
    yield
    c.client(b"USR 3 TWN I %s\r\n" % me.encode())
    if rng.random() < 0.1:
        c.server(b"911 3\r\n")
    else:
        c.server(b"XFR 3 NS 207.46.4.%d:1863 0 65.54.239.20:1863\r\n" % (n % 250 + 1))
    c.close()


def msnp_payload(head, body):
    """A payload command: first line ends with the payload's byte length."""
    return head + b" %d\r\n" % len(body) + body


def msg_body(rng, kind, me):
    if kind == "typing":
        return (b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgscontrol\r\n"
                b"TypingUser: %s\r\n\r\n\r\n" % me)
    text = words(rng, rng.randint(2, 40)).encode()
    return (b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            b"X-MMS-IM-Format: FN=Arial; EF=; CO=0; CS=0; PF=22\r\n\r\n" + text)


def send_split(rng, send, data):
    """Send bytes as one segment, or cut into 2-3 segments (reassembly)."""
    r = rng.random()
    if r < 0.7:
        send(data)
    else:
        send(*cut_randomly(rng, data, 2 if r < 0.9 else 3))


def msnp_ns(cap, rng, n):
    c = cap.tcp(ip(10, n), client_port(n), "207.46.4.%d" % (n % 250 + 1), 1863)
    me = email(rng, n).encode()
    c.client(b"VER 1 MSNP11 MSNP10 CVR0\r\n")
    c.server(b"VER 1 MSNP11\r\n")
    yield
    c.client(b"CVR 2 0x0804 winnt 5.1 i386 MSNMSGR 7.0.0813 msmsgs " + me + b"\r\n")
    c.server(b"CVR 2 7.0.0813 7.0.0813 6.2.0208 http://msgr.dlservice.microsoft.com "
             b"http://messenger.msn.com\r\n")
    c.client(b"USR 3 TWN I " + me + b"\r\n")
    c.server(b"USR 3 TWN S lc=1033,id=507,tw=40,fs=1,ru=http%%3A%%2F%%2Fmessenger%%2Emsn%%2Ecom,"
             b"ct=1131000000,kpp=1,kv=7,ver=2.1.6000.1,tpf=%032x\r\n" % rng.getrandbits(128))
    yield
    c.client(b"USR 4 TWN S t=%032x&p=%032x\r\n" % (rng.getrandbits(128), rng.getrandbits(128)))
    profile = (b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsprofile; charset=UTF-8\r\n"
               b"LoginTime: 1131000000\r\nEmailEnabled: 1\r\nMemberIdHigh: 1\r\n"
               b"MemberIdLow: -%d\r\nlang_preference: 2052\r\nCountry: CN\r\n"
               b"Kid: 0\r\nFlags: 1073742915\r\nClientIP: 10.0.0.%d\r\n\r\n"
               % (rng.getrandbits(30), n % 250 + 1))
    # Several commands in one segment, the payload cut over segments.
    send_split(rng, c.server, b"USR 4 OK " + me + b" 1 0\r\nSBS 0 null\r\n"
               + msnp_payload(b"MSG Hotmail Hotmail", profile))
    yield
    contacts = [email(rng, n * 1000 + i).encode() for i in range(rng.randint(10, 40))]
    c.client(b"SYN 5 0 0\r\n")
    lst = [b"SYN 5 12 %d 2\r\nGTC A\r\nBLP AL\r\nPRP MFN Me\r\n" % len(contacts),
           b"LSG Friends 0\r\nLSG Work 1\r\n"]
    for i, ct in enumerate(contacts):
        lst.append(b"LST N=%s F=Friend%d C=%08x-0000-0000-0000-%012x 11 %d\r\n"
                   % (ct, i, rng.getrandbits(32), rng.getrandbits(48), i % 2))
    blob = b"".join(lst)
    # The list arrives in ~1400-byte segments cut mid-line.
    c.server(*[blob[i:i + 1400] for i in range(0, len(blob), 1400)])
    yield
    c.client(b"CHG 6 NLN 0\r\n")
    online = rng.sample(contacts, max(1, len(contacts) // 2))
    burst = b"CHG 6 NLN 0\r\n" + b"".join(
        b"ILN 6 %s %s Friend%%20%d 1342177280\r\n"
        % (rng.choice((b"NLN", b"AWY", b"BSY", b"IDL")), ct, i) for i, ct in enumerate(online))
    c.server(*[burst[i:i + 700] for i in range(0, len(burst), 700)])
    yield
    for ct in online[:8]:
        psm = b"<Data><PSM>" + words(rng, rng.randint(1, 8)).encode() + \
              b"</PSM><CurrentMedia></CurrentMedia></Data>"
        send_split(rng, c.server, msnp_payload(b"UBX " + ct, psm))
    yield
    c.server(b"CHL 0 %020d\r\n" % rng.getrandbits(64))
    c.client(msnp_payload(b"QRY 7 PROD0090YUAUV{2B", b"%032x" % rng.getrandbits(128)))
    c.server(b"QRY 7\r\n")
    trid = 8
    for _ in range(rng.randint(15, 30)):
        yield
        r = rng.random()
        if r < 0.35:
            # Presence burst: several NLN/FLN in one segment.
            c.server(b"".join(
                b"NLN %s %s Friend 1342177280\r\n" % (rng.choice((b"NLN", b"AWY", b"BSY")),
                                                      rng.choice(contacts))
                if rng.random() < 0.8 else b"FLN %s\r\n" % rng.choice(contacts)
                for _ in range(rng.randint(1, 6))))
        elif r < 0.5:
            c.client(b"PNG\r\n")
            c.server(b"QNG %d\r\n" % rng.randint(30, 60))
        elif r < 0.65:
            c.client(b"XFR %d SB\r\n" % trid)
            c.server(b"XFR %d SB 207.46.108.%d:1863 CKI %d.%d.%d\r\n"
                     % (trid, n % 250 + 1, rng.getrandbits(30), rng.getrandbits(20),
                        rng.getrandbits(10)))
            trid += 1
        elif r < 0.75:
            c.server(b"RNG %d 207.46.108.%d:1863 CKI %d.%d %s Friend\r\n"
                     % (rng.getrandbits(30), n % 250 + 1, rng.getrandbits(20),
                        rng.getrandbits(20), rng.choice(contacts)))
        elif r < 0.85:
            psm = b"<Data><PSM>" + words(rng, rng.randint(1, 6)).encode() + b"</PSM></Data>"
            send_split(rng, c.client, msnp_payload(b"UUX %d" % trid, psm))
            c.server(b"UUX %d 0\r\n" % trid)
            trid += 1
        elif r < 0.92:
            note = (b"<NOTIFICATION id=\"%d\" siteid=\"111100200\" siteurl=\"http://"
                    b"calendar.msn.com\"><TO pid=\"0x1:0x2\" name=\"" % trid + me +
                    b"\"/><MSG id=\"0\"><BODY>" + words(rng, 10).encode() +
                    b"</BODY></MSG></NOTIFICATION>")
            send_split(rng, c.server, msnp_payload(b"NOT", note))
        else:
            c.client(b"CHG %d %s 0\r\n" % (trid, rng.choice((b"AWY", b"BSY", b"NLN"))))
            c.server(b"CHG %d NLN 0\r\n" % trid)
            trid += 1
        c.ack("c")
    c.client(b"OUT\r\n")
    c.close()


def msnp_sb(cap, rng, n):
    c = cap.tcp(ip(11, n), client_port(n), "207.46.108.%d" % (n % 250 + 1), 1863)
    me = email(rng, n).encode()
    peer = email(rng, n + 7919).encode()
    if rng.random() < 0.5:
        c.client(b"USR 1 %s %d.%d.%d\r\n" % (me, rng.getrandbits(30), rng.getrandbits(20),
                                            rng.getrandbits(10)))
        c.server(b"USR 1 OK %s Me\r\n" % me)
        yield
        c.client(b"CAL 2 %s\r\n" % peer)
        c.server(b"CAL 2 RINGING %d\r\n" % rng.getrandbits(24))
        c.server(b"JOI %s Friend 1342177280\r\n" % peer)
    else:
        c.client(b"ANS 1 %s %d.%d %d\r\n" % (me, rng.getrandbits(20), rng.getrandbits(20),
                                            rng.getrandbits(24)))
        c.server(b"IRO 1 1 1 %s Friend 1342177280\r\nANS 1 OK\r\n" % peer)
    trid = 3
    for _ in range(rng.randint(10, 25)):
        yield
        r = rng.random()
        if r < 0.4:
            body = msg_body(rng, "text", me)
            ack = rng.choice((b"N", b"A"))
            send_split(rng, c.client, msnp_payload(b"MSG %d %s" % (trid, ack), body))
            if ack == b"A":
                c.server(b"ACK %d\r\n" % trid)
            else:
                c.ack("s")
            trid += 1
        elif r < 0.75:
            body = msg_body(rng, "text", me)
            send_split(rng, c.server, msnp_payload(b"MSG %s Friend" % peer, body))
            c.ack("c")
        elif r < 0.9:
            body = msg_body(rng, "typing", peer)
            c.server(msnp_payload(b"MSG %s Friend" % peer, body))
            c.ack("c")
        else:
            # Several messages in one segment, the last one cut over two.
            a = msnp_payload(b"MSG %d U" % trid, msg_body(rng, "typing", me))
            b = msnp_payload(b"MSG %d N" % (trid + 1), msg_body(rng, "text", me))
            c.client(a + b[:len(b) // 2], b[len(b) // 2:])
            c.ack("s")
            trid += 2
    c.server(b"BYE %s\r\n" % peer)
    c.client(b"OUT\r\n")
    c.close()


# MSNP P2P sessions: a switchboard where the client sends a file, fetches
# the peer's display picture, or sends a file over a direct connection that
# the peer announced in its transport answer.  Sizes stay modest (1-40 KB,
# pictures 2-12 KB): the reassembled files are kept for the whole file.


def p2p_uuid(rng):
    return ("{%08X-%04X-%04X-%04X-%012X}" % (rng.getrandbits(32), rng.getrandbits(16),
                                            rng.getrandbits(16), rng.getrandbits(16),
                                            rng.getrandbits(48))).encode()


def p2p_invite(me, peer, call, session_id, euf, app_id, context):
    body = mps.keys((b"EUF-GUID", euf), (b"SessionID", b"%d" % session_id),
                    (b"AppID", app_id), (b"Context", context))
    return mps.slp(b"INVITE MSNMSGR:" + peer + b" MSNSLP/1.0", peer, me, call, 0, call,
                   b"application/x-msnmsgr-sessionreqbody", body)


def p2p_ok(me, peer, call, session_id):
    return mps.slp(b"MSNSLP/1.0 200 OK", me, peer, call, 1, call,
                   b"application/x-msnmsgr-sessionreqbody",
                   mps.keys((b"SessionID", b"%d" % session_id)))


def p2p_transport(me, peer, call, session_id, nonce, addr, port):
    """The transport offer and the peer's answer announcing addr:port."""
    offer = mps.slp(b"INVITE MSNMSGR:" + peer + b" MSNSLP/1.0", peer, me, call, 0, call,
                    b"application/x-msnmsgr-transreqbody",
                    mps.keys((b"Bridges", b"TCPv1"), (b"Conn-Type", b"Direct-Connect"),
                             (b"Nonce", nonce), (b"SessionID", b"%d" % session_id)))
    answer = mps.slp(b"MSNSLP/1.0 200 OK", me, peer, call, 1, call,
                     b"application/x-msnmsgr-transrespbody",
                     mps.keys((b"Bridge", b"TCPv1"), (b"Listening", b"true"), (b"Nonce", nonce),
                              (b"IPv4Internal-Addrs", addr.encode()),
                              (b"IPv4Internal-Port", b"%d" % port),
                              (b"SessionID", b"%d" % session_id)))
    return offer, answer


def p2p_direct_transfer(cap, rng, client, addr, port, session_id, nonce, data, ident):
    """The direct connection: foo, the handshake, the data in 1352-byte chunks."""
    dc = cap.tcp(client, client_port(ident), addr, port)
    dc.client(mps.dc_frame(b"foo\0"))
    shake = mps.p2p_header(0, ident, 0, 0, 0, 0x100)[:32] + nonce.bytes_le
    dc.client(mps.dc_frame(shake))
    dc.server(mps.dc_frame(mps.p2p_header(0, ident + 1, 0, 0, 0, 0x100)[:32] + nonce.bytes_le))
    frames = b"".join(mps.dc_frame(mps.p2p_header(session_id, ident + 2, off, len(data), len(piece),
                                                  0x01000030) + piece)
                      for off, piece in mps.chunks(data, mps.DC_CHUNK))
    send_split(rng, dc.client, frames)
    dc.server(mps.dc_frame(mps.p2p_header(session_id, ident + 3, 0, len(data), 0, 0x2,
                                          ident + 2, 0, len(data))))
    dc.close()


def msnp_p2p(cap, rng, n):
    client, server = ip(15, n), "207.46.109.%d" % (n % 250 + 1)
    c = cap.tcp(client, client_port(n), server, 1863)
    me, peer = email(rng, n).encode(), email(rng, n + 104729).encode()
    c.client(b"USR 1 %s %d.%d\r\n" % (me, rng.getrandbits(30), rng.getrandbits(20)))
    c.server(b"USR 1 OK %s Me\r\n" % me)
    c.client(b"CAL 2 %s\r\n" % peer)
    c.server(b"CAL 2 RINGING %d\r\n" % rng.getrandbits(24))
    c.server(b"JOI %s Friend\r\n" % peer)
    yield
    mine = mps.P2PSender(c, "c", me, peer, b"Me", rng.getrandbits(28), c2s_trid=3)
    theirs = mps.P2PSender(c, "s", peer, me, b"Friend", rng.getrandbits(28))
    session_id, call = rng.getrandbits(31) or 1, p2p_uuid(rng)
    # Of ten sessions three fetch a picture, five send a file through the
    # switchboard and two over a direct connection.
    kind = n % 10
    if kind < 3:
        data = rng.randbytes(rng.randint(2000, 12000))
        obj = mps.msnobj(peer, data, "pic%d.png" % n)
        mine.message(0, p2p_invite(me, peer, call, session_id, mps.EUF_MSNOBJ, b"1",
                                   base64.b64encode(obj + b"\0")), 0, 0)
        yield
        theirs.message(0, p2p_ok(me, peer, call, session_id), 0, 0)
        theirs.message(session_id, b"\0\0\0\0", 0, 1)
        yield
        theirs.message(session_id, data, 0x20, 1)
    else:
        data = rng.randbytes(rng.randint(1000, 40000))
        name = "file-%d.dat" % n
        mine.message(0, p2p_invite(me, peer, call, session_id, mps.EUF_FILE, b"2",
                                   mps.file_context(name, len(data))), 0, 0)
        yield
        theirs.message(0, p2p_ok(me, peer, call, session_id), 0, 0)
        yield
        if kind < 8:
            mine.message(session_id, data, 0x01000030, 2)
        else:
            addr, port = ip(16, n), 20000 + n % 40000
            nonce = uuid.UUID(bytes=rng.randbytes(16))
            offer, answer = p2p_transport(me, peer, p2p_uuid(rng), session_id,
                                          mps.guid_text(nonce), addr, port)
            mine.message(0, offer, 0, 0)
            theirs.message(0, answer, 0, 0)
            yield
            p2p_direct_transfer(cap, rng, client, addr, port, session_id, nonce, data, n * 8 + 1)
    yield
    c.client(b"OUT\r\n")
    c.close()


# ---------------------------------------------------------------------------
# QQ sessions


QQ_CLASSIC_VERSIONS = (0x0d55, 0x0e1b, 0x0f5f, 0x1105, 0x1205, 0x1663)
QQ2010_VERSIONS = (0x1c51, 0x1e0d, 0x2227)
PCQQ_VERSIONS = (0x3649, 0x3841, 0x3b0b)
# The password of every PC QQ client (the "password" runs of bench.py).
BENCH_PASSWORD = "bench-pcqq-password"
QQ2010_FILL = b"\x02\x00\x00\x00\x01\x01\x01\x00\x00"
QQ_TEXTS = ("你好，今天下午开会吗？", "好的，谢谢", "Hello from QQ", "文件已经发给你了",
            "see you tomorrow 明天见")


def qq_session_key(uin):
    """The session key of client uin: the key log bench.py writes (keyed runs)
    lists it, so that its session traffic can be decrypted."""
    return hashlib.md5(b"bench session key %d" % uin).digest()


def pcqq_login_keys(uin):
    """The TGTGT key and the 0x0828 keys (TLV 0x0109, 0x0107) of a PC QQ
    client's login: the key log lists them too, so that a keyed run opens
    the login without the password."""
    return tuple(hashlib.md5(b"bench %s %d" % (what, uin)).digest() for what in (b"tgtgt", b"0109", b"0107"))


def qq_uins(scale):
    """Every QQ number of an IM capture at this scale (for its key log)."""
    uins = set()
    for kind, first, step in (("qq_udp", 10000, 37), ("qq_tcp8000", 20000, 41),
                              ("qq_tcp443", 20000, 41)):
        uins.update(first + n * step for n in range(max(1, int(round(IM_MIX[kind] * scale)))))
    return sorted(uins)


def write_qq_keylog(scale, path):
    with open(path, "w") as f:
        f.write("# QQ session keys of the benchmark's IM capture at scale %g\n" % scale)
        f.write("# (every client: its session key; PC QQ clients also use their login keys)\n")
        for uin in qq_uins(scale):
            tgtgt, key_a, key_b = pcqq_login_keys(uin)
            f.write("QQ_SESSION_KEY %d %s\n" % (uin, qq_session_key(uin).hex()))
            f.write("QQ_TGTGT_KEY %d %s\n" % (uin, tgtgt.hex()))
            f.write("QQ_LOGIN_KEY %d %s\nQQ_LOGIN_KEY %d %s\n" % (uin, key_a.hex(), uin, key_b.hex()))


class QQClient:
    """Builds QQ packets for one client (classic or QQ2010 header) with real
    QQ-TEA ciphertext: logins under the clear key they carry (their replies
    under the request's key, as the touch of each generation does), the rest
    under the client's session key."""

    def __init__(self, rng, uin):
        self.rng = rng
        self.uin = uin
        # A third of the clients are PC QQ 2012+, whose login chains keys
        # from the password (QQ2010 framing and session layouts otherwise).
        kind = rng.random()
        self.pcqq = kind < 0.34
        self.qq2010 = kind < 0.67
        self.ver = rng.choice(PCQQ_VERSIONS if self.pcqq else QQ2010_VERSIONS if self.qq2010 else QQ_CLASSIC_VERSIONS)
        self.seq = rng.getrandbits(16)
        self.tail = rng.getrandbits(16)
        self.key = qq_session_key(uin)
        self.login_key = None
        self.buddy = 10000 + rng.getrandbits(24)

    def encrypt(self, plain, key=None):
        return qqtea.encrypt(plain, key or self.key, self.rng.randbytes(10))

    def filler(self):
        return self.rng.randbytes(8 * self.rng.randint(1, 21) + self.rng.randint(0, 7))

    def im_out(self):
        """What the client sends with 0x0016 / 0x00cd: to whom, and the text."""
        when = 1_262_304_000 + self.rng.getrandbits(20)
        text = self.rng.choice(QQ_TEXTS)
        head = struct.pack("!II", self.uin, self.buddy)
        if self.pcqq:
            head += bytes.fromhex("0000000800010004") + bytes(4)
        elif self.qq2010:
            head += bytes(17)
        body = qcs.im_header(self.ver, self.uin, self.buddy, self.key) + qcs.text_header(
            self.rng.getrandbits(16), when, self.rng.getrandbits(16))
        return head + body + (qcs.segmented_text(text, when) if self.qq2010 else qcs.classic_text(text))

    def im_in(self):
        """A received IM pushed by the server (0x0017 / 0x00ce)."""
        when = 1_262_304_000 + self.rng.getrandbits(20)
        text = self.rng.choice(QQ_TEXTS)
        return (qcs.recv_header(self.buddy, self.uin, self.rng.getrandbits(32),
                                0x00A6 if self.qq2010 else 0x0009)
                + qcs.im_header(self.ver, self.buddy, self.uin, self.key)
                + qcs.text_header(self.rng.getrandbits(16), when, self.rng.getrandbits(16))
                + (qcs.segmented_text(text, when) if self.qq2010 else qcs.classic_text(text)))

    def body(self, plain=None, key=False):
        plain = self.filler() if plain is None else plain
        if key:
            self.login_key = self.rng.randbytes(16)
            return self.login_key + self.encrypt(plain, self.login_key)
        return self.encrypt(plain)

    def request(self, cmd, seq=None, key=False, plain=None):
        seq = self.next_seq() if seq is None else seq
        head = struct.pack("!BHHHI", 0x02, self.ver, cmd, seq, self.uin)
        if self.qq2010:
            head += QQ2010_FILL + struct.pack("!H", self.tail)
        return head + self.body(plain, key) + b"\x03"

    def reply(self, cmd, seq, plain=None, login=False):
        head = struct.pack("!BHHH", 0x02, self.ver, cmd, seq)
        if self.qq2010:
            head += struct.pack("!I", self.uin) + b"\0\0\0"
        plain = self.filler() if plain is None else plain
        return head + self.encrypt(plain, self.login_key if login else None) + b"\x03"

    def next_seq(self):
        self.seq = (self.seq + 1) & 0xFFFF
        return self.seq


def pcqq_login(q):
    """The PC QQ login chain (doc/qq.md): 0x0825 under its clear key, 0x0836
    under SSO2's default share key with TLV 0x0006 under the password key,
    its reply's inner layer under the TGTGT key, 0x0828 under the keys that
    layer gives, TLV 0x010C the client's session key."""
    rng, uin = q.rng, q.uin
    login_ext = struct.pack("!BHII", 3, 0, 0x00010101, q.tail) + bytes(4)

    def req(cmd, body, ext):
        return struct.pack("!BHHHI", 2, q.ver, cmd, q.next_seq(), uin) + ext + body + b"\x03"

    def rep(cmd, body):
        return struct.pack("!BHHHI", 2, q.ver, cmd, q.seq, uin) + b"\0\0\0" + body + b"\x03"

    k = rng.randbytes(16)
    tgtgt, key_a, key_b = pcqq_login_keys(uin)
    token = rng.randbytes(56)
    ping = pcl.tlv(0x0018, struct.pack("!HIIIIHH", 1, 0x0453, 1, 0x1585, uin, 0, 0))
    touch = req(0x0825, k + q.encrypt(ping, k), login_ext)
    steps = [[("c", touch), ("s", rep(0x0825, q.encrypt(b"\0" + pcl.tlv(0x0112, rng.randbytes(56)), k)))]]
    plain6 = (rng.randbytes(4) + struct.pack("!HIIII", 2, uin, 0x0453, 1, 0x1585) + b"\0\0\x01"
              + hashlib.md5(BENCH_PASSWORD.encode()).digest() + rng.randbytes(4) + bytes(13) + rng.randbytes(4)
              + bytes(8) + pcl.l16(rng.randbytes(16)) + tgtgt)
    tlvs = pcl.tlv(0x0005, struct.pack("!HI", 2, uin)) + pcl.tlv(
        0x0006, q.encrypt(plain6, pcl.pwd_qq_key(BENCH_PASSWORD, uin))) + ping
    clear = (struct.pack("!HHH", 1, 0x0103, 25) + pcl.DEFAULT_PUBLIC_KEY + pcl.l16(b"") + pcl.l16(rng.randbytes(16)))
    inner = (b"\0" + pcl.tlv(0x0109, struct.pack("!H", 1) + key_a + pcl.l16(token) + pcl.l16(b"") + pcl.l16(b""))
             + pcl.tlv(0x0107, struct.pack("!H", 1) + pcl.l16(bytes(22)) + key_b + pcl.l16(rng.randbytes(136))
                       + rng.randbytes(16) + pcl.l16(rng.randbytes(64))))
    steps.append([("c", req(0x0836, clear + q.encrypt(tlvs, pcl.DEFAULT_SHARE_KEY), login_ext)),
                  ("s", rep(0x0836, q.encrypt(q.encrypt(inner, tgtgt), pcl.DEFAULT_SHARE_KEY)))])
    session = (b"\0" + pcl.tlv(0x010C, struct.pack("!H", 1) + q.key + struct.pack("!I", uin) + rng.randbytes(10)
                                + bytes(8)))
    ext = QQ2010_FILL + struct.pack("!H", q.tail)
    steps.append([("c", req(0x0828, pcl.tlv(0x0030, pcl.l16(token)) + q.encrypt(
                      pcl.tlv(0x0007, rng.randbytes(136)), key_a), ext)),
                  ("s", rep(0x0828, q.encrypt(session, key_b)))])
    return steps


def qq_conversation(rng, q):
    """A QQ session as a list of steps; each step a list of (side, packet)."""
    if q.pcqq:
        steps = pcqq_login(q)
    else:
        steps = []
        login = q.request(0x0091, key=True)
        seq = q.seq
        steps.append([("c", login), ("c", login), ("c", login), ("s", q.reply(0x0091, seq, login=True))])
        cmd = 0x00dd if q.qq2010 else 0x0022
        req = q.request(cmd, key=True)
        steps.append([("c", req), ("s", q.reply(cmd, q.seq, login=True))])
    for _ in range(rng.randint(12, 30)):
        r = rng.random()
        if r < 0.25:
            cmd = 0x0058 if q.qq2010 else 0x0002
            steps.append([("c", q.request(cmd)), ("s", q.reply(cmd, q.seq))])
        elif r < 0.5:
            cmd = 0x00cd if q.qq2010 else 0x0016
            steps.append([("c", q.request(cmd, plain=q.im_out())), ("s", q.reply(cmd, q.seq, b"\x00"))])
        elif r < 0.75:
            cmd = 0x00ce if q.qq2010 else 0x0017
            s = rng.getrandbits(16)
            push = q.im_in()
            steps.append([("s", q.reply(cmd, s, push)), ("c", q.request(cmd, seq=s, plain=push[:16]))])
        elif r < 0.85:
            steps.append([("s", q.reply(0x0081, rng.getrandbits(16)))])
        else:
            steps.append([("c", q.request(0x0027)), ("s", q.reply(0x0027, q.seq))])
    out = q.request(0x0062 if q.qq2010 else 0x0001)
    steps.append([("c", out)] * 4)
    return steps


def qq_udp(cap, rng, n):
    q = QQClient(rng, 10000 + n * 37)
    client = (ip(12, n), 4000 + n % 10)
    server = ("219.133.49.%d" % (n % 200 + 1) if rng.random() < 0.5
              else "119.147.45.%d" % (n % 200 + 1), 8000)
    for step in qq_conversation(rng, q):
        for side, pkt in step:
            src, dst = (client, server) if side == "c" else (server, client)
            cap.udp(src[0], src[1], dst[0], dst[1], pkt)
        yield


def qq_tcp(port):
    def session(cap, rng, n):
        q = QQClient(rng, 20000 + n * 41)
        c = cap.tcp(ip(13 if port == 8000 else 14, n), client_port(n),
                    "219.133.60.%d" % (n % 200 + 1), port)
        pending = {"c": b"", "s": b""}
        for step in qq_conversation(rng, q):
            for side, pkt in step:
                framed = struct.pack("!H", len(pkt) + 2) + pkt
                other = "s" if side == "c" else "c"
                if pending[other]:
                    # What the other side held back goes first: a reply
                    # never leaves before its request.
                    (c.client if other == "c" else c.server)(pending[other])
                    pending[other] = b""
                pending[side] += framed
                # Flush now and then: several packets per segment, some cut.
                if rng.random() < 0.6:
                    send_split(rng, c.client if side == "c" else c.server, pending[side])
                    pending[side] = b""
            yield
        for side in ("c", "s"):
            if pending[side]:
                (c.client if side == "c" else c.server)(pending[side])
        c.close()
    return session


# ---------------------------------------------------------------------------
# Background sessions


def arbitrary_port(rng):
    while True:
        p = rng.randint(1024, 65535)
        if p not in OUR_PORTS:
            return p


def http(cap, rng, n):
    port = rng.choice((80, 80, 80, 8080, 3128))
    c = cap.tcp(ip(20, n), client_port(n), "93.184.%d.%d" % (n % 250, n % 199 + 1), port)
    for i in range(rng.randint(1, 6)):
        path = "/%s/%d.%s" % (rng.choice(("img", "css", "js", "api", "news")), i,
                              rng.choice(("png", "css", "js", "json", "html")))
        c.client(("GET %s HTTP/1.1\r\nHost: www.example%d.com\r\nUser-Agent: Mozilla/5.0 "
                  "(Windows NT 5.1)\r\nAccept: */*\r\nAccept-Encoding: gzip\r\n"
                  "Connection: keep-alive\r\n\r\n" % (path, n % 97)).encode())
        body = rng.randbytes(rng.randint(200, 12000))
        head = ("HTTP/1.1 200 OK\r\nServer: Apache\r\nContent-Type: application/octet-stream"
                "\r\nContent-Length: %d\r\nCache-Control: max-age=3600\r\n\r\n"
                % len(body)).encode()
        data = head + body
        c.server(*[data[j:j + 1460] for j in range(0, len(data), 1460)])
        c.ack("c")
        yield
    c.close()


def tls_record(ctype, payload):
    return struct.pack("!BHH", ctype, 0x0303, len(payload)) + payload


def tls_handshake(htype, body):
    return struct.pack("!B", htype) + len(body).to_bytes(3, "big") + body


def tls(cap, rng, n):
    port = 443 if rng.random() < 0.8 else rng.choice((8443, 993, 995))
    c = cap.tcp(ip(21, n), client_port(n), "151.101.%d.%d" % (n % 250, n % 199 + 1), port)
    host = b"www.site%d.example" % (n % 500)
    sni = struct.pack("!HBH", len(host) + 3, 0, len(host)) + host
    ext = struct.pack("!HH", 0, len(sni)) + sni
    hello = (b"\x03\x03" + rng.randbytes(32) + b"\x00" + b"\x00\x04\x13\x01\xc0\x2f"
             + b"\x01\x00" + struct.pack("!H", len(ext)) + ext)
    c.client(tls_record(22, tls_handshake(1, hello)))
    # TLS 1.3: after the ServerHello everything is encrypted application data.
    shello = b"\x03\x03" + rng.randbytes(32) + b"\x00\x13\x01\x00\x00\x00"
    flight = (tls_record(22, tls_handshake(2, shello)) + tls_record(20, b"\x01")
              + tls_record(23, rng.randbytes(rng.randint(1500, 4000))))
    c.server(*[flight[j:j + 1460] for j in range(0, len(flight), 1460)])
    yield
    c.client(tls_record(20, b"\x01") + tls_record(23, rng.randbytes(74)))
    for _ in range(rng.randint(2, 10)):
        yield
        c.client(tls_record(23, rng.randbytes(rng.randint(80, 600))))
        data = tls_record(23, rng.randbytes(rng.randint(100, 8000)))
        c.server(*[data[j:j + 1460] for j in range(0, len(data), 1460)])
        c.ack("c")
    c.close()


def dns_name(name):
    return b"".join(bytes([len(p)]) + p for p in name.split(b".")) + b"\0"


def dns(cap, rng, n):
    client = ip(22, n)
    sport = client_port(n)
    for i in range(rng.randint(1, 3)):
        qid = rng.getrandbits(16)
        name = dns_name(b"host%d.domain%d.example" % (rng.getrandbits(16), n % 300))
        qtype = rng.choice((1, 28))
        q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", qtype, 1)
        cap.udp(client, sport, "8.8.8.8", 53, q)
        ans = b""
        count = rng.randint(1, 4)
        for _ in range(count):
            rdata = rng.randbytes(4 if qtype == 1 else 16)
            ans += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, len(rdata)) + rdata
        r = struct.pack("!HHHHHH", qid, 0x8180, 1, count, 0, 0) + name + \
            struct.pack("!HH", qtype, 1) + ans
        cap.udp("8.8.8.8", 53, client, sport, r)
        yield


TEXT_LINES = (b"USER anonymous\r\n", b"PASS guest@\r\n", b"CWD /pub\r\n", b"250 OK\r\n",
              b"220 ready\r\n", b"HELO client.example\r\n", b"QUIT\r\n", b"NICK bot\r\n",
              b"PING :server\r\n", b"+OK hello\r\n", b"331 Password required\r\n",
              b"GET / HTTP/1.0\r\n", b"ABC 1 2 3\r\n", b"LIST\r\n", b"STAT\r\n")


def text(cap, rng, n):
    """Line-based text on arbitrary ports: near misses for a text heuristic."""
    c = cap.tcp(ip(23, n), client_port(n), ip(24, n), arbitrary_port(rng))
    for _ in range(rng.randint(5, 20)):
        c.client(b"".join(rng.choice(TEXT_LINES) for _ in range(rng.randint(1, 3))))
        c.server(rng.choice(TEXT_LINES))
        yield
    c.close()


def random_payload(rng):
    b = rng.randbytes(rng.randint(1, 1400))
    r = rng.random()
    if r < 0.1:
        # Starts like QQ (0x02) but is not.
        b = b"\x02" + b[1:]
    elif r < 0.15:
        b = b"\x02" + b[1:-1] + b"\x03"
    return b


def tcp_random(cap, rng, n):
    c = cap.tcp(ip(25, n), client_port(n), ip(26, n), arbitrary_port(rng))
    for _ in range(rng.randint(5, 40)):
        (c.client if rng.random() < 0.5 else c.server)(random_payload(rng))
        yield
    c.close()


def udp_random(cap, rng, n):
    src, dst = ip(27, n), ip(28, n)
    sport, dport = arbitrary_port(rng), arbitrary_port(rng)
    for _ in range(rng.randint(2, 8)):
        if rng.random() < 0.6:
            cap.udp(src, sport, dst, dport, random_payload(rng))
        else:
            cap.udp(dst, dport, src, sport, random_payload(rng))
        yield


SESSIONS = {
    "msnp_ds": msnp_ds, "msnp_ns": msnp_ns, "msnp_sb": msnp_sb, "msnp_p2p": msnp_p2p,
    "qq_udp": qq_udp,
    "qq_tcp8000": qq_tcp(8000), "qq_tcp443": qq_tcp(443),
    "http": http, "tls": tls, "dns": dns, "text": text, "tcp_random": tcp_random,
    "udp_random": udp_random,
}


# ---------------------------------------------------------------------------
# Driver


def schedule(cap, mix, scale, seed):
    """Run every session of `mix` (times scale), OPEN_AT_ONCE interleaved."""
    rng = random.Random(seed)
    queue = []
    for kind, count in sorted(mix.items()):
        queue += [kind] * max(1, int(round(count * scale)))
    rng.shuffle(queue)
    queue.reverse()
    numbers = {}
    frames = {}
    active = []
    while queue or active:
        while queue and len(active) < OPEN_AT_ONCE:
            kind = queue.pop()
            n = numbers.get(kind, 0)
            numbers[kind] = n + 1
            srng = random.Random("%s-%d-%d" % (kind, n, seed))
            active.append((kind, SESSIONS[kind](cap, srng, n)))
        i = rng.randrange(len(active))
        kind, session = active[i]
        before = cap.count
        try:
            next(session)
        except StopIteration:
            active[i] = active[-1]
            active.pop()
        frames[kind] = frames.get(kind, 0) + cap.count - before
    return {k: (numbers[k], frames[k]) for k in sorted(numbers)}


def generate(kind, scale, path):
    """Write the capture; returns (frames, {kind: (sessions, frames)})."""
    mix = {"im": IM_MIX, "background": BG_MIX}[kind]
    saved = pcapgen._checksum
    pcapgen._checksum = _fast_checksum
    tmp = path + ".tmp"
    try:
        with open(tmp, "wb", buffering=1 << 20) as f:
            cap = StreamCapture(f)
            numbers = schedule(cap, mix, scale, 1 if kind == "im" else 2)
    finally:
        pcapgen._checksum = saved
    os.replace(tmp, path)
    return cap.count, numbers


def main(argv):
    if len(argv) != 4 or argv[1] not in ("im", "background", "keys"):
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "keys":
        write_qq_keylog(float(argv[2]), argv[3])
        return 0
    frames, kinds = generate(argv[1], float(argv[2]), argv[3])
    print("%s: %d frames" % (argv[3], frames))
    for kind, (sessions, n) in kinds.items():
        print("  %-12s %7d sessions %9d frames" % (kind, sessions, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
