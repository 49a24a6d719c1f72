# SPDX-License-Identifier: GPL-2.0-or-later
"""Wireshark's own checkers on every C file of the plugin, and valgrind's
memcheck on tshark dissecting every sample and hostile capture (issue 5,
section 5).

The checkers come from the source of the installed Wireshark, which
tests/wireshark-source.sh fetches once (Debian's source package) and caches;
they are skipped, saying why, when it cannot be had (no network).  valgrind runs once
over all sample captures joined into one file (tests/fuzz/pcaptool.py concat
shifts each file's addresses so that its conversations stay its own; the
frame counts are checked against the files), and once over the hostile
captures: one tshark start-up under memcheck costs about 15 s.  No
suppressions are needed with Wireshark 4.0.17 on Debian 12; wmem and GLib
are told to use plain malloc so that memcheck sees every allocation.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from conftest import ROOT, SAMPLES

# Every C file of the plugin (new dissector files are checked as they come).
SOURCES = sorted(glob.glob(os.path.join(ROOT, "*.c")))
WS_SOURCE_TOOL = os.path.join(ROOT, "tests", "wireshark-source.sh")
PCAPTOOL = os.path.join(ROOT, "tests", "fuzz", "pcaptool.py")


@pytest.fixture(scope="module")
def ws_src():
    p = subprocess.run([WS_SOURCE_TOOL], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    src = p.stdout.decode().strip().splitlines()[-1] if p.stdout.strip() else ""
    if p.returncode != 0 or not os.path.isdir(os.path.join(src, "tools")):
        pytest.skip("the Wireshark source (for its checkers) could not be had through "
                    "tests/wireshark-source.sh: %s" % p.stderr.decode("utf-8", "replace")[-500:])
    return src


def run_tool(argv, cwd=None):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd)
    return p.returncode, p.stdout.decode("utf-8", "replace")


# The Perl checkers: (name, script, options). Each must print nothing; checkhf.pl
# exits 0 even when it finds unused or unregistered hf, so the output is what counts.
PERL_CHECKERS = [
    ("checkAPIs-prohibited", "checkAPIs.pl", ["-g", "dissectors-prohibited"]),
    ("checkAPIs-default-groups", "checkAPIs.pl", []),
    ("checkhf", "checkhf.pl", []),
    ("checkfiltername", "checkfiltername.pl", []),
]


@pytest.mark.parametrize("source", SOURCES, ids=os.path.basename)
@pytest.mark.parametrize("script,options", [c[1:] for c in PERL_CHECKERS], ids=[c[0] for c in PERL_CHECKERS])
def test_perl_checker(ws_src, script, options, source):
    rc, out = run_tool(["perl", os.path.join(ws_src, "tools", script)] + options + [source])
    assert rc == 0 and out.strip() == "", out


@pytest.mark.parametrize("source", SOURCES, ids=os.path.basename)
def test_check_typed_item_calls(ws_src, source):
    rc, out = run_tool([sys.executable, os.path.join(ws_src, "tools", "check_typed_item_calls.py"),
                        "--file", os.path.abspath(source)], cwd=ws_src)
    assert rc == 0, out
    assert out.strip().splitlines()[-1] == "0 warnings", out


def test_checkhf_would_report_an_unused_field(ws_src, tmp_path):
    # The check above must be able to fail: an hf declared and registered
    # but never used is reported.
    text = open(os.path.join(ROOT, "packet-msnp.c"), encoding="utf-8").read()
    decl = "static int hf_msnp_cmd = -1;"
    assert decl in text
    bad = tmp_path / "packet-msnp.c"
    bad.write_text(text.replace(decl, decl + "\nstatic int hf_msnp_never_used = -1;").replace(
        "static hf_register_info hf[] = {",
        "static hf_register_info hf[] = {\n        { &hf_msnp_never_used, { \"Never\", "
        "\"msnp.never_used\", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },", 1),
        encoding="utf-8")
    _, out = run_tool(["perl", os.path.join(ws_src, "tools", "checkhf.pl"), str(bad)])
    assert "hf_msnp_never_used" in out


# ------------------------------------------------------------ valgrind

VALGRIND_ENV = {"G_SLICE": "always-malloc", "WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple"}


def valgrind_clean(ws, capture):
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed (Debian package valgrind)")
    p = ws.run(["--error-exitcode=99", "--quiet", "--num-callers=30", "tshark",
                "-n", "-2", "-V", "-r", ws.path(capture)],
               program="valgrind", check=False, env=VALGRIND_ENV, timeout=900)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 0, "memcheck reported errors (exit %d):\n%s" % (p.returncode, err[-6000:])
    assert "dissector bug" not in err.lower()
    return p.stdout.decode("utf-8", "replace")


def joined(paths, out):
    n = subprocess.run([sys.executable, PCAPTOOL, "concat", out] + paths, check=True,
                       stdout=subprocess.PIPE).stdout.decode().strip()
    return int(n)


@pytest.mark.slow
def test_valgrind_on_every_sample_capture(ws, tmp_path):
    samples = sorted(os.path.join(SAMPLES, f) for f in os.listdir(SAMPLES) if f.endswith(".pcap"))
    assert samples
    allp = str(tmp_path / "all-samples.pcap")
    frames = joined(samples, allp)
    # The direct connection of msnp-p2p-direct.pcap (TCP 40123) is found
    # through the addresses that an MSNSLP message names in its text, which
    # joining (it moves each file's IP addresses) does not rewrite.
    ours_filter = "(msnp || qq) && !(tcp.port == 40123)"
    ours = sum(ws.count(s, ours_filter, two_pass=True) for s in samples)
    assert ours > 0
    # The joined file dissects exactly like the files one by one.
    assert ws.count(allp, "frame", two_pass=True) == frames
    assert ws.count(allp, ours_filter, two_pass=True) == ours
    out = valgrind_clean(ws, allp)
    assert out.count("\nFrame ") + out.startswith("Frame ") == frames


@pytest.mark.slow
def test_valgrind_on_hostile_captures(ws):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import hostile
    d = tempfile.mkdtemp(prefix="msnp-qq-vg-")
    try:
        paths = sorted(hostile.write_all(d).values())
        allp = os.path.join(d, "all-hostile.pcap")
        frames = joined(paths, allp)
        out = valgrind_clean(ws, allp)
        assert out.count("\nFrame ") + out.startswith("Frame ") == frames
    finally:
        shutil.rmtree(d, ignore_errors=True)
