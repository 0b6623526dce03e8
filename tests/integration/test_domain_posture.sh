#!/usr/bin/env bash
# suites/domain-posture.yaml against the lab's DNS (unbound on 127.0.0.10:53, records in
# lab/templates/unbound.conf; the dane check against the DNSSEC lab, lab/up --with dnssec): every
# check passes for lab.test, and each broken sibling domain fails its check with a message naming
# the record and the rule it breaks.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
command -v nsd >/dev/null && command -v ldns-signzone >/dev/null ||
    { echo "FAIL: nsd or ldnsutils missing (./run setup)"; exit 1; }
lab_lock
TMP=$(mktemp -d)
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$TMP"' EXIT
"$ROOT/lab/up" --with dnssec >/dev/null || { echo "FAIL: lab/up --with dnssec failed"; exit 1; }
SUITE=$ROOT/suites/domain-posture.yaml

# field JSON CHECK FIELD: status / message of one result.
field() {
    python3 - "$@" <<'PY'
import json, sys
results = {r["check_id"]: r for r in json.load(open(sys.argv[1]))["results"]}
print(results[sys.argv[2]][sys.argv[3]] if sys.argv[2] in results else "(no result)")
PY
}

check "the shipped suite passes for lab.test"
out=$("$MAILSPEC" run --json "$TMP/correct.json" "$SUITE" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "exit $rc" "$out"; fi
for id in mx-records spf-record dmarc-policy dkim-key dkim-exists tls-rpt mta-sts dane; do
    check "$id passes for lab.test"
    st=$(field "$TMP/correct.json" "$id" status)
    if [ "$st" = pass ]; then ok; else bad "status $st" "$(field "$TMP/correct.json" "$id" message)"; fi
done
check "mta-sts for lab.test verified the MX's STARTTLS certificate"
msg=$(field "$TMP/correct.json" mta-sts message)
[[ $msg == *"every MX's STARTTLS certificate valid for its name"* ]] && ok || bad "$msg"

# expect_fail DOMAIN CHECK REGEX [VAR=VALUE...]: the check fails for DOMAIN, message matches.
expect_fail() {
    local domain=$1 id=$2 re=$3
    shift 3
    check "$id fails for $domain naming /$re/"
    local j="$TMP/$domain-$id.json"
    env MAIL_DOMAIN="$domain" "$@" "$MAILSPEC" run --only "$id" --json "$j" "$SUITE" >/dev/null 2>&1
    local st msg
    st=$(field "$j" "$id" status)
    msg=$(field "$j" "$id" message)
    if [ "$st" = fail ] && [[ $msg =~ $re ]]; then ok; else bad "status $st" "$msg"; fi
}
expect_fail no-mx.lab.test mx-records 'MX no-mx\.lab\.test: no data: no MX record \(RFC 5321'
expect_fail null-mx.lab.test mx-records 'is a null MX .* accepts no mail \(RFC 7505\)'
expect_fail mx-cname.lab.test mx-records 'MX mx-alias\.lab\.test of mx-cname\.lab\.test is a CNAME to mail\.lab\.test \(RFC 2181'
expect_fail mx-literal.lab.test mx-records 'MX 127\.0\.0\.10 of mx-literal\.lab\.test is an address literal.*RFC 5321'
expect_fail mx-no-fcrdns.lab.test mx-records 'PTR of 127\.0\.0\.99 .* names elsewhere\.lab\.test, which does not resolve back.*forward-confirmed'
expect_fail mx-no-fcrdns.lab.test mx-records 'lonely\.lab\.test .* at 127\.0\.0\.99:25 does not answer 220'
expect_fail lab.test mx-records 'MX mail\.lab\.test of lab\.test has no AAAA record \(ipv6: required\)' MX_IPV6=required
expect_fail spf-11-lookups.lab.test spf-record 'SPF record of spf-11-lookups\.lab\.test.*permerror: .*1[01] DNS-querying terms.*RFC 7208 §4\.6\.4'
expect_fail spf-void.lab.test spf-record 'SPF record of spf-void\.lab\.test.*permerror: .*void lookups.*RFC 7208 §4\.6\.4'
expect_fail spf-plus-all.lab.test spf-record "ends in '\\+all'.*RFC 7208 §5\\.1"
expect_fail spf-two.lab.test spf-record 'TXT spf-two\.lab\.test has 2 v=spf1 records.*RFC 7208 §4\.5'
expect_fail spf-softfail.lab.test spf-record 'ends in ~all \(softfail\), the suite asks for -all \(policy: fail\)'
expect_fail nospf.lab.test spf-record 'TXT nospf\.lab\.test has no v=spf1 record \(RFC 7208 §4\.5\)'
expect_fail dmarc-none.lab.test dmarc-policy 'DMARC record at _dmarc\.dmarc-none\.lab\.test has p=none, weaker than p=quarantine \(min_policy\)'
expect_fail dmarc-external.lab.test dmarc-policy 'destination reports\.example is outside dmarc-external\.lab\.test and TXT dmarc-external\.lab\.test\._report\._dmarc\.reports\.example .* \(RFC 7489 §7\.1\)'
expect_fail dmarc-two.lab.test dmarc-policy 'TXT _dmarc\.dmarc-two\.lab\.test has 2 v=DMARC1 records.*RFC 7489 §6\.6\.3'
expect_fail nospf.lab.test dmarc-policy 'TXT _dmarc\.nospf\.lab\.test: NXDOMAIN, the domain publishes no DMARC policy \(RFC 7489 §6\.1\)'
expect_fail dkim-weak.lab.test dkim-key 'DKIM key record at weak\._domainkey\.dkim-weak\.lab\.test: RSA key of 1024 bits, below min_bits 2048 \(RFC 8301' DKIM_SELECTOR=weak
expect_fail dkim-revoked.lab.test dkim-key 'DKIM key record at old\._domainkey\.dkim-revoked\.lab\.test has an empty p=: the key is revoked \(RFC 6376' DKIM_SELECTOR=old
expect_fail dkim-garbage.lab.test dkim-key 'DKIM key record at bad\._domainkey\.dkim-garbage\.lab\.test: p= is not a k=rsa public key' DKIM_SELECTOR=bad
expect_fail nospf.lab.test dkim-key 'TXT mail2026\._domainkey\.nospf\.lab\.test: NXDOMAIN, no DKIM key for selector mail2026'
expect_fail nospf.lab.test dkim-exists 'TXT _domainkey\.nospf\.lab\.test: NXDOMAIN, so no DKIM selector exists'
expect_fail tlsrpt-bad.lab.test tls-rpt "TLS-RPT rua URI 'ftp://reports\.lab\.test/tlsrpt' at _smtp\._tls\.tlsrpt-bad\.lab\.test: scheme 'ftp:'"
expect_fail nospf.lab.test tls-rpt 'TXT _smtp\._tls\.nospf\.lab\.test: NXDOMAIN, the domain asks for no TLS reports \(RFC 8460'
expect_fail sts-uncovered.lab.test mta-sts 'MX mail\.lab\.test of sts-uncovered\.lab\.test matches no mx: pattern of https://mta-sts\.sts-uncovered\.lab\.test/\.well-known/mta-sts\.txt \(mail\.example\.net\).*RFC 8461 §4\.1'
expect_fail sts-redirect.lab.test mta-sts 'policy https://mta-sts\.sts-redirect\.lab\.test/\.well-known/mta-sts\.txt answers 301 redirecting to https://mta-sts\.lab\.test/.*must not be followed \(RFC 8461 §3\.3\)'
expect_fail sts-badcert.lab.test mta-sts 'MX mx\.sts-badcert\.lab\.test \(127\.0\.0\.10:25\): the STARTTLS certificate \(.*CN=mail\.lab\.test.*\) is not valid for mx\.sts-badcert\.lab\.test: hostname mismatch; senders will refuse to deliver to it \(RFC 8461 §4\.2\)'
expect_fail nospf.lab.test mta-sts 'TXT _mta-sts\.nospf\.lab\.test: NXDOMAIN, senders see no MTA-STS policy \(RFC 8461 §3\.1\)'
expect_fail lab.test mta-sts 'policy https://mta-sts\.lab\.test/\.well-known/mta-sts\.txt has mode: enforce, the suite asks for testing' MTA_STS_MODE=testing
expect_fail lab.test mta-sts 'policy https://mta-sts\.lab\.test/\.well-known/mta-sts\.txt .*certificate of mta-sts\.lab\.test' MTA_STS_CA_FILE=/etc/ssl/certs/ca-certificates.crt
expect_fail lab.test dane 'insecure: .*not DNSSEC-validated' DANE_DOMAIN=insecure.dane.test

# The rules can be relaxed: p=none allowed, ~all accepted, a null MX asserted.
expect_pass() { # DOMAIN CHECK VAR=VALUE...
    local domain=$1 id=$2
    shift 2
    check "$id passes for $domain with $*"
    local j="$TMP/$domain-$id-pass.json"
    env MAIL_DOMAIN="$domain" "$@" "$MAILSPEC" run --only "$id" --json "$j" "$SUITE" >/dev/null 2>&1
    local st
    st=$(field "$j" "$id" status)
    if [ "$st" = pass ]; then ok; else bad "status $st" "$(field "$j" "$id" message)"; fi
}
expect_pass dmarc-none.lab.test dmarc-policy DMARC_MIN_POLICY=none
expect_pass spf-softfail.lab.test spf-record SPF_POLICY=softfail
expect_pass null-mx.lab.test mx-records MX_NULL=true
expect_pass lab.test dkim-key DKIM_SELECTOR=ed2026

# Where the kinds ask: the check's dns:, else its target's dns:, else `run --dns`, else the
# system resolver (which knows nothing of lab.test).
cat >"$TMP/dns-sources.yaml" <<'YAML'
suite: dns-sources
targets:
  with-dns: { host: 127.0.0.10, dns: "127.0.0.10:53" }
  plain: { host: 127.0.0.10 }
defaults: { timeout: 3s }
checks:
  - { id: from-target, target: with-dns, tls_rpt: { domain: lab.test } }
  - { id: from-run, target: plain, tls_rpt: { domain: lab.test } }
  - { id: check-wins, target: with-dns, tls_rpt: { domain: lab.test, dns: "127.0.0.10:5399" } }
YAML
"$MAILSPEC" run --dns 127.0.0.10:53 --json "$TMP/dns-run.json" "$TMP/dns-sources.yaml" >/dev/null 2>&1
"$MAILSPEC" run --json "$TMP/dns-system.json" "$TMP/dns-sources.yaml" >/dev/null 2>&1
check "a target's dns: reaches the domain kinds"
st=$(field "$TMP/dns-system.json" from-target status)
[ "$st" = pass ] && ok || bad "status $st" "$(field "$TMP/dns-system.json" from-target message)"
check "run --dns reaches a check whose check and target name none"
st=$(field "$TMP/dns-run.json" from-run status)
[ "$st" = pass ] && ok || bad "status $st" "$(field "$TMP/dns-run.json" from-run message)"
check "without --dns that check asks the system resolver (no lab.test there)"
st=$(field "$TMP/dns-system.json" from-run status)
[ "$st" != pass ] && ok || bad "status $st"
check "the check's own dns: beats its target's and --dns"
st=$(field "$TMP/dns-run.json" check-wins status)
[ "$st" = error ] && ok || bad "status $st" "$(field "$TMP/dns-run.json" check-wins message)"

lab_finish
