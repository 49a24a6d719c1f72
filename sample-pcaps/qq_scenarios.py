# SPDX-License-Identifier: GPL-2.0-or-later
"""QQ sample captures (filled in by the QQ work)."""

CAPTURES = {}
