#!/usr/bin/env bash
# suites/qmail-chkuser.yaml against the qmail REPLAY (tests/replay/qmail_chkuser.py: a
# hand-written server that follows sagredo's qmail-smtpd/chkuser/qmail-spf source, since qmail
# is not packaged for Debian). Self-contained: a throwaway CA and certificate, and a private
# unbound on a loopback port of its own serving the lab's zones (lab/templates/unbound.conf),
# so neither the lab nor its lock is needed. Proves: the replay's decision order (python unit
# tests), every check of the suite gives the verdict real qmail would get, the replay is
# immune to STARTTLS injection and serves SMTPS, chkuser's CHKUSER_WRONGRCPTLIMIT when
# brtlimit is off, and that no check completes a message.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
PY=/usr/bin/python3  # Debian's: python3-spf and python3-dns
HOST=127.0.0.40      # the replay's address: no lab service uses it (ports are random anyway)
command -v unbound >/dev/null || { echo "FAIL: unbound not installed (./run setup)"; exit 1; }
TMP=$(mktemp -d)
REPLAY='' UNBOUND=''
cleanup() {
    for p in $REPLAY $UNBOUND; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
fails=0
fail() { echo "    FAILED: $*"; fails=$((fails + 1)); }
free_port() { # free_port tcp|udp ADDRESS
    "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM)
s.bind((sys.argv[2], 0)); print(s.getsockname()[1])' "$1" "$2"
}
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

echo "  check: the replay's decision order (tests/replay/test_qmail_replay.py)"
if ! out=$("$PY" -m unittest discover -s "$ROOT/tests/replay" -p 'test_*.py' 2>&1); then
    echo "$out" | tail -30; fail "unit tests"
fi

# --- a throwaway CA and a certificate for qmail.replay.test / 127.0.0.40 ----------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/ca.key" \
    -out "$TMP/ca.pem" -days 2 -subj "/CN=qmail replay test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/server.key" \
    -out "$TMP/server.csr" -subj "/CN=qmail.replay.test" 2>/dev/null
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature" "extendedKeyUsage=serverAuth" \
    "subjectAltName=DNS:qmail.replay.test,IP:$HOST" >"$TMP/server.ext"
openssl x509 -req -in "$TMP/server.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" -CAcreateserial \
    -days 2 -extfile "$TMP/server.ext" -out "$TMP/server.pem" 2>/dev/null ||
    { echo "FAIL: could not make a certificate"; exit 1; }
(umask 077 && openssl rand -hex 12 | tr -d '\n' >"$TMP/alice.password")

# --- DNS: the lab's zones on a private unbound --------------------------------------------------
# shellcheck source=../../lab/lib/common.sh
. "$ROOT/lab/lib/common.sh"
DNSPORT=$(free_port udp 127.0.0.1)
{
    cat <<CONF
server:
    interface: 127.0.0.1
    port: $DNSPORT
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$TMP"
    pidfile: "$TMP/unbound.pid"
    logfile: "$TMP/unbound.log"
    use-syslog: no
    do-ip6: no
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
CONF
    # every @NAME_IP@ of the template, from lab/lib/common.sh
    subst=()
    for v in $(grep -oE '^[A-Z_]+_IP=' "$ROOT/lab/lib/common.sh" | tr -d =); do
        subst+=(-e "s|@$v@|${!v}|g")
    done
    grep -E '^\s*local-(zone|data|data-ptr):' "$ROOT/lab/templates/unbound.conf" | sed "${subst[@]}"
    # the replay's own domain has an MX, as a real qmail's has (chkuser checks local senders too)
    printf '    local-zone: "qmail.replay.test." static\n'
    printf '    local-data: "qmail.replay.test. 300 IN %s"\n' "MX 10 qmail.replay.test." "A $HOST"
    printf 'remote-control:\n    control-enable: no\n'
} >"$TMP/unbound.conf"
unbound -c "$TMP/unbound.conf" &
UNBOUND=$!
for _ in $(seq 50); do
    dig +time=1 +tries=1 +short @127.0.0.1 -p "$DNSPORT" mx lab.test 2>/dev/null | grep -q mail.lab.test && break
    kill -0 "$UNBOUND" 2>/dev/null || { cat "$TMP/unbound.log"; echo "FAIL: unbound died"; exit 1; }
    sleep 0.1
done

# --- the replay: MX, submission, SMTPS ----------------------------------------------------------
# Greeting delays of 1 s instead of sagredo's 5 s / 3 s keep this test quick; chkuser's delays
# (1 s, +0.3 s per refusal) and every text stay as qmail has them. 127.0.0.31 is a client
# whose tcp.smtp rule turns brtlimit off, so chkuser's own limit can be seen.
P25=$(free_port tcp $HOST) P587=$(free_port tcp $HOST) P465=$(free_port tcp $HOST)
"$PY" "$ROOT/tests/replay/qmail_chkuser.py" --mx "$HOST:$P25" --submission "$HOST:$P587" \
    --smtps "$HOST:$P465" --cert "$TMP/server.pem" --key "$TMP/server.key" \
    --password "alice@qmail.replay.test=$TMP/alice.password" --dns "127.0.0.1:$DNSPORT" \
    --notipme 127.0.0.30,127.0.0.31 --env mx:SMTPD_GREETDELAY=1 --env submission:SMTPD_GREETDELAY=1 \
    --env smtps:SMTPD_GREETDELAY=1 \
    --tcp-smtp '127.0.0.20:allow,RELAYCLIENT="",SMTPD_GREETDELAY="0"' \
    --tcp-smtp '127.0.0.31:allow,CHKUSER_WRONGRCPTLIMIT="3",BRTLIMIT="0"' \
    --tcp-smtp ':allow,CHKUSER_WRONGRCPTLIMIT="3"' \
    --count "$TMP/completed" --log "$TMP/replay.log" 2>"$TMP/replay.err" &
REPLAY=$!
for p in "$P25" "$P587" "$P465"; do
    wait_port $HOST "$p" || { cat "$TMP/replay.err"; echo "FAIL: the replay does not listen on $p"; exit 1; }
done

SUITE_ENV=("QMAIL_HOST=$HOST" "QMAIL_PORT=$P25" "QMAIL_SUBMISSION_PORT=$P587" "QMAIL_CA_FILE=$TMP/ca.pem"
    "QMAIL_SUBMIT_PASSWORD_FILE=$TMP/alice.password" "SPF_DNS=127.0.0.1:$DNSPORT")
# The replay's own extra checks (its TLS, chkuser's limit with brtlimit off, a wrong
# expectation) run at the same time as the shipped suite.
cat >"$TMP/extra.yaml" <<YAML
suite: qmail-replay-extra
targets:
  mx: { host: $HOST, port: $P25, tls_name: qmail.replay.test, ca_file: "$TMP/ca.pem" }
  smtps: { host: $HOST, port: $P465, tls: implicit, tls_name: qmail.replay.test, ca_file: "$TMP/ca.pem" }
vantages: { outside: { bind: 127.0.0.30 }, nobrt: { bind: 127.0.0.31 } }
defaults: { timeout: 20s, helo: probe.mailspec.test, from: [outside] }
checks:
  - id: starttls-injection
    target: mx
    starttls: { min_version: TLSv1.2, injection: rejected, after_tls: { lacks: [STARTTLS, AUTH] } }
  - id: smtps
    target: smtps
    tls: { min_version: TLSv1.2, ehlo: { has: ["AUTH LOGIN", "AUTH PLAIN"], lacks: [STARTTLS] } }
  - id: wrongrcptlimit
    target: mx
    from: [nobrt]
    smtp:
      - ehlo: probe.mailspec.test
      - mail_from: probe@nospf.lab.test
      - { rcpt_to: a@qmail.replay.test, expect: { code: 550, enhanced: 5.1.1 } }
      - { rcpt_to: b@qmail.replay.test, expect: { code: 550, enhanced: 5.1.1 } }
      - { rcpt_to: c@qmail.replay.test, expect: { code: 550, enhanced: 5.1.1 } }
      - rcpt_to: postmaster@qmail.replay.test
        expect: { code: 550, enhanced: 5.7.1, matches: "violating our security policies" }
  - id: expects-5-7-1
    target: mx
    recipient: { rcpt: nobody@qmail.replay.test, sender: probe@nospf.lab.test, expect: { code: 553, enhanced: 5.7.1 } }
YAML
env "${SUITE_ENV[@]}" "$MAILSPEC" run "$ROOT/suites/qmail-chkuser.yaml" --vantages "$ROOT/lab/vantages.yaml" \
    -v --json "$TMP/r.json" >"$TMP/out" 2>&1 &
RUN1=$!
"$MAILSPEC" run "$TMP/extra.yaml" --json "$TMP/extra.json" >"$TMP/extra.out" 2>&1 &
RUN2=$!
wait $RUN1 $RUN2

echo "  check: every check of suites/qmail-chkuser.yaml gets qmail's verdict"
if ! "$PY" - "$TMP/r.json" <<'PY'; then
import json, re, sys
results = {r["check_id"]: r for r in json.load(open(sys.argv[1]))["results"]}
# Checks that assert an enhanced code qmail sends only in its trailing "(#X.Y.Z)" form: they
# pass only because mailspec reads that form.
DEPENDS = {"bad-recipient-limit": "4.3.0", "spf-fail-rejected": "5.7.1", "submission-auth-before-tls": "5.3.3",
           "submission-auth-required": "5.7.1", "submission-auth-mailfrom": "5.5.1"}
# The reply text each check must quote (pass messages quote the reply).
QUOTES = {"no-mailbox": "550 5.1.1 sorry, no mailbox here by that name (chkuser)",
          "rcpthosts-code": "553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (chkuser)",
          "rcpt-domain-without-mx": "550 5.1.2 sorry, can't find a valid MX for rcpt domain (chkuser)",
          "rcpt-syntax": "553 5.1.3 sorry, rcpt syntax not allowed (chkuser)",
          "sender-syntax": "553 5.1.7 sorry, sender syntax not allowed (chkuser)",
          "sender-domain-without-mx": "550 5.1.8 sorry, can't find a valid MX for sender domain (chkuser)",
          "vrfy-noncommittal": "252"}
bad = []
for cid, r in sorted(results.items()):
    text = " ".join(str(r.get(k) or "") for k in ("message", "expected", "actual"))
    line = f"{cid}: {r['status']} - {r['message']}"
    print("      " + line)
    if r["status"] != "pass":
        bad.append(line)
    if cid in QUOTES and QUOTES[cid] not in text:
        bad.append(f"{cid}: does not quote {QUOTES[cid]!r}")
missing = {"ehlo-keywords", "early-talker-dropped", "not-in-rcpthosts", "spf-fail-rejected",
           "relay-from-inside", *QUOTES, *DEPENDS} - set(results)
bad += [f"{cid}: no result" for cid in sorted(missing)]
if bad:
    print("\n".join("    " + b for b in bad))
    sys.exit(1)
PY
    cat "$TMP/out"; fail "suite verdicts"
fi

echo "  check: the replay's TLS (STARTTLS injection, SMTPS), chkuser's own limit, a wrong expectation"
if ! "$PY" - "$TMP/extra.json" <<'PY'; then
import json, sys
results = {r["check_id"]: r for r in json.load(open(sys.argv[1]))["results"]}
want = {"starttls-injection": "pass", "smtps": "pass", "wrongrcptlimit": "pass", "expects-5-7-1": "fail"}
bad = []
for cid, status in want.items():
    r = results.get(cid)
    if r is None or r["status"] != status:
        bad.append(f"{cid}: expected {status}, got {r and (r['status'], r['message'])}")
r = results.get("expects-5-7-1") or {}
if "550 5.1.1 sorry, no mailbox here by that name (chkuser)" not in (r.get("actual") or "") + (r.get("message") or ""):
    bad.append(f"expects-5-7-1 does not say what qmail answered: {r}")
if bad:
    print("\n".join("    " + b for b in bad))
    sys.exit(1)
PY
    cat "$TMP/extra.out"; fail "extra checks"
fi

echo "  check: no message was completed"
if [ -s "$TMP/completed" ]; then cat "$TMP/completed"; fail "a check completed a message"; fi
echo "  check: the replay says it is one"
if ! grep -q "THIS IS A REPLAY, NOT QMAIL" "$ROOT/tests/replay/qmailreplay/__init__.py" ||
    ! grep -q "qmail REPLAY listening" "$TMP/replay.err"; then fail "the replay does not say it is a replay"; fi

if [ $fails -eq 0 ]; then echo PASS; else
    echo "  replay log (tail):"; tail -40 "$TMP/replay.log" | sed 's/^/    | /'
    echo "FAIL: $fails check(s)"; exit 1
fi
