"""Listeners, TLS, tcprules and the control files of the qmail REPLAY (what tcpserver,
sslserver, vchkpw and /var/qmail/control do for qmail-smtpd). NOT qmail."""
import argparse
import hmac
import itertools
import os
import select
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time

from . import dnsq
from . import spfq
from .smtpd import Closed, Session, cram_md5_ok

# The run scripts of sagredo's scripts/example-supervise/supervise/*/run (what they export).
RUN_ENV = {
    "mx": {"SMTPD_GREETDELAY": "5", "DROP_PRE_GREET": "1", "CHKUSER_START": "ALWAYS",
           "FORCEAUTHMAILFROM": "1"},                                   # qmail-smtpd/run
    "submission": {"SMTPAUTH": "!", "SMTPD_GREETDELAY": "3", "DROP_PRE_GREET": "1",
                   "CHKUSER_START": "ALWAYS", "FORCEAUTHMAILFROM": "1"},  # qmail-submission/run
    "smtps": {"SMTPAUTH": "!", "SMTPD_GREETDELAY": "3", "DROP_PRE_GREET": "1",
              "CHKUSER_START": "ALWAYS", "FORCETLS": "0", "DISABLETLS": "1",
              "FORCEAUTHMAILFROM": "1"},                                # qmail-smtpsd/run
}
# config-all.sh's tcp.smtp is  0.0.0.0:allow,RELAYCLIENT="",SMTPD_GREETDELAY="0"
#                              127.:allow,RELAYCLIENT="",SMTPD_GREETDELAY="0"
#                              :allow,CHKUSER_WRONGRCPTLIMIT="3"
# "127." would make every lab vantage a relay client; the replay's default trusts the lab's
# inside vantage only, as an admin of a real network would list their own networks.
DEFAULT_TCP_SMTP = ['127.0.0.20:allow,RELAYCLIENT="",SMTPD_GREETDELAY="0"',
                    ':allow,CHKUSER_WRONGRCPTLIMIT="3"']
DEFAULT_TCP_SUBMISSION = [":allow"]  # config-all.sh's tcp.submission
# config-all.sh's control/tlsserverciphers
TLSSERVERCIPHERS = "HIGH:MEDIUM:!MD5:!RC4:!3DES:!LOW:!SSLv2:!SSLv3"


def parse_rule(text):
    """One tcprules line 'ADDR:allow,VAR="value",...' or 'ADDR:deny' -> (ADDR, env or None)."""
    addr, _, rest = text.partition(":")
    action, _, instr = rest.partition(",")
    if action.strip() == "deny":
        return addr.strip(), None
    env, i = {}, 0
    while i < len(instr):
        j = instr.find("=", i)
        if j < 0:
            break
        name = instr[i:j].strip().lstrip(",")
        quote = instr[j + 1:j + 2]
        k = instr.find(quote, j + 2)
        k = len(instr) if k < 0 else k
        env[name] = instr[j + 2:k]
        i = k + 1
        while i < len(instr) and instr[i] == ",":
            i += 1
    return addr.strip(), env


class Listener:
    def __init__(self, role, host, port, rules, env_overrides):
        self.role, self.host, self.port = role, host, port
        self.env = dict(RUN_ENV[role])
        for item in env_overrides:
            if item.startswith("-"):
                self.env.pop(item[1:], None)
            else:
                k, _, v = item.partition("=")
                self.env[k] = v
        self.rules = {}
        for r in rules:
            addr, env = parse_rule(r)
            self.rules.setdefault(addr, env)  # tcprules: the first rule for an address counts
        self.tls_at_connect = role == "smtps"  # sslserver does the handshake, then qmail-smtpd

    def rule_for(self, ip):
        """tcpserver -x: the address, then its prefixes ending in '.', then ''."""
        parts = ip.split(".")
        keys = [ip] + [".".join(parts[:n]) + "." for n in range(len(parts) - 1, 0, -1)] + [""]
        for k in keys:
            if k in self.rules:
                return self.rules[k]
        return {}  # no rule: allowed, nothing set

    def env_for(self, ip):
        env = dict(self.env)
        env.update(self.rule_for(ip) or {})
        env["TCPREMOTEIP"] = ip
        return env


class Config:
    def __init__(self, o):
        self.smtpgreeting = o.me
        self.rcpthosts = {d.lower() for d in _list(o.rcpthosts or o.me)}
        self.vpopmail_domains = {d.lower() for d in _list(o.vpopmail_domains)} if o.vpopmail_domains \
            else set(self.rcpthosts)
        self.bounce_domains = {d.lower() for d in _list(o.bounce_no_mailbox)} if o.bounce_no_mailbox \
            else set(self.vpopmail_domains)
        self._users = {u.lower() for u in _list(o.users)}
        self.defaultdomain = (o.defaultdomain or sorted(self.vpopmail_domains or {o.me})[0]).lower()
        self.passwords = {}
        for item in o.password:
            user, _, path = item.partition("=")
            with open(path, encoding="utf-8") as f:
                pw = f.read()
            self.passwords[user.lower()] = pw[:-1] if pw.endswith("\n") else pw
        self.databytes, self.maxrcpt, self.brtlimit = o.databytes, o.maxrcpt, o.brtlimit
        self.timeout = o.timeoutsmtpd
        self.spfbehavior, self.spfexp, self.spfrules = o.spfbehavior, o.spfexp, o.spfrules
        self.rejectnullsenders, self.rejectrelaytest = o.rejectnullsenders, o.rejectrelaytest
        self.chkuser_delay_ms = o.chkuser_delay_ms
        self.chkuser_delay_increase_ms = o.chkuser_delay_increase_ms
        self.authsleep = o.authsleep
        listen = [h.rsplit(":", 1)[0] for h in (o.mx + o.submission + o.smtps)]
        # Without a DNS server the built-in zones also give the replay's own domains an MX
        # (a real qmail's domains have one: chkuser refuses senders from domains without).
        own = {d: {"MX": [(10, o.me.lower())]} for d in self.rcpthosts if not d.startswith(".")}
        own.setdefault(o.me.lower(), {}).update({"MX": [(10, o.me.lower())], "A": listen[:1]})
        self.resolver = dnsq.Resolver(o.dns, timeout=o.dns_timeout, attempts=o.dns_attempts,
                                      extra=None if o.dns else own)
        self.ipme = spfq.IpMe(extra=listen + _list(o.moreipme), notipme=spfq.parse_nets(o.notipme))
        self.servercert = o.cert
        self.ssl_ctx = None
        if o.cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)  # TLS_server_method(), OpenSSL defaults
            ctx.load_cert_chain(o.cert, o.key or o.cert)
            if o.tlsserverciphers:
                ctx.set_ciphers(o.tlsserverciphers)  # SSL_set_cipher_list(); TLS 1.3 suites stay
            ctx.options |= getattr(ssl, "OP_NO_RENEGOTIATION", 0)
            self.ssl_ctx = ctx
        self.count = o.count
        self._lock = threading.Lock()
        self._qp = itertools.count(os.getpid() * 10 + 1)
        self.log = open(o.log, "a", buffering=1, encoding="utf-8") if o.log else None

    def users_of(self, domain):
        return self._users

    def next_qp(self):
        with self._lock:
            return next(self._qp)

    def checkpassword(self, user, password, chal=None):
        """vchkpw: a login without '@' is in vpopmail's default domain; case does not matter."""
        login = user.lower()
        if "@" not in login:
            login += "@" + self.defaultdomain
        secret = self.passwords.get(login)
        if secret is None:
            return False
        if chal is not None:
            return cram_md5_ok(secret, chal, password)
        return hmac.compare_digest(secret.encode(), password.encode())

    def completed(self, mailfrom, rcpts, ip, role):
        if self.count:
            with self._lock, open(self.count, "a", encoding="utf-8") as f:
                f.write(f"{role} {ip} {mailfrom} -> {','.join(rcpts)}\n")

    def note(self, text):
        if self.log:
            with self._lock:
                self.log.write(text + "\n")


class SockIO:
    """The file descriptors 0/1 of qmail-smtpd: a socket, maybe TLS, with a read buffer."""

    def __init__(self, sock, cfg, tag):
        self.sock, self.cfg, self.tag = sock, cfg, tag
        self.rbuf, self.wbuf, self.eof = b"", b"", False

    def write(self, data):
        self.wbuf += data

    def flush(self):
        if self.wbuf:
            data, self.wbuf = self.wbuf, b""
            for line in data.decode("latin-1").split("\r\n")[:-1]:
                self.cfg.note(f"{self.tag} > {line}")
            try:
                self.sock.settimeout(self.cfg.timeout)
                self.sock.sendall(data)
            except OSError:
                raise Closed()  # safewrite(): _exit(1)

    def _fill(self, timeout):
        if self.eof:
            return False
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096)
        except (socket.timeout, TimeoutError):
            raise TimeoutError()
        except (OSError, ssl.SSLError):
            data = b""
        if not data:
            self.eof = True
            return False
        self.rbuf += data
        return True

    def readline(self, timeout):
        while b"\n" not in self.rbuf:
            if not self._fill(timeout):
                return b""  # EOF before a whole line: qmail-smtpd exits
        i = self.rbuf.index(b"\n") + 1
        line, self.rbuf = self.rbuf[:i], self.rbuf[i:]
        self.cfg.note(f"{self.tag} < {line.decode('latin-1').rstrip()}")
        return line

    def readbyte(self, timeout):
        if not self.rbuf and not self._fill(timeout):
            return None
        ch, self.rbuf = self.rbuf[:1], self.rbuf[1:]
        return ch

    def wait_input(self, seconds):
        """timeoutread(greetdelay): True when the client sent something (or closed) in time."""
        if self.rbuf:
            return True
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True
        r, _, _ = select.select([self.sock], [], [], seconds)
        if not r:
            return False
        try:
            self._fill(0.5)
        except TimeoutError:
            return False  # TLS record not complete yet: nothing for qmail-smtpd
        if self.rbuf:
            self.cfg.note(f"{self.tag} < (before the greeting) {self.rbuf[:60]!r}")
        return True

    def at_eof(self):
        return self.eof and not self.rbuf

    def discard_input(self):
        self.rbuf = b""
        if not isinstance(self.sock, ssl.SSLSocket):
            return
        while self.sock.pending():  # what sslserver already decrypted
            try:
                self.sock.recv(4096)
            except OSError:
                break

    def start_tls(self):
        if self.cfg.ssl_ctx is None:
            return "no servercert.pem"
        try:
            self.sock.settimeout(self.cfg.timeout)
            self.sock = self.cfg.ssl_ctx.wrap_socket(self.sock, server_side=True)
            self.cfg.note(f"{self.tag} = TLS {self.sock.version()} {self.sock.cipher()[0]}")
            return None
        except (ssl.SSLError, OSError) as e:
            return getattr(e, "reason", None) or str(e)

    def sleep(self, seconds):
        if seconds > 0:
            self.flush()
            time.sleep(seconds)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


_conn_ids = itertools.count(1)


def serve(cfg, listener):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            ip, port = self.client_address[:2]
            tag = f"[{next(_conn_ids)} {listener.role} {ip}]"
            rule = listener.rule_for(ip)
            if rule is None:  # tcpserver: a deny rule drops the connection
                cfg.note(f"{tag} tcprules deny")
                return
            sock = self.request
            if listener.tls_at_connect:  # sslserver: TLS first, then qmail-smtpd
                if cfg.ssl_ctx is None:
                    return
                try:
                    sock.settimeout(cfg.timeout)
                    sock = cfg.ssl_ctx.wrap_socket(sock, server_side=True)
                except (ssl.SSLError, OSError) as e:
                    cfg.note(f"{tag} sslserver handshake failed: {e}")
                    return
            io = SockIO(sock, cfg, tag)
            cfg.note(f"{tag} connect to {listener.host}:{listener.port}")
            try:
                Session(cfg, listener, ip, io, local_ip=listener.host).run()
            finally:
                cfg.note(f"{tag} close")
                io.close()

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True
        request_queue_size = 64

    return Server((listener.host, listener.port), Handler)


def _list(text):
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def _hostport(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: expected HOST:PORT")
    return text


def options(argv=None):
    ap = argparse.ArgumentParser(
        prog="qmail_chkuser.py",
        description="A REPLAY of sagredo's qmail-smtpd + chkuser + qmail-spf (NOT qmail): "
                    "listeners for the MX (port 25), submission (587) and SMTPS (465) roles.")
    ap.add_argument("--mx", action="append", default=[], type=_hostport, metavar="HOST:PORT",
                    help="an MX listener (qmail-smtpd/run: no AUTH, STARTTLS, greetdelay 5 s)")
    ap.add_argument("--submission", action="append", default=[], type=_hostport, metavar="HOST:PORT",
                    help="a submission listener (SMTPAUTH=!: AUTH after STARTTLS, MAIL needs AUTH)")
    ap.add_argument("--smtps", action="append", default=[], type=_hostport, metavar="HOST:PORT",
                    help="an SMTPS listener (sslserver + qmail-smtpd with DISABLETLS=1 FORCETLS=0)")
    ap.add_argument("--env", action="append", default=[], metavar="ROLE:VAR=VALUE",
                    help="change a run-script export of a role (ROLE:-VAR unsets it)")
    ap.add_argument("--tcp-smtp", action="append", metavar="RULE",
                    help=f"a tcp.smtp rule for mx and smtps (default: {DEFAULT_TCP_SMTP})")
    ap.add_argument("--tcp-submission", action="append", metavar="RULE",
                    help=f"a tcp.submission rule (default: {DEFAULT_TCP_SUBMISSION})")
    ap.add_argument("--me", default="qmail.replay.test", help="control/me = smtpgreeting")
    ap.add_argument("--rcpthosts", help="control/rcpthosts (default: --me)")
    ap.add_argument("--vpopmail-domains", help="domains vpopmail knows (default: rcpthosts)")
    ap.add_argument("--bounce-no-mailbox", help="CHKUSER_START=DOMAIN: domains whose .qmail-default "
                    "says bounce-no-mailbox (default: all vpopmail domains)")
    ap.add_argument("--users", default="alice,bob,postmaster,abuse",
                    help="local parts that exist (vpopmail users, valiases, .qmail files)")
    ap.add_argument("--defaultdomain", help="vpopmail's default domain for logins without '@'")
    ap.add_argument("--password", action="append", default=[], metavar="USER@DOMAIN=FILE",
                    help="a vpopmail user's password, read from FILE (vchkpw)")
    ap.add_argument("--cert", help="control/servercert.pem (certificate chain; the key too unless --key)")
    ap.add_argument("--key")
    ap.add_argument("--tlsserverciphers", default=TLSSERVERCIPHERS)
    ap.add_argument("--dns", help="DNS server HOST[:PORT] (default: the lab's zones, built in)")
    ap.add_argument("--dns-timeout", type=float, default=5.0, help="per try, as resolv.conf timeout:5")
    ap.add_argument("--dns-attempts", type=int, default=2, help="as resolv.conf attempts:2")
    ap.add_argument("--spfbehavior", type=int, default=3, help="control/spfbehavior (config-all.sh: 3)")
    ap.add_argument("--spfexp", default=spfq.SPF_DEFEXP, help="control/spfexp")
    ap.add_argument("--spfrules", help="control/spfrules (local rules before the record's -all)")
    ap.add_argument("--notipme", help="control/notipme: addresses/networks that are not 'me' "
                    "(SPF is skipped for 'me', which includes all of 127.0.0.0/8)")
    ap.add_argument("--moreipme", help="control/moreipme")
    ap.add_argument("--brtlimit", type=int, default=2, help="control/brtlimit (config-all.sh: 2)")
    ap.add_argument("--databytes", type=int, default=20000000, help="control/databytes (config-all.sh)")
    ap.add_argument("--maxrcpt", type=int, default=100, help="control/maxrcpt (config-all.sh: 100; -1 off)")
    ap.add_argument("--timeoutsmtpd", type=float, default=1200, help="control/timeoutsmtpd")
    ap.add_argument("--rejectnullsenders", type=int, default=0)
    ap.add_argument("--rejectrelaytest", type=int, default=0)
    ap.add_argument("--chkuser-delay-ms", type=float, default=1000, help="CHKUSER_ERROR_DELAY")
    ap.add_argument("--chkuser-delay-increase-ms", type=float, default=300,
                    help="CHKUSER_ERROR_DELAY_INCREASE")
    ap.add_argument("--authsleep", type=float, default=5, help="AUTHSLEEP (after a failed AUTH)")
    ap.add_argument("--count", help="append one line per completed message to this file")
    ap.add_argument("--log", help="append a transcript of every connection to this file")
    o = ap.parse_args(argv)
    if not (o.mx or o.submission or o.smtps):
        ap.error("give at least one of --mx, --submission, --smtps")
    if o.smtps and not o.cert:
        ap.error("--smtps needs --cert")
    return o


def main(argv=None):
    o = options(argv)
    cfg = Config(o)
    env = {"mx": [], "submission": [], "smtps": []}
    for item in o.env:
        role, _, rest = item.partition(":")
        if role not in env:
            raise SystemExit(f"--env {item}: ROLE is mx, submission or smtps")
        env[role].append(rest)
    tcp_smtp = o.tcp_smtp if o.tcp_smtp is not None else DEFAULT_TCP_SMTP
    tcp_sub = o.tcp_submission if o.tcp_submission is not None else DEFAULT_TCP_SUBMISSION
    servers = []
    for role, addrs, rules in (("mx", o.mx, tcp_smtp), ("submission", o.submission, tcp_sub),
                               ("smtps", o.smtps, tcp_smtp)):
        for a in addrs:
            host, _, port = a.rpartition(":")
            servers.append(serve(cfg, Listener(role, host, int(port), rules, env[role])))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
               for s in servers]
    for t in threads:
        t.start()
    print("qmail REPLAY listening: " + ", ".join(
        f"{s.server_address[0]}:{s.server_address[1]}" for s in servers), file=sys.stderr, flush=True)
    stop.wait()
    for s in servers:
        s.shutdown()
        s.server_close()
