# SPDX-License-Identifier: GPL-2.0-or-later
"""plugin.sh's own output: the usage, and the demo's one-line summary of a
sample (run on the built plugin, through the same hermetic tshark as every
test)."""

import os
import re
import subprocess

from conftest import ROOT

PLUGIN_SH = os.path.join(ROOT, "plugin.sh")


def test_usage_lists_the_commands_and_nothing_else():
    p = subprocess.run([PLUGIN_SH], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 2
    text = p.stdout.decode()
    assert "set -" not in text and "#" not in text, text
    listed = re.findall(r"^  \./plugin\.sh (\w+)", text, re.M)
    assert {"demo", "test", "build", "install", "deps"} <= set(listed), text
    script = open(PLUGIN_SH, encoding="utf-8").read()
    for command in listed:
        assert re.search(r"^%s\)$" % command, script, re.M), "no branch for %s" % command


def summary(ws, name):
    """The demo's line for the sample `name`."""
    script = open(PLUGIN_SH, encoding="utf-8").read()
    functions = "\n".join(re.findall(r"^(?:sample_description|sample_summary)\(\) \{\n.*?^\}$",
                                     script, re.M | re.S))
    p = ws.run(["-c", functions + '\nsample_summary "$1" "$2"', "summary", ws.path(name), name],
               program="bash")
    return p.stdout.decode("utf-8").strip()


def expert_counts(ws, name):
    """Our expert infos by severity, read from tshark -z expert here in Python."""
    out = ws.out(["-n", "-2", "-q", "-r", ws.path(name), "-z", "expert"])
    counts, severity = {}, None
    for line in out.splitlines():
        m = re.match(r"^(Errors|Warns|Notes|Chats) \(", line)
        if m:
            severity = m.group(1)
            continue
        cols = line.split()
        if severity and len(cols) >= 3 and cols[0].isdigit() and cols[2].startswith(("MSN", "QQ")):
            counts[severity] = counts.get(severity, 0) + int(cols[0])
    return [counts.get(s, 0) for s in ("Errors", "Warns", "Notes")]


def test_summary_of_a_sample_with_experts(ws):
    name = "msnp-errors.pcap"
    cols = summary(ws, name).split(None, 7)
    frames = ws.count(name, "frame", two_pass=True)
    msnp = ws.count(name, "msnp", two_pass=True)
    qq = ws.count(name, "qq", two_pass=True)
    experts = expert_counts(ws, name)
    assert experts[0] > 0 and experts[2] > 0
    assert cols[:7] == [name, str(frames), str(msnp), str(qq)] + [str(n) for n in experts]
    assert cols[7] == "malformed commands: one per MSNP expert info"


def test_summary_of_a_negative_sample(ws):
    line = summary(ws, "qq-negatives.pcap")
    cols = line.split(None, 7)
    assert cols[2:4] == ["0", "0"], line
    assert cols[7] == "nothing here is MSNP or QQ, as intended"
