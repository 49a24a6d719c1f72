/* packet-qq.c
 * Routines for Tencent QQ protocol dissection (the 0x02 ... 0x03 family
 * over UDP and TCP, including QQ over TCP port 443).
 *
 * Facts used here: doc/qq.md of this project (header variants,
 * command codes per client generation, version codes, TCP framing, login keys).
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
 *   Data"; TCP 80 and 8080 belong to HTTP, which takes SSO and Highway as an
 *   unfinished header. A guard handle sits on those ports ("qq_tcp_443", a
 *   helper protocol under TLS, and "qq_tcp_http" under HTTP): it looks at the
 *   first payloads of each conversation, dissects the conversation as QQ
 *   when it has QQ framing, offers it to the "qq_tcp_guard" heuristic list
 *   (SSO, Highway) when it does not start like TLS or HTTP, and hands every
 *   other conversation to TLS or HTTP after restoring pinfo->can_desegment
 *   (each dissector call level lowers it). Preferences qq.tcp_443 and
 *   qq.tcp_http_ports switch it off.
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
#include "packet-qq-login.h"
#include "plugin.h"
#include "ws-compat.h"

#define QQ_PORT             8000
#define QQ_TLS_PORT         443

#define QQ_FLAG_BASIC       0x02
#define QQ_TAIL             0x03

/* Header lengths of the variants (doc/qq.md section 3). */
#define QQ_HDR_CLASSIC_REQ  11      /* flag ver cmd seq QQ# */
#define QQ_HDR_CLASSIC_REP  7       /* flag ver cmd seq */
#define QQ_HDR_EXT_REQ      22      /* 11 + an 11-byte extension */
#define QQ_HDR_REPLY        14      /* 11 + 3 reply-flag bytes */
#define QQ_HDR_LOGIN_REQ    26      /* 11 + a 15-byte login extension */
#define QQ_ZERO_RUN         8       /* the 8 zero bytes some headers end with */
#define QQ_LOGIN_KEY_LEN    16

/* Bodies are QQ-TEA ciphertext: whole 8-byte blocks, at least two. */
#define QQ_CIPHER_BLOCK     8
#define QQ_CIPHER_MIN       16

/* First byte of a request's extension (byte 11): what follows it. */
#define QQ_EXT_COMMON       0x02
#define QQ_EXT_LOGIN        0x03
#define QQ_EXT_ZERO_RUN     0x04

/* The other Tencent family that starts 02 03: 02 03 len(4) QQ#(4) 4 bytes
 * 4 bytes, then `len` bytes of ciphertext and the 03 tail. */
#define QQ_FAMILY_0203_MARK 0x03
#define QQ_FAMILY_0203_HDR  18

/* TCP framing: a 2-byte length that counts itself, then one packet. */
#define QQ_TCP_LEN_LEN      2
#define QQ_TCP_MIN_PDU      (QQ_TCP_LEN_LEN + QQ_HDR_CLASSIC_REP + 1)
#define QQ_TCP_MAX_PDU      16384

/* Client generations (doc/qq.md section 2): ranges of the version field.
 * A version inside a range is that generation's even when the table does
 * not list it; below and above every range the nearest one is assumed. */
#define QQ_VER_CLASSIC_MIN  0x0100
#define QQ_VER_2010_MIN     0x1c00
#define QQ_VER_PCQQ_MIN     0x2f00
#define QQ_VER_PCQQ_MAX     0x4fff

enum { QQ_GEN_CLASSIC = 1, QQ_GEN_2010, QQ_GEN_PCQQ };

/* The header layout actually decoded (qq.variant; numbers are stable). */
enum {
    QQ_VAR_CLASSIC_REQ = 1,
    QQ_VAR_CLASSIC_REP,
    QQ_VAR_EXT_REQ,
    QQ_VAR_REPLY,
    QQ_VAR_BASIC,
    QQ_VAR_LOGIN_REQ,
    QQ_VAR_FAMILY_P2P,
    QQ_VAR_FAMILY_CUSTOM_HEAD,
    QQ_VAR_FAMILY_FILE,
    QQ_VAR_FAMILY_EMOTICON,
    QQ_VAR_BASIC_ZERO_RUN,
    QQ_VAR_EXT_ZERO_RUN,
    QQ_VAR_FAMILY_0203
};

/* Same values and names as msnp.direction. */
enum { QQ_DIR_UNKNOWN = 0, QQ_DIR_C2S = 1, QQ_DIR_S2C = 2 };

/* Decision of the shared-port guard (TCP 443, 80, 8080) for one conversation:
 * classic QQ, the port's own protocol (TLS or HTTP), or a dissector of the
 * "qq_tcp_guard" heuristic list (SSO, Highway) that took the conversation. */
enum { QQ_TLS_UNDECIDED = 0, QQ_TLS_IS_QQ, QQ_TLS_NOT_QQ, QQ_GUARD_CLAIMED };

void proto_register_qq(void);
void proto_reg_handoff_qq(void);

static int proto_qq = -1;
static int proto_qq_tls_port = -1;
static int proto_qq_http_port = -1;
static int qq_tap = -1;

static int hf_qq_length = -1;
static int hf_qq_flag = -1;
static int hf_qq_version = -1;
static int hf_qq_cmd = -1;
static int hf_qq_cmd_name = -1;
static int hf_qq_seq = -1;
static int hf_qq_uin = -1;
static int hf_qq_build = -1;
static int hf_qq_header_ext = -1;
static int hf_qq_ext_flag = -1;
static int hf_qq_ext_reserved = -1;
static int hf_qq_ext_client_type = -1;
static int hf_qq_ext_build = -1;
static int hf_qq_ext_login_reserved = -1;
static int hf_qq_zero_run = -1;
static int hf_qq_reply_flags = -1;
static int hf_qq_reply_flag1 = -1;
static int hf_qq_reply_flag2 = -1;
static int hf_qq_reply_flag3 = -1;
static int hf_qq_family_marker = -1;
static int hf_qq_family_length = -1;
static int hf_qq_family_word1 = -1;
static int hf_qq_family_word2 = -1;
static int hf_qq_login_key = -1;
static int hf_qq_login_fields = -1;
static int hf_qq_body = -1;
static int hf_qq_skipped = -1;
static int hf_qq_tail = -1;
static int hf_qq_variant = -1;
static int hf_qq_variant_reason = -1;
static int hf_qq_generation = -1;
static int hf_qq_direction = -1;
static int hf_qq_response_in = -1;
static int hf_qq_response_to = -1;
static int hf_qq_time = -1;
static int hf_qq_retransmission = -1;
static int hf_qq_retransmission_of = -1;

static int ett_qq = -1;
static int ett_qq_header_ext = -1;
static int ett_qq_reply_flags = -1;
static int ett_qq_login_fields = -1;

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
static dissector_handle_t qq_http_port_handle;
static dissector_handle_t tls_handle;
static dissector_handle_t http_tcp_handle;
static heur_dissector_list_t qq_guard_heur_list;

static ws_bool qq_desegment = true;
static ws_bool qq_over_tls_port = true;
static ws_bool qq_over_http_ports = true;

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
    { QQ_VAR_CLASSIC_REQ,        "Classic client header (11 bytes)" },
    { QQ_VAR_CLASSIC_REP,        "Classic server header (7 bytes, no QQ number)" },
    { QQ_VAR_EXT_REQ,            "Client header with an 11-byte extension (22 bytes)" },
    { QQ_VAR_REPLY,              "Server header with 3 reply-flag bytes (14 bytes)" },
    { QQ_VAR_BASIC,              "QQ2010 basic header (11 bytes, no extension)" },
    { QQ_VAR_LOGIN_REQ,          "Login header (26 bytes)" },
    { QQ_VAR_FAMILY_P2P,         "P2P family" },
    { QQ_VAR_FAMILY_CUSTOM_HEAD, "Custom head family" },
    { QQ_VAR_FAMILY_FILE,        "File/agent family" },
    { QQ_VAR_FAMILY_EMOTICON,    "Group custom emoticon family" },
    { QQ_VAR_BASIC_ZERO_RUN,     "Basic header and 8 zero bytes (19 bytes)" },
    { QQ_VAR_EXT_ZERO_RUN,       "Client header with extension flag 0x04 and 8 zero bytes (30 bytes)" },
    { QQ_VAR_FAMILY_0203,        "02 03 family (4-byte length, QQ number)" },
    { 0, NULL }
};

/* Short labels for the Info column: the header only, never the role (a
 * server push has a server header but is no reply). */
static const value_string qq_variant_short_vals[] = {
    { QQ_VAR_CLASSIC_REQ,        "11-byte header" },
    { QQ_VAR_CLASSIC_REP,        "7-byte header" },
    { QQ_VAR_EXT_REQ,            "22-byte header" },
    { QQ_VAR_REPLY,              "14-byte header" },
    { QQ_VAR_BASIC,              "11-byte header" },
    { QQ_VAR_LOGIN_REQ,          "26-byte login header" },
    { QQ_VAR_BASIC_ZERO_RUN,     "11-byte header + 8 zero bytes" },
    { QQ_VAR_EXT_ZERO_RUN,       "22-byte header + 8 zero bytes" },
    { 0, NULL }
};

static const value_string qq_generation_vals[] = {
    { QQ_GEN_CLASSIC, "Classic (QQ2000 to QQ2009)" },
    { QQ_GEN_2010,    "QQ2010 to QQ2012" },
    { QQ_GEN_PCQQ,    "PC QQ 2012 and later (TIM shares it)" },
    { 0, NULL }
};

/* Info prefix: the generation, with "?" when the version lies outside
 * every generation's range and the generation is only assumed. */
static const value_string qq_generation_short_vals[] = {
    { QQ_GEN_CLASSIC, "Classic" },
    { QQ_GEN_2010,    "QQ2010" },
    { QQ_GEN_PCQQ,    "PC QQ" },
    { 0, NULL }
};

static const value_string qq_generation_assumed_vals[] = {
    { QQ_GEN_CLASSIC, "Classic?" },
    { QQ_GEN_2010,    "QQ2010?" },
    { QQ_GEN_PCQQ,    "PC QQ?" },
    { 0, NULL }
};

static const value_string qq_direction_vals[] = {
    { QQ_DIR_UNKNOWN, "Unknown" },
    { QQ_DIR_C2S,     "Client to server" },
    { QQ_DIR_S2C,     "Server to client" },
    { 0, NULL }
};

static const value_string qq_ext_flag_vals[] = {
    { QQ_EXT_COMMON,   "Session request" },
    { QQ_EXT_LOGIN,    "Login request (26-byte header)" },
    { QQ_EXT_ZERO_RUN, "Request with 8 more header bytes" },
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
    { 0x1c27, "QQ2010 (unlabelled in nDPI's old table)" },
    { 0x1c51, "QQ2010" },
    { 0x1e0d, "QQ2010 Intl" },
    { 0x2012, "QQ2012 Intl" },
    { 0x2227, "QQ2011 Intl" },
    { 0x2f35, "PC QQ (2013)" },
    { 0x3619, "PC QQ (2018-19)" },
    { 0x3639, "PC QQ (2016)" },
    { 0x3661, "PC QQ (2016)" },
    { 0x3713, "TIM" },
    { 0x371b, "PC QQ (2018-19)" },
    { 0x3823, "PC QQ (2018-19)" },
    { 0x3841, "PC QQ (2019)" },
    { 0x3a2d, "PC QQ (2022)" },
    { 0x3b0b, "PC QQ (2022-23)" },
    { 0x3b29, "PC QQ (2023)" },
    { 0x3c3d, "PC QQ (2024)" },
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

/* Names of a recorded QQ2010 client session (version 0x1c51, doc/qq.md
 * section 5), which differ from pidgin-libqq's for the same codes. */
static const value_string qq_cmd_1c51_vals[] = {
    { 0x0058, "Keep alive" },
    { 0x0062, "Logout confirmation" },
    { 0x0091, "Login" },
    { 0x00b9, "Logout" },
    { 0x00cd, "Send text message" },
    { 0x00ce, "Receive text message" },
    { 0, NULL }
};

/* PC QQ 2012 and later, and TIM: mamoe/mirai's KnownPacketId (TIM PC),
 * shenpan233/JavaPcQQ925 (pcqq/src/main/qq.java), uebian/QQRobot (PCTIM) and
 * 2274254/QQBot (LibQQProtocol PacketCommands.cs). Codes not listed here
 * keep their QQ2010 names (pidgin-libqq). */
static const value_string qq_cmd_pcqq_vals[] = {
    { 0x0001, "One-way report (never answered)" },
    { 0x0002, "Group (qun) command" },
    { 0x0004, "Settings switch" },
    { 0x000d, "Change status" },
    { 0x0017, "Receive group message or event" },
    { 0x001d, "Request service key" },
    { 0x0031, "Request profile picture" },
    { 0x003c, "Request profile details" },
    { 0x003e, "Query friend remark" },
    { 0x0058, "Heartbeat" },
    { 0x005c, "Account info (level, active days)" },
    { 0x0065, "User properties" },
    { 0x0067, "Signature" },
    { 0x0081, "Friend status change" },
    { 0x00a6, "Weather forecast" },
    { 0x00a7, "Can add friend" },
    { 0x00a8, "Add friend" },
    { 0x00ae, "Request friend addition key" },
    { 0x00b9, "Report of packets before going online" },
    { 0x00ba, "Captcha" },
    { 0x00cd, "Send friend message" },
    { 0x00ce, "Receive friend message" },
    { 0x00d8, "Wenwen profile address" },
    { 0x00eb, "Mark messages read" },
    { 0x00ec, "Change online status" },
    { 0x0104, "Fetch error prompt" },
    { 0x0122, "Host blacklist" },
    { 0x0126, "Query nickname" },
    { 0x0133, "Protection settings" },
    { 0x0134, "Get friend and group lists" },
    { 0x0195, "Get group categories" },
    { 0x01a4, "Add to blacklist" },
    { 0x01a5, "Query blacklist" },
    { 0x01bb, "Key exchange (HTTP connection signature)" },
    { 0x01bc, "Query previous names" },
    { 0x01bd, "Submit image file name" },
    { 0x0319, "Message read confirmation" },
    { 0x031f, "New friend records" },
    { 0x0352, "Friend image upload key" },
    { 0x0359, "Group invitation" },
    { 0x0360, "Group message read confirmation" },
    { 0x0388, "Group image upload key" },
    { 0x0397, "Air quality (PM2.5)" },
    { 0x03e3, "Protobuf service (like, withdraw)" },
    { 0x03f7, "Withdraw group message" },
    { 0x03fb, "Client log upload (CliLogSvc.UploadReq)" },
    { 0x03fc, "Withdraw message" },
    { 0x0818, "QR-code login" },
    { 0x0819, "QR-code login status" },
    { 0x0825, "Touch (pre-login ping)" },
    { 0x0827, "Quick login" },
    { 0x0828, "Login (session key)" },
    { 0x0836, "Login (password check)" },
    { 0x0839, "Login collection" },
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
    uint16_t client_version;
    uint32_t client_version_frame;  /* frame that taught the client's version, 0 if none */
    uint16_t server_version;        /* the version server packets carry, when in a range */
    uint32_t server_version_frame;  /*   and the frame that taught it, 0 if none */
    uint32_t unknown_version_frame; /* the one packet noted for a version outside */
    unsigned unknown_version_pdu;   /*   every range: frame and packet in the frame */
    int tls_state;
    uint32_t tls_qq_from;    /* shared ports: first frame handed to QQ */
    uint8_t tls_looks;       /* shared ports: payloads looked at, none TLS, HTTP nor QQ */
    uint32_t tcp_qq_from;    /* first frame of a TCP conversation seen as QQ */
    wmem_map_t *txns;       /* (cmd << 16 | seq) -> newest qq_txn_t (first pass) */
} qq_conv_t;

/* What the tap ("qq") receives per packet. */
typedef struct {
    uint16_t version;
    uint16_t cmd;
    uint8_t dir;
    uint8_t variant;
    bool version_is_build;
    const char *cmd_name;
} qq_tap_info_t;

/* One basic-family packet's header as chosen from the wire: every later
 * step (fields, links, Info, and decrypting the body) reads this. */
typedef struct {
    uint8_t dir;             /* QQ_DIR_* */
    uint8_t variant;         /* QQ_VAR_*, 0 when shorter than any header */
    uint8_t generation;      /* QQ_GEN_* */
    bool version_in_range;   /* the version lies in a generation's range */
    bool version_is_build;   /* a server packet carrying the client's build there */
    bool generation_by_layout; /* a classic-range version framed like QQ2010 */
    bool has_uin;
    uint16_t version;        /* bytes 1-2 (a build when version_is_build) */
    uint16_t cmd;
    uint16_t seq;
    uint32_t uin;            /* bytes 7-10 when has_uin */
    int hdr_len;             /* flag to the end of the header */
    int key_off;             /* clear-text 16-byte login key, -1 if none */
    int clear_off;           /* clear-text TLVs of a login request before the */
    int clear_len;           /*   ciphertext (0x0836, 0x0828), clear_len 0 if none */
    int prefix_zeros;        /* zero bytes between the header and those fields */
    int body_off;            /* QQ-TEA ciphertext: offset and length (may be 0) */
    int body_len;
    const char *reason;      /* why this variant (static text), NULL if unambiguous */
} qq_header_t;

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
    if (!qc->srv_known)
        return QQ_DIR_UNKNOWN;
    if (pinfo->srcport == qc->srv_port && addresses_equal(&pinfo->src, &qc->srv_addr)
            && !(pinfo->destport == qc->srv_port && addresses_equal(&pinfo->dst, &qc->srv_addr)))
        return QQ_DIR_S2C;
    return QQ_DIR_C2S;
}

/* The generation of a version: inside a range it is that range's; below
 * the first range Classic and above the last PC QQ are only assumed. */
static uint8_t
qq_generation(uint16_t version, bool *in_range)
{
    *in_range = version >= QQ_VER_CLASSIC_MIN && version <= QQ_VER_PCQQ_MAX;
    if (version < QQ_VER_2010_MIN)
        return QQ_GEN_CLASSIC;
    if (version < QQ_VER_PCQQ_MIN)
        return QQ_GEN_2010;
    return QQ_GEN_PCQQ;
}

static const char *
qq_cmd_name(uint8_t generation, uint16_t version, uint16_t cmd)
{
    const char *name = NULL;

    switch (generation) {
    case QQ_GEN_CLASSIC:
        return try_val_to_str(cmd, qq_cmd_classic_vals);
    case QQ_GEN_PCQQ:
        name = try_val_to_str(cmd, qq_cmd_pcqq_vals);
        break;
    default:
        if (version == 0x1c51)
            name = try_val_to_str(cmd, qq_cmd_1c51_vals);
        break;
    }
    return name ? name : try_val_to_str(cmd, qq_cmd_2010_vals);
}

/* Requests whose body starts with a 16-byte clear-text key (doc/qq.md
 * section 7): the rest of the body is encrypted with it. */
static bool
qq_has_login_key(uint8_t generation, uint16_t cmd)
{
    switch (cmd) {
    case 0x0091:
    case 0x00ba:
    case 0x00dd:
        return generation != QQ_GEN_PCQQ;
    case 0x0062:
    case 0x0022:
        return generation == QQ_GEN_CLASSIC;
    case 0x0825:
    case 0x0818:
        return generation == QQ_GEN_PCQQ;
    default:
        return false;
    }
}

/* Server pushes: the server starts the exchange, the client acks. */
static bool
qq_is_push(uint8_t generation, uint16_t cmd)
{
    switch (cmd) {
    case 0x0017:
    case 0x0080:
    case 0x0081:
        return true;
    case 0x00ce:
        return generation != QQ_GEN_CLASSIC;
    default:
        return false;
    }
}

/* Packets nobody answers: buddy status pushes, and the one-way 0x0001
 * packets of PC QQ clients (doc/qq.md section 3). */
static bool
qq_expects_answer(uint8_t generation, uint16_t cmd)
{
    return cmd != 0x0081 && !(cmd == 0x0001 && generation == QQ_GEN_PCQQ);
}

/* ---------------------------------------------------------------------- */
/* Choosing the header                                                    */

/* Why a layout was chosen (qq.variant_reason). */
static const char qq_why_ext[] =
    "Only a 22-byte header leaves a body of whole 8-byte cipher blocks (at least 16 bytes)";
static const char qq_why_reply[] =
    "Only a 14-byte header leaves a body of whole 8-byte cipher blocks (at least 16 bytes)";
static const char qq_why_basic[] =
    "Only an 11-byte header leaves a body of whole 8-byte cipher blocks (at least 16 bytes)";
static const char qq_why_classic_rep[] =
    "Only a 7-byte header leaves a body of whole 8-byte cipher blocks (at least 16 bytes)";
static const char qq_why_login[] =
    "Extension flag 0x03 marks the 26-byte login header (a login body need not be whole cipher blocks)";
static const char qq_why_ext_zero_run[] =
    "Extension flag 0x04 and 8 zero bytes after the 22-byte header: the body starts after the zeros";
static const char qq_why_classic_ext[] =
    "A version in the classic range, but only a 22-byte header leaves a body of whole 8-byte cipher blocks:"
    " the client frames its packets like QQ2010 and later";
static const char qq_why_classic_reply[] =
    "A version in the classic range, but only a 14-byte header leaves a body of whole 8-byte cipher blocks:"
    " the server frames its packets like QQ2010 and later";
static const char qq_why_login_fields[] =
    "The header and then clear-text login fields (type, length, value) that leave whole cipher blocks after them";
static const char qq_why_basic_zero_run[] =
    "8 zero bytes after the QQ number: the ciphertext starts after them"
    " (an 11-byte header alone also leaves whole cipher blocks)";
static const char qq_why_none_ext[] =
    "No layout leaves whole 8-byte cipher blocks; the extension flag (0x02 or 0x04) marks a 22-byte header";
static const char qq_why_none_basic[] =
    "No layout leaves whole 8-byte cipher blocks and no extension flag follows the QQ number: 11-byte header";
static const char qq_why_none_reply[] =
    "No layout leaves whole 8-byte cipher blocks; servers of this generation send 14-byte headers";

/* Would a header of hdr_len bytes leave a QQ-TEA ciphertext body (the
 * structural test that tells right layouts from wrong ones)? */
static bool
qq_body_aligned(int len, int hdr_len)
{
    int body = len - hdr_len - 1;

    return body >= QQ_CIPHER_MIN && body % QQ_CIPHER_BLOCK == 0;
}

/* Eight zero bytes at off, all captured. */
static bool
qq_zero_run_at(tvbuff_t *tvb, int off)
{
    return tvb_captured_length_remaining(tvb, off) >= QQ_ZERO_RUN && tvb_get_ntoh64(tvb, off) == 0;
}

static void
qq_set_variant(qq_header_t *h, uint8_t variant, const char *reason)
{
    h->variant = variant;
    h->reason = reason;
}

/* Client packets of the QQ2010 and PC QQ generations. Candidates differ by
 * their length modulo 8 except 22/30 and 11/19, which the zero run tells
 * apart; the extension flag decides the login header and the fallback. */
static void
qq_choose_client_header(tvbuff_t *tvb, qq_header_t *h)
{
    int len = tvb_reported_length(tvb);
    int caplen = tvb_captured_length(tvb);
    uint8_t ext_flag = caplen > QQ_HDR_CLASSIC_REQ ? tvb_get_uint8(tvb, QQ_HDR_CLASSIC_REQ) : 0;
    bool pcqq = h->generation == QQ_GEN_PCQQ;

    if (pcqq && ext_flag == QQ_EXT_LOGIN && len > QQ_HDR_LOGIN_REQ)
        qq_set_variant(h, QQ_VAR_LOGIN_REQ, qq_why_login);
    else if (ext_flag == QQ_EXT_ZERO_RUN && qq_zero_run_at(tvb, QQ_HDR_EXT_REQ) && len > QQ_HDR_EXT_REQ + QQ_ZERO_RUN)
        qq_set_variant(h, QQ_VAR_EXT_ZERO_RUN, qq_why_ext_zero_run);
    else if (qq_body_aligned(len, QQ_HDR_EXT_REQ))
        qq_set_variant(h, QQ_VAR_EXT_REQ, qq_why_ext);
    else if (pcqq && qq_zero_run_at(tvb, QQ_HDR_CLASSIC_REQ)
            && qq_body_aligned(len, QQ_HDR_CLASSIC_REQ + QQ_ZERO_RUN))
        qq_set_variant(h, QQ_VAR_BASIC_ZERO_RUN, qq_why_basic_zero_run);
    else if (qq_body_aligned(len, QQ_HDR_CLASSIC_REQ))
        qq_set_variant(h, QQ_VAR_BASIC, qq_why_basic);
    else if (len > QQ_HDR_EXT_REQ && (ext_flag == QQ_EXT_COMMON || ext_flag == QQ_EXT_ZERO_RUN))
        qq_set_variant(h, QQ_VAR_EXT_REQ, qq_why_none_ext);
    else
        qq_set_variant(h, QQ_VAR_BASIC, qq_why_none_basic);
}

/* Server packets of the QQ2010 and PC QQ generations: 14-byte headers in
 * every real capture (whatever their 3 reply-flag bytes hold); 11-byte
 * headers in the recorded QQ2010 session; 7 bytes as in older servers. */
static void
qq_choose_server_header(tvbuff_t *tvb, qq_header_t *h)
{
    int len = tvb_reported_length(tvb);

    if (qq_body_aligned(len, QQ_HDR_REPLY))
        qq_set_variant(h, QQ_VAR_REPLY, qq_why_reply);
    else if (qq_body_aligned(len, QQ_HDR_CLASSIC_REQ))
        qq_set_variant(h, QQ_VAR_BASIC, qq_why_basic);
    else if (qq_body_aligned(len, QQ_HDR_CLASSIC_REP))
        qq_set_variant(h, QQ_VAR_CLASSIC_REP, qq_why_classic_rep);
    else if (len > QQ_HDR_REPLY)
        qq_set_variant(h, QQ_VAR_REPLY, qq_why_none_reply);
    else if (len > QQ_HDR_CLASSIC_REQ)
        qq_set_variant(h, QQ_VAR_BASIC, qq_why_none_basic);
    else
        qq_set_variant(h, QQ_VAR_CLASSIC_REP, NULL);
}

/* Classic clients and servers: 11- and 7-byte headers, unless only the
 * headers of later generations leave whole cipher blocks (version 0x1b55
 * of 2011 lies in the classic range and sends 22- and 14-byte headers):
 * then the packet is read as that generation's. The classic token
 * exchange (0x0062) travels in clear and keeps its header. */
static void
qq_choose_classic_header(tvbuff_t *tvb, qq_header_t *h, uint8_t dir)
{
    int len = tvb_reported_length(tvb);
    int caplen = tvb_captured_length(tvb);
    uint8_t ext_flag = caplen > QQ_HDR_CLASSIC_REQ ? tvb_get_uint8(tvb, QQ_HDR_CLASSIC_REQ) : 0;

    if (dir == QQ_DIR_C2S) {
        h->variant = QQ_VAR_CLASSIC_REQ;
        if (h->cmd == 0x0062 || qq_body_aligned(len, QQ_HDR_CLASSIC_REQ)
                || ext_flag < QQ_EXT_COMMON || ext_flag > QQ_EXT_ZERO_RUN)
            return;
        if (ext_flag == QQ_EXT_ZERO_RUN && qq_zero_run_at(tvb, QQ_HDR_EXT_REQ)
                && qq_body_aligned(len, QQ_HDR_EXT_REQ + QQ_ZERO_RUN))
            qq_set_variant(h, QQ_VAR_EXT_ZERO_RUN, qq_why_ext_zero_run);
        else if (qq_body_aligned(len, QQ_HDR_EXT_REQ))
            qq_set_variant(h, QQ_VAR_EXT_REQ, qq_why_classic_ext);
    } else {
        h->variant = QQ_VAR_CLASSIC_REP;
        if (h->cmd == 0x0062 || qq_body_aligned(len, QQ_HDR_CLASSIC_REP))
            return;
        if (qq_body_aligned(len, QQ_HDR_REPLY))
            qq_set_variant(h, QQ_VAR_REPLY, qq_why_classic_reply);
    }
    if (h->variant != QQ_VAR_CLASSIC_REQ && h->variant != QQ_VAR_CLASSIC_REP) {
        h->generation = QQ_GEN_2010;
        h->generation_by_layout = true;
    }
}

/* Choose the header layout from direction, generation and structure (never
 * from fill bytes); sets variant 0 when the packet is shorter than any
 * header its direction can have. */
static void
qq_choose_header(tvbuff_t *tvb, qq_header_t *h)
{
    int len = tvb_reported_length(tvb);
    uint8_t dir = h->dir;

    if (dir == QQ_DIR_UNKNOWN) {
        /* A packet quoted before its conversation: a request extension
         * flag right after the QQ number says which side sent it. */
        uint8_t b = tvb_captured_length(tvb) > QQ_HDR_CLASSIC_REQ ? tvb_get_uint8(tvb, QQ_HDR_CLASSIC_REQ) : 0;
        dir = (b >= QQ_EXT_COMMON && b <= QQ_EXT_ZERO_RUN) || h->generation == QQ_GEN_CLASSIC
            ? QQ_DIR_C2S : QQ_DIR_S2C;
    }
    h->variant = 0;
    h->reason = NULL;
    if (len < (dir == QQ_DIR_C2S ? QQ_HDR_CLASSIC_REQ : QQ_HDR_CLASSIC_REP) + 1)
        return;
    if (h->generation == QQ_GEN_CLASSIC)
        qq_choose_classic_header(tvb, h, dir);
    else if (dir == QQ_DIR_C2S)
        qq_choose_client_header(tvb, h);
    else
        qq_choose_server_header(tvb, h);
}

static int
qq_header_len(int variant)
{
    switch (variant) {
    case QQ_VAR_CLASSIC_REP:    return QQ_HDR_CLASSIC_REP;
    case QQ_VAR_EXT_REQ:        return QQ_HDR_EXT_REQ;
    case QQ_VAR_REPLY:          return QQ_HDR_REPLY;
    case QQ_VAR_LOGIN_REQ:      return QQ_HDR_LOGIN_REQ;
    case QQ_VAR_BASIC_ZERO_RUN: return QQ_HDR_CLASSIC_REQ + QQ_ZERO_RUN;
    case QQ_VAR_EXT_ZERO_RUN:   return QQ_HDR_EXT_REQ + QQ_ZERO_RUN;
    default:                    return QQ_HDR_CLASSIC_REQ;
    }
}

/* Login requests that carry no key start their body with clear-text
 * fields before the ciphertext (doc/qq.md, PC QQ login):
 *   0x0836: u16 ECDH mode | u16 tag | u16 n | n-byte public key |
 *           u16 m | m bytes (usually none) | 00 10 | 16-byte key
 *   0x0828: u16 tag | u16 n + 2 | u16 n | n-byte token
 * and other ones type-length-value blocks. Each layout counts only when its
 * lengths add up and leave whole cipher blocks (at least 16 bytes). */
#define QQ_LOGIN_TLV_MAX 4
#define QQ_LOGIN_PUBKEY_MAX 255

static bool
qq_use_login_prefix(qq_header_t *h, int off, int end)
{
    if (off <= h->body_off || off > end || !qq_body_aligned(end + 1, off))
        return false;
    h->clear_off = h->body_off;
    h->clear_len = off - h->body_off;
    h->body_off = off;
    h->body_len = end - off;
    return true;
}

static bool
qq_login_prefix_0836_at(tvbuff_t *tvb, qq_header_t *h, int off, int end, int avail)
{
    unsigned n;

    if (avail - off < 6)
        return false;
    n = tvb_get_ntohs(tvb, off + 4);
    off += 6 + (int)n;
    if (n == 0 || n > QQ_LOGIN_PUBKEY_MAX || avail - off < 2)
        return false;
    /* Data of a second exchange (usually none), then the 16-byte key. */
    n = tvb_get_ntohs(tvb, off);
    off += 2 + (int)n;
    if (n > QQ_LOGIN_PUBKEY_MAX || avail - off < 2 || tvb_get_ntohs(tvb, off) != QQ_LOGIN_KEY_LEN)
        return false;
    return qq_use_login_prefix(h, off + 2 + QQ_LOGIN_KEY_LEN, end);
}

/* The fields may start right after the header or after 4 or 8 more zero
 * bytes: sources disagree on the header's last bytes (4 zero bytes after
 * the 22-byte header, 8 with extension flag 0x04), the lengths decide. */
static bool
qq_login_prefix_0836(tvbuff_t *tvb, qq_header_t *h, int end, int avail)
{
    int skip;

    for (skip = 0; skip <= 8; skip += 4) {
        if (skip && (avail - h->body_off < skip || tvb_get_ntohl(tvb, h->body_off + skip - 4) != 0))
            break;
        if (qq_login_prefix_0836_at(tvb, h, h->body_off + skip, end, avail)) {
            h->clear_off += skip;
            h->clear_len -= skip;
            h->prefix_zeros = skip;
            return true;
        }
    }
    return false;
}

static bool
qq_login_prefix_0828(tvbuff_t *tvb, qq_header_t *h, int end, int avail)
{
    int off = h->body_off;
    unsigned outer;

    if (avail - off < 6)
        return false;
    outer = tvb_get_ntohs(tvb, off + 2);
    if (outer != tvb_get_ntohs(tvb, off + 4) + 2u)
        return false;
    return qq_use_login_prefix(h, off + 4 + (int)outer, end);
}

static bool
qq_skip_login_tlvs(tvbuff_t *tvb, qq_header_t *h)
{
    int end = (int)tvb_reported_length(tvb) - 1;
    int avail = (int)tvb_captured_length(tvb);
    int prefix, off, i;

    if (h->cmd == 0x0836 && qq_login_prefix_0836(tvb, h, end, avail))
        return true;
    if (h->cmd == 0x0828 && qq_login_prefix_0828(tvb, h, end, avail))
        return true;
    for (prefix = 0; prefix <= 2; prefix += 2) {
        off = h->body_off + prefix;
        for (i = 0; i < QQ_LOGIN_TLV_MAX && off + 4 <= avail && off + 4 <= end; i++) {
            off += 4 + tvb_get_ntohs(tvb, off + 2);
            if (qq_use_login_prefix(h, off, end))
                return true;
            if (off > end)
                break;
        }
    }
    return false;
}

/* Where the login key and the ciphertext lie once the header is known. A
 * key is taken only when a ciphertext of at least 16 bytes follows it. */
static void
qq_locate_body(tvbuff_t *tvb, qq_header_t *h)
{
    int len = tvb_reported_length(tvb);

    h->hdr_len = qq_header_len(h->variant);
    h->has_uin = h->variant != QQ_VAR_CLASSIC_REP;
    h->key_off = -1;
    h->body_off = h->hdr_len;
    h->body_len = len - h->hdr_len - 1;
    if (h->body_len < 0)
        h->body_len = 0;
    if (h->dir == QQ_DIR_C2S && qq_has_login_key(h->generation, h->cmd)
            && h->body_len >= QQ_LOGIN_KEY_LEN + QQ_CIPHER_MIN) {
        h->key_off = h->body_off;
        h->body_off += QQ_LOGIN_KEY_LEN;
        h->body_len -= QQ_LOGIN_KEY_LEN;
    } else if (h->dir == QQ_DIR_C2S && h->generation == QQ_GEN_PCQQ && !qq_body_aligned(len, h->hdr_len)
            && (h->variant == QQ_VAR_LOGIN_REQ || h->variant == QQ_VAR_EXT_REQ || h->variant == QQ_VAR_EXT_ZERO_RUN)) {
        /* 0x0836 after the 26-byte header, 0x0828 after the 22-byte one. */
        if (qq_skip_login_tlvs(tvb, h) && h->variant != QQ_VAR_LOGIN_REQ)
            h->reason = qq_why_login_fields;
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

/* Copies of one (command, sequence) further apart than this are not
 * answered out of order: a sequence number reused after it wrapped around
 * starts afresh. */
#define QQ_SEQ_REUSE_WINDOW_SECS 60

/* First pass: bind a reply to the earliest unanswered copy with its
 * command and sequence (within QQ_SEQ_REUSE_WINDOW_SECS of the newest), so
 * that three logouts answered three times pair up in order, and so do two
 * server pushes that share a sequence number (same microsecond, different
 * ciphertext) and the client's two acks. Returns the copy, or NULL;
 * *duplicate when every copy had its reply. */
static qq_txn_t *
qq_track_reply(qq_conv_t *qc, packet_info *pinfo, uint16_t cmd, uint16_t seq, bool *duplicate)
{
    qq_txn_t *latest = qc->txns ? (qq_txn_t *)wmem_map_lookup(qc->txns, qq_txn_key(cmd, seq)) : NULL;
    qq_txn_t *cur, *pick = NULL, *head;
    int steps = 0;

    if (!latest)
        return NULL;
    for (cur = latest; cur && steps++ < 64; cur = cur->prev) {
        if (cur != latest && cur->req_time.secs + QQ_SEQ_REUSE_WINDOW_SECS < latest->req_time.secs)
            break;
        if (!cur->rep_frame)
            pick = cur;
    }
    if (!pick) {
        *duplicate = true;
        return latest;
    }
    pick->rep_frame = pinfo->num;
    /* The resend group's first copy says that the group was answered. */
    for (head = pick, steps = 0; head->resend && head->prev && steps++ < 64; head = head->prev)
        ;
    head->answered = true;
    return pick;
}

/* Request/reply links. "No reply" is only known once the whole capture has
 * been read: a later pass (tshark -2, or the GUI revisiting a frame) says
 * it; the first pass, which is the only one of tshark -r and of a live
 * capture, has not seen the replies that follow. */
static void
qq_add_links(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const qq_txn_t *txn, bool is_request,
        uint32_t retrans_of, bool duplicate, const qq_header_t *h)
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
        } else if (PINFO_FD_VISITED(pinfo) && !retrans_of && !txn->answered
                && qq_expects_answer(h->generation, h->cmd)) {
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

/* A request's extension: flag, 2 reserved bytes, client type, build; the
 * login header adds 4 reserved bytes; two headers end with 8 zero bytes. */
static void
qq_dissect_header_ext(tvbuff_t *tvb, proto_tree *tree, const qq_header_t *h)
{
    int off = QQ_HDR_CLASSIC_REQ;
    proto_item *ti;
    proto_tree *ext;

    switch (h->variant) {
    case QQ_VAR_EXT_REQ:
    case QQ_VAR_EXT_ZERO_RUN:
    case QQ_VAR_LOGIN_REQ:
        ti = proto_tree_add_item(tree, hf_qq_header_ext, tvb, off,
                (h->variant == QQ_VAR_LOGIN_REQ ? QQ_HDR_LOGIN_REQ : QQ_HDR_EXT_REQ) - off, ENC_NA);
        ext = proto_item_add_subtree(ti, ett_qq_header_ext);
        proto_tree_add_item(ext, hf_qq_ext_flag, tvb, off, 1, ENC_NA);
        proto_tree_add_item(ext, hf_qq_ext_reserved, tvb, off + 1, 2, ENC_NA);
        proto_tree_add_item(ext, hf_qq_ext_client_type, tvb, off + 3, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(ext, hf_qq_ext_build, tvb, off + 7, 4, ENC_BIG_ENDIAN);
        if (h->variant == QQ_VAR_LOGIN_REQ)
            proto_tree_add_item(ext, hf_qq_ext_login_reserved, tvb, off + 11, 4, ENC_NA);
        else if (h->variant == QQ_VAR_EXT_ZERO_RUN)
            proto_tree_add_item(tree, hf_qq_zero_run, tvb, QQ_HDR_EXT_REQ, QQ_ZERO_RUN, ENC_NA);
        break;
    case QQ_VAR_BASIC_ZERO_RUN:
        proto_tree_add_item(tree, hf_qq_zero_run, tvb, off, QQ_ZERO_RUN, ENC_NA);
        break;
    case QQ_VAR_REPLY:
        ti = proto_tree_add_item(tree, hf_qq_reply_flags, tvb, off, 3, ENC_BIG_ENDIAN);
        ext = proto_item_add_subtree(ti, ett_qq_reply_flags);
        proto_tree_add_item(ext, hf_qq_reply_flag1, tvb, off, 1, ENC_NA);
        proto_tree_add_item(ext, hf_qq_reply_flag2, tvb, off + 1, 1, ENC_NA);
        proto_tree_add_item(ext, hf_qq_reply_flag3, tvb, off + 2, 1, ENC_NA);
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

static void
qq_tap_family(packet_info *pinfo, int variant)
{
    qq_tap_info_t *tap = wmem_new0(pinfo->pool, qq_tap_info_t);

    tap->variant = (uint8_t)variant;
    tap_queue_packet(qq_tap, pinfo, tap);
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
    qq_tap_family(pinfo, variant);
    return len;
}

/* Is this the other Tencent family that starts 02 03 (doc/qq.md section 3):
 * an 18-byte header whose 4-byte length counts the ciphertext between the
 * header and the tail? Only a length that adds up exactly makes it one
 * (real packets: 83 bytes with length 0x40, 43 bytes with 0x18). */
static bool
qq_is_family_0203(tvbuff_t *tvb)
{
    int len = tvb_reported_length(tvb);

    return len > QQ_FAMILY_0203_HDR && tvb_captured_length(tvb) >= 6
        && tvb_get_uint8(tvb, 1) == QQ_FAMILY_0203_MARK
        && tvb_get_ntohl(tvb, 2) == (uint32_t)(len - QQ_FAMILY_0203_HDR - 1);
}

static void qq_decrypt_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *qq_tree, proto_item *ti,
        const qq_conv_t *qc, const qq_header_t *h, uint32_t request_frame, const qq_login_prefix_t *prefix);

static int
qq_dissect_family_0203(tvbuff_t *tvb, packet_info *pinfo, proto_item *ti, qq_conv_t *qc)
{
    int len = tvb_reported_length(tvb);
    int body_len = len - 1 - QQ_FAMILY_0203_HDR;
    proto_item *it;
    proto_tree *qq_tree;
    uint32_t uin;
    qq_header_t h;

    proto_item_append_text(ti, ", %s", val_to_str_const(QQ_VAR_FAMILY_0203, qq_variant_vals, "?"));
    qq_tree = proto_item_add_subtree(ti, ett_qq);
    proto_tree_add_item(qq_tree, hf_qq_flag, tvb, 0, 1, ENC_NA);
    proto_tree_add_item(qq_tree, hf_qq_family_marker, tvb, 1, 1, ENC_NA);
    proto_tree_add_item(qq_tree, hf_qq_family_length, tvb, 2, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item_ret_uint(qq_tree, hf_qq_uin, tvb, 6, 4, ENC_BIG_ENDIAN, &uin);
    proto_tree_add_item(qq_tree, hf_qq_family_word1, tvb, 10, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(qq_tree, hf_qq_family_word2, tvb, 14, 4, ENC_BIG_ENDIAN);
    it = proto_tree_add_uint(qq_tree, hf_qq_variant, tvb, 0, 0, QQ_VAR_FAMILY_0203);
    proto_item_set_generated(it);
    if (body_len > 0)
        proto_tree_add_item(qq_tree, hf_qq_body, tvb, QQ_FAMILY_0203_HDR, body_len, ENC_NA);
    qq_add_tail(tvb, pinfo, qq_tree, len - 1);
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, " | ", "02 03 family packet, QQ=%u, %d bytes", uin, len);
    /* Its ciphertext opens with the QQ number's session key, when known. */
    memset(&h, 0, sizeof h);
    h.dir = qq_direction(qc, pinfo);
    h.generation = QQ_GEN_PCQQ;
    h.uin = uin;
    h.has_uin = true;
    h.key_off = -1;
    h.body_off = QQ_FAMILY_0203_HDR;
    h.body_len = body_len;
    qq_decrypt_body(tvb, pinfo, qq_tree, ti, qc, &h, 0, NULL);
    qq_tap_family(pinfo, QQ_VAR_FAMILY_0203);
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

/* A server packet whose version field lies outside every range carries the
 * client's build there (replies to 0x00b9 do) when the conversation's
 * version is known to differ: from the client's packets, or from other
 * server packets when the capture holds one direction only. A 0x00b9 reply
 * with no version known yet is taken for PC QQ's. */
static void
qq_check_build_in_version(packet_info *pinfo, const qq_conv_t *qc, qq_header_t *h)
{
    uint16_t known = 0;
    bool in_range;

    if (qc->client_version_frame && qc->client_version_frame < pinfo->num)
        known = qc->client_version;
    else if (qc->server_version_frame && qc->server_version_frame < pinfo->num)
        known = qc->server_version;
    if (known && known != h->version) {
        h->version_is_build = true;
        h->generation = qq_generation(known, &in_range);
    } else if (!known && h->cmd == 0x00b9) {
        h->version_is_build = true;
        h->generation = QQ_GEN_PCQQ;
    }
}

/* Read the fixed fields, the direction and the generation, then choose the
 * header layout and locate the body. A server packet whose version field
 * lies outside every range and differs from the client's known version
 * carries the client's build there (0x00b9 replies): the client's
 * generation holds. */
static void
qq_parse_header(tvbuff_t *tvb, packet_info *pinfo, const qq_conv_t *qc, qq_header_t *h)
{
    int caplen = tvb_captured_length(tvb);

    memset(h, 0, sizeof *h);
    h->dir = qq_direction(qc, pinfo);
    h->version = caplen >= 3 ? tvb_get_ntohs(tvb, 1) : 0;
    h->cmd = caplen >= 5 ? tvb_get_ntohs(tvb, 3) : 0;
    h->seq = caplen >= 7 ? tvb_get_ntohs(tvb, 5) : 0;
    h->generation = qq_generation(h->version, &h->version_in_range);
    if (!h->version_in_range && h->dir == QQ_DIR_S2C)
        qq_check_build_in_version(pinfo, qc, h);
    qq_choose_header(tvb, h);
    if (h->variant)
        qq_locate_body(tvb, h);
    if (h->has_uin && caplen >= QQ_HDR_CLASSIC_REQ)
        h->uin = tvb_get_ntohl(tvb, 7);
}

/* First pass: what the client's packets teach about the conversation. */
static void
qq_learn_client(qq_conv_t *qc, packet_info *pinfo, const qq_header_t *h)
{
    if (PINFO_FD_VISITED(pinfo) || pinfo->flags.in_error_pkt)
        return;
    if (h->dir == QQ_DIR_C2S && !qc->client_version_frame) {
        qc->client_version = h->version;
        qc->client_version_frame = pinfo->num;
    } else if (h->dir == QQ_DIR_S2C && !qc->server_version_frame && h->version_in_range) {
        qc->server_version = h->version;
        qc->server_version_frame = pinfo->num;
    }
}

/* Version (or build), command and their names, generation. A version
 * outside every range is noted once per conversation, not per packet. */
static const char *
qq_add_version_and_command(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qq_conv_t *qc,
        const qq_header_t *h, unsigned pdu)
{
    const char *cmd_name = qq_cmd_name(h->generation, h->version, h->cmd);
    proto_item *ver_it, *cmd_it, *it;

    if (h->version_is_build) {
        ver_it = proto_tree_add_item(tree, hf_qq_build, tvb, 1, 2, ENC_BIG_ENDIAN);
    } else {
        ver_it = proto_tree_add_item(tree, hf_qq_version, tvb, 1, 2, ENC_BIG_ENDIAN);
        /* A version the table does not list is still named by its
         * generation (from its range, or from its header layout). */
        if (h->version_in_range && !try_val_to_str(h->version, qq_version_vals))
            proto_item_set_text(ver_it, "Version: %s, a version the table does not list (0x%04x)",
                    val_to_str_const(h->generation, qq_generation_vals, "?"), h->version);
    }
    cmd_it = proto_tree_add_item(tree, hf_qq_cmd, tvb, 3, 2, ENC_BIG_ENDIAN);
    if (cmd_name) {
        proto_item_append_text(cmd_it, " (%s)", cmd_name);
        it = proto_tree_add_string(tree, hf_qq_cmd_name, tvb, 3, 2, cmd_name);
        proto_item_set_generated(it);
    } else {
        expert_add_info_format(pinfo, cmd_it, &ei_qq_unknown_command,
                "Command 0x%04x is not known for %s clients", h->cmd,
                val_to_str_const(h->generation, qq_generation_short_vals, "these"));
    }
    if (!h->version_in_range && !h->version_is_build && !pinfo->flags.in_error_pkt) {
        if (!PINFO_FD_VISITED(pinfo) && !qc->unknown_version_frame) {
            qc->unknown_version_frame = pinfo->num;
            qc->unknown_version_pdu = pdu;
        }
        if (qc->unknown_version_frame == pinfo->num && qc->unknown_version_pdu == pdu)
            expert_add_info_format(pinfo, ver_it, &ei_qq_unknown_version,
                    "Client version 0x%04x lies outside every known generation's range: header and command"
                    " names of the %s generation assumed (noted once per conversation)",
                    h->version, val_to_str_const(h->generation, qq_generation_short_vals, "?"));
    }
    proto_tree_add_item(tree, hf_qq_seq, tvb, 5, 2, ENC_BIG_ENDIAN);
    return cmd_name;
}

/* Generated fields that explain the decoding: layout, why, generation. */
static void
qq_add_decoding_notes(tvbuff_t *tvb, proto_tree *tree, const qq_header_t *h)
{
    proto_item *it;

    it = proto_tree_add_uint(tree, hf_qq_variant, tvb, 0, 0, h->variant);
    proto_item_set_generated(it);
    if (h->reason) {
        it = proto_tree_add_string(tree, hf_qq_variant_reason, tvb, 0, 0, h->reason);
        proto_item_set_generated(it);
    }
    it = proto_tree_add_uint(tree, hf_qq_generation, tvb, 1, 2, h->generation);
    proto_item_set_generated(it);
    if (h->version_is_build)
        proto_item_append_text(it, " (of the client's version; this server packet carries the client's build)");
    else if (h->generation_by_layout)
        proto_item_append_text(it, " (by its header layout: version 0x%04x lies in the classic range)", h->version);
    else if (!h->version_in_range)
        proto_item_append_text(it, " (assumed: version 0x%04x lies outside every generation's range)", h->version);
    it = proto_tree_add_uint(tree, hf_qq_direction, tvb, 0, 0, h->dir);
    proto_item_set_generated(it);
}

/* The body after the header: the clear-text login key or login TLVs, then
 * the QQ-TEA ciphertext (offset and length in h). A decryption step goes
 * here. */
static void
qq_dissect_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qq_header_t *h,
        qq_login_prefix_t *prefix)
{
    prefix->key_off = -1;
    prefix->known_pair = NULL;
    if (h->key_off >= 0)
        proto_tree_add_item(tree, hf_qq_login_key, tvb, h->key_off, QQ_LOGIN_KEY_LEN, ENC_NA);
    if (h->prefix_zeros > 0)
        proto_tree_add_item(tree, hf_qq_zero_run, tvb, h->clear_off - h->prefix_zeros, h->prefix_zeros, ENC_NA);
    if (h->clear_len > 0) {
        proto_item *ti = proto_tree_add_item(tree, hf_qq_login_fields, tvb, h->clear_off, h->clear_len, ENC_NA);

        qq_login_dissect_prefix(tvb, pinfo, proto_item_add_subtree(ti, ett_qq_login_fields), h->cmd, h->clear_off,
                h->clear_len, prefix);
    }
    if (h->body_len > 0)
        proto_tree_add_item(tree, hf_qq_body, tvb, h->body_off, h->body_len, ENC_NA);
}

/* Requests, replies, pushes and acks (first pass records, later passes
 * read back). A packet quoted inside an ICMP error is shown, not tracked. */
static void
qq_link_packet(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qq_conv_t *qc, const qq_header_t *h,
        unsigned pdu, bool is_request, uint32_t *retrans_of, uint32_t *request_frame)
{
    qq_txn_t *txn = NULL;
    bool duplicate = false;

    *retrans_of = 0;
    *request_frame = 0;
    if (pinfo->flags.in_error_pkt || h->dir == QQ_DIR_UNKNOWN)
        return;
    if (PINFO_FD_VISITED(pinfo)) {
        txn = (qq_txn_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_qq, pdu);
        duplicate = txn && !is_request
            && p_get_proto_data(wmem_file_scope(), pinfo, proto_qq, QQ_KEY_DUPLICATE | pdu);
    } else {
        if (is_request)
            txn = qq_track_request(qc, pinfo, tvb, h->cmd, h->seq);
        else
            txn = qq_track_reply(qc, pinfo, h->cmd, h->seq, &duplicate);
        if (txn)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_qq, pdu, txn);
        if (duplicate)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_qq, QQ_KEY_DUPLICATE | pdu, GINT_TO_POINTER(1));
    }
    if (!txn)
        return;
    if (!is_request)
        *request_frame = txn->req_frame;
    if (is_request && txn->resend)
        *retrans_of = txn->first_frame;
    qq_add_links(tree, pinfo, tvb, txn, is_request, *retrans_of, duplicate, h);
}

/* Info, e.g. "QQ2010 Login (0x0091) seq=0x0314 QQ=550313996 C→S [11-byte
 * header]": generation, command, sequence, QQ number, direction, the role
 * of pushes and their acks, the header, resends. */
static void
qq_set_info(packet_info *pinfo, const qq_header_t *h, const char *cmd_name, bool push, uint32_t retrans_of)
{
    qq_info_t info;

    info.len = 0;
    info.buf[0] = '\0';
    qq_info_add(&info, val_to_str_const(h->generation,
            h->version_in_range || h->version_is_build ? qq_generation_short_vals : qq_generation_assumed_vals, "QQ"));
    qq_info_add(&info, " ");
    qq_info_add(&info, cmd_name ? cmd_name : "Unknown command");
    qq_info_add(&info, " (0x");
    qq_info_hex(&info, h->cmd);
    qq_info_add(&info, ") seq=0x");
    qq_info_hex(&info, h->seq);
    if (h->has_uin) {
        qq_info_add(&info, " QQ=");
        qq_info_uint(&info, h->uin);
    }
    if (h->dir == QQ_DIR_C2S)
        qq_info_add(&info, " C" UTF8_RIGHTWARDS_ARROW "S");
    else if (h->dir == QQ_DIR_S2C)
        qq_info_add(&info, " S" UTF8_RIGHTWARDS_ARROW "C");
    /* Server pushes are started by the server and acked by the client. */
    if (push && h->dir != QQ_DIR_UNKNOWN)
        qq_info_add(&info, h->dir == QQ_DIR_C2S ? " ack" : " push");
    qq_info_add(&info, " [");
    qq_info_add(&info, val_to_str_const(h->variant, qq_variant_short_vals, "?"));
    qq_info_add(&info, "]");
    if (retrans_of) {
        qq_info_add(&info, " [resend of #");
        qq_info_uint(&info, retrans_of);
        qq_info_add(&info, "]");
    }
    col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info.buf);
}

/* Hand the body to the decryption module (packet-qq-decrypt.c) with what
 * the header says; it does nothing when no key could open the body. */
static void
qq_decrypt_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *qq_tree, proto_item *ti, const qq_conv_t *qc,
        const qq_header_t *h, uint32_t request_frame, const qq_login_prefix_t *prefix)
{
    qq_decrypt_packet_info_t d;

    if (h->dir == QQ_DIR_UNKNOWN)
        return;
    d.generation = h->generation == QQ_GEN_CLASSIC ? QQ_DECRYPT_GEN_CLASSIC
        : (h->generation == QQ_GEN_PCQQ ? QQ_DECRYPT_GEN_PCQQ : QQ_DECRYPT_GEN_2010);
    d.cmd = h->cmd;
    d.seq = h->seq;
    d.from_server = h->dir == QQ_DIR_S2C;
    d.uin = h->has_uin ? h->uin : 0;
    d.key_off = h->key_off;
    d.body_off = h->body_off;
    d.body_len = h->body_len;
    d.request_frame = request_frame;
    d.conversation = qc;
    d.login_key_off = prefix ? prefix->key_off : -1;
    d.known_pair = prefix ? prefix->known_pair : NULL;
    qq_decrypt_packet(tvb, pinfo, qq_tree, ti, &d);
}

static void
qq_tap_basic(packet_info *pinfo, const qq_header_t *h, const char *cmd_name)
{
    qq_tap_info_t *tap = wmem_new(pinfo->pool, qq_tap_info_t);

    tap->version = h->version;
    tap->cmd = h->cmd;
    tap->dir = h->dir;
    tap->variant = h->variant;
    tap->version_is_build = h->version_is_build;
    tap->cmd_name = cmd_name;
    tap_queue_packet(qq_tap, pinfo, tap);
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
    qq_header_t h;
    qq_login_prefix_t prefix;
    bool push;
    unsigned pdu = 0;
    uint32_t retrans_of, request_frame;
    const char *cmd_name;
    proto_item *it;
    proto_tree *qq_tree;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "QQ");
    if (!ti)
        ti = proto_tree_add_item(tree, proto_qq, tvb, 0, -1, ENC_NA);
    if (flag != QQ_FLAG_BASIC)
        return qq_dissect_family(tvb, pinfo, ti, flag);
    qq_learn_server(qc, pinfo, server_port);
    if (qq_is_family_0203(tvb))
        return qq_dissect_family_0203(tvb, pinfo, ti, qc);

    qq_parse_header(tvb, pinfo, qc, &h);
    qq_tree = proto_item_add_subtree(ti, ett_qq);
    proto_tree_add_item(qq_tree, hf_qq_flag, tvb, 0, 1, ENC_NA);
    if (h.variant == 0) {
        /* Shorter than any header for this direction (TCP or Decode As). */
        it = proto_tree_add_uint(qq_tree, hf_qq_direction, tvb, 0, 0, h.dir);
        proto_item_set_generated(it);
        expert_add_info_format(pinfo, ti, &ei_qq_truncated,
                "Packet of %d bytes is shorter than a QQ header", len);
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", "Truncated QQ packet");
        return len;
    }
    qq_learn_client(qc, pinfo, &h);
    if (!pinfo->flags.in_error_pkt)
        pdu = qq_next_pdu_index(pinfo);

    cmd_name = qq_add_version_and_command(tvb, pinfo, qq_tree, qc, &h, pdu);
    if (h.has_uin)
        proto_tree_add_item(qq_tree, hf_qq_uin, tvb, 7, 4, ENC_BIG_ENDIAN);
    qq_dissect_header_ext(tvb, qq_tree, &h);
    qq_add_decoding_notes(tvb, qq_tree, &h);
    qq_dissect_body(tvb, pinfo, qq_tree, &h, &prefix);
    qq_add_tail(tvb, pinfo, qq_tree, len - 1);

    push = qq_is_push(h.generation, h.cmd);
    qq_link_packet(tvb, pinfo, qq_tree, qc, &h, pdu, (h.dir == QQ_DIR_C2S) != push, &retrans_of, &request_frame);

    proto_item_append_text(ti, ", %s, %s (0x%04x), seq 0x%04x",
            val_to_str_const(h.variant, qq_variant_vals, "Unknown"),
            cmd_name ? cmd_name : "Unknown", h.cmd, h.seq);
    qq_set_info(pinfo, &h, cmd_name, push, retrans_of);
    qq_decrypt_body(tvb, pinfo, qq_tree, ti, qc, &h, request_frame, &prefix);
    qq_tap_basic(pinfo, &h, cmd_name);
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

/* A capture can start in the middle of a QQ packet on TCP 443 (lab
 * captures have no handshake): a first payload that is neither TLS/HTTP nor
 * QQ leaves the conversation undecided for a few more payloads, and the
 * first that starts with QQ (or SSO, Highway) framing decides it from that
 * frame on. */
#define QQ_TLS_MAX_LOOKS 4

/* Whether a payload starts like the port's own protocol, in two byte
 * compares: a TLS record header (type 0x14..0x18, major version 3) on 443,
 * an HTTP method or status line (an upper-case letter) on 80 and 8080. */
static bool
qq_guard_port_owner_like(tvbuff_t *tvb, bool tls_port)
{
    uint8_t b0;

    if (tvb_captured_length(tvb) < 2)
        return false;
    b0 = tvb_get_uint8(tvb, 0);
    if (tls_port)
        return b0 >= 0x14 && b0 <= 0x18 && tvb_get_uint8(tvb, 1) == 0x03;
    return b0 >= 'A' && b0 <= 'Z';
}

/* First pass: decide what a conversation on a shared port is, from this
 * payload. A dissector of the guard list that accepts the payload has
 * dissected it (and set itself as the conversation's dissector). */
static int
qq_tls_port_decide(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, qq_conv_t *qc, bool tls_port)
{
    heur_dtbl_entry_t *hdtbl_entry;

    if (!(tls_port ? qq_over_tls_port : qq_over_http_ports))
        return QQ_TLS_NOT_QQ;
    if (qq_guard_port_owner_like(tvb, tls_port))
        return QQ_TLS_NOT_QQ;
    if (proto_is_protocol_enabled(find_protocol_by_id(proto_qq)) && qq_tcp_framing_ok(tvb, false)) {
        qc->tls_qq_from = pinfo->num;
        return QQ_TLS_IS_QQ;
    }
    pinfo->can_desegment = pinfo->saved_can_desegment;
    if (dissector_try_heuristic(qq_guard_heur_list, tvb, pinfo, tree, &hdtbl_entry, NULL))
        return QQ_GUARD_CLAIMED;
    return ++qc->tls_looks >= QQ_TLS_MAX_LOOKS ? QQ_TLS_NOT_QQ : QQ_TLS_UNDECIDED;
}

/* The tcp.port 443, 80 and 8080 handle: QQ, SSO or Highway per
 * conversation, else the port's own protocol (TLS on 443, HTTP on the
 * others). */
static int
dissect_qq_tls_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    bool tls_port = pinfo->match_uint == QQ_TLS_PORT;
    dissector_handle_t owner = tls_port ? tls_handle : http_tcp_handle;
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    qq_conv_t *qc = conv ? (qq_conv_t *)conversation_get_proto_data(conv, proto_qq) : NULL;
    int state = qc ? qc->tls_state : QQ_TLS_UNDECIDED;

    if (state == QQ_TLS_UNDECIDED && !PINFO_FD_VISITED(pinfo) && !pinfo->flags.in_error_pkt
            && tvb_captured_length(tvb) > 0) {
        qc = qq_get_conv(pinfo, NULL);
        state = qc->tls_state = qq_tls_port_decide(tvb, pinfo, tree, qc, tls_port);
        if (state == QQ_GUARD_CLAIMED)
            return tvb_captured_length(tvb);
    }
    if (state == QQ_TLS_IS_QQ && pinfo->num >= qc->tls_qq_from) {
        qq_learn_server(qc, pinfo, tls_port ? QQ_TLS_PORT : pinfo->match_uint);
        return call_dissector_only(qq_tcp_inner_handle, tvb, pinfo, tree, qc);
    }
    if (state == QQ_GUARD_CLAIMED) {
        /* Normally the claiming dissector now owns the conversation and TCP
         * calls it directly; ask the list again when TCP still comes here. */
        heur_dtbl_entry_t *hdtbl_entry;

        pinfo->can_desegment = pinfo->saved_can_desegment;
        if (dissector_try_heuristic(qq_guard_heur_list, tvb, pinfo, tree, &hdtbl_entry, NULL))
            return tvb_captured_length(tvb);
    }
    if (!owner)
        return 0;
    /* Every dissector level lowers can_desegment; give TLS/HTTP what TCP gave us. */
    pinfo->can_desegment = pinfo->saved_can_desegment;
    /* call_dissector_only: when TLS refuses the data (MSNP text on 443, say),
     * return 0 so that TCP offers it to the heuristics. */
    return call_dissector_only(owner, tvb, pinfo, tree, data);
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
     * known client version or a command known in that version's generation. */
    {
        bool in_range;

        if (!try_val_to_str(version, qq_version_vals) &&
            !qq_cmd_name(qq_generation(version, &in_range), version, tvb_get_ntohs(tvb, 3)))
            return false;
    }
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

static bool
qq_variant_is_family(uint8_t variant)
{
    return (variant >= QQ_VAR_FAMILY_P2P && variant <= QQ_VAR_FAMILY_EMOTICON) || variant == QQ_VAR_FAMILY_0203;
}

static tap_packet_status
qq_stats_tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
        const void *p, tap_flags_t flags _U_)
{
    const qq_tap_info_t *info = (const qq_tap_info_t *)p;
    char name[96];
    const char *ver_name = try_val_to_str(info->version, qq_version_vals);
    bool in_range;
    uint8_t generation = qq_generation(info->version, &in_range);

    tick_stat_node(st, st_str_packets, 0, false);
    if (qq_variant_is_family(info->variant)) {
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
    if (info->version_is_build)
        snprintf(name, sizeof name, "client build 0x%04x (in a server packet)", info->version);
    else if (ver_name)
        snprintf(name, sizeof name, "0x%04x %s", info->version, ver_name);
    else if (in_range)
        snprintf(name, sizeof name, "0x%04x (in the %s range)", info->version,
                val_to_str_const(generation, qq_generation_short_vals, "?"));
    else
        snprintf(name, sizeof name, "0x%04x (unknown)", info->version);
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
            "Client version code (bytes 1-2). Its range gives the client generation: up to 0x1bff Classic,"
            " 0x1c00-0x2eff QQ2010 to QQ2012, 0x2f00-0x4fff PC QQ 2012 and later (TIM shares it)", HFILL }},
        { &hf_qq_build,
          { "Client build", "qq.build", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Bytes 1-2 of a server packet that carry the client's build instead of a version (replies to"
            " 0x00b9 do); the build matches the end of the client's header extension", HFILL }},
        { &hf_qq_cmd,
          { "Command", "qq.cmd", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Command code (bytes 3-4); the same code means different things in different client generations", HFILL }},
        { &hf_qq_cmd_name,
          { "Command name", "qq.cmd_name", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name of the command in the command table of the client's generation", HFILL }},
        { &hf_qq_seq,
          { "Sequence", "qq.seq", FT_UINT16, BASE_HEX_DEC, NULL, 0x0,
            "Sequence number (bytes 5-6); a reply or acknowledgement repeats the command and this number", HFILL }},
        { &hf_qq_uin,
          { "QQ number", "qq.uin", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The user's QQ number (UIN, bytes 7-10, in server packets too); only classic 7-byte server headers"
            " leave it out", HFILL }},
        { &hf_qq_header_ext,
          { "Header extension", "qq.header_ext", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Request header bytes after the QQ number: 11 in the 22-byte header, 15 in the 26-byte login header",
            HFILL }},
        { &hf_qq_ext_flag,
          { "Extension flag", "qq.header_ext.flag", FT_UINT8, BASE_HEX, VALS(qq_ext_flag_vals), 0x0,
            "First extension byte: 0x02 in most requests, 0x04 in requests whose header goes on with 8 zero"
            " bytes, 0x03 in the 26-byte login header", HFILL }},
        { &hf_qq_ext_reserved,
          { "Reserved", "qq.header_ext.reserved", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Two bytes after the extension flag, zero in known clients", HFILL }},
        { &hf_qq_ext_client_type,
          { "Client type", "qq.header_ext.client_type", FT_UINT32, BASE_HEX, NULL, 0x0,
            "Client type of the program that sent the request (4 bytes, e.g. 0x00010101)", HFILL }},
        { &hf_qq_ext_build,
          { "Client build", "qq.header_ext.build", FT_UINT32, BASE_HEX, NULL, 0x0,
            "Build (publication) number of the client that sent the request (4 bytes); servers echo its low"
            " half in some replies", HFILL }},
        { &hf_qq_ext_login_reserved,
          { "Reserved", "qq.header_ext.login_reserved", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Four bytes that end the 26-byte login header, zero in known clients", HFILL }},
        { &hf_qq_zero_run,
          { "Zero bytes", "qq.zero_bytes", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Zero bytes between the header and the body: 8 after the 22-byte header of requests with extension"
            " flag 0x04 and after the 11-byte header of the one-way 0x0001 packets; 4 or 8 before the clear-text"
            " fields of a 0x0836 request whose header ends early", HFILL }},
        { &hf_qq_reply_flags,
          { "Reply flags", "qq.reply_flags", FT_UINT24, BASE_HEX, NULL, 0x0,
            "The 3 bytes after the QQ number in a 14-byte server header; real servers send 00 00 00,"
            " 00 04 00, 00 04 xx, 00 00 xx, 00 20 00 and more", HFILL }},
        { &hf_qq_reply_flag1,
          { "First reply-flag byte", "qq.reply_flags.first", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Byte 11 of a 14-byte server header, zero in known captures", HFILL }},
        { &hf_qq_reply_flag2,
          { "Second reply-flag byte", "qq.reply_flags.second", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Byte 12 of a 14-byte server header (0x00, 0x04, 0x08, 0x20 seen; JavaPcQQ925 reads 00 08 00 on a"
            " 0x0836 reply as its second-key encryption mode)", HFILL }},
        { &hf_qq_reply_flag3,
          { "Third reply-flag byte", "qq.reply_flags.third", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Byte 13 of a 14-byte server header; takes dozens of values in one capture", HFILL }},
        { &hf_qq_family_marker,
          { "Family marker", "qq.family_marker", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Second byte 0x03 of the 02 03 family, where the basic family has the version", HFILL }},
        { &hf_qq_family_length,
          { "Family length", "qq.family_length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes 2-5 of the 02 03 family: the length of its ciphertext, which follows the 18-byte header"
            " (real packets: 0x40 in an 83-byte packet, 0x18 in a 43-byte one)", HFILL }},
        { &hf_qq_family_word1,
          { "Family word 1", "qq.family_word1", FT_UINT32, BASE_HEX, NULL, 0x0,
            "Bytes 10-13 of the 02 03 family, after the QQ number; no public source names them", HFILL }},
        { &hf_qq_family_word2,
          { "Family word 2", "qq.family_word2", FT_UINT32, BASE_HEX, NULL, 0x0,
            "Bytes 14-17 of the 02 03 family, the last of its header; no public source names them", HFILL }},
        { &hf_qq_login_key,
          { "Login key", "qq.login_key", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Random 16-byte key the client sends in clear at the start of a login-family request; the rest of"
            " the body is encrypted with it (0x0825 and 0x0818 of PC QQ: at offset 26)", HFILL }},
        { &hf_qq_login_fields,
          { "Clear-text login fields", "qq.login_fields", FT_BYTES, BASE_NONE, NULL, 0x0,
            "TLVs (type, length, value) in clear text before the ciphertext of a PC QQ login request that"
            " carries no login key (0x0836: a count, the client's public key and a key; 0x0828: a token)",
            HFILL }},
        { &hf_qq_body,
          { "Encrypted body", "qq.body", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Body after the header (and login key), encrypted with QQ's 16-round TEA variant: a multiple of 8"
            " bytes, at least 16", HFILL }},
        { &hf_qq_skipped,
          { "Skipped bytes", "qq.skipped", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes after a bad TCP length that start no QQ packet; the reader skips them up to the byte after a 0x03 that a plausible packet follows", HFILL }},
        { &hf_qq_tail,
          { "Tail", "qq.tail", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Last byte of every QQ packet; it must be 0x03", HFILL }},
        { &hf_qq_variant,
          { "Header variant", "qq.variant", FT_UINT8, BASE_DEC, VALS(qq_variant_vals), 0x0,
            "Header layout this packet was decoded with: from the direction, the generation and the structure"
            " (the layout that leaves a body of whole 8-byte cipher blocks), never from fill bytes", HFILL }},
        { &hf_qq_variant_reason,
          { "Why this variant", "qq.variant_reason", FT_STRING, BASE_NONE, NULL, 0x0,
            "What in the packet's structure chose its header layout among the ones its generation uses", HFILL }},
        { &hf_qq_generation,
          { "Client generation", "qq.generation", FT_UINT8, BASE_DEC, VALS(qq_generation_vals), 0x0,
            "Client generation whose header layouts and command table apply: from the range of the version"
            " (assumed from the nearest range for a version outside every range)", HFILL }},
        { &hf_qq_direction,
          { "Direction", "qq.direction", FT_UINT8, BASE_DEC, VALS(qq_direction_vals), 0x0,
            "0 unknown, 1 client to server, 2 server to client (as msnp.direction): the server side is the QQ"
            " port (8000, 443) or else the side the first packet went to", HFILL }},
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
        &ett_qq_reply_flags,
        &ett_qq_login_fields,
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
          { "qq.unknown_version", PI_UNDECODED, PI_NOTE, "Client version outside every known generation's range", EXPFILL }},
        { &ei_qq_no_response,
          { "qq.no_response", PI_SEQUENCE, PI_NOTE, "No reply seen to this request", EXPFILL }},
        { &ei_qq_retransmission,
          { "qq.resend", PI_SEQUENCE, PI_NOTE, "Identical resend", EXPFILL }},
        { &ei_qq_duplicate_response,
          { "qq.duplicate_response", PI_SEQUENCE, PI_NOTE, "Reply to a request that was already answered", EXPFILL }},
    };

    module_t *qq_module;
    expert_module_t *expert_qq;
    int proto_tls, proto_http;

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
    prefs_register_bool_preference(qq_module, "tcp_http_ports",
            "Recognise QQ, SSO and Highway on TCP ports 80 and 8080",
            "Whether conversations on TCP ports 80 and 8080 that start with QQ framing, or that a"
            " dissector of the \"qq_tcp_guard\" heuristic list (QQ SSO, Highway) accepts, are"
            " taken from HTTP; all other traffic on those ports goes to HTTP.",
            &qq_over_http_ports);
    qq_decrypt_register(proto_qq, qq_module, expert_qq);

    qq_handle = register_dissector("qq", dissect_qq, proto_qq);
    qq_tcp_handle = register_dissector("qq_tcp", dissect_qq_tcp, proto_qq);
    /* A helper protocol under TLS: TLS frames on 443 then list no extra layer,
     * and disabling QQ still leaves port 443 to TLS (the wrapper checks). */
    proto_tls = proto_get_id_by_filter_name("tls");
    proto_qq_tls_port = proto_register_protocol_in_name_only("QQ or TLS on TCP port 443",
            "QQ/TLS", "qq_tls_port", proto_tls >= 0 ? proto_tls : proto_qq, FT_PROTOCOL);
    qq_tls_port_handle = register_dissector("qq_tcp_443", dissect_qq_tls_port, proto_qq_tls_port);
    proto_http = proto_get_id_by_filter_name("http");
    proto_qq_http_port = proto_register_protocol_in_name_only("QQ or HTTP on TCP ports 80 and 8080",
            "QQ/HTTP", "qq_http_port", proto_http >= 0 ? proto_http : proto_qq, FT_PROTOCOL);
    qq_http_port_handle = register_dissector("qq_tcp_http", dissect_qq_tls_port, proto_qq_http_port);
    /* SSO and Highway register here to be tried on the first payloads of a
     * TCP 443, 80 or 8080 conversation before TLS or HTTP take it. */
    qq_guard_heur_list = register_heur_dissector_list("qq_tcp_guard", proto_qq);

    qq_tap = register_tap("qq");
}

/* Takes TCP 80 and 8080 from HTTP (to hand back all but QQ, SSO and
 * Highway), or gives them back when the preference is off. */
static void
qq_guard_http_ports(bool wanted, bool *registered)
{
    static const unsigned ports[] = { 80, 8080 };
    unsigned i;

    if (wanted == *registered)
        return;
    for (i = 0; i < array_length(ports); i++) {
        if (wanted) {
            dissector_add_uint("tcp.port", ports[i], qq_http_port_handle);
        } else {
            dissector_delete_uint("tcp.port", ports[i], qq_http_port_handle);
            dissector_add_uint("tcp.port", ports[i], http_tcp_handle);
        }
    }
    *registered = wanted;
}

void
proto_reg_handoff_qq(void)
{
    static bool initialized = false;
    static bool tls_port_registered = false;
    static bool http_ports_registered = false;

    if (!initialized) {
        dissector_add_uint_with_preference("udp.port", QQ_PORT, qq_handle);
        dissector_add_uint_with_preference("tcp.port", QQ_PORT, qq_tcp_handle);
        heur_dissector_add("udp", dissect_qq_heur_udp, "QQ over UDP", "qq_udp", proto_qq, HEURISTIC_ENABLE);
        heur_dissector_add("tcp", dissect_qq_heur_tcp, "QQ over TCP", "qq_tcp", proto_qq, HEURISTIC_ENABLE);
        tls_handle = find_dissector("tls");
        http_tcp_handle = find_dissector("http-over-tcp");
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
    qq_guard_http_ports(qq_over_http_ports && http_tcp_handle, &http_ports_registered);
}
