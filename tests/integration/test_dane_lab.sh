#!/usr/bin/env bash
# The dane check against the lab's DNSSEC-signed zones (lab/up --with dnssec: NSD on
# 127.0.0.60, the validating unbound on 127.0.0.61): good.dane.test and ta.dane.test pass, each
# broken zone fails with its verdict's name (split.dane.test: the second address of its MX, the
# sink, offers no STARTTLS), a non-validating resolver gives insecure, and the
# expired-cert variant fails DANE-TA (cert-expired) but not DANE-EE. dig cross-checks the AD
# bits, so the check cannot agree only with itself.
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
V=127.0.0.61:53
cat >"$TMP/dane.yaml" <<YAML
suite: dane-lab
targets:
  mx: { host: 127.0.0.10, port: 25 }
defaults: { timeout: 20s, from: [outside] }
checks:
  - { id: good, dane: { mx: mx.good.dane.test, dns: "$V", rollover: required } }
  - { id: good-domain, dane: { domain: good.dane.test, dns: "$V" } }
  - { id: split-domain, dane: { domain: split.dane.test, dns: "$V" } }
  - { id: ta, dane: { mx: mx.ta.dane.test, dns: "$V" } }
  - { id: single, dane: { mx: mx.single.dane.test, dns: "$V" } }
  - { id: single-rollover, dane: { mx: mx.single.dane.test, dns: "$V", rollover: required } }
  - { id: mismatch, dane: { mx: mx.mismatch.dane.test, dns: "$V" } }
  - { id: unusable, dane: { mx: mx.unusable.dane.test, dns: "$V" } }
  - { id: noname, dane: { domain: noname.dane.test, dns: "$V" } }
  - { id: absent, dane: { mx: mx.absent.dane.test, dns: "$V" } }
  - { id: insecure, dane: { domain: insecure.dane.test, dns: "$V" } }
  - { id: expired, dane: { mx: mx.expired.dane.test, dns: "$V" } }
  - { id: expired-domain, dane: { domain: expired.dane.test, dns: "$V" } }
  - { id: not-validating, dane: { mx: mx.good.dane.test, dns: "127.0.0.10:53" } }
YAML

run_suite() { # NAME
    "$MAILSPEC" run --vantages "$ROOT/lab/vantages.yaml" --json "$TMP/$1.json" -v \
        "$TMP/dane.yaml" >"$TMP/$1.out" 2>&1
    return 0
}

# The resolver's own view, with dig: AD for the signed zone, none for the unsigned child,
# SERVFAIL for the expired one but data with CD.
flags() { dig +dnssec +noall +comments "$@" | sed -n 's/^;; flags: \([^;]*\);.*/\1/p'; }
status() { dig +dnssec +noall +comments "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }
T=TLSA
check "dig: good is AD"
[[ " $(flags @127.0.0.61 $T _25._tcp.mx.good.dane.test) " == *" ad "* ]] && ok || bad "no AD"
check "dig: insecure is not AD"
[[ " $(flags @127.0.0.61 $T _25._tcp.mx.insecure.dane.test) " != *" ad "* ]] && ok || bad "AD"
check "dig: expired is SERVFAIL, NOERROR with CD"
s1=$(status @127.0.0.61 $T _25._tcp.mx.expired.dane.test)
s2=$(status +cd @127.0.0.61 $T _25._tcp.mx.expired.dane.test)
[ "$s1/$s2" = SERVFAIL/NOERROR ] && ok || bad "got $s1/$s2"

echo "== correct variant"
run_suite correct
expect_results "$TMP/correct.json" <<'PY'
r = want("good", "pass", "DANE-EE", "3 1 1")
prop(r, "dane.verdict", "pass")
r = want("good-domain", "pass")
prop(r, "dane.addresses", "127.0.0.10")
# The second address of mx.split.dane.test is the sink, without STARTTLS: a false pass if only
# the first address were probed.
r = want("split-domain", "fail", "tlsa-mismatch", "[127.0.0.11]", "does not offer STARTTLS")
prop(r, "dane.addresses", "127.0.0.10 127.0.0.11")
r = want("ta", "pass", "DANE-TA", "depth 1")
prop(r, "dane.verdict", "pass")
want("single", "pass")
want("single-rollover", "fail", "rollover", "only 1 usable")
r = want("mismatch", "fail", "tlsa-mismatch")
prop(r, "dane.verdict", "tlsa-mismatch")
want("unusable", "fail", "tlsa-unusable", "RFC 7672")
want("noname", "fail", "name-mismatch", "mx.noname.dane.test")
want("absent", "fail", "tlsa-absent", "_25._tcp.mx.absent.dane.test")
want("insecure", "fail", "insecure")
r = want("expired", "fail", "bogus", "CD")
prop(r, "dane.verdict", "bogus")
want("expired-domain", "fail", "bogus", "expired.dane.test MX")
want("not-validating", "fail", "insecure", "no AD bit")
PY

echo "== variant expired-cert: DANE-TA needs valid dates, DANE-EE does not"
"$ROOT/lab/up" --variant expired-cert >/dev/null || bad "lab/up --variant expired-cert failed"
run_suite expired-cert
expect_results "$TMP/expired-cert.json" <<'PY'
want("good", "pass", "DANE-EE")
want("single", "pass")
want("ta", "fail", "cert-expired")
PY
lab_finish
