#!/usr/bin/env bash
# Real Exim and OpenSMTPD in the lab (lab/up --mta exim,opensmtpd): greeting, EHLO, STARTTLS,
# AUTH only after TLS, relay per vantage and on the open-relay addresses, recipient checks,
# delivery into the shared Maildirs, outbound mail only to the sink, and OpenSMTPD 6.8's broken
# TLS exactly as it is (lab/README.md). Nothing is written outside the lab's state directory;
# clean lab/down.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"' EXIT

echo "== lab/up --mta exim,opensmtpd"
"$ROOT/lab/up" --mta exim,opensmtpd || { echo "FAIL: lab/up failed"; exit 1; }
RUN=$LAB_RUN
CA=$RUN/tls/ca.pem
PW=$(cat "$RUN/secrets/alice.password")
sink0=$(sink_count)
EXIM=127.0.0.13 EXIM_RELAY=127.0.0.14 EXIM_SCREENED=127.0.0.17 SMTPD=127.0.0.15 SMTPD_RELAY=127.0.0.16

# probe SERVER ARGS...: swaks against SERVER, bounded; prints the dialogue.
probe() {
    local server=$1
    shift
    timeout 30 swaks --server "$server" --helo probe.mailspec.test --timeout 10 "$@" 2>&1 || true
}
out_probe() { probe "$1" --local-interface 127.0.0.30 "${@:2}"; } # from the outside vantage
# talk SERVER PORT LINE...: raw SMTP from outside, one line at a time; prints every reply.
talk() {
    timeout 20 python3 - "$@" <<'PY' 2>&1
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=8, source_address=("127.0.0.30", 0))
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline()
        if not line:
            print("(closed)"); return False
        print(line.decode(errors="replace").rstrip())
        if line[3:4] != b"-":
            return True
if reply():
    for cmd in sys.argv[3:]:
        s.sendall(cmd.encode() + b"\r\n")
        if not reply():
            break
PY
}
# tls SERVER PORT [s_client args...]: a TLS handshake (STARTTLS unless -starttls is left out).
tls() { timeout 10 openssl s_client -connect "$1:$2" -bind 127.0.0.30:0 -CAfile "$CA" "${@:3}" </dev/null 2>&1; }
# maildir_has USER TOKEN: a message containing TOKEN appears in USER's Maildir within 5 s.
maildir_has() {
    local f
    for _ in $(seq 50); do
        f=$(grep -l -- "$2" "$RUN/mail/lab.test/$1/new/"* 2>/dev/null | head -1)
        [ -n "$f" ] && { cat "$f"; return 0; }
        sleep 0.1
    done
    return 1
}

echo "== nothing outside the state directory ($RUN)"
check "no /etc/exim4, /var/spool/exim4, /var/spool/smtpd, /var/lib/opensmtpd, /run/smtpd.sock on the host"
left=$(ls -d /etc/exim4 /var/spool/exim4 /var/log/exim4 /var/spool/smtpd /var/lib/opensmtpd /run/smtpd.sock 2>/dev/null)
if [ -z "$left" ]; then ok; else bad "found" "$left"; fi
for pidfile in "$RUN/exim/exim.pid" "$RUN/opensmtpd/smtpd.pid"; do
    expect_match "$(basename "$pidfile" .pid) resolves through the lab DNS (its namespace's /etc/resolv.conf)" \
        '^nameserver 127\.0\.0\.10$' "$(nsenter -t "$(cat "$pidfile")" -m cat /etc/resolv.conf 2>&1)"
done
check "the machine's /etc/resolv.conf does not name the lab DNS"
if grep -q '127\.0\.0\.10' /etc/resolv.conf; then bad "changed" "$(cat /etc/resolv.conf)"; else ok; fi

echo "== Exim: exim.lab.test ($EXIM)"
out=$(out_probe $EXIM --quit-after EHLO)
expect_match "banner 220 exim.lab.test ESMTP Exim" '^<-  220 exim\.lab\.test ESMTP Exim 4\.' "$out"
expect_match "EHLO offers STARTTLS" '^<-  250-STARTTLS' "$out"
expect_match "EHLO offers PIPELINING" '^<-  250-PIPELINING' "$out"
expect_no_match "EHLO on 25 offers neither AUTH nor VRFY" '^<-  250.(AUTH|VRFY)' "$out"
out=$(out_probe $EXIM -tls --tls-verify --tls-ca-path "$CA" --tls-sni exim.lab.test --quit-after EHLO)
expect_match "STARTTLS on 25, certificate verified for exim.lab.test" '^<~  250 ' "$out"
out=$(tls $EXIM 25 -starttls smtp -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0')
expect_match "TLS 1.1 refused" 'alert protocol version' "$out"
out=$(out_probe $EXIM --quit-after RCPT -f probe@spf-pass.lab.test -t probe@relay-test.invalid)
expect_match "relay denied from outside: 550 relay not permitted" '^<\*\* 550 relay not permitted' "$out"
out=$(probe $EXIM --local-interface 127.0.0.20 --quit-after RCPT -f probe@spf-pass.lab.test -t probe@relay-test.invalid)
expect_match "relay allowed from inside at RCPT" '^<-  250 Accepted' "$out"
out=$(out_probe $EXIM --quit-after RCPT -f probe@spf-pass.lab.test -t nobody@lab.test)
expect_match "unknown lab.test user: 550 Unrouteable address" '^<\*\* 550 Unrouteable address' "$out"
out=$(out_probe $EXIM --quit-after RCPT -f probe@no-mx.lab.test -t alice@lab.test)
expect_match "sender domain without MX/A: 550 Sender verify failed" '^<\*\* 550 Sender verify failed' "$out"
out=$(out_probe $EXIM --quit-after RCPT -f probe@no-mx.lab.test -t postmaster@lab.test)
expect_match "postmaster takes any sender (Exim's default ACL)" '^<-  250 Accepted' "$out"
out=$(out_probe $EXIM --quit-after RCPT -f probe@spf-fail.lab.test -t alice@lab.test)
expect_match "SPF fail from loopback accepted: libspf2 passes every 127/8 client (README trap)" '^<-  250 Accepted' "$out"
out=$(talk $EXIM 25 "EHLO probe.mailspec.test" "VRFY postmaster@lab.test" "EXPN postmaster" QUIT)
expect_match "VRFY refused: 252 Administrative prohibition" '^252 Administrative prohibition' "$out"
expect_match "EXPN refused: 550 Administrative prohibition" '^550 Administrative prohibition' "$out"
out=$(talk $EXIM 25 BOGUS BOGUS BOGUS BOGUS BOGUS)
expect_match "after 3 bad commands the 4th gets 500 Too many ... and the connection closes" \
    '^500 Too many unrecognized commands' "$out"
out=$(out_probe $EXIM --port 587 --quit-after MAIL -f alice@lab.test)
expect_no_match "587 offers no AUTH before STARTTLS" '^<-  250.AUTH' "$out"
expect_match "587 MAIL before STARTTLS: 530 5.7.0" '^<\*\* 530 5\.7\.0 Must issue a STARTTLS command first' "$out"
out=$(talk $EXIM 587 "EHLO probe.mailspec.test" "AUTH PLAIN AGFsaWNlAHg=" QUIT)
expect_match "587 AUTH before STARTTLS refused: 503" '^503 AUTH command used when not advertised' "$out"
out=$(out_probe $EXIM --port 587 -tls --quit-after MAIL -f alice@lab.test)
expect_match "587 after STARTTLS offers AUTH PLAIN LOGIN" '^<~  250-AUTH PLAIN LOGIN' "$out"
expect_match "587 MAIL without AUTH: 530 5.7.0 Authentication required" '^<~\* 530 5\.7\.0 Authentication required' "$out"
out=$(out_probe $EXIM --port 587 -tls --tls-verify --tls-ca-path "$CA" --tls-sni exim.lab.test -a PLAIN -au alice \
    -ap "$PW" --quit-after RCPT -f alice@lab.test -t probe@relay-test.invalid)
expect_match "587 AUTH PLAIN as alice: 235" '^<~  235 Authentication succeeded' "$out"
expect_match "587 authenticated relay allowed at RCPT" '^<~  250 Accepted' "$out"
out=$(out_probe $EXIM --port 465 --tls-on-connect -a LOGIN -au alice@lab.test -ap "$PW" --quit-after AUTH)
expect_match "465 implicit TLS, AUTH LOGIN as alice@lab.test: 235" '^<~  235 Authentication succeeded' "$out"
token=lab-mta-exim-$$-$RANDOM
out=$(out_probe $EXIM -f probe@spf-pass.lab.test -t alice@lab.test --header "Subject: $token")
check "delivered into alice's Maildir with Authentication-Results spf=pass"
if msg=$(maildir_has alice "$token") && grep -q 'spf=pass' <<<"$msg"; then ok
else bad "not delivered or no spf=pass" "$out$(tail -n 3 "$RUN/log/exim/mainlog")"; fi

echo "== Exim: exim-relay.lab.test ($EXIM_RELAY) and exim-screened.lab.test ($EXIM_SCREENED)"
out=$(out_probe $EXIM_RELAY --quit-after RCPT -f probe@spf-pass.lab.test -t probe@relay-test.invalid)
expect_match "open relay: relay from outside accepted at RCPT" '^<-  250 Accepted' "$out"
out=$(out_probe $EXIM_RELAY --quit-after RCPT -f probe@spf-pass.lab.test -t nobody@lab.test)
expect_match "open relay still refuses unknown lab.test users" '^<\*\* 550 Unrouteable address' "$out"
out=$(timeout 10 python3 -c '
import socket
s = socket.create_connection(("127.0.0.17", 25), timeout=8, source_address=("127.0.0.30", 0))
s.sendall(b"EHLO early.mailspec.test\r\n")
print(s.recv(4096).decode())' 2>&1)
expect_match "screened: an early talker gets 554 SMTP synchronization error (after 3 s)" '^554 SMTP synchronization error' "$out"
out=$(probe $EXIM_SCREENED --local-interface 127.0.0.20 --quit-after CONNECT)
expect_match "screened: inside is greeted without the delay" '^<-  220 exim-screened\.lab\.test' "$out"

echo "== OpenSMTPD: smtpd.lab.test ($SMTPD)"
out=$(out_probe $SMTPD --quit-after EHLO)
expect_match "banner 220 smtpd.lab.test ESMTP OpenSMTPD" '^<-  220 smtpd\.lab\.test ESMTP OpenSMTPD' "$out"
expect_match "EHLO offers STARTTLS" '^<-  250-STARTTLS' "$out"
expect_no_match "EHLO offers no AUTH, no VRFY and (OpenSMTPD 6.8) no PIPELINING" '^<-  250.(AUTH|VRFY|PIPELINING)' "$out"
# OpenSMTPD 6.8 with OpenSSL 3: the key lives in its "ca" process and the signing hook fails.
out=$(tls $SMTPD 25 -starttls smtp -servername smtpd.lab.test -msg)
expect_match "STARTTLS: server sends its certificate" '<<< TLS 1\.3, Handshake \[length [0-9a-f]+\], Certificate' "$out"
expect_match "STARTTLS: then a fatal internal_error alert instead of CertificateVerify" \
    'alert internal error.*SSL alert number 80' "$out"
expect_match "STARTTLS failure logged: missing private key, EVP lib" 'rsa routines::missing private key' \
    "$(tail -n 30 "$RUN/log/opensmtpd.log")"
out=$(out_probe $SMTPD -tls --quit-after EHLO)
expect_match "swaks: 220 2.0.0 Ready to start TLS, then the handshake fails" \
    '^<-  220 2\.0\.0 Ready to start TLS' "$out"
expect_match "465 implicit TLS fails the same way" 'alert internal error' "$(tls $SMTPD 465)"
out=$(out_probe $SMTPD --quit-after EHLO)
expect_match "the daemon survives the failed handshakes" '^<-  220 smtpd\.lab\.test' "$out"
out=$(out_probe $SMTPD --port 587 --quit-after MAIL -f alice@lab.test)
expect_no_match "587 offers no AUTH before STARTTLS" '^<-  250.AUTH' "$out"
expect_match "587 MAIL before STARTTLS: 530 5.5.1" '^<\*\* 530 5\.5\.1 Invalid command: Must issue a STARTTLS command first' "$out"
out=$(talk $SMTPD 587 "EHLO probe.mailspec.test" "AUTH PLAIN AGFsaWNlAHg=" QUIT)
expect_match "587 AUTH before STARTTLS refused: 503 5.5.1" '^503 5\.5\.1 Invalid command: Command not supported' "$out"
out=$(out_probe $SMTPD --quit-after RCPT -f probe@spf-pass.lab.test -t probe@relay-test.invalid)
expect_match "relay denied from outside: 550 Invalid recipient" '^<\*\* 550 Invalid recipient' "$out"
out=$(probe $SMTPD --local-interface 127.0.0.20 --quit-after RCPT -f probe@spf-pass.lab.test -t probe@relay-test.invalid)
expect_match "relay allowed from inside at RCPT" '^<-  250 2\.1\.5 ' "$out"
out=$(out_probe $SMTPD --quit-after RCPT -f probe@spf-pass.lab.test -t nobody@lab.test)
expect_match "unknown lab.test user: 524 5.2.4 Mailing list expansion problem" '^<\*\* 524 5\.2\.4 ' "$out"
out=$(talk $SMTPD 25 "EHLO probe.mailspec.test" "VRFY postmaster@lab.test" "EXPN postmaster" QUIT)
expect_match "VRFY and EXPN unknown: 500 5.5.1" '^500 5\.5\.1 Invalid command: Command unrecognized' "$out"
token=lab-mta-smtpd-$$-$RANDOM
out=$(out_probe $SMTPD -f probe@spf-pass.lab.test -t bob@lab.test --header "Subject: $token")
check "delivered into bob's Maildir"
if maildir_has bob "$token" >/dev/null; then ok; else bad "not delivered" "$out$(tail -n 3 "$RUN/log/opensmtpd.log")"; fi
out=$(out_probe $SMTPD_RELAY --quit-after RCPT -f probe@spf-pass.lab.test -t probe@relay-test.invalid)
expect_match "smtpd-relay: relay from outside accepted at RCPT" '^<-  250 2\.1\.5 ' "$out"

echo "== outbound mail goes to the sink, and only the relays that completed DATA"
check "no relay probe (all stop at RCPT) reached the sink"
sleep 0.5
if [ "$(sink_count)" = "$sink0" ]; then ok; else bad "sink count $sink0 -> $(sink_count)"; fi
for server in $EXIM $SMTPD; do
    probe $server --local-interface 127.0.0.20 -f probe@spf-pass.lab.test -t far@relay-test.invalid >/dev/null
done
check "the two completed relays from inside (Exim, OpenSMTPD) reached the sink, nothing else"
for _ in $(seq 50); do [ "$(sink_count)" -ge $((sink0 + 2)) ] && break; sleep 0.1; done
sleep 0.3
if [ "$(sink_count)" = $((sink0 + 2)) ]; then ok; else bad "sink count $sink0 -> $(sink_count)"; fi

echo "== lab/up keeps them, --mta none stops them, lab/down cleans up"
pids="$(cat "$RUN/exim/exim.pid" "$RUN/opensmtpd/smtpd.pid")"
"$ROOT/lab/up" >/dev/null || bad "lab/up (no --mta) failed"
check "lab/up without --mta keeps both daemons (same pids)"
if [ "$(cat "$RUN/exim/exim.pid" "$RUN/opensmtpd/smtpd.pid")" = "$pids" ]; then ok; else bad "restarted"; fi
"$ROOT/lab/up" --mta none >/dev/null || bad "lab/up --mta none failed"
check "lab/up --mta none stops both (ports closed), Postfix stays"
open=""
for a in $EXIM:25 $EXIM:587 $EXIM_SCREENED:25 $SMTPD:25 $SMTPD_RELAY:465; do
    timeout 1 bash -c "exec 3<>/dev/tcp/${a%:*}/${a#*:}" 2>/dev/null && open+=" $a"
done
if [ -z "$open" ] && grep -q '^<-  220 mail' <<<"$(smtp_probe --quit-after CONNECT)"; then ok; else bad "still open:$open"; fi
trap - EXIT
"$ROOT/lab/down" >/dev/null || bad "lab/down failed"
check "no process runs a binary from the cache ($LAB_CACHE_DIR) after lab/down"
if pgrep -f -- "$LAB_CACHE_DIR/" >/dev/null; then bad "left" "$(pgrep -a -f -- "$LAB_CACHE_DIR/")"; else ok; fi
lab_finish
