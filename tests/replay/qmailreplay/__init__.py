"""
##############################################################################################
#  THIS IS A REPLAY, NOT QMAIL.  A hand-written Python server that answers the way sagredo's #
#  qmail-smtpd (with chkuser 2.0.9, SMTP AUTH, STARTTLS and qmail-spf) answers. qmail is not  #
#  packaged for Debian; a check that passes here has NOT been shown to pass against qmail.    #
##############################################################################################

It follows the source, not articles about it: sagredo-dev/qmail (VERSION 2026.02.25, files
qmail-smtpd.c, chkuser.c, chkuser_settings.h, spf.c, spf.h, dns.c, ipme.c, rcpthosts.c,
commands.c, config-all.sh, scripts/example-supervise/supervise/*/run), with netqmail/notqmail's
qmail-smtpd.c for the base texts. Which function each behaviour follows:

  greeting  "220 <me> ESMTP" after SMTPD_GREETDELAY for non-RELAYCLIENT clients; with
            DROP_PRE_GREET=1 input before it gets "554 SMTP protocol violation" and the
            connection is closed                                 qmail-smtpd.c main(), die_pre_greet()
  EHLO      250-<me>, [250-STARTTLS], 250-PIPELINING, 250-SMTPUTF8, 250-8BITMIME,
            [250-AUTH LOGIN PLAIN], 250 SIZE <databytes> - no ENHANCEDSTATUSCODES, no VRFY
                                                                 smtp_ehlo()
  commands  250 <me> (HELO), 250 flushed (RSET), 250 ok (NOOP), 252 send some mail, i'll try
            my best (VRFY), 214 Roberto's qmail notes home page... (HELP), 221 <me> (QUIT),
            500 unrecognised (#5.5.2) for anything else - no limit on bad commands, no delay
                                                                 smtpcommands[], commands.c
  MAIL      order: 530 Authorization required (#5.7.1) [sic, trailing space] when SMTPAUTH=!
            and no AUTH yet; 555 syntax error (#5.5.4); 503 from and auth not the same (#5.5.1)
            (FORCEAUTHMAILFROM); 552 ... databytes (#5.3.4) for SIZE=; chkuser_sender();
            SPF (451 SPF lookup failure (#4.3.0) only for temperror with spfbehavior >= 2);
            250 ok                                               smtp_mail()
  RCPT      order: 503 MAIL first (#5.5.1); 555 syntax error; 550 <SPF explanation> (#5.7.1)
            - SPF is decided at MAIL but refused at every RCPT; 421 too many invalid
            addresses, goodbye (#4.3.0) + close once brtlimit bad recipients were refused;
            chkuser_realrcpt(); 452 max rcpt limit exceeded (#5.7.1); 250 ok
                                                                 smtp_rcpt(), err_spf(), die_brtlimit()
  chkuser   sender: null sender ok; RELAYCLIENT = no checks; 553 5.1.7 sorry, sender syntax
            not allowed (chkuser); 550 5.1.8 sorry, can't find a valid MX for sender domain
            (chkuser); 451 4.4.0 DNS temporary failure (chkuser)     chkuser_sender()
            rcpt: RELAYCLIENT = chkuser off (rcpthosts or relaying); then intrusion threshold
            550 5.7.1 sorry, you are violating our security policies (chkuser); CHKUSER_RCPTLIMIT
            550 5.5.3; no domain 550 5.1.2 sorry, you must specify a domain; 553 5.1.3 sorry,
            rcpt syntax not allowed; not in rcpthosts: MX/A lookup 550 5.1.2 sorry, can't find
            a valid MX for rcpt domain (chkuser) / 451 4.4.0, then 553 5.7.1 sorry, that domain
            isn't in my list of allowed rcpthosts (chkuser); 550 5.1.1 sorry, no mailbox here by
            that name (chkuser). Every refusal sleeps 1 s + 0.3 s per earlier one first.
            CHKUSER_WRONGRCPTLIMIT counts 5.1.1/no-domain refusals; once reached, every later
            RCPT gets the 5.7.1 security-policies text         realrcpt(), chkuser_realrcpt()
  DNS       chkuser's MX check is qmail's dns_mxip(): MX, else A; NXDOMAIN/no data = hard,
            SERVFAIL/timeout = soft                              dns.c (see dnsq.py)
  SPF       spfbehavior 3 (config-all.sh): fail is refused at RCPT; 127.0.0.0/8 is "me" and
            always passes unless control/notipme says otherwise   spf.c spfcheck(), ipme.c
  DATA      503 MAIL first / 503 RCPT first (#5.5.1); 354 go ahead; bare LF: 451 See
            https://cr.yp.to/docs/smtplf.html. + close; 552 ... databytes (#5.3.4);
            250 ok <unixtime> qp <n>                             smtp_data(), blast(), acceptmessage()
  AUTH      503 auth not available (#5.3.3) without SMTPAUTH (port 25); 503 you're already
            authenticated (#5.5.0); 503 no auth during mail transaction (#5.5.0); 538 auth not
            available without TLS (#5.3.3); 504 auth type invalid (#5.5.1); 334 VXNlcm5hbWU6 /
            334 UGFzc3dvcmQ6 (LOGIN), "334 " (PLAIN); 501 auth exchange canceled (#5.0.0);
            501 malformed auth input (#5.5.4); 235 ok, go ahead (#2.0.0) (sets RELAYCLIENT);
            535 authentication failed (#5.7.1) after sleep(5)    smtp_auth(), auth_login(), auth_plain()
  STARTTLS  220 ready for tls, buffered plaintext discarded (flush_io); 501 Syntax error (no
            parameters allowed) (#5.5.4); 502 unimplemented (#5.5.1) inside TLS or with
            DISABLETLS; 454 TLS connection failed: ... (#4.3.0)   smtp_tls(), tls_init()
  other     451 timeout (#4.4.2) after control/timeoutsmtpd     die_alarm()

Defaults are those of sagredo's installation (config-all.sh, the supervise run scripts):
spfbehavior 3, databytes 20000000, maxrcpt 100, brtlimit 2, tcp.smtp catch-all
CHKUSER_WRONGRCPTLIMIT="3" (so the 421 of brtlimit comes before chkuser's limit), greetdelay
5 s (25) / 3 s (587, 465), CHKUSER_START=ALWAYS, FORCEAUTHMAILFROM=1.

NOT replayed (named so that nobody mistakes their absence for qmail's): qmail-spp plugins
(config-all.sh enables helodnscheck, which refuses malformed or spoofed HELO names - mailspec's
HELO names pass it), RBL (control/dnsbllist), rcptcheck-overlimit, badmailfrom/badrcptto/badhelo
(qregex), validrcptto, SURBL/DKIM/simscan after DATA, client certificates (tlsclients), SNI
certificates, TCPREMOTEHOST (PTR) - the HELO name before any HELO is "unknown", IPv6.
python3-spf evaluates the SPF record instead of spf.c spflookup() (see spfq.py).
Delays below a second (SMTPD_GREETDELAY=0.5) are a replay convenience for tests; qmail's are
whole seconds.
"""
