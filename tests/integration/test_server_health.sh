#!/usr/bin/env bash
# ports and queue against the lab: the shipped server-health suite passes on the correct
# Postfix from the inside and outside vantages (mail ports open with their banners, 3306/8080
# closed, an empty queue read with the lab's own postqueue -c); a ports check that expects
# IMAP closed fails naming the port; with the counting sink paused (SIGSTOP: it accepts but
# never greets, so nothing is delivered anywhere) a relayed message sits in Postfix's active
# queue and the queue check sees it per queue and per domain; a missing postqueue config is
# an error with postqueue's reason.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
TMP=$(mktemp -d)
SINK_PID=
cleanup() {
    [ -n "$SINK_PID" ] && kill -CONT "$SINK_PID" 2>/dev/null
    "$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"
    rm -rf "$TMP"
}
trap cleanup EXIT
"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
export POSTFIX_CONFIG=$LAB_RUN/postfix/etc

echo "== shipped suite on the correct lab"
"$MAILSPEC" run --json "$TMP/health.json" "$ROOT/suites/server-health.yaml" >"$TMP/health.out" 2>&1
expect_matrix "server-health" "$TMP/health.json"
expect_results "$TMP/health.json" <<'PY'
passed = sorted(r["vantage"] for r in results
                if r["check_id"] == "ports-exposed" and r["status"] == "pass")
print(f"  check: ports-exposed passes from inside and outside ... " +
      ("ok" if passed == ["inside", "outside"] else f"FAILED: {passed}"))
fails += passed != ["inside", "outside"]
r = want("ports-exposed", "pass", "open 25,110,143,465,587,993,995", "closed 3306,8080")
prop(r, "port.25.state", "open")
prop(r, "port.3306.state", "closed")
r = want("queue-healthy", "pass", "active 0, deferred 0, hold 0")
prop(r, "queue.total", "0")
PY

cat >"$TMP/probe.yaml" <<YAML
suite: health-probe
targets: { mx: { host: 127.0.0.10 } }
vantages: { inside: { bind: 127.0.0.20 }, outside: { bind: 127.0.0.30 } }
defaults: { timeout: 10s }
checks:
  - id: imap-closed
    from: [outside]
    ports: { open: [25, 993], closed: [143], expect_banner: { 25: "^554 " } }
  - id: queue-busy
    queue:
      command: [postqueue, -c, "$POSTFIX_CONFIG", -j]
      active: { max: 0 }
      domains: { example.net: { max: 0 } }
  - id: queue-seen
    queue:
      command: [postqueue, -c, "$POSTFIX_CONFIG", -j]
      total: { min: 1 }
      domains: { example.net: { min: 1, max: 1 } }
  - id: queue-no-config
    queue: { command: [postqueue, -c, "$TMP/nowhere", -j] }
YAML

echo "== a message held at the paused sink"
SINK_PID=$(pgrep -f "smtp-sink .*$LAB_RUN" | head -1)
check "the lab's sink runs"
if [ -n "$SINK_PID" ]; then ok; else bad "no smtp-sink process for $LAB_RUN"; fi
kill -STOP "$SINK_PID"
out=$(smtp_probe --local-interface 127.0.0.20 --from alice@lab.test --to bob@example.net)
expect_match "inside relays to example.net" '250 2.0.0 Ok: queued' "$out"
for _ in $(seq 50); do
    postqueue -c "$POSTFIX_CONFIG" -j | grep -q '"queue_name": "active"' && break
    sleep 0.1
done
"$MAILSPEC" run --json "$TMP/probe.json" "$TMP/probe.yaml" >"$TMP/probe.out" 2>&1
kill -CONT "$SINK_PID"
SINK_PID=
expect_results "$TMP/probe.json" <<'PY'
want("imap-closed", "fail", "port 143 open, expected closed", "port 25 banner")
r = want("queue-busy", "fail", "active: 1 messages, expected at most 0",
         "to example.net: 1 messages, expected at most 0")
prop(r, "queue.active", "1")
prop(r, "queue.domain.example.net", "1")
want("queue-seen", "pass")
want("queue-no-config", "error", "failed (exit status", "main.cf")
PY
lab_finish
