# SPDX-License-Identifier: GPL-2.0-or-later
"""QQ-TEA in Python, written apart from the C module (qq-tea.c) so that the
two check each other: both are tested on the same public vectors
(tests/test_qq_tea.py), and the sample captures are encrypted with this one.

The cipher (doc/qq.md section 7): TEA with 16 rounds on 64-bit
big-endian blocks, and Tencent's chaining, where x is the block cipher's
input and C its output block on the wire:

    x[i] = P[i] ^ C[i-1]          C[i] = TEA(x[i]) ^ x[i-1]

Plaintext layout: (random & 0xf8) | pad, pad random bytes, 2 random bytes,
the message, 7 zero bytes; pad = (8 - (n + 10) % 8) % 8.
"""

import hashlib
import struct

DELTA = 0x9E3779B9
MASK = 0xFFFFFFFF
ROUNDS = 16


def _words(key):
    if len(key) != 16:
        raise ValueError("a QQ-TEA key has 16 bytes, not %d" % len(key))
    return struct.unpack(">4I", key)


def tea16_encrypt_block(block, key):
    """One 8-byte block under a 16-byte key, 16 rounds."""
    a, b, c, d = _words(key)
    y, z = struct.unpack(">2I", block)
    total = 0
    for _ in range(ROUNDS):
        total = (total + DELTA) & MASK
        y = (y + ((((z << 4) & MASK) + a) ^ (z + total) ^ ((z >> 5) + b))) & MASK
        z = (z + ((((y << 4) & MASK) + c) ^ (y + total) ^ ((y >> 5) + d))) & MASK
    return struct.pack(">2I", y, z)


def tea16_decrypt_block(block, key):
    a, b, c, d = _words(key)
    y, z = struct.unpack(">2I", block)
    total = (DELTA * ROUNDS) & MASK
    for _ in range(ROUNDS):
        z = (z - ((((y << 4) & MASK) + c) ^ (y + total) ^ ((y >> 5) + d))) & MASK
        y = (y - ((((z << 4) & MASK) + a) ^ (z + total) ^ ((z >> 5) + b))) & MASK
        total = (total - DELTA) & MASK
    return struct.pack(">2I", y, z)


def _xor(a, b):
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(8, "big")


def pad_len(n):
    return (8 - (n + 10) % 8) % 8


def encrypt(message, key, fill):
    """Encrypt bytes under key; fill gives the cipher's 'random' bytes
    (10 bytes: high bits of byte 0, then pad and salt bytes) so that the
    result is reproducible."""
    pad = pad_len(len(message))
    plain = (bytes([(fill[0] & 0xF8) | pad]) + bytes(fill[1:1 + pad + 2])
             + bytes(message) + b"\0" * 7)
    assert len(plain) % 8 == 0
    out = []
    prev_c = prev_x = b"\0" * 8
    for i in range(0, len(plain), 8):
        x = _xor(plain[i:i + 8], prev_c)
        prev_c = _xor(tea16_encrypt_block(x, key), prev_x)
        prev_x = x
        out.append(prev_c)
    return b"".join(out)


def decrypt(cipher, key):
    """The message, or None when the length is impossible or the key wrong."""
    if len(cipher) < 16 or len(cipher) % 8:
        return None
    plain = []
    prev_c = prev_x = b"\0" * 8
    for i in range(0, len(cipher), 8):
        c = cipher[i:i + 8]
        x = tea16_decrypt_block(_xor(c, prev_x), key)
        plain.append(_xor(x, prev_c))
        prev_c, prev_x = c, x
    plain = b"".join(plain)
    start = 1 + (plain[0] & 7) + 2
    if plain[-7:] != b"\0" * 7 or start + 7 > len(plain):
        return None
    return plain[start:-7]


def md5(data):
    return hashlib.md5(data).digest()


def password_key(password):
    """md5(md5(password)): the key of classic login replies."""
    return md5(md5(password.encode("utf-8")))


def password_key_2010(password, uin):
    """md5(md5(password) || 00 00 00 00 || QQ number big-endian): QQ2010+."""
    return md5(md5(password.encode("utf-8")) + b"\0\0\0\0" + struct.pack(">I", uin))
