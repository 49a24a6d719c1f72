/* packet-qqsso-wtlogin.c
 * The wtlogin ("oicq") layer inside SSO bodies of `wtlogin.*` commands:
 * Tencent's login exchange, which hands out the D2 key that later SSO
 * packets of encryption type 1 use.
 *
 * Layout (MiraiGo client/internal/oicq, mirai PacketCodec):
 *   02 | u16 length | u16 version 8001 (0x1F41) | u16 command | 00 01 | u32 QQ number |
 *   request:  03 | method (0x87 ECDH, 0x45 session ticket) | 00 | u32 2 | u32 0 | u32 0 |
 *             0x87: 02 01 | 16-byte random key | 01 31 | u16 key version | u16 n | n-byte public key
 *             0x45: 01 03 | 16-byte random key | 01 02 | 00 00
 *             | ciphertext | 03
 *   response: 00 | method (0 share key, 3 session ticket key) | 00 | ciphertext | 03
 * The 0x87 ciphertext and the response open with the ECDH share key (a
 * QQ_WTLOGIN_KEY line; the response also with the request's random key);
 * the 0x45 ciphertext opens with the random key it carries in clear. Inside:
 * u16 sub command, TLVs (u16 tag, u16 length). The response's TLV 0x119 is
 * encrypted again (with the client's TGTGT key, also given as a
 * QQ_WTLOGIN_KEY line) and holds TLV 0x143 (the D2 token) and 0x305 (the
 * D2 key), which is learned for the rest of the capture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/expert.h>

#include "packet-qqsso.h"
#include "plugin.h"
#include "qq-keys.h"
#include "qq-tea.h"
#include "ws-compat.h"

#define WTLOGIN_FLAG            0x02
#define WTLOGIN_TAIL            0x03
#define WTLOGIN_HDR_LEN         16      /* flag .. the byte after the QQ number, method, 00 */
#define WTLOGIN_METHOD_ECDH     0x87
#define WTLOGIN_METHOD_ST       0x45
#define WTLOGIN_KEY_LEN         16
#define WTLOGIN_TLV_T119        0x0119
#define WTLOGIN_TLV_D2          0x0143
#define WTLOGIN_TLV_D2_KEY      0x0305
/* Nesting of encrypted TLV blocks shown at most (0x119 inside a reply). */
#define WTLOGIN_MAX_DEPTH       2

static int hf_wt_flag = -1;
static int hf_wt_length = -1;
static int hf_wt_version = -1;
static int hf_wt_command = -1;
static int hf_wt_const = -1;
static int hf_wt_uin = -1;
static int hf_wt_method = -1;
static int hf_wt_random_key = -1;
static int hf_wt_pubkey_ver = -1;
static int hf_wt_pubkey = -1;
static int hf_wt_cipher = -1;
static int hf_wt_key_kind = -1;
static int hf_wt_sub_cmd = -1;
static int hf_wt_status = -1;
static int hf_wt_tlv_count = -1;
static int hf_wt_tlv_tag = -1;
static int hf_wt_tlv_len = -1;
static int hf_wt_tlv_value = -1;
static int hf_wt_d2 = -1;
static int hf_wt_d2_key = -1;

static int ett_wt = -1;
static int ett_wt_plain = -1;
static int ett_wt_tlv = -1;

static expert_field ei_wt_bad = EI_INIT;
static expert_field ei_wt_no_key = EI_INIT;
static expert_field ei_wt_learned = EI_INIT;

typedef enum {
    WT_KEY_SHARE = 1,   /* QQ_WTLOGIN_KEY line (ECDH share key or TGTGT key) */
    WT_KEY_RANDOM       /* the request's random key, sent in clear */
} wt_key_kind_t;

static const value_string wt_key_kind_vals[] = {
    { WT_KEY_SHARE,  "QQ_WTLOGIN_KEY from the key log" },
    { WT_KEY_RANDOM, "Random key the request carries in clear (no secret)" },
    { 0, NULL }
};

static const value_string wt_method_vals[] = {
    { 0x00, "Share key (response)" },
    { 0x03, "Session ticket key (response)" },
    { WTLOGIN_METHOD_ECDH, "ECDH (request)" },
    { WTLOGIN_METHOD_ST, "Session ticket (request)" },
    { 0, NULL }
};

static const value_string wt_command_vals[] = {
    { 0x0810, "wtlogin.login" },
    { 0x0812, "wtlogin.exchange_emp / device lock" },
    { 0x0813, "wtlogin.trans_emp (QR code)" },
    { 0, NULL }
};

/* TLVs of a plaintext from `off`; 0x119 opens with the key log's keys and
 * its 0x305 teaches the D2 key. */
static void wt_dissect_tlvs(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, uint32_t uin, int depth);

/* Try QQ_WTLOGIN_KEY keys of `uin` (and `extra`, when given) on
 * tvb[off, off+len); the plaintext as a new tvb, or NULL. */
static tvbuff_t *
wt_open(tvbuff_t *tvb, packet_info *pinfo, int off, int len, uint32_t uin, const uint8_t *extra,
        wt_key_kind_t *kind)
{
    const qq_key_t *keys[QQ_KEYS_MAX_PER_LOOKUP];
    unsigned n, i;
    uint8_t *plain;
    size_t body_off, body_len;
    const uint8_t *cipher;

    if (len < QQ_TEA_MIN_LEN || len % QQ_TEA_BLOCK_LEN)
        return NULL;
    cipher = (const uint8_t *)tvb_memdup(pinfo->pool, tvb, off, len);
    plain = (uint8_t *)wmem_alloc(pinfo->pool, (size_t)len);
    n = qq_keys_lookup(uin, QQ_KEYTYPE_WTLOGIN, pinfo->num, keys, QQ_KEYS_MAX_PER_LOOKUP);
    for (i = 0; i < n; i++) {
        if (qq_tea_decrypt(keys[i]->key, cipher, (size_t)len, plain, &body_off, &body_len) == QQ_TEA_OK) {
            qq_keys_report_used(pinfo, keys[i]);
            *kind = WT_KEY_SHARE;
            return tvb_new_child_real_data(tvb, plain + body_off, (unsigned)body_len, (int)body_len);
        }
    }
    if (extra && qq_tea_decrypt(extra, cipher, (size_t)len, plain, &body_off, &body_len) == QQ_TEA_OK) {
        *kind = WT_KEY_RANDOM;
        return tvb_new_child_real_data(tvb, plain + body_off, (unsigned)body_len, (int)body_len);
    }
    return NULL;
}

static void
wt_learn_d2(tvbuff_t *tvb, packet_info *pinfo, proto_item *it, int off, uint32_t len, uint32_t uin)
{
    uint8_t key[QQ_KEY_LEN];

    if (len != QQ_KEY_LEN) {
        expert_add_info_format(pinfo, it, &ei_wt_bad, "TLV 0x0305 holds %u bytes, not a 16-byte D2 key", len);
        return;
    }
    tvb_memcpy(tvb, key, off, QQ_KEY_LEN);
    qq_keys_learn(pinfo, uin, QQ_KEYTYPE_D2, key, "TLV 0x0305 of the wtlogin reply");
    expert_add_info_format(pinfo, it, &ei_wt_learned, "D2 key of QQ %u learned: SSO packets of encryption 1 open with it", uin);
}

/* One TLV; encrypted 0x119 is opened and walked (bounded depth). */
static void
wt_dissect_tlv(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, uint32_t tag, uint32_t len,
        uint32_t uin, int depth)
{
    proto_tree *sub;
    proto_item *it;
    tvbuff_t *inner;
    wt_key_kind_t kind;

    sub = proto_tree_add_subtree_format(tree, tvb, off, 4 + (int)len, ett_wt_tlv, NULL, "TLV 0x%04x (%u bytes)", tag, len);
    proto_tree_add_item(sub, hf_wt_tlv_tag, tvb, off, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(sub, hf_wt_tlv_len, tvb, off + 2, 2, ENC_BIG_ENDIAN);
    off += 4;
    if (tag == WTLOGIN_TLV_D2) {
        proto_tree_add_item(sub, hf_wt_d2, tvb, off, (int)len, ENC_NA);
        return;
    }
    if (tag == WTLOGIN_TLV_D2_KEY) {
        it = proto_tree_add_item(sub, hf_wt_d2_key, tvb, off, (int)len, ENC_NA);
        wt_learn_d2(tvb, pinfo, it, off, len, uin);
        return;
    }
    it = proto_tree_add_item(sub, hf_wt_tlv_value, tvb, off, (int)len, ENC_NA);
    if (tag != WTLOGIN_TLV_T119 || depth >= WTLOGIN_MAX_DEPTH)
        return;
    inner = wt_open(tvb, pinfo, off, (int)len, uin, NULL, &kind);
    if (!inner) {
        expert_add_info_format(pinfo, it, &ei_wt_no_key,
                "TLV 0x0119 (D2 and its key) opens with the TGTGT key: give it as a QQ_WTLOGIN_KEY line");
        return;
    }
    add_new_data_source(pinfo, inner, "Decrypted wtlogin TLV 0x0119");
    /* u16 TLV count, then TLVs. */
    if (tvb_reported_length(inner) >= 2)
        proto_tree_add_item(sub, hf_wt_tlv_count, inner, 0, 2, ENC_BIG_ENDIAN);
    wt_dissect_tlvs(inner, pinfo, sub, 2, uin, depth + 1);
}

static void
wt_dissect_tlvs(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, uint32_t uin, int depth)
{
    int end = tvb_reported_length(tvb);
    uint32_t tag, len;

    while (off + 4 <= end) {
        tag = tvb_get_ntohs(tvb, off);
        len = tvb_get_ntohs(tvb, off + 2);
        if (len > (uint32_t)(end - off - 4)) {
            proto_tree_add_expert_format(tree, pinfo, &ei_wt_bad, tvb, off, end - off,
                    "TLV 0x%04x of %u bytes runs past the end (%d bytes left)", tag, len, end - off - 4);
            return;
        }
        wt_dissect_tlv(tvb, pinfo, tree, off, tag, len, uin, depth);
        off += 4 + (int)len;
    }
    if (off < end)
        proto_tree_add_expert_format(tree, pinfo, &ei_wt_bad, tvb, off, end - off, "%d trailing bytes", end - off);
}

/* The clear part of a request after the method byte; returns the
 * ciphertext offset and the random key in `random_key`. */
static int
wt_dissect_request_clear(tvbuff_t *tvb, proto_tree *tree, int off, int end, uint8_t method,
        uint8_t random_key[WTLOGIN_KEY_LEN])
{
    uint32_t n;

    /* 00 | u32 2 | u32 0 | u32 0 | two bytes | random key */
    off += 1 + 12 + 2;
    if (off + WTLOGIN_KEY_LEN > end)
        return -1;
    proto_tree_add_item(tree, hf_wt_random_key, tvb, off, WTLOGIN_KEY_LEN, ENC_NA);
    tvb_memcpy(tvb, random_key, off, WTLOGIN_KEY_LEN);
    off += WTLOGIN_KEY_LEN;
    if (method == WTLOGIN_METHOD_ECDH) {
        if (off + 6 > end)
            return -1;
        proto_tree_add_item(tree, hf_wt_pubkey_ver, tvb, off + 2, 2, ENC_BIG_ENDIAN);
        n = tvb_get_ntohs(tvb, off + 4);
        off += 6;
        if (n > (uint32_t)(end - off))
            return -1;
        proto_tree_add_item(tree, hf_wt_pubkey, tvb, off, (int)n, ENC_NA);
        return off + (int)n;
    }
    return off + 4;     /* 01 02 00 00 */
}

/* The header through the method byte; false when it is no wtlogin packet. */
static bool
wt_dissect_header(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int end, uint32_t *uin, uint8_t *method,
        bool *is_request)
{
    uint32_t len;
    proto_item *it;

    if (end < WTLOGIN_HDR_LEN + 1 || tvb_get_uint8(tvb, 0) != WTLOGIN_FLAG) {
        proto_tree_add_expert_format(tree, pinfo, &ei_wt_bad, tvb, 0, end, "Not a wtlogin packet (no 0x02 start)");
        return false;
    }
    proto_tree_add_item(tree, hf_wt_flag, tvb, 0, 1, ENC_NA);
    it = proto_tree_add_item_ret_uint(tree, hf_wt_length, tvb, 1, 2, ENC_BIG_ENDIAN, &len);
    if (len != (uint32_t)end)
        expert_add_info_format(pinfo, it, &ei_wt_bad, "Length %u, but the body holds %d bytes", len, end);
    proto_tree_add_item(tree, hf_wt_version, tvb, 3, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_wt_command, tvb, 5, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_wt_const, tvb, 7, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item_ret_uint(tree, hf_wt_uin, tvb, 9, 4, ENC_BIG_ENDIAN, uin);
    *is_request = tvb_get_uint8(tvb, 13) == WTLOGIN_TAIL;
    proto_tree_add_item(tree, hf_wt_method, tvb, 14, 1, ENC_NA);
    *method = tvb_get_uint8(tvb, 14);
    return true;
}

void
qqsso_dissect_wtlogin(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qqsso_info_t *info)
{
    int end = tvb_reported_length(tvb), coff;
    proto_item *ti, *cit, *it;
    proto_tree *wt, *pt;
    uint32_t uin;
    uint8_t method, random_key[WTLOGIN_KEY_LEN];
    bool is_request;
    wt_key_kind_t kind;
    tvbuff_t *plain;
    wmem_tree_t *random_keys = qqsso_wtlogin_random_keys(pinfo);
    const uint8_t *extra = NULL;

    wt = proto_tree_add_subtree(tree, tvb, 0, end, ett_wt, &ti, "wtlogin");
    if (!wt_dissect_header(tvb, pinfo, wt, end, &uin, &method, &is_request))
        return;
    if (!info->uin)
        info->uin = uin;
    if (is_request) {
        coff = wt_dissect_request_clear(tvb, wt, 15, end - 1, method, random_key);
        if (coff < 0) {
            proto_tree_add_expert_format(wt, pinfo, &ei_wt_bad, tvb, 15, end - 15, "Request header cut short");
            return;
        }
        if (!PINFO_FD_VISITED(pinfo)) {
            uint8_t *copy = (uint8_t *)wmem_memdup(wmem_file_scope(), random_key, WTLOGIN_KEY_LEN);
            wmem_tree_insert32(random_keys, pinfo->num, copy);
        }
        /* The session ticket method encrypts with the key it sends. */
        extra = method == WTLOGIN_METHOD_ST ? random_key : NULL;
    } else {
        coff = 16;
        extra = (const uint8_t *)wmem_tree_lookup32_le(random_keys, pinfo->num > 0 ? pinfo->num - 1 : 0);
    }
    if (coff > end - 1) {
        proto_tree_add_expert_format(wt, pinfo, &ei_wt_bad, tvb, 0, end, "No room for the ciphertext");
        return;
    }
    cit = proto_tree_add_item(wt, hf_wt_cipher, tvb, coff, end - 1 - coff, ENC_NA);
    plain = wt_open(tvb, pinfo, coff, end - 1 - coff, uin, extra, &kind);
    if (!plain) {
        expert_add_info_format(pinfo, cit, &ei_wt_no_key,
                "Opens with the ECDH share key of the login: give it as a QQ_WTLOGIN_KEY line in the key log");
        return;
    }
    add_new_data_source(pinfo, plain, "Decrypted wtlogin");
    pt = proto_tree_add_subtree(wt, plain, 0, -1, ett_wt_plain, NULL, "Decrypted wtlogin body");
    it = proto_tree_add_uint(pt, hf_wt_key_kind, plain, 0, 0, kind);
    proto_item_set_generated(it);
    if (tvb_reported_length(plain) < 4)
        return;
    proto_tree_add_item(pt, hf_wt_sub_cmd, plain, 0, 2, ENC_BIG_ENDIAN);
    if (is_request) {
        proto_tree_add_item(pt, hf_wt_tlv_count, plain, 2, 2, ENC_BIG_ENDIAN);
        wt_dissect_tlvs(plain, pinfo, pt, 4, uin, 0);
    } else if (tvb_reported_length(plain) >= 5) {
        proto_tree_add_item(pt, hf_wt_status, plain, 2, 1, ENC_NA);
        proto_tree_add_item(pt, hf_wt_tlv_count, plain, 3, 2, ENC_BIG_ENDIAN);
        wt_dissect_tlvs(plain, pinfo, pt, 5, uin, 0);
    }
}

void
qqsso_wtlogin_register(void)
{
    /* A part of qqsso, registered after it from plugin.c's table. */
    int proto = proto_get_id_by_filter_name("qqsso");

    static hf_register_info hf[] = {
        { &hf_wt_flag, { "Flag", "qqsso.wtlogin.flag", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_length, { "Length", "qqsso.wtlogin.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_version, { "Version", "qqsso.wtlogin.version", FT_UINT16, BASE_DEC, NULL, 0x0,
            "8001 (0x1F41) in every known client", HFILL }},
        { &hf_wt_command, { "Command", "qqsso.wtlogin.command", FT_UINT16, BASE_HEX, VALS(wt_command_vals), 0x0,
            NULL, HFILL }},
        { &hf_wt_const, { "Constant 1", "qqsso.wtlogin.const", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_uin, { "QQ number", "qqsso.wtlogin.uin", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_method, { "Encryption method", "qqsso.wtlogin.method", FT_UINT8, BASE_HEX, VALS(wt_method_vals), 0x0,
            NULL, HFILL }},
        { &hf_wt_random_key, { "Random key", "qqsso.wtlogin.random_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "16-byte key the request sends in clear", HFILL }},
        { &hf_wt_pubkey_ver, { "Server public key version", "qqsso.wtlogin.pubkey_ver", FT_UINT16, BASE_DEC, NULL, 0x0,
            NULL, HFILL }},
        { &hf_wt_pubkey, { "ECDH public key", "qqsso.wtlogin.pubkey", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_cipher, { "Ciphertext", "qqsso.wtlogin.ciphertext", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_key_kind, { "Key", "qqsso.wtlogin.key_source", FT_UINT8, BASE_DEC, VALS(wt_key_kind_vals), 0x0,
            "Which key opened the wtlogin ciphertext", HFILL }},
        { &hf_wt_sub_cmd, { "Sub command", "qqsso.wtlogin.sub_cmd", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_status, { "Status", "qqsso.wtlogin.status", FT_UINT8, BASE_DEC, NULL, 0x0,
            "0 when the login succeeded", HFILL }},
        { &hf_wt_tlv_count, { "TLV count", "qqsso.wtlogin.tlv_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_tlv_tag, { "TLV tag", "qqsso.wtlogin.tlv", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_tlv_len, { "TLV length", "qqsso.wtlogin.tlv_len", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_tlv_value, { "TLV value", "qqsso.wtlogin.tlv_value", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL }},
        { &hf_wt_d2, { "D2 token", "qqsso.wtlogin.d2", FT_BYTES, BASE_NONE, NULL, 0x0, "TLV 0x0143", HFILL }},
        { &hf_wt_d2_key, { "D2 key", "qqsso.wtlogin.d2_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "TLV 0x0305: the key of SSO packets of encryption type 1", HFILL }},
    };
    static int *ett[] = { &ett_wt, &ett_wt_plain, &ett_wt_tlv };
    static ei_register_info ei[] = {
        { &ei_wt_bad, { "qqsso.wtlogin.malformed", PI_MALFORMED, PI_WARN, "Malformed wtlogin data", EXPFILL }},
        { &ei_wt_no_key, { "qqsso.wtlogin.no_key", PI_DECRYPTION, PI_NOTE, "No key opened the wtlogin data",
            EXPFILL }},
        { &ei_wt_learned, { "qqsso.wtlogin.key_learned", PI_DECRYPTION, PI_CHAT, "D2 key learned", EXPFILL }},
    };

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}
