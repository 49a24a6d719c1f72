/* plugin.c
 * Registration of the MSNP and QQ dissectors as one Wireshark plugin.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>

/*
 * From 4.4 on Wireshark asks a plugin what it provides (plugin_describe());
 * without the answer `tshark -G plugins` lists its type as "unknown".  4.0
 * installs no <wsutil/plugins.h> and never calls it, so the function exists
 * only where the header defines the flag.
 */
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif

#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.0.0"
#endif

#include "plugin.h"

WS_DLL_PUBLIC_DEF const char plugin_version[] = PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#ifdef WS_PLUGIN_DESC_DISSECTOR
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

void
plugin_register(void)
{
    static proto_plugin plug_msnp;
    static proto_plugin plug_qq;
    static proto_plugin plug_qqsso;

    plug_msnp.register_protoinfo = proto_register_msnp;
    plug_msnp.register_handoff = proto_reg_handoff_msnp;
    proto_register_plugin(&plug_msnp);

    plug_qq.register_protoinfo = proto_register_qq;
    plug_qq.register_handoff = proto_reg_handoff_qq;
    proto_register_plugin(&plug_qq);

    plug_qqsso.register_protoinfo = proto_register_qqsso;
    plug_qqsso.register_handoff = proto_reg_handoff_qqsso;
    proto_register_plugin(&plug_qqsso);
}
