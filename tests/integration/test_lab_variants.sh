#!/usr/bin/env bash
# Per-variant smoke test of the lab: each broken variant shows its one break (and the
# correct configuration does not), switching variants with lab/up's reconfigure path.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"' EXIT
RUN=$LAB_RUN

# early_talker IP: send EHLO before the greeting on IP:25 and print what comes back.
early_talker() {
    timeout 5 bash -c "exec 3<>/dev/tcp/$1/25; printf 'EHLO early.example\r\n' >&3; timeout 3 cat <&3" 2>/dev/null |
        tr -d '\r'
}
use() {
    echo "== variant $1"
    "$ROOT/lab/up" --variant "$1" || { echo "FAIL: lab/up --variant $1 failed"; exit 1; }
}
rcpt_from_outside() { # sender recipient
    smtp_probe --port 25 --local-interface 127.0.0.30 --quit-after RCPT -f "$1" -t "$2"
}
tls_probe() { # port starttls|implicit protocol-flag
    local starttls=()
    [ "$2" = starttls ] && starttls=(-starttls smtp)
    echo Q | timeout 10 openssl s_client -connect "127.0.0.10:$1" "${starttls[@]}" "$3" \
        -cipher 'DEFAULT:@SECLEVEL=0' -CAfile "$RUN/tls/ca.pem" -verify_hostname mail.lab.test 2>&1
}
# tls_summary OUTPUT: "handshake completed with PROTOCOL" when s_client negotiated a cipher
# (its "New, ..." line names the cipher's version, not the protocol: read "Protocol :").
tls_summary() {
    if grep -Eq '^New, .*Cipher is [^(]' <<<"$1"; then
        printf 'handshake completed with %s\n' "$(printf '%s\n' "$1" | sed -n 's/^ *Protocol *: *//p' | head -1)"
    else
        printf 'handshake failed\n%s\n' "$1"
    fi
}

use correct
expect_match "correct: relay to x@relay-test.invalid denied" '^<\*\* 554 5\.7\.1' \
    "$(rcpt_from_outside probe@nospf.lab.test x@relay-test.invalid)"
expect_match "correct: percent hack x%relay-test.invalid@lab.test denied" '^<\*\* 554 5\.7\.1' \
    "$(rcpt_from_outside probe@nospf.lab.test 'x%relay-test.invalid@lab.test')"
expect_no_match "correct: TLS 1.0 refused on 25" '^handshake completed' "$(tls_summary "$(tls_probe 25 starttls -tls1)")"
expect_match "correct: certificate verifies" 'Verify return code: 0 \(ok\)' "$(tls_probe 25 starttls -tls1_2)"

use open-relay
expect_match "open-relay: outside may relay to x@relay-test.invalid" '^<-  250 2\.1\.5' \
    "$(rcpt_from_outside probe@nospf.lab.test x@relay-test.invalid)"

use percent-hack-relay
expect_match "percent-hack-relay: x%relay-test.invalid@lab.test accepted from outside" '^<-  250 2\.1\.5' \
    "$(rcpt_from_outside probe@nospf.lab.test 'x%relay-test.invalid@lab.test')"
expect_match "percent-hack-relay: plain x@relay-test.invalid still denied" '^<\*\* 554 5\.7\.1' \
    "$(rcpt_from_outside probe@nospf.lab.test x@relay-test.invalid)"
expect_match "percent-hack-relay: bang path relay-test.invalid!x@lab.test still denied" '^<\*\* 55[04] ' \
    "$(rcpt_from_outside probe@nospf.lab.test 'relay-test.invalid!x@lab.test')"

use no-starttls
expect_no_match "no-starttls: EHLO on 25 lacks STARTTLS" '^<-  250.STARTTLS' \
    "$(smtp_probe --port 25 --quit-after EHLO)"

use plaintext-auth
PW=$(cat "$RUN/secrets/alice.password")
expect_match "plaintext-auth: AUTH PLAIN on 587 without TLS accepted" '^<-  235 ' \
    "$(smtp_probe --port 587 -a PLAIN -au alice@lab.test -ap "$PW" --quit-after AUTH)"

use weak-tls
expect_match "weak-tls: TLS 1.0 accepted on 25" '^handshake completed with TLSv1$' \
    "$(tls_summary "$(tls_probe 25 starttls -tls1)")"
expect_match "weak-tls: TLS 1.1 accepted on 993" '^handshake completed with TLSv1\.1$' \
    "$(tls_summary "$(tls_probe 993 implicit -tls1_1)")"

use rsa-kex
expect_match "rsa-kex: TLS 1.2 with RSA key exchange accepted on 25" '^handshake completed with TLSv1\.2$' \
    "$(tls_summary "$(tls_probe 25 starttls -tls1_2)")"
expect_match "rsa-kex: the suite is kRSA" 'Cipher is AES' "$(tls_probe 25 starttls -tls1_2)"
expect_match "rsa-kex: TLS 1.3 refused on 465" '^handshake failed' \
    "$(tls_summary "$(tls_probe 465 implicit -tls1_3)")"

use weak-key
expect_match "weak-key: 25 presents a 1024-bit RSA key" 'Server public key is 1024 bit' \
    "$(tls_probe 25 starttls -tls1_2)"
expect_match "weak-key: 993 presents a 1024-bit RSA key" 'Server public key is 1024 bit' \
    "$(tls_probe 993 implicit -tls1_2)"

use expired-cert
expect_match "expired-cert: 25 presents an expired certificate" 'Verify return code: 10 \(certificate has expired\)' \
    "$(tls_probe 25 starttls -tls1_2)"
expect_match "expired-cert: 993 presents an expired certificate" 'Verify return code: 10 ' \
    "$(tls_probe 993 implicit -tls1_2)"

use no-recipient-verification
expect_match "no-recipient-verification: nobody@lab.test accepted at RCPT" '^<-  250 2\.1\.5' \
    "$(rcpt_from_outside probe@nospf.lab.test nobody@lab.test)"

use no-spf
expect_match "no-spf: SPF-fail sender accepted" '^<-  250 2\.1\.5' \
    "$(rcpt_from_outside probe@spf-fail.lab.test alice@lab.test)"

use no-postscreen
expect_match "no-postscreen: an early talker on 127.0.0.12:25 is served (250 to its EHLO)" '^250[ -]' \
    "$(early_talker 127.0.0.12)"

use correct
expect_match "back to correct: postscreen drops the early talker (521)" '^521 5\.5\.1' \
    "$(early_talker 127.0.0.12)"
expect_match "back to correct: relay denied again" '^<\*\* 554 5\.7\.1' \
    "$(rcpt_from_outside probe@nospf.lab.test x@relay-test.invalid)"
expect_match "back to correct: SPF fail rejected again" '^<\*\* 550 5\.7\.23' \
    "$(rcpt_from_outside probe@spf-fail.lab.test alice@lab.test)"
lab_finish
