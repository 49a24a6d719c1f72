/* sanitizer-canary.c
 * A deliberately broken test-only plugin: it proves that the sanitizer
 * harness (runtime preloaded into the system tshark) turns a memory error or
 * undefined behaviour inside a plugin into a failed tshark run.
 *
 * Never installed; built only with -DENABLE_SANITIZERS=ON.  It claims UDP
 * port 9 (discard) and misbehaves on request:
 *   payload "HEAP"  reads one byte past a pinfo->pool allocation
 *   payload "UBSN"  overflows a signed integer
 * and does nothing for any other payload.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = "0.0.0";
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

static int proto_canary = -1;
static volatile int canary_sink;

static int
dissect_canary(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree _U_, void *data _U_)
{
    guint len = tvb_captured_length(tvb);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "CANARY");
    if (len >= 4 && tvb_memeql(tvb, 0, (const guint8 *)"HEAP", 4) == 0) {
        guint8 *copy = (guint8 *)wmem_alloc(pinfo->pool, len);
        tvb_memcpy(tvb, copy, 0, len);
        canary_sink = copy[len];            /* one past the end: ASan must abort */
    } else if (len >= 4 && tvb_memeql(tvb, 0, (const guint8 *)"UBSN", 4) == 0) {
        int big = G_MAXINT - 1 + (int)tvb_get_guint8(tvb, 3);   /* 'N' = 78 */
        canary_sink = big + (int)len;       /* signed overflow: UBSan must abort */
    }
    return len;
}

static void
proto_register_canary(void)
{
    proto_canary = proto_register_protocol("Sanitizer canary (test only)", "CANARY", "sancanary");
}

static void
proto_reg_handoff_canary(void)
{
    dissector_add_uint("udp.port", 9,
                       create_dissector_handle(dissect_canary, proto_canary));
}

void
plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = proto_register_canary;
    plug.register_handoff = proto_reg_handoff_canary;
    proto_register_plugin(&plug);
}
