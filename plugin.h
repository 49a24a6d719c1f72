/* plugin.h
 * What plugin.c registers, in the order of its table: each dissector, then
 * the parts that hang under it.  A part finds its dissector's protocol and
 * preferences by name, so only the order of the table links them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_PLUGIN_H
#define MSNP_QQ_PLUGIN_H

/* MSNP (packet-msnp.c) and its parts, which register under "msnp". */
void proto_register_msnp(void);
void proto_reg_handoff_msnp(void);
void msnp_p2p_register(void);      /* packet-msnp-p2p.c */
void msnp_slp_register(void);      /* packet-msnp-slp.c */
void msnp_dc_register(void);       /* packet-msnp-dc.c */
void msnp_dc_handoff(void);
void msnp_names_register(void);    /* msnp-names.c */
void msnp_chat_register(void);     /* msnp-chat.c */

/* QQ (packet-qq.c) and its parts, which register under "qq". */
void proto_register_qq(void);
void proto_reg_handoff_qq(void);
void qq_decrypt_register(void);    /* packet-qq-decrypt.c */
void qq_keys_register(void);       /* qq-keys.c */
void qq_login_register(void);      /* packet-qq-login.c */
void proto_register_qqhighway(void);
void proto_reg_handoff_qqhighway(void);
void proto_register_qqsso(void);
void proto_reg_handoff_qqsso(void);
void qqsso_wtlogin_register(void);    /* packet-qqsso-wtlogin.c */
void qqsso_msg_register(void);        /* packet-qqsso-msg.c */
void qqsso_msg_handoff(void);

#endif
