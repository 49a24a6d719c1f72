/* qq_tea_test.c
 * Unit test of qq-tea.c on public QQ-TEA test vectors (facts from the
 * test suites of zkonge/rtea and gera2ld/qqlib and from the docstring of
 * hoxide/qqlib, whose 160-byte ciphertext is a real QQ2005 login reply
 * encrypted under md5(md5("python"))), plus the length bounds and round
 * trips. Prints one line per check; exits 1 when any check fails.
 *
 * With arguments it is a filter for cross-checks against the Python cipher
 * (sample-pcaps/qqtea.py):
 *   qq_tea_test encrypt KEY FILL MESSAGE   prints the ciphertext in hex
 *   qq_tea_test decrypt KEY CIPHERTEXT     prints the message, or "FAIL <reason>"
 * (all arguments hex). Run by tests/test_qq_tea.py.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../qq-tea.h"

static int failures;
static int checks;

static void
check(int ok, const char *what)
{
    checks++;
    if (!ok)
        failures++;
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
}

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex digits to bytes; returns the number of bytes. */
static size_t
unhex(const char *hex, uint8_t *out, size_t room)
{
    size_t n = 0;

    while (n < room && hex_value(hex[0]) >= 0 && hex_value(hex[1]) >= 0) {
        out[n++] = (uint8_t)(hex_value(hex[0]) << 4 | hex_value(hex[1]));
        hex += 2;
    }
    return n;
}

static void
test_blocks(void)
{
    uint8_t key[16] = { 0 };
    uint8_t block[8] = { 0 };
    uint8_t want[8];

    unhex("a889f798182d8083", want, sizeof want);
    qq_tea16_encrypt_block(key, block);
    check(memcmp(block, want, 8) == 0, "TEA-16 of 8 zero bytes under the zero key is a889f798182d8083");
    qq_tea16_decrypt_block(key, block);
    check(memcmp(block, "\0\0\0\0\0\0\0\0", 8) == 0, "TEA-16 decrypts a889f798182d8083 back to zeros");

    memcpy(block, "abcdefgh", 8);
    unhex("a557272c538d3e96", want, sizeof want);
    qq_tea16_encrypt_block((const uint8_t *)"aaaabbbbccccdddd", block);
    check(memcmp(block, want, 8) == 0, "TEA-16 of 'abcdefgh' under 'aaaabbbbccccdddd' is a557272c538d3e96");
}

static void
test_messages(void)
{
    uint8_t fill[QQ_TEA_FILL_LEN];
    uint8_t out[64], plain[64], want[64], key[16];
    size_t off, len, n;

    /* gera2ld/qqlib: the empty message, fill bytes 0xad. */
    memset(fill, 0xad, sizeof fill);
    fill[0] = 0xf8;
    check(qq_tea_encrypted_len(0) == 16, "an empty message encrypts to 16 bytes");
    qq_tea_encrypt((const uint8_t *)"6235333761303663", (const uint8_t *)"", 0, fill, out);
    unhex("b56137502728e2c74bb84c6d50d21973", want, sizeof want);
    check(memcmp(out, want, 16) == 0, "empty message under '6235333761303663' with fill 0xad");
    check(qq_tea_decrypt((const uint8_t *)"6235333761303663", out, 16, plain, &off, &len) == QQ_TEA_OK
            && len == 0, "and it decrypts to the empty message");

    /* zkonge/rtea: 32 bytes 0xff under the key of 16 bytes 0xff, fill 220. */
    memset(key, 0xff, sizeof key);
    memset(fill, 220, sizeof fill);
    fill[0] = 0xf8;
    memset(plain, 0xff, 32);
    check(qq_tea_encrypted_len(32) == 48, "32 bytes encrypt to 48");
    qq_tea_encrypt(key, plain, 32, fill, out);
    n = unhex("753dde5e57b69d403c023d625d1031916363cfa41a6c48bd64221b2dcea62c2b"
              "9dd6ac1b4b241b6afadadb847046e6f1", want, sizeof want);
    check(n == 48 && memcmp(out, want, 48) == 0, "rtea whole-message vector (32 x 0xff, key 16 x 0xff)");
    n = unhex("753dde5e57b69d403c023d625d1031916363cfa41a6c48bdb9e3cecd5fd29319", want, sizeof want);
    check(qq_tea_decrypt(key, want, n, plain, &off, &len) == QQ_TEA_OK && len == 16
            && memcmp(plain + off, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16) == 0,
            "rtea decryption vector gives 16 x 0xff");
}

static void
test_qq2005_login_reply(void)
{
    static const char cipher_hex[] =
        "8CE160B9F312AEC9AC8D8AEAB41A319EDF51FB4BB5E33820C77C48DFC53E2A48"
        "CD1C24B29490329D2285897A32E7B32E9830DC2D0695802EB1D9890A0223D0E3"
        "6C35B24732CE12D06403975B0BC1280EA32B3EE98EAB858C40670C9E1A376AE6"
        "C7DCFADD4D45C1081571D2AF3D0F41B73BDC915C3AE542AF2C8B1364614861FC"
        "7272E33D90FA012620C18ABF76BE0B9EC0D24017C0C073C469B4376C7C08AA30";
    static const char plain_hex[] =
        "00553361637347436654695a354d7a51531c69f1f5dde81c4332097f0000011f"
        "4042c89732030aa4d290f9f941891ae3670bb9c21053397d05f35425c7bf8000"
        "0000001f40da558a481f40000100004dc573dd2af3b28b6a13e8fa72ea138cd1"
        "3aa145b0e62554fe8df4b11662a794000000000000000000000000dde81c4342"
        "c8966642c4df9142c3a4a9000a000a";
    uint8_t key[16], cipher[160], plain[160], want[160], wrong[16];
    size_t n, m, off, len;

    unhex("fb707f74cb143a2337d5af8efab84aa7", key, sizeof key);
    n = unhex(cipher_hex, cipher, sizeof cipher);
    m = unhex(plain_hex, want, sizeof want);
    check(n == 160 && m == 143, "QQ2005 login reply vector is 160 bytes, its message 143");
    check(qq_tea_decrypt(key, cipher, n, plain, &off, &len) == QQ_TEA_OK && len == m
            && memcmp(plain + off, want, m) == 0,
            "QQ2005 login reply decrypts under md5(md5(\"python\")) to the documented message");
    check(plain[off] == 0 && memcmp(plain + off + 1, "U3acsGCfTiZ5MzQS", 16) == 0,
            "its reply code is 0 and its session key 'U3acsGCfTiZ5MzQS'");
    memcpy(wrong, key, 16);
    wrong[15] ^= 1;
    check(qq_tea_decrypt(wrong, cipher, n, plain, &off, &len) == QQ_TEA_BAD_CHECK,
            "one wrong key bit fails the 7-zero check");
}

static void
test_bounds_and_round_trips(void)
{
    uint8_t key[16], fill[QQ_TEA_FILL_LEN], in[64], out[80], back[80];
    size_t n, i, off, len;
    int all_ok = 1;

    memset(out, 0, sizeof out);
    memset(key, 0x42, sizeof key);
    check(qq_tea_decrypt(key, out, 15, back, &off, &len) == QQ_TEA_TOO_SHORT, "15 bytes: too short");
    check(qq_tea_decrypt(key, out, 8, back, &off, &len) == QQ_TEA_TOO_SHORT, "8 bytes: too short");
    check(qq_tea_decrypt(key, out, 17, back, &off, &len) == QQ_TEA_NOT_ALIGNED, "17 bytes: not aligned");
    check(qq_tea_decrypt(key, out, 30, back, &off, &len) == QQ_TEA_NOT_ALIGNED, "30 bytes: not aligned");
    check(qq_tea_decrypt(key, out, 0, back, &off, &len) == QQ_TEA_TOO_SHORT, "0 bytes: too short");

    srand(13);
    for (n = 0; n <= 64; n++) {
        for (i = 0; i < 16; i++)
            key[i] = (uint8_t)rand();
        for (i = 0; i < QQ_TEA_FILL_LEN; i++)
            fill[i] = (uint8_t)rand();
        for (i = 0; i < n; i++)
            in[i] = (uint8_t)rand();
        qq_tea_encrypt(key, in, n, fill, out);
        len = qq_tea_encrypted_len(n);
        if (len % 8 || len < 16 || len > n + 17 ||
                qq_tea_decrypt(key, out, len, back, &off, &len) != QQ_TEA_OK || len != n ||
                (n && memcmp(back + off, in, n) != 0))
            all_ok = 0;
    }
    check(all_ok, "round trips of 0..64 bytes under random keys and fill");
}

static void
print_hex(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

static int
filter(int argc, char **argv)
{
    static uint8_t key[16], fill[QQ_TEA_FILL_LEN], in[4096], out[4096 + 32];
    size_t n, off, len;
    qq_tea_status_t st;

    if (argc == 5 && strcmp(argv[1], "encrypt") == 0) {
        if (unhex(argv[2], key, sizeof key) != 16 || unhex(argv[3], fill, sizeof fill) != QQ_TEA_FILL_LEN)
            return 2;
        n = unhex(argv[4], in, sizeof in);
        qq_tea_encrypt(key, in, n, fill, out);
        print_hex(out, qq_tea_encrypted_len(n));
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "decrypt") == 0) {
        if (unhex(argv[2], key, sizeof key) != 16)
            return 2;
        n = unhex(argv[3], in, sizeof in);
        st = qq_tea_decrypt(key, in, n, out, &off, &len);
        if (st != QQ_TEA_OK)
            printf("FAIL %s\n", qq_tea_status_str(st));
        else
            print_hex(out + off, len);
        return 0;
    }
    fprintf(stderr, "usage: qq_tea_test [encrypt KEY FILL MESSAGE | decrypt KEY CIPHERTEXT]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    if (argc > 1)
        return filter(argc, argv);
    test_blocks();
    test_messages();
    test_qq2005_login_reply();
    test_bounds_and_round_trips();
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
