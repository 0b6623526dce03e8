#!/usr/bin/env bash
# The tls_scan check against the lab: on the correct configuration it enumerates TLS 1.2 and
# 1.3 (TLS 1.0/1.1 refused, SSLv3 not tested: Debian's OpenSSL cannot offer it), the suites of
# each and the groups, over SMTP STARTTLS, SMTPS, IMAP STARTTLS, IMAPS, POP3 STLS and POP3S; on
# weak-tls it sees TLS 1.0/1.1 accepted; on rsa-kex only kRSA suites at TLS 1.2; on weak-key a
# 1024-bit key. Secure renegotiation and 0-RTT are read off the handshakes. Each profile verdict
# names the broken rule; the shipped suites/tls-audit.yaml gives its documented verdicts. Every
# enumeration is checked against openssl s_client for a few of its answers, so the scan cannot
# agree with itself only.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
TMP=$(mktemp -d)
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$TMP"' EXIT

"$ROOT/lab/up" || { echo "FAIL: lab/up failed"; exit 1; }
cat >"$TMP/scan.yaml" <<YAML
suite: tls-scan-lab
targets:
  mx: { host: 127.0.0.10, port: 25, tls_name: mail.lab.test, max_connections: 6 }
  smtps: { host: 127.0.0.10, port: 465, tls: implicit, tls_name: mail.lab.test }
  imap: { host: 127.0.0.10, port: 143, tls_name: mail.lab.test }
  pop3s: { host: 127.0.0.10, port: 995, tls: implicit, tls_name: mail.lab.test }
  pop3: { host: 127.0.0.10, port: 110, tls_name: mail.lab.test }
  imaps: { host: 127.0.0.10, port: 993, tls: implicit, tls_name: mail.lab.test }
defaults: { timeout: 60s, from: [outside] }
checks:
  - id: mx-floor
    target: mx
    tls_scan:
      tls_profile:
        versions: { lacks: [SSLv3, TLSv1, TLSv1.1], has: [TLSv1.2, TLSv1.3] }
        ciphers: { lacks: [RC4, 3DES, NULL, EXPORT] }
        groups: { has: [X25519, P-256] }
        min_rsa_bits: 2048
  - id: mx-no-krsa
    target: mx
    tls_scan: { groups: false, tls_profile: { ciphers: { lacks: [kRSA] }, forward_secrecy: required } }
  - id: mx-mozilla-intermediate
    target: mx
    tls_scan: { groups: false, tls_profile: mozilla-intermediate }
  - id: smtps-ncsc
    target: smtps
    tls_scan: { groups: false, tls_profile: ncsc-nl }
  - id: imap-floor
    target: imap
    tls_scan: { protocol: imap, groups: false, tls_profile: { versions: { lacks: [TLSv1, TLSv1.1] }, min_rsa_bits: 2048 } }
  - id: pop3s-floor
    target: pop3s
    tls_scan: { protocol: pop3, groups: false, tls_profile: { versions: { lacks: [TLSv1, TLSv1.1] }, min_rsa_bits: 2048 } }
  - id: pop3-stls-floor
    target: pop3
    tls_scan: { protocol: pop3, groups: false, tls_profile: { versions: { lacks: [TLSv1, TLSv1.1] }, min_rsa_bits: 2048 } }
  - id: imaps-floor
    target: imaps
    tls_scan: { protocol: imap, groups: false, tls_profile: { versions: { lacks: [TLSv1, TLSv1.1] }, min_rsa_bits: 2048 } }
YAML

# prop JSON CHECK KEY: a property of a check's result.
prop() {
    python3 - "$@" <<'PY'
import json, sys
results = {r["check_id"]: r for r in json.load(open(sys.argv[1]))["results"]}
print(results[sys.argv[2]].get("properties", {}).get(sys.argv[3], ""))
PY
}
message() {
    python3 -c 'import json,sys; print({r["check_id"]: r for r in json.load(open(sys.argv[1]))["results"]}[sys.argv[2]]["message"])' "$@"
}
expect_eq() { # DESCRIPTION EXPECTED ACTUAL
    check "$1"
    if [ "$2" = "$3" ]; then ok; else bad "expected '$2', got '$3'"; fi
}
expect_has() { # DESCRIPTION NEEDLE HAYSTACK
    check "$1"
    if [[ " $3 " == *" $2 "* ]]; then ok; else bad "'$2' not in '$3'"; fi
}
expect_lacks() {
    check "$1"
    if [[ " $3 " == *" $2 "* ]]; then bad "'$2' in '$3'"; else ok; fi
}
# s_client_cipher PORT FLAG CIPHER: the suite openssl s_client negotiates on STARTTLS 25 offering
# only CIPHER (empty: refused).
s_client_cipher() {
    echo Q | timeout 10 openssl s_client -connect "127.0.0.10:$1" -starttls smtp "$2" \
        -cipher "$3:@SECLEVEL=0" 2>/dev/null | sed -n 's/^New, .*Cipher is \([^ (]*\).*/\1/p' | head -1
}

scan() { # VARIANT
    "$ROOT/lab/up" --variant "$1" >/dev/null || { bad "lab/up --variant $1 failed"; return 1; }
    "$MAILSPEC" run --vantages "$ROOT/lab/vantages.yaml" --json "$TMP/$1.json" -v \
        "$TMP/scan.yaml" >"$TMP/$1.out" 2>&1
    return 0
}

echo "== variant correct"
scan correct
J=$TMP/correct.json
expect_verdicts correct "$J" "$TMP/correct.out" mx-no-krsa=fail mx-mozilla-intermediate=fail \
    smtps-ncsc=fail
expect_eq "correct: 25 accepts TLSv1.2 and TLSv1.3" "TLSv1.2 TLSv1.3" "$(prop "$J" mx-floor tls.versions)"
expect_eq "correct: 25 refuses TLSv1 and TLSv1.1" "TLSv1 TLSv1.1" "$(prop "$J" mx-floor tls.versions.refused)"
expect_eq "correct: SSLv3 not tested (the local OpenSSL cannot offer it)" "SSLv3" \
    "$(prop "$J" mx-floor tls.versions.not_tested)"
C12=$(prop "$J" mx-floor tls.ciphers.TLSv1.2)
expect_has "correct: 25 TLSv1.2 has ECDHE-RSA-AES256-GCM-SHA384" ECDHE-RSA-AES256-GCM-SHA384 "$C12"
expect_has "correct: 25 TLSv1.2 has kRSA AES128-SHA" AES128-SHA "$C12"
expect_lacks "correct: 25 TLSv1.2 lacks ECDSA suites (RSA certificate)" ECDHE-ECDSA-AES256-GCM-SHA384 "$C12"
expect_eq "correct: 25 TLSv1.3 suites" "TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_GCM_SHA256" \
    "$(prop "$J" mx-floor tls.ciphers.TLSv1.3)"
expect_eq "correct: 25 follows the client's order (tls_preempt_cipherlist = no)" client \
    "$(prop "$J" mx-floor tls.cipher_order.TLSv1.2)"
expect_has "correct: 25 groups include X25519" X25519 "$(prop "$J" mx-floor tls.groups)"
# Postfix's anonymous 128-bit suites use 1024-bit DH parameters (testssl.sh reports the same).
expect_eq "correct: smallest DHE parameters" 1024 "$(prop "$J" mx-floor tls.dhe.min_bits)"
expect_eq "correct: certificate key" "RSA 2048" "$(prop "$J" mx-floor tls.cert.key)"
expect_eq "correct: certificate signature" sha256WithRSAEncryption "$(prop "$J" mx-floor tls.cert.signature)"
expect_eq "correct: 25 secure renegotiation (RFC 5746)" yes "$(prop "$J" mx-floor tls.secure_renegotiation)"
expect_eq "correct: 25 s_client also sees secure renegotiation" 1 \
    "$(openssl s_client -starttls smtp -connect 127.0.0.10:25 -tls1_2 </dev/null 2>/dev/null | grep -c '^Secure Renegotiation IS supported')"
# Postfix's TLS 1.3 session tickets allow no early data; Dovecot's neither.
expect_eq "correct: 25 no 0-RTT" refused "$(prop "$J" mx-floor tls.early_data)"
expect_eq "correct: POP3S no 0-RTT" refused "$(prop "$J" pop3s-floor tls.early_data)"
expect_eq "correct: compression not tested (Debian's OpenSSL has no zlib)" "not tested" \
    "$(prop "$J" mx-floor tls.compression)"
# Independent witnesses: s_client agrees with what the scan reports for a suite in and out.
expect_eq "correct: s_client also gets AES128-SHA at TLSv1.2" AES128-SHA "$(s_client_cipher 25 -tls1_2 AES128-SHA)"
expect_eq "correct: s_client is refused an ECDSA suite" "" "$(s_client_cipher 25 -tls1_2 ECDHE-ECDSA-AES256-GCM-SHA384)"
expect_match "correct: the kRSA rule is named" '^ciphers.lacks kRSA: accepted AES256-GCM-SHA384 \(TLSv1.2\)' \
    "$(message "$J" mx-no-krsa)"
expect_match "correct: mozilla-intermediate names ciphers.only" '^mozilla-intermediate ciphers.only: also accepted' \
    "$(message "$J" mx-mozilla-intermediate)"
expect_match "correct: ncsc-nl names the insufficient suites" 'ncsc-nl ncsc-nl.ciphers: insufficient suites accepted: .*ADH-' \
    "$(message "$J" smtps-ncsc)"
expect_eq "correct: IMAP STARTTLS scanned" "TLSv1.2 TLSv1.3" "$(prop "$J" imap-floor tls.versions)"
expect_eq "correct: POP3S scanned" "TLSv1.2 TLSv1.3" "$(prop "$J" pop3s-floor tls.versions)"
expect_eq "correct: POP3 STLS (110) scanned" "TLSv1.2 TLSv1.3" "$(prop "$J" pop3-stls-floor tls.versions)"
expect_eq "correct: IMAPS (993) scanned" "TLSv1.2 TLSv1.3" "$(prop "$J" imaps-floor tls.versions)"
expect_match "correct: the transcript holds the table" '== TLSv1.2  accepted +[0-9]+ of [0-9]+ offered, client order' \
    "$(cat "$TMP/correct.out")"

echo "== the shipped suites/tls-audit.yaml on the correct lab"
"$MAILSPEC" run --json "$TMP/audit.json" "$ROOT/suites/tls-audit.yaml" >"$TMP/audit.out" 2>&1
A=$TMP/audit.json
# Postfix's defaults: anonymous suites for opportunistic TLS on 25 and 465, CAMELLIA/ARIA/CCM8
# (NCSC-NL insufficient), the client's cipher order, suites beyond Mozilla's intermediate list.
expect_verdicts tls-audit "$A" "$TMP/audit.out" mx-tls-floor=fail smtps-tls-floor=fail \
    mx-tls-ncsc-nl=fail submission-tls-intermediate=fail
expect_match "tls-audit: the floor names aNULL on 25" '^ciphers.lacks aNULL: accepted ADH-' "$(message "$A" mx-tls-floor)"
expect_match "tls-audit: the floor names aNULL on 465" '^ciphers.lacks aNULL: accepted ADH-' "$(message "$A" smtps-tls-floor)"
expect_match "tls-audit: ncsc-nl names insufficient suites" 'ncsc-nl.ciphers: insufficient suites accepted: .*CAMELLIA' \
    "$(message "$A" mx-tls-ncsc-nl)"
expect_match "tls-audit: ncsc-nl names the client's order" "ncsc-nl.cipher_order: TLSv1.2: the server follows the client's order" \
    "$(message "$A" mx-tls-ncsc-nl)"
expect_match "tls-audit: 587 beyond Mozilla intermediate" '^mozilla-intermediate ciphers.only: also accepted' \
    "$(message "$A" submission-tls-intermediate)"
expect_match "tls-audit: RC4/3DES are said not tested, never refused" 'ciphers.lacks RC4: not tested' "$(message "$A" mx-tls-floor)"

echo "== variant weak-tls"
scan weak-tls
J=$TMP/weak-tls.json
# weak-tls's cipher list is DEFAULT: nothing NCSC-NL grades insufficient (TLS 1.0/1.1 and kRSA
# are phase-out notes, as Internet.nl has them), but Postfix follows the client's order while it
# accepts good and phase-out suites: ncsc-nl fails on the cipher order (guideline B2-5).
expect_verdicts weak-tls "$J" "$TMP/weak-tls.out" mx-floor=fail mx-no-krsa=fail \
    mx-mozilla-intermediate=fail imap-floor=fail pop3s-floor=fail smtps-ncsc=fail \
    pop3-stls-floor=fail imaps-floor=fail
expect_eq "weak-tls: 25 accepts TLSv1 to TLSv1.3" "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3" "$(prop "$J" mx-floor tls.versions)"
expect_has "weak-tls: TLSv1 suites include ECDHE-RSA-AES256-SHA" ECDHE-RSA-AES256-SHA "$(prop "$J" mx-floor tls.ciphers.TLSv1)"
expect_eq "weak-tls: s_client also completes TLSv1 with ECDHE-RSA-AES256-SHA" ECDHE-RSA-AES256-SHA \
    "$(s_client_cipher 25 -tls1 ECDHE-RSA-AES256-SHA)"
expect_match "weak-tls: the version rule is named" '^versions.lacks: TLSv1 accepted; versions.lacks: TLSv1.1 accepted' \
    "$(message "$J" mx-floor)"
expect_match "weak-tls: ncsc-nl notes TLSv1 as phase-out" 'TLSv1 is to be phased out' "$(message "$J" smtps-ncsc)"
expect_match "weak-tls: ncsc-nl names the cipher order" \
    "ncsc-nl ncsc-nl.cipher_order: TLSv1.2: the server follows the client's order" "$(message "$J" smtps-ncsc)"
expect_eq "weak-tls: IMAP accepts TLSv1" "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3" "$(prop "$J" imap-floor tls.versions)"

echo "== variant rsa-kex"
scan rsa-kex
J=$TMP/rsa-kex.json
expect_verdicts rsa-kex "$J" "$TMP/rsa-kex.out" mx-floor=fail mx-no-krsa=fail \
    mx-mozilla-intermediate=fail smtps-ncsc=fail
expect_eq "rsa-kex: 25 accepts TLSv1.2 only" "TLSv1.2" "$(prop "$J" mx-floor tls.versions)"
if python3 - "$J" >"$TMP/krsa.txt" 2>&1 <<'PY'; then krsa=yes; else krsa=no; fi
import json, sys
r = {x["check_id"]: x for x in json.load(open(sys.argv[1]))["results"]}["mx-floor"]
suites = r["properties"]["tls.ciphers.TLSv1.2"].split()
fs = [s for s in suites if s.startswith(("ECDHE", "DHE", "ADH", "AECDH"))]
print(len(suites), "suites, forward-secret:", " ".join(fs) or "none")
sys.exit(1 if fs or not suites else 0)
PY
check "rsa-kex: every TLSv1.2 suite is kRSA ($(cat "$TMP/krsa.txt"))"
if [ "$krsa" = yes ]; then ok; else bad "not kRSA only" "$(cat "$TMP/krsa.txt")"; fi
expect_match "rsa-kex: forward_secrecy is the rule named" 'forward_secrecy: suites without forward secrecy accepted' \
    "$(message "$J" mx-no-krsa)"
expect_match "rsa-kex: groups are not asked without (EC)DHE" 'groups.has: X25519 not tested' \
    "$(message "$J" mx-floor)"

echo "== variant weak-key"
scan weak-key
J=$TMP/weak-key.json
expect_verdicts weak-key "$J" "$TMP/weak-key.out" mx-floor=fail mx-no-krsa=fail \
    mx-mozilla-intermediate=fail smtps-ncsc=fail imap-floor=fail pop3s-floor=fail \
    pop3-stls-floor=fail imaps-floor=fail
expect_eq "weak-key: certificate key" "RSA 1024" "$(prop "$J" mx-floor tls.cert.key)"
expect_match "weak-key: min_rsa_bits is the rule named" 'min_rsa_bits: certificate key RSA 1024, expected at least 2048' \
    "$(message "$J" imap-floor)"
expect_match "weak-key: ncsc-nl grades the key insufficient" 'ncsc-nl.key: certificate key RSA 1024 is insufficient' \
    "$(message "$J" smtps-ncsc)"
lab_finish
