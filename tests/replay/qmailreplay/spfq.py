"""qmail-spf as sagredo's qmail-smtpd runs it (spf.c spfcheck(), qmail-smtpd.c smtp_mail()).

What is qmail's and replayed exactly:
  * spfcheck(): the domain is the part of MAIL FROM after its last '@'; without one (the null
    sender) the HELO name. No client address -> SPF_UNKNOWN. A client that is 127.0.0.1 or
    ipme_is() -> SPF_OK without any lookup. sagredo's ipme.c counts ALL of 127.0.0.0/8 and
    0.0.0.0 as "me" (plus the interfaces and control/moreipme), minus control/notipme
    (longest prefix wins): so from loopback every client passes SPF unless notipme lists it.
  * the result classes SPF_OK NONE UNKNOWN(permerror) NEUTRAL SOFTFAIL FAIL ERROR(temperror)
    and what smtp_mail() does with them under control/spfbehavior (see behaviour()).
  * the explanation: control/spfexp, default SPF_DEFEXP (spf.h), or the record's exp= text.
What is NOT qmail's: the record evaluation itself is python3-spf (RFC 7208) instead of
spf.c spflookup() (RFC 4408 era: no void-lookup limit, ip6 ignored, 20 nested records); for the
lab's records (ip4, a, mx, include, -all, ~all) both give the same result.
"""
import ipaddress

SPF_OK, SPF_NONE, SPF_UNKNOWN, SPF_NEUTRAL, SPF_SOFTFAIL, SPF_FAIL, SPF_ERROR = range(7)
NAMES = {SPF_OK: "pass", SPF_NONE: "none", SPF_UNKNOWN: "unknown", SPF_NEUTRAL: "neutral",
         SPF_SOFTFAIL: "softfail", SPF_FAIL: "fail", SPF_ERROR: "error"}
_FROM_PYSPF = {"pass": SPF_OK, "none": SPF_NONE, "permerror": SPF_UNKNOWN, "neutral": SPF_NEUTRAL,
               "softfail": SPF_SOFTFAIL, "fail": SPF_FAIL, "temperror": SPF_ERROR}

# spf.h SPF_DEFEXP in sagredo's tree (netqmail's qmail-spf had a spf.pobox.com URL).
SPF_DEFEXP = "SPF failure. Validate your SPF configuration here https://mxtoolbox.com/SuperTool.aspx?action=spf"


def parse_nets(text):
    nets = []
    for item in (text or "").replace("\n", ",").split(","):
        item = item.strip()
        if item:
            nets.append(ipaddress.IPv4Network(item if "/" in item else item + "/32", strict=False))
    return nets


class IpMe:
    """ipme.c ipme_is(): longest match in ipme beats the longest match in notipme."""

    def __init__(self, extra=(), notipme=()):
        self.ipme = [ipaddress.IPv4Network("127.0.0.0/8"), ipaddress.IPv4Network("0.0.0.0/32")]
        self.ipme += [ipaddress.IPv4Network(a + "/32") if isinstance(a, str) and "/" not in a
                      else ipaddress.IPv4Network(a) for a in extra]
        self.notipme = list(notipme)

    @staticmethod
    def _longest(nets, ip):
        return max((n.prefixlen for n in nets if ip in n), default=-1)

    def is_me(self, ip):
        ip = ipaddress.IPv4Address(ip)
        return self._longest(self.ipme, ip) > self._longest(self.notipme, ip)


def spfcheck(resolver, ipme, remoteip, mailfrom, helohost, spfrules=None):
    """-> (class, explanation or None). spf.c spfcheck()."""
    at = mailfrom.rfind("@")
    sender = mailfrom if at >= 0 else ""
    helo = helohost.rsplit("@", 1)[-1]
    try:
        ipaddress.IPv4Address(remoteip)
    except ValueError:
        return SPF_UNKNOWN, None
    if remoteip == "127.0.0.1" or ipme.is_me(remoteip):
        return SPF_OK, None
    from .dnsq import import_pydns
    import_pydns()
    import spf  # python3-spf (it finds pydns already imported)
    spf.DNSLookup = resolver.spf_lookup  # every lookup goes to the replay's resolver
    q = spf.query(i=remoteip, s=sender, h=helo, local=spfrules, receiver="qmail-replay")
    result, _code, explanation = q.check()
    cls = _FROM_PYSPF.get(result, SPF_UNKNOWN)
    if explanation == spf.EXPLANATIONS.get(result):
        explanation = None  # python3-spf's own text: qmail would use spfexp / SPF_DEFEXP
    return cls, explanation


def behaviour(cls, spfbehavior):
    """smtp_mail()'s switch: None (accept), 'tempfail' (451 at MAIL) or 'reject' (550 at RCPT)."""
    if cls == SPF_ERROR:
        return "tempfail" if spfbehavior >= 2 else None
    need = {SPF_NONE: 6, SPF_UNKNOWN: 6, SPF_NEUTRAL: 5, SPF_SOFTFAIL: 4, SPF_FAIL: 3}.get(cls)
    if need is not None and spfbehavior >= need:
        return "reject"
    return None
