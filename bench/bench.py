# SPDX-License-Identifier: GPL-2.0-or-later
"""Performance benchmark of the MSNP/QQ plugin against tshark without it.

Run it through `bench/run` (see --help).  Everything it makes goes under
build-bench/ in the checkout (ignored by git): the module built with
CMAKE_BUILD_TYPE=RelWithDebInfo (unless PLUGIN_SO names one), the generated
captures (cached by scale and by a hash of the generator's sources), the
callgrind profiles and the last results (results.json, results.md).

tshark is run hermetically the way tests/conftest.py does it: as user nobody
when we are root, with WIRESHARK_PLUGIN_DIR pointing at a folder that holds
only the module (or nothing, for the built-in msnms/oicq runs) and an empty
HOME.  Every run's CPU time (user+sys) and peak RSS come from wait4() on
that very process.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import gen  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import hermetic  # noqa: E402
import wsversion  # noqa: E402

OURS = ("msnp", "qq")
# --disable-protocol takes one name per option in 4.0 (no comma lists).
DISABLE = ["--disable-protocol", "msnp", "--disable-protocol", "qq"]
BUILTIN_FILTER = "msnms || oicq.command"

MODES = {
    "notree": "no tree",
    "filter": "filter (trees)",
    "verbose": "-2 -V",
}
VARIANTS = {
    "plugin": "plugin",
    "keyed": "plugin with the QQ key log (-o qq.keylog_file)",
    "password": "plugin with the PC QQ password (-o qq.password)",
    "disabled": "--disable-protocol msnp, qq",
    "builtin": "built-in msnms/oicq (no plugin)",
}


def log(msg):
    sys.stderr.write("[bench %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


# ---------------------------------------------------------------------------
# The module and the captures


def build_plugin(build_dir):
    so = os.environ.get("PLUGIN_SO")
    if so:
        if not os.path.exists(so):
            raise SystemExit("PLUGIN_SO=%s does not exist" % so)
        return os.path.abspath(so)
    out = os.path.join(build_dir, "plugin")
    log("building the module (RelWithDebInfo) in %s" % os.path.relpath(out, ROOT))
    subprocess.run(["cmake", "-S", ROOT, "-B", out, "-DCMAKE_BUILD_TYPE=RelWithDebInfo"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", out, "-j%d" % (os.cpu_count() or 1)], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(out, "msnp_qq.so")


def generator_hash():
    h = hashlib.sha1()
    # The generator and the sample builders it borrows (QQ-TEA, IM
    # plaintexts, MSNSLP and P2P messages).
    for path in (gen.__file__, gen.pcapgen.__file__, gen.qqtea.__file__, gen.qcs.__file__,
                 gen.qcs.__file__.replace("qq_crypto_scenarios", "qq_scenarios"), gen.mps.__file__):
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:10]


def keylog_of(pcap):
    """The QQ key log written beside an IM capture (the keyed runs use it)."""
    return os.path.splitext(pcap)[0] + ".keys"


def capture(build_dir, kind, scale):
    """Path and frame count of a generated capture, made once per scale."""
    folder = os.path.join(build_dir, "captures")
    os.makedirs(folder, exist_ok=True)
    name = "%s-x%s-%s.pcap" % (kind, ("%g" % scale).replace(".", "_"), generator_hash())
    path = os.path.join(folder, name)
    meta = path + ".json"
    if not (os.path.exists(path) and os.path.exists(meta)):
        log("generating %s (scale %g)" % (name, scale))
        t = time.time()
        if kind == "empty":
            with open(path, "wb") as f:
                gen.StreamCapture(f)
            frames, kinds = 0, {}
        else:
            frames, kinds = gen.generate(kind, scale, path)
        if kind == "im":
            gen.write_qq_keylog(scale, keylog_of(path))
        with open(meta, "w") as f:
            json.dump({"frames": frames, "sessions": kinds}, f)
        log("  %d frames in %.1f s" % (frames, time.time() - t))
    os.chmod(path, 0o644)
    if kind == "im":
        os.chmod(keylog_of(path), 0o644)
    with open(meta) as f:
        info = json.load(f)
    return path, info["frames"], info["sessions"]


# ---------------------------------------------------------------------------
# Hermetic tshark (the same layout as tests/conftest.py)


class Tshark:
    def __init__(self, plugin_so):
        self.workdir = tempfile.mkdtemp(prefix="msnp-qq-bench-")
        os.chmod(self.workdir, 0o755)
        self.home = os.path.join(self.workdir, "home")
        self.with_plugin = os.path.join(self.workdir, "plugins")
        self.without_plugin = os.path.join(self.workdir, "no-plugins")
        self.captures = os.path.join(self.workdir, "captures")
        self.scratch = os.path.join(self.workdir, "scratch")
        epan = wsversion.plugin_folder(self.with_plugin)
        for d in (epan, wsversion.plugin_folder(self.without_plugin),
                  self.home, self.captures, self.scratch):
            os.makedirs(d)
        shutil.copy(plugin_so, epan)
        for dirpath, dirnames, filenames in os.walk(self.workdir):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o644)
        os.chmod(self.home, 0o777)
        os.chmod(self.scratch, 0o777)

    def close(self):
        shutil.rmtree(self.workdir, ignore_errors=True)

    def path(self, src):
        """A link (or copy) of a capture that user nobody can read."""
        dst = os.path.join(self.captures, os.path.basename(src))
        if not os.path.exists(dst):
            try:
                os.link(src, dst)
            except OSError:
                shutil.copyfile(src, dst)
            os.chmod(dst, 0o644)
        return dst

    def argv_env(self, args, plugin=True, program=("tshark",)):
        argv = hermetic.unprivileged(list(program) + list(args))
        env = hermetic.tshark_env(self.home, self.with_plugin if plugin else self.without_plugin)
        return argv, env

    def out(self, args, plugin=True):
        argv, env = self.argv_env(args, plugin)
        p = subprocess.run(argv, env=env, cwd=self.workdir, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise SystemExit("%s failed (%d):\n%s" % (" ".join(argv), p.returncode,
                                                      p.stderr.decode(errors="replace")[-3000:]))
        return p.stdout.decode("utf-8", "replace")

    def measure(self, args, plugin=True):
        """(cpu seconds user+sys, peak RSS in KiB, wall seconds) of one run."""
        argv, env = self.argv_env(args, plugin)
        with tempfile.TemporaryFile() as err:
            t = time.monotonic()
            p = subprocess.Popen(argv, env=env, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.monotonic() - t
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                err.seek(0)
                raise SystemExit("%s failed (%d):\n%s" % (
                    " ".join(argv), p.returncode, err.read().decode(errors="replace")[-3000:]))
        return ru.ru_utime + ru.ru_stime, ru.ru_maxrss, wall

    def protocols(self, plugin=True):
        names = set()
        for line in self.out(["-G", "protocols"], plugin).splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                names.add(parts[2])
        return names

    def fields(self):
        names = set()
        for line in self.out(["-G", "fields"]).splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0] == "F":
                names.add(parts[2])
        return names

    def count(self, pcap, dfilter, plugin=True, extra=()):
        text = self.out(["-n", "-r", pcap, "-Y", dfilter, "-T", "fields", "-e", "frame.number"]
                        + list(extra), plugin)
        return len(text.splitlines())


# ---------------------------------------------------------------------------
# The measurement matrix


def tshark_args(mode, variant, pcap, our_filter):
    args = ["-n"]
    if mode == "verbose":
        args += ["-2", "-V"]
    args += ["-r", pcap]
    if mode == "filter":
        args += ["-Y", BUILTIN_FILTER if variant == "builtin" else our_filter]
    if variant == "keyed":
        args += ["-o", "qq.keylog_file:" + keylog_of(pcap)]
    if variant == "password":
        args += ["-o", "qq.password:" + gen.BENCH_PASSWORD]
    if variant == "disabled":
        args += DISABLE
    return args


def matrix(linear):
    """Every (capture, mode, variant) measured in each round."""
    configs = []
    for mode in MODES:
        for variant in VARIANTS:
            configs.append(("im", mode, variant))
            if variant in ("keyed", "password"):
                continue          # the key log and the logins belong to the IM capture
            configs.append(("empty", mode, variant))
            if variant != "builtin":
                configs.append(("background", mode, variant))
    if linear:
        configs += [("im4", "notree", "plugin"), ("im4", "filter", "plugin"),
                    ("im4", "notree", "disabled")]
    return configs


def run_rounds(ts, configs, pcaps, runs, our_filter):
    samples = {c: [] for c in configs}
    for r in range(runs):
        order = list(configs)
        random.Random(r).shuffle(order)
        t = time.time()
        for c in order:
            kind, mode, variant = c
            args = tshark_args(mode, variant, pcaps[kind], our_filter)
            samples[c].append(ts.measure(args, plugin=(variant != "builtin")))
        log("round %d/%d done in %.0f s" % (r + 1, runs, time.time() - t))
    return samples


def summarise(samples):
    res = {}
    for c, runs in samples.items():
        cpu = [s[0] for s in runs]
        rss = [s[1] for s in runs]
        res[c] = {"cpu": statistics.median(cpu), "cpu_min": min(cpu), "cpu_max": max(cpu),
                  "rss_kib": statistics.median(rss), "wall": statistics.median(s[2] for s in runs),
                  "runs": len(runs)}
    return res


# ---------------------------------------------------------------------------
# Targets


def targets(res, frames, linear):
    """Rows: (name, value, low, high, group) with group naming the profile that explains it."""
    rows = []

    def ratio(a, b, what="cpu"):
        return res[a][what] / res[b][what] if res[b][what] else float("nan")

    cpu_limits = {"notree": 1.3, "filter": 1.8, "verbose": 1.8}
    for mode, label in MODES.items():
        for base in ("disabled", "builtin"):
            rows.append(("IM %s: CPU plugin / %s" % (label, base),
                         ratio(("im", mode, "plugin"), ("im", mode, base)), None,
                         cpu_limits[mode], "im-" + ("notree" if mode == "notree" else "trees")))
    # With the key log every QQ body is decrypted and its IMs decoded: the
    # same targets (issue 13).
    for mode, label in MODES.items():
        for base in ("disabled", "builtin"):
            rows.append(("IM %s, QQ keys: CPU plugin / %s" % (label, base),
                         ratio(("im", mode, "keyed"), ("im", mode, base)), None,
                         cpu_limits[mode], "im-keyed"))
    # With the password every PC QQ login is followed key by key (issue 19).
    for mode, label in MODES.items():
        for base in ("disabled", "builtin"):
            rows.append(("IM %s, QQ password: CPU plugin / %s" % (label, base),
                         ratio(("im", mode, "password"), ("im", mode, base)), None,
                         cpu_limits[mode], "im-password"))
    for mode, label in MODES.items():
        rows.append(("background %s: CPU plugin / disabled" % label,
                     ratio(("background", mode, "plugin"), ("background", mode, "disabled")),
                     None, 1.03, "background"))
    for kind, name in (("im", "IM"), ("background", "background")):
        for mode, label in MODES.items():
            for base in (("disabled", "builtin") if kind == "im" else ("disabled",)):
                rows.append(("%s %s: peak RSS plugin / %s" % (name, label, base),
                             ratio((kind, mode, "plugin"), (kind, mode, base), "rss_kib"),
                             None, 1.2, "memory"))
    for mode, label in MODES.items():
        rows.append(("IM %s, QQ keys: peak RSS plugin / disabled" % label,
                     ratio(("im", mode, "keyed"), ("im", mode, "disabled"), "rss_kib"),
                     None, 1.2, "memory"))
    for mode, label in MODES.items():
        rows.append(("IM %s, QQ password: peak RSS plugin / disabled" % label,
                     ratio(("im", mode, "password"), ("im", mode, "disabled"), "rss_kib"),
                     None, 1.2, "memory"))
    if linear:
        rows.append(("IM 4x no tree: peak RSS plugin / disabled",
                     ratio(("im4", "notree", "plugin"), ("im4", "notree", "disabled"), "rss_kib"),
                     None, 1.2, "memory"))
        for mode in ("notree", "filter"):
            rows.append(("IM %s: time/packet 4x / 1x" % MODES[mode],
                         per_packet(res, frames, "im4", mode, "plugin")
                         / per_packet(res, frames, "im", mode, "plugin"), 0.9, 1.1, "linear"))
    return rows


def per_packet(res, frames, kind, mode, variant):
    """CPU seconds per packet without tshark's start-up (the empty-capture run)."""
    return (res[(kind, mode, variant)]["cpu"] - res[("empty", mode, variant)]["cpu"]) \
        / frames[kind]


def verdict(value, low, high):
    ok = value == value and value <= high and (low is None or value >= low)
    return "PASS" if ok else "FAIL"


# ---------------------------------------------------------------------------
# Callgrind: instructions inside the plugin


def parse_callgrind(path, plugin_marker="msnp_qq"):
    """Instructions spent while a plugin function is on the stack.

    The profile must come from --separate-callers=N: each function context is
    named `fn'caller1'caller2...`, so the self cost of any function (in any
    object) is inside the plugin when a plugin function appears in its
    chain.  Cost below a dissector call that the plugin made is counted
    apart ("handoff").  Returns {"total": Ir, "own": {file: Ir}, "handoff":
    {file: Ir}, "truncated": Ir of stacks too deep to tell, "functions":
    {plugin function: [self, inclusive, inclusive without hand-offs, file]},
    "calls": {"plugin function -> callee": Ir}}.
    """
    names = {"ob": {}, "fl": {}, "fn": {}}
    plugin_fns = {}
    contexts = {}
    ob = fl = fn = None
    skip_next = False
    total = 0

    def resolve(kind, value):
        m = re.match(r"\((\d+)\)(?: (.*))?$", value)
        if not m:
            return value
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
            return m.group(2)
        return names[kind].get(m.group(1), "?")

    with open(path, errors="replace") as f:
        for line in f:
            if skip_next:
                skip_next = False
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                if fn is not None:
                    cost = int(line.split()[-1])
                    contexts[fn] = contexts.get(fn, 0) + cost
                    total += cost
                continue
            if line.startswith("fn="):
                fn = resolve("fn", line[3:].rstrip("\n"))
                if ob and plugin_marker in ob:
                    plugin_fns.setdefault(fn.split("'")[0], fl)
            elif line.startswith("ob="):
                ob = resolve("ob", line[3:].rstrip("\n"))
            elif line.startswith("fl="):
                fl = resolve("fl", line[3:].rstrip("\n"))
            elif line.startswith(("fi=", "fe=")):
                resolve("fl", line[3:].rstrip("\n"))
            elif line.startswith(("cfi=", "cfl=")):
                resolve("fl", line[4:].rstrip("\n"))
            elif line.startswith("cob="):
                resolve("ob", line[4:].rstrip("\n"))
            elif line.startswith("cfn="):
                resolve("fn", line[4:].rstrip("\n"))
            elif line.startswith("calls="):
                skip_next = True  # the next line is the call's inclusive cost
    per_file, handoff, calls = {}, {}, {}
    truncated = 0
    funcs = {name: [0, 0, 0, os.path.basename(fl or "?")] for name, fl in plugin_fns.items()}
    for ctx, cost in contexts.items():
        # "fn'2" is callgrind's mark of a recursion level, not a caller.
        chain = [name for name in ctx.split("'") if not name.isdigit()]
        inside = [i for i, name in enumerate(chain) if name in funcs]
        if not inside:
            if not any(name.startswith(ANCHORS) for name in chain):
                truncated += cost  # a stack deeper than the context: cannot tell
            continue
        if chain[0] in funcs:
            funcs[chain[0]][0] += cost
        outer = funcs[chain[inside[-1]]][3]
        # Cost below a dissector call that the plugin made (e.g. handing a
        # tcp 443 stream to TLS, or a payload to XML) is kept apart.
        handed = any(name.startswith(HANDOFF) for name in chain[:inside[0]])
        for name in set(chain[i] for i in inside):
            funcs[name][1] += cost
            if not handed:
                funcs[name][2] += cost
        if handed:
            handoff[outer] = handoff.get(outer, 0) + cost
        else:
            per_file[outer] = per_file.get(outer, 0) + cost
        # What the innermost plugin function spends its cost on.
        i = inside[0]
        key = "%s -> %s" % (chain[i], chain[i - 1] if i else "(own code)")
        calls[key] = calls.get(key, 0) + cost
    return {"total": total, "own": per_file, "handoff": handoff, "truncated": truncated,
            "functions": funcs, "calls": calls}


# A chain that reaches one of these covers every frame where the plugin can be
# (it is called from TCP and UDP only).
ANCHORS = ("epan_dissect_run", "decode_tcp_ports", "decode_udp_ports")
HANDOFF = ("call_dissector", "dissector_try_", "call_heur_dissector", "call_data_dissector")


def callgrind(ts, pcap, args, out_name, keep_dir=None, plugin=True):
    """Profile packet dissection only (not start-up); parsed when keep_dir is given,
    else just the total instruction count."""
    out = os.path.join(ts.scratch, out_name)
    prog = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
            "--toggle-collect=epan_dissect_run*", "--callgrind-out-file=" + out, "tshark"]
    if keep_dir:
        prog.insert(2, "--separate-callers=40")
    argv, env = ts.argv_env(args, plugin=plugin, program=prog)
    p = subprocess.run(argv, env=env, cwd=ts.workdir, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise SystemExit("callgrind failed:\n%s" % p.stderr.decode(errors="replace")[-3000:])
    if not keep_dir:
        with open(out) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
        raise SystemExit("no totals in %s" % out)
    os.makedirs(keep_dir, exist_ok=True)
    shutil.copy(out, keep_dir)
    return parse_callgrind(out)


# The callgrind profiles: IM without and with trees, IM with the QQ key log
# (no tree), background.
PROFILES = ("im-notree", "im-trees", "im-keyed", "im-password", "background")


def dissector_of(filename):
    base = os.path.basename(filename)
    m = re.match(r"packet-(\w+)\.c$", base)
    return m.group(1) if m else base


def profiles(ts, build_dir, scale, our_filter):
    """Callgrind on small captures: IM without and with trees, background."""
    im, im_frames, _ = capture(build_dir, "im", scale)
    bg, bg_frames, _ = capture(build_dir, "background", scale)
    ts.path(keylog_of(im))
    im, bg = ts.path(im), ts.path(bg)
    counts = {"msnp": ts.count(im, "msnp"), "qq": ts.count(im, "qq")}
    result = {}
    for key, pcap, frames, mode, ours in (("im-notree", im, im_frames, "notree", "plugin"),
                                          ("im-trees", im, im_frames, "filter", "plugin"),
                                          ("im-keyed", im, im_frames, "notree", "keyed"),
                                          ("im-password", im, im_frames, "notree", "password"),
                                          ("background", bg, bg_frames, "notree", "plugin")):
        log("callgrind: %s (%d frames)" % (key, frames))
        prof = callgrind(ts, pcap, tshark_args(mode, ours, pcap, our_filter),
                         "callgrind.%s.out" % key, os.path.join(build_dir, "profiles"))
        for part in ("own", "handoff"):
            by_dissector = {}
            for fname, ir in prof[part].items():
                d = dissector_of(fname)
                by_dissector[d] = by_dissector.get(d, 0) + ir
            prof[part] = by_dissector
        prof.update(frames=frames, mode=mode, baseline={})
        # The same run's instruction count without our dissection: noise-free
        # companions of the CPU-time ratios.
        for variant in ("disabled", "builtin") if key.startswith("im") else ("disabled",):
            prof["baseline"][variant] = callgrind(
                ts, pcap, tshark_args(mode, variant, pcap, our_filter),
                "callgrind.%s.%s.out" % (key, variant), plugin=(variant != "builtin"))
        result[key] = prof
    result["packets"] = counts
    return result


def profile_excerpt(prof, top=10):
    """Top plugin functions by inclusive cost without hand-offs, per frame."""
    n = prof["frames"]
    lines = ["  %12s %12s %12s  %s" % ("own incl/fr", "with h-o/fr", "self/fr",
                                        "plugin function (file)")]
    funcs = sorted(prof["functions"].items(), key=lambda kv: (-kv[1][2], kv[0]))[:top]
    for name, (self_ir, incl, own, fl) in funcs:
        lines.append("  %12.1f %12.1f %12.1f  %s (%s)" % (own / n, incl / n, self_ir / n, name, fl))
    lines.append("  %12s  %s" % ("Ir/frame", "plugin function -> what its cost goes to"))
    for key, ir in sorted(prof["calls"].items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        lines.append("  %12.1f  %s" % (ir / n, key))
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Report


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    version = wsversion.version_line().rstrip(".")
    # tests/wsroot.sh names the Debian root it runs in (bench/run --root).
    where = "Debian %s root" % os.environ["WSROOT"] if os.environ.get("WSROOT") else "the machine"
    return {"nproc": os.cpu_count(), "cpu": model, "tshark": version,
            "wireshark": wsversion.major_minor(), "where": where}


def report(res, frames, rows, prof, info, args):
    out = []
    out.append("Machine: %d CPUs, %s; %s (%s)" % (info["nproc"], info["cpu"], info["tshark"],
                                                 info["where"]))
    out.append("Captures: IM %d frames, background %d frames%s; %d run(s) each, medians"
               % (frames["im"], frames["background"],
                  ", IM 4x %d frames" % frames["im4"] if "im4" in frames else "", args.runs))
    out.append("Display filter: %s (built-ins: %s)" % (info["filter"], BUILTIN_FILTER))
    out.append("")
    out.append("%-11s %-8s %-9s %9s %9s %9s %9s %10s" % (
        "capture", "mode", "variant", "cpu s", "min", "max", "RSS MiB", "us/packet"))
    for c in sorted(res, key=lambda c: (c[0], list(MODES).index(c[1]), list(VARIANTS).index(c[2]))):
        r = res[c]
        pp = ""
        if c[0] != "empty" and ("empty", c[1], c[2]) in res:
            pp = "%.2f" % (per_packet(res, frames, *c) * 1e6)
        out.append("%-11s %-8s %-9s %9.3f %9.3f %9.3f %9.1f %10s" % (
            c[0], c[1], c[2], r["cpu"], r["cpu_min"], r["cpu_max"], r["rss_kib"] / 1024, pp))
    out.append("")
    out.append("%-52s %7s %13s  %s" % ("target", "ratio", "limit", "result"))
    for name, value, low, high, _ in rows:
        limit = ("%.2f..%.2f" % (low, high)) if low is not None else ("<= %.2f" % high)
        out.append("%-52s %7.3f %13s  %s" % (name, value, limit, verdict(value, low, high)))
    # Context that is not a target.
    out.append("")
    for mode in MODES:
        a, b = ("im", mode, "plugin"), ("im", mode, "disabled")
        if a in res and ("empty", mode, "plugin") in res:
            net = per_packet(res, frames, *a) / per_packet(res, frames, *b)
            out.append("info: IM %s without start-up: plugin / disabled %.3f" % (MODES[mode], net))
    if ("im4", "notree", "disabled") in res:
        g = per_packet(res, frames, "im4", "notree", "disabled") / \
            per_packet(res, frames, "im", "notree", "disabled")
        out.append("info: tshark itself (disabled), time/packet 4x / 1x: %.3f" % g)
    for kind in ("im", "im4"):
        a, b = res.get((kind, "notree", "plugin")), res.get((kind, "notree", "disabled"))
        if a and b:
            out.append("info: %s no tree: the plugin adds %+.0f bytes of peak RSS per frame" % (
                kind, (a["rss_kib"] - b["rss_kib"]) * 1024 / frames[kind]))
    for k, v in info.get("counts", {}).items():
        out.append("info: %s: %d frames" % (k, v))
    if prof:
        out.append("")
        out.append("Instructions inside the plugin (callgrind, capture scale %g):" % args.profile_scale)
        out.append("  (own: the plugin's code and the library calls it makes; hand-off: dissectors"
                   " it calls, e.g. TLS on tcp 443 or XML payloads)")
        for key in PROFILES:
            p = prof[key]
            own, handoff = sum(p["own"].values()), sum(p["handoff"].values())
            out.append("  %-11s %d frames: tshark %.0f Ir/frame; plugin own %.0f Ir/frame (%.1f%%),"
                       " hand-off %.0f Ir/frame; unattributed deep stacks %.2f%%" % (
                           key, p["frames"], p["total"] / p["frames"], own / p["frames"],
                           100.0 * own / p["total"] if p["total"] else 0,
                           handoff / p["frames"],
                           100.0 * p["truncated"] / p["total"] if p["total"] else 0))
            for variant, ir in sorted(p["baseline"].items()):
                out.append("      instructions plugin / %s: %.3f (%.0f vs %.0f Ir/frame)" % (
                    variant, p["total"] / ir, p["total"] / p["frames"], ir / p["frames"]))
            for d in sorted(set(p["own"]) | set(p["handoff"])):
                ir, ho = p["own"].get(d, 0), p["handoff"].get(d, 0)
                n = prof["packets"].get(d) if key != "background" else None
                extra = "; %.0f own Ir per %s frame (%d frames)" % (ir / n, d, n) if n else ""
                out.append("      %-6s own %11d Ir (%.0f Ir/frame), hand-off %11d Ir%s" % (
                    d, ir, ir / p["frames"], ho, extra))
    failed = [r for r in rows if verdict(r[1], r[2], r[3]) == "FAIL"]
    out.append("")
    if not rows:
        out.append("No timing measured (--profile-only).")
        if prof:
            for key in PROFILES:
                out.append("  profile (%s):" % key)
                out.append(profile_excerpt(prof[key]))
    elif not failed:
        out.append("All %d targets met." % len(rows))
    else:
        out.append("Targets not met: %d of %d" % (len(failed), len(rows)))
        groups = {}
        for r in failed:
            groups.setdefault(r[4], []).append(r[0])
        explain = {"im-notree": "im-notree", "im-trees": "im-trees", "im-keyed": "im-keyed",
                   "im-password": "im-password",
                   "background": "background",
                   "linear": "im-notree", "memory": None}
        for g, names in groups.items():
            for n in names:
                out.append("  NOT MET: %s" % n)
            key = explain[g]
            if key and prof:
                out.append("  profile (%s, %d frames; plugin functions by Ir per frame, inclusive of"
                           " library calls, without and with hand-offs to other dissectors):"
                           % (key, prof[key]["frames"]))
                out.append(profile_excerpt(prof[key]))
            elif g == "memory":
                out.append("  peak RSS the plugin adds per IM frame (state kept for the whole file):")
                for kind in ("im", "im4"):
                    a, b = res.get((kind, "notree", "plugin")), res.get((kind, "notree", "disabled"))
                    if a and b:
                        out.append("    %-3s no tree: %+.0f bytes/frame (%.0f vs %.0f MiB, %d frames)"
                                   % (kind, (a["rss_kib"] - b["rss_kib"]) * 1024 / frames[kind],
                                      a["rss_kib"] / 1024, b["rss_kib"] / 1024, frames[kind]))
            elif not prof:
                out.append("  (run without --no-callgrind for the profile)")
    return "\n".join(out)


def markdown(res, frames, rows, prof, info, args):
    """The figures for doc/benchmarks.md."""
    root = " --root %s" % os.environ["WSROOT"] if os.environ.get("WSROOT") else ""
    md = ["Measured %s on %d CPUs (%s), %s in %s; `bench/run%s --scale %g --runs %d`: IM "
          "capture %d frames, background %d frames%s; medians of %d interleaved runs." % (
              time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), info["nproc"], info["cpu"],
              info["tshark"], info["where"], root, args.scale, args.runs, frames["im"],
              frames["background"],
              ", IM 4x %d frames" % frames["im4"] if "im4" in frames else "", args.runs), "",
          "| target | ratio | limit | result |", "| --- | ---: | ---: | --- |"]
    for name, value, low, high, _ in rows:
        limit = ("%.2f–%.2f" % (low, high)) if low is not None else ("≤ %.2f" % high)
        md.append("| %s | %.3f | %s | %s |" % (name, value, limit, verdict(value, low, high)))
    md += ["", "| capture | mode | plugin | plugin, QQ keys | disabled | built-ins |",
           "| --- | --- | ---: | ---: | ---: | ---: |"]
    for kind in ("im", "background", "im4"):
        for mode in MODES:
            cells = []
            for variant in VARIANTS:
                r = res.get((kind, mode, variant))
                cells.append("%.2f s, %.0f MiB" % (r["cpu"], r["rss_kib"] / 1024) if r else "")
            if any(cells):
                md.append("| %s | %s | %s |" % (kind, MODES[mode], " | ".join(cells)))
    if prof:
        md += ["", "Instructions per frame (callgrind, scale %g, packet dissection only):" %
               args.profile_scale, ""]
        for key in PROFILES:
            p = prof[key]
            own = {d: ir / p["frames"] for d, ir in sorted(p["own"].items())}
            base = ", ".join("plugin / %s %.3f" % (v, p["total"] / ir)
                             for v, ir in sorted(p["baseline"].items()))
            md.append("- %s: tshark %.0f Ir/frame, inside the plugin %s (hand-offs to other "
                      "dissectors %.0f); %s" % (
                          key, p["total"] / p["frames"],
                          ", ".join("%s %.0f" % kv for kv in own.items()) or "0",
                          sum(p["handoff"].values()) / p["frames"], base))
    return "\n".join(md) + "\n"


# ---------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0],
                                 epilog="bench/run --root SUITE (first) runs it in a Debian root "
                                        "made by tests/wsroot.sh (trixie = 4.4, sid = 4.6).")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="capture size: 1 = over 200,000 IM and 200,000 background frames")
    ap.add_argument("--runs", type=int, default=5, help="rounds of interleaved runs (medians)")
    ap.add_argument("--profile-scale", type=float, default=0.02,
                    help="capture size for the callgrind profiles")
    ap.add_argument("--no-linear", action="store_true", help="skip the 4x capture")
    ap.add_argument("--no-callgrind", action="store_true", help="skip the callgrind profiles")
    ap.add_argument("--profile-only", action="store_true",
                    help="only the callgrind profiles (with every excerpt), no timing")
    # One build folder per Wireshark: build-bench on the machine,
    # build-bench-trixie in the trixie root (bench/run --root trixie).
    default_build = "build-bench" + ("-" + os.environ["WSROOT"] if os.environ.get("WSROOT") else "")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, default_build))
    ap.add_argument("--json", help="also write the results here (default build-dir/results.json)")
    args = ap.parse_args(argv)

    build_dir = os.path.abspath(args.build_dir)
    os.makedirs(build_dir, exist_ok=True)
    plugin_so = build_plugin(build_dir)
    info = machine()
    linear = not (args.no_linear or args.profile_only)

    pcaps, frames = {}, {}
    for key, kind, scale in (("im", "im", args.scale), ("background", "background", args.scale),
                             ("empty", "empty", 0)) + ((("im4", "im", 4 * args.scale),)
                                                       if linear else ()):
        pcaps[key], frames[key], _ = capture(build_dir, kind, scale)

    ts = Tshark(plugin_so)
    try:
        with_p, without_p = ts.protocols(True), ts.protocols(False)
        missing = set(OURS) - with_p
        if missing:
            raise SystemExit("plugin did not load: tshark -G protocols lacks %s"
                             % ", ".join(sorted(missing)))
        if set(OURS) & without_p:
            raise SystemExit("the runs without the plugin still list msnp/qq")
        fields = ts.fields()
        wanted = [f for f in ("msnp.cmd", "qq.cmd") if f in fields]
        our_filter = " || ".join(wanted) if wanted else "msnp || qq"
        if len(wanted) < 2:
            log("warning: fields msnp.cmd/qq.cmd not all registered; filter is %r" % our_filter)
        info["filter"] = our_filter
        for key in list(pcaps):
            if key in ("im", "im4"):
                ts.path(keylog_of(pcaps[key]))
            pcaps[key] = ts.path(pcaps[key])

        im, bg = pcaps["im"], pcaps["background"]
        counts = {
            "IM frames dissected as msnp || qq (plugin)": ts.count(im, "msnp || qq"),
            "IM frames dissected as msnp || qq (disabled)": ts.count(im, "msnp || qq",
                                                                    extra=DISABLE),
            "IM frames dissected as msnms || oicq (built-ins)": ts.count(im, "msnms || oicq",
                                                                        plugin=False),
            "background frames claimed by msnp || qq (should be 0)": ts.count(bg, "msnp || qq"),
        }
        if counts["IM frames dissected as msnp || qq (disabled)"]:
            raise SystemExit("--disable-protocol did not disable msnp/qq")
        info["counts"] = counts

        res, rows = {}, []
        if not args.profile_only:
            configs = matrix(linear)
            log("measuring %d configurations x %d rounds" % (len(configs), args.runs))
            res = summarise(run_rounds(ts, configs, pcaps, args.runs, our_filter))
            rows = targets(res, frames, linear)
        prof = None if args.no_callgrind else profiles(ts, build_dir, args.profile_scale,
                                                       our_filter)
    finally:
        ts.close()

    text = report(res, frames, rows, prof, info, args)
    print(text)
    md = markdown(res, frames, rows, prof, info, args)
    with open(os.path.join(build_dir, "results.md"), "w") as f:
        f.write(md)
    data = {
        "machine": info, "frames": frames, "args": vars(args),
        "results": [{"capture": c[0], "mode": c[1], "variant": c[2], **r} for c, r in res.items()],
        "targets": [{"name": n, "value": v, "low": lo, "high": hi, "result": verdict(v, lo, hi)}
                    for n, v, lo, hi, _ in rows],
        "profile": prof,
    }
    with open(args.json or os.path.join(build_dir, "results.json"), "w") as f:
        json.dump(data, f, indent=1, default=str)
    with open(os.path.join(build_dir, "results.txt"), "w") as f:
        f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
