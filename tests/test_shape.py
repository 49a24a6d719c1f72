# SPDX-License-Identifier: GPL-2.0-or-later
"""The shape of the code: a function per step.

No function outside the registration functions (proto_register_*, and any
other that declares the field array, hf_register_info, as helpers of a
protocol's registration do) may be longer than LIMIT lines, so that each one can be read as one
step (find the PDU, dissect one command, decode its parameters, link it,
report it).  The house style puts a function's opening and closing braces
in column 0, which is what the scanner below relies on.

PENDING lists the functions known to be too long that are being reshaped
elsewhere: they are reported (as expected failures, `pytest -rx`) instead
of failing the run.  Empty it to make the test strict.
"""

import glob
import os
import re

import pytest

from conftest import ROOT

LIMIT = 100

PENDING = {}

NAME = re.compile(r"(\w+)\s*\(")


def functions(text):
    """(name, first line, number of lines, registers fields) of every
    function in C source written in the house style."""
    lines = text.split("\n")
    found = []
    i = 0
    while i < len(lines):
        if lines[i] == "{" and i > 0:
            # The name is on the nearest line above with an opening parenthesis
            # (the return type may be on its own line, parameters may wrap).
            j = i - 1
            while j > 0 and "(" not in lines[j]:
                j -= 1
            m = NAME.search(lines[j])
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            registers = any("hf_register_info" in l for l in lines[i:k])
            found.append((m.group(1) if m else "?", j + 1, k - j + 1, registers))
            i = k
        i += 1
    return found


def too_long(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return [(name, line, n) for name, line, n, registers in functions(text)
            if n > LIMIT and not name.startswith("proto_register_") and not registers]


SOURCES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "*.c")))


def test_scanner_sees_functions():
    # The scanner must find the registration functions, which are long:
    # otherwise every file would pass for want of functions.
    text = open(os.path.join(ROOT, "packet-msnp.c"), encoding="utf-8").read()
    found = {name: n for name, _, n, _ in functions(text)}
    assert found.get("proto_register_msnp", 0) > LIMIT
    assert "dissect_msnp" in found and found["dissect_msnp"] < 10


def test_registration_helpers_are_exempt():
    body = "\n".join(["    x();"] * (LIMIT + 5))
    text = ("static void\nfoo_register(void)\n{\n    static hf_register_info hf[] = {};\n%s\n}\n"
            "static void\nfoo_dissect(void)\n{\n%s\n}\n" % (body, body))
    found = {name: (n, reg) for name, _, n, reg in functions(text)}
    assert found["foo_register"][1] and not found["foo_dissect"][1]
    assert found["foo_dissect"][0] > LIMIT


@pytest.mark.parametrize("source", SOURCES)
def test_no_function_longer_than_limit(source):
    offenders = too_long(os.path.join(ROOT, source))
    report = ", ".join("%s (line %d, %d lines)" % o for o in offenders)
    new = [o for o in offenders if o[0] not in PENDING.get(source, set())]
    assert not new, "%s: functions longer than %d lines: %s" % (source, LIMIT, report)
    if offenders:
        pytest.xfail("%s: still too long (being reshaped): %s" % (source, report))
