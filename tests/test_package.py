# SPDX-License-Identifier: GPL-2.0-or-later
"""The Debian package that cpack builds.

One fresh build in a temporary folder (not ./build), `cpack -G DEB`, then the
package is read with dpkg-deb, unpacked into a scratch root with `dpkg -x`,
and the unpacked module is loaded by tshark like the one under test.
"""

import gzip
import hashlib
import os
import re
import shutil
import subprocess
import tempfile

import pytest

import wsversion
from conftest import ROOT, Tshark, _loaded

PACKAGE = "wireshark-plugin-msnp-qq"


def sh(*argv, cwd=None):
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise AssertionError("%s exited %d\n%s" % (" ".join(argv), p.returncode,
                                                   p.stderr.decode("utf-8", "replace")[-3000:]))
    return p.stdout.decode("utf-8", "replace")


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(\s*\w+\s+VERSION\s+([0-9.]+)", f.read())
    assert m, "no project(... VERSION x.y.z) in CMakeLists.txt"
    return m.group(1)


def tshark_folder(label):
    """A folder as Wireshark itself reports it (`tshark -G folders`, not overridden)."""
    env = {k: v for k, v in os.environ.items() if k != "WIRESHARK_PLUGIN_DIR"}
    p = subprocess.run(["tshark", "-G", "folders"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, check=True)
    for line in p.stdout.decode().splitlines():
        if line.startswith(label + ":"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("tshark -G folders has no %s line" % label)


def global_plugin_folder():
    return tshark_folder("Global Plugins")


@pytest.fixture(scope="module")
def deb():
    for tool in ("cmake", "cpack", "dpkg-deb", "dpkg-query", "nm", "readelf"):
        if shutil.which(tool) is None:
            pytest.skip("%s is not installed (Debian packages cmake, dpkg, binutils)" % tool)
    work = tempfile.mkdtemp(prefix="msnp-qq-package-")
    os.chmod(work, 0o755)  # tshark runs as nobody below
    try:
        build = os.path.join(work, "build")
        sh("cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=RelWithDebInfo")
        sh("cmake", "--build", build, "-j2")
        sh("cpack", "-G", "DEB", cwd=build)
        debs = [f for f in os.listdir(build) if f.endswith(".deb")]
        assert len(debs) == 1, debs
        yield os.path.join(build, debs[0]), work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def linked_packages(path, work):
    """Debian packages that own the libraries the packaged module needs."""
    root = os.path.join(work, "needed")
    shutil.rmtree(root, ignore_errors=True)
    sh("dpkg", "-x", path, root)
    module = root + os.path.join(global_plugin_folder(), "epan", "msnp_qq.so")
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", sh("readelf", "-d", module))
    assert needed, "the module needs no library at all?"
    # The multiarch folder (x86_64-linux-gnu), as in the plugin folder's path.
    triplet = global_plugin_folder().split("/")[3]
    packages = set()
    for soname in needed:
        owners = []
        for line in sh("dpkg", "-S", "*/" + soname).splitlines():
            pkg, _, lib = line.rpartition(": ")
            if lib.endswith("/%s/%s" % (triplet, soname)):
                owners.append(pkg.split(":")[0])
        assert owners, soname
        packages.update(owners)
    return packages


def control(path):
    fields = {}
    for name in ("Package", "Version", "Architecture", "Depends", "Section", "Enhances",
                 "Description"):
        fields[name] = sh("dpkg-deb", "-f", path, name).strip()
    return fields


def test_package_name_version_architecture(deb):
    path, _ = deb
    c = control(path)
    arch = sh("dpkg", "--print-architecture").strip()
    assert c["Package"] == PACKAGE
    assert c["Version"] == project_version()
    assert c["Architecture"] == arch
    assert os.path.basename(path) == "%s_%s_%s.deb" % (PACKAGE, project_version(), arch)
    assert c["Section"] == "net"
    assert c["Enhances"] == "wireshark, tshark"
    assert c["Description"].startswith("Wireshark dissectors for MSNP (MSN Messenger) and Tencent QQ\n")


def test_depends_on_the_libwireshark_it_was_built_for(deb):
    path, work = deb
    dev_version, dev_depends = sh("dpkg-query", "-W", "-f=${Version}|${Depends}",
                                  "libwireshark-dev").split("|", 1)
    lib = re.search(r"\b(libwireshark\d+)\b", dev_depends).group(1)
    major, minor = (int(x) for x in dev_version.split(".")[:2])
    expected = "%s (>= %s), %s (<< %d.%d~)" % (lib, dev_version, lib, major, minor + 1)
    depends = control(path)["Depends"]
    assert depends == expected or depends.startswith(expected + ", "), depends
    if shutil.which("dpkg-shlibdeps"):
        # Every library the module links comes from a package it depends on
        # (dpkg-shlibdeps adds them; without it only libwireshark is declared).
        names = {d.split()[0] for d in depends.split(", ")}
        for pkg in linked_packages(path, work):
            assert pkg in names, (pkg, depends)
    # The library installed here satisfies it, and the next minor release would not.
    installed = sh("dpkg-query", "-W", "-f=${Version}", lib)
    for op, a, b, ok in (("ge", installed, dev_version, True),
                         ("lt", installed, "%d.%d~" % (major, minor + 1), True),
                         ("lt", "%d.%d.0-1" % (major, minor + 1), "%d.%d~" % (major, minor + 1), False)):
        r = subprocess.run(["dpkg", "--compare-versions", a, op, b]).returncode
        assert (r == 0) == ok, (a, op, b)


def test_installs_the_module_into_the_global_plugin_folder(deb):
    path, _ = deb
    listing = sh("dpkg-deb", "-c", path).splitlines()
    files = {l.split()[-1]: l.split()[:2] for l in listing if not l.startswith("d")}
    target = os.path.join(global_plugin_folder(), "epan", "msnp_qq.so")
    assert target.startswith("/usr/lib/")
    assert "/wireshark/plugins/%s/epan/" % wsversion.major_minor() in target
    doc = "./usr/share/doc/%s/" % PACKAGE
    assert sorted(files) == sorted(["." + target, doc + "changelog.gz", doc + "copyright"])
    for perms, owner in files.values():
        assert perms == "-rw-r--r--" and owner == "root/root"
    # Every directory in the package is a parent of one of its files.
    dirs = [l.split()[-1].rstrip("/") for l in listing if l.startswith("d")]
    assert all(any(f.startswith(d + "/") for f in files) for d in dirs), dirs


def test_install_targets_use_this_versions_folders(deb):
    # CMake's install-personal and install-global (and cpack) put the module
    # where this Wireshark looks: <folder>/<major.minor>/epan.
    path, _ = deb
    cache = {}
    with open(os.path.join(os.path.dirname(path), "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(\w+):\w+=(.*)$", line.rstrip("\n"))
            if m:
                cache[m.group(1)] = m.group(2)
    assert cache["GLOBAL_PLUGIN_DIR"] == os.path.join(global_plugin_folder(), "epan")
    assert cache["PERSONAL_PLUGIN_DIR"] == os.path.join(tshark_folder("Personal Plugins"), "epan")
    for folder in (cache["GLOBAL_PLUGIN_DIR"], cache["PERSONAL_PLUGIN_DIR"]):
        assert folder.endswith("/plugins/%s/epan" % wsversion.major_minor()), folder


def test_debian_copyright_and_changelog(deb):
    path, work = deb
    root = os.path.join(work, "docroot")
    shutil.rmtree(root, ignore_errors=True)
    sh("dpkg", "-x", path, root)
    doc = os.path.join(root, "usr", "share", "doc", PACKAGE)
    with open(os.path.join(doc, "copyright"), encoding="utf-8") as f:
        text = f.read()
    assert "License: GPL-2.0-or-later" in text and "/usr/share/common-licenses/GPL-2" in text
    with gzip.open(os.path.join(doc, "changelog.gz"), "rt", encoding="utf-8") as f:
        first = f.readline()
    assert first.startswith("%s (%s) unstable; urgency=medium" % (PACKAGE, project_version()))


def test_md5sums_match_the_payload(deb):
    path, work = deb
    ctl = os.path.join(work, "control")
    shutil.rmtree(ctl, ignore_errors=True)
    sh("dpkg-deb", "-e", path, ctl)
    root = os.path.join(work, "md5root")
    shutil.rmtree(root, ignore_errors=True)
    sh("dpkg", "-x", path, root)
    with open(os.path.join(ctl, "md5sums")) as f:
        sums = [l.split(None, 1) for l in f.read().splitlines()]
    assert len(sums) == 3
    for digest, name in sums:
        with open(os.path.join(root, name.strip()), "rb") as mod:
            assert hashlib.md5(mod.read()).hexdigest() == digest


def test_unpacked_module_exports_the_plugin_abi_and_loads(deb):
    path, work = deb
    root = os.path.join(work, "root")
    shutil.rmtree(root, ignore_errors=True)
    sh("dpkg", "-x", path, root)
    module = root + os.path.join(global_plugin_folder(), "epan", "msnp_qq.so")
    assert os.path.isfile(module)
    out = sh("nm", "-D", "--defined-only", module)
    assert sorted(l.split()[-1] for l in out.splitlines() if l.strip()) == wsversion.plugin_exports()
    # The packaged (stripped) module is the plugin: tshark loads it and
    # registers both protocols.
    os.makedirs(os.path.join(work, "tshark"), exist_ok=True)
    t = Tshark(os.path.join(work, "tshark"), module)
    for ws in _loaded(t):
        plugins = [l.split("\t") for l in ws.out(["-G", "plugins"]).splitlines()]
        ours = [l for l in plugins if l[0].strip() == "msnp_qq.so"]
        assert [(l[1].strip(), l[2].strip()) for l in ours] == [(project_version(), "dissector")]
