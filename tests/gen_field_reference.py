#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write doc/fields.md, the field reference, from the built plugin.

    /usr/bin/python3 tests/gen_field_reference.py            # rewrite doc/fields.md
    /usr/bin/python3 tests/gen_field_reference.py --check    # exit 1 when it is stale

Everything comes from the system's tshark with only the built module loaded
(the same hermetic runner as the test suite, tests/conftest.py: as root it
runs tshark as nobody with WIRESHARK_PLUGIN_DIR holding just the module):

  tshark -G fields            filter names, types, bases, bitmasks, blurbs
  tshark -G values            value strings, ranges and true/false strings
  tshark -G defaultprefs      preferences (description, kind, default)
  tshark -G decodes           port tables our dissectors sit in
  tshark -G heuristic-decodes heuristics
  tshark -G dissector-tables  tables our protocols register
  tshark -z help              statistics

Wireshark 4.0 has no `-G expert`; an expert info is registered as an FT_NONE
field named after its summary, so the reference takes the filter name and the
summary from `-G fields`, and group and severity from the ei_register_info
arrays in packet-*.c (each one is checked against `-G fields`).

PLUGIN_SO selects the module as for the tests (default build/msnp_qq.so).
Debian's /usr/bin/python3 is needed (tests/conftest.py imports pytest).
"""

import argparse
import glob
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from conftest import PLUGIN_SO, ROOT, Tshark  # noqa: E402

DOC = os.path.join(ROOT, "doc", "fields.md")
GENERATOR = "tests/gen_field_reference.py"
PROTOCOLS = ("msnp", "qq")

BASES = {
    "BASE_NONE": "",
    "BASE_DEC": "decimal",
    "BASE_HEX": "hexadecimal",
    "BASE_OCT": "octal",
    "BASE_DEC_HEX": "decimal (hexadecimal)",
    "BASE_HEX_DEC": "hexadecimal (decimal)",
    "BASE_CUSTOM": "custom",
    "BASE_PT_UDP": "UDP port",
    "BASE_PT_TCP": "TCP port",
    "BASE_OUI": "OUI",
}


class GenerationError(Exception):
    pass


def md(text):
    """Text safe inside a Markdown table cell."""
    text = (text or "").replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.split())


def code(text):
    return "`%s`" % text if text else ""


def owned(abbrev):
    return any(abbrev == p or abbrev.startswith(p + ".") for p in PROTOCOLS)


# -- what tshark says -------------------------------------------------------------

def glossary(ws):
    """Protocols and fields registered by our plugin, from -G fields."""
    protocols, fields = {}, []
    for line in ws.out(["-G", "fields"]).splitlines():
        cols = line.split("\t")
        if cols[0] == "P" and len(cols) >= 3 and cols[2] in PROTOCOLS:
            protocols[cols[2]] = cols[1]
        elif cols[0] == "F" and len(cols) >= 8 and cols[4] in PROTOCOLS:
            fields.append({"name": cols[1], "abbrev": cols[2], "type": cols[3],
                           "parent": cols[4], "base": cols[5], "mask": cols[6],
                           "blurb": "\t".join(cols[7:])})
    missing = [p for p in PROTOCOLS if p not in protocols]
    if missing:
        raise GenerationError("tshark -G fields lacks %s: did the plugin load?" % ", ".join(missing))
    return protocols, fields


def ftype_names(ws):
    names = {}
    for line in ws.out(["-G", "ftypes"]).splitlines():
        cols = line.split("\t")
        if len(cols) == 2:
            names[cols[0]] = cols[1]
    return names


def value_strings(ws):
    """{field: [(value, meaning)]} for our fields, from -G values."""
    values = {}
    for line in ws.out(["-G", "values"]).splitlines():
        cols = line.split("\t")
        if len(cols) < 3 or not owned(cols[1]):
            continue
        kind, field = cols[0], cols[1]
        if kind == "V" and len(cols) >= 4:
            entry = (cols[2], cols[3])
        elif kind == "R" and len(cols) >= 5:
            entry = (cols[2] if cols[2] == cols[3] else "%s–%s" % (cols[2], cols[3]), cols[4])
        elif kind == "T" and len(cols) >= 4:
            values.setdefault(field, []).extend([("True", cols[2]), ("False", cols[3])])
            continue
        else:
            continue
        values.setdefault(field, []).append(entry)
    return values


def preferences(ws):
    """Our preferences from -G defaultprefs: (name, default, kind, description)."""
    prefs, comments = [], []
    for line in ws.out(["-G", "defaultprefs"]).splitlines():
        if not line.strip():
            comments = []
            continue
        m = re.match(r"^#?([a-z0-9_]+\.[A-Za-z0-9_.\-]+):\s?(.*)$", line)
        if m and " " not in m.group(1):
            name, default = m.group(1), m.group(2)
            if owned(name):
                kind = comments[-1] if len(comments) > 1 else ""
                text = " ".join(comments[:-1] if len(comments) > 1 else comments)
                prefs.append((name, default, kind, text))
            comments = []
        elif line.startswith("#"):
            comments.append(line[1:].strip())
    return prefs


def port_tables(ws):
    """(table, value) pairs whose default dissector is one of ours."""
    rows = []
    for line in ws.out(["-G", "decodes"]).splitlines():
        cols = line.split("\t")
        if len(cols) == 3 and cols[2] in PROTOCOLS:
            rows.append((cols[2], cols[0], cols[1]))
    return sorted(set(rows), key=lambda r: (r[0], r[1], int(r[2]) if r[2].isdigit() else 0, r[2]))


def heuristics(ws, protocols):
    """(protocol, table, heuristic name, enabled) for heuristics named after ours."""
    rows = []
    for line in ws.out(["-G", "heuristic-decodes"]).splitlines():
        cols = line.split("\t")
        if len(cols) != 3:
            continue
        for p in protocols:
            if cols[1] == p or cols[1].startswith(p + "_"):
                rows.append((p, cols[0], cols[1], cols[2] == "T"))
    return sorted(rows)


def dissector_tables(ws):
    rows = []
    for line in ws.out(["-G", "dissector-tables"]).splitlines():
        cols = line.split("\t")
        if len(cols) >= 5 and owned(cols[0]):
            rows.append(cols)
    return sorted(rows)


def statistics(ws):
    p = ws.run(["-z", "help"], check=False)
    text = (p.stdout + p.stderr).decode("utf-8", "replace")
    stats = set()
    for line in text.splitlines():
        name = line.strip()
        if re.match(r"^[a-z0-9_]+(,[a-z0-9_]+)*$", name) and name.split(",")[0] in PROTOCOLS:
            stats.add(name)
    return sorted(stats)


# -- what the sources say (expert infos) --------------------------------------------

EI_START = re.compile(r'\{\s*&\s*\w+\s*,\s*\{\s*"([a-z0-9_.]+)"\s*,\s*(PI_\w+)\s*,\s*(PI_\w+)\s*,')
STRING = re.compile(r'\s*"((?:[^"\\]|\\.)*)"')


def expert_infos(sources):
    """{abbrev: (group, severity, summary)} from ei_register_info arrays."""
    found = {}
    for path in sources:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in EI_START.finditer(text):
            pos, parts = m.end(), []
            while True:
                s = STRING.match(text, pos)
                if not s:
                    break
                parts.append(s.group(1).encode().decode("unicode_escape"))
                pos = s.end()
            found[m.group(1)] = (m.group(2), m.group(3), "".join(parts))
    return found


# -- the document -------------------------------------------------------------------

def type_cell(field, ftypes):
    t = field["type"]
    return "%s (`%s`)" % (ftypes.get(t, t), t)


def base_cell(field):
    base, mask = field["base"], field["mask"]
    if field["type"] == "FT_BOOLEAN":
        text = "%s-bit field" % base if base not in ("", "0", "BASE_NONE") else ""
    else:
        text = BASES.get(base, base)
    if mask and mask not in ("0x0", "0x00000000", "0"):
        text = (text + ", " if text else "") + "mask %s" % mask
    return text


def render(ws, sources):
    protocols, fields = glossary(ws)
    ftypes = ftype_names(ws)
    values = value_strings(ws)
    prefs = preferences(ws)
    ports = port_tables(ws)
    heurs = heuristics(ws, protocols)
    tables = dissector_tables(ws)
    stats = statistics(ws)
    eis = expert_infos(sources)

    by_abbrev = {f["abbrev"]: f for f in fields}
    for abbrev, (_, _, summary) in sorted(eis.items()):
        f = by_abbrev.get(abbrev)
        if f is None:
            raise GenerationError("expert info %s is in the sources but not in tshark -G fields: "
                                  "rebuild the plugin" % abbrev)
        if f["type"] != "FT_NONE" or f["name"] != summary:
            raise GenerationError("expert info %s: sources say %r, tshark says %r (%s)"
                                  % (abbrev, summary, f["name"], f["type"]))

    out = []
    w = out.append
    w("# Field reference: MSNP and QQ")
    w("")
    w("<!-- Generated by %s from the built plugin; do not edit by hand. -->" % GENERATOR)
    w("")
    w("Every display-filter field, expert info, preference, port, heuristic and statistic that "
      "the plugin registers in Wireshark 4.0, as `tshark -G fields`, `-G values`, "
      "`-G defaultprefs`, `-G decodes`, `-G heuristic-decodes` and `-z help` report them. "
      "Regenerate after changing a dissector with `/usr/bin/python3 %s`; "
      "`tests/test_fieldref.py` fails while this file and the plugin disagree." % GENERATOR)
    w("")
    w("Use a filter name in a display filter (`-Y` / the filter bar), as a column "
      "(`-T fields -e NAME`, *Apply as Column*) or in `-T ek` / `-T json` output "
      "(`-T ek` keys are `PROTOCOL_FIELD` with dots made underscores, "
      "e.g. `msnp_msnp_cmd`).")
    w("")
    for p in PROTOCOLS:
        own = [f for f in fields if f["parent"] == p]
        n_ei = sum(1 for f in own if f["abbrev"] in eis)
        n_pref = sum(1 for pr in prefs if pr[0].startswith(p + "."))
        w("- [%s](#%s) (`%s`): %d fields, %d expert infos, %d preferences"
          % (protocols[p], anchor(protocols[p]), p, len(own) - n_ei, n_ei, n_pref))
    w("")

    for p in PROTOCOLS:
        own = sorted((f for f in fields if f["parent"] == p), key=lambda f: f["abbrev"])
        plain = [f for f in own if f["abbrev"] not in eis]
        experts = [f for f in own if f["abbrev"] in eis]
        w("## %s" % protocols[p])
        w("")
        w("Protocol filter name: `%s`." % p)
        w("")

        w("### Fields (%s)" % p)
        w("")
        if plain:
            w("| Filter | Name | Type | Base / display | Description |")
            w("|---|---|---|---|---|")
            for f in plain:
                w("| `%s` | %s | %s | %s | %s |" % (f["abbrev"], md(f["name"]), type_cell(f, ftypes),
                                                md(base_cell(f)), md(f["blurb"])))
        else:
            w("None registered.")
        w("")

        valued = [f for f in plain if f["abbrev"] in values]
        if valued:
            w("### Values (%s)" % p)
            w("")
            w("Fields whose numbers or flags have names (value strings).")
            w("")
            for f in valued:
                vals = values[f["abbrev"]]
                w("<details><summary><code>%s</code> (%d values)</summary>" % (f["abbrev"], len(vals)))
                w("")
                w("| Value | Meaning |")
                w("|---|---|")
                for v, meaning in vals:
                    w("| %s | %s |" % (md(v), md(meaning)))
                w("")
                w("</details>")
                w("")

        w("### Expert infos (%s)" % p)
        w("")
        if experts:
            w("Filter on one with its name, on all with `_ws.expert`, or list them with "
              "`tshark -z expert`.")
            w("")
            w("| Filter | Group | Severity | Summary |")
            w("|---|---|---|---|")
            for f in experts:
                group, severity, _ = eis[f["abbrev"]]
                w("| `%s` | %s | %s | %s |" % (f["abbrev"], pi_name(group), pi_name(severity),
                                              md(f["name"])))
        else:
            w("None registered.")
        w("")

        own_prefs = [pr for pr in prefs if pr[0].startswith(p + ".")]
        w("### Preferences (%s)" % p)
        w("")
        if own_prefs:
            w("In the GUI: *Edit › Preferences › Protocols › %s*; on the command line: "
              "`-o NAME:VALUE`." % p.upper())
            w("")
            w("| Preference | Default | Kind | Description |")
            w("|---|---|---|---|")
            for name, default, kind, text in own_prefs:
                w("| `%s` | %s | %s | %s |" % (name, code(md(default)), md(kind), md(text)))
        else:
            w("None registered.")
        w("")

        w("### Where it attaches (%s)" % p)
        w("")
        rows = [r for r in ports if r[0] == p]
        hrows = [r for r in heurs if r[0] == p]
        if rows or hrows:
            w("| Table | Value / heuristic | Default |")
            w("|---|---|---|")
            for _, table, value in rows:
                w("| `%s` | %s | on (Decode As can move it) |" % (table, value))
            for _, table, name, enabled in hrows:
                w("| `%s` heuristics | `%s` | %s |" % (table, name, "on" if enabled else "off"))
        else:
            w("No port table or heuristic.")
        w("")
        own_tables = [t for t in tables if t[0] == p or t[0].startswith(p + ".")]
        if own_tables:
            w("Dissector tables it offers to others:")
            w("")
            for t in own_tables:
                w("- `%s`: %s (%s)" % (t[0], md(t[1]), t[2]))
            w("")

        own_stats = [s for s in stats if s.split(",")[0] == p]
        w("### Statistics (%s)" % p)
        w("")
        if own_stats:
            for s in own_stats:
                w("- `tshark -z %s`" % s)
        else:
            w("None registered.")
        w("")
    return "\n".join(out).rstrip("\n") + "\n"


def anchor(title):
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


def pi_name(pi):
    return pi[3:].replace("_", " ").lower() if pi.startswith("PI_") else pi


def dissector_sources(source_dir=ROOT):
    return sorted(glob.glob(os.path.join(source_dir, "packet-*.c")))


def generate(plugin_so=PLUGIN_SO, source_dir=ROOT):
    workdir = tempfile.mkdtemp(prefix="msnp-qq-fieldref-")
    try:
        return render(Tshark(workdir, plugin_so), dissector_sources(source_dir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only report whether the file is current")
    ap.add_argument("--output", default=DOC, help="where to write (default doc/fields.md)")
    ap.add_argument("--plugin", default=PLUGIN_SO, help="built module (default build/msnp_qq.so)")
    ap.add_argument("--source-dir", default=ROOT,
                    help="folder of the packet-*.c the module was built from (default: this checkout)")
    args = ap.parse_args(argv[1:])
    if not os.path.exists(args.plugin):
        print("plugin %s is missing: build it first" % args.plugin, file=sys.stderr)
        return 2
    try:
        text = generate(args.plugin, args.source_dir)
    except GenerationError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    old = open(args.output, encoding="utf-8").read() if os.path.exists(args.output) else None
    if args.check:
        if old != text:
            print("%s is out of date: run %s" % (args.output, GENERATOR), file=sys.stderr)
            return 1
        return 0
    if old != text:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
