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

/*
 * Every dissector and every part of one, in the order they must register:
 * a dissector before its parts, which look up its protocol, preferences and
 * expert infos by name.  A new dissector or part is one line here.
 */
static const struct {
    void (*register_protoinfo)(void);
    void (*register_handoff)(void);     /* NULL: nothing to hand off */
} plugin_steps[] = {
    { proto_register_msnp,  proto_reg_handoff_msnp },
    { msnp_p2p_register,    NULL },
    { msnp_slp_register,    NULL },
    { msnp_dc_register,     msnp_dc_handoff },
    { msnp_names_register,  NULL },
    { msnp_chat_register,   NULL },
    { proto_register_qq,    proto_reg_handoff_qq },
    { qq_decrypt_register,  NULL },
    { qq_keys_register,     NULL },
    { qq_login_register,    NULL },
    { proto_register_qqsso, proto_reg_handoff_qqsso },
    { qqsso_wtlogin_register, NULL },
    { qqsso_msg_register,   qqsso_msg_handoff },
    { proto_register_qqhighway, proto_reg_handoff_qqhighway },
};

static void
plugin_register_protoinfo(void)
{
    for (size_t i = 0; i < array_length(plugin_steps); i++)
        plugin_steps[i].register_protoinfo();
}

static void
plugin_register_handoff(void)
{
    for (size_t i = 0; i < array_length(plugin_steps); i++) {
        if (plugin_steps[i].register_handoff)
            plugin_steps[i].register_handoff();
    }
}

/*
 * One proto_plugin walks the whole table: Wireshark keeps the plugins it is
 * given in a list it may run in either order (4.0 prepends), and the parts
 * must follow their dissector.
 */
void
plugin_register(void)
{
    static proto_plugin plug = {
        .register_protoinfo = plugin_register_protoinfo,
        .register_handoff = plugin_register_handoff,
    };

    proto_register_plugin(&plug);
}
