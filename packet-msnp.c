/* packet-msnp.c
 * Routines for MSNP (MSN Messenger protocol) dissection
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include "plugin.h"

static int proto_msnp = -1;

void
proto_register_msnp(void)
{
    proto_msnp = proto_register_protocol("MSN Messenger Protocol (MSNP)", "MSNP", "msnp");
}

void
proto_reg_handoff_msnp(void)
{
}
