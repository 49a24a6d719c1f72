# SPDX-License-Identifier: GPL-2.0-or-later
"""MSNP sample captures: a classic MSNP11 login (doc/msnp.md, "The login") and more.

Every MSNP command is written as one Python bytes literal, as it is on the
wire.  Helper functions only compute payload lengths and cut segments.

Captures:
  msnp-login.pcap          DS (VER/CVR/USR TWN I/XFR NS), NS login with the
                           Passport challenge, presence, an error reply, CHL/QRY,
                           PNG/QNG, XFR SB; a switchboard chat (typing, text, a
                           P2P MSNSLP INVITE, ACK/BYE/OUT) and an invitation
                           (RNG, ANS/IRO) to a second switchboard.
  msnp-login-443.pcap      the same login with every server on TCP 443.
  msnp-segmentation.pcap   a payload over three segments, a command line over
                           two, several commands in one segment, a segment that
                           ends in the middle of a line; a failed login (911).
  msnp-nonstandard-port.pcap  a switchboard chat on TCP 2863 (found by the heuristic).
  msnp-http-gateway.pcap   the HTTP gateway on port 80 (POST /gateway/gateway.dll).
  msnp-errors.pcap         malformed and odd commands, one per expert info.
  msnp-versions.pcap       an MSNP7 login with MD5 (INF, ILN, NOT, IPG, ADD); an MSNP18
                           login with SSO and its payload commands (GCF, ADL, RML with
                           an error that carries a payload, UUX, UBX 1:, UUN, UBM, UUM,
                           FQY); MSNP21 PUT/NFY/SDG/DEL with Routing/Reliability/Messaging
                           header blocks (on TCP 443); two connections on 443
                           caught mid-stream that start with NFY and UBM; an MSNP8
                           contact list (SYN, GTC, BLP, PRP, LSG, LST, BPR); an MSNP18
                           switchboard whose accounts carry ";{end point}".
  msnp-negatives.pcap      SMTP, FTP, IRC, POP3, IMAP, HTTP and TLS on other ports
                           (none of it is MSNP).
  msnp-names.pcap          friendly names as a 2011 capture has them: an MSNP9 login
                           whose USR OK gives the name as raw bytes (19 db), not
                           URL-encoded; a contact whose name is raw UTF-8; an invitation to a switchboard; REA renames
                           the user "feng" and NLN renames the contact; a second
                           invitation, whose transcript uses the new names; PRP MFN
                           renames the user again before a third.
"""

import struct
import urllib.parse

from pcapgen import Capture, split

CLIENT = "192.168.1.100"
DS = "65.54.239.20"        # messenger.hotmail.com
NS = "207.46.4.22"
SB1 = "207.46.108.59"      # from XFR SB
SB2 = "207.46.108.83"      # from RNG
GATEWAY = "65.54.239.80"   # gateway.messenger.hotmail.com

ME = b"cndes2005@hotmail.com"
BUDDY = b"cecile260992@hotmail.com"
CHALLENGE = (b"lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,"
             b"kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619")
TICKET = (b"t=53*1hAu8ADuD3TEwdXoOMi08sD*2!cMrntTwVMTjoB3p6stWTqzbkKZPVQzA5NOt19SLI60PY"
          b"!b8K4YhC!Ooo5ug$$&p=5eKBBC!yBH6ex5mftp!a9DrSb0B3hU8aqAWpaPn07iCGBw5akemiWSd7t2ot")
XIAOMING = urllib.parse.quote("小明").encode()     # %E5%B0%8F%E6%98%8E


def cmd(line, payload=None):
    """One command: the line (without CRLF), then the payload if any.

    For a payload command the length is appended as the last parameter."""
    if payload is None:
        return line + b"\r\n"
    return line + b" %d\r\n" % len(payload) + payload


def mime(headers, body=b""):
    return b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


def typing(user):
    return mime([b"MIME-Version: 1.0", b"Content-Type: text/x-msmsgscontrol",
                 b"TypingUser: " + user], b"\r\n")


def text(body):
    return mime([b"MIME-Version: 1.0", b"Content-Type: text/plain; charset=UTF-8",
                 b"X-MMS-IM-Format: FN=MS%20Shell%20Dlg; EF=; CO=0; CS=0; PF=0"], body)


def slp_invite():
    body = (b"EUF-GUID: {A4268EEC-FEC5-49E5-95C3-F126696BDBF6}\r\n"
            b"SessionID: 1980589\r\nAppID: 1\r\n"
            b"Context: PG1zbm9iaiBDcmVhdG9yPSJjZWNpbGUyNjA5OTJAaG90bWFpbC5jb20iLz4=\r\n\r\n\x00")
    return (b"INVITE MSNMSGR:" + BUDDY + b" MSNSLP/1.0\r\n"
            b"To: <msnmsgr:" + BUDDY + b">\r\n"
            b"From: <msnmsgr:" + ME + b">\r\n"
            b"Via: MSNSLP/1.0/TLP ;branch={33517CE4-02FC-4428-B6F4-39927229B722}\r\n"
            b"CSeq: 0 \r\n"
            b"Call-ID: {9D79AE57-1BD5-444B-B14E-3FC9BB2B5D58}\r\n"
            b"Max-Forwards: 0\r\n"
            b"Content-Type: application/x-msnmsgr-sessionreqbody\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


def p2p_header(session_id, identifier, offset, total, size, flags, ack_id, ack_uid, ack_size):
    """The 48-byte little-endian P2P binary header."""
    return struct.pack("<IIQQIIIIQ", session_id, identifier, offset, total, size, flags,
                       ack_id, ack_uid, ack_size)


def p2p(data, **kw):
    hdr = p2p_header(kw.get("session_id", 0), kw.get("identifier", 1980590), 0, len(data),
                     len(data), 0, kw.get("ack_id", 1234567), 0, 0)
    return mime([b"MIME-Version: 1.0", b"Content-Type: application/x-msnmsgrp2p",
                 b"P2P-Dest: " + BUDDY], hdr + data + struct.pack(">I", 0))


# ---------------------------------------------------------------------------
# The MSNP11 login of doc/msnp.md ("The login"): DS, NS, switchboards


def login(port=1863):
    cap = Capture()
    p = b":%d" % port

    # 1. Dispatch server: version, client version, user, referral to the NS.
    ds = cap.tcp(CLIENT, 1051, DS, port)
    ds.client(cmd(b"VER 145 MSNP11 MSNP10 CVR0"))
    ds.server(cmd(b"VER 145 MSNP11"))
    ds.client(cmd(b"CVR 146 0x0804 winnt 5.0 i386 MSNMSGR 7.0.0777 msmsgs " + ME))
    ds.server(cmd(b"CVR 146 7.0.0816 7.0.0816 7.0.0777 "
                  b"http://msgr.dlservice.microsoft.com/download/5/d/9/Install_MSN_Messenger.exe "
                  b"http://messenger.msn.com"))
    ds.client(cmd(b"USR 147 TWN I " + ME))
    ds.server(cmd(b"XFR 147 NS " + NS.encode() + p + b" 0 " + DS.encode() + p))
    ds.close()

    # 2. Notification server: the same, then the Passport challenge and ticket.
    ns = cap.tcp(CLIENT, 1052, NS, port)
    ns.client(cmd(b"VER 148 MSNP11 MSNP10 CVR0"))
    ns.server(cmd(b"VER 148 MSNP11"))
    ns.client(cmd(b"CVR 149 0x0804 winnt 5.0 i386 MSNMSGR 7.0.0777 msmsgs " + ME))
    ns.server(cmd(b"CVR 149 7.0.0816 7.0.0816 7.0.0777 "
                  b"http://msgr.dlservice.microsoft.com/download/5/d/9/Install_MSN_Messenger.exe "
                  b"http://messenger.msn.com"))
    ns.client(cmd(b"USR 150 TWN I " + ME))
    ns.server(cmd(b"USR 150 TWN S " + CHALLENGE))
    cap.advance(1.5)        # the client talks to Passport over HTTPS meanwhile
    ns.client(cmd(b"USR 151 TWN S " + TICKET))
    ns.server(cmd(b"USR 151 OK " + ME + b" 1 0"))
    ns.client(cmd(b"SYN 152 2005-04-23T18:57:44.8130000-07:00 2005-04-23T18:57:54.2070000-07:00"))
    ns.server(cmd(b"SYN 152 2005-04-23T18:57:44.8130000-07:00 2005-04-23T18:57:54.2070000-07:00 2 1"),
              cmd(b"LSG Friends 2a9f7c54-9f3b-4a7c-8b1e-3c2d1e0f9a87"),
              cmd(b"LST N=" + BUDDY + b" F=choupi C=5c2a9b0e-5d2f-4a3e-9c1b-7e6f5d4c3b2a 11 "
                  b"2a9f7c54-9f3b-4a7c-8b1e-3c2d1e0f9a87"),
              cmd(b"LST N=xiaoming@hotmail.com F=" + XIAOMING +
                  b" C=8d1e2f3a-4b5c-4d6e-8f70-91a2b3c4d5e6 11"))
    # Presence: own status, then the contacts' initial and changed status.
    ns.client(cmd(b"CHG 153 NLN 1073791020"))
    ns.server(cmd(b"CHG 153 NLN 1073791020"))
    ns.server(cmd(b"ILN 153 NLN " + BUDDY + b" choupi 1073791012"),
              cmd(b"ILN 153 AWY xiaoming@hotmail.com " + XIAOMING + b" 1073791012"))
    ns.server(cmd(b"UBX " + BUDDY, b"<Data><PSM>on the phone</PSM><CurrentMedia></CurrentMedia></Data>"))
    ns.server(cmd(b"NLN BSY " + BUDDY + b" choupi 1073791012"))
    ns.server(cmd(b"FLN xiaoming@hotmail.com"))
    # An error reply: adding a contact that does not exist.
    ns.client(cmd(b"ADC 154 FL N=nobody@hotmail.com F=nobody"))
    ns.server(cmd(b"205 154"))
    # Challenge and response (the response is a 32-byte payload).
    ns.server(cmd(b"CHL 0 29409134351025259292"))
    ns.client(cmd(b"QRY 155 PROD0090YUAUV{2B", b"d1c1d3a4e1d1d7f0fb3e6d8e3fc5a1a3"))
    ns.server(cmd(b"QRY 155"))
    cap.advance(45)
    ns.client(cmd(b"PNG"))
    ns.server(cmd(b"QNG 50"))
    # Open a switchboard.
    ns.client(cmd(b"XFR 156 SB"))
    ns.server(cmd(b"XFR 156 SB " + SB1.encode() + p + b" CKI 246503.1115372323.20879"))

    # 3. Switchboard: join, invite, typing, text, a P2P invitation, bye.
    sb = cap.tcp(CLIENT, 1053, SB1, port)
    sb.client(cmd(b"USR 157 " + ME + b" 246503.1115372323.20879"))
    sb.server(cmd(b"USR 157 OK " + ME + b" " + XIAOMING))
    sb.client(cmd(b"CAL 158 " + BUDDY))
    sb.server(cmd(b"CAL 158 RINGING 246503"))
    sb.server(cmd(b"JOI " + BUDDY + b" choupi"))
    sb.client(cmd(b"MSG 159 U", typing(ME)))
    sb.client(cmd(b"MSG 160 A", text("你好, hello".encode())))
    sb.server(cmd(b"ACK 160"))
    sb.client(cmd(b"MSG 161 D", p2p(slp_invite())))
    sb.server(cmd(b"ACK 161"))
    sb.server(cmd(b"BYE " + BUDDY))
    sb.client(cmd(b"OUT"))
    sb.close()

    # 4. Invited to another switchboard.
    ns.server(cmd(b"RNG 17069658 " + SB2.encode() + p + b" CKI 1115371039.15845 " + BUDDY + b" choupi"))
    sb2 = cap.tcp(CLIENT, 1054, SB2, port)
    sb2.client(cmd(b"ANS 162 " + ME + b" 1115371039.15845 17069658"))
    sb2.server(cmd(b"IRO 162 1 1 " + BUDDY + b" choupi"))
    sb2.server(cmd(b"ANS 162 OK"))
    sb2.server(cmd(b"MSG " + BUDDY + b" choupi", text(b"see you")))
    sb2.client(cmd(b"OUT"))
    sb2.close()

    ns.client(cmd(b"OUT"))
    ns.close()
    return cap


# ---------------------------------------------------------------------------
# Segmentation


LONG_TEXT = ("这是一条很长的消息。" * 20 + " The end.").encode()


def segmentation():
    cap = Capture()
    sb = cap.tcp(CLIENT, 1060, SB1, 1863)
    sb.client(cmd(b"USR 1 " + ME + b" 246503.1115372323.20879"))
    sb.server(cmd(b"USR 1 OK " + ME + b" cndes"))
    sb.client(cmd(b"CAL 2 " + BUDDY))
    # Several commands in one segment.
    sb.server(cmd(b"CAL 2 RINGING 246503") + cmd(b"JOI " + BUDDY + b" choupi")
              + cmd(b"MSG " + BUDDY + b" choupi", typing(BUDDY)))
    # A payload over three segments.
    msg = cmd(b"MSG 3 A", text(LONG_TEXT))
    sb.client(*split(msg, 40, 300))
    # A command line over two segments.
    sb.server(*split(cmd(b"ACK 3"), 2))
    # A segment that ends in the middle of a line.
    reply = cmd(b"MSG " + BUDDY + b" choupi", text(b"ok")) + cmd(b"BYE " + BUDDY)
    cut = len(reply) - 12
    sb.server(*split(reply, cut))
    sb.client(cmd(b"OUT"))
    sb.close()

    # A failed login: the ticket is refused.
    ns = cap.tcp(CLIENT, 1061, NS, 1863)
    ns.client(cmd(b"VER 1 MSNP11 MSNP10 CVR0"))
    ns.server(cmd(b"VER 1 MSNP11"))
    ns.client(cmd(b"USR 2 TWN S " + TICKET))
    ns.server(cmd(b"911 2"))
    ns.close()
    return cap


def nonstandard_port():
    cap = Capture()
    sb = cap.tcp(CLIENT, 1070, SB1, 2863)
    sb.client(cmd(b"USR 1 " + ME + b" 246503.1115372323.20879"))
    sb.server(cmd(b"USR 1 OK " + ME + b" cndes"))
    sb.client(cmd(b"CAL 2 " + BUDDY))
    sb.server(cmd(b"CAL 2 RINGING 246503"))
    sb.server(cmd(b"JOI " + BUDDY + b" choupi"))
    sb.client(cmd(b"MSG 3 N", text(b"hello on 2863")))
    sb.client(cmd(b"OUT"))
    sb.close()
    return cap


# ---------------------------------------------------------------------------
# HTTP gateway


def http_post(query, body):
    return (b"POST http://gateway.messenger.hotmail.com/gateway/gateway.dll?" + query + b" HTTP/1.1\r\n"
            b"Accept: */*\r\n"
            b"Content-Type: application/x-msn-messenger\r\n"
            b"Content-Length: %d\r\n" % len(body) +
            b"User-Agent: MSMSGS\r\n"
            b"Host: gateway.messenger.hotmail.com\r\n"
            b"Proxy-Connection: Keep-Alive\r\n"
            b"Connection: Keep-Alive\r\n"
            b"Pragma: no-cache\r\n"
            b"Cache-Control: no-cache\r\n\r\n" + body)


def http_reply(session, body):
    return (b"HTTP/1.1 200 OK\r\n"
            b"Server: Microsoft-IIS/6.0\r\n"
            b"X-MSN-Messenger: SessionID=" + session + b"; GW-IP=" + GATEWAY.encode() + b"\r\n"
            b"Content-Type: application/x-msn-messenger\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


def http_gateway():
    cap = Capture()
    sid = b"1257542384.32613"
    c = cap.tcp(CLIENT, 1080, GATEWAY, 80)
    c.client(http_post(b"Action=open&Server=NS&IP=messenger.hotmail.com",
                       cmd(b"VER 1 MSNP11 MSNP10 CVR0")))
    c.server(http_reply(sid, cmd(b"VER 1 MSNP11")))
    c.client(http_post(b"SessionID=" + sid,
                       cmd(b"CVR 2 0x0804 winnt 5.0 i386 MSNMSGR 7.0.0777 msmsgs " + ME)
                       + cmd(b"USR 3 TWN I " + ME)))
    c.server(http_reply(sid, cmd(b"CVR 2 7.0.0816 7.0.0816 7.0.0777 "
                                 b"http://msgr.dlservice.microsoft.com/download/5/d/9/Install_MSN_Messenger.exe "
                                 b"http://messenger.msn.com")
                        + cmd(b"USR 3 TWN S " + CHALLENGE)))
    c.client(http_post(b"Action=poll&SessionID=" + sid, b""))
    c.server(http_reply(sid, cmd(b"CHL 0 29409134351025259292")))
    c.close()
    return cap


# ---------------------------------------------------------------------------
# Odd and malformed commands (one per expert info)


def errors():
    cap = Capture()
    ns = cap.tcp(CLIENT, 1090, NS, 1863)
    ns.client(cmd(b"VER 1 MSNP11 CVR0"))
    ns.server(cmd(b"VER 1 MSNP11"))
    ns.client(cmd(b"CAL abc " + BUDDY))                               # bad TrID
    ns.client(cmd(b"ZZZ 5 what"))                                     # unknown command
    ns.server(cmd(b"ILN 7 NLN a@hotmail.com bad%zzname 0"),           # bad escapes
              cmd(b"ILN 7 NLN b@hotmail.com trunc%E5%A5 0"),
              cmd(b"ILN 7 NLN c@hotmail.com lone% 0"))
    ns.server(cmd(b"XFR 8 SB 999.1.1.1:99999 CKI 1.2.3"))             # bad address
    ns.server(cmd(b"XFR 9 SB : CKI 1.2.3"))
    ns.server(cmd(b"MSG Hotmail Hotmail 99999999"))                   # over-bound length
    ns.server(cmd(b"MSG Hotmail Hotmail xyz"))                        # non-numeric length
    ns.client(cmd(b"ADL 10", b"<ml l=\"1\"><d n=\"hotmail.com\"><c n=\"cecile260992\" l=\"3\" t=\"1\"/></d></ml>"))
    ns.server(cmd(b"ADL 10 OK"))
    ns.client(cmd(b"ADL 11", b"<ml><bad"))
    ns.server(cmd(b"241 11", b"<ml><d n=\"x\"/></ml>"))              # error with a payload
    ns.server(cmd(b"QNG 30") + b"\r\n")                               # empty line
    ns.server(cmd(b"JOI " + BUDDY + b" choupi"))
    sb = cap.tcp(CLIENT, 1091, SB1, 1863)
    sb.client(cmd(b"MSG 20 D", mime([b"Content-Type: application/x-msnmsgrp2p"], b"\x00" * 20)))   # short
    bad = p2p_header(0, 1, 0, 4, 500, 0, 0, 0, 0) + b"abcd"
    sb.client(cmd(b"MSG 21 D", mime([b"Content-Type: application/x-msnmsgrp2p"], bad)))           # bad size
    sb.server(cmd(b"ACK 99"))                                         # reply without request
    sb.client(b"OUT")                                                 # no CRLF at the end
    sb.close()
    odd = cap.tcp(CLIENT, 1092, SB1, 1863)
    odd.client(b"A\r\n" + b"M\x00G 1 N 2\r\nhi" + b"\xff\xfe\xfd 5\r\n")   # short, NUL, binary
    odd.client(b"MSG 2 N 2\r\nok\r\n")                               # payload then an empty line
    odd.close()
    return cap


# ---------------------------------------------------------------------------
# Other protocol generations: MSNP7 (MD5), MSNP18 (SSO, XML lists), MSNP21 (SDG)

ALICE = b"alice@live.com"
BOB = b"bob@hotmail.com"
EPID = b"{f52973b6-c926-4bad-9ba8-7c1e840e4ab0}"
NONCE = b"8CLhG/xfgYZ7TRDCEbpHeg=="
SSO_TICKET = b"t=EwDoAW+jAAAUVwo8hY/Rg6HvEdmXr19KcNgO+7mAAAHY3N6p3hDyqG8d7IFkSUB3P0h5XsOWtiw=&p="
SSO_RESPONSE = (b"HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAAAAAAAAAAAWHF9pVLJm0nJtrH5yMYbyEq8mJ0U"
                b"Qk8Ie1wZZi1jlXFoNP0xLbrRHU4B3AwL9GOzDjGVcyiwSBCShEuzZsiclg==")
MACHINE_GUID = b"{7535ef7c-ff92-11d9-8a71-0050565bce00}"
ALERT = (b'<NOTIFICATION ver="2" id="1" siteid="45705" siteurl="http://alerts.msn.com">'
         b'<TO pid="0x00060000:0x81ee5a43" name="alice@live.com"/><MSG id="0"><ACTION url="a.htm"/>'
         b'<SUBSCR url="s.htm"/><BODY lang="3076" icon=""><TEXT>News</TEXT></BODY></MSG></NOTIFICATION>')
PAGER = (b'<NOTIFICATION id="0" siteid="111100400" siteurl="http://mobile.msn.com/">'
         b'<TO name="alice@live.com" pid="0x00060000:0x81ee5a43"><VIA agent="mobile"/></TO>'
         b'<FROM pid="0x00000000:0x00000000" name="tel:+15551234567"/>'
         b'<MSG pri="1" id="1"><ACTION url="2wayIM.asp"/><SUBSCR url="2wayIM.asp"/>'
         b'<BODY lang="1033"><TEXT>call me</TEXT></BODY></MSG></NOTIFICATION>')
CONFIG = (b'<?xml version= "1.0" encoding="utf-8" ?><config><shield><cli maj="7" min="0" '
          b'minbld="0" maxbld="9999" deny=" " /></shield><block></block></config>')


def blocks(routing, reliability, last_headers, body):
    """An MSNP18+ data payload: Routing, Reliability and a last header block, then the body."""
    return mime(routing) + mime(reliability) + mime(last_headers + [b"Content-Length: %d" % len(body)], body)


def routing(to, frm):
    return [b"Routing: 1.0", b"To: " + to, b"From: " + frm]


def versions():
    cap = Capture()

    # MSNP7: MD5 login, the last generation before Passport.
    old = cap.tcp(CLIENT, 1100, NS, 1863)
    old.client(cmd(b"VER 1 MSNP7 MSNP6 MSNP5 MSNP4 CVR0"))
    old.server(cmd(b"VER 1 MSNP7"))
    old.client(cmd(b"INF 2"))
    old.server(cmd(b"INF 2 MD5"))
    old.client(cmd(b"USR 3 MD5 I alice@hotmail.com"))
    old.server(cmd(b"USR 3 MD5 S 1013928519.693957190"))
    old.client(cmd(b"USR 4 MD5 S 9ae4d8a6ac0e1c23f5d2a53fb6f5c3b1"))
    old.server(cmd(b"USR 4 OK alice@hotmail.com Alice%20Smith"))
    old.client(cmd(b"CHG 5 NLN"))
    old.server(cmd(b"CHG 5 NLN"))
    old.server(cmd(b"ILN 5 LUN " + BOB + b" Bob%20%E2%98%85"))
    old.server(cmd(b"NOT", ALERT))
    old.server(cmd(b"IPG", PAGER))
    old.client(cmd(b"ADD 6 FL carol@hotmail.com carol@hotmail.com"))
    old.server(cmd(b"ADD 6 FL 1204 carol@hotmail.com carol@hotmail.com"))
    old.client(cmd(b"OUT"))
    old.close()

    # MSNP18: SSO login, XML contact lists, personal messages with network prefixes.
    ns = cap.tcp(CLIENT, 1101, NS, 1863)
    ns.client(cmd(b"VER 1 MSNP18 CVR0"))
    ns.server(cmd(b"VER 1 MSNP18"))
    ns.client(cmd(b"CVR 2 0x0409 winnt 6.1.0 i386 MSNMSGR 14.0.8117.0416 msmsgs " + ALICE))
    ns.server(cmd(b"CVR 2 14.0.8117 14.0.8117 14.0.8117 http://msgr.dlservice.microsoft.com "
                  b"http://download.live.com/?sku=messenger"))
    ns.client(cmd(b"USR 3 SSO I " + ALICE))
    ns.server(cmd(b"USR 3 SSO S MBI_KEY_OLD " + NONCE))
    ns.client(cmd(b"USR 4 SSO S " + SSO_TICKET + b" " + SSO_RESPONSE + b" " + MACHINE_GUID))
    ns.server(cmd(b"USR 4 OK " + ALICE + b" 1 0"))
    ns.server(cmd(b"GCF 0", CONFIG))
    ns.client(cmd(b"ADL 5", b'<ml l="1"><d n="hotmail.com"><c n="bob" l="3" t="1"/></d></ml>'))
    ns.server(cmd(b"ADL 5 OK"))
    ns.client(cmd(b"RML 6", b'<ml><d n="hotmail.com"><c n="carol" l="1" t="1"/></d></ml>'))
    ns.server(cmd(b"241 6", b'<ml><d n="hotmail.com"><c n="carol" l="1" t="1"/></d></ml>'))
    ns.client(cmd(b"UUX 7", b"<Data><PSM>hi</PSM><CurrentMedia></CurrentMedia>"
                            b"<MachineGuid>" + MACHINE_GUID + b"</MachineGuid></Data>"))
    ns.server(cmd(b"UUX 7 0"))
    ns.server(cmd(b"NLN NLN 1:" + BOB + b" Bob 2789003324:48 0"))
    ns.server(cmd(b"UBX 1:" + BOB, b"<Data><PSM>at work</PSM><CurrentMedia></CurrentMedia></Data>"))
    ns.client(cmd(b"GCF 8 Shields.xml"))
    ns.server(cmd(b"GCF 8 Shields.xml", CONFIG))
    ns.client(cmd(b"UUN 9 " + ALICE + b" 4", b"goawyplzthxbye"))
    ns.server(cmd(b"UUN 9 OK"))
    ns.server(cmd(b"UBM bob@yahoo.com 32 1", mime([b"MIME-Version: 1.0",
                                                    b"Content-Type: text/plain; charset=UTF-8"], b"hi from yahoo")))
    ns.client(cmd(b"UUM 10 bob@yahoo.com 32 1", mime([b"MIME-Version: 1.0",
                                                       b"Content-Type: text/plain; charset=UTF-8"], b"hi back")))
    ns.client(cmd(b"FQY 11", b'<ml><d n="yahoo.com"><c n="bob"/></d></ml>'))
    ns.server(cmd(b"FQY 11", b'<ml><d n="yahoo.com"><c n="bob" t="32"/></d></ml>'))
    ns.client(cmd(b"OUT"))
    ns.close()

    # MSNP21: no switchboard; data goes through PUT/NFY/SDG/DEL with header blocks.
    me = b"1:" + ALICE
    new = cap.tcp(CLIENT, 1103, NS, 443)
    new.client(cmd(b"VER 1 MSNP21 CVR0"))
    new.server(cmd(b"VER 1 MSNP21"))
    new.client(cmd(b"USR 2 SSO S " + SSO_TICKET + b" " + SSO_RESPONSE + b" " + MACHINE_GUID))
    new.server(cmd(b"USR 2 OK " + ALICE + b" 1 0"))
    presence = b'<user><s n="IM"><Status>NLN</Status></s></user>'
    new.client(cmd(b"PUT 3", blocks(routing(me, me + b";epid=" + EPID), [b"Reliability: 1.0"],
                                     [b"Publication: 1.0", b"Uri: /user",
                                      b"Content-Type: application/user+xml"], presence)))
    new.server(cmd(b"PUT 3 OK 0"))
    new.server(cmd(b"NFY PUT", blocks(routing(me, b"1:" + BOB), [b"Reliability: 1.0"],
                                      [b"Notification: 1.0", b"NotifNum: 1", b"Uri: /user",
                                       b"NotifType: Full", b"Content-Type: application/user+xml"], presence)))
    new.client(cmd(b"SDG 4", blocks(routing(b"1:" + BOB, me + b";epid=" + EPID), [b"Reliability: 1.0"],
                                    [b"Messaging: 2.0", b"Message-Type: Text",
                                     b"Content-Transfer-Encoding: 7bit",
                                     b"Content-Type: text/plain; charset=UTF-8"], b"hello bob")))
    new.server(cmd(b"SDG 0", blocks(routing(me, b"1:" + BOB + b";epid={0f2bc6c4-4f4b-4d1c-9b47-1c0a0f6e1a5d}"),
                                    [b"Reliability: 1.0"],
                                    [b"Messaging: 2.0", b"Message-Type: Text",
                                     b"Content-Type: text/plain; charset=UTF-8"], "你好 alice".encode())))
    new.client(cmd(b"DEL 5", blocks(routing(me, me + b";epid=" + EPID), [b"Reliability: 1.0"],
                                    [b"Publication: 1.0", b"Uri: /user",
                                     b"Content-Type: application/user+xml"],
                                    b'<user><s n="IM"></s></user>')))
    new.client(cmd(b"OUT"))
    new.close()

    # Captured mid-stream (no handshake): the first data is a server-pushed NFY, then UBM.
    mid = cap.tcp(CLIENT, 1104, NS, 443, handshake=False)
    mid.server(cmd(b"NFY PUT", blocks(routing(me, b"1:" + BOB), [b"Reliability: 1.0"],
                                      [b"Notification: 1.0", b"NotifNum: 2", b"Uri: /user",
                                       b"NotifType: Partial", b"Content-Type: application/user+xml"], presence)))
    mid.server(cmd(b"UBM bob@yahoo.com 32 1", mime([b"MIME-Version: 1.0",
                                                    b"Content-Type: text/plain; charset=UTF-8"], b"still there?")))
    mid2 = cap.tcp(CLIENT, 1105, NS, 443, handshake=False)
    mid2.server(cmd(b"UBM bob@yahoo.com 32 1", mime([b"MIME-Version: 1.0",
                                                     b"Content-Type: text/plain; charset=UTF-8"], b"hello?")))

    # MSNP8: the contact list after SYN, where GTC, BLP, PRP and LST carry no TrID.
    syn = cap.tcp(CLIENT, 1106, NS, 1863)
    syn.client(cmd(b"VER 1 MSNP8 CVR0"))
    syn.server(cmd(b"VER 1 MSNP8"))
    syn.client(cmd(b"SYN 2 0"))
    syn.server(cmd(b"SYN 2 12 1 1"),
               cmd(b"GTC A"),
               cmd(b"BLP AL"),
               cmd(b"PRP PHH 555%20123"),
               cmd(b"LSG 0 Other%20Contacts 0"),
               cmd(b"LST bob@hotmail.com Bob%20%E2%98%85 11 0"),
               cmd(b"BPR PHH 555%20456"))
    syn.client(cmd(b"BLP 3 BL"))
    syn.server(cmd(b"BLP 3 13 BL"))
    syn.close()

    # MSNP18 switchboard: accounts carry the sender's end point, "account;{guid}".
    sb = cap.tcp(CLIENT, 1107, SB1, 1863)
    sb.client(cmd(b"USR 1 " + ALICE + b";" + MACHINE_GUID + b" 246503.1115372323.20879"))
    sb.server(cmd(b"USR 1 OK " + ALICE + b";" + MACHINE_GUID + b" Alice"))
    sb.client(cmd(b"CAL 2 " + BOB))
    sb.server(cmd(b"CAL 2 RINGING 246503"))
    sb.server(cmd(b"JOI " + BOB + b";{0f2bc6c4-4f4b-4d1c-9b47-1c0a0f6e1a5d} Bob 2789003324:48"))
    sb.client(cmd(b"MSG 3 N", text(b"hi bob")))
    sb.client(cmd(b"OUT"))
    sb.close()
    return cap


# ---------------------------------------------------------------------------
# Not MSNP: text protocols on ports that no dissector owns


def negatives():
    cap = Capture()
    smtp = cap.tcp("10.1.1.2", 40001, "10.1.1.25", 2525)
    smtp.server(b"220 mail.example.com ESMTP Postfix\r\n")
    smtp.client(b"HELO client.example.com\r\n")
    smtp.server(b"250 mail.example.com\r\n")
    smtp.client(b"MAIL FROM:<alice@example.com>\r\n")
    smtp.server(b"250 2.1.0 Ok\r\n")
    smtp.client(b"RCPT TO:<bob@example.com>\r\n")
    smtp.server(b"501 5.1.3 Bad recipient address syntax\r\n")
    smtp.client(b"DATA\r\n")
    smtp.server(b"354 End data with <CR><LF>.<CR><LF>\r\n")
    smtp.client(b"Subject: OUT of office\r\n\r\nBYE bye\r\nACK 5 then\r\nCAL 555-1234\r\n.\r\n")
    smtp.client(b"QUIT\r\n")
    smtp.server(b"221 2.0.0 Bye\r\n")
    smtp.close()

    ftp = cap.tcp("10.1.1.2", 40002, "10.1.1.21", 2121)
    ftp.server(b"220 ProFTPD Server ready.\r\n")
    ftp.client(b"USER anonymous\r\n")
    ftp.server(b"331 Anonymous login ok, send your complete email address as your password\r\n")
    ftp.client(b"PASS guest@example.com\r\n")
    ftp.server(b"230 Anonymous access granted\r\n")
    ftp.client(b"PWD\r\n")
    ftp.server(b"257 \"/\" is the current directory\r\n")
    ftp.client(b"TYPE I\r\n")
    ftp.server(b"200 Type set to I\r\n")
    ftp.client(b"QUIT\r\n")
    ftp.server(b"221 Goodbye.\r\n")
    ftp.close()

    irc = cap.tcp("10.1.1.2", 40003, "10.1.1.66", 6697)
    irc.client(b"NICK alice\r\nUSER alice 0 * :Alice\r\n")
    irc.server(b":irc.example.net 001 alice :Welcome to the Example IRC Network alice\r\n")
    irc.client(b"JOIN #msn\r\n")
    irc.server(b":alice!alice@10.1.1.2 JOIN :#msn\r\n")
    irc.client(b"PRIVMSG #msn :OUT\r\n")
    irc.client(b"QUIT :BYE\r\n")
    irc.close()

    pop = cap.tcp("10.1.1.2", 40004, "10.1.1.110", 1110)
    pop.server(b"+OK POP3 server ready\r\n")
    pop.client(b"USER alice\r\n")
    pop.server(b"+OK\r\n")
    pop.client(b"PASS secret\r\n")
    pop.server(b"-ERR invalid password\r\n")
    pop.client(b"QUIT\r\n")
    pop.close()

    imap = cap.tcp("10.1.1.2", 40005, "10.1.1.143", 1143)
    imap.server(b"* OK IMAP4rev1 Service Ready\r\n")
    imap.client(b"a001 LOGIN alice secret\r\n")
    imap.server(b"a001 OK LOGIN completed\r\n")
    imap.client(b"a002 LOGOUT\r\n")
    imap.server(b"* BYE IMAP4rev1 Server logging out\r\na002 OK LOGOUT completed\r\n")
    imap.close()

    http = cap.tcp("10.1.1.2", 40006, "10.1.1.80", 8888)
    http.client(b"GET / HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: test\r\n\r\n")
    http.server(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nUSR 1 OK\n")
    http.close()

    # A first line of MSNP shape followed by text that is not.
    shaped = cap.tcp("10.1.1.2", 40009, "10.1.1.77", 7777)
    shaped.client(b"ACK 5\r\nthis is a plain text stream, not MSNP\r\n")
    shaped.server(b"ok\r\n")
    shaped.close()

    # A TLS ClientHello start on 443 and on another port.
    hello = bytes.fromhex("16030100a5010000a10303") + bytes(range(32)) + bytes.fromhex("000004c02fc0300100006f")
    tls = cap.tcp("10.1.1.2", 40007, "10.1.1.44", 443)
    tls.client(hello)
    tls.close()
    tls2 = cap.tcp("10.1.1.2", 40008, "10.1.1.44", 4443)
    tls2.client(hello)
    tls2.close()
    return cap


# ---------------------------------------------------------------------------
# Friendly names: raw bytes, then renamed (issue 21)

FENG = b"fengzejin@hotmail.com"
RAW_NAME = b"\x19\xdb"          # as the 2011 client sent it: raw bytes, no %-escapes
LINA = b"lina1987@hotmail.com"
LINA_RAW_UTF8 = "Liná".encode()  # raw too, but valid UTF-8 (as servers of 2006 sent accents)


def invited(cap, ns, cport, session, server, trid, lina_name, lines):
    """RNG from LINA, the client's ANS, then the switchboard's IRO and the lines."""
    ns.server(cmd(b"RNG %d %s:1863 CKI %d.4242 " % (session, server.encode(), session) + LINA + b" " + lina_name))
    sb = cap.tcp(CLIENT, cport, server, 1863)
    sb.client(cmd(b"ANS %d " % trid + FENG + b" %d.4242 %d" % (session, session)))
    sb.server(cmd(b"IRO %d 1 1 " % trid + LINA + b" " + lina_name))
    sb.server(cmd(b"ANS %d OK" % trid))
    for side, line in lines:
        getattr(sb, side)(line)
    sb.client(cmd(b"OUT"))
    sb.close()


def names():
    cap = Capture()
    ns = cap.tcp(CLIENT, 1101, NS, 1863)
    ns.client(cmd(b"VER 1 MSNP9 CVR0"))
    ns.server(cmd(b"VER 1 MSNP9"))
    ns.client(cmd(b"USR 6 TWN I " + FENG))
    ns.server(cmd(b"USR 6 TWN S " + CHALLENGE))
    ns.client(cmd(b"USR 7 TWN S " + TICKET))
    ns.server(cmd(b"USR 7 OK " + FENG + b" " + RAW_NAME + b" 1 0"))
    ns.client(cmd(b"CHG 8 NLN"))
    ns.server(cmd(b"CHG 8 NLN"))
    ns.server(cmd(b"ILN 8 NLN " + LINA + b" " + LINA_RAW_UTF8))
    invited(cap, ns, 1102, 11752013, SB1, 9, LINA_RAW_UTF8, [
        ("server", cmd(b"MSG " + LINA + b" " + LINA_RAW_UTF8, text(b"are you there?"))),
        ("client", cmd(b"MSG 10 A", text(b"yes"))),
    ])
    ns.client(cmd(b"REA 19 " + FENG + b" feng"))
    ns.server(cmd(b"REA 19 2 " + FENG + b" feng"))
    ns.server(cmd(b"NLN AWY " + LINA + b" Lina%20(away)"))
    invited(cap, ns, 1103, 11752014, SB2, 20, b"Lina%20(away)", [
        ("server", cmd(b"MSG " + LINA + b" Lina%20(away)", text(b"back soon"))),
        ("client", cmd(b"MSG 21 A", text(b"ok, feng here"))),
    ])
    # MSNP10+ renames with PRP MFN, which names no account: the logged-in one.
    ns.client(cmd(b"PRP 30 MFN Feng%20Zejin"))
    ns.server(cmd(b"PRP 30 MFN Feng%20Zejin"))
    invited(cap, ns, 1104, 11752015, SB1, 31, b"Lina%20(away)", [
        ("client", cmd(b"MSG 32 A", text(b"new name"))),
    ])
    ns.client(cmd(b"OUT"))
    ns.close()
    return cap


CAPTURES = {
    "msnp-login.pcap": login,
    "msnp-login-443.pcap": lambda: login(443),
    "msnp-segmentation.pcap": segmentation,
    "msnp-nonstandard-port.pcap": nonstandard_port,
    "msnp-http-gateway.pcap": http_gateway,
    "msnp-errors.pcap": errors,
    "msnp-versions.pcap": versions,
    "msnp-negatives.pcap": negatives,
    "msnp-names.pcap": names,
}
