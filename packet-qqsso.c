/* packet-qqsso.c
 * Routines for Tencent SSO ("MSF") dissection: the transport of today's QQ
 * (Android and iOS QQ, QQNT on the desktop) over TCP 8080, 14000, 443, 80.
 *
 * Facts used here (doc/qq.md "Today's QQ: SSO (MSF)"; layouts from the
 * public client implementations MiraiGo, mirai and Lagrange):
 * - A PDU is `u32 length (counts itself) | u32 type | u8 encryption | ...`.
 *   Three outer layouts exist and the type alone does not tell them apart
 *   (real captures differ from the client sources), so each candidate is
 *   tried and the one whose lengths add up wins:
 *     token:  type | enc | lv32(token) | 00 | lv32(QQ number) | payload
 *     seq:    type | enc | u32 seq     | 00 | lv32(QQ number) | payload
 *     reply:  type | enc |               00 | lv32(QQ number) | payload
 *   ("lv32": a u32 length counting its own 4 bytes, then the bytes). With
 *   encryption 1 (D2 key) or 2 (sixteen zero bytes) the payload must be
 *   whole QQ-TEA blocks.
 * - The payload is lv32(head) lv32(body); request heads name the command,
 *   response heads add a return code and a compression flag.
 * - A fresh connection may start with the 21-byte MSF hello (the server
 *   answers with 25 bytes); its second word 0x01335239 is no packet type.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/str_util.h>

#include "packet-qqsso.h"
#include "plugin.h"
#include "qq-keys.h"
#include "qq-pb.h"
#include "qq-tea.h"
#include "ws-compat.h"

#define QQSSO_PORT_MSF          14000
#define QQSSO_LEN_LEN           4
/* Tencent's servers cap a PDU far below this; anything longer is garbage. */
#define QQSSO_MAX_PDU           (16u * 1024u * 1024u)
/* length, type, encryption, the 00 byte, an empty lv32 QQ number */
#define QQSSO_MIN_PDU           14u
#define QQSSO_MAX_UIN_DIGITS    12u
#define QQSSO_HELLO_LEN         21u
#define QQSSO_HELLO_REPLY_LEN   25u
#define QQSSO_HELLO_MAGIC       0x01335239u
/* zlib input fed to the decompressor at most (it has no output cap). */
#define QQSSO_MAX_ZLIB_IN       (256u * 1024u)
/* Command names longer than this are not command names. */
#define QQSSO_MAX_CMD_LEN       128u

#define QQSSO_TYPE_LOGIN        0x0A
#define QQSSO_TYPE_SIMPLE       0x0B
#define QQSSO_TYPE_NT           0x0C
#define QQSSO_TYPE_NT_SIMPLE    0x0D

#define QQSSO_ENC_NONE          0
#define QQSSO_ENC_D2            1
#define QQSSO_ENC_ZERO          2

#define QQSSO_COMPRESS_NONE     0
#define QQSSO_COMPRESS_ZLIB     1
#define QQSSO_COMPRESS_RAW      8

static int proto_qqsso = -1;

static int hf_qqsso_length = -1;
static int hf_qqsso_hello = -1;
static int hf_qqsso_hello_extra = -1;
static int hf_qqsso_type = -1;
static int hf_qqsso_encryption = -1;
static int hf_qqsso_layout = -1;
static int hf_qqsso_token_len = -1;
static int hf_qqsso_token = -1;
static int hf_qqsso_outer_seq = -1;
static int hf_qqsso_zero = -1;
static int hf_qqsso_uin_len = -1;
static int hf_qqsso_uin = -1;
static int hf_qqsso_uin_text = -1;
static int hf_qqsso_body = -1;
static int hf_qqsso_decrypted = -1;
static int hf_qqsso_key_source = -1;
static int hf_qqsso_key_frame = -1;
static int hf_qqsso_head_len = -1;
static int hf_qqsso_seq = -1;
static int hf_qqsso_appid = -1;
static int hf_qqsso_sub_appid = -1;
static int hf_qqsso_head_reserved = -1;
static int hf_qqsso_tgt = -1;
static int hf_qqsso_cmd = -1;
static int hf_qqsso_session_id = -1;
static int hf_qqsso_device_id = -1;
static int hf_qqsso_head_extra = -1;
static int hf_qqsso_retcode = -1;
static int hf_qqsso_message = -1;
static int hf_qqsso_compression = -1;
static int hf_qqsso_reserve_len = -1;
static int hf_qqsso_client_info = -1;
static int hf_qqsso_reserve = -1;
static int hf_qqsso_body_len = -1;
static int hf_qqsso_payload = -1;
static int hf_qqsso_uncompressed_len = -1;
static int hf_qqsso_response_in = -1;
static int hf_qqsso_response_to = -1;
static int hf_qqsso_time = -1;
static int hf_qqsso_push = -1;
static int hf_qqsso_skipped = -1;

static int ett_qqsso = -1;
static int ett_qqsso_decrypted = -1;
static int ett_qqsso_head = -1;

static expert_field ei_qqsso_bad_length = EI_INIT;
static expert_field ei_qqsso_no_layout = EI_INIT;
static expert_field ei_qqsso_no_start = EI_INIT;
static expert_field ei_qqsso_no_key = EI_INIT;
static expert_field ei_qqsso_undecryptable = EI_INIT;
static expert_field ei_qqsso_bad_head = EI_INIT;
static expert_field ei_qqsso_retcode = EI_INIT;
static expert_field ei_qqsso_zlib = EI_INIT;
static expert_field ei_qqsso_unknown_type = EI_INIT;

static dissector_handle_t qqsso_tcp_handle;
static dissector_handle_t protobuf_handle;
static int qqsso_tap = -1;

static ws_bool qqsso_desegment = true;

static const uint8_t qqsso_zero_key[QQ_KEY_LEN];

static const value_string qqsso_type_vals[] = {
    { QQSSO_TYPE_LOGIN,     "Login (0x0A, with token)" },
    { QQSSO_TYPE_SIMPLE,    "Simple (0x0B, with sequence)" },
    { QQSSO_TYPE_NT,        "NT (0x0C)" },
    { QQSSO_TYPE_NT_SIMPLE, "0x0D (PC QQ 2022, NT simple)" },
    { 0, NULL }
};

static const value_string qqsso_enc_vals[] = {
    { QQSSO_ENC_NONE, "None" },
    { QQSSO_ENC_D2,   "D2 key" },
    { QQSSO_ENC_ZERO, "Sixteen zero bytes" },
    { 0, NULL }
};

static const value_string qqsso_compression_vals[] = {
    { QQSSO_COMPRESS_NONE, "None (lv32 body)" },
    { QQSSO_COMPRESS_ZLIB, "zlib" },
    { QQSSO_COMPRESS_RAW,  "None (body without length)" },
    { 0, NULL }
};

typedef enum {
    QQSSO_LAYOUT_TOKEN = 1,
    QQSSO_LAYOUT_SEQ,
    QQSSO_LAYOUT_REPLY
} qqsso_layout_kind_t;

static const value_string qqsso_layout_vals[] = {
    { QQSSO_LAYOUT_TOKEN, "Request with token (type | enc | lv32 token | 00 | lv32 QQ number)" },
    { QQSSO_LAYOUT_SEQ,   "Request with sequence (type | enc | seq | 00 | lv32 QQ number)" },
    { QQSSO_LAYOUT_REPLY, "Reply (type | enc | 00 | lv32 QQ number)" },
    { 0, NULL }
};

static const value_string qqsso_key_source_vals[] = {
    { QQ_KEYORIGIN_KEYLOG,   "Key log file (qq.keylog_file)" },
    { QQ_KEYORIGIN_TABLE,    "qq_keys table" },
    { QQ_KEYORIGIN_PASSWORD, "Password" },
    { QQ_KEYORIGIN_LEARNED,  "Key learned from a decrypted packet of this capture (frame in qqsso.key_frame)" },
    { QQ_KEYORIGIN_BUILTIN,  "Sixteen zero bytes (encryption type 2, no secret)" },
    { 0, NULL }
};

/* Where the fields of one PDU's outer header sit. */
typedef struct {
    qqsso_layout_kind_t kind;
    uint32_t type;
    uint8_t enc;
    int token_off;              /* the lv32 token (TOKEN layout) */
    uint32_t token_len;         /* its length word (counts itself) */
    int seq_off;                /* the u32 sequence (SEQ layout) */
    int zero_off;
    int uin_off;                /* the lv32 QQ number */
    uint32_t uin_len;           /* its length word (counts itself) */
    int payload_off;
    int payload_len;
} qqsso_outer_t;

/* A request and its response, found by the SSO sequence. */
typedef struct qqsso_trans {
    uint32_t req_frame;
    uint32_t resp_frame;
    nstime_t req_time;
    struct qqsso_trans *next;   /* older transactions of the same sequence */
} qqsso_trans_t;

typedef struct {
    wmem_tree_t *by_seq;        /* seq -> qqsso_trans_t list, newest first */
    uint32_t first_request;     /* frame of the first request seen, 0 if none */
    wmem_tree_t *wtlogin_random_keys;   /* frame -> random key of a wtlogin request */
} qqsso_conv_t;

/* ---------------------------------------------------------------------- */
/* Outer header                                                           */

/* An lv32 at `off` inside [0, end): its length word counts itself. */
static bool
qqsso_lv32_fits(tvbuff_t *tvb, int off, int end, uint32_t *len)
{
    if (off < 0 || off + 4 > end)
        return false;
    *len = tvb_get_ntohl(tvb, off);
    return *len >= 4 && *len <= (uint32_t)(end - off);
}

/* The QQ number: 0..QQSSO_MAX_UIN_DIGITS ASCII digits. */
static bool
qqsso_uin_text_ok(tvbuff_t *tvb, int off, uint32_t len)
{
    uint32_t i;

    if (len > QQSSO_MAX_UIN_DIGITS)
        return false;
    for (i = 0; i < len; i++) {
        if (!g_ascii_isdigit(tvb_get_uint8(tvb, off + (int)i)))
            return false;
    }
    return true;
}

/* The part after the layout-specific field: 00 | lv32(QQ number) | payload.
 * `whole`: tvb[0, end) is the whole PDU (else its first bytes only, whose
 * ciphertext length cannot be checked yet). */
static bool
qqsso_try_tail(tvbuff_t *tvb, int off, int end, bool whole, qqsso_outer_t *o)
{
    int payload;

    if (off >= end || tvb_get_uint8(tvb, off) != 0)
        return false;
    o->zero_off = off;
    o->uin_off = off + 1;
    if (!qqsso_lv32_fits(tvb, o->uin_off, end, &o->uin_len)
            || !qqsso_uin_text_ok(tvb, o->uin_off + 4, o->uin_len - 4))
        return false;
    payload = o->uin_off + (int)o->uin_len;
    o->payload_off = payload;
    o->payload_len = end - payload;
    if (whole && (o->enc == QQSSO_ENC_D2 || o->enc == QQSSO_ENC_ZERO))
        return o->payload_len == 0 || (o->payload_len >= QQ_TEA_MIN_LEN && o->payload_len % QQ_TEA_BLOCK_LEN == 0);
    return true;
}

static bool
qqsso_try_layout(tvbuff_t *tvb, int end, bool whole, qqsso_layout_kind_t kind, qqsso_outer_t *o)
{
    o->kind = kind;
    switch (kind) {
    case QQSSO_LAYOUT_TOKEN:
        o->token_off = 9;
        if (!qqsso_lv32_fits(tvb, 9, end, &o->token_len))
            return false;
        return qqsso_try_tail(tvb, 9 + (int)o->token_len, end, whole, o);
    case QQSSO_LAYOUT_SEQ:
        o->seq_off = 9;
        return end >= 13 && qqsso_try_tail(tvb, 13, end, whole, o);
    default:
        return qqsso_try_tail(tvb, 9, end, whole, o);
    }
}

/* Which layout the PDU in tvb[0, end) has: the type's usual one first, then
 * the others (real captures differ from the client sources). */
static bool
qqsso_parse_outer(tvbuff_t *tvb, int end, bool whole, qqsso_outer_t *o)
{
    static const qqsso_layout_kind_t token_first[] = { QQSSO_LAYOUT_TOKEN, QQSSO_LAYOUT_REPLY, QQSSO_LAYOUT_SEQ };
    static const qqsso_layout_kind_t seq_first[] = { QQSSO_LAYOUT_SEQ, QQSSO_LAYOUT_REPLY, QQSSO_LAYOUT_TOKEN };
    static const qqsso_layout_kind_t reply_first[] = { QQSSO_LAYOUT_REPLY, QQSSO_LAYOUT_SEQ, QQSSO_LAYOUT_TOKEN };
    const qqsso_layout_kind_t *order;
    unsigned i;

    memset(o, 0, sizeof(*o));
    if (end < (int)QQSSO_MIN_PDU)
        return false;
    o->type = tvb_get_ntohl(tvb, 4);
    o->enc = tvb_get_uint8(tvb, 8);
    if (o->type == QQSSO_TYPE_LOGIN || o->type == QQSSO_TYPE_NT)
        order = token_first;
    else if (o->type == QQSSO_TYPE_SIMPLE)
        order = seq_first;
    else
        order = reply_first;
    for (i = 0; i < 3; i++) {
        if (qqsso_try_layout(tvb, end, whole, order[i], o))
            return true;
    }
    return false;
}

static bool
qqsso_is_hello(tvbuff_t *tvb, int offset, uint32_t len)
{
    return (len == QQSSO_HELLO_LEN || len == QQSSO_HELLO_REPLY_LEN)
        && tvb_captured_length_remaining(tvb, offset) >= 17
        && tvb_get_ntohl(tvb, offset + 4) == QQSSO_HELLO_MAGIC
        && tvb_get_uint8(tvb, offset + 12) == 4
        && tvb_memeql(tvb, offset + 13, (const uint8_t *)"MSF", 3) == 0;
}

/* Whether a PDU may start at `offset`: the MSF hello, or a type word below
 * 0x100 (every known type is; unknown types and encryption bytes are
 * shown, but a word of garbage is no type). True when too few bytes are
 * there to tell. */
static bool
qqsso_start_plausible(tvbuff_t *tvb, int offset, uint32_t len)
{
    if (tvb_captured_length_remaining(tvb, offset) < 8 || qqsso_is_hello(tvb, offset, len))
        return true;
    return tvb_get_ntohl(tvb, offset + 4) < 0x100;
}

/* ---------------------------------------------------------------------- */
/* Conversations, requests and responses                                  */

static qqsso_conv_t *
qqsso_get_conv(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    qqsso_conv_t *qc = (qqsso_conv_t *)conversation_get_proto_data(conv, proto_qqsso);

    if (!qc) {
        qc = wmem_new0(wmem_file_scope(), qqsso_conv_t);
        qc->by_seq = wmem_tree_new(wmem_file_scope());
        qc->wtlogin_random_keys = wmem_tree_new(wmem_file_scope());
        conversation_add_proto_data(conv, proto_qqsso, qc);
    }
    return qc;
}

wmem_tree_t *
qqsso_wtlogin_random_keys(packet_info *pinfo)
{
    return qqsso_get_conv(pinfo)->wtlogin_random_keys;
}

static qqsso_trans_t *
qqsso_request_seen(packet_info *pinfo, qqsso_conv_t *qc, uint32_t seq)
{
    qqsso_trans_t *t = (qqsso_trans_t *)wmem_tree_lookup32(qc->by_seq, seq);

    for (; t; t = t->next) {
        if (t->req_frame == pinfo->num)
            return t;
    }
    if (PINFO_FD_VISITED(pinfo))
        return NULL;
    t = wmem_new0(wmem_file_scope(), qqsso_trans_t);
    t->req_frame = pinfo->num;
    t->req_time = pinfo->abs_ts;
    t->next = (qqsso_trans_t *)wmem_tree_lookup32(qc->by_seq, seq);
    wmem_tree_insert32(qc->by_seq, seq, t);
    if (!qc->first_request)
        qc->first_request = pinfo->num;
    return t;
}

static qqsso_trans_t *
qqsso_response_seen(packet_info *pinfo, qqsso_conv_t *qc, uint32_t seq)
{
    qqsso_trans_t *t = (qqsso_trans_t *)wmem_tree_lookup32(qc->by_seq, seq);

    for (; t; t = t->next) {
        if (t->resp_frame == pinfo->num)
            return t;
    }
    if (PINFO_FD_VISITED(pinfo))
        return NULL;
    for (t = (qqsso_trans_t *)wmem_tree_lookup32(qc->by_seq, seq); t; t = t->next) {
        if (!t->resp_frame && t->req_frame < pinfo->num) {
            t->resp_frame = pinfo->num;
            return t;
        }
    }
    return NULL;
}

/* Commands the server sends without being asked. */
static bool
qqsso_is_push_cmd(const char *cmd)
{
    static const char *const prefixes[] = {
        "OnlinePush.", "MessageSvc.PushNotify", "MessageSvc.PushForceOffline", "MessageSvc.PushReaded",
        "ConfigPushSvc.", "StatSvc.ReqMSFOffline", "StatSvc.SvcReqMSFLoginNotify", "RegPrxySvc.Push",
        "trpc.msg.olpush.", "friendlist.PushFriendList", "OidbSvc.PushInfo",
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(cmd, prefixes[i]))
            return true;
    }
    return false;
}

static void
qqsso_link(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qqsso_conv_t *qc, qqsso_info_t *info)
{
    qqsso_trans_t *t;
    proto_item *it;
    nstime_t delta;

    if (!info->is_response) {
        t = qqsso_request_seen(pinfo, qc, info->seq);
        if (t && t->resp_frame) {
            it = proto_tree_add_uint(tree, hf_qqsso_response_in, tvb, 0, 0, t->resp_frame);
            proto_item_set_generated(it);
        }
        return;
    }
    t = qqsso_response_seen(pinfo, qc, info->seq);
    if (t) {
        it = proto_tree_add_uint(tree, hf_qqsso_response_to, tvb, 0, 0, t->req_frame);
        proto_item_set_generated(it);
        nstime_delta(&delta, &pinfo->abs_ts, &t->req_time);
        it = proto_tree_add_time(tree, hf_qqsso_time, tvb, 0, 0, &delta);
        proto_item_set_generated(it);
        return;
    }
    /* Unasked: a known push command, or a reply to nothing this capture
     * holds after it saw requests (not mid-stream captures). */
    info->is_push = (info->cmd && qqsso_is_push_cmd(info->cmd))
        || (qc->first_request && qc->first_request < pinfo->num);
    if (info->is_push) {
        it = proto_tree_add_boolean(tree, hf_qqsso_push, tvb, 0, 0, true);
        proto_item_set_generated(it);
    }
}

/* ---------------------------------------------------------------------- */
/* Heads and bodies                                                       */

/* An lv32 field inside tvb[*off, end) added as `hf` (bytes or string);
 * false, with an expert info, when it does not fit. */
static bool
qqsso_add_lv32(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int hf, int *off, int end,
        const char *what, const char **str_out)
{
    uint32_t len;
    proto_item *it;

    if (!qqsso_lv32_fits(tvb, *off, end, &len)) {
        it = proto_tree_add_item(tree, hf_qqsso_head_extra, tvb, *off, end - *off, ENC_NA);
        expert_add_info_format(pinfo, it, &ei_qqsso_bad_head, "The %s (lv32) does not fit in the head", what);
        return false;
    }
    if (len == 4) {
        /* Empty: said so (a bytes item of length 0 prints as <MISSING>). */
        if (str_out) {
            *str_out = "";
            it = proto_tree_add_string(tree, hf, tvb, *off, 4, "");
        } else {
            it = proto_tree_add_bytes_with_length(tree, hf, tvb, *off, 4, NULL, 0);
        }
        proto_item_set_text(it, "%s: (empty)", proto_registrar_get_name(hf));
    } else if (str_out) {
        proto_tree_add_item_ret_string(tree, hf, tvb, *off + 4, (int)len - 4, ENC_ASCII, pinfo->pool,
                (const uint8_t **)str_out);
    } else {
        proto_tree_add_item(tree, hf, tvb, *off + 4, (int)len - 4, ENC_NA);
    }
    *off += (int)len;
    return true;
}

/* A command name: printable ASCII with a dot or a slash, not too long. */
static bool
qqsso_cmd_plausible(tvbuff_t *tvb, int off, int end)
{
    uint32_t len, i;
    bool sep = false;
    uint8_t c;

    if (!qqsso_lv32_fits(tvb, off, end, &len) || len <= 4 || len - 4 > QQSSO_MAX_CMD_LEN)
        return false;
    for (i = 4; i < len; i++) {
        c = tvb_get_uint8(tvb, off + (int)i);
        if (c < 0x21 || c > 0x7e)
            return false;
        sep |= c == '.' || c == '/';
    }
    return sep;
}

/* Which head the payload holds: a response head (seq, return code, lv32
 * message, lv32 command), a login-class request head (seq, app id, sub app
 * id, 12 bytes, lv32 TGT, lv32 command) or a simple one (lv32 command). */
typedef enum { QQSSO_HEAD_RESPONSE, QQSSO_HEAD_LOGIN, QQSSO_HEAD_SIMPLE, QQSSO_HEAD_UNKNOWN } qqsso_head_kind_t;

static qqsso_head_kind_t
qqsso_guess_head(tvbuff_t *tvb, int off, int end, const qqsso_outer_t *o)
{
    uint32_t len;
    bool login_class = o->kind == QQSSO_LAYOUT_TOKEN;

    if (login_class && qqsso_lv32_fits(tvb, off + 24, end, &len) && qqsso_cmd_plausible(tvb, off + 24 + (int)len, end))
        return QQSSO_HEAD_LOGIN;
    if (qqsso_cmd_plausible(tvb, off, end))
        return QQSSO_HEAD_SIMPLE;
    if (qqsso_lv32_fits(tvb, off + 8, end, &len) && qqsso_cmd_plausible(tvb, off + 8 + (int)len, end))
        return QQSSO_HEAD_RESPONSE;
    if (qqsso_lv32_fits(tvb, off + 24, end, &len) && qqsso_cmd_plausible(tvb, off + 24 + (int)len, end))
        return QQSSO_HEAD_LOGIN;
    return QQSSO_HEAD_UNKNOWN;
}

/* After the device id of a login-class head, Android (MiraiGo) and QQNT
 * (Lagrange) heads alike put lv32(unnamed) | lv16(KSID, or the app
 * version string) | lv32(reserve field, protobuf). Shown when it fits. */
static void
qqsso_dissect_login_head_tail(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end)
{
    uint32_t len;

    if (off < end && qqsso_lv32_fits(tvb, off, end, &len)) {
        if (len > 4)
            proto_tree_add_item(tree, hf_qqsso_head_extra, tvb, off + 4, (int)len - 4, ENC_NA);
        off += (int)len;
        len = off + 2 <= end ? tvb_get_ntohs(tvb, off) : 0;
        if (len >= 2 && len <= (uint32_t)(end - off)) {
            if (len > 2)
                proto_tree_add_item(tree, hf_qqsso_client_info, tvb, off + 2, (int)len - 2, ENC_NA);
            off += (int)len;
            if (off < end && qqsso_lv32_fits(tvb, off, end, &len)) {
                if (len > 4)
                    proto_tree_add_item(tree, hf_qqsso_reserve, tvb, off + 4, (int)len - 4, ENC_NA);
                off += (int)len;
            }
        }
    }
    if (off < end) {
        proto_item *it = proto_tree_add_item(tree, hf_qqsso_head_extra, tvb, off, end - off, ENC_NA);

        if (off + 4 > end)
            expert_add_info(pinfo, it, &ei_qqsso_bad_head);
    }
}

static void
qqsso_dissect_request_head(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end,
        qqsso_head_kind_t kind, qqsso_info_t *info)
{
    if (kind == QQSSO_HEAD_LOGIN) {
        proto_tree_add_item_ret_uint(tree, hf_qqsso_seq, tvb, off, 4, ENC_BIG_ENDIAN, &info->seq);
        proto_tree_add_item(tree, hf_qqsso_appid, tvb, off + 4, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qqsso_sub_appid, tvb, off + 8, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qqsso_head_reserved, tvb, off + 12, 12, ENC_NA);
        off += 24;
        if (!qqsso_add_lv32(tvb, pinfo, tree, hf_qqsso_tgt, &off, end, "TGT", NULL))
            return;
    }
    if (!qqsso_add_lv32(tvb, pinfo, tree, hf_qqsso_cmd, &off, end, "command name", &info->cmd))
        return;
    if (!qqsso_add_lv32(tvb, pinfo, tree, hf_qqsso_session_id, &off, end, "session id", NULL))
        return;
    if (kind == QQSSO_HEAD_LOGIN && off < end
            && !qqsso_add_lv32(tvb, pinfo, tree, hf_qqsso_device_id, &off, end, "device id", NULL))
        return;
    if (kind == QQSSO_HEAD_LOGIN)
        qqsso_dissect_login_head_tail(tvb, pinfo, tree, off, end);
    else if (off < end)
        proto_tree_add_item(tree, hf_qqsso_head_extra, tvb, off, end - off, ENC_NA);
}

/* What may follow a response head's compression flag: a u32 length (not
 * counting itself, as Lagrange reads it) and a protobuf reserve field. */
static void
qqsso_dissect_reserve(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end)
{
    uint32_t len;
    proto_item *it;

    if (off >= end)
        return;
    if (off + 4 > end) {
        proto_tree_add_item(tree, hf_qqsso_head_extra, tvb, off, end - off, ENC_NA);
        return;
    }
    it = proto_tree_add_item_ret_uint(tree, hf_qqsso_reserve_len, tvb, off, 4, ENC_BIG_ENDIAN, &len);
    off += 4;
    if (len > (uint32_t)(end - off)) {
        expert_add_info_format(pinfo, it, &ei_qqsso_bad_head, "Reserve field of %u bytes, %d left in the head",
                len, end - off);
        len = (uint32_t)(end - off);
    }
    if (len)
        proto_tree_add_item(tree, hf_qqsso_reserve, tvb, off, (int)len, ENC_NA);
    off += (int)len;
    if (off < end)
        proto_tree_add_item(tree, hf_qqsso_head_extra, tvb, off, end - off, ENC_NA);
}

/* Returns the compression flag, or -1 when the head is cut short. */
static int
qqsso_dissect_response_head(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end,
        qqsso_info_t *info)
{
    int32_t retcode;
    uint32_t compression;
    proto_item *it;
    const char *message;

    proto_tree_add_item_ret_uint(tree, hf_qqsso_seq, tvb, off, 4, ENC_BIG_ENDIAN, &info->seq);
    it = proto_tree_add_item_ret_int(tree, hf_qqsso_retcode, tvb, off + 4, 4, ENC_BIG_ENDIAN, &retcode);
    if (retcode != 0)
        expert_add_info_format(pinfo, it, &ei_qqsso_retcode, "Return code %d%s", retcode,
                retcode <= -10000 ? " (session expired or forced offline)" : "");
    off += 8;
    if (!qqsso_add_lv32(tvb, pinfo, tree, hf_qqsso_message, &off, end, "message", &message)
            || !qqsso_add_lv32(tvb, pinfo, tree, hf_qqsso_cmd, &off, end, "command name", &info->cmd))
        return -1;
    /* Heartbeat.Alive replies may end here (MiraiGo stops reading). */
    if (off >= end)
        return QQSSO_COMPRESS_NONE;
    if (!qqsso_add_lv32(tvb, pinfo, tree, hf_qqsso_session_id, &off, end, "session id", NULL))
        return -1;
    if (off + 4 > end) {
        it = proto_tree_add_item(tree, hf_qqsso_head_extra, tvb, off, end - off, ENC_NA);
        expert_add_info(pinfo, it, &ei_qqsso_bad_head);
        return -1;
    }
    proto_tree_add_item_ret_uint(tree, hf_qqsso_compression, tvb, off, 4, ENC_BIG_ENDIAN, &compression);
    off += 4;
    qqsso_dissect_reserve(tvb, pinfo, tree, off, end);
    return (int)compression;
}

/* The body in protobuf: Wireshark's protobuf dissector shows its fields
 * (named when a .proto on its search path defines the command's message). */
static void
qqsso_show_body(tvbuff_t *body, packet_info *pinfo, proto_tree *tree, qqsso_info_t *info)
{
    const char *pb_type;

    if (tvb_reported_length(body) == 0)
        return;
    if (info->cmd && g_str_has_prefix(info->cmd, "wtlogin.")) {
        qqsso_dissect_wtlogin(body, pinfo, tree, info);
        return;
    }
    qqsso_dissect_msg(body, pinfo, tree, info);
    pb_type = qqsso_msg_pb_type(info->cmd, info->is_response);
    if (!protobuf_handle || !qq_pb_is_message(body, 0, tvb_captured_length(body))) {
        call_data_dissector(body, pinfo, tree);
        return;
    }
    if (pb_type)
        call_dissector_with_data(protobuf_handle, body, pinfo, tree,
                (void *)wmem_strdup_printf(pinfo->pool, "message,%s", pb_type));
    else
        call_dissector(protobuf_handle, body, pinfo, tree);
}

/* A zlib body: u32 length then the deflate stream (mirai skips 4 bytes). */
static void
qqsso_inflate_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end, qqsso_info_t *info)
{
    tvbuff_t *plain = NULL;
    proto_item *it;
    int zlen;

    if (off + 4 <= end) {
        proto_tree_add_item(tree, hf_qqsso_body_len, tvb, off, 4, ENC_BIG_ENDIAN);
        off += 4;
    }
    zlen = end - off;
    it = proto_tree_add_item(tree, hf_qqsso_payload, tvb, off, zlen, ENC_NA);
    if (zlen <= 0 || (unsigned)zlen > QQSSO_MAX_ZLIB_IN) {
        expert_add_info_format(pinfo, it, &ei_qqsso_zlib, "zlib body of %d bytes not inflated (limit %u)",
                zlen, QQSSO_MAX_ZLIB_IN);
        return;
    }
    plain = tvb_child_uncompress_zlib(tvb, tvb, off, zlen);
    if (!plain) {
        expert_add_info(pinfo, it, &ei_qqsso_zlib);
        return;
    }
    add_new_data_source(pinfo, plain, "Inflated SSO body");
    it = proto_tree_add_uint(tree, hf_qqsso_uncompressed_len, plain, 0, 0, tvb_reported_length(plain));
    proto_item_set_generated(it);
    qqsso_show_body(plain, pinfo, tree, info);
}

/* The body after the head: lv32(body), or as the compression flag says. */
static void
qqsso_dissect_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int compression,
        qqsso_info_t *info)
{
    int end = tvb_reported_length(tvb);
    uint32_t len;
    proto_item *it;

    if (off >= end)
        return;
    if (compression == QQSSO_COMPRESS_ZLIB) {
        qqsso_inflate_body(tvb, pinfo, tree, off, end, info);
        return;
    }
    if (compression == QQSSO_COMPRESS_RAW) {
        proto_tree_add_item(tree, hf_qqsso_payload, tvb, off, end - off, ENC_NA);
        qqsso_show_body(tvb_new_subset_length(tvb, off, end - off), pinfo, tree, info);
        return;
    }
    it = proto_tree_add_item_ret_uint(tree, hf_qqsso_body_len, tvb, off, 4, ENC_BIG_ENDIAN, &len);
    if (len < 4 || len > (uint32_t)(end - off)) {
        expert_add_info_format(pinfo, it, &ei_qqsso_bad_length,
                "Body length %u does not fit the %d bytes left", len, end - off);
        return;
    }
    if (len > 4) {
        proto_tree_add_item(tree, hf_qqsso_payload, tvb, off + 4, (int)len - 4, ENC_NA);
        qqsso_show_body(tvb_new_subset_length(tvb, off + 4, (int)len - 4), pinfo, tree, info);
    }
}

/* lv32(head) lv32(body) of a decrypted (or clear) payload. */
static void
qqsso_dissect_payload(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qqsso_outer_t *o,
        qqsso_info_t *info)
{
    int end = tvb_reported_length(tvb);
    uint32_t head_len;
    proto_item *it;
    proto_tree *head_tree;
    qqsso_head_kind_t kind;
    int compression = QQSSO_COMPRESS_NONE;

    it = proto_tree_add_item_ret_uint(tree, hf_qqsso_head_len, tvb, 0, 4, ENC_BIG_ENDIAN, &head_len);
    if (head_len < 4 || head_len > (uint32_t)end) {
        expert_add_info_format(pinfo, it, &ei_qqsso_bad_length,
                "Head length %u does not fit the %d bytes of the payload", head_len, end);
        return;
    }
    head_tree = proto_tree_add_subtree(tree, tvb, 4, (int)head_len - 4, ett_qqsso_head, NULL, "SSO head");
    kind = qqsso_guess_head(tvb, 4, (int)head_len, o);
    info->is_response = kind == QQSSO_HEAD_RESPONSE;
    if (kind == QQSSO_HEAD_UNKNOWN) {
        it = proto_tree_add_item(head_tree, hf_qqsso_head_extra, tvb, 4, (int)head_len - 4, ENC_NA);
        expert_add_info_format(pinfo, it, &ei_qqsso_bad_head, "No request or response head layout fits");
        return;
    }
    if (kind == QQSSO_HEAD_RESPONSE)
        compression = qqsso_dissect_response_head(tvb, pinfo, head_tree, 4, (int)head_len, info);
    else
        qqsso_dissect_request_head(tvb, pinfo, head_tree, 4, (int)head_len, kind, info);
    if (info->cmd) {
        proto_item_append_text(proto_tree_get_parent(head_tree), ": %s", info->cmd);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "%s %s seq=%u", info->is_response ? "Response" : "Request",
                info->cmd, info->seq);
    }
    if (compression >= 0)
        qqsso_dissect_body(tvb, pinfo, tree, (int)head_len, compression, info);
}

/* ---------------------------------------------------------------------- */
/* Decryption                                                             */

typedef struct {
    const uint8_t *key;
    uint8_t origin;             /* qq_key_origin_t */
    uint32_t frame;             /* learned keys: the frame that taught it */
    const qq_key_t *stored;     /* the store's entry, NULL for the zero key */
} qqsso_key_try_t;

/* Keys to try: the zero key for type 2; D2 keys of the QQ number for 1. */
static unsigned
qqsso_candidate_keys(packet_info *pinfo, const qqsso_outer_t *o, uint32_t uin, qqsso_key_try_t *out)
{
    const qq_key_t *keys[QQ_KEYS_MAX_PER_LOOKUP];
    unsigned n, i;

    if (o->enc == QQSSO_ENC_ZERO) {
        out[0].key = qqsso_zero_key;
        out[0].origin = QQ_KEYORIGIN_BUILTIN;
        out[0].frame = 0;
        out[0].stored = NULL;
        return 1;
    }
    n = qq_keys_lookup(uin, QQ_KEYTYPE_D2, pinfo->num, keys, QQ_KEYS_MAX_PER_LOOKUP);
    for (i = 0; i < n; i++) {
        out[i].key = keys[i]->key;
        out[i].origin = keys[i]->origin;
        out[i].frame = keys[i]->frame;
        out[i].stored = keys[i];
    }
    return n;
}

static void
qqsso_show_key(tvbuff_t *ptvb, proto_tree *tree, const qqsso_key_try_t *used)
{
    proto_item *it;

    it = proto_tree_add_uint(tree, hf_qqsso_key_source, ptvb, 0, 0, used->origin);
    proto_item_set_generated(it);
    if (used->stored && used->stored->what)
        proto_item_append_text(it, ": %s", used->stored->what);
    if (used->frame) {
        it = proto_tree_add_uint(tree, hf_qqsso_key_frame, ptvb, 0, 0, used->frame);
        proto_item_set_generated(it);
    }
}

/* Open the ciphertext with the first key whose padding checks; NULL when
 * none does (a wrong key never gives a plaintext). */
static tvbuff_t *
qqsso_decrypt(tvbuff_t *tvb, packet_info *pinfo, const qqsso_outer_t *o, uint32_t uin, qqsso_key_try_t *used,
        proto_item *body_item)
{
    qqsso_key_try_t tries[QQ_KEYS_MAX_PER_LOOKUP];
    unsigned n = qqsso_candidate_keys(pinfo, o, uin, tries), i;
    uint8_t *plain;
    size_t body_off, body_len;
    const uint8_t *cipher;
    tvbuff_t *ptvb;

    if (n == 0) {
        expert_add_info_format(pinfo, body_item, &ei_qqsso_no_key,
                "Encrypted with the D2 key of %u: give it as a QQ_D2_KEY line in the key log (qq.keylog_file)", uin);
        return NULL;
    }
    cipher = (const uint8_t *)tvb_memdup(pinfo->pool, tvb, o->payload_off, o->payload_len);
    plain = (uint8_t *)wmem_alloc(pinfo->pool, (size_t)o->payload_len);
    for (i = 0; i < n; i++) {
        if (qq_tea_decrypt(tries[i].key, cipher,
                    (size_t)o->payload_len, plain, &body_off, &body_len) != QQ_TEA_OK)
            continue;
        *used = tries[i];
        if (tries[i].stored && tries[i].origin != QQ_KEYORIGIN_LEARNED)
            qq_keys_report_used(pinfo, tries[i].stored);
        ptvb = tvb_new_child_real_data(tvb, plain + body_off, (unsigned)body_len, (int)body_len);
        add_new_data_source(pinfo, ptvb, "Decrypted SSO");
        return ptvb;
    }
    expert_add_info_format(pinfo, body_item, &ei_qqsso_undecryptable,
            "None of the %u key%s opened this payload (wrong key?)", n, plurality(n, "", "s"));
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* One PDU                                                                */

static proto_item *
qqsso_add_outer(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qqsso_outer_t *o, qqsso_info_t *info)
{
    proto_item *it;
    const uint8_t *digits;
    uint32_t ndigits = o->uin_len - 4;

    it = proto_tree_add_item(tree, hf_qqsso_type, tvb, 4, 4, ENC_BIG_ENDIAN);
    if (!try_val_to_str(o->type, qqsso_type_vals))
        expert_add_info(pinfo, it, &ei_qqsso_unknown_type);
    proto_tree_add_item(tree, hf_qqsso_encryption, tvb, 8, 1, ENC_BIG_ENDIAN);
    it = proto_tree_add_uint(tree, hf_qqsso_layout, tvb, 0, 0, o->kind);
    proto_item_set_generated(it);
    if (o->kind == QQSSO_LAYOUT_TOKEN) {
        proto_tree_add_item(tree, hf_qqsso_token_len, tvb, o->token_off, 4, ENC_BIG_ENDIAN);
        if (o->token_len > 4)
            proto_tree_add_item(tree, hf_qqsso_token, tvb, o->token_off + 4, (int)o->token_len - 4, ENC_NA);
    } else if (o->kind == QQSSO_LAYOUT_SEQ) {
        proto_tree_add_item_ret_uint(tree, hf_qqsso_outer_seq, tvb, o->seq_off, 4, ENC_BIG_ENDIAN, &info->seq);
    }
    proto_tree_add_item(tree, hf_qqsso_zero, tvb, o->zero_off, 1, ENC_NA);
    proto_tree_add_item(tree, hf_qqsso_uin_len, tvb, o->uin_off, 4, ENC_BIG_ENDIAN);
    if (ndigits) {
        proto_tree_add_item_ret_string(tree, hf_qqsso_uin_text, tvb, o->uin_off + 4, (int)ndigits, ENC_ASCII,
                pinfo->pool, &digits);
        info->uin = (uint32_t)g_ascii_strtoull((const char *)digits, NULL, 10);
        proto_tree_add_uint64(tree, hf_qqsso_uin, tvb, o->uin_off + 4, (int)ndigits,
                g_ascii_strtoull((const char *)digits, NULL, 10));
    }
    if (o->payload_len == 0)
        return NULL;
    return proto_tree_add_item(tree, hf_qqsso_body, tvb, o->payload_off, o->payload_len, ENC_NA);
}

static void
qqsso_dissect_sso(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *ti, const qqsso_outer_t *o)
{
    qqsso_info_t *info = wmem_new0(pinfo->pool, qqsso_info_t);
    qqsso_key_try_t used = { NULL, 0, 0, NULL };
    tvbuff_t *ptvb = NULL;
    proto_item *body_item, *dti;
    proto_tree *dtree = tree;

    info->type = o->type;
    info->encryption = o->enc;
    body_item = qqsso_add_outer(tvb, pinfo, tree, o, info);
    proto_item_append_text(ti, ", %s, %s, QQ %u", val_to_str_const(o->type, qqsso_type_vals, "unknown type"),
            val_to_str_const(o->enc, qqsso_enc_vals, "unknown encryption"), info->uin);
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "SSO 0x%02x %s QQ %u", o->type,
            val_to_str_const(o->enc, qqsso_enc_vals, "?"), info->uin);
    if (o->payload_len == 0) {
        tap_queue_packet(qqsso_tap, pinfo, info);
        return;
    }
    if (o->enc == QQSSO_ENC_NONE) {
        ptvb = tvb_new_subset_length(tvb, o->payload_off, o->payload_len);
    } else if (o->enc == QQSSO_ENC_D2 || o->enc == QQSSO_ENC_ZERO) {
        if (qq_keys_decrypt_enabled())
            ptvb = qqsso_decrypt(tvb, pinfo, o, info->uin, &used, body_item);
        else
            expert_add_info_format(pinfo, body_item, &ei_qqsso_no_key, "Decryption is off (preference qq.decrypt)");
        if (ptvb) {
            dti = proto_tree_add_item(tree, hf_qqsso_decrypted, ptvb, 0, -1, ENC_NA);
            dtree = proto_item_add_subtree(dti, ett_qqsso_decrypted);
            qqsso_show_key(ptvb, dtree, &used);
        }
    } else {
        expert_add_info_format(pinfo, body_item, &ei_qqsso_unknown_type,
                "Unknown encryption type %u: the payload is shown as it is", o->enc);
    }
    if (!ptvb) {
        /* A reply arrives in the same connection: still link by outer seq. */
        if (o->kind == QQSSO_LAYOUT_SEQ)
            qqsso_link(tvb, pinfo, tree, qqsso_get_conv(pinfo), info);
        tap_queue_packet(qqsso_tap, pinfo, info);
        return;
    }
    info->decrypted = true;
    TRY {
        qqsso_dissect_payload(ptvb, pinfo, dtree, o, info);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(ptvb, pinfo, dtree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    qqsso_link(tvb, pinfo, tree, qqsso_get_conv(pinfo), info);
    tap_queue_packet(qqsso_tap, pinfo, info);
}

static int
dissect_qqsso_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    int avail = tvb_reported_length(tvb);
    uint32_t len = tvb_get_ntohl(tvb, 0);
    proto_item *ti, *len_it;
    proto_tree *sso_tree;
    qqsso_outer_t o;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "QQ SSO");
    ti = proto_tree_add_item(tree, proto_qqsso, tvb, 0, -1, ENC_NA);
    sso_tree = proto_item_add_subtree(ti, ett_qqsso);
    len_it = proto_tree_add_item(sso_tree, hf_qqsso_length, tvb, 0, 4, ENC_BIG_ENDIAN);
    if (len >= QQSSO_MIN_PDU && len <= QQSSO_MAX_PDU && !qqsso_start_plausible(tvb, 0, len)) {
        expert_add_info_format(pinfo, len_it, &ei_qqsso_no_start,
                "No SSO PDU starts here (type word 0x%08x, encryption byte %u): %d bytes skipped",
                tvb_get_ntohl(tvb, 4), tvb_get_uint8(tvb, 8), avail);
        proto_tree_add_item(sso_tree, hf_qqsso_skipped, tvb, QQSSO_LEN_LEN, -1, ENC_NA);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "No SSO PDU start, %d bytes skipped", avail);
        return avail;
    }
    if (len < QQSSO_MIN_PDU || len > QQSSO_MAX_PDU || (int)len != avail) {
        expert_add_info_format(pinfo, len_it, &ei_qqsso_bad_length,
                "Length %u is out of bounds (%u..%u) or does not match the %d bytes present; the rest is skipped",
                len, QQSSO_MIN_PDU, QQSSO_MAX_PDU, avail);
        if (avail > QQSSO_LEN_LEN)
            proto_tree_add_item(sso_tree, hf_qqsso_skipped, tvb, QQSSO_LEN_LEN, -1, ENC_NA);
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "SSO data with a bad length");
        return avail;
    }
    if (qqsso_is_hello(tvb, 0, len)) {
        proto_tree_add_item(sso_tree, hf_qqsso_hello, tvb, 4, QQSSO_HELLO_LEN - 4, ENC_NA);
        if (len == QQSSO_HELLO_REPLY_LEN)
            proto_tree_add_item(sso_tree, hf_qqsso_hello_extra, tvb, QQSSO_HELLO_LEN, 4, ENC_NA);
        proto_item_append_text(ti, ", MSF hello%s", len == QQSSO_HELLO_REPLY_LEN ? " answer" : "");
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ",
                len == QQSSO_HELLO_REPLY_LEN ? "MSF hello answer" : "MSF hello");
        return avail;
    }
    if (!qqsso_parse_outer(tvb, avail, true, &o)) {
        proto_tree_add_item(sso_tree, hf_qqsso_type, tvb, 4, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(sso_tree, hf_qqsso_encryption, tvb, 8, 1, ENC_BIG_ENDIAN);
        proto_tree_add_expert(sso_tree, pinfo, &ei_qqsso_no_layout, tvb, 9, -1);
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "SSO PDU of no known layout");
        return avail;
    }
    qqsso_dissect_sso(tvb, pinfo, sso_tree, ti, &o);
    return avail;
}

static unsigned
get_qqsso_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    uint32_t len = tvb_get_ntohl(tvb, offset);

    /* A bad length, or no PDU start (a capture that begins in the middle
     * of a PDU): the rest of the segment is skipped as one unit, and the
     * next segment is read afresh. */
    if (len < QQSSO_MIN_PDU || len > QQSSO_MAX_PDU || !qqsso_start_plausible(tvb, offset, len))
        return (unsigned)tvb_reported_length_remaining(tvb, offset);
    return len;
}

static int
dissect_qqsso_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "QQ SSO");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, qqsso_desegment, QQSSO_LEN_LEN, get_qqsso_pdu_len, dissect_qqsso_pdu, NULL);
    return tvb_captured_length(tvb);
}

/* ---------------------------------------------------------------------- */
/* Heuristics                                                             */

/* Does the data start with an SSO PDU? Cheap tests first: this sees every
 * payload of TCP 443/80/8080 (TLS records start 0x14..0x17, HTTP with a
 * letter, both fail the first length byte or the type word). */
static bool
qqsso_looks_like_sso(tvbuff_t *tvb)
{
    int avail = tvb_captured_length(tvb);
    uint32_t len, type;
    qqsso_outer_t o;

    if (avail < (int)QQSSO_MIN_PDU || tvb_get_uint8(tvb, 0) != 0)
        return false;
    len = tvb_get_ntohl(tvb, 0);
    if (len < QQSSO_MIN_PDU || len > QQSSO_MAX_PDU)
        return false;
    if (qqsso_is_hello(tvb, 0, len))
        return true;
    type = tvb_get_ntohl(tvb, 4);
    if (type < QQSSO_TYPE_LOGIN || type > QQSSO_TYPE_NT_SIMPLE || tvb_get_uint8(tvb, 8) > QQSSO_ENC_ZERO)
        return false;
    /* The structure must add up within the first PDU (whole or not). */
    if ((uint32_t)avail < len)
        return qqsso_parse_outer(tvb, avail, false, &o);
    return qqsso_parse_outer(tvb, (int)len, true, &o);
}

static ws_bool
dissect_qqsso_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!qqsso_looks_like_sso(tvb))
        return false;
    if (!pinfo->flags.in_error_pkt)
        conversation_set_dissector(find_or_create_conversation(pinfo), qqsso_tcp_handle);
    dissect_qqsso_tcp(tvb, pinfo, tree, data);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Registration                                                           */

static void
qqsso_register_fields(void)
{
    static hf_register_info hf[] = {
        { &hf_qqsso_length,
          { "Length", "qqsso.length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Length of the whole PDU, these 4 bytes included", HFILL }},
        { &hf_qqsso_hello,
          { "MSF hello", "qqsso.hello", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The first bytes of a fresh connection: 01 33 52 39 00 00 00 00 04 \"MSF\" 05 00 00 00 00", HFILL }},
        { &hf_qqsso_hello_extra,
          { "MSF hello answer data", "qqsso.hello_extra", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The 4 bytes the server's hello answer adds", HFILL }},
        { &hf_qqsso_type,
          { "Type", "qqsso.type", FT_UINT32, BASE_HEX, VALS(qqsso_type_vals), 0x0, NULL, HFILL }},
        { &hf_qqsso_encryption,
          { "Encryption", "qqsso.encryption", FT_UINT8, BASE_DEC, VALS(qqsso_enc_vals), 0x0, NULL, HFILL }},
        { &hf_qqsso_layout,
          { "Outer layout", "qqsso.layout", FT_UINT8, BASE_DEC, VALS(qqsso_layout_vals), 0x0,
            "Which of the outer layouts the PDU's lengths fit", HFILL }},
        { &hf_qqsso_token_len,
          { "Token length", "qqsso.token_len", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Length of the D2 token field, these 4 bytes included", HFILL }},
        { &hf_qqsso_token,
          { "D2 token", "qqsso.token", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_outer_seq,
          { "Outer sequence", "qqsso.outer_seq", FT_UINT32, BASE_DEC, NULL, 0x0,
            "SSO sequence in the clear header of a simple (0x0B) request", HFILL }},
        { &hf_qqsso_zero,
          { "Separator", "qqsso.separator", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_uin_len,
          { "QQ number length", "qqsso.uin_len", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Length of the QQ number field, these 4 bytes included", HFILL }},
        { &hf_qqsso_uin,
          { "QQ number", "qqsso.uin", FT_UINT64, BASE_DEC, NULL, 0x0,
            "The QQ number the header names (sent as ASCII digits)", HFILL }},
        { &hf_qqsso_uin_text,
          { "QQ number (text)", "qqsso.uin_text", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_body,
          { "Payload", "qqsso.body", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The payload after the outer header, encrypted unless the encryption is 0", HFILL }},
        { &hf_qqsso_decrypted,
          { "Decrypted payload", "qqsso.decrypted", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_key_source,
          { "Key source", "qqsso.key_source", FT_UINT8, BASE_DEC, VALS(qqsso_key_source_vals), 0x0,
            "Where the key that opened the payload came from", HFILL }},
        { &hf_qqsso_key_frame,
          { "Key from frame", "qqsso.key_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The frame whose decrypted content taught the key", HFILL }},
        { &hf_qqsso_head_len,
          { "Head length", "qqsso.head_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_seq,
          { "Sequence", "qqsso.seq", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_appid,
          { "App id", "qqsso.appid", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_sub_appid,
          { "Sub app id", "qqsso.sub_appid", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Sub app id (QQNT heads put the locale id, 2052, here)", HFILL }},
        { &hf_qqsso_head_reserved,
          { "Reserved", "qqsso.head_reserved", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_tgt,
          { "TGT", "qqsso.tgt", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_cmd,
          { "Command", "qqsso.cmd", FT_STRING, BASE_NONE, NULL, 0x0,
            "Service command name such as wtlogin.login or MessageSvc.PbSendMsg", HFILL }},
        { &hf_qqsso_session_id,
          { "Session id", "qqsso.session_id", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_device_id,
          { "Device id", "qqsso.device_id", FT_BYTES, BASE_SHOW_ASCII_PRINTABLE, NULL, 0x0,
            "IMEI (Android heads) or device GUID in hex (QQNT heads)", HFILL }},
        { &hf_qqsso_head_extra,
          { "Further head fields", "qqsso.head_extra", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_retcode,
          { "Return code", "qqsso.retcode", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_message,
          { "Message", "qqsso.message", FT_STRING, BASE_NONE, NULL, 0x0,
            "The response head's message field", HFILL }},
        { &hf_qqsso_compression,
          { "Compression", "qqsso.compression", FT_UINT32, BASE_DEC, VALS(qqsso_compression_vals), 0x0, NULL, HFILL }},
        { &hf_qqsso_reserve_len,
          { "Reserve field length", "qqsso.reserve_len", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Length of the response head's reserve field (not counting these 4 bytes)", HFILL }},
        { &hf_qqsso_client_info,
          { "Client info", "qqsso.client_info", FT_BYTES, BASE_SHOW_ASCII_PRINTABLE, NULL, 0x0,
            "The lv16 field of a login-class head: the KSID in Android heads, the app version in QQNT heads",
            HFILL }},
        { &hf_qqsso_reserve,
          { "Reserve field", "qqsso.reserve", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Protobuf reserve field at the end of a head", HFILL }},
        { &hf_qqsso_body_len,
          { "Body length", "qqsso.body_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_payload,
          { "Body", "qqsso.payload", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The service body (protobuf, JCE or wtlogin)", HFILL }},
        { &hf_qqsso_uncompressed_len,
          { "Inflated length", "qqsso.uncompressed_len", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_response_in,
          { "Response in", "qqsso.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            NULL, HFILL }},
        { &hf_qqsso_response_to,
          { "Response to", "qqsso.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            NULL, HFILL }},
        { &hf_qqsso_time,
          { "Time since request", "qqsso.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_qqsso_push,
          { "Server push", "qqsso.push", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Sent by the server without a request of this capture", HFILL }},
        { &hf_qqsso_skipped,
          { "Skipped data", "qqsso.skipped", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
    };
    static int *ett[] = {
        &ett_qqsso, &ett_qqsso_decrypted, &ett_qqsso_head,
    };

    proto_register_field_array(proto_qqsso, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}

static expert_module_t *
qqsso_register_experts(void)
{
    static ei_register_info ei[] = {
        { &ei_qqsso_bad_length, { "qqsso.bad_length", PI_MALFORMED, PI_ERROR,
            "Length out of bounds", EXPFILL }},
        { &ei_qqsso_no_start, { "qqsso.no_start", PI_MALFORMED, PI_WARN,
            "No SSO PDU starts here (a capture begun mid-PDU?): skipped to the end of the segment", EXPFILL }},
        { &ei_qqsso_no_layout, { "qqsso.no_layout", PI_MALFORMED, PI_WARN,
            "No outer layout fits: lengths do not add up, or the ciphertext is not whole 8-byte blocks", EXPFILL }},
        { &ei_qqsso_no_key, { "qqsso.no_key", PI_DECRYPTION, PI_NOTE,
            "No key for this payload", EXPFILL }},
        { &ei_qqsso_undecryptable, { "qqsso.undecryptable", PI_DECRYPTION, PI_WARN,
            "No key opened this payload", EXPFILL }},
        { &ei_qqsso_bad_head, { "qqsso.bad_head", PI_MALFORMED, PI_WARN,
            "SSO head cut short", EXPFILL }},
        { &ei_qqsso_retcode, { "qqsso.retcode.error", PI_RESPONSE_CODE, PI_NOTE,
            "Non-zero return code", EXPFILL }},
        { &ei_qqsso_zlib, { "qqsso.zlib_failed", PI_MALFORMED, PI_WARN,
            "zlib body could not be inflated", EXPFILL }},
        { &ei_qqsso_unknown_type, { "qqsso.unknown_type", PI_UNDECODED, PI_NOTE,
            "Unknown SSO type", EXPFILL }},
    };
    expert_module_t *expert = expert_register_protocol(proto_qqsso);

    expert_register_field_array(expert, ei, array_length(ei));
    return expert;
}

void
proto_register_qqsso(void)
{
    module_t *module;

    proto_qqsso = proto_register_protocol("Tencent SSO (MSF) Protocol", "QQ SSO", "qqsso");
    qqsso_register_fields();
    qqsso_register_experts();
    module = prefs_register_protocol(proto_qqsso, NULL);
    prefs_register_bool_preference(module, "desegment",
            "Reassemble SSO PDUs spanning multiple TCP segments",
            "Whether the SSO dissector should reassemble PDUs spanning multiple TCP segments."
            " To use this option, you must also enable \"Allow subdissectors to reassemble TCP"
            " streams\" in the TCP protocol settings.",
            &qqsso_desegment);
    qqsso_tcp_handle = register_dissector("qqsso_tcp", dissect_qqsso_tcp, proto_qqsso);
    qqsso_tap = register_tap("qqsso");
}

void
proto_reg_handoff_qqsso(void)
{
    dissector_add_uint_with_preference("tcp.port", QQSSO_PORT_MSF, qqsso_tcp_handle);
    heur_dissector_add("tcp", dissect_qqsso_heur, "QQ SSO (MSF) over TCP", "qqsso_tcp", proto_qqsso,
            HEURISTIC_ENABLE);
    /* TCP 443/80/8080: the QQ guard tries this before TLS or HTTP. */
    if (find_heur_dissector_list("qq_tcp_guard"))
        heur_dissector_add("qq_tcp_guard", dissect_qqsso_heur, "QQ SSO (MSF) on TCP 443/80/8080",
                "qqsso_guard", proto_qqsso, HEURISTIC_ENABLE);
    protobuf_handle = find_dissector("protobuf");
}
