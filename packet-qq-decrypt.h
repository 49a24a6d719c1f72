/* packet-qq-decrypt.h
 * Decryption of QQ packet bodies inside the QQ dissector (packet-qq.c):
 * keys, preferences, the decrypted data source and the decoded plaintexts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_PACKET_QQ_DECRYPT_H
#define MSNP_QQ_PACKET_QQ_DECRYPT_H

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>

#include "qq-keys.h"

/* Client generations, which decide where keys sit and how bodies read. */
enum {
    QQ_DECRYPT_GEN_CLASSIC = 1, /* QQ2000 to QQ2009: 11-byte requests, 7-byte replies */
    QQ_DECRYPT_GEN_2010,        /* QQ2010 to 2012: 22-byte requests, 14-byte replies */
    QQ_DECRYPT_GEN_PCQQ         /* PC QQ 2012+ and TIM: 26-byte login requests */
};

/* What the QQ dissector knows about one basic-family packet once its
 * header is parsed. */
typedef struct {
    int generation;             /* QQ_DECRYPT_GEN_* */
    uint16_t cmd;
    uint16_t seq;               /* with cmd, tells the packets of one frame apart */
    bool from_server;
    uint32_t uin;               /* QQ number in the header, 0 when the header has none */
    int key_off;                /* the 16-byte key sent in clear, -1 if none */
    int body_off;               /* the ciphertext: offset and length (may be 0) */
    int body_len;
    uint32_t request_frame;     /* for a reply: frame of its request, else 0 */
    const void *conversation;   /* identity of the QQ conversation (file scope) */
    int login_key_off;          /* PC QQ 0x0836 request: its clear 16-byte key, -1 if none */
    const qq_key_t *known_pair; /* PC QQ 0x0836 request: share key of its known key pair, or NULL */
} qq_decrypt_packet_info_t;

/* Decrypt the body when a key is known and show what it says, under
 * `tree`; `item` carries the expert infos. No work without a key. */
void qq_decrypt_packet(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *item,
        const qq_decrypt_packet_info_t *info);

#endif
