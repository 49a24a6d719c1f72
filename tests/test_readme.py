# SPDX-License-Identifier: GPL-2.0-or-later
"""The README keeps its promises: every command it shows runs as written
(tshark examples on the samples they name, with the built plugin, through the
hermetic harness; ./plugin.sh commands and options that plugin.sh offers),
it fits in 250 lines, its filters name real fields, and every relative link
of the README and the guides leads to a file and, with #, to a heading."""

import glob
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, SAMPLES

README = os.path.join(ROOT, "README.md")
GUIDES = [README] + sorted(glob.glob(os.path.join(ROOT, "doc", "*.md"))) + \
    sorted(glob.glob(os.path.join(ROOT, "doc", "lab", "*.md"))) + [os.path.join(SAMPLES, "README.md")]
MAX_LINES = 250
FENCE = re.compile(r"^ *```(\w*)\n(.*?)^ *```$", re.M | re.S)


def text(path=README):
    return open(path, encoding="utf-8").read()


def shell_blocks():
    """Each ```sh block of the README as its list of commands (continuations joined)."""
    blocks = []
    for lang, body in FENCE.findall(text()):
        if lang == "sh":
            body = body.replace("\\\n", " ")
            blocks.append([l.strip() for l in body.splitlines() if l.strip()])
    return blocks


def inline_commands():
    """Commands written inline (`tshark ...`, `./plugin.sh ...`), outside code blocks."""
    prose = FENCE.sub("", text())
    return [c for c in re.findall(r"`([^`]+)`", prose)
            if c.startswith(("tshark ", "./plugin.sh", "BUILD_DIR="))]


def without_comment(command):
    return re.sub(r"\s+#.*$", "", command)


def test_readme_fits():
    assert len(text().splitlines()) <= MAX_LINES


def test_every_command_is_one_this_test_knows():
    # A new kind of command in the README needs a check here.
    for block in shell_blocks():
        for command in block:
            assert re.match(r"(tshark|wireshark|\./plugin\.sh) ", without_comment(command) + " "), command


@pytest.fixture(scope="module")
def usage():
    p = subprocess.run([os.path.join(ROOT, "plugin.sh")], stdout=subprocess.PIPE)
    return p.stdout.decode()


def test_plugin_sh_commands_exist(usage):
    shown = [without_comment(c) for block in shell_blocks() for c in block if c.startswith("./plugin.sh")]
    shown += [c for c in inline_commands() if c.startswith("./plugin.sh")]
    assert {"./plugin.sh demo", "./plugin.sh test", "./plugin.sh install",
            "./plugin.sh test --all-versions"} <= set(shown)
    offered = set(m.strip() for m in re.findall(r"^  (\./plugin\.sh [\w -]*?)(?: [A-Z\[]|  |$)", usage, re.M))
    for command in shown:
        assert command in offered, (command, offered)


def test_pytest_command_names_a_test_file():
    for command in inline_commands():
        if command.startswith("BUILD_DIR="):
            m = re.match(r"BUILD_DIR=build python3 -m pytest -q (tests/test_\w+\.py)$", command)
            assert m and os.path.exists(os.path.join(ROOT, m.group(1))), command


def test_gui_commands_name_samples():
    for block in shell_blocks():
        for command in block:
            if command.startswith("wireshark "):
                assert os.path.exists(os.path.join(ROOT, command.split()[1])), command


@pytest.fixture
def checkout(ws, request):
    """A folder laid out like the checkout for tshark run as nobody: the samples
    and their key logs under sample-pcaps/."""
    d = os.path.join(ws.workdir, "readme-%s" % request.node.name.replace("/", "_")
                     .replace("[", "-").replace("]", ""))
    samples = os.path.join(d, "sample-pcaps")
    os.makedirs(samples)
    for name in os.listdir(SAMPLES):
        if name.endswith((".pcap", ".keys")):
            shutil.copy(os.path.join(SAMPLES, name), samples)
    for dirpath, dirnames, filenames in os.walk(d):
        os.chmod(dirpath, 0o777)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    return d


def tshark_blocks():
    blocks = [[c for c in b if c.startswith("tshark ")] for b in shell_blocks()]
    blocks += [[c] for c in inline_commands() if c.startswith("tshark ")]
    return [b for b in blocks if b]


def files_in(d):
    return {os.path.join(p, f): os.path.getsize(os.path.join(p, f))
            for p, _, fs in os.walk(d) for f in fs}


@pytest.mark.parametrize("block", tshark_blocks(), ids=lambda b: b[0][:60])
def test_tshark_examples_run_as_written(ws, checkout, block):
    # The commands of one block run in order in one folder, as a user would
    # type them (a key log written by one is read by the next).
    for command in block:
        for sample in re.findall(r"sample-pcaps/[\w.-]+", command):
            assert os.path.exists(os.path.join(ROOT, sample)), (command, sample)
        before = files_in(checkout)
        p = ws.run(["-c", 'cd "$1" && ' + command, "readme", checkout], program="bash", check=False)
        assert p.returncode == 0, (command, p.stderr.decode("utf-8", "replace")[-2000:])
        made = {f: n for f, n in files_in(checkout).items() if f not in before}
        assert p.stdout.strip() or (made and all(made.values())), (command, "printed nothing, wrote nothing")
        if "-z qq,chat" in command or "-z qqsso,chat" in command:
            # The secret it names really opens the messages.
            assert re.search(r"\(decrypted\): [1-9]", p.stdout.decode("utf-8")), command


def test_filters_name_real_fields_and_compile(ws):
    section = text().split("## Filtering", 1)[1].split("\n## ", 1)[0]
    filters = [f.replace("\\|", "|") for f in re.findall(r"^\| `(.+?)` \|", section, re.M)]
    assert len(filters) == 10, filters
    fields = {line.split("\t")[2] for line in ws.out(["-G", "fields"]).splitlines()
              if line.count("\t") >= 2}
    for f in filters:
        for name in re.findall(r"\b((?:msnp|qq|_ws)\.[a-z0-9_.]+)", f):
            assert name in fields, (f, name)
        ws.run(["-n", "-r", ws.path("msnp-login.pcap"), "-Y", f])


def anchors(path):
    """GitHub's anchors for the headings of a Markdown file."""
    seen, out = {}, set()
    for heading in re.findall(r"^#{1,6} (.+)$", FENCE.sub("", text(path)), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else "%s-%d" % (slug, n))
    return out


def links(path):
    prose = re.sub(r"`[^`\n]*`", "", FENCE.sub("", text(path)))
    return re.findall(r"\]\(([^)\s]+)\)", prose)


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: os.path.relpath(p, ROOT))
def test_relative_links_resolve(path):
    broken = []
    for link in links(path):
        if re.match(r"^[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        full = os.path.normpath(os.path.join(os.path.dirname(path), target)) if target else path
        if not os.path.exists(full):
            broken.append(link)
        elif anchor and (not full.endswith(".md") or anchor not in anchors(full)):
            broken.append(link)
    assert not broken, broken
