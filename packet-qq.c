/* packet-qq.c
 * Routines for Tencent QQ protocol dissection (the 0x02 ... 0x03 family
 * over UDP and TCP, including QQ over TCP port 443).
 *
 * Facts used here: docs/PROTOCOLS.md of this project (header variants,
 * command codes per client era, version codes, TCP framing, login keys).
 *
 * Finding the traffic:
 * - udp.port 8000 ("qq") and tcp.port 8000 ("qq_tcp", 2-byte length prefix)
 *   with Decode As preferences; this replaces the built-in oicq on UDP 8000.
 *   TCP 8000 is shared with HTTP and others: a TCP conversation is QQ from
 *   its first segment that starts like a QQ packet on.
 * - TCP framing: a length in bounds followed by the 0x02 flag; otherwise the
 *   reader skips to the byte after a 0x03 that a plausible packet follows
 *   (the rule of the readers in the sources), so one bad frame does not
 *   swallow the packets after it.
 * - Heuristics on UDP and TCP (enabled): a UDP datagram must start with 0x02,
 *   end with 0x03 and carry a plausible version and command; TCP data must
 *   be whole length-prefixed packets, each 0x02 ... 0x03, that end exactly
 *   at the end of the segment.
 * - TCP 443 belongs to TLS, which would take a QQ stream as "Continuation
 *   Data". The "qq_tcp_443" handle (a helper protocol under TLS) sits on
 *   tcp.port 443, looks at the first payload of each conversation once,
 *   dissects the conversation as QQ when it has QQ framing, and hands every
 *   other conversation to TLS after restoring pinfo->can_desegment (each
 *   dissector call level lowers it). Preference qq.tcp_443 switches it off.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
#include <epan/crc32-tvb.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/to_str.h>
#include <wsutil/utf8_entities.h>

#include "packet-qq-decrypt.h"
#include "plugin.h"
#include "ws-compat.h"

#define QQ_PORT             8000
#define QQ_TLS_PORT         443

#define QQ_FLAG_BASIC       0x02
#define QQ_TAIL             0x03

/* Header lengths of the variants (PROTOCOLS.md 2.1). */
#define QQ_HDR_CLASSIC_REQ  11
#define QQ_HDR_CLASSIC_REP  7
#define QQ_HDR_2010_REQ     22
#define QQ_HDR_2010_REP     14
#define QQ_HDR_TIM_REQ      26
#define QQ_LOGIN_KEY_LEN    16

/* TCP framing: a 2-byte length that counts itself, then one packet. */
#define QQ_TCP_LEN_LEN      2
#define QQ_TCP_MIN_PDU      (QQ_TCP_LEN_LEN + QQ_HDR_CLASSIC_REP + 1)
#define QQ_TCP_MAX_PDU      16384

#define QQ_VERSION_SOURCE_DOC 0x1c51
#define QQ_VERSION_TIM        0x3713

/* The variant actually decoded. */
enum {
    QQ_VAR_CLASSIC_REQ = 1,
    QQ_VAR_CLASSIC_REP,
    QQ_VAR_2010_REQ,
    QQ_VAR_2010_REP,
    QQ_VAR_SOURCE_DOC,
    QQ_VAR_TIM_REQ,
    QQ_VAR_FAMILY_P2P,
    QQ_VAR_FAMILY_CUSTOM_HEAD,
    QQ_VAR_FAMILY_FILE,
    QQ_VAR_FAMILY_EMOTICON
};

enum { QQ_ERA_CLASSIC, QQ_ERA_SOURCE_DOC, QQ_ERA_2010, QQ_ERA_TIM };

enum { QQ_DIR_C2S = 0, QQ_DIR_S2C = 1 };

/* Decision of the TCP 443 wrapper for one conversation. */
enum { QQ_TLS_UNDECIDED = 0, QQ_TLS_IS_QQ, QQ_TLS_NOT_QQ };

void proto_register_qq(void);
void proto_reg_handoff_qq(void);

static int proto_qq = -1;
static int proto_qq_tls_port = -1;
static int qq_tap = -1;

static int hf_qq_length = -1;
static int hf_qq_flag = -1;
static int hf_qq_version = -1;
static int hf_qq_cmd = -1;
static int hf_qq_cmd_name = -1;
static int hf_qq_seq = -1;
static int hf_qq_uin = -1;
static int hf_qq_header_ext = -1;
static int hf_qq_ext_fixed = -1;
static int hf_qq_ext_build = -1;
static int hf_qq_ext_fill = -1;
static int hf_qq_ext_tim_marker = -1;
static int hf_qq_ext_client_type = -1;
static int hf_qq_ext_pub_no = -1;
static int hf_qq_ext_reserved = -1;
static int hf_qq_login_key = -1;
static int hf_qq_body = -1;
static int hf_qq_skipped = -1;
static int hf_qq_tail = -1;
static int hf_qq_variant = -1;
static int hf_qq_era = -1;
static int hf_qq_direction = -1;
static int hf_qq_response_in = -1;
static int hf_qq_response_to = -1;
static int hf_qq_time = -1;
static int hf_qq_retransmission = -1;
static int hf_qq_retransmission_of = -1;

static int ett_qq = -1;
static int ett_qq_header_ext = -1;

static expert_field ei_qq_bad_tail = EI_INIT;
static expert_field ei_qq_bad_length = EI_INIT;
static expert_field ei_qq_truncated = EI_INIT;
static expert_field ei_qq_unknown_command = EI_INIT;
static expert_field ei_qq_unknown_version = EI_INIT;
static expert_field ei_qq_no_response = EI_INIT;
static expert_field ei_qq_retransmission = EI_INIT;
static expert_field ei_qq_duplicate_response = EI_INIT;

static dissector_handle_t qq_handle;
static dissector_handle_t qq_tcp_handle;
static dissector_handle_t qq_tcp_inner_handle;
static dissector_handle_t qq_tls_port_handle;
static dissector_handle_t tls_handle;

static ws_bool qq_desegment = true;
static ws_bool qq_over_tls_port = true;

/* ---------------------------------------------------------------------- */
/* Tables                                                                 */

static const value_string qq_flag_vals[] = {
    { 0x00, "P2P family" },
    { 0x02, "Basic family" },
    { 0x03, "Custom head family" },
    { 0x04, "File/agent family" },
    { 0x05, "Group custom emoticon family" },
    { 0, NULL }
};

static const value_string qq_variant_vals[] = {
    { QQ_VAR_CLASSIC_REQ,        "Classic request (11-byte header)" },
    { QQ_VAR_CLASSIC_REP,        "Classic reply (7-byte header)" },
    { QQ_VAR_2010_REQ,           "QQ2010+ request (22-byte header)" },
    { QQ_VAR_2010_REP,           "QQ2010+ reply (14-byte header)" },
    { QQ_VAR_SOURCE_DOC,         "QQ2010 source document (11-byte header)" },
    { QQ_VAR_TIM_REQ,            "TIM request (26-byte header)" },
    { QQ_VAR_FAMILY_P2P,         "P2P family" },
    { QQ_VAR_FAMILY_CUSTOM_HEAD, "Custom head family" },
    { QQ_VAR_FAMILY_FILE,        "File/agent family" },
    { QQ_VAR_FAMILY_EMOTICON,    "Group custom emoticon family" },
    { 0, NULL }
};

/* Short labels for the Info column. */
static const value_string qq_variant_short_vals[] = {
    { QQ_VAR_CLASSIC_REQ,        "classic 11-byte request" },
    { QQ_VAR_CLASSIC_REP,        "classic 7-byte reply" },
    { QQ_VAR_2010_REQ,           "22-byte request" },
    { QQ_VAR_2010_REP,           "14-byte reply" },
    { QQ_VAR_TIM_REQ,            "TIM 26-byte request" },
    { 0, NULL }
};

static const value_string qq_era_vals[] = {
    { QQ_ERA_CLASSIC,    "Classic" },
    { QQ_ERA_SOURCE_DOC, "QQ2010" },
    { QQ_ERA_2010,       "QQ2010+" },
    { QQ_ERA_TIM,        "TIM/PC-QQ" },
    { 0, NULL }
};

/* Info prefix when the version is not in the table: the era is only assumed
 * from the range the version falls in. */
static const value_string qq_era_assumed_vals[] = {
    { QQ_ERA_CLASSIC,    "Classic?" },
    { QQ_ERA_2010,       "QQ2010+?" },
    { QQ_ERA_TIM,        "TIM/PC-QQ?" },
    { 0, NULL }
};

static const value_string qq_direction_vals[] = {
    { QQ_DIR_C2S, "Client to server" },
    { QQ_DIR_S2C, "Server to client" },
    { 0, NULL }
};

static const value_string qq_version_vals[] = {
    { 0x0100, "Server" },
    { 0x04d1, "Agent server" },
    { 0x062e, "QQ2000c" },
    { 0x072e, "QQ2000c" },
    { 0x0801, "QQ2000c" },
    { 0x0a1d, "QQ2003c" },
    { 0x0b07, "QQ2003ii" },
    { 0x0b2f, "QQ2003iii" },
    { 0x0b35, "QQ2003iii" },
    { 0x0b37, "QQ2003iii" },
    { 0x0c0b, "QQ2004" },
    { 0x0c0d, "QQ2004 preview" },
    { 0x0c21, "QQ2004" },
    { 0x0c49, "QQ2004II" },
    { 0x0d05, "QQ2005 beta1" },
    { 0x0d51, "QQ2005 beta2" },
    { 0x0d55, "QQ2005" },
    { 0x0d61, "QQ2005" },
    { 0x0e1b, "QQ2005/2006" },
    { 0x0e35, "EN QQ2005" },
    { 0x0f15, "QQ2006" },
    { 0x0f4b, "QQ2006" },
    { 0x0f5f, "QQ2006" },
    { 0x1105, "QQ2007" },
    { 0x111d, "QQ2007" },
    { 0x115b, "QQ2008" },
    { 0x1203, "QQ2008" },
    { 0x1205, "QQ2008" },
    { 0x120b, "QQ2008" },
    { 0x1412, "QQMac 1.0" },
    { 0x1441, "QQ2009 preview2" },
    { 0x1663, "QQ2009" },
    { 0x1801, "QQ2009 Intl beta1" },
    { 0x1c27, "Unlabelled in nDPI's old table" },
    { 0x1c51, "QQ2010 (source document)" },
    { 0x1e0d, "QQ2010 Intl" },
    { 0x2012, "QQ2012 Intl" },
    { 0x2227, "QQ2011 Intl" },
    { 0x3619, "QQ (2018-19)" },
    { 0x3713, "TIM" },
    { 0x371b, "QQ (2018-19)" },
    { 0x3823, "QQ (2018-19)" },
    { 0x3b0b, "QQ (2023)" },
    { 0x3b29, "QQ (2023)" },
    { 0, NULL }
};

/* libpurple qq_define.h and LumaQQ (QQ2000 to QQ2009 clients). */
static const value_string qq_cmd_classic_vals[] = {
    { 0x0001, "Logout" },
    { 0x0002, "Keep alive" },
    { 0x0004, "Update info" },
    { 0x0005, "Search user" },
    { 0x0006, "Get buddy info" },
    { 0x0009, "Add buddy without auth" },
    { 0x000a, "Remove buddy" },
    { 0x000b, "Add buddy with auth" },
    { 0x000d, "Change status" },
    { 0x0012, "Ack system message" },
    { 0x0016, "Send IM" },
    { 0x0017, "Receive IM" },
    { 0x001c, "Remove me" },
    { 0x001d, "Request key" },
    { 0x0021, "Cell phone 1" },
    { 0x0022, "Login" },
    { 0x0026, "Get buddies list" },
    { 0x0027, "Get buddies online" },
    { 0x0029, "Cell phone 2" },
    { 0x002d, "Send SMS" },
    { 0x0030, "Room command" },
    { 0x0031, "Test" },
    { 0x003c, "Group data operation" },
    { 0x003d, "Upload group friend" },
    { 0x003e, "Buddy memo" },
    { 0x0058, "Get buddies and rooms" },
    { 0x005c, "Get level" },
    { 0x005e, "Privacy" },
    { 0x005f, "Cluster data" },
    { 0x0061, "Advanced search" },
    { 0x0062, "Request login token" },
    { 0x0065, "User property" },
    { 0x0066, "Temporary session" },
    { 0x0067, "Signature" },
    { 0x0080, "Receive system message" },
    { 0x0081, "Buddy status change" },
    { 0x0091, "Get server" },
    { 0x00a6, "Weather" },
    { 0x00a7, "Add buddy (ex)" },
    { 0x00a8, "Buddy auth (ex)" },
    { 0x00ae, "Auth code" },
    { 0x00b5, "Buddy check code" },
    { 0x00b7, "Buddy question" },
    { 0x00ba, "Request login token (ex)" },
    { 0x00dd, "Check password" },
    { 0x03f7, "Withdraw message" },
    { 0, NULL }
};

/* pidgin-libqq qq_define.h (QQ2010 and later). */
static const value_string qq_cmd_2010_vals[] = {
    { 0x0001, "Get group list" },
    { 0x0002, "Room command" },
    { 0x0004, "Update info" },
    { 0x0005, "Search user" },
    { 0x0009, "Add buddy without auth" },
    { 0x000a, "Remove buddy" },
    { 0x000b, "Add buddy with auth" },
    { 0x000d, "Change status" },
    { 0x0012, "Ack system message" },
    { 0x0017, "Receive IM" },
    { 0x001c, "Remove me" },
    { 0x001d, "Request key" },
    { 0x0021, "Cell phone 1" },
    { 0x0027, "Get buddies online" },
    { 0x0029, "Cell phone 2" },
    { 0x0030, "Login" },
    { 0x003c, "Get buddy info" },
    { 0x003e, "Buddy memo" },
    { 0x0058, "Keep alive" },
    { 0x0062, "Logout" },
    { 0x0067, "Get buddies signature" },
    { 0x0080, "Receive system message" },
    { 0x0081, "Buddy status change" },
    { 0x0091, "Touch server" },
    { 0x00a6, "Weather" },
    { 0x00a7, "Add buddy (ex)" },
    { 0x00a8, "Buddy auth (ex)" },
    { 0x00ae, "Auth token" },
    { 0x00b5, "Buddy check code" },
    { 0x00b7, "Buddy question" },
    { 0x00ba, "Captcha" },
    { 0x00cd, "Send IM" },
    { 0x00ce, "Receive IM" },
    { 0x00d5, "Send typing" },
    { 0x00dd, "Auth (password verify)" },
    { 0x00e3, "Verify E3" },
    { 0x00e5, "Verify E5" },
    { 0x00e9, "Login E9" },
    { 0x00ea, "Login EA" },
    { 0x00eb, "Get list" },
    { 0x00ec, "Login EC" },
    { 0x00ed, "Login ED" },
    { 0x0126, "Get buddies list" },
    { 0, NULL }
};

/* The source document's QQ2010 capture (version 0x1c51). */
static const value_string qq_cmd_source_doc_vals[] = {
    { 0x0058, "Keep alive" },
    { 0x0062, "Logout confirmation" },
    { 0x0091, "Login" },
    { 0x00b9, "Logout" },
    { 0x00cd, "Send text message" },
    { 0x00ce, "Receive text message" },
    { 0, NULL }
};

/* TIM/PC-QQ login era (QQRobot PCTIM). */
static const value_string qq_cmd_tim_vals[] = {
    { 0x00ec, "Login EC" },
    { 0x0319, "Ping" },
    { 0x0825, "Login (touch)" },
    { 0x0828, "Login (session)" },
    { 0x0836, "Login (password)" },
    { 0, NULL }
};

/* ---------------------------------------------------------------------- */
/* State                                                                  */

/* One copy of a request (or server push). Copies with the same command and
 * sequence in a conversation are chained newest first; identical consecutive
 * copies form a resend group named by its first frame. A reply binds to
 * exactly one copy. */
typedef struct qq_txn {
    uint32_t req_frame;
    uint32_t rep_frame;      /* the reply bound to this copy, 0 if none */
    uint32_t first_frame;    /* first copy of its resend group */
    uint32_t crc;
    uint32_t len;
    uint8_t resend;          /* repeats the previous copy byte for byte */
    uint8_t answered;        /* on a group's first copy: some copy was answered */
    nstime_t req_time;
    struct qq_txn *prev;    /* the copy before it with the same command and sequence */
} qq_txn_t;

typedef struct {
    address srv_addr;
    uint32_t srv_port;
    bool srv_known;
    uint32_t uin;
    uint32_t uin_frame;      /* frame that taught the client's QQ number, 0 if none */
    int tls_state;
    uint32_t tcp_qq_from;    /* first frame of a TCP conversation seen as QQ */
    wmem_map_t *txns;       /* (cmd << 16 | seq) -> newest qq_txn_t (first pass) */
} qq_conv_t;

/* What the tap ("qq") receives per packet. */
typedef struct {
    uint16_t version;
    uint16_t cmd;
    uint8_t dir;
    uint8_t variant;
    const char *cmd_name;
} qq_tap_info_t;

/* Per-frame data (file scope): key = number of the QQ packet in the frame
 * (several share a TCP segment), value = its qq_txn_t; QQ_KEY_DUPLICATE | number
 * marks a reply to a copy that had been answered already. Direction and
 * variant are not stored: both follow from conversation state that later
 * passes see as the first pass did. Counter of packets per dissection
 * (pinfo->pool): QQ_KEY_PDU_COUNT. */
#define QQ_KEY_PDU_COUNT 0x10000
#define QQ_KEY_DUPLICATE 0x20000

static qq_conv_t *
qq_get_conv(packet_info *pinfo, conversation_t **conv_out)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    qq_conv_t *qc = (qq_conv_t *)conversation_get_proto_data(conv, proto_qq);

    if (!qc) {
        qc = wmem_new0(wmem_file_scope(), qq_conv_t);
        conversation_add_proto_data(conv, proto_qq, qc);
    }
    if (conv_out)
        *conv_out = conv;
    return qc;
}

/* Fix the server end of a conversation (first pass only). A port table hit
 * names the server port; otherwise the first sender is the client (it is the
 * side that sends its QQ number first). */
static void
qq_learn_server(qq_conv_t *qc, packet_info *pinfo, uint32_t server_port)
{
    if (qc->srv_known || PINFO_FD_VISITED(pinfo) || pinfo->flags.in_error_pkt)
        return;
    if (server_port != 0 && pinfo->srcport == server_port && pinfo->destport != server_port) {
        copy_address_wmem(wmem_file_scope(), &qc->srv_addr, &pinfo->src);
        qc->srv_port = pinfo->srcport;
    } else {
        copy_address_wmem(wmem_file_scope(), &qc->srv_addr, &pinfo->dst);
        qc->srv_port = pinfo->destport;
    }
    qc->srv_known = true;
}

static uint8_t
qq_direction(const qq_conv_t *qc, packet_info *pinfo)
{
    if (qc->srv_known && pinfo->srcport == qc->srv_port && addresses_equal(&pinfo->src, &qc->srv_addr)
            && !(pinfo->destport == qc->srv_port && addresses_equal(&pinfo->dst, &qc->srv_addr)))
        return QQ_DIR_S2C;
    return QQ_DIR_C2S;
}

static int
qq_era(uint16_t version)
{
    if (version == QQ_VERSION_SOURCE_DOC)
        return QQ_ERA_SOURCE_DOC;
    if (version == 0x0100 || version == 0x04d1 || version < 0x1c00)
        return QQ_ERA_CLASSIC;
    if (version >= 0x3600)
        return QQ_ERA_TIM;
    return QQ_ERA_2010;
}

static const char *
qq_cmd_name(int era, uint16_t cmd)
{
    const char *name = NULL;

    switch (era) {
    case QQ_ERA_CLASSIC:
        return try_val_to_str(cmd, qq_cmd_classic_vals);
    case QQ_ERA_SOURCE_DOC:
        name = try_val_to_str(cmd, qq_cmd_source_doc_vals);
        break;
    case QQ_ERA_TIM:
        name = try_val_to_str(cmd, qq_cmd_tim_vals);
        break;
    default:
        break;
    }
    return name ? name : try_val_to_str(cmd, qq_cmd_2010_vals);
}

/* Commands whose body starts with a 16-byte clear-text key (requests only). */
static bool
qq_has_login_key(int era, uint16_t cmd)
{
    switch (cmd) {
    case 0x0091:
    case 0x00ba:
    case 0x00dd:
        return era != QQ_ERA_TIM;
    case 0x0062:
    case 0x0022:
        return era == QQ_ERA_CLASSIC;
    case 0x0825:
    case 0x0836:
        return era == QQ_ERA_TIM;
    default:
        return false;
    }
}

/* Server pushes: the server starts the exchange, the client acks. */
static bool
qq_is_push(int era, uint16_t cmd)
{
    switch (cmd) {
    case 0x0017:
    case 0x0080:
    case 0x0081:
        return true;
    case 0x00ce:
        return era != QQ_ERA_CLASSIC;
    default:
        return false;
    }
}

/* Packets nobody answers: buddy status pushes, and the one-way 0x0001
 * packets of 2018+ clients (PROTOCOLS.md 2.2, seen in 2023 captures). */
static bool
qq_expects_answer(int era, uint16_t cmd)
{
    return cmd != 0x0081 && !(cmd == 0x0001 && era == QQ_ERA_TIM);
}

/* The 9 fixed bytes after the QQ number in QQ2010+ requests. */
static const uint8_t qq_2010_fixed[9] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00 };

static bool
qq_bytes_equal(tvbuff_t *tvb, int offset, const uint8_t *bytes, int len)
{
    int i;

    for (i = 0; i < len; i++) {
        if (tvb_get_uint8(tvb, offset + i) != bytes[i])
            return false;
    }
    return true;
}

/* Choose the header variant of a basic-family packet from its direction and
 * its bytes. Returns 0 when the packet is shorter than any fitting header. */
static int
qq_choose_variant(tvbuff_t *tvb, packet_info *pinfo, uint8_t dir, const qq_conv_t *qc)
{
    int len = tvb_reported_length(tvb);
    int caplen = tvb_captured_length(tvb);
    uint16_t version;

    if (caplen < 3)
        return 0;
    version = tvb_get_ntohs(tvb, 1);

    if (dir == QQ_DIR_C2S) {
        if (len < QQ_HDR_CLASSIC_REQ + 1)
            return 0;
        if (caplen >= QQ_HDR_2010_REQ + 1 && qq_bytes_equal(tvb, QQ_HDR_CLASSIC_REQ, qq_2010_fixed, 9))
            return QQ_VAR_2010_REQ;
        if (caplen >= QQ_HDR_TIM_REQ + 1 && tvb_get_ntoh24(tvb, QQ_HDR_CLASSIC_REQ) == 0x030000
                && (version == QQ_VERSION_TIM || tvb_get_ntohl(tvb, QQ_HDR_TIM_REQ - 4) == 0))
            return QQ_VAR_TIM_REQ;
        return version == QQ_VERSION_SOURCE_DOC ? QQ_VAR_SOURCE_DOC : QQ_VAR_CLASSIC_REQ;
    }

    /* Server to client. */
    if (len < QQ_HDR_CLASSIC_REP + 1)
        return 0;
    if (version == QQ_VERSION_SOURCE_DOC && len >= QQ_HDR_CLASSIC_REQ + 1)
        return QQ_VAR_SOURCE_DOC;
    if (caplen >= QQ_HDR_CLASSIC_REQ + 1 && qc->uin_frame && qc->uin_frame < pinfo->num
            && tvb_get_ntohl(tvb, 7) == qc->uin) {
        if (caplen >= QQ_HDR_2010_REP + 1 && tvb_get_ntoh24(tvb, QQ_HDR_CLASSIC_REQ) == 0)
            return QQ_VAR_2010_REP;
        return QQ_VAR_SOURCE_DOC;
    }
    if (qq_era(version) != QQ_ERA_CLASSIC && caplen >= QQ_HDR_2010_REP + 1
            && tvb_get_ntoh24(tvb, QQ_HDR_CLASSIC_REQ) == 0)
        return QQ_VAR_2010_REP;
    return QQ_VAR_CLASSIC_REP;
}

static int
qq_header_len(int variant)
{
    switch (variant) {
    case QQ_VAR_CLASSIC_REP:  return QQ_HDR_CLASSIC_REP;
    case QQ_VAR_2010_REQ:     return QQ_HDR_2010_REQ;
    case QQ_VAR_2010_REP:     return QQ_HDR_2010_REP;
    case QQ_VAR_TIM_REQ:      return QQ_HDR_TIM_REQ;
    default:                  return QQ_HDR_CLASSIC_REQ;
    }
}

/* The number of the next QQ packet of this frame's dissection: the key of
 * its frame data (several packets can share a TCP segment). */
static unsigned
qq_next_pdu_index(packet_info *pinfo)
{
    unsigned idx = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_qq, QQ_KEY_PDU_COUNT));

    p_set_proto_data(pinfo->pool, pinfo, proto_qq, QQ_KEY_PDU_COUNT, GUINT_TO_POINTER(idx + 1));
    return idx;
}

static gpointer
qq_txn_key(uint16_t cmd, uint16_t seq)
{
    return GUINT_TO_POINTER(((uint32_t)cmd << 16) | seq);
}

/* First pass: record a request (or push) copy, detect identical resends. */
static qq_txn_t *
qq_track_request(qq_conv_t *qc, packet_info *pinfo, tvbuff_t *tvb, uint16_t cmd, uint16_t seq)
{
    gpointer key = qq_txn_key(cmd, seq);
    qq_txn_t *txn = wmem_new0(wmem_file_scope(), qq_txn_t);
    qq_txn_t *prev;

    /* Made on first use: TLS conversations on 443 never need one. */
    if (!qc->txns)
        qc->txns = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    prev = (qq_txn_t *)wmem_map_lookup(qc->txns, key);
    txn->prev = prev;
    txn->req_frame = pinfo->num;
    txn->req_time = pinfo->abs_ts;
    txn->len = tvb_captured_length(tvb);
    txn->crc = crc32_ccitt_tvb(tvb, txn->len);
    txn->first_frame = pinfo->num;
    /* A resend repeats the previous copy byte for byte (over TCP it can
     * share the segment of the copy it repeats). */
    if (prev && prev->crc == txn->crc && prev->len == txn->len) {
        txn->resend = true;
        txn->first_frame = prev->first_frame;
    }
    wmem_map_insert(qc->txns, key, txn);
    return txn;
}

/* First pass: bind a reply to the earliest unanswered copy of the latest
 * resend group (so three logouts answered three times pair up in order).
 * Returns the copy, or NULL; *duplicate when every copy had its reply. */
static qq_txn_t *
qq_track_reply(qq_conv_t *qc, packet_info *pinfo, uint16_t cmd, uint16_t seq, bool *duplicate)
{
    qq_txn_t *latest = qc->txns ? (qq_txn_t *)wmem_map_lookup(qc->txns, qq_txn_key(cmd, seq)) : NULL;
    qq_txn_t *cur, *pick = NULL, *first = NULL;
    int steps = 0;

    if (!latest)
        return NULL;
    for (cur = latest; cur && steps++ < 64; cur = cur->prev) {
        if (!cur->rep_frame)
            pick = cur;
        if (!cur->resend) {
            first = cur;
            break;
        }
    }
    if (!pick) {
        *duplicate = true;
        return latest;
    }
    pick->rep_frame = pinfo->num;
    if (first)
        first->answered = true;
    return pick;
}

static void
qq_add_links(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const qq_txn_t *txn, bool is_request,
        uint32_t retrans_of, bool duplicate, int era, uint16_t cmd)
{
    proto_item *it;

    if (retrans_of) {
        it = proto_tree_add_boolean(tree, hf_qq_retransmission, tvb, 0, 0, true);
        proto_item_set_generated(it);
        expert_add_info_format(pinfo, it, &ei_qq_retransmission,
                "Identical resend of the packet in frame %u", retrans_of);
        it = proto_tree_add_uint(tree, hf_qq_retransmission_of, tvb, 0, 0, retrans_of);
        proto_item_set_generated(it);
    }
    if (is_request) {
        if (txn->rep_frame) {
            it = proto_tree_add_uint(tree, hf_qq_response_in, tvb, 0, 0, txn->rep_frame);
            proto_item_set_generated(it);
        } else if (!retrans_of && !txn->answered && qq_expects_answer(era, cmd)) {
            it = proto_tree_add_item(tree, proto_qq, tvb, 0, 0, ENC_NA);
            proto_item_set_hidden(it);
            expert_add_info(pinfo, it, &ei_qq_no_response);
        }
    } else {
        nstime_t delta;

        it = proto_tree_add_uint(tree, hf_qq_response_to, tvb, 0, 0, txn->req_frame);
        proto_item_set_generated(it);
        nstime_delta(&delta, &pinfo->abs_ts, &txn->req_time);
        it = proto_tree_add_time(tree, hf_qq_time, tvb, 0, 0, &delta);
        proto_item_set_generated(it);
        if (duplicate)
            expert_add_info(pinfo, it, &ei_qq_duplicate_response);
    }
}

/* ---------------------------------------------------------------------- */
/* One packet                                                             */

static void
qq_dissect_header_ext(tvbuff_t *tvb, proto_tree *tree, int variant)
{
    proto_item *ti;
    proto_tree *ext;

    switch (variant) {
    case QQ_VAR_2010_REQ:
        ti = proto_tree_add_item(tree, hf_qq_header_ext, tvb, QQ_HDR_CLASSIC_REQ, 11, ENC_NA);
        ext = proto_item_add_subtree(ti, ett_qq_header_ext);
        proto_tree_add_item(ext, hf_qq_ext_fixed, tvb, QQ_HDR_CLASSIC_REQ, 9, ENC_NA);
        proto_tree_add_item(ext, hf_qq_ext_build, tvb, QQ_HDR_CLASSIC_REQ + 9, 2, ENC_BIG_ENDIAN);
        break;
    case QQ_VAR_2010_REP:
        ti = proto_tree_add_item(tree, hf_qq_header_ext, tvb, QQ_HDR_CLASSIC_REQ, 3, ENC_NA);
        ext = proto_item_add_subtree(ti, ett_qq_header_ext);
        proto_tree_add_item(ext, hf_qq_ext_fill, tvb, QQ_HDR_CLASSIC_REQ, 3, ENC_NA);
        break;
    case QQ_VAR_TIM_REQ:
        ti = proto_tree_add_item(tree, hf_qq_header_ext, tvb, QQ_HDR_CLASSIC_REQ, 15, ENC_NA);
        ext = proto_item_add_subtree(ti, ett_qq_header_ext);
        proto_tree_add_item(ext, hf_qq_ext_tim_marker, tvb, QQ_HDR_CLASSIC_REQ, 3, ENC_NA);
        proto_tree_add_item(ext, hf_qq_ext_client_type, tvb, QQ_HDR_CLASSIC_REQ + 3, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(ext, hf_qq_ext_pub_no, tvb, QQ_HDR_CLASSIC_REQ + 7, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(ext, hf_qq_ext_reserved, tvb, QQ_HDR_CLASSIC_REQ + 11, 4, ENC_NA);
        break;
    default:
        break;
    }
}

static void
qq_add_tail(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int tail_off)
{
    uint32_t tail;
    proto_item *ti = proto_tree_add_item_ret_uint(tree, hf_qq_tail, tvb, tail_off, 1, ENC_NA, &tail);

    if (tail != QQ_TAIL)
        expert_add_info_format(pinfo, ti, &ei_qq_bad_tail, "Last byte is 0x%02x instead of the 0x03 tail", tail);
}

/* Other families (first byte 0x00, 0x03, 0x04, 0x05): labelled only. */
static int
qq_dissect_family(tvbuff_t *tvb, packet_info *pinfo, proto_item *ti, uint8_t flag)
{
    int len = tvb_reported_length(tvb);
    int variant;
    proto_item *it;
    proto_tree *qq_tree;
    const char *label;
    qq_tap_info_t *tap;

    switch (flag) {
    case 0x00: variant = QQ_VAR_FAMILY_P2P; break;
    case 0x03: variant = QQ_VAR_FAMILY_CUSTOM_HEAD; break;
    case 0x04: variant = QQ_VAR_FAMILY_FILE; break;
    default:   variant = QQ_VAR_FAMILY_EMOTICON; break;
    }
    label = val_to_str_const(variant, qq_variant_vals, "Unknown");
    proto_item_append_text(ti, ", %s", label);
    qq_tree = proto_item_add_subtree(ti, ett_qq);
    proto_tree_add_item(qq_tree, hf_qq_flag, tvb, 0, 1, ENC_NA);
    it = proto_tree_add_uint(qq_tree, hf_qq_variant, tvb, 0, 0, variant);
    proto_item_set_generated(it);
    if (len > 2)
        proto_tree_add_item(qq_tree, hf_qq_body, tvb, 1, len - 2, ENC_NA);
    qq_add_tail(tvb, pinfo, qq_tree, len - 1);
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "%s packet (0x%02x), %d bytes", label, flag, len);
    tap = wmem_new0(pinfo->pool, qq_tap_info_t);
    tap->variant = (uint8_t)variant;
    tap_queue_packet(qq_tap, pinfo, tap);
    return len;
}

/* The Info text of one packet, built without printf: it is made for every
 * QQ packet of a capture, and a formatted append cost more than the rest of
 * the header's dissection. Text that does not fit is cut. */
typedef struct {
    char buf[160];
    size_t len;
} qq_info_t;

static void
qq_info_add(qq_info_t *info, const char *str)
{
    info->len += g_strlcpy(info->buf + info->len, str, sizeof info->buf - info->len);
    if (info->len >= sizeof info->buf)
        info->len = sizeof info->buf - 1;
}

static void
qq_info_hex(qq_info_t *info, uint16_t value)
{
    char hex[5];

    *word_to_hex(hex, value) = '\0';
    qq_info_add(info, hex);
}

static void
qq_info_uint(qq_info_t *info, uint32_t value)
{
    char num[11];

    uint32_to_str_buf(value, num, sizeof num);
    qq_info_add(info, num);
}

/* Hand the body to the decryption module (packet-qq-decrypt.c) with what
 * the header says. */
static void
qq_decrypt_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *qq_tree, proto_item *ti, const qq_conv_t *qc,
        int era, uint8_t dir, uint16_t cmd, uint32_t uin, int hdr_len, uint32_t request_frame)
{
    qq_decrypt_packet_info_t dinfo;

    dinfo.generation = era == QQ_ERA_CLASSIC ? QQ_GEN_CLASSIC : (era == QQ_ERA_TIM ? QQ_GEN_PCQQ : QQ_GEN_2010);
    dinfo.cmd = cmd;
    dinfo.from_server = dir == QQ_DIR_S2C;
    /* Classic replies carry no QQ number: the conversation's client's. */
    dinfo.uin = uin ? uin : (qc->uin_frame && qc->uin_frame <= pinfo->num ? qc->uin : 0);
    dinfo.body_start = hdr_len;
    dinfo.body_end = (int)tvb_reported_length(tvb) - 1;
    dinfo.request_frame = request_frame;
    dinfo.conversation = qc;
    qq_decrypt_packet(tvb, pinfo, qq_tree, ti, &dinfo);
}

/* Dissect one QQ packet (flag .. tail) in its own tvb, under `ti` when the
 * caller already made the protocol item (TCP, whose item also covers the
 * length), else under a new one. */
static int
qq_dissect_packet(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qq_conv_t *qc, uint32_t server_port,
        proto_item *ti)
{
    int len = tvb_reported_length(tvb);
    uint8_t flag = tvb_get_uint8(tvb, 0);
    qq_txn_t *txn = NULL;
    bool push, is_request, duplicate = false;
    unsigned idx;
    uint32_t retrans_of = 0;
    qq_info_t info;
    uint8_t dir;
    int variant, hdr_len, era, body_off, body_len;
    uint32_t version, cmd, seq, uin = 0;
    bool has_uin;
    const char *cmd_name, *ver_name;
    proto_item *it, *cmd_it, *ver_it;
    proto_tree *qq_tree;
    qq_tap_info_t *tap;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "QQ");
    if (!ti)
        ti = proto_tree_add_item(tree, proto_qq, tvb, 0, -1, ENC_NA);
    if (flag != QQ_FLAG_BASIC)
        return qq_dissect_family(tvb, pinfo, ti, flag);

    qq_learn_server(qc, pinfo, server_port);
    dir = qq_direction(qc, pinfo);
    variant = qq_choose_variant(tvb, pinfo, dir, qc);

    qq_tree = proto_item_add_subtree(ti, ett_qq);
    proto_tree_add_item(qq_tree, hf_qq_flag, tvb, 0, 1, ENC_NA);

    if (variant == 0) {
        /* Shorter than any header for this direction (TCP or Decode As). */
        it = proto_tree_add_uint(qq_tree, hf_qq_direction, tvb, 0, 0, dir);
        proto_item_set_generated(it);
        expert_add_info_format(pinfo, ti, &ei_qq_truncated,
                "Packet of %d bytes is shorter than a QQ header", len);
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "Truncated QQ packet");
        return len;
    }
    hdr_len = qq_header_len(variant);
    has_uin = variant != QQ_VAR_CLASSIC_REP;

    ver_it = proto_tree_add_item_ret_uint(qq_tree, hf_qq_version, tvb, 1, 2, ENC_BIG_ENDIAN, &version);
    cmd_it = proto_tree_add_item_ret_uint(qq_tree, hf_qq_cmd, tvb, 3, 2, ENC_BIG_ENDIAN, &cmd);
    era = qq_era((uint16_t)version);
    ver_name = try_val_to_str(version, qq_version_vals);
    cmd_name = qq_cmd_name(era, (uint16_t)cmd);
    if (cmd_name) {
        proto_item_append_text(cmd_it, " (%s)", cmd_name);
        it = proto_tree_add_string(qq_tree, hf_qq_cmd_name, tvb, 3, 2, cmd_name);
        proto_item_set_generated(it);
    } else {
        expert_add_info_format(pinfo, cmd_it, &ei_qq_unknown_command,
                "Command 0x%04x is not known for %s clients", cmd,
                val_to_str_const(era, qq_era_vals, "these"));
    }
    if (!ver_name)
        expert_add_info_format(pinfo, ver_it, &ei_qq_unknown_version,
                "Unknown client version 0x%04x: command names of the %s era assumed from its range",
                version, val_to_str_const(era, qq_era_vals, "?"));
    proto_tree_add_item_ret_uint(qq_tree, hf_qq_seq, tvb, 5, 2, ENC_BIG_ENDIAN, &seq);
    if (has_uin)
        proto_tree_add_item_ret_uint(qq_tree, hf_qq_uin, tvb, 7, 4, ENC_BIG_ENDIAN, &uin);
    qq_dissect_header_ext(tvb, qq_tree, variant);

    it = proto_tree_add_uint(qq_tree, hf_qq_variant, tvb, 0, 0, variant);
    proto_item_set_generated(it);
    it = proto_tree_add_uint(qq_tree, hf_qq_era, tvb, 1, 2, era);
    proto_item_set_generated(it);
    if (!ver_name)
        proto_item_append_text(it, " (assumed: version 0x%04x is not in the table)", version);
    it = proto_tree_add_uint(qq_tree, hf_qq_direction, tvb, 0, 0, dir);
    proto_item_set_generated(it);

    body_off = hdr_len;
    body_len = len - hdr_len - 1;
    if (dir == QQ_DIR_C2S && qq_has_login_key(era, (uint16_t)cmd) && body_len >= QQ_LOGIN_KEY_LEN) {
        proto_tree_add_item(qq_tree, hf_qq_login_key, tvb, body_off, QQ_LOGIN_KEY_LEN, ENC_NA);
        body_off += QQ_LOGIN_KEY_LEN;
        body_len -= QQ_LOGIN_KEY_LEN;
    }
    if (body_len > 0)
        proto_tree_add_item(qq_tree, hf_qq_body, tvb, body_off, body_len, ENC_NA);
    qq_add_tail(tvb, pinfo, qq_tree, len - 1);

    /* Requests, replies, pushes and acks. A packet quoted inside an ICMP
     * error is shown, not tracked. */
    push = qq_is_push(era, (uint16_t)cmd);
    is_request = (dir == QQ_DIR_C2S) != push;
    if (!pinfo->flags.in_error_pkt) {
        idx = qq_next_pdu_index(pinfo);
        if (PINFO_FD_VISITED(pinfo)) {
            txn = (qq_txn_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_qq, idx);
            duplicate = txn && !is_request
                && p_get_proto_data(wmem_file_scope(), pinfo, proto_qq, QQ_KEY_DUPLICATE | idx);
        } else {
            if (dir == QQ_DIR_C2S && has_uin && !qc->uin_frame) {
                qc->uin = uin;
                qc->uin_frame = pinfo->num;
            }
            if (is_request)
                txn = qq_track_request(qc, pinfo, tvb, (uint16_t)cmd, (uint16_t)seq);
            else
                txn = qq_track_reply(qc, pinfo, (uint16_t)cmd, (uint16_t)seq, &duplicate);
            if (txn)
                p_add_proto_data(wmem_file_scope(), pinfo, proto_qq, idx, txn);
            if (duplicate)
                p_add_proto_data(wmem_file_scope(), pinfo, proto_qq, QQ_KEY_DUPLICATE | idx, GINT_TO_POINTER(1));
        }
        if (txn) {
            if (is_request && txn->resend)
                retrans_of = txn->first_frame;
            qq_add_links(qq_tree, pinfo, tvb, txn, is_request, retrans_of, duplicate, era, (uint16_t)cmd);
        }
    }

    proto_item_append_text(ti, ", %s, %s (0x%04x), seq 0x%04x",
            val_to_str_const(variant, qq_variant_vals, "Unknown"),
            cmd_name ? cmd_name : "Unknown", cmd, seq);

    /* Info, e.g. "QQ2010 Login (0x0091) seq=0x0314 QQ=550313996 C→S" */
    info.len = 0;
    qq_info_add(&info, val_to_str_const(era, ver_name ? qq_era_vals : qq_era_assumed_vals, "QQ"));
    qq_info_add(&info, " ");
    qq_info_add(&info, cmd_name ? cmd_name : "Unknown command");
    qq_info_add(&info, " (0x");
    qq_info_hex(&info, (uint16_t)cmd);
    qq_info_add(&info, ") seq=0x");
    qq_info_hex(&info, (uint16_t)seq);
    if (has_uin) {
        qq_info_add(&info, " QQ=");
        qq_info_uint(&info, uin);
    }
    qq_info_add(&info, dir == QQ_DIR_C2S ? " C" UTF8_RIGHTWARDS_ARROW "S" : " S" UTF8_RIGHTWARDS_ARROW "C");
    /* Server pushes are started by the server and acked by the client. */
    if (push)
        qq_info_add(&info, dir == QQ_DIR_C2S ? " ack" : " push");
    if (variant != QQ_VAR_SOURCE_DOC) {
        qq_info_add(&info, " [");
        qq_info_add(&info, val_to_str_const(variant, qq_variant_short_vals, "?"));
        qq_info_add(&info, "]");
    }
    if (retrans_of) {
        qq_info_add(&info, " [resend of #");
        qq_info_uint(&info, retrans_of);
        qq_info_add(&info, "]");
    }
    col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info.buf);

    qq_decrypt_body(tvb, pinfo, qq_tree, ti, qc, era, dir, (uint16_t)cmd, has_uin ? uin : 0, hdr_len,
            (!is_request && txn) ? txn->req_frame : 0);

    tap = wmem_new(pinfo->pool, qq_tap_info_t);
    tap->version = (uint16_t)version;
    tap->cmd = (uint16_t)cmd;
    tap->dir = dir;
    tap->variant = (uint8_t)variant;
    tap->cmd_name = cmd_name;
    tap_queue_packet(qq_tap, pinfo, tap);
    return len;
}

/* Is this a whole datagram the port-based UDP dissector should claim? */
static bool
qq_udp_acceptable(tvbuff_t *tvb, packet_info *pinfo, uint32_t server_port)
{
    int len = tvb_captured_length(tvb);
    uint8_t flag;
    bool from_server;

    if (len < 1)
        return false;
    flag = tvb_get_uint8(tvb, 0);
    from_server = server_port != 0 && pinfo->srcport == server_port;
    switch (flag) {
    case QQ_FLAG_BASIC:
        return len >= (from_server ? QQ_HDR_CLASSIC_REP : QQ_HDR_CLASSIC_REQ) + 1;
    case 0x00:
    case 0x03:
    case 0x04:
        return len >= QQ_HDR_CLASSIC_REQ + 1 && tvb_get_uint8(tvb, len - 1) == QQ_TAIL;
    case 0x05:
        return len >= 13 + 1 && tvb_get_uint8(tvb, len - 1) == QQ_TAIL;
    default:
        return false;
    }
}

/* "qq": one packet per datagram (UDP, or a raw packet via Decode As). */
static int
dissect_qq(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    qq_conv_t *qc;
    uint32_t server_port = pinfo->match_uint;

    if (pinfo->srcport != server_port && pinfo->destport != server_port)
        server_port = 0;
    if (!qq_udp_acceptable(tvb, pinfo, server_port))
        return 0;
    col_clear(pinfo->cinfo, COL_INFO);
    qc = qq_get_conv(pinfo, NULL);
    return qq_dissect_packet(tvb, pinfo, tree, qc, server_port, NULL);
}

/* ---------------------------------------------------------------------- */
/* TCP                                                                    */

/* Could a QQ packet start at `off`: a length in bounds, the 0x02 flag and,
 * when the whole packet is present, the 0x03 tail? Never throws. */
static bool
qq_tcp_plausible_start(tvbuff_t *tvb, int off, int avail)
{
    unsigned len;

    if (avail - off < QQ_TCP_LEN_LEN + 1)
        return false;
    len = tvb_get_ntohs(tvb, off);
    if (len < QQ_TCP_MIN_PDU || len > QQ_TCP_MAX_PDU || tvb_get_uint8(tvb, off + QQ_TCP_LEN_LEN) != QQ_FLAG_BASIC)
        return false;
    return (int)len > avail - off || tvb_get_uint8(tvb, off + len - 1) == QQ_TAIL;
}

/* Bytes to skip after data that does not start a QQ packet: the source's
 * readers resync after the next 0x03, so the skip ends after a 0x03 that a
 * plausible packet follows, else at the end of the data. At least two bytes
 * (tcp_dissect_pdus needs the fixed length); one scan of the segment. */
static unsigned
qq_tcp_resync_len(tvbuff_t *tvb, int offset)
{
    int avail = tvb_captured_length(tvb);
    int off;

    for (off = offset + QQ_TCP_LEN_LEN; off < avail; off++) {
        if (tvb_get_uint8(tvb, off - 1) == QQ_TAIL && qq_tcp_plausible_start(tvb, off, avail))
            return (unsigned)(off - offset);
    }
    return (unsigned)tvb_reported_length_remaining(tvb, offset);
}

static unsigned
get_qq_tcp_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    int remaining = tvb_captured_length_remaining(tvb, offset);
    unsigned len;

    if (remaining < QQ_TCP_LEN_LEN)
        return 0;
    len = tvb_get_ntohs(tvb, offset);
    /* A bad length, or a good one not followed by the 0x02 flag: skip. */
    if (len < QQ_TCP_MIN_PDU || len > QQ_TCP_MAX_PDU
            || (remaining > QQ_TCP_LEN_LEN && tvb_get_uint8(tvb, offset + QQ_TCP_LEN_LEN) != QQ_FLAG_BASIC))
        return qq_tcp_resync_len(tvb, offset);
    return len;
}

static int
dissect_qq_tcp_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    qq_conv_t *qc = (qq_conv_t *)data;
    int avail = tvb_reported_length(tvb);
    uint32_t len;
    proto_item *len_it;
    proto_item *ti;
    proto_tree *qq_tree;
    uint32_t server_port = qc->srv_known ? qc->srv_port : 0;
    bool no_flag;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "QQ");
    len = tvb_get_ntohs(tvb, 0);
    if (len < QQ_TCP_MIN_PDU || len > QQ_TCP_MAX_PDU || (int)len != avail
            || tvb_get_uint8(tvb, QQ_TCP_LEN_LEN) != QQ_FLAG_BASIC) {
        /* Bytes skipped up to the next packet start (get_qq_tcp_pdu_len). */
        ti = proto_tree_add_item(tree, proto_qq, tvb, 0, -1, ENC_NA);
        qq_tree = proto_item_add_subtree(ti, ett_qq);
        len_it = proto_tree_add_item(qq_tree, hf_qq_length, tvb, 0, 2, ENC_BIG_ENDIAN);
        no_flag = len >= QQ_TCP_MIN_PDU && len <= QQ_TCP_MAX_PDU && avail > QQ_TCP_LEN_LEN
            && tvb_get_uint8(tvb, QQ_TCP_LEN_LEN) != QQ_FLAG_BASIC;
        if (no_flag)
            expert_add_info_format(pinfo, len_it, &ei_qq_bad_length,
                    "Length %u is followed by 0x%02x instead of the 0x02 flag of a QQ packet",
                    len, tvb_get_uint8(tvb, QQ_TCP_LEN_LEN));
        else
            expert_add_info_format(pinfo, len_it, &ei_qq_bad_length,
                    "Length %u is out of bounds (%u..%u) or does not match the %d bytes present",
                    len, QQ_TCP_MIN_PDU, QQ_TCP_MAX_PDU, avail);
        if (avail > QQ_TCP_LEN_LEN)
            proto_tree_add_item(qq_tree, hf_qq_skipped, tvb, QQ_TCP_LEN_LEN, -1, ENC_NA);
        proto_item_append_text(ti, ", %d bytes skipped to the next packet start", avail);
        if (no_flag)
            col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "No QQ packet start, %d bytes skipped", avail);
        else
            col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "QQ packet with bad length");
        return avail;
    }
    /* One protocol item over length and packet; the length comes first. */
    ti = proto_tree_add_item(tree, proto_qq, tvb, 0, -1, ENC_NA);
    qq_tree = proto_item_add_subtree(ti, ett_qq);
    proto_tree_add_item(qq_tree, hf_qq_length, tvb, 0, 2, ENC_BIG_ENDIAN);
    qq_dissect_packet(tvb_new_subset_length(tvb, QQ_TCP_LEN_LEN, len - QQ_TCP_LEN_LEN), pinfo, tree, qc,
            server_port, ti);
    return avail;
}

static int
qq_tcp_common(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qq_conv_t *qc)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "QQ");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, qq_desegment, QQ_TCP_LEN_LEN, get_qq_tcp_pdu_len,
            dissect_qq_tcp_pdu, qc);
    return tvb_captured_length(tvb);
}

/* "qq_tcp": 2-byte length prefixed packets (TCP 8000, Decode As). */
static int
dissect_qq_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    qq_conv_t *qc = qq_get_conv(pinfo, NULL);
    uint32_t server_port = pinfo->match_uint;

    /* TCP 8000 also carries HTTP and more: a conversation is QQ from the
     * first segment that starts like a QQ packet on; earlier segments are
     * left to other dissectors (the same frames in every pass). */
    if (!qc->tcp_qq_from) {
        if (PINFO_FD_VISITED(pinfo)
                || !qq_tcp_plausible_start(tvb, 0, (int)tvb_captured_length(tvb)))
            return 0;
        if (!pinfo->flags.in_error_pkt)
            qc->tcp_qq_from = pinfo->num;
    } else if (pinfo->num < qc->tcp_qq_from) {
        return 0;
    }
    if (pinfo->srcport != server_port && pinfo->destport != server_port)
        server_port = 0;
    qq_learn_server(qc, pinfo, server_port);
    return qq_tcp_common(tvb, pinfo, tree, qc);
}

/* Does a TCP payload start with QQ framing? Never throws. When `whole` is
 * set every packet must be complete and end exactly at the end of the data. */
static bool
qq_tcp_framing_ok(tvbuff_t *tvb, bool whole)
{
    int avail = tvb_captured_length(tvb);
    int off = 0, n = 0;

    while (off < avail && n < 16) {
        unsigned len;

        if (avail - off < QQ_TCP_LEN_LEN + 1)
            return false;
        len = tvb_get_ntohs(tvb, off);
        if (len < QQ_TCP_MIN_PDU || len > QQ_TCP_MAX_PDU || tvb_get_uint8(tvb, off + 2) != QQ_FLAG_BASIC)
            return false;
        if ((int)len > avail - off) {
            /* Incomplete last packet: allowed after a complete one, or as
             * the first when its version is plausible (a large packet
             * over several segments). */
            return !whole && (n > 0 || (avail - off >= QQ_TCP_LEN_LEN + 5
                    && tvb_get_ntohs(tvb, off + QQ_TCP_LEN_LEN + 1) >= 0x0100));
        }
        if (tvb_get_uint8(tvb, off + len - 1) != QQ_TAIL)
            return false;
        off += len;
        n++;
    }
    return n > 0 && off == avail;
}

/* The tcp.port 443 handle: QQ framing per conversation, else TLS. */
static int
dissect_qq_tls_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    qq_conv_t *qc = conv ? (qq_conv_t *)conversation_get_proto_data(conv, proto_qq) : NULL;
    int state = qc ? qc->tls_state : QQ_TLS_UNDECIDED;

    if (state == QQ_TLS_UNDECIDED && !PINFO_FD_VISITED(pinfo)) {
        state = QQ_TLS_NOT_QQ;
        if (qq_over_tls_port && proto_is_protocol_enabled(find_protocol_by_id(proto_qq))) {
            uint8_t b0 = tvb_captured_length(tvb) > 0 ? tvb_get_uint8(tvb, 0) : 0;
            /* A TLS record header (type 0x14..0x18, major version 3) is never QQ. */
            bool tls_like = b0 >= 0x14 && b0 <= 0x18 && tvb_captured_length(tvb) > 1
                && tvb_get_uint8(tvb, 1) == 0x03;
            if (!tls_like && qq_tcp_framing_ok(tvb, false))
                state = QQ_TLS_IS_QQ;
        }
        qc = qq_get_conv(pinfo, NULL);
        qc->tls_state = state;
    }
    if (state == QQ_TLS_IS_QQ) {
        qq_learn_server(qc, pinfo, QQ_TLS_PORT);
        return call_dissector_only(qq_tcp_inner_handle, tvb, pinfo, tree, qc);
    }
    if (!tls_handle)
        return 0;
    /* Every dissector level lowers can_desegment; give TLS what TCP gave us. */
    pinfo->can_desegment = pinfo->saved_can_desegment;
    /* call_dissector_only: when TLS refuses the data (MSNP text on 443, say),
     * return 0 so that TCP offers it to the heuristics. */
    return call_dissector_only(tls_handle, tvb, pinfo, tree, data);
}

/* The inner handle the 443 wrapper hands QQ streams to. */
static int
dissect_qq_tcp_from_wrapper(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    pinfo->can_desegment = pinfo->saved_can_desegment;
    return qq_tcp_common(tvb, pinfo, tree, (qq_conv_t *)data);
}

/* ---------------------------------------------------------------------- */
/* Heuristics                                                             */

static ws_bool
dissect_qq_heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    int len = tvb_captured_length(tvb);
    uint16_t version;
    conversation_t *conv;
    qq_conv_t *qc;

    if (len < QQ_HDR_CLASSIC_REQ + 1 || len != (int)tvb_reported_length(tvb))
        return false;
    if (tvb_get_uint8(tvb, 0) != QQ_FLAG_BASIC || tvb_get_uint8(tvb, len - 1) != QQ_TAIL)
        return false;
    version = tvb_get_ntohs(tvb, 1);
    if (version < 0x0100 || version == 0xffff || tvb_get_ntohs(tvb, 3) == 0)
        return false;
    /* On an arbitrary port, 0x02 ... 0x03 alone is one datagram in 65536 of
     * random data, and a claim binds the whole conversation: also ask for a
     * known client version or a command known in that version's era. */
    if (!try_val_to_str(version, qq_version_vals) &&
        !qq_cmd_name(qq_era(version), tvb_get_ntohs(tvb, 3)))
        return false;
    qc = qq_get_conv(pinfo, &conv);
    if (!pinfo->flags.in_error_pkt)
        conversation_set_dissector(conv, qq_handle);
    col_clear(pinfo->cinfo, COL_INFO);
    qq_dissect_packet(tvb, pinfo, tree, qc, 0, NULL);
    return true;
}

static ws_bool
dissect_qq_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    conversation_t *conv;
    qq_conv_t *qc;
    uint16_t version;

    if (!qq_tcp_framing_ok(tvb, true))
        return false;
    /* Same version and command checks as on UDP (the first packet is whole,
     * so at least QQ_TCP_MIN_PDU bytes are there). */
    version = tvb_get_ntohs(tvb, QQ_TCP_LEN_LEN + 1);
    if (version < 0x0100 || version == 0xffff || tvb_get_ntohs(tvb, QQ_TCP_LEN_LEN + 3) == 0)
        return false;
    qc = qq_get_conv(pinfo, &conv);
    qq_learn_server(qc, pinfo, 0);
    if (!pinfo->flags.in_error_pkt) {
        if (!qc->tcp_qq_from && !PINFO_FD_VISITED(pinfo))
            qc->tcp_qq_from = pinfo->num;
        conversation_set_dissector(conv, qq_tcp_handle);
    }
    qq_tcp_common(tvb, pinfo, tree, qc);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Statistics: tshark -z qq,tree                                          */

static const char st_str_packets[] = "QQ packets";
static const char st_str_commands[] = "By command";
static const char st_str_directions[] = "By direction";
static const char st_str_versions[] = "By version";
static int st_node_packets = -1;
static int st_node_commands = -1;
static int st_node_directions = -1;
static int st_node_versions = -1;
static const char st_str_families[] = "Other families";
static int st_node_families = -1;

static void
qq_stats_tree_init(stats_tree *st)
{
    st_node_packets = stats_tree_create_node(st, st_str_packets, 0, STAT_DT_INT, true);
    st_node_commands = stats_tree_create_node(st, st_str_commands, st_node_packets, STAT_DT_INT, true);
    st_node_directions = stats_tree_create_node(st, st_str_directions, st_node_packets, STAT_DT_INT, true);
    st_node_versions = stats_tree_create_node(st, st_str_versions, st_node_packets, STAT_DT_INT, true);
    st_node_families = stats_tree_create_node(st, st_str_families, st_node_packets, STAT_DT_INT, true);
}

static tap_packet_status
qq_stats_tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
        const void *p, tap_flags_t flags _U_)
{
    const qq_tap_info_t *info = (const qq_tap_info_t *)p;
    char name[96];
    const char *ver_name = try_val_to_str(info->version, qq_version_vals);

    tick_stat_node(st, st_str_packets, 0, false);
    if (info->variant >= QQ_VAR_FAMILY_P2P) {
        /* No version, command or known direction outside the basic family. */
        tick_stat_node(st, st_str_families, st_node_packets, true);
        tick_stat_node(st, val_to_str_const(info->variant, qq_variant_vals, "Unknown"), st_node_families, false);
        return TAP_PACKET_REDRAW;
    }
    snprintf(name, sizeof name, "%s (0x%04x)", info->cmd_name ? info->cmd_name : "Unknown", info->cmd);
    tick_stat_node(st, st_str_commands, st_node_packets, true);
    tick_stat_node(st, name, st_node_commands, false);
    tick_stat_node(st, st_str_directions, st_node_packets, true);
    tick_stat_node(st, val_to_str_const(info->dir, qq_direction_vals, "Unknown"), st_node_directions, false);
    snprintf(name, sizeof name, "0x%04x %s", info->version, ver_name ? ver_name : "(unknown)");
    tick_stat_node(st, st_str_versions, st_node_packets, true);
    tick_stat_node(st, name, st_node_versions, false);
    return TAP_PACKET_REDRAW;
}

/* ---------------------------------------------------------------------- */
/* Registration                                                           */

void
proto_register_qq(void)
{
    static hf_register_info hf[] = {
        { &hf_qq_length,
          { "Length", "qq.length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "TCP framing: length of this QQ packet in bytes, counting these two length bytes", HFILL }},
        { &hf_qq_flag,
          { "Flag", "qq.flag", FT_UINT8, BASE_HEX, VALS(qq_flag_vals), 0x0,
            "First byte: the packet family; 0x02 is the basic (client/server) family, 0x00, 0x03, 0x04 and 0x05 are other families", HFILL }},
        { &hf_qq_version,
          { "Version", "qq.version", FT_UINT16, BASE_HEX, VALS(qq_version_vals), 0x0,
            "Client version code (bytes 1-2); it selects the command table of the client era. 0x1c51 is the QQ2010 client of the source document", HFILL }},
        { &hf_qq_cmd,
          { "Command", "qq.cmd", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Command code (bytes 3-4); the same code means different things in different client eras", HFILL }},
        { &hf_qq_cmd_name,
          { "Command name", "qq.cmd_name", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name of the command in the command table of the client era chosen from the version", HFILL }},
        { &hf_qq_seq,
          { "Sequence", "qq.seq", FT_UINT16, BASE_HEX_DEC, NULL, 0x0,
            "Sequence number (bytes 5-6); a reply or acknowledgement repeats the command and this number", HFILL }},
        { &hf_qq_uin,
          { "QQ number", "qq.uin", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The user's QQ number (UIN, bytes 7-10); classic replies do not carry it", HFILL }},
        { &hf_qq_header_ext,
          { "Header extension", "qq.header_ext", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Header bytes after the QQ number: 11 in QQ2010+ requests, 3 in QQ2010+ replies, 15 in TIM requests", HFILL }},
        { &hf_qq_ext_fixed,
          { "Fixed bytes", "qq.header_ext.fixed", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The nine fixed bytes 02 00 00 00 01 01 01 00 00 that mark a QQ2010+ request", HFILL }},
        { &hf_qq_ext_build,
          { "Client build", "qq.header_ext.build", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Last two header bytes of QQ2010+ requests; their value varies with the client version", HFILL }},
        { &hf_qq_ext_fill,
          { "Fill", "qq.header_ext.fill", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Three fill bytes (00 00 00) after the QQ number that mark a QQ2010+ reply", HFILL }},
        { &hf_qq_ext_tim_marker,
          { "TIM marker", "qq.header_ext.tim_marker", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes 03 00 00 after the QQ number that start the TIM request header extension", HFILL }},
        { &hf_qq_ext_client_type,
          { "Client type", "qq.header_ext.client_type", FT_UINT32, BASE_HEX, NULL, 0x0,
            "Client type of the TIM/PC-QQ client that sent the request (4 bytes)", HFILL }},
        { &hf_qq_ext_pub_no,
          { "Publication number", "qq.header_ext.pub_no", FT_UINT32, BASE_HEX, NULL, 0x0,
            "Publication (release) number of the TIM/PC-QQ client that sent the request (4 bytes)", HFILL }},
        { &hf_qq_ext_reserved,
          { "Reserved", "qq.header_ext.reserved", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Four bytes ending the TIM request header extension, zero in known clients", HFILL }},
        { &hf_qq_login_key,
          { "Login key", "qq.login_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Random 16-byte key the client sends in clear at the start of a login-family request; the rest of the body is encrypted with it", HFILL }},
        { &hf_qq_body,
          { "Encrypted body", "qq.body", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Body after the header (and login key), encrypted with QQ's 16-round TEA variant", HFILL }},
        { &hf_qq_skipped,
          { "Skipped bytes", "qq.skipped", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes after a bad TCP length that start no QQ packet; the reader skips them up to the byte after a 0x03 that a plausible packet follows", HFILL }},
        { &hf_qq_tail,
          { "Tail", "qq.tail", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Last byte of every QQ packet; it must be 0x03", HFILL }},
        { &hf_qq_variant,
          { "Header variant", "qq.variant", FT_UINT8, BASE_DEC, VALS(qq_variant_vals), 0x0,
            "Header layout this packet was decoded with, chosen from the direction and the header bytes", HFILL }},
        { &hf_qq_era,
          { "Client era", "qq.era", FT_UINT8, BASE_DEC, VALS(qq_era_vals), 0x0,
            "Client era whose command table names the command: from the version table, or assumed from the range of an unknown version (below 0x1c00 classic, up to 0x35ff QQ2010+, above TIM/PC-QQ)", HFILL }},
        { &hf_qq_direction,
          { "Direction", "qq.direction", FT_UINT8, BASE_DEC, VALS(qq_direction_vals), 0x0,
            "Direction of the packet: the server side is the QQ port (8000, 443) or else the side the first packet went to", HFILL }},
        { &hf_qq_response_in,
          { "Response in", "qq.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The reply (or acknowledgement of a server push) to this packet is in this frame", HFILL }},
        { &hf_qq_response_to,
          { "Request in", "qq.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "This packet answers the request (or server push) in this frame", HFILL }},
        { &hf_qq_time,
          { "Time", "qq.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time between the request (or push) and this answer", HFILL }},
        { &hf_qq_retransmission,
          { "Retransmission", "qq.retransmission", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "This packet repeats an earlier one byte for byte (clients resend over UDP until answered)", HFILL }},
        { &hf_qq_retransmission_of,
          { "Retransmission of", "qq.retransmission_of", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_DUP_ACK), 0x0,
            "Frame of the first copy of this resent packet", HFILL }},
    };

    static int *ett[] = {
        &ett_qq,
        &ett_qq_header_ext,
    };

    static ei_register_info ei[] = {
        { &ei_qq_bad_tail,
          { "qq.bad_tail", PI_MALFORMED, PI_ERROR, "Missing or wrong 0x03 tail", EXPFILL }},
        { &ei_qq_bad_length,
          { "qq.bad_length", PI_MALFORMED, PI_ERROR, "TCP length field out of bounds or not matching", EXPFILL }},
        { &ei_qq_truncated,
          { "qq.truncated", PI_MALFORMED, PI_ERROR, "Truncated QQ header", EXPFILL }},
        { &ei_qq_unknown_command,
          { "qq.unknown_command", PI_UNDECODED, PI_NOTE, "Unknown command", EXPFILL }},
        { &ei_qq_unknown_version,
          { "qq.unknown_version", PI_UNDECODED, PI_NOTE, "Unknown client version", EXPFILL }},
        { &ei_qq_no_response,
          { "qq.no_response", PI_SEQUENCE, PI_NOTE, "No reply seen to this request", EXPFILL }},
        { &ei_qq_retransmission,
          { "qq.resend", PI_SEQUENCE, PI_NOTE, "Identical resend", EXPFILL }},
        { &ei_qq_duplicate_response,
          { "qq.duplicate_response", PI_SEQUENCE, PI_NOTE, "Reply to a request that was already answered", EXPFILL }},
    };

    module_t *qq_module;
    expert_module_t *expert_qq;
    int proto_tls;

    proto_qq = proto_register_protocol("Tencent QQ Protocol", "QQ", "qq");
    proto_register_field_array(proto_qq, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_qq = expert_register_protocol(proto_qq);
    expert_register_field_array(expert_qq, ei, array_length(ei));

    qq_module = prefs_register_protocol(proto_qq, proto_reg_handoff_qq);
    prefs_register_bool_preference(qq_module, "desegment",
            "Reassemble QQ packets spanning multiple TCP segments",
            "Whether the QQ dissector should reassemble packets spanning multiple TCP segments."
            " To use this option, you must also enable \"Allow subdissectors to reassemble TCP"
            " streams\" in the TCP protocol settings.",
            &qq_desegment);
    prefs_register_bool_preference(qq_module, "tcp_443",
            "Recognise QQ over TCP port 443",
            "Whether conversations on TCP port 443 that start with QQ framing (a 2-byte length"
            " and a 0x02 packet) are dissected as QQ; all other traffic on the port goes to TLS.",
            &qq_over_tls_port);
    qq_decrypt_register(proto_qq, qq_module, expert_qq);

    qq_handle = register_dissector("qq", dissect_qq, proto_qq);
    qq_tcp_handle = register_dissector("qq_tcp", dissect_qq_tcp, proto_qq);
    /* A helper protocol under TLS: TLS frames on 443 then list no extra layer,
     * and disabling QQ still leaves port 443 to TLS (the wrapper checks). */
    proto_tls = proto_get_id_by_filter_name("tls");
    proto_qq_tls_port = proto_register_protocol_in_name_only("QQ or TLS on TCP port 443",
            "QQ/TLS", "qq_tls_port", proto_tls >= 0 ? proto_tls : proto_qq, FT_PROTOCOL);
    qq_tls_port_handle = register_dissector("qq_tcp_443", dissect_qq_tls_port, proto_qq_tls_port);

    qq_tap = register_tap("qq");
}

void
proto_reg_handoff_qq(void)
{
    static bool initialized = false;
    static bool tls_port_registered = false;

    if (!initialized) {
        dissector_add_uint_with_preference("udp.port", QQ_PORT, qq_handle);
        dissector_add_uint_with_preference("tcp.port", QQ_PORT, qq_tcp_handle);
        heur_dissector_add("udp", dissect_qq_heur_udp, "QQ over UDP", "qq_udp", proto_qq, HEURISTIC_ENABLE);
        heur_dissector_add("tcp", dissect_qq_heur_tcp, "QQ over TCP", "qq_tcp", proto_qq, HEURISTIC_ENABLE);
        tls_handle = find_dissector("tls");
        /* The 443 wrapper hands QQ conversations to this one. */
        qq_tcp_inner_handle = create_dissector_handle(dissect_qq_tcp_from_wrapper, proto_qq);
        ws_stats_tree_register("qq", "qq", "QQ/Packet Counter", 0,
                qq_stats_tree_packet, qq_stats_tree_init, NULL);
        initialized = true;
    }
    if (qq_over_tls_port && !tls_port_registered) {
        dissector_add_uint("tcp.port", QQ_TLS_PORT, qq_tls_port_handle);
        tls_port_registered = true;
    } else if (!qq_over_tls_port && tls_port_registered) {
        dissector_delete_uint("tcp.port", QQ_TLS_PORT, qq_tls_port_handle);
        if (tls_handle)
            dissector_add_uint("tcp.port", QQ_TLS_PORT, tls_handle);
        tls_port_registered = false;
    }
}
