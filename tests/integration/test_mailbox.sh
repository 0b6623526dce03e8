#!/usr/bin/env bash
# The pop3, imap and delivery checks against the lab's Dovecot and Postfix: logins pass on
# 110/143 after STLS/STARTTLS and on 995/993, a wrong password is rejected, plaintext login is
# refused, a delivery check finds its message over IMAP and over POP3 (and deletes it) and
# reports its latency (also when sent through 587 with AUTH); the password never appears in a
# report. Broken variants (weak TLS, an expired certificate) make exactly the checks that
# describe the break fail.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
TMP=$(mktemp -d)
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$TMP"' EXIT

"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
cat >"$TMP/delivery.yaml" <<YAML
suite: delivery-lab
targets:
  mx: { host: 127.0.0.10, port: 25, tls_name: mail.lab.test, ca_file: $LAB_RUN/tls/ca.pem }
  pop3s: { host: 127.0.0.10, port: 995, tls: implicit, tls_name: mail.lab.test, ca_file: $LAB_RUN/tls/ca.pem }
  submission: { host: 127.0.0.10, port: 587, tls_name: mail.lab.test, ca_file: $LAB_RUN/tls/ca.pem }
defaults: { timeout: 40s, helo: probe.mailspec.test, from: [outside] }
checks:
  - id: delivery-imap
    target: mx
    delivery:
      sender: probe@spf-pass.lab.test
      rcpt: alice@lab.test
      starttls: true
      mailbox: { protocol: imap, port: 143, user: alice, password_file: $LAB_RUN/secrets/alice.password }
      within: 30s
      headers:
        - { name: Authentication-Results, matches: "spf=pass" }
        - { name: X-Mailspec-Token }
        - { name: X-Spam-Flag, absent: true }
  - id: delivery-pop3
    target: mx
    delivery:
      sender: probe@spf-pass.lab.test
      rcpt: alice@lab.test
      mailbox: { protocol: pop3, target: pop3s, user: alice, password_file: $LAB_RUN/secrets/alice.password }
      within: 30s
      headers: [ { name: Authentication-Results, matches: "spf=pass" } ]
  - id: delivery-submission-auth
    target: submission
    delivery:
      sender: alice@lab.test
      rcpt: alice@lab.test
      starttls: true
      auth: { user: alice, password_file: $LAB_RUN/secrets/alice.password }
      mailbox: { protocol: imap, port: 993, tls: implicit, user: alice, password_file: $LAB_RUN/secrets/alice.password }
      within: 30s
  - id: delivery-header-missing
    target: mx
    delivery:
      sender: probe@spf-pass.lab.test
      rcpt: alice@lab.test
      mailbox: { protocol: imap, port: 993, tls: implicit, user: alice, password_file: $LAB_RUN/secrets/alice.password }
      within: 30s
      headers: [ { name: Received-SPF } ]   # the lab's policyd-spf writes Authentication-Results only
YAML

# run_variant VARIANT [CHECK=STATUS ...]: every check not named must pass.
run_variant() {
    local variant=$1
    shift
    echo "== variant $variant"
    "$ROOT/lab/up" --variant "$variant" >/dev/null || { bad "lab/up --variant $variant failed"; return; }
    local before
    before=$(sink_count)
    "$MAILSPEC" run --vantages "$ROOT/lab/vantages.yaml" --json "$TMP/$variant.json" -q \
        "$ROOT/suites/mailbox-access.yaml" "$TMP/delivery.yaml" >"$TMP/$variant.out" 2>&1
    expect_verdicts "$variant" "$TMP/$variant.json" "$TMP/$variant.out" "$@"
    check "$variant: the password appears nowhere in the report"
    if grep -qF -- "$(cat "$LAB_RUN/secrets/alice.password")" "$TMP/$variant.json"; then
        bad "alice's password is in $variant.json"
    else ok; fi
    check "$variant: nothing reached the outbound sink"
    if [ "$(sink_count)" = "$before" ]; then ok; else bad "the sink received mail"; fi
}

run_variant correct delivery-header-missing=fail
J=$TMP/correct.json
prop() { python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    if r["check_id"] == sys.argv[2]: print(r.get("properties", {}).get(sys.argv[3], ""))' "$J" "$@"; }
for c in delivery-imap delivery-pop3 delivery-submission-auth; do
    check "$c reports latency and the queue id"
    lat=$(prop "$c" delivery.latency_ms)
    qid=$(prop "$c" queue_id)
    if [[ "$lat" =~ ^[0-9]+$ ]] && [ -n "$qid" ]; then ok; else bad "latency '$lat', queue id '$qid'"; fi
done
expect_match "delivery-header-missing says which header is absent" \
    'Received-SPF is absent' "$(python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]: print(r["check_id"], r["message"])' "$J")"
check "the delivered test messages were deleted (cleanup)"
# Messages only (cur/, new/): Dovecot's index cache keeps header fields it has seen.
left=$(grep -rl "X-Mailspec-Token" "$LAB_RUN/mail/lab.test/alice/cur" "$LAB_RUN/mail/lab.test/alice/new" 2>/dev/null | wc -l)
if [ "$left" = 0 ]; then ok; else bad "$left test message(s) left in alice's Maildir"; fi
expect_match "plaintext POP3 login was refused with Dovecot's reason" \
    'login before TLS refused: -ERR' "$(python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]: print(r["check_id"], r.get("actual", ""))' "$J")"

run_variant weak-tls pop3-stls-login=fail pop3s-login=fail imap-starttls-login=fail imaps-login=fail \
    delivery-header-missing=fail
# An expired certificate: every check that goes through TLS fails on it, and no credential is
# sent (delivery cannot read the mailbox: error).
run_variant expired-cert pop3-stls-login=fail pop3s-login=fail imap-starttls-login=fail \
    imaps-login=fail pop3-wrong-password-rejected=fail imap-wrong-password-rejected=fail \
    delivery-imap=error delivery-pop3=error delivery-header-missing=error \
    delivery-submission-auth=error
lab_finish
