/* msnp-chat.c
 * Chat transcripts from the "msnp" tap: for each switchboard session its
 * server, start and participants as they join and leave (USR, ANS, CAL,
 * JOI, IRO, BYE, OUT), with friendly names where the capture tells them,
 * and one line per text message (text/plain MSG; typing notifications and
 * other control messages are not messages).  MSNP18+ clients send messages
 * through the notification server instead (SDG with a Routing block): each
 * such connection is a session of its own, a line per message naming
 * sender and recipient.
 *
 *   tshark -q -z msnp,chat[,filter]          the transcript as text
 *   Statistics > MSNP > Chat                 the same lines as a tree
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/to_str.h>

#include "ws-compat.h"
#include "packet-msnp.h"
#include "plugin.h"

/* One switchboard session (one TCP connection to a switchboard), or the
 * routed messages (SDG) of one notification-server connection. */
typedef struct {
    unsigned   number;          /* in the order the sessions start */
    bool       routed;          /* SDG messages, not a switchboard */
    char      *header;          /* "Session 1: switchboard ..., started ..." */
    char      *local;           /* the account of the capturing client, from USR or ANS */
    GPtrArray *lines;           /* char *, in frame order */
    int        tree_node;       /* stats_tree node of the session (GUI) */
} chat_session_t;

typedef struct {
    GHashTable *sessions;       /* connection id -> chat_session_t */
    GPtrArray  *order;          /* chat_session_t *, by start */
    uint32_t    frame;          /* the frame being read: names are the ones known then */
} chat_t;

/* ---------------------------------------------------------------------- */
/* State                                                                    */

static void
chat_session_free(gpointer p)
{
    chat_session_t *s = (chat_session_t *)p;
    g_free(s->header);
    g_free(s->local);
    g_ptr_array_free(s->lines, true);
    g_free(s);
}

static void
chat_init_state(chat_t *chat)
{
    chat->sessions = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, chat_session_free);
    chat->order = g_ptr_array_new();
}

static void
chat_free_state(chat_t *chat)
{
    if (!chat->sessions)
        return;
    g_ptr_array_free(chat->order, true);
    g_hash_table_destroy(chat->sessions);
    memset(chat, 0, sizeof *chat);
}

/* "2005-11-03 06:40:00.120" (UTC) */
static char *
chat_time(const nstime_t *ts, bool with_date)
{
    GDateTime *dt = g_date_time_new_from_unix_utc((gint64)ts->secs);
    char *base, *out;

    if (!dt)
        return g_strdup("?");
    base = g_date_time_format(dt, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S");
    out = g_strdup_printf("%s.%03d", base, ts->nsecs / 1000000);
    g_free(base);
    g_date_time_unref(dt);
    return out;
}

/* An account without the MSNP18 end point (";{guid}"). */
static char *
chat_account(const char *raw)
{
    return g_strndup(raw, strcspn(raw, ";"));
}

/* "account (friendly name)" or "account": the latest name the capture gave
 * the account up to the frame being read (msnp-names.c). */
static char *
chat_who(chat_t *chat, const char *account_raw)
{
    char *account = chat_account(account_raw);
    const char *name = msnp_names_at(account, chat->frame);
    char *who = name && *name && strcmp(name, account) != 0 ? g_strdup_printf("%s (%s)", account, name)
                                                           : g_strdup(account);
    g_free(account);
    return who;
}

/* Text on one line: line breaks and other control characters escaped. */
static char *
chat_one_line(const char *text)
{
    GString *out = g_string_new(NULL);
    const char *p;

    for (p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\r' && p[1] == '\n')
            continue;
        if (c == '\n')
            g_string_append(out, "\\n");
        else if (c == '\t')
            g_string_append(out, "\\t");
        else if (c < 0x20 || c == 0x7f)
            g_string_append_printf(out, "\\x%02x", c);
        else
            g_string_append_c(out, (char)c);
    }
    return g_string_free(out, false);
}

/* ---------------------------------------------------------------------- */
/* Events                                                                   */

static chat_session_t *
chat_session(chat_t *chat, packet_info *pinfo, const msnp_tap_info_t *ti, bool routed)
{
    chat_session_t *s = (chat_session_t *)g_hash_table_lookup(chat->sessions, GUINT_TO_POINTER(ti->conv_id));
    char *start, *server;

    if (s)
        return s;
    s = g_new0(chat_session_t, 1);
    s->number = chat->order->len + 1;
    s->lines = g_ptr_array_new_with_free_func(g_free);
    s->tree_node = -1;
    start = chat_time(&pinfo->abs_ts, true);
    server = ti->srv_addr ? g_strdup_printf("%s:%u", address_to_str(pinfo->pool, ti->srv_addr), ti->srv_port)
                          : g_strdup("(unknown)");
    s->routed = routed;
    s->header = g_strdup_printf(routed ? "Session %u: messages routed (SDG) through %s, started %s UTC (frame %u)"
                                       : "Session %u: switchboard %s, started %s UTC (frame %u)",
                                s->number, server, start, pinfo->num);
    g_free(start);
    g_free(server);
    g_hash_table_insert(chat->sessions, GUINT_TO_POINTER(ti->conv_id), s);
    g_ptr_array_add(chat->order, s);
    return s;
}

/* What a switchboard command says about the participants, or NULL. */
static char *
chat_participant(chat_t *chat, chat_session_t *s, const msnp_tap_info_t *ti)
{
    const char *cmd = ti->cmd;
    bool c2s = ti->direction == MSNP_DIR_C2S, s2c = ti->direction == MSNP_DIR_S2C;
    const char *const *a = ti->args;
    char *who, *line;
    const char *what;

    if (c2s && (strcmp(cmd, "USR") == 0 || strcmp(cmd, "ANS") == 0) && ti->nargs >= 2) {
        g_free(s->local);
        s->local = chat_account(a[0]);
        return NULL;
    }
    if (s2c && strcmp(cmd, "USR") == 0 && ti->nargs >= 2 && strcmp(a[0], "OK") == 0) {
        who = chat_who(chat, a[1]);
        what = "joined (USR)";
    } else if (s2c && strcmp(cmd, "ANS") == 0 && ti->nargs >= 1 && strcmp(a[0], "OK") == 0 && s->local) {
        who = chat_who(chat, s->local);
        what = "joined (ANS)";
    } else if (c2s && strcmp(cmd, "CAL") == 0 && ti->nargs >= 1) {
        who = chat_who(chat, a[0]);
        what = "invited (CAL)";
    } else if (s2c && strcmp(cmd, "JOI") == 0 && ti->nargs >= 1) {
        who = chat_who(chat, a[0]);
        what = "joined (JOI)";
    } else if (s2c && strcmp(cmd, "IRO") == 0 && ti->nargs >= 3) {
        who = chat_who(chat, a[2]);
        what = "was already there (IRO)";
    } else if (s2c && strcmp(cmd, "BYE") == 0 && ti->nargs >= 1) {
        who = chat_who(chat, a[0]);
        what = "left (BYE)";
    } else if (c2s && strcmp(cmd, "OUT") == 0 && s->local) {
        who = chat_who(chat, s->local);
        what = "left (OUT)";
    } else {
        return NULL;
    }
    line = g_strdup_printf("* %s %s", who, what);
    g_free(who);
    return line;
}

/* A routed address without its network prefix ("1:") and end point. */
static char *
chat_routed_who(chat_t *chat, const char *raw)
{
    const char *colon = strchr(raw, ':');
    const char *at = strchr(raw, '@');

    if (colon && (!at || colon < at) && strspn(raw, "0123456789") == (size_t)(colon - raw))
        raw = colon + 1;
    return chat_who(chat, raw);
}

/* "sender to recipient: text" of a routed message (SDG). */
static char *
chat_routed_message(chat_t *chat, packet_info *pinfo, const msnp_tap_info_t *ti, chat_session_t **sp)
{
    char *from = chat_routed_who(chat, ti->from);
    char *to = chat_routed_who(chat, ti->to);
    char *text = chat_one_line(ti->text);
    char *what = g_strdup_printf("%s to %s: %s", from, to, text);

    *sp = chat_session(chat, pinfo, ti, true);
    g_free(from);
    g_free(to);
    g_free(text);
    return what;
}

/* What one command adds to the transcript (NULL if nothing) and its session. */
static char *
chat_event(chat_t *chat, packet_info *pinfo, const msnp_tap_info_t *ti, chat_session_t **sp)
{
    chat_session_t *s;
    char *what = NULL;

    chat->frame = pinfo->num;
    if (ti->is_error)
        return NULL;
    if (ti->text && ti->from && ti->to && ti->role != MSNP_ROLE_SB)
        return chat_routed_message(chat, pinfo, ti, sp);
    if (ti->role != MSNP_ROLE_SB)
        return NULL;
    s = chat_session(chat, pinfo, ti, false);
    if (strcmp(ti->cmd, "MSG") == 0 && ti->text) {
        const char *sender = ti->direction == MSNP_DIR_S2C && ti->nargs >= 1 ? ti->args[0] : s->local;
        char *who = chat_who(chat, sender ? sender : "(unknown)");
        char *text = chat_one_line(ti->text);
        what = g_strdup_printf("%s: %s", who, text);
        g_free(who);
        g_free(text);
    } else {
        what = chat_participant(chat, s, ti);
    }
    if (what)
        *sp = s;
    return what;
}

/* "frame 5  06:40:00.040  what" (text), or "06:40:00.040  frame 5  what" (tree:
 * the time first, so that sorting the tree by name keeps the order). */
static char *
chat_line(packet_info *pinfo, char *what, bool time_first)
{
    char *when = chat_time(&pinfo->abs_ts, false);
    char *line = time_first ? g_strdup_printf("%s  frame %u  %s", when, pinfo->num, what)
                            : g_strdup_printf("frame %u  %s  %s", pinfo->num, when, what);
    g_free(when);
    g_free(what);
    return line;
}

/* ---------------------------------------------------------------------- */
/* tshark -z msnp,chat                                                      */

static void
chat_reset(void *tapdata)
{
    chat_t *chat = (chat_t *)tapdata;
    chat_free_state(chat);
    chat_init_state(chat);
}

static tap_packet_status
chat_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    chat_t *chat = (chat_t *)tapdata;
    chat_session_t *s = NULL;
    char *what = chat_event(chat, pinfo, (const msnp_tap_info_t *)data, &s);

    if (!what)
        return TAP_PACKET_DONT_REDRAW;
    g_ptr_array_add(s->lines, chat_line(pinfo, what, false));
    return TAP_PACKET_REDRAW;
}

static void
chat_draw(void *tapdata)
{
    chat_t *chat = (chat_t *)tapdata;
    unsigned i, j, routed = 0;

    for (i = 0; i < chat->order->len; i++)
        routed += ((chat_session_t *)g_ptr_array_index(chat->order, i))->routed;
    printf("\n===================================================================\n");
    printf("MSNP chat transcript: %u switchboard session%s", chat->order->len - routed,
           chat->order->len - routed == 1 ? "" : "s");
    if (routed)
        printf(", %u connection%s with routed messages (SDG)", routed, routed == 1 ? "" : "s");
    printf("\n");
    for (i = 0; i < chat->order->len; i++) {
        chat_session_t *s = (chat_session_t *)g_ptr_array_index(chat->order, i);
        printf("\n%s\n", s->header);
        for (j = 0; j < s->lines->len; j++)
            printf("  %s\n", (const char *)g_ptr_array_index(s->lines, j));
    }
    printf("===================================================================\n");
}

static void
chat_finish(void *tapdata)
{
    chat_t *chat = (chat_t *)tapdata;
    chat_free_state(chat);
    g_free(chat);
}

static ws_stat_tap_init_ret
chat_cli_init(const char *opt_arg, void *userdata _U_)
{
    const char *filter = NULL;
    chat_t *chat = g_new0(chat_t, 1);
    GString *err;

    if (strncmp(opt_arg, "msnp,chat,", 10) == 0)
        filter = opt_arg + 10;
    chat_init_state(chat);
    err = register_tap_listener("msnp", chat, filter, TL_REQUIRES_NOTHING, chat_reset, chat_packet,
                                chat_draw, chat_finish);
    if (err) {
        fprintf(stderr, "tshark: Couldn't register msnp,chat tap: %s\n", err->str);
        g_string_free(err, true);
        chat_finish(chat);
        WS_STAT_TAP_INIT_DONE(false);
    }
    WS_STAT_TAP_INIT_DONE(true);
}

/* ---------------------------------------------------------------------- */
/* Statistics > MSNP > Chat: a session per node, its lines below it         */

static chat_t tree_chat;

static void
chat_tree_init(stats_tree *st _U_)
{
    chat_free_state(&tree_chat);
    chat_init_state(&tree_chat);
}

static tap_packet_status
chat_tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
                 tap_flags_t flags _U_)
{
    chat_session_t *s = NULL;
    char *what = chat_event(&tree_chat, pinfo, (const msnp_tap_info_t *)data, &s);
    char *line;

    if (!what)
        return TAP_PACKET_DONT_REDRAW;
    line = chat_line(pinfo, what, true);
    if (s->tree_node < 0)
        s->tree_node = stats_tree_create_node(st, s->header, 0, STAT_DT_INT, true);
    tick_stat_node(st, s->header, 0, true);
    tick_stat_node(st, line, s->tree_node, false);
    g_free(line);
    return TAP_PACKET_REDRAW;
}

static void
chat_tree_cleanup(stats_tree *st _U_)
{
    chat_free_state(&tree_chat);
}

void
msnp_chat_register(void)
{
    static stat_tap_ui chat_ui = {
        REGISTER_STAT_GROUP_GENERIC,
        "MSNP chat transcript",
        "msnp,chat",
        chat_cli_init,
        0,
        NULL
    };

    register_stat_tap_ui(&chat_ui, NULL);
    ws_stats_tree_register("msnp", "msnp_chat", "MSNP/Chat", 0, chat_tree_packet, chat_tree_init,
                           chat_tree_cleanup);
}
