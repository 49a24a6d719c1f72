# SPDX-License-Identifier: GPL-2.0-or-later
"""plugin.sh's own output: the usage, the demo (its one-line summary of each
sample, its length, its excerpts), the test command's options and a Debian
root that fails to download.  The demo's functions run on the built plugin,
through the same hermetic tshark as every test."""

import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, SAMPLES

PLUGIN_SH = os.path.join(ROOT, "plugin.sh")
WSROOT_SH = os.path.join(ROOT, "tests", "wsroot.sh")
# What plugin.sh prints before the demo proper: "Preparing", where tshark
# loads the plugin, a line when Debian packages are installed, and at most
# a 9-line note about a second copy.
DEMO_PREAMBLE_LINES = 12
DEMO_MAX_LINES = 120


def script():
    return open(PLUGIN_SH, encoding="utf-8").read()


def usage():
    p = subprocess.run([PLUGIN_SH], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 2
    return p.stdout.decode()


def test_usage_lists_the_commands_and_nothing_else():
    text = usage()
    assert "set -" not in text and "#" not in text, text
    listed = re.findall(r"^  \./plugin\.sh (\w+)", text, re.M)
    assert {"demo", "test", "build", "install", "deps", "packages"} <= set(listed), text
    for command in listed:
        assert re.search(r"^%s\)$" % command, script(), re.M), "no branch for %s" % command


def test_usage_lists_the_options_the_script_takes():
    options = re.findall(r"^  \./plugin\.sh (\w+) (--[\w-]+)", usage(), re.M)
    assert set(options) == {("demo", "--full"), ("test", "--slow"), ("test", "--all-versions")}
    for _, option in options:
        assert re.search(r"^\s+(\"\"\|)?%s\)" % re.escape(option), script(), re.M), option


def test_ci_runs_every_version():
    ci = open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8").read()
    assert re.search(r"^exec bash \./plugin\.sh test --all-versions$", ci, re.M), ci


def functions():
    """Every function of plugin.sh, to be called one by one."""
    return "\n".join(re.findall(r"^\w+\(\) \{\n.*?^\}$", script(), re.M | re.S))


@pytest.fixture(scope="module")
def samples(ws):
    """The sample captures, key logs and their README, where nobody can read them."""
    d = os.path.join(ws.workdir, "samples")
    if not os.path.isdir(d):
        os.makedirs(d)
        for name in os.listdir(SAMPLES):
            if name.endswith((".pcap", ".keys")) or name == "README.md":
                shutil.copy(os.path.join(SAMPLES, name), d)
        os.chmod(d, 0o755)
        for name in os.listdir(d):
            os.chmod(os.path.join(d, name), 0o644)
    return d


def call(ws, samples, line):
    """The output of one shell line after plugin.sh's functions, SAMPLES set."""
    p = ws.run(["-c", functions() + "\nSAMPLES=samples\n" + line], program="bash")
    return p.stdout.decode("utf-8")


def summary(ws, samples, name):
    """The demo's line for the sample `name`, split into its 12 columns."""
    line = call(ws, samples, 'sample_summary samples/%s' % name).strip()
    return line.split(None, 11)


def expert_counts(ws, name):
    """Our expert infos by severity, read from tshark -z expert here in Python,
    with the packet trees built (as the GUI and the demo's -T fields run do:
    some expert infos come with tree items only)."""
    out = ws.out(["-n", "-2", "-V", "-r", ws.path(name), "-z", "expert"])
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


def test_summary_of_a_sample_with_experts(ws, samples):
    name = "msnp-errors.pcap"
    cols = summary(ws, samples, name)
    frames = ws.count(name, "frame", two_pass=True)
    msnp = ws.count(name, "msnp", two_pass=True)
    experts = expert_counts(ws, name)
    assert experts[0] > 0 and experts[2] > 0
    assert cols[:11] == ["msnp-errors", str(frames), str(msnp), "0", "0", "0", "0", "0"] + \
        [str(n) for n in experts]
    assert cols[11] == "malformed commands: one per MSNP expert info"


def test_summary_counts_messages_and_exported_files(ws, samples):
    cols = summary(ws, samples, "msnp-p2p-switchboard.pcap")
    # Not pytest's tmp_path: tshark runs as nobody.
    out = os.path.join(ws.workdir, "exported-objects")
    os.makedirs(out)
    os.chmod(out, 0o777)
    ws.run(["-n", "-q", "-r", ws.path("msnp-p2p-switchboard.pcap"), "--export-objects", "msnp," + out])
    assert cols[5] == str(len(os.listdir(out))) == "2"
    cols = summary(ws, samples, "msnp-chat.pcap")
    assert cols[4] == str(ws.count("msnp-chat.pcap", "msnp.msg.text", two_pass=True)) == "5"


def test_summary_opens_qq_with_the_samples_secrets(ws, samples):
    name = "qq-pcqq-login.pcap"
    cols = summary(ws, samples, name)
    secrets = ["-o", "qq.password:Qq-PC-2016",
               "-o", "qq.keylog_file:" + ws.path(os.path.join(SAMPLES, "qq-pcqq-login.keys"))]
    decrypted = ws.count(name, "qq.decrypted", two_pass=True, extra=secrets)
    keys = [l for l in ws.out(["-n", "-q", "-r", ws.path(name), "-z", "qq,keys"] + secrets).splitlines()
            if l.startswith("QQ_")]
    assert cols[3] == str(ws.count(name, "qq", two_pass=True))
    assert cols[4] == "2" and cols[6] == str(decrypted) and cols[7] == str(len(keys))
    assert decrypted > 0 and len(keys) == 6


def test_summary_of_a_negative_sample(ws, samples):
    cols = summary(ws, samples, "qq-negatives.pcap")
    assert cols[2:4] == ["0", "0"], cols
    assert cols[11] == "nothing here is MSNP or QQ, as intended"


@pytest.fixture(scope="module")
def demo(ws, samples):
    return call(ws, samples, "show_demo")


@pytest.fixture(scope="module")
def full_demo(ws, samples):
    return call(ws, samples, "show_demo --full")


def test_demo_fits_a_screen_or_two(demo):
    lines = demo.splitlines()
    assert len(lines) + DEMO_PREAMBLE_LINES <= DEMO_MAX_LINES, len(lines)


def test_demo_has_a_line_per_sample_and_the_excerpts(demo):
    for name in os.listdir(SAMPLES):
        if name.endswith(".pcap"):
            assert re.search(r"^%s +\d+ " % re.escape(name[:-5]), demo, re.M), name
    # The transcript, the decrypted PC QQ message, the keys to share, a tree.
    assert "cndes2005@hotmail.com (小明): 你好, hello" in demo
    assert re.search(r"^ +13 +2016-11-20 05:51:00 +185131606 +10002 +PC QQ 的消息$", demo, re.M)
    assert "QQ_TGTGT_KEY 185131606 f34d744207c9102b344512ca601d2e90" in demo
    assert "  Tencent QQ Protocol, QQ2010 basic header" in demo
    assert "Login key: 0ee0c1d79fed3fffc3065ccf0b181604" in demo
    assert "./plugin.sh demo --full" in demo


def test_full_demo_adds_the_trees(demo, full_demo):
    assert len(full_demo.splitlines()) > 10 * len(demo.splitlines())
    assert "===== samples/msnp-login.pcap: MSNP11 login" in full_demo
    assert "Text: 你好, hello" in full_demo
    assert "Encrypted body: 2c96addeb2fbcdbb" in full_demo


def test_root_download_failure_is_retried_once_then_one_line(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("tests/wsroot.sh makes roots as root only; this run is not root")
    fake = tmp_path / "bin"
    fake.mkdir()
    calls = tmp_path / "calls"
    (fake / "mmdebstrap").write_text("#!/bin/sh\necho run >>%s\necho 'E: download failed'\nexit 1\n" % calls)
    os.chmod(str(fake / "mmdebstrap"), 0o755)
    env = dict(os.environ, PATH="%s:%s" % (fake, os.environ["PATH"]), WSROOT_CACHE=str(tmp_path / "cache"))
    p = subprocess.run([WSROOT_SH, "make", "trixie"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    err = p.stderr.decode()
    assert p.returncode == 1
    assert calls.read_text() == "run\nrun\n"
    failure = [l for l in err.splitlines() if "failed twice" in l]
    log = str(tmp_path / "cache" / "trixie.log")
    assert len(failure) == 1 and "mmdebstrap" in failure[0] and log in failure[0], err
    assert "./plugin.sh test alone" in failure[0]
    assert "E: download failed" in open(log).read()
    assert not (tmp_path / "cache" / "trixie.new").exists()


@pytest.mark.parametrize("guide", ["README.md", os.path.join("doc", "install.md")])
def test_demo_rows_quoted_in_the_guides_are_what_it_prints(demo, guide):
    quoted = open(os.path.join(ROOT, guide), encoding="utf-8").read()
    rows = re.findall(r"^((?:msnp|qq)-[\w-]+ +\d+ .*)$", quoted, re.M)
    assert rows, guide
    printed = set(demo.splitlines())
    for row in rows:
        assert row in printed, row
