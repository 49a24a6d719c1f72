# SPDX-License-Identifier: GPL-2.0-or-later
"""MSNP sample captures (filled in by the MSNP work)."""

CAPTURES = {}
