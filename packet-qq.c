/* packet-qq.c
 * Routines for Tencent QQ protocol dissection
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include "plugin.h"

static int proto_qq = -1;

void
proto_register_qq(void)
{
    proto_qq = proto_register_protocol("Tencent QQ Protocol", "QQ", "qq");
}

void
proto_reg_handoff_qq(void)
{
}
