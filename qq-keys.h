/* qq-keys.h
 * The one QQ key store: keys users give (the key log file, the qq_keys
 * table, the password preference) and keys learned while dissecting, each
 * with the frame that taught it. Every QQ dissector (qq, its decryption,
 * qqsso) reads and writes keys here, and `tshark -z qq,keys` prints every key
 * a capture revealed as key log lines, which reopen the capture alone.
 *
 * Key log lines (also the rows of the qq_keys table), one key a line:
 *   <TYPE> <QQ number> <32 hex digits>       '#' lines are comments
 * with the types of qq_key_type_t below.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_QQ_KEYS_H
#define MSNP_QQ_QQ_KEYS_H

#include <epan/packet.h>
#include <epan/prefs.h>

#define QQ_KEY_LEN 16

/* What a key opens; the key log word of each is in qq-keys.c. The numbers
 * are stable (they are field values). */
typedef enum {
    QQ_KEYTYPE_SESSION = 1,     /* QQ_SESSION_KEY: every packet of the QQ number after the login */
    QQ_KEYTYPE_PASSWORD_MD5,    /* QQ_PASSWORD_MD5: md5(password); login keys follow from it */
    QQ_KEYTYPE_SHARE,           /* QQ_SHARE_KEY: ECDH share key of a PC QQ 0x0836 login */
    QQ_KEYTYPE_TGTGT,           /* QQ_TGTGT_KEY: PC QQ key chain, inner layer of the 0x0836 reply */
    QQ_KEYTYPE_LOGIN,           /* QQ_LOGIN_KEY: PC QQ key chain, the 0x0828 exchange (TLV 0x0109, 0x0107) */
    QQ_KEYTYPE_D2,              /* QQ_D2_KEY: SSO packets of encryption type 1 */
    QQ_KEYTYPE_WTLOGIN,         /* QQ_WTLOGIN_KEY: ECDH share key of an SSO wtlogin exchange */
    QQ_KEYTYPE_MAX = QQ_KEYTYPE_WTLOGIN
} qq_key_type_t;

/* Where a key came from. */
typedef enum {
    QQ_KEYORIGIN_KEYLOG = 1,    /* the key log file (qq.keylog_file) */
    QQ_KEYORIGIN_TABLE,         /* the qq_keys table */
    QQ_KEYORIGIN_PASSWORD,      /* made from the password (qq.password or a QQ_PASSWORD_MD5 line) */
    QQ_KEYORIGIN_LEARNED,       /* taught by a decrypted packet of this capture */
    QQ_KEYORIGIN_BUILTIN        /* a public constant (SSO2's default ECDH share key, the zero key) */
} qq_key_origin_t;

typedef struct {
    uint8_t key[QQ_KEY_LEN];
    uint8_t type;               /* qq_key_type_t */
    uint8_t origin;             /* qq_key_origin_t */
    uint32_t uin;               /* QQ number, 0 for a key of every QQ number */
    uint32_t frame;             /* learned keys: the frame that taught it, else 0 */
    const char *what;           /* learned keys: what taught it (static text), else NULL */
} qq_key_t;

/* At most this many keys of one type and QQ number are returned. */
#define QQ_KEYS_MAX_PER_LOOKUP 8

/* Keys of `uin` and `type` usable when dissecting frame `frame`: the
 * configured ones (key log, table), then those learned in this and earlier
 * frames, newest first. Returns how many were written to `out` (at most `max`). */
unsigned qq_keys_lookup(uint32_t uin, qq_key_type_t type, uint32_t frame, const qq_key_t **out, unsigned max);

/* Login keys made from the password preference and from QQ_PASSWORD_MD5
 * lines of `uin`: md5(md5(password)) (classic clients) and
 * md5(md5(password) || 00 00 00 00 || uin) (QQ2010 and later, PC QQ's TLV
 * 0x0006, wtlogin's TLV 0x0106). Written to `out`, at most `max`. */
unsigned qq_keys_password_keys(uint32_t uin, qq_key_t *out, unsigned max);

/* Whether the user configured any key or password at all (no cipher work
 * when nothing could open a body). */
bool qq_keys_any_configured(void);

/* A decrypted packet taught a key: recorded on the first pass (visible to
 * later frames), reported to -z qq,keys on every pass. `what` is static
 * text such as "TLV 0x010C of the 0x0828 reply". */
void qq_keys_learn(packet_info *pinfo, uint32_t uin, qq_key_type_t type, const uint8_t key[QQ_KEY_LEN],
        const char *what);

/* A key given by the user opened a packet: -z qq,keys includes it, so
 * that its output alone reopens the capture. */
void qq_keys_report_used(packet_info *pinfo, const qq_key_t *key);

/* The key log word of a type ("QQ_SESSION_KEY"), and a short description. */
const char *qq_keys_type_word(qq_key_type_t type);
const char *qq_keys_origin_str(qq_key_origin_t origin);

/* Whether decryption is switched on (preference qq.decrypt). */
bool qq_keys_decrypt_enabled(void);

#endif
