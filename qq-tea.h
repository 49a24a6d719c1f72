/* qq-tea.h
 * QQ-TEA: the 16-round TEA block cipher with Tencent's chaining and padding,
 * as every QQ client encrypts its packet bodies (doc/qq.md section 7).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef MSNP_QQ_QQ_TEA_H
#define MSNP_QQ_QQ_TEA_H

#include <stddef.h>
#include <stdint.h>

#define QQ_TEA_KEY_LEN    16
#define QQ_TEA_BLOCK_LEN  8
/* The shortest ciphertext: one byte of pad count, two salt bytes, seven
 * zero bytes, padded to two blocks. */
#define QQ_TEA_MIN_LEN    16
/* Bytes the cipher adds around n bytes of plaintext, at least. */
#define QQ_TEA_OVERHEAD   10
#define QQ_TEA_FILL_LEN   10

typedef enum {
    QQ_TEA_OK = 0,
    QQ_TEA_NOT_ALIGNED,     /* length not a multiple of 8 */
    QQ_TEA_TOO_SHORT,       /* fewer than 16 bytes */
    QQ_TEA_BAD_CHECK        /* wrong key: the 7 trailing bytes are not zero */
} qq_tea_status_t;

/* One 8-byte block in place, 16 rounds, key and block big-endian. */
void qq_tea16_encrypt_block(const uint8_t key[QQ_TEA_KEY_LEN], uint8_t block[QQ_TEA_BLOCK_LEN]);
void qq_tea16_decrypt_block(const uint8_t key[QQ_TEA_KEY_LEN], uint8_t block[QQ_TEA_BLOCK_LEN]);

/* Length of the ciphertext of n plaintext bytes (a multiple of 8, >= 16). */
size_t qq_tea_encrypted_len(size_t n);

/* Encrypt n bytes into out (qq_tea_encrypted_len(n) bytes). The cipher's
 * random bytes come from fill (QQ_TEA_FILL_LEN bytes: the high five bits of
 * the first byte, then the pad and salt bytes), so output is reproducible. */
void qq_tea_encrypt(const uint8_t key[QQ_TEA_KEY_LEN], const uint8_t *in, size_t n,
        const uint8_t fill[QQ_TEA_FILL_LEN], uint8_t *out);

/* Decrypt len bytes into out (len bytes of room). On QQ_TEA_OK the message
 * is out[*body_off .. *body_off + *body_len); the rest is the cipher's
 * padding. Anything else means nothing usable was decrypted. */
qq_tea_status_t qq_tea_decrypt(const uint8_t key[QQ_TEA_KEY_LEN], const uint8_t *in, size_t len,
        uint8_t *out, size_t *body_off, size_t *body_len);

/* A short English reason for a status, for expert infos. */
const char *qq_tea_status_str(qq_tea_status_t status);

#endif
