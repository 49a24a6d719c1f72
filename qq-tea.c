/* qq-tea.c
 * QQ-TEA (doc/qq.md section 7): TEA with 16 rounds instead of 32, and
 * Tencent's chaining. With x_i the block cipher's input and C_i its output
 * block on the wire:
 *   encrypt: x_i = P_i ^ C_{i-1},  C_i = TEA(x_i) ^ x_{i-1}
 *   decrypt: x_i = TEA^-1(C_i ^ x_{i-1}),  P_i = x_i ^ C_{i-1}
 * with C_{-1} = x_{-1} = 0. The plaintext is
 *   (random & 0xf8) | pad, pad random bytes, 2 random bytes, body, 7 zeros
 * so that its length is a multiple of 8; the 7 zeros let a reader tell a
 * right key from a wrong one.
 *
 * Plain C with no Wireshark dependency, so that the unit test links it alone.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qq-tea.h"

#include <string.h>

#define QQ_TEA_DELTA      0x9E3779B9u
#define QQ_TEA_ROUNDS     16
#define QQ_TEA_ZERO_TAIL  7
#define QQ_TEA_SALT_LEN   2

static uint32_t
get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void
qq_tea16_encrypt_block(const uint8_t key[QQ_TEA_KEY_LEN], uint8_t block[QQ_TEA_BLOCK_LEN])
{
    uint32_t y = get_be32(block), z = get_be32(block + 4);
    uint32_t k0 = get_be32(key), k1 = get_be32(key + 4), k2 = get_be32(key + 8), k3 = get_be32(key + 12);
    uint32_t sum = 0;
    int round;

    for (round = 0; round < QQ_TEA_ROUNDS; round++) {
        sum += QQ_TEA_DELTA;
        y += ((z << 4) + k0) ^ (z + sum) ^ ((z >> 5) + k1);
        z += ((y << 4) + k2) ^ (y + sum) ^ ((y >> 5) + k3);
    }
    put_be32(block, y);
    put_be32(block + 4, z);
}

void
qq_tea16_decrypt_block(const uint8_t key[QQ_TEA_KEY_LEN], uint8_t block[QQ_TEA_BLOCK_LEN])
{
    uint32_t y = get_be32(block), z = get_be32(block + 4);
    uint32_t k0 = get_be32(key), k1 = get_be32(key + 4), k2 = get_be32(key + 8), k3 = get_be32(key + 12);
    /* The sum after 16 rounds: 16 * delta mod 2^32 = 0xE3779B90. */
    uint32_t sum = QQ_TEA_DELTA * QQ_TEA_ROUNDS;
    int round;

    for (round = 0; round < QQ_TEA_ROUNDS; round++) {
        z -= ((y << 4) + k2) ^ (y + sum) ^ ((y >> 5) + k3);
        y -= ((z << 4) + k0) ^ (z + sum) ^ ((z >> 5) + k1);
        sum -= QQ_TEA_DELTA;
    }
    put_be32(block, y);
    put_be32(block + 4, z);
}

static size_t
qq_tea_pad_len(size_t n)
{
    return (QQ_TEA_BLOCK_LEN - (n + QQ_TEA_OVERHEAD) % QQ_TEA_BLOCK_LEN) % QQ_TEA_BLOCK_LEN;
}

size_t
qq_tea_encrypted_len(size_t n)
{
    return n + QQ_TEA_OVERHEAD + qq_tea_pad_len(n);
}

void
qq_tea_encrypt(const uint8_t key[QQ_TEA_KEY_LEN], const uint8_t *in, size_t n,
        const uint8_t fill[QQ_TEA_FILL_LEN], uint8_t *out)
{
    size_t pad = qq_tea_pad_len(n);
    size_t total = qq_tea_encrypted_len(n);
    size_t head = 1 + pad + QQ_TEA_SALT_LEN;
    uint8_t prev_x[QQ_TEA_BLOCK_LEN] = { 0 };
    size_t off, i;

    /* Lay the plaintext out in place, then chain block by block. */
    out[0] = (uint8_t)((fill[0] & 0xf8) | pad);
    memcpy(out + 1, fill + 1, pad + QQ_TEA_SALT_LEN);
    if (n)
        memcpy(out + head, in, n);
    memset(out + head + n, 0, QQ_TEA_ZERO_TAIL);

    for (off = 0; off < total; off += QQ_TEA_BLOCK_LEN) {
        uint8_t x[QQ_TEA_BLOCK_LEN];

        for (i = 0; i < QQ_TEA_BLOCK_LEN; i++)
            x[i] = out[off + i] ^ (off ? out[off - QQ_TEA_BLOCK_LEN + i] : 0);
        memcpy(out + off, x, QQ_TEA_BLOCK_LEN);
        qq_tea16_encrypt_block(key, out + off);
        for (i = 0; i < QQ_TEA_BLOCK_LEN; i++)
            out[off + i] ^= prev_x[i];
        memcpy(prev_x, x, QQ_TEA_BLOCK_LEN);
    }
}

qq_tea_status_t
qq_tea_decrypt(const uint8_t key[QQ_TEA_KEY_LEN], const uint8_t *in, size_t len,
        uint8_t *out, size_t *body_off, size_t *body_len)
{
    uint8_t x[QQ_TEA_BLOCK_LEN] = { 0 };
    size_t off, i, head;

    if (len < QQ_TEA_MIN_LEN)
        return QQ_TEA_TOO_SHORT;
    if (len % QQ_TEA_BLOCK_LEN)
        return QQ_TEA_NOT_ALIGNED;

    for (off = 0; off < len; off += QQ_TEA_BLOCK_LEN) {
        for (i = 0; i < QQ_TEA_BLOCK_LEN; i++)
            x[i] ^= in[off + i];
        qq_tea16_decrypt_block(key, x);
        for (i = 0; i < QQ_TEA_BLOCK_LEN; i++)
            out[off + i] = x[i] ^ (off ? in[off - QQ_TEA_BLOCK_LEN + i] : 0);
    }

    for (i = len - QQ_TEA_ZERO_TAIL; i < len; i++) {
        if (out[i] != 0)
            return QQ_TEA_BAD_CHECK;
    }
    head = 1 + (out[0] & 0x07) + QQ_TEA_SALT_LEN;
    if (head + QQ_TEA_ZERO_TAIL > len)
        return QQ_TEA_BAD_CHECK;
    *body_off = head;
    *body_len = len - head - QQ_TEA_ZERO_TAIL;
    return QQ_TEA_OK;
}

const char *
qq_tea_status_str(qq_tea_status_t status)
{
    switch (status) {
    case QQ_TEA_OK:          return "decrypted";
    case QQ_TEA_NOT_ALIGNED: return "the length is not a multiple of the 8-byte cipher block";
    case QQ_TEA_TOO_SHORT:   return "shorter than the 16 bytes of the smallest ciphertext";
    case QQ_TEA_BAD_CHECK:   return "the key is wrong: the 7 check bytes at the end are not zero";
    default:                 return "unknown";
    }
}
