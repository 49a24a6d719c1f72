# SPDX-License-Identifier: GPL-2.0-or-later
"""Test harness: runs the system's tshark with the freshly built plugin only.

tshark run as root ignores personal plugins and WIRESHARK_PLUGIN_DIR, so when
the suite runs as root every tshark is started as an unprivileged user
(nobody) with WIRESHARK_PLUGIN_DIR pointing at a temporary folder that holds
just the built module, and HOME at an empty temporary folder (no personal
preferences or plugins).  Captures are copied into that folder so that the
unprivileged user can read them.

Every test goes through the `ws` fixture, which fails the whole run when
`tshark -G protocols` does not list both msnp and qq.
"""

import json
import os
import shutil
import subprocess
import tempfile

import pytest

import wsversion
from hermetic import NOBODY, tshark_env, unprivileged  # noqa: F401

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "sample-pcaps")
REAL = os.path.normpath(os.path.join(ROOT, "..", "shared", "pcaps", "real"))
# The build under test: PLUGIN_SO names the module, else BUILD_DIR (relative
# to the checkout or absolute) the build folder holding it, else ./build.
# ./plugin.sh test builds each Wireshark version in its own folder.
BUILD_DIR = os.path.join(ROOT, os.environ.get("BUILD_DIR", "build"))
PLUGIN_SO = os.environ.get("PLUGIN_SO", os.path.join(BUILD_DIR, "msnp_qq.so"))


def build_dir(kind):
    """The folder of another build for the same Wireshark (build-asan beside
    build, build-trixie-asan beside build-trixie), so that versions never
    share a build folder."""
    return "%s-%s" % (BUILD_DIR.rstrip("/"), kind)


class Tshark:
    """Runs tshark hermetically with (or without) the plugin under test."""

    def __init__(self, workdir, plugin_so):
        self.workdir = workdir
        os.chmod(workdir, 0o755)
        self.home = os.path.join(workdir, "home")
        self.with_plugin = os.path.join(workdir, "plugins")
        self.without_plugin = os.path.join(workdir, "no-plugins")
        epan = wsversion.plugin_folder(self.with_plugin)
        os.makedirs(epan)
        os.makedirs(wsversion.plugin_folder(self.without_plugin))
        os.makedirs(self.home)
        shutil.copy(plugin_so, epan)
        self.captures = os.path.join(workdir, "captures")
        os.makedirs(self.captures)
        for dirpath, dirnames, filenames in os.walk(workdir):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o644)
        os.chmod(self.home, 0o777)
        self._copied = {}
        self._types = None

    # -- running -------------------------------------------------------------

    def env(self, plugin=True, extra=None):
        return tshark_env(self.home, self.with_plugin if plugin else self.without_plugin, extra)

    def command(self, args, plugin=True, program="tshark", env=None):
        """The argv and environment for one run (as nobody when we are root)."""
        return unprivileged([program] + list(args)), self.env(plugin, env)

    def run(self, args, plugin=True, check=True, program="tshark", env=None, timeout=300,
            stdin=None):
        argv, environ = self.command(args, plugin, program, env)
        p = subprocess.run(argv, env=environ, cwd=self.workdir, input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError("%s exited %d\nstderr:\n%s" % (
                " ".join(argv), p.returncode, p.stderr.decode("utf-8", "replace")[-4000:]))
        return p

    def out(self, args, **kw):
        return self.run(args, **kw).stdout.decode("utf-8", "replace")

    # -- captures ------------------------------------------------------------

    def path(self, pcap):
        """A copy of a capture that the unprivileged user can read."""
        src = pcap if os.path.isabs(pcap) else os.path.join(SAMPLES, pcap)
        if not os.path.exists(src):
            raise AssertionError("capture %s does not exist" % src)
        key = os.path.abspath(src)
        dst = self._copied.get(key)
        if dst is None or os.path.getmtime(src) > os.path.getmtime(dst):
            dst = os.path.join(self.captures, "%d-%s" % (len(self._copied), os.path.basename(src)))
            shutil.copyfile(src, dst)
            os.chmod(dst, 0o644)
            self._copied[key] = dst
        return dst

    def fields(self, pcap, fields, dfilter=None, two_pass=False, extra=(), plugin=True):
        """Rows of -T fields output: one list per frame, occurrences joined by ','."""
        args = ["-n", "-r", self.path(pcap), "-T", "fields", "-E", "header=n",
                "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
        if two_pass:
            args.append("-2")
        if dfilter:
            args += ["-Y", dfilter]
        for f in fields:
            args += ["-e", f]
        args += list(extra)
        text = self.out(args, plugin=plugin)
        rows = [line.split("\t") for line in text.splitlines()]
        # Values as 4.0 prints them (booleans 1/0, absolute times "Jul  4,
        # 2005 01:56:02.000000000 UTC"), whichever version runs.
        types = self.field_types()
        typed = [(i, types[f]) for i, f in enumerate(fields) if types.get(f) in wsversion.FIELDS_NORMALISED]
        for row in rows:
            for i, ftype in typed:
                if i < len(row) and row[i]:
                    row[i] = ",".join(wsversion.fields_value(ftype, v) for v in row[i].split(","))
        return rows

    def field_types(self):
        """Type (FT_*) of every field by filter name (ours and Wireshark's)."""
        if self._types is None:
            self._types = {cols[2]: cols[3] for cols in
                           (line.split("\t") for line in self.out(["-G", "fields"]).splitlines())
                           if len(cols) > 3 and cols[0] == "F"}
        return self._types

    def column(self, pcap, field, dfilter=None, two_pass=False, extra=()):
        """One field's values, one string per frame."""
        return [r[0] for r in self.fields(pcap, [field], dfilter, two_pass, extra)]

    def count(self, pcap, dfilter, two_pass=False, extra=(), plugin=True):
        """Number of frames matching a display filter."""
        return len(self.fields(pcap, ["frame.number"], dfilter, two_pass, extra, plugin))

    def export_objects(self, pcap, protocol, extra=()):
        """Files that --export-objects PROTOCOL writes: name -> bytes."""
        d = tempfile.mkdtemp(prefix="%s-eo-" % protocol, dir=self.workdir)
        os.chmod(d, 0o777)
        try:
            self.out(["-n", "-q", "-r", self.path(pcap), "--export-objects", "%s,%s" % (protocol, d)]
                     + list(extra))
            files = {}
            for name in os.listdir(d):
                with open(os.path.join(d, name), "rb") as f:
                    files[name] = f.read()
            return files
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def json(self, pcap, dfilter=None, two_pass=True, protocols=("msnp", "qq"), extra=()):
        args = ["-n", "-r", self.path(pcap), "-T", "json"]
        if protocols:
            # One -J with a space-separated list: tshark keeps only the last -J.
            args += ["-J", " ".join(protocols)]
        if two_pass:
            args.append("-2")
        if dfilter:
            args += ["-Y", dfilter]
        args += list(extra)
        return json.loads(self.out(args) or "[]")


@pytest.fixture(scope="session")
def ws():
    if not os.path.exists(PLUGIN_SO):
        pytest.fail("plugin module %s is missing: build it first (./plugin.sh test)" % PLUGIN_SO)
    # Not pytest's tmp_path: its parent is private to root, and tshark runs as nobody.
    workdir = tempfile.mkdtemp(prefix="msnp-qq-tests-")
    yield from _loaded(Tshark(workdir, PLUGIN_SO))
    shutil.rmtree(workdir, ignore_errors=True)


def _loaded(t):
    protocols = set()
    for line in t.out(["-G", "protocols"]).splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            protocols.add(parts[2])
    missing = {"msnp", "qq", "qqsso", "qqhighway"} - protocols
    if missing:
        pytest.fail("plugin did not load: tshark -G protocols lacks %s" % ", ".join(sorted(missing)))
    yield t


@pytest.fixture
def real_pcap():
    """Path of a capture in the shared real-capture folder, or a skip saying why."""
    def get(name):
        path = os.path.join(REAL, name)
        if not os.path.exists(path):
            pytest.skip("real capture %s not available: the shared/pcaps/real folder "
                        "beside the checkout is absent" % name)
        return path
    return get


def pytest_configure(config):
    # ./plugin.sh test runs `-m "not slow"` and reports these as not run;
    # ./plugin.sh test --slow and --all-versions (CI) run them.
    config.addinivalue_line(
        "markers", "slow: a long check by another tool (sanitizers, fuzzing, valgrind, the GUI, "
        "the benchmark): left to ./plugin.sh test --slow and --all-versions")
