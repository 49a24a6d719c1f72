/* packet-qq-login.h
 * The PC QQ 2012+ (and TIM) login, as the QQ decryption shows it: the
 * clear-text fields of login requests, the type-length-value blocks (TLVs)
 * of login packets, the layers inside them, and the keys they hand out,
 * which go to the key store (qq-keys.h) as the login goes on:
 *
 *   0x0825 touch     clear key K in the request ......... opens request and reply
 *   0x0836 password  ECDH share key ....................... opens request and reply
 *                    TLV 0x0006 (password key) ............ holds the TGTGT key
 *                    reply, inner layer (TGTGT key) ....... TLVs 0x0109, 0x0107
 *   0x0828 session   TLV 0x0109's key ..................... opens the request
 *                    TLV 0x0107's TGT key ................. opens the reply
 *                    TLV 0x010C ........................... the session key
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_PACKET_QQ_LOGIN_H
#define MSNP_QQ_PACKET_QQ_LOGIN_H

#include <epan/packet.h>

#include "qq-keys.h"

/* The clear-text fields of a 0x0836 or 0x0828 request before its ciphertext. */
typedef struct {
    int key_off;                    /* the 16-byte key of a 0x0836 request, -1 if none */
    const qq_key_t *known_pair;     /* share key of a fixed key pair whose public key it is, or NULL */
} qq_login_prefix_t;

/* What a TLV decoder needs to know about the packet. */
typedef struct {
    uint16_t cmd;
    bool from_server;
    uint32_t uin;                   /* the client's QQ number */
} qq_login_ctx_t;

/* Dissect the clear-text fields of a login request (offset and length from
 * the QQ header) under `tree`; fills `out`. */
void qq_login_dissect_prefix(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, uint16_t cmd, int off, int len,
        qq_login_prefix_t *out);

/* The share keys of every fixed ECDH key pair public clients use (when the
 * public key in the request is not known, they are still worth a try). */
unsigned qq_login_known_share_keys(const qq_key_t **out, unsigned max);

/* The plaintext of a login packet (0x0825, 0x0836, 0x0828, 0x0818,
 * 0x0819): a result byte in replies, then TLVs; the 0x0836 reply's inner
 * layer is opened here. */
void qq_login_dissect_plaintext(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qq_login_ctx_t *ctx);

/* Is this command one of the login exchange's? */
bool qq_login_is_login_cmd(uint16_t cmd);

#endif
