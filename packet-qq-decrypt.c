/* packet-qq-decrypt.c
 * Decryption of QQ bodies (doc/qq.md section 7) and what the plaintext
 * says: login and touch replies, instant messages and their acks.
 *
 * Keys, tried in this order on each encrypted body:
 *   1. the clear-text key at the start of this packet's body (login-family
 *      requests: classic 0x0022/0x00ba/0x0091/0x00dd, QQ2010 0x0091/0x00ba/
 *      0x00dd after the 22-byte header, PC QQ 0x0825/0x0818 after the
 *      26-byte header), and for a reply the key of its request;
 *   2. for login replies, keys made from the password (qq.password):
 *      md5(md5(password)) and md5(md5(password) || 00000000 || QQ number);
 *      a successful login reply teaches the session key, which then opens
 *      every later packet of that QQ number;
 *   3. session keys from the key store (qq-keys.c): those learned from a
 *      login reply earlier in the capture, the key log file
 *      (qq.keylog_file) and the qq_keys table.
 * A key is right when the cipher's 7 check bytes come out zero, so a wrong
 * key is recognised, never shown as garbage. Without any key nothing is
 * decrypted and no cipher work is done; a note says once per conversation
 * which key would open it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/strutil.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <wsutil/utf8_entities.h>

#include <stdio.h>
#include <string.h>

#include "packet-qq-decrypt.h"
#include "packet-qq-login.h"
#include "qq-keys.h"
#include "qq-tea.h"
#include "plugin.h"
#include "ws-compat.h"

#define QQ_MAX_CANDIDATES       16
#define QQ_IM_TEXT_SEGMENTS_MAX 32

/* Where a key came from (qq.key_source). */
enum {
    QQ_KEY_SRC_PACKET = 1,
    QQ_KEY_SRC_REQUEST,
    QQ_KEY_SRC_PASSWORD,
    QQ_KEY_SRC_SESSION,
    QQ_KEY_SRC_KEYLOG,
    QQ_KEY_SRC_TABLE,
    QQ_KEY_SRC_KNOWN_PAIR
};

static const value_string qq_key_source_vals[] = {
    { QQ_KEY_SRC_PACKET,   "Key in this packet (sent in clear before the encrypted part)" },
    { QQ_KEY_SRC_REQUEST,  "Key of the request this packet answers (sent in clear in it, or the share key that opened it)" },
    { QQ_KEY_SRC_PASSWORD, "Password (qq.password preference)" },
    { QQ_KEY_SRC_SESSION,  "Key learned from a decrypted packet of this capture (frame in qq.key_frame)" },
    { QQ_KEY_SRC_KEYLOG,   "Key log file (qq.keylog_file preference)" },
    { QQ_KEY_SRC_TABLE,    "Key table (qq_keys)" },
    { QQ_KEY_SRC_KNOWN_PAIR, "Public constant: the share key of a fixed ECDH key pair of PC QQ clients" },
    { 0, NULL }
};

/* Short names for the list of keys a failure message gives. */
static const value_string qq_key_source_short_vals[] = {
    { QQ_KEY_SRC_PACKET,   "key in this packet" },
    { QQ_KEY_SRC_REQUEST,  "key of the request" },
    { QQ_KEY_SRC_PASSWORD, "password" },
    { QQ_KEY_SRC_SESSION,  "learned key" },
    { QQ_KEY_SRC_KEYLOG,   "key log" },
    { QQ_KEY_SRC_TABLE,    "key table" },
    { QQ_KEY_SRC_KNOWN_PAIR, "known key pair" },
    { 0, NULL }
};

/* qq.key_type: 0 for keys sent in clear, else the key store's types. */
static const value_string qq_key_type_vals[] = {
    { 0,                       "Key sent in clear (login request)" },
    { QQ_KEYTYPE_SESSION,      "Session key (QQ_SESSION_KEY)" },
    { QQ_KEYTYPE_PASSWORD_MD5, "Password key (from the password or QQ_PASSWORD_MD5)" },
    { QQ_KEYTYPE_SHARE,        "ECDH share key (QQ_SHARE_KEY)" },
    { QQ_KEYTYPE_TGTGT,        "TGTGT key (QQ_TGTGT_KEY)" },
    { QQ_KEYTYPE_LOGIN,        "Login exchange key (QQ_LOGIN_KEY)" },
    { QQ_KEYTYPE_D2,           "D2 key (QQ_D2_KEY)" },
    { QQ_KEYTYPE_WTLOGIN,      "wtlogin share key (QQ_WTLOGIN_KEY)" },
    { 0, NULL }
};

static const value_string qq_login_result_vals[] = {
    { 0x00, "Success" },
    { 0x01, "Redirect to another server" },
    { 0x05, "Wrong password" },
    { 0xfe, "Redirect to another server" },
    { 0, NULL }
};

static const value_string qq_im_reply_type_vals[] = {
    { 0x01, "Normal message" },
    { 0x02, "Automatic reply" },
    { 0, NULL }
};

static const value_string qq_im_charset_vals[] = {
    { 0x0000, "English (ASCII)" },
    { 0x8602, "GB (Chinese)" },
    { 0x8622, "GB (Chinese)" },
    { 0, NULL }
};

/* One key to try on a body. */
typedef struct {
    const uint8_t *key;
    uint8_t source;
    uint32_t frame;             /* frame that carried or taught the key, 0 if none */
    const qq_key_t *stored;     /* the key store's entry, NULL for keys in the packets */
    uint8_t type;               /* qq.key_type: a qq_key_type_t, 0 for a key sent in clear */
} qq_key_try_t;

typedef struct {
    qq_key_try_t tries[QQ_MAX_CANDIDATES];
    unsigned n;
    qq_key_t password_keys[4];
} qq_candidates_t;

/* What the "qq_im" tap receives: one decrypted instant message. */
typedef struct {
    uint32_t frame;
    uint32_t from;
    uint32_t to;
    nstime_t sent;
    bool has_time;
    const char *text;
} qq_im_tap_info_t;

static int proto_qq_decrypt = -1;
static int qq_im_tap = -1;

static int hf_qq_decrypted = -1;
static int hf_qq_key_source = -1;
static int hf_qq_key_frame = -1;
static int hf_qq_key_type = -1;
static int hf_qq_key = -1;
static int hf_qq_session_key = -1;
static int hf_qq_reply_result = -1;
static int hf_qq_reply_uin = -1;
static int hf_qq_reply_ip = -1;
static int hf_qq_reply_port = -1;
static int hf_qq_reply_server_ip = -1;
static int hf_qq_reply_server_port = -1;
static int hf_qq_reply_server_time = -1;
static int hf_qq_reply_local_ip = -1;
static int hf_qq_reply_redirect_ip = -1;
static int hf_qq_reply_redirect_port = -1;
static int hf_qq_reply_token = -1;
static int hf_qq_reply_message = -1;
static int hf_qq_im_from = -1;
static int hf_qq_im_to = -1;
static int hf_qq_im_server_seq = -1;
static int hf_qq_im_sender_ip = -1;
static int hf_qq_im_sender_port = -1;
static int hf_qq_im_recv_type = -1;
static int hf_qq_im_client_version = -1;
static int hf_qq_im_session_md5 = -1;
static int hf_qq_im_type = -1;
static int hf_qq_im_seq = -1;
static int hf_qq_im_time = -1;
static int hf_qq_im_has_font = -1;
static int hf_qq_im_fragment_count = -1;
static int hf_qq_im_fragment_index = -1;
static int hf_qq_im_msg_id = -1;
static int hf_qq_im_reply_type = -1;
static int hf_qq_im_text = -1;
static int hf_qq_im_font_name = -1;
static int hf_qq_im_charset = -1;
static int hf_qq_im_ack_result = -1;
static int hf_qq_im_ack_of = -1;

static int ett_qq_decrypted = -1;
static int ett_qq_tlv = -1;

static expert_field ei_qq_not_decrypted = EI_INIT;
static expert_field ei_qq_decrypt_failed = EI_INIT;
static expert_field ei_qq_plaintext_short = EI_INIT;

/* Per capture (wmem file scope, reset with each file). */
/* request frame -> its requests' clear keys; a TCP segment can carry
 * several requests (a touch and a login, each with its own key), so an
 * entry is a short chain told apart by command and sequence. */
typedef struct qq_request_key {
    uint16_t cmd;
    uint16_t seq;
    uint8_t type;               /* 0: sent in clear; QQ_KEYTYPE_SHARE: the share key that opened it */
    uint8_t key[QQ_KEY_LEN];
    struct qq_request_key *next;
} qq_request_key_t;
static wmem_map_t *qq_request_keys;
static wmem_map_t *qq_noted_conversations;  /* conversation -> frame of its note */
static wmem_map_t *qq_conversation_uins;    /* conversation -> the client's QQ number */

/* ---------------------------------------------------------------------- */
/* Which key could open a body                                            */

/* Replies encrypted with a key made from the password (or with the key of
 * their request when the login did not succeed). */
static bool
qq_is_login_reply(const qq_decrypt_packet_info_t *info)
{
    if (!info->from_server)
        return false;
    switch (info->cmd) {
    case 0x0022:
        return info->generation == QQ_DECRYPT_GEN_CLASSIC;
    case 0x0030:
        return info->generation == QQ_DECRYPT_GEN_2010;
    case 0x00dd:
        return info->generation != QQ_DECRYPT_GEN_PCQQ;
    default:
        return false;
    }
}

/* Bodies sent in clear: the classic login token exchange. */
static bool
qq_body_in_clear(const qq_decrypt_packet_info_t *info)
{
    return info->cmd == 0x0062 && info->generation == QQ_DECRYPT_GEN_CLASSIC;
}

static void
qq_add_try(qq_candidates_t *c, const uint8_t *key, uint8_t source, uint32_t frame, const qq_key_t *stored)
{
    if (c->n < QQ_MAX_CANDIDATES) {
        c->tries[c->n].key = key;
        c->tries[c->n].source = source;
        c->tries[c->n].frame = frame;
        c->tries[c->n].stored = stored;
        c->tries[c->n].type = stored ? stored->type : 0;
        c->n++;
    }
}

/* The qq.key_source value of a key from the store. */
static uint8_t
qq_store_source(const qq_key_t *key)
{
    switch (key->origin) {
    case QQ_KEYORIGIN_KEYLOG:   return QQ_KEY_SRC_KEYLOG;
    case QQ_KEYORIGIN_TABLE:    return QQ_KEY_SRC_TABLE;
    case QQ_KEYORIGIN_PASSWORD: return QQ_KEY_SRC_PASSWORD;
    default:                    return QQ_KEY_SRC_SESSION;
    }
}

/* Keys of the store: every key of `type` for the packet's QQ number. */
static void
qq_add_store_tries(qq_candidates_t *c, packet_info *pinfo, const qq_decrypt_packet_info_t *info,
        qq_key_type_t type)
{
    const qq_key_t *keys[QQ_KEYS_MAX_PER_LOOKUP];
    unsigned n = qq_keys_lookup(info->uin, type, pinfo->num, keys, QQ_KEYS_MAX_PER_LOOKUP), i;

    for (i = 0; i < n; i++)
        qq_add_try(c, keys[i]->key, qq_store_source(keys[i]), keys[i]->frame, keys[i]);
}

static void
qq_remember_request_key(uint32_t frame, const qq_decrypt_packet_info_t *info, const uint8_t *key, uint8_t type)
{
    qq_request_key_t *rk = wmem_new(wmem_file_scope(), qq_request_key_t);

    rk->cmd = info->cmd;
    rk->seq = info->seq;
    rk->type = type;
    memcpy(rk->key, key, QQ_KEY_LEN);
    rk->next = (qq_request_key_t *)wmem_map_lookup(qq_request_keys, GUINT_TO_POINTER(frame));
    wmem_map_insert(qq_request_keys, GUINT_TO_POINTER(frame), rk);
}

/* The key of the request in `frame` that this reply answers. */
static const qq_request_key_t *
qq_request_key(uint32_t frame, const qq_decrypt_packet_info_t *reply)
{
    const qq_request_key_t *rk = (const qq_request_key_t *)wmem_map_lookup(qq_request_keys, GUINT_TO_POINTER(frame));

    for (; rk; rk = rk->next) {
        if (rk->cmd == reply->cmd && rk->seq == reply->seq)
            return rk;
    }
    return NULL;
}

/* Share keys a PC QQ 0x0836 or 0x0818 exchange may use: the known key
 * pair of the request's public key first, then the key log's, then the
 * other known pairs (a client may reuse one whose public key it does not
 * send); the request's clear 16-byte key, which a resending client uses. */
static void
qq_add_share_tries(qq_candidates_t *c, tvbuff_t *tvb, packet_info *pinfo, const qq_decrypt_packet_info_t *info)
{
    const qq_key_t *known[8];
    unsigned n, i;

    if (info->known_pair)
        qq_add_try(c, info->known_pair->key, QQ_KEY_SRC_KNOWN_PAIR, 0, info->known_pair);
    qq_add_store_tries(c, pinfo, info, QQ_KEYTYPE_SHARE);
    n = qq_login_known_share_keys(known, G_N_ELEMENTS(known));
    for (i = 0; i < n; i++) {
        if (known[i] != info->known_pair)
            qq_add_try(c, known[i]->key, QQ_KEY_SRC_KNOWN_PAIR, 0, known[i]);
    }
    if (info->login_key_off >= 0 && tvb_bytes_exist(tvb, info->login_key_off, QQ_KEY_LEN))
        qq_add_try(c, (uint8_t *)tvb_memdup(pinfo->pool, tvb, info->login_key_off, QQ_KEY_LEN), QQ_KEY_SRC_PACKET,
                pinfo->num, NULL);
}

/* The keys of the PC QQ login chain (doc/qq.md): 0x0836 and 0x0818 under
 * an ECDH share key, 0x0828 and 0x0819 under keys an earlier reply gave
 * (TLV 0x0109 and 0x0107, TLV 0x0009). 0x0825 carries its key in clear. */
static void
qq_add_login_tries(qq_candidates_t *c, tvbuff_t *tvb, packet_info *pinfo, const qq_decrypt_packet_info_t *info)
{
    switch (info->cmd) {
    case 0x0836:
    case 0x0818:
        if (info->cmd == 0x0836 || info->from_server)
            qq_add_share_tries(c, tvb, pinfo, info);
        break;
    case 0x0828:
    case 0x0819:
        qq_add_store_tries(c, pinfo, info, QQ_KEYTYPE_LOGIN);
        if (info->from_server)
            qq_add_store_tries(c, pinfo, info, QQ_KEYTYPE_TGTGT);
        break;
    default:
        break;
    }
}

/* Every key that could open this body, in the order they are tried. */
static void
qq_collect_candidates(qq_candidates_t *c, tvbuff_t *tvb, packet_info *pinfo,
        const qq_decrypt_packet_info_t *info)
{
    bool login_reply = qq_is_login_reply(info);

    c->n = 0;
    if (info->key_off >= 0) {
        uint8_t *key = (uint8_t *)tvb_memdup(pinfo->pool, tvb, info->key_off, QQ_KEY_LEN);

        qq_add_try(c, key, QQ_KEY_SRC_PACKET, pinfo->num, NULL);
        if (!PINFO_FD_VISITED(pinfo))
            qq_remember_request_key(pinfo->num, info, key, 0);
    }
    if (info->from_server && info->request_frame) {
        const qq_request_key_t *rk = qq_request_key(info->request_frame, info);

        if (rk) {
            qq_add_try(c, rk->key, QQ_KEY_SRC_REQUEST, info->request_frame, NULL);
            c->tries[c->n - 1].type = rk->type;
        }
    }
    if (login_reply) {
        unsigned n = qq_keys_password_keys(info->uin, c->password_keys, G_N_ELEMENTS(c->password_keys)), i;

        for (i = 0; i < n; i++)
            qq_add_try(c, c->password_keys[i].key, qq_store_source(&c->password_keys[i]), 0, NULL);
    }
    if (info->generation == QQ_DECRYPT_GEN_PCQQ && qq_login_is_login_cmd(info->cmd))
        qq_add_login_tries(c, tvb, pinfo, info);
    else
        qq_add_store_tries(c, pinfo, info, QQ_KEYTYPE_SESSION);
}

/* The note for a body nobody could open: once per conversation, at the
 * first such packet (the same frame in every pass). */
static void
qq_note_no_key(packet_info *pinfo, proto_item *item, const qq_decrypt_packet_info_t *info)
{
    uint32_t noted = GPOINTER_TO_UINT(wmem_map_lookup(qq_noted_conversations, info->conversation));

    if (!noted && !PINFO_FD_VISITED(pinfo)) {
        noted = pinfo->num;
        wmem_map_insert(qq_noted_conversations, info->conversation, GUINT_TO_POINTER(noted));
    }
    if (noted != pinfo->num)
        return;
    if (qq_is_login_reply(info))
        expert_add_info_format(pinfo, item, &ei_qq_not_decrypted,
                "Encrypted QQ body not decrypted: this login reply opens with the password "
                "(preference qq.password); later packets of this conversation are not noted again");
    else if (info->from_server && info->request_frame == 0 && info->cmd == 0x0091)
        expert_add_info_format(pinfo, item, &ei_qq_not_decrypted,
                "Encrypted QQ body not decrypted: it opens with the key of its request and that request is not in "
                "the capture; later packets of this conversation are not noted again");
    else if (info->generation == QQ_DECRYPT_GEN_PCQQ && (info->cmd == 0x0836 || info->cmd == 0x0818))
        expert_add_info_format(pinfo, item, &ei_qq_not_decrypted,
                "Encrypted QQ body not decrypted: it opens with the ECDH share key of the client's public key, which"
                " belongs to no known key pair (a QQ_SHARE_KEY key log line for QQ number %u opens it); later"
                " packets of this conversation are not noted again", info->uin);
    else if (info->generation == QQ_DECRYPT_GEN_PCQQ && (info->cmd == 0x0828 || info->cmd == 0x0819))
        expert_add_info_format(pinfo, item, &ei_qq_not_decrypted,
                "Encrypted QQ body not decrypted: it opens with a key of the 0x0836 reply (the password in"
                " qq.password, with the whole login in the capture, or QQ_LOGIN_KEY key log lines of QQ number %u);"
                " later packets of this conversation are not noted again", info->uin);
    else
        expert_add_info_format(pinfo, item, &ei_qq_not_decrypted,
                "Encrypted QQ body not decrypted: it needs the session key of QQ number %u (the password "
                "in qq.password when the login is in the capture or the key in qq.keylog_file or the qq_keys "
                "table); later packets of this conversation are not noted again", info->uin);
}

/* ---------------------------------------------------------------------- */
/* Login and touch replies                                                */

static bool
qq_has(tvbuff_t *tvb, int off, int n)
{
    return off >= 0 && n >= 0 && tvb_captured_length_remaining(tvb, off) >= n;
}

/* Success: session key, QQ number, the client's address as the server sees
 * it, then (classic) the server's address and the login time, or (QQ2010)
 * the login time and the client's local address. */
static void
qq_decode_login_ok(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qq_decrypt_packet_info_t *info)
{
    uint32_t uin;

    if (!qq_has(tvb, 1, QQ_KEY_LEN + 10)) {
        expert_add_info(pinfo, proto_tree_get_parent(tree), &ei_qq_plaintext_short);
        return;
    }
    proto_tree_add_item(tree, hf_qq_session_key, tvb, 1, QQ_KEY_LEN, ENC_NA);
    proto_tree_add_item_ret_uint(tree, hf_qq_reply_uin, tvb, 17, 4, ENC_BIG_ENDIAN, &uin);
    proto_tree_add_item(tree, hf_qq_reply_ip, tvb, 21, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_reply_port, tvb, 25, 2, ENC_BIG_ENDIAN);
    if (info->generation == QQ_DECRYPT_GEN_CLASSIC && qq_has(tvb, 27, 10)) {
        proto_tree_add_item(tree, hf_qq_reply_server_ip, tvb, 27, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_reply_server_port, tvb, 31, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_reply_server_time, tvb, 33, 4, ENC_TIME_SECS | ENC_BIG_ENDIAN);
    } else if (info->generation != QQ_DECRYPT_GEN_CLASSIC && qq_has(tvb, 27, 8)) {
        proto_tree_add_item(tree, hf_qq_reply_server_time, tvb, 27, 4, ENC_TIME_SECS | ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_qq_reply_local_ip, tvb, 31, 4, ENC_BIG_ENDIAN);
    }
    {
        uint8_t key[QQ_KEY_LEN];

        tvb_memcpy(tvb, key, 1, QQ_KEY_LEN);
        qq_keys_learn(pinfo, uin ? uin : info->uin, QQ_KEYTYPE_SESSION, key, "session key of a login reply");
    }
    col_append_str(pinfo->cinfo, COL_INFO, " [login OK, session key learned]");
}

static void
qq_decode_login_reply(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qq_decrypt_packet_info_t *info)
{
    uint32_t result;
    int len = tvb_captured_length(tvb);

    if (len < 1)
        return;
    proto_tree_add_item_ret_uint(tree, hf_qq_reply_result, tvb, 0, 1, ENC_NA, &result);
    switch (result) {
    case 0x00:
        qq_decode_login_ok(tvb, pinfo, tree, info);
        break;
    case 0x01:
        if (qq_has(tvb, 1, 10)) {
            proto_tree_add_item(tree, hf_qq_reply_uin, tvb, 1, 4, ENC_BIG_ENDIAN);
            proto_tree_add_item(tree, hf_qq_reply_redirect_ip, tvb, 5, 4, ENC_BIG_ENDIAN);
            proto_tree_add_item(tree, hf_qq_reply_redirect_port, tvb, 9, 2, ENC_BIG_ENDIAN);
        }
        col_append_str(pinfo->cinfo, COL_INFO, " [login redirected]");
        break;
    case 0x05:
        if (len > 1)
            proto_tree_add_item(tree, hf_qq_reply_message, tvb, 1, len - 1, ENC_GB18030 | ENC_NA);
        col_append_str(pinfo->cinfo, COL_INFO, " [wrong password]");
        break;
    default:
        break;
    }
}

/* QQ2010 touch (0x0091) reply: result, server time, the client's address,
 * 8 bytes, a token with a 2-byte length, a redirect flag and, when it is
 * set, the redirect block whose bytes 10-13 are the new server address. */
static void
qq_decode_touch_reply(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    uint32_t result, token_len;
    int off;

    if (tvb_captured_length(tvb) < 1)
        return;
    proto_tree_add_item_ret_uint(tree, hf_qq_reply_result, tvb, 0, 1, ENC_NA, &result);
    if (result != 0 || !qq_has(tvb, 1, 18))
        return;
    proto_tree_add_item(tree, hf_qq_reply_server_time, tvb, 1, 4, ENC_TIME_SECS | ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_reply_ip, tvb, 5, 4, ENC_BIG_ENDIAN);
    token_len = tvb_get_ntohs(tvb, 17);
    off = 19;
    if (!qq_has(tvb, off, (int)token_len)) {
        expert_add_info(pinfo, proto_tree_get_parent(tree), &ei_qq_plaintext_short);
        return;
    }
    proto_tree_add_item(tree, hf_qq_reply_token, tvb, off, token_len, ENC_NA);
    off += token_len;
    if (qq_has(tvb, off, 14) && tvb_get_uint8(tvb, off) != 0) {
        proto_tree_add_item(tree, hf_qq_reply_redirect_ip, tvb, off + 10, 4, ENC_BIG_ENDIAN);
        col_append_str(pinfo->cinfo, COL_INFO, " [redirect]");
    }
}

/* ---------------------------------------------------------------------- */
/* Instant messages                                                       */

/* Sizes of the parts of a text message (libpurple im.c, pidgin-libqq im.c):
 * the IM header (sender's client version, sender, receiver, md5 of the
 * session key, message type), the text header (message sequence, send
 * time, sender icon, 3 bytes, font flag, fragment count and index, message
 * id, reply type), the "MSG" block of QQ2010 messages. */
#define QQ_IM_HEADER_LEN      28
#define QQ_IM_TEXT_HEADER_LEN 17
#define QQ_IM_MSG_BLOCK_LEN   16
#define QQ_IM_RECV_HEADER_LEN 20
#define QQ_IM_SEND_PREFIX_CLASSIC 8
#define QQ_IM_SEND_PREFIX_2010    25
/* PC QQ (Tangent-PC's pack00CD): sender, receiver, 12 bytes. */
#define QQ_IM_SEND_PREFIX_PCQQ    20
#define QQ_IM_TYPE_TEXT       0x000b

typedef struct {
    uint32_t from;
    uint32_t to;
    nstime_t sent;
    bool has_time;
    bool has_font;
    wmem_strbuf_t *text;
} qq_im_t;

/* Classic text: the message in GB18030 up to the font block, whose last
 * byte gives its own length: 00, size and style, red, green, blue, 00,
 * charset (2), font name. */
static void
qq_decode_im_text_classic(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, qq_im_t *im)
{
    int remaining = tvb_captured_length_remaining(tvb, off);
    int text_len = remaining, tail_len = 0;
    const uint8_t *text;

    if (remaining <= 0)
        return;
    if (im->has_font) {
        tail_len = tvb_get_uint8(tvb, off + remaining - 1);
        if (tail_len >= 9 && tail_len <= remaining && tvb_get_uint8(tvb, off + remaining - tail_len) == 0)
            text_len = remaining - tail_len;
        else
            tail_len = 0;
    }
    if (!tail_len) {
        int nul = tvb_find_uint8(tvb, off, remaining, 0);

        if (nul >= 0)
            text_len = nul - off;
    }
    proto_tree_add_item_ret_string(tree, hf_qq_im_text, tvb, off, text_len, ENC_GB18030 | ENC_NA,
            pinfo->pool, &text);
    wmem_strbuf_append(im->text, (const char *)text);
    if (tail_len) {
        int t = off + text_len;

        proto_tree_add_item(tree, hf_qq_im_charset, tvb, t + 6, 2, ENC_BIG_ENDIAN);
        if (tail_len > 9)
            proto_tree_add_item(tree, hf_qq_im_font_name, tvb, t + 8, tail_len - 9, ENC_GB18030 | ENC_NA);
    }
}

/* QQ2010 text: after the "MSG" block, an optional font block, 2 bytes,
 * then segments (type, 2-byte length, data); a text segment (type 1) holds
 * 01, a 2-byte length and the text in UTF-8. */
static void
qq_decode_im_text_segments(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, qq_im_t *im)
{
    int len = tvb_captured_length(tvb), n = 0;

    off += QQ_IM_MSG_BLOCK_LEN;
    if (im->has_font) {
        uint32_t font_len;

        if (!qq_has(tvb, off, 10))
            return;
        proto_tree_add_item(tree, hf_qq_im_charset, tvb, off + 6, 2, ENC_BIG_ENDIAN);
        font_len = tvb_get_ntohs(tvb, off + 8);
        if (!qq_has(tvb, off + 10, (int)font_len))
            return;
        if (font_len)
            proto_tree_add_item(tree, hf_qq_im_font_name, tvb, off + 10, font_len, ENC_GB18030 | ENC_NA);
        off += 10 + font_len;
    }
    off += 2;
    while (off + 3 <= len && n++ < QQ_IM_TEXT_SEGMENTS_MAX) {
        uint8_t type = tvb_get_uint8(tvb, off);
        uint32_t seg_len = tvb_get_ntohs(tvb, off + 1);
        const uint8_t *text;

        if ((int)seg_len > len - off - 3)
            break;
        if (type == 0x01 && seg_len >= 3 && tvb_get_ntohs(tvb, off + 4) <= seg_len - 3) {
            proto_tree_add_item_ret_string(tree, hf_qq_im_text, tvb, off + 6, tvb_get_ntohs(tvb, off + 4),
                    ENC_UTF_8 | ENC_NA, pinfo->pool, &text);
            wmem_strbuf_append(im->text, (const char *)text);
        }
        off += 3 + seg_len;
    }
}

/* IM header, text header and text from `off`. Returns false when the
 * message is not a text message. */
static bool
qq_decode_im_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, qq_im_t *im)
{
    uint32_t type, has_font;

    if (!qq_has(tvb, off, QQ_IM_HEADER_LEN)) {
        expert_add_info(pinfo, proto_tree_get_parent(tree), &ei_qq_plaintext_short);
        return false;
    }
    proto_tree_add_item(tree, hf_qq_im_client_version, tvb, off, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_im_session_md5, tvb, off + 10, 16, ENC_NA);
    proto_tree_add_item_ret_uint(tree, hf_qq_im_type, tvb, off + 26, 2, ENC_BIG_ENDIAN, &type);
    off += QQ_IM_HEADER_LEN;
    if (type != QQ_IM_TYPE_TEXT || !qq_has(tvb, off, QQ_IM_TEXT_HEADER_LEN))
        return false;
    proto_tree_add_item(tree, hf_qq_im_seq, tvb, off, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_im_time, tvb, off + 2, 4, ENC_TIME_SECS | ENC_BIG_ENDIAN);
    im->sent.secs = (time_t)tvb_get_ntohl(tvb, off + 2);
    im->sent.nsecs = 0;
    im->has_time = true;
    proto_tree_add_item_ret_uint(tree, hf_qq_im_has_font, tvb, off + 11, 1, ENC_NA, &has_font);
    im->has_font = has_font != 0;
    proto_tree_add_item(tree, hf_qq_im_fragment_count, tvb, off + 12, 1, ENC_NA);
    proto_tree_add_item(tree, hf_qq_im_fragment_index, tvb, off + 13, 1, ENC_NA);
    proto_tree_add_item(tree, hf_qq_im_msg_id, tvb, off + 14, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_im_reply_type, tvb, off + 16, 1, ENC_NA);
    off += QQ_IM_TEXT_HEADER_LEN;
    /* QQ2010 messages carry a "MSG" block and segments; older ones text. */
    if (qq_has(tvb, off, QQ_IM_MSG_BLOCK_LEN) && tvb_get_ntohl(tvb, off) == 0x4d534700)
        qq_decode_im_text_segments(tvb, pinfo, tree, off, im);
    else
        qq_decode_im_text_classic(tvb, pinfo, tree, off, im);
    return true;
}

/* Show the message in Info and hand it to the "qq_im" tap. */
static void
qq_im_publish(packet_info *pinfo, const qq_im_t *im)
{
    qq_im_tap_info_t *tap = wmem_new0(pinfo->pool, qq_im_tap_info_t);
    const char *text = wmem_strbuf_get_str(im->text);

    col_append_fstr(pinfo->cinfo, COL_INFO, " [IM %u" UTF8_RIGHTWARDS_ARROW "%u: %s]", im->from, im->to,
            format_text(pinfo->pool, text, strlen(text)));
    tap->frame = pinfo->num;
    tap->from = im->from;
    tap->to = im->to;
    tap->sent = im->sent;
    tap->has_time = im->has_time;
    tap->text = text;
    tap_queue_packet(qq_im_tap, pinfo, tap);
}

/* Client to server: sender, receiver, (QQ2010: 17 more bytes,) message. */
static void
qq_decode_im_send(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int prefix)
{
    qq_im_t im;

    if (!qq_has(tvb, 0, prefix)) {
        expert_add_info(pinfo, proto_tree_get_parent(tree), &ei_qq_plaintext_short);
        return;
    }
    memset(&im, 0, sizeof im);
    im.text = wmem_strbuf_new(pinfo->pool, "");
    proto_tree_add_item_ret_uint(tree, hf_qq_im_from, tvb, 0, 4, ENC_BIG_ENDIAN, &im.from);
    proto_tree_add_item_ret_uint(tree, hf_qq_im_to, tvb, 4, 4, ENC_BIG_ENDIAN, &im.to);
    if (qq_decode_im_message(tvb, pinfo, tree, prefix, &im))
        qq_im_publish(pinfo, &im);
}

/* Server to client: the 20-byte receive header (sender, receiver, server
 * sequence, sender's address, kind of message), then the message. */
static void
qq_decode_im_recv(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    qq_im_t im;

    if (!qq_has(tvb, 0, QQ_IM_RECV_HEADER_LEN)) {
        expert_add_info(pinfo, proto_tree_get_parent(tree), &ei_qq_plaintext_short);
        return;
    }
    memset(&im, 0, sizeof im);
    im.text = wmem_strbuf_new(pinfo->pool, "");
    proto_tree_add_item_ret_uint(tree, hf_qq_im_from, tvb, 0, 4, ENC_BIG_ENDIAN, &im.from);
    proto_tree_add_item_ret_uint(tree, hf_qq_im_to, tvb, 4, 4, ENC_BIG_ENDIAN, &im.to);
    proto_tree_add_item(tree, hf_qq_im_server_seq, tvb, 8, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_im_sender_ip, tvb, 12, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_im_sender_port, tvb, 16, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_im_recv_type, tvb, 18, 2, ENC_BIG_ENDIAN);
    if (qq_decode_im_message(tvb, pinfo, tree, QQ_IM_RECV_HEADER_LEN, &im))
        qq_im_publish(pinfo, &im);
}

/* The client acks a received message with its first 16 bytes. */
static void
qq_decode_im_recv_ack(tvbuff_t *tvb, proto_tree *tree)
{
    proto_item *ti;

    if (!qq_has(tvb, 0, 16))
        return;
    ti = proto_tree_add_item(tree, hf_qq_im_ack_of, tvb, 0, 16, ENC_NA);
    tree = proto_item_add_subtree(ti, ett_qq_tlv);
    proto_tree_add_item(tree, hf_qq_im_from, tvb, 0, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_im_to, tvb, 4, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_im_server_seq, tvb, 8, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_qq_im_sender_ip, tvb, 12, 4, ENC_BIG_ENDIAN);
}

/* What the plaintext says, by command, generation and direction. */
static void
qq_decode_plaintext(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qq_decrypt_packet_info_t *info)
{
    bool classic = info->generation == QQ_DECRYPT_GEN_CLASSIC;

    if (qq_is_login_reply(info) && info->cmd != 0x00dd) {
        qq_decode_login_reply(tvb, pinfo, tree, info);
        return;
    }
    if (info->generation == QQ_DECRYPT_GEN_PCQQ && qq_login_is_login_cmd(info->cmd)) {
        qq_login_ctx_t ctx;

        ctx.cmd = info->cmd;
        ctx.from_server = info->from_server;
        ctx.uin = info->uin;
        qq_login_dissect_plaintext(tvb, pinfo, tree, &ctx);
        return;
    }
    switch (info->cmd) {
    case 0x0091:
        if (info->from_server)
            qq_decode_touch_reply(tvb, pinfo, tree);
        break;
    case 0x0016:
    case 0x00cd:
        if (info->from_server) {
            if (tvb_captured_length(tvb) >= 1)
                proto_tree_add_item(tree, hf_qq_im_ack_result, tvb, 0, 1, ENC_NA);
        } else if (info->cmd == 0x0016 && classic)
            qq_decode_im_send(tvb, pinfo, tree, QQ_IM_SEND_PREFIX_CLASSIC);
        else if (info->cmd == 0x00cd && !classic)
            qq_decode_im_send(tvb, pinfo, tree, info->generation == QQ_DECRYPT_GEN_PCQQ
                    ? QQ_IM_SEND_PREFIX_PCQQ : QQ_IM_SEND_PREFIX_2010);
        break;
    case 0x00ce:
        if (classic)
            break;
        /* fall through */
    case 0x0017:
        if (info->from_server)
            qq_decode_im_recv(tvb, pinfo, tree);
        else
            qq_decode_im_recv_ack(tvb, tree);
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------------- */
/* Decryption                                                             */

/* The plaintext as its own data source, how it was opened, what it says. */
static void
qq_show_plaintext(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qq_decrypt_packet_info_t *info,
        const qq_key_try_t *used, uint8_t *plain, size_t len)
{
    tvbuff_t *ptvb = tvb_new_child_real_data(tvb, plain, (unsigned)len, (int)len);
    proto_item *ti, *it;
    proto_tree *sub;

    if (len)
        add_new_data_source(pinfo, ptvb, "Decrypted QQ");
    ti = proto_tree_add_item(tree, hf_qq_decrypted, ptvb, 0, (int)len, ENC_NA);
    sub = proto_item_add_subtree(ti, ett_qq_decrypted);
    it = proto_tree_add_uint(sub, hf_qq_key_source, ptvb, 0, 0, used->source);
    proto_item_set_generated(it);
    if (used->stored && used->stored->what && used->source != QQ_KEY_SRC_SESSION)
        proto_item_append_text(it, ": %s", used->stored->what);
    if (used->frame) {
        it = proto_tree_add_uint(sub, hf_qq_key_frame, ptvb, 0, 0, used->frame);
        proto_item_set_generated(it);
    }
    it = proto_tree_add_uint(sub, hf_qq_key_type, ptvb, 0, 0, used->type);
    proto_item_set_generated(it);
    if (used->stored && used->source == QQ_KEY_SRC_SESSION && used->stored->what)
        proto_item_append_text(it, " (%s)", used->stored->what);
    it = proto_tree_add_bytes_with_length(sub, hf_qq_key, ptvb, 0, 0, used->key, QQ_KEY_LEN);
    proto_item_set_generated(it);
    TRY {
        qq_decode_plaintext(ptvb, pinfo, sub, info);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(ptvb, pinfo, sub, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
}

/* Was a key the user gave (directly or through the password) among the
 * failed ones? Keys that travel in clear or are public constants failing
 * is normal: a successful login reply, say, is not encrypted with its
 * request's key, and most clients use no known ECDH key pair. */
static bool
qq_tried_given_key(const qq_candidates_t *c)
{
    unsigned i;

    for (i = 0; i < c->n; i++) {
        if (c->tries[i].source != QQ_KEY_SRC_PACKET && c->tries[i].source != QQ_KEY_SRC_REQUEST
                && c->tries[i].source != QQ_KEY_SRC_KNOWN_PAIR)
            return true;
    }
    return false;
}

static void
qq_report_failure(packet_info *pinfo, proto_item *item, const qq_candidates_t *c)
{
    wmem_strbuf_t *names = wmem_strbuf_new(pinfo->pool, "");
    unsigned i;

    for (i = 0; i < c->n; i++) {
        if (i)
            wmem_strbuf_append(names, "; ");
        wmem_strbuf_append(names, val_to_str_const(c->tries[i].source, qq_key_source_short_vals, "?"));
        if (c->tries[i].frame)
            wmem_strbuf_append_printf(names, " of frame %u", c->tries[i].frame);
    }
    if (c->n == 1)
        expert_add_info_format(pinfo, item, &ei_qq_decrypt_failed,
                "Decryption failed: the key did not pass the cipher's check (7 zero bytes at the end): %s",
                wmem_strbuf_get_str(names));
    else
        expert_add_info_format(pinfo, item, &ei_qq_decrypt_failed,
                "Decryption failed: none of %u keys passed the cipher's check (7 zero bytes at the end): %s",
                c->n, wmem_strbuf_get_str(names));
}

/* The client's QQ number: from the header, or for a classic reply (which
 * has none) the one the client's packets of this conversation carry. */
static uint32_t
qq_client_uin(packet_info *pinfo, const qq_decrypt_packet_info_t *info)
{
    if (info->uin) {
        if (!info->from_server && !PINFO_FD_VISITED(pinfo)
                && !wmem_map_contains(qq_conversation_uins, info->conversation))
            wmem_map_insert(qq_conversation_uins, info->conversation, GUINT_TO_POINTER(info->uin));
        return info->uin;
    }
    return GPOINTER_TO_UINT(wmem_map_lookup(qq_conversation_uins, info->conversation));
}

void
qq_decrypt_packet(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *item,
        const qq_decrypt_packet_info_t *header)
{
    qq_decrypt_packet_info_t info = *header;
    qq_candidates_t c;
    int len = info.body_len;
    qq_tea_status_t status;
    uint8_t *cipher, *plain;
    unsigned i;

    if (!qq_keys_decrypt_enabled() || qq_body_in_clear(&info) || pinfo->flags.in_error_pkt)
        return;
    info.uin = qq_client_uin(pinfo, &info);
    if (len <= 0 || !tvb_bytes_exist(tvb, info.body_off, len)
            || (info.key_off >= 0 && !tvb_bytes_exist(tvb, info.key_off, QQ_KEY_LEN)))
        return;
    qq_collect_candidates(&c, tvb, pinfo, &info);
    if (c.n == 0) {
        qq_note_no_key(pinfo, item, &info);
        return;
    }
    status = len < QQ_TEA_MIN_LEN ? QQ_TEA_TOO_SHORT : (len % QQ_TEA_BLOCK_LEN ? QQ_TEA_NOT_ALIGNED : QQ_TEA_OK);
    if (status != QQ_TEA_OK) {
        expert_add_info_format(pinfo, item, &ei_qq_not_decrypted,
                "Encrypted QQ body of %d bytes not decrypted: %s", len, qq_tea_status_str(status));
        return;
    }
    cipher = (uint8_t *)tvb_memdup(pinfo->pool, tvb, info.body_off, len);
    plain = (uint8_t *)wmem_alloc(pinfo->pool, len);
    for (i = 0; i < c.n; i++) {
        size_t off, plen;

        if (qq_tea_decrypt(c.tries[i].key, cipher, (size_t)len, plain, &off, &plen) == QQ_TEA_OK) {
            if (c.tries[i].stored)
                qq_keys_report_used(pinfo, c.tries[i].stored);
            /* The reply of a PC QQ 0x0836 opens with its request's share key. */
            if (!info.from_server && info.generation == QQ_DECRYPT_GEN_PCQQ && info.key_off < 0
                    && (info.cmd == 0x0836 || info.cmd == 0x0818) && !PINFO_FD_VISITED(pinfo))
                qq_remember_request_key(pinfo->num, &info, c.tries[i].key, c.tries[i].type);
            qq_show_plaintext(tvb, pinfo, tree, &info, &c.tries[i], plain + off, plen);
            return;
        }
    }
    if (qq_tried_given_key(&c))
        qq_report_failure(pinfo, item, &c);
    else
        qq_note_no_key(pinfo, item, &info);
}

/* ---------------------------------------------------------------------- */
/* tshark -z qq,chat: a transcript of the decrypted instant messages       */

typedef struct {
    GString *lines;
    unsigned count;
    char *filter;
} qq_chat_t;

static tap_packet_status
qq_chat_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
        tap_flags_t flags _U_)
{
    qq_chat_t *chat = (qq_chat_t *)tapdata;
    const qq_im_tap_info_t *im = (const qq_im_tap_info_t *)data;
    char when[32] = "-";

    if (im->has_time) {
        struct tm *tm = gmtime(&im->sent.secs);

        if (tm)
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", tm);
    }
    g_string_append_printf(chat->lines, "%6u  %-19s  %10u  %10u  %s\n", im->frame, when, im->from, im->to,
            im->text);
    chat->count++;
    return TAP_PACKET_REDRAW;
}

static void
qq_chat_draw(void *tapdata)
{
    qq_chat_t *chat = (qq_chat_t *)tapdata;

    printf("\n====================================================================\n");
    printf("QQ instant messages (decrypted): %u\n", chat->count);
    printf("%6s  %-19s  %10s  %10s  %s\n", "Frame", "Sent (UTC)", "From QQ", "To QQ", "Text");
    printf("%s", chat->lines->str);
    printf("====================================================================\n");
}

static void
qq_chat_reset(void *tapdata)
{
    qq_chat_t *chat = (qq_chat_t *)tapdata;

    g_string_truncate(chat->lines, 0);
    chat->count = 0;
}

static void
qq_chat_finish(void *tapdata)
{
    qq_chat_t *chat = (qq_chat_t *)tapdata;

    g_string_free(chat->lines, TRUE);
    g_free(chat->filter);
    g_free(chat);
}

/* "-z qq,chat" or "-z qq,chat,<display filter>". */
static ws_stat_tap_init_ret
qq_chat_init(const char *opt_arg, void *userdata _U_)
{
    qq_chat_t *chat = g_new0(qq_chat_t, 1);
    GString *err;
    const char *prefix = "qq,chat,";

    chat->lines = g_string_new("");
    if (opt_arg && strncmp(opt_arg, prefix, strlen(prefix)) == 0)
        chat->filter = g_strdup(opt_arg + strlen(prefix));
    err = register_tap_listener("qq_im", chat, chat->filter, TL_REQUIRES_NOTHING, qq_chat_reset,
            qq_chat_packet, qq_chat_draw, qq_chat_finish);
    if (err) {
        fprintf(stderr, "tshark: Couldn't register qq,chat tap: %s\n", err->str);
        g_string_free(err, TRUE);
        qq_chat_finish(chat);
        WS_STAT_TAP_INIT_DONE(false);
    }
    WS_STAT_TAP_INIT_DONE(true);
}

/* ---------------------------------------------------------------------- */
/* Registration                                                           */

/* Fields and expert infos under the qq protocol (registered before this, see
 * plugin.c), the "qq_im" tap and tshark's -z qq,chat. */
void
qq_decrypt_register(void)
{
    static hf_register_info hf[] = {
        { &hf_qq_decrypted,
          { "Decrypted body", "qq.decrypted", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The body after QQ-TEA decryption, without the cipher's padding (also the \"Decrypted QQ\" tab)", HFILL }},
        { &hf_qq_key_source,
          { "Key source", "qq.key_source", FT_UINT8, BASE_DEC, VALS(qq_key_source_vals), 0x0,
            "Where the key that opened this body came from", HFILL }},
        { &hf_qq_key_type,
          { "Key type", "qq.key_type", FT_UINT8, BASE_DEC, VALS(qq_key_type_vals), 0x0,
            "What kind of key opened this body: one sent in clear, or a key of the key store (the types of"
            " key log lines)", HFILL }},
        { &hf_qq_key,
          { "Key", "qq.key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The 16 bytes of the key that opened this body", HFILL }},
        { &hf_qq_key_frame,
          { "Key from frame", "qq.key_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The frame that carried the key in clear, or the login reply that taught the session key", HFILL }},
        { &hf_qq_session_key,
          { "Session key", "qq.session_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The key the server gives in a successful login reply; it encrypts every later packet of this QQ number", HFILL }},
        { &hf_qq_reply_result,
          { "Result", "qq.reply.result", FT_UINT8, BASE_HEX, VALS(qq_login_result_vals), 0x0,
            "Result code of a login or touch reply: 0 is success", HFILL }},
        { &hf_qq_reply_uin,
          { "QQ number", "qq.reply.uin", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The QQ number the login reply is for", HFILL }},
        { &hf_qq_reply_ip,
          { "Client address", "qq.reply.ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            "The client's public IPv4 address as the server sees it", HFILL }},
        { &hf_qq_reply_port,
          { "Client port", "qq.reply.port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The client's public port as the server sees it", HFILL }},
        { &hf_qq_reply_server_ip,
          { "Server address", "qq.reply.server_ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            "The address the server gives for itself", HFILL }},
        { &hf_qq_reply_server_port,
          { "Server port", "qq.reply.server_port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The port the server gives for itself", HFILL }},
        { &hf_qq_reply_server_time,
          { "Server time", "qq.reply.server_time", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "The server's clock (login time) in the reply", HFILL }},
        { &hf_qq_reply_local_ip,
          { "Client local address", "qq.reply.local_ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            "The client's address on its own network, as QQ2010 login replies give it", HFILL }},
        { &hf_qq_reply_redirect_ip,
          { "Redirect to address", "qq.reply.redirect_ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            "The server the client is told to log in to instead", HFILL }},
        { &hf_qq_reply_redirect_port,
          { "Redirect to port", "qq.reply.redirect_port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The port of the server the client is told to log in to instead", HFILL }},
        { &hf_qq_reply_token,
          { "Token", "qq.reply.token", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Token the server hands out for the next login step", HFILL }},
        { &hf_qq_reply_message,
          { "Server message", "qq.reply.message", FT_STRING, BASE_NONE, NULL, 0x0,
            "Text of a failed login reply (GB18030)", HFILL }},
        { &hf_qq_im_from,
          { "From QQ", "qq.im.from", FT_UINT32, BASE_DEC, NULL, 0x0,
            "QQ number of the sender of the instant message", HFILL }},
        { &hf_qq_im_to,
          { "To QQ", "qq.im.to", FT_UINT32, BASE_DEC, NULL, 0x0,
            "QQ number of the receiver of the instant message", HFILL }},
        { &hf_qq_im_server_seq,
          { "Server sequence", "qq.im.server_seq", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The server's number for a delivered message; the client's ack repeats it", HFILL }},
        { &hf_qq_im_sender_ip,
          { "Sender address", "qq.im.sender_ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            "Address the message came from (a server's when the server relays it)", HFILL }},
        { &hf_qq_im_sender_port,
          { "Sender port", "qq.im.sender_port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Port the message came from", HFILL }},
        { &hf_qq_im_recv_type,
          { "Delivery type", "qq.im.recv_type", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Kind of delivered message, e.g. 0x0009 from a buddy, 0x000a from a stranger", HFILL }},
        { &hf_qq_im_client_version,
          { "Sender's client version", "qq.im.client_version", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Version code of the client that wrote the message", HFILL }},
        { &hf_qq_im_session_md5,
          { "Session MD5", "qq.im.session_md5", FT_BYTES, BASE_NONE, NULL, 0x0,
            "md5 of the sender's QQ number and session key, which proves the sender", HFILL }},
        { &hf_qq_im_type,
          { "Message type", "qq.im.type", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Kind of message: 0x000b is text; others are file transfer and other requests", HFILL }},
        { &hf_qq_im_seq,
          { "Message sequence", "qq.im.seq", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The sender's number for this message", HFILL }},
        { &hf_qq_im_time,
          { "Sent at", "qq.im.time", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "When the sender's client sent the message (its clock)", HFILL }},
        { &hf_qq_im_has_font,
          { "Has font", "qq.im.has_font", FT_UINT8, BASE_DEC, NULL, 0x0,
            "1 when a font description (size, colour, charset, font name) comes with the text", HFILL }},
        { &hf_qq_im_fragment_count,
          { "Fragments", "qq.im.fragment_count", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Number of packets a long message is cut into", HFILL }},
        { &hf_qq_im_fragment_index,
          { "Fragment index", "qq.im.fragment_index", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Which piece of a long message this packet carries (from 0)", HFILL }},
        { &hf_qq_im_msg_id,
          { "Message id", "qq.im.msg_id", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Identifies the message the fragments belong to", HFILL }},
        { &hf_qq_im_reply_type,
          { "Reply type", "qq.im.reply_type", FT_UINT8, BASE_HEX, VALS(qq_im_reply_type_vals), 0x0,
            "Normal message or automatic reply", HFILL }},
        { &hf_qq_im_text,
          { "Text", "qq.im.text", FT_STRING, BASE_NONE, NULL, 0x0,
            "The message text, decoded from GB18030 (classic clients) or UTF-8 (QQ2010 and later) as sent", HFILL }},
        { &hf_qq_im_font_name,
          { "Font", "qq.im.font_name", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name of the font the sender chose", HFILL }},
        { &hf_qq_im_charset,
          { "Charset", "qq.im.charset", FT_UINT16, BASE_HEX, VALS(qq_im_charset_vals), 0x0,
            "Character set named in the font description: 0x8622 GB, 0x0000 English", HFILL }},
        { &hf_qq_im_ack_result,
          { "Send result", "qq.im.ack_result", FT_UINT8, BASE_HEX, NULL, 0x0,
            "The server's answer to a sent message: 0 means accepted", HFILL }},
        { &hf_qq_im_ack_of,
          { "Acknowledged message", "qq.im.ack_of", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The client acks a delivered message by repeating its first 16 bytes", HFILL }},
    };
    static int *ett[] = {
        &ett_qq_decrypted,
        &ett_qq_tlv,
    };
    static ei_register_info ei[] = {
        { &ei_qq_not_decrypted,
          { "qq.not_decrypted", PI_UNDECODED, PI_NOTE, "Encrypted QQ body not decrypted", EXPFILL }},
        { &ei_qq_decrypt_failed,
          { "qq.decrypt_failed", PI_DECRYPTION, PI_WARN, "Decryption failed: no key passed the check", EXPFILL }},
        { &ei_qq_plaintext_short,
          { "qq.plaintext_short", PI_MALFORMED, PI_WARN, "Decrypted body shorter than its layout", EXPFILL }},
    };
    static stat_tap_ui chat_ui = {
        REGISTER_STAT_GROUP_GENERIC, "QQ chat transcript", "qq,chat", qq_chat_init, 0, NULL
    };

    proto_qq_decrypt = proto_get_id_by_filter_name("qq");
    proto_register_field_array(proto_qq_decrypt, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_qq_decrypt), ei, array_length(ei));

    qq_request_keys = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    qq_noted_conversations = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash,
            g_direct_equal);
    qq_conversation_uins = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash,
            g_direct_equal);

    qq_im_tap = register_tap("qq_im");
    register_stat_tap_ui(&chat_ui, NULL);
}
