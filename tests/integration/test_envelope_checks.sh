#!/usr/bin/env bash
# The envelope check kinds (recipient, sender, vrfy, spf_reject, error_limit, smtp) against the
# lab's correctly configured Postfix, through `mailspec run --json`: each passes where the
# server behaves, and a deliberately wrong expectation fails with a message naming what was
# expected and what the server answered. Uses the running lab when it is up (correct variant);
# otherwise brings it up and down itself.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:-$ROOT/build/mailspec}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_lock
WORK=$(mktemp -d)
started=0
cleanup() {
    rm -rf "$WORK"
    if [ "$started" = 1 ]; then "$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; fi
}
trap cleanup EXIT

status=$("$ROOT/lab/status" 2>/dev/null)
if grep -Eq '^ *postfix +running' <<<"$status" && grep -q '^variant: correct' <<<"$status"; then
    echo "== using the running lab (correct)"
elif grep -Eq '^ *postfix +running' <<<"$status"; then
    lab_require
    echo "== lab runs another variant: lab/up (correct)"
    "$ROOT/lab/up" || { echo "FAIL: lab/up failed"; exit 1; }
else
    lab_require
    echo "== lab/up (correct)"
    started=1
    "$ROOT/lab/up" || { echo "FAIL: lab/up failed"; exit 1; }
fi

cat > "$WORK/suite.yaml" <<'YAML'
suite: envelope-lab
targets: { mx: { host: 127.0.0.10, port: 25 } }
vantages:
  inside: { bind: 127.0.0.20 }
  outside: { bind: 127.0.0.30 }
defaults: { timeout: 20s, helo: probe.mailspec.test, from: [outside] }
checks:
  - id: unknown-user
    recipient: { rcpt: nobody@lab.test, expect: { code: 550, enhanced: 5.1.1 } }
  - id: known-user
    recipient: { rcpt: alice@lab.test, expect: accepted }
  - id: sender-no-mx
    sender: { sender: probe@no-mx.lab.test, rcpt: alice@lab.test, expect: { code: 550, enhanced: 5.1.8 } }
  - id: vrfy-disabled
    vrfy: { address: alice@lab.test }
  - id: spf-fail-rejected
    spf_reject: { sender: probe@spf-fail.lab.test, rcpt: alice@lab.test, dns: "127.0.0.10:53" }
  - id: spf-pass-inconclusive
    spf_reject: { sender: probe@spf-pass.lab.test, rcpt: alice@lab.test, dns: "127.0.0.10:53" }
  - id: error-limit
    error_limit: { commands: 30, expect: disconnect }
    timeout: 30s
  - id: dialogue
    smtp:
      - ehlo: probe.mailspec.test
      - starttls: { verify: false }
      - ehlo: probe.mailspec.test
      - mail_from: probe@spf-pass.lab.test
      - rcpt_to: nobody@lab.test
        expect: { code: 550, enhanced: 5.1.1 }
      - rcpt_to: alice@lab.test
      - data: { headers: { From: probe@spf-pass.lab.test, To: alice@lab.test, Subject: mailspec dialogue }, body: "A scripted dialogue.\n", complete: true }
        expect: 250
      - quit: {}
  - id: wrong-expectation
    recipient: { rcpt: nobody@lab.test, expect: { code: 553, enhanced: 5.7.1 } }
YAML

"$MAILSPEC" run "$WORK/suite.yaml" --json "$WORK/out.json" > "$WORK/console.txt" 2>&1
echo "mailspec run exited $?"

expect_results "$WORK/out.json" <<'PY'
want("unknown-user", "pass", "550 5.1.1")
want("known-user", "pass", "250")
want("sender-no-mx", "pass", "550 5.1.8")
want("vrfy-disabled", "pass", "502")
r = want("spf-fail-rejected", "pass", "refused as expected", " 5.7.")
if r and r.get("properties", {}).get("spf.result") != "fail":
    print("  check: spf-fail-rejected records spf.result=fail ... FAILED", r.get("properties")); fails += 1
want("spf-pass-inconclusive", "inconclusive", "is pass, not fail", "v=spf1")
want("error-limit", "pass", "disconnect after 10 errors")
r = want("dialogue", "pass")
if r and not r.get("properties", {}).get("queue_id"):
    print("  check: dialogue records a queue id ... FAILED", r.get("properties")); fails += 1
want("wrong-expectation", "fail", "expected 553 5.7.1", "550 5.1.1")
PY
[ "$LAB_FAILS" -gt 0 ] && { echo "--- console"; cat "$WORK/console.txt"; }
lab_finish
