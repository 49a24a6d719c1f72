# SPDX-License-Identifier: GPL-2.0-or-later
"""The benchmark works: its captures are deterministic and carry the traffic it
claims, one tiny measurement pass runs end to end, and its output parses.

No timing is asserted here: performance is measured by bench/run, never by
timed unit tests."""

import json
import math
import os
import re
import subprocess
import sys
import tempfile

import pytest

import wsversion
from conftest import PLUGIN_SO, ROOT

sys.path.insert(0, os.path.join(ROOT, "bench"))

import bench  # noqa: E402
import gen  # noqa: E402

TINY = 0.002


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("bench-captures")
    out = {}
    for kind in ("im", "background"):
        path = str(d / ("%s.pcap" % kind))
        frames, sessions = gen.generate(kind, TINY, path)
        out[kind] = (path, frames, sessions)
    return out


def test_captures_are_deterministic(tiny, tmp_path):
    for kind, (path, frames, sessions) in tiny.items():
        again = str(tmp_path / "again.pcap")
        assert gen.generate(kind, TINY, again) == (frames, sessions)
        with open(path, "rb") as a, open(again, "rb") as b:
            assert a.read() == b.read(), kind


def test_every_session_kind_present(tiny):
    assert sorted(tiny["im"][2]) == sorted(gen.IM_MIX)
    assert sorted(tiny["background"][2]) == sorted(gen.BG_MIX)
    for kind in ("im", "background"):
        path, frames, sessions = tiny[kind]
        assert frames == sum(n for _, n in sessions.values())
        assert all(s >= 1 and n > 0 for s, n in sessions.values())


def test_frame_count_matches_tshark(ws, tiny):
    for kind in ("im", "background"):
        path, frames, _ = tiny[kind]
        assert ws.count(path, "frame", plugin=False) == frames


def test_im_traffic_on_the_ports(ws, tiny):
    path, frames, sessions = tiny["im"]
    rows = ws.fields(path, ["tcp.dstport", "udp.dstport", "tcp.flags.syn", "tcp.flags.ack"],
                     plugin=False)
    syn_to = [r[0] for r in rows if r[2] == "1" and r[3] == "0"]
    msnp = sessions["msnp_ds"][0] + sessions["msnp_ns"][0] + sessions["msnp_sb"][0] + sessions["msnp_p2p"][0]
    assert syn_to.count("1863") == msnp
    assert syn_to.count("8000") == sessions["qq_tcp8000"][0]
    assert syn_to.count("443") == sessions["qq_tcp443"][0]
    assert sum(1 for r in rows if r[1] == "8000") > 0


def test_background_avoids_our_ports_except_tls(ws, tiny):
    path, _, _ = tiny["background"]
    rows = ws.fields(path, ["tcp.port", "udp.port"], plugin=False)
    ports = set()
    for r in rows:
        for col in r:
            ports.update(int(p) for p in col.split(",") if p)
    assert 1863 not in ports and 8000 not in ports
    assert 443 in ports  # TLS, which the tcp 443 handle must pass on


def test_payload_commands_split_and_stacked(tiny):
    # MSNP payload commands cut over segments and several per segment: both
    # shapes must be in the capture for the benchmark to mean anything.
    path, _, _ = tiny["im"]
    with open(path, "rb") as f:
        data = f.read()
    assert re.search(rb"\r\nMSG \d+ [NUA] \d+\r\n", data)          # stacked after another
    assert re.search(rb"MSG Hotmail Hotmail \d+\r\n", data)
    assert data.count(b"ILN ") > data.count(b"CHG 6 NLN 0\r\nILN") > 0


def test_p2p_sessions_export_their_files(ws, tmp_path):
    """Ten P2P sessions of the IM mix (three pictures, five files through the
    switchboard, two over a direct connection) give ten exported objects
    of the sizes their offers announced, with no expert warning."""
    path = str(tmp_path / "p2p.pcap")
    with open(path, "wb") as f:
        cap = gen.StreamCapture(f)
        gen.schedule(cap, {"msnp_p2p": 10}, 1, 7)
    d = tempfile.mkdtemp(prefix="bench-eo-", dir=ws.workdir)    # writable by tshark's user
    os.chmod(d, 0o777)
    ws.out(["-n", "-q", "-r", ws.path(path), "--export-objects", "msnp," + d])
    names = sorted(os.listdir(d))
    assert names == sorted(["pic%d.png" % n for n in range(3)] + ["file-%d.dat" % n for n in range(3, 10)])
    sizes = ws.fields(path, ["msnp.ft.size", "msnp.msnobj.size"], dfilter="msnp.ft.size || msnp.msnobj.size")
    announced = sorted(int(r[0] or r[1]) for r in sizes)
    assert sorted(os.path.getsize(os.path.join(d, n)) for n in names) == announced
    # The two direct connections, found only through the transport answers.
    assert len(set(ws.column(path, "tcp.stream", dfilter="msnp.dc.length && msnp.p2p"))) == 2
    assert ws.count(path, "msnp.dc.nonce_matches == 1") == 4
    assert ws.count(path, "_ws.expert.severity >= 6291456") == 0      # no warning or error


def test_qq_bodies_decrypt_with_the_key_log(ws, tiny, tmp_path):
    """Every QQ packet of the IM capture is real QQ-TEA ciphertext: with the
    key log bench.py writes beside it, every one decrypts."""
    path, _, _ = tiny["im"]
    keys = str(tmp_path / "im.keys")
    gen.write_qq_keylog(TINY, keys)
    rows = ws.fields(path, ["qq.cmd", "qq.key_source"], dfilter="qq",
                     extra=["-o", "qq.keylog_file:" + ws.path(keys)])
    assert rows and all(len(r[0].split(",")) == len(r[1].split(",")) for r in rows)
    assert ws.count(path, "qq.decrypt_failed || qq.not_decrypted",
                    extra=["-o", "qq.keylog_file:" + ws.path(keys)]) == 0
    assert ws.count(path, "qq.im.text", extra=["-o", "qq.keylog_file:" + ws.path(keys)]) > 0


def test_pcqq_logins_open_with_the_password_alone(ws, tiny):
    """A third of the QQ clients are PC QQ 2012+: with the benchmark's
    password alone, each of their packets decrypts (the login chain gives
    the session key), and the classic and QQ2010 ones stay closed."""
    path, _, _ = tiny["im"]
    pw = ["-o", "qq.password:" + gen.BENCH_PASSWORD]
    pcqq = "qq.generation == 3"
    assert ws.count(path, pcqq + " && qq.cmd == 0x0836") > 0
    assert ws.count(path, pcqq + " && qq.version") == ws.count(path, pcqq + " && qq.decrypted", extra=pw)
    assert ws.count(path, "qq.tlv.tgtgt_key", extra=pw) == ws.count(path, pcqq + " && qq.cmd == 0x0836 && "
                                                                   "qq.direction == 1")
    assert ws.count(path, "qq.decrypt_failed", extra=pw) == 0


def test_callgrind_parser(tmp_path):
    # Two plugin functions; one context is called from the plugin through
    # call_dissector (hand-off), one is a library call made by the plugin,
    # one never touches the plugin.
    text = """# callgrind format
version: 1
positions: line
events: Ir
ob=(1) /x/msnp_qq.so
fl=(1) /src/packet-msnp.c
fn=(1) dissect_msnp'decode_tcp_ports'epan_dissect_run_with_taps
10 100
cfn=(2) proto_tree_add_item'dissect_msnp'decode_tcp_ports
calls=1 0
0 50
fl=(2) /src/packet-qq.c
fn=(3) dissect_qq'decode_udp_ports'epan_dissect_run_with_taps
5 7
ob=(2) /usr/lib/libwireshark.so
fl=(3) ???
fn=(2)
0 50
fn=(4) 0x1234'call_dissector_with_data'dissect_qq'decode_udp_ports
0 30
fn=(5) dissect_ip'epan_dissect_run_with_taps
0 1000
fn=(6) deep'a'b'c
0 9
"""
    p = tmp_path / "cg.out"
    p.write_text(text)
    prof = bench.parse_callgrind(str(p))
    assert prof["total"] == 100 + 7 + 50 + 30 + 1000 + 9
    assert prof["own"] == {"packet-msnp.c": 150, "packet-qq.c": 7}
    assert prof["handoff"] == {"packet-qq.c": 30}
    assert prof["truncated"] == 9
    assert prof["functions"]["dissect_msnp"] == [100, 150, 150, "packet-msnp.c"]
    assert prof["functions"]["dissect_qq"] == [7, 37, 7, "packet-qq.c"]
    assert prof["calls"] == {"dissect_msnp -> (own code)": 100,
                             "dissect_msnp -> proto_tree_add_item": 50,
                             "dissect_qq -> (own code)": 7,
                             "dissect_qq -> call_dissector_with_data": 30}
    excerpt = bench.profile_excerpt(dict(prof, frames=10))
    assert excerpt.splitlines()[1].split() == ["15.0", "15.0", "10.0", "dissect_msnp",
                                               "(packet-msnp.c)"]
    assert excerpt.splitlines()[2].split() == ["0.7", "3.7", "0.7", "dissect_qq",
                                               "(packet-qq.c)"]


@pytest.mark.slow
def test_one_quick_pass(ws, tmp_path):
    # Tiny captures, one round, no 4x capture and no callgrind: seconds.
    out_json = tmp_path / "results.json"
    env = dict(os.environ, PLUGIN_SO=PLUGIN_SO)
    p = subprocess.run([os.path.join(ROOT, "bench", "run"), "--scale", str(TINY), "--runs", "1",
                        "--no-linear", "--no-callgrind", "--build-dir", str(tmp_path / "b"),
                        "--json", str(out_json)],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 0, p.stderr.decode()[-3000:]
    text = p.stdout.decode()
    data = json.loads(out_json.read_text())

    configs = {(r["capture"], r["mode"], r["variant"]) for r in data["results"]}
    assert configs == set(bench.matrix(linear=False))
    for r in data["results"]:
        assert r["runs"] == 1 and r["cpu"] > 0 and r["rss_kib"] > 0
    assert data["machine"]["nproc"] >= 1
    assert "%d.%d.%d" % wsversion.version() in data["machine"]["tshark"]
    assert data["machine"]["wireshark"] == wsversion.major_minor()

    # Every target is printed with its ratio and a verdict, as in the JSON.
    printed = re.findall(r"^(.+?)\s+(\d+\.\d+)\s+(<= \d\.\d\d|\d\.\d\d\.\.\d\.\d\d)\s+(PASS|FAIL)$",
                         text, re.M)
    assert [t[0].strip() for t in printed] == [t["name"] for t in data["targets"]]
    assert len(printed) == 36
    for (name, ratio, _, result), t in zip(printed, data["targets"]):
        assert math.isfinite(t["value"]) and abs(float(ratio) - t["value"]) < 0.001
        assert result == t["result"]
    failed = [t["name"] for t in data["targets"] if t["result"] == "FAIL"]
    if failed:
        assert "Targets not met: %d of 36" % len(failed) in text
        for name in failed:
            assert "NOT MET: %s" % name in text
    else:
        assert "All 36 targets met." in text
    assert os.path.exists(tmp_path / "b" / "results.md")
