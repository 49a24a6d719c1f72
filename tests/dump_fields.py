#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Print every msnp.*/qq.* field value of every sample capture, one line each.

    BUILD_DIR=build python3 tests/dump_fields.py > 4.0.txt
    tests/wsroot.sh run sid env BUILD_DIR=build-sid python3 tests/dump_fields.py > 4.6.txt
    diff 4.0.txt 4.6.txt          # the plugin gives the same values on every version

Lines are "capture frame field value" from two-pass `-T fields` runs through the
test harness (tests/conftest.py), so booleans read as on 4.0 whatever the
version (tests/wsversion.py); anything else that differs is a difference in
what the plugin shows.
"""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conftest import PLUGIN_SO, SAMPLES, Tshark  # noqa: E402

PROTOCOLS = ("msnp", "qq")


def our_fields(t):
    names = []
    for line in t.out(["-G", "fields"]).splitlines():
        cols = line.split("\t")
        if cols[0] == "F" and len(cols) > 4 and cols[4] in PROTOCOLS and cols[3] != "FT_NONE":
            names.append(cols[2])
    return sorted(set(names))


def main():
    workdir = tempfile.mkdtemp(prefix="msnp-qq-dump-")
    try:
        t = Tshark(workdir, PLUGIN_SO)
        fields = our_fields(t)
        for pcap in sorted(f for f in os.listdir(SAMPLES) if f.endswith(".pcap")):
            rows = t.fields(pcap, ["frame.number"] + fields, two_pass=True)
            for row in rows:
                for name, value in zip(fields, row[1:]):
                    if value:
                        print("%s %s %s %s" % (pcap, row[0], name, value))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
