/* packet-qqhighway.c
 * Tencent QQ "Highway" (BDH, big data highway): the channel over which
 * today's QQ clients (Android and iOS QQ, QQNT) upload pictures and files.
 *
 * Frame (all integers big-endian):
 *   28 | u32 head length | u32 body length | protobuf head | body | 29
 * The head is a ReqDataHighwayHead (client to server) or RspDataHighwayHead
 * (server to client): a base head (command such as "PicUp.DataUp", QQ
 * number as ASCII digits, sequence, app id) and a segment head (file size,
 * offset and length of this chunk, MD5 of the chunk and of the whole file).
 * Field numbers as the public client implementations define them
 * (protobuf/highway.proto names them for Wireshark's protobuf dissector).
 *
 * - TCP: frames reassembled across segments, several per segment
 *   (tcp_dissect_pdus). Found by a heuristic on any port and, on TCP 80,
 *   8080 and 443, through the "qq_tcp_guard" list of the qq dissector's
 *   shared-port guard; the conversation is then this dissector's.
 * - HTTP: the same frames as the body of a POST to /cgi-bin/httpconn (the
 *   "http" heuristic list).
 * - A file is its chunks put together by offset (reassembly keyed by the
 *   file MD5 and the two addresses: one file may come over several
 *   connections), checked against that MD5 and offered in Export Objects.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/export_object.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/reassemble.h>
#include <epan/tap.h>
#include <epan/tfs.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/strutil.h>
#include <epan/to_str.h>
#include <wsutil/strtoi.h>

#include "plugin.h"
#include "qq-pb.h"
#include "ws-compat.h"

#define HW_START            0x28
#define HW_END              0x29
#define HW_FIXED_LEN        9           /* start byte and the two lengths */
#define HW_OVERHEAD         10          /* ... and the end byte */
#define HW_HEAD_MAX         65536
#define HW_BODY_MAX         (16u * 1024u * 1024u)
#define HW_MD5_LEN          16
#define HW_PB_TAG_BASEHEAD  0x0a        /* field 1, length-delimited: every head starts with it */
#define HW_MAX_FIELD        15          /* highest field number of the heads read below */

/* Field numbers of ReqDataHighwayHead / RspDataHighwayHead. */
enum {
    HW_HEAD_BASE = 1, HW_HEAD_SEG = 2,
    HW_REQ_EXTENDINFO = 3, HW_REQ_TIMESTAMP = 4, HW_REQ_LOGIN_SIG = 5,
    HW_RSP_ERROR_CODE = 3, HW_RSP_ALLOW_RETRY = 4, HW_RSP_CACHE_COST = 5, HW_RSP_HT_COST = 6,
    HW_RSP_EXTENDINFO = 7, HW_RSP_TIMESTAMP = 8, HW_RSP_RANGE = 9, HW_RSP_IS_RESET = 10
};
/* DataHighwayHead. */
enum {
    HW_BASE_VERSION = 1, HW_BASE_UIN = 2, HW_BASE_COMMAND = 3, HW_BASE_SEQ = 4,
    HW_BASE_RETRY = 5, HW_BASE_APPID = 6, HW_BASE_DATAFLAG = 7, HW_BASE_COMMAND_ID = 8,
    HW_BASE_BUILD_VER = 9, HW_BASE_LOCALE_ID = 10
};
/* SegHead. */
enum {
    HW_SEG_SERVICE_ID = 1, HW_SEG_FILE_SIZE = 2, HW_SEG_OFFSET = 3, HW_SEG_LENGTH = 4,
    HW_SEG_RTCODE = 5, HW_SEG_TICKET = 6, HW_SEG_FLAG = 7, HW_SEG_MD5 = 8, HW_SEG_FILE_MD5 = 9,
    HW_SEG_CACHE_ADDR = 10, HW_SEG_QUERY_TIMES = 11, HW_SEG_UPDATE_CACHEIP = 12
};

void proto_register_qqhighway(void);
void proto_reg_handoff_qqhighway(void);

static int proto_qqhighway = -1;
static int eo_tap = -1;

static int hf_hw_start = -1;
static int hf_hw_head_length = -1;
static int hf_hw_body_length = -1;
static int hf_hw_head = -1;
static int hf_hw_body = -1;
static int hf_hw_end = -1;
static int hf_hw_is_response = -1;
static int hf_hw_base = -1;
static int hf_hw_version = -1;
static int hf_hw_uin = -1;
static int hf_hw_uin_text = -1;
static int hf_hw_cmd = -1;
static int hf_hw_seq = -1;
static int hf_hw_retry_times = -1;
static int hf_hw_appid = -1;
static int hf_hw_dataflag = -1;
static int hf_hw_command_id = -1;
static int hf_hw_build_ver = -1;
static int hf_hw_locale_id = -1;
static int hf_hw_seg = -1;
static int hf_hw_service_id = -1;
static int hf_hw_file_size = -1;
static int hf_hw_offset = -1;
static int hf_hw_chunk_length = -1;
static int hf_hw_rtcode = -1;
static int hf_hw_ticket = -1;
static int hf_hw_flag = -1;
static int hf_hw_chunk_md5 = -1;
static int hf_hw_file_md5 = -1;
static int hf_hw_cache_addr = -1;
static int hf_hw_query_times = -1;
static int hf_hw_update_cacheip = -1;
static int hf_hw_extendinfo = -1;
static int hf_hw_timestamp = -1;
static int hf_hw_login_sig = -1;
static int hf_hw_error_code = -1;
static int hf_hw_allow_retry = -1;
static int hf_hw_cache_cost = -1;
static int hf_hw_ht_cost = -1;
static int hf_hw_range = -1;
static int hf_hw_is_reset = -1;
static int hf_hw_chunk_md5_ok = -1;
static int hf_hw_file_md5_ok = -1;
static int hf_hw_file = -1;
static int hf_hw_file_name = -1;
static int hf_hw_response_in = -1;
static int hf_hw_response_to = -1;
static int hf_hw_time = -1;
static int hf_hw_fragments = -1;
static int hf_hw_fragment = -1;
static int hf_hw_fragment_overlap = -1;
static int hf_hw_fragment_overlap_conflicts = -1;
static int hf_hw_fragment_multiple_tails = -1;
static int hf_hw_fragment_too_long_fragment = -1;
static int hf_hw_fragment_error = -1;
static int hf_hw_fragment_count = -1;
static int hf_hw_reassembled_in = -1;
static int hf_hw_reassembled_length = -1;

static int ett_hw = -1;
static int ett_hw_head = -1;
static int ett_hw_base = -1;
static int ett_hw_seg = -1;
static int ett_hw_fragment = -1;
static int ett_hw_fragments = -1;

static expert_field ei_hw_bad_framing = EI_INIT;
static expert_field ei_hw_bad_end = EI_INIT;
static expert_field ei_hw_bad_head = EI_INIT;
static expert_field ei_hw_uin_not_digits = EI_INIT;
static expert_field ei_hw_chunk_md5_mismatch = EI_INIT;
static expert_field ei_hw_file_md5_mismatch = EI_INIT;
static expert_field ei_hw_chunk_length_mismatch = EI_INIT;
static expert_field ei_hw_chunk_outside_file = EI_INIT;
static expert_field ei_hw_file_too_large = EI_INIT;
static expert_field ei_hw_error_code = EI_INIT;
static expert_field ei_hw_no_response = EI_INIT;

static dissector_handle_t hw_tcp_handle;
static dissector_handle_t protobuf_handle;
static dissector_handle_t data_handle;

static ws_bool hw_reassemble_files = true;
static ws_bool hw_show_protobuf = true;
static unsigned hw_max_file_size = 16 * 1024 * 1024;

static reassembly_table hw_reassembly_table;
/* First pass: bytes held by files not yet complete, never more than a few
 * times the largest file, so that hostile heads cannot pile up memory. */
static uint64_t hw_pending_bytes;
#define HW_PENDING_FILES_MAX 4

static const fragment_items hw_frag_items = {
    &ett_hw_fragment, &ett_hw_fragments,
    &hf_hw_fragments, &hf_hw_fragment, &hf_hw_fragment_overlap,
    &hf_hw_fragment_overlap_conflicts, &hf_hw_fragment_multiple_tails,
    &hf_hw_fragment_too_long_fragment, &hf_hw_fragment_error, &hf_hw_fragment_count,
    &hf_hw_reassembled_in, &hf_hw_reassembled_length, NULL,
    "Highway chunks"
};

static const true_false_string tfs_hw_response_request = { "Response (server to client)", "Request (client to server)" };
static const true_false_string tfs_md5_ok = { "Matches", "Does not match" };

/* One protobuf message read into its fields by number (the first of each). */
typedef struct {
    qq_pb_field_t f[HW_MAX_FIELD + 1];
    bool has[HW_MAX_FIELD + 1];
    bool whole;                 /* every byte of the span was a well-formed field */
} hw_msg_t;

/* Per conversation: who the client is, and the requests by sequence. */
typedef struct {
    address client;
    uint32_t client_port;
    bool client_known;
    wmem_map_t *requests;       /* seq -> hw_trans_t */
} hw_conv_t;

typedef struct {
    uint32_t req_frame;
    uint32_t rsp_frame;
    nstime_t req_time;
} hw_trans_t;

/* What the later steps need from one frame's head. */
typedef struct {
    hw_msg_t head, base, seg;
    bool is_response;
    uint32_t seq;
    const char *cmd;
    int body_offset;
    uint32_t body_len;
} hw_pdu_t;

/* What Export Objects gets for one reassembled file. */
typedef struct {
    const char *hostname;
    const char *filename;
    const uint8_t *data;
    size_t len;
} hw_eo_t;

/* ---------------------------------------------------------------------- */
/* Framing                                                                 */

/* Whether the bytes at offset start a Highway frame whose lengths add up:
 * start byte, lengths in bounds, a head that is a protobuf message starting
 * with its base head, and (when the whole frame is captured) the end byte.
 * Only bytes that are there are read: heuristics must not throw. */
static bool
hw_frame_plausible(tvbuff_t *tvb, int offset)
{
    unsigned avail = tvb_captured_length_remaining(tvb, offset);
    uint32_t head_len, body_len;

    if (avail < HW_OVERHEAD + 2 || tvb_get_uint8(tvb, offset) != HW_START)
        return false;
    head_len = tvb_get_ntohl(tvb, offset + 1);
    body_len = tvb_get_ntohl(tvb, offset + 5);
    if (head_len < 2 || head_len > HW_HEAD_MAX || body_len > HW_BODY_MAX)
        return false;
    if (tvb_get_uint8(tvb, offset + HW_FIXED_LEN) != HW_PB_TAG_BASEHEAD)
        return false;
    /* The head must be there whole to be judged (it is small; chunks are not). */
    if (avail < HW_FIXED_LEN + head_len)
        return false;
    if (!qq_pb_is_message(tvb, offset + HW_FIXED_LEN, offset + HW_FIXED_LEN + (int)head_len))
        return false;
    if (avail >= (uint64_t)HW_OVERHEAD + head_len + body_len
            && tvb_get_uint8(tvb, offset + HW_FIXED_LEN + head_len + body_len) != HW_END)
        return false;
    return true;
}

/* tcp_dissect_pdus: the frame's length, or the rest of the segment when the
 * bytes there are no frame (dissected then as one malformed piece). */
static unsigned
hw_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    unsigned remaining = tvb_reported_length_remaining(tvb, offset);
    uint32_t head_len, body_len;

    if (tvb_captured_length_remaining(tvb, offset) < HW_FIXED_LEN)
        return remaining;
    head_len = tvb_get_ntohl(tvb, offset + 1);
    body_len = tvb_get_ntohl(tvb, offset + 5);
    if (tvb_get_uint8(tvb, offset) != HW_START || head_len > HW_HEAD_MAX || body_len > HW_BODY_MAX)
        return remaining;
    return HW_OVERHEAD + head_len + body_len;
}

/* ---------------------------------------------------------------------- */
/* Protobuf heads                                                          */

/* Reads the fields of the message in [start, end) by number. */
static void
hw_read_msg(tvbuff_t *tvb, int start, int end, hw_msg_t *msg)
{
    qq_pb_field_t field;
    int offset = start;

    memset(msg, 0, sizeof *msg);
    while (offset < end && qq_pb_next(tvb, &offset, end, &field)) {
        if (field.number <= HW_MAX_FIELD && !msg->has[field.number]) {
            msg->f[field.number] = field;
            msg->has[field.number] = true;
        }
    }
    msg->whole = offset >= end;
}

/* A field of the message of the given wire type, or NULL. */
static const qq_pb_field_t *
hw_field(const hw_msg_t *msg, uint32_t number, uint8_t wire_type)
{
    if (number > HW_MAX_FIELD || !msg->has[number] || msg->f[number].wire_type != wire_type)
        return NULL;
    return &msg->f[number];
}

/* The sub-message in field `number`, read into `sub`; false when absent. */
static bool
hw_read_sub(tvbuff_t *tvb, const hw_msg_t *msg, uint32_t number, hw_msg_t *sub)
{
    const qq_pb_field_t *f = hw_field(msg, number, QQ_PB_BYTES);

    memset(sub, 0, sizeof *sub);
    if (!f)
        return false;
    hw_read_msg(tvb, f->value_offset, f->value_offset + f->value_length, sub);
    return true;
}

/* How one protobuf field is shown: its number, its hf, and its kind. */
typedef struct {
    uint32_t number;
    int *hf;
} hw_field_map_t;

/* Adds the fields listed in map that the message has. Varints go to
 * integer fields, length-delimited values to string and bytes fields. */
static void
hw_add_fields(proto_tree *tree, tvbuff_t *tvb, const hw_msg_t *msg, const hw_field_map_t *map, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        const qq_pb_field_t *f;
        int hf = *map[i].hf;
        enum ftenum type = proto_registrar_get_ftype(hf);

        if ((f = hw_field(msg, map[i].number, QQ_PB_VARINT)) != NULL) {
            if (type == FT_UINT64)
                proto_tree_add_uint64(tree, hf, tvb, f->start, f->value_offset + f->value_length - f->start, f->value);
            else if (type == FT_UINT32)
                proto_tree_add_uint(tree, hf, tvb, f->start, f->value_offset + f->value_length - f->start,
                                    (uint32_t)f->value);
        } else if ((f = hw_field(msg, map[i].number, QQ_PB_BYTES)) != NULL) {
            if (type == FT_STRING)
                proto_tree_add_item(tree, hf, tvb, f->value_offset, f->value_length, ENC_UTF_8);
            else if (type == FT_BYTES && f->value_length == 0)
                proto_tree_add_bytes_format_value(tree, hf, tvb, f->start, f->value_offset - f->start, NULL,
                                                  "(empty)");
            else if (type == FT_BYTES)
                proto_tree_add_item(tree, hf, tvb, f->value_offset, f->value_length, ENC_NA);
        }
    }
}

/* The QQ number: ASCII digits in a string field, shown as a number. */
static void
hw_add_uin(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const hw_msg_t *base)
{
    const qq_pb_field_t *f = hw_field(base, HW_BASE_UIN, QQ_PB_BYTES);
    const char *text;
    uint64_t uin;
    proto_item *ti;

    if (!f)
        return;
    text = (const char *)tvb_get_string_enc(pinfo->pool, tvb, f->value_offset, f->value_length, ENC_ASCII);
    if (f->value_length > 0 && f->value_length <= 20 && ws_strtou64(text, NULL, &uin)) {
        proto_tree_add_uint64(tree, hf_hw_uin, tvb, f->value_offset, f->value_length, uin);
        return;
    }
    ti = proto_tree_add_item(tree, hf_hw_uin_text, tvb, f->value_offset, f->value_length, ENC_ASCII);
    expert_add_info(pinfo, ti, &ei_hw_uin_not_digits);
}

static void
hw_show_base(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const hw_pdu_t *pdu)
{
    static const hw_field_map_t map[] = {
        { HW_BASE_VERSION, &hf_hw_version }, { HW_BASE_COMMAND, &hf_hw_cmd },
        { HW_BASE_SEQ, &hf_hw_seq }, { HW_BASE_RETRY, &hf_hw_retry_times },
        { HW_BASE_APPID, &hf_hw_appid }, { HW_BASE_DATAFLAG, &hf_hw_dataflag },
        { HW_BASE_COMMAND_ID, &hf_hw_command_id }, { HW_BASE_BUILD_VER, &hf_hw_build_ver },
        { HW_BASE_LOCALE_ID, &hf_hw_locale_id },
    };
    const qq_pb_field_t *f = hw_field(&pdu->head, HW_HEAD_BASE, QQ_PB_BYTES);
    proto_tree *st;

    if (!f)
        return;
    st = proto_tree_add_subtree(tree, tvb, f->start, f->value_offset + f->value_length - f->start,
                                ett_hw_base, NULL, "Base head (DataHighwayHead)");
    proto_tree_add_item(st, hf_hw_base, tvb, f->value_offset, f->value_length, ENC_NA);
    hw_add_fields(st, tvb, &pdu->base, map, array_length(map));
    hw_add_uin(st, tvb, pinfo, &pdu->base);
}

static void
hw_show_seg(proto_tree *tree, tvbuff_t *tvb, const hw_pdu_t *pdu)
{
    static const hw_field_map_t map[] = {
        { HW_SEG_SERVICE_ID, &hf_hw_service_id }, { HW_SEG_FILE_SIZE, &hf_hw_file_size },
        { HW_SEG_OFFSET, &hf_hw_offset }, { HW_SEG_LENGTH, &hf_hw_chunk_length },
        { HW_SEG_RTCODE, &hf_hw_rtcode }, { HW_SEG_TICKET, &hf_hw_ticket },
        { HW_SEG_FLAG, &hf_hw_flag }, { HW_SEG_MD5, &hf_hw_chunk_md5 },
        { HW_SEG_FILE_MD5, &hf_hw_file_md5 }, { HW_SEG_CACHE_ADDR, &hf_hw_cache_addr },
        { HW_SEG_QUERY_TIMES, &hf_hw_query_times }, { HW_SEG_UPDATE_CACHEIP, &hf_hw_update_cacheip },
    };
    const qq_pb_field_t *f = hw_field(&pdu->head, HW_HEAD_SEG, QQ_PB_BYTES);
    proto_tree *st;

    if (!f)
        return;
    st = proto_tree_add_subtree(tree, tvb, f->start, f->value_offset + f->value_length - f->start,
                                ett_hw_seg, NULL, "Segment head (SegHead)");
    proto_tree_add_item(st, hf_hw_seg, tvb, f->value_offset, f->value_length, ENC_NA);
    hw_add_fields(st, tvb, &pdu->seg, map, array_length(map));
}

/* The fields of the head after the base and segment heads. */
static void
hw_show_head_rest(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const hw_pdu_t *pdu)
{
    static const hw_field_map_t req_map[] = {
        { HW_REQ_EXTENDINFO, &hf_hw_extendinfo }, { HW_REQ_TIMESTAMP, &hf_hw_timestamp },
        { HW_REQ_LOGIN_SIG, &hf_hw_login_sig },
    };
    static const hw_field_map_t rsp_map[] = {
        { HW_RSP_ERROR_CODE, &hf_hw_error_code }, { HW_RSP_ALLOW_RETRY, &hf_hw_allow_retry },
        { HW_RSP_CACHE_COST, &hf_hw_cache_cost }, { HW_RSP_HT_COST, &hf_hw_ht_cost },
        { HW_RSP_EXTENDINFO, &hf_hw_extendinfo }, { HW_RSP_TIMESTAMP, &hf_hw_timestamp },
        { HW_RSP_RANGE, &hf_hw_range }, { HW_RSP_IS_RESET, &hf_hw_is_reset },
    };
    const qq_pb_field_t *err = hw_field(&pdu->head, HW_RSP_ERROR_CODE, QQ_PB_VARINT);

    if (!pdu->is_response) {
        hw_add_fields(tree, tvb, &pdu->head, req_map, array_length(req_map));
        return;
    }
    hw_add_fields(tree, tvb, &pdu->head, rsp_map, array_length(rsp_map));
    if (err && err->value != 0)
        expert_add_info_format(pinfo, proto_tree_get_parent(tree), &ei_hw_error_code,
                               "Server answered error code %" PRIu64, err->value);
}

/* The whole head to Wireshark's protobuf dissector, under the message
 * type protobuf/highway.proto names (raw fields when it is not loaded).
 * Only well-formed heads: Wireshark 4.0's protobuf dissector trips over
 * some malformed ones (a dissector bug, found by fuzzing), and the head's
 * own items already say what is wrong. */
static void
hw_call_protobuf(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const hw_pdu_t *pdu, uint32_t len)
{
    tvbuff_t *head_tvb;
    bool writable;

    if (!hw_show_protobuf || !protobuf_handle || len == 0)
        return;
    if (!pdu->head.whole || (pdu->head.has[HW_HEAD_BASE] && !pdu->base.whole)
            || (pdu->head.has[HW_HEAD_SEG] && !pdu->seg.whole))
        return;
    head_tvb = tvb_new_subset_length(tvb, HW_FIXED_LEN, (int)len);
    /* The Protocol and Info columns stay Highway's. */
    writable = col_get_writable(pinfo->cinfo, -1);
    col_set_writable(pinfo->cinfo, -1, false);
    call_dissector_with_data(protobuf_handle, head_tvb, pinfo, tree,
        (void *)(pdu->is_response ? "message,qqhighway.RspDataHighwayHead" : "message,qqhighway.ReqDataHighwayHead"));
    col_set_writable(pinfo->cinfo, -1, writable);
}

/* ---------------------------------------------------------------------- */
/* Direction and request/response links                                    */

static hw_conv_t *
hw_get_conv(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    hw_conv_t *hc = (hw_conv_t *)conversation_get_proto_data(conv, proto_qqhighway);

    if (!hc) {
        hc = wmem_new0(wmem_file_scope(), hw_conv_t);
        hc->requests = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        conversation_add_proto_data(conv, proto_qqhighway, hc);
    }
    return hc;
}

/* Response when the head has a field only responses have (an error code as
 * a number where requests carry extend info bytes, costs, range), request
 * when it carries data; else by side, the client being the side that sent
 * the conversation's first frame. */
static bool
hw_is_response(packet_info *pinfo, hw_conv_t *hc, const hw_pdu_t *pdu)
{
    if (pdu->body_len > 0)
        return false;
    /* Fields 3 and 5 exist in requests too, as bytes (extend info, login
     * signature head); in responses they are numbers. */
    if (hw_field(&pdu->head, HW_RSP_ERROR_CODE, QQ_PB_VARINT) || hw_field(&pdu->head, HW_RSP_CACHE_COST, QQ_PB_VARINT)
            || pdu->head.has[HW_RSP_HT_COST] || pdu->head.has[HW_RSP_RANGE])
        return true;
    if (!hc->client_known)
        return false;
    return !(addresses_equal(&pinfo->src, &hc->client) && pinfo->srcport == hc->client_port);
}

static void
hw_learn_client(packet_info *pinfo, hw_conv_t *hc, const hw_pdu_t *pdu)
{
    if (hc->client_known || PINFO_FD_VISITED(pinfo))
        return;
    hc->client_known = true;
    if (pdu->is_response) {
        copy_address_wmem(wmem_file_scope(), &hc->client, &pinfo->dst);
        hc->client_port = pinfo->destport;
    } else {
        copy_address_wmem(wmem_file_scope(), &hc->client, &pinfo->src);
        hc->client_port = pinfo->srcport;
    }
}

/* First pass: record the request or bind the response; both passes: the
 * transaction of this frame's PDU (kept per frame and sequence). */
static hw_trans_t *
hw_track(packet_info *pinfo, hw_conv_t *hc, const hw_pdu_t *pdu)
{
    uint32_t key = (pdu->seq & 0x3fffffffu) | (pdu->is_response ? 0x80000000u : 0);
    hw_trans_t *t;

    if (PINFO_FD_VISITED(pinfo))
        return (hw_trans_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_qqhighway, key);
    t = (hw_trans_t *)wmem_map_lookup(hc->requests, GUINT_TO_POINTER(pdu->seq));
    if (!pdu->is_response) {
        t = wmem_new0(wmem_file_scope(), hw_trans_t);
        t->req_frame = pinfo->num;
        t->req_time = pinfo->abs_ts;
        wmem_map_insert(hc->requests, GUINT_TO_POINTER(pdu->seq), t);
    } else if (t && t->rsp_frame == 0) {
        t->rsp_frame = pinfo->num;
    } else {
        t = NULL;
    }
    if (t)
        p_add_proto_data(wmem_file_scope(), pinfo, proto_qqhighway, key, t);
    return t;
}

static void
hw_show_links(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const hw_pdu_t *pdu, const hw_trans_t *t)
{
    proto_item *ti;
    nstime_t delta;

    if (!pdu->is_response) {
        if (t && t->rsp_frame) {
            ti = proto_tree_add_uint(tree, hf_hw_response_in, tvb, 0, 0, t->rsp_frame);
            proto_item_set_generated(ti);
        } else if (PINFO_FD_VISITED(pinfo)) {
            expert_add_info(pinfo, proto_tree_get_parent(tree), &ei_hw_no_response);
        }
        return;
    }
    if (!t || t->rsp_frame != pinfo->num)
        return;
    ti = proto_tree_add_uint(tree, hf_hw_response_to, tvb, 0, 0, t->req_frame);
    proto_item_set_generated(ti);
    nstime_delta(&delta, &pinfo->abs_ts, &t->req_time);
    ti = proto_tree_add_time(tree, hf_hw_time, tvb, 0, 0, &delta);
    proto_item_set_generated(ti);
}

/* ---------------------------------------------------------------------- */
/* Chunks and files                                                        */

/* Whether the MD5 of all of `data` is the 16 bytes the head gives. */
static bool
hw_md5_equal(tvbuff_t *data, tvbuff_t *head_tvb, const qq_pb_field_t *md5, packet_info *pinfo)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_MD5);
    int len = tvb_captured_length(data);
    uint8_t digest[HW_MD5_LEN];
    gsize dlen = sizeof digest;

    g_checksum_update(sum, (const guchar *)tvb_memdup(pinfo->pool, data, 0, len), len);
    g_checksum_get_digest(sum, digest, &dlen);
    g_checksum_free(sum);
    return tvb_memeql(head_tvb, md5->value_offset, digest, HW_MD5_LEN) == 0;
}

/* The chunk's MD5 (SegHead field 8) against the body. */
static void
hw_check_chunk(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const hw_pdu_t *pdu, proto_item *body_item)
{
    const qq_pb_field_t *md5 = hw_field(&pdu->seg, HW_SEG_MD5, QQ_PB_BYTES);
    const qq_pb_field_t *len = hw_field(&pdu->seg, HW_SEG_LENGTH, QQ_PB_VARINT);
    tvbuff_t *body;
    proto_item *ti;
    bool ok;

    if (len && len->value != pdu->body_len)
        expert_add_info_format(pinfo, body_item, &ei_hw_chunk_length_mismatch,
                               "The segment head gives a chunk length of %" PRIu64 ", the body has %u bytes",
                               len->value, pdu->body_len);
    /* A body cut short by the capture's snapshot length cannot be checked. */
    if (!md5 || md5->value_length != HW_MD5_LEN || pdu->body_len == 0
            || (unsigned)tvb_captured_length_remaining(tvb, pdu->body_offset) < pdu->body_len)
        return;
    body = tvb_new_subset_length(tvb, pdu->body_offset, (int)pdu->body_len);
    ok = hw_md5_equal(body, tvb, md5, pinfo);
    ti = proto_tree_add_boolean(tree, hf_hw_chunk_md5_ok, tvb, md5->value_offset, HW_MD5_LEN, ok);
    proto_item_set_generated(ti);
    if (!ok)
        expert_add_info(pinfo, ti, &ei_hw_chunk_md5_mismatch);
}

/* Whether this chunk may join a file: the head names the file (size and
 * MD5), the chunk lies inside it, and the file is small enough. */
static bool
hw_chunk_fits(packet_info *pinfo, proto_item *body_item, const hw_pdu_t *pdu, uint64_t *file_size, uint64_t *offset)
{
    const qq_pb_field_t *size = hw_field(&pdu->seg, HW_SEG_FILE_SIZE, QQ_PB_VARINT);
    const qq_pb_field_t *off = hw_field(&pdu->seg, HW_SEG_OFFSET, QQ_PB_VARINT);
    const qq_pb_field_t *md5 = hw_field(&pdu->seg, HW_SEG_FILE_MD5, QQ_PB_BYTES);

    if (!size || !md5 || md5->value_length != HW_MD5_LEN || pdu->body_len == 0)
        return false;
    *file_size = size->value;
    *offset = off ? off->value : 0;
    if (*offset > *file_size || pdu->body_len > *file_size - *offset) {
        expert_add_info(pinfo, body_item, &ei_hw_chunk_outside_file);
        return false;
    }
    if (*file_size > hw_max_file_size) {
        expert_add_info_format(pinfo, body_item, &ei_hw_file_too_large,
                               "File of %" PRIu64 " bytes not reassembled (qqhighway.max_file_size is %u)",
                               *file_size, hw_max_file_size);
        return false;
    }
    return true;
}

/* The reassembly id of a file: its MD5, folded. The table keys it with the
 * two addresses but not the ports, because clients upload large files over
 * several connections at once, each sending some of the chunks. */
static uint32_t
hw_file_id(tvbuff_t *tvb, const hw_pdu_t *pdu)
{
    const qq_pb_field_t *md5 = hw_field(&pdu->seg, HW_SEG_FILE_MD5, QQ_PB_BYTES);

    return tvb_get_ntohl(tvb, md5->value_offset) ^ tvb_get_ntohl(tvb, md5->value_offset + 12);
}

/* Adds the chunk to its file; the whole file in the frame that completes it.
 * A chunk is refused (first pass, remembered for the second) when unfinished
 * files would hold more than HW_PENDING_FILES_MAX times the largest file. */
static tvbuff_t *
hw_add_chunk(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *body_item, const hw_pdu_t *pdu)
{
    uint64_t file_size, offset;
    fragment_head *fh;
    bool *taken;
    uint32_t key = 0x40000000u | (pdu->seq & 0x3fffffffu);

    if (!hw_reassemble_files || !hw_chunk_fits(pinfo, body_item, pdu, &file_size, &offset))
        return NULL;
    if (!PINFO_FD_VISITED(pinfo)) {
        taken = wmem_new(wmem_file_scope(), bool);
        *taken = hw_pending_bytes + file_size <= (uint64_t)hw_max_file_size * HW_PENDING_FILES_MAX;
        p_add_proto_data(wmem_file_scope(), pinfo, proto_qqhighway, key, taken);
    } else {
        taken = (bool *)p_get_proto_data(wmem_file_scope(), pinfo, proto_qqhighway, key);
    }
    if (!taken || !*taken)
        return NULL;
    fh = fragment_add_check(&hw_reassembly_table, tvb, pdu->body_offset, pinfo, hw_file_id(tvb, pdu), NULL,
                            (uint32_t)offset, pdu->body_len, offset + pdu->body_len < file_size);
    if (!PINFO_FD_VISITED(pinfo))
        hw_pending_bytes = fh ? hw_pending_bytes - MIN(hw_pending_bytes, file_size) : hw_pending_bytes + pdu->body_len;
    if (!fh)
        return NULL;
    return process_reassembled_data(tvb, pdu->body_offset, pinfo, "Reassembled Highway file", fh,
                                    &hw_frag_items, NULL, tree);
}

static void
hw_export(packet_info *pinfo, tvbuff_t *file, const char *filename)
{
    hw_eo_t *eo;

    if (!have_tap_listener(eo_tap))
        return;
    eo = wmem_new0(pinfo->pool, hw_eo_t);
    eo->hostname = address_to_str(pinfo->pool, &pinfo->dst);
    eo->filename = filename;
    eo->len = tvb_captured_length(file);
    eo->data = (const uint8_t *)tvb_memdup(pinfo->pool, file, 0, (int)eo->len);
    tap_queue_packet(eo_tap, pinfo, eo);
}

/* A complete file: its MD5 against the head's, its name, Export Objects. */
static void
hw_complete_file(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, tvbuff_t *file, const hw_pdu_t *pdu)
{
    const qq_pb_field_t *md5 = hw_field(&pdu->seg, HW_SEG_FILE_MD5, QQ_PB_BYTES);
    char *hex = tvb_bytes_to_str(pinfo->pool, tvb, md5->value_offset, HW_MD5_LEN);
    const char *filename;
    proto_item *ti;
    bool ok;

    ti = proto_tree_add_item(tree, hf_hw_file, file, 0, -1, ENC_NA);
    proto_item_set_generated(ti);
    add_new_data_source(pinfo, file, "Highway file");
    ok = hw_md5_equal(file, tvb, md5, pinfo);
    ti = proto_tree_add_boolean(tree, hf_hw_file_md5_ok, tvb, md5->value_offset, HW_MD5_LEN, ok);
    proto_item_set_generated(ti);
    if (!ok)
        expert_add_info(pinfo, ti, &ei_hw_file_md5_mismatch);
    filename = wmem_strdup_printf(pinfo->pool, "%s-%s.bin", hex, pdu->cmd ? pdu->cmd : "highway");
    ti = proto_tree_add_string(tree, hf_hw_file_name, tvb, md5->value_offset, HW_MD5_LEN, filename);
    proto_item_set_generated(ti);
    hw_export(pinfo, file, filename);
}

/* ---------------------------------------------------------------------- */
/* One frame                                                               */

/* Reads the head into pdu: the sub-messages and the values the Info
 * column and the links need. */
static void
hw_parse_head(tvbuff_t *tvb, packet_info *pinfo, int head_off, uint32_t head_len, hw_pdu_t *pdu)
{
    const qq_pb_field_t *f;

    hw_read_msg(tvb, head_off, head_off + (int)head_len, &pdu->head);
    hw_read_sub(tvb, &pdu->head, HW_HEAD_BASE, &pdu->base);
    hw_read_sub(tvb, &pdu->head, HW_HEAD_SEG, &pdu->seg);
    f = hw_field(&pdu->base, HW_BASE_SEQ, QQ_PB_VARINT);
    pdu->seq = f ? (uint32_t)f->value : 0;
    f = hw_field(&pdu->base, HW_BASE_COMMAND, QQ_PB_BYTES);
    pdu->cmd = f ? (const char *)tvb_get_string_enc(pinfo->pool, tvb, f->value_offset, f->value_length,
                                                    ENC_UTF_8) : NULL;
}

static void
hw_set_info(packet_info *pinfo, const hw_pdu_t *pdu)
{
    const qq_pb_field_t *off = hw_field(&pdu->seg, HW_SEG_OFFSET, QQ_PB_VARINT);

    col_append_sep_fstr(pinfo->cinfo, COL_INFO, NULL, "%s %s seq=%u", pdu->is_response ? "Response" : "Request",
                        pdu->cmd ? format_text(pinfo->pool, pdu->cmd, strlen(pdu->cmd)) : "(no command)", pdu->seq);
    if (pdu->body_len > 0)
        col_append_fstr(pinfo->cinfo, COL_INFO, " offset=%" PRIu64 " len=%u", off ? off->value : 0, pdu->body_len);
    col_set_fence(pinfo->cinfo, COL_INFO);
}

/* The head and body of a well-framed frame. */
static void
hw_dissect_content(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *top, uint32_t head_len)
{
    hw_pdu_t *pdu = wmem_new0(pinfo->pool, hw_pdu_t);
    hw_conv_t *hc = hw_get_conv(pinfo);
    proto_item *head_item, *body_item = NULL;
    proto_tree *head_tree;
    tvbuff_t *file;

    pdu->body_offset = HW_FIXED_LEN + (int)head_len;
    pdu->body_len = tvb_get_ntohl(tvb, 5);
    hw_parse_head(tvb, pinfo, HW_FIXED_LEN, head_len, pdu);
    pdu->is_response = hw_is_response(pinfo, hc, pdu);
    hw_learn_client(pinfo, hc, pdu);
    proto_item_set_generated(proto_tree_add_boolean(tree, hf_hw_is_response, tvb, 0, 0, pdu->is_response));
    head_item = proto_tree_add_item(tree, hf_hw_head, tvb, HW_FIXED_LEN, (int)head_len, ENC_NA);
    head_tree = proto_item_add_subtree(head_item, ett_hw_head);
    if (!pdu->head.whole || !pdu->head.has[HW_HEAD_BASE])
        expert_add_info(pinfo, head_item, &ei_hw_bad_head);
    hw_show_base(head_tree, tvb, pinfo, pdu);
    hw_show_seg(head_tree, tvb, pdu);
    hw_show_head_rest(head_tree, tvb, pinfo, pdu);
    hw_call_protobuf(tvb, pinfo, head_tree, pdu, head_len);
    if (pdu->body_len > 0)
        body_item = proto_tree_add_item(tree, hf_hw_body, tvb, pdu->body_offset, (int)pdu->body_len, ENC_NA);
    proto_tree_add_item(tree, hf_hw_end, tvb, pdu->body_offset + (int)pdu->body_len, 1, ENC_NA);
    hw_show_links(tree, tvb, pinfo, pdu, hw_track(pinfo, hc, pdu));
    hw_set_info(pinfo, pdu);
    proto_item_append_text(top, ", %s", pdu->cmd ? pdu->cmd : "no command");
    if (pdu->is_response || pdu->body_len == 0)
        return;
    hw_check_chunk(tree, tvb, pinfo, pdu, body_item);
    file = hw_add_chunk(tvb, pinfo, tree, body_item, pdu);
    if (file)
        hw_complete_file(tvb, pinfo, tree, file, pdu);
}

/* One frame (tcp_dissect_pdus hands exactly one; HTTP bodies are cut into
 * frames before). Bytes that are not a frame become one malformed item. */
static int
dissect_hw_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    proto_item *top, *ti;
    proto_tree *hw_tree;
    uint32_t head_len, body_len;
    unsigned len = tvb_reported_length(tvb);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "QQ Highway");
    top = proto_tree_add_item(tree, proto_qqhighway, tvb, 0, -1, ENC_NA);
    hw_tree = proto_item_add_subtree(top, ett_hw);
    ti = proto_tree_add_item(hw_tree, hf_hw_start, tvb, 0, 1, ENC_NA);
    if (len < HW_OVERHEAD || tvb_get_uint8(tvb, 0) != HW_START) {
        expert_add_info(pinfo, ti, &ei_hw_bad_framing);
        col_append_sep_str(pinfo->cinfo, COL_INFO, NULL, "Not a Highway frame");
        return len;
    }
    proto_tree_add_item_ret_uint(hw_tree, hf_hw_head_length, tvb, 1, 4, ENC_BIG_ENDIAN, &head_len);
    ti = proto_tree_add_item_ret_uint(hw_tree, hf_hw_body_length, tvb, 5, 4, ENC_BIG_ENDIAN, &body_len);
    if (head_len > HW_HEAD_MAX || body_len > HW_BODY_MAX || (uint64_t)HW_OVERHEAD + head_len + body_len != len) {
        expert_add_info_format(pinfo, ti, &ei_hw_bad_framing,
                               "Head length %u and body length %u do not fit (at most %u and %u; %u bytes here)",
                               head_len, body_len, HW_HEAD_MAX, HW_BODY_MAX, len);
        col_append_sep_str(pinfo->cinfo, COL_INFO, NULL, "Bad Highway lengths");
        return len;
    }
    if (tvb_get_uint8(tvb, len - 1) != HW_END) {
        ti = proto_tree_add_item(hw_tree, hf_hw_end, tvb, len - 1, 1, ENC_NA);
        expert_add_info(pinfo, ti, &ei_hw_bad_end);
    }
    hw_dissect_content(tvb, pinfo, hw_tree, top, head_len);
    return len;
}

static int
dissect_hw_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "QQ Highway");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, true, HW_FIXED_LEN, hw_pdu_len, dissect_hw_pdu, data);
    return tvb_captured_length(tvb);
}

/* ---------------------------------------------------------------------- */
/* Heuristics                                                              */

/* TCP (any port, and the shared-port guard's list): a frame whose lengths
 * add up; the conversation is then this dissector's. */
static ws_bool
dissect_hw_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!hw_frame_plausible(tvb, 0))
        return false;
    conversation_set_dissector_from_frame_number(find_or_create_conversation(pinfo), pinfo->num, hw_tcp_handle);
    dissect_hw_tcp(tvb, pinfo, tree, data);
    return true;
}

/* The body of an HTTP message: whole frames that fill it exactly. */
static bool
hw_body_is_frames(tvbuff_t *tvb)
{
    unsigned len = tvb_captured_length(tvb), offset = 0;

    if (len != tvb_reported_length(tvb))
        return false;
    while (offset < len) {
        if (!hw_frame_plausible(tvb, offset))
            return false;
        offset += HW_OVERHEAD + tvb_get_ntohl(tvb, offset + 1) + tvb_get_ntohl(tvb, offset + 5);
        if (offset > len)
            return false;
    }
    return len > 0;
}

/* Dissects a body that hw_body_is_frames() accepted, frame by frame. */
static void
hw_dissect_body_frames(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    unsigned len = tvb_captured_length(tvb), offset = 0;

    while (offset < len) {
        unsigned plen = HW_OVERHEAD + tvb_get_ntohl(tvb, offset + 1) + tvb_get_ntohl(tvb, offset + 5);

        dissect_hw_pdu(tvb_new_subset_length(tvb, offset, (int)plen), pinfo, tree, NULL);
        offset += plen;
    }
}

static ws_bool
dissect_hw_heur_http(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!hw_body_is_frames(tvb))
        return false;
    hw_dissect_body_frames(tvb, pinfo, tree);
    return true;
}

/* HTTP bodies of type application/octet-stream go to the media_type table,
 * where the data dissector sits and takes everything, so HTTP never offers
 * them to its heuristics: this handle takes that entry over, dissects
 * Highway frames and hands every other body to the data dissector as
 * before. */
static int
dissect_hw_octet_stream(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (hw_body_is_frames(tvb)) {
        hw_dissect_body_frames(tvb, pinfo, tree);
        return tvb_captured_length(tvb);
    }
    return call_dissector_with_data(data_handle, tvb, pinfo, tree, data);
}

/* ---------------------------------------------------------------------- */
/* Export Objects                                                          */

static tap_packet_status
hw_eo_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
             tap_flags_t flags _U_)
{
    export_object_list_t *object_list = (export_object_list_t *)tapdata;
    const hw_eo_t *eo = (const hw_eo_t *)data;
    export_object_entry_t *entry = g_new0(export_object_entry_t, 1);

    entry->pkt_num = pinfo->num;
    entry->hostname = g_strdup(eo->hostname);
    entry->content_type = g_strdup("application/octet-stream");
    entry->filename = g_strdup(eo->filename);
    entry->payload_len = eo->len;
    entry->payload_data = (uint8_t *)g_memdup2(eo->data, eo->len);
    object_list->add_entry(object_list->gui_data, entry);
    return TAP_PACKET_REDRAW;
}

static void
hw_init(void)
{
    hw_pending_bytes = 0;
}

/* ---------------------------------------------------------------------- */
/* Registration                                                            */

static void
hw_register_fields(void)
{
    static hf_register_info hf[] = {
        { &hf_hw_start, { "Start", "qqhighway.start", FT_UINT8, BASE_HEX, NULL, 0x0,
            "First byte of a Highway frame, 0x28", HFILL } },
        { &hf_hw_head_length, { "Head length", "qqhighway.head_length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes of the protobuf head", HFILL } },
        { &hf_hw_body_length, { "Body length", "qqhighway.body_length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes of the body (a chunk of the file)", HFILL } },
        { &hf_hw_head, { "Head", "qqhighway.head", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Protobuf head: ReqDataHighwayHead or RspDataHighwayHead", HFILL } },
        { &hf_hw_body, { "Body", "qqhighway.body", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The chunk of the file this frame carries", HFILL } },
        { &hf_hw_end, { "End", "qqhighway.end", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Last byte of a Highway frame, 0x29", HFILL } },
        { &hf_hw_is_response, { "Direction", "qqhighway.response", FT_BOOLEAN, BASE_NONE,
            TFS(&tfs_hw_response_request), 0x0, "Whether the frame is a response (server to client)", HFILL } },
        { &hf_hw_base, { "Base head bytes", "qqhighway.base_head", FT_BYTES, BASE_NONE, NULL, 0x0,
            "DataHighwayHead as sent", HFILL } },
        { &hf_hw_version, { "Version", "qqhighway.version", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_uin, { "QQ number", "qqhighway.uin", FT_UINT64, BASE_DEC, NULL, 0x0,
            "QQ number of the client (sent as ASCII digits)", HFILL } },
        { &hf_hw_uin_text, { "QQ number (not digits)", "qqhighway.uin_text", FT_STRING, BASE_NONE, NULL, 0x0,
            "The QQ number field when it is not a decimal number", HFILL } },
        { &hf_hw_cmd, { "Command", "qqhighway.cmd", FT_STRING, BASE_NONE, NULL, 0x0,
            "Command name, such as PicUp.DataUp", HFILL } },
        { &hf_hw_seq, { "Sequence", "qqhighway.seq", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Sequence number that links a response to its request", HFILL } },
        { &hf_hw_retry_times, { "Retry times", "qqhighway.retry_times", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_appid, { "App id", "qqhighway.appid", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_dataflag, { "Data flag", "qqhighway.dataflag", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_command_id, { "Command id", "qqhighway.command_id", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Numeric command (service): 1 friend picture, 2 group picture, ...", HFILL } },
        { &hf_hw_build_ver, { "Build version", "qqhighway.build_ver", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_locale_id, { "Locale id", "qqhighway.locale_id", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_seg, { "Segment head bytes", "qqhighway.seg_head", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_service_id, { "Service id", "qqhighway.service_id", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_file_size, { "File size", "qqhighway.file_size", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Bytes of the whole file", HFILL } },
        { &hf_hw_offset, { "Offset", "qqhighway.offset", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Where this chunk starts in the file", HFILL } },
        { &hf_hw_chunk_length, { "Chunk length", "qqhighway.chunk_length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes of this chunk", HFILL } },
        { &hf_hw_rtcode, { "Return code", "qqhighway.rtcode", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_ticket, { "Service ticket", "qqhighway.ticket", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Upload ticket (the session key of the upload, from the SSO reply)", HFILL } },
        { &hf_hw_flag, { "Flag", "qqhighway.flag", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_chunk_md5, { "Chunk MD5", "qqhighway.chunk_md5", FT_BYTES, BASE_NONE, NULL, 0x0,
            "MD5 of this chunk", HFILL } },
        { &hf_hw_file_md5, { "File MD5", "qqhighway.file_md5", FT_BYTES, BASE_NONE, NULL, 0x0,
            "MD5 of the whole file", HFILL } },
        { &hf_hw_cache_addr, { "Cache address", "qqhighway.cache_addr", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_query_times, { "Query times", "qqhighway.query_times", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_update_cacheip, { "Update cache IP", "qqhighway.update_cacheip", FT_UINT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_hw_extendinfo, { "Extend info", "qqhighway.extendinfo", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Command-specific protobuf", HFILL } },
        { &hf_hw_timestamp, { "Timestamp", "qqhighway.timestamp", FT_UINT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_login_sig, { "Login signature head", "qqhighway.login_sig", FT_BYTES, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_hw_error_code, { "Error code", "qqhighway.error_code", FT_UINT32, BASE_DEC, NULL, 0x0,
            "0 when the server took the chunk", HFILL } },
        { &hf_hw_allow_retry, { "Allow retry", "qqhighway.allow_retry", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_cache_cost, { "Cache cost", "qqhighway.cache_cost", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_ht_cost, { "Highway cost", "qqhighway.ht_cost", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_range, { "Range", "qqhighway.range", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Bytes of the file the server has", HFILL } },
        { &hf_hw_is_reset, { "Is reset", "qqhighway.is_reset", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_chunk_md5_ok, { "Chunk MD5 check", "qqhighway.chunk_md5_ok", FT_BOOLEAN, BASE_NONE,
            TFS(&tfs_md5_ok), 0x0, "Whether the MD5 of the body matches the head's chunk MD5", HFILL } },
        { &hf_hw_file_md5_ok, { "File MD5 check", "qqhighway.file_md5_ok", FT_BOOLEAN, BASE_NONE,
            TFS(&tfs_md5_ok), 0x0, "Whether the MD5 of the reassembled file matches the head's file MD5", HFILL } },
        { &hf_hw_file, { "File", "qqhighway.file", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The whole file, its chunks put together by offset", HFILL } },
        { &hf_hw_file_name, { "File name", "qqhighway.file_name", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name under which Export Objects offers the file (file MD5 and command)", HFILL } },
        { &hf_hw_response_in, { "Response in", "qqhighway.response_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "Frame of the response with this sequence", HFILL } },
        { &hf_hw_response_to, { "Response to", "qqhighway.response_to", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "Frame of the request with this sequence", HFILL } },
        { &hf_hw_time, { "Time", "qqhighway.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time between the request and its response", HFILL } },
        { &hf_hw_fragments, { "Highway chunks", "qqhighway.fragments", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_fragment, { "Highway chunk", "qqhighway.fragment", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_fragment_overlap, { "Chunk overlap", "qqhighway.fragment.overlap", FT_BOOLEAN, BASE_NONE, NULL,
            0x0, NULL, HFILL } },
        { &hf_hw_fragment_overlap_conflicts, { "Conflicting data in chunk overlap",
            "qqhighway.fragment.overlap.conflicts", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_fragment_multiple_tails, { "Multiple tail chunks", "qqhighway.fragment.multiple_tails",
            FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_fragment_too_long_fragment, { "Chunk too long", "qqhighway.fragment.too_long_fragment",
            FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_hw_fragment_error, { "Reassembly error", "qqhighway.fragment.error", FT_FRAMENUM, BASE_NONE, NULL,
            0x0, NULL, HFILL } },
        { &hf_hw_fragment_count, { "Chunk count", "qqhighway.fragment.count", FT_UINT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_hw_reassembled_in, { "Reassembled in", "qqhighway.reassembled_in", FT_FRAMENUM, BASE_NONE, NULL,
            0x0, "Frame in which the whole file is", HFILL } },
        { &hf_hw_reassembled_length, { "Reassembled length", "qqhighway.reassembled.length", FT_UINT32, BASE_DEC,
            NULL, 0x0, NULL, HFILL } },
    };
    static int *ett[] = { &ett_hw, &ett_hw_head, &ett_hw_base, &ett_hw_seg, &ett_hw_fragment, &ett_hw_fragments };

    proto_register_field_array(proto_qqhighway, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}

static void
hw_register_experts(void)
{
    static ei_register_info ei[] = {
        { &ei_hw_bad_framing, { "qqhighway.bad_framing", PI_MALFORMED, PI_ERROR,
            "Not a Highway frame: no 0x28 start or lengths out of bounds", EXPFILL } },
        { &ei_hw_bad_end, { "qqhighway.bad_end", PI_MALFORMED, PI_WARN,
            "The frame does not end with 0x29", EXPFILL } },
        { &ei_hw_bad_head, { "qqhighway.bad_head", PI_MALFORMED, PI_WARN,
            "The head is not a whole protobuf message with a base head", EXPFILL } },
        { &ei_hw_uin_not_digits, { "qqhighway.uin_not_digits", PI_PROTOCOL, PI_WARN,
            "The QQ number is not a decimal number", EXPFILL } },
        { &ei_hw_chunk_md5_mismatch, { "qqhighway.chunk_md5_mismatch", PI_CHECKSUM, PI_WARN,
            "The MD5 of the body does not match the head's chunk MD5", EXPFILL } },
        { &ei_hw_file_md5_mismatch, { "qqhighway.file_md5_mismatch", PI_CHECKSUM, PI_WARN,
            "The MD5 of the reassembled file does not match the head's file MD5", EXPFILL } },
        { &ei_hw_chunk_length_mismatch, { "qqhighway.chunk_length_mismatch", PI_PROTOCOL, PI_WARN,
            "The head's chunk length differs from the body length", EXPFILL } },
        { &ei_hw_chunk_outside_file, { "qqhighway.chunk_outside_file", PI_PROTOCOL, PI_WARN,
            "The chunk lies (partly) past the end of the file", EXPFILL } },
        { &ei_hw_file_too_large, { "qqhighway.file_too_large", PI_UNDECODED, PI_NOTE,
            "File too large to reassemble", EXPFILL } },
        { &ei_hw_error_code, { "qqhighway.error", PI_RESPONSE_CODE, PI_NOTE,
            "The server answered with an error code", EXPFILL } },
        { &ei_hw_no_response, { "qqhighway.no_response", PI_SEQUENCE, PI_NOTE,
            "No response with this sequence in the capture", EXPFILL } },
    };
    expert_module_t *expert = expert_register_protocol(proto_qqhighway);

    expert_register_field_array(expert, ei, array_length(ei));
}

void
proto_register_qqhighway(void)
{
    module_t *hw_module;

    proto_qqhighway = proto_register_protocol("Tencent QQ Highway", "QQ Highway", "qqhighway");
    hw_register_fields();
    hw_register_experts();
    hw_module = prefs_register_protocol(proto_qqhighway, NULL);
    prefs_register_bool_preference(hw_module, "reassemble", "Reassemble files",
        "Put a file's chunks together by offset, check its MD5 and offer it in Export Objects.",
        &hw_reassemble_files);
    prefs_register_uint_preference(hw_module, "max_file_size", "Largest file reassembled",
        "Files larger than this many bytes are not reassembled; unfinished files together never hold more "
        "than four times this.", 10, &hw_max_file_size);
    prefs_register_bool_preference(hw_module, "protobuf_head", "Show the head with the Protobuf dissector",
        "Hand the head to Wireshark's protobuf dissector as qqhighway.ReqDataHighwayHead or "
        "RspDataHighwayHead (named when protobuf/highway.proto is in Protobuf's search paths).",
        &hw_show_protobuf);
    hw_tcp_handle = register_dissector("qqhighway", dissect_hw_tcp, proto_qqhighway);
    reassembly_table_register(&hw_reassembly_table, &addresses_reassembly_table_functions);
    register_init_routine(hw_init);
    eo_tap = register_export_object(proto_qqhighway, hw_eo_packet, NULL);
}

void
proto_reg_handoff_qqhighway(void)
{
    protobuf_handle = find_dissector("protobuf");
    data_handle = find_dissector("data");
    if (data_handle)
        dissector_add_string("media_type", "application/octet-stream",
                             create_dissector_handle(dissect_hw_octet_stream, proto_qqhighway));
    heur_dissector_add("tcp", dissect_hw_heur_tcp, "QQ Highway over TCP", "qqhighway_tcp",
                       proto_qqhighway, HEURISTIC_ENABLE);
    heur_dissector_add("qq_tcp_guard", dissect_hw_heur_tcp, "QQ Highway on TCP 80, 8080 and 443",
                       "qqhighway_guard", proto_qqhighway, HEURISTIC_ENABLE);
    heur_dissector_add("http", dissect_hw_heur_http, "QQ Highway in HTTP bodies", "qqhighway_http",
                       proto_qqhighway, HEURISTIC_ENABLE);
}
