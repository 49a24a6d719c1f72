/* packet-msnp-slp.c
 * MSNSLP, the SIP-like text protocol inside P2P session 0 of MSN Messenger:
 * INVITE, BYE and status lines with their headers, the body's Key: value
 * lines, and what the base64 Context of an invitation holds (a file offer's
 * name and size, a display picture's <msnobj/>).  Invitations are paired
 * with their answers by Call-ID; the session id of an offer leads to its
 * data (packet-msnp-p2p.c); a transport answer that names addresses and
 * ports announces a direct connection (packet-msnp-dc.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/proto_data.h>
#include <epan/guid-utils.h>
#include <wsutil/strtoi.h>
#include <wsutil/wmem/wmem.h>

#include "ws-compat.h"
#include "packet-msnp.h"
#include "plugin.h"

#define SLP_MAX_LINES       256      /* header and body lines looked at per message */
#define SLP_MAX_CONTEXT     8192     /* base64 characters of a Context decoded */
#define FT_CONTEXT_NAME_OFF 20       /* file offer context: UTF-16LE name after length, version, size, type */
#define FT_CONTEXT_NAME_LEN 520      /* 260 UTF-16 units (MAX_PATH) */
#define SLP_PD_TXN          0x534c5000u  /* file scope, + number of the MSNSLP message in the frame */
#define SLP_PD_COUNT        0x534c4fffu  /* pinfo->pool: MSNSLP messages seen in this frame so far */

#define EUF_GUID_FILE    "{5D3E02AB-6190-11D3-BBBB-00C04F795683}"
#define EUF_GUID_MSNOBJ  "{A4268EEC-FEC5-49E5-95C3-F126696BDBF6}"

static int proto_msnp = -1;

static int hf_slp = -1;
static int hf_slp_request_line = -1;
static int hf_slp_method = -1;
static int hf_slp_uri = -1;
static int hf_slp_status_line = -1;
static int hf_slp_status = -1;
static int hf_slp_reason = -1;
static int hf_slp_header = -1;
static int hf_slp_to = -1;
static int hf_slp_from = -1;
static int hf_slp_via = -1;
static int hf_slp_branch = -1;
static int hf_slp_cseq = -1;
static int hf_slp_call_id = -1;
static int hf_slp_max_forwards = -1;
static int hf_slp_content_type = -1;
static int hf_slp_content_length = -1;
static int hf_slp_body_line = -1;
static int hf_slp_euf_guid = -1;
static int hf_slp_offer = -1;
static int hf_slp_session_id = -1;
static int hf_slp_app_id = -1;
static int hf_slp_context = -1;
static int hf_slp_bridges = -1;
static int hf_slp_bridge = -1;
static int hf_slp_listening = -1;
static int hf_slp_nonce = -1;
static int hf_slp_int_addrs = -1;
static int hf_slp_int_port = -1;
static int hf_slp_ext_addrs = -1;
static int hf_slp_ext_port = -1;
static int hf_slp_response_in = -1;
static int hf_slp_response_to = -1;
static int hf_slp_data_in = -1;
static int hf_ft_context_length = -1;
static int hf_ft_version = -1;
static int hf_ft_size = -1;
static int hf_ft_type = -1;
static int hf_ft_filename = -1;
static int hf_msnobj = -1;
static int hf_msnobj_creator = -1;
static int hf_msnobj_size = -1;
static int hf_msnobj_type = -1;
static int hf_msnobj_location = -1;
static int hf_msnobj_friendly = -1;
static int hf_msnobj_sha1d = -1;
static int hf_msnobj_sha1c = -1;

static int ett_slp = -1;
static int ett_slp_header = -1;
static int ett_slp_body = -1;
static int ett_slp_context = -1;

static expert_field ei_slp_bad_context = EI_INIT;
static expert_field ei_slp_truncated = EI_INIT;
static expert_field ei_slp_unmatched = EI_INIT;

/* One request and its first answer (file scope); Call-ID -> the latest request. */
typedef struct {
    uint32_t req_frame;
    uint32_t rsp_frame;
} slp_txn_t;

static wmem_map_t *slp_calls;     /* Call-ID string -> slp_txn_t */
static wmem_map_t *slp_offers;    /* session id -> msnp_offer_t */

/* What one MSNSLP message says, gathered while its lines are dissected. */
typedef struct {
    bool        is_request;
    bool        is_invite;
    const char *call_id;
    const char *content_type;
    uint32_t    content_length;
    bool        have_length;
    /* body */
    const char *euf_guid;
    uint32_t    session_id;
    bool        have_session;
    uint32_t    app_id;
    tvbuff_t   *context_tvb;
    int         context_off, context_len;
    bool        listening;
    const char *int_addrs, *ext_addrs;
    uint32_t    int_port, ext_port;
    e_guid_t    nonce;
    bool        have_nonce;
    msnp_offer_t *offer;
} slp_msg_t;

static const value_string msnobj_type_vals[] = {
    { 1, "Avatar" },
    { 2, "Custom emoticon" },
    { 3, "Display picture" },
    { 4, "Shared file" },
    { 5, "Background image" },
    { 7, "Dynamic display picture" },
    { 8, "Wink" },
    { 11, "Voice clip" },
    { 12, "Saved state" },
    { 14, "Location" },
    { 0, NULL }
};

static const struct { const char *guid; const char *name; } euf_guids[] = {
    { EUF_GUID_FILE, "File transfer" },
    { EUF_GUID_MSNOBJ, "Display picture or emoticon (MSN object)" },
    { "{4BD96FC0-AB17-4425-A14A-439185962DC8}", "Webcam (send)" },
    { "{1C9AA97E-9C05-4583-A3BD-908A196F1E92}", "Webcam (receive)" },
};

/* ---------------------------------------------------------------------- */
/* Helpers                                                                  */

bool
msnp_slp_looks_like(tvbuff_t *tvb, int off)
{
    static const char *const starts[] = { "INVITE ", "BYE ", "ACK ", "MSNSLP/" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(starts); i++) {
        int n = (int)strlen(starts[i]);
        if (tvb_captured_length_remaining(tvb, off) >= n && tvb_memeql(tvb, off, (const uint8_t *)starts[i], n) == 0)
            return true;
    }
    return false;
}

msnp_offer_t *
msnp_slp_find_offer(uint32_t session_id, uint32_t before_frame)
{
    msnp_offer_t *offer = (msnp_offer_t *)wmem_map_lookup(slp_offers, GUINT_TO_POINTER(session_id));
    return offer && offer->invite_frame < before_frame ? offer : NULL;
}

/* "{8-4-4-4-12}" -> GUID; false if it is not one. */
static bool
slp_parse_guid(const char *s, e_guid_t *guid)
{
    static const int groups[] = { 8, 4, 4, 4, 12 };
    uint8_t bytes[16];
    int g, i, n = 0, pos = 1;

    if (strlen(s) != 38 || s[0] != '{' || s[37] != '}')
        return false;
    for (g = 0; g < 5; g++) {
        for (i = 0; i < groups[g]; i += 2) {
            int hi = g_ascii_xdigit_value(s[pos]), lo = g_ascii_xdigit_value(s[pos + 1]);
            if (hi < 0 || lo < 0)
                return false;
            bytes[n++] = (uint8_t)(hi << 4 | lo);
            pos += 2;
        }
        if (g < 4 && s[pos++] != '-')
            return false;
    }
    guid->data1 = (uint32_t)bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3];
    guid->data2 = (uint16_t)(bytes[4] << 8 | bytes[5]);
    guid->data3 = (uint16_t)(bytes[6] << 8 | bytes[7]);
    memcpy(guid->data4, bytes + 8, 8);
    return true;
}

/* Base64 text of tvb -> a new data source with the decoded bytes, or NULL. */
static tvbuff_t *
slp_base64_tvb(tvbuff_t *tvb, packet_info *pinfo, int off, int len, const char *name)
{
    char *text;
    guchar *raw;
    gsize rawlen;
    tvbuff_t *dtvb;

    if (len <= 0 || len > SLP_MAX_CONTEXT)
        return NULL;
    text = (char *)tvb_get_string_enc(pinfo->pool, tvb, off, len, ENC_ASCII);
    /* g_base64_decode() skips what is not base64; we would rather say so */
    if (strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != (size_t)len)
        return NULL;
    raw = g_base64_decode(text, &rawlen);
    if (!raw || rawlen == 0) {
        g_free(raw);
        return NULL;
    }
    dtvb = tvb_new_child_real_data(tvb, (const uint8_t *)wmem_memdup(pinfo->pool, raw, rawlen),
                                   (unsigned)rawlen, (int)rawlen);
    g_free(raw);
    add_new_data_source(pinfo, dtvb, name);
    return dtvb;
}

static msnp_offer_t *
slp_new_offer(packet_info *pinfo, slp_msg_t *m)
{
    msnp_offer_t *offer = wmem_new0(wmem_file_scope(), msnp_offer_t);

    offer->session_id = m->session_id;
    offer->invite_frame = pinfo->num;
    wmem_map_insert(slp_offers, GUINT_TO_POINTER(m->session_id), offer);
    return offer;
}

/* ---------------------------------------------------------------------- */
/* Context                                                                  */

/* A file offer: length, version, 64-bit size, type, then the UTF-16LE name. */
static void
slp_file_context(tvbuff_t *ctx, packet_info *pinfo, proto_tree *tree, msnp_offer_t *offer)
{
    int len = tvb_reported_length(ctx);
    uint64_t size;
    const uint8_t *name;
    proto_item *ti;

    if (len < FT_CONTEXT_NAME_OFF + 2) {
        ti = proto_tree_add_item(tree, hf_slp_context, ctx, 0, len, ENC_NA | ENC_ASCII);
        expert_add_info_format(pinfo, ti, &ei_slp_bad_context,
                               "A file offer's context needs at least %d bytes, it has %d",
                               FT_CONTEXT_NAME_OFF + 2, len);
        return;
    }
    proto_tree_add_item(tree, hf_ft_context_length, ctx, 0, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ft_version, ctx, 4, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_uint64(tree, hf_ft_size, ctx, 8, 8, ENC_LITTLE_ENDIAN, &size);
    proto_tree_add_item(tree, hf_ft_type, ctx, 16, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_string(tree, hf_ft_filename, ctx, FT_CONTEXT_NAME_OFF,
                                   MIN(FT_CONTEXT_NAME_LEN, (len - FT_CONTEXT_NAME_OFF) & ~1),
                                   ENC_UTF_16 | ENC_LITTLE_ENDIAN, pinfo->pool, &name);
    if (offer && !PINFO_FD_VISITED(pinfo)) {
        offer->kind = MSNP_OFFER_FILE;
        offer->size = size;
        offer->filename = wmem_strdup(wmem_file_scope(), (const char *)name);
    }
}

/* One attribute="value" of an <msnobj/>: the value's offset and length, or false. */
static bool
slp_msnobj_attr(tvbuff_t *ctx, const char *attr, int *voff, int *vlen)
{
    int len = tvb_reported_length(ctx), alen = (int)strlen(attr);
    int pos = 0;

    while (pos < len) {
        int hit = tvb_find_uint8(ctx, pos, len - pos, (uint8_t)attr[0]);
        int end;
        if (hit < 0 || hit + alen + 2 > len)
            return false;
        if (tvb_memeql(ctx, hit, (const uint8_t *)attr, alen) == 0 && tvb_get_uint8(ctx, hit + alen) == '=' &&
            tvb_get_uint8(ctx, hit + alen + 1) == '"' && hit > 0 && tvb_get_uint8(ctx, hit - 1) == ' ') {
            end = tvb_find_uint8(ctx, hit + alen + 2, len - hit - alen - 2, '"');
            if (end < 0)
                return false;
            *voff = hit + alen + 2;
            *vlen = end - *voff;
            return true;
        }
        pos = hit + 1;
    }
    return false;
}

/* Friendly: base64 of a UTF-16LE name. */
static const char *
slp_msnobj_friendly(tvbuff_t *ctx, packet_info *pinfo, proto_tree *tree, int off, int len)
{
    char *text = (char *)tvb_get_string_enc(pinfo->pool, ctx, off, len, ENC_ASCII);
    gsize rawlen = 0;
    guchar *raw = len > 0 ? g_base64_decode(text, &rawlen) : NULL;
    const char *name = "";

    if (raw && rawlen >= 2) {
        tvbuff_t *ntvb = tvb_new_real_data((const uint8_t *)wmem_memdup(pinfo->pool, raw, rawlen),
                                           (unsigned)(rawlen & ~(gsize)1), (int)(rawlen & ~(gsize)1));
        name = (const char *)tvb_get_stringzpad(pinfo->pool, ntvb, 0, (int)(rawlen & ~(gsize)1),
                                                ENC_UTF_16 | ENC_LITTLE_ENDIAN);
        tvb_free(ntvb);
    }
    g_free(raw);
    proto_tree_add_string(tree, hf_msnobj_friendly, ctx, off, len, name);
    return name;
}

static void
slp_msnobj_context(tvbuff_t *ctx, packet_info *pinfo, proto_tree *tree, msnp_offer_t *offer)
{
    int len = tvb_reported_length(ctx), voff, vlen;
    const uint8_t *creator = NULL, *location = NULL, *sha1d = NULL;
    const char *friendly = NULL;
    uint32_t size = 0, type = 0;
    proto_item *ti;
    proto_tree *ot;

    ti = proto_tree_add_item(tree, hf_msnobj, ctx, 0, len, ENC_UTF_8);
    if (tvb_strneql(ctx, 0, "<msnobj", 7) != 0) {
        expert_add_info(pinfo, ti, &ei_slp_bad_context);
        return;
    }
    ot = proto_item_add_subtree(ti, ett_slp_context);
    if (slp_msnobj_attr(ctx, "Creator", &voff, &vlen))
        proto_tree_add_item_ret_string(ot, hf_msnobj_creator, ctx, voff, vlen, ENC_UTF_8, pinfo->pool, &creator);
    if (slp_msnobj_attr(ctx, "Size", &voff, &vlen)) {
        const char *s = (const char *)tvb_get_string_enc(pinfo->pool, ctx, voff, vlen, ENC_ASCII);
        if (ws_strtou32(s, NULL, &size))
            proto_tree_add_uint(ot, hf_msnobj_size, ctx, voff, vlen, size);
    }
    if (slp_msnobj_attr(ctx, "Type", &voff, &vlen)) {
        const char *s = (const char *)tvb_get_string_enc(pinfo->pool, ctx, voff, vlen, ENC_ASCII);
        if (ws_strtou32(s, NULL, &type))
            proto_tree_add_uint(ot, hf_msnobj_type, ctx, voff, vlen, type);
    }
    if (slp_msnobj_attr(ctx, "Location", &voff, &vlen))
        proto_tree_add_item_ret_string(ot, hf_msnobj_location, ctx, voff, vlen, ENC_UTF_8, pinfo->pool, &location);
    if (slp_msnobj_attr(ctx, "Friendly", &voff, &vlen))
        friendly = slp_msnobj_friendly(ctx, pinfo, ot, voff, vlen);
    if (slp_msnobj_attr(ctx, "SHA1D", &voff, &vlen))
        proto_tree_add_item_ret_string(ot, hf_msnobj_sha1d, ctx, voff, vlen, ENC_ASCII, pinfo->pool, &sha1d);
    if (slp_msnobj_attr(ctx, "SHA1C", &voff, &vlen))
        proto_tree_add_item(ot, hf_msnobj_sha1c, ctx, voff, vlen, ENC_ASCII);

    if (offer && !PINFO_FD_VISITED(pinfo)) {
        const char *name = friendly && *friendly ? friendly :
                           location && *location && strcmp((const char *)location, "0") != 0 ? (const char *)location : NULL;
        offer->kind = MSNP_OFFER_MSNOBJ;
        offer->size = size;
        offer->filename = name ? wmem_strdup(wmem_file_scope(), name) : NULL;
        offer->sha1d = sha1d ? wmem_strdup(wmem_file_scope(), (const char *)sha1d) : NULL;
        offer->creator = creator ? wmem_strdup(wmem_file_scope(), (const char *)creator) : NULL;
    }
}

/* The Context key: decoded as the offer's EUF-GUID says. */
static void
slp_context(packet_info *pinfo, proto_tree *tree, slp_msg_t *m)
{
    tvbuff_t *ctx;
    proto_tree *ct;
    proto_item *ti;

    ti = proto_tree_add_item(tree, hf_slp_context, m->context_tvb, m->context_off, m->context_len, ENC_ASCII);
    if (!m->euf_guid)
        return;
    ctx = slp_base64_tvb(m->context_tvb, pinfo, m->context_off, m->context_len, "Decoded MSNSLP context");
    if (!ctx) {
        expert_add_info_format(pinfo, ti, &ei_slp_bad_context, "Context is not base64 (or longer than %d characters)",
                               SLP_MAX_CONTEXT);
        return;
    }
    ct = proto_item_add_subtree(ti, ett_slp_context);
    if (g_ascii_strcasecmp(m->euf_guid, EUF_GUID_FILE) == 0)
        slp_file_context(ctx, pinfo, ct, m->offer);
    else if (g_ascii_strcasecmp(m->euf_guid, EUF_GUID_MSNOBJ) == 0)
        slp_msnobj_context(ctx, pinfo, ct, m->offer);
}

/* ---------------------------------------------------------------------- */
/* Lines                                                                    */

static bool
slp_value_u32(tvbuff_t *tvb, packet_info *pinfo, int off, int len, uint32_t *v)
{
    const char *s = (const char *)tvb_get_string_enc(pinfo->pool, tvb, off, len, ENC_ASCII);
    const char *end;
    return ws_strtou32(s, &end, v) && (*end == '\0' || *end == ' ');
}

/* The first line: "METHOD uri MSNSLP/1.0" or "MSNSLP/1.0 code reason". */
static void
slp_first_line(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int linelen, slp_msg_t *m)
{
    int next_tok, tlen;
    proto_item *ti;
    proto_tree *lt;
    uint32_t code;

    m->is_request = tvb_strneql(tvb, 0, "MSNSLP/", 7) != 0;
    ti = proto_tree_add_item(tree, m->is_request ? hf_slp_request_line : hf_slp_status_line, tvb, 0, linelen, ENC_UTF_8);
    lt = proto_item_add_subtree(ti, ett_slp_header);
    next_tok = linelen;
    tlen = tvb_get_token_len(tvb, 0, linelen, &next_tok, false);
    if (tlen <= 0)
        return;
    if (m->is_request) {
        const uint8_t *method;
        proto_tree_add_item_ret_string(lt, hf_slp_method, tvb, 0, tlen, ENC_ASCII, pinfo->pool, &method);
        m->is_invite = strcmp((const char *)method, "INVITE") == 0;
        if (next_tok < linelen) {
            int start = next_tok;
            tlen = tvb_get_token_len(tvb, start, linelen - start, &next_tok, false);
            if (tlen > 0)
                proto_tree_add_item(lt, hf_slp_uri, tvb, start, tlen, ENC_UTF_8);
        }
    } else if (next_tok < linelen) {
        int start = next_tok;
        tlen = tvb_get_token_len(tvb, start, linelen - start, &next_tok, false);
        if (tlen > 0 && slp_value_u32(tvb, pinfo, start, tlen, &code))
            proto_tree_add_uint(lt, hf_slp_status, tvb, start, tlen, code);
        if (next_tok < linelen)
            proto_tree_add_item(lt, hf_slp_reason, tvb, next_tok, linelen - next_tok, ENC_UTF_8);
    }
}

/* One "Name: value" header of the message head. */
static void
slp_header(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int name_len, int voff, int vlen,
           slp_msg_t *m)
{
    char name[16];
    uint32_t v;
    int n = MIN(name_len, (int)sizeof name - 1);

    tvb_memcpy(tvb, name, off, n);
    name[n] = '\0';
    if (g_ascii_strcasecmp(name, "To") == 0) {
        proto_tree_add_item(tree, hf_slp_to, tvb, voff, vlen, ENC_UTF_8);
    } else if (g_ascii_strcasecmp(name, "From") == 0) {
        proto_tree_add_item(tree, hf_slp_from, tvb, voff, vlen, ENC_UTF_8);
    } else if (g_ascii_strcasecmp(name, "Via") == 0) {
        int b;
        proto_tree_add_item(tree, hf_slp_via, tvb, voff, vlen, ENC_UTF_8);
        b = tvb_find_uint8(tvb, voff, vlen, '=');
        if (b > 0 && b - voff >= 6 && tvb_strneql(tvb, b - 6, "branch", 6) == 0)
            proto_tree_add_item(tree, hf_slp_branch, tvb, b + 1, voff + vlen - b - 1, ENC_ASCII);
    } else if (g_ascii_strcasecmp(name, "CSeq") == 0) {
        if (slp_value_u32(tvb, pinfo, voff, vlen, &v))
            proto_tree_add_uint(tree, hf_slp_cseq, tvb, voff, vlen, v);
    } else if (g_ascii_strcasecmp(name, "Call-ID") == 0) {
        const uint8_t *s;
        proto_tree_add_item_ret_string(tree, hf_slp_call_id, tvb, voff, vlen, ENC_ASCII, pinfo->pool, &s);
        m->call_id = (const char *)s;
    } else if (g_ascii_strcasecmp(name, "Max-Forwards") == 0) {
        if (slp_value_u32(tvb, pinfo, voff, vlen, &v))
            proto_tree_add_uint(tree, hf_slp_max_forwards, tvb, voff, vlen, v);
    } else if (g_ascii_strcasecmp(name, "Content-Type") == 0) {
        const uint8_t *s;
        proto_tree_add_item_ret_string(tree, hf_slp_content_type, tvb, voff, vlen, ENC_ASCII, pinfo->pool, &s);
        m->content_type = (const char *)s;
    } else if (g_ascii_strcasecmp(name, "Content-Length") == 0) {
        if (slp_value_u32(tvb, pinfo, voff, vlen, &m->content_length)) {
            proto_tree_add_uint(tree, hf_slp_content_length, tvb, voff, vlen, m->content_length);
            m->have_length = true;
        }
    }
}

/* A transport offer's addresses ("a.b.c.d e.f.g.h") and port. */
static void
slp_transport_key(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *name, int voff, int vlen,
                  slp_msg_t *m)
{
    const uint8_t *s;
    uint32_t v;

    if (g_ascii_strcasecmp(name, "Bridges") == 0) {
        proto_tree_add_item(tree, hf_slp_bridges, tvb, voff, vlen, ENC_ASCII);
    } else if (g_ascii_strcasecmp(name, "Bridge") == 0) {
        proto_tree_add_item(tree, hf_slp_bridge, tvb, voff, vlen, ENC_ASCII);
    } else if (g_ascii_strcasecmp(name, "Listening") == 0) {
        proto_tree_add_item_ret_string(tree, hf_slp_listening, tvb, voff, vlen, ENC_ASCII, pinfo->pool, &s);
        m->listening = g_ascii_strcasecmp((const char *)s, "true") == 0;
    } else if (g_ascii_strcasecmp(name, "Nonce") == 0) {
        s = tvb_get_string_enc(pinfo->pool, tvb, voff, vlen, ENC_ASCII);
        if (slp_parse_guid((const char *)s, &m->nonce)) {
            m->have_nonce = true;
            proto_tree_add_guid(tree, hf_slp_nonce, tvb, voff, vlen, &m->nonce);
        }
    } else if (g_ascii_strcasecmp(name, "IPv4Internal-Addrs") == 0) {
        proto_tree_add_item_ret_string(tree, hf_slp_int_addrs, tvb, voff, vlen, ENC_ASCII, pinfo->pool, &s);
        m->int_addrs = (const char *)s;
    } else if (g_ascii_strcasecmp(name, "IPv4External-Addrs") == 0) {
        proto_tree_add_item_ret_string(tree, hf_slp_ext_addrs, tvb, voff, vlen, ENC_ASCII, pinfo->pool, &s);
        m->ext_addrs = (const char *)s;
    } else if (g_ascii_strcasecmp(name, "IPv4Internal-Port") == 0) {
        if (slp_value_u32(tvb, pinfo, voff, vlen, &v) && v <= 0xffff) {
            proto_tree_add_uint(tree, hf_slp_int_port, tvb, voff, vlen, v);
            m->int_port = v;
        }
    } else if (g_ascii_strcasecmp(name, "IPv4External-Port") == 0) {
        if (slp_value_u32(tvb, pinfo, voff, vlen, &v) && v <= 0xffff) {
            proto_tree_add_uint(tree, hf_slp_ext_port, tvb, voff, vlen, v);
            m->ext_port = v;
        }
    }
}

/* One "Key: value" line of the body. */
static void
slp_body_key(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int name_len, int voff, int vlen,
             slp_msg_t *m)
{
    char name[24];
    int n = MIN(name_len, (int)sizeof name - 1);
    proto_item *ti;
    size_t i;

    tvb_memcpy(tvb, name, off, n);
    name[n] = '\0';
    if (g_ascii_strcasecmp(name, "EUF-GUID") == 0) {
        const uint8_t *s;
        ti = proto_tree_add_item_ret_string(tree, hf_slp_euf_guid, tvb, voff, vlen, ENC_ASCII, pinfo->pool, &s);
        m->euf_guid = (const char *)s;
        for (i = 0; i < G_N_ELEMENTS(euf_guids); i++) {
            if (g_ascii_strcasecmp(m->euf_guid, euf_guids[i].guid) == 0) {
                proto_item_append_text(ti, " (%s)", euf_guids[i].name);
                ti = proto_tree_add_string(tree, hf_slp_offer, tvb, voff, vlen, euf_guids[i].name);
                proto_item_set_generated(ti);
            }
        }
    } else if (g_ascii_strcasecmp(name, "SessionID") == 0) {
        if (slp_value_u32(tvb, pinfo, voff, vlen, &m->session_id)) {
            proto_tree_add_uint(tree, hf_slp_session_id, tvb, voff, vlen, m->session_id);
            m->have_session = true;
        }
    } else if (g_ascii_strcasecmp(name, "AppID") == 0) {
        if (slp_value_u32(tvb, pinfo, voff, vlen, &m->app_id))
            proto_tree_add_uint(tree, hf_slp_app_id, tvb, voff, vlen, m->app_id);
    } else if (g_ascii_strcasecmp(name, "Context") == 0) {
        /* decoded once the EUF-GUID (which may come later) is known */
        m->context_tvb = tvb;
        m->context_off = voff;
        m->context_len = vlen;
    } else {
        slp_transport_key(tvb, pinfo, tree, name, voff, vlen, m);
    }
}

/* Lines of "Name: value" from off to end, each as line_hf plus its own field;
 * returns the offset after the blank line that ends them (or end). */
static int
slp_lines(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int end, int line_hf, bool body,
          slp_msg_t *m)
{
    int nlines = 0;

    while (off < end && nlines++ < SLP_MAX_LINES) {
        int next, colon, voff, vend;
        int linelen = tvb_find_line_end(tvb, off, end - off, &next, false);

        if (linelen <= 0 || tvb_get_uint8(tvb, off) == '\0')
            return next;
        proto_tree_add_item(tree, line_hf, tvb, off, linelen, ENC_UTF_8);
        colon = tvb_find_uint8(tvb, off, linelen, ':');
        if (colon > off) {
            voff = colon + 1;
            vend = off + linelen;
            while (voff < vend && tvb_get_uint8(tvb, voff) == ' ')
                voff++;
            while (vend > voff && tvb_get_uint8(tvb, vend - 1) == ' ')
                vend--;
            if (body)
                slp_body_key(tvb, pinfo, tree, off, colon - off, voff, vend - voff, m);
            else
                slp_header(tvb, pinfo, tree, off, colon - off, voff, vend - voff, m);
        }
        off = next;
    }
    return off;
}

/* ---------------------------------------------------------------------- */
/* Links                                                                    */

/* Pairs a request with its first answer by Call-ID (the latest request
 * with that Call-ID before the answer). */
static void
slp_link(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const slp_msg_t *m, uint32_t nth)
{
    slp_txn_t *t;
    proto_item *ti;

    if (!m->call_id)
        return;
    if (!PINFO_FD_VISITED(pinfo)) {
        t = (slp_txn_t *)wmem_map_lookup(slp_calls, m->call_id);
        if (m->is_request) {
            t = wmem_new0(wmem_file_scope(), slp_txn_t);
            t->req_frame = pinfo->num;
            wmem_map_insert(slp_calls, wmem_strdup(wmem_file_scope(), m->call_id), t);
        } else if (t && t->rsp_frame == 0 && t->req_frame < pinfo->num) {
            t->rsp_frame = pinfo->num;
        } else {
            t = NULL;
        }
        if (t)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_msnp, SLP_PD_TXN + nth, t);
    } else {
        t = (slp_txn_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_msnp, SLP_PD_TXN + nth);
    }
    if (m->is_request && t && t->rsp_frame) {
        ti = proto_tree_add_uint(tree, hf_slp_response_in, tvb, 0, 0, t->rsp_frame);
        proto_item_set_generated(ti);
    } else if (!m->is_request && t) {
        ti = proto_tree_add_uint(tree, hf_slp_response_to, tvb, 0, 0, t->req_frame);
        proto_item_set_generated(ti);
    } else if (!m->is_request) {
        expert_add_info(pinfo, proto_tree_get_parent(tree), &ei_slp_unmatched);
    }
}

/* What the body offers: a session (and its data) or a direct connection. */
static void
slp_offer(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, slp_msg_t *m)
{
    proto_item *ti;

    /* an invitation to a session (a transport invitation repeats the
     * session id but offers nothing) */
    if (m->is_invite && m->have_session && m->euf_guid) {
        m->offer = PINFO_FD_VISITED(pinfo) ? msnp_slp_find_offer(m->session_id, pinfo->num + 1)
                                           : slp_new_offer(pinfo, m);
        if (m->offer && m->offer->invite_frame != pinfo->num)
            m->offer = NULL;
    }
    if (m->context_tvb)
        slp_context(pinfo, tree, m);
    if (m->offer && m->offer->data_frame) {
        ti = proto_tree_add_uint(tree, hf_slp_data_in, tvb, 0, 0, m->offer->data_frame);
        proto_item_set_generated(ti);
    }
    if (m->listening && !PINFO_FD_VISITED(pinfo)) {
        if (m->int_addrs && m->int_port)
            msnp_dc_expect(pinfo, m->int_addrs, m->int_port, m->have_nonce ? &m->nonce : NULL);
        if (m->ext_addrs && m->ext_port)
            msnp_dc_expect(pinfo, m->ext_addrs, m->ext_port, m->have_nonce ? &m->nonce : NULL);
    }
}

void
msnp_slp_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    uint32_t count = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_msnp, SLP_PD_COUNT));
    int len = tvb_reported_length(tvb);
    int next, linelen, off, body_len;
    slp_msg_t m;
    proto_item *ti;
    proto_tree *st, *bt;

    memset(&m, 0, sizeof m);
    p_add_proto_data(pinfo->pool, pinfo, proto_msnp, SLP_PD_COUNT, GUINT_TO_POINTER(count + 1));
    ti = proto_tree_add_item(tree, hf_slp, tvb, 0, len, ENC_NA);
    st = proto_item_add_subtree(ti, ett_slp);
    linelen = tvb_find_line_end(tvb, 0, -1, &next, false);
    slp_first_line(tvb, pinfo, st, linelen, &m);
    off = slp_lines(tvb, pinfo, st, next, len, hf_slp_header, false, &m);
    if (m.content_type)
        proto_item_append_text(ti, " (%s)", m.content_type);

    body_len = len - off;
    if (m.have_length && m.content_length < (uint32_t)body_len) {
        body_len = (int)m.content_length;
    } else if (m.have_length && m.content_length > (uint32_t)body_len) {
        expert_add_info_format(pinfo, ti, &ei_slp_truncated, "Content-Length %u, but only %d bytes follow",
                               m.content_length, body_len);
    }
    if (body_len > 0) {
        bt = proto_tree_add_subtree(st, tvb, off, body_len, ett_slp_body, NULL, "MSNSLP body");
        slp_lines(tvb, pinfo, bt, off, off + body_len, hf_slp_body_line, true, &m);
        slp_offer(tvb, pinfo, bt, &m);
    }
    slp_link(tvb, pinfo, st, &m, count);
}

/* ---------------------------------------------------------------------- */
/* Registration                                                             */

void
msnp_slp_register(void)
{
    static hf_register_info hf[] = {
        { &hf_slp, { "MSNSLP message", "msnp.slp", FT_NONE, BASE_NONE, NULL, 0x0,
            "A message of the MSN session layer protocol (P2P session 0): it invites a peer to a session (INVITE), answers (MSNSLP/1.0 200 OK) or ends it (BYE).", HFILL } },
        { &hf_slp_request_line, { "Request line", "msnp.slp.request_line", FT_STRING, BASE_NONE, NULL, 0x0,
            "First line of an MSNSLP request: method, address of the peer, MSNSLP/1.0.", HFILL } },
        { &hf_slp_method, { "Method", "msnp.slp.method", FT_STRING, BASE_NONE, NULL, 0x0,
            "What the request asks for: INVITE (start a session or offer a transport), BYE (end a session), ACK.", HFILL } },
        { &hf_slp_uri, { "Request address", "msnp.slp.uri", FT_STRING, BASE_NONE, NULL, 0x0,
            "The peer the request is for, as MSNMSGR:account.", HFILL } },
        { &hf_slp_status_line, { "Status line", "msnp.slp.status_line", FT_STRING, BASE_NONE, NULL, 0x0,
            "First line of an MSNSLP answer: MSNSLP/1.0, the status code and its reason.", HFILL } },
        { &hf_slp_status, { "Status code", "msnp.slp.status", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Answer to an invitation, as in SIP: 200 accepted, 603 declined, 500 internal error, 404 not found.", HFILL } },
        { &hf_slp_reason, { "Reason", "msnp.slp.reason", FT_STRING, BASE_NONE, NULL, 0x0,
            "Text after the status code, e.g. OK or Decline.", HFILL } },
        { &hf_slp_header, { "Header", "msnp.slp.header", FT_STRING, BASE_NONE, NULL, 0x0,
            "One header line of an MSNSLP message.", HFILL } },
        { &hf_slp_to, { "To", "msnp.slp.to", FT_STRING, BASE_NONE, NULL, 0x0,
            "Who the message is for (<msnmsgr:account>).", HFILL } },
        { &hf_slp_from, { "From", "msnp.slp.from", FT_STRING, BASE_NONE, NULL, 0x0,
            "Who sent the message (<msnmsgr:account>).", HFILL } },
        { &hf_slp_via, { "Via", "msnp.slp.via", FT_STRING, BASE_NONE, NULL, 0x0,
            "Transport the message went over (MSNSLP/1.0/TLP) and its branch id.", HFILL } },
        { &hf_slp_branch, { "Branch", "msnp.slp.branch", FT_STRING, BASE_NONE, NULL, 0x0,
            "Branch id from the Via header: a GUID that the answer repeats.", HFILL } },
        { &hf_slp_cseq, { "CSeq", "msnp.slp.cseq", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Sequence number of the message within its call: 0 for a request, 1 for its answer.", HFILL } },
        { &hf_slp_call_id, { "Call-ID", "msnp.slp.call_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "GUID of the call: an invitation, its answer and the BYE share it.", HFILL } },
        { &hf_slp_max_forwards, { "Max-Forwards", "msnp.slp.max_forwards", FT_UINT32, BASE_DEC, NULL, 0x0,
            "How often the message may be relayed (always 0 in practice).", HFILL } },
        { &hf_slp_content_type, { "Content type", "msnp.slp.content_type", FT_STRING, BASE_NONE, NULL, 0x0,
            "Kind of body: application/x-msnmsgr-sessionreqbody (a session invitation), -transreqbody (which transports the inviter can use), -transrespbody (the answer: a direct connection's addresses), -sessionclosebody (BYE).", HFILL } },
        { &hf_slp_content_length, { "Content length", "msnp.slp.content_length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Length of the body in bytes, the NUL at its end included.", HFILL } },
        { &hf_slp_body_line, { "Body line", "msnp.slp.body_line", FT_STRING, BASE_NONE, NULL, 0x0,
            "One Key: value line of the MSNSLP body.", HFILL } },
        { &hf_slp_euf_guid, { "EUF-GUID", "msnp.slp.euf_guid", FT_STRING, BASE_NONE, NULL, 0x0,
            "GUID of what the invitation offers: a file transfer, a display picture or emoticon, a webcam session ...", HFILL } },
        { &hf_slp_offer, { "Offer", "msnp.slp.offer", FT_STRING, BASE_NONE, NULL, 0x0,
            "What the EUF-GUID stands for.", HFILL } },
        { &hf_slp_session_id, { "Session id", "msnp.slp.session_id", FT_UINT32, BASE_DEC, NULL, 0x0,
            "P2P session that will carry the offered data: the data messages carry this number in msnp.p2p.session_id.", HFILL } },
        { &hf_slp_app_id, { "Application id", "msnp.slp.app_id", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Application of the session: 1 display picture or emoticon, 2 file transfer, 4 webcam, 12 display picture (WLM).", HFILL } },
        { &hf_slp_context, { "Context", "msnp.slp.context", FT_STRING, BASE_NONE, NULL, 0x0,
            "Base64 data that describes the offer: for a file its size and name, for a display picture its <msnobj/> element.", HFILL } },
        { &hf_slp_bridges, { "Bridges", "msnp.slp.bridges", FT_STRING, BASE_NONE, NULL, 0x0,
            "Transports that the inviter can use for a direct connection, e.g. TCPv1.", HFILL } },
        { &hf_slp_bridge, { "Bridge", "msnp.slp.bridge", FT_STRING, BASE_NONE, NULL, 0x0,
            "Transport chosen for the direct connection, e.g. TCPv1.", HFILL } },
        { &hf_slp_listening, { "Listening", "msnp.slp.listening", FT_STRING, BASE_NONE, NULL, 0x0,
            "true if the sender waits for a direct connection at the addresses and ports that follow.", HFILL } },
        { &hf_slp_nonce, { "Nonce", "msnp.slp.nonce", FT_GUID, BASE_NONE, NULL, 0x0,
            "GUID that the peers exchange at the start of the direct connection to prove that it belongs to this invitation.", HFILL } },
        { &hf_slp_int_addrs, { "Internal addresses", "msnp.slp.ipv4_internal_addrs", FT_STRING, BASE_NONE, NULL, 0x0,
            "IPv4 addresses of the sender on its own network, where it listens for the direct connection.", HFILL } },
        { &hf_slp_int_port, { "Internal port", "msnp.slp.ipv4_internal_port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "TCP port of the direct connection at the internal addresses.", HFILL } },
        { &hf_slp_ext_addrs, { "External addresses", "msnp.slp.ipv4_external_addrs", FT_STRING, BASE_NONE, NULL, 0x0,
            "IPv4 addresses of the sender as the Internet sees it (behind NAT).", HFILL } },
        { &hf_slp_ext_port, { "External port", "msnp.slp.ipv4_external_port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "TCP port of the direct connection at the external addresses.", HFILL } },
        { &hf_slp_response_in, { "Answer in", "msnp.slp.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The answer to this MSNSLP request (same Call-ID) is in this frame.", HFILL } },
        { &hf_slp_response_to, { "Request in", "msnp.slp.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "This answers the MSNSLP request (same Call-ID) in this frame.", HFILL } },
        { &hf_slp_data_in, { "Data in", "msnp.slp.data_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The offered data (file, picture) of this session was complete in this frame.", HFILL } },
        { &hf_ft_context_length, { "Context length", "msnp.ft.context_length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Length of the file offer structure (574 or 638 bytes, without the preview).", HFILL } },
        { &hf_ft_version, { "Context version", "msnp.ft.version", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Version of the file offer structure (2 or 3).", HFILL } },
        { &hf_ft_size, { "File size", "msnp.ft.size", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Size of the offered file in bytes.", HFILL } },
        { &hf_ft_type, { "Preview", "msnp.ft.type", FT_UINT32, BASE_DEC, NULL, 0x0,
            "0 if a preview image follows the structure, 1 if not.", HFILL } },
        { &hf_ft_filename, { "File name", "msnp.ft.filename", FT_STRINGZPAD, BASE_NONE, NULL, 0x0,
            "Name of the offered file (UTF-16LE on the wire).", HFILL } },
        { &hf_msnobj, { "MSN object", "msnp.msnobj", FT_STRING, BASE_NONE, NULL, 0x0,
            "The <msnobj/> element that names a display picture, emoticon or other object and its checksum.", HFILL } },
        { &hf_msnobj_creator, { "Creator", "msnp.msnobj.creator", FT_STRING, BASE_NONE, NULL, 0x0,
            "Account of the user whose object it is.", HFILL } },
        { &hf_msnobj_size, { "Size", "msnp.msnobj.size", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Size of the object's data in bytes.", HFILL } },
        { &hf_msnobj_type, { "Type", "msnp.msnobj.type", FT_UINT32, BASE_DEC, VALS(msnobj_type_vals), 0x0,
            "Kind of object: 2 custom emoticon, 3 display picture, 5 background, 8 wink ...", HFILL } },
        { &hf_msnobj_location, { "Location", "msnp.msnobj.location", FT_STRING, BASE_NONE, NULL, 0x0,
            "File name of the object on the creator's computer (0 if none).", HFILL } },
        { &hf_msnobj_friendly, { "Friendly name", "msnp.msnobj.friendly", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name of the object, decoded from base64 UTF-16LE (empty for most display pictures).", HFILL } },
        { &hf_msnobj_sha1d, { "SHA1D", "msnp.msnobj.sha1d", FT_STRING, BASE_NONE, NULL, 0x0,
            "Base64 SHA-1 of the object's data: the picture that arrives must have it.", HFILL } },
        { &hf_msnobj_sha1c, { "SHA1C", "msnp.msnobj.sha1c", FT_STRING, BASE_NONE, NULL, 0x0,
            "Base64 SHA-1 of the element's other attributes.", HFILL } },
    };
    static int *ett[] = { &ett_slp, &ett_slp_header, &ett_slp_body, &ett_slp_context };
    static ei_register_info ei[] = {
        { &ei_slp_bad_context, { "msnp.slp.bad_context", PI_MALFORMED, PI_WARN,
            "The invitation's Context cannot be decoded", EXPFILL } },
        { &ei_slp_truncated, { "msnp.slp.truncated", PI_MALFORMED, PI_WARN,
            "MSNSLP body shorter than its Content-Length", EXPFILL } },
        { &ei_slp_unmatched, { "msnp.slp.unmatched", PI_SEQUENCE, PI_NOTE,
            "MSNSLP answer without an earlier request of the same Call-ID", EXPFILL } },
    };

    proto_msnp = msnp_part_register_fields(hf, array_length(hf), ett, array_length(ett), ei, array_length(ei));
    slp_calls = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    slp_offers = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
}
