/* packet-msnp.c
 * Routines for MSNP (MSN Messenger protocol, MSNP2 to MSNP21) dissection
 *
 * Every command line becomes one tree item with its command, transaction id,
 * parameters and payload as fields.  Payloads and command lines split over
 * TCP segments are reassembled; requests and replies are paired by TrID;
 * XFR and RNG referrals label the next connection as notification server or
 * switchboard.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/expert.h>
#include <epan/conversation.h>
#include <epan/charsets.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>
#include <epan/to_str.h>
#include <epan/proto_data.h>
#include <epan/strutil.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/strtoi.h>
#include <wsutil/inet_addr.h>
#include <wsutil/wmem/wmem.h>

#include "plugin.h"
#include "ws-compat.h"
#include "packet-msnp.h"

#define MSNP_TCP_PORT       1863
#define MSNP_MEDIA_TYPE     "application/x-msn-messenger"
#define MSNP_MAX_TOKENS     64
#define MSNP_HEUR_MAX_LINE  4096

static int proto_msnp = -1;
static int msnp_tap = -1;

static int hf_msnp_direction = -1;
static int hf_msnp_server_role = -1;
static int hf_msnp_referred_by = -1;
static int hf_msnp_line = -1;
static int hf_msnp_cmd = -1;
static int hf_msnp_cmd_desc = -1;
static int hf_msnp_error = -1;
static int hf_msnp_trid = -1;
static int hf_msnp_param = -1;
static int hf_msnp_length = -1;
static int hf_msnp_payload = -1;
static int hf_msnp_version = -1;
static int hf_msnp_account = -1;
static int hf_msnp_friendly_name = -1;
static int hf_msnp_status = -1;
static int hf_msnp_session_id = -1;
static int hf_msnp_msg_ack_type = -1;
static int hf_msnp_cvr_locale = -1;
static int hf_msnp_cvr_os_type = -1;
static int hf_msnp_cvr_os_version = -1;
static int hf_msnp_cvr_arch = -1;
static int hf_msnp_cvr_client_name = -1;
static int hf_msnp_cvr_client_version = -1;
static int hf_msnp_cvr_client_id = -1;
static int hf_msnp_cvr_recommended_version = -1;
static int hf_msnp_cvr_minimum_version = -1;
static int hf_msnp_cvr_download_url = -1;
static int hf_msnp_cvr_info_url = -1;
static int hf_msnp_usr_auth = -1;
static int hf_msnp_usr_state = -1;
static int hf_msnp_usr_challenge = -1;
static int hf_msnp_usr_challenge_key = -1;
static int hf_msnp_usr_challenge_value = -1;
static int hf_msnp_usr_ticket = -1;
static int hf_msnp_usr_policy = -1;
static int hf_msnp_usr_response = -1;
static int hf_msnp_xfr_server_type = -1;
static int hf_msnp_xfr_ip = -1;
static int hf_msnp_xfr_port = -1;
static int hf_msnp_xfr_auth = -1;
static int hf_msnp_xfr_cookie = -1;
static int hf_msnp_chl_challenge = -1;
static int hf_msnp_qry_product_id = -1;
static int hf_msnp_qry_response = -1;
static int hf_msnp_msg_header = -1;
static int hf_msnp_msg_content_type = -1;
static int hf_msnp_msg_text = -1;
static int hf_msnp_msg_typing_user = -1;
static int hf_msnp_msg_body = -1;
static int hf_msnp_response_in = -1;
static int hf_msnp_response_to = -1;
static int hf_msnp_time = -1;

static int ett_msnp = -1;
static int ett_msnp_challenge = -1;
static int ett_msnp_challenge_item = -1;
static int ett_msnp_payload = -1;

static expert_field ei_msnp_error_reply = EI_INIT;
static expert_field ei_msnp_unknown_command = EI_INIT;
static expert_field ei_msnp_no_crlf = EI_INIT;
static expert_field ei_msnp_bad_trid = EI_INIT;
static expert_field ei_msnp_bad_length = EI_INIT;
static expert_field ei_msnp_partial_payload = EI_INIT;
static expert_field ei_msnp_line_too_long = EI_INIT;
static expert_field ei_msnp_bad_escape = EI_INIT;
static expert_field ei_msnp_name_unescaped = EI_INIT;
static expert_field ei_msnp_bad_address = EI_INIT;
static expert_field ei_msnp_unmatched_reply = EI_INIT;
static expert_field ei_msnp_empty_line = EI_INIT;

static dissector_handle_t msnp_handle;
static dissector_handle_t msnp_http_handle;
static dissector_handle_t xml_handle;

/* Preferences */
static ws_bool msnp_reassemble = true;
static unsigned msnp_max_payload = 1024 * 1024;
static unsigned msnp_max_line = 16 * 1024;
#define MSNP_MAX_LINE_CAP (1024 * 1024)   /* upper bound of the max_line preference */

/* Referrals from XFR and RNG: server address and port -> role and frame. */
static wmem_map_t *msnp_referrals;

/* First pass: connection and TrID -> the latest request with them.  One map
 * for all connections: a map each would cost its empty table per connection. */
static wmem_map_t *msnp_requests;
static uint32_t msnp_conv_count;

/* ---------------------------------------------------------------------- */
/* Protocol tables                                                          */

enum { DIR_UNKNOWN = 0, DIR_C2S = 1, DIR_S2C = 2 };

/* msnp.direction, as qq.direction: the same values and names in both
 * dissectors, in the tree, the statistics and -T ek/json output.  ASCII:
 * tshark pads the statistics columns by bytes, not characters. */
static const value_string msnp_direction_vals[] = {
    { DIR_UNKNOWN, "Unknown" },
    { DIR_C2S,     "Client to server" },
    { DIR_S2C,     "Server to client" },
    { 0, NULL }
};

/* In front of a command in the Info column and the item text. */
static const char *const msnp_dir_prefix[] = { "", "C\342\206\222S ", "S\342\206\222C " };

enum { ROLE_UNKNOWN = 0, ROLE_DS, ROLE_NS, ROLE_SB };

static const char *const msnp_role_names[] = {
    "Unknown", "DS", "NS", "SB"
};

/* How a command carries its TrID. */
enum {
    TRID_ALWAYS,    /* first parameter is the TrID */
    TRID_NEVER,     /* no TrID (pushed by the server, or PNG/QNG/OUT) */
    TRID_C2S,       /* TrID only when sent by the client (MSG) */
    TRID_OPTIONAL   /* TrID when the first parameter is numeric (LST, LSG, PRP, BPR, and
                     * BLP/GTC, which come without one in the MSNP8-12 SYN list) */
};

#define CMD_PAYLOAD 0x10   /* last parameter is the length of a payload */
#define CMD_MIME    0x20   /* payload is MIME headers, a blank line, a body */
#define CMD_BARE    0x40   /* may be sent without any parameter */
#define CMD_LENREQ  0x80   /* the last parameter must be a length (or OK) */
#define CMD_TRID(f) ((f) & 0x0f)

typedef struct {
    char        name[4];
    const char *desc;
    uint8_t      flags;
} msnp_cmd_t;

/* Sorted by name (binary search). */
static const msnp_cmd_t msnp_cmds[] = {
    { "ACK", "Message delivered",                            TRID_ALWAYS },
    { "ADC", "Add contact to a list (MSNP10+)",              TRID_ALWAYS },
    { "ADD", "Add contact to a list (MSNP2-9)",              TRID_ALWAYS },
    { "ADG", "Add group",                                    TRID_ALWAYS },
    { "ADL", "Add contacts to the list (XML)",               TRID_ALWAYS | CMD_PAYLOAD },
    { "ANS", "Answer a switchboard invitation",              TRID_ALWAYS },
    { "BLP", "Privacy mode (default list)",                  TRID_OPTIONAL },
    { "BPR", "Contact phone number or property",             TRID_OPTIONAL },
    { "BYE", "Contact left the switchboard",                 TRID_NEVER },
    { "CAL", "Invite a contact to the switchboard",          TRID_ALWAYS },
    { "CHG", "Change presence status",                       TRID_ALWAYS },
    { "CHL", "Server challenge",                             TRID_ALWAYS },
    { "CVQ", "Client version query",                         TRID_ALWAYS },
    { "CVR", "Client version information",                   TRID_ALWAYS },
    { "DEL", "Delete stored data (MSNP18+)",                 TRID_ALWAYS | CMD_PAYLOAD | CMD_MIME },
    { "FLN", "Contact went offline",                         TRID_NEVER },
    { "FND", "Find a member",                                TRID_ALWAYS },
    { "FQY", "Federated contact query",                      TRID_ALWAYS | CMD_PAYLOAD },
    { "GCF", "Get configuration file",                       TRID_ALWAYS | CMD_PAYLOAD },
    { "GTC", "Reverse-list prompt setting",                  TRID_OPTIONAL },
    { "ILN", "Initial presence of a contact",                TRID_ALWAYS },
    { "IMS", "Instant message setting",                      TRID_ALWAYS },
    { "INF", "Authentication methods (MSNP2-7)",             TRID_ALWAYS },
    { "IPG", "Incoming pager message",                       TRID_NEVER | CMD_PAYLOAD | CMD_LENREQ },
    { "IRO", "Switchboard participant list",                 TRID_ALWAYS },
    { "JOI", "Contact joined the switchboard",               TRID_NEVER },
    { "LKP", "Look up a contact",                            TRID_ALWAYS },
    { "LSG", "Group list entry",                             TRID_OPTIONAL },
    { "LST", "Contact list entry",                           TRID_OPTIONAL },
    { "MSG", "Message",                                      TRID_C2S | CMD_PAYLOAD | CMD_LENREQ | CMD_MIME },
    { "NAK", "Message not delivered",                        TRID_ALWAYS },
    { "NFY", "Data put or deleted (MSNP18+)",                TRID_NEVER | CMD_PAYLOAD | CMD_MIME },
    { "NLN", "Contact changed presence status",              TRID_NEVER },
    { "NOT", "Notification (MSN Alerts)",                    TRID_NEVER | CMD_PAYLOAD | CMD_LENREQ },
    { "OUT", "Sign out or disconnect",                       TRID_NEVER | CMD_BARE },
    { "PAG", "Pager message",                                TRID_ALWAYS | CMD_PAYLOAD },
    { "PGD", "Message to a mobile device",                   TRID_ALWAYS | CMD_PAYLOAD | CMD_LENREQ },
    { "PNG", "Ping (keep-alive)",                            TRID_NEVER | CMD_BARE },
    { "PRP", "Personal property",                            TRID_OPTIONAL },
    { "PUT", "Put data (MSNP18+)",                           TRID_ALWAYS | CMD_PAYLOAD | CMD_MIME },
    { "QNG", "Ping reply (seconds to next ping)",            TRID_NEVER },
    { "QRY", "Challenge response",                           TRID_ALWAYS | CMD_PAYLOAD | CMD_LENREQ },
    { "REA", "Rename contact or own friendly name",          TRID_ALWAYS },
    { "REG", "Rename group",                                 TRID_ALWAYS },
    { "REM", "Remove contact from a list",                   TRID_ALWAYS },
    { "RFS", "Refresh the contact list",                     TRID_NEVER | CMD_BARE },
    { "RMG", "Remove group",                                 TRID_ALWAYS },
    { "RML", "Remove contacts from the list (XML)",          TRID_ALWAYS | CMD_PAYLOAD },
    { "RNG", "Invitation to a switchboard",                  TRID_NEVER },
    { "SBP", "Set contact property",                         TRID_ALWAYS },
    { "SBS", "Server notice",                                TRID_ALWAYS },
    { "SDC", "Send invitation e-mail",                       TRID_ALWAYS | CMD_PAYLOAD },
    { "SDG", "Send data to a contact (MSNP18+)",             TRID_ALWAYS | CMD_PAYLOAD | CMD_MIME },
    { "SND", "Send invitation e-mail",                       TRID_ALWAYS },
    { "SYN", "Synchronise the contact list",                 TRID_ALWAYS },
    { "UBM", "Message from another network",                 TRID_NEVER | CMD_PAYLOAD | CMD_LENREQ | CMD_MIME },
    { "UBN", "Notification with data from a contact",        TRID_NEVER | CMD_PAYLOAD | CMD_LENREQ },
    { "UBX", "Personal message of a contact",                TRID_NEVER | CMD_PAYLOAD | CMD_LENREQ },
    { "URL", "Service URL",                                  TRID_ALWAYS },
    { "USR", "Authentication",                               TRID_ALWAYS },
    { "UUM", "Message to another network",                   TRID_ALWAYS | CMD_PAYLOAD | CMD_LENREQ | CMD_MIME },
    { "UUN", "Notification with data to a contact",          TRID_ALWAYS | CMD_PAYLOAD },
    { "UUX", "Set own personal message",                     TRID_ALWAYS | CMD_PAYLOAD | CMD_LENREQ },
    { "VAS", "Report a contact",                             TRID_ALWAYS | CMD_PAYLOAD },
    { "VER", "Protocol version negotiation",                 TRID_ALWAYS },
    { "XFR", "Transfer to another server",                   TRID_ALWAYS },
};

static const value_string msnp_error_vals[] = {
    { 200, "Syntax error" },
    { 201, "Invalid parameter" },
    { 204, "Invalid network ID" },
    { 205, "User does not exist" },
    { 206, "Domain name missing" },
    { 207, "Already logged in" },
    { 208, "Invalid username" },
    { 209, "Invalid friendly name" },
    { 210, "List full" },
    { 215, "Principal already on list" },
    { 216, "Principal not on list" },
    { 217, "Principal not online" },
    { 218, "Already in mode" },
    { 219, "Principal is in the opposite list" },
    { 223, "Too many groups" },
    { 224, "Invalid group" },
    { 225, "Principal not in group" },
    { 228, "Group already exists" },
    { 229, "Group name too long" },
    { 230, "Cannot remove group zero" },
    { 231, "Group does not exist" },
    { 240, "Empty domain" },
    { 241, "Invalid XML payload" },
    { 280, "Switchboard failed" },
    { 281, "Transfer to switchboard failed" },
    { 300, "Required field missing" },
    { 301, "Too many hits to a FND" },
    { 302, "Not logged in" },
    { 402, "Contact list unavailable" },
    { 403, "Contact list error" },
    { 500, "Internal server error" },
    { 501, "Database server error" },
    { 502, "Command disabled" },
    { 510, "File operation failed" },
    { 520, "Memory allocation failed" },
    { 540, "Challenge response failed" },
    { 600, "Server is busy" },
    { 601, "Server is unavailable" },
    { 602, "Peer notification server down" },
    { 603, "Database connect failed" },
    { 604, "Server is going down" },
    { 605, "Server unavailable" },
    { 707, "Could not create connection" },
    { 710, "Bad CVR parameters" },
    { 711, "Write is blocking" },
    { 712, "Session is overloaded" },
    { 713, "Calling too rapidly" },
    { 714, "Too many sessions" },
    { 715, "Passport not verified" },
    { 717, "Bad friend file" },
    { 731, "Not expected" },
    { 800, "Friendly name changes too rapidly" },
    { 910, "Server too busy" },
    { 911, "Authentication failed" },
    { 912, "Server too busy" },
    { 913, "Not allowed when offline" },
    { 914, "Server unavailable" },
    { 915, "Server unavailable" },
    { 916, "Server unavailable" },
    { 917, "Authentication failed" },
    { 918, "Server too busy" },
    { 919, "Server too busy" },
    { 920, "Not accepting new principals" },
    { 921, "Server too busy" },
    { 922, "Server too busy" },
    { 923, "Kids passport without parental consent" },
    { 924, "Passport account not yet verified" },
    { 927, "Account suspended" },
    { 928, "Bad ticket" },
    { 933, "Invalid circle membership" },
    { 0, NULL }
};
static value_string_ext msnp_error_vals_ext = VALUE_STRING_EXT_INIT(msnp_error_vals);

/* Windows language identifiers (LCID) that MSN clients send in CVR. */
static const value_string msnp_locale_vals[] = {
    { 0x0401, "Arabic (Saudi Arabia)" },
    { 0x0402, "Bulgarian (Bulgaria)" },
    { 0x0403, "Catalan (Spain)" },
    { 0x0404, "Chinese (Taiwan)" },
    { 0x0405, "Czech (Czech Republic)" },
    { 0x0406, "Danish (Denmark)" },
    { 0x0407, "German (Germany)" },
    { 0x0408, "Greek (Greece)" },
    { 0x0409, "English (United States)" },
    { 0x040b, "Finnish (Finland)" },
    { 0x040c, "French (France)" },
    { 0x040d, "Hebrew (Israel)" },
    { 0x040e, "Hungarian (Hungary)" },
    { 0x0410, "Italian (Italy)" },
    { 0x0411, "Japanese (Japan)" },
    { 0x0412, "Korean (Korea)" },
    { 0x0413, "Dutch (Netherlands)" },
    { 0x0414, "Norwegian, Bokmal (Norway)" },
    { 0x0415, "Polish (Poland)" },
    { 0x0416, "Portuguese (Brazil)" },
    { 0x0418, "Romanian (Romania)" },
    { 0x0419, "Russian (Russia)" },
    { 0x041a, "Croatian (Croatia)" },
    { 0x041b, "Slovak (Slovakia)" },
    { 0x041d, "Swedish (Sweden)" },
    { 0x041e, "Thai (Thailand)" },
    { 0x041f, "Turkish (Turkey)" },
    { 0x0421, "Indonesian (Indonesia)" },
    { 0x0422, "Ukrainian (Ukraine)" },
    { 0x0424, "Slovenian (Slovenia)" },
    { 0x0425, "Estonian (Estonia)" },
    { 0x0426, "Latvian (Latvia)" },
    { 0x0427, "Lithuanian (Lithuania)" },
    { 0x042a, "Vietnamese (Vietnam)" },
    { 0x0439, "Hindi (India)" },
    { 0x043e, "Malay (Malaysia)" },
    { 0x0804, "Chinese (PRC)" },
    { 0x0807, "German (Switzerland)" },
    { 0x0809, "English (United Kingdom)" },
    { 0x080a, "Spanish (Mexico)" },
    { 0x080c, "French (Belgium)" },
    { 0x0813, "Dutch (Belgium)" },
    { 0x0816, "Portuguese (Portugal)" },
    { 0x0c04, "Chinese (Hong Kong SAR)" },
    { 0x0c07, "German (Austria)" },
    { 0x0c09, "English (Australia)" },
    { 0x0c0a, "Spanish (Spain)" },
    { 0x0c0c, "French (Canada)" },
    { 0x1004, "Chinese (Singapore)" },
    { 0x1009, "English (Canada)" },
    { 0x1404, "Chinese (Macao SAR)" },
    { 0x1409, "English (New Zealand)" },
    { 0x2c0a, "Spanish (Argentina)" },
    { 0x4009, "English (India)" },
    { 0, NULL }
};

static const struct { const char *code; const char *name; } msnp_statuses[] = {
    { "NLN", "Online" },
    { "BSY", "Busy" },
    { "IDL", "Idle" },
    { "BRB", "Be right back" },
    { "AWY", "Away" },
    { "PHN", "On the phone" },
    { "LUN", "Out to lunch" },
    { "HDN", "Hidden (appear offline)" },
    { "FLN", "Offline" },
};

/* ---------------------------------------------------------------------- */
/* State                                                                    */

/* One request and its first reply (file scope).  Its connection and TrID
 * are its key in msnp_requests. */
typedef struct {
    uint32_t  conv_id;       /* msnp_conv_t.id */
    uint32_t  trid;
    uint32_t  req_frame;
    uint32_t  rsp_frame;     /* 0 until a reply is seen */
    nstime_t req_time;
} msnp_trans_t;

typedef struct {
    address  srv_addr;
    uint32_t  srv_port;
    bool srv_known;
    uint8_t   role;
    bool role_from_referral;
    uint32_t  referred_by;
    bool auth_seen;     /* a USR with MD5, TWN or SSO: not a switchboard */
    const char *account;     /* who logged in (USR, ANS), as first seen; NULL until then */
    uint32_t  id;            /* tells the connections apart in msnp_requests */
    uint32_t  pending[3];    /* per direction: payload bytes still to come (no reassembly) */
} msnp_conv_t;

/* Keys of our per-frame data (p_add_proto_data). */
enum {
    MSNP_PD_FRAME = 0,  /* pinfo->pool: msnp_frame_t */
    MSNP_PD_SKIP  = 1,  /* file scope: bytes of a payload continued from an earlier segment */
    MSNP_PD_TEXT  = 2,  /* pinfo->pool: msnp_text_t of the last text/plain payload, for the tap */
    MSNP_PD_TRANS = 3   /* file scope, plus the number of the tracked command in the frame:
                         * its msnp_trans_t (requests and matched replies only) */
};

/* A text message for the chat transcript: its text and, for routed
 * messages (SDG), the Routing block's From and To. */
typedef struct {
    const char *text;
    const char *from;
    const char *to;
} msnp_text_t;

/* One dissection of one frame (pinfo->pool): the frame may hold several
 * commands, handed to us in several calls (TCP, the HTTP gateway). */
typedef struct {
    uint32_t tracked;        /* commands with a TrID seen so far in this frame */
    wmem_strbuf_t *info;    /* Info column text of the current call (see msnp_info_add) */
} msnp_frame_t;

typedef struct {
    uint8_t  role;
    uint32_t frame;
} msnp_referral_t;


/* One token of a command line: offset in the tvb, length, and its text:
 * NUL-terminated in place in the copy of the line (see msnp_tokenize). */
typedef struct {
    int        off;
    int        len;
    const char *str;
} msnp_tok_t;

/* ---------------------------------------------------------------------- */
/* Helpers                                                                  */

static const msnp_cmd_t *
msnp_find_cmd(const uint8_t *name)
{
    size_t lo = 0, hi = G_N_ELEMENTS(msnp_cmds);

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(name, msnp_cmds[mid].name, 3);
        if (c == 0)
            return &msnp_cmds[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* A three-letter command as one number for switch statements; 0 otherwise. */
static uint32_t
msnp_code(const char *s)
{
    if (strlen(s) != 3)
        return 0;
    return (uint32_t)(uint8_t)s[0] << 16 | (uint32_t)(uint8_t)s[1] << 8 | (uint8_t)s[2];
}

static bool
msnp_is_digits(const char *s, size_t maxlen)
{
    size_t i;

    if (!s || !s[0])
        return false;
    for (i = 0; s[i]; i++) {
        if (!g_ascii_isdigit(s[i]) || i >= maxlen)
            return false;
    }
    return true;
}

static bool
msnp_tok_u32(const char *s, uint32_t *v)
{
    const char *end;

    if (!msnp_is_digits(s, 10))
        return false;
    return ws_strtou32(s, &end, v) && *end == '\0';
}

/* "user@domain.tld", also with an MSNP18 network prefix "1:user@..." and an
 * end-point suffix "user@...;{guid}": the address part, its length in *len. */
static const char *
msnp_email_len(const char *s, int *len)
{
    const char *at = NULL, *p, *start = s;
    bool dot = false;

    if (!strchr(s, '@'))    /* most parameters: no need to check each character */
        return NULL;
    while (g_ascii_isdigit(*s))
        s++;
    if (s != start && *s == ':')
        s++;
    else
        s = start;
    for (p = s; *p && *p != ';'; p++) {
        if (*p == '@') {
            if (at || p == s)
                return NULL;
            at = p;
        } else if (at && *p == '.' && p[1] != '\0' && p[1] != ';') {
            dot = true;
        } else if (!g_ascii_isalnum(*p) && !strchr("._-+", *p)) {
            return NULL;
        }
    }
    if (!at || !dot)
        return NULL;
    *len = (int)(p - s);
    return s;
}

static const char *
msnp_email_part(const char *s)
{
    int len;

    return msnp_email_len(s, &len);
}

/* Split a line into space-separated tokens; the last token is always kept.
 * line holds len bytes and a spare one; each token is NUL-terminated in place
 * (the space after it, or the spare byte, becomes NUL) so that the tokens
 * need no copies; msnp_untokenize puts the spaces back.  *printable tells
 * whether every byte of the line is printable ASCII. */
static int
msnp_tokenize(uint8_t *line, int len, int base, msnp_tok_t *toks, bool *printable)
{
    int i = 0, n = 0;
    bool pr = true;

    line[len] = '\0';
    while (i < len) {
        int s;
        while (i < len && line[i] == ' ')
            i++;
        if (i >= len)
            break;
        s = i;
        while (i < len && line[i] != ' ') {
            if (line[i] < 0x20 || line[i] > 0x7e)
                pr = false;
            i++;
        }
        if (n == MSNP_MAX_TOKENS) {
            /* overwrite: the length is the last token */
            n--;
            if (toks[n].off - base + toks[n].len < len)
                line[toks[n].off - base + toks[n].len] = ' ';
        }
        toks[n].off = base + s;
        toks[n].len = i - s;
        toks[n].str = (const char *)line + s;
        n++;
        if (i < len)
            line[i++] = '\0';   /* was a space */
    }
    *printable = pr;
    return n;
}

/* The line as it was before msnp_tokenize. */
static void
msnp_untokenize(uint8_t *line, int len, int base, const msnp_tok_t *toks, int ntoks)
{
    int i;

    for (i = 0; i < ntoks; i++) {
        int end = toks[i].off - base + toks[i].len;
        if (end < len)
            line[end] = ' ';
    }
}

static uint64_t *
msnp_referral_key(wmem_allocator_t *scope, uint32_t ip, uint16_t port)
{
    uint64_t *k = wmem_new(scope, uint64_t);
    *k = ((uint64_t)ip << 16) | port;
    return k;
}

/* ---------------------------------------------------------------------- */
/* Conversation                                                             */

static bool
msnp_is_client_cmd(const msnp_cmd_t *c)
{
    static const char *const client_only[] = { "VER", "CVR", "CAL", "ANS", "PNG", "SYN", "CHG", "UUX", "ADL" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(client_only); i++)
        if (memcmp(c->name, client_only[i], 3) == 0)
            return true;
    return false;
}

static bool
msnp_is_server_cmd(const msnp_cmd_t *c)
{
    static const char *const server_only[] = { "QNG", "NLN", "ILN", "FLN", "RNG", "JOI", "IRO", "CHL", "BYE", "UBX", "NOT", "ACK", "NAK" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(server_only); i++)
        if (memcmp(c->name, server_only[i], 3) == 0)
            return true;
    return false;
}

static void
msnp_set_server(msnp_conv_t *mc, packet_info *pinfo, bool dst_is_server)
{
    copy_address_wmem(wmem_file_scope(), &mc->srv_addr, dst_is_server ? &pinfo->dst : &pinfo->src);
    mc->srv_port = dst_is_server ? pinfo->destport : pinfo->srcport;
    mc->srv_known = true;
}

static bool
msnp_lookup_referral(packet_info *pinfo, const address *addr, uint32_t port, msnp_referral_t **ref)
{
    uint32_t ip;
    uint64_t key;

    if (addr->type != AT_IPv4 || port > 0xffff)
        return false;
    memcpy(&ip, addr->data, 4);
    key = ((uint64_t)ip << 16) | port;
    *ref = (msnp_referral_t *)wmem_map_lookup(msnp_referrals, &key);
    return *ref != NULL && (*ref)->frame < pinfo->num;
}

static bool
msnp_known_port(uint32_t port)
{
    return port == MSNP_TCP_PORT || port == 443 || port == 80;
}

/* The connection's state, NULL before its first command; *conv is the
 * conversation, NULL if there is none yet. */
static msnp_conv_t *
msnp_find_conv(packet_info *pinfo, conversation_t **conv)
{
    *conv = find_conversation_pinfo(pinfo, 0);
    return *conv ? (msnp_conv_t *)conversation_get_proto_data(*conv, proto_msnp) : NULL;
}

/* State for a connection whose first command this is (conv from msnp_find_conv). */
static msnp_conv_t *
msnp_new_conv(packet_info *pinfo, conversation_t *conv, const msnp_cmd_t *first_cmd,
              bool first_is_error, int http_dir)
{
    msnp_conv_t *mc;
    msnp_referral_t *ref;

    if (!conv)
        conv = find_or_create_conversation(pinfo);
    mc = wmem_new0(wmem_file_scope(), msnp_conv_t);
    mc->id = ++msnp_conv_count;
    clear_address(&mc->srv_addr);

    if (msnp_lookup_referral(pinfo, &pinfo->dst, pinfo->destport, &ref)) {
        msnp_set_server(mc, pinfo, true);
    } else if (msnp_lookup_referral(pinfo, &pinfo->src, pinfo->srcport, &ref)) {
        msnp_set_server(mc, pinfo, false);
    } else {
        ref = NULL;
        struct tcp_analysis *tcpd = pinfo->ptype == PT_TCP ? get_tcp_conversation_data(conv, pinfo) : NULL;

        if (http_dir != DIR_UNKNOWN)
            msnp_set_server(mc, pinfo, http_dir == DIR_C2S);
        else if (tcpd && tcpd->server_port != 0 && tcpd->server_port != pinfo->srcport)
            msnp_set_server(mc, pinfo, true);
        else if (tcpd && tcpd->server_port != 0 && tcpd->server_port != pinfo->destport)
            msnp_set_server(mc, pinfo, false);
        else if (msnp_known_port(pinfo->destport) && !msnp_known_port(pinfo->srcport))
            msnp_set_server(mc, pinfo, true);
        else if (msnp_known_port(pinfo->srcport) && !msnp_known_port(pinfo->destport))
            msnp_set_server(mc, pinfo, false);
        else if (first_is_error || (first_cmd && msnp_is_server_cmd(first_cmd)))
            msnp_set_server(mc, pinfo, false);
        else if (first_cmd && msnp_is_client_cmd(first_cmd))
            msnp_set_server(mc, pinfo, true);
        else
            msnp_set_server(mc, pinfo, pinfo->destport < pinfo->srcport);
    }
    if (ref) {
        mc->role = ref->role;
        mc->role_from_referral = true;
        mc->referred_by = ref->frame;
    }
    conversation_add_proto_data(conv, proto_msnp, mc);
    return mc;
}

static int
msnp_direction(const msnp_conv_t *mc, packet_info *pinfo)
{
    if (!mc->srv_known)
        return DIR_UNKNOWN;
    if (pinfo->destport == mc->srv_port && addresses_equal(&pinfo->dst, &mc->srv_addr))
        return DIR_C2S;
    return DIR_S2C;
}

/* Evidence for the server role from one command (first pass only). */
static void
msnp_role_evidence(msnp_conv_t *mc, const char *cmd, int dir, const msnp_tok_t *args, int nargs)
{
    static const char *const sb_cmds[] = { "ANS", "IRO", "JOI", "CAL", "BYE", "ACK", "NAK" };
    static const char *const ns_cmds[] = {
        "CHG", "ILN", "NLN", "FLN", "SYN", "LST", "LSG", "CHL", "QRY", "PNG", "QNG", "ADL",
        "RML", "UUX", "UBX", "PRP", "BLP", "GCF", "NOT", "RNG", "ADC", "ADD", "REM", "REA",
        "BPR", "GTC", "IPG", "UBN", "UUN", "FQY", "UUM", "UBM", "SBS", "URL", "SDG", "PUT",
        "NFY"
    };
    size_t i;
    uint8_t role = ROLE_UNKNOWN;

    if (mc->role_from_referral)
        return;
    if (strcmp(cmd, "XFR") == 0 && dir == DIR_S2C && nargs >= 1 && strcmp(args[0].str, "NS") == 0) {
        if (mc->role != ROLE_NS && mc->role != ROLE_SB)
            mc->role = ROLE_DS;
        return;
    }
    if (mc->role != ROLE_UNKNOWN)
        return;
    if (strcmp(cmd, "XFR") == 0 && nargs >= 1 && strcmp(args[0].str, "SB") == 0) {
        role = ROLE_NS;
    } else if (strcmp(cmd, "MSG") == 0) {
        if (dir == DIR_C2S)
            role = ROLE_SB;
    } else if (strcmp(cmd, "USR") == 0) {
        /* SB: USR trid account cookie; NS: USR trid TWN|MD5|SSO ...  The NS of
         * MSNP2-7 replies "USR trid OK account name" like a switchboard: an
         * earlier USR with an authentication method tells them apart. */
        if (nargs >= 2 && (strcmp(args[0].str, "MD5") == 0 || strcmp(args[0].str, "TWN") == 0 ||
                           strcmp(args[0].str, "SSO") == 0))
            mc->auth_seen = true;   /* NS or DS: an XFR NS may still follow */
        else if (nargs >= 2 && msnp_email_part(args[0].str) && strcmp(args[0].str, "OK") != 0)
            role = ROLE_SB;
        else if (nargs >= 1 && strcmp(args[0].str, "OK") == 0 && nargs == 3 && !msnp_is_digits(args[2].str, 3))
            role = mc->auth_seen ? ROLE_NS : ROLE_SB;
    } else {
        for (i = 0; i < G_N_ELEMENTS(sb_cmds); i++)
            if (strcmp(cmd, sb_cmds[i]) == 0)
                role = ROLE_SB;
        for (i = 0; i < G_N_ELEMENTS(ns_cmds); i++)
            if (strcmp(cmd, ns_cmds[i]) == 0)
                role = ROLE_NS;
    }
    mc->role = role;
}

/* The account logged in on a connection, from the first command that names
 * it (first pass only): the server's USR OK account, the client's USR
 * (notification server: USR trid TWN|SSO|MD5 I account; switchboard: USR
 * trid account cookie) or ANS trid account cookie session. */
static void
msnp_own_account(msnp_conv_t *mc, const char *cmd, const msnp_tok_t *args, int nargs)
{
    const char *account = NULL;
    bool usr = strcmp(cmd, "USR") == 0;

    if (mc->account)
        return;
    if (usr && nargs >= 2 && strcmp(args[0].str, "OK") == 0)
        account = args[1].str;
    else if (usr && nargs >= 3 && strcmp(args[1].str, "I") == 0)
        account = args[2].str;
    else if ((usr || strcmp(cmd, "ANS") == 0) && nargs >= 2)
        account = args[0].str;
    if (account && msnp_email_part(account))
        mc->account = wmem_strdup(wmem_file_scope(), account);
}

/* Parse "a.b.c.d:port"; false if it is not one. */
static bool
msnp_parse_address(const msnp_tok_t *t, ws_in4_addr *ip, uint16_t *port, int *iplen)
{
    const char *colon = strrchr(t->str, ':');
    char ipbuf[16];
    const char *end;
    size_t n;

    if (!colon)
        return false;
    n = colon - t->str;
    *iplen = (int)n;
    if (n == 0 || n >= sizeof ipbuf)
        return false;
    memcpy(ipbuf, t->str, n);
    ipbuf[n] = '\0';
    if (!ws_inet_pton4(ipbuf, ip))
        return false;
    if (!msnp_is_digits(colon + 1, 5))
        return false;
    return ws_strtou16(colon + 1, &end, port) && *end == '\0';
}

/* ---------------------------------------------------------------------- */
/* Parameters                                                               */

/* A friendly name: its field, what is odd about its form, and, when the
 * server tells it (not a client's request, which may be refused), account's
 * name from this frame on for the transcript.  account may be NULL. */
static void
msnp_add_friendly_name(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, int dir, const char *account,
                       const msnp_tok_t *t)
{
    const char *decoded;
    proto_item *it;
    /* t->str holds the token's t->len bytes as on the wire. */
    msnp_name_form_t form = msnp_name_decode(pinfo->pool, (const uint8_t *)t->str, t->len, &decoded);

    it = proto_tree_add_string(tree, hf_msnp_friendly_name, tvb, t->off, t->len, decoded);
    if (form == MSNP_NAME_BAD_ESCAPE)
        expert_add_info(pinfo, it, &ei_msnp_bad_escape);
    else if (form == MSNP_NAME_UNESCAPED)
        expert_add_info(pinfo, it, &ei_msnp_name_unescaped);
    if (dir != DIR_C2S && account)
        msnp_names_learn(pinfo, account, decoded);
}

static void
msnp_add_status(proto_tree *tree, tvbuff_t *tvb, const msnp_tok_t *t)
{
    size_t i;
    proto_item *it;

    for (i = 0; i < G_N_ELEMENTS(msnp_statuses); i++) {
        if (strcmp(t->str, msnp_statuses[i].code) == 0) {
            it = proto_tree_add_item(tree, hf_msnp_status, tvb, t->off, t->len, ENC_ASCII);
            proto_item_append_text(it, " (%s)", msnp_statuses[i].name);
            return;
        }
    }
}

static void
msnp_add_address(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const msnp_tok_t *t,
                 uint8_t role)
{
    ws_in4_addr ip;
    uint16_t port;
    int iplen = 0;
    proto_item *it;

    if (!msnp_parse_address(t, &ip, &port, &iplen)) {
        it = proto_tree_add_item(tree, hf_msnp_param, tvb, t->off, t->len, ENC_ASCII);
        proto_item_set_hidden(it);
        expert_add_info_format(pinfo, it, &ei_msnp_bad_address,
                               "Not a valid IPv4 address and port: %s", t->str);
        return;
    }
    proto_tree_add_ipv4(tree, hf_msnp_xfr_ip, tvb, t->off, iplen, ip);
    proto_tree_add_uint(tree, hf_msnp_xfr_port, tvb, t->off + iplen + 1, t->len - iplen - 1, port);

    if (!PINFO_FD_VISITED(pinfo) && role != ROLE_UNKNOWN) {
        uint64_t *key = msnp_referral_key(wmem_file_scope(), ip, port);
        msnp_referral_t *ref = wmem_new(wmem_file_scope(), msnp_referral_t);
        ref->role = role;
        ref->frame = pinfo->num;
        wmem_map_insert(msnp_referrals, key, ref);
    }
}

static void
msnp_add_challenge(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const msnp_tok_t *t, bool items)
{
    proto_item *ti = proto_tree_add_item(tree, hf_msnp_usr_challenge, tvb, t->off, t->len, ENC_ASCII);
    proto_tree *ct = proto_item_add_subtree(ti, ett_msnp_challenge);
    const char *s = t->str;
    int pos = 0;

    while (items && s[pos]) {
        int start = pos, eq = -1;
        proto_tree *pt;

        while (s[pos] && s[pos] != ',') {
            if (s[pos] == '=' && eq < 0)
                eq = pos;
            pos++;
        }
        if (pos > start) {
            pt = proto_tree_add_subtree(ct, tvb, t->off + start, pos - start, ett_msnp_challenge_item, NULL,
                                        wmem_strndup(pinfo->pool, s + start, pos - start));
            if (eq >= 0) {
                proto_tree_add_item(pt, hf_msnp_usr_challenge_key, tvb, t->off + start, eq - start, ENC_ASCII);
                proto_tree_add_item(pt, hf_msnp_usr_challenge_value, tvb, t->off + eq + 1, pos - eq - 1, ENC_ASCII);
            } else {
                proto_tree_add_item(pt, hf_msnp_usr_challenge_key, tvb, t->off + start, pos - start, ENC_ASCII);
            }
        }
        if (s[pos] == ',')
            pos++;
    }
}

static void
msnp_add_locale(proto_tree *tree, tvbuff_t *tvb, const msnp_tok_t *t)
{
    uint16_t loc;
    const char *end;
    const char *s = t->str;

    if ((s[0] == '0') && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    if (*s && ws_hexstrtou16(s, &end, &loc) && *end == '\0')
        proto_tree_add_uint(tree, hf_msnp_cvr_locale, tvb, t->off, t->len, loc);
}

/* Parameters, one function per command family.  a: the parameters after
 * the TrID (without the payload length), na: their number. */

/* VER trid MSNP15 MSNP14 CVR0: the protocol versions offered or chosen. */
static void
msnp_params_ver(tvbuff_t *tvb, proto_tree *tree, const msnp_tok_t *a, int na)
{
    int i;

    for (i = 0; i < na; i++)
        if (g_str_has_prefix(a[i].str, "MSNP"))
            proto_tree_add_item(tree, hf_msnp_version, tvb, a[i].off, a[i].len, ENC_ASCII);
}

/* CVR: the client describes itself; the server recommends a version. */
static void
msnp_params_cvr(tvbuff_t *tvb, proto_tree *tree, int dir, const msnp_tok_t *a, int na)
{
    if (na >= 7 && (dir == DIR_C2S || g_str_has_prefix(a[0].str, "0x"))) {
        msnp_add_locale(tree, tvb, &a[0]);
        proto_tree_add_item(tree, hf_msnp_cvr_os_type, tvb, a[1].off, a[1].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_os_version, tvb, a[2].off, a[2].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_arch, tvb, a[3].off, a[3].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_client_name, tvb, a[4].off, a[4].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_client_version, tvb, a[5].off, a[5].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_client_id, tvb, a[6].off, a[6].len, ENC_ASCII);
    } else if (na >= 5) {
        proto_tree_add_item(tree, hf_msnp_cvr_recommended_version, tvb, a[0].off, a[0].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_minimum_version, tvb, a[2].off, a[2].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_download_url, tvb, a[3].off, a[3].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_info_url, tvb, a[4].off, a[4].len, ENC_ASCII);
    } else if (na == 4) {
        proto_tree_add_item(tree, hf_msnp_cvr_recommended_version, tvb, a[0].off, a[0].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_minimum_version, tvb, a[1].off, a[1].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_download_url, tvb, a[2].off, a[2].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_cvr_info_url, tvb, a[3].off, a[3].len, ENC_ASCII);
    }
}

/* USR trid MD5|TWN|SSO I|S ...: one step of the login (a[0] is the method). */
static void
msnp_params_usr_auth(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int dir,
                     const msnp_tok_t *a, int na)
{
    bool md5 = strcmp(a[0].str, "MD5") == 0, sso = strcmp(a[0].str, "SSO") == 0;

    proto_tree_add_item(tree, hf_msnp_usr_auth, tvb, a[0].off, a[0].len, ENC_ASCII);
    proto_tree_add_item(tree, hf_msnp_usr_state, tvb, a[1].off, a[1].len, ENC_ASCII);
    if (na < 3 || strcmp(a[1].str, "S") != 0)
        return;
    if (dir == DIR_S2C && sso && na >= 4) {
        /* USR trid SSO S policy nonce */
        proto_tree_add_item(tree, hf_msnp_usr_policy, tvb, a[2].off, a[2].len, ENC_ASCII);
        msnp_add_challenge(tree, tvb, pinfo, &a[3], false);
    } else if (dir == DIR_S2C) {
        /* TWN: Passport key=value string; MD5: the salt */
        msnp_add_challenge(tree, tvb, pinfo, &a[2], !md5);
    } else if (md5) {
        proto_tree_add_item(tree, hf_msnp_usr_response, tvb, a[2].off, a[2].len, ENC_ASCII);
    } else {
        /* TWN: t=...&p=...; SSO: ticket, response [machine GUID] */
        proto_tree_add_item(tree, hf_msnp_usr_ticket, tvb, a[2].off, a[2].len, ENC_ASCII);
        if (sso && na >= 4)
            proto_tree_add_item(tree, hf_msnp_usr_response, tvb, a[3].off, a[3].len, ENC_ASCII);
    }
}

/* USR: login step, login result (OK), or a switchboard login with a cookie. */
static void
msnp_params_usr(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int dir,
                const msnp_tok_t *a, int na)
{
    if (na >= 1 && strcmp(a[0].str, "OK") == 0) {
        proto_tree_add_item(tree, hf_msnp_usr_state, tvb, a[0].off, a[0].len, ENC_ASCII);
        if (na >= 3 && !msnp_is_digits(a[2].str, 10))
            msnp_add_friendly_name(tree, tvb, pinfo, dir, a[1].str, &a[2]);
    } else if (na >= 2 && !msnp_email_part(a[0].str)) {
        msnp_params_usr_auth(tvb, pinfo, tree, dir, a, na);
    } else if (na >= 2) {
        /* Switchboard: USR trid account cookie */
        proto_tree_add_item(tree, hf_msnp_xfr_cookie, tvb, a[1].off, a[1].len, ENC_ASCII);
    }
}

/* XFR trid NS|SB address [CKI cookie]: a referral to another server. */
static void
msnp_params_xfr(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const msnp_tok_t *a, int na)
{
    if (na >= 1)
        proto_tree_add_item(tree, hf_msnp_xfr_server_type, tvb, a[0].off, a[0].len, ENC_ASCII);
    if (na >= 2)
        msnp_add_address(tree, tvb, pinfo, &a[1],
                         strcmp(a[0].str, "NS") == 0 ? ROLE_NS :
                         strcmp(a[0].str, "SB") == 0 ? ROLE_SB : ROLE_UNKNOWN);
    if (na >= 4 && strcmp(a[2].str, "CKI") == 0) {
        proto_tree_add_item(tree, hf_msnp_xfr_auth, tvb, a[2].off, a[2].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_xfr_cookie, tvb, a[3].off, a[3].len, ENC_ASCII);
    }
}

/* RNG session address CKI cookie account name: an invitation to a chat. */
static void
msnp_params_rng(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const msnp_tok_t *a, int na)
{
    if (na >= 1)
        proto_tree_add_item(tree, hf_msnp_session_id, tvb, a[0].off, a[0].len, ENC_ASCII);
    if (na >= 2)
        msnp_add_address(tree, tvb, pinfo, &a[1], ROLE_SB);
    if (na >= 4) {
        proto_tree_add_item(tree, hf_msnp_xfr_auth, tvb, a[2].off, a[2].len, ENC_ASCII);
        proto_tree_add_item(tree, hf_msnp_xfr_cookie, tvb, a[3].off, a[3].len, ENC_ASCII);
    }
    if (na >= 6)    /* the caller's name; RNG only comes from the server */
        msnp_add_friendly_name(tree, tvb, pinfo, DIR_S2C, a[4].str, &a[5]);
}

/* MSG trid U|N|A|D length (client) or MSG account name length (server). */
static void
msnp_params_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int dir,
                const msnp_tok_t *a, int na)
{
    /* what the switchboard acknowledges */
    static const char *const acks[] = {
        "U", "no acknowledgement",
        "N", "NAK only if delivery fails",
        "A", "ACK or NAK",
        "D", "ACK or NAK (P2P data)",
    };
    int i;

    if (dir == DIR_C2S && na >= 1 && a[0].len == 1) {
        proto_item *ack = proto_tree_add_item(tree, hf_msnp_msg_ack_type, tvb, a[0].off, 1, ENC_ASCII);
        for (i = 0; i < (int)G_N_ELEMENTS(acks); i += 2)
            if (strcmp(a[0].str, acks[i]) == 0)
                proto_item_append_text(ack, " (%s)", acks[i + 1]);
    } else if (dir == DIR_S2C && na >= 2) {
        msnp_add_friendly_name(tree, tvb, pinfo, dir, a[0].str, &a[1]);
    }
}

/* ILN/NLN status account [type] name: a contact's presence (from the server). */
static void
msnp_params_presence(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const msnp_tok_t *a, int na)
{
    if (na >= 1)
        msnp_add_status(tree, tvb, &a[0]);
    if (na >= 4 && msnp_is_digits(a[2].str, 2))
        msnp_add_friendly_name(tree, tvb, pinfo, DIR_S2C, a[1].str, &a[3]);
    else if (na >= 3)
        msnp_add_friendly_name(tree, tvb, pinfo, DIR_S2C, a[1].str, &a[2]);
}

/* MSNP2-9: ADD trid list [version] account name, LST ... account name ...,
 * REA trid [version] account name: the name follows the account (MSNP10+
 * LST/ADC use N= and F= instead) */
static void
msnp_params_list_entry(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int dir, const msnp_tok_t *a, int na)
{
    int i;

    for (i = 0; i + 1 < na; i++) {
        if (!(a[i].str[0] == 'N' && a[i].str[1] == '=') && msnp_email_part(a[i].str)) {
            msnp_add_friendly_name(tree, tvb, pinfo, dir, a[i].str, &a[i + 1]);
            break;
        }
    }
}

/* Any parameter: accounts (bare or N=account) and F=friendly name items
 * (LST/ADC/ADD of MSNP10+), the name being the N= account's. */
static void
msnp_params_accounts(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int dir, const msnp_tok_t *a, int na)
{
    const char *named = NULL;   /* the N= account before an F= */
    int i;

    for (i = 0; i < na; i++) {
        const char *str = a[i].str;
        const char *email;
        int elen;

        if (str[0] == 'F' && str[1] == '=' && a[i].len > 2) {
            msnp_tok_t fn = { a[i].off + 2, a[i].len - 2, str + 2 };
            msnp_add_friendly_name(tree, tvb, pinfo, dir, named, &fn);
            continue;
        }
        if (str[0] == 'N' && str[1] == '=') {
            str += 2;
            named = str;
        }
        email = msnp_email_len(str, &elen);
        if (email) {
            int skip = (int)(email - a[i].str);
            proto_tree_add_item(tree, hf_msnp_account, tvb, a[i].off + skip, elen, ENC_ASCII);
        }
    }
}

/* Meaningful fields from the parameters of one command: those that only
 * this command has, then the accounts any command may name.  own: the
 * account logged in on this connection, or NULL. */
static void
msnp_decode_params(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                   const char *cmd, int dir, const char *own, const msnp_tok_t *a, int na)
{
    switch (msnp_code(cmd)) {
    case 'V' << 16 | 'E' << 8 | 'R':
        msnp_params_ver(tvb, tree, a, na);
        break;
    case 'C' << 16 | 'V' << 8 | 'R':
        msnp_params_cvr(tvb, tree, dir, a, na);
        break;
    case 'U' << 16 | 'S' << 8 | 'R':
        msnp_params_usr(tvb, pinfo, tree, dir, a, na);
        break;
    case 'X' << 16 | 'F' << 8 | 'R':
        msnp_params_xfr(tvb, pinfo, tree, a, na);
        break;
    case 'R' << 16 | 'N' << 8 | 'G':
        msnp_params_rng(tvb, pinfo, tree, a, na);
        break;
    case 'A' << 16 | 'N' << 8 | 'S':
        if (na >= 3) {
            proto_tree_add_item(tree, hf_msnp_xfr_cookie, tvb, a[1].off, a[1].len, ENC_ASCII);
            proto_tree_add_item(tree, hf_msnp_session_id, tvb, a[2].off, a[2].len, ENC_ASCII);
        }
        break;
    case 'C' << 16 | 'A' << 8 | 'L':
        if (na >= 2 && strcmp(a[0].str, "RINGING") == 0)
            proto_tree_add_item(tree, hf_msnp_session_id, tvb, a[1].off, a[1].len, ENC_ASCII);
        break;
    case 'C' << 16 | 'H' << 8 | 'G':
        if (na >= 1)
            msnp_add_status(tree, tvb, &a[0]);
        break;
    case 'I' << 16 | 'L' << 8 | 'N':
    case 'N' << 16 | 'L' << 8 | 'N':
        msnp_params_presence(tvb, pinfo, tree, a, na);
        break;
    case 'J' << 16 | 'O' << 8 | 'I':
        if (na >= 2)
            msnp_add_friendly_name(tree, tvb, pinfo, dir, a[0].str, &a[1]);
        break;
    case 'I' << 16 | 'R' << 8 | 'O':
        if (na >= 4)
            msnp_add_friendly_name(tree, tvb, pinfo, dir, a[2].str, &a[3]);
        break;
    case 'P' << 16 | 'R' << 8 | 'P':
        /* PRP MFN name: the logged-in user's own name */
        if (na >= 2 && strcmp(a[0].str, "MFN") == 0)
            msnp_add_friendly_name(tree, tvb, pinfo, dir, own, &a[1]);
        break;
    case 'A' << 16 | 'D' << 8 | 'D':
    case 'L' << 16 | 'S' << 8 | 'T':
    case 'R' << 16 | 'E' << 8 | 'A':
        msnp_params_list_entry(tvb, pinfo, tree, dir, a, na);
        break;
    case 'M' << 16 | 'S' << 8 | 'G':
        msnp_params_msg(tvb, pinfo, tree, dir, a, na);
        break;
    case 'C' << 16 | 'H' << 8 | 'L':
        if (na >= 1)
            proto_tree_add_item(tree, hf_msnp_chl_challenge, tvb, a[0].off, a[0].len, ENC_ASCII);
        break;
    case 'Q' << 16 | 'R' << 8 | 'Y':
        if (na >= 1)
            proto_tree_add_item(tree, hf_msnp_qry_product_id, tvb, a[0].off, a[0].len, ENC_ASCII);
        break;
    default:
        break;
    }
    msnp_params_accounts(tvb, pinfo, tree, dir, a, na);
}

/* ---------------------------------------------------------------------- */
/* Payloads                                                                 */

static void
msnp_call_xml(tvbuff_t *ptvb, packet_info *pinfo, proto_tree *tree)
{
    if (!xml_handle)
        return;
    col_set_writable(pinfo->cinfo, -1, false);
    TRY {
        call_dissector(xml_handle, ptvb, pinfo, tree);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(ptvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    col_set_writable(pinfo->cinfo, -1, true);
}

/* The first bytes of a header name or value as a C string in buf: enough to
 * compare it with the names we know (all shorter than size), as the whole
 * string would compare, without a copy of each header. */
static const char *
msnp_tvb_head(tvbuff_t *tvb, int off, int len, char *buf, int size)
{
    len = MIN(len, size - 1);
    tvb_memcpy(tvb, buf, off, len);
    buf[len] = '\0';
    return buf;
}

/* The string encoding that a Content-Type's charset parameter names
 * (value: the parameters after the media type); UTF-8 when it names none
 * or one we do not know. */
static unsigned
msnp_charset_encoding(tvbuff_t *tvb, int start, int end)
{
    static const struct { const char *name; unsigned enc; } charsets[] = {
        { "utf-8", ENC_UTF_8 }, { "utf8", ENC_UTF_8 },
        { "iso-8859-1", ENC_ISO_8859_1 }, { "latin1", ENC_ISO_8859_1 },
        { "iso-8859-2", ENC_ISO_8859_2 },
        { "windows-1252", ENC_WINDOWS_1252 }, { "windows-1251", ENC_WINDOWS_1251 },
        { "gb2312", ENC_GB18030 }, { "gbk", ENC_GB18030 }, { "gb18030", ENC_GB18030 },
        { "euc-kr", ENC_EUC_KR },
        { "utf-16", ENC_UTF_16 | ENC_LITTLE_ENDIAN }, { "utf-16le", ENC_UTF_16 | ENC_LITTLE_ENDIAN },
        { "utf-16be", ENC_UTF_16 | ENC_BIG_ENDIAN },
    };
    char buf[32];
    const char *value, *cs;
    size_t i, n;

    if (end <= start)
        return ENC_UTF_8;
    value = msnp_tvb_head(tvb, start, end - start, buf, sizeof buf);
    cs = strstr(value, "charset=");
    if (!cs)
        return ENC_UTF_8;
    cs += 8;
    if (*cs == '"')
        cs++;
    n = strcspn(cs, "\"; ");
    for (i = 0; i < G_N_ELEMENTS(charsets); i++)
        if (strlen(charsets[i].name) == n && g_ascii_strncasecmp(cs, charsets[i].name, n) == 0)
            return charsets[i].enc;
    return ENC_UTF_8;
}

static void
msnp_dissect_mime(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    int off = 0, next, linelen;
    int len = tvb_reported_length(tvb);
    const char *ctype = NULL;
    unsigned text_enc = ENC_UTF_8;
    char namebuf[16], ctypebuf[32];
    bool routing = false;
    const char *route_from = NULL, *route_to = NULL;
    int blocks = 1, headers = 0;

    while (off < len) {
        int colon;
        linelen = tvb_find_line_end(tvb, off, -1, &next, false);
        if (linelen <= 0) {
            off = next;
            /* MSNP18+ (SDG, NFY, PUT): Routing, Reliability, then Messaging headers */
            if (routing && blocks < 3 && off < len) {
                blocks++;
                continue;
            }
            break;
        }
        proto_tree_add_item(tree, hf_msnp_msg_header, tvb, off, linelen, ENC_UTF_8);
        colon = tvb_find_uint8(tvb, off, linelen, ':');
        if (colon > off) {
            int vstart = colon + 1, vend = off + linelen;
            const char *name = msnp_tvb_head(tvb, off, colon - off, namebuf, sizeof namebuf);
            while (vstart < vend && tvb_get_uint8(tvb, vstart) == ' ')
                vstart++;
            if (headers++ == 0 && g_ascii_strcasecmp(name, "Routing") == 0)
                routing = true;
            if (routing && blocks == 1 && (g_ascii_strcasecmp(name, "To") == 0 ||
                                           g_ascii_strcasecmp(name, "From") == 0)) {
                /* To: 1:bob@example.com;epid={...} */
                const char *addr = (const char *)tvb_get_string_enc(pinfo->pool, tvb, vstart, vend - vstart, ENC_ASCII);
                int elen;
                const char *email = msnp_email_len(addr, &elen);
                if (g_ascii_strcasecmp(name, "From") == 0)
                    route_from = addr;
                else
                    route_to = addr;
                if (email)
                    proto_tree_add_item(tree, hf_msnp_account, tvb, vstart + (int)(email - addr), elen, ENC_ASCII);
            } else if (g_ascii_strcasecmp(name, "Content-Type") == 0) {
                int semi = tvb_find_uint8(tvb, vstart, vend - vstart, ';');
                int tend = semi >= 0 ? semi : vend;
                proto_tree_add_item(tree, hf_msnp_msg_content_type, tvb, vstart, tend - vstart, ENC_ASCII);
                ctype = msnp_tvb_head(tvb, vstart, tend - vstart, ctypebuf, sizeof ctypebuf);
                if (semi >= 0)
                    text_enc = msnp_charset_encoding(tvb, semi + 1, vend);
            } else if (g_ascii_strcasecmp(name, "TypingUser") == 0) {
                proto_tree_add_item(tree, hf_msnp_msg_typing_user, tvb, vstart, vend - vstart, ENC_UTF_8);
            }
        }
        off = next;
    }
    if (off >= len)
        return;
    if (ctype && g_ascii_strcasecmp(ctype, "text/plain") == 0) {
        if (have_tap_listener(msnp_tap)) {
            /* for the chat transcript (msnp-chat.c), taken in msnp_queue_tap */
            const uint8_t *text;
            msnp_text_t *t = wmem_new(pinfo->pool, msnp_text_t);
            proto_tree_add_item_ret_string(tree, hf_msnp_msg_text, tvb, off, len - off, text_enc,
                                           pinfo->pool, &text);
            t->text = (const char *)text;
            t->from = route_from;
            t->to = route_to;
            p_add_proto_data(pinfo->pool, pinfo, proto_msnp, MSNP_PD_TEXT, t);
        } else {
            proto_tree_add_item(tree, hf_msnp_msg_text, tvb, off, len - off, text_enc);
        }
    } else if (ctype && g_ascii_strcasecmp(ctype, "application/x-msnmsgrp2p") == 0) {
        msnp_p2p_dissect_msg(tvb, pinfo, tree, off);
    } else if (tvb_get_uint8(tvb, off) == '<') {
        msnp_call_xml(tvb_new_subset_remaining(tvb, off), pinfo, tree);
    } else {
        proto_tree_add_item(tree, hf_msnp_msg_body, tvb, off, len - off, ENC_NA);
    }
}

static void
msnp_dissect_payload(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const msnp_cmd_t *c,
                     int off, int len)
{
    proto_item *ti = proto_tree_add_item(tree, hf_msnp_payload, tvb, off, len, ENC_NA);
    proto_tree *pt;
    tvbuff_t *ptvb;

    if (len <= 0)
        return;
    pt = proto_item_add_subtree(ti, ett_msnp_payload);
    ptvb = tvb_new_subset_length(tvb, off, len);
    if (c && memcmp(c->name, "QRY", 3) == 0) {
        proto_tree_add_item(pt, hf_msnp_qry_response, ptvb, 0, len, ENC_ASCII);
    } else if (c && (c->flags & CMD_MIME) && tvb_get_uint8(ptvb, 0) != '<') {
        msnp_dissect_mime(ptvb, pinfo, pt);
    } else if (tvb_get_uint8(ptvb, 0) == '<') {
        msnp_call_xml(ptvb, pinfo, pt);
    }
}

/* ---------------------------------------------------------------------- */
/* Transactions                                                             */

static unsigned
msnp_trans_hash(gconstpointer k)
{
    const msnp_trans_t *t = (const msnp_trans_t *)k;
    return t->trid ^ (t->conv_id * 0x9e3779b1u);
}

static gboolean
msnp_trans_equal(gconstpointer a, gconstpointer b)
{
    const msnp_trans_t *ta = (const msnp_trans_t *)a, *tb = (const msnp_trans_t *)b;
    return ta->trid == tb->trid && ta->conv_id == tb->conv_id;
}

/* Pairs a request with the replies that carry its TrID.  First pass: a
 * reply belongs to the latest request with that TrID on its connection,
 * which msnp_requests holds.  Every pass: the frame data of each request
 * and matched reply (keyed by the command's number among the tracked ones
 * in the frame) points at the pair; TrID-less and unmatched replies keep
 * nothing. */
static void
msnp_track(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, msnp_conv_t *mc, msnp_frame_t *fs,
           int dir, uint32_t trid, proto_item *trid_item)
{
    uint32_t key;
    msnp_trans_t *t;
    proto_item *it;

    if (dir == DIR_UNKNOWN || (dir == DIR_S2C && trid == 0))
        return;
    key = MSNP_PD_TRANS + fs->tracked++;
    if (PINFO_FD_VISITED(pinfo)) {
        t = (msnp_trans_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_msnp, key);
    } else {
        msnp_trans_t k;
        k.conv_id = mc->id;
        k.trid = trid;
        t = (msnp_trans_t *)wmem_map_lookup(msnp_requests, &k);
        if (dir == DIR_C2S && (!t || t->req_frame != pinfo->num)) {
            /* (a repeated TrID within one frame stays one transaction) */
            t = wmem_new(wmem_file_scope(), msnp_trans_t);
            t->conv_id = mc->id;
            t->trid = trid;
            t->req_frame = pinfo->num;
            t->rsp_frame = 0;
            t->req_time = pinfo->abs_ts;
            wmem_map_insert(msnp_requests, t, t);
        } else if (dir == DIR_S2C && t && t->rsp_frame == 0) {
            t->rsp_frame = pinfo->num;
        }
        if (t)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_msnp, key, t);
    }

    if (dir == DIR_C2S) {
        if (t && t->rsp_frame) {
            it = proto_tree_add_uint(tree, hf_msnp_response_in, tvb, 0, 0, t->rsp_frame);
            proto_item_set_generated(it);
        }
    } else if (!t) {
        expert_add_info_format(pinfo, trid_item, &ei_msnp_unmatched_reply,
                               "Reply with TrID %u but no earlier request on this connection", trid);
    } else {
        nstime_t delta;
        it = proto_tree_add_uint(tree, hf_msnp_response_to, tvb, 0, 0, t->req_frame);
        proto_item_set_generated(it);
        nstime_delta(&delta, &pinfo->abs_ts, &t->req_time);
        it = proto_tree_add_time(tree, hf_msnp_time, tvb, 0, 0, &delta);
        proto_item_set_generated(it);
    }
}

/* ---------------------------------------------------------------------- */
/* Main loop                                                                */

static int
msnp_trid_index(const msnp_cmd_t *c, bool is_error, int dir, const msnp_tok_t *toks, int ntoks)
{
    if (ntoks < 2)
        return is_error || (c && CMD_TRID(c->flags) == TRID_ALWAYS) ? 1 : 0;
    if (is_error)
        return 1;
    if (!c)
        return msnp_is_digits(toks[1].str, 10) ? 1 : 0;
    switch (CMD_TRID(c->flags)) {
    case TRID_ALWAYS:
        return 1;
    case TRID_C2S:
        if (dir == DIR_C2S)
            return 1;
        if (dir == DIR_S2C)
            return 0;
        return msnp_is_digits(toks[1].str, 10) && ntoks == 4 && toks[2].len == 1 ? 1 : 0;
    case TRID_OPTIONAL:
        /* MSNP8-9 "LSG id name 0": a group id, not the TrID of MSNP2-7's
         * "LSG trid version index total id name 0" */
        if (memcmp(c->name, "LSG", 3) == 0 && ntoks < 6)
            return 0;
        return msnp_is_digits(toks[1].str, 10) ? 1 : 0;
    default:
        return 0;
    }
}

/* The Info column: every command adds its part with " | " between them.
 * col_append_*() scan the whole column on each call, so the parts of one
 * call are gathered here and appended at once (msnp_info_flush); parts
 * beyond what the column can show are not formatted at all. */
static bool
msnp_info_full(wmem_strbuf_t *info)
{
    return wmem_strbuf_get_len(info) >= COL_MAX_INFO_LEN;
}

static void
msnp_info_add(wmem_strbuf_t *info, const char *text)
{
    if (msnp_info_full(info))
        return;
    if (wmem_strbuf_get_len(info) > 0)
        wmem_strbuf_append_len(info, " | ", 3);
    wmem_strbuf_append(info, text);
}

/* One command: the line as on the wire, control characters escaped, after
 * the direction.  line: its linelen bytes as on the wire. */
static void
msnp_info_add_line(packet_info *pinfo, wmem_strbuf_t *info, const uint8_t *line, int linelen,
                   bool printable, int dir, bool is_error, uint16_t errcode)
{
    if (msnp_info_full(info))
        return;
    msnp_info_add(info, msnp_dir_prefix[dir]);
    if (printable) {
        /* what format_text() would return */
        wmem_strbuf_append_len(info, (const char *)line, linelen);
    } else {
        const char *s = (const char *)get_utf_8_string(pinfo->pool, line, linelen);
        wmem_strbuf_append(info, format_text(pinfo->pool, s, strlen(s)));
    }
    if (is_error) {
        wmem_strbuf_append_len(info, " (", 2);
        wmem_strbuf_append(info, val_to_str_ext_const(errcode, &msnp_error_vals_ext, "Unknown error"));
        wmem_strbuf_append_c(info, ')');
    }
}

static void
msnp_info_flush(packet_info *pinfo, wmem_strbuf_t *info)
{
    if (wmem_strbuf_get_len(info) > 0)
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", wmem_strbuf_get_str(info));
    wmem_strbuf_truncate(info, 0);
}

/* Without reassembly: the rest of a payload that began in an earlier segment.
 * mc: the connection's state in the first pass (NULL if none). */
static int
msnp_continuation(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, msnp_conv_t *mc,
                  wmem_strbuf_t *info)
{
    uint32_t skip;
    int total = tvb_captured_length(tvb);
    proto_item *ti;

    if (PINFO_FD_VISITED(pinfo)) {
        skip = GPOINTER_TO_UINT(p_get_proto_data(wmem_file_scope(), pinfo, proto_msnp, MSNP_PD_SKIP));
    } else {
        int dir;
        if (!mc)
            return 0;
        dir = msnp_direction(mc, pinfo);
        skip = MIN(mc->pending[dir], (uint32_t)total);
        if (skip == 0)
            return 0;
        mc->pending[dir] -= skip;
        p_add_proto_data(wmem_file_scope(), pinfo, proto_msnp, MSNP_PD_SKIP, GUINT_TO_POINTER(skip));
    }
    if (skip == 0)
        return 0;
    ti = proto_tree_add_item(tree, proto_msnp, tvb, 0, skip, ENC_NA);
    proto_item_append_text(ti, ", payload continued from an earlier segment");
    proto_tree_add_item(proto_item_add_subtree(ti, ett_msnp), hf_msnp_payload, tvb, 0, skip, ENC_NA);
    msnp_info_add(info, "[payload continued]");
    return (int)skip;
}

/* Tells the "msnp" tap about one command (only while someone listens). */
static void
msnp_queue_tap(packet_info *pinfo, const msnp_conv_t *mc, const msnp_cmd_t *c, bool is_error,
               uint16_t errcode, int dir, const msnp_tok_t *toks, int ntoks, int first_arg, int nargs)
{
    msnp_tap_info_t *tap = wmem_new0(pinfo->pool, msnp_tap_info_t);
    const msnp_text_t *text;
    int i;

    if (c) {
        tap->cmd = c->name;
    } else if (is_error || (strlen(toks[0].str) == 3 && g_ascii_isupper(toks[0].str[0]) &&
                            g_ascii_isupper(toks[0].str[1]) && g_ascii_isupper(toks[0].str[2]))) {
        memcpy(tap->name, toks[0].str, 3);
        tap->cmd = tap->name;
    } else {
        tap->cmd = "[not a command]";
    }
    tap->direction = dir;
    tap->is_error = is_error;
    tap->error = errcode;
    tap->conv_id = mc->id;
    tap->role = mc->role;
    tap->srv_addr = mc->srv_known ? &mc->srv_addr : NULL;
    tap->srv_port = mc->srv_port;
    tap->nargs = MIN(nargs, ntoks - first_arg);
    tap->args = wmem_alloc_array(pinfo->pool, const char *, MAX(tap->nargs, 1));
    for (i = 0; i < tap->nargs; i++)
        tap->args[i] = wmem_strdup(pinfo->pool, toks[first_arg + i].str);
    text = (const msnp_text_t *)p_get_proto_data(pinfo->pool, pinfo, proto_msnp, MSNP_PD_TEXT);
    tap->text = text ? text->text : NULL;
    tap->from = text ? text->from : NULL;
    tap->to = text ? text->to : NULL;
    if (text)
        p_remove_proto_data(pinfo->pool, pinfo, proto_msnp, MSNP_PD_TEXT);
    tap_queue_packet(msnp_tap, pinfo, tap);
}

/* One command line as it is dissected: what each step finds out for the
 * next one (see msnp_dissect_command). */
typedef struct {
    /* where it is (msnp_find_line) */
    int offset;                 /* start of the line */
    int linelen;                /* without CR LF */
    int next;                   /* after the line end */
    bool has_crlf;
    /* what it says (msnp_parse_line) */
    uint8_t *line;              /* the one copy of the line, tokenized in place */
    msnp_tok_t toks[MSNP_MAX_TOKENS];
    int ntoks;
    bool printable;
    const msnp_cmd_t *c;        /* NULL for error replies and unknown commands */
    bool is_error;
    uint16_t errcode;
    const char *cmdtext;        /* the command as format_text() shows it */
    int dir;
    /* its parts (msnp_find_parts) */
    int tridx;                  /* token index of the TrID, 0 if none */
    int first_arg, nargs;       /* parameters after the TrID, without the length */
    uint32_t trid;
    bool has_payload, length_bad;
    uint32_t plen;              /* payload length announced */
    int pavail;                 /* payload bytes present (at most plen) */
    /* its tree (msnp_add_command_item) */
    proto_tree *mt;
    proto_item *ti, *trid_item;
} msnp_line_t;

enum { LINE_FOUND, LINE_TOO_LONG, LINE_NEEDS_MORE };

/* Finding the PDU: the end of the line at l->offset, at most max_line bytes
 * away.  LINE_NEEDS_MORE: TCP was asked for more data. */
static int
msnp_find_line(tvbuff_t *tvb, packet_info *pinfo, int total, int max_line, msnp_line_t *l)
{
    int remaining = total - l->offset;
    int scan = MIN(remaining, max_line + 2);
    int eol = tvb_find_uint8(tvb, l->offset, scan, '\n');

    l->has_crlf = true;
    if (eol >= 0) {
        l->linelen = eol - l->offset;
        if (l->linelen > 0 && tvb_get_uint8(tvb, eol - 1) == '\r')
            l->linelen--;
        l->next = eol + 1;
        return LINE_FOUND;
    }
    l->linelen = remaining;
    l->next = total;
    if (remaining > max_line)
        return LINE_TOO_LONG;
    if (msnp_reassemble && pinfo->can_desegment) {
        pinfo->desegment_offset = l->offset;
        pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
        return LINE_NEEDS_MORE;
    }
    l->has_crlf = false;
    return LINE_FOUND;
}

static void
msnp_dissect_empty_line(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const msnp_line_t *l,
                        const char *what)
{
    proto_item *it = proto_tree_add_item(tree, proto_msnp, tvb, l->offset, l->next - l->offset, ENC_NA);

    if (what)
        proto_item_append_text(it, "%s", what);
    expert_add_info(pinfo, it, &ei_msnp_empty_line);
}

static void
msnp_dissect_long_line(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const msnp_line_t *l,
                       int max_line, wmem_strbuf_t *info)
{
    proto_item *ti = proto_tree_add_item(tree, proto_msnp, tvb, l->offset, l->linelen, ENC_NA);
    proto_tree *mt = proto_item_add_subtree(ti, ett_msnp);
    proto_item *it = proto_tree_add_item(mt, hf_msnp_line, tvb, l->offset, MIN(l->linelen, max_line), ENC_UTF_8);

    expert_add_info_format(pinfo, it, &ei_msnp_line_too_long, "No line end within %d bytes", max_line);
    msnp_info_add(info, "[line too long]");
}

/* The tokens of the line and what its first one is: a known command, an
 * error reply (three digits) or neither.  false: only spaces. */
static bool
msnp_parse_line(tvbuff_t *tvb, packet_info *pinfo, msnp_line_t *l)
{
    /* The one copy of the line: tokens, parameters and the Info column use it. */
    l->line = (uint8_t *)wmem_alloc(pinfo->pool, l->linelen + 1);
    tvb_memcpy(tvb, l->line, l->offset, l->linelen);
    l->ntoks = msnp_tokenize(l->line, l->linelen, l->offset, l->toks, &l->printable);
    if (l->ntoks == 0)
        return false;
    l->c = NULL;
    l->is_error = false;
    l->errcode = 0;
    if (l->toks[0].len == 3 && strlen(l->toks[0].str) == 3) {
        const uint8_t *n = (const uint8_t *)l->toks[0].str;
        if (g_ascii_isdigit(n[0]) && g_ascii_isdigit(n[1]) && g_ascii_isdigit(n[2])) {
            l->is_error = true;
            l->errcode = (uint16_t)((n[0] - '0') * 100 + (n[1] - '0') * 10 + (n[2] - '0'));
        } else {
            l->c = msnp_find_cmd(n);
        }
    }
    l->cmdtext = l->printable ? l->toks[0].str :
                 format_text(pinfo->pool, l->toks[0].str, strlen(l->toks[0].str));
    return true;
}

/* Where the TrID, the parameters and the payload length are, and how much
 * of the payload is present.  false: TCP was asked for the rest of it. */
static bool
msnp_find_parts(packet_info *pinfo, int total, msnp_line_t *l)
{
    const msnp_cmd_t *c = l->c;

    l->tridx = msnp_trid_index(c, l->is_error, l->dir, l->toks, l->ntoks);
    l->first_arg = l->tridx ? 2 : 1;
    l->nargs = MAX(l->ntoks - l->first_arg, 0);
    l->trid = 0;
    l->plen = 0;
    l->pavail = 0;
    l->has_payload = l->length_bad = false;

    /* Payload length: the last parameter. */
    if (((c && (c->flags & CMD_PAYLOAD)) || (l->is_error && l->ntoks == 3)) && l->nargs >= 1 && l->has_crlf) {
        const char *last = l->toks[l->ntoks - 1].str;
        if (msnp_tok_u32(last, &l->plen)) {
            l->has_payload = true;
            l->nargs--;
            if (l->plen > msnp_max_payload)
                l->length_bad = true;
        } else if (strcmp(last, "OK") != 0 && c && (c->flags & CMD_LENREQ)) {
            /* ADL/RML/UUN "trid OK", GCF "trid Shields.xml" carry no payload */
            l->length_bad = true;
        }
    }
    if (!l->has_payload)
        return true;
    l->pavail = total - l->next;
    if ((uint32_t)l->pavail >= l->plen) {
        l->pavail = l->plen;
    } else if (!l->length_bad && msnp_reassemble && pinfo->can_desegment) {
        pinfo->desegment_offset = l->offset;
        pinfo->desegment_len = l->plen - l->pavail;
        return false;
    }
    return true;
}

/* The command's item: direction, what the connection is, the line, the
 * command and what kind of command it is. */
static void
msnp_add_command_item(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const msnp_conv_t *mc,
                      msnp_line_t *l)
{
    const msnp_cmd_t *c = l->c;
    proto_item *it;

    l->ti = proto_tree_add_item(tree, proto_msnp, tvb, l->offset, (l->next - l->offset) + l->pavail, ENC_NA);
    l->mt = proto_item_add_subtree(l->ti, ett_msnp);
    proto_item_append_text(l->ti, ", %s%s", msnp_dir_prefix[l->dir], l->cmdtext);
    if (c)
        proto_item_append_text(l->ti, " (%s)", c->desc);
    else if (l->is_error)
        proto_item_append_text(l->ti, " (Error: %s)",
                               val_to_str_ext_const(l->errcode, &msnp_error_vals_ext, "Unknown error"));

    it = proto_tree_add_uint(l->mt, hf_msnp_direction, tvb, 0, 0, l->dir);
    proto_item_set_generated(it);
    if (mc->role != ROLE_UNKNOWN) {
        it = proto_tree_add_string(l->mt, hf_msnp_server_role, tvb, 0, 0, msnp_role_names[mc->role]);
        proto_item_set_generated(it);
    }
    if (mc->referred_by) {
        it = proto_tree_add_uint(l->mt, hf_msnp_referred_by, tvb, 0, 0, mc->referred_by);
        proto_item_set_generated(it);
    }
    proto_tree_add_item(l->mt, hf_msnp_line, tvb, l->offset, l->linelen, ENC_UTF_8);
    if (!l->has_crlf)
        expert_add_info(pinfo, l->ti, &ei_msnp_no_crlf);

    it = proto_tree_add_item(l->mt, hf_msnp_cmd, tvb, l->toks[0].off, l->toks[0].len, ENC_ASCII);
    if (c) {
        it = proto_tree_add_string(l->mt, hf_msnp_cmd_desc, tvb, l->toks[0].off, l->toks[0].len, c->desc);
        proto_item_set_generated(it);
    } else if (l->is_error) {
        it = proto_tree_add_uint(l->mt, hf_msnp_error, tvb, l->toks[0].off, 3, l->errcode);
        expert_add_info_format(pinfo, it, &ei_msnp_error_reply, "Error %u: %s", l->errcode,
                               val_to_str_ext_const(l->errcode, &msnp_error_vals_ext, "Unknown error"));
    } else {
        expert_add_info_format(pinfo, it, &ei_msnp_unknown_command, "Unknown command %s", l->cmdtext);
    }
}

/* The TrID, the parameters (each, then what they mean) and the payload
 * length. */
static void
msnp_add_params(tvbuff_t *tvb, packet_info *pinfo, const msnp_conv_t *mc, msnp_line_t *l)
{
    const msnp_tok_t *toks = l->toks;
    proto_item *it;
    int i;

    l->trid_item = NULL;
    if (l->tridx) {
        if (l->ntoks > 1 && msnp_tok_u32(toks[1].str, &l->trid)) {
            l->trid_item = proto_tree_add_uint(l->mt, hf_msnp_trid, tvb, toks[1].off, toks[1].len, l->trid);
        } else {
            l->tridx = 0;
            l->first_arg = 1;
            l->nargs = l->ntoks - 1 - (l->has_payload ? 1 : 0);
            expert_add_info_format(pinfo, l->ti, &ei_msnp_bad_trid, "%s needs a numeric TrID%s%s",
                                   toks[0].str, l->ntoks > 1 ? ", got " : "",
                                   l->ntoks > 1 ? format_text(pinfo->pool, toks[1].str, strlen(toks[1].str)) : "");
        }
    }

    for (i = 0; i < l->nargs; i++)
        proto_tree_add_item(l->mt, hf_msnp_param, tvb, toks[l->first_arg + i].off,
                            toks[l->first_arg + i].len, ENC_UTF_8);
    msnp_decode_params(tvb, pinfo, l->mt, toks[0].str, l->dir, mc->account, &toks[l->first_arg], l->nargs);

    if (!l->has_payload && !l->length_bad)
        return;
    if (l->has_payload)
        it = proto_tree_add_uint(l->mt, hf_msnp_length, tvb, toks[l->ntoks - 1].off, toks[l->ntoks - 1].len, l->plen);
    else
        it = proto_tree_add_item(l->mt, hf_msnp_param, tvb, toks[l->ntoks - 1].off, toks[l->ntoks - 1].len, ENC_UTF_8);
    if (l->length_bad && l->has_payload)
        expert_add_info_format(pinfo, it, &ei_msnp_bad_length,
                               "Payload length %u exceeds the limit of %u bytes", l->plen, msnp_max_payload);
    else if (l->length_bad)
        expert_add_info_format(pinfo, it, &ei_msnp_bad_length, "Payload length is not a number");
}

/* The payload, or as much of it as is present (without reassembly the
 * rest is skipped in the connection's next segments: mc->pending). */
static void
msnp_add_payload(tvbuff_t *tvb, packet_info *pinfo, msnp_conv_t *mc, int http_dir, const msnp_line_t *l)
{
    proto_item *it;

    if (!l->has_payload)
        return;
    if ((uint32_t)l->pavail >= l->plen) {
        msnp_dissect_payload(tvb, pinfo, l->mt, l->c, l->next, l->pavail);
        return;
    }
    it = proto_tree_add_item(l->mt, hf_msnp_payload, tvb, l->next, l->pavail, ENC_NA);
    if (!l->length_bad) {
        expert_add_info_format(pinfo, it, &ei_msnp_partial_payload,
                               "Only %d of %u payload bytes present", l->pavail, l->plen);
        if (!PINFO_FD_VISITED(pinfo) && http_dir == DIR_UNKNOWN)
            mc->pending[l->dir] = l->plen - l->pavail;
    }
}

/* Reporting: the command for the statistics tap, and for the Info column. */
static void
msnp_report(packet_info *pinfo, wmem_strbuf_t *info, const msnp_conv_t *mc, msnp_line_t *l)
{
    if (have_tap_listener(msnp_tap))
        msnp_queue_tap(pinfo, mc, l->c, l->is_error, l->errcode, l->dir, l->toks, l->ntoks,
                       l->first_arg, l->nargs);

    /* The tokens are done with: the line again for the Info column. */
    msnp_untokenize(l->line, l->linelen, l->offset, l->toks, l->ntoks);
    msnp_info_add_line(pinfo, info, l->line, l->linelen, l->printable, l->dir, l->is_error, l->errcode);
}

/* The connection's state, found or created at its first command line. */
typedef struct {
    conversation_t *conv;
    msnp_conv_t *mc;
    bool looked_up;
} msnp_conn_t;

static msnp_conv_t *
msnp_conn_state(packet_info *pinfo, msnp_conn_t *cn, const msnp_line_t *l, int http_dir)
{
    if (!cn->mc) {
        if (!cn->looked_up) {
            cn->mc = msnp_find_conv(pinfo, &cn->conv);
            cn->looked_up = true;
        }
        if (!cn->mc)
            cn->mc = msnp_new_conv(pinfo, cn->conv, l->c, l->is_error, http_dir);
    }
    return cn->mc;
}

/* One command line and its payload, found at l->offset: parse it, add its
 * fields, link it to its connection and transaction, report it.  Returns
 * where the next one starts, or -1 when TCP was asked for more data. */
static int
msnp_dissect_command(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int http_dir,
                     msnp_frame_t *fs, msnp_conn_t *cn, int max_line, msnp_line_t *l)
{
    int total = tvb_captured_length(tvb);
    msnp_conv_t *mc;

    switch (msnp_find_line(tvb, pinfo, total, max_line, l)) {
    case LINE_NEEDS_MORE:
        return -1;
    case LINE_TOO_LONG:
        msnp_dissect_long_line(tvb, pinfo, tree, l, max_line, fs->info);
        return l->next;
    default:
        break;
    }
    if (l->linelen == 0) {
        msnp_dissect_empty_line(tvb, pinfo, tree, l, ", empty line");
        return l->next;
    }
    if (!msnp_parse_line(tvb, pinfo, l)) {
        /* only spaces */
        msnp_dissect_empty_line(tvb, pinfo, tree, l, NULL);
        return l->next;
    }
    mc = msnp_conn_state(pinfo, cn, l, http_dir);
    l->dir = http_dir != DIR_UNKNOWN ? http_dir : msnp_direction(mc, pinfo);
    if (!msnp_find_parts(pinfo, total, l))
        return -1;

    msnp_add_command_item(tvb, pinfo, tree, mc, l);
    msnp_add_params(tvb, pinfo, mc, l);
    msnp_add_payload(tvb, pinfo, mc, http_dir, l);

    if (!PINFO_FD_VISITED(pinfo)) {
        msnp_role_evidence(mc, l->toks[0].str, l->dir, &l->toks[l->first_arg], l->nargs);
        msnp_own_account(mc, l->toks[0].str, &l->toks[l->first_arg], l->nargs);
    }
    if (l->tridx)
        msnp_track(tvb, pinfo, l->mt, mc, fs, l->dir, l->trid, l->trid_item);

    msnp_report(pinfo, fs->info, mc, l);
    return l->next + l->pavail;
}

/* The command lines of tvb; false when it asks TCP for more data. */
static bool
msnp_dissect_lines(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int http_dir, msnp_frame_t *fs)
{
    int offset = 0;
    int total = tvb_captured_length(tvb);
    int max_line = (int)MIN(MAX(msnp_max_line, 16), MSNP_MAX_LINE_CAP);
    msnp_conn_t cn = { NULL, NULL, false };
    msnp_line_t l;

    /* One conversation lookup per call: here in the first pass, where a
     * continued payload needs the state, else at the first command line. */
    if (http_dir == DIR_UNKNOWN) {
        if (!PINFO_FD_VISITED(pinfo)) {
            cn.mc = msnp_find_conv(pinfo, &cn.conv);
            cn.looked_up = true;
        }
        offset = msnp_continuation(tvb, pinfo, tree, cn.mc, fs->info);
    }

    while (offset < total) {
        l.offset = offset;
        offset = msnp_dissect_command(tvb, pinfo, tree, http_dir, fs, &cn, max_line, &l);
        if (offset < 0)
            return false;
    }
    return true;
}

static int
dissect_msnp_common(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int http_dir)
{
    msnp_frame_t *fs;
    volatile bool done = false;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "MSNP");
    fs = (msnp_frame_t *)p_get_proto_data(pinfo->pool, pinfo, proto_msnp, MSNP_PD_FRAME);
    if (!fs) {
        /* first call for this frame */
        col_clear(pinfo->cinfo, COL_INFO);
        fs = wmem_new0(pinfo->pool, msnp_frame_t);
        fs->info = wmem_strbuf_new_sized(pinfo->pool, 256);
        p_add_proto_data(pinfo->pool, pinfo, proto_msnp, MSNP_PD_FRAME, fs);
    }
    TRY {
        done = msnp_dissect_lines(tvb, pinfo, tree, http_dir, fs);
    }
    FINALLY {
        /* also what was dissected before an exception */
        msnp_info_flush(pinfo, fs->info);
    }
    ENDTRY;
    if (done)
        col_set_fence(pinfo->cinfo, COL_INFO);
    return tvb_captured_length(tvb);
}

static int
dissect_msnp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return dissect_msnp_common(tvb, pinfo, tree, DIR_UNKNOWN);
}

static int
dissect_msnp_http(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const ws_media_content_info *info = (const ws_media_content_info *)data;
    int dir = DIR_UNKNOWN;

    if (info && info->type == MEDIA_CONTAINER_HTTP_REQUEST)
        dir = DIR_C2S;
    else if (info && info->type == MEDIA_CONTAINER_HTTP_RESPONSE)
        dir = DIR_S2C;
    return dissect_msnp_common(tvb, pinfo, tree, dir);
}

/* ---------------------------------------------------------------------- */
/* Heuristic                                                                */

/* Commands without TrID: does the line have the shape of this command? */
static bool
msnp_untracked_shape_ok(const msnp_cmd_t *c, const msnp_tok_t *toks, int ntoks)
{
    const char *last = toks[ntoks - 1].str;
    int i;

    switch (msnp_code(c->name)) {
    case 'Q' << 16 | 'N' << 8 | 'G':
    case 'N' << 16 | 'O' << 8 | 'T':
    case 'I' << 16 | 'P' << 8 | 'G':
        return ntoks == 2 && msnp_is_digits(toks[1].str, 10);
    case 'R' << 16 | 'N' << 8 | 'G':
        return ntoks >= 5 && msnp_is_digits(toks[1].str, 10) && strchr(toks[2].str, ':') != NULL;
    case 'N' << 16 | 'L' << 8 | 'N':
        for (i = 0; i < (int)G_N_ELEMENTS(msnp_statuses); i++)
            if (strcmp(toks[1].str, msnp_statuses[i].code) == 0)
                return ntoks >= 4 && msnp_email_part(toks[2].str) != NULL;
        return false;
    case 'F' << 16 | 'L' << 8 | 'N':
    case 'B' << 16 | 'Y' << 8 | 'E':
    case 'J' << 16 | 'O' << 8 | 'I':
    case 'U' << 16 | 'B' << 8 | 'X':
    case 'U' << 16 | 'B' << 8 | 'N':
    case 'U' << 16 | 'B' << 8 | 'M':
        return msnp_email_part(toks[1].str) != NULL;
    case 'N' << 16 | 'F' << 8 | 'Y':    /* NFY PUT|DEL length */
        return ntoks == 3 && (strcmp(toks[1].str, "PUT") == 0 || strcmp(toks[1].str, "DEL") == 0) &&
               msnp_is_digits(last, 10);
    case 'O' << 16 | 'U' << 8 | 'T':
        return ntoks == 2 && toks[1].len == 3;
    case 'L' << 16 | 'S' << 8 | 'T':
    case 'L' << 16 | 'S' << 8 | 'G':
    case 'P' << 16 | 'R' << 8 | 'P':
    case 'B' << 16 | 'P' << 8 | 'R':
    case 'B' << 16 | 'L' << 8 | 'P':
    case 'G' << 16 | 'T' << 8 | 'C':
        return msnp_is_digits(toks[1].str, 10);
    default:
        return false;
    }
}

/* Does the data start with an MSNP command line?  Never throws.
 * Sets the offset of its LF and the payload length it announces. */
static bool
msnp_first_line_ok(tvbuff_t *tvb, int *eol_out, uint32_t *plen)
{
    int len = tvb_captured_length(tvb);
    uint8_t head[4];
    const msnp_cmd_t *c = NULL;
    bool is_error = false;
    int scan, eol, i, ntoks;
    uint8_t line[MSNP_HEUR_MAX_LINE];
    msnp_tok_t toks[MSNP_MAX_TOKENS];
    const char *last;
    bool printable;

    if (len < 5)
        return false;
    tvb_memcpy(tvb, head, 0, 4);
    if (head[3] != ' ' && head[3] != '\r')
        return false;
    if (g_ascii_isdigit(head[0]) && g_ascii_isdigit(head[1]) && g_ascii_isdigit(head[2])) {
        unsigned code = (head[0] - '0') * 100 + (head[1] - '0') * 10 + (head[2] - '0');
        if (!try_val_to_str_ext(code, &msnp_error_vals_ext))
            return false;
        is_error = true;
    } else {
        c = msnp_find_cmd(head);
        if (!c)
            return false;
    }
    scan = MIN(len, MSNP_HEUR_MAX_LINE);
    eol = tvb_find_uint8(tvb, 0, scan, '\n');
    if (eol < 4)
        return false;
    /* One copy of the line (eol < MSNP_HEUR_MAX_LINE): no per-byte accessor, no allocation. */
    tvb_memcpy(tvb, line, 0, eol);
    if (line[eol - 1] != '\r')
        return false;
    for (i = 0; i < eol - 1; i++) {
        if (line[i] < 0x20 || line[i] == 0x7f)
            return false;
    }
    *eol_out = eol;
    if (head[3] == '\r')   /* bare command */
        return c && (c->flags & CMD_BARE);

    *eol_out = eol;
    *plen = 0;
    ntoks = msnp_tokenize(line, eol - 1, 0, toks, &printable);
    if (ntoks < 2)
        return false;
    last = toks[ntoks - 1].str;
    if ((is_error && ntoks == 3) || (c && (c->flags & CMD_PAYLOAD)))
        msnp_tok_u32(last, plen);

    if (is_error)   /* NNN trid [length] */
        return ntoks <= 3 && msnp_is_digits(toks[1].str, 10) && msnp_is_digits(last, 10);

    if (c->flags & CMD_LENREQ) {
        if (!msnp_is_digits(last, 10) && strcmp(last, "OK") != 0)
            return false;
    }
    switch (CMD_TRID(c->flags)) {
    case TRID_ALWAYS:
        return msnp_is_digits(toks[1].str, 10);
    case TRID_C2S:    /* MSG trid U|N|A|D len, or MSG account name len */
        if (ntoks != 4)
            return false;
        if (msnp_is_digits(toks[1].str, 10))
            return toks[2].len == 1;
        return true;
    default:
        break;
    }
    return msnp_untracked_shape_ok(c, toks, ntoks);
}

/* The first command line, and the start of what follows it if the segment holds more. */
static bool
msnp_looks_like(tvbuff_t *tvb)
{
    int len = tvb_captured_length(tvb);
    int eol = 0, next, i;
    uint32_t plen = 0;
    uint8_t b[4];

    if (!msnp_first_line_ok(tvb, &eol, &plen))
        return false;
    next = eol + 1;
    if (plen >= (uint32_t)(len - next) || len - next - (int)plen < 4)
        return true;
    next += (int)plen;
    tvb_memcpy(tvb, b, next, 4);
    if (b[0] == '\r' && b[1] == '\n')
        return true;
    for (i = 0; i < 3; i++)
        if (!g_ascii_isupper(b[i]) && !g_ascii_isdigit(b[i]))
            return false;
    return b[3] == ' ' || b[3] == '\r';
}

static ws_bool
dissect_msnp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *conv;

    if (!msnp_looks_like(tvb))
        return false;
    conv = find_or_create_conversation(pinfo);
    conversation_set_dissector(conv, msnp_handle);
    dissect_msnp(tvb, pinfo, tree, data);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Statistics                                                               */

static const char st_str_cmds[] = "MSNP commands";
static const char st_str_dirs[] = "Direction";
static const char st_str_errors[] = "Error replies";
static int st_node_cmds = -1;
static int st_node_dirs = -1;
static int st_node_errors = -1;

static void
msnp_stats_tree_init(stats_tree *st)
{
    st_node_cmds = stats_tree_create_node(st, st_str_cmds, 0, STAT_DT_INT, true);
    st_node_dirs = stats_tree_create_node(st, st_str_dirs, 0, STAT_DT_INT, true);
    st_node_errors = stats_tree_create_node(st, st_str_errors, 0, STAT_DT_INT, true);
}

static tap_packet_status
msnp_stats_tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                       const void *p, tap_flags_t flags _U_)
{
    const msnp_tap_info_t *ti = (const msnp_tap_info_t *)p;
    const char *dir = val_to_str_const(ti->direction, msnp_direction_vals, "Unknown");
    int node;

    tick_stat_node(st, st_str_cmds, 0, true);
    node = tick_stat_node(st, ti->cmd, st_node_cmds, true);
    tick_stat_node(st, dir, node, false);
    tick_stat_node(st, st_str_dirs, 0, true);
    tick_stat_node(st, dir, st_node_dirs, false);
    if (ti->is_error) {
        char *name = wmem_strdup_printf(pinfo->pool, "%u %s", ti->error,
                                        val_to_str_ext_const(ti->error, &msnp_error_vals_ext, "Unknown error"));
        tick_stat_node(st, st_str_errors, 0, true);
        tick_stat_node(st, name, st_node_errors, false);
    }
    return TAP_PACKET_REDRAW;
}

/* ---------------------------------------------------------------------- */
/* Registration                                                             */

void
proto_register_msnp(void)
{
    static hf_register_info hf[] = {
        { &hf_msnp_direction,
          { "Direction", "msnp.direction", FT_UINT8, BASE_DEC, VALS(msnp_direction_vals), 0x0,
            "Whether the client sent the command to the server or the server to the client (C\342\206\222S or S\342\206\222C in the Info column).", HFILL } },
        { &hf_msnp_server_role,
          { "Server role", "msnp.server_role", FT_STRING, BASE_NONE, NULL, 0x0,
            "What kind of MSN server this connection goes to: DS (dispatch server, hands out a notification server), NS (notification server: login, presence, contact lists) or SB (switchboard: one chat session).", HFILL } },
        { &hf_msnp_referred_by,
          { "Referred by", "msnp.referred_by", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "Frame of the XFR or RNG command that sent the client to this server.", HFILL } },
        { &hf_msnp_line,
          { "Command line", "msnp.line", FT_STRING, BASE_NONE, NULL, 0x0,
            "The whole command line as sent, without the CRLF that ends it.", HFILL } },
        { &hf_msnp_cmd,
          { "Command", "msnp.cmd", FT_STRING, BASE_NONE, NULL, 0x0,
            "Three-letter command (e.g. USR, MSG), or the three digits of an error reply that the server sends instead of the command.", HFILL } },
        { &hf_msnp_cmd_desc,
          { "Meaning", "msnp.cmd.desc", FT_STRING, BASE_NONE, NULL, 0x0,
            "What the command asks for or announces.", HFILL } },
        { &hf_msnp_error,
          { "Error", "msnp.error", FT_UINT16, BASE_DEC | BASE_EXT_STRING, &msnp_error_vals_ext, 0x0,
            "Three-digit error code that the server replies with, followed by the TrID of the failed request; msnp.error == 911 finds failed logins.", HFILL } },
        { &hf_msnp_trid,
          { "Transaction id (TrID)", "msnp.trid", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Transaction id: a number the client increments with each request; the server echoes it in its reply so the two can be paired.", HFILL } },
        { &hf_msnp_param,
          { "Parameter", "msnp.param", FT_STRING, BASE_NONE, NULL, 0x0,
            "One parameter of the command line after the TrID, exactly as on the wire (URL-encoded text stays encoded); a payload length is in msnp.length instead.", HFILL } },
        { &hf_msnp_length,
          { "Payload length", "msnp.length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of payload bytes that follow the CRLF of this command line (the last parameter of a payload command).", HFILL } },
        { &hf_msnp_payload,
          { "Payload", "msnp.payload", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The bytes after the command line that msnp.length counts: a MIME message, XML or binary data.", HFILL } },
        { &hf_msnp_version,
          { "Protocol version", "msnp.version", FT_STRING, BASE_NONE, NULL, 0x0,
            "Protocol version (MSNP2 to MSNP21) the client offers in VER, or the one the server chooses.", HFILL } },
        { &hf_msnp_account,
          { "Account", "msnp.account", FT_STRING, BASE_NONE, NULL, 0x0,
            "Passport or e-mail address of a user, without an MSNP18 network prefix such as 1: (1 = Windows Live network).", HFILL } },
        { &hf_msnp_friendly_name,
          { "Friendly name", "msnp.friendly_name", FT_STRING, BASE_NONE, NULL, 0x0,
            "Display name of a user, URL-decoded to UTF-8 (the raw, URL-encoded form is in msnp.param).", HFILL } },
        { &hf_msnp_status,
          { "Status", "msnp.status", FT_STRING, BASE_NONE, NULL, 0x0,
            "Presence status: NLN online, BSY busy, IDL idle, BRB be right back, AWY away, PHN on the phone, LUN out to lunch, HDN hidden (appear offline), FLN offline.", HFILL } },
        { &hf_msnp_session_id,
          { "Switchboard session id", "msnp.session_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "Number of a switchboard session from RNG or CAL RINGING; the invited client quotes it in ANS.", HFILL } },
        { &hf_msnp_msg_ack_type,
          { "Acknowledgement type", "msnp.msg.ack_type", FT_STRING, BASE_NONE, NULL, 0x0,
            "What the client asks the switchboard to acknowledge for a MSG it sends: U (nothing), N (NAK on failure), A (ACK or NAK), D (ACK or NAK, P2P data).", HFILL } },
        { &hf_msnp_cvr_locale,
          { "Locale id", "msnp.cvr.locale", FT_UINT16, BASE_HEX, VALS(msnp_locale_vals), 0x0,
            "Windows language identifier (LCID) of the client, e.g. 0x0409 English (United States), 0x0804 Chinese (PRC).", HFILL } },
        { &hf_msnp_cvr_os_type,
          { "OS type", "msnp.cvr.os_type", FT_STRING, BASE_NONE, NULL, 0x0,
            "Operating system family of the client, e.g. winnt or win.", HFILL } },
        { &hf_msnp_cvr_os_version,
          { "OS version", "msnp.cvr.os_version", FT_STRING, BASE_NONE, NULL, 0x0,
            "Operating system version of the client, e.g. 5.1 for Windows XP.", HFILL } },
        { &hf_msnp_cvr_arch,
          { "CPU architecture", "msnp.cvr.arch", FT_STRING, BASE_NONE, NULL, 0x0,
            "Processor architecture of the client machine, e.g. i386.", HFILL } },
        { &hf_msnp_cvr_client_name,
          { "Client name", "msnp.cvr.client_name", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name of the client program, e.g. MSNMSGR (MSN Messenger) or MSMSGS (Windows Messenger).", HFILL } },
        { &hf_msnp_cvr_client_version,
          { "Client version", "msnp.cvr.client_version", FT_STRING, BASE_NONE, NULL, 0x0,
            "Version of the client program, e.g. 7.0.0777.", HFILL } },
        { &hf_msnp_cvr_client_id,
          { "Client id", "msnp.cvr.client_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "Brand or language id string of the client, usually msmsgs.", HFILL } },
        { &hf_msnp_cvr_recommended_version,
          { "Recommended version", "msnp.cvr.recommended_version", FT_STRING, BASE_NONE, NULL, 0x0,
            "Client version that the server recommends installing.", HFILL } },
        { &hf_msnp_cvr_minimum_version,
          { "Minimum version", "msnp.cvr.minimum_version", FT_STRING, BASE_NONE, NULL, 0x0,
            "Oldest client version that the server still accepts.", HFILL } },
        { &hf_msnp_cvr_download_url,
          { "Download URL", "msnp.cvr.download_url", FT_STRING, BASE_NONE, NULL, 0x0,
            "Where the recommended client version can be downloaded.", HFILL } },
        { &hf_msnp_cvr_info_url,
          { "Information URL", "msnp.cvr.info_url", FT_STRING, BASE_NONE, NULL, 0x0,
            "Web page with information about the client.", HFILL } },
        { &hf_msnp_usr_auth,
          { "Authentication method", "msnp.usr.auth", FT_STRING, BASE_NONE, NULL, 0x0,
            "Authentication method: MD5 (password hash with a salt, MSNP2-7), TWN (Tweener: a Passport ticket, MSNP8-14) or SSO (single sign-on with a security token, MSNP15+).", HFILL } },
        { &hf_msnp_usr_state,
          { "Authentication state", "msnp.usr.state", FT_STRING, BASE_NONE, NULL, 0x0,
            "Step of the authentication: I (initial: the client names its account), S (subsequent: the server's challenge or the client's answer) or OK (logged in).", HFILL } },
        { &hf_msnp_usr_challenge,
          { "Authentication challenge", "msnp.usr.challenge", FT_STRING, BASE_NONE, NULL, 0x0,
            "What the server asks the client to prove: the TWN Passport string (comma-separated key=value items), the MD5 salt, or the SSO nonce.", HFILL } },
        { &hf_msnp_usr_challenge_key,
          { "Key", "msnp.usr.challenge.key", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name of one item of the Passport challenge string, e.g. lc (locale), id (site id), ct (time).", HFILL } },
        { &hf_msnp_usr_challenge_value,
          { "Value", "msnp.usr.challenge.value", FT_STRING, BASE_NONE, NULL, 0x0,
            "Value of one item of the Passport challenge string.", HFILL } },
        { &hf_msnp_usr_ticket,
          { "Passport ticket", "msnp.usr.ticket", FT_STRING, BASE_NONE, NULL, 0x0,
            "Passport ticket (TWN: t=...&p=...; SSO: the security token) that the client got from Passport over HTTPS and shows the notification server to log in.", HFILL } },
        { &hf_msnp_usr_policy,
          { "SSO policy", "msnp.usr.policy", FT_STRING, BASE_NONE, NULL, 0x0,
            "SSO policy (e.g. MBI_KEY_OLD) for which the client must fetch a security token (MSNP15+).", HFILL } },
        { &hf_msnp_usr_response,
          { "Challenge response", "msnp.usr.response", FT_STRING, BASE_NONE, NULL, 0x0,
            "The client's answer to the challenge: MD5 hash of salt and password (MSNP2-7), or the SSO response computed from the nonce (MSNP15+).", HFILL } },
        { &hf_msnp_xfr_server_type,
          { "Server type", "msnp.xfr.server_type", FT_STRING, BASE_NONE, NULL, 0x0,
            "Kind of server the client is sent to: NS (notification server) or SB (switchboard).", HFILL } },
        { &hf_msnp_xfr_ip,
          { "Server address", "msnp.xfr.ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            "IPv4 address of the server that XFR or RNG sends the client to; the next connection goes there.", HFILL } },
        { &hf_msnp_xfr_port,
          { "Server port", "msnp.xfr.port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "TCP port of the server that XFR or RNG sends the client to.", HFILL } },
        { &hf_msnp_xfr_auth,
          { "Switchboard authentication", "msnp.xfr.auth", FT_STRING, BASE_NONE, NULL, 0x0,
            "How the client authenticates at the switchboard: CKI (with the cookie that follows).", HFILL } },
        { &hf_msnp_xfr_cookie,
          { "Switchboard cookie", "msnp.xfr.cookie", FT_STRING, BASE_NONE, NULL, 0x0,
            "Authorization cookie that the client presents to the switchboard in USR or ANS.", HFILL } },
        { &hf_msnp_chl_challenge,
          { "Challenge", "msnp.chl.challenge", FT_STRING, BASE_NONE, NULL, 0x0,
            "Random string sent by the notification server (MSNP6+); the client must answer with QRY, a hash of it and its product key, or be disconnected.", HFILL } },
        { &hf_msnp_qry_product_id,
          { "Product id", "msnp.qry.product_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "Client product id whose secret product key the QRY hash was computed with.", HFILL } },
        { &hf_msnp_qry_response,
          { "Challenge response", "msnp.qry.response", FT_STRING, BASE_NONE, NULL, 0x0,
            "32 hexadecimal digits: the hash of the CHL challenge and the product key.", HFILL } },
        { &hf_msnp_msg_header,
          { "Header", "msnp.msg.header", FT_STRING, BASE_NONE, NULL, 0x0,
            "One MIME header line of a message or MSNP18+ data payload.", HFILL } },
        { &hf_msnp_msg_content_type,
          { "Content type", "msnp.msg.content_type", FT_STRING, BASE_NONE, NULL, 0x0,
            "Media type of the message without its parameters, e.g. text/plain, text/x-msmsgscontrol (typing), application/x-msnmsgrp2p.", HFILL } },
        { &hf_msnp_msg_text,
          { "Text", "msnp.msg.text", FT_STRING, BASE_NONE, NULL, 0x0,
            "Text of a text/plain message, as UTF-8.", HFILL } },
        { &hf_msnp_msg_typing_user,
          { "Typing user", "msnp.msg.typing_user", FT_STRING, BASE_NONE, NULL, 0x0,
            "Account of the user who is typing (text/x-msmsgscontrol message).", HFILL } },
        { &hf_msnp_msg_body,
          { "Body", "msnp.msg.body", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Message body that is not text, P2P or XML, as bytes.", HFILL } },
        { &hf_msnp_response_in,
          { "Response in", "msnp.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The reply to this request is in this frame.", HFILL } },
        { &hf_msnp_response_to,
          { "Request in", "msnp.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "This is a reply to the request in this frame.", HFILL } },
        { &hf_msnp_time,
          { "Response time", "msnp.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time between the request and this reply.", HFILL } },
    };

    static int *ett[] = {
        &ett_msnp,
        &ett_msnp_challenge,
        &ett_msnp_challenge_item,
        &ett_msnp_payload,
    };

    static ei_register_info ei[] = {
        { &ei_msnp_error_reply, { "msnp.error_reply", PI_RESPONSE_CODE, PI_NOTE, "Error reply", EXPFILL } },
        { &ei_msnp_unknown_command, { "msnp.unknown_command", PI_UNDECODED, PI_NOTE, "Unknown command", EXPFILL } },
        { &ei_msnp_no_crlf, { "msnp.no_crlf", PI_MALFORMED, PI_WARN, "Line without CRLF at the end of the data", EXPFILL } },
        { &ei_msnp_bad_trid, { "msnp.bad_trid", PI_PROTOCOL, PI_WARN, "TrID is not numeric", EXPFILL } },
        { &ei_msnp_bad_length, { "msnp.bad_length", PI_MALFORMED, PI_ERROR, "Invalid or too large payload length", EXPFILL } },
        { &ei_msnp_partial_payload, { "msnp.partial_payload", PI_MALFORMED, PI_WARN, "Payload incomplete", EXPFILL } },
        { &ei_msnp_line_too_long, { "msnp.line_too_long", PI_MALFORMED, PI_ERROR, "Command line too long", EXPFILL } },
        { &ei_msnp_bad_escape, { "msnp.bad_escape", PI_MALFORMED, PI_WARN, "Invalid URL escape; shown raw", EXPFILL } },
        { &ei_msnp_name_unescaped, { "msnp.name_unescaped", PI_PROTOCOL, PI_CHAT,
            "Friendly name sent as raw bytes that are no text, not URL-encoded; shown as \\xNN", EXPFILL } },
        { &ei_msnp_bad_address, { "msnp.bad_address", PI_MALFORMED, PI_WARN, "Invalid server address", EXPFILL } },
        { &ei_msnp_unmatched_reply, { "msnp.unmatched_reply", PI_SEQUENCE, PI_NOTE, "Reply without a request", EXPFILL } },
        { &ei_msnp_empty_line, { "msnp.empty_line", PI_PROTOCOL, PI_NOTE, "Empty line", EXPFILL } },
    };

    module_t *msnp_module;
    expert_module_t *expert_msnp;

    proto_msnp = proto_register_protocol("MSN Messenger Protocol (MSNP)", "MSNP", "msnp");
    proto_register_field_array(proto_msnp, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_msnp = expert_register_protocol(proto_msnp);
    expert_register_field_array(expert_msnp, ei, array_length(ei));

    msnp_module = prefs_register_protocol(proto_msnp, NULL);
    prefs_register_bool_preference(msnp_module, "reassemble",
        "Reassemble commands and payloads spanning TCP segments",
        "Whether a command line or its payload split over several TCP segments is reassembled. "
        "To use this option, also enable \"Allow subdissectors to reassemble TCP streams\" in the TCP "
        "protocol settings.",
        &msnp_reassemble);
    prefs_register_uint_preference(msnp_module, "max_payload",
        "Maximum payload length",
        "Payload lengths above this many bytes are flagged and not reassembled.",
        10, &msnp_max_payload);
    prefs_register_uint_preference(msnp_module, "max_line",
        "Maximum command line length",
        "A command line with no CRLF within this many bytes is flagged and not reassembled.",
        10, &msnp_max_line);

    msnp_handle = register_dissector("msnp", dissect_msnp, proto_msnp);
    msnp_http_handle = register_dissector("msnp_http", dissect_msnp_http, proto_msnp);
    msnp_tap = register_tap("msnp");
    /* For the direct connections of packet-msnp-dc.c: a helper protocol, so
     * that their port has a tcp.port preference of its own (msnp's is the
     * commands').  Registered here because its name is msnp's (msnp_dc). */
    proto_register_protocol_in_name_only("MSNP direct connection (TCP port 6891)", "MSNP-DC", "msnp_dc",
                                         proto_msnp, FT_PROTOCOL);
    msnp_referrals = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_int64_hash, g_int64_equal);
    msnp_requests = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), msnp_trans_hash, msnp_trans_equal);

    ws_stats_tree_register("msnp", "msnp", "MSNP/Commands", 0,
                               msnp_stats_tree_packet, msnp_stats_tree_init, NULL);
}

void
proto_reg_handoff_msnp(void)
{
    dissector_add_uint_with_preference("tcp.port", MSNP_TCP_PORT, msnp_handle);
    dissector_add_string("media_type", MSNP_MEDIA_TYPE, msnp_http_handle);
    heur_dissector_add("tcp", dissect_msnp_heur, "MSNP over TCP (any port)", "msnp_tcp",
                       proto_msnp, HEURISTIC_ENABLE);
    xml_handle = find_dissector_add_dependency("xml", proto_msnp);
}

/*
 * Editor modelines  -  https://www.wireshark.org/tools/modelines.html
 *
 * Local variables:
 * c-basic-offset: 4
 * tab-width: 8
 * indent-tabs-mode: nil
 * End:
 *
 * vi: set shiftwidth=4 tabstop=8 expandtab:
 * :indentSize=4:tabSize=8:noTabs=true:
 */
