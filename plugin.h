/* plugin.h
 * Entry points of the two dissectors, called from plugin.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_PLUGIN_H
#define MSNP_QQ_PLUGIN_H

void proto_register_msnp(void);
void proto_reg_handoff_msnp(void);
void proto_register_qq(void);
void proto_reg_handoff_qq(void);
void proto_register_qqsso(void);
void proto_reg_handoff_qqsso(void);

#endif
