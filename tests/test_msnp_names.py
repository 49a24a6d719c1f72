# SPDX-License-Identifier: GPL-2.0-or-later
"""Friendly names (issue 21, item 4), on sample-pcaps/msnp-names.pcap
(msnp_scenarios.names): a name sent as raw bytes is shown with those bytes
escaped and no error, and the transcript names every account by the latest
name the capture gave it up to the line's frame (here REA and NLN renames
between two switchboard sessions).
"""

import wsversion
from test_msnp_p2p import transcript

NAMES = "msnp-names.pcap"
ERROR = 0x00800000          # PI_ERROR

RAW_USR_OK = 9              # USR 7 OK fengzejin@hotmail.com <19 db> 1 0
RAW_UTF8_ILN = 12           # ILN 8 NLN lina1987@hotmail.com Lin<c3 a1>: raw, but text
REA_REQUEST, REA_REPLY = 26, 27
NLN_RENAME = 28
PRP_REPLY = 43              # PRP 30 MFN Feng%20Zejin: the logged-in account's name


def test_raw_byte_name_is_escaped_without_an_error(ws):
    rows = ws.fields(NAMES, ["frame.number", "msnp.friendly_name", "_ws.expert.severity",
                             "_ws.expert.message"], "msnp.cmd == \"USR\" && msnp.friendly_name")
    assert len(rows) == 1, rows
    frame, name, severity, message = rows[0]
    assert int(frame) == RAW_USR_OK
    assert wsversion.fields_text(name) == "\\x19\\xdb"
    assert "\ufffd" not in name
    assert int(severity) < ERROR
    assert message.startswith("Friendly name sent as raw bytes that are no text, not URL-encoded")


def test_no_error_and_no_bad_escape_in_the_capture(ws):
    assert ws.count(NAMES, "_ws.expert.severity >= %d" % ERROR) == 0
    assert ws.count(NAMES, "msnp.bad_escape") == 0
    assert [int(f) for f in ws.column(NAMES, "frame.number", "msnp.name_unescaped")] == [RAW_USR_OK]


def test_raw_utf8_name_reads_as_text_without_an_expert(ws):
    rows = ws.fields(NAMES, ["msnp.friendly_name", "_ws.expert.message"], "frame.number == %d" % RAW_UTF8_ILN)
    assert rows == [["Liná", ""]]


def test_rea_reply_names_the_account_not_itself(ws):
    # REA trid account name (client) and REA trid version account name (server).
    rows = ws.fields(NAMES, ["frame.number", "msnp.account", "msnp.friendly_name"], "msnp.cmd == \"REA\"",
                     two_pass=True)
    assert rows == [[str(REA_REQUEST), "fengzejin@hotmail.com", "feng"],
                    [str(REA_REPLY), "fengzejin@hotmail.com", "feng"]]
    assert ws.column(NAMES, "msnp.friendly_name", "frame.number == %d" % NLN_RENAME) == ["Lina (away)"]
    assert ws.column(NAMES, "msnp.friendly_name", "frame.number == %d" % PRP_REPLY) == ["Feng Zejin"]


SESSION_1 = [
    "  frame 18  06:40:00.170  * lina1987@hotmail.com (Liná) was already there (IRO)",
    "  frame 19  06:40:00.180  * fengzejin@hotmail.com (\\x19\\xdb) joined (ANS)",
    "  frame 20  06:40:00.190  lina1987@hotmail.com (Liná): are you there?",
    "  frame 21  06:40:00.200  fengzejin@hotmail.com (\\x19\\xdb): yes",
    "  frame 22  06:40:00.210  * fengzejin@hotmail.com (\\x19\\xdb) left (OUT)",
]
SESSION_2 = [
    "  frame 34  06:40:00.330  * lina1987@hotmail.com (Lina (away)) was already there (IRO)",
    "  frame 35  06:40:00.340  * fengzejin@hotmail.com (feng) joined (ANS)",
    "  frame 36  06:40:00.350  lina1987@hotmail.com (Lina (away)): back soon",
    "  frame 37  06:40:00.360  fengzejin@hotmail.com (feng): ok, feng here",
    "  frame 38  06:40:00.370  * fengzejin@hotmail.com (feng) left (OUT)",
]
SESSION_3 = [
    "  frame 49  06:40:00.480  * lina1987@hotmail.com (Lina (away)) was already there (IRO)",
    "  frame 50  06:40:00.490  * fengzejin@hotmail.com (Feng Zejin) joined (ANS)",
    "  frame 51  06:40:00.500  fengzejin@hotmail.com (Feng Zejin): new name",
    "  frame 52  06:40:00.510  * fengzejin@hotmail.com (Feng Zejin) left (OUT)",
]


def sessions(lines):
    """The lines of each session of a transcript, by session number."""
    found, current = {}, None
    for line in lines:
        if line.startswith("Session "):
            current = int(line.split()[1].rstrip(":"))
            found[current] = []
        elif current and line.strip():
            found[current].append(line)
    return found


def test_transcript_uses_the_name_known_at_each_line(ws):
    got = sessions(transcript(ws, NAMES))
    # Before REA the user is still the raw-byte name, escaped; after it
    # "feng"; after PRP MFN (which names no account) "Feng Zejin".
    assert got == {1: SESSION_1, 2: SESSION_2, 3: SESSION_3}


def test_two_pass_transcript_keeps_the_name_at_each_frame(ws):
    # With -2 every name is known before the transcript is read: the first
    # session must still show the names of its own time, not the last ones.
    out = ws.out(["-n", "-q", "-2", "-r", ws.path(NAMES), "-z", "msnp,chat"])
    lines = [line for line in out.splitlines() if line.startswith("  frame ")]
    assert lines == SESSION_1 + SESSION_2 + SESSION_3
