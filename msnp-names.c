/* msnp-names.c
 * Friendly names: how one reads as text, and which name an account had at a
 * given frame.
 *
 * A name is URL-encoded on the wire ("Alice%20B"), but some clients (2011)
 * sent raw bytes ("USR 7 OK feng@hotmail.com <19 db> 1 0").  Either way the
 * text shown is UTF-8 with every byte that is not part of a printable
 * character written as \xNN, never U+FFFD.
 *
 * The dissector records every name the server tells for an account (USR OK,
 * REA, PRP MFN, LST, ADD, ILN, NLN, RNG, IRO, JOI, the MSG header) with its
 * frame in the first pass; the chat transcript asks for the name at the
 * frame it shows, so that one- and two-pass runs and the GUI agree.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include <epan/packet.h>
#include <wsutil/str_util.h>
#include <wsutil/wmem/wmem.h>

#include "ws-compat.h"
#include "packet-msnp.h"
#include "plugin.h"

/* Names kept per account: enough for every rename in a long capture, and a
 * bound on what a hostile one can make us hold. */
#define NAMES_MAX_PER_ACCOUNT 4096

typedef struct {
    uint32_t    frame;
    const char *name;
} name_at_t;

/* normalised account -> wmem_array_t of name_at_t, by frame (file scope) */
static wmem_map_t *msnp_names;

/* ---------------------------------------------------------------------- */
/* Text                                                                     */

static int
hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Bytes as text: printable UTF-8 characters as they are, every other byte
 * (control characters, invalid or cut UTF-8) as \xNN; *escaped tells
 * whether there was one. */
static const char *
names_escape_bytes(wmem_allocator_t *pool, const uint8_t *buf, int len, bool *escaped)
{
    wmem_strbuf_t *out = wmem_strbuf_new_sized(pool, len + 1);
    int i = 0;

    *escaped = false;
    while (i < len) {
        const char *p = (const char *)buf + i;
        gunichar c = g_utf8_get_char_validated(p, len - i);

        if (c != (gunichar)-1 && c != (gunichar)-2 && c >= 0x20 && c != 0x7f) {
            int n = (int)(g_utf8_next_char(p) - p);
            wmem_strbuf_append_len(out, p, n);
            i += n;
        } else {
            wmem_strbuf_append_printf(out, "\\x%02x", buf[i]);
            *escaped = true;
            i++;
        }
    }
    return wmem_strbuf_get_str(out);
}

/* %XX escapes decoded into buf (len bytes at most); a % without two hex
 * digits stays a '%'.  Returns the length; *bad tells whether one did. */
static int
names_url_decode(const uint8_t *raw, int len, uint8_t *buf, bool *bad)
{
    int i, n = 0;

    *bad = false;
    for (i = 0; i < len; i++) {
        int hi = raw[i] == '%' && i + 2 < len ? hexval(raw[i + 1]) : -1;
        int lo = hi >= 0 ? hexval(raw[i + 2]) : -1;

        if (raw[i] == '%' && lo < 0) {
            *bad = true;
            buf[n++] = raw[i];
        } else if (raw[i] == '%') {
            buf[n++] = (uint8_t)(hi << 4 | lo);
            i += 2;
        } else {
            buf[n++] = raw[i];
        }
    }
    return n;
}

static bool
names_all_printable_ascii(const uint8_t *raw, int len)
{
    int i;

    for (i = 0; i < len; i++)
        if (raw[i] < 0x20 || raw[i] > 0x7e)
            return false;
    return true;
}

msnp_name_form_t
msnp_name_decode(wmem_allocator_t *pool, const uint8_t *raw, int len, const char **out)
{
    uint8_t *buf = (uint8_t *)wmem_alloc(pool, len + 1);
    bool bad, escaped;
    int n = names_url_decode(raw, len, buf, &bad);

    if (!names_all_printable_ascii(raw, len)) {
        /* Not (wholly) URL-encoded: the bytes as they came, escapes decoded
         * where they are escapes.  Raw UTF-8 (as the servers of 2006 sent
         * "Freebox%20\xc3\xa0") reads well and is not worth a word; bytes
         * that are no character are. */
        *out = names_escape_bytes(pool, buf, n, &escaped);
        return escaped ? MSNP_NAME_UNESCAPED : MSNP_NAME_OK;
    }
    if (bad || !g_utf8_validate((const char *)buf, n, NULL)) {
        /* Encoded, but wrongly: the name as sent (printable ASCII). */
        *out = wmem_strndup(pool, (const char *)raw, len);
        return MSNP_NAME_BAD_ESCAPE;
    }
    *out = names_escape_bytes(pool, buf, n, &escaped);
    return MSNP_NAME_OK;
}

/* ---------------------------------------------------------------------- */
/* Names by account and frame                                               */

/* "1:Bob@Live.com;{guid}" -> "bob@live.com": the key of an account. */
static char *
names_key(wmem_allocator_t *pool, const char *account)
{
    const char *colon = strchr(account, ':');
    const char *at = strchr(account, '@');
    size_t digits = strspn(account, "0123456789");

    if (colon && digits > 0 && digits == (size_t)(colon - account) && (!at || colon < at))
        account = colon + 1;
    return wmem_ascii_strdown(pool, account, (gssize)strcspn(account, ";"));
}

void
msnp_names_learn(packet_info *pinfo, const char *account, const char *name)
{
    char *key;
    wmem_array_t *names;
    name_at_t entry;
    unsigned count;

    if (PINFO_FD_VISITED(pinfo) || !account || !*account || !name)
        return;
    key = names_key(pinfo->pool, account);
    if (!*key)
        return;
    names = (wmem_array_t *)wmem_map_lookup(msnp_names, key);
    if (!names) {
        names = wmem_array_new(wmem_file_scope(), sizeof(name_at_t));
        wmem_map_insert(msnp_names, wmem_strdup(wmem_file_scope(), key), names);
    }
    count = wmem_array_get_count(names);
    if (count > 0 && strcmp(((name_at_t *)wmem_array_index(names, count - 1))->name, name) == 0)
        return;     /* the same name again (every NLN repeats it) */
    if (count >= NAMES_MAX_PER_ACCOUNT)
        return;
    entry.frame = pinfo->num;
    entry.name = wmem_strdup(wmem_file_scope(), name);
    wmem_array_append_one(names, entry);
}

const char *
msnp_names_at(const char *account, uint32_t frame)
{
    char *key = names_key(NULL, account);
    wmem_array_t *names = (wmem_array_t *)wmem_map_lookup(msnp_names, key);
    unsigned lo = 0, hi;

    wmem_free(NULL, key);
    if (!names)
        return NULL;
    /* The last name recorded at or before frame: entries are in frame
     * order, as the first pass saw them. */
    hi = wmem_array_get_count(names);
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (((name_at_t *)wmem_array_index(names, mid))->frame <= frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 ? ((name_at_t *)wmem_array_index(names, lo - 1))->name : NULL;
}

/* ---------------------------------------------------------------------- */
/* Registration                                                             */

void
msnp_names_register(void)
{
    msnp_names = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
}
