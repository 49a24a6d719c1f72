/* fuzz-target.c
 * libFuzzer target for one of the plugin's dissectors (FUZZ_TARGET is the
 * protocol's filter name, "msnp" or "qq"), linked with the system's
 * libwireshark.  Built by CMake with -DBUILD_FUZZERS=ON (clang).
 *
 * The init sequence follows what Wireshark's fuzzshark does: wtap and epan
 * initialised without loading plugins from disk (the dissectors are compiled
 * into this program and registered through plugin.c's plugin_register(),
 * which epan_init picks up like a loaded plugin), settings loaded, TCP/IP
 * reassembly preferences applied, then one dissection session per input.
 *
 * One input is a short capture: packets separated by the 4 bytes FF 'F' 'Z' FF.
 * The first byte of each packet is a control byte, the rest its payload:
 *   bit 0       direction: 0 client to server, 1 server to client
 *   bits 1-3    which of the protocol's handles (index modulo the number of
 *               handles found; see below)
 *   bit 4       0: an Ethernet/IPv4/TCP-or-UDP frame (sequence numbers kept
 *               per direction, so TCP reassembly runs as in a real capture);
 *               1: an exported PDU that calls the handle by name directly
 *               (WTAP_ENCAP_WIRESHARK_UPPER_PDU, as fuzzshark does), with
 *               addresses, ports and TCP dissector data set
 * Handles: every handle of the protocol found in the "tcp.port" and
 * "udp.port" tables, plus one pseudo-handle per transport that sends the
 * frame to an unassigned port so that the protocol's heuristics (all
 * enabled here) are tried.
 *
 * Keyed mode (QQ): with FUZZ_QQ_KEYS=1 in the environment, QQ decryption
 * gets keys: the password of sample-pcaps/qq-decrypt-classic.pcap and a key
 * log with the session key of qq-decrypt-keylog.pcap's client, so that key
 * lookups, the cipher, failed checks and (from seeds of those captures) the
 * plaintext decoders run under the fuzzer. Without it no key is known and
 * the decryption does no work, as in a default tshark run.
 *
 * Each input is dissected twice, like tshark -2: a first pass and a second
 * pass over visited frames with a visible tree, columns and every item's
 * label formatted (what -V prints).  Each input gets its own client address
 * and port, so its own conversations; a crash therefore reproduces from the
 * single input that libFuzzer saves.  The dissection session (file-scope
 * memory) is renewed every SESSION_INPUTS inputs (FUZZ_SESSION_INPUTS in the
 * environment overrides it): measured with Wireshark 4.0.17 under ASan, an
 * input leaves about 14 kB of file-scope state and a renewal (epan_free +
 * epan_new) leaks about 14 MB inside libwireshark, so 20000 keeps a 30-minute
 * run near 1.5 GB.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/prefs.h>
#include <epan/column.h>
#include <epan/column-info.h>
#include <epan/proto.h>
#include <epan/frame_data.h>
#include <epan/timestamp.h>
#include <wiretap/wtap.h>
#include <wsutil/exported_pdu_tlvs.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/wslog.h>
#include <ws_version.h>

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the protocol to fuzz (msnp, qq or qqsso)"
#endif

void plugin_register(void);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const guint8 *buf, size_t len);

#define MAX_PACKETS 64
#define MAX_HANDLES 16
#define SERVER_PORT_BASE 40100   /* our handles are put on 40100.. */
#define HEUR_PORT 40099          /* nothing is registered there */
#define SESSION_INPUTS 20000     /* inputs per dissection session */

/* libwireshark keeps registration memory until exit by design: leak checks
 * would report it and cost most of the run time. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
    return "detect_leaks=0";
}

static const guint8 separator[4] = { 0xff, 'F', 'Z', 0xff };

typedef struct {
    dissector_handle_t handle;   /* NULL: heuristics only */
    gboolean tcp;
    guint16 port;
} fuzz_handle_t;

static fuzz_handle_t handles[MAX_HANDLES];
static guint n_handles;
static column_info fuzz_cinfo;
static e_prefs *fuzz_prefs;
static guint session_inputs = SESSION_INPUTS;
static int fuzz_proto = -1;

typedef struct {
    guint8 *data;
    guint len;
    guint encap;
    frame_data fd;
    wtap_rec rec;
} fuzz_packet_t;

static fuzz_packet_t packets[MAX_PACKETS];
static guint n_packets;

/*
 * The libwireshark entry points this program uses that changed in 4.6 (the
 * differences between versions in this file; the dissectors' own are in
 * ws-compat.h; Wireshark gives no feature macro for these, hence the version
 * test):
 * - epan_dissect_run() takes a tvb up to 4.4; from 4.6 on it reads the
 *   bytes from the record's data buffer.  That buffer is released only after
 *   epan_dissect_reset(), because the tree and columns refer to it until then;
 *   the record also names its type (the frame's summary line shows it);
 * - ws_log_init() and configuration_init() lost their program-name and
 *   namespace arguments;
 * - proto_item_fill_label() also reports where the value starts in the label.
 */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 6)
#include <wsutil/buffer.h>

#define fuzz_log_init()              ws_log_init(NULL)
#define fuzz_configuration_init(arg0) configuration_init(arg0)

static void
fuzz_fill_label(const field_info *fi, char *label)
{
    size_t value_offset;

    proto_item_fill_label(fi, label, &value_offset);
}

static void
fuzz_dissect_packet(epan_dissect_t *edt, fuzz_packet_t *pk, column_info *cinfo)
{
    pk->rec.rec_type_name = "Frame";
    ws_buffer_init(&pk->rec.data, pk->len);
    ws_buffer_append(&pk->rec.data, pk->data, pk->len);
    epan_dissect_run(edt, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, &pk->rec, &pk->fd, cinfo);
}

static void
fuzz_release_packet(fuzz_packet_t *pk)
{
    ws_buffer_free(&pk->rec.data);
}
#else
#define fuzz_log_init()              ws_log_init("fuzz-" FUZZ_TARGET, NULL)
#define fuzz_configuration_init(arg0) configuration_init((arg0), NULL)
#define fuzz_fill_label(fi, label)   proto_item_fill_label((fi), (label))

static void
fuzz_dissect_packet(epan_dissect_t *edt, fuzz_packet_t *pk, column_info *cinfo)
{
    epan_dissect_run(edt, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, &pk->rec,
                     tvb_new_real_data(pk->data, pk->len, pk->len), &pk->fd, cinfo);
}

static void
fuzz_release_packet(fuzz_packet_t *pk _U_)
{
}
#endif

static const nstime_t *
fuzz_get_frame_ts(struct packet_provider_data *prov _U_, guint32 frame_num)
{
    if (frame_num >= 1 && frame_num <= n_packets)
        return &packets[frame_num - 1].fd.abs_ts;
    return NULL;
}

static void
set_pref(const char *name, const char *value)
{
    char pref[256];
    char *errmsg = NULL;

    snprintf(pref, sizeof(pref), "%s:%s", name, value);
    if (prefs_set_pref(pref, &errmsg) != PREFS_SET_OK)
        fprintf(stderr, "fuzz-target: cannot set %s: %s\n", pref, errmsg ? errmsg : "?");
    g_free(errmsg);
}

/* The protocol itself or a helper protocol of it ("qq_tls_port"). */
static gboolean
is_own_protocol(int proto)
{
    const char *name = proto >= 0 ? proto_get_protocol_filter_name(proto) : NULL;
    size_t n = strlen(FUZZ_TARGET);

    return name != NULL && strncmp(name, FUZZ_TARGET, n) == 0 &&
           (name[n] == '\0' || name[n] == '_');
}

static void
add_table_handles(const char *table, gboolean tcp)
{
    GSList *list = dissector_table_get_dissector_handles(find_dissector_table(table));

    for (GSList *l = list; l != NULL && n_handles < MAX_HANDLES - 1; l = l->next) {
        dissector_handle_t h = (dissector_handle_t)l->data;

        if (!is_own_protocol(dissector_handle_get_protocol_index(h)))
            continue;
        handles[n_handles].handle = h;
        handles[n_handles].tcp = tcp;
        handles[n_handles].port = (guint16)(SERVER_PORT_BASE + n_handles);
        dissector_change_uint(table, handles[n_handles].port, h);
        fprintf(stderr, "fuzz-target: %s handle %s on port %u\n", table,
                dissector_handle_get_dissector_name(h) ? dissector_handle_get_dissector_name(h)
                                                       : "(anonymous)",
                handles[n_handles].port);
        n_handles++;
    }
    g_slist_free(list);
}

static void
enable_own_heuristic(const char *table_name _U_, heur_dtbl_entry_t *entry, gpointer user_data)
{
    if (entry->protocol != NULL && is_own_protocol(proto_get_id(entry->protocol))) {
        entry->enabled = TRUE;
        *(gboolean *)user_data = TRUE;
        fprintf(stderr, "fuzz-target: heuristic %s enabled\n", entry->short_name);
    }
}

static void
add_heuristic_pseudo_handle(const char *table, gboolean tcp)
{
    gboolean found = FALSE;

    heur_dissector_table_foreach(table, enable_own_heuristic, &found);
    if (found && n_handles < MAX_HANDLES) {
        handles[n_handles].handle = NULL;
        handles[n_handles].tcp = tcp;
        handles[n_handles].port = HEUR_PORT;
        n_handles++;
    }
}

/* Keyed mode: the key log is written to a temporary file (removed at exit). */
static char *qq_keylog_path;

static void
remove_qq_keylog(void)
{
    if (qq_keylog_path)
        g_unlink(qq_keylog_path);
}

static void
set_qq_keys(void)
{
    static const char keys[] =
        "# fuzz-target keyed mode\n"
        "QQ_SESSION_KEY 87654321 4edf9e71bf246e6bb387b1113d47d73b\n"
        "QQ_PASSWORD_MD5 476705269 23eeeb4347bdd26bfc6b7ee9a3b755dd\n"
        "QQ_SESSION_KEY 11112222 00112233445566778899aabbccddeeff\n"
        /* The PC QQ login chain of qq-pcqq-login.pcap. */
        "QQ_PASSWORD_MD5 185131606 9b684cd1a2977698d062656da5e9b1f7\n"
        "QQ_SHARE_KEY 3141592653 5d8bf7464f3ed2fbce83118dfb0b3cab\n"
        /* SSO: the D2 key of qqsso-d2.pcap, the wtlogin keys of qqsso-login.pcap. */
        "QQ_D2_KEY 486732996 97ae3d22287c97bd98bcfde94e4df326\n"
        "QQ_WTLOGIN_KEY 486732996 e88b10f3f25708d646200792338f0ca2\n"
        "QQ_WTLOGIN_KEY 486732996 3e74030d8c7a3a0c40eaedb8816645c4\n";
    GError *err = NULL;
    int fd = g_file_open_tmp("fuzz-qq-keys-XXXXXX", &qq_keylog_path, &err);

    if (fd < 0 || !g_file_set_contents(qq_keylog_path, keys, -1, &err)) {
        fprintf(stderr, "fuzz-target: cannot write the QQ key log: %s\n", err ? err->message : "?");
        exit(2);
    }
    close(fd);
    atexit(remove_qq_keylog);
    set_pref("qq.password", "python");
    set_pref("qq.keylog_file", qq_keylog_path);
    fprintf(stderr, "fuzz-target: QQ decryption keyed (password and key log %s)\n", qq_keylog_path);
}

int
LLVMFuzzerInitialize(int *argc _U_, char ***argv)
{
    char *err;

    /* Same environment as fuzzshark: no profile, every wmem allocation a
     * separate malloc (so ASan sees pool overflows), glib without slices. */
    g_setenv("XDG_CACHE_HOME", "/nonexistent", 0);
    g_setenv("XDG_CONFIG_HOME", "/nonexistent", 0);
    g_setenv("XDG_DATA_HOME", "/nonexistent", 0);
    g_setenv("WIRESHARK_DEBUG_WMEM_OVERRIDE", "simple", 0);
    g_setenv("G_SLICE", "always-malloc", 0);

    fuzz_log_init();
    init_process_policies();
    err = fuzz_configuration_init((*argv)[0]);
    g_free(err);

    timestamp_set_type(TS_RELATIVE);
    timestamp_set_precision(TS_PREC_AUTO);
    timestamp_set_seconds_type(TS_SECONDS_DEFAULT);

    /* Our protocols join epan_init's registration like a loaded plugin. */
    plugin_register();

    wtap_init(FALSE);
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "fuzz-target: epan_init failed\n");
        exit(2);
    }
    fuzz_prefs = epan_load_settings();

    fuzz_proto = proto_get_id_by_filter_name(FUZZ_TARGET);
    if (fuzz_proto < 0) {
        fprintf(stderr, "fuzz-target: protocol %s is not registered\n", FUZZ_TARGET);
        exit(2);
    }

    /* Reassembly on, as in a normal tshark run, plus the heuristics. */
    set_pref("tcp.desegment_tcp_streams", "TRUE");
    set_pref("tcp.check_checksum", "FALSE");
    set_pref("udp.check_checksum", "FALSE");
    if ((strcmp(FUZZ_TARGET, "qq") == 0 || strcmp(FUZZ_TARGET, "qqsso") == 0) && g_getenv("FUZZ_QQ_KEYS") && strcmp(g_getenv("FUZZ_QQ_KEYS"), "1") == 0)
        set_qq_keys();
    prefs_apply_all();

    add_table_handles("tcp.port", TRUE);
    add_table_handles("udp.port", FALSE);
    add_heuristic_pseudo_handle("tcp", TRUE);
    add_heuristic_pseudo_handle("udp", FALSE);
    if (n_handles == 0) {
        fprintf(stderr, "fuzz-target: %s has no handle in tcp.port/udp.port and no heuristic\n",
                FUZZ_TARGET);
        exit(2);
    }

    build_column_format_array(&fuzz_cinfo, fuzz_prefs->num_cols, TRUE);
    if (g_getenv("FUZZ_SESSION_INPUTS"))       /* tuning: inputs per session */
        session_inputs = MAX(1, (guint)g_ascii_strtoull(g_getenv("FUZZ_SESSION_INPUTS"), NULL, 10));
    return 0;
}

static void
put16(guint8 *p, guint v)
{
    p[0] = (guint8)(v >> 8);
    p[1] = (guint8)v;
}

static void
put32(guint8 *p, guint32 v)
{
    p[0] = (guint8)(v >> 24);
    p[1] = (guint8)(v >> 16);
    p[2] = (guint8)(v >> 8);
    p[3] = (guint8)v;
}

static guint
put_tlv(guint8 *p, guint tag, const void *value, guint len)
{
    put16(p, tag);
    put16(p + 2, len);
    memcpy(p + 4, value, len);
    return 4 + len;
}

static guint
put_tlv32(guint8 *p, guint tag, guint32 v)
{
    guint8 b[4];

    put32(b, v);
    return put_tlv(p, tag, b, 4);
}

/* Varies per input: its own conversation (address and port). */
static guint32 client_id;
#define CLIENT_PORT ((guint16)(1024 + client_id % 60000))
static guint8 client_ip[4] = { 10, 2, 0, 2 };
static const guint8 server_ip[4] = { 10, 1, 0, 1 };

/* An exported PDU calling the handle by name. */
static guint8 *
build_exported_pdu(const fuzz_handle_t *fh, gboolean from_server, guint32 seq,
                   const guint8 *payload, guint plen, guint *out_len)
{
    const char *name = dissector_handle_get_dissector_name(fh->handle);
    guint name_len = (guint)strlen(name);
    guint8 *buf = (guint8 *)g_malloc(64 + name_len + 32 + 24 + plen);
    guint off = 0;

    off += put_tlv(buf + off, EXP_PDU_TAG_DISSECTOR_NAME, name, name_len);
    off += put_tlv(buf + off, EXP_PDU_TAG_IPV4_SRC, from_server ? server_ip : client_ip, 4);
    off += put_tlv(buf + off, EXP_PDU_TAG_IPV4_DST, from_server ? client_ip : server_ip, 4);
    off += put_tlv32(buf + off, EXP_PDU_TAG_PORT_TYPE, fh->tcp ? EXP_PDU_PT_TCP : EXP_PDU_PT_UDP);
    off += put_tlv32(buf + off, EXP_PDU_TAG_SRC_PORT, from_server ? fh->port : CLIENT_PORT);
    off += put_tlv32(buf + off, EXP_PDU_TAG_DST_PORT, from_server ? CLIENT_PORT : fh->port);
    if (fh->tcp) {
        guint8 info[19];

        memset(info, 0, sizeof(info));
        put16(info, 1);                     /* version */
        put32(info + 2, seq);               /* seq */
        put32(info + 6, seq + plen);        /* nxtseq */
        put16(info + 15, 0x018);            /* PSH|ACK */
        off += put_tlv(buf + off, EXP_PDU_TAG_TCP_INFO_DATA, info, sizeof(info));
    }
    put16(buf + off, EXP_PDU_TAG_END_OF_OPT);
    put16(buf + off + 2, 0);
    off += 4;
    memcpy(buf + off, payload, plen);
    *out_len = off + plen;
    return buf;
}

static guint16
ip_checksum(const guint8 *p, guint len)
{
    guint32 s = 0;

    for (guint i = 0; i + 1 < len; i += 2)
        s += (guint32)(p[i] << 8 | p[i + 1]);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (guint16)~s;
}

/* An Ethernet/IPv4/TCP-or-UDP frame (payload cut to what IPv4 can carry). */
static guint8 *
build_frame(const fuzz_handle_t *fh, gboolean from_server, guint32 seq, guint32 ack,
            const guint8 *payload, guint plen, guint *out_len)
{
    guint l4 = fh->tcp ? 20 : 8;
    guint8 *buf;
    guint8 *ip, *th;

    if (plen > 65535 - 20 - l4)
        plen = 65535 - 20 - l4;
    buf = (guint8 *)g_malloc0(14 + 20 + l4 + plen);
    memcpy(buf, "\x02\x00\x0a\x01\x00\x01\x02\x00\x0a\x01\x00\x02", 12);
    if (from_server) {
        memcpy(buf, "\x02\x00\x0a\x01\x00\x02", 6);
        memcpy(buf + 6, "\x02\x00\x0a\x01\x00\x01", 6);
    }
    put16(buf + 12, 0x0800);
    ip = buf + 14;
    ip[0] = 0x45;
    put16(ip + 2, 20 + l4 + plen);
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = fh->tcp ? 6 : 17;
    memcpy(ip + 12, from_server ? server_ip : client_ip, 4);
    memcpy(ip + 16, from_server ? client_ip : server_ip, 4);
    put16(ip + 10, ip_checksum(ip, 20));
    th = ip + 20;
    put16(th, from_server ? fh->port : CLIENT_PORT);
    put16(th + 2, from_server ? CLIENT_PORT : fh->port);
    if (fh->tcp) {
        put32(th + 4, seq);
        put32(th + 8, ack);
        th[12] = 5 << 4;
        th[13] = 0x18;                      /* PSH|ACK */
        put16(th + 14, 65535);
    } else {
        put16(th + 4, 8 + plen);
    }
    memcpy(th + l4, payload, plen);
    *out_len = 14 + 20 + l4 + plen;
    return buf;
}

static void
split_input(const guint8 *buf, size_t len)
{
    /* Per handle and direction: next TCP sequence number. */
    static guint32 seq[MAX_HANDLES][2];
    size_t start = 0;

    for (guint i = 0; i < MAX_HANDLES; i++) {
        seq[i][0] = 1000;
        seq[i][1] = 5000;
    }
    n_packets = 0;
    client_ip[2] = (guint8)(client_id >> 8);
    client_ip[3] = (guint8)client_id;
    while (start < len && n_packets < MAX_PACKETS) {
        size_t end = start;
        guint8 ctl;
        const fuzz_handle_t *fh;
        gboolean from_server, exported;
        fuzz_packet_t *pk = &packets[n_packets];
        guint hi;

        while (end < len && !(end + 4 <= len && memcmp(buf + end, separator, 4) == 0))
            end++;
        if (end == start) {                 /* empty packet: no control byte */
            start = end + 4;
            continue;
        }
        ctl = buf[start];
        from_server = (ctl & 1) != 0;
        hi = ((ctl >> 1) & 7) % n_handles;
        fh = &handles[hi];
        exported = (ctl & 0x10) && fh->handle && dissector_handle_get_dissector_name(fh->handle);

        if (exported) {
            pk->data = build_exported_pdu(fh, from_server, seq[hi][from_server], buf + start + 1,
                                          (guint)(end - start - 1), &pk->len);
            pk->encap = WTAP_ENCAP_WIRESHARK_UPPER_PDU;
        } else {
            pk->data = build_frame(fh, from_server, seq[hi][from_server], seq[hi][!from_server],
                                   buf + start + 1, (guint)(end - start - 1), &pk->len);
            pk->encap = WTAP_ENCAP_ETHERNET;
        }
        seq[hi][from_server] += (guint32)(end - start - 1);
        n_packets++;
        start = end + 4;
    }
}

static void
fill_labels(proto_node *node, gpointer data _U_)
{
    field_info *fi = PNODE_FINFO(node);
    gchar label[ITEM_LABEL_LENGTH];

    if (fi != NULL) {
        if (fi->rep != NULL)
            (void)strlen(fi->rep->representation);
        else
            fuzz_fill_label(fi, label);
    }
    proto_tree_children_foreach(node, fill_labels, NULL);
}

int
LLVMFuzzerTestOneInput(const guint8 *buf, size_t len)
{
    static const struct packet_provider_funcs funcs = { .get_frame_ts = fuzz_get_frame_ts };
    static epan_t *session;
    static guint inputs_in_session;
    epan_dissect_t *edt;
    guint32 cum_bytes = 0;

    if (len == 0)
        return 0;
    client_id++;
    split_input(buf, len);

    /* A fresh session costs far more than a dissection (every protocol's
     * init routine) and leaks inside libwireshark: renew it rarely. */
    if (session == NULL || inputs_in_session >= session_inputs) {
        if (session != NULL)
            epan_free(session);
        session = epan_new(NULL, &funcs);
        inputs_in_session = 0;
    }
    inputs_in_session++;
    for (guint i = 0; i < n_packets; i++) {
        fuzz_packet_t *pk = &packets[i];

        memset(&pk->rec, 0, sizeof(pk->rec));
        pk->rec.rec_type = REC_TYPE_PACKET;
        pk->rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
        pk->rec.ts.secs = 1131000000 + (time_t)i;
        pk->rec.ts.nsecs = 0;
        pk->rec.rec_header.packet_header.caplen = pk->len;
        pk->rec.rec_header.packet_header.len = pk->len;
        pk->rec.rec_header.packet_header.pkt_encap = (int)pk->encap;
        frame_data_init(&pk->fd, i + 1, &pk->rec, 0, cum_bytes);
        cum_bytes += pk->len;
    }

    /* Pass 1: what tshark -2 does first. */
    edt = epan_dissect_new(session, TRUE, FALSE);
    for (guint i = 0; i < n_packets; i++) {
        fuzz_packet_t *pk = &packets[i];

        fuzz_dissect_packet(edt, pk, NULL);
        epan_dissect_reset(edt);
        fuzz_release_packet(pk);
    }
    epan_dissect_free(edt);

    /* Pass 2: visited frames, full tree, columns and labels as -V prints. */
    edt = epan_dissect_new(session, TRUE, TRUE);
    for (guint i = 0; i < n_packets; i++) {
        fuzz_packet_t *pk = &packets[i];

        fuzz_dissect_packet(edt, pk, &fuzz_cinfo);
        epan_dissect_fill_in_columns(edt, FALSE, TRUE);
        proto_tree_children_foreach(edt->tree, fill_labels, NULL);
        epan_dissect_reset(edt);
        fuzz_release_packet(pk);
    }
    epan_dissect_free(edt);

    for (guint i = 0; i < n_packets; i++) {
        frame_data_destroy(&packets[i].fd);
        g_free(packets[i].data);
        packets[i].data = NULL;
    }
    return 0;
}
