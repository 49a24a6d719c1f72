# SPDX-License-Identifier: GPL-2.0-or-later
"""QQ-TEA: the plugin's C cipher (qq-tea.c, through the unit test program
build/qq_tea_test) and the independent Python cipher of the samples
(sample-pcaps/qqtea.py), each on the public vectors, then against each other."""

import hashlib
import os
import random
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES

sys.path.insert(0, SAMPLES)
import qqtea  # noqa: E402

TEST_PROGRAM = os.path.join(ROOT, "build", "qq_tea_test")

# Public vectors (zkonge/rtea tests, gera2ld/qqlib tests, hoxide/qqlib docstring).
ZERO_BLOCK = "a889f798182d8083"
ABC_BLOCK = "a557272c538d3e96"
EMPTY_KEY = b"6235333761303663"
EMPTY_CIPHER = "b56137502728e2c74bb84c6d50d21973"
RTEA_CIPHER = ("753dde5e57b69d403c023d625d1031916363cfa41a6c48bd64221b2dcea62c2b"
               "9dd6ac1b4b241b6afadadb847046e6f1")
RTEA_DECRYPT = "753dde5e57b69d403c023d625d1031916363cfa41a6c48bdb9e3cecd5fd29319"
QQ2005_KEY = "fb707f74cb143a2337d5af8efab84aa7"
QQ2005_CIPHER = (
    "8CE160B9F312AEC9AC8D8AEAB41A319EDF51FB4BB5E33820C77C48DFC53E2A48"
    "CD1C24B29490329D2285897A32E7B32E9830DC2D0695802EB1D9890A0223D0E3"
    "6C35B24732CE12D06403975B0BC1280EA32B3EE98EAB858C40670C9E1A376AE6"
    "C7DCFADD4D45C1081571D2AF3D0F41B73BDC915C3AE542AF2C8B1364614861FC"
    "7272E33D90FA012620C18ABF76BE0B9EC0D24017C0C073C469B4376C7C08AA30")
QQ2005_PLAIN = (
    "00553361637347436654695a354d7a51531c69f1f5dde81c4332097f0000011f"
    "4042c89732030aa4d290f9f941891ae3670bb9c21053397d05f35425c7bf8000"
    "0000001f40da558a481f40000100004dc573dd2af3b28b6a13e8fa72ea138cd1"
    "3aa145b0e62554fe8df4b11662a794000000000000000000000000dde81c4342"
    "c8966642c4df9142c3a4a9000a000a")


def program():
    if not os.path.exists(TEST_PROGRAM):
        pytest.fail("%s is missing: build the project first (cmake --build build)" % TEST_PROGRAM)
    return TEST_PROGRAM


def run(*args):
    p = subprocess.run([program()] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode()


def test_c_unit_test_passes_every_vector():
    rc, out = run()
    lines = out.splitlines()
    assert rc == 0, out
    assert lines[-1] == "19 checks, 0 failed"
    assert sum(1 for l in lines if l.startswith("ok ")) == 19
    assert not [l for l in lines if l.startswith("FAIL")]
    assert ("ok QQ2005 login reply decrypts under md5(md5(\"python\")) to the documented message" in lines)


def test_python_cipher_on_the_public_vectors():
    assert qqtea.tea16_encrypt_block(bytes(8), bytes(16)).hex() == ZERO_BLOCK
    assert qqtea.tea16_decrypt_block(bytes.fromhex(ZERO_BLOCK), bytes(16)) == bytes(8)
    assert qqtea.tea16_encrypt_block(b"abcdefgh", b"aaaabbbbccccdddd").hex() == ABC_BLOCK
    assert qqtea.encrypt(b"", EMPTY_KEY, b"\xf8" + b"\xad" * 9).hex() == EMPTY_CIPHER
    assert qqtea.decrypt(bytes.fromhex(EMPTY_CIPHER), EMPTY_KEY) == b""
    assert qqtea.encrypt(b"\xff" * 32, b"\xff" * 16, b"\xf8" + bytes([220]) * 9).hex() == RTEA_CIPHER
    assert qqtea.decrypt(bytes.fromhex(RTEA_DECRYPT), b"\xff" * 16) == b"\xff" * 16
    key = hashlib.md5(hashlib.md5(b"python").digest()).digest()
    assert key.hex() == QQ2005_KEY == qqtea.password_key("python").hex()
    assert qqtea.decrypt(bytes.fromhex(QQ2005_CIPHER), key).hex() == QQ2005_PLAIN
    wrong = bytes([key[0] ^ 1]) + key[1:]
    assert qqtea.decrypt(bytes.fromhex(QQ2005_CIPHER), wrong) is None


def test_python_cipher_refuses_impossible_lengths():
    assert qqtea.decrypt(bytes(15), bytes(16)) is None
    assert qqtea.decrypt(bytes(17), bytes(16)) is None
    assert qqtea.decrypt(b"", bytes(16)) is None


def test_c_and_python_agree_on_random_messages():
    rng = random.Random(2005)
    for n in list(range(0, 40)) + [100, 255, 1000]:
        key = bytes(rng.randrange(256) for _ in range(16))
        fill = bytes(rng.randrange(256) for _ in range(10))
        msg = bytes(rng.randrange(256) for _ in range(n))
        rc, out = run("encrypt", key.hex(), fill.hex(), msg.hex() or "")
        assert rc == 0
        cipher = qqtea.encrypt(msg, key, fill)
        assert out.strip() == cipher.hex(), n
        rc, out = run("decrypt", key.hex(), cipher.hex())
        assert out.strip() == msg.hex()
    rc, out = run("decrypt", "00" * 16, "00" * 17)
    assert out.strip() == "FAIL the length is not a multiple of the 8-byte cipher block"
    rc, out = run("decrypt", "00" * 16, "00" * 8)
    assert out.strip() == "FAIL shorter than the 16 bytes of the smallest ciphertext"
    rc, out = run("decrypt", "01" * 16, QQ2005_CIPHER)
    assert out.strip() == "FAIL the key is wrong: the 7 check bytes at the end are not zero"
