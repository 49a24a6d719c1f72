#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture helpers for the fuzz campaign (standard library only).

    pcaptool.py corpus OUTDIR PROTO CAPTURE...
        Seed corpus for the libFuzzer targets, made from captures' payloads.
    pcaptool.py concat OUT IN...
        The captures one after the other (same link type), each file's IPv4
        addresses shifted by its index so that conversations stay apart:
        one tshark run (e.g. under valgrind) then covers every capture.
    pcaptool.py random PROTO OUT COUNT SEED
        COUNT packets of random payloads shaped for PROTO (msnp: command
        lines of random tokens, lengths, CRLFs and bytes on TCP 1863 and on
        other ports for the heuristic; qq: 0x02 ... 0x03 datagrams and
        length-framed TCP packets of random bytes, versions and commands on
        port 8000 and other ports; and, for the two clients in KEYED_CLIENTS,
        conversations whose bodies are QQ-TEA ciphertext of damaged IMs,
        pushes and login replies under their session keys), a new connection
        every few packets.
    pcaptool.py repeat IN OUT COPIES
        COPIES back-to-back copies of a capture, each copy's IPv4 addresses
        shifted so that it forms its own conversations (no retransmissions
        across copies); checksums are left as they are (tshark does not
        verify them by default).  Mutating this file with editcap -E gives
        many differently damaged versions of each conversation in one run.

corpus: reads classic pcap files (Ethernet, raw IPv4, Linux cooked), groups TCP and
UDP payloads by conversation in capture order, and writes, per conversation,
inputs in fuzz-target.c's format: packets joined by FF 'F' 'Z' FF, each
starting with a control byte (bit 0: sent by the side that did not speak
first; bits 1-3: handle index; bit 4: exported PDU instead of a frame).
Every conversation is written once per handle index 0-3 and encapsulation,
so that whatever handles the dissector registers, each sees the seeds (the
target takes the index modulo its number of handles).  PROTO (msnp or qq)
only names the files.
"""

import hashlib
import os
import struct
import sys

SEPARATOR = b"\xffFZ\xff"
MAX_PACKETS = 24          # packets per seed (the target takes up to 64)
MAX_SEED = 16384          # bytes per seed


def pcap_records(path):
    """(linktype, frame bytes) for each record of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise SystemExit("%s: not a classic pcap file" % path)
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        off += 16
        yield linktype, data[off:off + incl]
        off += incl


def ip_payload(linktype, frame):
    """The IPv4 packet inside a frame, or None."""
    if linktype == 1:                      # Ethernet, optional VLAN tags
        off, ethertype = 14, frame[12:14]
        while ethertype in (b"\x81\x00", b"\x88\xa8") and len(frame) >= off + 4:
            ethertype, off = frame[off + 2:off + 4], off + 4
        return frame[off:] if ethertype == b"\x08\x00" else None
    if linktype in (101, 228, 12, 14):     # raw IP
        return frame if frame[:1] and frame[0] >> 4 == 4 else None
    if linktype == 113:                    # Linux cooked
        return frame[16:] if frame[14:16] == b"\x08\x00" else None
    if linktype == 0:                      # BSD loopback
        return frame[4:] if frame[:4] in (b"\x02\0\0\0", b"\0\0\0\x02") else None
    return None


def transport_payloads(path):
    """(proto, src, sport, dst, dport, payload) for each TCP/UDP packet with data."""
    for linktype, frame in pcap_records(path):
        ip = ip_payload(linktype, frame)
        if not ip or len(ip) < 20:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        proto = ip[9]
        frag = struct.unpack("!H", ip[6:8])[0] & 0x1FFF
        if frag:
            continue
        src, dst = ip[12:16], ip[16:20]
        l4 = ip[ihl:total] if total >= ihl else ip[ihl:]
        if proto == 6 and len(l4) >= 20:
            sport, dport = struct.unpack("!HH", l4[:4])
            payload = l4[(l4[12] >> 4) * 4:]
        elif proto == 17 and len(l4) >= 8:
            sport, dport = struct.unpack("!HH", l4[:4])
            payload = l4[8:]
        else:
            continue
        if payload:
            yield proto, src, sport, dst, dport, payload


def conversations(path):
    """Per conversation, in order of first packet: [(sent_by_responder, payload)]."""
    convs = {}
    for proto, src, sport, dst, dport, payload in transport_payloads(path):
        a, b = (src, sport), (dst, dport)
        key = (proto,) + tuple(sorted((a, b)))
        if key not in convs:
            convs[key] = {"first": a, "packets": []}
        conv = convs[key]
        conv["packets"].append((a != conv["first"], proto, payload))
    return [c["packets"] for c in convs.values()]


def seeds(packets):
    """fuzz-target inputs for one conversation's packets."""
    for start in range(0, len(packets), MAX_PACKETS):
        chunk = packets[start:start + MAX_PACKETS]
        for handle in range(4):
            for exported in (0, 1):
                parts = []
                for from_responder, _proto, payload in chunk:
                    ctl = (1 if from_responder else 0) | handle << 1 | exported << 4
                    parts.append(bytes([ctl]) + payload)
                data = SEPARATOR.join(parts)
                if len(data) > MAX_SEED:
                    data = data[:MAX_SEED]
                yield data
        # And each packet alone, so short inputs start from real messages.
        for from_responder, _proto, payload in chunk:
            yield bytes([1 if from_responder else 0]) + payload[:MAX_SEED]


def read_pcap(path):
    """(header bytes, endian, [(record header, frame)])"""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    records, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        records.append((data[off:off + 16], data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], endian, records


def shift_addresses(linktype, frame, copy):
    """The frame with both IPv4 addresses' middle octets offset by copy."""
    ip = ip_payload(linktype, frame)
    if ip is None or len(ip) < 20:
        return frame
    start = len(frame) - len(ip)
    out = bytearray(frame)
    for addr in (start + 12, start + 16):
        out[addr + 1] = (out[addr + 1] + (copy & 0xFF)) & 0xFF
        out[addr + 2] = (out[addr + 2] + (copy >> 8)) & 0xFF
    return bytes(out)


def repeat(src, dst, copies):
    header, endian, records = read_pcap(src)
    linktype = struct.unpack(endian + "I", header[20:24])[0] & 0x0FFFFFFF
    if not records:
        raise SystemExit("%s has no packets" % src)
    first = struct.unpack(endian + "I", records[0][0][:4])[0]
    last = struct.unpack(endian + "I", records[-1][0][:4])[0]
    span = last - first + 1
    with open(dst, "wb") as f:
        f.write(header)
        for copy in range(copies):
            for rec, frame in records:
                sec = struct.unpack(endian + "I", rec[:4])[0] + copy * span
                f.write(struct.pack(endian + "I", sec & 0xFFFFFFFF) + rec[4:])
                f.write(shift_addresses(linktype, frame, copy))
    return copies * len(records)


def concat(dst, sources):
    header = None
    total, t0 = 0, 0
    with open(dst, "wb") as f:
        for index, src in enumerate(sources):
            head, endian, records = read_pcap(src)
            if endian != "<":
                raise SystemExit("%s: only little-endian pcap files can be joined" % src)
            if header is None:
                header = head
                f.write(header)
            elif head[20:24] != header[20:24]:
                raise SystemExit("%s: link type differs from the first capture" % src)
            linktype = struct.unpack("<I", head[20:24])[0] & 0x0FFFFFFF
            if not records:
                continue
            base = struct.unpack("<I", records[0][0][:4])[0]
            for rec, frame in records:
                sec = struct.unpack("<I", rec[:4])[0] - base + t0
                f.write(struct.pack("<I", sec) + rec[4:])
                f.write(shift_addresses(linktype, frame, index + 1))
            t0 += struct.unpack("<I", records[-1][0][:4])[0] - base + 10
            total += len(records)
    return total


MSNP_WORDS = [b"VER", b"CVR", b"USR", b"XFR", b"MSG", b"NLN", b"ILN", b"FLN", b"CHG", b"PNG",
              b"QNG", b"CHL", b"QRY", b"SYN", b"LST", b"ADC", b"ADL", b"RML", b"UUX", b"UBX",
              b"RNG", b"ANS", b"CAL", b"JOI", b"IRO", b"BYE", b"OUT", b"ACK", b"NAK", b"GCF",
              b"NOT", b"SBS", b"UUN", b"UBN", b"PRP", b"BPR", b"TWN", b"SSO", b"NS", b"SB",
              b"MSNP8", b"MSNP15", b"MSNP21", b"CVR0", b"CKI", b"N", b"U", b"A", b"D", b"OK",
              b"a@hotmail.com", b"%20", b"%", b"%E5%A5", b"%zz", b"1.2.3.4:1863", b":",
              b"999.1.1.1:99999", b"4294967295", b"-1", b"0", b"911", b"200"]
MSNP_HEADERS = [b"MIME-Version: 1.0", b"Content-Type: text/plain; charset=UTF-8",
                b"Content-Type: text/x-msmsgscontrol", b"Content-Type: application/x-msnmsgrp2p",
                b"Content-Type: text/x-msmsgsinvite", b"P2P-Dest: a@hotmail.com",
                b"TypingUser: a@hotmail.com", b"X-MMS-IM-Format: FN=A%20B"]
QQ_VERSIONS = [0x0E1B, 0x1C51, 0x1E0D, 0x3713, 0x0100, 0x3B0B, 0xFFFF, 0x0000]
QQ_COMMANDS = [0x0001, 0x0002, 0x0022, 0x0058, 0x0062, 0x0091, 0x00B9, 0x00CD, 0x00CE,
               0x0825, 0xFFFF]


def _rand_bytes(rnd, n):
    return bytes(rnd.getrandbits(8) for _ in range(n))


def _msnp_payload(rnd):
    kind = rnd.random()
    if kind < 0.1:
        return _rand_bytes(rnd, rnd.randint(1, 1400))
    out = b""
    while len(out) < rnd.randint(5, 1400):
        words = [rnd.choice(MSNP_WORDS) for _ in range(rnd.randint(1, 7))]
        if rnd.random() < 0.3:
            words.insert(1, b"%d" % rnd.randint(0, 1 << 33))
        if rnd.random() < 0.1:
            words.append(_rand_bytes(rnd, rnd.randint(1, 8)))
        body = b""
        if rnd.random() < 0.3:
            body = b"\r\n".join(rnd.sample(MSNP_HEADERS, rnd.randint(1, 3))) + b"\r\n\r\n"
            body += _rand_bytes(rnd, rnd.randint(0, 120))
            length = len(body) + rnd.choice([0, 0, 0, -1, 1, 48, -30, 100000])
            words.append(b"%d" % length)
        out += b" ".join(words) + rnd.choice([b"\r\n", b"\r\n", b"\r\n", b"\n", b"", b"\r\n\r\n"])
        out += body
    return out


def _qq_packet(rnd):
    n = rnd.choice([0, 1, 5, 9, 13, 20, rnd.randint(0, 1400)])
    head = struct.pack("!BHHH", 0x02, rnd.choice(QQ_VERSIONS), rnd.choice(QQ_COMMANDS),
                       rnd.getrandbits(16))
    if rnd.random() < 0.3:
        head = b"\x02" + _rand_bytes(rnd, rnd.randint(0, 12))
    tail = b"\x03" if rnd.random() < 0.85 else _rand_bytes(rnd, 1)
    pkt = head + _rand_bytes(rnd, n) + tail
    if rnd.random() < 0.15:
        pkt = pkt[:rnd.randint(0, len(pkt))]
    return pkt


# The clients whose keys campaign.sh gives tshark (its key log) and their
# session keys: conversations of theirs carry real QQ-TEA ciphertext of
# damaged plaintexts, so that the decoders of decrypted bodies are fuzzed.
KEYED_CLIENTS = [(87654321, bytes.fromhex("4edf9e71bf246e6bb387b1113d47d73b")),
                 (11112222, bytes.fromhex("00112233445566778899aabbccddeeff"))]
KEYED_COMMANDS = [0x0016, 0x0017, 0x00CD, 0x00CE, 0x0022, 0x0091, 0x00DD, 0x0825, 0x0002,
                  0x0027, 0x0058, 0x0081, 0xFFFF]


def _damage(rnd, data):
    """data cut short at random and with a few bytes changed."""
    data = bytearray(data[:rnd.randint(0, len(data))] if rnd.random() < 0.3 else data)
    for _ in range(rnd.choice([0, 0, 1, 2, 5])):
        if data:
            data[rnd.randrange(len(data))] = rnd.getrandbits(8)
    return bytes(data)


def _keyed_plaintext(rnd, uin, key):
    """A plaintext shaped like what the decoders look for: an IM (classic or
    QQ2010 text), a received-IM push, a login reply, or random bytes."""
    import qq_crypto_scenarios as cs
    buddy = rnd.choice([10001, 12345678, rnd.getrandbits(32)])
    when = rnd.getrandbits(32)
    text = rnd.choice(["hi", "你好，世界", "x" * rnd.randint(0, 300), "\u00e9t\u00e9"])
    im = cs.im_header(rnd.choice(QQ_VERSIONS), uin, buddy, key) + cs.text_header(
        rnd.getrandbits(16), when, rnd.getrandbits(16))
    im += cs.classic_text(text) if rnd.random() < 0.5 else cs.segmented_text(text, when)
    shapes = [
        lambda: struct.pack("!II", uin, buddy) + im,
        lambda: struct.pack("!II", uin, buddy) + bytes(17) + im,
        lambda: cs.recv_header(buddy, uin, rnd.getrandbits(32), rnd.choice([0x0009, 0x000A, 0x00A6,
                                                                            rnd.getrandbits(16)])) + im,
        lambda: bytes([rnd.choice([0, 0, 1, 0xFE])]) + _rand_bytes(rnd, 16) + struct.pack(
            "!IIH", uin, rnd.getrandbits(32), rnd.getrandbits(16)) + _rand_bytes(rnd, rnd.randint(0, 80)),
        lambda: _rand_bytes(rnd, rnd.randint(0, 200)),
    ]
    return _damage(rnd, rnd.choice(shapes)())


def _keyed_packet(rnd, uin, key, from_client):
    """One packet of a keyed client's conversation, classic or QQ2010 header."""
    import qq_crypto_scenarios as cs
    import qqtea
    from qq_scenarios import qq
    cipher = qqtea.encrypt(_keyed_plaintext(rnd, uin, key), key, _rand_bytes(rnd, 10))
    if rnd.random() < 0.1:
        cipher = _damage(rnd, cipher)
    version = rnd.choice([0x0D55, 0x1E0D])
    ext = b""
    if version == 0x1E0D:
        ext = cs.EXT_2010 if from_client else cs.EXT_2010_REPLY
    return qq(version, rnd.choice(KEYED_COMMANDS), rnd.getrandbits(16), cipher,
              uin=uin if (from_client or version == 0x1E0D) else None, ext=ext)


def random_capture(proto, dst, count, seed):
    import random
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "sample-pcaps"))
    from pcapgen import Capture
    rnd = random.Random(seed)
    cap = Capture()
    made, conn = 0, 0
    while made < count:
        conn += 1
        client = "10.%d.%d.2" % ((conn >> 8) & 255, conn & 255)
        server = "10.200.0.1"
        cport = 1024 + conn % 60000
        n = min(rnd.randint(1, 20), count - made)
        if proto == "msnp":
            sport = 1863 if rnd.random() < 0.8 else 2863
            c = cap.tcp(client, cport, server, sport)
            for _ in range(n):
                c.send(rnd.choice("cs"), _msnp_payload(rnd))
            made += n + 3
        elif rnd.random() < 0.3:
            uin, key = rnd.choice(KEYED_CLIENTS)
            for i in range(n):
                from_client = i == 0 or rnd.random() < 0.5
                pkt = _keyed_packet(rnd, uin, key, from_client)
                if from_client:
                    cap.udp(client, cport, server, 8000, pkt)
                else:
                    cap.udp(server, 8000, client, cport, pkt)
            made += n
        elif rnd.random() < 0.5:
            sport = 8000 if rnd.random() < 0.8 else 9000
            for _ in range(n):
                if rnd.random() < 0.5:
                    cap.udp(client, cport, server, sport, _qq_packet(rnd))
                else:
                    cap.udp(server, sport, client, cport, _qq_packet(rnd))
            made += n
        else:
            sport = rnd.choice([8000, 8000, 443, 9001])
            c = cap.tcp(client, cport, server, sport)
            for _ in range(n):
                pkt = _qq_packet(rnd)
                length = len(pkt) + 2
                if rnd.random() < 0.15:
                    length = rnd.choice([0, 1, 2, 9, 0xFFFF, rnd.getrandbits(16)])
                framed = struct.pack("!H", length) + pkt
                if rnd.random() < 0.2:
                    framed += struct.pack("!H", len(pkt) + 2) + pkt
                c.send(rnd.choice("cs"), framed)
            made += n + 3
    cap.write(dst)
    return len(cap.frames)


def corpus(outdir, proto, captures):
    os.makedirs(outdir, exist_ok=True)
    written = set()
    for path in captures:
        for packets in conversations(path):
            for data in seeds(packets):
                name = "%s-%s" % (proto, hashlib.sha1(data).hexdigest()[:16])
                if name in written:
                    continue
                written.add(name)
                with open(os.path.join(outdir, name), "wb") as f:
                    f.write(data)
    return len(written)


def main(argv):
    if len(argv) >= 5 and argv[1] == "corpus":
        n = corpus(argv[2], argv[3], argv[4:])
        print("%d seeds in %s" % (n, argv[2]))
        return 0
    if len(argv) >= 4 and argv[1] == "concat":
        print(concat(argv[2], argv[3:]))
        return 0
    if len(argv) == 6 and argv[1] == "random":
        print(random_capture(argv[2], argv[3], int(argv[4]), int(argv[5])))
        return 0
    if len(argv) == 5 and argv[1] == "repeat":
        print(repeat(argv[2], argv[3], int(argv[4])))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
