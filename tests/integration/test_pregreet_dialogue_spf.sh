#!/usr/bin/env bash
# Issue #4 remainder against the lab, through `mailspec run --json`:
# - early_talker: postscreen on mx-screened (127.0.0.12:25) drops a client that talks before the
#   greeting (pass); the plain smtpd on 127.0.0.10:25 carries on (fail, saying what happened);
#   a polite client still gets through postscreen to smtpd.
# - the `auth` step of the `smtp` dialogue on submission (587) after STARTTLS, as alice: right
#   password passes (relay after AUTH, no DATA), wrong one fails with 535, none leaks.
# - spf_reject from the local vantage: SPF is evaluated for the connection's own local address
#   (127.0.0.1), which Postfix's SPF policy sees too.
# Always runs lab/up (idempotent) so the running lab has this checkout's templates; brings the
# lab down afterwards only if it was not running before.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:-$ROOT/build/mailspec}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
WORK=$(mktemp -d)
started=0
cleanup() {
    rm -rf "$WORK"
    if [ "$started" = 1 ]; then "$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; fi
}
trap cleanup EXIT
if ! grep -Eq '^ *postfix +running' <<<"$("$ROOT/lab/status" 2>/dev/null)"; then started=1; fi
"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }

export LAB_CA=$LAB_RUN/tls/ca.pem ALICE_PW_FILE=$LAB_RUN/secrets/alice.password
printf 'not-the-password' >"$WORK/wrong.password"
export WRONG_PW_FILE=$WORK/wrong.password
sink0=$(sink_count)

cat >"$WORK/suite.yaml" <<'YAML'
suite: pregreet-dialogue-spf
targets:
  mx: { host: 127.0.0.10, port: 25 }
  screened: { host: 127.0.0.12, port: 25 }
  submission: { host: 127.0.0.10, port: 587, tls_name: mail.lab.test, ca_file: "${LAB_CA}" }
vantages:
  outside: { bind: 127.0.0.30 }
defaults: { timeout: 15s, helo: probe.mailspec.test }
checks:
  - id: early-screened
    target: screened
    from: [outside]
    early_talker: rejected
  - id: early-stock
    target: mx
    from: [outside]
    early_talker: rejected
  - id: polite-screened
    target: screened
    from: [outside]
    smtp:
      - connect: {}
        expect: { code: 220, matches: "mail.lab.test" }
      - ehlo: probe.mailspec.test
      - mail_from: probe@nospf.lab.test
      - rcpt_to: alice@lab.test
      - quit: {}
  - id: auth-dialogue
    target: submission
    smtp:
      - ehlo: probe.mailspec.test
      - starttls: {}
      - ehlo: probe.mailspec.test
      - auth: { mechanism: PLAIN, user: alice@lab.test, password_file: "${ALICE_PW_FILE}" }
        expect: { code: 235, enhanced: 2.7.0 }
      - mail_from: alice@lab.test
      - rcpt_to: someone@relay-test.invalid
      - rset: {}
      - quit: {}
  - id: auth-dialogue-wrong
    target: submission
    smtp:
      - ehlo: probe.mailspec.test
      - starttls: {}
      - ehlo: probe.mailspec.test
      - auth: { mechanism: LOGIN, user: alice@lab.test, password_file: "${WRONG_PW_FILE}" }
      - quit: {}
  - id: auth-dialogue-plaintext
    target: submission
    smtp:
      - ehlo: probe.mailspec.test
      - auth: { mechanism: PLAIN, user: alice@lab.test, password_file: "${ALICE_PW_FILE}" }
  - id: spf-local-fail
    target: mx
    spf_reject: { sender: probe@lab.test, rcpt: alice@lab.test, dns: "127.0.0.10:53" }
  - id: spf-local-pass
    target: mx
    spf_reject: { sender: probe@spf-pass.lab.test, rcpt: alice@lab.test, dns: "127.0.0.10:53" }
YAML

"$MAILSPEC" run "$WORK/suite.yaml" --json "$WORK/out.json" >"$WORK/console.txt" 2>&1
echo "mailspec run exited $?"

expect_results "$WORK/out.json" "$ALICE_PW_FILE" <<'PY'
r = want("early-screened", "pass", "early talker")
want("early-stock", "fail", "220 mail.lab.test", "early talkers")
want("polite-screened", "pass")
want("auth-dialogue", "pass")
want("auth-dialogue-wrong", "fail", "535")
want("auth-dialogue-plaintext", "error", "plaintext")
r = want("spf-local-fail", "pass", " 5.7.")
prop(r, "spf.ip", "127.0.0.1"); prop(r, "spf.result", "fail")
r = want("spf-local-pass", "inconclusive", "from 127.0.0.1 is pass")
prop(r, "spf.ip", "127.0.0.1")
pw = open(sys.argv[2]).read().strip()
print("  check: alice's password appears nowhere in the report ... " + ("FAILED" if pw in raw else "ok"))
if pw in raw: fails += 1
PY
check "no message reached the sink (no DATA anywhere)"
if [ "$(sink_count)" = "$sink0" ]; then ok; else bad "sink grew from $sink0 to $(sink_count)"; fi
[ "$LAB_FAILS" -gt 0 ] && { echo "--- console"; cat "$WORK/console.txt"; }
lab_finish
