# SPDX-License-Identifier: GPL-2.0-or-later
"""The one place where the tests know which Wireshark they run against.

The suite runs unchanged against Wireshark 4.0 (Debian 12), 4.4 (Debian 13)
and 4.6 (Debian sid; tests/wsroot.sh makes those roots).  The plugin gives
the same values on all three; what differs is how Wireshark itself prints or
lays out some reports.  Every such difference is a fact here, named after what
it is and measured on 4.0.17, 4.4.19 and 4.6.9; tests ask these functions and
never compare version numbers themselves.

The version is the running tshark's (`tshark --version`): the module under
test is built against the same libwireshark, and a module built for another
major.minor would not load at all (the `ws` fixture fails then).

No pytest here: bench/ and the fuzz campaign use it as well.
"""

import functools
import re
import subprocess
import sys

# What `tshark -v` prints first: "TShark (Wireshark) 4.4.19." or with a
# "(Git v4.0.17 packaged as 4.0.17-0+deb12u3)" after it.
_VERSION_LINE = re.compile(r"^TShark \(Wireshark\) (\d+)\.(\d+)\.(\d+)")


@functools.lru_cache(maxsize=None)
def version_line(tshark="tshark"):
    """The first line of `tshark --version` (names the version in reports)."""
    out = subprocess.run([tshark, "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=True).stdout.decode("utf-8", "replace")
    return out.splitlines()[0].strip()


@functools.lru_cache(maxsize=None)
def version(tshark="tshark"):
    """(major, minor, micro) of the tshark on PATH."""
    m = _VERSION_LINE.match(version_line(tshark))
    if not m:
        raise RuntimeError("cannot read the Wireshark version from %r" % version_line(tshark))
    return tuple(int(x) for x in m.groups())


def at_least(major, minor):
    return version()[:2] >= (major, minor)


def major_minor():
    """"4.0", "4.4", "4.6": the name of the plugin folder a module goes in."""
    return "%d.%d" % version()[:2]


def name():
    """"Wireshark 4.4.19", for messages and reports."""
    return "Wireshark %d.%d.%d" % version()


# -- the plugin module --------------------------------------------------------------

def plugin_folder(plugin_dir):
    """Where a module goes under a plugin folder: <dir>/<major.minor>/epan."""
    return "%s/%s/epan" % (plugin_dir.rstrip("/"), major_minor())


def plugin_exports():
    """The dynamic symbols the module must export, no more: the plugin ABI.

    4.4 and later also ask the module what it provides (plugin_describe,
    without which `tshark -G plugins` lists its type as "unknown")."""
    symbols = ["plugin_register", "plugin_version", "plugin_want_major", "plugin_want_minor"]
    if at_least(4, 4):
        symbols.append("plugin_describe")
    return sorted(symbols)


# -- how tshark prints values ----------------------------------------------------------

def fields_bool(text):
    """A boolean field's value from `-T fields` in the form every test expects
    (4.0's): 4.0 prints 1/0, 4.4 and later True/False.  The harness
    (Tshark.fields in tests/conftest.py) applies it to every FT_BOOLEAN
    column, so tests compare with "1" and "0" on every version.  -T json
    prints "1"/"0" and -T ek true/false on all three."""
    return {"True": "1", "False": "0"}.get(text, text)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_UTC = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d(?:\.\d+)?)Z$")


def fields_absolute_time(text):
    """An absolute-time field (FT_ABSOLUTE_TIME shown in UTC) from `-T fields`
    in 4.0's form, "Jul  4, 2005 01:56:02.000000000 UTC", which 4.4 prints
    too; 4.6 prints ISO 8601, "2005-07-04T01:56:02.000000000Z"."""
    m = _ISO_UTC.match(text)
    if not m:
        return text
    year, month, day, clock = m.groups()
    return "%s %2d, %s %s UTC" % (_MONTHS[int(month) - 1], int(day), year, clock)


# Field types whose -T fields text differs by version, and the function that
# brings each to 4.0's form (the harness applies it to every such column).
FIELDS_NORMALISED = {"FT_BOOLEAN": fields_bool, "FT_ABSOLUTE_TIME": fields_absolute_time}


def fields_text(text):
    """A string field's value from `-T fields` as the dissector made it: 4.4
    and later write a backslash in the value doubled ("\\\\x19" for the
    four characters \\x19), 4.0 as it is."""
    return text.replace("\\\\", "\\") if at_least(4, 4) else text


def fields_value(ftype, text):
    """One -T fields value of a field of type ftype, in 4.0's form."""
    return FIELDS_NORMALISED[ftype](text)


def first_pass_start_of_pdu_protocol(own):
    """The Protocol column of a TCP segment that only starts a PDU (its rest
    comes in a later segment), in a one-pass run: 4.0's TCP overwrites it
    ("TCP", Info "[TCP segment of a reassembled PDU]"); 4.4 and later leave
    what the dissector set before it asked for more data (`own`, Info empty).
    Two-pass runs (-2) show "TCP" on every version."""
    return own if at_least(4, 4) else "TCP"


def bytes_cut_marks():
    """How a long byte field's line is cut in the tree (-V, the GUI's details):
    4.0 cuts the hex after 36 bytes and ends it with "…" ("Encrypted body:
    2c96…"); 4.4 and later show more bytes and, when they cut, mark the
    name instead ("Payload […]: 4d49...").  Returns (after the name, at the
    end of the value)."""
    return ("[…]", "") if at_least(4, 4) else ("", "…")


def tree_relative_time(seconds):
    """A relative time (e.g. msnp.time) as the tree (-V) shows it: "0.010000000
    seconds" up to 4.4, "10.000000 milliseconds" on 4.6 below a second.
    (-T fields, -T json and -T ek print seconds on every version.)"""
    if at_least(4, 6) and seconds < 1:
        return "%.6f milliseconds" % (seconds * 1000)
    return "%.9f seconds" % seconds


# -- -T ek ---------------------------------------------------------------------------

def ek_integer(display_text, number):
    """An integer field in -T ek: 4.0 and 4.4 write the display text as a
    string ("147", "0x0091"); 4.6 writes every integer's decimal value as a
    string ("145" for 0x0091)."""
    return str(number) if at_least(4, 6) else display_text


def ek_action(index):
    """The action line before each -T ek document: 4.0 and 4.4 name a "_type"
    ("doc", which Elasticsearch 8 refuses); 4.6 no longer writes it."""
    if at_least(4, 6):
        return {"index": {"_index": index}}
    return {"index": {"_index": index, "_type": "doc"}}


def tshark_elastic_mapping_loads_qq():
    """Whether a QQ document of -T ek loads under tshark's own -G
    elastic-mapping: not on 4.0 and 4.4 (hexadecimal "0x02" under "short",
    bytes under the integer type "byte"); on 4.6 (decimal integers, bytes left
    to the dynamic mapping)."""
    return at_least(4, 6)


# -- -G reports ---------------------------------------------------------------------

def heuristic_decodes(text):
    """(table, protocol, enabled) rows of `tshark -G heuristic-decodes`: 4.0
    prints just those three columns (enabled "T"/"F"); 4.4 and later six:
    table, protocol, enabled, enabled by default, short name, display name.
    Either form is read (canned 4.0 reports are parsed on every version)."""
    rows = []
    for line in text.splitlines():
        cols = line.split("\t")
        if len(cols) == 3 or len(cols) >= 6:
            rows.append((cols[0], cols[1], cols[2] == "T"))
    return rows


def decodes_port_entries_only():
    """Whether `tshark -G decodes` lists only integer (port) tables: 4.0 does;
    4.4 and later also list string tables such as media_type."""
    return not at_least(4, 4)


def ftype_description(text):
    """A field type's description from `tshark -G ftypes`, in 4.0's words:
    4.4 and later say "Unsigned integer (16 bits)" where 4.0 says
    "(2 bytes)" (doc/fields.md is the same whichever version made it)."""
    def in_bytes(m):
        n = int(m.group(1)) // 8
        return "(%d byte%s)" % (n, "" if n == 1 else "s")
    return re.sub(r"\((\d+) bits\)", in_bytes, text)


def pref_kind_description(text):
    """How `-G defaultprefs` describes a preference's kind, in 4.0's words:
    booleans are "TRUE or FALSE (case-insensitive)" on 4.0, "true or false
    (case-insensitive)" from 4.4 on."""
    return "TRUE or FALSE (case-insensitive)" if text == "true or false (case-insensitive)" else text


# -- for shell scripts ------------------------------------------------------------------

def main(argv):
    """`wsversion.py major-minor` or `wsversion.py plugin-folder DIR`."""
    if argv == ["major-minor"]:
        print(major_minor())
    elif len(argv) == 2 and argv[0] == "plugin-folder":
        print(plugin_folder(argv[1]))
    elif argv == ["name"]:
        print(name())
    else:
        sys.stderr.write("usage: wsversion.py major-minor | name | plugin-folder DIR\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
