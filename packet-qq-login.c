/* packet-qq-login.c
 * The PC QQ 2012+ (and TIM) login (packet-qq-login.h): clear-text fields
 * of login requests, TLVs of login packets, the layers inside them, and the
 * keys of the key chain (doc/qq.md, "The PC QQ login key chain").
 *
 * Facts from public implementations (TXSSO2 Lua plugin, Tangent-PC,
 * JavaPcQQ925, PCQQ-Protocol, mirai's TIM-PC code, PansyQQ); where they
 * disagree the dissector tries what each allows and shows what opened the
 * bytes: the TLV 0x0006 key is md5(md5(password) | 0 | QQ number) in most
 * sources and md5(md5(password)) in one; whether a 0x0836 reply has an
 * inner layer is tried, not guessed from its result code.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/expert.h>

#include <string.h>

#include "packet-qq-login.h"
#include "qq-tea.h"
#include "plugin.h"
#include "ws-compat.h"

/* Bounds: TLVs per block, nesting of encrypted TLVs, tokens. */
#define QQ_TLV_MAX_PER_BLOCK    64
#define QQ_TLV_MAX_DEPTH        3
#define QQ_LOGIN_MAX_TRIES      (QQ_KEYS_MAX_PER_LOOKUP * 2 + 8)
#define QQ_LOGIN_PUBKEY_MAX     255

/* Second ECDH exchange: the 0x0836 reply's first layer starts with TLV
 * 0x0103 holding the server's 49-byte public key; the rest is encrypted
 * with the second share key. */
#define QQ_SECOND_ECDH_TLV_LEN  0x31

static int proto_qq_login = -1;

static int hf_qq_tlv = -1;
static int hf_qq_tlv_type = -1;
static int hf_qq_tlv_length = -1;
static int hf_qq_tlv_value = -1;
static int hf_qq_tlv_version = -1;
static int hf_qq_tlv_uin = -1;
static int hf_qq_tlv_sso_version = -1;
static int hf_qq_tlv_service_id = -1;
static int hf_qq_tlv_client_version = -1;
static int hf_qq_tlv_server_time = -1;
static int hf_qq_tlv_client_ip = -1;
static int hf_qq_tlv_client_port = -1;
static int hf_qq_tlv_server_ip = -1;
static int hf_qq_tlv_redirect_ip = -1;
static int hf_qq_tlv_computer_name = -1;
static int hf_qq_tlv_computer_id = -1;
static int hf_qq_tlv_password_md5 = -1;
static int hf_qq_tlv_remember_password = -1;
static int hf_qq_tlv_tgtgt_key = -1;
static int hf_qq_tlv_key = -1;
static int hf_qq_tlv_token = -1;
static int hf_qq_tlv_error_code = -1;
static int hf_qq_tlv_message = -1;
static int hf_qq_tlv_nickname = -1;
static int hf_qq_tlv_dh_version = -1;
static int hf_qq_tlv_public_key = -1;
static int hf_qq_tlv_md5 = -1;
static int hf_qq_tlv_encrypted = -1;
static int hf_qq_tlv_decrypted = -1;
static int hf_qq_tlv_key_used = -1;
static int hf_qq_login_result = -1;
static int hf_qq_login_ecdh_mode = -1;
static int hf_qq_login_dh_version = -1;
static int hf_qq_login_public_key = -1;
static int hf_qq_login_known_pair = -1;
static int hf_qq_login_extra = -1;
static int hf_qq_login_request_key = -1;
static int hf_qq_login_token = -1;
static int hf_qq_login_inner = -1;
static int hf_qq_login_inner_key = -1;
static int hf_qq_login_server_public_key = -1;

static int ett_qq_tlv = -1;
static int ett_qq_tlv_inner = -1;

static expert_field ei_qq_tlv_truncated = EI_INIT;
static expert_field ei_qq_tlv_short = EI_INIT;
static expert_field ei_qq_tlv_not_decrypted = EI_INIT;
static expert_field ei_qq_login_inner_not_decrypted = EI_INIT;

/* The fixed ECDH key pairs public PC QQ and TIM clients use: the share key
 * of each public key (the first 16 bytes of the ECDH secret). */
typedef struct {
    uint8_t public_key[25];
    qq_key_t share;
} qq_known_pair_t;

static const qq_known_pair_t qq_known_pairs[] = {
    { { 0x02, 0x78, 0x28, 0x16, 0x7C, 0x9E, 0xF3, 0xB7, 0x5A, 0x7B, 0x5A, 0xEF, 0xA2, 0x30, 0x10, 0xEC,
        0x0C, 0x46, 0x87, 0x70, 0x76, 0x31, 0xA7, 0x88, 0xEA },
      { { 0x60, 0x42, 0x3B, 0x51, 0xC3, 0xB1, 0xF6, 0x0F, 0x67, 0xE8, 0x9C, 0x00, 0xF0, 0xA7, 0xBD, 0xA3 },
        QQ_KEYTYPE_SHARE, QQ_KEYORIGIN_BUILTIN, 0, 0, "SSO2's default ECDH key pair (PC QQ clients)" } },
    { { 0x02, 0x6D, 0x28, 0x41, 0xD2, 0xA5, 0x6F, 0xD2, 0xFC, 0x3E, 0x2A, 0x1F, 0x03, 0x75, 0xDE, 0x6E,
        0x28, 0x8F, 0xA8, 0x19, 0x3E, 0x5F, 0x16, 0x49, 0xD3 },
      { { 0x1A, 0xE9, 0x7F, 0x7D, 0xC9, 0x73, 0x75, 0x98, 0xAC, 0x02, 0xE0, 0x80, 0x5F, 0xA9, 0xC6, 0xAF },
        QQ_KEYTYPE_SHARE, QQ_KEYORIGIN_BUILTIN, 0, 0, "fixed ECDH key pair of mirai's TIM client" } },
    { { 0x03, 0x1F, 0x06, 0xFA, 0x3B, 0x19, 0xBF, 0xF9, 0x2C, 0x7C, 0x02, 0x7D, 0x5D, 0xEA, 0xC5, 0x60,
        0x83, 0x52, 0x86, 0xC1, 0xBF, 0x75, 0xCA, 0x2A, 0x96 },
      { { 0x6C, 0x3E, 0x9F, 0x64, 0x1C, 0x27, 0xF9, 0xCA, 0xD6, 0xB6, 0x37, 0x8A, 0xA7, 0x74, 0xD0, 0x04 },
        QQ_KEYTYPE_SHARE, QQ_KEYORIGIN_BUILTIN, 0, 0, "fixed ECDH key pair of the Tangent-PC client" } },
    { { 0x03, 0xE1, 0xE6, 0xF6, 0x94, 0x5E, 0xF0, 0x8D, 0x67, 0x86, 0x81, 0xA5, 0xDA, 0x01, 0x52, 0x52,
        0x97, 0x5F, 0x02, 0xE1, 0xAD, 0xC0, 0x52, 0x72, 0x1B },
      { { 0x68, 0x96, 0x37, 0x28, 0xF5, 0xA7, 0x59, 0x8B, 0xC9, 0x10, 0x05, 0x19, 0xC4, 0x11, 0xCB, 0x2E },
        QQ_KEYTYPE_SHARE, QQ_KEYORIGIN_BUILTIN, 0, 0, "fixed ECDH key pair of the JavaPcQQ925 client" } },
};

/* Names of TLV types (the sources' "SSO2::TLV_..." names in English). */
static const value_string qq_tlv_type_vals[] = {
    { 0x0000, "Generic 16-byte field" },
    { 0x0004, "Account name (not a QQ number)" },
    { 0x0005, "QQ number" },
    { 0x0006, "TGTGT (encrypted with the password key)" },
    { 0x0007, "TGT" },
    { 0x0008, "Time zone" },
    { 0x0009, "QR-code status key" },
    { 0x000a, "Error information" },
    { 0x000c, "Redirect (ping) address" },
    { 0x000d, "Unknown 0x000d" },
    { 0x0014, "Unknown 0x0014" },
    { 0x0015, "Computer GUIDs" },
    { 0x0017, "Client information (server time, client address)" },
    { 0x0018, "Ping (SSO and client versions)" },
    { 0x0019, "SSO information" },
    { 0x001a, "Computer GUIDs encrypted with the TGTGT key" },
    { 0x001e, "New TGTGT key" },
    { 0x001f, "Device ID" },
    { 0x002d, "Local IP address" },
    { 0x002f, "Control" },
    { 0x0030, "Session signature" },
    { 0x0032, "QQProtect data" },
    { 0x0033, "Login reason (reply)" },
    { 0x0036, "Login reason" },
    { 0x0100, "Error code and message" },
    { 0x0102, "Official check" },
    { 0x0103, "SID" },
    { 0x0104, "Captcha" },
    { 0x0105, "Vector 0x12c" },
    { 0x0107, "Ticket information (TGT and service tickets)" },
    { 0x0108, "Account basic information" },
    { 0x0109, "Session seed (key of the 0x0828 request)" },
    { 0x010b, "QQProtect login flag" },
    { 0x010c, "Session key" },
    { 0x010d, "Last login signature" },
    { 0x010e, "Level and client key" },
    { 0x0110, "Picture signature" },
    { 0x0112, "Client address signature" },
    { 0x0114, "Diffie-Hellman parameters" },
    { 0x0115, "Packet MD5" },
    { 0x0301, "QR-code signature" },
    { 0x0302, "QR-code image" },
    { 0x0303, "QR-code credential" },
    { 0x0304, "TGTGT key (QR-code login)" },
    { 0x0305, "QR-code parameters" },
    { 0x0309, "Ping strategy" },
    { 0x030f, "Computer name" },
    { 0x0310, "Server address" },
    { 0x0312, "Miscellaneous flag" },
    { 0x0313, "GUIDs (extended)" },
    { 0x0404, "Unknown 0x0404" },
    { 0x0507, "Online key" },
    { 0x0508, "Unknown 0x0508" },
    { 0x050c, "Login collection" },
    { 0x0511, "Dual-stack check" },
    { 0, NULL }
};

/* Result codes of login replies (the first plaintext byte). */
static const value_string qq_login_result_vals[] = {
    { 0x00, "Success" },
    { 0x01, "New TGTGT needed (the reply carries it)" },
    { 0x33, "Account recycled" },
    { 0x34, "Wrong password" },
    { 0x3f, "Security verification needed" },
    { 0xf8, "Domain" },
    { 0xf9, "Switch to TCP" },
    { 0xfa, "Check the TGTGT again" },
    { 0xfb, "Captcha needed" },
    { 0xfd, "Server overloaded" },
    { 0xfe, "Redirect to another server" },
    { 0xff, "Other error" },
    { 0, NULL }
};

static const value_string qq_login_ecdh_mode_vals[] = {
    { 1, "One ECDH exchange" },
    { 2, "The server may add a second ECDH exchange" },
    { 0, NULL }
};

/* What taught a key (key store texts, static). */
static const char qq_what_tgtgt[] = "TGTGT key in TLV 0x0006 of a 0x0836 request (opens the reply's inner layer)";
static const char qq_what_new_tgtgt[] = "new TGTGT key in TLV 0x001E of a 0x0836 reply";
static const char qq_what_qr_tgtgt[] = "TGTGT key in TLV 0x0304 of a 0x0819 reply (QR-code login)";
static const char qq_what_0109[] = "key in TLV 0x0109 of a 0x0836 reply (opens the 0x0828 request)";
static const char qq_what_0107[] = "TGT key in TLV 0x0107 of a 0x0836 reply (opens the 0x0828 reply)";
static const char qq_what_0009[] = "key in TLV 0x0009 of a 0x0818 reply (opens the 0x0819 exchange)";
static const char qq_what_010c[] = "session key in TLV 0x010C of a 0x0828 reply";

bool
qq_login_is_login_cmd(uint16_t cmd)
{
    switch (cmd) {
    case 0x0825: case 0x0836: case 0x0828: case 0x0818: case 0x0819:
        return true;
    default:
        return false;
    }
}

unsigned
qq_login_known_share_keys(const qq_key_t **out, unsigned max)
{
    unsigned i, n = 0;

    for (i = 0; i < G_N_ELEMENTS(qq_known_pairs) && n < max; i++)
        out[n++] = &qq_known_pairs[i].share;
    return n;
}

static const qq_key_t *
qq_known_pair(tvbuff_t *tvb, int off, int len)
{
    size_t i;

    if (len != (int)sizeof qq_known_pairs[0].public_key)
        return NULL;
    for (i = 0; i < G_N_ELEMENTS(qq_known_pairs); i++) {
        if (tvb_memeql(tvb, off, qq_known_pairs[i].public_key, (size_t)len) == 0)
            return &qq_known_pairs[i].share;
    }
    return NULL;
}

static bool
qq_has(tvbuff_t *tvb, int off, int n)
{
    return off >= 0 && n >= 0 && tvb_captured_length_remaining(tvb, off) >= n;
}

/* ---------------------------------------------------------------------- */
/* Nested ciphertexts (TLV 0x0006, 0x001A, the 0x0836 reply's layers)     */

/* Try keys on `len` bytes at `off`; on success a child tvb with the
 * plaintext (a new data source named `source`) and the key that opened it. */
static tvbuff_t *
qq_login_open(tvbuff_t *tvb, packet_info *pinfo, int off, int len, const qq_key_t *const *keys, unsigned n,
        const char *source, const qq_key_t **used)
{
    uint8_t *cipher, *plain;
    unsigned i;

    if (len < QQ_TEA_MIN_LEN || len % QQ_TEA_BLOCK_LEN || !tvb_bytes_exist(tvb, off, len))
        return NULL;
    cipher = (uint8_t *)tvb_memdup(pinfo->pool, tvb, off, len);
    plain = (uint8_t *)wmem_alloc(pinfo->pool, len);
    for (i = 0; i < n; i++) {
        size_t poff, plen;
        tvbuff_t *ptvb;

        if (qq_tea_decrypt(keys[i]->key, cipher, (size_t)len, plain, &poff, &plen) != QQ_TEA_OK)
            continue;
        ptvb = tvb_new_child_real_data(tvb, plain + poff, (unsigned)plen, (int)plen);
        if (plen)
            add_new_data_source(pinfo, ptvb, source);
        *used = keys[i];
        qq_keys_report_used(pinfo, keys[i]);
        return ptvb;
    }
    return NULL;
}

/* The key that opened a nested layer, as a generated item. */
static void
qq_show_key_used(proto_tree *tree, int hf, tvbuff_t *ptvb, const qq_key_t *used)
{
    proto_item *it = proto_tree_add_bytes_with_length(tree, hf, ptvb, 0, 0, used->key, QQ_KEY_LEN);

    proto_item_set_generated(it);
    if (used->origin == QQ_KEYORIGIN_LEARNED)
        proto_item_append_text(it, " (%s, learned in frame %u)", qq_keys_type_word((qq_key_type_t)used->type),
                used->frame);
    else
        proto_item_append_text(it, " (%s, %s%s%s)", qq_keys_type_word((qq_key_type_t)used->type),
                qq_keys_origin_str((qq_key_origin_t)used->origin), used->what ? ": " : "",
                used->what ? used->what : "");
}

/* Password keys, then every learned or configured key of `type`. */
static unsigned
qq_login_candidates(packet_info *pinfo, uint32_t uin, qq_key_type_t type, bool password, qq_key_t *buf,
        const qq_key_t **out)
{
    unsigned n = 0, i, np = 0;

    if (password) {
        np = qq_keys_password_keys(uin, buf, 4);
        for (i = 0; i < np; i++)
            out[n++] = &buf[i];
    }
    n += qq_keys_lookup(uin, type, pinfo->num, out + n, QQ_LOGIN_MAX_TRIES - n);
    return n;
}

/* ---------------------------------------------------------------------- */
/* TLV values                                                             */

static void qq_tlvs(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end,
        const qq_login_ctx_t *ctx, int depth);

/* A 2-byte length and that many bytes (a token, a ticket); returns the
 * offset after it, or -1 when it does not fit. */
static int
qq_add_l16(proto_tree *tree, int hf, tvbuff_t *tvb, int off, int end)
{
    unsigned n;

    if (off + 2 > end)
        return -1;
    n = tvb_get_ntohs(tvb, off);
    if (off + 2 + (int)n > end)
        return -1;
    if (n)
        proto_tree_add_item(tree, hf, tvb, off + 2, n, hf == hf_qq_tlv_message || hf == hf_qq_tlv_computer_name
                ? ENC_UTF_8 | ENC_NA : ENC_NA);
    return off + 2 + (int)n;
}

/* A TLV too short for the key its type hands out. */
static void
qq_tlv_short(packet_info *pinfo, proto_tree *tree, uint16_t type)
{
    expert_add_info_format(pinfo, proto_tree_get_parent(tree), &ei_qq_tlv_short,
            "TLV 0x%04x is too short for the 16-byte key it hands out", type);
}

/* A 16-byte key the TLV hands out: shown, and learned for the QQ number. */
static void
qq_tlv_key(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, const qq_login_ctx_t *ctx,
        qq_key_type_t type, const char *what)
{
    uint8_t key[QQ_KEY_LEN];
    proto_item *it;

    it = proto_tree_add_item(tree, type == QQ_KEYTYPE_TGTGT ? hf_qq_tlv_tgtgt_key : hf_qq_tlv_key, tvb, off,
            QQ_KEY_LEN, ENC_NA);
    proto_item_append_text(it, " (%s: %s)", qq_keys_type_word(type), what);
    tvb_memcpy(tvb, key, off, QQ_KEY_LEN);
    qq_keys_learn(pinfo, ctx->uin, type, key, what);
}

/* TLV 0x0006, decrypted: random, version 2, QQ number, SSO version,
 * service id, client version, 2 bytes, remember-password, md5(password),
 * server time, 13 zero bytes, the client's address, ISP, IDC, computer id
 * (2-byte length), and the TGTGT key. */
static void
qq_tlv_tgtgt_plain(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qq_login_ctx_t *ctx)
{
    int end = tvb_captured_length(tvb), off;

    if (!qq_has(tvb, 0, 60) || tvb_get_ntohs(tvb, 4) != 2) {
        proto_tree_add_item(tree, hf_qq_tlv_value, tvb, 0, -1, ENC_NA);
        return;
    }
    proto_tree_add_item(tree, hf_qq_tlv_version, tvb, 4, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_tlv_uin, tvb, 6, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_tlv_sso_version, tvb, 10, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_tlv_service_id, tvb, 14, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_tlv_client_version, tvb, 18, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_tlv_remember_password, tvb, 24, 1, ENC_NA);
    proto_tree_add_item(tree, hf_qq_tlv_password_md5, tvb, 25, 16, ENC_NA);
    proto_tree_add_item(tree, hf_qq_tlv_server_time, tvb, 41, 4, ENC_TIME_SECS | ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_tlv_client_ip, tvb, 58, 4, ENC_BIG_ENDIAN);
    off = qq_add_l16(tree, hf_qq_tlv_computer_id, tvb, 70, end);
    /* The TGTGT key ends the value in every source. */
    if (end >= 70 + QQ_KEY_LEN)
        qq_tlv_key(tvb, pinfo, tree, end - QQ_KEY_LEN, ctx, QQ_KEYTYPE_TGTGT, qq_what_tgtgt);
    (void)off;
}

/* An encrypted TLV value (0x0006 with the password key, 0x001A with the
 * TGTGT key): opened with every candidate and shown beneath. */
static void
qq_tlv_encrypted(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len, const qq_login_ctx_t *ctx,
        uint16_t type, int depth)
{
    qq_key_t buf[4];
    const qq_key_t *keys[QQ_LOGIN_MAX_TRIES], *used = NULL;
    unsigned n;
    tvbuff_t *ptvb;
    proto_item *ti;
    proto_tree *sub;

    ti = proto_tree_add_item(tree, hf_qq_tlv_encrypted, tvb, off, len, ENC_NA);
    if (type == 0x0006)
        n = qq_login_candidates(pinfo, ctx->uin, QQ_KEYTYPE_TGTGT, true, buf, keys);
    else
        n = qq_login_candidates(pinfo, ctx->uin, QQ_KEYTYPE_TGTGT, false, buf, keys);
    ptvb = qq_login_open(tvb, pinfo, off, len, keys, n,
            type == 0x0006 ? "Decrypted TLV 0x0006 (TGTGT)" : "Decrypted TLV", &used);
    if (!ptvb) {
        if (n)
            expert_add_info_format(pinfo, ti, &ei_qq_tlv_not_decrypted,
                    "TLV 0x%04x not decrypted: none of %u keys passed the cipher's check", type, n);
        else if (type == 0x0006)
            expert_add_info_format(pinfo, ti, &ei_qq_tlv_not_decrypted,
                    "TLV 0x0006 not decrypted: it opens with a key made from the password (qq.password or a"
                    " QQ_PASSWORD_MD5 key log line)");
        return;
    }
    ti = proto_tree_add_item(tree, hf_qq_tlv_decrypted, ptvb, 0, -1, ENC_NA);
    sub = proto_item_add_subtree(ti, ett_qq_tlv_inner);
    qq_show_key_used(sub, hf_qq_tlv_key_used, ptvb, used);
    if (type == 0x0006)
        qq_tlv_tgtgt_plain(ptvb, pinfo, sub, ctx);
    else
        qq_tlvs(ptvb, pinfo, sub, 0, tvb_captured_length(ptvb), ctx, depth + 1);
}

/* TLV 0x0107: version, a block of TGT timings, the TGT key (which opens
 * the 0x0828 reply), the TGT, the service-ticket key and ticket. */
static void
qq_tlv_tickets(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end, const qq_login_ctx_t *ctx)
{
    proto_tree_add_item(tree, hf_qq_tlv_version, tvb, off, 2, ENC_BIG_ENDIAN);
    off = qq_add_l16(tree, hf_qq_tlv_value, tvb, off + 2, end);
    if (off < 0 || off + QQ_KEY_LEN > end) {
        qq_tlv_short(pinfo, tree, 0x0107);
        return;
    }
    qq_tlv_key(tvb, pinfo, tree, off, ctx, QQ_KEYTYPE_LOGIN, qq_what_0107);
    off = qq_add_l16(tree, hf_qq_tlv_token, tvb, off + QQ_KEY_LEN, end);
    if (off < 0 || off + QQ_KEY_LEN > end)
        return;
    proto_item_append_text(proto_tree_add_item(tree, hf_qq_tlv_key, tvb, off, QQ_KEY_LEN, ENC_NA),
            " (service-ticket key)");
    qq_add_l16(tree, hf_qq_tlv_token, tvb, off + QQ_KEY_LEN, end);
}

/* TLV 0x0109: version, the key of the 0x0828 request, the session token
 * that request carries in clear, a password-for-connection token. */
static void
qq_tlv_session_seed(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end,
        const qq_login_ctx_t *ctx)
{
    proto_tree_add_item(tree, hf_qq_tlv_version, tvb, off, 2, ENC_BIG_ENDIAN);
    if (off + 2 + QQ_KEY_LEN > end) {
        qq_tlv_short(pinfo, tree, 0x0109);
        return;
    }
    qq_tlv_key(tvb, pinfo, tree, off + 2, ctx, QQ_KEYTYPE_LOGIN, qq_what_0109);
    off = qq_add_l16(tree, hf_qq_tlv_token, tvb, off + 2 + QQ_KEY_LEN, end);
    if (off > 0)
        qq_add_l16(tree, hf_qq_tlv_token, tvb, off, end);
}

/* TLV 0x010C: version, the session key, QQ number, the client's address
 * and port, server time. */
static void
qq_tlv_session_key(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end,
        const qq_login_ctx_t *ctx)
{
    proto_tree_add_item(tree, hf_qq_tlv_version, tvb, off, 2, ENC_BIG_ENDIAN);
    if (off + 2 + QQ_KEY_LEN > end) {
        qq_tlv_short(pinfo, tree, 0x010c);
        return;
    }
    qq_tlv_key(tvb, pinfo, tree, off + 2, ctx, QQ_KEYTYPE_SESSION, qq_what_010c);
    off += 2 + QQ_KEY_LEN;
    if (off + 14 > end)
        return;
    proto_tree_add_item(tree, hf_qq_tlv_uin, tvb, off, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_tlv_client_ip, tvb, off + 4, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_tlv_client_port, tvb, off + 8, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_tlv_server_time, tvb, off + 10, 4, ENC_TIME_SECS | ENC_BIG_ENDIAN);
}

/* Small TLVs whose layout every source agrees on. Returns false when the
 * type has no decoder here. */
static bool
qq_tlv_simple(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, uint16_t type, int off, int len, int end,
        const qq_login_ctx_t *ctx)
{
    switch (type) {
    case 0x0005:        /* version, QQ number */
        if (len >= 6)
            proto_tree_add_item(tree, hf_qq_tlv_uin, tvb, off + 2, 4, ENC_BIG_ENDIAN);
        return len >= 6;
    case 0x0017:        /* version, server time, client address and port */
        if (len < 12)
            return false;
        proto_tree_add_item(tree, hf_qq_tlv_version, tvb, off, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_tlv_server_time, tvb, off + 2, 4, ENC_TIME_SECS | ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_tlv_client_ip, tvb, off + 6, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_tlv_client_port, tvb, off + 10, 2, ENC_BIG_ENDIAN);
        return true;
    case 0x0018:        /* version, SSO version, service id, client version, QQ number */
        if (len < 18)
            return false;
        proto_tree_add_item(tree, hf_qq_tlv_version, tvb, off, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_tlv_sso_version, tvb, off + 2, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_tlv_service_id, tvb, off + 6, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_tlv_client_version, tvb, off + 10, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_tlv_uin, tvb, off + 14, 4, ENC_BIG_ENDIAN);
        return true;
    case 0x0009:        /* version, the key of the 0x0819 exchange */
    case 0x0304:        /* the TGTGT key of a QR-code login */
    case 0x001e:        /* a new TGTGT key */
        if (type == 0x0009 && len >= 2 + QQ_KEY_LEN)
            qq_tlv_key(tvb, pinfo, tree, off + 2, ctx, QQ_KEYTYPE_LOGIN, qq_what_0009);
        else if (type != 0x0009 && len >= QQ_KEY_LEN)
            qq_tlv_key(tvb, pinfo, tree, off, ctx, QQ_KEYTYPE_TGTGT,
                    type == 0x001e ? qq_what_new_tgtgt : qq_what_qr_tgtgt);
        return len >= QQ_KEY_LEN;
    case 0x030f:        /* the computer's name */
        return qq_add_l16(tree, hf_qq_tlv_computer_name, tvb, off, end) > 0;
    case 0x0310:        /* a server address */
        if (len >= 4)
            proto_tree_add_item(tree, hf_qq_tlv_server_ip, tvb, off, 4, ENC_BIG_ENDIAN);
        return len >= 4;
    case 0x0115:        /* MD5 of the packet */
        if (len >= 16)
            proto_tree_add_item(tree, hf_qq_tlv_md5, tvb, off, 16, ENC_NA);
        return len >= 16;
    case 0x0112:        /* a token the server hands out */
    case 0x0110:
        proto_tree_add_item(tree, hf_qq_tlv_token, tvb, off, len, ENC_NA);
        return true;
    default:
        return false;
    }
}

/* TLVs with versioned or variable layouts. */
static bool
qq_tlv_structured(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, uint16_t type, int off, int len, int end,
        const qq_login_ctx_t *ctx, int depth)
{
    switch (type) {
    case 0x0006:
    case 0x001a:
        qq_tlv_encrypted(tvb, pinfo, tree, off, len, ctx, type, depth);
        return true;
    case 0x0107:
        qq_tlv_tickets(tvb, pinfo, tree, off, end, ctx);
        return true;
    case 0x0109:
        qq_tlv_session_seed(tvb, pinfo, tree, off, end, ctx);
        return true;
    case 0x010c:
        qq_tlv_session_key(tvb, pinfo, tree, off, end, ctx);
        return true;
    case 0x0100:        /* version, command, error code, message */
        if (len < 10)
            return false;
        proto_tree_add_item(tree, hf_qq_tlv_version, tvb, off, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_tlv_error_code, tvb, off + 4, 4, ENC_BIG_ENDIAN);
        return qq_add_l16(tree, hf_qq_tlv_message, tvb, off + 8, end) > 0;
    case 0x000a:        /* version, (code,) message */
        proto_tree_add_item(tree, hf_qq_tlv_version, tvb, off, 2, ENC_BIG_ENDIAN);
        return qq_add_l16(tree, hf_qq_tlv_message, tvb, off + 2, end) > 0
            || qq_add_l16(tree, hf_qq_tlv_message, tvb, off + 4, end) > 0;
    case 0x0114:        /* DH version, public key */
        if (len < 4)
            return false;
        proto_tree_add_item(tree, hf_qq_tlv_dh_version, tvb, off, 2, ENC_BIG_ENDIAN);
        return qq_add_l16(tree, hf_qq_tlv_public_key, tvb, off + 2, end) > 0;
    case 0x0108:        /* version, block: block: face, nickname (1-byte length) */
        if (len < 9 || tvb_get_uint8(tvb, off + 8) + 9 > len)
            return false;
        proto_tree_add_item(tree, hf_qq_tlv_nickname, tvb, off + 9, tvb_get_uint8(tvb, off + 8), ENC_UTF_8 | ENC_NA);
        return true;
    case 0x000c:        /* version 2: 2 bytes, IDC, ISP, address, port */
        if (len < 16 || tvb_get_ntohs(tvb, off) != 2)
            return false;
        proto_tree_add_item(tree, hf_qq_tlv_redirect_ip, tvb, off + 12, 4, ENC_BIG_ENDIAN);
        return true;
    default:
        return qq_tlv_simple(tvb, pinfo, tree, type, off, len, end, ctx);
    }
}

/* One block of TLVs from `off` to `end` (2-byte type, 2-byte length, value). */
static void
qq_tlvs(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end, const qq_login_ctx_t *ctx, int depth)
{
    int n = 0;

    if (depth > QQ_TLV_MAX_DEPTH)
        return;
    while (off + 4 <= end && n++ < QQ_TLV_MAX_PER_BLOCK) {
        uint16_t type = tvb_get_ntohs(tvb, off);
        int len = tvb_get_ntohs(tvb, off + 2);
        proto_item *ti;
        proto_tree *sub;

        if (off + 4 + len > end) {
            ti = proto_tree_add_item(tree, hf_qq_tlv_value, tvb, off, end - off, ENC_NA);
            expert_add_info_format(pinfo, ti, &ei_qq_tlv_truncated,
                    "TLV 0x%04x says %d bytes, only %d follow", type, len, end - off - 4);
            return;
        }
        ti = proto_tree_add_item(tree, hf_qq_tlv, tvb, off, 4 + len, ENC_NA);
        proto_item_set_text(ti, "TLV 0x%04x: %s (%d bytes)", type,
                val_to_str_const(type, qq_tlv_type_vals, "Unknown"), len);
        sub = proto_item_add_subtree(ti, ett_qq_tlv);
        proto_tree_add_item(sub, hf_qq_tlv_type, tvb, off, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(sub, hf_qq_tlv_length, tvb, off + 2, 2, ENC_BIG_ENDIAN);
        if (len && !qq_tlv_structured(tvb, pinfo, sub, type, off + 4, len, off + 4 + len, ctx, depth))
            proto_tree_add_item(sub, hf_qq_tlv_value, tvb, off + 4, len, ENC_NA);
        off += 4 + len;
    }
}

/* Do TLVs from `off` end exactly at `end` (structure, never a guess)? */
static bool
qq_tlvs_fit(tvbuff_t *tvb, int off, int end)
{
    int n = 0;

    if (end > (int)tvb_captured_length(tvb))
        return false;
    while (off + 4 <= end && n++ < QQ_TLV_MAX_PER_BLOCK)
        off += 4 + tvb_get_ntohs(tvb, off + 2);
    return off == end;
}

/* ---------------------------------------------------------------------- */
/* Login packets                                                          */

void
qq_login_dissect_prefix(tvbuff_t *tvb, packet_info *pinfo _U_, proto_tree *tree, uint16_t cmd, int off, int len,
        qq_login_prefix_t *out)
{
    int end = off + len, n;
    proto_item *it;

    out->key_off = -1;
    out->known_pair = NULL;
    if (cmd == 0x0828) {
        /* TLV 0x0030 holding the session token of TLV 0x0109. */
        if (len >= 6) {
            proto_tree_add_item(tree, hf_qq_tlv_type, tvb, off, 2, ENC_BIG_ENDIAN);
            proto_tree_add_item(tree, hf_qq_tlv_length, tvb, off + 2, 2, ENC_BIG_ENDIAN);
            qq_add_l16(tree, hf_qq_login_token, tvb, off + 4, end);
        }
        return;
    }
    if (cmd != 0x0836 || len < 6)
        return;
    proto_tree_add_item(tree, hf_qq_login_ecdh_mode, tvb, off, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_login_dh_version, tvb, off + 2, 2, ENC_BIG_ENDIAN);
    n = tvb_get_ntohs(tvb, off + 4);
    if (off + 6 + n > end)
        return;
    proto_tree_add_item(tree, hf_qq_login_public_key, tvb, off + 6, n, ENC_NA);
    out->known_pair = qq_known_pair(tvb, off + 6, n);
    if (out->known_pair) {
        it = proto_tree_add_string(tree, hf_qq_login_known_pair, tvb, off + 6, n, out->known_pair->what);
        proto_item_set_generated(it);
    }
    off = qq_add_l16(tree, hf_qq_login_extra, tvb, off + 6 + n, end);
    if (off < 0 || off + 2 + QQ_KEY_LEN > end || tvb_get_ntohs(tvb, off) != QQ_KEY_LEN)
        return;
    proto_tree_add_item(tree, hf_qq_login_request_key, tvb, off + 2, QQ_KEY_LEN, ENC_NA);
    out->key_off = off + 2;
}

/* The inner layers of a 0x0836 reply: with a second ECDH exchange, TLV
 * 0x0103 with the server's public key, then bytes under the second share
 * key (a QQ_SHARE_KEY key log line); then, after a successful password
 * check, a layer under the TGTGT key of the request's TLV 0x0006. Returns
 * the innermost plaintext reached. */
static tvbuff_t *
qq_login_0836_layers(tvbuff_t *tvb, packet_info *pinfo, proto_tree **tree, const qq_login_ctx_t *ctx)
{
    const qq_key_t *keys[QQ_LOGIN_MAX_TRIES], *used;
    qq_key_t buf[4];
    unsigned n;
    int len = tvb_captured_length(tvb), off = 0;
    tvbuff_t *ptvb;
    proto_item *ti;

    if (len > 4 + QQ_SECOND_ECDH_TLV_LEN && tvb_get_ntohs(tvb, 0) == 0x0103
            && tvb_get_ntohs(tvb, 2) == QQ_SECOND_ECDH_TLV_LEN) {
        proto_tree_add_item(*tree, hf_qq_login_server_public_key, tvb, 4, QQ_SECOND_ECDH_TLV_LEN, ENC_NA);
        off = 4 + QQ_SECOND_ECDH_TLV_LEN;
        n = qq_keys_lookup(ctx->uin, QQ_KEYTYPE_SHARE, pinfo->num, keys, QQ_LOGIN_MAX_TRIES);
        ptvb = qq_login_open(tvb, pinfo, off, len - off, keys, n, "Decrypted QQ (second ECDH layer)", &used);
        if (!ptvb) {
            ti = proto_tree_add_item(*tree, hf_qq_tlv_encrypted, tvb, off, len - off, ENC_NA);
            expert_add_info(pinfo, ti, &ei_qq_login_inner_not_decrypted);
            return NULL;
        }
        ti = proto_tree_add_item(*tree, hf_qq_login_inner, ptvb, 0, -1, ENC_NA);
        *tree = proto_item_add_subtree(ti, ett_qq_tlv_inner);
        qq_show_key_used(*tree, hf_qq_login_inner_key, ptvb, used);
        tvb = ptvb;
        len = tvb_captured_length(tvb);
    }
    /* A failed check's reply is one layer: a result byte and TLVs that end
     * exactly at the end. Otherwise the TGTGT key opens the inner layer. */
    if (qq_tlvs_fit(tvb, 1, len))
        return tvb;
    n = qq_login_candidates(pinfo, ctx->uin, QQ_KEYTYPE_TGTGT, false, buf, keys);
    ptvb = qq_login_open(tvb, pinfo, 0, len, keys, n, "Decrypted QQ (inner layer)", &used);
    if (!ptvb) {
        ti = proto_tree_add_item(*tree, hf_qq_tlv_encrypted, tvb, 0, len, ENC_NA);
        expert_add_info(pinfo, ti, &ei_qq_login_inner_not_decrypted);
        return NULL;
    }
    ti = proto_tree_add_item(*tree, hf_qq_login_inner, ptvb, 0, -1, ENC_NA);
    *tree = proto_item_add_subtree(ti, ett_qq_tlv_inner);
    qq_show_key_used(*tree, hf_qq_login_inner_key, ptvb, used);
    return ptvb;
}

void
qq_login_dissect_plaintext(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qq_login_ctx_t *ctx)
{
    int off = 0;
    uint32_t result;

    if (ctx->from_server && ctx->cmd == 0x0836) {
        tvb = qq_login_0836_layers(tvb, pinfo, &tree, ctx);
        if (!tvb)
            return;
    }
    if (ctx->from_server && ctx->cmd != 0x0819 && qq_has(tvb, 0, 1)) {
        proto_tree_add_item_ret_uint(tree, hf_qq_login_result, tvb, 0, 1, ENC_NA, &result);
        col_append_fstr(pinfo->cinfo, COL_INFO, " [%s]", val_to_str_const(result, qq_login_result_vals, "result"));
        off = 1;
    } else if (ctx->cmd == 0x0819 && ctx->from_server && qq_has(tvb, 0, 1)) {
        proto_tree_add_item(tree, hf_qq_login_result, tvb, 0, 1, ENC_NA);
        off = 1;
    }
    /* An exception here ends at the caller's handler (the decrypted body). */
    qq_tlvs(tvb, pinfo, tree, off, tvb_captured_length(tvb), ctx, 0);
}

/* ---------------------------------------------------------------------- */
/* Registration                                                           */

/* Fields, subtrees and expert infos under the qq protocol (registered
 * before this, see plugin.c). */
void
qq_login_register(void)
{
    static hf_register_info hf[] = {
        { &hf_qq_tlv,
          { "TLV", "qq.tlv", FT_NONE, BASE_NONE, NULL, 0x0,
            "A type-length-value block of a PC QQ login packet: 2-byte type, 2-byte length, value", HFILL }},
        { &hf_qq_tlv_type,
          { "Type", "qq.tlv.type", FT_UINT16, BASE_HEX, VALS(qq_tlv_type_vals), 0x0,
            "Type of a TLV; the names are the login protocol's own (SSO2::TLV_...) in English", HFILL }},
        { &hf_qq_tlv_length,
          { "Length", "qq.tlv.length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Length of the TLV's value in bytes", HFILL }},
        { &hf_qq_tlv_value,
          { "Value", "qq.tlv.value", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Value of a TLV whose layout no public source gives", HFILL }},
        { &hf_qq_tlv_version,
          { "TLV version", "qq.tlv.version", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Version of the TLV's layout (its first two bytes in most TLVs)", HFILL }},
        { &hf_qq_tlv_uin,
          { "QQ number", "qq.tlv.uin", FT_UINT32, BASE_DEC, NULL, 0x0,
            "QQ number inside a TLV", HFILL }},
        { &hf_qq_tlv_sso_version,
          { "SSO version", "qq.tlv.sso_version", FT_UINT32, BASE_HEX_DEC, NULL, 0x0,
            "Version of the client's single-sign-on (SSO2) library", HFILL }},
        { &hf_qq_tlv_service_id,
          { "Service id", "qq.tlv.service_id", FT_UINT32, BASE_HEX, NULL, 0x0,
            "The service the login is for (1 for QQ)", HFILL }},
        { &hf_qq_tlv_client_version,
          { "Client version", "qq.tlv.client_version", FT_UINT32, BASE_HEX_DEC, NULL, 0x0,
            "The client program's build number", HFILL }},
        { &hf_qq_tlv_server_time,
          { "Server time", "qq.tlv.server_time", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "The server's clock, as the touch reply gives it and later TLVs repeat it", HFILL }},
        { &hf_qq_tlv_client_ip,
          { "Client address", "qq.tlv.client_ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            "The client's public (WAN) address as the server sees it", HFILL }},
        { &hf_qq_tlv_client_port,
          { "Client port", "qq.tlv.client_port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The client's public port as the server sees it", HFILL }},
        { &hf_qq_tlv_server_ip,
          { "Server address", "qq.tlv.server_ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            "A server address inside a TLV", HFILL }},
        { &hf_qq_tlv_redirect_ip,
          { "Redirect to address", "qq.tlv.redirect_ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            "The server a touch reply sends the client to", HFILL }},
        { &hf_qq_tlv_computer_name,
          { "Computer name", "qq.tlv.computer_name", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name of the computer the client runs on", HFILL }},
        { &hf_qq_tlv_computer_id,
          { "Computer id", "qq.tlv.computer_id", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Identifier of the computer the client runs on", HFILL }},
        { &hf_qq_tlv_password_md5,
          { "Password MD5", "qq.tlv.password_md5", FT_BYTES, BASE_NONE, NULL, 0x0,
            "md5 of the account's password, inside the encrypted TLV 0x0006", HFILL }},
        { &hf_qq_tlv_remember_password,
          { "Remember password", "qq.tlv.remember_password", FT_UINT8, BASE_DEC, NULL, 0x0,
            "1 when the user asked the client to remember the password", HFILL }},
        { &hf_qq_tlv_tgtgt_key,
          { "TGTGT key", "qq.tlv.tgtgt_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Key the client chooses for the login: it opens the inner layer of the 0x0836 reply", HFILL }},
        { &hf_qq_tlv_key,
          { "Key", "qq.tlv.key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "A 16-byte key the TLV hands out; the text says which key type it is and what it opens", HFILL }},
        { &hf_qq_tlv_token,
          { "Token", "qq.tlv.token", FT_BYTES, BASE_NONE, NULL, 0x0,
            "A token or ticket the server hands out (with its 2-byte length before it)", HFILL }},
        { &hf_qq_tlv_error_code,
          { "Error code", "qq.tlv.error_code", FT_UINT32, BASE_HEX, NULL, 0x0,
            "Error code of a failed login", HFILL }},
        { &hf_qq_tlv_message,
          { "Message", "qq.tlv.message", FT_STRING, BASE_NONE, NULL, 0x0,
            "Text the server shows the user (UTF-8)", HFILL }},
        { &hf_qq_tlv_nickname,
          { "Nickname", "qq.tlv.nickname", FT_STRING, BASE_NONE, NULL, 0x0,
            "The account's nickname, as the successful login reply gives it", HFILL }},
        { &hf_qq_tlv_dh_version,
          { "DH version", "qq.tlv.dh_version", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Version of the Diffie-Hellman (ECDH) parameters", HFILL }},
        { &hf_qq_tlv_public_key,
          { "Public key", "qq.tlv.public_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "An ECDH public key inside a TLV", HFILL }},
        { &hf_qq_tlv_md5,
          { "MD5", "qq.tlv.md5", FT_BYTES, BASE_NONE, NULL, 0x0,
            "MD5 that ends a login reply (TLV 0x0115)", HFILL }},
        { &hf_qq_tlv_encrypted,
          { "Encrypted value", "qq.tlv.encrypted", FT_BYTES, BASE_NONE, NULL, 0x0,
            "A TLV value or layer that is itself encrypted (TLV 0x0006 with the password key, TLV 0x001A"
            " with the TGTGT key)", HFILL }},
        { &hf_qq_tlv_decrypted,
          { "Decrypted value", "qq.tlv.decrypted", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The TLV's value after decryption (also a tab of its own)", HFILL }},
        { &hf_qq_tlv_key_used,
          { "Opened with", "qq.tlv.key_used", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The key that opened this TLV value, and where it came from", HFILL }},
        { &hf_qq_login_result,
          { "Login result", "qq.login.result", FT_UINT8, BASE_HEX, VALS(qq_login_result_vals), 0x0,
            "Result code that starts a login reply's plaintext: 0 is success", HFILL }},
        { &hf_qq_login_ecdh_mode,
          { "ECDH mode", "qq.login.ecdh_mode", FT_UINT16, BASE_DEC, VALS(qq_login_ecdh_mode_vals), 0x0,
            "First clear-text field of a 0x0836 request: 2 lets the server add a second ECDH exchange", HFILL }},
        { &hf_qq_login_dh_version,
          { "DH version", "qq.login.dh_version", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Version of the ECDH parameters of a 0x0836 request (0x0102 or 0x0103); some sources read it as a"
            " TLV type", HFILL }},
        { &hf_qq_login_public_key,
          { "Client public key", "qq.login.public_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The client's ECDH public key (25 bytes: a compressed point) in a 0x0836 request; the share key"
            " made with it encrypts the request and its reply", HFILL }},
        { &hf_qq_login_known_pair,
          { "Known key pair", "qq.login.known_pair", FT_STRING, BASE_NONE, NULL, 0x0,
            "The public key belongs to a fixed key pair whose share key is public: the request and its reply"
            " open with no secret", HFILL }},
        { &hf_qq_login_extra,
          { "Second exchange data", "qq.login.extra", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes (with a 2-byte length, usually none) that a resent 0x0836 request carries", HFILL }},
        { &hf_qq_login_request_key,
          { "Request key", "qq.login.request_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Random 16-byte key a 0x0836 request sends in clear (some clients encrypt with it)", HFILL }},
        { &hf_qq_login_token,
          { "Session token", "qq.login.token", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The token of TLV 0x0109 that a 0x0828 request sends in clear before its ciphertext", HFILL }},
        { &hf_qq_login_inner,
          { "Inner layer", "qq.login.inner", FT_BYTES, BASE_NONE, NULL, 0x0,
            "A 0x0836 reply's plaintext under its outer layer: encrypted once more (second ECDH share key,"
            " TGTGT key)", HFILL }},
        { &hf_qq_login_inner_key,
          { "Inner layer opened with", "qq.login.inner_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The key that opened the inner layer, and where it came from", HFILL }},
        { &hf_qq_login_server_public_key,
          { "Server public key", "qq.login.server_public_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The server's ECDH public key of a second exchange (49 bytes); the share key made with it needs"
            " the client's private key, so only a key log line QQ_SHARE_KEY opens what follows", HFILL }},
    };
    static int *ett[] = {
        &ett_qq_tlv,
        &ett_qq_tlv_inner,
    };
    static ei_register_info ei[] = {
        { &ei_qq_tlv_truncated,
          { "qq.tlv.truncated", PI_MALFORMED, PI_WARN, "TLV longer than the bytes that follow", EXPFILL }},
        { &ei_qq_tlv_short,
          { "qq.tlv.short", PI_MALFORMED, PI_WARN, "TLV shorter than its layout", EXPFILL }},
        { &ei_qq_tlv_not_decrypted,
          { "qq.tlv.not_decrypted", PI_UNDECODED, PI_NOTE, "Encrypted TLV not decrypted", EXPFILL }},
        { &ei_qq_login_inner_not_decrypted,
          { "qq.login.inner_not_decrypted", PI_UNDECODED, PI_NOTE,
            "Inner layer of the 0x0836 reply not decrypted: it needs the TGTGT key (from the password, or a"
            " QQ_TGTGT_KEY key log line) or a second share key (QQ_SHARE_KEY)", EXPFILL }},
    };

    proto_qq_login = proto_get_id_by_filter_name("qq");
    proto_register_field_array(proto_qq_login, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_qq_login), ei, array_length(ei));
}
