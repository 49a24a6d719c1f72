#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture helpers for the fuzz campaign (standard library only).

    pcaptool.py corpus OUTDIR PROTO CAPTURE...
        Seed corpus for the libFuzzer targets, made from captures' payloads.
    pcaptool.py concat OUT IN...
        The captures one after the other (same link type), each file's IPv4
        addresses shifted by its index so that conversations stay apart:
        one tshark run (e.g. under valgrind) then covers every capture.
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
    if len(argv) == 5 and argv[1] == "repeat":
        print(repeat(argv[2], argv[3], int(argv[4])))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
