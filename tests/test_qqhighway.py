# SPDX-License-Identifier: GPL-2.0-or-later
"""The QQ Highway dissector (qqhighway) on the generated samples
(sample-pcaps/qq_highway_scenarios.py): framing over TCP (several frames per
segment, frames across segments), the shared ports 8080 and 443, the plain
TCP heuristic, HTTP POST bodies, head fields, request/response links, chunk
and file MD5 checks, files reassembled by offset and exported byte-exact,
hostile lengths, and no claim on any other capture."""

import glob
import hashlib
import os
import shutil
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "sample-pcaps"))

import qq_highway_scenarios as scen  # noqa: E402
import wsversion  # noqa: E402

HIGHWAY = "qq-highway.pcap"
HOSTILE = "qq-highway-hostile.pcap"


def rows(ws, pcap, fields, dfilter="qqhighway"):
    return [r for r in ws.fields(pcap, ["frame.number"] + fields, dfilter, two_pass=True)]


def export(ws, pcap, extra=()):
    """Files that --export-objects qqhighway writes: name -> bytes."""
    return ws.export_objects(pcap, "qqhighway", extra)


def md5(data):
    return hashlib.md5(data).hexdigest()


# -- registration ----------------------------------------------------------------------

def test_heuristics_registered(ws):
    heur = set(wsversion.heuristic_decodes(ws.out(["-G", "heuristic-decodes"])))
    assert {("tcp", "qqhighway", True), ("qq_tcp_guard", "qqhighway", True), ("http", "qqhighway", True)} <= heur


# -- framing and fields --------------------------------------------------------------

def test_every_frame_of_the_sample(ws):
    got = rows(ws, HIGHWAY, ["tcp.dstport", "qqhighway.response", "qqhighway.cmd", "qqhighway.seq",
                             "qqhighway.offset", "qqhighway.chunk_length"])
    assert got == [
        ["4", "8080", "0", "PicUp.DataUp", "100", "0", "1024"],
        ["5", "40100", "1", "PicUp.DataUp", "100", "0", ""],
        # chunk 2, cut over frames 6-8
        ["8", "8080", "0", "PicUp.DataUp", "101", "1024", "1024"],
        ["9", "8080", "0", "PicUp.DataUp", "102", "2048", "552"],
        # two answers in one segment
        ["10", "40100", "1,1", "PicUp.DataUp,PicUp.DataUp", "101,102", "1024,2048", ""],
        ["17", "443", "0", "PttCenterSvr.ptt_store", "7", "0", "709"],
        ["18", "40101", "1", "PttCenterSvr.ptt_store", "7", "0", ""],
        ["25", "15000", "0", "PicUp.Echo", "200", "", ""],
        ["26", "40102", "1", "PicUp.Echo", "200", "0", ""],
        ["27", "15000", "0", "PicUp.DataUp", "201", "0", "1000"],
        ["28", "40102", "1", "PicUp.DataUp", "201", "0", ""],
        ["29", "15000", "0", "PicUp.DataUp", "202", "1000", "500"],
        ["30", "40102", "1", "PicUp.DataUp", "202", "1000", ""],
        ["37", "80", "0", "PicUp.DataUp", "300", "0", "900"],
        ["38", "40103", "1", "PicUp.DataUp", "300", "0", ""],
        # two connections at once
        ["48", "8080", "0", "PicUp.Echo", "400", "", ""],
        ["49", "8080", "0", "PicUp.Echo", "401", "", ""],
        ["50", "40104", "1", "PicUp.Echo", "400", "0", ""],
        ["51", "40105", "1", "PicUp.Echo", "401", "0", ""],
        ["52", "8080", "0", "PicUp.DataUp", "410", "0", "500"],
        ["53", "40104", "1", "PicUp.DataUp", "410", "0", ""],
        ["54", "8080", "0", "PicUp.DataUp", "411", "500", "500"],
        ["55", "40105", "1", "PicUp.DataUp", "411", "500", ""],
        ["56", "8080", "0", "PicUp.DataUp", "412", "1000", "500"],
        ["57", "40104", "1", "PicUp.DataUp", "412", "1000", ""],
        ["58", "8080", "0", "PicUp.DataUp", "413", "1500", "300"],
        ["59", "40105", "1", "PicUp.DataUp", "413", "1500", ""],
    ]


def test_base_head_fields(ws):
    got = rows(ws, HIGHWAY, ["qqhighway.uin", "qqhighway.appid", "qqhighway.command_id", "qqhighway.version",
                             "qqhighway.file_size", "qqhighway.head_length", "qqhighway.body_length"],
               "frame.number == 17")
    frame17 = scen.request("PttCenterSvr.ptt_store", 7, scen.VOICE, 0, scen.VOICE, command_id=29)
    head_len = int.from_bytes(frame17[1:5], "big")
    assert got == [["17", str(scen.UIN), str(scen.APPID), "29", "1", str(len(scen.VOICE)), str(head_len),
                    str(len(scen.VOICE))]]
    assert ws.count(HIGHWAY, "qqhighway.uin == 486732996", two_pass=True) == 27


def test_md5_fields_are_the_heads(ws):
    got = rows(ws, HIGHWAY, ["qqhighway.chunk_md5", "qqhighway.file_md5"], "frame.number == 4")
    assert got == [["4", md5(scen.PICTURE[:scen.CHUNK]), md5(scen.PICTURE)]]


def test_server_error_code(ws):
    got = rows(ws, HIGHWAY, ["qqhighway.error_code"], "qqhighway.error_code != 0")
    assert got == [["30", "1"]]
    assert ws.count(HIGHWAY, "_ws.expert.message contains \"error code 1\"", two_pass=True) == 1


def test_no_malformed_frames(ws):
    assert ws.count(HIGHWAY, "_ws.malformed", two_pass=True) == 0
    assert ws.count(HIGHWAY, "qqhighway.bad_framing || qqhighway.bad_head || qqhighway.bad_end",
                    two_pass=True) == 0


# -- links -----------------------------------------------------------------------------

def test_responses_linked_by_sequence(ws):
    got = rows(ws, HIGHWAY, ["qqhighway.response_in"], "qqhighway.response_in")
    assert got == [["4", "5"], ["8", "10"], ["9", "10"], ["17", "18"], ["25", "26"], ["27", "28"],
                   ["29", "30"], ["37", "38"], ["48", "50"], ["49", "51"], ["52", "53"], ["54", "55"],
                   ["56", "57"], ["58", "59"]]
    got = rows(ws, HIGHWAY, ["qqhighway.response_to"], "qqhighway.response_to")
    assert got == [["5", "4"], ["10", "8,9"], ["18", "17"], ["26", "25"], ["28", "27"], ["30", "29"],
                   ["38", "37"], ["50", "48"], ["51", "49"], ["53", "52"], ["55", "54"], ["57", "56"],
                   ["59", "58"]]
    assert ws.count(HIGHWAY, "qqhighway.no_response", two_pass=True) == 0
    # The generator spaces frames 10 ms apart: most answers follow their request at once; frame 10
    # answers frames 8 and 9 (20 and 10 ms), frames 50 and 51 the heartbeats of frames 48 and 49.
    assert ws.count(HIGHWAY, "qqhighway.time == 0.01", two_pass=True) == 11
    assert rows(ws, HIGHWAY, ["qqhighway.seq"], "qqhighway.time > 0.015") == [["10", "101,102"], ["50", "400"],
                                                                               ["51", "401"]]


# -- shared ports and HTTP -------------------------------------------------------------

def test_shared_ports_and_http(ws):
    # 8080 and 443 reach Highway through the qq guard, not HTTP or TLS.
    assert ws.count(HIGHWAY, "tcp.port == 8080 && (http || tls)") == 0
    assert ws.count(HIGHWAY, "tcp.port == 443 && tls") == 0
    assert ws.count(HIGHWAY, "tcp.port == 443 && qqhighway") == 2
    # TCP 80: HTTP stays HTTP, the body is Highway.
    got = rows(ws, HIGHWAY, ["http.request.uri", "qqhighway.seq"], "http.request")
    assert got == [["37", "/cgi-bin/httpconn?htcmd=0x6FF0087&uin=486732996", "300"]]
    got = rows(ws, HIGHWAY, ["http.response.code", "qqhighway.seq"], "http.response")
    assert got == [["38", "200", "300"]]


def test_443_needs_the_guard_heuristic(ws):
    # Without its entry in the qq guard's list, Highway on 443 is TLS "continuation data".
    off = ["--disable-heuristic", "qqhighway_guard"]
    assert ws.count(HIGHWAY, "tcp.port == 443 && qqhighway", extra=off) == 0
    assert ws.count(HIGHWAY, "tcp.port == 443 && tls", extra=off) == 2


def test_other_octet_stream_bodies_stay_data(ws):
    # The media type handle Highway takes over hands other bodies to data as before.
    assert ws.count("msnp-http-gateway.pcap", "qqhighway") == 0


# -- chunks and files ------------------------------------------------------------------

def test_chunk_md5_checked(ws):
    got = rows(ws, HIGHWAY, ["qqhighway.chunk_md5_ok"], "qqhighway.chunk_md5_ok")
    assert got == [["4", "1"], ["8", "1"], ["9", "1"], ["17", "1"], ["27", "1"], ["29", "0"], ["37", "1"],
                   ["52", "1"], ["54", "1"], ["56", "1"], ["58", "1"]]
    assert ws.count(HIGHWAY, "qqhighway.chunk_md5_mismatch", two_pass=True) == 1


def test_file_reassembled_by_offset(ws):
    got = rows(ws, HIGHWAY, ["qqhighway.fragment", "qqhighway.reassembled.length", "qqhighway.file_md5_ok",
                             "qqhighway.file_name"], "qqhighway.file")
    name = md5(scen.PICTURE) + "-PicUp.DataUp.bin"
    assert got[0] == ["9", "4,8,9", str(len(scen.PICTURE)), "1", name]
    assert [r[0] for r in got] == ["9", "17", "29", "37", "58"]
    assert got[2][3] == "0"         # the damaged file
    assert ws.count(HIGHWAY, "qqhighway.reassembled_in == 9", two_pass=True) == 2
    assert ws.count(HIGHWAY, "qqhighway.file_md5_mismatch", two_pass=True) == 1


def test_export_objects_byte_exact(ws):
    files = export(ws, HIGHWAY)
    assert files[md5(scen.PICTURE) + "-PicUp.DataUp.bin"] == scen.PICTURE
    assert files[md5(scen.VOICE) + "-PttCenterSvr.ptt_store.bin"] == scen.VOICE
    assert files[md5(scen.HTTP_FILE) + "-PicUp.DataUp.bin"] == scen.HTTP_FILE
    damaged = files[md5(scen.DAMAGED) + "-PicUp.DataUp.bin"]
    assert len(damaged) == len(scen.DAMAGED) and damaged != scen.DAMAGED
    assert len(files) == 5


def test_file_over_two_connections(ws):
    # Chunks 0 and 2 came on one connection, 1 and 3 on the other.
    got = rows(ws, HIGHWAY, ["qqhighway.fragment", "qqhighway.file_md5_ok"], "frame.number == 58")
    assert got == [["58", "52,54,56,58", "1"]]
    assert ws.export_objects(HIGHWAY, "qqhighway")[md5(scen.PARALLEL_FILE) + "-PicUp.DataUp.bin"] == \
        scen.PARALLEL_FILE


def test_export_respects_preferences(ws):
    assert export(ws, HIGHWAY, ["-o", "qqhighway.reassemble:FALSE"]) == {}
    files = export(ws, HIGHWAY, ["-o", "qqhighway.max_file_size:1000"])
    assert sorted(len(v) for v in files.values()) == [709, 900]
    assert ws.count(HIGHWAY, "qqhighway.file_too_large", two_pass=True,
                    extra=["-o", "qqhighway.max_file_size:1000"]) == 9


# -- hostile input ---------------------------------------------------------------------

def test_hostile_lengths(ws):
    got = ws.fields(HOSTILE, ["frame.number", "_ws.col.Info"], "qqhighway", two_pass=True)
    assert [r[0] for r in got] == ["4", "5", "6", "7", "8"]
    assert ws.count(HOSTILE, "qqhighway.bad_framing && qqhighway.head_length == 4294967295", two_pass=True) == 1
    assert ws.count(HOSTILE, "qqhighway.bad_head", two_pass=True) == 1
    assert rows(ws, HOSTILE, ["qqhighway.uin_text"], "qqhighway.uin_not_digits") == [["7", "4867x2996"]]
    assert rows(ws, HOSTILE, ["qqhighway.offset"], "qqhighway.chunk_outside_file") == [["8", "100"]]


def test_framing_that_does_not_add_up_is_not_claimed(ws):
    # Wrong end byte, a 17 MiB body, a head that is not protobuf: three fresh connections.
    assert ws.count(HOSTILE, "tcp.srcport in {40201..40203} && tcp.len > 0") == 3
    assert ws.count(HOSTILE, "tcp.port in {40201..40203} && qqhighway", two_pass=True) == 0


# -- protobuf --------------------------------------------------------------------------

def test_head_named_by_shipped_proto(ws):
    proto_dir = os.path.join(ws.workdir, "protobuf")
    shutil.copytree(os.path.join(os.path.dirname(HERE), "protobuf"), proto_dir, dirs_exist_ok=True)
    for p in [proto_dir] + glob.glob(os.path.join(proto_dir, "*")):
        os.chmod(p, 0o755 if os.path.isdir(p) else 0o644)
    conf = os.path.join(ws.home, ".config", "wireshark")
    os.makedirs(conf, exist_ok=True)
    os.chmod(os.path.join(ws.home, ".config"), 0o777)
    os.chmod(conf, 0o777)
    uat = os.path.join(conf, "protobuf_search_paths")
    with open(uat, "w") as f:
        f.write('"%s","TRUE"\n' % proto_dir)
    os.chmod(uat, 0o644)
    args = ["-n", "-2", "-r", ws.path(HIGHWAY), "-Y", "frame.number == 30", "-V"]
    try:
        text = ws.out(args)
    finally:
        os.remove(uat)
    assert "Protocol Buffers: qqhighway.RspDataHighwayHead" in text
    assert "Field(3): command = PicUp.DataUp (string)" in text
    assert "Field(3): error_code = 1 (uint32)" in text
    # Without the search path the head still goes to protobuf, unnamed.
    text = ws.out(args)
    assert "Protocol Buffers: qqhighway.RspDataHighwayHead" in text
    assert "error_code" not in text and "Field(3):" in text


# -- no false claims -------------------------------------------------------------------

OTHER_SAMPLES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(os.path.dirname(HERE), "sample-pcaps",
                                                                            "*.pcap"))
                       if "highway" not in os.path.basename(p))


@pytest.mark.parametrize("pcap", OTHER_SAMPLES)
def test_other_samples_not_highway(ws, pcap):
    assert ws.count(pcap, "qqhighway", two_pass=True) == 0


@pytest.mark.parametrize("name", ["ndpi_wechat.pcap", "ndpi_tencent_games.pcap", "xepwang_qq_2022.pcapng",
                                  "chichi_qq_tcp443_2019.pcapng", "ndpi_msnms.pcap", "ndpi_oicq.pcap"])
def test_real_captures_not_highway(ws, real_pcap, name):
    assert ws.count(real_pcap(name), "qqhighway", two_pass=True) == 0
