# SPDX-License-Identifier: GPL-2.0-or-later
"""What the Wireshark GUI offers for the plugin, checked through tshark (the
GUI and tshark share libwireshark's registrations), plus one real GUI run of
tests/gui_screenshot.sh when Debian's Wireshark GUI and Xvfb are installed.

- Preferences under Protocols: each protocol has a preference module
  (-G defaultprefs lists msnp.* and qq.* preferences).
- Statistics: the msnp and qq stats trees are registered (tshark -z help) and
  count commands; the GUI shows them in the Statistics menu only for trees
  registered with stats_tree_register_plugin (checked in the screenshot).
- Decode As: both dissectors are offered for TCP ports and QQ for UDP ports,
  and choosing them changes the dissection.
"""

import os
import re
import shutil
import subprocess

import pytest

from conftest import PLUGIN_SO, ROOT

SCRIPT = os.path.join(ROOT, "tests", "gui_screenshot.sh")


def test_screenshot_script_is_there_and_parses():
    assert os.access(SCRIPT, os.X_OK), "tests/gui_screenshot.sh is not executable"
    subprocess.run(["bash", "-n", SCRIPT], check=True)
    usage = subprocess.run(["bash", SCRIPT, "only-one-argument"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    assert usage.returncode == 2
    assert b"CAPTURE FILTER FRAME OUT.png" in usage.stdout


def test_preferences_registered_per_protocol(ws):
    names = re.findall(r"^#?([a-z0-9_]+)\.([a-z0-9_.]+):", ws.out(["-G", "defaultprefs"]), re.M)
    ours = {(m, p) for m, p in names if m in ("msnp", "qq")}
    assert {p for m, p in ours if m == "msnp"}, "no msnp preferences: nothing under Protocols > MSNP"
    assert {p for m, p in ours if m == "qq"}, "no qq preferences: nothing under Protocols > QQ"


def test_statistics_registered(ws):
    p = ws.run(["-z", "help"], check=False)
    listed = {l.strip() for l in (p.stdout + p.stderr).decode().splitlines()}
    assert "msnp,tree" in listed and "qq,tree" in listed


def test_statistics_count_commands(ws):
    out = ws.out(["-n", "-2", "-q", "-r", ws.path("msnp-login.pcap"), "-z", "msnp,tree"])
    cmds = ws.column("msnp-login.pcap", "msnp.cmd", two_pass=True)
    total = sum(len(c.split(",")) for c in cmds if c)
    m = re.search(r"^MSNP commands\s+(\d+)", out, re.M)
    assert m and int(m.group(1)) == total == 54, out[:600]
    out = ws.out(["-n", "-2", "-q", "-r", ws.path("qq-udp-session.pcap"), "-z", "qq,tree"])
    assert "QQ/Packet Counter" in out
    assert re.search(r"\b24\b", out), out[:600]


def valid_decode_as(ws, table):
    """Protocols tshark offers for a Decode As table (from its error message)."""
    p = ws.run(["-r", ws.path("msnp-login.pcap"), "-c", "1", "-d", "%s==1,no_such_dissector" % table],
               check=False)
    text = p.stderr.decode("utf-8", "replace")
    assert "Valid protocols for layer type" in text, text[-500:]
    return set(re.findall(r"^\t(\S+) \(", text, re.M))


def test_decode_as_offers_both_dissectors(ws):
    tcp = valid_decode_as(ws, "tcp.port")
    udp = valid_decode_as(ws, "udp.port")
    assert {"msnp", "qq", "msnms"} <= tcp
    assert {"qq", "oicq"} <= udp
    assert "msnp" not in udp


def test_decode_as_msnp_on_another_port(ws):
    pcap = "msnp-nonstandard-port.pcap"   # MSNP on TCP 2863
    off = ["--disable-heuristic", "msnp_tcp"]
    assert ws.count(pcap, "msnp", extra=off) == 0
    with_heur = ws.count(pcap, "msnp")
    assert with_heur > 0
    assert ws.count(pcap, "msnp", extra=off + ["-d", "tcp.port==2863,msnp"]) == with_heur


def test_decode_as_qq_on_another_port(ws):
    pcap = "qq-udp-session.pcap"           # client port 4000, server port 8000
    away = ["-d", "udp.port==8000,oicq", "--disable-heuristic", "qq_udp"]
    assert ws.count(pcap, "qq", extra=away) == 0
    assert ws.count(pcap, "qq", extra=away + ["-d", "udp.port==4000,qq"]) == 24


GUI_TOOLS = ("wireshark", "Xvfb", "xdotool", "import", "identify")


@pytest.mark.slow
def test_gui_screenshot(ws, tmp_path):
    missing = [t for t in GUI_TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip("GUI screenshot not tried: %s missing (tests/gui_screenshot.sh --deps "
                    "installs wireshark, xvfb, xdotool, imagemagick)" % ", ".join(missing))
    out = str(tmp_path / "shot.png")
    p = subprocess.run(["bash", SCRIPT, os.path.join(ROOT, "sample-pcaps", "msnp-login.pcap"),
                        "msnp", "54", out, "1024x768"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180,
                       env=dict(os.environ, WAIT_LOAD="2", PLUGIN_SO=PLUGIN_SO))
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")[-2000:]
    # The window Wireshark opened is titled after the capture it shows.
    assert "window: msnp-login.pcap" in p.stderr.decode("utf-8", "replace")
    size = subprocess.run(["identify", "-format", "%w %h", out], stdout=subprocess.PIPE,
                          check=True).stdout.decode()
    assert size == "1024 768"


def test_decode_as_brings_the_builtins_back(ws):
    # Decode As is the way back to Wireshark's own msnms/oicq: disabling our
    # protocols leaves the ports to nobody (plain TCP/UDP), since ours took
    # the built-ins' places in the port tables.
    msnms = ["-d", "tcp.port==1863,msnms"]
    assert ws.count("msnp-login.pcap", "msnms", extra=msnms) == 54
    assert ws.count("msnp-login.pcap", "msnp", extra=msnms) == 0
    assert ws.count("msnp-login.pcap", "msnms || msnp", extra=["--disable-protocol", "msnp"]) == 0
    oicq = ["-d", "udp.port==8000,oicq", "--disable-heuristic", "qq_udp"]
    without = ws.count("qq-variants.pcap", "oicq", plugin=False)
    assert without > 0 and ws.count("qq-variants.pcap", "oicq", extra=oicq) == without
