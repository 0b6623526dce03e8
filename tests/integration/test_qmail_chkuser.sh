#!/usr/bin/env bash
# suites/qmail-chkuser.yaml against the qmail+chkuser REPLAY server (tests/replay: a
# hand-written server answering with qmail's reply texts, since qmail is not packaged for
# Debian): every chkuser rejection is recognised, and no message is ever completed.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
TMP=$(mktemp -d)
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.12", 0)); print(s.getsockname()[1])')
/usr/bin/python3 "$ROOT/tests/replay/qmail_chkuser.py" 127.0.0.12 "$PORT" --count "$TMP/completed" &
REPLAY=$!
trap 'kill $REPLAY 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.12/"$PORT") 2>/dev/null && break; sleep 0.1; done

fails=0
QMAIL_HOST=127.0.0.12 QMAIL_PORT=$PORT "$MAILSPEC" run "$ROOT/suites/qmail-chkuser.yaml" --json "$TMP/r.json" >"$TMP/out" 2>&1
rc=$?
echo "  check: every chkuser check passes (exit $rc)"
if [ $rc -ne 0 ]; then cat "$TMP/out"; fails=$((fails + 1)); fi
echo "  check: the results quote qmail's texts"
if ! /usr/bin/python3 - "$TMP/r.json" <<'PY'
import json, sys
rs = {r["check_id"]: r for r in json.load(open(sys.argv[1]))["results"]}
want = {"no-mailbox": "no mailbox here", "rcpthosts-code": "allowed rcpthosts", "sender-syntax": "mailbox syntax not allowed",
        "sender-domain-without-mx": "valid MX", "vrfy-noncommittal": "252"}
bad = [k for k, text in want.items() if text not in (rs[k]["actual"] + rs[k]["message"])]
sys.exit(f"missing reply texts in {bad}" if bad else 0)
PY
then fails=$((fails + 1)); fi
echo "  check: a wrong expectation fails and says what the server answered"
cat >"$TMP/wrong.yaml" <<YAML
suite: wrong
targets: { q: { host: 127.0.0.12, port: $PORT } }
checks:
  - id: expects-5-7-1
    recipient: { rcpt: nobody@qmail.replay.test, sender: a@example.org, expect: { code: 553, enhanced: 5.7.1 } }
YAML
out=$("$MAILSPEC" run "$TMP/wrong.yaml" 2>&1)
if [ $? -ne 1 ] || ! grep -q "550 5.1.1 sorry, no mailbox here by that name (chkuser)" <<<"$out"; then
    echo "$out"; fails=$((fails + 1))
fi
echo "  check: no message was completed"
if [ -s "$TMP/completed" ]; then cat "$TMP/completed"; fails=$((fails + 1)); fi
[ $fails -eq 0 ] && echo PASS || { echo "FAIL: $fails check(s)"; exit 1; }
