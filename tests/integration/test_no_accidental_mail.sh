#!/usr/bin/env bash
# No accidental mail: against a server that accepts everything (the lab's Postfix smtp-sink on
# 127.0.0.11:25, which writes one file per completed message into lab/run/sink/), every check
# kind that probes the mail path (relay with all 16 variants, recipient, sender, spf_reject,
# auth with relay_after_auth, auth_required, vrfy, error_limit, starttls, capabilities,
# banner) completes ZERO messages, although the sink says yes to every MAIL and RCPT. A relay
# check with `send_data: true` sends DATA and drops it before the final dot: still zero. Only
# `complete: true` completes a message, exactly one.
set -uo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
work=$(mktemp -d)
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$work"' EXIT
"$ROOT/lab/up" >"$work/lab-up.log" 2>&1 || { tail "$work/lab-up.log"; echo "FAIL: lab/up failed"; exit 1; }

SINK=127.0.0.11
head_suite() {
    cat <<YAML
suite: $1
targets:
  sink: { host: $SINK, port: 25 }
vantages:
  outside: { bind: 127.0.0.30 }
defaults: { timeout: 20s, helo: probe.mailspec.test, from: [outside] }
checks:
YAML
}

{
    head_suite no-mail
    cat <<'YAML'
  - id: relay-all
    relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@example.org,
             local_domain: lab.test, variants: all }
  - id: recipient
    recipient: { rcpt: alice@lab.test, expect: accepted }
  - id: sender
    sender: { sender: probe@no-mx.lab.test, rcpt: alice@lab.test, expect: { code: 550 } }
  - id: spf
    spf_reject: { sender: probe@spf-fail.lab.test, rcpt: alice@lab.test, dns: "127.0.0.10:53" }
  - id: auth
    auth: { mechanism: PLAIN, user: alice, password_env: SINK_PW, starttls: false,
            relay_after_auth: allowed, rcpt: probe@relay-test.invalid, sender: alice@lab.test }
  - id: auth-required
    auth_required: { rcpt: postmaster@lab.test }
  - id: vrfy
    vrfy: { address: alice@lab.test }
  - id: error-limit
    error_limit: { commands: 5 }
  - id: starttls
    starttls: {}
  - id: capabilities
    capabilities: { has: [PIPELINING] }
  - id: banner
    banner: {}
YAML
} >"$work/no-mail.yaml"

{
    head_suite send-data
    echo "  - { id: data-dropped, relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@example.org, send_data: true } }"
} >"$work/send-data.yaml"
{
    head_suite complete
    echo "  - { id: data-completed, relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@example.org, send_data: true, complete: true } }"
} >"$work/complete.yaml"

# phase NAME WANTED-DELTA: runs NAME.yaml; the sink must have received exactly that many more.
phase() {
    local before after
    before=$(sink_count)
    SINK_PW=not-a-real-password "$MAILSPEC" run "$work/$1.yaml" -vv --json "$work/$1.json" >"$work/$1.console" 2>&1
    sleep 0.5 # smtp-sink writes its file as the transaction ends; give it a moment
    after=$(sink_count)
    check "$1: the sink received $2 message(s)"
    if [ $((after - before)) = "$2" ]; then ok; else bad "it received $((after - before))" "$(tail -40 "$work/$1.console")"; fi
}

echo "== every probing check kind against a sink that accepts everything"
phase no-mail 0
# The checks did talk to the sink (otherwise zero proves nothing): the relay variants and the
# recipient probe were accepted at RCPT, DATA never followed.
check "the relay variants were relayed (RCPT accepted) and reported as fail"
n=$(python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1]))["results"] if r["check_id"] == "relay-all" and r["status"] == "fail"))' "$work/no-mail.json")
if [ "$n" -ge 10 ]; then ok; else bad "only $n relay variants failed" "$(tail -40 "$work/no-mail.console")"; fi
expect_match "the recipient probe was accepted" '^recipient pass$' \
    "$(python3 -c 'import json,sys; [print(r["name"], r["status"]) for r in json.load(open(sys.argv[1]))["results"]]' "$work/no-mail.json")"
# From loopback the acceptance is inconclusive (SPF implementations exempt 127.0.0.0/8), but
# the probe ran to RCPT: the message says what the sink answered.
expect_match "the SPF preflight found a fail and the sink accepted the sender" \
    '^spf inconclusive RCPT TO:<alice@lab.test> answered 250 .*loopback' \
    "$(python3 -c 'import json,sys; [print(r["name"], r["status"], r["message"]) for r in json.load(open(sys.argv[1]))["results"]]' "$work/no-mail.json")"
# Every check reached the server and got a verdict (an error would prove nothing).
python3 - "$work/no-mail.json" >"$work/verdicts" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    if not r["variant"]:
        print(r["check_id"], r["status"], r["message"][:100])
PY
sed 's/^/    /' "$work/verdicts"
expect_no_match "no check ended in error" ' error ' "$(cat "$work/verdicts")"
check "no check sent DATA"
n=$(grep -a -c -E -- '(->|~>) DATA$' "$work/no-mail.console")
if [ "$n" = 0 ]; then ok; else bad "DATA was sent $n time(s)" "$(grep -a -B3 -E -- '(->|~>) DATA$' "$work/no-mail.console")"; fi

echo "== relay with send_data: true drops DATA before the final dot"
phase send-data 0
expect_match "DATA was sent" '-> DATA' "$(cat "$work/send-data.console")"

echo "== relay with complete: true completes exactly one message"
phase complete 1

lab_finish
