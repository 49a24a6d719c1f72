#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write doc/fields.md (field reference) and doc/elastic-template.json from the built plugin.

    /usr/bin/python3 tests/gen_field_reference.py            # rewrite both
    /usr/bin/python3 tests/gen_field_reference.py --check    # exit 1 when one is stale

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
  (doc/elastic-template.json is made from -G fields alone, see elastic_template)

Wireshark 4.0 has no `-G expert`; an expert info is registered as an FT_NONE
field named after its summary, so the reference takes the filter name and the
summary from `-G fields`, and group and severity from the ei_register_info
arrays in packet-*.c (each one is checked against `-G fields`).

PLUGIN_SO selects the module as for the tests (default build/msnp_qq.so).
Debian's /usr/bin/python3 is needed (tests/conftest.py imports pytest).
"""

import argparse
import glob
import json
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import wsversion  # noqa: E402
from conftest import PLUGIN_SO, ROOT, Tshark  # noqa: E402

DOC = os.path.join(ROOT, "doc", "fields.md")
TEMPLATE = os.path.join(ROOT, "doc", "elastic-template.json")
GENERATOR = "tests/gen_field_reference.py"
PROTOCOLS = ("msnp", "qq", "qqsso", "qqhighway")

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
    """A filter/preference name of one of our protocols (or their helpers)."""
    return section_of(abbrev.split(".")[0]) is not None


# -- what tshark says -------------------------------------------------------------

def plugin_protocols(ws):
    """Filter names of every protocol the plugin registers (with it minus without it)."""
    def names(plugin):
        found = set()
        for line in ws.out(["-G", "protocols"], plugin=plugin).splitlines():
            cols = line.split("\t")
            if len(cols) >= 3:
                found.add(cols[2])
        return found
    return names(True) - names(False)


def section_of(proto):
    """The main protocol a (helper) protocol of the plugin is documented under."""
    for p in PROTOCOLS:
        if proto == p or proto.startswith(p + "_") or proto.startswith(p + "."):
            return p
    return None


def glossary(ws, ours):
    """Names of our protocols and their fields, from -G fields."""
    protocols, fields = {}, []
    for line in ws.out(["-G", "fields"]).splitlines():
        cols = line.split("\t")
        if cols[0] == "P" and len(cols) >= 3 and cols[2] in ours:
            protocols[cols[2]] = cols[1]
        elif cols[0] == "F" and len(cols) >= 8 and cols[4] in ours:
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
            # The same words on every Wireshark version.
            names[cols[0]] = wsversion.ftype_description(cols[1])
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
                kind = wsversion.pref_kind_description(comments[-1]) if len(comments) > 1 else ""
                text = " ".join(comments[:-1] if len(comments) > 1 else comments)
                prefs.append((name, default, kind, text))
            comments = []
        elif line.startswith("#"):
            comments.append(line[1:].strip())
    return prefs


def port_tables(ws, ours):
    """(protocol, table, value) for table entries whose dissector is one of ours."""
    rows = []
    for line in ws.out(["-G", "decodes"]).splitlines():
        cols = line.split("\t")
        # Port (integer) tables only: 4.0 lists no string tables such as
        # media_type (wsversion.decodes_port_entries_only), and the
        # reference is the same whichever version made it.
        if len(cols) == 3 and cols[2] in ours and cols[1].isdigit():
            rows.append((cols[2], cols[0], cols[1]))
    return sorted(set(rows), key=lambda r: (r[1], int(r[2]) if r[2].isdigit() else 0, r[2], r[0]))


def heuristics(ws, ours):
    """(protocol, table, enabled) for our heuristics (4.0 names them by protocol)."""
    rows = [(proto, table, enabled) for table, proto, enabled in
            wsversion.heuristic_decodes(ws.out(["-G", "heuristic-decodes"])) if proto in ours]
    return sorted(set(rows))


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


def classify_experts(fields, eis):
    """Split -G fields into plain fields and expert infos.

    Returns (plain fields, {abbrev: note}) where note says when an expert info
    shares its filter name with a field (tshark then lists only the field)."""
    experts, notes = set(), {}
    by_abbrev = {}
    for f in fields:
        by_abbrev.setdefault(f["abbrev"], []).append(f)
    for abbrev, (_, _, summary) in sorted(eis.items()):
        entries = by_abbrev.get(abbrev)
        if not entries:
            raise GenerationError("expert info %s is in the sources but not in tshark -G fields: "
                                  "rebuild the plugin" % abbrev)
        if any(f["type"] == "FT_NONE" and f["name"] == summary for f in entries):
            experts.add(abbrev)
        elif any(f["type"] == "FT_NONE" for f in entries):
            raise GenerationError("expert info %s: the sources say %r, tshark says %r: rebuild the "
                                  "plugin" % (abbrev, summary, entries[0]["name"]))
        else:
            notes[abbrev] = "also the name of a `%s` field" % entries[0]["type"]
    plain = [f for f in fields if f["abbrev"] not in experts or f["type"] != "FT_NONE"]
    return plain, experts | set(notes), notes


def render(ws, sources):
    ours = plugin_protocols(ws)
    protocols, fields = glossary(ws, ours)
    ftypes = ftype_names(ws)
    values = value_strings(ws)
    prefs = preferences(ws)
    ports = port_tables(ws, ours)
    heurs = heuristics(ws, ours)
    tables = dissector_tables(ws)
    stats = statistics(ws)
    eis = expert_infos(sources)
    plain, experts, notes = classify_experts(fields, eis)

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
        n_field = sum(1 for f in plain if section_of(f["parent"]) == p)
        n_ei = sum(1 for a in experts if section_of(a.split(".")[0]) == p)
        n_pref = sum(1 for pr in prefs if section_of(pr[0].split(".")[0]) == p)
        w("- [%s](#%s) (`%s`): %d fields, %d expert infos, %d preferences"
          % (protocols[p], anchor(protocols[p]), p, n_field, n_ei, n_pref))
    w("")

    for p in PROTOCOLS:
        own = sorted((f for f in plain if section_of(f["parent"]) == p),
                     key=lambda f: (f["abbrev"], f["type"]))
        w("## %s" % protocols[p])
        w("")
        w("Protocol filter name: `%s`." % p)
        helpers = sorted(h for h in ours if h != p and section_of(h) == p)
        for h in helpers:
            w("Helper protocol: `%s` (%s)." % (h, md(protocols.get(h, ""))))
        w("")

        w("### Fields (%s)" % p)
        w("")
        if own:
            w("| Filter | Name | Type | Base / display | Description |")
            w("|---|---|---|---|---|")
            for f in own:
                w("| `%s` | %s | %s | %s | %s |" % (f["abbrev"], md(f["name"]), type_cell(f, ftypes),
                                                md(base_cell(f)), md(f["blurb"])))
        else:
            w("None registered.")
        w("")

        valued = [f for f in own if f["abbrev"] in values]
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

        own_ei = sorted(a for a in experts if section_of(a.split(".")[0]) == p)
        w("### Expert infos (%s)" % p)
        w("")
        if own_ei:
            w("Filter on one with its name, on all with `_ws.expert`, or list them with "
              "`tshark -z expert`. Group and severity are read from the `ei_register_info` "
              "arrays of the sources (Wireshark 4.0 has no `tshark -G expert`).")
            w("")
            w("| Filter | Group | Severity | Summary |")
            w("|---|---|---|---|")
            for a in own_ei:
                group, severity, summary = eis[a]
                text = md(summary) + (" (%s)" % notes[a] if a in notes else "")
                w("| `%s` | %s | %s | %s |" % (a, pi_name(group), pi_name(severity), text))
        else:
            w("None registered.")
        w("")

        own_prefs = [pr for pr in prefs if section_of(pr[0].split(".")[0]) == p]
        w("### Preferences (%s)" % p)
        w("")
        if own_prefs:
            w("In the GUI: *Edit › Preferences › Protocols › %s*; on the command line: "
              "`-o NAME:VALUE`. The ports below are preferences too (*Decode As…*)." % p.upper())
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
        rows = [r for r in ports if section_of(r[0]) == p]
        hrows = [r for r in heurs if section_of(r[0]) == p]
        if rows or hrows:
            w("| Table | Value | Dissector | Default |")
            w("|---|---|---|---|")
            for proto, table, value in rows:
                w("| `%s` | %s | `%s` | on (*Decode As* can change it) |" % (table, value, proto))
            for proto, table, enabled in hrows:
                w("| `%s` heuristics | any | `%s` | %s |" % (table, proto, "on" if enabled else "off"))
        else:
            w("No port table or heuristic.")
        w("")
        own_tables = [t for t in tables if section_of(t[0].split(".")[0]) == p]
        if own_tables:
            w("Dissector tables it offers to others:")
            w("")
            for t in own_tables:
                w("- `%s`: %s (%s)" % (t[0], md(t[1]), t[2]))
            w("")

        own_stats = [s for s in stats if section_of(s.split(",")[0]) == p]
        w("### Statistics (%s)" % p)
        w("")
        if own_stats:
            for s in own_stats:
                w("- `tshark -z %s` (GUI: *Statistics* menu)" % s)
        else:
            w("None registered.")
        w("")
    return "\n".join(out).rstrip("\n") + "\n"


# -- the Elasticsearch index template ----------------------------------------------

INTEGER_TYPES = ("FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32", "FT_UINT40", "FT_UINT48",
                 "FT_UINT56", "FT_UINT64", "FT_INT8", "FT_INT16", "FT_INT24", "FT_INT32",
                 "FT_INT40", "FT_INT48", "FT_INT56", "FT_INT64", "FT_CHAR")
DECIMAL_BASES = ("BASE_DEC", "BASE_DEC_HEX", "BASE_PT_TCP", "BASE_PT_UDP", "BASE_NONE", "")


# What Elasticsearch type tshark's -G elastic-mapping gives each field type
# (4.0's choice; types not listed are left to Elasticsearch's dynamic
# mapping, like text fields).
ELASTIC_TYPES = {
    "FT_INT8": "short", "FT_UINT8": "short",
    "FT_INT16": "integer", "FT_UINT16": "integer", "FT_INT24": "integer", "FT_UINT24": "integer",
    "FT_INT32": "integer",
    "FT_UINT32": "long", "FT_UINT40": "long", "FT_UINT48": "long", "FT_UINT56": "long",
    "FT_UINT64": "long", "FT_INT48": "long", "FT_INT64": "long", "FT_FRAMENUM": "long",
    "FT_FLOAT": "float", "FT_DOUBLE": "float",
    "FT_IPv4": "ip", "FT_IPv6": "ip",
    "FT_ABSOLUTE_TIME": "date", "FT_RELATIVE_TIME": "date",
    "FT_BYTES": "byte", "FT_UINT_BYTES": "byte",
    "FT_BOOLEAN": "boolean",
}


def ek_key(field):
    """The key of a field in -T ek output: protocol, '_', filter name with '_' for '.'."""
    return "%s_%s" % (field["parent"], field["abbrev"].replace(".", "_"))


def corrected_type(field, es_type):
    """What Elasticsearch should map one of our fields to, given -T ek's text.

    tshark writes every integer of -T ek as a JSON string: in the field's
    display base up to 4.4 ("145", but "0x0091" for hexadecimal ones), in
    decimal from 4.6 on (wsversion.ek_integer); bytes as "0e:e0:..", relative
    times as seconds ("0.010000000").  Its -G elastic-mapping maps FT_BYTES
    to the integer type "byte" and relative times to "date", so documents
    loaded under that mapping are refused.  Hexadecimal integers become
    keywords, which hold either form."""
    t = field["type"]
    if t in INTEGER_TYPES and field["base"] not in DECIMAL_BASES:
        return {"type": "keyword"}
    if t == "FT_UINT64":
        return {"type": "unsigned_long"}
    if t in ("FT_BYTES", "FT_UINT_BYTES"):
        return {"type": "keyword", "ignore_above": 1024}
    if t == "FT_RELATIVE_TIME":
        return {"type": "double"}
    return {"type": es_type}


def elastic_template(ws, ours, fields):
    """An Elasticsearch (7.8+) index template for tshark -T ek output of our protocols.

    Made from -G fields alone (tshark's own -G elastic-mapping differs between
    versions and is wrong for our fields, see corrected_type), so it is the
    same whichever Wireshark version generates it."""
    layers = {}
    for f in fields:
        es_type = ELASTIC_TYPES.get(f["type"])
        if es_type is not None and f["parent"] in ours:
            props = layers.setdefault(f["parent"], {})
            props.setdefault(ek_key(f), corrected_type(f, es_type))
    mapping = {
        "settings": {"index.mapping.total_fields.limit": 1000000},
        "mappings": {
            # Other protocols' layers and our text fields are mapped by
            # Elasticsearch itself (strings become text with a keyword sub-field).
            "dynamic": True,
            "properties": {
                "timestamp": {"type": "date"},
                "layers": {"properties": {
                    proto: {"properties": dict(sorted(props.items()))}
                    for proto, props in sorted(layers.items())}},
            },
        },
    }
    template = {
        "index_patterns": ["packets-*"],
        "_meta": {"description": "tshark -T ek output of the msnp/qq plugin; generated by %s"
                                 % GENERATOR},
        "template": mapping,
    }
    return json.dumps(template, indent=2) + "\n"


def anchor(title):
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


def pi_name(pi):
    return pi[3:].replace("_", " ").lower() if pi.startswith("PI_") else pi


def dissector_sources(source_dir=ROOT):
    return sorted(glob.glob(os.path.join(source_dir, "packet-*.c")))


def generate(plugin_so=PLUGIN_SO, source_dir=ROOT):
    """{path: text} of every generated document."""
    workdir = tempfile.mkdtemp(prefix="msnp-qq-fieldref-")
    try:
        ws = Tshark(workdir, plugin_so)
        return {DOC: render(ws, dissector_sources(source_dir)),
                TEMPLATE: render_template(ws)}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def render_template(ws):
    ours = plugin_protocols(ws)
    _, fields = glossary(ws, ours)
    return elastic_template(ws, ours, fields)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only report whether the files are current")
    ap.add_argument("--output-dir", default=os.path.join(ROOT, "doc"),
                    help="where to write (default: doc/ of this checkout)")
    ap.add_argument("--plugin", default=PLUGIN_SO, help="built module (default build/msnp_qq.so)")
    ap.add_argument("--source-dir", default=ROOT,
                    help="folder of the packet-*.c the module was built from (default: this checkout)")
    args = ap.parse_args(argv[1:])
    if not os.path.exists(args.plugin):
        print("plugin %s is missing: build it first" % args.plugin, file=sys.stderr)
        return 2
    try:
        docs = generate(args.plugin, args.source_dir)
    except GenerationError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    stale = 0
    for path, text in sorted(docs.items()):
        path = os.path.join(args.output_dir, os.path.basename(path))
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old == text:
            continue
        if args.check:
            print("%s is out of date: run %s" % (path, GENERATOR), file=sys.stderr)
            stale = 1
            continue
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(path)
    return stale


if __name__ == "__main__":
    sys.exit(main(sys.argv))
