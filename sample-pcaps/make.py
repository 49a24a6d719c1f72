#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Regenerate every sample capture from the readable scenario sources.

    python3 sample-pcaps/make.py [OUTDIR]

The scenarios live in msnp_scenarios.py, msnp_p2p_scenarios.py,
qq_scenarios.py, qq_crypto_scenarios.py and qq_pcqq_login_scenarios.py
beside this file; each module has CAPTURES, a dict
from file name to a function that returns a pcapgen.Capture, and may have
TEXT_FILES (name -> text, e.g. a key log).  Output is byte-for-byte
deterministic.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import msnp_scenarios  # noqa: E402
import msnp_p2p_scenarios  # noqa: E402
import qq_crypto_scenarios  # noqa: E402
import qq_highway_scenarios  # noqa: E402
import qq_pcqq_login_scenarios  # noqa: E402
import qq_scenarios  # noqa: E402
import qq_sso_scenarios  # noqa: E402

MODULES = (msnp_scenarios, msnp_p2p_scenarios, qq_scenarios, qq_crypto_scenarios, qq_pcqq_login_scenarios,
           qq_highway_scenarios, qq_sso_scenarios)


def all_captures():
    caps = {}
    for mod in MODULES:
        for name, build in mod.CAPTURES.items():
            if name in caps:
                raise SystemExit("duplicate capture name %s" % name)
            caps[name] = build
    return caps


def all_text_files():
    """Text files some scenarios need beside their captures (key logs)."""
    files = {}
    for mod in MODULES:
        files.update(getattr(mod, "TEXT_FILES", {}))
    return files


def main(argv):
    outdir = argv[1] if len(argv) > 1 else HERE
    os.makedirs(outdir, exist_ok=True)
    for name, build in sorted(all_captures().items()):
        build().write(os.path.join(outdir, name))
        print(os.path.join(outdir, name))
    for name, text in sorted(all_text_files().items()):
        with open(os.path.join(outdir, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(os.path.join(outdir, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
