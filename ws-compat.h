/* ws-compat.h
 * The one place where the Wireshark versions this plugin supports (4.0, 4.4
 * and 4.6) differ.  The dissectors are written against the current API; this
 * header maps it back onto the older releases.  Feature tests are used where
 * Wireshark gives one, version checks only where it does not.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_WS_COMPAT_H
#define MSNP_QQ_WS_COMPAT_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <ws_version.h>

#define WS_COMPAT_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/*
 * Boolean preferences and the result of heuristic dissectors are `bool` from
 * 4.2 on and `gboolean` before; the type of a pointer or a function pointer
 * has to match exactly, so those two uses take this type.
 */
#if WS_COMPAT_AT_LEAST(4, 2)
typedef bool ws_bool;
#else
typedef gboolean ws_bool;
#endif

/* The uint names of the tvb accessors and string helpers came with 4.2. */
#if !WS_COMPAT_AT_LEAST(4, 2)
#define tvb_get_uint8        tvb_get_guint8
#define tvb_find_uint8       tvb_find_guint8
#define uint32_to_str_buf    guint32_to_str_buf
#define wmem_strbuf_new_sized(scope, size) wmem_strbuf_sized_new((scope), (size), 0)
/* format_text() takes const char * from 4.2 on, const guchar * before. */
#define format_text(scope, string, len) format_text((scope), (const guchar *)(string), (len))
#endif

/* zlib inflation of a tvb got its explicit name in 4.4 (the old name is
 * deprecated there). */
#if !WS_COMPAT_AT_LEAST(4, 4)
#define tvb_child_uncompress_zlib tvb_child_uncompress
#endif

/* What HTTP hands to a media-type dissector. */
#if __has_include(<epan/dissectors/packet-media-type.h>)
#include <epan/dissectors/packet-media-type.h>
typedef media_content_info_t ws_media_content_info;
#else
#include <epan/dissectors/packet-http.h>
typedef http_message_info_t ws_media_content_info;
#define MEDIA_CONTAINER_HTTP_REQUEST  HTTP_REQUEST
#define MEDIA_CONTAINER_HTTP_RESPONSE HTTP_RESPONSE
#endif

/*
 * A stats_tree under Statistics, in the group where the older releases put
 * plugin statistics.  4.4 returns a configuration handle and has no
 * *_with_group any more.
 */
#if WS_COMPAT_AT_LEAST(4, 4)
#define ws_stats_tree_register(tap, abbr, name, flags, packet, init, cleanup) \
    ((void)stats_tree_register_plugin((tap), (abbr), (name), (flags), (packet), (init), (cleanup)))
#else
#define ws_stats_tree_register(tap, abbr, name, flags, packet, init, cleanup) \
    stats_tree_register_plugin((tap), (abbr), (name), (flags), (packet), (init), (cleanup))
#endif

/*
 * Record callbacks of a UAT (update, field check) return `bool` from 4.2 on
 * and `gboolean` before, like boolean preferences.
 */
typedef ws_bool ws_uat_bool;

/*
 * The init callback of a tshark "-z" statistic (stat_tap_ui) returns whether
 * it could start from 4.6 on; before it returns nothing.
 */
#if WS_COMPAT_AT_LEAST(4, 6)
typedef bool ws_stat_tap_init_ret;
#define WS_STAT_TAP_INIT_DONE(ok) return (ok)
#else
typedef void ws_stat_tap_init_ret;
#define WS_STAT_TAP_INIT_DONE(ok) do { (void)(ok); return; } while (0)
#endif

#endif /* MSNP_QQ_WS_COMPAT_H */
