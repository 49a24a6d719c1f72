# SPDX-License-Identifier: GPL-2.0-or-later
"""Deterministic pcap writer for the sample, test and benchmark captures.

Builds Ethernet/IPv4 frames carrying TCP or UDP with correct lengths,
checksums and TCP sequence numbers, so that tshark's TCP analysis and
reassembly see a clean stream.  Only the standard library is used.

    cap = Capture()
    c = cap.tcp("10.0.0.2", 3001, "207.46.4.22", 1863)   # three-way handshake
    c.client(b"VER 1 MSNP11 CVR0\\r\\n")                  # one segment
    c.server(b"VER 1 MSNP11\\r\\n")
    c.client(b"MSG 2 N 10\\r\\n", b"0123456789")          # two segments
    c.close()                                             # FIN/ACK both ways
    cap.udp("10.0.0.2", 4000, "219.133.49.171", 8000, b"\\x02...\\x03")
    cap.write("out.pcap")
"""

import struct

LINKTYPE_ETHERNET = 1


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _ip4(addr):
    return bytes(int(x) for x in addr.split("."))


def _mac(addr):
    """A stable locally administered MAC derived from an IPv4 address."""
    return b"\x02\x00" + _ip4(addr)


class Capture:
    """A list of frames with timestamps; written as a classic pcap file."""

    def __init__(self, start=1_131_000_000.0, step=0.01):
        self.frames = []
        # Whole microseconds, so that timestamps do not drift with float sums.
        self.time_us = int(round(start * 1_000_000))
        self.step_us = int(round(step * 1_000_000))
        self._ip_id = 1

    def advance(self, seconds):
        """Move the clock on (e.g. to show a one-minute keep-alive gap)."""
        self.time_us += int(round(seconds * 1_000_000))

    def ipv4_frame(self, src, dst, proto, l4):
        ip_len = 20 + len(l4)
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, self._ip_id & 0xFFFF,
                          0x4000, 64, proto, 0, _ip4(src), _ip4(dst))
        self._ip_id += 1
        hdr = hdr[:10] + struct.pack("!H", _checksum(hdr)) + hdr[12:]
        eth = _mac(dst) + _mac(src) + b"\x08\x00"
        self.add_frame(eth + hdr + l4)

    def add_frame(self, data):
        self.frames.append((self.time_us, data))
        self.time_us += self.step_us

    def udp(self, src, sport, dst, dport, payload):
        length = 8 + len(payload)
        pseudo = _ip4(src) + _ip4(dst) + struct.pack("!BBH", 0, 17, length)
        hdr = struct.pack("!HHHH", sport, dport, length, 0)
        csum = _checksum(pseudo + hdr + payload) or 0xFFFF
        hdr = hdr[:6] + struct.pack("!H", csum)
        self.ipv4_frame(src, dst, 17, hdr + payload)

    def tcp(self, client, cport, server, sport, handshake=True, isn=(1000, 5000)):
        return TcpConnection(self, client, cport, server, sport, handshake, isn)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.to_bytes())

    def to_bytes(self):
        out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET)]
        for ts_us, data in self.frames:
            sec, usec = divmod(ts_us, 1_000_000)
            out.append(struct.pack("<IIII", sec, usec, len(data), len(data)))
            out.append(data)
        return b"".join(out)


class TcpConnection:
    """One TCP connection; client()/server() send data in the given segments."""

    SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01

    def __init__(self, cap, client, cport, server, sport, handshake, isn):
        self.cap = cap
        self.ends = {"c": [client, cport, isn[0]], "s": [server, sport, isn[1]]}
        if handshake:
            self._segment("c", self.SYN, b"", syn=True)
            self._segment("s", self.SYN | self.ACK, b"", syn=True)
            self._segment("c", self.ACK, b"")

    def _segment(self, side, flags, payload, syn=False, fin=False):
        other = "s" if side == "c" else "c"
        src, sport, seq = self.ends[side]
        dst, dport, peer_seq = self.ends[other]
        ack = peer_seq if flags & self.ACK else 0
        hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                          5 << 4, flags, 65535, 0, 0)
        pseudo = _ip4(src) + _ip4(dst) + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
        csum = _checksum(pseudo + hdr + payload)
        hdr = hdr[:16] + struct.pack("!H", csum) + hdr[18:]
        self.cap.ipv4_frame(src, dst, 6, hdr + payload)
        self.ends[side][2] = seq + len(payload) + (1 if syn or fin else 0)

    def send(self, side, *segments):
        for seg in segments:
            if seg:
                self._segment(side, self.PSH | self.ACK, bytes(seg))

    def client(self, *segments):
        self.send("c", *segments)

    def server(self, *segments):
        self.send("s", *segments)

    def ack(self, side):
        """A bare ACK from one side."""
        self._segment(side, self.ACK, b"")

    def close(self):
        self._segment("c", self.FIN | self.ACK, b"", fin=True)
        self._segment("s", self.FIN | self.ACK, b"", fin=True)
        self._segment("c", self.ACK, b"")


def split(data, *cuts):
    """Cut bytes at the given offsets: split(b"abcdef", 2, 4) -> [b"ab", b"cd", b"ef"]."""
    pieces, last = [], 0
    for c in cuts:
        pieces.append(data[last:c])
        last = c
    pieces.append(data[last:])
    return pieces
