#!/usr/bin/env bash
# The auth_required, auth, starttls and tls checks against the lab Postfix: with the correct
# configuration every check passes; each broken variant makes exactly the checks that describe
# its break fail (or, for AUTH behind an untrusted certificate, error), with a message that
# says what was expected. No check may deliver mail: the sink count must not move.
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
printf 'not the password' >"$TMP/wrong.password"
cat >"$TMP/tls-auth.yaml" <<YAML
suite: tls-auth-lab
targets:
  mx: { host: 127.0.0.10, port: 25, tls_name: mail.lab.test, ca_file: $LAB_RUN/tls/ca.pem }
  submission: { host: 127.0.0.10, port: 587, tls_name: mail.lab.test, ca_file: $LAB_RUN/tls/ca.pem }
  smtps: { host: 127.0.0.10, port: 465, tls: implicit, tls_name: mail.lab.test, ca_file: $LAB_RUN/tls/ca.pem }
defaults: { timeout: 10s, helo: probe.mailspec.test, from: [outside] }
checks:
  - id: submission-auth-required
    target: submission
    auth_required: { starttls: true, sender: probe@nospf.lab.test }
  - id: submission-no-plaintext-auth
    target: submission
    auth: { before_tls: refused }
  - id: alice-submits
    target: submission
    auth:
      mechanism: any
      user: alice
      password_file: $LAB_RUN/secrets/alice.password
      relay_after_auth: allowed
      rcpt: x@relay-test.invalid
      sender: alice@lab.test
  - id: wrong-password-rejected
    target: submission
    auth: { mechanism: PLAIN, user: alice, password_file: $TMP/wrong.password, expect: rejected }
  - id: mx-starttls
    target: mx
    starttls: { min_version: TLSv1.2, days_left: 30, after_tls: { lacks: [AUTH] }, injection: rejected }
  - id: submission-starttls
    target: submission
    starttls: { min_version: TLSv1.2, after_tls: { has: ["AUTH PLAIN"] }, injection: rejected }
  - id: smtps
    target: smtps
    tls: { min_version: TLSv1.2, days_left: 30, ehlo: { has: [AUTH] } }
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
        "$TMP/tls-auth.yaml" >"$TMP/$variant.out" 2>&1
    expect_verdicts "$variant" "$TMP/$variant.json" "$TMP/$variant.out" "$@"
    check "$variant: nothing delivered"
    if [ "$(sink_count)" = "$before" ]; then ok; else bad "the sink received mail"; fi
}

run_variant correct
run_variant plaintext-auth submission-no-plaintext-auth=fail
run_variant no-starttls mx-starttls=fail
run_variant weak-tls mx-starttls=fail submission-starttls=fail smtps=fail
# An expired certificate fails the TLS checks; AUTH checks refuse to send a credential to it
# (error), and so does auth_required, which cannot isolate AUTH from TLS there.
run_variant expired-cert mx-starttls=fail submission-starttls=fail smtps=fail \
    alice-submits=error wrong-password-rejected=error submission-auth-required=error
lab_finish
