/* packet-qqsso.h
 * Tencent SSO ("MSF"): the transport of today's QQ (Android and iOS QQ,
 * QQNT). Shared between the SSO dissector and its wtlogin layer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_PACKET_QQSSO_H
#define MSNP_QQ_PACKET_QQSSO_H

#include <epan/packet.h>
#include <epan/expert.h>

/* What one decrypted SSO payload said, for the tap (-z qqsso,tree and
 * -z qqsso,chat) and for the wtlogin layer. */
typedef struct {
    uint32_t type;              /* outer qqsso.type */
    uint8_t encryption;         /* outer qqsso.encryption */
    bool is_response;
    bool is_push;
    bool decrypted;
    uint32_t uin;               /* 0 when the outer header names none */
    uint32_t seq;
    const char *cmd;            /* command name, NULL when not decrypted */
    const char *text;           /* message text, NULL when none */
    uint64_t peer;              /* message: the other QQ number, 0 if unknown */
    uint64_t group;             /* message: the group number, 0 if none */
} qqsso_info_t;

/* Random keys of the wtlogin requests of the packet's conversation, by
 * frame (a response opens with the latest one before it). */
wmem_tree_t *qqsso_wtlogin_random_keys(packet_info *pinfo);

/* The wtlogin layer inside a `wtlogin.*` body (packet-qqsso-wtlogin.c). */
void qqsso_dissect_wtlogin(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qqsso_info_t *info);

/* Messages in bodies and the statistics (packet-qqsso-msg.c). */
const char *qqsso_msg_pb_type(const char *cmd, bool is_response);
void qqsso_dissect_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qqsso_info_t *info);

#endif
