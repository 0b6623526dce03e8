#!/usr/bin/env bash
# The shipped suites against every MTA the lab runs besides Postfix (test_suites_matrix.sh has
# Postfix and its variants): real Exim 4.96 and OpenSMTPD 6.8, each correct and as an open
# relay (lab/up --mta all), and the qmail REPLAY (tests/replay: a hand-written server that
# follows sagredo's qmail-smtpd source, since Debian has no qmail). Every verdict is asserted:
# the listed checks have the given status, every other result passes — the verdicts a careful
# admin gives each server (lab/MTA-VERDICTS.md, tests/replay/QMAIL-VERDICTS.md say why). The
# shipped TLS audit runs against Exim and OpenSMTPD too. No false pass, no false alarm;
# nothing reaches the outbound sink.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
# shellcheck source=../../lab/lib/common.sh
. "$ROOT/lab/lib/common.sh"
lab_require
lab_lock
TMP=$(mktemp -d)
REPLAY=''
cleanup() {
    [ -n "$REPLAY" ] && { kill "$REPLAY" 2>/dev/null; wait "$REPLAY" 2>/dev/null; }
    "$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"
    rm -rf "$TMP"
}
trap cleanup EXIT
started=$(date +%s)
"$ROOT/lab/up" --mta all >"$TMP/up.log" 2>&1 || { cat "$TMP/up.log"; echo "FAIL: lab/up --mta all"; exit 1; }
TLS=$LAB_RUN/tls
SECRETS=$LAB_RUN/secrets

# --- the qmail replay as qmail.lab.test on 127.0.0.40:25/587/465 -----------------------------
# sagredo's settings as they are (greeting delay 5 s on 25 and 3 s on 587/465, brtlimit 2,
# spfbehavior 3, FORCEAUTHMAILFROM on submission); its certificate from the lab CA; DNS and SPF
# through the lab's unbound. 127.0.0.30 in control/notipme: sagredo's ipme counts all of
# 127.0.0.0/8 as "me", which qmail-spf passes without a lookup.
openssl req -newkey rsa:2048 -nodes -keyout "$TMP/qmail.key" -out "$TMP/qmail.csr" \
    -subj "/CN=qmail.lab.test" 2>/dev/null
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:qmail.lab.test,IP:$QMAIL_IP" >"$TMP/qmail.ext"
openssl x509 -req -in "$TMP/qmail.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
    -CAserial "$TMP/ca.srl" -days 30 -extfile "$TMP/qmail.ext" -out "$TMP/qmail.pem" 2>/dev/null ||
    { echo "FAIL: could not sign the replay's certificate"; exit 1; }
/usr/bin/python3 "$ROOT/tests/replay/qmail_chkuser.py" --me qmail.lab.test \
    --mx "$QMAIL_IP:25" --submission "$QMAIL_IP:587" --smtps "$QMAIL_IP:465" \
    --cert "$TMP/qmail.pem" --key "$TMP/qmail.key" \
    --password "alice@qmail.lab.test=$SECRETS/alice.password" --dns "$MAIL_IP:53" \
    --notipme "$OUTSIDE_IP" --tcp-smtp "$INSIDE_IP:allow,RELAYCLIENT=\"\",SMTPD_GREETDELAY=\"0\"" \
    --tcp-smtp ':allow,CHKUSER_WRONGRCPTLIMIT="3"' \
    --count "$TMP/qmail-completed" --log "$TMP/qmail.log" 2>"$TMP/qmail.err" &
REPLAY=$!
for port in 25 587 465; do
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/$QMAIL_IP/$port") 2>/dev/null && break; sleep 0.05; done
done

SUITES=("$ROOT/suites/mx-baseline.yaml" "$ROOT/suites/submission.yaml" "$ROOT/suites/open-relay-audit.yaml")
before=$(sink_count)

# run NAME ENV... [-- MAILSPEC-ARGS...]: the suites against one server, in the background
# (the servers are independent).
pids=()
run() {
    local name=$1 envs=() args=()
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    [ $# -gt 0 ] && shift && args=("$@")
    env "${envs[@]}" "$MAILSPEC" run --vantages "$ROOT/lab/vantages.yaml" --json "$TMP/$name.json" -q \
        "${args[@]}" "${SUITES[@]}" >"$TMP/$name.out" 2>&1 &
    pids+=($!)
}
# Two configurations of one MTA are one daemon: they run one after the other (Exim's per-host
# connection limit would answer 421 to the second run, and rightly).
run exim MX_HOST=$EXIM_IP MX_NAME=exim.lab.test MX_SCREENED_HOST=$EXIM_SCREENED_IP
run smtpd MX_HOST=$SMTPD_IP MX_NAME=smtpd.lab.test MX_SCREENED_HOST=$SMTPD_IP
# qmail has no IMAP here (delivery is skipped); vpopmail logins are user@domain and
# FORCEAUTHMAILFROM wants the login as the sender; its greeting delay is deliberate.
run qmail MX_HOST=$QMAIL_IP MX_NAME=qmail.lab.test MX_SCREENED_HOST=$QMAIL_IP MX_DOMAIN=qmail.lab.test \
    MX_UNKNOWN_RCPT=nobody@qmail.lab.test MX_RCPT=alice@qmail.lab.test MX_BANNER_WITHIN=10s \
    SUBMIT_USER=alice@qmail.lab.test SUBMIT_SENDER=alice@qmail.lab.test -- --skip delivery
wait "${pids[@]}"
pids=()
run exim-relay MX_HOST=$EXIM_RELAY_IP MX_NAME=exim-relay.lab.test MX_SCREENED_HOST=$EXIM_SCREENED_IP
run smtpd-relay MX_HOST=$SMTPD_RELAY_IP MX_NAME=smtpd-relay.lab.test MX_SCREENED_HOST=$SMTPD_RELAY_IP
wait "${pids[@]}"

relay() { # relay STATUS TRICK...: the trick's result in both relay checks
    local status=$1 t
    shift
    for t in "$@"; do
        printf 'mx-baseline:relay-denied-from-outside/%s=%s open-relay-audit:no-open-relay/%s=%s ' \
            "$t" "$status" "$t" "$status"
    done
}
# From loopback an accepted SPF-fail sender proves nothing (libspf2 passes 127.0.0.0/8): the
# check says so (inconclusive) for Exim, and for OpenSMTPD, which has no SPF at all.
EXIM=(mx-baseline:spf-fail-rejected=inconclusive)
# shellcheck disable=SC2046
expect_matrix "Exim, correct" "$TMP/exim.json" "${EXIM[@]}"
# Exim's open relay relays the plain recipient, the null and the local sender, and the
# host source route (it strips it); it refuses domain literals, % and ! whatever its policy.
# shellcheck disable=SC2046
expect_matrix "Exim, open relay" "$TMP/exim-relay.json" "${EXIM[@]}" \
    $(relay fail plain null-sender local-sender source-route-host)
# OpenSMTPD 6.8 with OpenSSL 3: every TLS handshake fails (lab/README.md), so STARTTLS and
# SMTPS fail and the checks that need TLS cannot run (error). It has no sender-domain check,
# no pregreet test and no error limit: true fails.
SMTPD=(mx-baseline:spf-fail-rejected=inconclusive mx-baseline:starttls-certificate=fail
    mx-baseline:sender-domain-without-mx-rejected=fail mx-baseline:early-talker-rejected=fail
    mx-baseline:error-limit=fail mx-baseline:delivery-reaches-mailbox=error
    submission:starttls-certificate=fail submission:smtps-certificate=fail
    submission:auth-required-before-mail=error submission:auth-works=error)
expect_matrix "OpenSMTPD, correct" "$TMP/smtpd.json" "${SMTPD[@]}"
# OpenSMTPD never interprets % or !: it accepted those addresses for relaying to its own
# literal or host name — still relaying for a stranger.
# shellcheck disable=SC2046
expect_matrix "OpenSMTPD, open relay" "$TMP/smtpd-relay.json" "${SMTPD[@]}" \
    $(relay fail plain null-sender local-sender ip-literal-sender percent-ip source-route-ip \
        source-route-host bang bang-at-ip)
# qmail-smtpd has no limit on bad commands (only on bad recipients): a true fail.
expect_matrix "qmail replay" "$TMP/qmail.json" mx-baseline:error-limit=fail \
    mx-baseline:delivery-reaches-mailbox=skip

# The TLS audit (suites/tls-audit.yaml) of the two real MTAs, one after the other (many
# handshakes each). Exim (GnuTLS) meets the floor on 25 and 465 but follows the client's cipher
# order while it accepts suites of several NCSC-NL levels, and accepts more than Mozilla's
# intermediate list on 587; OpenSMTPD's handshakes all fail (OpenSSL 3), so no version is
# accepted anywhere: fails, never a pass.
for mta in "exim $EXIM_IP exim.lab.test" "smtpd $SMTPD_IP smtpd.lab.test"; do
    set -- $mta
    MX_HOST=$2 MX_NAME=$3 "$MAILSPEC" run --json "$TMP/$1-tls.json" -q "$ROOT/suites/tls-audit.yaml" \
        >"$TMP/$1-tls.out" 2>&1
done
expect_matrix "Exim, TLS audit" "$TMP/exim-tls.json" tls-audit:mx-tls-ncsc-nl=fail \
    tls-audit:submission-tls-intermediate=fail
expect_matrix "OpenSMTPD, TLS audit" "$TMP/smtpd-tls.json" tls-audit:mx-tls-floor=fail \
    tls-audit:smtps-tls-floor=fail tls-audit:mx-tls-ncsc-nl=fail tls-audit:submission-tls-intermediate=fail
expect_results "$TMP/exim-tls.json" <<'PY'
want("mx-tls-ncsc-nl", "fail", "ncsc-nl.cipher_order: TLSv1.2: the server follows the client's order")
PY
expect_results "$TMP/smtpd-tls.json" <<'PY'
want("mx-tls-floor", "fail", "no TLS version accepted")
PY

check "no message reached the outbound sink"
if [ "$(sink_count)" = "$before" ]; then ok; else bad "sink count moved from $before to $(sink_count)"; fi
check "the qmail replay completed no message"
if [ -s "$TMP/qmail-completed" ]; then bad "completed" "$(cat "$TMP/qmail-completed")"; else ok; fi
for f in "$TMP"/*.out; do
    [ $LAB_FAILS -gt 0 ] && { echo "--- $(basename "$f")"; tail -40 "$f"; }
done
echo "MTA matrix time: $(($(date +%s) - started)) s"
lab_finish
