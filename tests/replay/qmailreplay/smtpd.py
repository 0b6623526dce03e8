"""One SMTP session of sagredo's qmail-smtpd (qmail-smtpd.c), replayed. NOT qmail.

Every function here is named after the function of qmail-smtpd.c it follows, and does what that
function does in the same order, with the same reply texts (byte for byte, including the
trailing space of "530 Authorization required (#5.7.1) "). The transport (sockets, TLS,
sleeping) is behind `io` so that tests/replay/test_qmail_replay.py can drive a session without
a network.
"""
import base64
import hmac
import os
import time

from . import chkuser as ck
from . import spfq

# --- the reply texts of qmail-smtpd.c (sagredo-dev/qmail, 2026.02.25) -------------------------
R_TIMEOUT = "451 timeout (#4.4.2)"                                          # die_alarm()
R_STRAYNEWLINE = "451 See https://cr.yp.to/docs/smtplf.html."                # straynewline()
R_PRE_GREET = "554 SMTP protocol violation"                                 # die_pre_greet()
R_MAXRCPT = "452 max rcpt limit exceeded (#5.7.1)"                          # err_maxrcpt()
R_SIZE = "552 sorry, that message size exceeds my databytes limit (#5.3.4)"  # err_size()
R_UNIMPL = "502 unimplemented (#5.5.1)"                                     # err_unimpl()
R_UNRECOG = "500 unrecognised (#5.5.2)"                                     # err_unrecog()
R_SYNTAX = "555 syntax error (#5.5.4)"                                      # err_syntax()
R_WANTMAIL = "503 MAIL first (#5.5.1)"                                      # err_wantmail()
R_WANTRCPT = "503 RCPT first (#5.5.1)"                                      # err_wantrcpt()
R_NOOP = "250 ok"                                                           # err_noop()
R_VRFY = "252 send some mail, i'll try my best"                             # err_vrfy()
R_AUTHD = "503 you're already authenticated (#5.5.0)"                       # err_authd()
R_AUTHMAIL = "503 no auth during mail transaction (#5.5.0)"                 # err_authmail()
R_AUTHABRT = "501 auth exchange canceled (#5.0.0)"                          # err_authabrt()
R_INPUT = "501 malformed auth input (#5.5.4)"                               # err_input()
R_AUTHFAIL = "535 authentication failed (#5.7.1)"                           # err_authfail()
R_AUTHINVALID = "504 auth type invalid (#5.5.1)"                            # err_authinvalid()
R_SUBMISSION = "530 Authorization required (#5.7.1) "                       # err_submission()
R_BRTLIMIT = "421 too many invalid addresses, goodbye (#4.3.0)"             # die_brtlimit()
R_NULLSENDER = "421 null senders temporarily denied (#4.3.0)"               # die_nullsender()
R_RELAYTEST = "553 we don't relay (#5.7.1)"                                 # err_relay()
R_AUTHMISMATCH = "503 from and auth not the same (#5.5.1)"                  # err_authmismatch()
R_HELP = "214 Roberto's qmail notes home page: https://www.sagredo.eu"     # smtp_help()
R_AUTH_NA = "503 auth not available (#5.3.3)"                               # smtp_auth()
R_AUTH_NOTLS = "538 auth not available without TLS (#5.3.3)"                # smtp_auth()
R_AUTH_OK = "235 ok, go ahead (#2.0.0)"                                     # smtp_auth()
R_TLS_PARAM = "501 Syntax error (no parameters allowed) (#5.5.4)"           # smtp_tls()
R_TLS_READY = "220 ready for tls"                                           # tls_init()
R_SPF_LOOKUP = "451 SPF lookup failure (#4.3.0)"                            # smtp_mail()
R_HOPS = "554 too many hops, this message is looping (#5.4.6)"              # smtp_data()
MAXHOPS = 100


class Closed(Exception):
    """qmail-smtpd _exit()s: the connection ends (after whatever was flushed)."""


class Session:
    def __init__(self, cfg, listener, remote_ip, io, local_ip="127.0.0.1"):
        self.cfg, self.listener, self.io = cfg, listener, io
        self.remoteip = remote_ip
        self.local = local_ip
        # setup(): the environment tcpserver hands over = the run script's exports + tcprules
        self.env = listener.env_for(remote_ip)
        env = self.env
        self.relayclient = env.get("RELAYCLIENT")      # None = not a relay client
        self.greetdelay = _uint(env.get("SMTPD_GREETDELAY"), float_ok=True)
        self.drop_pre_greet = _uint(env.get("DROP_PRE_GREET"))
        self.smtpauth = 0
        auth = env.get("SMTPAUTH")
        if auth is not None:
            a = auth.lower()
            self.smtpauth = 1
            if a in ("-", "0"):
                self.smtpauth = 0
            if a == "!":
                self.smtpauth = 11
            if a.startswith("cram"):
                self.smtpauth = 2
            if a.startswith("+cram"):
                self.smtpauth = 3
            if a.startswith("!cram"):
                self.smtpauth = 12
            if a.startswith("!+cram"):
                self.smtpauth = 13
        self.forceauthmailfrom = env.get("FORCEAUTHMAILFROM") == "1"
        self.disabletls = env.get("DISABLETLS") == "1"
        self.forcetls = env.get("FORCETLS") != "0"
        self.brtlimit = cfg.brtlimit if env.get("BRTLIMIT") is None else _uint(env.get("BRTLIMIT"))
        self.databytes = cfg.databytes if env.get("DATABYTES") is None else _uint(env.get("DATABYTES"))
        self.spfbehavior = (cfg.spfbehavior if env.get("SPFBEHAVIOR") is None
                            else _uint(env.get("SPFBEHAVIOR")))
        self.rejnsmf = (cfg.rejectnullsenders if env.get("REJECTNULLSENDERS") is None
                        else _uint(env.get("REJECTNULLSENDERS")))
        self.ssl = False            # qmail-smtpd's own TLS (STARTTLS); sslserver's is not "ssl"
        self.remotehost = env.get("TCPREMOTEHOST", "unknown")
        self.helohost = self.remotehost  # dohelo(remotehost)
        self.seenmail = False
        self.seenauth = False
        self.mailfrom = ""
        self.rcptto = []
        self.rcptcount = 0
        self.brtcount = 0
        self.smtputf8 = False
        self.flagbarfspf = False
        self.spfbarfmsg = ""
        self.flagsize = False
        self.user = ""
        self.chkuser = ck.Chkuser(self)

    # -- output -----------------------------------------------------------------------------
    def out(self, line):
        self.io.write((line + "\r\n").encode("latin-1"))

    def greeting(self):
        return self.cfg.smtpgreeting

    # -- main() -----------------------------------------------------------------------------
    def run(self):
        try:
            if self.relayclient is None and self.greetdelay:
                if self.drop_pre_greet:
                    if self.io.wait_input(self.greetdelay):
                        if self.io.at_eof():
                            return  # "client disconnected"
                        self.out(R_PRE_GREET)  # die_pre_greet()
                        self.io.flush()
                        return
                else:
                    self.io.sleep(self.greetdelay)
                    self.io.discard_input()  # "client sent data before greeting. ignoring"
            self.out(f"220 {self.greeting()} ESMTP")
            self.commands()
        except Closed:
            pass
        finally:
            try:
                self.io.flush()
            except OSError:
                pass

    def getline(self):
        """commands.c: one line up to LF, a trailing CR dropped; EOF or timeout end the session."""
        self.io.flush()  # saferead() flushes before every read
        try:
            raw = self.io.readline(self.cfg.timeout)
        except TimeoutError:
            self.out(R_TIMEOUT)  # die_alarm()
            raise Closed()
        if not raw:
            raise Closed()  # die_read("connection closed by the client before the quit cmd")
        line = raw.decode("latin-1")
        if line.endswith("\n"):
            line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
        return line

    def commands(self):
        table = {"rcpt": self.smtp_rcpt, "mail": self.smtp_mail, "data": self.smtp_data,
                 "auth": self.smtp_auth, "quit": self.smtp_quit, "helo": self.smtp_helo,
                 "ehlo": self.smtp_ehlo, "rset": self.smtp_rset, "help": self.smtp_help,
                 "starttls": self.smtp_tls, "noop": lambda a: self.out(R_NOOP),
                 "vrfy": lambda a: self.out(R_VRFY)}
        while True:
            line = self.getline()
            i = line.find(" ")
            cmd, arg = (line, "") if i < 0 else (line[:i], line[i:].lstrip(" "))
            fn = table.get(cmd.lower())
            if fn is None:
                self.out(R_UNRECOG)
            else:
                fn(arg)

    # -- HELO / EHLO / RSET / HELP / QUIT --------------------------------------------------
    def dohelo(self, arg):
        self.helohost = arg

    def smtp_helo(self, arg):
        self.out(f"250 {self.greeting()}")
        self.seenmail = False
        self.dohelo(arg)

    def smtp_ehlo(self, arg):
        lines = [f"250-{self.greeting()}"]
        if not self.disabletls and not self.ssl and self.cfg.servercert:
            lines.append("250-STARTTLS")
        lines += ["250-PIPELINING", "250-SMTPUTF8", "250-8BITMIME"]
        if not self.forcetls or self.ssl:
            if self.smtpauth in (1, 11):
                lines.append("250-AUTH LOGIN PLAIN")
            if self.smtpauth in (3, 13):
                lines.append("250-AUTH LOGIN PLAIN CRAM-MD5")
            if self.smtpauth in (2, 12):
                lines.append("250-AUTH CRAM-MD5")
        lines.append(f"250 SIZE {self.databytes}")
        for line in lines:
            self.out(line)
        self.seenmail = False
        self.dohelo(arg)

    def smtp_rset(self, arg):
        self.seenmail = False  # "seenauth = 0; RFC 5321: retain authentication"
        self.mailfrom, self.rcptto, self.rcptcount = "", [], 0
        self.out("250 flushed")

    def smtp_help(self, arg):
        self.out(R_HELP)

    def smtp_quit(self, arg):
        self.out(f"221 {self.greeting()}")
        self.io.flush()
        raise Closed()

    # -- addrparse(), addrallowed() ----------------------------------------------------------
    @staticmethod
    def addrparse(arg):
        terminator = ">"
        i = arg.find("<")
        if i >= 0:
            s = arg[i + 1:]
        else:  # "partner should go read rfc 821"
            terminator = " "
            j = arg.find(":")
            s = arg[j:] if j >= 0 else ""
            if s.startswith(":"):
                s = s[1:]
            if s == "":
                return None
            s = s.lstrip(" ")
        if s.startswith("@"):  # strip source route
            k = s.find(":")
            s = s[k + 1:] if k >= 0 else ""
        out, esc, quoted = [], False, False
        for ch in s:
            if esc:
                out.append(ch)
                esc = False
            else:
                if not quoted and ch == terminator:
                    break
                if ch == "\\":
                    esc = True
                elif ch == '"':
                    quoted = not quoted
                else:
                    out.append(ch)
        addr = "".join(out)
        if len(addr) + 1 > 900:
            return None
        return addr

    def addrallowed(self, addr):
        """rcpthosts.c rcpthosts(): no '@' = allowed; the domain or a ".suffix" entry."""
        at = addr.rfind("@")
        if at < 0:
            return True
        host = addr[at + 1:].lower()
        hosts = self.cfg.rcpthosts
        for j in range(len(host)):
            if (j == 0 or host[j] == ".") and host[j:] in hosts:
                return True
        return False

    # -- MAIL -------------------------------------------------------------------------------
    def mailfrom_parms(self, arg):
        if ">" not in arg or arg.find(">") <= 4:
            return
        for token in arg[1:].split(" "):
            t = token.upper()
            if t.startswith("SMTPUTF8"):
                self.smtputf8 = True  # never reset in qmail-smtpd
            if t.startswith("SIZE="):
                if self.databytes and _uint(token[5:]) > self.databytes:
                    self.flagsize = True
                    return

    def smtp_mail(self, arg):
        if self.smtpauth and self.smtpauth > 10 and not self.seenauth:
            self.out(R_SUBMISSION)
            return
        addr = self.addrparse(arg)
        if addr is None:
            self.out(R_SYNTAX)
            return
        if self.smtpauth and self.seenauth and self.forceauthmailfrom and addr != self.user:
            self.out(R_AUTHMISMATCH)
            return
        if self.rejnsmf and addr == "":
            self.out(R_NULLSENDER)
            raise Closed()
        self.flagsize = False
        self.mailfrom_parms(arg)
        if self.flagsize:
            self.out(R_SIZE)
            return
        if self.chkuser.sender(addr) != ck.OK:
            return  # chkuser_sender() has answered
        self.rcptto = []
        self.mailfrom = addr
        self.flagbarfspf = False
        if self.spfbehavior and self.relayclient is None:
            cls, explanation = spfq.spfcheck(self.cfg.resolver, self.cfg.ipme, self.remoteip,
                                             self.mailfrom, self.helohost, self.cfg.spfrules)
            self.env["SPFRESULT"] = spfq.NAMES[cls]
            what = spfq.behaviour(cls, self.spfbehavior)
            if what == "tempfail":
                self.out(R_SPF_LOOKUP)
                return
            if what == "reject":
                self.spfbarfmsg = explanation or self.cfg.spfexp
                self.flagbarfspf = True
        else:
            self.env.pop("SPFRESULT", None)
        self.seenmail = True
        self.out("250 ok")

    def err_spf(self):
        lines = self.spfbarfmsg.split("\n")
        for line in lines[:-1]:
            self.out("550-" + line)
        self.out("550 " + lines[-1] + " (#5.7.1)")

    # -- RCPT -------------------------------------------------------------------------------
    def smtp_rcpt(self, arg):
        if not self.seenmail:
            self.out(R_WANTMAIL)
            return
        addr = self.addrparse(arg)
        if addr is None:
            self.out(R_SYNTAX)
            return
        if self.cfg.rejectrelaytest and self.addrrelay(addr):
            self.out(R_RELAYTEST)
            return
        if self.flagbarfspf:
            self.err_spf()
            return
        if self.brtlimit and self.brtcount >= self.brtlimit:
            self.out(R_BRTLIMIT)  # die_brtlimit()
            self.io.flush()
            raise Closed()
        r = self.chkuser.realrcpt(addr)
        if r == ck.RELAYING:
            addr = addr + (self.relayclient or "")
        elif r != ck.OK:
            if r in (ck.NORCPTHOSTS, ck.KO, ck.ERR_INTRUSION, ck.ERR_DOMAIN_MISSING,
                     ck.ERR_RCPT_FORMAT, ck.ERR_RCPT_MX):
                self.brtcount += 1
            return
        self.rcptto.append(addr)
        self.rcptcount += 1
        if self.cfg.maxrcpt != -1 and self.rcptcount > self.cfg.maxrcpt:
            self.out(R_MAXRCPT)
            return
        self.out("250 ok")

    @staticmethod
    def addrrelay(addr):
        """control/rejectrelaytest: '@', '%' or '!' in the local part."""
        j = addr.rfind("@")
        local = addr if j < 0 else addr[:j]
        return any(c in local for c in "@%!")

    # -- DATA -------------------------------------------------------------------------------
    def smtp_data(self, arg):
        if not self.seenmail:
            self.out(R_WANTMAIL)
            return
        if not self.rcptto:
            self.out(R_WANTRCPT)
            return
        self.seenmail = False
        qp = self.cfg.next_qp()
        self.out("354 go ahead")
        size, hops = self.blast()
        if hops >= MAXHOPS:
            self.out(R_HOPS)
            return
        if self.databytes and size > self.databytes:
            self.out(R_SIZE)
            return
        self.cfg.completed(self.mailfrom, self.rcptto, self.remoteip, self.listener.role)
        self.out(f"250 ok {int(time.time())} qp {qp}")

    def blast(self):
        """blast(): the header scan for Received:/Delivered-To: hops, then the DATA state
        machine - CRLF.CRLF ends the message, a bare LF is fatal (straynewline()) unless
        ALLOW_BARELF is set. Returns (bytes put, hops)."""
        self.io.flush()
        state, size, hops = 1, 0, 0
        inheader, pos, maybex, maybey, maybez = True, 0, True, True, True
        barelf = "ALLOW_BARELF" in self.env
        while True:
            ch = self.io.readbyte(self.cfg.timeout)
            if ch is None:
                raise Closed()
            if inheader:
                if pos < 9:
                    if ch != b"delivered"[pos:pos + 1] and ch != b"DELIVERED"[pos:pos + 1]:
                        maybez = False
                    if maybez and pos == 8:
                        hops += 1
                    if pos < 8:
                        if ch != b"received"[pos:pos + 1] and ch != b"RECEIVED"[pos:pos + 1]:
                            maybex = False
                    if maybex and pos == 7:
                        hops += 1
                    if pos < 2 and ch != b"\r\n"[pos:pos + 1]:
                        maybey = False
                    if maybey and pos == 1:
                        inheader = False
                    pos += 1
                if ch == b"\n":
                    pos, maybex, maybey, maybez = 0, True, True, True
            if barelf:
                if state == 0:
                    if ch == b"\n":
                        state = 1
                    elif ch == b"\r":
                        state = 4
                        continue
                elif state == 1:
                    if ch == b".":
                        state = 2
                        continue
                    if ch == b"\r":
                        state = 4
                        continue
                    if ch != b"\n":
                        state = 0
                elif state == 2:
                    if ch == b"\n":
                        return size, hops
                    if ch == b"\r":
                        state = 3
                        continue
                    state = 0
                elif state == 3:
                    if ch == b"\n":
                        return size, hops
                    size += 2  # put("."); put("\r")
                    if ch == b"\r":
                        state = 4
                        continue
                    state = 0
                elif state == 4:
                    if ch == b"\n":
                        state = 1
                    elif ch != b"\r":
                        size += 1
                        state = 0
            else:
                if state == 0:
                    if ch == b"\n":
                        self.straynewline()
                    if ch == b"\r":
                        state = 4
                        continue
                elif state == 1:
                    if ch == b"\n":
                        self.straynewline()
                    if ch == b".":
                        state = 2
                        continue
                    if ch == b"\r":
                        state = 4
                        continue
                    state = 0
                elif state == 2:
                    if ch == b"\n":
                        self.straynewline()
                    if ch == b"\r":
                        state = 3
                        continue
                    state = 0
                elif state == 3:
                    if ch == b"\n":
                        return size, hops
                    size += 2
                    if ch == b"\r":
                        state = 4
                        continue
                    state = 0
                elif state == 4:
                    if ch == b"\n":
                        state = 1
                    elif ch != b"\r":
                        size += 1
                        state = 0
            size += 1  # put(&ch)

    def straynewline(self):
        self.out(R_STRAYNEWLINE)
        self.io.flush()
        raise Closed()

    # -- AUTH -------------------------------------------------------------------------------
    def authgetl(self):
        line = self.getline()
        if line == "*":
            self.out(R_AUTHABRT)
            return None
        if line == "":
            self.out(R_INPUT)
            return None
        return line

    def authenticate(self, user, password, chal=None):
        """checkpassword (vchkpw): 0 yes, 1 no (after sleep(AUTHSLEEP))."""
        if self.cfg.checkpassword(user, password, chal):
            return 0
        self.io.sleep(self.cfg.authsleep)
        return 1

    def auth_login(self, arg):
        if arg:
            user = _b64(arg)
        else:
            self.out("334 VXNlcm5hbWU6")  # Username:
            line = self.authgetl()
            if line is None:
                return -1
            user = _b64(line)
        self.out("334 UGFzc3dvcmQ6")  # Password:
        line = self.authgetl()
        if line is None:
            return -1
        password = _b64(line)
        if not user or not password:
            self.out(R_INPUT)
            return -1
        self.user = user.decode("latin-1")
        return self.authenticate(self.user, password.decode("latin-1"))

    def auth_plain(self, arg):
        if arg:
            resp = _b64(arg)
        else:
            self.out("334 ")
            line = self.authgetl()
            if line is None:
                return -1
            resp = _b64(line)
        parts = resp.split(b"\0")  # "authorize-id\0userid\0passwd\0"
        user = parts[1] if len(parts) > 1 else b""
        password = parts[2] if len(parts) > 2 else b""
        if not user or not password:
            self.out(R_INPUT)
            return -1
        self.user = user.decode("latin-1")
        return self.authenticate(self.user, password.decode("latin-1"))

    def auth_cram(self, arg):
        chal = f"<{os.getpid()}.{int(time.time())}@{self.local}>"
        self.out("334 " + base64.b64encode(chal.encode()).decode())
        line = self.authgetl()
        if line is None:
            return -1
        resp = _b64(line).decode("latin-1")
        user, _, digest = resp.rpartition(" ")
        digest = digest.lstrip(" ")
        if not user or not digest:
            self.out(R_INPUT)
            return -1
        self.user = user
        return self.authenticate(user, digest, chal)

    def smtp_auth(self, arg):
        if not self.smtpauth:
            self.out(R_AUTH_NA)
            return
        if self.seenauth:
            self.out(R_AUTHD)
            return
        if self.seenmail:
            self.out(R_AUTHMAIL)
            return
        if self.forcetls and not self.ssl:
            self.out(R_AUTH_NOTLS)
            return
        i = arg.find(" ")
        cmd, rest = (arg, "") if i < 0 else (arg[:i], arg[i:].lstrip(" "))
        fun = {"login": self.auth_login, "plain": self.auth_plain, "cram-md5": self.auth_cram}.get(cmd.lower())
        if fun is None:
            self.out(R_AUTHINVALID)
            return
        self.env["SMTPAUTHMETHOD"] = cmd.lower()
        r = fun(rest)
        if r == 0:
            self.seenauth = True
            self.relayclient = ""
            self.env["RELAYCLIENT"] = ""
            self.env["SMTPAUTHUSER"] = self.user
            self.out(R_AUTH_OK)
        elif r == 1:
            self.out(R_AUTHFAIL)

    # -- STARTTLS ---------------------------------------------------------------------------
    def smtp_tls(self, arg):
        if self.ssl or self.disabletls:
            self.out(R_UNIMPL)
        elif arg:
            self.out(R_TLS_PARAM)
        else:
            self.tls_init()

    def tls_init(self):
        if not self.cfg.servercert:
            self.out("454 TLS unable to initialize ctx (#4.3.0)")  # tls_err(): no servercert.pem
            return
        self.out(R_TLS_READY)
        self.io.flush()
        self.io.discard_input()  # flush_io(): ssin.p = 0 - pipelined plaintext is dropped
        err = self.io.start_tls()
        if err:
            self.out(f"454 TLS connection failed: {err} (#4.3.0)")  # in plaintext, then exit
            self.io.flush()
            raise Closed()
        self.ssl = True
        self.dohelo(self.remotehost)  # "discard the pre-STARTTLS HELO/EHLO argument"


def _b64(text):
    """base64.c b64decode(): lenient - characters outside the alphabet count as zero bits."""
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    t = text.rstrip("=")
    pad = len(text) - len(t)
    clean = "".join(c if c in alpha else "A" for c in t)
    clean += "=" * ((4 - len(clean) % 4) % 4)
    try:
        out = base64.b64decode(clean)
    except ValueError:
        return b""
    n = (len(t) + pad) // 4 * 3 - pad
    return out[:max(n, 0)] if n >= 0 else out


def _uint(text, float_ok=False):
    """scan_ulong(): leading digits, 0 when there are none (floats only for test delays)."""
    if text is None:
        return 0
    text = str(text).strip()
    if float_ok:
        try:
            return max(0.0, float(text))
        except ValueError:
            pass
    digits = ""
    for c in text:
        if not c.isdigit():
            break
        digits += c
    return int(digits) if digits else 0


def cram_md5_ok(password, chal, digest):
    return hmac.compare_digest(hmac.new(password.encode(), chal.encode(), "md5").hexdigest(), digest.lower())
