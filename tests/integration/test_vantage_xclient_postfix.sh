#!/usr/bin/env bash
# The xclient vantage against the lab's real Postfix, whose main.cf sets
# `smtpd_authorized_xclient_hosts = 127.0.0.21` (a gateway address outside mynetworks).
# Through that gateway, impersonating the inside address relays and impersonating the outside
# address is denied: Postfix judges the XCLIENT address, not the connection's. XCLIENT from
# an unauthorised address (inside itself) is not offered, so the check is `inconclusive`.
# Needs root (lab).
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?path of the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
work=$(mktemp -d)
lab_lock
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$work"' EXIT

echo "== lab/up"
"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }

cat >"$work/suite.yaml" <<YAML
suite: xclient-postfix
targets: { mx: { host: 127.0.0.10, port: 25 } }
vantages:
  inside: { bind: 127.0.0.20 }
  gateway: { bind: 127.0.0.21 }
  as-inside: { xclient: { addr: 127.0.0.20, name: inside.lab.test, via: gateway } }
  as-outside: { xclient: { addr: 127.0.0.30, name: outside.lab.test, via: gateway } }
  unauthorised: { xclient: { addr: 127.0.0.30, name: outside.lab.test, via: inside } }
defaults: { timeout: 15s, helo: probe.mailspec.test }
checks:
  - id: relay-allowed
    from: [inside, as-inside]
    relay: { expect: allowed, rcpt: probe@relay-test.invalid, sender: probe@lab.test }
  - id: relay-denied
    from: [as-outside, unauthorised]
    relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@nospf.lab.test }
YAML

"$MAILSPEC" run "$work/suite.yaml" --json "$work/out.json" >"$work/console.txt" 2>&1
status=$?
sed 's/^/    | /' "$work/console.txt" | tail -n 20
check "exit status 0 (inconclusive is neither failure nor error)"
if [ "$status" = 0 ]; then ok; else bad "exit status $status"; fi

python3 - "$work/out.json" <<'PY' || LAB_FAILS=$((LAB_FAILS + 1))
import json, sys
doc = json.load(open(sys.argv[1]))
res = {(r["check_id"], r["vantage"]): r for r in doc["results"]}
failures = 0
def expect(key, status, what, transcript_has=None, message_has=None):
    global failures
    r = res.get(key)
    sent = [t["text"] for t in r["transcript"]] if r else []
    cond = r is not None and r["status"] == status
    cond = cond and (transcript_has is None or any(transcript_has in t for t in sent))
    cond = cond and (message_has is None or message_has in r["message"])
    print("  check: " + what + " ... " + ("ok" if cond else
          "FAILED: " + (f"{r['status']} {r['message']}\n" + "\n".join("      | " + t for t in sent) if r else "no result")))
    failures += not cond

expect(("relay-allowed", "inside"), "pass", "relay from inside (127.0.0.20) allowed")
expect(("relay-allowed", "as-inside"), "pass",
       "via the gateway, XCLIENT ADDR=127.0.0.20 relays",
       transcript_has="XCLIENT ADDR=127.0.0.20 NAME=inside.lab.test")
expect(("relay-denied", "as-outside"), "pass",
       "via the same gateway, XCLIENT ADDR=127.0.0.30 is denied",
       transcript_has="Relay access denied")
expect(("relay-denied", "unauthorised"), "inconclusive",
       "XCLIENT from an address not in smtpd_authorized_xclient_hosts: inconclusive",
       message_has="does not offer XCLIENT")
r = res.get(("relay-allowed", "as-inside"))
lines = [(t["dir"], t["text"]) for t in r["transcript"]] if r else []
after = [text for i, (d, text) in enumerate(lines) if d.startswith("<")
         and any(t.startswith("XCLIENT ") for _, t in lines[:i])]
ok = bool(after) and after[0].startswith("220 ")
print("  check: Postfix accepts XCLIENT with a new 220 greeting ... " + ("ok" if ok else f"FAILED: {after[:2]}"))
failures += not ok
sys.exit(1 if failures else 0)
PY
lab_finish
