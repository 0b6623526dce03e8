#!/usr/bin/env bash
# The xclient vantage against Postfix's smtp-sink, which offers "XCLIENT NAME HELO" (and
# with -C no XCLIENT at all): impersonating with attributes the server takes sends XCLIENT
# after the first EHLO and judges the second EHLO; an attribute it does not take, or a server
# without XCLIENT, makes the check `inconclusive` with the reason. (Postfix's smtpd with
# smtpd_authorized_xclient_hosts answers 220 instead of 250; both are accepted.)
set -euo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
# shellcheck source=lib/servers.sh
. "$(dirname "$0")/lib/servers.sh"
servers_setup smtp-sink

addr=127.0.0.64
with_port=$(free_port $addr)
without_port=$(free_port $addr)
smtp-sink -u nobody "$addr:$with_port" 10 & pids+=($!)
smtp-sink -C -u nobody "$addr:$without_port" 10 & pids+=($!)
wait_listening $addr "$with_port"
wait_listening $addr "$without_port"

cat >"$work/suite.yaml" <<YAML
suite: xclient
targets:
  with: { host: $addr, port: $with_port }
  without: { host: $addr, port: $without_port }
vantages:
  inside: { bind: 127.0.0.1 }
  outsider: { xclient: { name: outside.example, helo: outside.example, via: inside } }
  outsider-addr: { xclient: { addr: 192.0.2.1, name: "[UNAVAILABLE]" } }
defaults: { timeout: 5s, helo: probe.mailspec.test }
checks:
  - id: caps
    target: with
    from: [outsider, outsider-addr]
    capabilities: { has: [PIPELINING] }
  - id: caps-without
    target: without
    from: [outsider]
    capabilities: { has: [PIPELINING] }
YAML

status=0
"$MAILSPEC" run "$work/suite.yaml" --json "$work/out.json" >"$work/console.txt" 2>&1 || status=$?
cat "$work/console.txt"

python3 - "$work/out.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
res = {(r["check_id"], r["vantage"]): r for r in doc["results"]}
failures = 0
def expect(cond, what, r=None):
    global failures
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or r is None else f": {r['status']} {r['message']}"))
    failures += not cond

r = res[("caps", "outsider")]
sent = [t["text"] for t in r["transcript"] if t["dir"] == "->"]
expect(r["status"] == "pass", "capabilities pass through XCLIENT impersonation", r)
expect(sent[:3] == ["EHLO probe.mailspec.test", "XCLIENT NAME=outside.example HELO=outside.example",
                    "EHLO outside.example"],
       f"EHLO, XCLIENT, then EHLO with the impersonated HELO name (sent: {sent})", r)
expect(any(t["text"] == "connected from 127.0.0.1" for t in r["transcript"]),
       "the connection came through the via vantage (bind 127.0.0.1)", r)
r = res[("caps", "outsider-addr")]
expect(r["status"] == "inconclusive" and "does not take ADDR" in r["message"],
       "an attribute the server does not list makes the check inconclusive", r)
r = res[("caps-without", "outsider")]
expect(r["status"] == "inconclusive" and "does not offer XCLIENT" in r["message"],
       "a server without XCLIENT makes the check inconclusive", r)
sys.exit(1 if failures else 0)
PY
