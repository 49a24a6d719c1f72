# SPDX-License-Identifier: GPL-2.0-or-later
"""How the tests and the benchmark start tshark with only the plugin under test.

tshark run as root ignores personal plugins and WIRESHARK_PLUGIN_DIR, so as
root the command runs as nobody; the environment names the plugin folder and
an empty HOME.  No pytest here: bench/ uses it as well.
"""

import os

NOBODY = 65534


def unprivileged(argv):
    """argv, prefixed to run as nobody when we are root."""
    argv = list(argv)
    if os.geteuid() == 0:
        argv = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"] + argv
    return argv


def tshark_env(home, plugin_dir, extra=None):
    """A minimal environment: only plugin_dir's plugins, no personal settings."""
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "WIRESHARK_PLUGIN_DIR": plugin_dir,
        "WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1",
    }
    if extra:
        env.update(extra)
    return env
