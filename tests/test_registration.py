# SPDX-License-Identifier: GPL-2.0-or-later
"""Registration one way (issue 21, item 5): every dissector and part
registers from plugin.c's table, and nothing else calls a registration
function, so no part calls its parent's registration or the parent its
parts'.  Read from the sources: the functions plugin.h declares are the
registration steps; each is defined in one file and called only by
plugin.c.
"""

import glob
import os
import re

from conftest import ROOT

DECLARED = re.compile(r"^void\s+(\w+)\s*\(void\);", re.M)


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", "", re.sub(r"//[^\n]*", "", text), flags=re.S)


def sources():
    found = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "*.c"))):
        with open(path, encoding="utf-8") as f:
            found[os.path.basename(path)] = strip_comments(f.read())
    return found


def steps():
    with open(os.path.join(ROOT, "plugin.h"), encoding="utf-8") as f:
        return DECLARED.findall(f.read())


def test_plugin_h_declares_the_known_steps():
    # The scan below must see the functions, or it would pass for want of them.
    names = steps()
    for name in ("proto_register_msnp", "proto_reg_handoff_msnp", "msnp_p2p_register",
                 "msnp_slp_register", "msnp_dc_register", "msnp_dc_handoff", "msnp_names_register",
                 "msnp_chat_register", "proto_register_qq", "proto_reg_handoff_qq",
                 "qq_decrypt_register", "qq_keys_register", "qq_login_register"):
        assert name in names, name


def test_every_step_is_in_the_table_and_called_nowhere_else():
    src = sources()
    table = src["plugin.c"]
    for name in steps():
        assert re.search(r"\{\s*%s\s*," % name, table) or re.search(r",\s*%s\s*\}" % name, table), \
            "%s is not in plugin.c's plugin_steps[]" % name
        defined = [f for f, text in src.items() if re.search(r"^%s\(void\)\s*$" % name, text, re.M)]
        assert len(defined) == 1, (name, defined)
        for f, text in src.items():
            if f == "plugin.c":
                continue
            calls = re.findall(r"\b%s\s*\(\s*\)" % name, text)
            assert not calls, "%s calls the registration step %s" % (f, name)


def test_parts_do_not_call_their_parents_registration_helpers():
    # The former back edge: parts registering through msnp_register_part() of
    # packet-msnp.c, and packet-qq.c calling qq_decrypt_register(proto, ...).
    for f, text in sources().items():
        assert "msnp_register_part" not in text, f
