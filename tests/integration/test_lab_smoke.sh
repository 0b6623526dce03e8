#!/usr/bin/env bash
# Smoke test of the lab itself (lab/up, correct variant): DNS, SMTP on 25/587/465, relay
# rules per vantage, recipient/sender/SPF checks, delivery into a Maildir, IMAP/POP3 with TLS
# only, and the sink untouched. Uses swaks, openssl, dig and curl; brings the lab down on exit.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"' EXIT

echo "== lab/up (correct)"
"$ROOT/lab/up" || { echo "FAIL: lab/up failed"; exit 1; }
RUN=$LAB_RUN
sink0=$(sink_count)
PW=$(cat "$RUN/secrets/alice.password")

echo "== secrets and certificates"
check "alice.password is mode 0600 without a trailing newline"
mode=$(stat -c %a "$RUN/secrets/alice.password")
if [ "$mode" = 600 ] && [ -n "$PW" ] && [ "$(tail -c 1 "$RUN/secrets/alice.password" | od -An -c | tr -d ' ')" != '\n' ]; then ok
else bad "mode $mode or trailing newline"; fi
expect_match "server certificate names mail.lab.test and IP 127.0.0.10, signed by the lab CA" \
    'DNS:mail.lab.test, IP Address:127.0.0.10' \
    "$(openssl x509 -in "$RUN/tls/server.pem" -noout -ext subjectAltName 2>&1; openssl verify -CAfile "$RUN/tls/ca.pem" "$RUN/tls/server.pem" 2>&1)"

echo "== DNS on 127.0.0.10:53"
d() { dig +short +time=2 +tries=1 @127.0.0.10 "$@" 2>&1; }
expect_match "lab.test MX is mail.lab.test" '^10 mail\.lab\.test\.$' "$(d MX lab.test)"
expect_match "mail.lab.test A is 127.0.0.10" '^127\.0\.0\.10$' "$(d A mail.lab.test)"
expect_match "lab.test SPF allows only the inside address" '^"v=spf1 ip4:127\.0\.0\.20 -all"$' "$(d TXT lab.test)"
expect_match "spf-fail.lab.test SPF is -all" '^"v=spf1 -all"$' "$(d TXT spf-fail.lab.test)"
expect_match "spf-softfail.lab.test SPF is ~all" '^"v=spf1 ~all"$' "$(d TXT spf-softfail.lab.test)"
expect_match "spf-pass.lab.test SPF covers 127.0.0.0/8" 'ip4:127\.0\.0\.0/8' "$(d TXT spf-pass.lab.test)"
expect_match "nospf.lab.test has an MX" 'mail\.lab\.test' "$(d MX nospf.lab.test)"
check "no-mx.lab.test has neither MX nor A"
if [ -z "$(d MX no-mx.lab.test)$(d A no-mx.lab.test)" ]; then ok; else bad "got records" "$(d MX no-mx.lab.test)"; fi
expect_match "PTR 127.0.0.10 is mail.lab.test" '^mail\.lab\.test\.$' "$(d -x 127.0.0.10)"
expect_match "PTR 127.0.0.20 is inside.lab.test" '^inside\.lab\.test\.$' "$(d -x 127.0.0.20)"
expect_match "PTR 127.0.0.30 is outside.lab.test" '^outside\.lab\.test\.$' "$(d -x 127.0.0.30)"
expect_match "names outside the lab are NXDOMAIN at once" 'status: NXDOMAIN' \
    "$(dig +time=2 +tries=1 @127.0.0.10 A example.com 2>&1)"
check "the machine's /etc/resolv.conf does not name the lab DNS"
if grep -q '127\.0\.0\.10' /etc/resolv.conf; then bad "/etc/resolv.conf was changed" "$(cat /etc/resolv.conf)"; else ok; fi

echo "== SMTP port 25 (MX)"
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 --quit-after EHLO)
expect_match "banner is 220 mail.lab.test ESMTP" '^<-  220 mail\.lab\.test ESMTP' "$out"
expect_match "EHLO offers STARTTLS" '^<-  250-STARTTLS' "$out"
expect_no_match "EHLO on 25 offers no AUTH" '^<-  250.AUTH' "$out"
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 -tls --tls-verify --tls-ca-path "$RUN/tls/ca.pem" \
    --tls-sni mail.lab.test --quit-after EHLO)
expect_match "STARTTLS on 25 with a certificate the lab CA verifies" '^<~  250 ' "$out"
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 --quit-after RCPT -f probe@nospf.lab.test \
    -t probe@relay-test.invalid)
expect_match "relay denied from outside (127.0.0.30): 554 5.7.1" '^<\*\* 554 5\.7\.1 .*Relay access denied' "$out"
out=$(smtp_probe --port 25 --local-interface 127.0.0.20 --quit-after RCPT -f probe@lab.test \
    -t probe@relay-test.invalid)
expect_match "relay allowed from inside (127.0.0.20) at RCPT (no DATA sent)" '^<-  250 2\.1\.5' "$out"
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 --quit-after RCPT -f probe@nospf.lab.test \
    -t nobody@lab.test)
expect_match "unknown lab.test user: 550 5.1.1" '^<\*\* 550 5\.1\.1 <nobody@lab\.test>' "$out"
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 --quit-after RCPT -f probe@spf-fail.lab.test \
    -t alice@lab.test)
expect_match "SPF fail sender from outside rejected: 550 5.7.23" '^<\*\* 550 5\.7\.23 .*SPF fail' "$out"
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 --quit-after RCPT -f probe@lab.test \
    -t alice@lab.test)
expect_match "@lab.test sender from outside fails lab.test's SPF: 550 5.7.23" '^<\*\* 550 5\.7\.23' "$out"
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 --quit-after RCPT -f probe@spf-softfail.lab.test \
    -t alice@lab.test)
expect_match "SPF softfail sender accepted (only fail is rejected)" '^<-  250 2\.1\.5' "$out"
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 --quit-after RCPT -f probe@no-mx.lab.test \
    -t alice@lab.test)
expect_match "sender domain without MX/A: 550 5.1.8" '^<\*\* 550 5\.1\.8 .*Domain not found' "$out"
out=$(timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.10/25; read -r l <&3;
    printf "EHLO probe.mailspec.test\r\nVRFY alice\r\nQUIT\r\n" >&3; cat <&3' 2>&1)
expect_match "VRFY disabled: 502 5.5.1" '^502 5\.5\.1' "$out"
out=$(timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.10/25; read -r l <&3;
    for i in $(seq 12); do printf "BOGUS\r\n" >&3; done; cat <&3' 2>&1)
expect_match "hard error limit: 421 4.7.0 after 10 errors" '^421 4\.7\.0 .*too many errors' "$out"
check "exactly 10 errors answered before the 421"
n=$(grep -c '^500 ' <<<"$out")
if [ "$n" = 10 ]; then ok; else bad "$n errors before 421" "$out"; fi
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 --quit-after RCPT -f '<>' -t postmaster@lab.test)
expect_match "postmaster@lab.test accepts the null sender" '^<-  250 2\.1\.5' "$out"

echo "== submission 587 and SMTPS 465"
out=$(smtp_probe --port 587 --local-interface 127.0.0.30 --quit-after MAIL -f alice@lab.test)
expect_no_match "587 offers no AUTH before STARTTLS" '^<-  250.AUTH' "$out"
expect_match "587 MAIL before STARTTLS: 530 5.7.0" '^<\*\* 530 5\.7\.0' "$out"
out=$(smtp_probe --port 587 --local-interface 127.0.0.30 -tls --quit-after MAIL -f alice@lab.test)
expect_match "587 after STARTTLS offers AUTH" '^<~  250.AUTH .*PLAIN' "$out"
expect_match "587 MAIL without AUTH: 530 5.7.0" '^<~\* 530 5\.7\.0' "$out"
out=$(smtp_probe --port 587 --local-interface 127.0.0.30 -tls --tls-verify --tls-ca-path "$RUN/tls/ca.pem" \
    --tls-sni mail.lab.test -a PLAIN -au alice@lab.test -ap "$PW" --quit-after RCPT -f alice@lab.test \
    -t probe@relay-test.invalid)
expect_match "587 AUTH PLAIN as alice after STARTTLS: 235" '^<~  235 2\.7\.0' "$out"
expect_match "587 authenticated relay allowed at RCPT" '^<~  250 2\.1\.5' "$out"
out=$(smtp_probe --port 465 --tls-on-connect -a LOGIN -au alice@lab.test -ap "$PW" --quit-after AUTH)
expect_match "465 implicit TLS, AUTH LOGIN as alice: 235" '^<~  235 2\.7\.0' "$out"
# Last AUTH of the test: Dovecot delays further logins from an address after a failure.
out=$(smtp_probe --port 587 -tls -a PLAIN -au alice@lab.test -ap "wrong-$PW" --quit-after AUTH)
expect_match "587 wrong password: 535" '^<~\* 535 ' "$out"

echo "== delivery to alice's Maildir"
token=lab-smoke-$$-$RANDOM
out=$(smtp_probe --port 25 --local-interface 127.0.0.30 -f probe@spf-pass.lab.test -t alice@lab.test \
    --header "Subject: $token")
expect_match "message from outside to alice queued" '^<-  250 2\.0\.0 Ok: queued' "$out"
check "message appears in lab/run/mail/lab.test/alice/new within 5 s"
found=""
for _ in $(seq 50); do
    found=$(grep -l -- "$token" "$RUN"/mail/lab.test/alice/new/* 2>/dev/null | head -1)
    [ -n "$found" ] && break
    sleep 0.1
done
if [ -n "$found" ]; then ok; else bad "not delivered" "$(tail -n 5 "$RUN/log/postfix.log")"; fi

echo "== IMAP and POP3 (Dovecot)"
curl_login() { # URL [curl args...]
    local url=$1
    shift
    printf 'user = "alice@lab.test:%s"\n' "$PW" | timeout 20 curl -sS -K - --cacert "$RUN/tls/ca.pem" \
        --resolve mail.lab.test:993:127.0.0.10 --resolve mail.lab.test:995:127.0.0.10 \
        --resolve mail.lab.test:143:127.0.0.10 "$url" "$@" 2>&1
}
out=$(curl_login 'imaps://mail.lab.test:993/INBOX' -X "SEARCH SUBJECT $token")
expect_match "IMAPS 993 login as alice finds the delivered message" '^\* SEARCH [0-9]+' "$out"
out=$(curl_login 'imap://mail.lab.test:143/INBOX' --ssl-reqd -X 'STATUS INBOX (MESSAGES)')
expect_match "IMAP 143 login after STARTTLS works" '^\* STATUS INBOX \(MESSAGES [1-9]' "$out"
out=$(curl_login 'pop3s://mail.lab.test:995/')
expect_match "POP3S 995 login as alice lists messages" '^1 [0-9]+' "$out"
out=$(timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.10/143; read -r l <&3; echo "$l";
    printf "a LOGIN alice@lab.test %s\r\nb LOGOUT\r\n" "$1" >&3; cat <&3' _ "$PW" 2>&1)
expect_match "IMAP 143 advertises LOGINDISABLED before TLS" 'LOGINDISABLED' "$out"
expect_match "IMAP 143 plaintext LOGIN from loopback refused" '^a NO \[PRIVACYREQUIRED\]' "$out"
out=$(timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.10/110; read -r l <&3;
    printf "USER alice@lab.test\r\nPASS %s\r\nQUIT\r\n" "$1" >&3; cat <&3' _ "$PW" 2>&1)
expect_match "POP3 110 plaintext USER/PASS refused" '^-ERR .*[Pp]laintext authentication disallowed' "$out"

out=$(curl_login 'imap://mail.lab.test:143/INBOX' --interface 127.0.0.10 -X 'STATUS INBOX (MESSAGES)')
# curl attempts the login (Dovecot advertises AUTH=PLAIN to its own address); it must fail.
check "IMAP 143 plaintext login from the server's own address (127.0.0.10) refused"
if grep -q '^\* STATUS' <<<"$out" || ! grep -q 'Login denied' <<<"$out"; then
    bad "expected curl: (67) Login denied" "$out"
else ok; fi

echo "== nothing left the machine"
check "sink received no message during the test"
sleep 0.5
if [ "$(sink_count)" = "$sink0" ]; then ok; else bad "sink count $sink0 -> $(sink_count)"; fi

echo "== lab/down"
trap - EXIT
"$ROOT/lab/down" >/dev/null || bad "lab/down failed"
check "no process refers to lab/run after lab/down"
if pgrep -f -- "$RUN/" >/dev/null; then bad "processes left" "$(pgrep -a -f -- "$RUN/")"; else ok; fi
check "no port of the lab answers after lab/down"
open=""
for p in 25 587 465 143 993 110 995 53; do port_is=$(timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.10/$p" 2>/dev/null && echo y); [ -n "$port_is" ] && open+=" $p"; done
if [ -z "$open" ]; then ok; else bad "still open:$open"; fi
lab_finish
