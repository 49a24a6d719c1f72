/* packet-msnp.h
 * What the parts of the MSNP dissector share: packet-msnp.c (command lines),
 * packet-msnp-p2p.c (P2P messages, reassembly, Export Objects),
 * packet-msnp-slp.c (MSNSLP), packet-msnp-dc.c (direct connections) and
 * msnp-chat.c (the chat transcript), msnp-names.c (friendly names).  Each registers itself from plugin.c
 * (see plugin.h); none calls another's registration.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_PACKET_MSNP_H
#define MSNP_QQ_PACKET_MSNP_H

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>

#include "ws-compat.h"

/* Direction of a command, as packet-msnp.c works it out. */
enum { MSNP_DIR_UNKNOWN = 0, MSNP_DIR_C2S = 1, MSNP_DIR_S2C = 2 };

/* Server role of a connection. */
enum { MSNP_ROLE_UNKNOWN = 0, MSNP_ROLE_DS, MSNP_ROLE_NS, MSNP_ROLE_SB };

/* What the "msnp" tap sees per command. */
typedef struct {
    const char *cmd;
    int         direction;
    bool        is_error;
    uint16_t    error;
    char        name[4];      /* cmd when it is not a known command */
    /* For the chat transcript: the connection and the parameters.  args and
     * text are only filled in while a tap listener is registered. */
    uint32_t    conv_id;      /* tells the connections apart */
    uint8_t     role;         /* MSNP_ROLE_* */
    const address *srv_addr;  /* server end of the connection, or NULL */
    uint32_t    srv_port;
    int         nargs;        /* parameters after the TrID, without a payload length */
    const char **args;        /* as on the wire (friendly names stay URL-encoded) */
    const char *text;         /* text of a text/plain MSG or SDG, decoded; else NULL */
    const char *from;         /* with text: the Routing block's From and To (MSNP18+ */
    const char *to;           /* SDG, "1:bob@example.com;epid={...}"), else NULL */
} msnp_tap_info_t;

/* msnp-names.c: a friendly name as text.  *out is UTF-8, with every byte
 * that is no printable character written as \xNN (never U+FFFD). */
typedef enum {
    MSNP_NAME_OK,           /* URL-encoded, or raw but valid UTF-8 */
    MSNP_NAME_UNESCAPED,    /* sent as raw bytes that are no text: shown as \xNN */
    MSNP_NAME_BAD_ESCAPE    /* a broken %XX escape: *out is the name as sent */
} msnp_name_form_t;

msnp_name_form_t msnp_name_decode(wmem_allocator_t *pool, const uint8_t *raw, int len, const char **out);

/* The name (decoded) that the capture gave account at frame pinfo->num
 * (first pass only; later passes find what the first recorded). */
void msnp_names_learn(packet_info *pinfo, const char *account, const char *name);

/* The latest name of account at or before frame, or NULL. */
const char *msnp_names_at(const char *account, uint32_t frame);

/*
 * A part (P2P, MSNSLP, direct connections) registers its fields, subtrees and
 * expert infos under the msnp protocol, which plugin.c has registered before
 * it; returns msnp's protocol id.
 */
static inline int
msnp_part_register_fields(hf_register_info *hf, int n_hf, int *const *ett, int n_ett,
        ei_register_info *ei, int n_ei)
{
    int proto = proto_get_id_by_filter_name("msnp");

    proto_register_field_array(proto, hf, n_hf);
    proto_register_subtree_array(ett, n_ett);
    expert_register_field_array(expert_register_protocol(proto), ei, n_ei);
    return proto;
}

/* The msnp preferences, where parts add theirs. */
static inline module_t *
msnp_prefs_module(void)
{
    return prefs_find_module("msnp");
}

/* packet-msnp-p2p.c: a P2P message carried in a MSG payload (binary header,
 * data, 4-byte footer) from offset off of tvb. */
void msnp_p2p_dissect_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off);

/* A P2P message without footer (direct connection) filling all of tvb. */
void msnp_p2p_dissect_bare(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

/* packet-msnp-slp.c: the MSNSLP text filling tvb (any trailing NULs
 * included).  session_data_frame: the frame whose data this invitation
 * offered, for links; 0 if unknown. */
void msnp_slp_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
bool msnp_slp_looks_like(tvbuff_t *tvb, int off);

/* What an MSNSLP invitation offered for one P2P session id (file scope). */
enum { MSNP_OFFER_OTHER = 0, MSNP_OFFER_FILE, MSNP_OFFER_MSNOBJ };

typedef struct {
    uint32_t    session_id;
    uint8_t     kind;          /* MSNP_OFFER_* */
    uint32_t    invite_frame;
    uint32_t    data_frame;    /* where the data was complete; 0 until then */
    const char *filename;      /* file offer: decoded name; picture: Friendly or Location */
    uint64_t    size;          /* announced size */
    const char *sha1d;         /* picture: SHA1D attribute (base64), or NULL */
    const char *creator;       /* picture: Creator */
} msnp_offer_t;

msnp_offer_t *msnp_slp_find_offer(uint32_t session_id, uint32_t before_frame);

/* packet-msnp-dc.c: direct connections announced by a transport offer. */
void msnp_dc_expect(packet_info *pinfo, const char *addrs, uint32_t port, const e_guid_t *nonce);

#endif /* MSNP_QQ_PACKET_MSNP_H */
