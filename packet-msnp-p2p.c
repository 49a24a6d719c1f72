/* packet-msnp-p2p.c
 * MSN Messenger P2P messages: the binary header in front of every chunk of
 * a peer-to-peer session (v1: 48 bytes, little-endian, MSNP <= 15; v2: the
 * variable "TLP" header of MSNP18+), in MSG payloads through the switchboard
 * and on direct connections.  The chunks of one message are put back
 * together by offset and total size; session 0 carries MSNSLP text
 * (packet-msnp-slp.c), the other sessions the data of an offer: a file or a
 * display picture, which Export Objects can save.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/proto_data.h>
#include <epan/reassemble.h>
#include <epan/export_object.h>
#include <epan/to_str.h>
#include <wsutil/wmem/wmem.h>

#include "ws-compat.h"
#include "packet-msnp.h"
#include "plugin.h"

#define P2P_V1_HEADER_LEN   48
#define P2P_FOOTER_LEN      4
#define P2P_V2_MIN_HEADER   8
#define P2P_PD_CHUNK        0x50325000u  /* file scope, + number of the P2P message in the frame */
#define P2P_PD_COUNT        0x50324fffu  /* pinfo->pool: P2P messages seen in this frame so far */

/* v1 flags (libpurple p2p.h) */
#define P2P_FLAG_ACK          0x00000002
#define P2P_FLAG_DC_HANDSHAKE 0x00000100
#define P2P_FLAG_MSNOBJ_DATA  0x00000020
#define P2P_FLAG_WLM2009_COMP 0x01000000
#define P2P_FLAG_FILE_DATA    0x01000030

static int proto_msnp = -1;
static int eo_tap = -1;

static int hf_p2p = -1;
static int hf_p2p_version = -1;
static int hf_p2p_session_id = -1;
static int hf_p2p_identifier = -1;
static int hf_p2p_offset = -1;
static int hf_p2p_total_size = -1;
static int hf_p2p_message_size = -1;
static int hf_p2p_flags = -1;
static int hf_p2p_ack_identifier = -1;
static int hf_p2p_ack_unique_id = -1;
static int hf_p2p_ack_data_size = -1;
static int hf_p2p_header_length = -1;
static int hf_p2p_opcode = -1;
static int hf_p2p_payload_length = -1;
static int hf_p2p_base_id = -1;
static int hf_p2p_tlv = -1;
static int hf_p2p_tlv_type = -1;
static int hf_p2p_tlv_length = -1;
static int hf_p2p_tlv_value = -1;
static int hf_p2p_data_header_length = -1;
static int hf_p2p_tf = -1;
static int hf_p2p_package_number = -1;
static int hf_p2p_data = -1;
static int hf_p2p_footer = -1;
static int hf_p2p_offer_in = -1;
static int hf_p2p_filename = -1;
static int hf_p2p_sha1 = -1;
static int hf_p2p_fragments = -1;
static int hf_p2p_fragment = -1;
static int hf_p2p_fragment_overlap = -1;
static int hf_p2p_fragment_overlap_conflicts = -1;
static int hf_p2p_fragment_multiple_tails = -1;
static int hf_p2p_fragment_too_long_fragment = -1;
static int hf_p2p_fragment_error = -1;
static int hf_p2p_fragment_count = -1;
static int hf_p2p_reassembled_in = -1;
static int hf_p2p_reassembled_length = -1;

static int ett_p2p = -1;
static int ett_p2p_tlv = -1;
static int ett_p2p_fragment = -1;
static int ett_p2p_fragments = -1;

static expert_field ei_p2p_short = EI_INIT;
static expert_field ei_p2p_bad_size = EI_INIT;
static expert_field ei_p2p_too_big = EI_INIT;
static expert_field ei_p2p_budget = EI_INIT;
static expert_field ei_p2p_overlap_conflict = EI_INIT;
static expert_field ei_p2p_sha1_mismatch = EI_INIT;

/* Preference: the largest P2P message that is reassembled, and the most
 * bytes that unfinished messages may hold at once. */
static unsigned p2p_max_size = 64 * 1024 * 1024;
static uint64_t p2p_pending_bytes;     /* first pass: bytes held by unfinished messages */

static reassembly_table p2p_reassembly_table;

static const fragment_items p2p_frag_items = {
    &ett_p2p_fragment, &ett_p2p_fragments,
    &hf_p2p_fragments, &hf_p2p_fragment, &hf_p2p_fragment_overlap,
    &hf_p2p_fragment_overlap_conflicts, &hf_p2p_fragment_multiple_tails,
    &hf_p2p_fragment_too_long_fragment, &hf_p2p_fragment_error, &hf_p2p_fragment_count,
    &hf_p2p_reassembled_in, &hf_p2p_reassembled_length, NULL,
    "P2P chunks"
};

/* One P2P message header, v1 or v2, as the steps after it need it. */
typedef struct {
    uint8_t  version;
    uint32_t session_id;
    uint32_t identifier;
    uint64_t offset;
    uint64_t total;
    uint32_t size;        /* data bytes in this chunk */
    uint32_t flags;       /* v1 flags; v2 TF */
    bool     is_data;     /* a chunk of a file or object, not signalling */
    bool     sizes_ok;    /* offset and size fit the total */
} p2p_header_t;

/* First pass decision about one chunk, kept for the later passes. */
enum { CHUNK_TAKEN = 0, CHUNK_TOO_BIG, CHUNK_NO_ROOM };

typedef struct {
    uint8_t  verdict;     /* CHUNK_*: handed to the reassembly table, or why not */
    bool     completes;   /* the message was complete with this chunk */
    uint64_t pending;     /* CHUNK_NO_ROOM: bytes unfinished messages held */
} p2p_chunk_t;

/* What Export Objects gets for one complete file or picture. */
typedef struct {
    const char    *hostname;
    const char    *content_type;
    const char    *filename;
    const uint8_t *data;
    size_t         len;
} p2p_eo_t;

static const value_string p2p_version_vals[] = {
    { 1, "v1 (48-byte header, MSNP15 and older)" },
    { 2, "v2 (TLP header, MSNP18 and newer)" },
    { 0, NULL }
};

static const value_string p2p_opcode_vals[] = {
    { 0x00, "None" },
    { 0x01, "SYN" },
    { 0x02, "Request for acknowledgement (RAK)" },
    { 0x03, "SYN and RAK" },
    { 0, NULL }
};

static const value_string p2p_tf_vals[] = {
    { 0x00, "Continued chunk of MSNSLP" },
    { 0x01, "First chunk of MSNSLP" },
    { 0x04, "Continued chunk of MSN object data" },
    { 0x05, "First chunk of MSN object data" },
    { 0x06, "Continued chunk of file data" },
    { 0x07, "First chunk of file data" },
    { 0, NULL }
};

/* ---------------------------------------------------------------------- */
/* Helpers                                                                  */

static uint32_t
p2p_next_index(packet_info *pinfo)
{
    uint32_t n = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_msnp, P2P_PD_COUNT));
    p_add_proto_data(pinfo->pool, pinfo, proto_msnp, P2P_PD_COUNT, GUINT_TO_POINTER(n + 1));
    return n;
}

/* A content type for Export Objects from the first bytes. */
static const char *
p2p_sniff_type(tvbuff_t *tvb)
{
    static const struct { const char *magic; int len; const char *type; } types[] = {
        { "\x89PNG", 4, "image/png" },
        { "GIF8", 4, "image/gif" },
        { "\xff\xd8\xff", 3, "image/jpeg" },
        { "BM", 2, "image/bmp" },
        { "PK\x03\x04", 4, "application/zip" },
        { "%PDF", 4, "application/pdf" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(types); i++)
        if (tvb_captured_length(tvb) >= (unsigned)types[i].len &&
            tvb_memeql(tvb, 0, (const uint8_t *)types[i].magic, types[i].len) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* Base64 SHA-1 of the data, as an <msnobj/>'s SHA1D gives it. */
static char *
p2p_sha1_base64(wmem_allocator_t *scope, const uint8_t *bytes, size_t len)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA1);
    uint8_t digest[20];
    gsize dlen = sizeof digest;
    char *b64, *out;

    g_checksum_update(sum, bytes, len);
    g_checksum_get_digest(sum, digest, &dlen);
    g_checksum_free(sum);
    b64 = g_base64_encode(digest, dlen);
    out = wmem_strdup(scope, b64);
    g_free(b64);
    return out;
}

/* ---------------------------------------------------------------------- */
/* Complete data                                                            */

/* A complete file or picture: link it to its offer, check a picture's
 * SHA1D, hand it to Export Objects. */
static void
p2p_complete_data(tvbuff_t *data, packet_info *pinfo, proto_tree *tree, proto_item *data_item,
                  const p2p_header_t *h)
{
    msnp_offer_t *offer = msnp_slp_find_offer(h->session_id, pinfo->num);
    const char *filename;
    proto_item *ti;
    size_t len = tvb_captured_length(data);
    const uint8_t *bytes = NULL;

    if (offer) {
        if (!PINFO_FD_VISITED(pinfo) && offer->data_frame == 0)
            offer->data_frame = pinfo->num;
        ti = proto_tree_add_uint(tree, hf_p2p_offer_in, data, 0, 0, offer->invite_frame);
        proto_item_set_generated(ti);
    }
    filename = offer && offer->filename ? offer->filename :
               wmem_strdup_printf(pinfo->pool, "p2p-session-%u.bin", h->session_id);
    ti = proto_tree_add_string(tree, hf_p2p_filename, data, 0, 0, filename);
    proto_item_set_generated(ti);

    if (offer && offer->kind == MSNP_OFFER_MSNOBJ && offer->sha1d) {
        char *sha1;
        bytes = (const uint8_t *)tvb_memdup(pinfo->pool, data, 0, (int)len);
        sha1 = p2p_sha1_base64(pinfo->pool, bytes, len);
        ti = proto_tree_add_string(tree, hf_p2p_sha1, data, 0, 0, sha1);
        proto_item_set_generated(ti);
        if (strcmp(sha1, offer->sha1d) != 0)
            expert_add_info_format(pinfo, data_item, &ei_p2p_sha1_mismatch,
                                   "SHA-1 of the picture is %s, its SHA1D says %s", sha1, offer->sha1d);
    }
    if (have_tap_listener(eo_tap)) {
        p2p_eo_t *eo = wmem_new0(pinfo->pool, p2p_eo_t);
        eo->hostname = offer && offer->creator ? offer->creator : address_to_str(pinfo->pool, &pinfo->src);
        eo->content_type = p2p_sniff_type(data);
        eo->filename = filename;
        eo->len = len;
        eo->data = bytes ? bytes : (const uint8_t *)tvb_memdup(pinfo->pool, data, 0, (int)len);
        tap_queue_packet(eo_tap, pinfo, eo);
    }
}

/* ---------------------------------------------------------------------- */
/* Reassembly                                                               */

/* Should this chunk go to the reassembly table?  First pass only. */
static void
p2p_judge_chunk(p2p_chunk_t *chunk, const p2p_header_t *h)
{
    if (h->total > p2p_max_size) {
        chunk->verdict = CHUNK_TOO_BIG;
    } else if (p2p_pending_bytes + h->size > p2p_max_size) {
        chunk->verdict = CHUNK_NO_ROOM;
        chunk->pending = p2p_pending_bytes;
    } else {
        chunk->verdict = CHUNK_TAKEN;
        p2p_pending_bytes += h->size;
    }
}

/* Why a chunk was not reassembled (every pass). */
static void
p2p_refused(packet_info *pinfo, proto_item *ti, const p2p_chunk_t *chunk, const p2p_header_t *h)
{
    if (chunk->verdict == CHUNK_TOO_BIG)
        expert_add_info_format(pinfo, ti, &ei_p2p_too_big,
                               "Total size %" PRIu64 " exceeds the limit of %u bytes (preference msnp.p2p_max_size): not reassembled",
                               h->total, p2p_max_size);
    else if (chunk->verdict == CHUNK_NO_ROOM)
        expert_add_info_format(pinfo, ti, &ei_p2p_budget,
                               "Unfinished P2P messages already hold %" PRIu64 " bytes (limit msnp.p2p_max_size = %u): not reassembled",
                               chunk->pending, p2p_max_size);
}

/* The whole message if this chunk completes it (or is all of it), else NULL. */
static tvbuff_t *
p2p_reassemble(tvbuff_t *tvb, int off, packet_info *pinfo, proto_tree *tree, proto_item *ti,
               const p2p_header_t *h)
{
    uint32_t nth = p2p_next_index(pinfo);
    p2p_chunk_t *chunk;
    fragment_head *fh;
    tvbuff_t *whole;

    if (h->offset == 0 && h->size == h->total)
        return tvb_new_subset_length(tvb, off, h->size);
    if (!h->sizes_ok || h->size == 0)
        return NULL;
    if (!PINFO_FD_VISITED(pinfo)) {
        chunk = wmem_new0(wmem_file_scope(), p2p_chunk_t);
        p2p_judge_chunk(chunk, h);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_msnp, P2P_PD_CHUNK + nth, chunk);
    } else {
        chunk = (p2p_chunk_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_msnp, P2P_PD_CHUNK + nth);
    }
    if (!chunk)
        return NULL;
    if (chunk->verdict != CHUNK_TAKEN) {
        p2p_refused(pinfo, ti, chunk, h);
        return NULL;
    }

    fh = fragment_add_check(&p2p_reassembly_table, tvb, off, pinfo,
                            h->identifier ^ (h->session_id * 0x9e3779b1u), NULL,
                            (uint32_t)h->offset, h->size, h->offset + h->size < h->total);
    if (!fh)
        return NULL;
    if (!PINFO_FD_VISITED(pinfo)) {
        chunk->completes = true;
        p2p_pending_bytes -= MIN(p2p_pending_bytes, h->total);
    } else if (fh->reassembled_in == pinfo->num && !chunk->completes) {
        /* another chunk in this frame completes the message */
        proto_item_set_generated(proto_tree_add_uint(tree, hf_p2p_reassembled_in, tvb, 0, 0, fh->reassembled_in));
        return NULL;
    }
    if (fh->flags & FD_OVERLAPCONFLICT)
        expert_add_info(pinfo, ti, &ei_p2p_overlap_conflict);
    whole = process_reassembled_data(tvb, off, pinfo, "Reassembled P2P data", fh, &p2p_frag_items, NULL, tree);
    return whole && tvb_reported_length(whole) == h->total ? whole : NULL;
}

/* The data of one chunk after its header: MSNSLP, or a piece of a file or picture. */
static void
p2p_data(tvbuff_t *tvb, int off, packet_info *pinfo, proto_tree *tree, proto_item *ti, const p2p_header_t *h)
{
    tvbuff_t *whole;
    proto_item *di;

    if (h->size == 0)
        return;
    di = proto_tree_add_item(tree, hf_p2p_data, tvb, off, h->size, ENC_NA);
    whole = p2p_reassemble(tvb, off, pinfo, tree, ti, h);
    if (!whole)
        return;
    if (!h->is_data && msnp_slp_looks_like(whole, 0))
        msnp_slp_dissect(whole, pinfo, tree);
    else if (h->is_data)
        p2p_complete_data(whole, pinfo, tree, di, h);
}

/* ---------------------------------------------------------------------- */
/* Headers                                                                  */

/* The 48-byte v1 header at off; avail: bytes from off to the end of the
 * message (footer excluded); footer: whether a footer follows. */
static void
p2p_v1(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int avail, bool footer)
{
    p2p_header_t h;
    proto_item *ti, *si;
    proto_tree *pt;
    uint64_t ack_size;

    memset(&h, 0, sizeof h);
    h.version = 1;
    ti = proto_tree_add_item(tree, hf_p2p, tvb, off, avail, ENC_NA);
    pt = proto_item_add_subtree(ti, ett_p2p);
    if (avail < P2P_V1_HEADER_LEN) {
        expert_add_info_format(pinfo, ti, &ei_p2p_short, "P2P header needs %d bytes, only %d present",
                               P2P_V1_HEADER_LEN, avail);
        return;
    }
    proto_item_set_generated(proto_tree_add_uint(pt, hf_p2p_version, tvb, off, 0, 1));
    proto_tree_add_item_ret_uint(pt, hf_p2p_session_id, tvb, off, 4, ENC_LITTLE_ENDIAN, &h.session_id);
    proto_tree_add_item_ret_uint(pt, hf_p2p_identifier, tvb, off + 4, 4, ENC_LITTLE_ENDIAN, &h.identifier);
    proto_tree_add_item_ret_uint64(pt, hf_p2p_offset, tvb, off + 8, 8, ENC_LITTLE_ENDIAN, &h.offset);
    proto_tree_add_item_ret_uint64(pt, hf_p2p_total_size, tvb, off + 16, 8, ENC_LITTLE_ENDIAN, &h.total);
    si = proto_tree_add_item_ret_uint(pt, hf_p2p_message_size, tvb, off + 24, 4, ENC_LITTLE_ENDIAN, &h.size);
    proto_tree_add_item_ret_uint(pt, hf_p2p_flags, tvb, off + 28, 4, ENC_LITTLE_ENDIAN, &h.flags);
    proto_tree_add_item(pt, hf_p2p_ack_identifier, tvb, off + 32, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(pt, hf_p2p_ack_unique_id, tvb, off + 36, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_uint64(pt, hf_p2p_ack_data_size, tvb, off + 40, 8, ENC_LITTLE_ENDIAN, &ack_size);
    proto_item_append_text(ti, ", session %u, %u bytes at offset %" PRIu64 " of %" PRIu64,
                           h.session_id, h.size, h.offset, h.total);

    avail -= P2P_V1_HEADER_LEN;
    h.sizes_ok = h.offset <= h.total && h.size <= h.total - h.offset;
    if (h.size > (uint32_t)avail) {
        expert_add_info_format(pinfo, si, &ei_p2p_bad_size, "Message size %u exceeds the %d bytes present%s",
                               h.size, avail, footer ? " before the footer" : "");
        h.size = avail;
        h.sizes_ok = false;
    } else if (!h.sizes_ok) {
        expert_add_info_format(pinfo, si, &ei_p2p_bad_size,
                               "Offset %" PRIu64 " + size %u exceeds the total size %" PRIu64,
                               h.offset, h.size, h.total);
    }
    h.is_data = h.session_id != 0 && (h.flags == P2P_FLAG_MSNOBJ_DATA || h.flags == P2P_FLAG_FILE_DATA ||
                                      h.flags == (P2P_FLAG_WLM2009_COMP | P2P_FLAG_MSNOBJ_DATA));
    p2p_data(tvb, off + P2P_V1_HEADER_LEN, pinfo, pt, ti, &h);
}

/* Type-length-value items of a v2 header from off to end. */
static void
p2p_v2_tlvs(tvbuff_t *tvb, proto_tree *tree, int off, int end)
{
    while (off + 2 <= end) {
        uint8_t type = tvb_get_uint8(tvb, off), len = tvb_get_uint8(tvb, off + 1);
        proto_tree *tt;
        proto_item *ti;

        if (type == 0)      /* padding to a multiple of 4 */
            break;
        ti = proto_tree_add_item(tree, hf_p2p_tlv, tvb, off, MIN(2 + len, end - off), ENC_NA);
        tt = proto_item_add_subtree(ti, ett_p2p_tlv);
        proto_tree_add_item(tt, hf_p2p_tlv_type, tvb, off, 1, ENC_NA);
        proto_tree_add_item(tt, hf_p2p_tlv_length, tvb, off + 1, 1, ENC_NA);
        if (len > 0)
            proto_tree_add_item(tt, hf_p2p_tlv_value, tvb, off + 2, MIN(len, end - off - 2), ENC_NA);
        off += 2 + len;
    }
}

/* Does a v2 header start at off, with len bytes of message (footer excluded)? */
static bool
p2p_is_v2(tvbuff_t *tvb, int off, int len)
{
    uint8_t hl;
    uint16_t ml;

    if (len < P2P_V2_MIN_HEADER || tvb_captured_length_remaining(tvb, off) < P2P_V2_MIN_HEADER)
        return false;
    hl = tvb_get_uint8(tvb, off);
    ml = tvb_get_ntohs(tvb, off + 2);
    return hl >= P2P_V2_MIN_HEADER && (hl % 4) == 0 && hl + ml == len;
}

/* The v2 (TLP) header and, when there is data, its data header.  v2
 * carries no offsets: each chunk is shown as it is. */
static void
p2p_v2(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len)
{
    p2p_header_t h;
    proto_item *ti;
    proto_tree *pt;
    uint32_t hl, ml, dhl;

    memset(&h, 0, sizeof h);
    h.version = 2;
    ti = proto_tree_add_item(tree, hf_p2p, tvb, off, len, ENC_NA);
    pt = proto_item_add_subtree(ti, ett_p2p);
    proto_item_set_generated(proto_tree_add_uint(pt, hf_p2p_version, tvb, off, 0, 2));
    proto_tree_add_item_ret_uint(pt, hf_p2p_header_length, tvb, off, 1, ENC_NA, &hl);
    proto_tree_add_item(pt, hf_p2p_opcode, tvb, off + 1, 1, ENC_NA);
    proto_tree_add_item_ret_uint(pt, hf_p2p_payload_length, tvb, off + 2, 2, ENC_BIG_ENDIAN, &ml);
    proto_tree_add_item_ret_uint(pt, hf_p2p_base_id, tvb, off + 4, 4, ENC_BIG_ENDIAN, &h.identifier);
    p2p_v2_tlvs(tvb, pt, off + 8, off + (int)hl);
    if (ml == 0)
        return;
    off += hl;
    proto_tree_add_item_ret_uint(pt, hf_p2p_data_header_length, tvb, off, 1, ENC_NA, &dhl);
    if (dhl < 8 || dhl > ml) {
        expert_add_info_format(pinfo, ti, &ei_p2p_bad_size, "Data header length %u outside 8..%u", dhl, ml);
        return;
    }
    proto_tree_add_item_ret_uint(pt, hf_p2p_tf, tvb, off + 1, 1, ENC_NA, &h.flags);
    proto_tree_add_item(pt, hf_p2p_package_number, tvb, off + 2, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item_ret_uint(pt, hf_p2p_session_id, tvb, off + 4, 4, ENC_BIG_ENDIAN, &h.session_id);
    p2p_v2_tlvs(tvb, pt, off + 8, off + (int)dhl);
    h.size = ml - dhl;
    h.total = h.size;          /* shown per chunk */
    h.sizes_ok = true;
    proto_item_append_text(ti, ", session %u, %u bytes", h.session_id, h.size);
    if (h.size > 0)
        proto_tree_add_item(pt, hf_p2p_data, tvb, off + (int)dhl, h.size, ENC_NA);
    if (h.session_id == 0 && (h.flags & 0x01) && msnp_slp_looks_like(tvb, off + (int)dhl))
        msnp_slp_dissect(tvb_new_subset_length(tvb, off + (int)dhl, h.size), pinfo, pt);
}

/* ---------------------------------------------------------------------- */
/* Entry points                                                             */

void
msnp_p2p_dissect_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off)
{
    int len = tvb_reported_length_remaining(tvb, off);
    int msg_len = len - P2P_FOOTER_LEN;

    if (len >= P2P_V1_HEADER_LEN + P2P_FOOTER_LEN &&
        tvb_get_letohl(tvb, off + 24) == (uint32_t)(msg_len - P2P_V1_HEADER_LEN)) {
        p2p_v1(tvb, pinfo, tree, off, msg_len, true);
    } else if (p2p_is_v2(tvb, off, msg_len)) {
        p2p_v2(tvb, pinfo, tree, off, msg_len);
    } else {
        /* sizes that do not add up: v1 shows what is wrong with them */
        bool footer = len >= P2P_V1_HEADER_LEN + P2P_FOOTER_LEN;
        p2p_v1(tvb, pinfo, tree, off, footer ? msg_len : len, footer);
        if (!footer)
            return;
    }
    proto_tree_add_item(tree, hf_p2p_footer, tvb, off + msg_len, P2P_FOOTER_LEN, ENC_BIG_ENDIAN);
}

void
msnp_p2p_dissect_bare(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    int len = tvb_reported_length(tvb);

    if (len >= P2P_V1_HEADER_LEN && tvb_get_letohl(tvb, 24) == (uint32_t)(len - P2P_V1_HEADER_LEN))
        p2p_v1(tvb, pinfo, tree, 0, len, false);
    else if (p2p_is_v2(tvb, 0, len))
        p2p_v2(tvb, pinfo, tree, 0, len);
    else
        p2p_v1(tvb, pinfo, tree, 0, len, false);
}

/* ---------------------------------------------------------------------- */
/* Export Objects                                                           */

static tap_packet_status
p2p_eo_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
              tap_flags_t flags _U_)
{
    export_object_list_t *object_list = (export_object_list_t *)tapdata;
    const p2p_eo_t *eo = (const p2p_eo_t *)data;
    export_object_entry_t *entry = g_new0(export_object_entry_t, 1);

    entry->pkt_num = pinfo->num;
    entry->hostname = g_strdup(eo->hostname);
    entry->content_type = g_strdup(eo->content_type);
    entry->filename = g_strdup(eo->filename);
    entry->payload_len = eo->len;
    entry->payload_data = (uint8_t *)g_memdup2(eo->data, eo->len);
    object_list->add_entry(object_list->gui_data, entry);
    return TAP_PACKET_REDRAW;
}

static void
p2p_init(void)
{
    p2p_pending_bytes = 0;
}

/* ---------------------------------------------------------------------- */
/* Registration                                                             */

void
msnp_p2p_register(void)
{
    static hf_register_info hf[] = {
        { &hf_p2p, { "P2P message", "msnp.p2p", FT_NONE, BASE_NONE, NULL, 0x0,
            "A message of a peer-to-peer session between two clients (file transfer, display picture, MSNSLP signalling), relayed by the switchboard or sent over a direct connection.", HFILL } },
        { &hf_p2p_version, { "P2P header version", "msnp.p2p.version", FT_UINT8, BASE_DEC, VALS(p2p_version_vals), 0x0,
            "Which binary header the message has, told from its lengths.", HFILL } },
        { &hf_p2p_session_id, { "P2P session id", "msnp.p2p.session_id", FT_UINT32, BASE_DEC, NULL, 0x0,
            "P2P session number; 0 for MSNSLP signalling (INVITE, 200 OK, BYE), else the SessionID that the MSNSLP invitation gave.", HFILL } },
        { &hf_p2p_identifier, { "P2P identifier", "msnp.p2p.identifier", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of this P2P message; all chunks of one message share it and the receiver acknowledges it.", HFILL } },
        { &hf_p2p_offset, { "P2P data offset", "msnp.p2p.offset", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Where this chunk's data begins within the whole message (a 64-bit number).", HFILL } },
        { &hf_p2p_total_size, { "P2P total size", "msnp.p2p.total_size", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Size of the whole message (e.g. the whole file) that this chunk belongs to.", HFILL } },
        { &hf_p2p_message_size, { "P2P message size", "msnp.p2p.message_size", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of data bytes in this chunk.", HFILL } },
        { &hf_p2p_flags, { "P2P flags", "msnp.p2p.flags", FT_UINT32, BASE_HEX, NULL, 0x0,
            "P2P flags: 0 for MSNSLP text, 0x2 acknowledgement, 0x20 display picture or emoticon data, 0x100 direct-connection handshake, 0x1000030 file data.", HFILL } },
        { &hf_p2p_ack_identifier, { "P2P acknowledged identifier", "msnp.p2p.ack_identifier", FT_UINT32, BASE_DEC, NULL, 0x0,
            "For an acknowledgement, the identifier of the acknowledged message; otherwise a random id.", HFILL } },
        { &hf_p2p_ack_unique_id, { "P2P acknowledged unique id", "msnp.p2p.ack_unique_id", FT_UINT32, BASE_DEC, NULL, 0x0,
            "For an acknowledgement, the ack identifier of the acknowledged message.", HFILL } },
        { &hf_p2p_ack_data_size, { "P2P acknowledged data size", "msnp.p2p.ack_data_size", FT_UINT64, BASE_DEC, NULL, 0x0,
            "For an acknowledgement, the total size of the acknowledged message.", HFILL } },
        { &hf_p2p_header_length, { "P2P header length", "msnp.p2p.header_length", FT_UINT8, BASE_DEC, NULL, 0x0,
            "v2: length of the header with its TLV items (8 or more, a multiple of 4).", HFILL } },
        { &hf_p2p_opcode, { "P2P operation", "msnp.p2p.opcode", FT_UINT8, BASE_HEX, VALS(p2p_opcode_vals), 0x0,
            "v2: SYN opens the link between two end points, RAK asks for an acknowledgement.", HFILL } },
        { &hf_p2p_payload_length, { "P2P payload length", "msnp.p2p.payload_length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "v2: bytes after the header: the data header and the data.", HFILL } },
        { &hf_p2p_base_id, { "P2P sequence number", "msnp.p2p.base_id", FT_UINT32, BASE_DEC, NULL, 0x0,
            "v2: sequence number of the first byte of this message; an acknowledgement names the next one.", HFILL } },
        { &hf_p2p_tlv, { "TLV item", "msnp.p2p.tlv", FT_NONE, BASE_NONE, NULL, 0x0,
            "v2: one type-length-value item of the header (1 peer info, 2 ACK, 3 NAK) or data header (1 bytes remaining).", HFILL } },
        { &hf_p2p_tlv_type, { "Type", "msnp.p2p.tlv.type", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Type of the TLV item.", HFILL } },
        { &hf_p2p_tlv_length, { "Length", "msnp.p2p.tlv.length", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Length of the TLV item's value.", HFILL } },
        { &hf_p2p_tlv_value, { "Value", "msnp.p2p.tlv.value", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Value of the TLV item.", HFILL } },
        { &hf_p2p_data_header_length, { "Data header length", "msnp.p2p.data_header_length", FT_UINT8, BASE_DEC, NULL, 0x0,
            "v2: length of the data header with its TLV items.", HFILL } },
        { &hf_p2p_tf, { "Type and first flag", "msnp.p2p.tf", FT_UINT8, BASE_HEX, VALS(p2p_tf_vals), 0x0,
            "v2: what the data is (MSNSLP, MSN object, file) and whether this is its first chunk (0x01).", HFILL } },
        { &hf_p2p_package_number, { "Package number", "msnp.p2p.package_number", FT_UINT16, BASE_DEC, NULL, 0x0,
            "v2: number of the data package that this chunk belongs to.", HFILL } },
        { &hf_p2p_data, { "P2P data", "msnp.p2p.data", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Data of this chunk: MSNSLP text in session 0, else a piece of a file or picture.", HFILL } },
        { &hf_p2p_footer, { "P2P footer (application id)", "msnp.p2p.footer", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Application id after the P2P data of a switchboard message (big-endian): 0 for MSNSLP, 1 display picture or emoticon, 2 file transfer.", HFILL } },
        { &hf_p2p_offer_in, { "Offered in", "msnp.p2p.offer_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "Frame of the MSNSLP INVITE that offered this session's data.", HFILL } },
        { &hf_p2p_filename, { "Object name", "msnp.p2p.filename", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name under which Export Objects saves the complete data: the offered file name, the picture's name, or p2p-session-N.bin.", HFILL } },
        { &hf_p2p_sha1, { "SHA-1 of the data", "msnp.p2p.sha1", FT_STRING, BASE_NONE, NULL, 0x0,
            "Base64 SHA-1 of a complete picture, to compare with the SHA1D of its <msnobj/>.", HFILL } },
        { &hf_p2p_fragments, { "P2P chunks", "msnp.p2p.fragments", FT_NONE, BASE_NONE, NULL, 0x0,
            "The chunks that make up this message.", HFILL } },
        { &hf_p2p_fragment, { "P2P chunk", "msnp.p2p.fragment", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "Frame with one chunk of this message.", HFILL } },
        { &hf_p2p_fragment_overlap, { "Chunk overlap", "msnp.p2p.fragment.overlap", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "This chunk covers bytes that another chunk covers too.", HFILL } },
        { &hf_p2p_fragment_overlap_conflicts, { "Conflicting data in chunk overlap", "msnp.p2p.fragment.overlap.conflicts", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Overlapping chunks carry different bytes.", HFILL } },
        { &hf_p2p_fragment_multiple_tails, { "Multiple tail chunks", "msnp.p2p.fragment.multiple_tails", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "More than one chunk claims to end the message.", HFILL } },
        { &hf_p2p_fragment_too_long_fragment, { "Chunk too long", "msnp.p2p.fragment.too_long_fragment", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "A chunk reaches past the end of the message.", HFILL } },
        { &hf_p2p_fragment_error, { "Reassembly error", "msnp.p2p.fragment.error", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "Reassembly failed because of the chunk in this frame.", HFILL } },
        { &hf_p2p_fragment_count, { "Chunk count", "msnp.p2p.fragment.count", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of chunks of this message.", HFILL } },
        { &hf_p2p_reassembled_in, { "Reassembled in", "msnp.p2p.reassembled_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The whole message is put together in this frame.", HFILL } },
        { &hf_p2p_reassembled_length, { "Reassembled length", "msnp.p2p.reassembled.length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Size of the whole message.", HFILL } },
    };
    static int *ett[] = { &ett_p2p, &ett_p2p_tlv, &ett_p2p_fragment, &ett_p2p_fragments };
    static ei_register_info ei[] = {
        { &ei_p2p_short, { "msnp.p2p_short", PI_MALFORMED, PI_ERROR, "P2P header too short", EXPFILL } },
        { &ei_p2p_bad_size, { "msnp.p2p_bad_size", PI_MALFORMED, PI_WARN, "P2P sizes inconsistent", EXPFILL } },
        { &ei_p2p_too_big, { "msnp.p2p_too_big", PI_PROTOCOL, PI_WARN,
            "P2P message larger than the reassembly limit", EXPFILL } },
        { &ei_p2p_budget, { "msnp.p2p_budget", PI_PROTOCOL, PI_WARN,
            "Too much unfinished P2P data held for reassembly", EXPFILL } },
        { &ei_p2p_overlap_conflict, { "msnp.p2p_overlap_conflict", PI_MALFORMED, PI_WARN,
            "Overlapping P2P chunks carry different data", EXPFILL } },
        { &ei_p2p_sha1_mismatch, { "msnp.p2p_sha1_mismatch", PI_CHECKSUM, PI_WARN,
            "Picture data does not match the SHA1D of its <msnobj/>", EXPFILL } },
    };

    proto_msnp = msnp_part_register_fields(hf, array_length(hf), ett, array_length(ett), ei, array_length(ei));
    prefs_register_uint_preference(msnp_prefs_module(), "p2p_max_size", "Largest P2P message reassembled",
        "P2P messages (files, pictures) whose total size exceeds this many bytes are not reassembled; "
        "unfinished messages together never hold more than this.",
        10, &p2p_max_size);
    reassembly_table_register(&p2p_reassembly_table, &addresses_ports_reassembly_table_functions);
    register_init_routine(p2p_init);
    eo_tap = register_export_object(proto_msnp, p2p_eo_packet, NULL);
}
