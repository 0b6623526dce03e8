#!/usr/bin/env bash
# ports, queue, maillog and GTUBE against the lab with SpamAssassin: the shipped server-health
# suite passes on the correct Postfix from the inside and outside vantages (mail ports open
# with their banners, 2525/3306/8080 closed, an empty queue read with the lab's own postqueue
# -c, the probe message found in lab/run/log/postfix.log as status=sent relay=virtual, GTUBE
# refused at DATA) and fails with the right messages on the neglected variant (port 2525
# open, an old deferred message, GTUBE accepted); switching back deletes the stale message. A
# ports check that expects IMAP closed fails naming the port; with the counting sink paused
# (SIGSTOP: it accepts but never greets, so nothing is delivered anywhere) a relayed message
# sits in Postfix's active queue and the queue check sees it per queue and per domain; a
# missing postqueue config is an error with postqueue's reason.
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
"$ROOT/lab/up" --variant correct --with spamassassin >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
export POSTFIX_CONFIG=$LAB_RUN/postfix/etc MAILLOG_FILE=$LAB_RUN/log/postfix.log MAILLOG_RELAY='^virtual$'
export MTA_CONFIG=$POSTFIX_CONFIG

echo "== shipped suite on the correct lab"
"$MAILSPEC" run --json "$TMP/health.json" "$ROOT/suites/server-health.yaml" >"$TMP/health.out" 2>&1
expect_matrix "server-health" "$TMP/health.json"
expect_results "$TMP/health.json" <<'PY'
passed = sorted(r["vantage"] for r in results
                if r["check_id"] == "ports-exposed" and r["status"] == "pass")
print(f"  check: ports-exposed passes from inside and outside ... " +
      ("ok" if passed == ["inside", "outside"] else f"FAILED: {passed}"))
fails += passed != ["inside", "outside"]
r = want("ports-exposed", "pass", "open 25,110,143,465,587,993,995", "closed 2525,3306,8080")
prop(r, "port.25.state", "open")
prop(r, "port.3306.state", "closed")
# The probe message may be passing through the active queue while the queue check runs.
want("queue-healthy", "pass", "deferred 0, hold 0")
r = want("probe-accepted", "pass", "all 5 steps answered as expected")
print("  check: probe-accepted recorded a queue id ... " +
      ("ok" if (r or {}).get("properties", {}).get("queue_id") else "FAILED"))
fails += not (r or {}).get("properties", {}).get("queue_id")
r = want("probe-logged", "pass", "status=sent", "relay=virtual")
prop(r, "maillog.status", "sent")
prop(r, "maillog.relay", "virtual")
want("gtube-refused", "pass", "GTUBE refused: 550 5.7.1")
PY

echo "== shipped suite on the neglected variant"
"$ROOT/lab/up" --variant neglected >/dev/null || { echo "FAIL: lab/up --variant neglected failed"; exit 1; }
sleep 3 # QUEUE_MAX_AGE=2s: the stale message queued by lab/up is then "old"
QUEUE_MAX_AGE=2s "$MAILSPEC" run --json "$TMP/neglected.json" "$ROOT/suites/server-health.yaml" \
    >"$TMP/neglected.out" 2>&1
rc=$?
check "mailspec run exits 1 on the neglected server"
if [ "$rc" = 1 ]; then ok; else bad "exit status $rc"; fi
expect_results "$TMP/neglected.json" <<'PY'
failed = sorted(r["vantage"] for r in results
                if r["check_id"] == "ports-exposed" and r["status"] == "fail")
print(f"  check: ports-exposed fails from inside and outside ... " +
      ("ok" if failed == ["inside", "outside"] else f"FAILED: {failed}"))
fails += failed != ["inside", "outside"]
r = want("ports-exposed", "fail", "port 2525 open, expected closed")
prop(r, "port.2525.state", "open")
r = want("queue-healthy", "fail", "1 message older than 2s, expected at most 0 (oldest: ",
         "deferred", "to postmaster@stale.example.net: ", "Connection refused)")
prop(r, "queue.deferred", "1")
prop(r, "queue.domain.stale.example.net", "1")
want("probe-accepted", "pass")
want("probe-logged", "pass", "status=sent")
want("gtube-refused", "fail", "GTUBE message accepted at DATA")
PY
"$ROOT/lab/up" --variant correct >/dev/null || { echo "FAIL: lab/up back to correct failed"; exit 1; }
check "leaving the neglected variant deletes its stale message"
if postqueue -c "$POSTFIX_CONFIG" -j | grep -q stale.example.net; then
    bad "still queued: $(postqueue -c "$POSTFIX_CONFIG" -p | tail -3)"
else ok; fi

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
