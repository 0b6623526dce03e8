"""chkuser 2.0.9 as compiled into sagredo's qmail (chkuser.c, chkuser_settings.h).

Settings of sagredo's chkuser_settings.h that decide what is replayed here:
  CHKUSER_STARTING_VARIABLE "CHKUSER_START"  ALWAYS = check always (sagredo's run scripts set
                                             it); DOMAIN = only domains whose .qmail-default
                                             says bounce-no-mailbox; anything else = off
  CHKUSER_DISABLE_VARIABLE "RELAYCLIENT"     a RELAYCLIENT client (tcp.smtp, or after AUTH,
                                             which sets RELAYCLIENT) gets no recipient checks
  CHKUSER_SENDER_NOCHECK_VARIABLE "RELAYCLIENT"  ... and no sender checks
  CHKUSER_SENDER_FORMAT, CHKUSER_SENDER_MX, CHKUSER_RCPT_FORMAT, CHKUSER_RCPT_MX,
  CHKUSER_DOMAIN_WANTED, CHKUSER_MIN_DOMAIN_LEN 4, CHKUSER_ALLOWED_CHARS
  CHKUSER_ERROR_DELAY 1000 ms, CHKUSER_ERROR_DELAY_INCREASE 300 ms, CHKUSER_RCPT_DELAY_ANYERROR,
  CHKUSER_SENDER_DELAY_ANYERROR              every refusal sleeps first: 1.0 s, 1.3 s, 1.6 s...
                                             per connection (chkuser_delay())
  CHKUSER_RCPT_LIMIT_VARIABLE "CHKUSER_RCPTLIMIT", CHKUSER_WRONGRCPT_LIMIT_VARIABLE
  "CHKUSER_WRONGRCPTLIMIT"                   no compiled-in value: unset = no limit
The environment is read once, at the first chkuser call of the connection (first_time_init()),
which is the first MAIL FROM - after AUTH if there was one.
"""

NORCPT = "550 5.1.1 sorry, no mailbox here by that name (chkuser)"
MBXFULL = "552 5.2.2 sorry, recipient mailbox is full (chkuser)"
MAXRCPT = "550 5.5.3 sorry, reached maximum number of recipients allowed in one session (chkuser)"
DOMAINMISSING = "550 5.1.2 sorry, you must specify a domain (chkuser)"
RCPTFORMAT = "553 5.1.3 sorry, rcpt syntax not allowed (chkuser)"
RCPTMX = "550 5.1.2 sorry, can't find a valid MX for rcpt domain (chkuser)"
SENDERFORMAT = "553 5.1.7 sorry, sender syntax not allowed (chkuser)"
SENDERMX = "550 5.1.8 sorry, can't find a valid MX for sender domain (chkuser)"
INTRUSIONTHRESHOLD = "550 5.7.1 sorry, you are violating our security policies (chkuser)"
NORELAY = "553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (chkuser)"
RCPTMX_TMP = "451 4.4.0 DNS temporary failure (chkuser)"
SENDERMX_TMP = "451 4.4.0 DNS temporary failure (chkuser)"

ALLOWED_CHARS = "$%?*^~&/\\\xc2\xa3#+_-.="  # CHKUSER_ALLOWED_CHARS: the UTF-8 pound sign is two
#                                      bytes there, strchr() matches each (lines are latin-1 here)
INVALID_UTF8_CHARS = "(),:;<>@[]"       # CHKUSER_INVALID_UTF8_CHARS (with SMTPUTF8)
MIN_DOMAIN_LEN = 4

# realrcpt() results (chkuser.h)
OK, OK_NOCHECKALL, OK_NOCHECKDOMAIN, RELAYING, KO = "ok", "ok-nocheckall", "ok-nocheckdomain", "relaying", "ko"
NORCPTHOSTS, ERR_MAXRCPT, ERR_INTRUSION, ERR_DOMAIN_MISSING = "norcpthosts", "maxrcpt", "intrusion", "domain-missing"
ERR_RCPT_FORMAT, ERR_RCPT_MX, ERR_RCPT_MX_TMP = "rcpt-format", "rcpt-mx", "rcpt-mx-tmp"
ERR_SENDER_FORMAT, ERR_SENDER_MX, ERR_SENDER_MX_TMP = "sender-format", "sender-mx", "sender-mx-tmp"

_REPLY = {NORCPTHOSTS: NORELAY, KO: NORCPT, ERR_MAXRCPT: MAXRCPT, ERR_INTRUSION: INTRUSIONTHRESHOLD,
          ERR_DOMAIN_MISSING: DOMAINMISSING, ERR_RCPT_FORMAT: RCPTFORMAT, ERR_RCPT_MX: RCPTMX,
          ERR_RCPT_MX_TMP: RCPTMX_TMP}


def make_mav(user, domain, smtputf8):
    """chkuser.c make_mav(): 1 when user and domain pass the format check."""
    if smtputf8:  # lines are decoded as latin-1: their bytes must be UTF-8 (is_valid_utf8())
        try:
            (user + domain).encode("latin-1").decode("utf-8")
        except UnicodeError:
            return False
        if any(c in INVALID_UTF8_CHARS for c in user + domain):
            return False
    else:
        for c in user:
            if not (c.isascii() and c.isalnum()) and c not in ALLOWED_CHARS:
                return False
        for c in domain:
            if not (c.isascii() and c.isalnum()) and c not in "-.":
                return False
    if len(domain) < MIN_DOMAIN_LEN:
        return False
    if (domain[0] in "-." or domain[-1] in "-." or ".." in domain or ".-" in domain
            or "-." in domain or "." not in domain):
        return False
    if not smtputf8 and domain.startswith("xn--") and "--" in domain[4:]:
        return False
    return True


class Chkuser:
    """The per-connection state of chkuser (its statics live as long as the qmail-smtpd process)."""

    def __init__(self, session):
        self.s = session
        self.initialised = False
        self.starting_value = 0
        self.sender_nocheck = False
        self.recipients = 0
        self.wrong_recipients = 0
        self.intrusion = False
        self.maxrcpt_limit = 0
        self.maxwrongrcpt_limit = 0
        cfg = session.cfg
        self.delay_ms = cfg.chkuser_delay_ms
        self.delay_increase_ms = cfg.chkuser_delay_increase_ms

    def _first_time_init(self):
        env = self.s.env
        start = env.get("CHKUSER_START")
        if start is None:
            self.starting_value = -1
        elif start.lower() == "always":
            self.starting_value = 1
        elif start.lower() == "domain":
            self.starting_value = 0
        else:
            self.starting_value = -1
        if "RELAYCLIENT" in env:  # CHKUSER_DISABLE_VARIABLE
            self.starting_value = -1
        self.sender_nocheck = "RELAYCLIENT" in env  # CHKUSER_SENDER_NOCHECK_VARIABLE
        self.maxrcpt_limit = max(0, _atoi(env.get("CHKUSER_RCPTLIMIT")))
        self.maxwrongrcpt_limit = max(0, _atoi(env.get("CHKUSER_WRONGRCPTLIMIT")))
        self.initialised = True

    def _delay(self):
        """chkuser_delay(): usleep(interval), then interval += CHKUSER_ERROR_DELAY_INCREASE."""
        self.s.io.sleep(self.delay_ms / 1000.0)
        self.delay_ms += self.delay_increase_ms

    # -- chkuser_sender() -------------------------------------------------------------------
    def sender(self, addr):
        """-> OK, or an error after the reply was sent (qmail-smtpd then answers nothing more)."""
        if not self.initialised:
            self._first_time_init()
        if addr == "":
            return OK  # "accepted null sender always"
        if self.starting_value == -1 or self.sender_nocheck:
            return OK
        if "CHKUSER_DOUBLEBOUNCE" in self.s.env and addr == "#@[]":
            return OK
        user, at, domain = addr.rpartition("@")
        if not at:
            user, domain = addr, ""
        if "CHKUSER_SENDER_FORMAT_NOCHECK" not in self.s.env:
            if not make_mav(user, domain, self.s.smtputf8):
                self._delay()
                self.s.out(SENDERFORMAT)
                return ERR_SENDER_FORMAT
        if "CHKUSER_SENDER_MX_NOCHECK" not in self.s.env:
            r = self.s.cfg.resolver.dns_mxip(domain)
            if r == "hard":
                self._delay()
                self.s.out(SENDERMX)
                return ERR_SENDER_MX
            if r == "soft":
                self._delay()
                self.s.out(SENDERMX_TMP)
                return ERR_SENDER_MX_TMP
        return OK

    # -- realrcpt() -------------------------------------------------------------------------
    def _realrcpt(self, rcpt):
        s = self.s
        if self.starting_value == -1:
            if s.addrallowed(rcpt):
                return OK_NOCHECKALL
            if s.relayclient is not None:
                return RELAYING
            return NORCPTHOSTS
        if self.intrusion:
            return ERR_INTRUSION
        self.recipients += 1
        if self.maxrcpt_limit > 0 and self.recipients >= self.maxrcpt_limit:
            self.intrusion = True
            return ERR_MAXRCPT
        user, at, domain = rcpt.rpartition("@")
        if not at:
            user, domain = rcpt, ""
        user, domain = user.lower(), domain.lower()
        if domain == "":
            return ERR_DOMAIN_MISSING  # CHKUSER_DOMAIN_WANTED
        if "CHKUSER_RCPT_FORMAT_NOCHECK" not in s.env and not make_mav(user, domain, s.smtputf8):
            return ERR_RCPT_FORMAT
        if not s.addrallowed(rcpt):
            if "CHKUSER_RCPT_MX_NOCHECK" not in s.env:
                r = s.cfg.resolver.dns_mxip(domain)
                if r == "hard":
                    return ERR_RCPT_MX
                if r == "soft":
                    return ERR_RCPT_MX_TMP
            if s.relayclient is not None:
                return RELAYING
            return NORCPTHOSTS
        # vpopmail: vget_assign() - a domain vpopmail does not know is accepted as it is
        if domain not in s.cfg.vpopmail_domains:
            return OK
        if self.starting_value == 0 and domain not in s.cfg.bounce_domains:
            return OK_NOCHECKDOMAIN  # .qmail-default without bounce-no-mailbox
        # valias, .qmail-<user>, .qmail-<prefix>-default, vauth_getpw(), ezmlm lists: the
        # replay has one set of local parts per domain (--users) standing for all of them
        if user in s.cfg.users_of(domain):
            return OK
        return KO

    def realrcpt(self, rcpt):
        """chkuser_realrcpt(): prints the refusal (after the delay) and counts wrong recipients."""
        if not self.initialised:
            self._first_time_init()
        r = self._realrcpt(rcpt)
        if r in (OK, OK_NOCHECKALL, OK_NOCHECKDOMAIN):
            return OK
        if r == RELAYING:
            return RELAYING
        self._delay()
        self.s.out(_REPLY[r])
        if r in (KO, ERR_DOMAIN_MISSING):
            self.wrong_recipients += 1
            if (not self.intrusion and self.maxwrongrcpt_limit > 0
                    and self.wrong_recipients >= self.maxwrongrcpt_limit):
                self.intrusion = True
        return r


def _atoi(text):
    if not text:
        return 0
    digits = ""
    for c in text.strip():
        if c.isdigit() or (not digits and c in "+-"):
            digits += c
        else:
            break
    try:
        return int(digits)
    except ValueError:
        return 0
