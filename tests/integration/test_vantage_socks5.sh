#!/usr/bin/env bash
# The socks5 vantage through a real SOCKS5 server (Debian's microsocks), without and with
# RFC 1929 username/password, to Postfix's smtp-sink on another loopback address: the banner
# check passes through the proxy; a wrong password, a target the proxy cannot reach and a
# proxy that is not there each give an `error` result naming the reason.
set -euo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
# shellcheck source=lib/servers.sh
. "$(dirname "$0")/lib/servers.sh"
servers_setup microsocks smtp-sink

sink_addr=127.0.0.62
sink_port=$(free_port $sink_addr)
open_port=$(free_port 127.0.0.1)
auth_port=$(free_port 127.0.0.1)
dead_port=$(free_port 127.0.0.1)    # nothing listens here
closed_port=$(free_port $sink_addr) # nor here

smtp-sink -u nobody "$sink_addr:$sink_port" 10 & pids+=($!)
microsocks -i 127.0.0.1 -p "$open_port" >"$work/ms-open.log" 2>&1 & pids+=($!)
microsocks -i 127.0.0.1 -p "$auth_port" -u alice -P 'pa ss' >"$work/ms-auth.log" 2>&1 & pids+=($!)
wait_listening $sink_addr "$sink_port"
wait_listening 127.0.0.1 "$open_port"
wait_listening 127.0.0.1 "$auth_port"

printf 'pa ss\n' >"$work/alice.password"
cat >"$work/suite.yaml" <<YAML
suite: socks5
targets:
  sink: { host: $sink_addr, port: $sink_port }
  closed: { host: $sink_addr, port: $closed_port }
vantages:
  open: { socks5: "127.0.0.1:$open_port" }
  open-from-bind: { socks5: { proxy: "127.0.0.1:$open_port", bind: 127.0.0.1 } }
  authed-env: { socks5: { proxy: "127.0.0.1:$auth_port", user: alice, password_env: SOCKS_TEST_PW } }
  authed-file: { socks5: { proxy: "127.0.0.1:$auth_port", user: alice, password_file: alice.password } }
  wrong-password: { socks5: { proxy: "127.0.0.1:$auth_port", user: alice, password_env: SOCKS_TEST_WRONG } }
  no-proxy: { socks5: "127.0.0.1:$dead_port" }
defaults: { timeout: 5s }
checks:
  - id: banner
    target: sink
    from: [open, open-from-bind, authed-env, authed-file, wrong-password, no-proxy]
    banner: { code: 220 }
  - id: banner-closed
    target: closed
    from: [open]
    banner: { code: 220 }
YAML

status=0
SOCKS_TEST_PW='pa ss' SOCKS_TEST_WRONG=nope "$MAILSPEC" run "$work/suite.yaml" --json "$work/out.json" \
    >"$work/console.txt" 2>&1 || status=$?
cat "$work/console.txt"
[ "$status" -eq 1 ] || { echo "FAIL: expected exit status 1 (errors present), got $status"; exit 1; }

python3 - "$work/out.json" "$work/console.txt" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
console = open(sys.argv[2]).read()
res = {(r["check_id"], r["vantage"]): r for r in doc["results"]}
failures = 0
def expect(cond, what, r=None):
    global failures
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or r is None else f": {r['status']} {r['message']}"))
    failures += not cond

for v in ["open", "open-from-bind", "authed-env", "authed-file"]:
    r = res[("banner", v)]
    expect(r["status"] == "pass", f"banner passes through the proxy from vantage {v}", r)
    expect(any("via socks5 127.0.0.1:" in t["text"] for t in r["transcript"]),
           f"transcript of {v} says it went via socks5", r)
r = res[("banner", "authed-env")]
expect(any("as alice" in t["text"] for t in r["transcript"]), "transcript names the SOCKS user", r)
r = res[("banner", "wrong-password")]
expect(r["status"] == "error" and "connect via socks5 127.0.0.1:" in r["message"]
       and "refused the username/password" in r["message"],
       "a wrong password is an error naming the SOCKS refusal", r)
r = res[("banner", "no-proxy")]
expect(r["status"] == "error" and "cannot reach the proxy" in r["message"],
       "an absent proxy is an error saying the proxy cannot be reached", r)
r = res[("banner-closed", "open")]
expect(r["status"] == "error" and "connect via socks5" in r["message"] and "refused" in r["message"],
       "a target the proxy cannot connect to is an error with the proxy's reply", r)
expect("pa ss" not in json.dumps(doc) and "pa ss" not in console, "the password appears nowhere in the output")
expect(len(doc["results"]) == 7, "one result per (check, vantage)")
sys.exit(1 if failures else 0)
PY
