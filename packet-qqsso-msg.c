/* packet-qqsso-msg.c
 * Messages inside SSO bodies, and the statistics of the SSO dissector:
 * - the protobuf message type of the bodies whose layout the public
 *   sources give (handed to Wireshark's protobuf dissector, which names
 *   their fields when protobuf/qqsso.proto of this project is on its
 *   search path, and shows raw fields otherwise);
 * - the text, sender, receiver and group of sent and pushed messages as
 *   fields of their own (qqsso.msg.*), found with the bounded walker of
 *   qq-pb.c along the field paths of MiraiGo's msg.proto:
 *     PbSendMsgReq      routing_head(1) { c2c(1) { to_uin(1) } | grp(2) { group_code(1) } }
 *                       msg_body(3) { rich_text(1) { elems(2)* { text(1) { str(1) } } } }
 *     PushMessagePacket message(1) { head(1) { from_uin(1) to_uin(2) group_info(9) { group_code(1) } }
 *                                    body(3) { rich_text(1) ... } }
 * - tshark -z qqsso,chat (a transcript of those messages) and
 *   -z qqsso,tree (PDUs by type, encryption and command).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

#include <stdio.h>
#include <string.h>

#include "packet-qqsso.h"
#include "plugin.h"
#include "qq-pb.h"
#include "ws-compat.h"

/* Text elements joined into one message at most. */
#define QQSSO_MSG_MAX_ELEMS     64

static int hf_qqsso_msg_text = -1;
static int hf_qqsso_msg_from = -1;
static int hf_qqsso_msg_to = -1;
static int hf_qqsso_msg_group = -1;
static int ett_qqsso_msg = -1;

/* A path of field numbers into a protobuf message (qq_pb_find_path). */
typedef struct {
    uint32_t field[4];
    unsigned depth;
} qqsso_pb_path_t;

/* Where a message's other QQ number, group and rich text sit. */
typedef struct {
    qqsso_pb_path_t peer;
    qqsso_pb_path_t group;
    qqsso_pb_path_t rich_text;
} qqsso_msg_paths_t;

static const qqsso_msg_paths_t send_paths = {
    { { 1, 1, 1 }, 3 },         /* routing_head.c2c.to_uin */
    { { 1, 2, 1 }, 3 },         /* routing_head.grp.group_code */
    { { 3, 1 }, 2 },            /* msg_body.rich_text */
};

static const qqsso_msg_paths_t push_paths = {
    { { 1, 1, 1 }, 3 },         /* message.head.from_uin */
    { { 1, 1, 9, 1 }, 4 },      /* message.head.group_info.group_code */
    { { 1, 3, 1 }, 3 },         /* message.body.rich_text */
};

/* What the public sources say a command's body is. */
typedef struct {
    const char *cmd;
    const char *pb_type;        /* message type in protobuf/qqsso.proto */
    bool push;                  /* PushMessagePacket shape, else PbSendMsgReq */
} qqsso_msg_cmd_t;

static const qqsso_msg_cmd_t qqsso_msg_cmds[] = {
    { "MessageSvc.PbSendMsg",      "qqsso.PbSendMsgReq",      false },
    { "OnlinePush.PbPushGroupMsg", "qqsso.PushMessagePacket", true },
    { "OnlinePush.PbC2CMsgSync",   "qqsso.PushMessagePacket", true },
    { "OnlinePush.PbPushDisMsg",   "qqsso.PushMessagePacket", true },
};

static const qqsso_msg_cmd_t *
qqsso_msg_cmd(const char *cmd)
{
    unsigned i;

    for (i = 0; cmd && i < G_N_ELEMENTS(qqsso_msg_cmds); i++) {
        if (strcmp(cmd, qqsso_msg_cmds[i].cmd) == 0)
            return &qqsso_msg_cmds[i];
    }
    return NULL;
}

const char *
qqsso_msg_pb_type(const char *cmd, bool is_response)
{
    const qqsso_msg_cmd_t *c = qqsso_msg_cmd(cmd);

    /* PbSendMsg's reply is a PbSendMsgResp, not the request's type. */
    if (!c || (!c->push && is_response))
        return NULL;
    return c->pb_type;
}

/* The text elements of a rich_text message in [off, end), joined. */
static char *
qqsso_rich_text(tvbuff_t *tvb, packet_info *pinfo, int off, int end)
{
    wmem_strbuf_t *text = wmem_strbuf_new(pinfo->pool, "");
    qq_pb_field_t elem, str;
    static const uint32_t text_str[] = { 1, 1 };
    unsigned n = 0;
    bool any = false;

    while (n++ < QQSSO_MSG_MAX_ELEMS && qq_pb_next(tvb, &off, end, &elem)) {
        if (elem.number != 2 || elem.wire_type != QQ_PB_BYTES)
            continue;
        if (!qq_pb_find_path(tvb, elem.value_offset, elem.value_offset + elem.value_length, text_str, 2, &str)
                || str.wire_type != QQ_PB_BYTES)
            continue;
        wmem_strbuf_append(text, (const char *)tvb_get_string_enc(pinfo->pool, tvb, str.value_offset,
                    str.value_length, ENC_UTF_8));
        any = true;
    }
    return any ? wmem_strbuf_finalize(text) : NULL;
}

static uint64_t
qqsso_pb_varint(tvbuff_t *tvb, int end, const qqsso_pb_path_t *path)
{
    qq_pb_field_t f;

    if (qq_pb_find_path(tvb, 0, end, path->field, path->depth, &f) && f.wire_type == QQ_PB_VARINT)
        return f.value;
    return 0;
}

static void
qqsso_msg_find(tvbuff_t *tvb, packet_info *pinfo, const qqsso_msg_paths_t *paths, qqsso_info_t *info)
{
    int end = tvb_reported_length(tvb);
    qq_pb_field_t f;

    info->peer = qqsso_pb_varint(tvb, end, &paths->peer);
    info->group = qqsso_pb_varint(tvb, end, &paths->group);
    if (qq_pb_find_path(tvb, 0, end, paths->rich_text.field, paths->rich_text.depth, &f)
            && f.wire_type == QQ_PB_BYTES)
        info->text = qqsso_rich_text(tvb, pinfo, f.value_offset, f.value_offset + f.value_length);
}

void
qqsso_dissect_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qqsso_info_t *info)
{
    const qqsso_msg_cmd_t *c = qqsso_msg_cmd(info->cmd);
    proto_tree *sub;
    proto_item *it;

    if (!c || (!c->push && info->is_response))
        return;
    qqsso_msg_find(tvb, pinfo, c->push ? &push_paths : &send_paths, info);
    if (!info->text)
        return;
    sub = proto_tree_add_subtree(tree, tvb, 0, -1, ett_qqsso_msg, NULL, "Message");
    it = proto_tree_add_string(sub, hf_qqsso_msg_text, tvb, 0, 0, info->text);
    proto_item_set_generated(it);
    if (c->push && info->peer) {
        it = proto_tree_add_uint64(sub, hf_qqsso_msg_from, tvb, 0, 0, info->peer);
        proto_item_set_generated(it);
    } else if (info->peer) {
        it = proto_tree_add_uint64(sub, hf_qqsso_msg_to, tvb, 0, 0, info->peer);
        proto_item_set_generated(it);
    }
    if (info->group) {
        it = proto_tree_add_uint64(sub, hf_qqsso_msg_group, tvb, 0, 0, info->group);
        proto_item_set_generated(it);
    }
    col_append_fstr(pinfo->cinfo, COL_INFO, " \"%s\"", info->text);
}

/* ---------------------------------------------------------------------- */
/* tshark -z qqsso,chat                                                   */

typedef struct {
    GString *lines;
    unsigned count;
    char *filter;
} qqsso_chat_t;

static tap_packet_status
qqsso_chat_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
        tap_flags_t flags _U_)
{
    qqsso_chat_t *chat = (qqsso_chat_t *)tapdata;
    const qqsso_info_t *info = (const qqsso_info_t *)data;

    if (!info->text)
        return TAP_PACKET_DONT_REDRAW;
    g_string_append_printf(chat->lines, "%6u  %-8s  %10u  %10" PRIu64 "  %10" PRIu64 "  %s\n", pinfo->num,
            info->is_response ? "received" : "sent", info->uin, info->peer, info->group, info->text);
    chat->count++;
    return TAP_PACKET_REDRAW;
}

static void
qqsso_chat_draw(void *tapdata)
{
    qqsso_chat_t *chat = (qqsso_chat_t *)tapdata;

    printf("\n====================================================================\n");
    printf("QQ SSO messages (decrypted): %u\n", chat->count);
    printf("%6s  %-8s  %10s  %10s  %10s  %s\n", "Frame", "Way", "QQ", "Peer QQ", "Group", "Text");
    printf("%s", chat->lines->str);
    printf("====================================================================\n");
}

static void
qqsso_chat_reset(void *tapdata)
{
    qqsso_chat_t *chat = (qqsso_chat_t *)tapdata;

    g_string_truncate(chat->lines, 0);
    chat->count = 0;
}

static void
qqsso_chat_finish(void *tapdata)
{
    qqsso_chat_t *chat = (qqsso_chat_t *)tapdata;

    g_string_free(chat->lines, TRUE);
    g_free(chat->filter);
    g_free(chat);
}

/* "-z qqsso,chat" or "-z qqsso,chat,<display filter>". */
static ws_stat_tap_init_ret
qqsso_chat_init(const char *opt_arg, void *userdata _U_)
{
    qqsso_chat_t *chat = g_new0(qqsso_chat_t, 1);
    const char *prefix = "qqsso,chat,";
    GString *err;

    chat->lines = g_string_new("");
    if (opt_arg && strncmp(opt_arg, prefix, strlen(prefix)) == 0)
        chat->filter = g_strdup(opt_arg + strlen(prefix));
    err = register_tap_listener("qqsso", chat, chat->filter, TL_REQUIRES_NOTHING, qqsso_chat_reset,
            qqsso_chat_packet, qqsso_chat_draw, qqsso_chat_finish);
    if (err) {
        fprintf(stderr, "tshark: Couldn't register qqsso,chat tap: %s\n", err->str);
        g_string_free(err, TRUE);
        qqsso_chat_finish(chat);
        WS_STAT_TAP_INIT_DONE(false);
    }
    WS_STAT_TAP_INIT_DONE(true);
}

/* ---------------------------------------------------------------------- */
/* tshark -z qqsso,tree                                                   */

static const char *st_str_pdus = "SSO PDUs";
static const char *st_str_types = "By type";
static const char *st_str_encryptions = "By encryption";
static const char *st_str_commands = "By command (decrypted)";
static int st_node_pdus = -1;
static int st_node_types = -1;
static int st_node_encryptions = -1;
static int st_node_commands = -1;

static void
qqsso_stats_tree_init(stats_tree *st)
{
    st_node_pdus = stats_tree_create_node(st, st_str_pdus, 0, STAT_DT_INT, true);
    st_node_types = stats_tree_create_node(st, st_str_types, st_node_pdus, STAT_DT_INT, true);
    st_node_encryptions = stats_tree_create_node(st, st_str_encryptions, st_node_pdus, STAT_DT_INT, true);
    st_node_commands = stats_tree_create_node(st, st_str_commands, st_node_pdus, STAT_DT_INT, true);
}

static tap_packet_status
qqsso_stats_tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *p,
        tap_flags_t flags _U_)
{
    const qqsso_info_t *info = (const qqsso_info_t *)p;
    char name[32];

    tick_stat_node(st, st_str_pdus, 0, false);
    snprintf(name, sizeof name, "0x%02x", info->type);
    tick_stat_node(st, st_str_types, st_node_pdus, false);
    tick_stat_node(st, name, st_node_types, false);
    snprintf(name, sizeof name, "%u", info->encryption);
    tick_stat_node(st, st_str_encryptions, st_node_pdus, false);
    tick_stat_node(st, name, st_node_encryptions, false);
    if (info->cmd) {
        tick_stat_node(st, st_str_commands, st_node_pdus, false);
        tick_stat_node(st, info->cmd, st_node_commands, false);
    }
    return TAP_PACKET_REDRAW;
}

void
qqsso_msg_register(void)
{
    /* A part of qqsso, registered after it from plugin.c's table. */
    int proto = proto_get_id_by_filter_name("qqsso");

    static hf_register_info hf[] = {
        { &hf_qqsso_msg_text,
          { "Message text", "qqsso.msg.text", FT_STRING, BASE_NONE, NULL, 0x0,
            "Text elements of a sent or pushed message, joined", HFILL }},
        { &hf_qqsso_msg_from,
          { "From QQ", "qqsso.msg.from", FT_UINT64, BASE_DEC, NULL, 0x0, "Sender of a pushed message", HFILL }},
        { &hf_qqsso_msg_to,
          { "To QQ", "qqsso.msg.to", FT_UINT64, BASE_DEC, NULL, 0x0, "Receiver of a sent message", HFILL }},
        { &hf_qqsso_msg_group,
          { "Group", "qqsso.msg.group", FT_UINT64, BASE_DEC, NULL, 0x0, "Group (code) of a group message", HFILL }},
    };
    static int *ett[] = { &ett_qqsso_msg };
    static stat_tap_ui chat_ui = {
        REGISTER_STAT_GROUP_GENERIC, "QQ SSO chat transcript", "qqsso,chat", qqsso_chat_init, 0, NULL
    };

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    register_stat_tap_ui(&chat_ui, NULL);
}

void
qqsso_msg_handoff(void)
{
    ws_stats_tree_register("qqsso", "qqsso", "QQ/SSO PDUs", 0, qqsso_stats_tree_packet, qqsso_stats_tree_init,
            NULL);
}
