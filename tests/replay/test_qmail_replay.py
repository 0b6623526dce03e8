#!/usr/bin/python3
"""Unit tests of the qmail REPLAY's decision order (no network: a scripted transport).

Each test names the qmail source function whose order it pins down. Run:
  /usr/bin/python3 -m unittest discover -s tests/replay -p 'test_*.py'
"""
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from qmailreplay import dnsq, server, spfq  # noqa: E402
from qmailreplay.smtpd import Session  # noqa: E402


class FakeIO:
    """Scripted client: `lines` are sent one by one; replies are collected in `out`."""

    def __init__(self, lines, early=False, eof_early=False):
        self.inbuf = b"".join((l if isinstance(l, bytes) else (l + "\r\n").encode()) for l in lines)
        self.early, self.eof_early = early, eof_early
        self.out, self.sleeps, self.tls = [], [], False
        self._w = b""

    def write(self, data):
        self._w += data

    def flush(self):
        if self._w:
            self.out += self._w.decode("latin-1").split("\r\n")[:-1]
            self._w = b""

    def readline(self, timeout):
        if b"\n" not in self.inbuf:
            self.inbuf = b""
            return b""
        i = self.inbuf.index(b"\n") + 1
        line, self.inbuf = self.inbuf[:i], self.inbuf[i:]
        return line

    def readbyte(self, timeout):
        if not self.inbuf:
            return None
        ch, self.inbuf = self.inbuf[:1], self.inbuf[1:]
        return ch

    def wait_input(self, seconds):
        self.sleeps.append(("greetdelay", seconds))
        return self.early or self.eof_early

    def at_eof(self):
        return self.eof_early

    def discard_input(self):
        pass

    def start_tls(self):
        self.tls = True
        return None

    def sleep(self, seconds):
        self.sleeps.append(seconds)


def make(args=(), role="mx", rules=None, env=()):
    o = server.options(["--mx", "127.0.0.40:0", "--notipme", "127.0.0.30"] + list(args))
    cfg = server.Config(o)
    if rules is None:
        rules = server.DEFAULT_TCP_SMTP if role != "submission" else server.DEFAULT_TCP_SUBMISSION
    return cfg, server.Listener(role, "127.0.0.40", 25, rules, list(env))


def talk(lines, ip="127.0.0.30", args=(), role="mx", rules=None, env=(), cert=False, **kw):
    cfg, listener = make(args, role, rules, env)
    if cert:
        cfg.servercert = "servercert.pem"
    io = FakeIO(lines, **kw)
    s = Session(cfg, listener, ip, io, local_ip="127.0.0.40")
    s.run()
    return io.out, io, s


def replies(out):
    """The last line of each reply (a multiline reply counts once)."""
    return [l for l in out if len(l) < 4 or l[3] != "-"]


MAIL = "MAIL FROM:<probe@nospf.lab.test>"


class Greeting(unittest.TestCase):
    def test_greetdelay_then_220(self):  # main(): greetdelay for non-RELAYCLIENT clients only
        out, io, _ = talk(["QUIT"])
        self.assertEqual(out, ["220 qmail.replay.test ESMTP", "221 qmail.replay.test"])
        self.assertEqual(io.sleeps, [("greetdelay", 5.0)])
        out, io, _ = talk(["QUIT"], ip="127.0.0.20")
        self.assertEqual(io.sleeps, [])

    def test_early_talker_554(self):  # die_pre_greet()
        out, _, _ = talk(["EHLO x"], early=True)
        self.assertEqual(out, ["554 SMTP protocol violation"])

    def test_client_gone_before_greeting_silent(self):
        out, _, _ = talk([], eof_early=True)
        self.assertEqual(out, [])


class Ehlo(unittest.TestCase):
    def test_mx_keywords_in_order(self):  # smtp_ehlo()
        out, _, _ = talk(["EHLO probe.mailspec.test", "QUIT"], cert=True)
        self.assertEqual(out[1:7], ["250-qmail.replay.test", "250-STARTTLS", "250-PIPELINING",
                                    "250-SMTPUTF8", "250-8BITMIME", "250 SIZE 20000000"])
        self.assertNotIn("ENHANCEDSTATUSCODES", " ".join(out))

    def test_submission_auth_only_after_tls(self):  # FORCETLS default 1
        out, _, _ = talk(["EHLO a", "STARTTLS", "EHLO b", "QUIT"], role="submission", cert=True)
        self.assertEqual(out[1:7], ["250-qmail.replay.test", "250-STARTTLS", "250-PIPELINING",
                                    "250-SMTPUTF8", "250-8BITMIME", "250 SIZE 20000000"])
        self.assertEqual(out[7], "220 ready for tls")
        self.assertEqual(out[8:13], ["250-qmail.replay.test", "250-PIPELINING", "250-SMTPUTF8",
                                     "250-8BITMIME", "250-AUTH LOGIN PLAIN"])

    def test_other_commands(self):  # smtpcommands[]
        out, _, _ = talk(["HELO x", "NOOP", "VRFY postmaster", "HELP", "RSET", "XYZZY", "QUIT"])
        self.assertEqual(out[1:], ["250 qmail.replay.test", "250 ok", "252 send some mail, i'll try my best",
                                   "214 Roberto's qmail notes home page: https://www.sagredo.eu",
                                   "250 flushed", "500 unrecognised (#5.5.2)", "221 qmail.replay.test"])

    def test_no_bad_command_limit(self):  # commands.c: nothing counts errors
        out, io, _ = talk(["EHLO x"] + ["XYZZY"] * 40 + ["QUIT"])
        self.assertEqual(out.count("500 unrecognised (#5.5.2)"), 40)
        self.assertEqual(io.sleeps, [("greetdelay", 5.0)])


class Sender(unittest.TestCase):
    def test_syntax_then_mx(self):  # chkuser_sender(): format before MX, each after a delay
        out, io, _ = talk(["MAIL FROM:<probe@fake_domain.example>", "MAIL FROM:<probe@no-mx.lab.test>",
                           "MAIL FROM:<probe@no-answer.lab.test>", "MAIL FROM:<>", MAIL, "QUIT"])
        self.assertEqual(out[1:6], ["553 5.1.7 sorry, sender syntax not allowed (chkuser)",
                                    "550 5.1.8 sorry, can't find a valid MX for sender domain (chkuser)",
                                    "451 4.4.0 DNS temporary failure (chkuser)", "250 ok", "250 ok"])
        self.assertEqual(io.sleeps[1:], [1.0, 1.3, 1.6])

    def test_own_domain_has_an_mx_without_a_dns_server(self):  # the built-in zones
        out, _, _ = talk(["MAIL FROM:<alice@qmail.replay.test>", "QUIT"])
        self.assertEqual(out[1], "250 ok")

    def test_mail_syntax_error(self):  # addrparse() fails only without ':' and '<'
        out, _, _ = talk(["MAIL", "MAIL FROM", "MAIL FROM:probe@nospf.lab.test", "QUIT"])
        self.assertEqual(out[1:4], ["555 syntax error (#5.5.4)", "555 syntax error (#5.5.4)", "250 ok"])

    def test_size_over_databytes(self):  # mailfrom_parms()
        out, _, _ = talk([MAIL + " SIZE=30000000", "QUIT"])
        self.assertEqual(out[1], "552 sorry, that message size exceeds my databytes limit (#5.3.4)")


class Recipient(unittest.TestCase):
    def rcpts(self, *addrs, **kw):
        out, io, s = talk(["EHLO x", MAIL] + [f"RCPT TO:<{a}>" for a in addrs] + ["QUIT"], **kw)
        r = replies(out)
        self.assertEqual(r[:3], ["220 qmail.replay.test ESMTP", "250 SIZE 20000000", "250 ok"])
        return [x for x in r[3:] if not x.startswith("221 ")], io, s

    def test_order_of_chkuser_realrcpt(self):  # realrcpt(): domain, format, MX, rcpthosts, mailbox
        r, io, s = self.rcpts("nobody", "probe@fake_domain.example", args=["--brtlimit", "0"])
        self.assertEqual(r[:2], ["550 5.1.2 sorry, you must specify a domain (chkuser)",
                                 "553 5.1.3 sorry, rcpt syntax not allowed (chkuser)"])
        r, io, s = self.rcpts("probe@no-mx.lab.test", "probe@nospf.lab.test", "nobody@qmail.replay.test",
                              "postmaster@qmail.replay.test", args=["--brtlimit", "0"])
        self.assertEqual(r[:4], ["550 5.1.2 sorry, can't find a valid MX for rcpt domain (chkuser)",
                                 "553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (chkuser)",
                                 "550 5.1.1 sorry, no mailbox here by that name (chkuser)", "250 ok"])
        # the rcpthosts domain is never looked up; outside domains are (MX, then A)
        names = [q[0] for q in s.cfg.resolver.queries]
        self.assertNotIn("qmail.replay.test", names)
        self.assertEqual(names.count("no-mx.lab.test"), 2)  # the rcpt domain's MX, then its A

    def test_rcpt_mx_lookup_falls_back_to_a(self):  # dns_mxip(): no MX -> dns_ip()
        r = dnsq.Resolver()
        self.assertEqual(r.dns_mxip("mail.lab.test"), dnsq.OK)        # A only
        self.assertEqual(r.dns_mxip("no-mx.lab.test"), dnsq.HARD)     # TXT only
        self.assertEqual(r.dns_mxip("relay-test.invalid"), dnsq.HARD)  # NXDOMAIN
        self.assertEqual(r.dns_mxip("no-answer.lab.test"), dnsq.SOFT)
        self.assertEqual(r.dns_mxip("[192.0.2.1]"), dnsq.OK)

    def test_brtlimit_421_before_wrongrcptlimit(self):  # smtp_rcpt(): brtcount >= brtlimit
        r, io, _ = self.rcpts("a@qmail.replay.test", "b@qmail.replay.test", "postmaster@qmail.replay.test",
                              "bob@qmail.replay.test")
        self.assertEqual(r, ["550 5.1.1 sorry, no mailbox here by that name (chkuser)"] * 2
                         + ["421 too many invalid addresses, goodbye (#4.3.0)"])
        self.assertEqual(io.sleeps[1:], [1.0, 1.3])

    def test_wrongrcptlimit_then_every_rcpt_violates(self):  # chkuser_realrcpt() intrusion threshold
        r, _, _ = self.rcpts("a@qmail.replay.test", "b@qmail.replay.test", "c@qmail.replay.test",
                             "postmaster@qmail.replay.test", "bob@qmail.replay.test", args=["--brtlimit", "0"])
        self.assertEqual(r, ["550 5.1.1 sorry, no mailbox here by that name (chkuser)"] * 3
                         + ["550 5.7.1 sorry, you are violating our security policies (chkuser)"] * 2)

    def test_rset_keeps_the_counters(self):  # brtcount and chkuser's statics live per process
        out, _, _ = talk(["EHLO x", MAIL, "RCPT TO:<a@qmail.replay.test>", "RSET", MAIL,
                          "RCPT TO:<b@qmail.replay.test>", "RSET", MAIL, "RCPT TO:<alice@qmail.replay.test>"])
        self.assertEqual(out[-1], "421 too many invalid addresses, goodbye (#4.3.0)")

    def test_relayclient_skips_chkuser(self):  # CHKUSER_DISABLE_VARIABLE "RELAYCLIENT"
        r, io, s = self.rcpts("nobody@qmail.replay.test", "probe@relay-test.invalid",
                              "probe@no-mx.lab.test", ip="127.0.0.20")
        self.assertEqual(r, ["250 ok"] * 3)
        self.assertEqual(io.sleeps, [])
        self.assertEqual(s.cfg.resolver.queries, [])  # no sender MX, no rcpt MX, no SPF

    def test_rcpt_before_mail(self):
        out, _, _ = talk(["RCPT TO:<alice@qmail.replay.test>", "DATA", "QUIT"])
        self.assertEqual(out[1:3], ["503 MAIL first (#5.5.1)", "503 MAIL first (#5.5.1)"])

    def test_addrparse(self):  # addrparse(): source routes and quotes are stripped
        p = Session.addrparse
        self.assertEqual(p("TO:<@[1.2.3.4]:user@dom>"), "user@dom")
        self.assertEqual(p('TO:<"user@dom"@host>'), "user@dom@host")
        self.assertEqual(p("TO: user@dom SIZE=1"), "user@dom")
        self.assertIsNone(p("TO"))


class Spf(unittest.TestCase):
    def test_fail_refused_at_every_rcpt_not_at_mail(self):  # smtp_mail() flag, smtp_rcpt() err_spf()
        out, _, _ = talk(["EHLO x", "MAIL FROM:<probe@spf-fail.lab.test>", "RCPT TO:<alice@qmail.replay.test>",
                          "RCPT TO:<nobody@qmail.replay.test>", "RCPT TO:<bob@qmail.replay.test>", "QUIT"])
        want = "550 " + spfq.SPF_DEFEXP + " (#5.7.1)"
        self.assertEqual(replies(out)[2:6], ["250 ok", want, want, want])  # no brtlimit 421

    def test_behaviour_levels(self):
        for level, softfail in ((3, "250 ok"), (4, "550 " + spfq.SPF_DEFEXP + " (#5.7.1)")):
            out, _, _ = talk(["MAIL FROM:<probe@spf-softfail.lab.test>", "RCPT TO:<alice@qmail.replay.test>"],
                             args=["--spfbehavior", str(level)])
            self.assertEqual(out[2], softfail)
        out, _, _ = talk(["MAIL FROM:<probe@spf-fail.lab.test>", "RCPT TO:<alice@qmail.replay.test>"],
                         args=["--spfbehavior", "2"])
        self.assertEqual(out[2], "250 ok")

    def test_loopback_is_me_without_notipme(self):  # spfcheck(): ipme_is() -> pass
        cfg, _ = make()
        me = spfq.IpMe()
        self.assertEqual(spfq.spfcheck(cfg.resolver, me, "127.0.0.30", "p@spf-fail.lab.test", "x")[0], spfq.SPF_OK)
        self.assertEqual(spfq.spfcheck(cfg.resolver, cfg.ipme, "127.0.0.30", "p@spf-fail.lab.test", "x")[0],
                         spfq.SPF_FAIL)
        self.assertEqual(spfq.spfcheck(cfg.resolver, cfg.ipme, "127.0.0.30", "p@spf-pass.lab.test", "x")[0],
                         spfq.SPF_OK)

    def test_temperror_451_at_mail(self):  # SPF_ERROR with spfbehavior >= 2
        class Soft(dnsq.Resolver):
            def query(self, name, qtype):
                if qtype == "TXT":
                    return dnsq.Answer(dnsq.SOFT, why="timeout")
                return super().query(name, qtype)
        cfg, listener = make()
        cfg.resolver = Soft()
        io = FakeIO(["MAIL FROM:<probe@nospf.lab.test>", "QUIT"])
        Session(cfg, listener, "127.0.0.30", io).run()
        self.assertEqual(io.out[1], "451 SPF lookup failure (#4.3.0)")


class Submission(unittest.TestCase):
    def test_mail_needs_auth_auth_needs_tls(self):  # smtp_mail() err_submission(), smtp_auth()
        out, _, _ = talk(["EHLO x", "AUTH PLAIN", "MAIL FROM:<alice@qmail.replay.test>", "QUIT"],
                         role="submission", cert=True)
        self.assertEqual(replies(out)[2:4], ["538 auth not available without TLS (#5.3.3)",
                                             "530 Authorization required (#5.7.1) "])

    def test_no_auth_on_port_25(self):
        out, _, _ = talk(["EHLO x", "AUTH PLAIN AGFsaWNlAHg=", "QUIT"], cert=True)
        self.assertEqual(replies(out)[2], "503 auth not available (#5.3.3)")

    def test_auth_then_forceauthmailfrom_then_relay(self):
        import base64
        import tempfile
        with tempfile.NamedTemporaryFile("w", delete=False) as f:
            f.write("s3cret\n")
        try:
            plain = base64.b64encode(b"\0alice@qmail.replay.test\0s3cret").decode()
            bad = base64.b64encode(b"\0alice@qmail.replay.test\0wrong").decode()
            out, io, _ = talk(["EHLO x", "STARTTLS", "EHLO x", "AUTH PLAIN " + bad, "AUTH LOGIN",
                               base64.b64encode(b"alice@qmail.replay.test").decode(),
                               base64.b64encode(b"s3cret").decode(),
                               "MAIL FROM:<bob@qmail.replay.test>", "MAIL FROM:<alice@qmail.replay.test>",
                               "RCPT TO:<probe@relay-test.invalid>", "RCPT TO:<nobody@qmail.replay.test>",
                               "QUIT"], role="submission", cert=True,
                              args=["--password", f"alice@qmail.replay.test={f.name}"])
        finally:
            os.unlink(f.name)
        self.assertEqual(replies(out)[4:], ["535 authentication failed (#5.7.1)", "334 VXNlcm5hbWU6",
                                            "334 UGFzc3dvcmQ6", "235 ok, go ahead (#2.0.0)",
                                            "503 from and auth not the same (#5.5.1)", "250 ok", "250 ok",
                                            "250 ok", "221 qmail.replay.test"])
        self.assertIn(5, io.sleeps)  # AUTHSLEEP after the wrong password


class Data(unittest.TestCase):
    def test_message_and_bare_lf(self):  # smtp_data(), blast(), straynewline()
        cfg, listener = make()
        io = FakeIO(["EHLO x", MAIL, "RCPT TO:<alice@qmail.replay.test>", "DATA",
                     b"Subject: x\r\n\r\nhello\r\n..stuffed\r\n.\r\n", "DATA", "QUIT"])
        done = []
        cfg.completed = lambda *a: done.append(a)
        Session(cfg, listener, "127.0.0.30", io).run()
        r = replies(io.out)
        self.assertEqual(r[4], "354 go ahead")
        self.assertRegex(r[5], r"^250 ok \d+ qp \d+$")
        self.assertEqual(r[6], "503 MAIL first (#5.5.1)")
        self.assertEqual(len(done), 1)
        out, _, _ = talk(["EHLO x", MAIL, "RCPT TO:<alice@qmail.replay.test>", "DATA", b"bare\nlf\r\n.\r\n"])
        self.assertEqual(replies(out)[-1], "451 See https://cr.yp.to/docs/smtplf.html.")


class StaticZones(unittest.TestCase):
    def test_read_from_the_lab_dns(self):
        """STATIC_ZONES is lab/templates/unbound.conf rendered with lab/lib/common.sh's addresses."""
        z = dnsq.STATIC_ZONES
        self.assertEqual(z["lab.test"]["MX"], [(10, "mail.lab.test")])
        self.assertEqual(z["spf-fail.lab.test"]["TXT"], ["v=spf1 -all"])
        self.assertEqual(z["qmail.lab.test"]["A"], ["127.0.0.40"])
        self.assertEqual(z["30.0.0.127.in-addr.arpa"]["PTR"], ["outside.lab.test"])
        self.assertNotIn("MX", z["no-mx.lab.test"])
        with open(os.path.join(ROOT, "lab", "templates", "unbound.conf"), encoding="utf-8") as f:
            self.assertIn('local-zone: "no-answer.lab.test." deny', f.read())


if __name__ == "__main__":
    unittest.main()
