"""DNS for the qmail REPLAY: qmail's dns.c answer classes over pydns, or over a static table.

qmail does not look at DNS rcodes the way a resolver library user would: dns.c resolve()
calls res_query() and turns every failure into one of two classes,

  DNS_SOFT  res_query failed with h_errno TRY_AGAIN (SERVFAIL, timeout) or errno ECONNREFUSED
  DNS_HARD  every other failure: NXDOMAIN, NOERROR without answers (glibc's NO_DATA),
            REFUSED/FORMERR/NOTIMP (NO_RECOVERY)

and dns_mxip() (dns.c) - what chkuser's chkuser_mx_lookup() calls - is

  IP literal ("1.2.3.4", "[1.2.3.4]")     -> ok without a query
  MX query soft                            -> soft
  MX query hard (NXDOMAIN, no MX records)  -> dns_ip(): A query; hard -> hard, soft -> soft
  MX records present                       -> ok, even when no MX host resolves (dns_mxip
                                              returns its flagsoft 0/1, never DNS_SOFT/HARD)

Resolver(server=None) answers from STATIC_ZONES, the lab's zones read from
lab/templates/unbound.conf (as lab/up renders it), plus an MX
for the replay's own domains, so the replay runs without any DNS server. Resolver(server="127.0.0.10:53") asks that server, the way
qmail asks the nameserver of /etc/resolv.conf (glibc defaults: 5 s per try, 2 tries).
"""
import ipaddress
import os
import re
import threading

OK, SOFT, HARD = "ok", "soft", "hard"

_LAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "lab")


def lab_zones(lab=_LAB):
    """The lab's zones as lab/up renders lab/templates/unbound.conf (addresses from
    lab/lib/common.sh): name -> {type: [data]}; a name that is not here is NXDOMAIN."""
    with open(os.path.join(lab, "lib", "common.sh"), encoding="utf-8") as f:
        addrs = dict(re.findall(r"^([A-Z_]+_IP)=(\S+)", f.read(), re.M))
    with open(os.path.join(lab, "templates", "unbound.conf"), encoding="utf-8") as f:
        text = re.sub(r"@([A-Z_]+_IP)@", lambda m: addrs[m.group(1)], f.read())
    zones = {}
    for m in re.finditer(r"local-data:\s*[\"'](\S+?)\.?\s+\d+\s+IN\s+(\w+)\s+(.*?)[\"']\s*$", text, re.M):
        name, rtype, data = m.group(1).lower(), m.group(2), m.group(3)
        if rtype == "SOA":
            continue
        if rtype == "MX":
            pref, host = data.split()
            data = (int(pref), host.rstrip("."))
        elif rtype == "TXT":
            data = data.strip('"')
        elif rtype == "NS":
            data = data.rstrip(".")
        zones.setdefault(name, {}).setdefault(rtype, []).append(data)
    for m in re.finditer(r'local-data-ptr:\s*"(\S+) (\S+)"', text):
        rev = ".".join(reversed(m.group(1).split("."))) + ".in-addr.arpa"
        zones.setdefault(rev, {}).setdefault("PTR", []).append(m.group(2))
    return zones


STATIC_ZONES = lab_zones()
# unbound `local-zone: "no-answer.lab.test." deny`: queries are dropped.
NO_ANSWER = ("no-answer.lab.test",)


def import_pydns():
    """python3-dns (pydns), the DNS module python3-spf uses on Debian (quiet about asyncore)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import DNS
    return DNS


class Answer:
    """One query's outcome: cls OK (records in `records`, maybe empty = NO_DATA), HARD or SOFT."""

    def __init__(self, cls, records=(), why=""):
        self.cls, self.records, self.why = cls, list(records), why


def _ip_literal(domain):
    d = domain[1:-1] if domain.startswith("[") and domain.endswith("]") else domain
    try:
        ipaddress.IPv4Address(d)
        return True
    except ValueError:
        return False


class Resolver:
    def __init__(self, server=None, timeout=5.0, attempts=2, extra=None):
        self.timeout, self.attempts = timeout, attempts
        self.zones = {k: dict(v) for k, v in STATIC_ZONES.items()}
        for name, rrs in (extra or {}).items():
            self.zones.setdefault(name.lower(), {}).update(rrs)
        self.server = None
        if server:
            host, _, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "53")
            self.server, self.port = host, int(port or 53)
            self._dns = import_pydns()
        self._lock = threading.Lock()
        self.queries = []  # (name, type, class) for tests and the log

    # -- one query, classified like qmail's dns.c resolve() --------------------------------
    def query(self, name, qtype):
        name = name.rstrip(".").lower()
        a = self._query_server(name, qtype) if self.server else self._query_static(name, qtype)
        with self._lock:
            self.queries.append((name, qtype, a.cls))
        return a

    def _query_static(self, name, qtype):
        if any(name == z or name.endswith("." + z) for z in NO_ANSWER):
            return Answer(SOFT, why="no answer (timeout)")
        rrs = self.zones.get(name)
        if rrs is None:
            return Answer(HARD, why="NXDOMAIN")
        recs = rrs.get(qtype, [])
        return Answer(OK, recs) if recs else Answer(HARD, why="NO_DATA")

    def _query_server(self, name, qtype):
        DNS = self._dns
        last = "timeout"
        for _ in range(self.attempts):
            try:
                r = DNS.DnsRequest(name, qtype=qtype, server=[self.server], port=self.port,
                                   timeout=self.timeout, protocol="udp").req()
                if r.header.get("tc"):
                    r = DNS.DnsRequest(name, qtype=qtype, server=[self.server], port=self.port,
                                       timeout=self.timeout, protocol="tcp").req()
            except ConnectionRefusedError:
                return Answer(SOFT, why="ECONNREFUSED")
            except (DNS.DNSError, OSError) as e:  # timeouts: try again, as glibc does
                last = str(e) or type(e).__name__
                continue
            status = r.header.get("status")
            if status == "SERVFAIL":
                last = "SERVFAIL"
                continue
            if status != "NOERROR":
                return Answer(HARD, why=status)
            recs = [a["data"] for a in r.answers if a.get("typename") == qtype]
            if not recs:
                return Answer(HARD, why="NO_DATA")
            return Answer(OK, [self._norm(qtype, d) for d in recs])
        return Answer(SOFT, why=last)

    @staticmethod
    def _norm(qtype, d):
        if qtype == "MX":
            return (int(d[0]), str(d[1]).rstrip(".").lower())
        if qtype == "TXT":
            parts = d if isinstance(d, (list, tuple)) else [d]
            return "".join(p.decode("latin-1") if isinstance(p, bytes) else str(p) for p in parts)
        if qtype in ("PTR", "NS", "CNAME"):
            return str(d).rstrip(".").lower()
        return d

    # -- qmail's dns_ip() and dns_mxip() ----------------------------------------------------
    def dns_ip(self, domain):
        if _ip_literal(domain):
            return OK
        a = self.query(domain, "A")
        return a.cls

    def dns_mxip(self, domain):
        """chkuser_mx_lookup() -> dns_mxip(): OK, HARD (no MX and no A) or SOFT."""
        if domain and _ip_literal(domain):
            return OK
        a = self.query(domain, "MX")
        if a.cls == SOFT:
            return SOFT
        if a.cls == HARD:
            return self.dns_ip(domain)
        return OK  # MX records: dns_mxip returns flagsoft (0 or 1), never DNS_HARD/DNS_SOFT

    # -- the lookup python3-spf's evaluator calls ------------------------------------------
    def spf_lookup(self, name, qtype, strict=True, timeout=20):
        """spf.DNSLookup replacement: [((name, type), data)], spf.TempError when soft."""
        import spf
        a = self.query(name, qtype)
        if a.cls == SOFT:
            raise spf.TempError("DNS " + a.why)
        out = []
        for d in a.records:
            if qtype == "TXT":
                d = [d.encode("latin-1")]
            elif qtype == "AAAA" and isinstance(d, str):
                d = ipaddress.IPv6Address(d).packed
            out.append(((name, qtype), d))
        return out
