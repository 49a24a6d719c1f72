/* qq-keys.c
 * The QQ key store (qq-keys.h): key log file, the qq_keys table, the
 * password, keys learned while dissecting, and tshark -z qq,keys.
 *
 * Modelled on what TLS and WireGuard do for their secrets: a key log file
 * read at the start of every pass (bad lines named in one warning, once
 * per version of the file), a UAT with the same content whose rows are
 * checked as they are entered, and an export of what a capture revealed
 * in the key log format, so a capture can be shared with its keys instead
 * of a password.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/uat.h>
#include <epan/strutil.h>
#include <wsutil/report_message.h>
#include <wsutil/strtoi.h>

#include <glib/gstdio.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qq-keys.h"
#include "plugin.h"
#include "ws-compat.h"

#define QQ_KEYLOG_MAX_LINES     100000
#define QQ_KEYLOG_LINE_LEN      512
#define QQ_KEYLOG_MAX_REPORTED  10
/* Configured keys of one QQ number and type beyond this are ignored. */
#define QQ_KEYS_MAX_CONFIGURED  QQ_KEYS_MAX_PER_LOOKUP
/* Learned keys of one QQ number and type a lookup walks back over. */
#define QQ_KEYS_MAX_LEARNED_WALK 64

typedef struct {
    qq_key_type_t type;
    const char *word;
    const char *description;
} qq_key_type_info_t;

/* The key log words, and what each key opens. */
static const qq_key_type_info_t qq_key_types[] = {
    { QQ_KEYTYPE_SESSION,      "QQ_SESSION_KEY",
      "session key: every packet of the QQ number after the login" },
    { QQ_KEYTYPE_PASSWORD_MD5, "QQ_PASSWORD_MD5",
      "md5 of the password: the login keys follow from it" },
    { QQ_KEYTYPE_SHARE,        "QQ_SHARE_KEY",
      "ECDH share key of a PC QQ 0x0836 login (a client that does not use SSO2's default key)" },
    { QQ_KEYTYPE_TGTGT,        "QQ_TGTGT_KEY",
      "TGTGT key: the inner layer of the PC QQ 0x0836 reply" },
    { QQ_KEYTYPE_LOGIN,        "QQ_LOGIN_KEY",
      "a key of the PC QQ 0x0828 exchange (TLV 0x0109 or 0x0107 of the 0x0836 reply)" },
    { QQ_KEYTYPE_D2,           "QQ_D2_KEY",
      "D2 key: SSO packets of encryption type 1" },
    { QQ_KEYTYPE_WTLOGIN,      "QQ_WTLOGIN_KEY",
      "ECDH share key of an SSO wtlogin exchange" },
};

static const value_string qq_key_origin_vals[] = {
    { QQ_KEYORIGIN_KEYLOG,   "key log file (qq.keylog_file)" },
    { QQ_KEYORIGIN_TABLE,    "key table (qq_keys)" },
    { QQ_KEYORIGIN_PASSWORD, "password" },
    { QQ_KEYORIGIN_LEARNED,  "learned from a decrypted packet" },
    { QQ_KEYORIGIN_BUILTIN,  "public constant" },
    { 0, NULL }
};

/* Keys of one QQ number that the user gave. */
typedef struct {
    unsigned n[QQ_KEYTYPE_MAX + 1];
    qq_key_t keys[QQ_KEYTYPE_MAX + 1][QQ_KEYS_MAX_CONFIGURED];
} qq_configured_keys_t;

/* Keys learned in one frame (a frame can teach several of one type). */
typedef struct qq_learned {
    qq_key_t key;
    struct qq_learned *next;
} qq_learned_t;

/* Learned keys of one QQ number: per type, frame -> qq_learned_t chain. */
typedef struct {
    wmem_tree_t *by_type[QQ_KEYTYPE_MAX + 1];
} qq_learned_keys_t;

/* A row of the qq_keys table. */
typedef struct {
    char *type;
    char *uin;
    char *key;
} qq_key_row_t;

static ws_bool qq_decrypt_pref = true;
static const char *qq_password_pref = "";
static const char *qq_keylog_file_pref = "";
static qq_key_row_t *qq_key_rows;
static unsigned qq_key_rows_num;

/* Built at the start of each pass over a capture (init routine) from the
 * preferences and the table: never per packet. */
static GHashTable *qq_configured;           /* uin -> qq_configured_keys_t */
static bool qq_have_password;
static uint8_t qq_password_md5[QQ_KEY_LEN];
/* The key log file already warned about (path and modification time), so
 * that a bad line is reported once, not at every re-dissection. */
static char *qq_keylog_warned_path;
static time_t qq_keylog_warned_mtime;

/* Per capture (wmem file scope). */
static wmem_map_t *qq_learned_keys;         /* uin -> qq_learned_keys_t */

static int qq_keys_tap = -1;

/* ---------------------------------------------------------------------- */
/* Types                                                                  */

static const qq_key_type_info_t *
qq_key_type_info(qq_key_type_t type)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qq_key_types); i++) {
        if (qq_key_types[i].type == type)
            return &qq_key_types[i];
    }
    return NULL;
}

const char *
qq_keys_type_word(qq_key_type_t type)
{
    const qq_key_type_info_t *info = qq_key_type_info(type);

    return info ? info->word : "QQ_UNKNOWN_KEY";
}

const char *
qq_keys_origin_str(qq_key_origin_t origin)
{
    return val_to_str_const(origin, qq_key_origin_vals, "unknown");
}

static bool
qq_parse_key_type(const char *word, qq_key_type_t *type)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qq_key_types); i++) {
        if (strcmp(word, qq_key_types[i].word) == 0) {
            *type = qq_key_types[i].type;
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------------- */
/* Key material                                                           */

static void
qq_md5(const uint8_t *data, size_t len, uint8_t out[QQ_KEY_LEN])
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_MD5);
    gsize out_len = QQ_KEY_LEN;

    g_checksum_update(sum, data, (gssize)len);
    g_checksum_get_digest(sum, out, &out_len);
    g_checksum_free(sum);
}

/* md5(md5(password) || 00 00 00 00 || QQ number big-endian). */
static void
qq_password_key_uin(const uint8_t password_md5[QQ_KEY_LEN], uint32_t uin, uint8_t out[QQ_KEY_LEN])
{
    uint8_t buf[QQ_KEY_LEN + 8];

    memcpy(buf, password_md5, QQ_KEY_LEN);
    memset(buf + QQ_KEY_LEN, 0, 4);
    buf[QQ_KEY_LEN + 4] = (uint8_t)(uin >> 24);
    buf[QQ_KEY_LEN + 5] = (uint8_t)(uin >> 16);
    buf[QQ_KEY_LEN + 6] = (uint8_t)(uin >> 8);
    buf[QQ_KEY_LEN + 7] = (uint8_t)uin;
    qq_md5(buf, sizeof buf, out);
}

/* 32 hex digits to 16 bytes. */
static bool
qq_parse_key_hex(const char *hex, size_t len, uint8_t out[QQ_KEY_LEN])
{
    size_t i;

    if (len != 2 * QQ_KEY_LEN)
        return false;
    for (i = 0; i < QQ_KEY_LEN; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]), lo = g_ascii_xdigit_value(hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* The list of type words for messages: "QQ_SESSION_KEY, ..., QQ_WTLOGIN_KEY". */
static const char *
qq_key_type_words(void)
{
    static char words[256];
    size_t i;

    if (!words[0]) {
        for (i = 0; i < G_N_ELEMENTS(qq_key_types); i++) {
            if (i)
                g_strlcat(words, i + 1 == G_N_ELEMENTS(qq_key_types) ? " or " : ", ", sizeof words);
            g_strlcat(words, qq_key_types[i].word, sizeof words);
        }
    }
    return words;
}

/* Check one key entry; on failure return a reason (valid until the next call). */
static const char *
qq_parse_key_entry(const char *type_word, const char *uin_str, const char *hex, qq_key_type_t *type,
        uint32_t *uin, uint8_t key[QQ_KEY_LEN])
{
    static char reason[320];

    if (!type_word || !qq_parse_key_type(type_word, type)) {
        snprintf(reason, sizeof reason, "the type must be %s", qq_key_type_words());
        return reason;
    }
    if (!uin_str || !ws_strtou32(uin_str, NULL, uin) || *uin == 0)
        return "the QQ number must be a decimal number from 1 to 4294967295";
    if (!hex || !qq_parse_key_hex(hex, strlen(hex), key))
        return "the key must be 32 hexadecimal digits (16 bytes)";
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Keys the user gives                                                    */

static void
qq_configured_add(uint32_t uin, qq_key_type_t type, qq_key_origin_t origin, const uint8_t key[QQ_KEY_LEN])
{
    qq_configured_keys_t *keys = (qq_configured_keys_t *)g_hash_table_lookup(qq_configured, GUINT_TO_POINTER(uin));
    qq_key_t *k;
    unsigned i;

    if (!keys) {
        keys = g_new0(qq_configured_keys_t, 1);
        g_hash_table_insert(qq_configured, GUINT_TO_POINTER(uin), keys);
    }
    for (i = 0; i < keys->n[type]; i++) {
        if (memcmp(keys->keys[type][i].key, key, QQ_KEY_LEN) == 0)
            return;     /* the same key twice (key log and table) */
    }
    if (keys->n[type] >= QQ_KEYS_MAX_CONFIGURED)
        return;
    k = &keys->keys[type][keys->n[type]++];
    memcpy(k->key, key, QQ_KEY_LEN);
    k->type = (uint8_t)type;
    k->origin = (uint8_t)origin;
    k->uin = uin;
    k->frame = 0;
    k->what = NULL;
}

/* One key log line; returns NULL or why it is bad. */
static const char *
qq_keylog_line(char *line)
{
    char **words;
    const char *err = NULL;
    qq_key_type_t type;
    uint8_t key[QQ_KEY_LEN];
    uint32_t uin;

    g_strstrip(line);
    if (line[0] == '\0' || line[0] == '#')
        return NULL;
    words = g_strsplit_set(line, " \t", 4);
    if (g_strv_length(words) != 3)
        err = "a line has three words: the key type, the QQ number, 32 hex digits";
    else
        err = qq_parse_key_entry(words[0], words[1], words[2], &type, &uin, key);
    if (!err)
        qq_configured_add(uin, type, QQ_KEYORIGIN_KEYLOG, key);
    g_strfreev(words);
    return err;
}

/* Read the whole key log file (bounded). Bad lines are skipped and named in
 * one warning (the first QQ_KEYLOG_MAX_REPORTED of them), once per version
 * of the file, not at every re-dissection. */
static void
qq_keylog_load(void)
{
    FILE *f;
    char line[QQ_KEYLOG_LINE_LEN];
    unsigned line_no = 0, bad = 0;
    GStatBuf st;
    GString *report;
    time_t mtime;
    bool warn;

    if (!qq_keylog_file_pref || !qq_keylog_file_pref[0])
        return;
    f = g_fopen(qq_keylog_file_pref, "r");
    if (!f) {
        report_warning("QQ: cannot open the key log file \"%s\": %s", qq_keylog_file_pref, g_strerror(errno));
        return;
    }
    mtime = g_stat(qq_keylog_file_pref, &st) == 0 ? st.st_mtime : 0;
    warn = !qq_keylog_warned_path || strcmp(qq_keylog_warned_path, qq_keylog_file_pref) != 0
        || qq_keylog_warned_mtime != mtime;
    report = g_string_new("");
    while (line_no < QQ_KEYLOG_MAX_LINES && fgets(line, sizeof line, f)) {
        const char *err;

        line_no++;
        err = qq_keylog_line(line);
        if (err && bad++ < QQ_KEYLOG_MAX_REPORTED)
            g_string_append_printf(report, "\n  line %u: %s", line_no, err);
    }
    fclose(f);
    if (warn && bad)
        report_warning("QQ: key log file \"%s\": %u bad line%s ignored:%s%s", qq_keylog_file_pref, bad,
                plurality(bad, "", "s"), report->str, bad > QQ_KEYLOG_MAX_REPORTED ? "\n  ..." : "");
    g_string_free(report, TRUE);
    if (warn) {
        g_free(qq_keylog_warned_path);
        qq_keylog_warned_path = g_strdup(qq_keylog_file_pref);
        qq_keylog_warned_mtime = mtime;
    }
}

/* Start of a pass over a capture: rebuild the configured keys. */
static void
qq_keys_init(void)
{
    unsigned i;

    if (!qq_configured)
        qq_configured = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    g_hash_table_remove_all(qq_configured);
    qq_have_password = qq_decrypt_pref && qq_password_pref && qq_password_pref[0];
    if (qq_have_password)
        qq_md5((const uint8_t *)qq_password_pref, strlen(qq_password_pref), qq_password_md5);
    if (!qq_decrypt_pref)
        return;
    qq_keylog_load();
    for (i = 0; i < qq_key_rows_num; i++) {
        qq_key_type_t type;
        uint8_t key[QQ_KEY_LEN];
        uint32_t uin;

        if (!qq_parse_key_entry(qq_key_rows[i].type, qq_key_rows[i].uin, qq_key_rows[i].key, &type, &uin, key))
            qq_configured_add(uin, type, QQ_KEYORIGIN_TABLE, key);
    }
}

static void
qq_keys_cleanup(void)
{
    if (qq_configured)
        g_hash_table_remove_all(qq_configured);
}

bool
qq_keys_decrypt_enabled(void)
{
    return qq_decrypt_pref;
}

bool
qq_keys_any_configured(void)
{
    return qq_have_password || (qq_configured && g_hash_table_size(qq_configured) > 0);
}

/* ---------------------------------------------------------------------- */
/* Lookups                                                                */

unsigned
qq_keys_password_keys(uint32_t uin, qq_key_t *out, unsigned max)
{
    const qq_configured_keys_t *keys = qq_configured && uin
        ? (const qq_configured_keys_t *)g_hash_table_lookup(qq_configured, GUINT_TO_POINTER(uin)) : NULL;
    const uint8_t *md5s[1 + QQ_KEYS_MAX_CONFIGURED];
    uint8_t origins[1 + QQ_KEYS_MAX_CONFIGURED];
    unsigned n_md5 = 0, n = 0, i;

    if (qq_have_password) {
        origins[n_md5] = QQ_KEYORIGIN_PASSWORD;
        md5s[n_md5++] = qq_password_md5;
    }
    for (i = 0; keys && i < keys->n[QQ_KEYTYPE_PASSWORD_MD5]; i++) {
        origins[n_md5] = keys->keys[QQ_KEYTYPE_PASSWORD_MD5][i].origin;
        md5s[n_md5++] = keys->keys[QQ_KEYTYPE_PASSWORD_MD5][i].key;
    }
    for (i = 0; i < n_md5; i++) {
        if (n < max) {
            qq_md5(md5s[i], QQ_KEY_LEN, out[n].key);
            out[n].type = QQ_KEYTYPE_PASSWORD_MD5;
            out[n].origin = origins[i];
            out[n].uin = uin;
            out[n].frame = 0;
            out[n].what = "md5(md5(password))";
            n++;
        }
        if (n < max && uin) {
            qq_password_key_uin(md5s[i], uin, out[n].key);
            out[n].type = QQ_KEYTYPE_PASSWORD_MD5;
            out[n].origin = origins[i];
            out[n].uin = uin;
            out[n].frame = 0;
            out[n].what = "md5(md5(password) | 0 | QQ number)";
            n++;
        }
    }
    return n;
}

unsigned
qq_keys_lookup(uint32_t uin, qq_key_type_t type, uint32_t frame, const qq_key_t **out, unsigned max)
{
    const qq_configured_keys_t *keys;
    const qq_learned_keys_t *learned;
    unsigned n = 0, i, steps = 0;
    uint32_t before;

    if (!uin || type < QQ_KEYTYPE_SESSION || type > QQ_KEYTYPE_MAX)
        return 0;
    keys = qq_configured ? (const qq_configured_keys_t *)g_hash_table_lookup(qq_configured, GUINT_TO_POINTER(uin))
        : NULL;
    for (i = 0; keys && i < keys->n[type] && n < max; i++)
        out[n++] = &keys->keys[type][i];
    learned = (const qq_learned_keys_t *)wmem_map_lookup(qq_learned_keys, GUINT_TO_POINTER(uin));
    if (!learned || !learned->by_type[type])
        return n;
    /* Newest first: walk back over this frame (a key an earlier part of it
     * taught: TLV 0x0006 gives the key of TLV 0x001A) and the ones before. */
    for (before = frame + 1; before > 1 && n < max && steps++ < QQ_KEYS_MAX_LEARNED_WALK; ) {
        const qq_learned_t *l = (const qq_learned_t *)wmem_tree_lookup32_le(learned->by_type[type], before - 1);

        if (!l)
            break;
        before = l->key.frame;
        for (; l && n < max; l = l->next) {
            unsigned j;
            bool seen = false;

            /* The same key taught twice (a resent reply) counts once. */
            for (j = 0; j < n && !seen; j++)
                seen = memcmp(out[j]->key, l->key.key, QQ_KEY_LEN) == 0;
            if (!seen)
                out[n++] = &l->key;
        }
    }
    return n;
}

/* ---------------------------------------------------------------------- */
/* Learning and reporting                                                 */

void
qq_keys_learn(packet_info *pinfo, uint32_t uin, qq_key_type_t type, const uint8_t key[QQ_KEY_LEN],
        const char *what)
{
    qq_key_t *report;

    if (pinfo->flags.in_error_pkt || uin == 0 || type < QQ_KEYTYPE_SESSION || type > QQ_KEYTYPE_MAX)
        return;
    if (!PINFO_FD_VISITED(pinfo)) {
        qq_learned_keys_t *learned = (qq_learned_keys_t *)wmem_map_lookup(qq_learned_keys, GUINT_TO_POINTER(uin));
        qq_learned_t *l;

        if (!learned) {
            learned = wmem_new0(wmem_file_scope(), qq_learned_keys_t);
            wmem_map_insert(qq_learned_keys, GUINT_TO_POINTER(uin), learned);
        }
        if (!learned->by_type[type])
            learned->by_type[type] = wmem_tree_new(wmem_file_scope());
        l = wmem_new0(wmem_file_scope(), qq_learned_t);
        memcpy(l->key.key, key, QQ_KEY_LEN);
        l->key.type = (uint8_t)type;
        l->key.origin = QQ_KEYORIGIN_LEARNED;
        l->key.uin = uin;
        l->key.frame = pinfo->num;
        l->key.what = what;
        l->next = (qq_learned_t *)wmem_tree_lookup32(learned->by_type[type], pinfo->num);
        wmem_tree_insert32(learned->by_type[type], pinfo->num, l);
    }
    report = wmem_new0(pinfo->pool, qq_key_t);
    memcpy(report->key, key, QQ_KEY_LEN);
    report->type = (uint8_t)type;
    report->origin = QQ_KEYORIGIN_LEARNED;
    report->uin = uin;
    report->frame = pinfo->num;
    report->what = what;
    tap_queue_packet(qq_keys_tap, pinfo, report);
}

void
qq_keys_report_used(packet_info *pinfo, const qq_key_t *key)
{
    qq_key_t *report;

    /* Only keys the user gave: learned ones were reported when learned,
     * password keys are not exported (they stand for the password), and
     * public constants need no key log. */
    if (pinfo->flags.in_error_pkt
            || (key->origin != QQ_KEYORIGIN_KEYLOG && key->origin != QQ_KEYORIGIN_TABLE)
            || key->type == QQ_KEYTYPE_PASSWORD_MD5)
        return;
    report = wmem_new(pinfo->pool, qq_key_t);
    *report = *key;
    report->frame = pinfo->num;
    tap_queue_packet(qq_keys_tap, pinfo, report);
}

/* ---------------------------------------------------------------------- */
/* tshark -z qq,keys                                                      */

typedef struct {
    GString *lines;
    GHashTable *seen;       /* "TYPE uin hex" already printed */
    unsigned count;
} qq_keys_export_t;

static tap_packet_status
qq_keys_export_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
        tap_flags_t flags _U_)
{
    qq_keys_export_t *exp = (qq_keys_export_t *)tapdata;
    const qq_key_t *key = (const qq_key_t *)data;
    char hex[2 * QQ_KEY_LEN + 1];
    char *line;
    unsigned i;

    for (i = 0; i < QQ_KEY_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", key->key[i]);
    line = g_strdup_printf("%s %u %s", qq_keys_type_word((qq_key_type_t)key->type), key->uin, hex);
    if (g_hash_table_contains(exp->seen, line)) {
        g_free(line);
        return TAP_PACKET_DONT_REDRAW;
    }
    if (key->origin == QQ_KEYORIGIN_LEARNED)
        g_string_append_printf(exp->lines, "# frame %u: %s\n", key->frame, key->what ? key->what : "learned");
    else
        g_string_append_printf(exp->lines, "# from the %s, first used in frame %u\n",
                qq_keys_origin_str((qq_key_origin_t)key->origin), key->frame);
    g_string_append_printf(exp->lines, "%s\n", line);
    g_hash_table_add(exp->seen, line);
    exp->count++;
    return TAP_PACKET_REDRAW;
}

static void
qq_keys_export_draw(void *tapdata)
{
    qq_keys_export_t *exp = (qq_keys_export_t *)tapdata;

    printf("# QQ keys revealed by this capture: %u (tshark -z qq,keys).\n", exp->count);
    printf("# Give this file as the key log (-o qq.keylog_file:FILE) to open the capture without a password.\n");
    printf("%s", exp->lines->str);
}

static void
qq_keys_export_reset(void *tapdata)
{
    qq_keys_export_t *exp = (qq_keys_export_t *)tapdata;

    g_string_truncate(exp->lines, 0);
    g_hash_table_remove_all(exp->seen);
    exp->count = 0;
}

static void
qq_keys_export_finish(void *tapdata)
{
    qq_keys_export_t *exp = (qq_keys_export_t *)tapdata;

    g_string_free(exp->lines, TRUE);
    g_hash_table_destroy(exp->seen);
    g_free(exp);
}

static ws_stat_tap_init_ret
qq_keys_export_init(const char *opt_arg _U_, void *userdata _U_)
{
    qq_keys_export_t *exp = g_new0(qq_keys_export_t, 1);
    GString *err;

    exp->lines = g_string_new("");
    exp->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    err = register_tap_listener("qq_keys", exp, NULL, TL_REQUIRES_NOTHING, qq_keys_export_reset,
            qq_keys_export_packet, qq_keys_export_draw, qq_keys_export_finish);
    if (err) {
        fprintf(stderr, "tshark: Couldn't register qq,keys tap: %s\n", err->str);
        g_string_free(err, TRUE);
        qq_keys_export_finish(exp);
        WS_STAT_TAP_INIT_DONE(false);
    }
    WS_STAT_TAP_INIT_DONE(true);
}

/* ---------------------------------------------------------------------- */
/* The qq_keys table                                                      */

UAT_CSTRING_CB_DEF(qq_keys, type, qq_key_row_t)
UAT_CSTRING_CB_DEF(qq_keys, uin, qq_key_row_t)
UAT_CSTRING_CB_DEF(qq_keys, key, qq_key_row_t)

static void *
qq_key_row_copy(void *dest, const void *source, size_t len _U_)
{
    qq_key_row_t *d = (qq_key_row_t *)dest;
    const qq_key_row_t *s = (const qq_key_row_t *)source;

    d->type = g_strdup(s->type);
    d->uin = g_strdup(s->uin);
    d->key = g_strdup(s->key);
    return d;
}

static void
qq_key_row_free(void *record)
{
    qq_key_row_t *row = (qq_key_row_t *)record;

    g_free(row->type);
    g_free(row->uin);
    g_free(row->key);
}

static ws_uat_bool
qq_key_row_update(void *record, char **error)
{
    const qq_key_row_t *row = (const qq_key_row_t *)record;
    qq_key_type_t type;
    uint8_t key[QQ_KEY_LEN];
    uint32_t uin;
    const char *err = qq_parse_key_entry(row->type, row->uin, row->key, &type, &uin, key);

    if (err) {
        *error = g_strdup_printf("QQ key table: %s", err);
        return false;
    }
    return true;
}

static void
qq_keys_register_uat(module_t *module)
{
    static uat_field_t fields[] = {
        UAT_FLD_CSTRING(qq_keys, type, "Key type",
                "QQ_SESSION_KEY, QQ_PASSWORD_MD5 (md5 of the password), QQ_SHARE_KEY, QQ_TGTGT_KEY, QQ_LOGIN_KEY,"
                " QQ_D2_KEY or QQ_WTLOGIN_KEY, as in key log lines"),
        UAT_FLD_CSTRING(qq_keys, uin, "QQ number", "The QQ number (decimal) the key belongs to"),
        UAT_FLD_CSTRING(qq_keys, key, "Key", "16 bytes as 32 hexadecimal digits"),
        UAT_END_FIELDS
    };
    uat_t *uat = uat_new("QQ keys", sizeof(qq_key_row_t), "qq_keys", true, &qq_key_rows, &qq_key_rows_num,
            UAT_AFFECTS_DISSECTION, NULL, qq_key_row_copy, qq_key_row_update, qq_key_row_free, NULL, NULL,
            fields);

    prefs_register_uat_preference(module, "keys", "QQ keys",
            "Keys per QQ number, with the same content as key log lines", uat);
}

/* ---------------------------------------------------------------------- */
/* Registration                                                           */

/* Preferences under the qq protocol's module (registered before this, see
 * plugin.c: decrypt, password, keylog_file, the keys table) and -z qq,keys. */
void
qq_keys_register(void)
{
    static stat_tap_ui keys_ui = {
        REGISTER_STAT_GROUP_GENERIC, "QQ keys (key log)", "qq,keys", qq_keys_export_init, 0, NULL
    };

    module_t *module = prefs_find_module("qq");

    prefs_register_bool_preference(module, "decrypt", "Decrypt QQ bodies",
            "Decrypt packet bodies with every key that is known: keys the client sends in clear, public"
            " constants of the login, the password, keys learned from decrypted packets, the key log file"
            " and the QQ keys table",
            &qq_decrypt_pref);
    /* A string, not a password preference: Wireshark never reads password
     * preferences from the command line, and tshark -o qq.password:... is
     * the way to use it there. It is saved in the profile in clear. */
    prefs_register_string_preference(module, "password", "Password",
            "Password of the QQ account in the capture; with the login in the capture it opens the login"
            " and, through it, the whole session. Saved in clear in the preferences file: a key log line"
            " QQ_PASSWORD_MD5 keeps only its MD5, and tshark -z qq,keys writes the session's keys instead",
            &qq_password_pref);
    prefs_register_filename_preference(module, "keylog_file", "Key log file",
            "A text file with one key a line, <type> <QQ number> <32 hex digits>, the type one of"
            " QQ_SESSION_KEY, QQ_PASSWORD_MD5, QQ_SHARE_KEY, QQ_TGTGT_KEY, QQ_LOGIN_KEY, QQ_D2_KEY,"
            " QQ_WTLOGIN_KEY; '#' lines are comments. tshark -z qq,keys writes such a file",
            &qq_keylog_file_pref, false);
    qq_keys_register_uat(module);

    qq_learned_keys = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    register_init_routine(qq_keys_init);
    register_cleanup_routine(qq_keys_cleanup);

    qq_keys_tap = register_tap("qq_keys");
    register_stat_tap_ui(&keys_ui, NULL);
}
