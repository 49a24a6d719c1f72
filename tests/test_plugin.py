# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin as a whole: it loads, exports only the plugin ABI, and the
sample captures are reproducible from their sources."""

import os
import subprocess
import sys

import wsversion
from conftest import PLUGIN_SO, ROOT, SAMPLES


def test_plugin_listed_with_version(ws):
    lines = [l.split("\t") for l in ws.out(["-G", "plugins"]).splitlines()]
    ours = [l for l in lines if l[0].strip() == "msnp_qq.so"]
    assert len(ours) == 1, lines
    assert ours[0][1].strip() == "0.1.0"
    assert ours[0][2].strip() == "dissector"


def test_plugin_not_loaded_without_it(ws):
    # The comparison runs (tests, benchmark) really lack the plugin.
    protos = ws.out(["-G", "protocols"], plugin=False).split()
    assert "msnp" not in protos and "qq" not in protos


def test_exports_only_plugin_abi():
    out = subprocess.run(["nm", "-D", "--defined-only", PLUGIN_SO], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    symbols = sorted(line.split()[-1] for line in out.splitlines() if line.strip())
    assert symbols == wsversion.plugin_exports()


def test_field_registration_is_clean(ws):
    p = ws.run(["-G", "fields"])
    # A malformed hf aborts start-up; a clean run lists our protocols' fields.
    text = p.stdout.decode()
    assert "\tmsnp\t" in text and "\tqq\t" in text
    assert b"dissector bug" not in p.stderr.lower()


def test_sample_captures_regenerate_identically(tmp_path):
    subprocess.run([sys.executable, os.path.join(SAMPLES, "make.py"), str(tmp_path)],
                   check=True, stdout=subprocess.DEVNULL)
    made = sorted(f for f in os.listdir(tmp_path) if f.endswith((".pcap", ".keys")))
    committed = sorted(f for f in os.listdir(SAMPLES) if f.endswith((".pcap", ".keys")))
    assert made == committed
    assert len(made) >= 1
    for name in made:
        with open(os.path.join(tmp_path, name), "rb") as a, \
                open(os.path.join(SAMPLES, name), "rb") as b:
            assert a.read() == b.read(), "%s differs from its source; run sample-pcaps/make.py" % name
