/* packet-msnp-dc.c
 * MSN Messenger direct connections: a TCP connection between two clients
 * that an MSNSLP transport answer announced (Listening: true with addresses
 * and a port, usually 6891), or that goes to the registered port.  Every
 * message is preceded by its length (4 bytes, little-endian): first "foo\0",
 * then a nonce handshake (a P2P header with flag 0x100 whose last 16 bytes
 * are the nonce of the invitation), then P2P messages without footer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/expert.h>
#include <epan/conversation.h>
#include <epan/guid-utils.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/inet_addr.h>
#include <wsutil/wmem/wmem.h>

#include "ws-compat.h"
#include "packet-msnp.h"
#include "plugin.h"

#define DC_TCP_PORT        6891
#define DC_LENGTH_LEN      4
#define DC_P2P_HEADER_LEN  48
#define DC_HANDSHAKE_FLAG  0x100
#define DC_NONCE_OFFSET    32
#define DC_MAX_MESSAGE     (1024 * 1024)   /* a P2P chunk is at most a few KiB */
#define DC_MAX_ADDRS       8               /* addresses taken from one offer */

static int proto_msnp = -1;

static int hf_dc_length = -1;
static int hf_dc_foo = -1;
static int hf_dc_nonce = -1;
static int hf_dc_nonce_matches = -1;
static int hf_dc_offer_in = -1;

static int ett_dc = -1;

static expert_field ei_dc_bad_length = EI_INIT;
static expert_field ei_dc_nonce_mismatch = EI_INIT;

static dissector_handle_t dc_handle;
static ws_bool dc_reassemble = true;

/* What the transport answer said about one announced connection. */
typedef struct {
    uint32_t offer_frame;
    e_guid_t nonce;
    bool     have_nonce;
} dc_expect_t;

/* conversation index -> dc_expect_t (file scope) */
static wmem_map_t *dc_expected;

void
msnp_dc_expect(packet_info *pinfo, const char *addrs, uint32_t port, const e_guid_t *nonce)
{
    char **list = g_strsplit(addrs, " ", DC_MAX_ADDRS + 1);
    int i;

    for (i = 0; list[i] && i < DC_MAX_ADDRS; i++) {
        ws_in4_addr ip;
        address addr;
        conversation_t *conv;
        dc_expect_t *ex;

        if (!ws_inet_pton4(list[i], &ip))
            continue;
        set_address(&addr, AT_IPv4, 4, &ip);
        /* any peer may connect to addr:port */
        conv = conversation_new(pinfo->num, &addr, &addr, CONVERSATION_TCP, port, 0, NO_ADDR2 | NO_PORT2);
        conversation_set_dissector(conv, dc_handle);
        ex = wmem_new0(wmem_file_scope(), dc_expect_t);
        ex->offer_frame = pinfo->num;
        if (nonce) {
            ex->nonce = *nonce;
            ex->have_nonce = true;
        }
        wmem_map_insert(dc_expected, GUINT_TO_POINTER(conv->conv_index), ex);
    }
    g_strfreev(list);
}

/* ---------------------------------------------------------------------- */
/* Messages                                                                 */

/* The 48-byte handshake: a P2P header whose ack fields hold the nonce. */
static void
dc_handshake(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const dc_expect_t *ex)
{
    e_guid_t nonce;
    proto_item *ti;

    msnp_p2p_dissect_bare(tvb, pinfo, tree);
    tvb_get_letohguid(tvb, DC_NONCE_OFFSET, &nonce);
    ti = proto_tree_add_guid(tree, hf_dc_nonce, tvb, DC_NONCE_OFFSET, 16, &nonce);
    col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "Direct connection: nonce handshake");
    if (!ex || !ex->have_nonce)
        return;
    proto_item_set_generated(proto_tree_add_uint(tree, hf_dc_offer_in, tvb, 0, 0, ex->offer_frame));
    ti = proto_tree_add_boolean(tree, hf_dc_nonce_matches, tvb, DC_NONCE_OFFSET, 16,
                                memcmp(&nonce, &ex->nonce, sizeof nonce) == 0);
    proto_item_set_generated(ti);
    if (memcmp(&nonce, &ex->nonce, sizeof nonce) != 0)
        expert_add_info(pinfo, ti, &ei_dc_nonce_mismatch);
}

static unsigned
dc_message_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    uint32_t len = tvb_get_letohl(tvb, offset);

    /* A length beyond any real chunk: take the rest of the segment and
     * flag it, rather than wait for megabytes that will not come. */
    if (len > DC_MAX_MESSAGE)
        return (unsigned)tvb_reported_length_remaining(tvb, offset);
    return DC_LENGTH_LEN + len;
}

static int
dc_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    const dc_expect_t *ex = conv ? (const dc_expect_t *)wmem_map_lookup(dc_expected, GUINT_TO_POINTER(conv->conv_index)) : NULL;
    proto_item *ti, *li;
    proto_tree *dt;
    uint32_t len;
    tvbuff_t *body;
    int avail = tvb_reported_length_remaining(tvb, DC_LENGTH_LEN);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "MSNP");
    ti = proto_tree_add_item(tree, proto_msnp, tvb, 0, -1, ENC_NA);
    proto_item_append_text(ti, ", direct connection");
    dt = proto_item_add_subtree(ti, ett_dc);
    li = proto_tree_add_item_ret_uint(dt, hf_dc_length, tvb, 0, DC_LENGTH_LEN, ENC_LITTLE_ENDIAN, &len);
    if (len > (uint32_t)avail) {
        expert_add_info_format(pinfo, li, &ei_dc_bad_length, "Length %u, but only %d bytes follow (limit %u)",
                               len, avail, DC_MAX_MESSAGE);
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "Direct connection: bad length");
        return tvb_captured_length(tvb);
    }
    body = tvb_new_subset_length(tvb, DC_LENGTH_LEN, len);
    if (len == 4 && tvb_strneql(body, 0, "foo", 4) == 0) {
        proto_tree_add_item(dt, hf_dc_foo, body, 0, 4, ENC_ASCII);
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "Direct connection: foo");
    } else if (len == DC_P2P_HEADER_LEN && tvb_get_letohl(body, 28) == DC_HANDSHAKE_FLAG) {
        dc_handshake(body, pinfo, dt, ex);
    } else {
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "Direct connection: P2P message, %u bytes", len);
        msnp_p2p_dissect_bare(body, pinfo, dt);
    }
    return tvb_captured_length(tvb);
}

static int
dissect_msnp_dc(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "MSNP");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, dc_reassemble, DC_LENGTH_LEN, dc_message_len, dc_message, data);
    return tvb_captured_length(tvb);
}

/* ---------------------------------------------------------------------- */
/* Registration                                                             */

void
msnp_dc_register(void)
{
    static hf_register_info hf[] = {
        { &hf_dc_length, { "Message length", "msnp.dc.length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Length of the direct-connection message that follows (4 bytes, little-endian).", HFILL } },
        { &hf_dc_foo, { "Greeting", "msnp.dc.foo", FT_STRINGZ, BASE_NONE, NULL, 0x0,
            "The first message on a direct connection: the 4 bytes foo and a NUL.", HFILL } },
        { &hf_dc_nonce, { "Nonce", "msnp.dc.nonce", FT_GUID, BASE_NONE, NULL, 0x0,
            "Nonce of the handshake; it must be the one the MSNSLP transport messages gave.", HFILL } },
        { &hf_dc_nonce_matches, { "Nonce matches the offer", "msnp.dc.nonce_matches", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Whether the handshake's nonce is the one in the MSNSLP message that announced this connection.", HFILL } },
        { &hf_dc_offer_in, { "Announced in", "msnp.dc.offer_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "Frame of the MSNSLP message that gave this connection's address, port and nonce.", HFILL } },
    };
    static int *ett[] = { &ett_dc };
    static ei_register_info ei[] = {
        { &ei_dc_bad_length, { "msnp.dc.bad_length", PI_MALFORMED, PI_ERROR,
            "Direct-connection message length beyond the data or the limit", EXPFILL } },
        { &ei_dc_nonce_mismatch, { "msnp.dc.nonce_mismatch", PI_SECURITY, PI_WARN,
            "Handshake nonce differs from the one the invitation gave", EXPFILL } },
    };

    /* The helper protocol packet-msnp.c registers, so that the direct-connection
     * port has a preference of its own (msnp's tcp.port preference is the
     * commands').  A helper protocol is not in the table of filter names that
     * proto_get_id_by_filter_name() reads; its field of the same name has its id. */
    int proto_dc = proto_registrar_get_id_byname("msnp_dc");

    proto_msnp = msnp_part_register_fields(hf, array_length(hf), ett, array_length(ett), ei, array_length(ei));
    prefs_register_bool_preference(msnp_prefs_module(), "dc_reassemble", "Reassemble direct-connection messages",
        "Whether a direct-connection message split over several TCP segments is reassembled.",
        &dc_reassemble);
    /* Without the helper (a Wireshark that stops making a field of it) the
     * port still works, under msnp's own preferences. */
    dc_handle = register_dissector("msnp_dc", dissect_msnp_dc, proto_dc >= 0 ? proto_dc : proto_msnp);
    dc_expected = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
}

void
msnp_dc_handoff(void)
{
    dissector_add_uint_with_preference("tcp.port", DC_TCP_PORT, dc_handle);
}
