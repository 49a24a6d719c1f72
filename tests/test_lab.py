# SPDX-License-Identifier: GPL-2.0-or-later
"""The classroom lab (doc/lab/): every answer on the teacher's page is what
tshark shows for the sample captures.

doc/lab/answers.md gives each question's answer as values in backticks on
its **Answer:** line.  Each test below works the answer out from tshark's
output, the way a student would (filters, fields, links, statistics,
export), and compares it with the page: a dissector change that breaks an
answer, or an answer edited wrongly, fails here.  Every question of the
worksheets needs an answer and a test.

Every feature the questions use (the chat transcript, QQ decryption,
exporting files) and every capture they name is part of the plugin: a
missing one fails its question, saying what is missing.
"""

import os
import re
import tempfile

from conftest import ROOT, SAMPLES

LAB = os.path.join(ROOT, "doc", "lab")
WORKSHEETS = [os.path.join(LAB, "msnp-worksheet.md"), os.path.join(LAB, "qq-worksheet.md")]
ANSWERS = os.path.join(LAB, "answers.md")

MSNP_LOGIN = "msnp-login.pcap"
QQ_SESSION = "qq-udp-session.pcap"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def parse_answers(text):
    """{question id: [values]} from the teacher's page."""
    answers = {}
    for m in re.finditer(r"^### ([MQ]\d+)\.(.*?)(?=^### |\Z)", text, re.M | re.S):
        line = re.search(r"^\*\*Answer:\*\*(.*)$", m.group(2), re.M)
        assert line, "question %s has no **Answer:** line" % m.group(1)
        answers[m.group(1)] = re.findall(r"`([^`]*)`", line.group(1))
    return answers


def question_ids(text):
    return re.findall(r"^## ([MQ]\d+)\.", text, re.M)


ANSWER = parse_answers(read(ANSWERS))


def need_sample(name):
    assert os.path.exists(os.path.join(SAMPLES, name)), "sample capture %s is missing" % name


def why(p):
    """The first line of what tshark said when it refused."""
    lines = p.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "exit status %d" % p.returncode


def first(rows):
    assert rows, "no frame matched"
    return rows[0]


# -- the pages themselves ------------------------------------------------------------


def test_every_question_has_an_answer_and_a_test():
    asked = []
    for w in WORKSHEETS:
        asked += question_ids(read(w))
    assert asked, "no questions found in the worksheets"
    assert len(asked) == len(set(asked)), asked
    assert sorted(asked) == sorted(ANSWER), "worksheets and answers.md disagree"
    tested = {name[len("test_"):].upper() for name in globals()
              if re.match(r"test_[mq]\d+$", name)}
    assert tested == set(ANSWER), "questions without a test: %s" % sorted(set(ANSWER) - tested)
    for qid, values in ANSWER.items():
        assert values, "%s: no value in backticks on its Answer line" % qid


def test_parser_reads_values_in_order():
    # The parser must see what a teacher writes, or every check passes vacuously.
    page = ("### M1. A\n\n**Answer:** `a b` · `2`\n\ntext `not this`\n\n"
            "### Q1. B\n\n**Answer:** `0x0091`\n")
    assert parse_answers(page) == {"M1": ["a b", "2"], "Q1": ["0x0091"]}


# -- MSNP ------------------------------------------------------------------------------


def test_m1(ws):
    account = first(ws.fields(MSNP_LOGIN, ["msnp.account"], 'msnp.cmd == "USR" && msnp.usr.state == "OK"'))
    version = first(ws.fields(MSNP_LOGIN, ["msnp.version"], 'msnp.cmd == "VER" && msnp.direction == 2'))
    assert ANSWER["M1"] == [account[0], version[0]]


def test_m2(ws):
    row = first(ws.fields(MSNP_LOGIN, ["msnp.cvr.client_name", "msnp.cvr.client_version",
                                       "msnp.cvr.locale"], "frame.number == 6"))
    assert ANSWER["M2"] == row


def test_m3(ws):
    reply, trid = first(ws.fields(MSNP_LOGIN, ["msnp.response_in", "msnp.trid"],
                                  "frame.number == 20", two_pass=True))
    # The reply carries the same TrID and points back at the request.
    assert first(ws.fields(MSNP_LOGIN, ["msnp.trid", "msnp.response_to"],
                           "frame.number == %s" % reply, two_pass=True)) == [trid, "20"]
    assert ANSWER["M3"] == [reply, trid]


def test_m4(ws):
    servers, referrals = [], []
    for role in ("DS", "NS", "SB"):
        ip, ref = first(ws.fields(MSNP_LOGIN, ["ip.dst", "msnp.referred_by"],
                                  'msnp.server_role == "%s" && msnp.direction == 1' % role, two_pass=True))
        servers.append(ip)
        if role != "DS":
            referrals.append(ref)
    for frame in referrals:
        assert first(ws.fields(MSNP_LOGIN, ["msnp.cmd"], "frame.number == %s" % frame)) == ["XFR"]
    assert ANSWER["M4"] == servers + referrals


def test_m5(ws):
    joined = first(ws.fields(MSNP_LOGIN, ["msnp.account"], 'msnp.cmd == "JOI"'))[0]
    text = first(ws.fields(MSNP_LOGIN, ["msnp.msg.text"], "msnp.msg.text && msnp.direction == 1"))[0]
    # Frame 53 is a message without text: a typing notification.
    assert ws.count(MSNP_LOGIN, 'frame.number == 53 && msnp.msg.content_type == "text/x-msmsgscontrol"') == 1
    assert ANSWER["M5"] == [joined, text]


def test_m6(ws):
    rows = ws.fields(MSNP_LOGIN, ["msnp.response_to", "msnp.error"], "msnp.error", two_pass=True)
    assert len(rows) == 1, rows
    assert ANSWER["M6"] == rows[0]


def test_m7(ws):
    who = 'msnp.account == "xiaoming@hotmail.com"'
    status = first(ws.fields(MSNP_LOGIN, ["msnp.status"], 'msnp.cmd == "ILN" && ' + who))[0]
    last = ws.fields(MSNP_LOGIN, ["msnp.cmd"], who + " && msnp.direction == 2")[-1][0]
    assert ANSWER["M7"] == [status, last]


def test_m8(ws):
    p = ws.run(["-n", "-q", "-r", ws.path(MSNP_LOGIN), "-z", "msnp,chat"], check=False)
    assert p.returncode == 0, "tshark -z msnp,chat failed: %s" % why(p)
    lines = [l for l in p.stdout.decode("utf-8").splitlines() if "see you" in l]
    assert len(lines) == 1, p.stdout.decode("utf-8")
    assert ANSWER["M8"][0] in lines[0]


def test_m9(ws):
    need_sample("msnp-p2p-switchboard.pcap")
    out = tempfile.mkdtemp(prefix="msnp-qq-lab-")
    os.chmod(out, 0o777)  # tshark runs as nobody
    p = ws.run(["-n", "-q", "-r", ws.path("msnp-p2p-switchboard.pcap"),
                "--export-objects", "msnp,%s" % out], check=False)
    assert p.returncode == 0, "tshark --export-objects msnp failed: %s" % why(p)
    name, size, first_line = ANSWER["M9"]
    files = [f for f in os.listdir(out) if f.endswith(name)]
    assert len(files) == 1, os.listdir(out)
    data = open(os.path.join(out, files[0]), "rb").read()
    assert len(data) == int(size)
    assert data.decode("utf-8").splitlines()[0] == first_line


# -- QQ --------------------------------------------------------------------------------


def client_of(ws, pcap):
    return first(ws.fields(pcap, ["ip.src"], "qq && frame.number == 1"))[0]


def test_q1(ws):
    row = first(ws.fields(QQ_SESSION, ["qq.uin", "qq.cmd", "qq.version"], "frame.number == 1"))
    # The same QQ number in every packet, both directions.
    assert set(ws.column(QQ_SESSION, "qq.uin", "qq")) == {row[0]}
    assert ANSWER["Q1"] == row


def test_q2(ws):
    reply, seq = first(ws.fields(QQ_SESSION, ["qq.response_in", "qq.seq"], "frame.number == 11", two_pass=True))
    assert first(ws.fields(QQ_SESSION, ["qq.seq", "qq.cmd"], "frame.number == %s" % reply)) == [seq, "0x00cd"]
    assert ANSWER["Q2"] == [reply, seq]


def test_q3(ws):
    client = client_of(ws, QQ_SESSION)
    login_server, reply = first(ws.fields(QQ_SESSION, ["ip.dst", "qq.response_in"],
                                          "frame.number == 1", two_pass=True))
    peers = set()
    for src, dst in ws.fields(QQ_SESSION, ["ip.src", "ip.dst"], "qq && frame.number > %s" % reply):
        peers.add(dst if src == client else src)
    assert len(peers) == 1, peers
    assert ANSWER["Q3"] == [login_server, peers.pop()]


def test_q4(ws):
    client = client_of(ws, QQ_SESSION)
    sent = ws.column(QQ_SESSION, "frame.number", "qq.cmd == 0x00b9 && ip.src == %s" % client)
    copies = ws.column(QQ_SESSION, "frame.number", "qq.retransmission_of == %s" % sent[0], two_pass=True)
    assert ANSWER["Q4"] == [str(len(sent))] + copies


def test_q5(ws):
    client = client_of(ws, QQ_SESSION)
    rows = ws.fields(QQ_SESSION, ["frame.number", "qq.cmd", "qq.response_in"],
                     "qq.response_in && ip.src != %s" % client, two_pass=True)
    assert len(rows) == 1, rows
    assert ANSWER["Q5"] == rows[0]


def test_q6(ws):
    pcap = "qq-tcp-443.pcap"
    client = client_of(ws, QQ_SESSION)
    rows = ws.fields(pcap, ["frame.number", "ip.src", "qq.length", "qq.cmd", "tcp.len"], "qq")
    two = [r for r in rows if r[1] == client and len(r[2].split(",")) == 2]
    assert two, rows
    spanning = [r for r in rows if len(r[2].split(",")) == 1 and int(r[2]) > int(r[4])]
    assert spanning, rows
    assert ANSWER["Q6"] == [two[0][0]] + two[0][3].split(",") + [spanning[0][0], spanning[0][2]]


def header_length(ws, pcap, frame):
    """Bytes from the 0x02 flag to the encrypted body, from the positions tshark reports."""
    pdml = ws.out(["-n", "-r", ws.path(pcap), "-T", "pdml", "-Y", "frame.number == %d" % frame])
    pos = {}
    for name in ("qq.flag", "qq.body"):
        m = re.search(r'<field name="%s"[^>]* pos="(\d+)"' % re.escape(name), pdml)
        assert m, "%s missing in frame %d" % (name, frame)
        pos[name] = int(m.group(1))
    return pos["qq.body"] - pos["qq.flag"]


def test_q7(ws):
    assert ANSWER["Q7"] == [str(header_length(ws, "qq-variants.pcap", 7)),
                            str(header_length(ws, "qq-variants.pcap", 8))]


def test_q8(ws):
    pcap = "qq-decrypt-classic.pcap"
    need_sample(pcap)
    extra = ["-o", "qq.password:python"]
    p = ws.run(["-n", "-r", ws.path(pcap), "-c", "1"] + extra, check=False)
    assert p.returncode == 0, "tshark -o qq.password failed: %s" % why(p)
    key = first(ws.fields(pcap, ["qq.session_key"], "frame.number == 2", two_pass=True, extra=extra))[0]
    text = first(ws.fields(pcap, ["qq.im.text"], "frame.number == 3", two_pass=True, extra=extra))[0]
    assert ANSWER["Q8"] == [bytes.fromhex(key.replace(":", "")).decode("ascii"), text]
