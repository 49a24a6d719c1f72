# SPDX-License-Identifier: GPL-2.0-or-later
"""Machine-readable output for pipelines: tshark -T json and -T ek.

What tshark really prints (checked here, so that a change shows; measured on
4.0.17, where 4.4 and 4.6 print otherwise tests/wsversion.py says so):
- -T json: every value of our fields is a JSON string ("147", "0x0314"); a
  field that occurs several times is repeated as duplicate keys (which JSON
  parsers collapse to the last one) unless --no-duplicate-keys makes it a list.
- -T ek: Elasticsearch bulk NDJSON, an action line then a document per frame;
  booleans are JSON true/false, FT_NONE is null, every integer is still a
  string in the field's display base ("147" but "0x0091" for hexadecimal
  fields) and bytes are "0e:e0:..".  Numbers become numbers in the store:
  doc/elastic-template.json maps the decimal integer fields to long/integer/
  short (Elasticsearch coerces "147" to 147), hexadecimal ones and bytes to
  keyword, relative times to double.  tshark's own -G elastic-mapping maps
  hexadecimal integers to integer, bytes to "byte" and relative times to
  "date", so documents loaded under it are refused; a small model of
  Elasticsearch's coercion below loads every sample capture under both.
"""

import ipaddress
import json
import os
import re

import pytest

import wsversion
from conftest import ROOT, SAMPLES

TEMPLATE = os.path.join(ROOT, "doc", "elastic-template.json")
MSNP = "msnp-login.pcap"
QQ = "qq-udp-session.pcap"


def ek(ws, pcap, dfilter=None):
    """(action, document) pairs of -T ek output for our protocols, two passes."""
    args = ["-n", "-2", "-r", ws.path(pcap), "-T", "ek", "-J", "msnp qq"]
    if dfilter:
        args += ["-Y", dfilter]
    lines = ws.out(args).splitlines()
    assert len(lines) % 2 == 0, "bulk NDJSON is action/document pairs"
    return [(json.loads(lines[i]), json.loads(lines[i + 1])) for i in range(0, len(lines), 2)]


def one(ws, pcap, frame):
    pairs = ek(ws, pcap, "frame.number == %d" % frame)
    assert len(pairs) == 1
    return pairs[0][1]["layers"]


def samples():
    names = sorted(f for f in os.listdir(SAMPLES) if f.endswith(".pcap"))
    return names


# -- -T json ------------------------------------------------------------------------

def test_json_duplicate_keys_without_the_option(ws):
    # Without --no-duplicate-keys the four msnp.param keys of the XFR reply
    # collapse to the last one in any JSON parser.
    text = ws.out(["-n", "-2", "-r", ws.path(MSNP), "-T", "json", "-J", "msnp",
                   "-Y", "frame.number == 9"])
    assert text.count('"msnp.param": ') == 4
    assert json.loads(text)[0]["_source"]["layers"]["msnp"]["msnp.param"] == "65.54.239.20:1863"


def test_json_values_are_strings(ws):
    frames = ws.json(MSNP, dfilter="frame.number == 9", extra=["--no-duplicate-keys"])
    assert len(frames) == 1
    msnp = frames[0]["_source"]["layers"]["msnp"]
    assert msnp["msnp.cmd"] == "XFR"
    assert msnp["msnp.param"] == ["NS", "207.46.4.22:1863", "0", "65.54.239.20:1863"]
    assert msnp["msnp.trid"] == "147"
    assert msnp["msnp.xfr.ip"] == "207.46.4.22"
    assert msnp["msnp.xfr.port"] == "1863"
    assert msnp["msnp.response_to"] == "8"
    qq = ws.json(QQ, dfilter="frame.number == 2",
                 extra=["--no-duplicate-keys"])[0]["_source"]["layers"]["qq"]
    assert qq["qq.uin"] == "550313996"
    assert qq["qq.seq"] == "0x0314"
    assert qq["qq.cmd"] == "0x0091"
    assert qq["qq.retransmission"] == "1"
    assert qq["qq.retransmission_of"] == "1"
    for layer in (msnp, qq):
        for key, value in layer.items():
            if key.startswith(("msnp.", "qq.")) and not key.endswith("_tree"):
                assert isinstance(value, (str, list)), (key, value)


# -- -T ek --------------------------------------------------------------------------

def test_ek_is_bulk_ndjson_one_document_per_frame(ws):
    pairs = ek(ws, MSNP)
    frames = ws.fields(MSNP, ["frame.number", "frame.time_epoch"], two_pass=True)
    assert len(pairs) == len(frames) == 78
    for (action, doc), (_, epoch) in zip(pairs, frames):
        assert action == wsversion.ek_action("packets-2005-11-03")
        # Epoch milliseconds, truncated (47.029999 s gives ...47029).
        secs, frac = epoch.split(".")
        assert doc["timestamp"] == secs + frac[:3]
        assert set(doc) == {"timestamp", "layers"}


def test_ek_field_types_msnp(ws):
    layers = one(ws, MSNP, 9)
    assert set(layers) == {"frame", "eth", "ip", "tcp", "msnp"}
    assert layers["tcp"] == {"filtered": "tcp"}  # -J keeps other layers out
    msnp = layers["msnp"]
    assert msnp["msnp_msnp_cmd"] == "XFR"
    assert msnp["msnp_msnp_trid"] == "147"          # a string in 4.0, mapped long
    assert msnp["msnp_msnp_xfr_ip"] == "207.46.4.22"
    assert msnp["msnp_msnp_xfr_port"] == "1863"
    assert msnp["msnp_msnp_param"] == ["NS", "207.46.4.22:1863", "0", "65.54.239.20:1863"]
    assert msnp["msnp_msnp_time"] == "0.010000000"
    msg = one(ws, MSNP, 53)["msnp"]
    assert msg["msnp_msnp_cmd"] == "MSG"
    assert msg["msnp_msnp_length"] == "94"
    assert msg["msnp_msnp_trid"] == "159"
    assert msg["msnp_msnp_msg_content_type"] == "text/x-msmsgscontrol"


def test_ek_field_types_qq(ws):
    qq = one(ws, QQ, 2)["qq"]
    assert qq["qq_qq_uin"] == "550313996"
    assert qq["qq_qq_seq"] == wsversion.ek_integer("0x0314", 0x0314)   # hexadecimal display
    assert qq["qq_qq_cmd"] == wsversion.ek_integer("0x0091", 0x0091)
    assert qq["qq_qq_retransmission"] is True        # booleans are JSON booleans
    assert qq["qq_qq_retransmission_of"] == "1"
    assert qq["_ws_expert"]["qq_qq_resend"] is None  # an expert info (FT_NONE) is null


# -- loading into Elasticsearch -------------------------------------------------------

class Refused(Exception):
    pass


RANGES = {"byte": (-2**7, 2**7 - 1), "short": (-2**15, 2**15 - 1),
          "integer": (-2**31, 2**31 - 1), "long": (-2**63, 2**63 - 1),
          "unsigned_long": (0, 2**64 - 1)}


def coerce(value, mtype):
    """What Elasticsearch stores for one JSON value under a field type, or Refused."""
    if value is None:
        return None
    if isinstance(value, list):
        return [coerce(v, mtype) for v in value]
    if mtype in RANGES:
        if isinstance(value, bool) or not re.fullmatch(r"-?[0-9]+", str(value)):
            raise Refused("%r is not a %s" % (value, mtype))
        n = int(value)
        lo, hi = RANGES[mtype]
        if not lo <= n <= hi:
            raise Refused("%r is out of range for %s" % (value, mtype))
        return n
    if mtype in ("double", "float"):
        if isinstance(value, bool) or not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?",
                                                       str(value)):
            raise Refused("%r is not a %s" % (value, mtype))
        return float(value)
    if mtype == "boolean":
        if value in (True, False, "true", "false"):
            return value in (True, "true")
        raise Refused("%r is not a boolean" % (value,))
    if mtype == "ip":
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            raise Refused("%r is not an ip" % (value,))
    if mtype == "date":
        if re.fullmatch(r"[0-9]+", str(value)) or \
                re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", str(value)):
            return value
        raise Refused("%r is not a date" % (value,))
    if mtype in ("keyword", "text"):
        if isinstance(value, (dict, list)):
            raise Refused("%r is not a string" % (value,))
        return str(value)
    raise AssertionError("unmodelled type %s" % mtype)


def load(doc, properties, counts):
    """A document as the index stores it (mapped fields coerced), or Refused."""
    out = {}
    for key, value in doc.items():
        mapping = properties.get(key)
        if mapping is None:
            out[key] = value        # dynamic mapping
        elif "properties" in mapping:
            items = value if isinstance(value, list) else [value]
            loaded = [load(v, mapping["properties"], counts) for v in items]
            out[key] = loaded if isinstance(value, list) else loaded[0]
        else:
            out[key] = coerce(value, mapping["type"])
            counts[mapping["type"]] = counts.get(mapping["type"], 0) + 1
    return out


def template_properties():
    with open(TEMPLATE, encoding="utf-8") as f:
        t = json.load(f)
    assert t["index_patterns"] == ["packets-*"]
    return t["template"]["mappings"]["properties"]


def test_template_types_for_key_fields():
    layers = template_properties()["layers"]["properties"]
    msnp, qq = layers["msnp"]["properties"], layers["qq"]["properties"]
    assert msnp["msnp_msnp_trid"] == {"type": "long"}
    assert msnp["msnp_msnp_length"] == {"type": "long"}
    assert msnp["msnp_msnp_xfr_ip"] == {"type": "ip"}
    assert msnp["msnp_msnp_time"] == {"type": "double"}
    assert msnp["msnp_msnp_response_to"] == {"type": "long"}
    assert "msnp_msnp_cmd" not in msnp      # strings: text + keyword, by Elasticsearch
    assert qq["qq_qq_uin"] == {"type": "long"}
    assert qq["qq_qq_seq"] == {"type": "keyword"}
    assert qq["qq_qq_cmd"] == {"type": "keyword"}
    assert qq["qq_qq_retransmission"] == {"type": "boolean"}
    assert qq["qq_qq_login_key"] == {"type": "keyword", "ignore_above": 1024}


def test_numbers_become_numbers_in_the_index(ws):
    props = template_properties()
    counts = {}
    doc = load(ek(ws, MSNP, "frame.number == 53")[0][1], props, counts)["layers"]["msnp"]
    assert doc["msnp_msnp_trid"] == 159 and doc["msnp_msnp_length"] == 94
    assert doc["msnp_msnp_cmd"] == "MSG"
    doc = load(ek(ws, QQ, "frame.number == 2")[0][1], props, counts)["layers"]["qq"]
    assert doc["qq_qq_uin"] == 550313996 and doc["qq_qq_retransmission"] is True
    assert doc["qq_qq_retransmission_of"] == 1
    assert doc["qq_qq_seq"] == wsversion.ek_integer("0x0314", 0x0314)   # a keyword


@pytest.mark.parametrize("pcap", samples())
def test_every_sample_bulk_loads_under_the_template(ws, pcap):
    props = template_properties()
    counts = {}
    pairs = ek(ws, pcap)
    for action, doc in pairs:
        assert list(action) == ["index"]
        try:
            load(doc, props, counts)
        except Refused as e:
            raise AssertionError("%s frame at %s refused: %s" % (pcap, doc["timestamp"], e))
    if any("msnp" in d["layers"] or "qq" in d["layers"] for _, d in pairs):
        assert counts, "no mapped field was loaded: the template does not match the output"


def test_tsharks_own_mapping_refuses_qq_documents(ws):
    # Why doc/elastic-template.json exists: with 4.0's (and 4.4's) -G
    # elastic-mapping a QQ document is refused (qq_qq_flag "0x02" under
    # "short", bytes under "byte"); 4.6 prints and maps them so that it loads.
    mapping = json.loads(ws.out(["-G", "elastic-mapping", "--elastic-mapping-filter", "msnp,qq"]))
    doc = ek(ws, QQ, "frame.number == 1")[0][1]
    if wsversion.tshark_elastic_mapping_loads_qq():
        load(doc, mapping["mappings"]["properties"], {})
    else:
        with pytest.raises(Refused):
            load(doc, mapping["mappings"]["properties"], {})


# -- the tree (-V) ----------------------------------------------------------------------

def test_tree_shows_response_time_in_this_versions_unit(ws):
    # msnp.time is 0.010000000 in -T fields and -T json on every version;
    # the tree's unit is Wireshark's choice (milliseconds from 4.6 on).
    out = ws.out(["-n", "-2", "-r", ws.path(MSNP), "-V", "-O", "msnp", "-Y", "frame.number == 9"])
    assert "    [Response time: %s]" % wsversion.tree_relative_time(0.01) in out.splitlines()
    assert ws.column(MSNP, "msnp.time", dfilter="frame.number == 9", two_pass=True) == ["0.010000000"]


def test_absolute_times_read_the_same_on_every_version(ws):
    # 4.6 prints absolute times in -T fields as ISO 8601; the harness brings
    # every FT_ABSOLUTE_TIME column to 4.0's form, so the raw text and the
    # normalised one name the same instant.
    raw = ws.out(["-n", "-r", ws.path("qq-decrypt-classic.pcap"), "-o", "qq.password:python",
                  "-T", "fields", "-e", "qq.reply.server_time", "-Y", "qq.reply.server_time"]).strip()
    assert raw in ("Jul  4, 2005 01:56:02.000000000 UTC", "2005-07-04T01:56:02.000000000Z")
    assert wsversion.fields_absolute_time(raw) == "Jul  4, 2005 01:56:02.000000000 UTC"
    assert ws.column("qq-decrypt-classic.pcap", "qq.reply.server_time", dfilter="qq.reply.server_time",
                     extra=["-o", "qq.password:python"]) == ["Jul  4, 2005 01:56:02.000000000 UTC"]
